package postgres

import (
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// The inbox table has the item's platform, key ('' when none: unique per
// platform otherwise), chat_id, received_at and handled_at (NULL while not
// handled). Partial indexes hold the pending items by ID and by chat, and
// the handled ones by time for the purge. Transport cursors are the
// transport_cursors table, name → value.

// The queries of the pending and handled items, each through its partial
// index (inbox_pending, inbox_pending_by_chat, inbox_by_handled).
const (
	pendingInboxSQL     = `SELECT doc FROM inbox WHERE handled_at IS NULL ORDER BY id LIMIT $1`
	pendingChatInboxSQL = `SELECT doc FROM inbox
		WHERE handled_at IS NULL AND platform = $1 AND chat_id = $2 ORDER BY id LIMIT $3`
	purgeInboxSQL = `DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < $1`
)

// AddInboxItem stores an item unless one with its platform and key is there.
func (tx *Tx) AddInboxItem(it *core.InboxItem) (added bool, err error) {
	defer wrapf(&err, "add inbox item")
	if it.Key != "" {
		there, err := tx.exists(`SELECT 1 FROM inbox WHERE platform = $1 AND key = $2`, it.Platform, it.Key)
		if err != nil || there {
			return false, err
		}
	}
	if it.ID, err = tx.nextID("inbox"); err != nil {
		return false, err
	}
	if it.ReceivedAt.IsZero() {
		it.ReceivedAt = tx.now
	}
	it.HandledAt = time.Time{}
	return true, tx.putInboxItem(it)
}

// InboxItem returns the item with the ID, or ENOTFOUND.
func (tx *Tx) InboxItem(id int64) (_ *core.InboxItem, err error) {
	defer wrapf(&err, "inbox item %d", id)
	it := new(core.InboxItem)
	if ok, err := tx.get(it, `SELECT doc FROM inbox WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.inbox.not_found", "ID", id)
	}
	return it, nil
}

// PendingInboxItems returns up to limit (all when <= 0) items not yet
// handled, by ID.
func (tx *Tx) PendingInboxItems(limit int) (_ []*core.InboxItem, err error) {
	defer wrapf(&err, "pending inbox items")
	return list[core.InboxItem](tx, pendingInboxSQL, sqlLimit(limit))
}

// PendingChatItems returns up to limit (all when <= 0) items of one chat not
// yet handled, by ID.
func (tx *Tx) PendingChatItems(platform, chatID string, limit int) (_ []*core.InboxItem, err error) {
	defer wrapf(&err, "pending inbox items of %s:%s", platform, chatID)
	return list[core.InboxItem](tx, pendingChatInboxSQL,
		platform, chatID, sqlLimit(limit))
}

// MarkInboxHandled marks an item handled at Now and forgets its payload;
// ECONFLICT when it is handled already, ENOTFOUND when there is none.
func (tx *Tx) MarkInboxHandled(id int64) (err error) {
	defer wrapf(&err, "mark inbox item %d handled", id)
	it, err := tx.InboxItem(id)
	if err != nil {
		return err
	}
	if !it.HandledAt.IsZero() {
		return core.Errorf(core.ECONFLICT, "err.inbox.handled", "ID", id)
	}
	// What was said is not kept once handled (a stranger's message, an
	// invite code): the platform and key recognize a redelivery.
	it.HandledAt, it.Payload = tx.now, nil
	return tx.putInboxItem(it)
}

// PurgeInbox deletes the items handled before t.
func (tx *Tx) PurgeInbox(before time.Time) (n int, err error) {
	defer wrapf(&err, "purge inbox")
	m, err := tx.execN(purgeInboxSQL, before)
	return int(m), err
}

// TransportCursor returns a saved cursor, "" when there is none.
func (tx *Tx) TransportCursor(name string) (v string, err error) {
	defer wrapf(&err, "cursor %s", name)
	_, err = tx.scalar(&v, `SELECT value FROM transport_cursors WHERE name = $1`, name)
	return v, err
}

// PutTransportCursor saves a cursor.
func (tx *Tx) PutTransportCursor(c core.TransportCursor) (err error) {
	defer wrapf(&err, "put cursor %s", c.Name)
	return tx.exec(`INSERT INTO transport_cursors (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`, c.Name, c.Value)
}

// putInboxItem writes an item under its ID, replacing one there.
func (tx *Tx) putInboxItem(it *core.InboxItem) error {
	doc, err := encode(it)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO inbox (id, platform, key, chat_id, received_at, handled_at, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET platform = EXCLUDED.platform, key = EXCLUDED.key,
			chat_id = EXCLUDED.chat_id, received_at = EXCLUDED.received_at,
			handled_at = EXCLUDED.handled_at, doc = EXCLUDED.doc`,
		it.ID, it.Platform, it.Key, it.ChatID, it.ReceivedAt, nullTime(it.HandledAt), doc)
}
