package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Outbox/EnqueueSetsDefaultsAndReadsBackWhole", testOutboxEnqueue)
	register("Outbox/DueMessagesByPlatformTimeAndLimitAndLeavingTheQueue", testOutboxDue)
	register("Outbox/AFailedMessageHoldsUpItsChatsLaterOnes", testOutboxRetryHolds)
	register("Outbox/ChatsByEarliestDueMessageWithPerChatBoundAndSkip", testOutboxFairness)
	register("Outbox/EachMessageIsDeliveredOnceAcrossWorkers", testOutboxOnce)
}

func messageKeys(ms []*core.OutboxMessage) []string {
	keys := []string{}
	for _, m := range ms {
		keys = append(keys, m.Key)
	}
	return keys
}

func testOutboxEnqueue(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	m := &core.OutboxMessage{Platform: core.PlatformTelegram, ChatID: "-100123", UserID: 4, Locale: "ru",
		Key: "notify.deal.stage", ThreadID: "77", Secret: true, Mentions: []int64{4, 5},
		Args:    map[string]any{"Number": "D-2026-0001", "Count": 3},
		Buttons: [][]core.OutboxButton{{{LabelKey: "btn.open", Token: "tok1"}}},
		Files:   []core.OutboxFile{{Name: "договор.pdf", MIME: "application/pdf", Data: []byte{0, 1, 2}}}}
	update(t, s, func(tx core.Tx) error {
		if err := tx.Enqueue(m); err != nil {
			return err
		}
		if m.ID != 1 || m.Status != core.OutboxPending || !m.CreatedAt.Equal(tx.Now()) || !m.NextAttemptAt.Equal(tx.Now()) {
			t.Errorf("enqueued %+v: want ID 1, pending, created and due Now", m)
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.OutboxMessage(1)
		if err != nil {
			return err
		}
		m.Args["Count"] = float64(3) // JSON numbers come back as float64
		if !reflect.DeepEqual(got, m) {
			t.Errorf("OutboxMessage = %+v, want %+v", got, m)
		}
		_, err = tx.OutboxMessage(2)
		wantCodeKey(t, err, core.ENOTFOUND, "err.outbox.not_found")
		return nil
	})
	err := s.Update(t.Context(), func(tx core.Tx) error { return tx.UpdateMessage(&core.OutboxMessage{ID: 2}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.outbox.not_found")
}

// dueKeys lists the keys of the messages DueMessages returns for q.
func dueKeys(t *testing.T, s core.Store, q core.OutboxQuery) []string {
	t.Helper()
	var got []string
	view(t, s, func(tx core.Tx) error {
		ms, err := tx.DueMessages(q)
		if ms == nil && err == nil {
			t.Errorf("DueMessages(%+v) = nil, want a list", q)
		}
		got = messageKeys(ms)
		return err
	})
	return got
}

func testOutboxDue(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	now := T0
	update(t, s, func(tx core.Tx) error {
		for _, m := range []*core.OutboxMessage{
			{Platform: "telegram", Key: "t-later", NextAttemptAt: now.Add(time.Hour)},
			{Platform: "telegram", Key: "t-now"},
			{Platform: "mattermost", Key: "m-now"},
			{Platform: "telegram", Key: "t-past", NextAttemptAt: now.Add(-time.Hour)},
			{Platform: "telegram", Key: "t-now-2"},
			{Platform: "telegram", Key: "t-delivered", Status: core.OutboxDelivered, NextAttemptAt: now.Add(-time.Hour)},
			{Platform: "telegramx", Key: "x-now"},
		} {
			m.ChatID = m.Key // each in a chat of its own: this is about time
			if err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	check := func(platform string, at time.Time, limit int, want ...string) {
		t.Helper()
		got := dueKeys(t, s, core.OutboxQuery{Platform: platform, Now: at, Limit: limit})
		if want == nil {
			want = []string{}
		}
		if !slices.Equal(got, want) {
			t.Errorf("DueMessages(%s, %v, %d) = %v, want %v", platform, at, limit, got, want)
		}
	}
	check("telegram", now, 0, "t-past", "t-now", "t-now-2")
	check("telegram", now, 2, "t-past", "t-now")
	check("telegram", now.Add(-time.Minute), 0, "t-past")
	check("telegram", now.Add(2*time.Hour), 0, "t-past", "t-now", "t-now-2", "t-later")
	check("mattermost", now, 0, "m-now")
	check("console", now, 0)

	// A failed attempt moves the message later; a delivered one leaves the queue.
	update(t, s, func(tx core.Tx) error {
		ms, err := tx.DueMessages(core.OutboxQuery{Platform: "telegram", Now: now, Limit: 2})
		if err != nil {
			return err
		}
		ms[0].Attempts, ms[0].LastError, ms[0].NextAttemptAt = 1, "429", now.Add(30*time.Minute)
		ms[1].Status, ms[1].DeliveredAt, ms[1].MessageID = core.OutboxDelivered, tx.Now(), "555"
		ms[1].CreatedAt = time.Time{} // kept as it was
		for _, m := range ms {
			if err := tx.UpdateMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	check("telegram", now, 0, "t-now-2")
	check("telegram", now.Add(2*time.Hour), 0, "t-now-2", "t-past", "t-later")
	// Given up: no longer pending either.
	update(t, s, func(tx core.Tx) error {
		m, err := tx.OutboxMessage(4)
		if err != nil {
			return err
		}
		m.Status = core.OutboxFailed
		return tx.UpdateMessage(m)
	})
	check("telegram", now.Add(2*time.Hour), 0, "t-now-2", "t-later")
	view(t, s, func(tx core.Tx) error {
		m, err := tx.OutboxMessage(2)
		if err != nil {
			return err
		}
		if m.Status != core.OutboxDelivered || m.MessageID != "555" || !m.CreatedAt.Equal(T0) {
			t.Errorf("delivered message = %+v", m)
		}
		return nil
	})
}

// testOutboxRetryHolds: a message that failed and waits to be tried again
// holds up the later messages of its chat (their order is kept), but not
// those of other chats, and not the earlier ones; a message merely
// scheduled for later holds up nothing.
func testOutboxRetryHolds(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	now := T0
	update(t, s, func(tx core.Tx) error {
		for _, m := range []*core.OutboxMessage{
			{Platform: "telegram", ChatID: "a", Key: "a1"},
			{Platform: "telegram", ChatID: "a", Key: "a2-failed"},
			{Platform: "telegram", ChatID: "a", Key: "a3"},
			{Platform: "telegram", ChatID: "b", Key: "b-scheduled", NextAttemptAt: now.Add(time.Hour)},
			{Platform: "telegram", ChatID: "b", Key: "b2"},
			{Platform: "telegram", ChatID: "c", Key: "c1"},
		} {
			if err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		m, err := tx.OutboxMessage(2)
		if err != nil {
			return err
		}
		m.Attempts, m.LastError, m.NextAttemptAt = 1, "connection reset", now.Add(time.Minute)
		return tx.UpdateMessage(m)
	})
	due := func(at time.Time) []string { return dueKeys(t, s, core.OutboxQuery{Platform: "telegram", Now: at}) }
	if got, want := due(now.Add(time.Second)), []string{"a1", "b2", "c1"}; !slices.Equal(got, want) {
		t.Errorf("due while a2 waits = %v, want %v", got, want)
	}
	if got, want := due(now.Add(2*time.Minute)), []string{"a1", "a2-failed", "a3", "b2", "c1"}; !slices.Equal(got, want) {
		t.Errorf("due once a2 may be tried = %v, want %v", got, want)
	}
	// Delivered at last, the failed message holds nothing up any more.
	update(t, s, func(tx core.Tx) error {
		m, err := tx.OutboxMessage(2)
		if err != nil {
			return err
		}
		m.Status = core.OutboxDelivered
		return tx.UpdateMessage(m)
	})
	if got, want := due(now.Add(time.Second)), []string{"a1", "a3", "b2", "c1"}; !slices.Equal(got, want) {
		t.Errorf("due once a2 is delivered = %v, want %v", got, want)
	}
}

// testOutboxFairness: chats come in the order of their earliest due
// message; within a chat, the order the messages were written; at most
// PerChat of a chat, Limit in all; Skip's chats not at all.
func testOutboxFairness(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	now := T0
	update(t, s, func(tx core.Tx) error {
		for _, m := range []*core.OutboxMessage{
			{ChatID: "b", Key: "b1"},
			{ChatID: "a", Key: "a1", NextAttemptAt: now.Add(-time.Hour)},
			{ChatID: "a", Key: "a2"},
			{ChatID: "a", Key: "a3", NextAttemptAt: now.Add(-3 * time.Hour)},
			{ChatID: "c", Key: "c1", NextAttemptAt: now.Add(-30 * time.Minute)},
			{ChatID: "d", Key: "d1"},
			{ChatID: "d", Key: "d2", NextAttemptAt: now.Add(-2 * time.Hour)},
			{ChatID: "aa", Key: "aa1", NextAttemptAt: now.Add(-10 * time.Minute)},
			{ChatID: "b", Key: "b2", CreatedAt: now.Add(-time.Minute)}, // written earlier than b1
		} {
			m.Platform = "telegram"
			if err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range []struct {
		name          string
		limit, perCht int
		skip          map[string]bool
		want          []string
	}{
		{"all", 0, 0, nil, []string{"a1", "a2", "a3", "d1", "d2", "c1", "aa1", "b2", "b1"}},
		{"per chat 1", 0, 1, nil, []string{"a1", "d1", "c1", "aa1", "b2"}},
		{"per chat 2, limit 5", 5, 2, nil, []string{"a1", "a2", "d1", "d2", "c1"}},
		{"limit inside a chat", 2, 0, nil, []string{"a1", "a2"}},
		{"skip", 0, 2, map[string]bool{"a": true, "c": true}, []string{"d1", "d2", "aa1", "b2", "b1"}},
	} {
		got := dueKeys(t, s, core.OutboxQuery{Platform: "telegram", Now: now, Limit: c.limit, PerChat: c.perCht, Skip: c.skip})
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: DueMessages = %v, want %v", c.name, got, c.want)
		}
	}
}

// testOutboxOnce: workers that each take the due messages and mark them
// sent in one transaction send every message once.
func testOutboxOnce(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	const n = 60
	update(t, s, func(tx core.Tx) error {
		for i := range n {
			m := &core.OutboxMessage{Platform: "telegram", ChatID: string(rune('a' + i%6)), Key: string(rune('A' + i))}
			if err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	sent := make(chan int64, 2*n)
	done := make(chan error)
	for range 3 {
		go func() {
			for {
				var took int
				err := s.Update(t.Context(), func(tx core.Tx) error {
					ms, err := tx.DueMessages(core.OutboxQuery{Platform: "telegram", Now: tx.Now(), Limit: 4, PerChat: 1})
					if err != nil {
						return err
					}
					took = len(ms)
					for _, m := range ms {
						m.Status, m.Attempts, m.DeliveredAt = core.OutboxDelivered, m.Attempts+1, tx.Now()
						if err := tx.UpdateMessage(m); err != nil {
							return err
						}
						sent <- m.ID
					}
					return nil
				})
				if err != nil || took == 0 {
					done <- err
					return
				}
			}
		}()
	}
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	close(sent)
	seen := map[int64]bool{}
	for id := range sent {
		if seen[id] {
			t.Errorf("message %d sent twice", id)
		}
		seen[id] = true
	}
	if len(seen) != n {
		t.Errorf("%d messages sent, want %d", len(seen), n)
	}
}
