package telegram_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// A server that answers getUpdates at once must not make the loop spin:
// calls keep MinPollGap apart.
func TestPollDoesNotSpin(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.AnswerAtOnce(true)
	cfg := testConfig(s)
	cfg.PollTimeout = 30 * time.Second
	cfg.MinPollGap = 50 * time.Millisecond
	r := MustRun(t, MustNew(t, cfg))

	s.WaitCalls(t, "getUpdates", 1, 3*time.Second)
	time.Sleep(300 * time.Millisecond)
	n := s.Count("getUpdates")
	_ = r.stop(t)
	// 300ms / 50ms = 6 calls, plus the first and some slack.
	if n < 2 || n > 9 {
		t.Errorf("%d getUpdates calls in 300ms with a 50ms gap, want about 6", n)
	}
}

func TestPollParams(t *testing.T) {
	s := telegramtest.NewServer(t)
	r := MustRun(t, MustNew(t, testConfig(s)))
	s.SendText(1, 1, "one")
	r.next(t)
	calls := s.WaitCalls(t, "getUpdates", 2, 3*time.Second)

	if first := s.Calls()[1]; first.Method != "deleteWebhook" {
		t.Errorf("the first call after getMe is %s, want deleteWebhook (polling fails while a webhook is set)", first.Method)
	}
	p := calls[0].Params
	if p["timeout"] != "2" || p["allowed_updates"] != `["message","callback_query"]` {
		t.Errorf("getUpdates params %v", p)
	}
	if p := calls[1].Params; p["offset"] == "" {
		t.Errorf("the second getUpdates has no offset: %v", p)
	}
}

func TestPollHonoursRetryAfter(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.FailNext("getUpdates", 429, 1)
	r := MustRun(t, MustNew(t, testConfig(s)))
	s.SendText(1, 1, "after flood wait")
	if u := r.next(t); u.Text != "after flood wait" {
		t.Fatalf("got %q", u.Text)
	}
	calls := s.CallsTo("getUpdates")
	if gap := calls[1].Time.Sub(calls[0].Time); gap < 900*time.Millisecond {
		t.Errorf("retried getUpdates %v after a 429 with retry_after 1, want at least 1s", gap)
	}
}

func TestPollBacksOff(t *testing.T) {
	s := telegramtest.NewServer(t)
	for range 4 {
		s.Fail("getUpdates", telegramtest.Fault{Code: 502, Body: htmlBadGateway})
	}
	cfg := testConfig(s)
	cfg.MinPollGap = 20 * time.Millisecond
	cfg.MaxBackoff = 60 * time.Millisecond
	r := MustRun(t, MustNew(t, cfg))
	s.SendText(1, 1, "after the outage")
	if u := r.next(t); u.Text != "after the outage" {
		t.Fatalf("got %q", u.Text)
	}
	calls := s.CallsTo("getUpdates")
	// Waits of 20, 40, then 60 (capped), 60ms.
	for i, min := range []time.Duration{20, 40, 60, 60} {
		if gap := calls[i+1].Time.Sub(calls[i].Time); gap < (min-5)*time.Millisecond {
			t.Errorf("wait after failure %d: %v, want at least %dms", i+1, gap, min)
		}
	}
	if gap := calls[4].Time.Sub(calls[3].Time); gap > 500*time.Millisecond {
		t.Errorf("wait after failure 4: %v, want it capped near MaxBackoff", gap)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	s := telegramtest.NewServer(t)
	cfg := testConfig(s)
	cfg.PollTimeout = 20 * time.Second // the server holds the poll
	r := MustRun(t, MustNew(t, cfg))
	s.SendText(1, 1, "handled")
	r.next(t)
	s.WaitCalls(t, "getUpdates", 2, 3*time.Second)

	start := time.Now()
	if err := r.stop(t); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %v to stop", d)
	}
	// The handled update is confirmed, so a restart does not get it again.
	calls := s.CallsTo("getUpdates")
	last := calls[len(calls)-1].Params
	if last["offset"] != calls[1].Params["offset"] || last["timeout"] != "0" {
		t.Errorf("last getUpdates %v, want a confirming call with offset %s", last, calls[1].Params["offset"])
	}
}

// An update is confirmed to Telegram (the next getUpdates' offset) only
// once the inbox has taken it: while taking fails, the same updates are
// asked for again, and none is skipped.
func TestUpdatesConfirmedOnlyOnceTaken(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.SendText(1, 1, "first")
	s.SendText(1, 1, "second")
	var mu sync.Mutex
	fails := 2
	r := MustRunWith(t, MustNew(t, testConfig(s)), func(*bot.Update) error {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			return errors.New("disk full")
		}
		return nil
	})
	for _, want := range []string{"first", "second"} {
		if u := r.next(t); u.Text != want || u.ID == "" {
			t.Fatalf("got %q (id %q), want %q with its update_id", u.Text, u.ID, want)
		}
	}
	calls := s.CallsTo("getUpdates")
	for i, c := range calls[:3] {
		if c.Params["offset"] != "" && c.Params["offset"] != "0" {
			t.Fatalf("getUpdates %d confirmed with offset %s before the updates were taken", i, c.Params["offset"])
		}
	}
}

// After an outage, the first getUpdates that succeeds says so at info, with
// how many calls failed and how long polling was down.
func TestPollLogsRecovery(t *testing.T) {
	s := telegramtest.NewServer(t)
	for range 3 {
		s.Fail("getUpdates", telegramtest.Fault{Code: 502, Body: htmlBadGateway})
	}
	logs := &syncBuffer{}
	tr, err := telegram.New(testConfig(s), zerolog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	r := MustRun(t, tr)
	s.SendText(1, 1, "after the outage")
	r.next(t)
	var line map[string]any
	for deadline := time.Now().Add(3 * time.Second); line == nil && time.Now().Before(deadline); {
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, `"polling recovered"`) {
				if err := json.Unmarshal([]byte(l), &line); err != nil {
					t.Fatal(err)
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if line == nil {
		t.Fatalf("no \"polling recovered\" line:\n%s", logs)
	}
	// Waits of 10, 20 and 40ms at least between the failures and the success.
	if line["level"] != "info" || line["failures"] != float64(3) || line["down_for"].(float64) < 70 {
		t.Errorf("recovery line %v, want level info, 3 failures, down_for ≥ 70ms", line)
	}
	if n := strings.Count(logs.String(), `"polling recovered"`); n != 1 {
		t.Errorf("%d recovery lines, want 1:\n%s", n, logs)
	}
}
