package bolt_test

import (
	"path/filepath"
	"strings"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
)

func newCorrection(e core.Entity, id int64, field string, status core.CorrectionStatus) *core.Correction {
	return &core.Correction{Edit: core.Edit{Entity: e, ID: id, Field: field, Old: "1", New: "2", Reason: "опечатка"},
		Status: status, ProposedBy: 5}
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
	checkHealthy(t, db)
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
