package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// TestQueuesReadOnlyPendingRows: with 50,000 delivered messages and handled
// updates next to a few pending ones, the outbox's due queries and the
// inbox's pending queries read the pending rows through their partial
// indexes, never the whole table.
func TestQueuesReadOnlyPendingRows(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`INSERT INTO outbox (id, platform, chat_id, status, failed, created_at, next_attempt_at, doc)
			SELECT i, 'telegram', (i % 500)::text, 'delivered', false, now(), now(), '{}'
			FROM generate_series(1, 50000) i`,
		`INSERT INTO outbox (id, platform, chat_id, status, failed, created_at, next_attempt_at, doc)
			SELECT i, 'telegram', (i % 5)::text, 'pending', i % 2 = 0, now(), now(), '{}'
			FROM generate_series(50001, 50010) i`,
		`INSERT INTO inbox (id, platform, key, chat_id, received_at, handled_at, doc)
			SELECT i, 'telegram', i::text, (i % 500)::text, now(), now(), '{}' FROM generate_series(1, 50000) i`,
		`INSERT INTO inbox (id, platform, key, chat_id, received_at, handled_at, doc)
			SELECT i, 'telegram', i::text, (i % 5)::text, now(), NULL, '{}' FROM generate_series(50001, 50010) i`,
		`ANALYZE outbox`, `ANALYZE inbox`,
	} {
		if _, err := db.pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	for _, c := range []struct {
		name, sql string
		args      []any
		index     string
	}{
		{"due chats", dueChatsSQL, []any{"telegram", now}, "outbox_pending"},
		{"due messages of a chat", dueChatSQL, []any{"telegram", "1", now, 10}, "outbox_pending_by_chat"},
		{"pending updates", pendingInboxSQL, []any{100}, "inbox_pending"},
		{"pending updates of a chat", pendingChatInboxSQL, []any{"telegram", "1", 100}, "inbox_pending_by_chat"},
		{"handled updates to purge", purgeInboxSQL, []any{now.Add(-time.Hour)}, "inbox_by_handled"},
	} {
		var plan strings.Builder
		rows, err := db.pool.Query(ctx, "EXPLAIN "+c.sql, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(line + "\n")
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if p := plan.String(); strings.Contains(p, "Seq Scan") || !strings.Contains(p, c.index) {
			t.Errorf("%s: the plan does not read through %s only:\n%s", c.name, c.index, p)
		}
	}
}

// TestOutboxTwoInstancesDeliverEachMessageOnce: two DealDesk processes on
// one database (two pools), each with workers that take the due messages
// and mark them delivered in one transaction, deliver every message once,
// and each chat's messages in the order they were written.
func TestOutboxTwoInstancesDeliverEachMessageOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDB(t)
	var dbs []*DB
	for range 2 {
		db, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	const n = 200
	err := dbs[0].Update(ctx, func(tx core.Tx) error {
		for i := range n {
			m := &core.OutboxMessage{Platform: "telegram", ChatID: fmt.Sprint(i % 7), Key: fmt.Sprint(i)}
			if err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	sent := map[int64]int{}
	order := map[string][]int64{}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var took int
				err := dbs[w%2].Update(ctx, func(tx core.Tx) error {
					ms, err := tx.DueMessages(core.OutboxQuery{Platform: "telegram", Now: tx.Now(), Limit: 5, PerChat: 2})
					if err != nil {
						return err
					}
					took = len(ms)
					mu.Lock()
					defer mu.Unlock()
					for _, m := range ms {
						m.Status, m.Attempts, m.DeliveredAt = core.OutboxDelivered, m.Attempts+1, tx.Now()
						if err := tx.UpdateMessage(m); err != nil {
							return err
						}
						sent[m.ID]++
						order[m.ChatID] = append(order[m.ChatID], m.ID)
					}
					return nil
				})
				if err != nil || took == 0 {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(sent) != n {
		t.Errorf("%d messages delivered, want %d", len(sent), n)
	}
	for id, k := range sent {
		if k != 1 {
			t.Errorf("message %d delivered %d times", id, k)
		}
	}
	for chat, ids := range order {
		for i := 1; i < len(ids); i++ {
			if ids[i] < ids[i-1] {
				t.Errorf("chat %s: delivered out of order: %v", chat, ids)
				break
			}
		}
	}
}
