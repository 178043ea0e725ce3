package telegramtest

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Call is one request the server received.
type Call struct {
	Method string            // as the client spelled it, e.g. "sendMessage"
	Params map[string]string // every parameter, JSON values as JSON text
	Files  []Upload          // multipart file parts
	Time   time.Time
}

// Upload is a file part of a multipart request.
type Upload struct {
	Field string // the form field, e.g. "document"
	Name  string // the file name
	MIME  string // the part's Content-Type
	Data  []byte
}

// SentMessage is something the bot did to a chat: a message or document it
// sent, or an edit of a message's text or keyboard (see Method).
type SentMessage struct {
	Method    string // sendMessage, sendDocument, editMessageText or editMessageReplyMarkup
	ChatID    int64
	MessageID int
	ThreadID  int
	ReplyTo   int
	Text      string // message text, or a document's caption
	// Entities are the entities sent with the text or caption (entities,
	// caption_entities), as Telegram keeps them; nil when none.
	Entities []Entity
	Buttons  [][]Button
	Document *Upload
	FileID   string // the sent document's file_id, which getFile serves
}

// Button is an inline keyboard button.
type Button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// Answer is an answerCallbackQuery call.
type Answer struct {
	CallbackID string
	Text       string
	ShowAlert  bool // an alert the user closes, not a toast
}

// BotCommand is an entry of a command menu.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Calls returns every request received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the requests for one method (case-insensitive).
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

// Count returns how many requests for method were received.
func (s *Server) Count(method string) int { return len(s.CallsTo(method)) }

// Sent returns what the bot sent or edited so far, in order.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// WaitSent waits until the bot has sent or edited at least n messages and
// returns them all; the test fails if that takes longer than timeout.
func (s *Server) WaitSent(tb testing.TB, n int, timeout time.Duration) []SentMessage {
	tb.Helper()
	if !s.waitFor(timeout, func() bool { return len(s.sent) >= n }) {
		tb.Fatalf("telegramtest: waited %s for %d sent messages, got %d: %+v", timeout, n, len(s.Sent()), s.Sent())
	}
	return s.Sent()
}

// WaitCalls waits until at least n requests for method were received and
// returns them; the test fails if that takes longer than timeout.
func (s *Server) WaitCalls(tb testing.TB, method string, n int, timeout time.Duration) []Call {
	tb.Helper()
	count := func() int {
		k := 0
		for _, c := range s.calls {
			if strings.EqualFold(c.Method, method) {
				k++
			}
		}
		return k
	}
	if !s.waitFor(timeout, func() bool { return count() >= n }) {
		tb.Fatalf("telegramtest: waited %s for %d %s calls, got %d", timeout, n, method, s.Count(method))
	}
	return s.CallsTo(method)
}

// waitFor waits until cond, evaluated with s.mu held, is true.
func (s *Server) waitFor(timeout time.Duration, cond func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ok, ch := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return false
		}
	}
}

// Message returns the current state of a message the bot sent, after any
// edits.
func (s *Server) Message(chatID int64, messageID int) (text string, buttons [][]Button, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[msgKey{chatID, messageID}]
	if m == nil {
		return "", nil, false
	}
	return m.text, m.buttons, true
}

// WaitAnswer waits until the press with the callback query id is answered
// and returns the answer; the test fails if that takes longer than timeout.
func (s *Server) WaitAnswer(tb testing.TB, callbackID string, timeout time.Duration) Answer {
	tb.Helper()
	var got Answer
	if !s.waitFor(timeout, func() bool {
		for _, a := range s.answers {
			if a.CallbackID == callbackID {
				got = a
				return true
			}
		}
		return false
	}) {
		tb.Fatalf("telegramtest: waited %s for the answer to press %s; answers: %+v", timeout, callbackID, s.Answers())
	}
	return got
}

// Answers returns the answerCallbackQuery calls that succeeded.
func (s *Server) Answers() []Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answers)
}

// Commands returns the command menu of the default scope last set for a
// language ("" for the list of every other language).
func (s *Server) Commands(lang string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[menuKey{scope: "default", lang: lang}])
}

// ChatCommands returns the command menu set for a chat's scope
// (BotCommandScopeChat) in a language ("" for every other language), and
// whether one is set.
func (s *Server) ChatCommands(chatID int64, lang string) ([]BotCommand, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds, ok := s.commands[menuKey{scope: "chat:" + strconv.FormatInt(chatID, 10), lang: lang}]
	return slices.Clone(cmds), ok
}

// MenuShown returns the menu a user's Telegram app shows in a chat, as
// Telegram chooses it for a private chat (the chat's scope, all private
// chats, the default scope; in each the app's language first, then the
// list for every language).
func (s *Server) MenuShown(chatID int64, appLang string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, scope := range []string{"chat:" + strconv.FormatInt(chatID, 10), "all_private_chats", "default"} {
		for _, lang := range []string{appLang, ""} {
			if cmds, ok := s.commands[menuKey{scope: scope, lang: lang}]; ok {
				return slices.Clone(cmds)
			}
		}
	}
	return nil
}

// Webhook returns the URL and secret token set with setWebhook; url is
// empty when no webhook is set.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hook.url, s.hook.secret
}
