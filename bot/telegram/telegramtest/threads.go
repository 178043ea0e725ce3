package telegramtest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Telegram's answers about forum topics.
const (
	errNotForum       = "Bad Request: the chat is not a forum"
	errThreadNotFound = "Bad Request: message thread not found"
	// ErrTopicRights is Telegram's refusal of createForumTopic to a bot
	// that is no administrator allowed to manage topics (inject it with
	// Fail("createForumTopic", Fault{Code: 400, Description: ErrTopicRights})).
	ErrTopicRights = "Bad Request: not enough rights to create a topic"
)

// DefaultTopicColor is the icon_color of a topic created without one
// (0x6FB9F0, the first of the six colors Telegram allows).
const DefaultTopicColor = 7322096

// topicColors are the icon colors createForumTopic accepts.
var topicColors = []int{7322096, 16766590, 13338331, 9367192, 16749490, 16478047}

// maxTopicName is the longest name of a topic, in characters.
const maxTopicName = 128

// forum is a forum supergroup: its topics by message_thread_id.
type forum struct {
	topics map[int]*Topic
	order  []int
}

// Topic is a forum topic of a chat.
type Topic struct {
	ChatID    int64
	ThreadID  int // message_thread_id: the id of the topic's first (service) message
	Name      string
	IconColor int
	// CreatedBy is the user who opened it; BotID for the bot.
	CreatedBy int64
}

// SetForum makes a supergroup (a negative chat id) a forum, a chat with
// topics: createForumTopic works there, its Chat objects say "is_forum",
// and a message sent with a message_thread_id must name one of its
// topics. In any other chat createForumTopic fails with "Bad Request: the
// chat is not a forum".
func (s *Server) SetForum(chatID int64) {
	if chatID >= 0 {
		panic("telegramtest: SetForum: only a supergroup (a negative chat id) can be a forum")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forums[chatID] == nil {
		s.forums[chatID] = &forum{topics: map[int]*Topic{}}
	}
	s.chats[chatID] = true
}

// Topics returns the topics of a forum, oldest first.
func (s *Server) Topics(chatID int64) []Topic {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.forums[chatID]
	if f == nil {
		return nil
	}
	out := make([]Topic, 0, len(f.order))
	for _, id := range f.order {
		out = append(out, *f.topics[id])
	}
	return out
}

// WaitTopics waits until a forum has at least n topics and returns them;
// the test fails if that takes longer than timeout.
func (s *Server) WaitTopics(tb testing.TB, chatID int64, n int, timeout time.Duration) []Topic {
	tb.Helper()
	if !s.waitFor(timeout, func() bool { return s.forums[chatID] != nil && len(s.forums[chatID].order) >= n }) {
		tb.Fatalf("telegramtest: waited %s for %d topics in chat %d, got %d", timeout, n, chatID, len(s.Topics(chatID)))
	}
	return s.Topics(chatID)
}

// OpenTopic creates a topic in a forum as a user would, queues the
// service message (forum_topic_created) that Telegram sends the bot, and
// returns the topic's message_thread_id.
func (s *Server) OpenTopic(chatID, userID int64, name string) int {
	s.mu.Lock()
	f := s.forums[chatID]
	if f == nil {
		s.mu.Unlock()
		panic(fmt.Sprintf("telegramtest: OpenTopic: chat %d is not a forum (SetForum)", chatID))
	}
	tp := s.addTopicLocked(f, chatID, userID, name, DefaultTopicColor)
	msg := s.serviceMessageLocked(tp, s.userObject(userID))
	s.mu.Unlock()
	s.Push(map[string]any{"message": msg})
	return tp.ThreadID
}

// TopicMessage builds the Message object of a user writing text in a
// forum topic (see TextMessage): with message_thread_id, is_topic_message
// and, as Telegram sends it, reply_to_message naming the topic's first
// message. It panics when the chat has no such topic.
func (s *Server) TopicMessage(chatID int64, threadID int, userID int64, text string) map[string]any {
	s.mu.Lock()
	f := s.forums[chatID]
	var tp *Topic
	if f != nil {
		tp = f.topics[threadID]
	}
	if tp == nil {
		s.mu.Unlock()
		panic(fmt.Sprintf("telegramtest: no topic %d in chat %d", threadID, chatID))
	}
	creator := botObject()
	if tp.CreatedBy != BotID {
		creator = s.userObject(tp.CreatedBy)
	}
	first := s.serviceMessageLocked(tp, creator)
	s.mu.Unlock()
	m := s.TextMessage(chatID, userID, text)
	m["message_thread_id"] = threadID
	m["is_topic_message"] = true
	m["reply_to_message"] = first
	return m
}

// SendTopicText queues a text message from a user in a forum topic and
// returns its message id.
func (s *Server) SendTopicText(chatID int64, threadID int, userID int64, text string) int {
	m := s.TopicMessage(chatID, threadID, userID, text)
	s.Push(map[string]any{"message": m})
	return m["message_id"].(int)
}

// createForumTopic opens a topic in a forum: chat_id, name (1-128
// characters), icon_color (one of six, optional); the result is a
// ForumTopic object. Not a forum: 400 "the chat is not a forum".
func (s *Server) createForumTopic(w http.ResponseWriter, _ *http.Request, c *Call) {
	chatID, ok := chatParam(w, c)
	if !ok {
		return
	}
	name := c.Params["name"]
	switch n := len([]rune(name)); {
	case strings.TrimSpace(name) == "":
		badRequest(w, "TOPIC_TITLE_EMPTY")
		return
	case n > maxTopicName:
		badRequest(w, "TOPIC_TITLE_TOO_LONG")
		return
	}
	color := DefaultTopicColor
	if raw := c.Params["icon_color"]; raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || !slices.Contains(topicColors, n) {
			badRequest(w, "TOPIC_COLOR_INVALID")
			return
		}
		color = n
	}
	s.mu.Lock()
	f := s.forums[chatID]
	if f == nil {
		s.mu.Unlock()
		writeFault(w, Fault{Code: http.StatusBadRequest, Description: errNotForum})
		return
	}
	tp := s.addTopicLocked(f, chatID, BotID, name, color)
	s.notify()
	s.mu.Unlock()
	writeResult(w, map[string]any{"message_thread_id": tp.ThreadID, "name": tp.Name, "icon_color": tp.IconColor})
}

// addTopicLocked adds a topic whose id is that of its first message, the
// next of the chat; s.mu must be held.
func (s *Server) addTopicLocked(f *forum, chatID, by int64, name string, color int) *Topic {
	tp := &Topic{ChatID: chatID, ThreadID: s.newMessageID(chatID), Name: name, IconColor: color, CreatedBy: by}
	f.topics[tp.ThreadID] = tp
	f.order = append(f.order, tp.ThreadID)
	return tp
}

// serviceMessageLocked is the topic's first message, forum_topic_created,
// sent by from; s.mu must be held.
func (s *Server) serviceMessageLocked(tp *Topic, from map[string]any) map[string]any {
	return map[string]any{
		"message_id":          tp.ThreadID,
		"message_thread_id":   tp.ThreadID,
		"is_topic_message":    true,
		"date":                time.Now().Unix(),
		"chat":                s.chatObjectLocked(tp.ChatID),
		"from":                from,
		"forum_topic_created": map[string]any{"name": tp.Name, "icon_color": tp.IconColor},
	}
}

// threadParam checks a send's message_thread_id: in a forum it must name
// one of its topics (none: the General topic); elsewhere it is taken as
// given. It answers 400 and reports false when it is wrong.
func (s *Server) threadParam(w http.ResponseWriter, c *Call, chatID int64) bool {
	raw, ok := c.Params["message_thread_id"]
	if !ok || raw == "" {
		return true
	}
	id, err := strconv.Atoi(raw)
	if err != nil {
		badRequest(w, "invalid message thread identifier specified")
		return false
	}
	s.mu.Lock()
	f := s.forums[chatID]
	found := f == nil || f.topics[id] != nil
	s.mu.Unlock()
	if !found {
		writeFault(w, Fault{Code: http.StatusBadRequest, Description: errThreadNotFound})
		return false
	}
	return true
}

// chatObjectLocked is a chat's Chat object, with "is_forum" for a forum;
// s.mu must be held.
func (s *Server) chatObjectLocked(chatID int64) map[string]any {
	c := chatObject(chatID)
	if s.forums[chatID] != nil {
		c["is_forum"] = true
	}
	return c
}
