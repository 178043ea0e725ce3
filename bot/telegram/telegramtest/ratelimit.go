package telegramtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimits are the sending limits the server enforces, the way Telegram
// answers a bot over them: ok:false, error_code 429 and
// parameters.retry_after (Bot FAQ: "avoid sending more than one message
// per second" to a chat, "not more than 30 messages per second" in all).
// A send counts when it arrives; one that would make more than the limit
// within any Window is refused and not counted. Zero fields are no limit.
type RateLimits struct {
	Global  int // messages within Window over all chats
	PerChat int // messages within Window to one chat
	// Window is the period the limits count over; default 1 s.
	Window time.Duration
}

// TelegramLimits are Telegram's documented limits for messages: 30 a
// second overall, one a second to a chat.
var TelegramLimits = RateLimits{Global: 30, PerChat: 1, Window: time.Second}

// RateStats is what the server saw of the sends under its limits.
type RateStats struct {
	// Sends counts the sends accepted; Limited those refused with 429,
	// LimitedChat of them for their chat's limit.
	Sends, Limited, LimitedChat int
	// MaxGlobal and MaxPerChat are the most sends accepted within one
	// Window, over all chats and to one chat.
	MaxGlobal, MaxPerChat int
}

// rateState holds the arrival times of the accepted sends within the
// window; s.mu guards it.
type rateState struct {
	lim    RateLimits
	global []time.Time
	chats  map[int64][]time.Time
	stats  RateStats
}

// LimitRate makes the server enforce limits on sendMessage, sendDocument
// and the message edits from now on (the zero RateLimits: none), and
// starts its statistics afresh.
func (s *Server) LimitRate(l RateLimits) {
	if l.Window <= 0 {
		l.Window = time.Second
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = &rateState{lim: l, chats: make(map[int64][]time.Time)}
	if l.Global <= 0 && l.PerChat <= 0 {
		s.rate = nil
	}
}

// RateStats returns what the server saw since LimitRate.
func (s *Server) RateStats() RateStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rate == nil {
		return RateStats{}
	}
	return s.rate.stats
}

// limited methods are those Telegram counts as messages.
func limited(method string) bool {
	switch strings.ToLower(method) {
	case "sendmessage", "senddocument", "editmessagetext", "editmessagereplymarkup":
		return true
	}
	return false
}

// admit counts a send to chatID arriving at now, or returns the fault
// Telegram would answer; s.mu must be held.
func (r *rateState) admit(chatID int64, now time.Time) (Fault, bool) {
	from := now.Add(-r.lim.Window)
	r.global = inWindow(r.global, from)
	chat := inWindow(r.chats[chatID], from)
	var wait time.Duration
	if r.lim.Global > 0 && len(r.global) >= r.lim.Global {
		wait = max(wait, r.global[len(r.global)-r.lim.Global].Sub(from))
	}
	if r.lim.PerChat > 0 && len(chat) >= r.lim.PerChat {
		wait = max(wait, chat[len(chat)-r.lim.PerChat].Sub(from))
		r.stats.LimitedChat++
	}
	if wait > 0 {
		r.chats[chatID] = chat
		r.stats.Limited++
		// Telegram says whole seconds, rounded up.
		secs := int((wait + time.Second - 1) / time.Second)
		return Fault{Code: http.StatusTooManyRequests, RetryAfter: secs}, false
	}
	r.global = append(r.global, now)
	chat = append(chat, now)
	if len(chat) == 0 {
		delete(r.chats, chatID)
	} else {
		r.chats[chatID] = chat
	}
	r.stats.Sends++
	r.stats.MaxGlobal = max(r.stats.MaxGlobal, len(r.global))
	r.stats.MaxPerChat = max(r.stats.MaxPerChat, len(chat))
	return Fault{}, true
}

// inWindow drops the times before from (the times are in order).
func inWindow(ts []time.Time, from time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(from) {
		i++
	}
	return ts[i:]
}

// rateLimit applies the limits to a call; s.mu must be held. It reports
// the fault to answer, if any.
func (s *Server) rateLimit(c *Call) (Fault, bool) {
	if s.rate == nil || !limited(c.Method) {
		return Fault{}, false
	}
	chatID, err := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	if err != nil {
		return Fault{}, false // the method answers it
	}
	f, ok := s.rate.admit(chatID, time.Now())
	return f, !ok
}
