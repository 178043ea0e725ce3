package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Outbox index:
//
//	outbox_pending: platform sep timeKey(nextAttemptAt) id → chat id
//	outbox_pending_by_chat: platform sep chat sep timeKey(createdAt) id → timeKey(nextAttemptAt) failed
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
// q.Platform due at q.Now. Chats come in the order of their earliest due
// message, none of those in q.Skip; within a chat the messages come in the
// order they were written (CreatedAt, then ID), at most q.PerChat, and a message that failed and
// waits to be tried again holds up the chat's later ones (one merely
// scheduled for later holds up nothing). Only the due messages are read.
func (tx *Tx) DueMessages(q core.OutboxQuery) ([]*core.OutboxMessage, error) {
	ms := []*core.OutboxMessage{}
	end := timeKey(q.Now)
	chats, err := tx.dueChats(q.Platform, end, q.Skip)
	if err != nil {
		return nil, fmt.Errorf("bolt: due messages of %s: %w", q.Platform, err)
	}
	for _, chat := range chats {
		n := 0
		err := tx.scan(bktOutboxByChat, key(str(q.Platform), str(chat)), func(k, v []byte) (bool, error) {
			at, failed := v, false
			if len(v) == 9 {
				at, failed = v[:8], v[8] == 1
			}
			if len(at) == 8 && bytes.Compare(at, end) > 0 {
				return !failed, nil // scheduled later: passed over; failed: the rest wait behind it
			}
			m := new(core.OutboxMessage)
			if err := tx.load(bktOutbox, k[len(k)-8:], m); err != nil {
				return false, err
			}
			ms = append(ms, m)
			n++
			return !limitReached(n, q.PerChat) && !limitReached(len(ms), q.Limit), nil
		})
		if err != nil {
			return nil, fmt.Errorf("bolt: due messages of %s: %w", q.Platform, err)
		}
		if limitReached(len(ms), q.Limit) {
			break
		}
	}
	return ms, nil
}

// dueChats lists the chats of a platform that have a message due at end,
// in the order of their earliest due message.
func (tx *Tx) dueChats(platform string, end []byte, skip map[string]bool) ([]string, error) {
	prefix := str(platform)
	seen := map[string]bool{}
	var chats []string
	err := tx.scan(bktOutboxPending, prefix, func(k, v []byte) (bool, error) {
		if bytes.Compare(k[len(prefix):len(prefix)+8], end) > 0 {
			return false, nil
		}
		chat := string(v)
		if !seen[chat] && !skip[chat] {
			chats = append(chats, chat)
		}
		seen[chat] = true
		return true, nil
	})
	return chats, err
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
	// The chat's entry holds the next attempt's time and whether an attempt
	// failed: a failed message holds up the chat's later ones.
	failed := byte(0)
	if m.LastError != "" {
		failed = 1
	}
	return []entry{{bktOutboxPending, key(str(m.Platform), timeKey(m.NextAttemptAt), itob(m.ID)), []byte(m.ChatID)},
		{bktOutboxByChat, key(str(m.Platform), str(m.ChatID), timeKey(m.CreatedAt), itob(m.ID)), append(timeKey(m.NextAttemptAt), failed)}}
}

// OutboxBacklog counts the pending outbox messages by platform and returns
// the oldest one's creation time (zero when none). It reads only the keys of
// the pending messages' by-chat index (platform sep chat sep
// timeKey(createdAt) id), not the messages.
func (tx *Tx) OutboxBacklog() (map[string]int, time.Time, error) {
	counts := map[string]int{}
	var oldest []byte
	err := tx.tx.Bucket(bktOutboxByChat).ForEach(func(k, _ []byte) error {
		i := bytes.IndexByte(k, sep)
		if i < 0 || len(k) < i+1+16 {
			return fmt.Errorf("malformed entry %x", k)
		}
		counts[string(k[:i])]++
		if at := k[len(k)-16 : len(k)-8]; oldest == nil || bytes.Compare(at, oldest) < 0 {
			oldest = at
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("bolt: outbox backlog: %w", err)
	}
	if oldest == nil {
		return counts, time.Time{}, nil
	}
	return counts, keyTime(oldest), nil
}

// keyTime decodes a time written by timeKey, in UTC.
func keyTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b)^(1<<63))).UTC()
}
