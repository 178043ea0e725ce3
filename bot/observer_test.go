package bot_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/usecases"
)

// observer records what the bot tells its Observer.
type observer struct {
	mu         sync.Mutex
	updates    []handledUpdate
	deliveries []string // platform/outcome
}

type handledUpdate struct {
	platform, command, outcome string
	took                       time.Duration
}

func (o *observer) UpdateHandled(platform, command string, took time.Duration, outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.updates = append(o.updates, handledUpdate{platform: platform, command: command, outcome: outcome, took: took})
}

func (o *observer) Delivery(platform, outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.deliveries = append(o.deliveries, platform+"/"+outcome)
}

func (o *observer) seen() ([]handledUpdate, []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.updates), slices.Clone(o.deliveries)
}

// observed replaces the harness's bot with one that has an Observer, on
// the same store; what the old one left in the outbox is delivered first.
func observed(h *harness) *observer {
	h.t.Helper()
	if _, err := h.bot.DeliverDue(context.Background(), "test"); err != nil {
		h.t.Fatal(err)
	}
	h.rec.take()
	o := &observer{}
	h.bot = bot.New(bot.Config{Service: h.svc, Locales: bundle, Logger: zerolog.Nop(), Clock: h.clock,
		UseCases: usecases.All, Observer: o})
	h.bot.AddTransport(h.rec)
	return o
}

// The Observer hears of each update handled through the inbox, labelled by
// platform and command only (a command DealDesk has, "button", "text",
// "unknown" for any other word after a slash: never what was typed), with
// the outcome and the time from the update taken to its handling done.
func TestObserverSeesEachUpdateWithItsCommand(t *testing.T) {
	h := newHarness(t)
	o := observed(h)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	up := func(id, text string) *bot.Update {
		u := &bot.Update{ID: id, Platform: "test", ChatID: "admin", ChatType: bot.ChatPrivate, UserID: "admin", Text: text}
		u.Command, u.Args, _ = bot.ParseCommand(text)
		return u
	}
	ups := []*bot.Update{
		up("1", "/help"),
		up("2", "/secret_word_of_a_user 7701234567"),
		up("3", "ООО Ромашка, позвонить завтра"),
		// Mattermost sends commands without the slash: the label is the
		// command's all the same.
		{ID: "4", Platform: "test", ChatID: "admin", ChatType: bot.ChatPrivate, UserID: "admin", Text: "help",
			BareCommands: true},
		{ID: "5", Platform: "test", ChatID: "admin", ChatType: bot.ChatPrivate, UserID: "admin",
			Token: "no-such-button", CallbackID: "cb"},
	}
	// Taken while the bot does not run; handled 3 s later by its clock.
	if err := h.bot.Take(ctx, nil, ups...); err != nil {
		t.Fatal(err)
	}
	h.clock.Add(3 * time.Second)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.bot.Run(ctx, 10*time.Millisecond, 5*time.Second)
	}()
	defer func() { cancel(); wg.Wait() }()
	settle, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	for {
		if got, _ := o.seen(); len(got) >= len(ups) {
			break
		}
		if err := h.bot.Settle(settle, "test", "admin"); err != nil {
			t.Fatalf("not settled: %v", err)
		}
	}
	if err := h.bot.Settle(settle, "test", "admin"); err != nil {
		t.Fatalf("not settled: %v", err)
	}
	got, deliveries := o.seen()
	want := []handledUpdate{
		{platform: "test", command: "help", outcome: bot.UpdateOK, took: 3 * time.Second},
		{platform: "test", command: "unknown", outcome: bot.UpdateRejected, took: 3 * time.Second},
		{platform: "test", command: "text", outcome: bot.UpdateOK, took: 3 * time.Second},
		{platform: "test", command: "help", outcome: bot.UpdateOK, took: 3 * time.Second},
		{platform: "test", command: "button", outcome: bot.UpdateRejected, took: 3 * time.Second},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("observed updates:\n%+v\nwant\n%+v", got, want)
	}
	// Each reply went out, and each delivery was told: the button's
	// refusal is a pop-up, every other update has a reply.
	sent := 0
	for _, d := range deliveries {
		if d != "test/"+bot.DeliverySent {
			t.Fatalf("deliveries = %q; want only sent ones", deliveries)
		}
		sent++
	}
	if sent < len(ups)-1 {
		t.Fatalf("deliveries = %q; want one for each of the %d replies at least", deliveries, len(ups)-1)
	}
}

// Updates handled outside the inbox (Handle, for tools and tests) are not
// the inbox's: they are not observed, and a bot without an Observer works
// as before.
func TestObserverIgnoresUpdatesHandledDirectly(t *testing.T) {
	h := newHarness(t)
	o := observed(h)
	if msgs := h.say("admin", "/help"); len(msgs) == 0 {
		t.Fatal("no reply to /help")
	}
	if got, _ := o.seen(); len(got) != 0 {
		t.Fatalf("observed %+v; want nothing for Handle", got)
	}
}

// Each delivery attempt is told with its outcome: sent, retry (a failure
// tried again), rate_limited (the platform answered 429 with a wait) or
// failed (given up).
func TestObserverSeesEachDeliveryOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"sent", nil, bot.DeliverySent},
		{"network error", errors.New("connection reset"), bot.DeliveryRetry},
		{"429", &bot.RateLimitError{RetryAfter: 30 * time.Second, Err: errors.New("429 Too Many Requests")}, bot.DeliveryRateLimited},
		{"blocked", &bot.PermanentError{Err: errors.New("403 bot was blocked by the user")}, bot.DeliveryFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			o := observed(h)
			if tc.err != nil {
				h.rec.failFor = map[string]error{"admin": tc.err}
			}
			h.say("admin", "/help")
			_, got := o.seen()
			if want := []string{"test/" + tc.want}; !slices.Equal(got, want) {
				t.Fatalf("deliveries = %q, want %q", got, want)
			}
		})
	}
}
