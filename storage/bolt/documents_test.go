package bolt_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// fileRef is the reference of a file with the content.
func fileRef(name string, data []byte) core.FileRef {
	sum := sha256.Sum256(data)
	return core.FileRef{SHA256: hex.EncodeToString(sum[:]), Name: name, MIME: "application/octet-stream",
		Size: int64(len(data))}
}

// newDocument is a requested contract of a deal numbered from the
// contracts' counter of 2026, as core numbers it.
func newDocument(tx core.Tx, dealID int64) *core.Document {
	n, _ := tx.NextSequence(core.DocCounter(core.DocContract, 2026))
	return &core.Document{Number: core.DocNumber(core.DocContract, 2026, n), Kind: core.DocContract,
		DealID: dealID, ClientID: 1, Status: core.DocRequested, RequestedBy: 10}
}

// checkHealthy fails unless the database's check finds nothing.
func checkHealthy(t *testing.T, db *bolt.DB) {
	t.Helper()
	r, err := db.Check(context.Background())
	if err != nil || !r.OK() || len(r.Notes) > 0 {
		t.Fatalf("check: %v, problems %q, notes %q", err, r.Problems, r.Notes)
	}
}

// TestCheck_Documents: a document whose file went missing, a file whose
// content changed, a document number counter behind its numbers, a send of
// a document that is gone, its dangling index entries and a stale one are
// each reported.
func TestCheck_Documents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	docx, tmpl := []byte("docx"), []byte("template")
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, f := range []core.FileRef{fileRef("d.docx", docx), fileRef("t.docx", tmpl)} {
			data := docx
			if f.Name == "t.docx" {
				data = tmpl
			}
			if err := tx.PutFile(f, data); err != nil {
				return err
			}
		}
		if err := tx.CreateTemplate(&core.DocTemplate{Kind: core.DocContract, Name: "Д", File: fileRef("t.docx", tmpl)}); err != nil {
			return err
		}
		for range 3 {
			d := newDocument(tx, 1)
			d.Versions = []core.DocVersion{{N: 1, DOCX: fileRef("d.docx", docx)}}
			if err := tx.CreateDocument(d); err != nil {
				return err
			}
		}
		return tx.CreateDocSend(&core.DocSend{DocID: 3, Version: 1, Channel: core.ChannelEDO, BoxID: "box",
			Status: core.SendPending, NextAttemptAt: tx.Now()})
	})
	checkHealthy(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	docxSHA, tmplSHA := fileRef("", docx).SHA256, fileRef("", tmpl).SHA256
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		files := tx.Bucket([]byte("doc_files"))
		if err := files.Delete([]byte(docxSHA)); err != nil {
			return err
		}
		if err := files.Put([]byte(tmplSHA), []byte("changed")); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("sequences")).Put([]byte("doc-contract-2026"), id(1)); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("docs_by_deal")).Put(append(id(5), id(2)...), []byte{}); err != nil {
			return err
		}
		return tx.Bucket([]byte("docs")).Delete(id(3))
	})
	r := mustCheck(t, path)
	wantProblems(t, r, "document 1: its file "+docxSHA+` ("d.docx") is missing`,
		"file \""+tmplSHA+"\": it cannot be read: its content's SHA-256 is",
		`counter "doc-contract-2026" is at 1, behind document number 2 already in use`,
		"document send 1: it cannot be read: its document 3 does not exist",
		"index docs_by_number: entry \"ДГ-2026-0003\" points at document 3, which does not exist",
		"index docs_by_deal: entry 0x00000000000000050000000000000002 points at document 2, which does not list it")
}
