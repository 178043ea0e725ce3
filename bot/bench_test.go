package bot_test

import (
	"context"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// signalling is a platform that counts what it is sent.
type signalling struct {
	mu   sync.Mutex
	sent int
	got  chan struct{}
}

func (s *signalling) Platform() string                             { return "test" }
func (s *signalling) Run(ctx context.Context, _ bot.Inbox) error   { <-ctx.Done(); return ctx.Err() }
func (s *signalling) Answer(context.Context, string, string) error { return nil }
func (s *signalling) Send(context.Context, *bot.Message) (string, error) {
	s.mu.Lock()
	s.sent++
	n := s.sent
	s.mu.Unlock()
	s.got <- struct{}{}
	return strconv.Itoa(n), nil
}

// benchBot is a running bot on a durable bbolt file (fsync on).
func benchBot(b *testing.B) (*bolt.DB, *bot.Bot, *signalling) {
	b.Helper()
	db, err := bolt.Open(filepath.Join(b.TempDir(), "dealdesk.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc := core.NewService(db, core.WithPlatforms("test"))
	if err := svc.SeedAdmins(context.Background(), []core.Admin{{Identity: "test:admin", Name: "Админ"}}); err != nil {
		b.Fatal(err)
	}
	bt := bot.New(bot.Config{Service: svc, Locales: bundle, Logger: zerolog.Nop(), UseCases: usecases.All,
		ChatBurst: 1 << 30, ChatRate: 1e9})
	tr := &signalling{got: make(chan struct{}, 1024)}
	bt.AddTransport(tr)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		bt.Run(ctx, time.Second, time.Second)
	}()
	b.Cleanup(func() { cancel(); wg.Wait() })
	return db, bt, tr
}

// BenchmarkUpdateRoundTrip is one update's whole durable path, one after
// another: taken into the inbox (a transaction), handled in its unit with
// its reply written to the outbox (a transaction), the reply sent and
// recorded (a transaction). Compare BenchmarkBareTransaction.
func BenchmarkUpdateRoundTrip(b *testing.B) {
	_, bt, tr := benchBot(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		u := &bot.Update{ID: strconv.Itoa(i), Platform: "test", ChatID: "admin", ChatType: bot.ChatPrivate,
			UserID: "admin", Text: "/tz", Command: "tz"}
		if err := bt.Take(ctx, nil, u); err != nil {
			b.Fatal(err)
		}
		<-tr.got
	}
}

// BenchmarkUpdatesFromManyChats is the same with updates of 64 chats taken
// in batches, as a getUpdates answer brings them: the chats are handled
// side by side.
func BenchmarkUpdatesFromManyChats(b *testing.B) {
	_, bt, tr := benchBot(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i += 64 {
		n := min(64, b.N-i)
		ups := make([]*bot.Update, n)
		for j := range ups {
			ups[j] = &bot.Update{ID: strconv.Itoa(i + j), Platform: "test", ChatID: "admin" + strconv.Itoa(j),
				ChatType: bot.ChatPrivate, UserID: "admin", Text: "/tz", Command: "tz"}
		}
		if err := bt.Take(ctx, nil, ups...); err != nil {
			b.Fatal(err)
		}
		for range n {
			<-tr.got
		}
	}
}

// BenchmarkBareTransaction is the floor of any durable change here: one
// bbolt transaction with one small write, fsync on.
func BenchmarkBareTransaction(b *testing.B) {
	db, _, _ := benchBot(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		err := db.Update(ctx, func(tx core.Tx) error {
			return tx.PutTransportCursor(core.TransportCursor{Name: "bench", Value: strconv.Itoa(i)})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
