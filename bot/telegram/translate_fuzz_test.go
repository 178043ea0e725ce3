package telegram

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dealdesk/dealdesk/bot"
)

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// FuzzTranslate decodes an update the way getUpdates and the webhook do
// and checks what translate makes of it against the wire values.
func FuzzTranslate(f *testing.F) {
	const user = `"from":{"id":7,"is_bot":false,"first_name":"User","last_name":"7","username":"user7","language_code":"ru"}`
	const group = `"chat":{"id":-1001234,"type":"supergroup","title":"Group 1001234"}`
	const private = `"chat":{"id":42,"type":"private","first_name":"User","last_name":"42"}`
	for _, s := range []string{
		`{"update_id":1,"message":{"message_id":5,"date":1700000000,` + private + `,` + user + `,"text":"привет"}}`,
		`{"update_id":2,"message":{"message_id":6,"date":1700000000,` + group + `,` + user + `,"text":"/help"}}`,
		`{"update_id":3,"message":{"message_id":7,` + group + `,` + user + `,"text":"/deal@dealdesk_test_bot 42\nline two\n\nline four"}}`,
		`{"update_id":4,"message":{"message_id":8,` + group + `,` + user + `,"text":"/Deal@DealDesk_Test_Bot"}}`,
		`{"update_id":5,"message":{"message_id":9,` + group + `,` + user + `,"text":"/deal@other_bot 42"}}`,
		`{"update_id":6,"message":{"message_id":10,` + group + `,` + user + `,"text":"/new_client\nООО Ромашка\nИНН 7707083893  "}}`,
		`{"update_id":7,"message":{"message_id":11,` + group + `,` + user + `,"text":"/путь не команда"}}`,
		`{"update_id":8,"message":{"message_id":12,"message_thread_id":77,"is_topic_message":true,` + group + `,` + user + `,"text":"in a topic"}}`,
		`{"update_id":9,"message":{"message_id":13,"message_thread_id":5,` + group + `,` + user + `,"text":"a reply"}}`,
		`{"update_id":10,"message":{"message_id":14,` + group + `,` + user + `,"new_chat_members":[{"id":9,"is_bot":false,"first_name":"New"}]}}`,
		`{"update_id":11,"message":{"message_id":15,` + group + `,"from":{"id":99,"is_bot":true,"first_name":"Other"},"text":"from a bot"}}`,
		`{"update_id":12,"edited_message":{"message_id":16,` + private + `,` + user + `,"text":"edited"}}`,
		`{"update_id":13,"message":{"message_id":17,` + private + `,` + user + `,"caption":"/deal 1","document":{"file_id":"x"}}}`,
		`{"update_id":24,"message":{"message_id":24,` + private + `,` + user + `,"document":{"file_id":"BQAC","file_unique_id":"AgAD","file_name":"Договор.docx","mime_type":"application/vnd.openxmlformats-officedocument.wordprocessingml.document","file_size":12345}}}`,
		`{"update_id":25,"message":{"message_id":25,` + group + `,` + user + `,"caption":"/template@other_bot contract","document":{"file_id":"y","file_size":1}}}`,
		`{"update_id":26,"message":{"message_id":26,` + private + `,` + user + `,"caption":"/deal 1","photo":[{"file_id":"p"}]}}`,
		`{"update_id":14,"callback_query":{"id":"cb14",` + user + `,"message":{"message_id":3,` + group + `,"from":{"id":1,"is_bot":true,"first_name":"DealDesk"}},"chat_instance":"-1001234","data":"tok-yes"}}`,
		`{"update_id":15,"callback_query":{"id":"cb15",` + user + `,"inline_message_id":"abc","chat_instance":"1","data":"tok"}}`,
		`{"update_id":16,"callback_query":{"id":"cb16",` + user + `,"message":{"message_id":3,` + private + `},"data":""}}`,
		`{"update_id":17,"message":{"message_id":18,"chat":null,` + user + `,"text":"x"}}`,
		`{"update_id":18,"message":{"message_id":19,` + group + `,"text":"no sender"}}`,
		`{"update_id":19,"message":{"message_id":"20",` + group + `,` + user + `,"text":"x"}}`,
		`{"update_id":20,"message":{"message_id":21,` + group + `,` + user + `,"text":"/"}}`,
		`{"update_id":21,"message":{"message_id":22,` + group + `,` + user + `,"text":"/deal@  spaced"}}`,
		`{"update_id":22,"message":{"message_id":23,"chat":{"id":9007199254740993,"type":"channel"},"from":{"id":-1},"text":"\u0000"}}`,
		`{"update_id":23}`, `{}`, `null`, `[]`, ``, `{"update_id":`, `{"message":{"text":"\ud800"}}`,
	} {
		f.Add([]byte(s))
	}
	tr := &Transport{api: &tgbotapi.BotAPI{Self: tgbotapi.User{UserName: "dealdesk_test_bot"}}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var w wireUpdate
		if json.Unmarshal(raw, &w) != nil {
			return
		}
		u := tr.translate(&w)
		if u == nil {
			checkDropped(t, tr, &w)
			return
		}
		for _, s := range []string{u.ChatID, u.ChatTitle, u.MessageID, u.UserID, u.UserName, u.Text, u.Command, u.Args, u.Token, u.CallbackID, u.ThreadID} {
			if !utf8.ValidString(s) {
				t.Fatalf("update %+v has invalid UTF-8 %q", u, s)
			}
		}
		m, from := w.Message, (*wireUser)(nil)
		switch {
		case w.Message != nil:
			from = m.From
			if u.IsAction() || u.CallbackID != "" {
				t.Fatalf("message %s became a press: %+v", raw, u)
			}
			want := m.Text
			if want == "" {
				want = m.Caption
			}
			hasDoc := m.Document != nil && m.Document.FileID != ""
			if u.Text != want || want == "" && !hasDoc {
				t.Fatalf("message %s: text %q", raw, u.Text)
			}
			if hasDoc != (len(u.Files) == 1) || hasDoc && (u.Files[0].Ref != m.Document.FileID ||
				u.Files[0].Size != m.Document.FileSize || u.Files[0].Name == "" || u.Files[0].MIME != m.Document.MIMEType) {
				t.Fatalf("message %s: files %+v", raw, u.Files)
			}
			// A document's caption is its command.
			command := m.Text
			if command == "" && hasDoc {
				command = m.Caption
			}
			checkCommand(t, raw, u, command)
		case w.CallbackQuery != nil:
			m, from = w.CallbackQuery.Message, w.CallbackQuery.From
			if u.Token != w.CallbackQuery.Data || u.Token == "" || u.CallbackID != w.CallbackQuery.ID ||
				u.Text != "" || u.Command != "" || u.Args != "" {
				t.Fatalf("press %s: %+v", raw, u)
			}
		default:
			t.Fatalf("update %s with neither a message nor a press: %+v", raw, u)
		}
		if m == nil || m.Chat == nil || from == nil {
			t.Fatalf("update %s without a chat or a sender: %+v", raw, u)
		}
		if u.Platform != Platform || u.ChatID != strconv.FormatInt(m.Chat.ID, 10) || u.UserID != strconv.FormatInt(from.ID, 10) ||
			u.MessageID != strconv.Itoa(m.MessageID) || u.ChatTitle != m.Chat.Title || u.Locale != from.LanguageCode || u.BareCommands ||
			(u.ChatType == bot.ChatPrivate) != (m.Chat.Type == "private") || u.ChatType != bot.ChatPrivate && u.ChatType != bot.ChatGroup {
			t.Fatalf("update %s: %+v", raw, u)
		}
		if want := ""; m.IsTopicMessage && m.ThreadID != 0 {
			if want = strconv.Itoa(m.ThreadID); u.ThreadID != want {
				t.Fatalf("update %s: thread %q, want %q", raw, u.ThreadID, want)
			}
		} else if u.ThreadID != "" {
			t.Fatalf("update %s: thread %q outside a forum topic", raw, u.ThreadID)
		}
		if strings.TrimSpace(u.UserName) != u.UserName {
			t.Fatalf("update %s: user name %q", raw, u.UserName)
		}
	})
}

// checkCommand checks a message's command against its text.
func checkCommand(t *testing.T, raw []byte, u *bot.Update, text string) {
	t.Helper()
	if u.Command == "" {
		if u.Args != "" {
			t.Fatalf("message %s: arguments %q without a command", raw, u.Args)
		}
		return
	}
	if !commandName.MatchString(u.Command) || u.Args != strings.TrimSpace(u.Args) || u.Text != text {
		t.Fatalf("message %s: command %q, args %q", raw, u.Command, u.Args)
	}
	// The text is "/", the command in any case, maybe "@" and this bot's
	// name, then a space and the arguments.
	head := text[1:]
	if i := strings.IndexFunc(head, unicode.IsSpace); i >= 0 {
		head = head[:i]
	}
	name, target, _ := strings.Cut(head, "@")
	if !strings.HasPrefix(text, "/") || !strings.EqualFold(name, u.Command) ||
		target != "" && !strings.EqualFold(target, "dealdesk_test_bot") || !strings.HasSuffix(strings.TrimSpace(text), u.Args) {
		t.Fatalf("message %s: command %q, args %q", raw, u.Command, u.Args)
	}
}

// checkDropped checks that an update left out is one of those translate
// documents: no message or press, no chat or sender, a bot's message, no
// text, a press without data, or a command for another bot.
func checkDropped(t *testing.T, tr *Transport, w *wireUpdate) {
	t.Helper()
	switch {
	case w.Message != nil:
		m := w.Message
		hasDoc := m.Document != nil && m.Document.FileID != ""
		if m.Chat == nil || m.From == nil || m.From.IsBot || m.Text == "" && m.Caption == "" && !hasDoc {
			return
		}
		command := m.Text
		if command == "" && hasDoc {
			command = m.Caption
		}
		if name, target, ok := strings.Cut(strings.Fields(command + " x")[0], "@"); ok && strings.HasPrefix(name, "/") &&
			target != "" && !strings.EqualFold(target, tr.Username()) {
			return
		}
		t.Fatalf("message %+v from %+v in %+v dropped", m, m.From, m.Chat)
	case w.CallbackQuery != nil:
		c := w.CallbackQuery
		if c.Message == nil || c.Message.Chat == nil || c.From == nil || c.Data == "" {
			return
		}
		t.Fatalf("press %+v dropped", c)
	}
}
