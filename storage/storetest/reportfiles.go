package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("ReportFiles/CountedPerRunAndGoneWithTheLastReference", testReportFiles)
	register("ReportFiles/ADocumentsFileOfTheSameContentStays", testReportFilesApartFromDocuments)
}

func repFileRef(data string) core.FileRef {
	sum := sha256.Sum256([]byte(data))
	return core.FileRef{SHA256: hex.EncodeToString(sum[:]), Name: "Сделки.csv", MIME: "text/csv", Size: int64(len(data))}
}

// repReadFile reads a stored file in a transaction of its own.
func repReadFile(s core.Store, sha string) ([]byte, error) {
	var data []byte
	err := s.View(context.Background(), func(tx core.Tx) (err error) { data, err = tx.File(sha); return err })
	return data, err
}

// testReportFiles: a report file is read like any stored file, counted
// per run, and gone with its last reference; a release of nothing is
// ENOTFOUND; a content that is not its SHA-256's is refused.
func testReportFiles(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	const content = "номер;сумма\n"
	ref, other := repFileRef(content), repFileRef("другой отчёт")
	update(t, s, func(tx core.Tx) error {
		if err := tx.PutReportFile(core.FileRef{SHA256: ref.SHA256}, []byte("другое")); err == nil {
			t.Error("a content that is not its SHA-256's was stored")
		}
		for range 2 {
			if err := tx.PutReportFile(ref, []byte(content)); err != nil {
				return err
			}
		}
		return tx.PutReportFile(other, []byte("другой отчёт"))
	})
	if data, err := repReadFile(s, ref.SHA256); err != nil || string(data) != content {
		t.Fatalf("File = %q, %v", data, err)
	}
	update(t, s, func(tx core.Tx) error { return tx.ReleaseReportFile(ref.SHA256) })
	if _, err := repReadFile(s, ref.SHA256); err != nil {
		t.Fatalf("released once of two references: %v", err)
	}
	update(t, s, func(tx core.Tx) error { return tx.ReleaseReportFile(ref.SHA256) })
	_, err := repReadFile(s, ref.SHA256)
	wantCodeKey(t, err, core.ENOTFOUND, "err.doc.file_not_found")
	err = s.Update(ctx, func(tx core.Tx) error { return tx.ReleaseReportFile(ref.SHA256) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.doc.file_not_found")
	// The other file is untouched.
	if data, err := repReadFile(s, other.SHA256); err != nil || string(data) != "другой отчёт" {
		t.Fatalf("the other file: %q, %v", data, err)
	}
	// Stored again after it went: counted from one.
	update(t, s, func(tx core.Tx) error { return tx.PutReportFile(ref, []byte(content)) })
	update(t, s, func(tx core.Tx) error { return tx.ReleaseReportFile(ref.SHA256) })
	if _, err := repReadFile(s, ref.SHA256); !core.IsNotFound(err) {
		t.Fatalf("stored again and released: %v", err)
	}
	// A reference counted in a transaction that rolls back is not counted.
	update(t, s, func(tx core.Tx) error { return tx.PutReportFile(ref, []byte(content)) })
	_ = s.Update(ctx, func(tx core.Tx) error {
		if err := tx.PutReportFile(ref, []byte(content)); err != nil {
			return err
		}
		return errRepStop
	})
	update(t, s, func(tx core.Tx) error { return tx.ReleaseReportFile(ref.SHA256) })
	if _, err := repReadFile(s, ref.SHA256); !core.IsNotFound(err) {
		t.Fatalf("a rolled back reference was counted: %v", err)
	}
}

// testReportFilesApartFromDocuments: a report file's retention never
// drops a document's file of the same content.
func testReportFilesApartFromDocuments(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	const content = "номер;сумма\n"
	ref := repFileRef(content)
	update(t, s, func(tx core.Tx) error {
		if err := tx.PutFile(ref, []byte(content)); err != nil {
			return err
		}
		if err := tx.PutReportFile(ref, []byte(content)); err != nil {
			return err
		}
		return tx.ReleaseReportFile(ref.SHA256)
	})
	if data, err := repReadFile(s, ref.SHA256); err != nil || string(data) != content {
		t.Fatalf("the document's file went with the report's: %q, %v", data, err)
	}
	// And the report's file is released apart: none is counted now.
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.ReleaseReportFile(ref.SHA256) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.doc.file_not_found")
}
