package bolt

import (
	"bytes"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Inbox indexes:
//
//	inbox_by_key:     platform sep key       → id (only items with a key)
//	inbox_pending:    id                     → nothing, while not handled
//	inbox_by_handled: timeKey(handledAt) id  → nothing, once handled
//	inbox_pending_by_chat: platform sep chat sep id → nothing, while not handled
//
// Transport cursors are in their own bucket, name → value.

// AddInboxItem stores an item unless one with its platform and key is there.
func (tx *Tx) AddInboxItem(it *core.InboxItem) (added bool, err error) {
	defer wrapf(&err, "add inbox item")
	if it.Key != "" {
		if v := tx.tx.Bucket(bktInboxByKey).Get(inboxKey(it)); v != nil {
			return false, nil
		}
	}
	if it.ID, err = tx.nextID(bktInbox); err != nil {
		return false, err
	}
	if it.ReceivedAt.IsZero() {
		it.ReceivedAt = tx.now
	}
	it.HandledAt = time.Time{}
	if err := tx.put(bktInbox, itob(it.ID), it); err != nil {
		return false, err
	}
	return true, tx.reindex(nil, inboxEntries(it))
}

// InboxItem returns the item with the ID, or ENOTFOUND.
func (tx *Tx) InboxItem(id int64) (*core.InboxItem, error) {
	it := new(core.InboxItem)
	if ok, err := tx.get(bktInbox, itob(id), it); err != nil {
		return nil, fmt.Errorf("bolt: inbox item %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.inbox.not_found", "ID", id)
	}
	return it, nil
}

// PendingInboxItems returns up to limit items not yet handled, by ID.
func (tx *Tx) PendingInboxItems(limit int) ([]*core.InboxItem, error) {
	items := []*core.InboxItem{}
	err := tx.scan(bktInboxPending, nil, func(k, _ []byte) (bool, error) {
		it := new(core.InboxItem)
		if err := tx.load(bktInbox, k, it); err != nil {
			return false, err
		}
		items = append(items, it)
		return !limitReached(len(items), limit), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: pending inbox items: %w", err)
	}
	return items, nil
}

// PendingChatItems returns up to limit items of one chat not yet handled,
// by ID.
func (tx *Tx) PendingChatItems(platform, chatID string, limit int) ([]*core.InboxItem, error) {
	items := []*core.InboxItem{}
	err := tx.scan(bktInboxByChat, key(str(platform), str(chatID)), func(k, _ []byte) (bool, error) {
		it := new(core.InboxItem)
		if err := tx.load(bktInbox, k[len(k)-8:], it); err != nil {
			return false, err
		}
		items = append(items, it)
		return !limitReached(len(items), limit), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: pending inbox items of %s:%s: %w", platform, chatID, err)
	}
	return items, nil
}

// MarkInboxHandled marks an item handled at Now.
func (tx *Tx) MarkInboxHandled(id int64) (err error) {
	defer wrapf(&err, "mark inbox item %d handled", id)
	it, err := tx.InboxItem(id)
	if err != nil {
		return err
	}
	if !it.HandledAt.IsZero() {
		return core.Errorf(core.ECONFLICT, "err.inbox.handled", "ID", id)
	}
	old := *it
	// What was said is not kept once handled (a stranger's message, an
	// invite code): the platform and key recognize a redelivery.
	it.HandledAt, it.Payload = tx.now, nil
	if err := tx.put(bktInbox, itob(id), it); err != nil {
		return err
	}
	return tx.reindex(inboxEntries(&old), inboxEntries(it))
}

// PurgeInbox deletes the items handled before t, with their index entries.
func (tx *Tx) PurgeInbox(before time.Time) (n int, err error) {
	defer wrapf(&err, "purge inbox")
	end := timeKey(before)
	var ids [][]byte
	c := tx.tx.Bucket(bktInboxByHandled).Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) < 0; k, _ = c.Next() {
		ids = append(ids, bytes.Clone(k[8:]))
	}
	for _, id := range ids {
		it := new(core.InboxItem)
		if err := tx.load(bktInbox, id, it); err != nil {
			return n, err
		}
		if err := tx.tx.Bucket(bktInbox).Delete(id); err != nil {
			return n, err
		}
		if err := tx.reindex(inboxEntries(it), nil); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// TransportCursor returns a saved cursor, "" when there is none.
func (tx *Tx) TransportCursor(name string) (string, error) {
	return string(tx.tx.Bucket(bktCursors).Get([]byte(name))), nil
}

// PutTransportCursor saves a cursor.
func (tx *Tx) PutTransportCursor(c core.TransportCursor) (err error) {
	defer wrapf(&err, "put cursor %s", c.Name)
	return tx.tx.Bucket(bktCursors).Put([]byte(c.Name), []byte(c.Value))
}

func inboxKey(it *core.InboxItem) []byte { return key(str(it.Platform), []byte(it.Key)) }

// inboxEntries lists the index entries of an item.
func inboxEntries(it *core.InboxItem) []entry {
	var es []entry
	if it.Key != "" {
		es = append(es, entry{bktInboxByKey, inboxKey(it), itob(it.ID)})
	}
	if it.HandledAt.IsZero() {
		es = append(es, entry{bktInboxPending, itob(it.ID), nil},
			entry{bktInboxByChat, key(str(it.Platform), str(it.ChatID), itob(it.ID)), nil})
	} else {
		es = append(es, entry{bktInboxByHandled, key(timeKey(it.HandledAt), itob(it.ID)), nil})
	}
	return es
}
