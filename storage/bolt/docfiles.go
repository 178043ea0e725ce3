package bolt

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/internal/filesum"
)

// Files of documents and templates are kept in doc_files: the lower-case
// hex SHA-256 of the content → the content, written once and never
// changed. Templates are in doc_templates, keyed by ID, without indexes
// (there are few).

// PutFile stores a file's content under its SHA-256, which must be
// ref.SHA256. A file already there is left as it is: the same SHA-256 is
// the same content.
func (tx *Tx) PutFile(ref core.FileRef, data []byte) (err error) {
	defer wrapf(&err, "put file %s", ref.SHA256)
	if err := filesum.Check(ref.SHA256, data); err != nil {
		return err
	}
	b := tx.tx.Bucket(bktDocFiles)
	if b.Get([]byte(ref.SHA256)) != nil {
		return nil
	}
	// bbolt keeps the slice until the commit: the caller may reuse theirs.
	return b.Put([]byte(ref.SHA256), bytes.Clone(data))
}

// File returns the content stored under the SHA-256, a document's or a
// report's, or ENOTFOUND. The slice is a copy, valid after the transaction.
func (tx *Tx) File(sha string) ([]byte, error) {
	v := tx.tx.Bucket(bktDocFiles).Get([]byte(sha))
	if v == nil {
		v = tx.tx.Bucket(bktReportFiles).Get([]byte(sha))
	}
	if v == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.file_not_found", "SHA256", sha)
	}
	return bytes.Clone(v), nil
}

// TemplateByID returns the template with the ID, or ENOTFOUND.
func (tx *Tx) TemplateByID(id int64) (*core.DocTemplate, error) {
	t := new(core.DocTemplate)
	if ok, err := tx.get(bktDocTemplates, itob(id), t); err != nil {
		return nil, fmt.Errorf("bolt: template %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.template_not_found", "ID", id)
	}
	return t, nil
}

// Templates returns every template, oldest first.
func (tx *Tx) Templates() ([]*core.DocTemplate, error) {
	ts := []*core.DocTemplate{}
	err := tx.scan(bktDocTemplates, nil, func(_, v []byte) (bool, error) {
		t := new(core.DocTemplate)
		if err := decode(v, t); err != nil {
			return false, err
		}
		ts = append(ts, t)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: templates: %w", err)
	}
	return ts, nil
}

// CreateTemplate assigns the template an ID and stores it; its file must
// be stored.
func (tx *Tx) CreateTemplate(t *core.DocTemplate) (err error) {
	defer wrapf(&err, "create template")
	if err := tx.checkTemplate(t); err != nil {
		return err
	}
	if t.ID, err = tx.nextID(bktDocTemplates); err != nil {
		return err
	}
	if t.AddedAt.IsZero() {
		t.AddedAt = tx.now
	}
	return tx.put(bktDocTemplates, itob(t.ID), t)
}

// UpdateTemplate stores a changed template; ENOTFOUND for an unknown one.
func (tx *Tx) UpdateTemplate(t *core.DocTemplate) (err error) {
	defer wrapf(&err, "update template %d", t.ID)
	old, err := tx.TemplateByID(t.ID)
	if err != nil {
		return err
	}
	if err := tx.checkTemplate(t); err != nil {
		return err
	}
	if t.AddedAt.IsZero() {
		t.AddedAt = old.AddedAt
	}
	return tx.put(bktDocTemplates, itob(t.ID), t)
}

func (tx *Tx) checkTemplate(t *core.DocTemplate) error {
	if !t.Kind.Valid() {
		return core.Errorf(core.EINVALID, "err.doc.kind_unknown", "Kind", string(t.Kind))
	}
	if t.File.SHA256 == "" || tx.tx.Bucket(bktDocFiles).Get([]byte(t.File.SHA256)) == nil {
		return errors.New("its file is not stored")
	}
	return nil
}

// EDOCursor returns the stored cursor of an operator's event feed, "" when
// none.
func (tx *Tx) EDOCursor(operator string) (string, error) {
	return string(tx.tx.Bucket(bktEDOCursors).Get([]byte(operator))), nil
}

// PutEDOCursor stores an operator's cursor; an empty one deletes it.
func (tx *Tx) PutEDOCursor(operator, cursor string) error {
	b := tx.tx.Bucket(bktEDOCursors)
	if operator == "" {
		return errors.New("bolt: put EDO cursor: no operator")
	}
	if cursor == "" {
		return b.Delete([]byte(operator))
	}
	if err := b.Put([]byte(operator), []byte(cursor)); err != nil {
		return fmt.Errorf("bolt: put EDO cursor: %w", err)
	}
	return nil
}
