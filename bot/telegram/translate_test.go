package telegram_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

func TestCommandParsing(t *testing.T) {
	s := telegramtest.NewServer(t)
	r := MustRun(t, MustNew(t, testConfig(s)))
	tests := []struct {
		text, cmd, args string
	}{
		{"/deal 42", "deal", "42"},
		{"/deal@dealdesk_test_bot 42\nline two\n\nline four", "deal", "42\nline two\n\nline four"},
		{"/Deal@DealDesk_Test_Bot", "deal", ""},
		{"/new_client\nООО Ромашка\nИНН 7707083893  ", "new_client", "ООО Ромашка\nИНН 7707083893"},
		{"/deal@  spaced", "deal", "spaced"},
		{"just text", "", ""},
		{"/", "", ""},
		{"/путь не команда", "", ""},
	}
	for _, tt := range tests {
		s.SendText(42, 7, tt.text)
		u := r.next(t)
		if u.Command != tt.cmd || u.Args != tt.args || u.Text != tt.text {
			t.Errorf("%q: got command %q args %q text %q, want %q %q", tt.text, u.Command, u.Args, u.Text, tt.cmd, tt.args)
		}
	}
}

func TestCommandForAnotherBotIsDropped(t *testing.T) {
	s := telegramtest.NewServer(t)
	r := MustRun(t, MustNew(t, testConfig(s)))
	s.SendText(-100500, 7, "/deal@other_bot 42")
	s.SendText(-100500, 7, "/deal@dealdesk_test_bot 43")
	if u := r.next(t); u.Args != "43" {
		t.Fatalf("got args %q, want the command for this bot (43)", u.Args)
	}
}

func TestMessageFields(t *testing.T) {
	s := telegramtest.NewServer(t)
	r := MustRun(t, MustNew(t, testConfig(s)))

	id := s.SendText(42, 7, "привет")
	got := *r.next(t)
	want := bot.Update{
		Platform: "telegram", ChatID: "42", ChatType: bot.ChatPrivate, MessageID: itoa(id),
		UserID: "7", UserName: "User 7", Text: "привет", Locale: "ru",
	}
	if got.ID == "" {
		t.Error("no update_id")
	}
	got.ID = ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("private message:\ngot  %+v\nwant %+v", got, want)
	}

	id = s.SendText(-1001234, 8, "/help")
	got = *r.next(t)
	want = bot.Update{
		Platform: "telegram", ChatID: "-1001234", ChatType: bot.ChatGroup, ChatTitle: "Group 1001234",
		MessageID: itoa(id), UserID: "8", UserName: "User 8", Text: "/help", Command: "help", Locale: "ru",
	}
	got.ID = ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("group message:\ngot  %+v\nwant %+v", got, want)
	}
}

func TestThreadID(t *testing.T) {
	s := telegramtest.NewServer(t)
	r := MustRun(t, MustNew(t, testConfig(s)))

	m := s.TextMessage(-1001234, 8, "in a topic")
	m["message_thread_id"] = 77
	m["is_topic_message"] = true
	s.Push(map[string]any{"message": m})
	if u := r.next(t); u.ThreadID != "77" {
		t.Errorf("forum topic: got ThreadID %q, want 77", u.ThreadID)
	}

	// In an ordinary group a reply carries message_thread_id too, but it
	// is no thread a message could be sent to.
	m = s.TextMessage(-1001234, 8, "a reply")
	m["message_thread_id"] = 5
	s.Push(map[string]any{"message": m})
	if u := r.next(t); u.ThreadID != "" {
		t.Errorf("reply in a group: got ThreadID %q, want none", u.ThreadID)
	}
}

func TestNonTextAndBotMessagesAreSkipped(t *testing.T) {
	s := telegramtest.NewServer(t)
	r := MustRun(t, MustNew(t, testConfig(s)))

	m := s.TextMessage(-1001234, 8, "")
	delete(m, "text")
	m["new_chat_members"] = []any{map[string]any{"id": 9, "is_bot": false, "first_name": "New"}}
	s.Push(map[string]any{"message": m})
	m = s.TextMessage(-1001234, 8, "from a bot")
	m["from"] = map[string]any{"id": 99, "is_bot": true, "first_name": "Other"}
	s.Push(map[string]any{"message": m})
	s.Push(map[string]any{"edited_message": s.TextMessage(42, 7, "edited")})
	s.SendText(42, 7, "marker")

	if u := r.next(t); u.Text != "marker" {
		t.Fatalf("got %+v, want the marker message only", u)
	}
}

func TestCallbackTranslation(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	r := MustRun(t, tr)
	ctx := context.Background()

	msgID, err := tr.Send(ctx, &bot.Message{ChatID: "-1001234", Text: "Approve?",
		Buttons: [][]bot.ButtonView{{{Label: "Yes", Token: "tok-yes"}, {Label: "No", Token: "tok-no"}}}})
	if err != nil {
		t.Fatal(err)
	}
	cbID := s.Press(-1001234, 8, atoi(t, msgID), "tok-yes")
	got := *r.next(t)
	want := bot.Update{
		Platform: "telegram", ChatID: "-1001234", ChatType: bot.ChatGroup, ChatTitle: "Group 1001234",
		MessageID: msgID, UserID: "8", UserName: "User 8", Token: "tok-yes", CallbackID: cbID, Locale: "ru",
	}
	if got.ID == "" {
		t.Error("no update_id")
	}
	got.ID = ""
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("press:\ngot  %+v\nwant %+v", got, want)
	}
	if !got.IsAction() {
		t.Error("IsAction() = false for a press")
	}

	if err := tr.Answer(ctx, cbID, "Done"); err != nil {
		t.Fatalf("Answer: %v", err)
	}
	answers := s.Answers()
	if len(answers) != 1 || answers[0] != (telegramtest.Answer{CallbackID: cbID, Text: "Done"}) {
		t.Errorf("answers = %+v", answers)
	}
	if err := tr.Answer(ctx, cbID, ""); !bot.IsPermanent(err) {
		t.Errorf("answering twice: got %v, want a permanent error (query too old)", err)
	}
}

// A user's Telegram language comes with each update, so that a new user
// is answered in it until they pick one with /lang.
func TestLanguageCode(t *testing.T) {
	s := telegramtest.NewServer(t)
	r := MustRun(t, MustNew(t, testConfig(s)))
	m := s.TextMessage(42, 7, "hello")
	m["from"].(map[string]any)["language_code"] = "en"
	s.Push(map[string]any{"message": m})
	if u := r.next(t); u.Locale != "en" {
		t.Fatalf("locale = %q, want en", u.Locale)
	}
}
