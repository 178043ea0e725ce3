package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Documents/CreateFindUpdateMovesTheDeal", testDocumentsCreateFindUpdate)
	register("Documents/Refusals", testDocumentsRefusals)
	register("Documents/EDOMessageMoves", testDocumentsEDOMessageMoves)
}

// docFileRef is the reference of a file with the content.
func docFileRef(name string, data []byte) core.FileRef {
	sum := sha256.Sum256(data)
	return core.FileRef{SHA256: hex.EncodeToString(sum[:]), Name: name, MIME: "application/octet-stream",
		Size: int64(len(data))}
}

// docNew is a requested contract of a deal numbered from the contracts'
// counter of 2026, as core numbers it.
func docNew(tx core.Tx, dealID int64) (*core.Document, error) {
	n, err := tx.NextSequence(core.DocCounter(core.DocContract, 2026))
	if err != nil {
		return nil, err
	}
	return &core.Document{Number: core.DocNumber(core.DocContract, 2026, n), Kind: core.DocContract,
		DealID: dealID, ClientID: 1, Status: core.DocRequested, RequestedBy: 10}, nil
}

// docCreate creates a new document of the deal.
func docCreate(tx core.Tx, dealID int64, edit func(d *core.Document)) error {
	d, err := docNew(tx, dealID)
	if err != nil {
		return err
	}
	if edit != nil {
		edit(d)
	}
	return tx.CreateDocument(d)
}

func docIDs(ds []*core.Document) []int64 {
	ids := []int64{}
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

func testDocumentsCreateFindUpdate(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	docx := []byte("docx v1")
	update(t, s, func(tx core.Tx) error {
		for _, deal := range []int64{1, 2, 1} {
			if err := docCreate(tx, deal, nil); err != nil {
				return err
			}
		}
		return tx.PutFile(docFileRef("v1.docx", docx), docx)
	})
	created := clock.Now()
	view(t, s, func(tx core.Tx) error {
		ds, err := tx.DocumentsByDeal(1)
		if err != nil || !slices.Equal(docIDs(ds), []int64{1, 3}) || ds[0].Number != "ДГ-2026-0001" {
			t.Errorf("documents of deal 1 = %v, %v", docIDs(ds), err)
		}
		if ds, err := tx.DocumentsByDeal(9); err != nil || ds == nil || len(ds) != 0 {
			t.Errorf("documents of a deal without any = %#v, %v; want empty, not nil", ds, err)
		}
		d, err := tx.DocumentByNumber("ДГ-2026-0002")
		if err != nil || d.ID != 2 || !d.CreatedAt.Equal(created) || !d.UpdatedAt.Equal(created) {
			t.Errorf("by number = %+v, %v", d, err)
		}
		_, err = tx.DocumentByNumber("ДГ-2026-0009")
		wantCodeKey(t, err, core.ENOTFOUND, "err.doc.not_found")
		_, err = tx.DocumentByNumber("")
		wantCodeKey(t, err, core.ENOTFOUND, "err.doc.not_found")
		_, err = tx.DocumentByEDO("m-1")
		wantCodeKey(t, err, core.ENOTFOUND, "err.doc.not_found")
		_, err = tx.DocumentByEDO("")
		wantCodeKey(t, err, core.ENOTFOUND, "err.doc.not_found")
		_, err = tx.DocumentByID(7)
		wantCodeKey(t, err, core.ENOTFOUND, "err.doc.not_found")
		return nil
	})
	clock.Add(time.Hour)
	update(t, s, func(tx core.Tx) error {
		d, err := tx.DocumentByID(1)
		if err != nil {
			return err
		}
		d.Versions = append(d.Versions, core.DocVersion{N: 1, DOCX: docFileRef("v1.docx", docx)})
		d.Status, d.EDOMessageID, d.DealID, d.CreatedAt = core.DocDraft, "m-1", 2, time.Time{}
		return tx.UpdateDocument(d)
	})
	view(t, s, func(tx core.Tx) error {
		d, err := tx.DocumentByEDO("m-1")
		if err != nil || d.ID != 1 || len(d.Versions) != 1 || d.Versions[0].DOCX.SHA256 != docFileRef("", docx).SHA256 {
			t.Errorf("by EDO = %+v, %v", d, err)
		} else if !d.CreatedAt.Equal(created) || !d.UpdatedAt.Equal(created.Add(time.Hour)) {
			t.Errorf("times after the update: created %v, updated %v", d.CreatedAt, d.UpdatedAt)
		}
		if ds, _ := tx.DocumentsByDeal(1); !slices.Equal(docIDs(ds), []int64{3}) {
			t.Errorf("deal 1 keeps the moved document: %v", docIDs(ds))
		}
		if ds, _ := tx.DocumentsByDeal(2); !slices.Equal(docIDs(ds), []int64{1, 2}) {
			t.Errorf("deal 2 = %v, want [1 2] (oldest first)", docIDs(ds))
		}
		return nil
	})
}

func testDocumentsRefusals(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error { return docCreate(tx, 1, nil) })
	ctx := context.Background()
	err := s.Update(ctx, func(tx core.Tx) error {
		return docCreate(tx, 2, func(d *core.Document) { d.Number = "ДГ-2026-0001" })
	})
	wantCodeKey(t, err, core.ECONFLICT, "err.doc.number_taken")
	update(t, s, func(tx core.Tx) error { return docCreate(tx, 2, nil) })
	err = s.Update(ctx, func(tx core.Tx) error {
		d, err := tx.DocumentByID(2)
		if err != nil {
			return err
		}
		d.Number = "ДГ-2026-0001"
		return tx.UpdateDocument(d)
	})
	wantCodeKey(t, err, core.ECONFLICT, "err.doc.number_taken")

	// A version whose file is not stored is never written.
	err = s.Update(ctx, func(tx core.Tx) error {
		d, err := tx.DocumentByID(1)
		if err != nil {
			return err
		}
		d.Versions = []core.DocVersion{{N: 1, DOCX: docFileRef("a.docx", []byte("not stored"))}}
		return tx.UpdateDocument(d)
	})
	if err == nil || !strings.Contains(err.Error(), "is not stored") || core.ErrorCode(err) != core.EINTERNAL {
		t.Errorf("a version without its file: %v", err)
	}
	err = s.Update(ctx, func(tx core.Tx) error {
		return docCreate(tx, 1, func(d *core.Document) { d.Kind = "letter" })
	})
	wantCodeKey(t, err, core.EINVALID, "err.doc.kind_unknown")
	err = s.Update(ctx, func(tx core.Tx) error {
		return tx.UpdateDocument(&core.Document{ID: 9, Kind: core.DocContract, Status: core.DocRequested, DealID: 1})
	})
	wantCodeKey(t, err, core.ENOTFOUND, "err.doc.not_found")
	view(t, s, func(tx core.Tx) error {
		d, err := tx.DocumentByNumber("ДГ-2026-0001")
		if err != nil || d.ID != 1 || len(d.Versions) != 0 {
			t.Errorf("document 1 after the refusals = %+v, %v", d, err)
		}
		if d, err := tx.DocumentByID(2); err != nil || d.Number == "ДГ-2026-0001" {
			t.Errorf("document 2 after the refusals = %+v, %v", d, err)
		}
		return nil
	})
}

// testDocumentsEDOMessageMoves: a document posted to EDO as a draft takes
// the id of the letter a person sent from it; the lookup follows in the same
// transaction, and a letter's id is never given to two documents.
func testDocumentsEDOMessageMoves(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for range 2 {
			if err := docCreate(tx, 1, func(d *core.Document) { d.EDOMessageID = "draft-" + d.Number }); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		d, err := tx.DocumentByEDO("draft-ДГ-2026-0001")
		if err != nil {
			return err
		}
		d.EDOMessageID, d.EDOEntityID = "letter-1", "letter-ent"
		if err := tx.UpdateDocument(d); err != nil {
			return err
		}
		if got, err := tx.DocumentByEDO("letter-1"); err != nil || got.ID != d.ID || got.EDOEntityID != "letter-ent" {
			t.Errorf("in the same transaction: %+v, %v", got, err)
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		if got, err := tx.DocumentByEDO("letter-1"); err != nil || got.ID != 1 {
			t.Errorf("by the letter's id: %+v, %v", got, err)
		}
		_, err := tx.DocumentByEDO("draft-ДГ-2026-0001")
		wantCodeKey(t, err, core.ENOTFOUND, "err.doc.not_found")
		if got, err := tx.DocumentByEDO("draft-ДГ-2026-0002"); err != nil || got.ID != 2 {
			t.Errorf("the other document: %+v, %v", got, err)
		}
		return nil
	})
	err := s.Update(context.Background(), func(tx core.Tx) error {
		d, err := tx.DocumentByID(2)
		if err != nil {
			return err
		}
		d.EDOMessageID = "letter-1"
		return tx.UpdateDocument(d)
	})
	if err == nil || !strings.Contains(err.Error(), "belongs to document 1") {
		t.Errorf("a letter's id given to a second document: %v", err)
	}
}
