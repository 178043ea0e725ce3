package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault is an error answer to inject.
type Fault struct {
	Code int // HTTP status and error_code
	// Description defaults to Telegram's text for Code: 400 "Bad Request:
	// chat not found", 403 "Forbidden: bot was blocked by the user",
	// 429 "Too Many Requests: retry after N", others the HTTP status text.
	Description     string
	RetryAfter      int   // parameters.retry_after, in seconds
	MigrateToChatID int64 // parameters.migrate_to_chat_id
	// Body, when set, is sent as is with Content-Type text/html instead of
	// a JSON error, like a proxy's error page.
	Body string
}

func (f Fault) description() string {
	switch {
	case f.Description != "":
		return f.Description
	case f.Code == http.StatusBadRequest:
		return "Bad Request: chat not found"
	case f.Code == http.StatusForbidden:
		return "Forbidden: bot was blocked by the user"
	case f.Code == http.StatusTooManyRequests:
		return fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
	}
	return http.StatusText(f.Code)
}

// Fail makes the next call of method (case-insensitive) fail with f. Calls
// queue: each injected fault is used once, in order.
func (s *Server) Fail(method string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	s.faults[key] = append(s.faults[key], f)
}

// FailNext makes the next call of method fail with a JSON error of code:
// 429 with parameters.retry_after = retryAfter, 5xx, 403 "bot was blocked
// by the user", 400 "chat not found".
func (s *Server) FailNext(method string, code, retryAfter int) {
	s.Fail(method, Fault{Code: code, RetryAfter: retryAfter})
}

// takeFault pops the next fault for method; s.mu must be held.
func (s *Server) takeFault(method string) (Fault, bool) {
	key := strings.ToLower(method)
	q := s.faults[key]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[key] = q[1:]
	return q[0], true
}

// Push queues an update for getUpdates (or the webhook). fields are the
// update's fields other than update_id, e.g. {"message": …}; Push assigns
// the update_id and returns it.
func (s *Server) Push(fields map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpd++
	obj := map[string]any{"update_id": s.nextUpd}
	for k, v := range fields {
		obj[k] = v
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		panic("telegramtest: Push: " + err.Error())
	}
	s.pending = append(s.pending, update{id: s.nextUpd, raw: raw})
	s.notify()
	return s.nextUpd
}

// TextMessage builds the Message object a user would send: a private chat
// for a positive chat id, a supergroup for a negative one; the sender is
// "User <id>" with username user<id> and language_code "ru" (see
// SetLanguage). It takes a message id in the chat. Adjust it (e.g. set
// "message_thread_id") and queue it with Push(map[string]any{"message": m}).
func (s *Server) TextMessage(chatID, userID int64, text string) map[string]any {
	s.mu.Lock()
	id := s.newMessageID(chatID)
	s.chats[chatID] = true
	from := s.userObject(userID)
	chat := s.chatObjectLocked(chatID)
	s.mu.Unlock()
	return map[string]any{
		"message_id": id,
		"date":       time.Now().Unix(),
		"chat":       chat,
		"from":       from,
		"text":       text,
	}
}

// SetLanguage sets the language of a user's Telegram app, sent as the
// language_code of their messages and presses ("ru" until set).
func (s *Server) SetLanguage(userID int64, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.langs[userID] = code
}

// SendText queues a text message from a user and returns its message id.
func (s *Server) SendText(chatID, userID int64, text string) int {
	m := s.TextMessage(chatID, userID, text)
	s.Push(map[string]any{"message": m})
	return m["message_id"].(int)
}

// Press queues a press of an inline button with callback data on a
// message, and returns the callback query id to be answered.
func (s *Server) Press(chatID, userID int64, messageID int, data string) string {
	s.mu.Lock()
	s.nextUpd++ // also makes the query id unique
	id := "cb" + strconv.Itoa(s.nextUpd)
	s.callbacks[id] = false
	s.chats[chatID] = true
	msg := map[string]any{
		"message_id": messageID,
		"date":       time.Now().Unix(),
		"chat":       s.chatObjectLocked(chatID),
		"from":       botObject(),
	}
	if m := s.messages[msgKey{chatID, messageID}]; m != nil {
		msg["text"] = m.text
		msg["reply_markup"] = map[string]any{"inline_keyboard": m.buttons}
	}
	from := s.userObject(userID)
	s.mu.Unlock()
	s.Push(map[string]any{"callback_query": map[string]any{
		"id":            id,
		"from":          from,
		"message":       msg,
		"chat_instance": strconv.FormatInt(chatID, 10),
		"data":          data,
	}})
	return id
}

// newMessageID takes the next message id of a chat; s.mu must be held.
func (s *Server) newMessageID(chatID int64) int {
	s.nextMsg[chatID]++
	return s.nextMsg[chatID]
}

// chatObject is the Chat object of a chat: a supergroup for a negative
// id, a private chat for a positive one.
func chatObject(chatID int64) map[string]any {
	if chatID < 0 {
		return map[string]any{"id": chatID, "type": "supergroup", "title": fmt.Sprintf("Group %d", -chatID)}
	}
	return map[string]any{"id": chatID, "type": "private", "first_name": "User", "last_name": strconv.FormatInt(chatID, 10)}
}

// userObject is the User object of a user, whom the bot then knows (a
// text_mention of them is taken); s.mu must be held.
func (s *Server) userObject(userID int64) map[string]any {
	s.users[userID] = true
	lang := s.langs[userID]
	if lang == "" {
		lang = "ru"
	}
	return map[string]any{
		"id":            userID,
		"is_bot":        false,
		"first_name":    "User",
		"last_name":     strconv.FormatInt(userID, 10),
		"username":      "user" + strconv.FormatInt(userID, 10),
		"language_code": lang,
	}
}

func botObject() map[string]any {
	return map[string]any{"id": BotID, "is_bot": true, "first_name": BotName, "username": BotUsername}
}
