package bolt_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

func reportRef(data string) core.FileRef {
	sum := sha256.Sum256([]byte(data))
	return core.FileRef{SHA256: hex.EncodeToString(sum[:]), Name: "Сделки.csv", MIME: "text/csv"}
}

// A report file is read like any stored file, counted per run, and gone
// with its last reference; a document's file of the same content is never
// touched; the check knows both buckets.
func TestReportFiles(t *testing.T) {
	db := MustOpenDB(t)
	ref := reportRef("номер;сумма\n")
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.PutReportFile(core.FileRef{SHA256: ref.SHA256}, []byte("другое")); err == nil {
			t.Error("a content that is not its SHA-256's was stored")
		}
		for range 2 {
			if err := tx.PutReportFile(ref, []byte("номер;сумма\n")); err != nil {
				return err
			}
		}
		return nil
	})
	read := func() ([]byte, error) {
		var data []byte
		err := db.View(context.Background(), func(tx core.Tx) (err error) { data, err = tx.File(ref.SHA256); return err })
		return data, err
	}
	if data, err := read(); err != nil || string(data) != "номер;сумма\n" {
		t.Fatalf("File = %q, %v", data, err)
	}
	if r, err := db.Check(context.Background()); err != nil || len(r.Problems) > 0 || len(r.Notes) > 0 {
		t.Fatalf("check: %+v, %v", r, err)
	}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.ReleaseReportFile(ref.SHA256) })
	if _, err := read(); err != nil {
		t.Fatalf("released once of two references: %v", err)
	}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.ReleaseReportFile(ref.SHA256) })
	if _, err := read(); !core.IsNotFound(err) {
		t.Fatalf("the last reference released, File: %v", err)
	}
	err := db.Update(context.Background(), func(tx core.Tx) error { return tx.ReleaseReportFile(ref.SHA256) })
	if !core.IsNotFound(err) {
		t.Fatalf("a release of nothing: %v", err)
	}

	// A document's file with the same content stays when the report's goes.
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.PutFile(ref, []byte("номер;сумма\n")); err != nil {
			return err
		}
		if err := tx.PutReportFile(ref, []byte("номер;сумма\n")); err != nil {
			return err
		}
		return tx.ReleaseReportFile(ref.SHA256)
	})
	if _, err := read(); err != nil {
		t.Fatalf("the document's file went with the report's: %v", err)
	}
}

func TestEachReportRun(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		for range 4 {
			if err := tx.CreateReportRun(&core.ReportRun{Status: core.RunSent, By: 1,
				Spec: core.ReportSpec{Export: core.ExportDeals}}); err != nil {
				return err
			}
		}
		return nil
	})
	var seen []int64
	err := db.View(context.Background(), func(tx core.Tx) error {
		return tx.EachReportRun(2, func(r *core.ReportRun) error { seen = append(seen, r.ID); return nil })
	})
	if err != nil || !slices.Equal(seen, []int64{3, 4}) {
		t.Fatalf("runs after 2: %v, %v", seen, err)
	}
}
