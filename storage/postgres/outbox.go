package postgres

import (
	"github.com/dealdesk/dealdesk/core"
)

// The outbox table has the key columns of the delivery worker's queries:
// platform, chat_id, status, failed (the last attempt failed), created_at
// and next_attempt_at. Two partial indexes hold the pending messages only
// (status 'pending'), as bbolt's index buckets do: outbox_pending
// (platform, next_attempt_at, id) and outbox_pending_by_chat (platform,
// chat_id, created_at, id), so a worker reads exactly what it has to send.

// dueChatsSQL lists the chats of platform $1 with a message due at $2, in
// the order of their earliest due message (outbox_pending).
const dueChatsSQL = `
	SELECT chat_id FROM (
		SELECT DISTINCT ON (chat_id) chat_id, next_attempt_at, id FROM outbox
		WHERE status = 'pending' AND platform = $1 AND next_attempt_at <= $2
		ORDER BY chat_id, next_attempt_at, id) first
	ORDER BY next_attempt_at, id`

// dueChatSQL lists up to $4 (NULL: all) due messages of chat $2 of
// platform $1 at $3, in the order they were written, up to its first
// message that failed and is not due yet: that one holds up the rest
// (outbox_pending_by_chat).
const dueChatSQL = `
	WITH blocker AS (
		SELECT created_at, id FROM outbox
		WHERE status = 'pending' AND platform = $1 AND chat_id = $2 AND failed AND next_attempt_at > $3
		ORDER BY created_at, id LIMIT 1)
	SELECT doc FROM outbox
	WHERE status = 'pending' AND platform = $1 AND chat_id = $2 AND next_attempt_at <= $3
		AND (NOT EXISTS (SELECT FROM blocker) OR (created_at, id) < (SELECT created_at, id FROM blocker))
	ORDER BY created_at, id LIMIT $4`

// Enqueue stores a message to send. It assigns the ID, sets CreatedAt to Now
// when zero, the status to pending when empty and NextAttemptAt to Now when
// zero.
func (tx *Tx) Enqueue(m *core.OutboxMessage) (err error) {
	defer wrapf(&err, "enqueue message")
	if m.ID, err = tx.nextID("outbox"); err != nil {
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
	return tx.putOutboxMessage(m)
}

// OutboxMessage returns the message with the ID, or ENOTFOUND.
func (tx *Tx) OutboxMessage(id int64) (_ *core.OutboxMessage, err error) {
	defer wrapf(&err, "outbox message %d", id)
	m := new(core.OutboxMessage)
	if ok, err := tx.get(m, `SELECT doc FROM outbox WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.outbox.not_found", "ID", id)
	}
	return m, nil
}

// DueMessages returns up to q.Limit (all when <= 0) pending messages of
// q.Platform due at q.Now. Chats come in the order of their earliest due
// message, none of those in q.Skip; within a chat the messages come in the
// order they were written (CreatedAt, then ID), at most q.PerChat, and a
// message that failed and waits to be tried again holds up the chat's later
// ones (one merely scheduled for later holds up nothing). Only pending
// messages are read, through the pending indexes.
func (tx *Tx) DueMessages(q core.OutboxQuery) (_ []*core.OutboxMessage, err error) {
	defer wrapf(&err, "due messages of %s", q.Platform)
	ms := []*core.OutboxMessage{}
	chats, err := tx.dueChats(q)
	if err != nil {
		return nil, err
	}
	for _, chat := range chats {
		limit := q.PerChat
		if q.Limit > 0 && (limit <= 0 || q.Limit-len(ms) < limit) {
			limit = q.Limit - len(ms)
		}
		got, err := list[core.OutboxMessage](tx, dueChatSQL,
			q.Platform, chat, q.Now, sqlLimit(limit))
		if err != nil {
			return nil, err
		}
		ms = append(ms, got...)
		if limitReached(len(ms), q.Limit) {
			break
		}
	}
	return ms, nil
}

// dueChats lists the chats of q.Platform that have a message due at q.Now,
// but those in q.Skip, in the order of their earliest due message.
func (tx *Tx) dueChats(q core.OutboxQuery) ([]string, error) {
	rows, err := tx.tx.Query(tx.ctx, dueChatsSQL, q.Platform, q.Now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var chats []string
	for rows.Next() {
		var chat string
		if err := rows.Scan(&chat); err != nil {
			return nil, err
		}
		if !q.Skip[chat] {
			chats = append(chats, chat)
		}
	}
	return chats, rows.Err()
}

// UpdateMessage stores a message after a delivery attempt. A message that is
// no longer pending leaves the pending indexes. It returns ENOTFOUND for an
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
	return tx.putOutboxMessage(m)
}

// putOutboxMessage writes a message under its ID, replacing one there.
func (tx *Tx) putOutboxMessage(m *core.OutboxMessage) error {
	doc, err := encode(m)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO outbox (id, platform, chat_id, status, failed, created_at, next_attempt_at, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET platform = EXCLUDED.platform, chat_id = EXCLUDED.chat_id,
			status = EXCLUDED.status, failed = EXCLUDED.failed, created_at = EXCLUDED.created_at,
			next_attempt_at = EXCLUDED.next_attempt_at, doc = EXCLUDED.doc`,
		m.ID, m.Platform, m.ChatID, string(m.Status), m.LastError != "", m.CreatedAt, m.NextAttemptAt, doc)
}
