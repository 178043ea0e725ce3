package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// gate is a platform whose sends wait until n of them are in flight at
// once, as sends do that wait for their chat's rate limit.
type gate struct {
	mu          sync.Mutex
	n, in       int
	open        chan struct{}
	maxInFlight int
}

func (g *gate) Platform() string                             { return "test" }
func (g *gate) Run(ctx context.Context, _ bot.Inbox) error   { <-ctx.Done(); return ctx.Err() }
func (g *gate) Answer(context.Context, string, string) error { return nil }
func (g *gate) Send(ctx context.Context, m *bot.Message) (string, error) {
	g.mu.Lock()
	g.in++
	g.maxInFlight = max(g.maxInFlight, g.in)
	if g.in == g.n {
		close(g.open)
	}
	g.mu.Unlock()
	select {
	case <-g.open:
		return m.ChatID, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// TestOutbox_ManyChatsAtOnce: the outbox serves more than 30 chats at once,
// so that chats waiting for their own limit (Telegram: a message a second
// each) leave the global one (30 a second) reachable.
func TestOutbox_ManyChatsAtOnce(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"), bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := core.NewService(db, core.WithPlatforms("test"))
	const chats = 40
	err = db.Update(context.Background(), func(tx core.Tx) error {
		for c := range chats {
			if err := tx.Enqueue(&core.OutboxMessage{Platform: "test", ChatID: strconv.Itoa(c), Text: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{n: chats, open: make(chan struct{})}
	bt := bot.New(bot.Config{Service: svc, Locales: bundle, Logger: zerolog.Nop()})
	bt.AddTransport(g)
	// The bound only keeps a broken outbox from hanging the test.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := bt.DeliverDue(ctx, "test")
	if errors.Is(err, context.DeadlineExceeded) || n != chats {
		t.Fatalf("delivered %d of %d (%v): at most %d chats were served at once", n, chats, err, g.maxInFlight)
	}
}
