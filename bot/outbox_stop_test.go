package bot_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// slowPlatform is a platform whose send has reached the chat's server and
// waits for its answer until released; cancelled meanwhile, it fails as an
// HTTP call does, although the message is already in the chat.
type slowPlatform struct {
	started, release chan struct{}
	sends            atomic.Int32
}

func (p *slowPlatform) Platform() string                             { return "test" }
func (p *slowPlatform) Run(ctx context.Context, _ bot.Inbox) error   { <-ctx.Done(); return ctx.Err() }
func (p *slowPlatform) Answer(context.Context, string, string) error { return nil }
func (p *slowPlatform) Send(ctx context.Context, m *bot.Message) (string, error) {
	if p.sends.Add(1) == 1 {
		close(p.started)
	}
	select {
	case <-p.release:
		return "1", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// TestRun_StopDoesNotCutASendInFlight: a graceful stop whose drain ends
// while a message is on its way lets that call finish and records it, so
// the message does not go out again after the restart (it did: the stop
// cancelled the call, the message stayed pending, and the chat got it
// twice).
func TestRun_StopDoesNotCutASendInFlight(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"), bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := core.NewService(db, core.WithPlatforms("test"))
	err = db.Update(context.Background(), func(tx core.Tx) error {
		return tx.Enqueue(&core.OutboxMessage{Platform: "test", ChatID: "7", Text: "ответ"})
	})
	if err != nil {
		t.Fatal(err)
	}
	p := &slowPlatform{started: make(chan struct{}), release: make(chan struct{})}
	bt := bot.New(bot.Config{Service: svc, Locales: bundle, Logger: zerolog.Nop()})
	bt.AddTransport(p)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		bt.Run(ctx, 10*time.Millisecond, 20*time.Millisecond)
	}()
	select {
	case <-p.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the message was not sent")
	}
	stop()
	time.Sleep(200 * time.Millisecond) // the drain is over
	close(p.release)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the stop")
	}
	due, err := svc.DueMessages(context.Background(), core.OutboxQuery{Platform: "test", Now: time.Now().Add(time.Hour), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 0 || p.sends.Load() != 1 {
		t.Fatalf("after the stop %d message(s) still due, %d send(s): the one that went out would go again", len(due), p.sends.Load())
	}
}
