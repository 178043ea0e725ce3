package bolt_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func TestConversations(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	c := &core.Conversation{Key: "telegram:-100:42", Flow: "deal.new", Step: "client",
		Data: map[string]string{"title": "Поставка"}, ExpiresAt: clock.Now().Add(time.Hour)}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.PutConversation(c) })
	MustUpdate(t, db, func(tx core.Tx) error {
		got, err := tx.Conversation(c.Key)
		if err != nil {
			return err
		}
		if got.Step != "client" || got.Data["title"] != "Поставка" || got.UpdatedAt != tx.Now() {
			t.Fatalf("Conversation = %+v", got)
		}
		got.Step, got.ExpiresAt = "amount", tx.Now().Add(2*time.Hour)
		return tx.PutConversation(got)
	})
	clock.Add(90 * time.Minute) // past the first expiry, before the second
	MustUpdate(t, db, func(tx core.Tx) error {
		if n, err := tx.PurgeExpired(tx.Now()); err != nil || n != 0 {
			t.Fatalf("PurgeExpired = %d, %v; want 0 (the expiry was moved)", n, err)
		}
		if got, err := tx.Conversation(c.Key); err != nil || got.Step != "amount" {
			t.Fatalf("Conversation = %v, %v", got, err)
		}
		if err := tx.DeleteConversation(c.Key); err != nil {
			return err
		}
		_, err := tx.Conversation(c.Key)
		CheckCode(t, err, core.ENOTFOUND, "err.conversation.not_found")
		return tx.DeleteConversation(c.Key) // deleting twice is fine
	})
}

func TestButtons(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	b := &core.Button{Token: "Zx81", Action: "doc.approve", Payload: "17", UserID: 3, ExpiresAt: clock.Now().Add(time.Hour)}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.PutButton(b) })
	if b.CreatedAt.IsZero() {
		t.Fatal("CreatedAt not set")
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		got, err := tx.Button("Zx81")
		if err != nil {
			return err
		}
		if got.Action != b.Action || got.Payload != b.Payload || got.UserID != b.UserID ||
			!got.ExpiresAt.Equal(b.ExpiresAt) || got.CreatedAt != b.CreatedAt {
			t.Fatalf("Button = %+v, want %+v", got, b)
		}
		if err := tx.DeleteButton("Zx81"); err != nil {
			return err
		}
		_, err = tx.Button("Zx81")
		CheckCode(t, err, core.ENOTFOUND, "err.button.not_found")
		return tx.DeleteButton("Zx81")
	})
}

func TestPurgeExpired(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	now := clock.Now()
	MustUpdate(t, db, func(tx core.Tx) error {
		for i, exp := range []time.Duration{-time.Minute, 0, time.Minute} {
			k := string(rune('a' + i))
			if err := tx.PutConversation(&core.Conversation{Key: k, ExpiresAt: now.Add(exp)}); err != nil {
				return err
			}
			if err := tx.PutButton(&core.Button{Token: k, ExpiresAt: now.Add(exp)}); err != nil {
				return err
			}
		}
		if err := tx.PutButton(&core.Button{Token: "forever"}); err != nil {
			return err
		}
		// An expired record reads as not found before it is purged.
		_, err := tx.Button("a")
		CheckCode(t, err, core.ENOTFOUND, "err.button.not_found")
		_, err = tx.Conversation("a")
		CheckCode(t, err, core.ENOTFOUND, "err.conversation.not_found")
		return nil
	})
	MustUpdate(t, db, func(tx core.Tx) error {
		if n, err := tx.PurgeExpired(now); err != nil || n != 4 {
			t.Fatalf("PurgeExpired = %d, %v; want 4", n, err)
		}
		if n, err := tx.PurgeExpired(now); err != nil || n != 0 {
			t.Fatalf("second PurgeExpired = %d, %v; want 0", n, err)
		}
		return nil
	})
	clock.Add(time.Hour)
	MustUpdate(t, db, func(tx core.Tx) error {
		if _, err := tx.Button("forever"); err != nil {
			t.Fatalf("a button without expiry: %v", err)
		}
		if n, err := tx.PurgeExpired(tx.Now()); err != nil || n != 2 {
			t.Fatalf("PurgeExpired later = %d, %v; want 2", n, err)
		}
		if _, err := tx.Button("forever"); err != nil {
			t.Fatalf("a button without expiry was purged: %v", err)
		}
		return nil
	})
}
