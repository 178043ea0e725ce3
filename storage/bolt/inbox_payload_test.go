package bolt_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestInbox_HandledKeepsNoPayload: a handled update keeps only what
// recognizes it delivered again (platform and key), not what was said: a
// stranger's message, an invite code or a pasted card are not kept for
// the 48 hours the item stays.
func TestInbox_HandledKeepsNoPayload(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	it := &core.InboxItem{Platform: "telegram", Key: "7", ChatID: "42", Payload: []byte(`{"Text":"секрет"}`)}
	err := db.Update(ctx, func(tx core.Tx) error {
		if _, err := tx.AddInboxItem(it); err != nil {
			return err
		}
		return tx.MarkInboxHandled(it.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx core.Tx) error {
		got, err := tx.InboxItem(it.ID)
		if err != nil {
			return err
		}
		if len(got.Payload) != 0 || got.HandledAt.IsZero() {
			t.Errorf("handled item = %+v, want no payload and a handled time", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx core.Tx) error {
		added, err := tx.AddInboxItem(&core.InboxItem{Platform: "telegram", Key: "7", ChatID: "42", Payload: []byte(`{}`)})
		if added {
			t.Error("the update delivered again was taken again")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
