package bolt

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Send indexes:
//
//	doc_sends_due: timeKey(nextAttemptAt) id → nothing, while pending

// DocSendByID returns the send with the ID, or ENOTFOUND.
func (tx *Tx) DocSendByID(id int64) (*core.DocSend, error) {
	s := new(core.DocSend)
	if ok, err := tx.get(bktDocSends, itob(id), s); err != nil {
		return nil, fmt.Errorf("bolt: document send %d: %w", id, err)
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
	if s.ID, err = tx.nextID(bktDocSends); err != nil {
		return err
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = tx.now
	}
	s.UpdatedAt = tx.now
	if err := tx.put(bktDocSends, itob(s.ID), s); err != nil {
		return err
	}
	return tx.reindex(nil, docSendEntries(s))
}

// UpdateDocSend stores a changed send and moves its due entry.
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
	if err := tx.put(bktDocSends, itob(s.ID), s); err != nil {
		return err
	}
	return tx.reindex(docSendEntries(old), docSendEntries(s))
}

// DueDocSends returns up to limit (<= 0: all) pending sends due at now,
// the earliest due first.
func (tx *Tx) DueDocSends(now time.Time, limit int) ([]*core.DocSend, error) {
	sends := []*core.DocSend{}
	end := timeKey(now)
	err := tx.scan(bktDocSendsDue, nil, func(k, _ []byte) (bool, error) {
		if bytes.Compare(k[:8], end) > 0 || limitReached(len(sends), limit) {
			return false, nil
		}
		s := new(core.DocSend)
		if err := tx.load(bktDocSends, k[8:], s); err != nil {
			return false, err
		}
		sends = append(sends, s)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: due document sends: %w", err)
	}
	return sends, nil
}

func validDocSend(s *core.DocSend) error {
	if s.DocID == 0 || s.Version < 1 || (s.Channel != core.ChannelEmail && s.Channel != core.ChannelEDO) {
		return errors.New("a send needs a document, a version and a channel")
	}
	return nil
}

// docSendEntries lists the index entries of a send: its due time while it
// is pending.
func docSendEntries(s *core.DocSend) []entry {
	if s.Status != core.SendPending {
		return nil
	}
	return []entry{{bktDocSendsDue, key(timeKey(s.NextAttemptAt), itob(s.ID)), nil}}
}
