package telegram_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

const groupChat = -1001777

// mentioned are people with Cyrillic, emoji and Latin names; the fake
// knows them once each has written in the group.
var mentioned = []bot.Mention{
	{ID: "501", Name: "Анна Петрова"},
	{ID: "502", Name: "👩‍💼 Ольга  Сидорова"}, // an emoji of 5 units; two spaces shown as one
	{ID: "503", Name: "Zoë"},
}

// mentionLine is how the line of mentioned reads.
const mentionLine = "Анна Петрова, 👩‍💼 Ольга Сидорова, Zoë"

// mentionEntities are its text_mention entities, offsets and lengths
// counted by hand in UTF-16 units: «Анна Петрова» 12; «, » 2; «👩‍💼» is
// 👩 (2) + ZWJ (1) + 💼 (2), so «👩‍💼 Ольга Сидорова» is 5 + 1 + 5 + 1 + 8 = 20.
var mentionEntities = []telegramtest.Entity{
	{Type: "text_mention", Offset: 0, Length: 12, User: &telegramtest.EntityUser{ID: 501}},
	{Type: "text_mention", Offset: 14, Length: 20, User: &telegramtest.EntityUser{ID: 502}},
	{Type: "text_mention", Offset: 36, Length: 3, User: &telegramtest.EntityUser{ID: 503}},
}

func meetMentioned(s *telegramtest.Server) {
	for _, id := range []int64{501, 502, 503} {
		s.SendText(groupChat, id, "привет")
	}
}

// entityText is the part of text an entity covers, cut in UTF-16 units
// as Telegram cuts it.
func entityText(text string, e telegramtest.Entity) string {
	units := utf16.Encode([]rune(text))
	if e.Offset < 0 || e.Offset+e.Length > len(units) {
		return "<out of the text>"
	}
	return string(utf16.Decode(units[e.Offset : e.Offset+e.Length]))
}

// checkMentions fails unless m opens with the mention line and carries
// exactly the entities of the three people, each over their name.
func checkMentions(t *testing.T, m telegramtest.SentMessage, rest string) {
	t.Helper()
	if want := mentionLine + "\n" + rest; m.Text != want {
		t.Fatalf("%s text %q, want %q", m.Method, m.Text, want)
	}
	if !reflect.DeepEqual(m.Entities, mentionEntities) {
		t.Fatalf("%s entities %s, want %s", m.Method, dumpEntities(m.Entities), dumpEntities(mentionEntities))
	}
	for i, name := range []string{"Анна Петрова", "👩‍💼 Ольга Сидорова", "Zoë"} {
		if got := entityText(m.Text, m.Entities[i]); got != name {
			t.Errorf("entity %d covers %q, want %q", i, got, name)
		}
	}
}

func dumpEntities(es []telegramtest.Entity) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Type)
		if e.User != nil {
			b.WriteString(" user " + itoa(int(e.User.ID)))
		}
		b.WriteString(" @" + itoa(e.Offset) + "+" + itoa(e.Length) + "; ")
	}
	return "[" + b.String() + "]"
}

// TestSendMentions: a message to a group names the people it mentions on
// a first line, each name a text_mention of their user with its offset
// and length in UTF-16 units (Cyrillic one unit a letter, an emoji two),
// so that Telegram notifies them; a person mentioned twice, or by an id
// that is no Telegram user's, is not mentioned again.
func TestSendMentions(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	meetMentioned(s)
	people := append(append([]bot.Mention{}, mentioned...), bot.Mention{ID: "501", Name: "Анна Петрова"},
		bot.Mention{ID: "mm-user", Name: "Чужой"})
	text := "Кейс #1: скидка 🎉 для клиента"
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: itoa(groupChat), ThreadID: "", Text: text,
		Mentions: people}); err != nil {
		t.Fatal(err)
	}
	sent := s.Sent()
	if len(sent) != 1 {
		t.Fatalf("sent %d messages, want 1", len(sent))
	}
	checkMentions(t, sent[0], text)
	if p := s.CallsTo("sendMessage")[0].Params; p["parse_mode"] != "" {
		t.Errorf("parse_mode = %q, want none", p["parse_mode"])
	}
}

// TestSendMentionsPrivateChat: in a private chat nobody else could be
// notified, so the text goes as it is.
func TestSendMentionsPrivateChat(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	meetMentioned(s)
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: "42", Direct: true, Text: "Запрошен КП",
		Mentions: mentioned}); err != nil {
		t.Fatal(err)
	}
	if sent := s.Sent(); len(sent) != 1 || sent[0].Text != "Запрошен КП" || sent[0].Entities != nil {
		t.Fatalf("sent %+v, want the text alone", sent)
	}
}

// TestSendMentionsSplit: a text over 4096 units is split; the mention
// line and its entities open the first part, the other parts carry none,
// and no text is lost.
func TestSendMentionsSplit(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	meetMentioned(s)
	line := "Строка обсуждения с эмодзи 🎉🎉 и кириллицей — " + strings.Repeat("ж", 40)
	lines := make([]string, 120) // about 10 000 units: three parts
	for i := range lines {
		lines[i] = line
	}
	text := strings.Join(lines, "\n")
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: itoa(groupChat), Text: text,
		Mentions: mentioned}); err != nil {
		t.Fatal(err)
	}
	sent := s.Sent()
	if len(sent) < 3 {
		t.Fatalf("sent %d parts, want at least 3", len(sent))
	}
	first, _, _ := strings.Cut(sent[0].Text, "\n"+line+"\n")
	if first != mentionLine {
		t.Fatalf("first part opens with %q, want the mention line", first)
	}
	if !reflect.DeepEqual(sent[0].Entities, mentionEntities) {
		t.Fatalf("first part's entities %s, want %s", dumpEntities(sent[0].Entities), dumpEntities(mentionEntities))
	}
	var parts []string
	for i, m := range sent {
		if i > 0 && m.Entities != nil {
			t.Errorf("part %d has entities %s", i+1, dumpEntities(m.Entities))
		}
		parts = append(parts, m.Text)
	}
	if got := strings.Join(parts, "\n"); got != mentionLine+"\n"+text {
		t.Errorf("the parts do not make up the mention line and the text")
	}
}

// TestSendMentionsCaption: a file with a short text goes as a document
// captioned with the mention line and the text, the entities sent as
// caption_entities.
func TestSendMentionsCaption(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	meetMentioned(s)
	text := "Договор 📄 на подпись"
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: itoa(groupChat), Text: text, Mentions: mentioned,
		Files: []bot.File{{Name: "Договор.docx", Data: []byte("PK")}}}); err != nil {
		t.Fatal(err)
	}
	sent := s.Sent()
	if len(sent) != 1 || sent[0].Method != "sendDocument" {
		t.Fatalf("sent %+v, want one captioned document", sent)
	}
	checkMentions(t, sent[0], text)
	if c := s.CallsTo("sendDocument")[0]; c.Params["caption_entities"] == "" || c.Params["entities"] != "" {
		t.Errorf("sendDocument params %v, want caption_entities only", c.Params)
	}
}

// TestEditKeepsMentions: an edit of the text keeps the mention line and
// its entities, so the message reads as it did; an edit of the buttons
// alone leaves them.
func TestEditKeepsMentions(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	meetMentioned(s)
	ctx := context.Background()
	m := &bot.Message{ChatID: itoa(groupChat), Text: "Кейс #1 открыт", Mentions: mentioned, Buttons: twoRows}
	id, err := tr.Send(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Send(ctx, &bot.Message{ChatID: itoa(groupChat), EditID: id, Text: "Кейс #1 закрыт ✅",
		Mentions: mentioned}); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Send(ctx, &bot.Message{ChatID: itoa(groupChat), EditID: id, Buttons: twoRows}); err != nil {
		t.Fatal(err)
	}
	sent := s.Sent()
	if len(sent) != 3 || sent[1].Method != "editMessageText" || sent[2].Method != "editMessageReplyMarkup" {
		t.Fatalf("sent %+v", sent)
	}
	checkMentions(t, sent[1], "Кейс #1 закрыт ✅")
	checkMentions(t, sent[2], "Кейс #1 закрыт ✅")
}
