package bolt_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func correctionIDs(cs []*core.Correction) []int64 {
	ids := []int64{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func newCorrection(e core.Entity, id int64, field string, status core.CorrectionStatus) *core.Correction {
	return &core.Correction{Edit: core.Edit{Entity: e, ID: id, Field: field, Old: "1", New: "2", Reason: "опечатка"},
		Status: status, ProposedBy: 5}
}

func TestCorrections_CreateGetUpdate(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	now := clock.Now().UTC().Truncate(time.Microsecond)
	c := newCorrection(core.EntityClient, 3, core.FieldINN, core.CorrectionPending)
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateCorrection(c) })
	if c.ID != 1 || !c.CreatedAt.Equal(now) || !c.UpdatedAt.Equal(now) {
		t.Fatalf("created %+v", c)
	}
	clock.Add(time.Hour)
	MustUpdate(t, db, func(tx core.Tx) error {
		got, err := tx.CorrectionByID(1)
		if err != nil {
			return err
		}
		if got.Edit.Field != core.FieldINN || got.Edit.Reason != "опечатка" {
			t.Errorf("CorrectionByID = %+v", got)
		}
		got.CreatedAt = time.Time{}
		got.Status, got.DecidedBy, got.DecidedAt, got.Changes = core.CorrectionApplied, 6, tx.Now(), []int64{11}
		return tx.UpdateCorrection(got)
	})
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.CorrectionByID(1)
		if err == nil && (!got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now.Add(time.Hour)) ||
			got.Status != core.CorrectionApplied || !slices.Equal(got.Changes, []int64{11})) {
			t.Errorf("after update: %+v", got)
		}
		if err == nil {
			_, err := tx.CorrectionByID(2)
			CheckCode(t, err, core.ENOTFOUND, "err.correction.not_found")
		}
		return err
	})
	err := db.Update(context.Background(), func(tx core.Tx) error {
		return tx.UpdateCorrection(&core.Correction{ID: 2, Status: core.CorrectionPending})
	})
	CheckCode(t, err, core.ENOTFOUND, "err.correction.not_found")
	mustConsistent(t, db)
}

// TestCorrections_Pending: the pending ones of a record, or all of them
// oldest first; a decided one leaves the list.
func TestCorrections_Pending(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	for _, c := range []*core.Correction{
		newCorrection(core.EntityDeal, 7, core.FieldAmount, core.CorrectionPending),     // 1
		newCorrection(core.EntityClient, 3, core.FieldINN, core.CorrectionPending),      // 2
		newCorrection(core.EntityClient, 3, core.FieldKPP, core.CorrectionApplied),      // 3
		newCorrection(core.EntityClient, 30, core.FieldOGRN, core.CorrectionPending),    // 4
		newCorrection(core.EntityClient, 3, core.FieldDirector, core.CorrectionPending), // 5
	} {
		MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateCorrection(c) })
		clock.Add(time.Minute)
	}
	pending := func(e core.Entity, id int64) []int64 {
		t.Helper()
		var ids []int64
		MustView(t, db, func(tx core.Tx) error {
			cs, err := tx.PendingCorrections(e, id)
			ids = correctionIDs(cs)
			return err
		})
		return ids
	}
	cases := []struct {
		e    core.Entity
		id   int64
		want []int64
	}{
		{"", 0, []int64{1, 2, 4, 5}},
		{core.EntityClient, 3, []int64{2, 5}},
		{core.EntityClient, 30, []int64{4}},
		{core.EntityDeal, 7, []int64{1}},
		{core.EntityDeal, 3, []int64{}},
	}
	for _, c := range cases {
		if got := pending(c.e, c.id); !slices.Equal(got, c.want) {
			t.Errorf("PendingCorrections(%q, %d) = %v, want %v", c.e, c.id, got, c.want)
		}
	}
	mustConsistent(t, db)
	MustUpdate(t, db, func(tx core.Tx) error {
		for id, st := range map[int64]core.CorrectionStatus{2: core.CorrectionRejected, 4: core.CorrectionStale} {
			c, err := tx.CorrectionByID(id)
			if err != nil {
				return err
			}
			c.Status = st
			if err := tx.UpdateCorrection(c); err != nil {
				return err
			}
		}
		return nil
	})
	if got := pending("", 0); !slices.Equal(got, []int64{1, 5}) {
		t.Errorf("pending after decisions = %v, want [1 5]", got)
	}
	if got := pending(core.EntityClient, 3); !slices.Equal(got, []int64{5}) {
		t.Errorf("pending of client 3 after decisions = %v, want [5]", got)
	}
	mustConsistent(t, db)
}

func TestCorrections_ChangeByID(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.AddChanges(&core.Change{Entity: core.EntityClient, EntityID: 3, Field: core.FieldINN, Old: "1",
			New: "2", Request: 4, Correction: 1},
			&core.Change{Entity: core.EntityDeal, EntityID: 7, Field: core.FieldAmount, Old: "2", New: "1", Reverts: 1})
	})
	MustView(t, db, func(tx core.Tx) error {
		c, err := tx.ChangeByID(2)
		if err != nil {
			return err
		}
		if c.ID != 2 || c.Entity != core.EntityDeal || c.Reverts != 1 {
			t.Errorf("ChangeByID(2) = %+v", c)
		}
		if c, err = tx.ChangeByID(1); err != nil || c.Request != 4 || c.Correction != 1 {
			t.Errorf("ChangeByID(1) = %+v, %v", c, err)
		}
		_, err = tx.ChangeByID(3)
		CheckCode(t, err, core.ENOTFOUND, "err.change.not_found")
		return nil
	})
}

// TestCheck_PendingCorrections: a decided correction left in the pending
// index, and a pending one missing from it.
func TestCheck_PendingCorrections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateCorrection(newCorrection(core.EntityClient, 3, core.FieldINN,
			core.CorrectionPending)); err != nil {
			return err
		}
		return tx.CreateCorrection(newCorrection(core.EntityClient, 3, core.FieldKPP, core.CorrectionApplied))
	})
	mustConsistent(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	prefix := append([]byte("client\x00"), id(3)...)
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("corrections_pending"))
		if err := b.Delete(append(prefix[:len(prefix):len(prefix)], id(1)...)); err != nil {
			return err
		}
		return b.Put(append(prefix[:len(prefix):len(prefix)], id(2)...), []byte{})
	})
	r := mustCheck(t, path)
	wantProblems(t, r, "correction 1: its entry", "is missing from index corrections_pending",
		"points at correction 2, which does not list it (a stale entry)")
	if len(r.Problems) != 2 {
		t.Errorf("want 2 problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}
