package telegram_test

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
)

// noLimits turns the rate limiter off for tests that are not about it.
var noLimits = telegram.Limits{
	Chat:   telegram.Limit{N: -1},
	Group:  telegram.Limit{N: -1},
	Global: telegram.Limit{N: -1},
}

// testConfig is a fast configuration against s.
func testConfig(s *telegramtest.Server) telegram.Config {
	return telegram.Config{
		Token:           s.Token,
		APIURL:          s.URL,
		PollTimeout:     2 * time.Second,
		MinPollGap:      10 * time.Millisecond,
		MaxBackoff:      200 * time.Millisecond,
		ShutdownTimeout: time.Second,
		Limits:          noLimits,
	}
}

// MustNew returns a transport for cfg, failing the test on error.
func MustNew(tb testing.TB, cfg telegram.Config) *telegram.Transport {
	tb.Helper()
	tr, err := telegram.New(cfg, zerolog.Nop())
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return tr
}

// syncBuffer is a log sink safe for the transport's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runner runs a transport and collects the updates it hands over.
type runner struct {
	updates chan *bot.Update
	cancel  context.CancelFunc
	done    chan error
}

// MustRun runs tr until the test ends, with a handler that records updates.
func MustRun(tb testing.TB, tr *telegram.Transport) *runner {
	tb.Helper()
	return MustRunWith(tb, tr, nil)
}

// MustRunWith is MustRun with a hook that the inbox calls for each update
// before taking it; an error from it refuses the whole Take.
func MustRunWith(tb testing.TB, tr *telegram.Transport, hook func(*bot.Update) error) *runner {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{updates: make(chan *bot.Update, 100), cancel: cancel, done: make(chan error, 1)}
	in := &hookInbox{hook: hook, r: r}
	go func() { r.done <- tr.Run(ctx, in) }()
	tb.Cleanup(func() { r.stop(tb) })
	return r
}

// hookInbox records what it takes.
type hookInbox struct {
	hook func(*bot.Update) error
	r    *runner
}

func (in *hookInbox) Take(_ context.Context, _ *core.TransportCursor, ups ...*bot.Update) error {
	for _, u := range ups {
		if in.hook != nil {
			if err := in.hook(u); err != nil {
				return err
			}
		}
	}
	for _, u := range ups {
		in.r.updates <- u
	}
	return nil
}

func (in *hookInbox) Cursor(context.Context, string) (string, error) { return "", nil }

func (in *hookInbox) Settle(context.Context, string, string) error { return nil }

// stop cancels Run and returns its error; it may be called more than once.
func (r *runner) stop(tb testing.TB) error {
	tb.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(5 * time.Second):
		tb.Fatal("Run did not return after cancel")
		return nil
	}
}

// next returns the next update handed to the handler.
func (r *runner) next(tb testing.TB) *bot.Update {
	tb.Helper()
	select {
	case u := <-r.updates:
		return u
	case <-time.After(3 * time.Second):
		tb.Fatal("no update within 3s")
		return nil
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(tb testing.TB, s string) int {
	tb.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatalf("message id %q is not a number", s)
	}
	return n
}
