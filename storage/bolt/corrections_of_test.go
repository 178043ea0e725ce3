package bolt

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestCorrectionOf: the record a stored correction is of is read from the
// start of its JSON, whatever its texts hold; a record written otherwise
// is decoded; a damaged one is an error.
func TestCorrectionOf(t *testing.T) {
	stored := func(c *core.Correction) []byte {
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	tricky := `"edit":{"entity":"deal","id":5,` // a text that looks like the key
	for _, tc := range []struct {
		name   string
		data   []byte
		entity string
		id     int64
		err    bool
	}{
		{"as stored", stored(&core.Correction{ID: 12, Edit: core.Edit{Entity: core.EntityClient, ID: 345,
			Label: tricky, Reason: tricky, Old: tricky}}), "client", 345, false},
		{"a large id", stored(&core.Correction{ID: 1, Edit: core.Edit{Entity: core.EntityDeal, ID: 9007199254740993}}),
			"deal", 9007199254740993, false},
		{"fields in another order", []byte(`{"id":3,"edit":{"id":7,"entity":"deal"}}`), "deal", 7, false},
		{"a label first", []byte(`{"edit":{"label":"` + `x` + `","entity":"client","id":4}}`), "client", 4, false},
		{"an id not a number", []byte(`{"edit":{"entity":"deal","id":"7"}}`), "", 0, true},
		{"damaged", []byte(`{"edit":{"entity":"deal","id":`), "", 0, true},
	} {
		e, id, err := correctionOf(tc.data)
		if string(e) != tc.entity || id != tc.id || (err != nil) != tc.err {
			t.Errorf("%s: %q, %d, %v; want %q, %d, error %v", tc.name, e, id, err, tc.entity, tc.id, tc.err)
		}
	}
}

// TestCorrectionsOf: every correction of the records named, whatever its
// status, oldest first; none of another record or entity; none for no
// record.
func TestCorrectionsOf(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "dealdesk.db"), WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	of := func(e core.Entity, id int64, st core.CorrectionStatus) *core.Correction {
		return &core.Correction{Edit: core.Edit{Entity: e, ID: id, Field: core.FieldKPP, Old: "1", New: "2"}, Status: st}
	}
	err = db.Update(ctx, func(tx core.Tx) error {
		for _, c := range []*core.Correction{of(core.EntityClient, 3, core.CorrectionPending), // #1
			of(core.EntityDeal, 3, core.CorrectionPending),      // #2
			of(core.EntityClient, 4, core.CorrectionApplied),    // #3
			of(core.EntityClient, 3, core.CorrectionRejected),   // #4
			of(core.EntityClient, 5, core.CorrectionStale),      // #5
			of(core.EntityClient, 33, core.CorrectionPending)} { // #6
			if err := tx.CreateCorrection(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx core.Tx) error {
		for _, tc := range []struct {
			e    core.Entity
			ids  []int64
			want []int64
		}{
			{core.EntityClient, []int64{3}, []int64{1, 4}},
			{core.EntityClient, []int64{5, 3}, []int64{1, 4, 5}},
			{core.EntityDeal, []int64{3}, []int64{2}},
			{core.EntityDeal, []int64{4}, []int64{}},
			{core.EntityClient, nil, []int64{}},
		} {
			cs, err := tx.CorrectionsOf(tc.e, tc.ids...)
			if err != nil {
				return err
			}
			got := []int64{}
			for _, c := range cs {
				got = append(got, c.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("CorrectionsOf(%s, %v) = %v, want %v", tc.e, tc.ids, got, tc.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
