package bolt_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func TestChanges(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	given := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.AddChanges(
			&core.Change{ActorID: 1, Entity: core.EntityDeal, EntityID: 1, Field: "stage", Old: "new", New: "documents"},
			&core.Change{ActorID: 1, Entity: core.EntityDeal, EntityID: 2, Field: "title", At: given},
			&core.Change{ActorID: 2, Entity: core.EntityTask, EntityID: 1, Field: "status"},
		)
	})
	clock.Add(time.Minute)
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.AddChanges(&core.Change{Entity: core.EntityDeal, EntityID: 1, Field: "amount", Reason: "скидка",
			Source: "job:reminders"})
	})
	MustView(t, db, func(tx core.Tx) error {
		cs, err := tx.Changes(core.EntityDeal, 1)
		if err != nil {
			return err
		}
		if len(cs) != 2 || cs[0].Field != "stage" || cs[1].Field != "amount" {
			t.Fatalf("deal 1 history = %+v", cs)
		}
		if cs[0].ID != 1 || cs[1].ID != 4 || cs[1].At.Sub(cs[0].At) != time.Minute || cs[1].Reason != "скидка" {
			t.Fatalf("deal 1 history = %+v, %+v", cs[0], cs[1])
		}
		if cs, err := tx.Changes(core.EntityDeal, 2); err != nil || len(cs) != 1 || !cs[0].At.Equal(given) {
			t.Fatalf("deal 2 history = %v, %v; want the given At kept", cs, err)
		}
		if cs, err := tx.Changes(core.EntityTask, 1); err != nil || len(cs) != 1 || cs[0].ActorID != 2 {
			t.Fatalf("task 1 history = %v, %v", cs, err)
		}
		if cs, err := tx.Changes(core.EntityClient, 1); err != nil || cs == nil || len(cs) != 0 {
			t.Fatalf("client 1 history = %v, %v; want an empty list", cs, err)
		}
		return nil
	})
}
