package telegram_test

import (
	"context"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// BenchmarkOutboxAtTelegramLimits is the outbox delivering through the real
// Telegram transport (its limiter at Telegram's documented limits) to the
// fake Bot API enforcing them as Telegram does: 429 with retry_after for a
// message over 30 a second overall or over one a second to a chat. The
// store is a durable bbolt file (fsync on), each delivery recorded in it.
// It reports the delivery rate (msgs/s), the 429 answers (must be 0) and the
// most messages the fake took within one second, overall and to one chat.
//
//	go test -run '^$' -bench OutboxAtTelegramLimits ./bot/telegram/
func BenchmarkOutboxAtTelegramLimits(b *testing.B) {
	for _, bc := range []struct {
		name           string
		chats, perChat int
	}{
		{"300_messages_to_100_chats", 100, 3},
		{"10_messages_to_one_chat", 1, 10},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var (
				took  time.Duration
				stats telegramtest.RateStats
			)
			for range b.N {
				d, st := deliverAtLimits(b, bc.chats, bc.perChat)
				took += d
				stats.Sends += st.Sends
				stats.Limited += st.Limited
				stats.LimitedChat += st.LimitedChat
				stats.MaxGlobal = max(stats.MaxGlobal, st.MaxGlobal)
				stats.MaxPerChat = max(stats.MaxPerChat, st.MaxPerChat)
			}
			total := bc.chats * bc.perChat * b.N
			b.Logf("%d messages in %v: %.1f msgs/s; the fake saw %+v", total, took.Round(time.Millisecond),
				float64(total)/took.Seconds(), stats)
			b.ReportMetric(float64(total)/took.Seconds(), "msgs/s")
			b.ReportMetric(float64(stats.Limited), "429s")
			b.ReportMetric(float64(stats.MaxGlobal), "max_msgs_in_1s")
			b.ReportMetric(float64(stats.MaxPerChat), "max_chat_msgs_in_1s")
			if stats.Limited > 0 || stats.MaxGlobal > 30 || stats.MaxPerChat > 1 {
				b.Errorf("over Telegram's limits: %+v", stats)
			}
			if stats.Sends != total {
				b.Errorf("the fake took %d messages, want %d (each once)", stats.Sends, total)
			}
		})
	}
}

// deliverAtLimits writes perChat replies to each of chats chats (in turns,
// as a burst of notices would come) and runs the outbox until the fake Bot
// API has them all. It returns how long that took and what the fake saw.
func deliverAtLimits(b *testing.B, chats, perChat int) (time.Duration, telegramtest.RateStats) {
	b.StopTimer()
	defer b.StartTimer()
	srv := telegramtest.NewServer(b)
	cfg := testConfig(srv)
	cfg.Limits = telegram.Limits{} // Telegram's documented limits
	tr := MustNew(b, cfg)
	db, err := bolt.Open(filepath.Join(b.TempDir(), "dealdesk.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	svc := core.NewService(db, core.WithPlatforms(telegram.Platform))
	ctx := context.Background()
	err = db.Update(ctx, func(tx core.Tx) error {
		for i := range perChat {
			for c := range chats {
				m := &core.OutboxMessage{Platform: telegram.Platform, ChatID: strconv.Itoa(1000 + c),
					Text: "Сообщение " + strconv.Itoa(i+1), Status: core.OutboxPending}
				if err := tx.Enqueue(m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	bt := bot.New(bot.Config{Service: svc, Locales: locales.MustLoad(), Logger: zerolog.Nop()})
	bt.AddTransport(tr)
	srv.LimitRate(telegramtest.TelegramLimits)
	total := chats * perChat

	b.StartTimer()
	start := time.Now()
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		bt.RunOutbox(runCtx, 50*time.Millisecond)
	}()
	srv.WaitSent(b, total, 2*time.Minute)
	took := time.Since(start)
	b.StopTimer()
	cancel()
	wg.Wait()
	return took, srv.RateStats()
}
