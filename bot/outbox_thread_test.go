package bot_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// threadPlatform is a recording platform whose chats have threads.
type threadPlatform struct {
	*recorder
	mu     sync.Mutex
	opened []string // "chat/title" of each OpenThread call
	err    error    // returned by OpenThread when set
}

func (p *threadPlatform) OpenThread(_ context.Context, chatID, title string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.opened = append(p.opened, chatID+"/"+title)
	if p.err != nil {
		return "", p.err
	}
	return "thread-7", nil
}

func (p *threadPlatform) calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.opened...)
}

// threadWorld is the bot with a threaded platform (or the plain recorder)
// and a case waiting for its thread in a work chat.
type threadWorld struct {
	h   *harness
	p   *threadPlatform // nil: the platform has no threads
	cs  *core.Case
	rec *core.OutboxMessage
}

func newThreadWorld(t *testing.T, threads bool) *threadWorld {
	h := newHarness(t)
	w := &threadWorld{h: h}
	if threads {
		w.p = &threadPlatform{recorder: h.rec}
		h.bot.AddTransport(w.p) // in place of the plain recorder
	}
	return w
}

// open opens a case about a deal in the group "-100", as /case does: the
// case, still opening, and the record that opens its thread (given to
// user, when not 0, to try the merge).
func (w *threadWorld) open(userID int64) {
	w.h.t.Helper()
	ctx := context.Background()
	createClient(w.h.t, w.h, "admin")
	admin := core.Actor{User: w.h.admin}
	clients, err := w.h.svc.FindClientsByINN(ctx, admin, "7707083893")
	if err != nil {
		w.h.t.Fatal(err)
	}
	d, err := w.h.svc.CreateDeal(ctx, admin, &core.Deal{ClientID: clients[0].ID, Title: "Поставка", ManagerID: w.h.admin.ID})
	if err != nil {
		w.h.t.Fatal(err)
	}
	if _, err := w.h.bot.DeliverDue(ctx, "test"); err != nil { // what creating them wrote
		w.h.t.Fatal(err)
	}
	w.h.rec.take()
	if err := w.h.svc.BindChat(ctx, admin, &core.WorkChat{Platform: "test", ChatID: "-100", Title: "Сделки",
		Purpose: core.PurposeTeam}); err != nil {
		w.h.t.Fatal(err)
	}
	w.cs, err = w.h.svc.OpenCase(ctx, admin, core.CaseOpening{Ref: core.CaseRef{DealID: d.ID}, Topic: "скидка",
		Platform: "test", ChatID: "-100", Title: func(t core.CaseTitle) string {
			return "Кейс #" + strconv.FormatInt(t.ID, 10) + ": " + t.Deal + " — " + t.Topic
		}})
	if err != nil {
		w.h.t.Fatal(err)
	}
	for _, m := range w.h.outbox() {
		if m.Key == core.OutboxOpenThread && m.CaseID == w.cs.ID {
			w.rec = m
		}
	}
	if w.rec == nil || w.rec.Text != "Кейс #1: D-2026-0001 — скидка" || w.rec.ChatID != "-100" {
		w.h.t.Fatalf("the record that opens the thread: %+v", w.rec)
	}
	if userID != 0 {
		w.rec.UserID = userID
		if err := w.h.db.Update(ctx, func(tx core.Tx) error { return tx.UpdateMessage(w.rec) }); err != nil {
			w.h.t.Fatal(err)
		}
	}
}

// deliver delivers what is due, and what that writes, and returns the
// thread record as stored.
func (w *threadWorld) deliver() *core.OutboxMessage {
	w.h.t.Helper()
	for {
		n, err := w.h.bot.DeliverDue(context.Background(), "test")
		if err != nil {
			w.h.t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	var m *core.OutboxMessage
	err := w.h.db.View(context.Background(), func(tx core.Tx) (err error) {
		m, err = tx.OutboxMessage(w.rec.ID)
		return err
	})
	if err != nil {
		w.h.t.Fatal(err)
	}
	return m
}

// storedCase returns the case as stored.
func (w *threadWorld) storedCase() *core.Case {
	w.h.t.Helper()
	var c *core.Case
	err := w.h.db.View(context.Background(), func(tx core.Tx) (err error) {
		c, err = tx.CaseByID(w.cs.ID)
		return err
	})
	if err != nil {
		w.h.t.Fatal(err)
	}
	return c
}

// TestOutboxOpensThread: a thread record opens the thread through the
// platform (named by the record's text, in its chat), sends no message,
// is marked delivered, and the case learns its thread.
func TestOutboxOpensThread(t *testing.T) {
	w := newThreadWorld(t, true)
	w.open(0)
	m := w.deliver()
	if got := w.p.calls(); len(got) != 1 || got[0] != "-100/Кейс #1: D-2026-0001 — скидка" {
		t.Fatalf("OpenThread calls %q", got)
	}
	// What goes out next is the case's first message, in the thread.
	sent := w.h.rec.take()
	if len(sent) == 0 {
		t.Fatal("nothing went into the thread")
	}
	for _, msg := range sent {
		if msg.ThreadID != "thread-7" || msg.Text == w.rec.Text {
			t.Fatalf("a message outside the thread, or the title sent as one: %+v", msg)
		}
	}
	if m.Status != core.OutboxDelivered || m.Attempts != 0 {
		t.Fatalf("thread record %+v", m)
	}
	if c := w.storedCase(); c.ThreadID != "thread-7" || c.Opening {
		t.Fatalf("the case after its thread opened: thread %q, opening %v", c.ThreadID, c.Opening)
	}
	// Delivered once: nothing opens it again.
	w.deliver()
	if got := w.p.calls(); len(got) != 1 {
		t.Fatalf("OpenThread called again: %q", got)
	}
}

// TestOutboxOpenThreadWithoutThreads: a platform without threads opens
// none; the record is delivered and the case is kept in the chat.
func TestOutboxOpenThreadWithoutThreads(t *testing.T) {
	w := newThreadWorld(t, false)
	w.open(0)
	if m := w.deliver(); m.Status != core.OutboxDelivered || m.LastError != "" {
		t.Fatalf("thread record %+v", m)
	}
	sent := w.h.rec.take()
	if len(sent) == 0 {
		t.Fatal("nothing went into the chat")
	}
	for _, msg := range sent {
		if msg.ThreadID != "" || msg.ChatID != "-100" || msg.Text == w.rec.Text {
			t.Fatalf("a message not in the chat, or the title sent as one: %+v", msg)
		}
	}
	if c := w.storedCase(); c.ThreadID != "" || c.Opening {
		t.Fatalf("the case kept in the chat: thread %q, opening %v", c.ThreadID, c.Opening)
	}
}

// TestOutboxOpenThreadErrors: OpenThread's failures are a send's: a
// refusal for good fails the record at once, a rate limit postpones it
// without counting an attempt, anything else is retried with backoff.
func TestOutboxOpenThreadErrors(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		status   core.OutboxStatus
		attempts int
		wait     time.Duration
	}{
		{"permanent", &bot.PermanentError{Err: errors.New("Bad Request: the chat is not a forum")}, core.OutboxFailed, 1, 0},
		{"rate limited", &bot.RateLimitError{RetryAfter: 30 * time.Second, Err: errors.New("429")}, core.OutboxPending, 0, 30 * time.Second},
		{"temporary", errors.New("502 Bad Gateway"), core.OutboxPending, 1, core.OutboxBackoff(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newThreadWorld(t, true)
			w.open(0)
			w.p.err = tt.err
			m := w.deliver()
			if m.Status != tt.status || m.Attempts != tt.attempts || m.LastError == "" {
				t.Fatalf("thread record: status %s, attempts %d, error %q", m.Status, m.Attempts, m.LastError)
			}
			if tt.wait > 0 && !m.NextAttemptAt.Equal(w.h.clock.Now().Add(tt.wait)) {
				t.Fatalf("next attempt at %s, want %s later", m.NextAttemptAt, tt.wait)
			}
			if c := w.storedCase(); c.ThreadID != "" {
				t.Fatalf("the case got a thread %q from a failure", c.ThreadID)
			}
			if len(w.p.calls()) != 1 {
				t.Fatalf("OpenThread calls %q", w.p.calls())
			}
		})
	}
}

// TestOutboxOpenThreadIsNeverMerged: a thread record between two
// notifications of one user in the same chat stays a thread record: the
// notifications around it go out one by one, in order, and the thread is
// opened between them.
func TestOutboxOpenThreadIsNeverMerged(t *testing.T) {
	w := newThreadWorld(t, true)
	u := w.h.addUser("m", "Максим", core.RoleManager)
	note := func(text string) *core.OutboxMessage {
		return &core.OutboxMessage{Platform: "test", ChatID: "-100", UserID: u.ID, Key: "msg.unknown", Text: text,
			Status: core.OutboxPending}
	}
	w.open(u.ID) // due first; two notes follow
	err := w.h.db.Update(context.Background(), func(tx core.Tx) error {
		if err := tx.Enqueue(note("a")); err != nil {
			return err
		}
		return tx.Enqueue(note("b"))
	})
	if err != nil {
		t.Fatal(err)
	}
	w.deliver()
	if got := w.p.calls(); len(got) != 1 {
		t.Fatalf("OpenThread calls %q", got)
	}
	notes := 0
	for _, msg := range w.h.rec.take() {
		if msg.Direct {
			notes++
		}
	}
	if notes != 1 {
		t.Fatalf("the two notes after the thread: %d messages, want them merged into one", notes)
	}
}

// TestOutboxOpenThreadInAChatWithoutTopicsIsNoError: a chat that cannot
// have threads (a Telegram group that is no forum) keeps the case in the
// chat, as meant: the outbox logs it as information, not as a failed
// delivery at error level that would page an operator.
func TestOutboxOpenThreadInAChatWithoutTopicsIsNoError(t *testing.T) {
	w := newThreadWorld(t, true)
	w.open(0)
	w.p.err = &bot.PermanentError{Err: errors.New("Bad Request: the chat is not a forum")}
	var logs bytes.Buffer
	bt := bot.New(bot.Config{Service: w.h.svc, Locales: bundle, Logger: zerolog.New(&logs)})
	bt.AddTransport(w.p)
	if _, err := bt.DeliverDue(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if c := w.storedCase(); c.Opening || c.ThreadID != "" {
		t.Fatalf("the case is not kept in the chat: %+v", c)
	}
	if strings.Contains(logs.String(), `"level":"error"`) || !strings.Contains(logs.String(), `"level":"info"`) {
		t.Fatalf("logged:\n%s", logs.String())
	}
}
