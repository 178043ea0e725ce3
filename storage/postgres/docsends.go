package postgres

import (
	"errors"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Sends are in doc_sends; due is NextAttemptAt while the send is pending
// and NULL otherwise (the due index).

// DocSendByID returns the send with the ID, or ENOTFOUND.
func (tx *Tx) DocSendByID(id int64) (s *core.DocSend, err error) {
	defer wrapf(&err, "document send %d", id)
	s = new(core.DocSend)
	if ok, err := tx.get(s, `SELECT doc FROM doc_sends WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.doc.send_not_found", "ID", id)
	}
	return s, nil
}

// CreateDocSend assigns the send an ID and stores it.
func (tx *Tx) CreateDocSend(s *core.DocSend) (err error) {
	defer wrapf(&err, "create document send")
	if err := validDocSend(s); err != nil {
		return err
	}
	if s.ID, err = tx.nextID("doc_sends"); err != nil {
		return err
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = tx.now
	}
	s.UpdatedAt = tx.now
	return tx.putDocSend(s)
}

// UpdateDocSend stores a changed send and moves its due time.
func (tx *Tx) UpdateDocSend(s *core.DocSend) (err error) {
	defer wrapf(&err, "update document send %d", s.ID)
	old, err := tx.DocSendByID(s.ID)
	if err != nil {
		return err
	}
	if err := validDocSend(s); err != nil {
		return err
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = old.CreatedAt
	}
	s.UpdatedAt = tx.now
	return tx.putDocSend(s)
}

// putDocSend writes a send as it is, ID and times kept. Create, Update and
// the copier from bbolt use it.
func (tx *Tx) putDocSend(s *core.DocSend) error {
	data, err := encode(s)
	if err != nil {
		return err
	}
	var due any
	if s.Status == core.SendPending {
		due = s.NextAttemptAt
	}
	return tx.exec(`INSERT INTO doc_sends (id, doc_id, due, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET doc_id = EXCLUDED.doc_id, due = EXCLUDED.due, doc = EXCLUDED.doc`,
		s.ID, s.DocID, due, data)
}

// DueDocSends returns up to limit (<= 0: all) pending sends due at now,
// the earliest due first.
func (tx *Tx) DueDocSends(now time.Time, limit int) (ss []*core.DocSend, err error) {
	defer wrapf(&err, "due document sends")
	return list[core.DocSend](tx, `SELECT doc FROM doc_sends WHERE due IS NOT NULL AND due <= $1
		ORDER BY due, id LIMIT $2`, now, sqlLimit(limit))
}

func validDocSend(s *core.DocSend) error {
	if s.DocID == 0 || s.Version < 1 || (s.Channel != core.ChannelEmail && s.Channel != core.ChannelEDO) {
		return errors.New("a send needs a document, a version and a channel")
	}
	return nil
}
