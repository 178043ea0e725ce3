package telegramtest_test

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// TestLimitRate: over its limits the fake answers a send as Telegram does,
// 429 with parameters.retry_after, and does not deliver it; what it
// accepted and refused is counted. (An hour's window keeps the test free
// of timing.)
func TestLimitRate(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.LimitRate(telegramtest.RateLimits{Global: 3, PerChat: 1, Window: time.Hour})
	send := func(chat int) (int, response) {
		return call(t, s, s.Token, "sendMessage", url.Values{"chat_id": {strconv.Itoa(chat)}, "text": {"hi"}})
	}
	if code, r := send(1); code != 200 || !r.OK {
		t.Fatalf("first send: %d %+v", code, r)
	}
	// A second message to the chat within the window.
	code, r := send(1)
	if code != 429 || r.OK || r.ErrorCode != 429 || r.Parameters.RetryAfter < 3590 || r.Parameters.RetryAfter > 3600 ||
		r.Description != "Too Many Requests: retry after "+strconv.Itoa(r.Parameters.RetryAfter) {
		t.Fatalf("second send to the chat: %d %+v, want 429 with retry_after about an hour", code, r)
	}
	for _, chat := range []int{2, 3} {
		if code, r := send(chat); code != 200 || !r.OK {
			t.Fatalf("send to chat %d: %d %+v", chat, code, r)
		}
	}
	// A fourth chat: over the global limit.
	if code, r := send(4); code != 429 || r.Parameters.RetryAfter < 1 {
		t.Fatalf("fourth message within the window: %d %+v, want 429", code, r)
	}
	// Edits count; other methods do not.
	if code, _ := call(t, s, s.Token, "editMessageText", url.Values{"chat_id": {"2"}, "message_id": {"1"},
		"text": {"x"}}); code != 429 {
		t.Fatalf("an edit over the limit: %d, want 429", code)
	}
	if code, _ := call(t, s, s.Token, "getMe", nil); code != 200 {
		t.Fatalf("getMe over the limit: %d", code)
	}
	if n := len(s.Sent()); n != 3 {
		t.Fatalf("%d messages delivered, want the 3 accepted", n)
	}
	want := telegramtest.RateStats{Sends: 3, Limited: 3, LimitedChat: 2, MaxGlobal: 3, MaxPerChat: 1}
	if got := s.RateStats(); got != want {
		t.Fatalf("RateStats = %+v, want %+v", got, want)
	}
	// Limits off: everything goes.
	s.LimitRate(telegramtest.RateLimits{})
	if code, _ := send(1); code != 200 {
		t.Fatalf("without limits: %d", code)
	}
}
