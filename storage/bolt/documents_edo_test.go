package bolt_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestDocuments_EDOMessageMoves: a document posted to EDO as a draft takes
// the id of the letter a person sent from it; the index follows, in the
// same transaction, and a letter's id is never given to two documents.
func TestDocuments_EDOMessageMoves(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		for range 2 {
			d := newDocument(tx, 1)
			d.EDOMessageID = "draft-" + d.Number
			if err := tx.CreateDocument(d); err != nil {
				return err
			}
		}
		return nil
	})
	MustUpdate(t, db, func(tx core.Tx) error {
		d, err := tx.DocumentByEDO("draft-ДГ-2026-0001")
		if err != nil {
			return err
		}
		d.EDOMessageID, d.EDOEntityID = "letter-1", "letter-ent"
		if err := tx.UpdateDocument(d); err != nil {
			return err
		}
		// The page's later events read it by the letter's id at once.
		if got, err := tx.DocumentByEDO("letter-1"); err != nil || got.ID != d.ID || got.EDOEntityID != "letter-ent" {
			t.Errorf("in the same transaction: %+v, %v", got, err)
		}
		return nil
	})
	MustView(t, db, func(tx core.Tx) error {
		if got, err := tx.DocumentByEDO("letter-1"); err != nil || got.ID != 1 {
			t.Errorf("by the letter's id: %+v, %v", got, err)
		}
		_, err := tx.DocumentByEDO("draft-ДГ-2026-0001")
		CheckCode(t, err, core.ENOTFOUND, "err.doc.not_found")
		if got, err := tx.DocumentByEDO("draft-ДГ-2026-0002"); err != nil || got.ID != 2 {
			t.Errorf("the other document: %+v, %v", got, err)
		}
		return nil
	})
	err := db.Update(context.Background(), func(tx core.Tx) error {
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
	checkHealthy(t, db)
}
