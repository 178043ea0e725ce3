package telegram_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

var twoRows = [][]bot.ButtonView{
	{{Label: "Согласовать", Token: "a1"}, {Label: "Отклонить", Token: "a2"}},
	{{Label: "Подробнее", Token: "a3"}},
}

var twoRowsSent = [][]telegramtest.Button{
	{{Text: "Согласовать", Data: "a1"}, {Text: "Отклонить", Data: "a2"}},
	{{Text: "Подробнее", Data: "a3"}},
}

func TestSendWithKeyboard(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	replyTo := s.SendText(-1001234, 8, "/deal 5")

	id, err := tr.Send(context.Background(), &bot.Message{
		ChatID: "-1001234", ThreadID: "77", ReplyTo: itoa(replyTo), Text: "Сделка <5> & \"кавычки\"", Buttons: twoRows,
	})
	if err != nil {
		t.Fatal(err)
	}
	sent := s.Sent()
	if len(sent) != 1 {
		t.Fatalf("sent %d messages, want 1", len(sent))
	}
	got := sent[0]
	want := telegramtest.SentMessage{
		Method: "sendMessage", ChatID: -1001234, MessageID: atoi(t, id), ThreadID: 77, ReplyTo: replyTo,
		Text: "Сделка <5> & \"кавычки\"", Buttons: twoRowsSent,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if p := s.CallsTo("sendMessage")[0].Params; p["parse_mode"] != "" {
		t.Errorf("parse_mode = %q, want none (plain text)", p["parse_mode"])
	}
}

func TestSendRejectsBadButtons(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	for _, b := range []bot.ButtonView{
		{Label: "Too long", Token: strings.Repeat("x", 65)},
		{Label: "", Token: "t"},
		{Label: "No token", Token: ""},
	} {
		_, err := tr.Send(context.Background(), &bot.Message{ChatID: "1", Text: "x", Buttons: [][]bot.ButtonView{{b}}})
		if !bot.IsPermanent(err) {
			t.Errorf("button %+v: got %v, want a permanent error", b, err)
		}
	}
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: "1", Text: "x",
		Buttons: [][]bot.ButtonView{{{Label: "64 bytes", Token: strings.Repeat("я", 32)}}}}); err != nil {
		t.Errorf("a 64-byte token: %v", err)
	}
	if n := s.Count("sendMessage"); n != 1 {
		t.Errorf("%d sendMessage calls, want only the valid one", n)
	}
}

func TestEdit(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	ctx := context.Background()
	id, err := tr.Send(ctx, &bot.Message{ChatID: "42", Text: "Draft", Buttons: twoRows})
	if err != nil {
		t.Fatal(err)
	}
	newKB := [][]bot.ButtonView{{{Label: "Undo", Token: "u1"}}}
	steps := []struct {
		name    string
		m       bot.Message
		text    string
		buttons [][]telegramtest.Button
	}{
		{"text and keyboard", bot.Message{Text: "Approved", Buttons: newKB}, "Approved", [][]telegramtest.Button{{{Text: "Undo", Data: "u1"}}}},
		{"not modified", bot.Message{Text: "Approved", Buttons: newKB}, "Approved", [][]telegramtest.Button{{{Text: "Undo", Data: "u1"}}}},
		{"keyboard removed", bot.Message{Text: "Approved."}, "Approved.", nil},
		{"keyboard only", bot.Message{Buttons: twoRows}, "Approved.", twoRowsSent},
	}
	for _, st := range steps {
		m := st.m
		m.ChatID, m.EditID = "42", id
		got, err := tr.Send(ctx, &m)
		if err != nil || got != id {
			t.Fatalf("%s: Send = %q, %v; want %q, nil", st.name, got, err, id)
		}
		text, buttons, _ := s.Message(42, atoi(t, id))
		if text != st.text || !reflect.DeepEqual(buttons, st.buttons) {
			t.Errorf("%s: message is %q %+v, want %q %+v", st.name, text, buttons, st.text, st.buttons)
		}
	}
	if n := s.Count("editMessageReplyMarkup"); n != 1 {
		t.Errorf("%d editMessageReplyMarkup calls, want 1", n)
	}
	got, err := tr.Send(ctx, &bot.Message{ChatID: "42", EditID: id, Text: "Signed", Files: []bot.File{{Name: "s.pdf", Data: []byte("%PDF")}}})
	if err != nil || got != id || s.Count("sendDocument") != 1 {
		t.Errorf("edit with a file: Send = %q, %v, %d documents; want %q and the file sent", got, err, s.Count("sendDocument"), id)
	}
	_, err = tr.Send(ctx, &bot.Message{ChatID: "42", EditID: "999", Text: "x"})
	if !bot.IsPermanent(err) {
		t.Errorf("editing a missing message: got %v, want a permanent error", err)
	}
}

func TestSendFile(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	doc := bot.File{Name: "Договор №5.docx", MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		Data: bytes.Repeat([]byte{0, 1, 2, 0xff}, 5000)}

	id, err := tr.Send(context.Background(), &bot.Message{ChatID: "42", Text: "Договор", Files: []bot.File{doc}, Buttons: twoRows})
	if err != nil {
		t.Fatal(err)
	}
	sent := s.Sent()
	if len(sent) != 1 {
		t.Fatalf("sent %d messages, want one captioned document", len(sent))
	}
	got := sent[0]
	if got.Method != "sendDocument" || got.Text != "Договор" || itoa(got.MessageID) != id || !reflect.DeepEqual(got.Buttons, twoRowsSent) {
		t.Errorf("got %+v", got)
	}
	if got.Document == nil || got.Document.Name != doc.Name || !bytes.Equal(got.Document.Data, doc.Data) {
		t.Errorf("document not uploaded intact: %+v", got.Document)
	}
}

func TestSendFilesWithLongText(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	text := strings.Repeat("длинная подпись ", 80) // 1280 characters, over a caption's 1024
	files := []bot.File{{Name: "a.pdf", Data: []byte("%PDF-a")}, {Name: "b.xlsx", Data: []byte("PK-b")}}

	id, err := tr.Send(context.Background(), &bot.Message{ChatID: "42", Text: text, Files: files, Buttons: twoRows})
	if err != nil {
		t.Fatal(err)
	}
	sent := s.Sent()
	if len(sent) != 3 {
		t.Fatalf("sent %d messages, want text then two documents", len(sent))
	}
	if sent[0].Method != "sendMessage" || sent[0].Text != text || sent[0].Buttons != nil {
		t.Errorf("first: %+v", sent[0])
	}
	for i, f := range files {
		got := sent[i+1]
		if got.Method != "sendDocument" || got.Document.Name != f.Name || got.Text != "" {
			t.Errorf("document %d: %+v", i, got)
		}
	}
	if last := sent[2]; itoa(last.MessageID) != id || !reflect.DeepEqual(last.Buttons, twoRowsSent) {
		t.Errorf("the buttons and the returned id belong on the last message: id %s, last %+v", id, last)
	}
}

func TestLongTextIsSplit(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	var lines []string
	for i := range 300 {
		lines = append(lines, strings.Repeat("строка ", 5)+itoa(i)+" 😀")
	}
	text := strings.Join(lines, "\n")

	id, err := tr.Send(context.Background(), &bot.Message{ChatID: "42", ReplyTo: "1", Text: text, Buttons: twoRows})
	if err != nil {
		t.Fatal(err)
	}
	sent := s.Sent()
	if len(sent) < 3 {
		t.Fatalf("sent %d messages, want the %d-character text split in at least 3", len(sent), len(text))
	}
	var parts []string
	for i, m := range sent {
		if n := len(utf16.Encode([]rune(m.Text))); n > bot.MaxTextLen {
			t.Errorf("part %d is %d UTF-16 units long", i, n)
		}
		if last := i == len(sent)-1; (m.Buttons != nil) != last || (m.ReplyTo != 0) != (i == 0) {
			t.Errorf("part %d: buttons %v, reply to %d; want buttons on the last, reply on the first", i, m.Buttons, m.ReplyTo)
		}
		parts = append(parts, m.Text)
	}
	if strings.Join(parts, "\n") != text {
		t.Error("the parts joined by newlines differ from the text: a line was broken or lost")
	}
	if itoa(sent[len(sent)-1].MessageID) != id {
		t.Errorf("returned id %s, want the last part's", id)
	}
}

func TestLongLineIsSplit(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	text := strings.Repeat("a", 5000) + "\n" + strings.Repeat("слово ", 1000)

	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: "42", Text: text}); err != nil {
		t.Fatal(err)
	}
	var total int
	for _, m := range s.Sent() {
		total += len([]rune(strings.TrimSpace(m.Text)))
	}
	if total < 5000+5000-1000 {
		t.Errorf("the parts hold %d characters, text was lost", total)
	}
}

func TestSetCommands(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	ctx := context.Background()
	menus := map[string][]bot.CommandInfo{
		"":   {{Command: "deal", Description: "Сделка"}},
		"ru": {{Command: "deal", Description: "Сделка"}, {Command: "help", Description: "Справка"}},
		"en": {{Command: "deal", Description: "Deal"}, {Command: "help", Description: "Help"}},
	}
	for lang, cmds := range menus {
		if err := tr.SetCommands(ctx, "", lang, cmds); err != nil {
			t.Fatalf("SetCommands(%q): %v", lang, err)
		}
	}
	for lang, cmds := range menus {
		var want []telegramtest.BotCommand
		for _, c := range cmds {
			want = append(want, telegramtest.BotCommand{Command: c.Command, Description: c.Description})
		}
		if got := s.Commands(lang); !reflect.DeepEqual(got, want) {
			t.Errorf("commands for %q: got %+v, want %+v", lang, got, want)
		}
	}
	if err := tr.SetCommands(ctx, "", "en-US", menus["en"]); err != nil {
		t.Fatal(err)
	}
	calls := s.CallsTo("setMyCommands")
	if p := calls[len(calls)-1].Params; p["language_code"] != "en" || p["scope"] != `{"type":"default"}` {
		t.Errorf("en-US: language_code %q scope %q, want en and the default scope", p["language_code"], p["scope"])
	}
}
