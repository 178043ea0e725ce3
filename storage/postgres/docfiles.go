package postgres

import (
	"errors"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/internal/filesum"
)

// Files of documents and templates are kept in doc_files: the lower-case
// hex SHA-256 of the content → the content, written once and never
// changed. Templates are in doc_templates, read by ID or all at once.

// PutFile stores a file's content under its SHA-256, which must be
// ref.SHA256. A file already there is left as it is: the same SHA-256 is
// the same content.
func (tx *Tx) PutFile(ref core.FileRef, data []byte) (err error) {
	defer wrapf(&err, "put file %s", ref.SHA256)
	if err := filesum.Check(ref.SHA256, data); err != nil {
		return err
	}
	return tx.putDocFile(ref.SHA256, data)
}

// putDocFile stores a file's content under its SHA-256 unless one is there.
// PutFile and the copier from bbolt use it.
func (tx *Tx) putDocFile(sha string, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	return tx.exec(`INSERT INTO doc_files (sha256, content) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING`, sha, data)
}

// File returns the content stored under the SHA-256, a document's or a
// report's, or ENOTFOUND.
func (tx *Tx) File(sha string) (data []byte, err error) {
	defer wrapf(&err, "file %s", sha)
	ok, err := tx.scalar(&data, `SELECT content FROM doc_files WHERE sha256 = $1
		UNION ALL SELECT content FROM report_files WHERE sha256 = $1 LIMIT 1`, sha)
	if err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.file_not_found", "SHA256", sha)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

// TemplateByID returns the template with the ID, or ENOTFOUND.
func (tx *Tx) TemplateByID(id int64) (t *core.DocTemplate, err error) {
	defer wrapf(&err, "template %d", id)
	t = new(core.DocTemplate)
	if ok, err := tx.get(t, `SELECT doc FROM doc_templates WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.template_not_found", "ID", id)
	}
	return t, nil
}

// Templates returns every template, oldest first.
func (tx *Tx) Templates() (ts []*core.DocTemplate, err error) {
	defer wrapf(&err, "templates")
	return list[core.DocTemplate](tx, `SELECT doc FROM doc_templates ORDER BY id`)
}

// CreateTemplate assigns the template an ID and stores it; its file must
// be stored.
func (tx *Tx) CreateTemplate(t *core.DocTemplate) (err error) {
	defer wrapf(&err, "create template")
	if err := tx.checkTemplate(t); err != nil {
		return err
	}
	if t.ID, err = tx.nextID("doc_templates"); err != nil {
		return err
	}
	if t.AddedAt.IsZero() {
		t.AddedAt = tx.now
	}
	return tx.putTemplate(t)
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
	return tx.putTemplate(t)
}

// putTemplate writes a template as it is, ID kept. Create, Update and the
// copier from bbolt use it.
func (tx *Tx) putTemplate(t *core.DocTemplate) error {
	data, err := encode(t)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO doc_templates (id, doc) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`, t.ID, data)
}

func (tx *Tx) checkTemplate(t *core.DocTemplate) error {
	if !t.Kind.Valid() {
		return core.Errorf(core.EINVALID, "err.doc.kind_unknown", "Kind", string(t.Kind))
	}
	if t.File.SHA256 == "" {
		return errors.New("its file is not stored")
	}
	if ok, err := tx.exists(`SELECT 1 FROM doc_files WHERE sha256 = $1`, t.File.SHA256); err != nil {
		return err
	} else if !ok {
		return errors.New("its file is not stored")
	}
	return nil
}

// EDOCursor returns the stored cursor of an operator's event feed, "" when
// none.
func (tx *Tx) EDOCursor(operator string) (cursor string, err error) {
	defer wrapf(&err, "EDO cursor of %q", operator)
	_, err = tx.scalar(&cursor, `SELECT cursor FROM edo_cursors WHERE operator = $1`, operator)
	return cursor, err
}

// PutEDOCursor stores an operator's cursor; an empty one deletes it.
func (tx *Tx) PutEDOCursor(operator, cursor string) (err error) {
	defer wrapf(&err, "put EDO cursor")
	if operator == "" {
		return errors.New("no operator")
	}
	if cursor == "" {
		return tx.exec(`DELETE FROM edo_cursors WHERE operator = $1`, operator)
	}
	return tx.exec(`INSERT INTO edo_cursors (operator, cursor) VALUES ($1, $2)
		ON CONFLICT (operator) DO UPDATE SET cursor = EXCLUDED.cursor`, operator, cursor)
}
