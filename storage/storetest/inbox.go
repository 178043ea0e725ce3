package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Inbox/AnUpdateIsTakenOnceByPlatformAndKeyUntilPurged", testInboxOnce)
	register("Inbox/PendingItemsByIDAllAndByChatWithLimits", testInboxPending)
	register("Inbox/HandledOnceAndForgetsItsPayload", testInboxHandled)
	register("Inbox/TransportCursors", testTransportCursors)
}

func itemIDs(items []*core.InboxItem) []int64 {
	ids := []int64{}
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	return ids
}

func testInboxOnce(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for i, c := range []struct {
			platform, key string
			added         bool
		}{
			{"telegram", "1", true}, {"telegram", "2", true}, {"telegram", "1", false},
			{"mattermost", "1", true}, {"telegram", "", true}, {"telegram", "", true},
		} {
			it := &core.InboxItem{Platform: c.platform, Key: c.key, ChatID: "42", Payload: []byte(`{"n":1}`)}
			added, err := tx.AddInboxItem(it)
			if err != nil {
				return err
			}
			if added != c.added {
				t.Errorf("item %d (%s %q): added = %v, want %v", i, c.platform, c.key, added, c.added)
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		it, err := tx.InboxItem(1)
		if err != nil {
			return err
		}
		if it.Platform != "telegram" || it.Key != "1" || it.ChatID != "42" || string(it.Payload) != `{"n":1}` ||
			!it.ReceivedAt.Equal(T0) || !it.HandledAt.IsZero() {
			t.Errorf("InboxItem(1) = %+v", it)
		}
		_, err = tx.InboxItem(6)
		wantCodeKey(t, err, core.ENOTFOUND, "err.inbox.not_found")
		return nil
	})
	update(t, s, func(tx core.Tx) error { return tx.MarkInboxHandled(1) })
	clock.Add(time.Hour)
	// A handled update delivered again is still recognized.
	update(t, s, func(tx core.Tx) error {
		if added, err := tx.AddInboxItem(&core.InboxItem{Platform: "telegram", Key: "1", ChatID: "42"}); err != nil || added {
			t.Errorf("a handled update taken again: %v, %v", added, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		// Handled at T0: not before T0, so kept; before T0+1s, so purged.
		if n, err := tx.PurgeInbox(T0); err != nil || n != 0 {
			t.Errorf("PurgeInbox(T0) = %d, %v; want 0", n, err)
		}
		if n, err := tx.PurgeInbox(T0.Add(time.Second)); err != nil || n != 1 {
			t.Errorf("PurgeInbox(T0+1s) = %d, %v; want 1", n, err)
		}
		_, err := tx.InboxItem(1)
		wantCodeKey(t, err, core.ENOTFOUND, "err.inbox.not_found")
		return nil
	})
	// Once purged, the key is forgotten; the pending ones were not purged.
	update(t, s, func(tx core.Tx) error {
		it := &core.InboxItem{Platform: "telegram", Key: "1", ChatID: "42"}
		if added, err := tx.AddInboxItem(it); err != nil || !added || it.ID != 6 {
			t.Errorf("a purged key again: added %v (ID %d), %v; want added as 6", added, it.ID, err)
		}
		items, err := tx.PendingInboxItems(0)
		if got := itemIDs(items); !slices.Equal(got, []int64{2, 3, 4, 5, 6}) {
			t.Errorf("pending = %v", got)
		}
		return err
	})
}

func testInboxPending(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for _, c := range [][2]string{
			{"telegram", "42"}, {"telegram", "4"}, {"mattermost", "42"}, {"telegram", "42"}, {"telegram", "420"},
			{"telegram", "42"},
		} {
			if _, err := tx.AddInboxItem(&core.InboxItem{Platform: c[0], ChatID: c[1]}); err != nil {
				return err
			}
		}
		return tx.MarkInboxHandled(4)
	})
	view(t, s, func(tx core.Tx) error {
		for _, c := range []struct {
			platform, chat string
			limit          int
			want           []int64
		}{
			{"telegram", "42", 0, []int64{1, 6}},
			{"telegram", "42", 1, []int64{1}},
			{"telegram", "4", 0, []int64{2}},
			{"mattermost", "42", 0, []int64{3}},
			{"console", "42", 0, []int64{}},
		} {
			items, err := tx.PendingChatItems(c.platform, c.chat, c.limit)
			if err != nil {
				return err
			}
			if got := itemIDs(items); !slices.Equal(got, c.want) {
				t.Errorf("PendingChatItems(%s, %s, %d) = %v, want %v", c.platform, c.chat, c.limit, got, c.want)
			}
		}
		for limit, want := range map[int][]int64{0: {1, 2, 3, 5, 6}, -1: {1, 2, 3, 5, 6}, 2: {1, 2}} {
			items, err := tx.PendingInboxItems(limit)
			if err != nil {
				return err
			}
			if got := itemIDs(items); !slices.Equal(got, want) {
				t.Errorf("PendingInboxItems(%d) = %v, want %v", limit, got, want)
			}
		}
		return nil
	})
}

func testInboxHandled(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		_, err := tx.AddInboxItem(&core.InboxItem{Platform: "telegram", Key: "9", ChatID: "42",
			Payload: []byte(`{"text":"/start ABCD-1234"}`), HandledAt: T0.Add(-time.Hour)})
		return err
	})
	view(t, s, func(tx core.Tx) error {
		if items, err := tx.PendingInboxItems(0); err != nil || len(items) != 1 {
			t.Errorf("an item added with a HandledAt is pending: %v, %v", itemIDs(items), err)
		}
		return nil
	})
	clock.Add(time.Minute)
	update(t, s, func(tx core.Tx) error { return tx.MarkInboxHandled(1) })
	err := s.Update(t.Context(), func(tx core.Tx) error { return tx.MarkInboxHandled(1) })
	wantCodeKey(t, err, core.ECONFLICT, "err.inbox.handled")
	err = s.Update(t.Context(), func(tx core.Tx) error { return tx.MarkInboxHandled(2) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.inbox.not_found")
	view(t, s, func(tx core.Tx) error {
		it, err := tx.InboxItem(1)
		if err != nil {
			return err
		}
		if it.Payload != nil || !it.HandledAt.Equal(T0.Add(time.Minute)) || it.Key != "9" {
			t.Errorf("handled item = %+v: want no payload, handled Now, key kept", it)
		}
		items, err := tx.PendingInboxItems(0)
		if err != nil || len(items) != 0 {
			t.Errorf("pending after handled = %v, %v", itemIDs(items), err)
		}
		items, err = tx.PendingChatItems("telegram", "42", 0)
		if err != nil || len(items) != 0 {
			t.Errorf("pending of the chat after handled = %v, %v", itemIDs(items), err)
		}
		return nil
	})
}

func testTransportCursors(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		if v, err := tx.TransportCursor("mattermost"); err != nil || v != "" {
			t.Errorf("an unsaved cursor = %q, %v; want empty", v, err)
		}
		if err := tx.PutTransportCursor(core.TransportCursor{Name: "mattermost", Value: "123"}); err != nil {
			return err
		}
		return tx.PutTransportCursor(core.TransportCursor{Name: "mattermost", Value: "456"})
	})
	view(t, s, func(tx core.Tx) error {
		if v, err := tx.TransportCursor("mattermost"); err != nil || v != "456" {
			t.Errorf("cursor = %q, %v; want 456", v, err)
		}
		return nil
	})
}
