package storetest

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Audit/ChangesOfARecordOldestFirstWithIDsAndTimes", testAuditChanges)
	register("Audit/ChangeByIDOrNotFound", testAuditChangeByID)
}

func changeFields(cs []*core.Change) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Field)
	}
	return out
}

func testAuditChanges(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	given := T0.Add(-24 * time.Hour)
	update(t, s, func(tx core.Tx) error {
		a := &core.Change{ActorID: 5, Entity: core.EntityDeal, EntityID: 1, Field: "stage", Old: "new", New: "won",
			Reason: "подписан", Source: "telegram:chat/-100/msg/1"}
		b := &core.Change{Entity: core.EntityDeal, EntityID: 1, Field: "amount", At: given}
		if err := tx.AddChanges(a, b); err != nil {
			return err
		}
		if a.ID != 1 || b.ID != 2 || !a.At.Equal(tx.Now()) || !b.At.Equal(given) {
			t.Errorf("added %+v and %+v: want IDs 1, 2, At Now and as given", a, b)
		}
		return tx.AddChanges(
			&core.Change{Entity: core.EntityClient, EntityID: 1, Field: "inn"},
			&core.Change{Entity: core.EntityDeal, EntityID: 2, Field: "title"},
			&core.Change{Entity: core.EntityDeal, EntityID: 10, Field: "title"})
	})
	clock.Add(time.Hour)
	update(t, s, func(tx core.Tx) error {
		return tx.AddChanges(&core.Change{Entity: core.EntityDeal, EntityID: 1, Field: "manager"})
	})
	view(t, s, func(tx core.Tx) error {
		cs, err := tx.Changes(core.EntityDeal, 1)
		if err != nil {
			return err
		}
		if got := changeFields(cs); len(got) != 3 || got[0] != "stage" || got[1] != "amount" || got[2] != "manager" {
			t.Errorf("changes of deal 1 = %v, want stage, amount, manager (by ID, whatever their At)", got)
		}
		if c := cs[0]; c.ActorID != 5 || c.Old != "new" || c.New != "won" || c.Reason != "подписан" ||
			c.Source != "telegram:chat/-100/msg/1" || !c.At.Equal(T0) {
			t.Errorf("change read back = %+v", c)
		}
		if !cs[2].At.Equal(T0.Add(time.Hour)) {
			t.Errorf("a later change's At = %v", cs[2].At)
		}
		for _, q := range []struct {
			e    core.Entity
			id   int64
			want int
		}{{core.EntityClient, 1, 1}, {core.EntityDeal, 2, 1}, {core.EntityDeal, 10, 1}, {core.EntityDeal, 3, 0},
			{core.EntityTask, 1, 0}} {
			cs, err := tx.Changes(q.e, q.id)
			if err != nil {
				return err
			}
			if cs == nil || len(cs) != q.want {
				t.Errorf("changes of %s %d = %v, want %d", q.e, q.id, changeFields(cs), q.want)
			}
		}
		return nil
	})
}

func testAuditChangeByID(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		return tx.AddChanges(&core.Change{Entity: core.EntityClient, EntityID: 3, Field: "kpp", Old: "1", New: "2",
			Request: 4, Reverts: 0, Correction: 6},
			&core.Change{Entity: core.EntityDeal, EntityID: 7, Field: core.FieldAmount, Old: "2", New: "1", Reverts: 1})
	})
	view(t, s, func(tx core.Tx) error {
		c, err := tx.ChangeByID(1)
		if err != nil {
			return err
		}
		if c.ID != 1 || c.Entity != core.EntityClient || c.EntityID != 3 || c.Field != "kpp" || c.Request != 4 ||
			c.Correction != 6 {
			t.Errorf("ChangeByID(1) = %+v", c)
		}
		if c, err := tx.ChangeByID(2); err != nil || c.ID != 2 || c.Entity != core.EntityDeal || c.EntityID != 7 ||
			c.Reverts != 1 || c.Request != 0 || c.Correction != 0 {
			t.Errorf("ChangeByID(2) = %+v, %v", c, err)
		}
		_, err = tx.ChangeByID(3)
		wantCodeKey(t, err, core.ENOTFOUND, "err.change.not_found")
		return nil
	})
}
