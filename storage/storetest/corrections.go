package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Corrections/CreateReadUpdate", testCorrectionsCRUD)
	register("Corrections/PendingOldestFirstOfARecordOrAll", testCorrectionsPending)
	register("Corrections/OfRecordsWhateverTheirStatus", testCorrectionsOf)
}

func correctionIDs(cs []*core.Correction) []int64 {
	ids := []int64{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func newCorrection(e core.Entity, id int64, field string, status core.CorrectionStatus) *core.Correction {
	return &core.Correction{Edit: core.Edit{Entity: e, ID: id, Label: "ООО Ромашка", Field: field, Op: core.EditSet,
		Old: "1", New: "2", Reason: "опечатка"}, Status: status, ProposedBy: 5}
}

func testCorrectionsCRUD(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	c := newCorrection(core.EntityClient, 3, core.FieldKPP, core.CorrectionPending)
	update(t, s, func(tx core.Tx) error { return tx.CreateCorrection(c) })
	if c.ID != 1 || !c.CreatedAt.Equal(T0) || !c.UpdatedAt.Equal(T0) {
		t.Fatalf("created %+v: want ID 1, created and updated Now", c)
	}
	clock.Add(time.Hour)
	update(t, s, func(tx core.Tx) error {
		got, err := tx.CorrectionByID(1)
		if err != nil {
			return err
		}
		if got.Edit != c.Edit || got.Status != core.CorrectionPending || got.ProposedBy != 5 {
			t.Errorf("CorrectionByID = %+v, want %+v", got, c)
		}
		got.Status, got.DecidedBy, got.DecidedAt, got.Changes = core.CorrectionApplied, 6, tx.Now(), []int64{10, 11}
		got.CreatedAt = time.Time{} // kept as it was
		return tx.UpdateCorrection(got)
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.CorrectionByID(1)
		if err != nil {
			return err
		}
		if got.Status != core.CorrectionApplied || got.DecidedBy != 6 || !slices.Equal(got.Changes, []int64{10, 11}) ||
			!got.CreatedAt.Equal(T0) || !got.UpdatedAt.Equal(T0.Add(time.Hour)) || !got.DecidedAt.Equal(T0.Add(time.Hour)) {
			t.Errorf("updated correction = %+v", got)
		}
		_, err = tx.CorrectionByID(2)
		wantCodeKey(t, err, core.ENOTFOUND, "err.correction.not_found")
		return nil
	})
	err := s.Update(t.Context(), func(tx core.Tx) error {
		return tx.UpdateCorrection(&core.Correction{ID: 2, Status: core.CorrectionApplied})
	})
	wantCodeKey(t, err, core.ENOTFOUND, "err.correction.not_found")
}

func testCorrectionsPending(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for _, c := range []*core.Correction{
			newCorrection(core.EntityClient, 3, core.FieldKPP, core.CorrectionPending),      // 1
			newCorrection(core.EntityDeal, 3, core.FieldAmount, core.CorrectionPending),     // 2
			newCorrection(core.EntityClient, 3, core.FieldINN, core.CorrectionApplied),      // 3
			newCorrection(core.EntityClient, 30, core.FieldKPP, core.CorrectionPending),     // 4
			newCorrection(core.EntityClient, 3, core.FieldOGRN, core.CorrectionPending),     // 5
			newCorrection(core.EntityClient, 3, core.FieldDirector, core.CorrectionPending), // 6
		} {
			if c.Edit.Field == core.FieldOGRN {
				c.CreatedAt = T0.Add(-time.Hour) // proposed earlier (oldest first, not by ID)
			}
			if err := tx.CreateCorrection(c); err != nil {
				return err
			}
		}
		return nil
	})
	clock.Add(time.Minute)
	// Correction 6 is withdrawn: it leaves the pending ones.
	update(t, s, func(tx core.Tx) error {
		c, err := tx.CorrectionByID(6)
		if err != nil {
			return err
		}
		c.Status, c.Note = core.CorrectionWithdrawn, "передумал"
		return tx.UpdateCorrection(c)
	})
	view(t, s, func(tx core.Tx) error {
		for _, q := range []struct {
			e    core.Entity
			id   int64
			want []int64
		}{
			{core.EntityClient, 3, []int64{5, 1}},
			{core.EntityDeal, 3, []int64{2}},
			{core.EntityClient, 30, []int64{4}},
			{core.EntityClient, 4, []int64{}},
			{"", 0, []int64{5, 1, 2, 4}},
		} {
			cs, err := tx.PendingCorrections(q.e, q.id)
			if err != nil {
				return err
			}
			if got := correctionIDs(cs); !slices.Equal(got, q.want) {
				t.Errorf("PendingCorrections(%q, %d) = %v, want %v", q.e, q.id, got, q.want)
			}
		}
		return nil
	})
	// Rejected and gone stale, corrections 1 and 4 leave them too.
	update(t, s, func(tx core.Tx) error {
		for _, d := range []struct {
			id int64
			st core.CorrectionStatus
		}{{1, core.CorrectionRejected}, {4, core.CorrectionStale}} {
			c, err := tx.CorrectionByID(d.id)
			if err != nil {
				return err
			}
			c.Status = d.st
			if err := tx.UpdateCorrection(c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		for _, q := range []struct {
			e    core.Entity
			id   int64
			want []int64
		}{
			{"", 0, []int64{5, 2}},
			{core.EntityClient, 3, []int64{5}},
			{core.EntityClient, 30, []int64{}},
		} {
			cs, err := tx.PendingCorrections(q.e, q.id)
			if err != nil {
				return err
			}
			if got := correctionIDs(cs); !slices.Equal(got, q.want) {
				t.Errorf("after the decisions: PendingCorrections(%q, %d) = %v, want %v", q.e, q.id, got, q.want)
			}
		}
		return nil
	})
}

func testCorrectionsOf(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for i, c := range []*core.Correction{
			newCorrection(core.EntityClient, 3, core.FieldKPP, core.CorrectionPending),   // 1
			newCorrection(core.EntityDeal, 3, core.FieldKPP, core.CorrectionPending),     // 2
			newCorrection(core.EntityClient, 4, core.FieldKPP, core.CorrectionApplied),   // 3
			newCorrection(core.EntityClient, 3, core.FieldKPP, core.CorrectionRejected),  // 4
			newCorrection(core.EntityClient, 5, core.FieldKPP, core.CorrectionStale),     // 5
			newCorrection(core.EntityClient, 33, core.FieldKPP, core.CorrectionPending),  // 6
			newCorrection(core.EntityClient, 3, core.FieldKPP, core.CorrectionWithdrawn), // 7
		} {
			if i == 6 {
				c.CreatedAt = T0.Add(-time.Hour)
			}
			if err := tx.CreateCorrection(c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		for _, tc := range []struct {
			e    core.Entity
			ids  []int64
			want []int64
		}{
			{core.EntityClient, []int64{3}, []int64{7, 1, 4}},
			{core.EntityClient, []int64{5, 3}, []int64{7, 1, 4, 5}},
			{core.EntityDeal, []int64{3}, []int64{2}},
			{core.EntityDeal, []int64{4}, []int64{}},
			{core.EntityClient, nil, []int64{}},
		} {
			cs, err := tx.CorrectionsOf(tc.e, tc.ids...)
			if err != nil {
				return err
			}
			if got := correctionIDs(cs); !slices.Equal(got, tc.want) {
				t.Errorf("CorrectionsOf(%s, %v) = %v, want %v", tc.e, tc.ids, got, tc.want)
			}
		}
		return nil
	})
}
