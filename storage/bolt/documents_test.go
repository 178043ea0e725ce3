package bolt_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

func TestDocuments_CreateFindUpdate(t *testing.T) {
	db := MustOpenDB(t)
	docx := []byte("docx v1")
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, deal := range []int64{1, 2, 1} {
			if err := tx.CreateDocument(newDocument(tx, deal)); err != nil {
				return err
			}
		}
		return tx.PutFile(fileRef("v1.docx", docx), docx)
	})
	MustView(t, db, func(tx core.Tx) error {
		ds, err := tx.DocumentsByDeal(1)
		if err != nil || len(ds) != 2 || ds[0].Number != "ДГ-2026-0001" || ds[1].Number != "ДГ-2026-0003" {
			t.Errorf("documents of deal 1 = %v, %v", ds, err)
		}
		d, err := tx.DocumentByNumber("ДГ-2026-0002")
		if err != nil || d.ID != 2 || d.CreatedAt.IsZero() {
			t.Errorf("by number = %+v, %v", d, err)
		}
		_, err = tx.DocumentByNumber("ДГ-2026-0009")
		CheckCode(t, err, core.ENOTFOUND, "err.doc.not_found")
		_, err = tx.DocumentByEDO("m-1")
		CheckCode(t, err, core.ENOTFOUND, "err.doc.not_found")
		return nil
	})
	MustUpdate(t, db, func(tx core.Tx) error {
		d, err := tx.DocumentByID(1)
		if err != nil {
			return err
		}
		d.Versions = append(d.Versions, core.DocVersion{N: 1, DOCX: fileRef("v1.docx", docx)})
		d.Status, d.EDOMessageID, d.DealID = core.DocDraft, "m-1", 2
		return tx.UpdateDocument(d)
	})
	MustView(t, db, func(tx core.Tx) error {
		d, err := tx.DocumentByEDO("m-1")
		if err != nil || d.ID != 1 || len(d.Versions) != 1 {
			t.Errorf("by EDO = %+v, %v", d, err)
		}
		if ds, _ := tx.DocumentsByDeal(1); len(ds) != 1 || ds[0].ID != 3 {
			t.Errorf("deal 1 keeps the moved document: %v", ds)
		}
		if ds, _ := tx.DocumentsByDeal(2); len(ds) != 2 {
			t.Errorf("deal 2 = %v", ds)
		}
		return nil
	})
	checkHealthy(t, db)
}

func TestDocuments_Refusals(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateDocument(newDocument(tx, 1)) })
	err := db.Update(context.Background(), func(tx core.Tx) error {
		d := newDocument(tx, 2)
		d.Number = "ДГ-2026-0001"
		return tx.CreateDocument(d)
	})
	CheckCode(t, err, core.ECONFLICT, "err.doc.number_taken")

	// A version whose file is not stored is never written.
	err = db.Update(context.Background(), func(tx core.Tx) error {
		d, _ := tx.DocumentByID(1)
		d.Versions = []core.DocVersion{{N: 1, DOCX: fileRef("a.docx", []byte("not stored"))}}
		return tx.UpdateDocument(d)
	})
	if err == nil || !strings.Contains(err.Error(), "is not stored") {
		t.Errorf("a version without its file: %v", err)
	}
	err = db.Update(context.Background(), func(tx core.Tx) error {
		d := newDocument(tx, 1)
		d.Kind = "letter"
		return tx.CreateDocument(d)
	})
	CheckCode(t, err, core.EINVALID, "err.doc.kind_unknown")
	err = db.Update(context.Background(), func(tx core.Tx) error {
		_, err := tx.DocumentByID(7)
		return err
	})
	CheckCode(t, err, core.ENOTFOUND, "err.doc.not_found")
}

func TestFiles_PutOnceAndCheckTheirSum(t *testing.T) {
	db := MustOpenDB(t)
	data := []byte("PK\x03\x04 a docx")
	ref := fileRef("a.docx", data)
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.PutFile(ref, data); err != nil {
			return err
		}
		data[0] = 'X' // the store keeps its own copy
		return tx.PutFile(ref, []byte("PK\x03\x04 a docx"))
	})
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.File(ref.SHA256)
		if err != nil || string(got) != "PK\x03\x04 a docx" {
			t.Errorf("file = %q, %v", got, err)
		}
		_, err = tx.File(strings.Repeat("0", 64))
		CheckCode(t, err, core.ENOTFOUND, "err.doc.file_not_found")
		return nil
	})
	err := db.Update(context.Background(), func(tx core.Tx) error { return tx.PutFile(ref, []byte("other")) })
	if err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("content that is not the SHA-256's: %v", err)
	}
}

func TestTemplates(t *testing.T) {
	db := MustOpenDB(t)
	data := []byte("template")
	ref := fileRef("КП.docx", data)
	err := db.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateTemplate(&core.DocTemplate{Kind: core.DocProposal, Name: "КП", File: ref})
	})
	if err == nil {
		t.Fatal("a template without its file was stored")
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.PutFile(ref, data); err != nil {
			return err
		}
		for _, name := range []string{"КП", "КП новый"} {
			if err := tx.CreateTemplate(&core.DocTemplate{Kind: core.DocProposal, Name: name, File: ref,
				Active: true}); err != nil {
				return err
			}
		}
		t1, err := tx.TemplateByID(1)
		if err != nil {
			return err
		}
		t1.Active = false
		return tx.UpdateTemplate(t1)
	})
	MustView(t, db, func(tx core.Tx) error {
		ts, err := tx.Templates()
		if err != nil || len(ts) != 2 || ts[0].Active || !ts[1].Active || ts[1].Name != "КП новый" || ts[0].AddedAt.IsZero() {
			t.Errorf("templates = %+v, %v", ts, err)
		}
		_, err = tx.TemplateByID(3)
		CheckCode(t, err, core.ENOTFOUND, "err.doc.template_not_found")
		return nil
	})
	checkHealthy(t, db)
}

func TestDocSends_DueInOrder(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	now := clock.Now()
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateDocument(newDocument(tx, 1)); err != nil {
			return err
		}
		for i, due := range []time.Duration{time.Minute, -time.Minute, 0, -2 * time.Minute} {
			s := &core.DocSend{DocID: 1, Version: 1, Channel: core.ChannelEmail, To: []string{"a@b.ru"},
				OperationID: "op" + string(rune('a'+i)), Status: core.SendPending, NextAttemptAt: now.Add(due)}
			if err := tx.CreateDocSend(s); err != nil {
				return err
			}
		}
		return nil
	})
	ids := func(limit int) []int64 {
		var out []int64
		MustView(t, db, func(tx core.Tx) error {
			ss, err := tx.DueDocSends(now, limit)
			for _, s := range ss {
				out = append(out, s.ID)
			}
			return err
		})
		return out
	}
	if got := ids(0); len(got) != 3 || got[0] != 4 || got[1] != 2 || got[2] != 3 {
		t.Errorf("due = %v; want [4 2 3]", got)
	}
	if got := ids(2); len(got) != 2 {
		t.Errorf("due with limit 2 = %v", got)
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		s, err := tx.DocSendByID(4)
		if err != nil {
			return err
		}
		s.Status = core.SendDone
		if err := tx.UpdateDocSend(s); err != nil {
			return err
		}
		s, _ = tx.DocSendByID(2)
		s.NextAttemptAt = now.Add(time.Hour)
		return tx.UpdateDocSend(s)
	})
	if got := ids(0); len(got) != 1 || got[0] != 3 {
		t.Errorf("due after one done and one postponed = %v; want [3]", got)
	}
	err := db.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateDocSend(&core.DocSend{DocID: 1, Version: 1, Channel: "fax"})
	})
	if err == nil {
		t.Error("a send by fax was stored")
	}
	checkHealthy(t, db)
}

func TestEDOCursor(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		if c, err := tx.EDOCursor("diadoc"); err != nil || c != "" {
			t.Errorf("no cursor = %q, %v", c, err)
		}
		return tx.PutEDOCursor("diadoc", "a+b/c==")
	})
	MustView(t, db, func(tx core.Tx) error {
		if c, err := tx.EDOCursor("diadoc"); err != nil || c != "a+b/c==" {
			t.Errorf("cursor = %q, %v", c, err)
		}
		return nil
	})
	checkHealthy(t, db)
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
