package telegram_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

const forumChat = -100777

// TestOpenThread: a forum topic opens through createForumTopic with the
// chat and the name, its message_thread_id comes back, and a message sent
// with it lands in the topic.
func TestOpenThread(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.SetForum(forumChat)
	tr := MustNew(t, testConfig(s))
	var _ bot.ThreadOpener = tr

	id, err := tr.OpenThread(context.Background(), itoa(forumChat), "Кейс: D-2026-0001 скидка")
	if err != nil {
		t.Fatal(err)
	}
	topics := s.Topics(forumChat)
	if len(topics) != 1 || itoa(topics[0].ThreadID) != id || topics[0].Name != "Кейс: D-2026-0001 скидка" ||
		topics[0].CreatedBy != telegramtest.BotID {
		t.Fatalf("OpenThread = %q; topics %+v", id, topics)
	}
	call := s.CallsTo("createForumTopic")[0]
	if call.Params["chat_id"] != itoa(forumChat) || call.Params["name"] != "Кейс: D-2026-0001 скидка" {
		t.Fatalf("createForumTopic params %v", call.Params)
	}

	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: itoa(forumChat), ThreadID: id, Text: "первое"}); err != nil {
		t.Fatal(err)
	}
	if sent := s.Sent(); len(sent) != 1 || itoa(sent[0].ThreadID) != id {
		t.Fatalf("the message did not go into the topic: %+v", sent)
	}
	// A second topic is another thread.
	id2, err := tr.OpenThread(context.Background(), itoa(forumChat), "второй")
	if err != nil || id2 == id {
		t.Fatalf("second topic %q (first %q): %v", id2, id, err)
	}
}

// TestOpenThread_Name: the topic's name is one line, and a title over
// Telegram's 128 characters is cut on a character boundary with an
// ellipsis (the fake refuses longer names, as Telegram does).
func TestOpenThread_Name(t *testing.T) {
	long := strings.Repeat("обсуждение ", 20) // 220 characters
	emoji := strings.Repeat("📄", 100)         // 200 UTF-16 units
	tests := []struct {
		name, title, want string
	}{
		{"short", "Кейс по D-2026-0001", "Кейс по D-2026-0001"},
		{"lines and spaces", "  Кейс\nпо   сделке\t D-1 ", "Кейс по сделке D-1"},
		{"long", long, string([]rune(long)[:127]) + "…"},
		{"emoji", emoji, strings.Repeat("📄", 63) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.NewServer(t)
			s.SetForum(forumChat)
			tr := MustNew(t, testConfig(s))
			if _, err := tr.OpenThread(context.Background(), itoa(forumChat), tt.title); err != nil {
				t.Fatal(err)
			}
			got := s.Topics(forumChat)[0].Name
			if got != tt.want || !utf8.ValidString(got) {
				t.Fatalf("topic name %q (%d runes), want %q", got, utf8.RuneCountInString(got), tt.want)
			}
		})
	}
}

// TestOpenThread_Errors: Telegram's refusals are classified as a send's
// are: a chat that is no forum, or where the bot may not create topics, is
// permanent; 429 waits; a group that became a supergroup moved; a server
// error is retried.
func TestOpenThread_Errors(t *testing.T) {
	tests := []struct {
		name       string
		chat       string
		title      string
		fault      *telegramtest.Fault
		retryAfter time.Duration
		permanent  bool
		migratedTo string
		says       string
	}{
		{name: "not a forum", chat: "-100555", title: "t", permanent: true, says: "the chat is not a forum"},
		{name: "private chat", chat: "42", title: "t", permanent: true, says: "the chat is not a forum"},
		{name: "no rights", chat: itoa(forumChat), title: "t", permanent: true, says: "not enough rights",
			fault: &telegramtest.Fault{Code: 400, Description: telegramtest.ErrTopicRights}},
		{name: "429", chat: itoa(forumChat), title: "t", retryAfter: 5 * time.Second,
			fault: &telegramtest.Fault{Code: 429, RetryAfter: 5}},
		{name: "migrated", chat: "-555", title: "t", permanent: true, migratedTo: "-1009876",
			fault: &telegramtest.Fault{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat",
				MigrateToChatID: -1009876}},
		{name: "502", chat: itoa(forumChat), title: "t", fault: &telegramtest.Fault{Code: 502}},
		{name: "bad chat id", chat: "work", title: "t", permanent: true},
		{name: "empty title", chat: itoa(forumChat), title: " \n ", permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.NewServer(t)
			s.SetForum(forumChat)
			tr := MustNew(t, testConfig(s))
			if tt.fault != nil {
				s.Fail("createForumTopic", *tt.fault)
			}
			id, err := tr.OpenThread(context.Background(), tt.chat, tt.title)
			if err == nil || id != "" {
				t.Fatalf("OpenThread = %q, %v; want an error", id, err)
			}
			var rl *bot.RateLimitError
			if got := errors.As(err, &rl); got != (tt.retryAfter != 0) || got && rl.RetryAfter != tt.retryAfter {
				t.Errorf("rate limit: got %v (%v), want retry after %v", got, err, tt.retryAfter)
			}
			if got := bot.IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v (%v)", got, tt.permanent, err)
			}
			var mig *telegram.MigratedError
			if got := errors.As(err, &mig); got != (tt.migratedTo != "") || got && mig.NewChatID != tt.migratedTo {
				t.Errorf("migrated: got %v (%v), want %q", got, err, tt.migratedTo)
			}
			if !strings.Contains(err.Error(), tt.says) || strings.Contains(err.Error(), s.Token) {
				t.Errorf("error %q does not say %q, or shows the token", err, tt.says)
			}
			if len(s.Topics(forumChat)) != 0 {
				t.Errorf("a topic was opened: %+v", s.Topics(forumChat))
			}
		})
	}
}

// TestTopicMessagesAreThreaded: what a user writes in a forum topic
// reaches the bot with the topic's id as ThreadID, a plain message (the
// General topic) with none, and the service message that opens a topic
// is no update.
func TestTopicMessagesAreThreaded(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.SetForum(forumChat)
	tr := MustNew(t, testConfig(s))
	id, err := tr.OpenThread(context.Background(), itoa(forumChat), "кейс")
	if err != nil {
		t.Fatal(err)
	}
	r := MustRun(t, tr)
	thread := atoi(t, id)

	s.SendTopicText(forumChat, thread, 2002, "скидку согласовали #решение")
	u := r.next(t)
	if u.ThreadID != id || u.ChatID != itoa(forumChat) || u.UserID != "2002" || u.Text != "скидку согласовали #решение" ||
		u.Command != "" || u.ChatType != bot.ChatGroup {
		t.Fatalf("topic message update %+v", u)
	}
	humans := s.OpenTopic(forumChat, 2002, "вопрос") // its service message is skipped
	s.SendTopicText(forumChat, humans, 2002, "/case D-2026-0001 вопрос")
	if u := r.next(t); u.ThreadID != itoa(humans) || u.Command != "case" {
		t.Fatalf("command in a topic: %+v", u)
	}
	s.SendText(forumChat, 2002, "в общем чате")
	if u := r.next(t); u.ThreadID != "" || u.Text != "в общем чате" {
		t.Fatalf("General topic message: %+v", u)
	}
}

// TestSendIntoAMissingTopic: a message for a topic that is gone (deleted
// in Telegram) is refused for good.
func TestSendIntoAMissingTopic(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.SetForum(forumChat)
	tr := MustNew(t, testConfig(s))
	_, err := tr.Send(context.Background(), &bot.Message{ChatID: itoa(forumChat), ThreadID: "999", Text: "x"})
	if !bot.IsPermanent(err) || !strings.Contains(err.Error(), "message thread not found") {
		t.Fatalf("Send into a missing topic: %v", err)
	}
}
