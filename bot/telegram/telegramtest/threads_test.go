package telegramtest_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// TestCreateForumTopic: the fake speaks createForumTopic as Telegram does:
// a ForumTopic result in a forum, 400 "the chat is not a forum" elsewhere,
// and the name and color checked.
func TestCreateForumTopic(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.SetForum(-100)
	tests := []struct {
		name        string
		form        url.Values
		code        int
		description string
	}{
		{"not a forum", url.Values{"chat_id": {"-200"}, "name": {"кейс"}}, 400, "Bad Request: the chat is not a forum"},
		{"private chat", url.Values{"chat_id": {"5"}, "name": {"кейс"}}, 400, "Bad Request: the chat is not a forum"},
		{"no name", url.Values{"chat_id": {"-100"}, "name": {" "}}, 400, "Bad Request: TOPIC_TITLE_EMPTY"},
		{"long name", url.Values{"chat_id": {"-100"}, "name": {strings.Repeat("я", 129)}}, 400, "Bad Request: TOPIC_TITLE_TOO_LONG"},
		{"bad color", url.Values{"chat_id": {"-100"}, "name": {"кейс"}, "icon_color": {"1"}}, 400, "Bad Request: TOPIC_COLOR_INVALID"},
		{"no chat", url.Values{"name": {"кейс"}}, 400, "Bad Request: chat not found"},
	}
	for _, tt := range tests {
		code, r := call(t, s, s.Token, "createForumTopic", tt.form)
		if code != tt.code || r.OK || r.ErrorCode != tt.code || r.Description != tt.description {
			t.Errorf("%s: %d %+v", tt.name, code, r)
		}
	}
	if got := s.Topics(-100); len(got) != 0 {
		t.Fatalf("refused calls opened topics: %+v", got)
	}

	code, r := call(t, s, s.Token, "createForumTopic", url.Values{"chat_id": {"-100"}, "name": {strings.Repeat("я", 128)},
		"icon_color": {"16766590"}})
	var topic struct {
		ID    int    `json:"message_thread_id"`
		Name  string `json:"name"`
		Color int    `json:"icon_color"`
	}
	if code != 200 || !r.OK || json.Unmarshal(r.Result, &topic) != nil || topic.ID == 0 ||
		topic.Name != strings.Repeat("я", 128) || topic.Color != 16766590 {
		t.Fatalf("createForumTopic: %d %s", code, r.Result)
	}
	// A topic's id is its first message's: the chat's next message id.
	s.SendText(-100, 7, "после")
	_, upd := call(t, s, s.Token, "getUpdates", nil)
	var ups []struct {
		Message struct {
			ID   int `json:"message_id"`
			Chat struct {
				IsForum bool `json:"is_forum"`
			} `json:"chat"`
		} `json:"message"`
	}
	if err := json.Unmarshal(upd.Result, &ups); err != nil || len(ups) != 1 || ups[0].Message.ID != topic.ID+1 ||
		!ups[0].Message.Chat.IsForum {
		t.Fatalf("the next message after topic %d: %s", topic.ID, upd.Result)
	}
}

// TestTopicMessages: a user's message in a topic carries
// message_thread_id, is_topic_message and the topic's first message as
// reply_to_message; the bot's sends into a topic are recorded with it, and
// into a topic the forum does not have are refused.
func TestTopicMessages(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.SetForum(-100)
	thread := s.OpenTopic(-100, 7, "вопрос")
	s.SendTopicText(-100, thread, 8, "ответ в теме")
	_, upd := call(t, s, s.Token, "getUpdates", nil)
	var ups []struct {
		Message struct {
			Text    string `json:"text"`
			Thread  int    `json:"message_thread_id"`
			IsTopic bool   `json:"is_topic_message"`
			Created any    `json:"forum_topic_created"`
			ReplyTo *struct {
				ID      int `json:"message_id"`
				Created struct {
					Name string `json:"name"`
				} `json:"forum_topic_created"`
			} `json:"reply_to_message"`
		} `json:"message"`
	}
	if err := json.Unmarshal(upd.Result, &ups); err != nil || len(ups) != 2 {
		t.Fatalf("updates: %s", upd.Result)
	}
	if m := ups[0].Message; m.Thread != thread || !m.IsTopic || m.Created == nil || m.Text != "" {
		t.Errorf("the topic's service message: %+v", m)
	}
	if m := ups[1].Message; m.Text != "ответ в теме" || m.Thread != thread || !m.IsTopic || m.ReplyTo == nil ||
		m.ReplyTo.ID != thread || m.ReplyTo.Created.Name != "вопрос" {
		t.Errorf("the message in the topic: %+v", m)
	}

	id := strconv.Itoa(thread)
	if code, r := call(t, s, s.Token, "sendMessage", url.Values{"chat_id": {"-100"}, "message_thread_id": {id},
		"text": {"бот в теме"}}); code != 200 || !r.OK {
		t.Fatalf("sendMessage into the topic: %d %+v", code, r)
	}
	if sent := s.Sent(); len(sent) != 1 || sent[0].ThreadID != thread {
		t.Fatalf("sent: %+v", sent)
	}
	if code, r := call(t, s, s.Token, "sendMessage", url.Values{"chat_id": {"-100"}, "message_thread_id": {"999"},
		"text": {"x"}}); code != 400 || r.Description != "Bad Request: message thread not found" {
		t.Fatalf("sendMessage into a missing topic: %d %+v", code, r)
	}
}
