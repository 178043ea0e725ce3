package bolt_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func messageKeys(ms []*core.OutboxMessage) []string {
	var keys []string
	for _, m := range ms {
		keys = append(keys, m.Key)
	}
	return keys
}

func TestOutbox_Enqueue(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	m := &core.OutboxMessage{Platform: core.PlatformTelegram, ChatID: "-100123", Key: "notify.deal.stage",
		Args:    map[string]any{"Number": "D-2026-0001", "Count": 3},
		Buttons: [][]core.OutboxButton{{{LabelKey: "btn.open", Token: "tok1"}}}}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.Enqueue(m) })
	now := clock.Now().UTC().Truncate(time.Microsecond)
	if m.ID != 1 || m.Status != core.OutboxPending || m.CreatedAt != now || m.NextAttemptAt != now {
		t.Fatalf("enqueued %+v", m)
	}
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.OutboxMessage(1)
		if err != nil {
			return err
		}
		m.Args["Count"] = float64(3) // JSON numbers come back as float64
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("OutboxMessage = %+v, want %+v", got, m)
		}
		_, err = tx.OutboxMessage(2)
		CheckCode(t, err, core.ENOTFOUND, "err.outbox.not_found")
		return nil
	})
	err := db.Update(t.Context(), func(tx core.Tx) error { return tx.UpdateMessage(&core.OutboxMessage{ID: 2}) })
	CheckCode(t, err, core.ENOTFOUND, "err.outbox.not_found")
}

// seedOutbox stores messages of three platforms around the clock's time.
func seedOutbox(t *testing.T) (*bolt.DB, time.Time) {
	t.Helper()
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	now := clock.Now()
	MustUpdate(t, db, func(tx core.Tx) error {
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
	return db, now
}

// TestOutbox_RetryHoldsLaterMessagesOfItsChat: a message that failed and
// waits to be tried again holds up the later messages of its chat (their
// order is kept), but not those of other chats, and not the earlier ones;
// a message merely scheduled for later holds up nothing.
func TestOutbox_RetryHoldsLaterMessagesOfItsChat(t *testing.T) {
	db := MustOpenDB(t)
	now := time.Now().UTC()
	MustUpdate(t, db, func(tx core.Tx) error {
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
	due := func(at time.Time) []string {
		var got []string
		MustView(t, db, func(tx core.Tx) error {
			ms, err := tx.DueMessages(core.OutboxQuery{Platform: "telegram", Now: at})
			got = messageKeys(ms)
			return err
		})
		return got
	}
	if got, want := due(now.Add(time.Second)), []string{"a1", "b2", "c1"}; !equal(got, want) {
		t.Fatalf("due while a2 waits = %v, want %v", got, want)
	}
	if got, want := due(now.Add(2*time.Minute)), []string{"a1", "a2-failed", "a3", "b2", "c1"}; !equal(got, want) {
		t.Fatalf("due once a2 may be tried = %v, want %v", got, want)
	}
}

func TestOutbox_DueMessages(t *testing.T) {
	db, now := seedOutbox(t)
	check := func(platform string, at time.Time, limit int, want ...string) {
		t.Helper()
		MustView(t, db, func(tx core.Tx) error {
			ms, err := tx.DueMessages(core.OutboxQuery{Platform: platform, Now: at, Limit: limit})
			if err != nil {
				return err
			}
			if got := messageKeys(ms); !equal(got, want) {
				t.Errorf("DueMessages(%s, %v, %d) = %v, want %v", platform, at, limit, got, want)
			}
			return nil
		})
	}
	check("telegram", now, 0, "t-past", "t-now", "t-now-2")
	check("telegram", now, 2, "t-past", "t-now")
	check("telegram", now.Add(-time.Minute), 0, "t-past")
	check("telegram", now.Add(2*time.Hour), 0, "t-past", "t-now", "t-now-2", "t-later")
	check("mattermost", now, 0, "m-now")
	check("console", now, 0)

	// A failed attempt moves the message later; a delivered one leaves the queue.
	MustUpdate(t, db, func(tx core.Tx) error {
		ms, err := tx.DueMessages(core.OutboxQuery{Platform: "telegram", Now: now, Limit: 2})
		if err != nil {
			return err
		}
		ms[0].Attempts, ms[0].LastError, ms[0].NextAttemptAt = 1, "429", now.Add(30*time.Minute)
		ms[1].Status, ms[1].DeliveredAt, ms[1].MessageID = core.OutboxDelivered, tx.Now(), "555"
		for _, m := range ms {
			if err := tx.UpdateMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	check("telegram", now, 0, "t-now-2")
	check("telegram", now.Add(2*time.Hour), 0, "t-now-2", "t-past", "t-later")
	MustView(t, db, func(tx core.Tx) error {
		m, err := tx.OutboxMessage(2)
		if err != nil {
			return err
		}
		if m.Status != core.OutboxDelivered || m.MessageID != "555" || m.CreatedAt.IsZero() {
			t.Errorf("delivered message = %+v", m)
		}
		return nil
	})
}
