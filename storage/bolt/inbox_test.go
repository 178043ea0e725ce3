package bolt_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func TestInbox(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	var first *core.InboxItem
	err := db.Update(ctx, func(tx core.Tx) error {
		for _, k := range []string{"1", "2", "1", ""} {
			it := &core.InboxItem{Platform: "telegram", Key: k, ChatID: "42", Payload: []byte(`{}`)}
			added, err := tx.AddInboxItem(it)
			if err != nil {
				return err
			}
			if added != (k != "1" || first == nil) {
				t.Errorf("AddInboxItem(%q) added = %v", k, added)
			}
			if first == nil {
				first = it
			}
		}
		return tx.PutTransportCursor(core.TransportCursor{Name: "mattermost", Value: "123"})
	})
	if err != nil {
		t.Fatal(err)
	}
	pending := func() []int64 {
		var ids []int64
		if err := db.View(ctx, func(tx core.Tx) error {
			items, err := tx.PendingInboxItems(0)
			for _, it := range items {
				ids = append(ids, it.ID)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := pending(); len(got) != 3 || got[0] != first.ID {
		t.Fatalf("pending = %v, want 3 items from %d", got, first.ID)
	}
	if err := db.Update(ctx, func(tx core.Tx) error { return tx.MarkInboxHandled(first.ID) }); err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx core.Tx) error { return tx.MarkInboxHandled(first.ID) })
	if core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("second MarkInboxHandled = %v, want ECONFLICT", err)
	}
	if got := pending(); len(got) != 2 {
		t.Fatalf("pending after one handled = %v", got)
	}
	// A handled update delivered again is still recognized.
	err = db.Update(ctx, func(tx core.Tx) error {
		added, err := tx.AddInboxItem(&core.InboxItem{Platform: "telegram", Key: "1", ChatID: "42"})
		if added {
			t.Error("a handled update was taken again")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var cur string
	var purged int
	err = db.Update(ctx, func(tx core.Tx) (err error) {
		if cur, err = tx.TransportCursor("mattermost"); err != nil {
			return err
		}
		purged, err = tx.PurgeInbox(tx.Now().Add(time.Second))
		return err
	})
	if err != nil || cur != "123" || purged != 1 {
		t.Fatalf("cursor %q, purged %d, %v", cur, purged, err)
	}
	// Once purged, the key is forgotten.
	err = db.Update(ctx, func(tx core.Tx) error {
		added, err := tx.AddInboxItem(&core.InboxItem{Platform: "telegram", Key: "1", ChatID: "42"})
		if !added {
			t.Error("a purged key is still known")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The inbox's records and indexes agree, as `dealdesk check` sees them.
	rep, err := db.Check(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("check: %v, %q", err, rep.Problems)
	}
}
