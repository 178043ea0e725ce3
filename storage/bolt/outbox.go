package bolt

import (
	"bytes"
	"fmt"

	"github.com/dealdesk/dealdesk/core"
)

// Outbox index:
//
//	outbox_pending: platform sep timeKey(nextAttemptAt) id → chat id
//
// Only pending messages are in it, so a delivery worker reads exactly the
// messages it has to send.

// Enqueue stores a message to send. It assigns the ID, sets CreatedAt to Now
// when zero, the status to pending when empty and NextAttemptAt to Now when
// zero.
func (tx *Tx) Enqueue(m *core.OutboxMessage) (err error) {
	defer wrapf(&err, "enqueue message")
	if m.ID, err = tx.nextID(bktOutbox); err != nil {
		return err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = tx.now
	}
	if m.Status == "" {
		m.Status = core.OutboxPending
	}
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = tx.now
	}
	if err := tx.put(bktOutbox, itob(m.ID), m); err != nil {
		return err
	}
	return tx.reindex(nil, outboxEntries(m))
}

// OutboxMessage returns the message with the ID, or ENOTFOUND.
func (tx *Tx) OutboxMessage(id int64) (*core.OutboxMessage, error) {
	m := new(core.OutboxMessage)
	if ok, err := tx.get(bktOutbox, itob(id), m); err != nil {
		return nil, fmt.Errorf("bolt: outbox message %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.outbox.not_found", "ID", id)
	}
	return m, nil
}

// DueMessages returns up to q.Limit (all when <= 0) pending messages of
// q.Platform whose next attempt is at or before q.Now, by next attempt time,
// then ID; at most q.PerChat of one chat, none of the chats in q.Skip. The
// index entry carries the chat, so the messages passed over are not read.
func (tx *Tx) DueMessages(q core.OutboxQuery) ([]*core.OutboxMessage, error) {
	ms := []*core.OutboxMessage{}
	prefix := str(q.Platform)
	end := timeKey(q.Now)
	perChat := map[string]int{}
	err := tx.scan(bktOutboxPending, prefix, func(k, v []byte) (bool, error) {
		if bytes.Compare(k[len(prefix):len(prefix)+8], end) > 0 {
			return false, nil
		}
		var m *core.OutboxMessage
		chat := string(v)
		if len(v) == 0 { // written before the entries carried the chat
			m = new(core.OutboxMessage)
			if err := tx.load(bktOutbox, k[len(k)-8:], m); err != nil {
				return false, err
			}
			chat = m.ChatID
		}
		if q.Skip[chat] || (q.PerChat > 0 && perChat[chat] >= q.PerChat) {
			return true, nil
		}
		if m == nil {
			m = new(core.OutboxMessage)
			if err := tx.load(bktOutbox, k[len(k)-8:], m); err != nil {
				return false, err
			}
		}
		perChat[chat]++
		ms = append(ms, m)
		return !limitReached(len(ms), q.Limit), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: due messages of %s: %w", q.Platform, err)
	}
	return ms, nil
}

// UpdateMessage stores a message after a delivery attempt. A message that is
// no longer pending leaves the pending index. It returns ENOTFOUND for an
// unknown message.
func (tx *Tx) UpdateMessage(m *core.OutboxMessage) (err error) {
	defer wrapf(&err, "update message %d", m.ID)
	old, err := tx.OutboxMessage(m.ID)
	if err != nil {
		return err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = old.CreatedAt
	}
	if err := tx.put(bktOutbox, itob(m.ID), m); err != nil {
		return err
	}
	return tx.reindex(outboxEntries(old), outboxEntries(m))
}

// outboxEntries lists the index entries of a message: one while it is pending.
func outboxEntries(m *core.OutboxMessage) []entry {
	if m.Status != core.OutboxPending {
		return nil
	}
	return []entry{{bktOutboxPending, key(str(m.Platform), timeKey(m.NextAttemptAt), itob(m.ID)), []byte(m.ChatID)}}
}
