package storetest

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Sessions/ConversationPutReadMoveExpiryDelete", testConversations)
	register("Sessions/ButtonPutReadDelete", testButtons)
	register("Sessions/ExpiredReadAsGoneAndArePurgedOnce", testPurgeExpired)
}

func testConversations(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	c := &core.Conversation{Key: "telegram:-100:42", ID: "r1", Flow: "deal.new", Step: "client",
		Data: map[string]string{"title": "Поставка"}, ExpiresAt: T0.Add(time.Hour)}
	update(t, s, func(tx core.Tx) error { return tx.PutConversation(c) })
	clock.Add(time.Minute)
	update(t, s, func(tx core.Tx) error {
		got, err := tx.Conversation(c.Key)
		if err != nil {
			return err
		}
		if got.ID != "r1" || got.Flow != "deal.new" || got.Step != "client" || got.Data["title"] != "Поставка" ||
			!got.UpdatedAt.Equal(T0) {
			t.Errorf("Conversation = %+v", got)
		}
		got.Step, got.ExpiresAt = "amount", tx.Now().Add(2*time.Hour)
		if err := tx.PutConversation(got); err != nil {
			return err
		}
		if !got.UpdatedAt.Equal(tx.Now()) {
			t.Errorf("UpdatedAt after a put = %v, want Now", got.UpdatedAt)
		}
		_, err = tx.Conversation("telegram:-100:43")
		wantCodeKey(t, err, core.ENOTFOUND, "err.conversation.not_found")
		return nil
	})
	clock.Add(90 * time.Minute) // past the first expiry, before the second
	update(t, s, func(tx core.Tx) error {
		if n, err := tx.PurgeExpired(tx.Now()); err != nil || n != 0 {
			t.Errorf("PurgeExpired = %d, %v; want 0 (the expiry was moved)", n, err)
		}
		if got, err := tx.Conversation(c.Key); err != nil || got.Step != "amount" {
			t.Errorf("Conversation = %v, %v", got, err)
		}
		if err := tx.DeleteConversation(c.Key); err != nil {
			return err
		}
		_, err := tx.Conversation(c.Key)
		wantCodeKey(t, err, core.ENOTFOUND, "err.conversation.not_found")
		return tx.DeleteConversation(c.Key) // deleting twice is fine
	})
}

func testButtons(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	b := &core.Button{Token: "Zx81", Action: "doc.approve", Payload: "17", UserID: 3, ChatKey: "telegram:-100",
		Step: "r1/amount", ExpiresAt: T0.Add(time.Hour)}
	update(t, s, func(tx core.Tx) error { return tx.PutButton(b) })
	if !b.CreatedAt.Equal(T0) {
		t.Fatalf("CreatedAt = %v, want Now", b.CreatedAt)
	}
	update(t, s, func(tx core.Tx) error {
		got, err := tx.Button("Zx81")
		if err != nil {
			return err
		}
		if got.Action != b.Action || got.Payload != b.Payload || got.UserID != b.UserID || got.ChatKey != b.ChatKey ||
			got.Step != b.Step || !got.ExpiresAt.Equal(b.ExpiresAt) || !got.CreatedAt.Equal(b.CreatedAt) {
			t.Errorf("Button = %+v, want %+v", got, b)
		}
		// A put replaces the token's button and keeps a CreatedAt given.
		got.UsedAt = tx.Now()
		if err := tx.PutButton(got); err != nil {
			return err
		}
		if again, err := tx.Button("Zx81"); err != nil || !again.UsedAt.Equal(tx.Now()) {
			t.Errorf("Button after a put = %+v, %v", again, err)
		}
		if _, err := tx.Button("zx81"); core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("tokens are case-sensitive: %v", err)
		}
		if err := tx.DeleteButton("Zx81"); err != nil {
			return err
		}
		_, err = tx.Button("Zx81")
		wantCodeKey(t, err, core.ENOTFOUND, "err.button.not_found")
		return tx.DeleteButton("Zx81")
	})
}

func testPurgeExpired(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	now := T0
	update(t, s, func(tx core.Tx) error {
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
		if err := tx.PutConversation(&core.Conversation{Key: "forever"}); err != nil {
			return err
		}
		// An expired record (at or before Now) reads as not found before
		// it is purged.
		for _, k := range []string{"a", "b"} {
			_, err := tx.Button(k)
			wantCodeKey(t, err, core.ENOTFOUND, "err.button.not_found")
			_, err = tx.Conversation(k)
			wantCodeKey(t, err, core.ENOTFOUND, "err.conversation.not_found")
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		if n, err := tx.PurgeExpired(now); err != nil || n != 4 {
			t.Errorf("PurgeExpired = %d, %v; want 4", n, err)
		}
		if n, err := tx.PurgeExpired(now); err != nil || n != 0 {
			t.Errorf("second PurgeExpired = %d, %v; want 0", n, err)
		}
		return nil
	})
	// Moving a button's expiry later keeps it from the purge.
	update(t, s, func(tx core.Tx) error {
		b, err := tx.Button("c")
		if err != nil {
			return err
		}
		b.ExpiresAt = now.Add(3 * time.Hour)
		return tx.PutButton(b)
	})
	clock.Add(time.Hour)
	update(t, s, func(tx core.Tx) error {
		if n, err := tx.PurgeExpired(tx.Now()); err != nil || n != 1 {
			t.Errorf("PurgeExpired later = %d, %v; want 1 (conversation c)", n, err)
		}
		for _, k := range []string{"c", "forever"} {
			if _, err := tx.Button(k); err != nil {
				t.Errorf("button %s: %v", k, err)
			}
		}
		if _, err := tx.Conversation("forever"); err != nil {
			t.Errorf("a conversation without expiry: %v", err)
		}
		return nil
	})
}
