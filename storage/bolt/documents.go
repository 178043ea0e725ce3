package bolt

import (
	"fmt"

	"github.com/dealdesk/dealdesk/core"
)

// Document indexes:
//
//	docs_by_deal:   dealID docID       → nothing
//	docs_by_number: number             → id (unique; documents with a number)
//	docs_by_edo:    EDO message id     → id (documents posted to EDO)
//
// A document's versions name their files by SHA-256; the files are in
// doc_files (docfiles.go), and a document is never written while a file it
// names is missing there.

// DocumentByID returns the document with the ID, or ENOTFOUND.
func (tx *Tx) DocumentByID(id int64) (*core.Document, error) {
	d := new(core.Document)
	if ok, err := tx.get(bktDocuments, itob(id), d); err != nil {
		return nil, fmt.Errorf("bolt: document %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.not_found", "ID", id)
	}
	return d, nil
}

// DocumentByNumber returns the document with the number ("ДГ-2026-0001"),
// or ENOTFOUND.
func (tx *Tx) DocumentByNumber(number string) (*core.Document, error) {
	v := tx.tx.Bucket(bktDocumentsByNumber).Get([]byte(number))
	if v == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.not_found", "Number", number)
	}
	return tx.DocumentByID(btoi(v))
}

// DocumentByEDO returns the document posted to EDO as the message, or
// ENOTFOUND.
func (tx *Tx) DocumentByEDO(messageID string) (*core.Document, error) {
	var v []byte
	if messageID != "" {
		v = tx.tx.Bucket(bktDocumentsByEDO).Get([]byte(messageID))
	}
	if v == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.not_found", "EDO", messageID)
	}
	return tx.DocumentByID(btoi(v))
}

// DocumentsByDeal returns the deal's documents, oldest first.
func (tx *Tx) DocumentsByDeal(dealID int64) ([]*core.Document, error) {
	docs := []*core.Document{}
	err := tx.scan(bktDocumentsByDeal, itob(dealID), func(k, _ []byte) (bool, error) {
		d := new(core.Document)
		if err := tx.load(bktDocuments, k[8:], d); err != nil {
			return false, err
		}
		docs = append(docs, d)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: documents of deal %d: %w", dealID, err)
	}
	return docs, nil
}

// CreateDocument assigns the document an ID and stores it. It returns
// ECONFLICT when its number belongs to another document.
func (tx *Tx) CreateDocument(d *core.Document) (err error) {
	defer wrapf(&err, "create document")
	if err := tx.checkDocumentWrite(d, 0); err != nil {
		return err
	}
	if d.ID, err = tx.nextID(bktDocuments); err != nil {
		return err
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = tx.now
	}
	d.UpdatedAt = tx.now
	if err := tx.put(bktDocuments, itob(d.ID), d); err != nil {
		return err
	}
	return tx.reindex(nil, documentEntries(d))
}

// UpdateDocument stores a changed document and moves its index entries.
// It returns ENOTFOUND for an unknown document.
func (tx *Tx) UpdateDocument(d *core.Document) (err error) {
	defer wrapf(&err, "update document %d", d.ID)
	old, err := tx.DocumentByID(d.ID)
	if err != nil {
		return err
	}
	if err := tx.checkDocumentWrite(d, d.ID); err != nil {
		return err
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = old.CreatedAt
	}
	d.UpdatedAt = tx.now
	if err := tx.put(bktDocuments, itob(d.ID), d); err != nil {
		return err
	}
	return tx.reindex(documentEntries(old), documentEntries(d))
}

// checkDocumentWrite checks a document before it is written: its fields, its
// number and EDO message free for it (self, or 0 for a new one), and every
// file its versions name stored.
func (tx *Tx) checkDocumentWrite(d *core.Document, self int64) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Number != "" {
		if v := tx.tx.Bucket(bktDocumentsByNumber).Get([]byte(d.Number)); v != nil && btoi(v) != self {
			return core.Errorf(core.ECONFLICT, "err.doc.number_taken", "Number", d.Number)
		}
	}
	if d.EDOMessageID != "" {
		if v := tx.tx.Bucket(bktDocumentsByEDO).Get([]byte(d.EDOMessageID)); v != nil && btoi(v) != self {
			return fmt.Errorf("EDO message %s belongs to document %d", d.EDOMessageID, btoi(v))
		}
	}
	for _, f := range d.Files() {
		if tx.tx.Bucket(bktDocFiles).Get([]byte(f.SHA256)) == nil {
			return fmt.Errorf("document %s: file %s (%s) is not stored", d.Number, f.SHA256, f.Name)
		}
	}
	return nil
}

// documentEntries lists the index entries of a document.
func documentEntries(d *core.Document) []entry {
	id := itob(d.ID)
	es := []entry{{bktDocumentsByDeal, key(itob(d.DealID), id), nil}}
	if d.Number != "" {
		es = append(es, entry{bktDocumentsByNumber, []byte(d.Number), id})
	}
	if d.EDOMessageID != "" {
		es = append(es, entry{bktDocumentsByEDO, []byte(d.EDOMessageID), id})
	}
	return es
}
