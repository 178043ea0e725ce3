package postgres

import (
	"fmt"

	"github.com/dealdesk/dealdesk/core"
)

// Documents are in the documents table, with their deal, their number and
// their EDO message as key columns (migration 0004). A document's versions
// name their files by SHA-256; the files are in doc_files (docfiles.go), and
// a document is never written while a file it names is missing there.

// DocumentByID returns the document with the ID, or ENOTFOUND.
func (tx *Tx) DocumentByID(id int64) (d *core.Document, err error) {
	defer wrapf(&err, "document %d", id)
	d = new(core.Document)
	if ok, err := tx.get(d, `SELECT doc FROM documents WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.not_found", "ID", id)
	}
	return d, nil
}

// DocumentByNumber returns the document with the number ("ДГ-2026-0001"),
// or ENOTFOUND.
func (tx *Tx) DocumentByNumber(number string) (d *core.Document, err error) {
	defer wrapf(&err, "document %q", number)
	d = new(core.Document)
	if ok, err := tx.get(d, `SELECT doc FROM documents WHERE number = $1`, number); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.not_found", "Number", number)
	}
	return d, nil
}

// DocumentByEDO returns the document posted to EDO as the message, or
// ENOTFOUND.
func (tx *Tx) DocumentByEDO(messageID string) (d *core.Document, err error) {
	defer wrapf(&err, "document of EDO message %q", messageID)
	d = new(core.Document)
	if ok, err := tx.get(d, `SELECT doc FROM documents WHERE edo_message_id = $1`, messageID); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.not_found", "EDO", messageID)
	}
	return d, nil
}

// DocumentsByDeal returns the deal's documents, oldest first.
func (tx *Tx) DocumentsByDeal(dealID int64) (ds []*core.Document, err error) {
	defer wrapf(&err, "documents of deal %d", dealID)
	return list[core.Document](tx, `SELECT doc FROM documents WHERE deal_id = $1 ORDER BY id`, dealID)
}

// CreateDocument assigns the document an ID and stores it. It returns
// ECONFLICT when its number belongs to another document.
func (tx *Tx) CreateDocument(d *core.Document) (err error) {
	defer wrapf(&err, "create document")
	if err := tx.checkDocumentWrite(d, 0); err != nil {
		return err
	}
	if d.ID, err = tx.nextID("documents"); err != nil {
		return err
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = tx.now
	}
	d.UpdatedAt = tx.now
	return tx.putDocument(d)
}

// UpdateDocument stores a changed document; its key columns move with it.
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
	return tx.putDocument(d)
}

// putDocument writes a document as it is, ID and times kept: an insert or
// a replacement of the row with its ID. Create, Update and the copier from
// bbolt use it.
func (tx *Tx) putDocument(d *core.Document) error {
	data, err := encode(d)
	if err != nil {
		return err
	}
	err = tx.exec(`INSERT INTO documents (id, deal_id, number, edo_message_id, doc) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET deal_id = EXCLUDED.deal_id, number = EXCLUDED.number,
			edo_message_id = EXCLUDED.edo_message_id, doc = EXCLUDED.doc`,
		d.ID, d.DealID, textOrNull(d.Number), textOrNull(d.EDOMessageID), data)
	if isUniqueViolation(err, "documents_by_number") {
		return core.Errorf(core.ECONFLICT, "err.doc.number_taken", "Number", d.Number)
	}
	return err
}

// checkDocumentWrite checks a document before it is written: its fields, its
// number and EDO message free for it (self, or 0 for a new one), and every
// file its versions name stored.
func (tx *Tx) checkDocumentWrite(d *core.Document, self int64) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Number != "" {
		var id int64
		if ok, err := tx.scalar(&id, `SELECT id FROM documents WHERE number = $1`, d.Number); err != nil {
			return err
		} else if ok && id != self {
			return core.Errorf(core.ECONFLICT, "err.doc.number_taken", "Number", d.Number)
		}
	}
	if d.EDOMessageID != "" {
		var id int64
		if ok, err := tx.scalar(&id, `SELECT id FROM documents WHERE edo_message_id = $1`, d.EDOMessageID); err != nil {
			return err
		} else if ok && id != self {
			return fmt.Errorf("EDO message %s belongs to document %d", d.EDOMessageID, id)
		}
	}
	files := d.Files()
	if len(files) == 0 {
		return nil
	}
	shas := make([]string, len(files))
	for i, f := range files {
		shas[i] = f.SHA256
	}
	var missing []string
	if _, err := tx.scalar(&missing, `SELECT coalesce(array_agg(s), '{}') FROM unnest($1::text[]) AS s
		WHERE NOT EXISTS (SELECT 1 FROM doc_files WHERE sha256 = s)`, shas); err != nil {
		return err
	}
	for _, f := range files {
		for _, m := range missing {
			if f.SHA256 == m {
				return fmt.Errorf("document %s: file %s (%s) is not stored", d.Number, f.SHA256, f.Name)
			}
		}
	}
	return nil
}

// textOrNull is a string for a nullable text column: "" is NULL.
func textOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}
