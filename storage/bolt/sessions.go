package bolt

import (
	"bytes"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Session indexes:
//
//	conversations_by_expiry: timeKey(expiresAt) key   → nothing
//	buttons_by_expiry:       timeKey(expiresAt) token → nothing
//
// Records with a zero ExpiresAt never expire and are not in them. A record
// whose time has passed reads as not found even before PurgeExpired runs.

// Conversation returns the conversation with the key (platform:chat:user),
// or ENOTFOUND when there is none or it has expired.
func (tx *Tx) Conversation(k string) (*core.Conversation, error) {
	c := new(core.Conversation)
	if ok, err := tx.get(bktConversations, []byte(k), c); err != nil {
		return nil, fmt.Errorf("bolt: conversation %s: %w", k, err)
	} else if !ok || expired(c.ExpiresAt, tx.now) {
		return nil, core.Errorf(core.ENOTFOUND, "err.conversation.not_found", "Key", k)
	}
	return c, nil
}

// PutConversation stores a conversation, replacing the one with its key, and
// sets UpdatedAt to Now.
func (tx *Tx) PutConversation(c *core.Conversation) (err error) {
	defer wrapf(&err, "put conversation %s", c.Key)
	old := new(core.Conversation)
	ok, err := tx.get(bktConversations, []byte(c.Key), old)
	if err != nil {
		return err
	}
	c.UpdatedAt = tx.now
	if err := tx.put(bktConversations, []byte(c.Key), c); err != nil {
		return err
	}
	var before []entry
	if ok {
		before = expiryEntries(bktConversationsByExpiry, old.Key, old.ExpiresAt)
	}
	return tx.reindex(before, expiryEntries(bktConversationsByExpiry, c.Key, c.ExpiresAt))
}

// DeleteConversation deletes a conversation. Deleting one that is not there
// (finished, or purged meanwhile) is not an error.
func (tx *Tx) DeleteConversation(k string) (err error) {
	defer wrapf(&err, "delete conversation %s", k)
	c := new(core.Conversation)
	if ok, err := tx.get(bktConversations, []byte(k), c); err != nil || !ok {
		return err
	}
	if err := tx.tx.Bucket(bktConversations).Delete([]byte(k)); err != nil {
		return err
	}
	return tx.reindex(expiryEntries(bktConversationsByExpiry, k, c.ExpiresAt), nil)
}

// PutButton stores a button token, replacing one with the same token, and
// sets CreatedAt to Now when zero.
func (tx *Tx) PutButton(b *core.Button) (err error) {
	defer wrapf(&err, "put button")
	old := new(core.Button)
	ok, err := tx.get(bktButtons, []byte(b.Token), old)
	if err != nil {
		return err
	}
	if b.CreatedAt.IsZero() {
		b.CreatedAt = tx.now
	}
	if err := tx.put(bktButtons, []byte(b.Token), b); err != nil {
		return err
	}
	var before []entry
	if ok {
		before = expiryEntries(bktButtonsByExpiry, old.Token, old.ExpiresAt)
	}
	return tx.reindex(before, expiryEntries(bktButtonsByExpiry, b.Token, b.ExpiresAt))
}

// Button returns the button with the token, or ENOTFOUND when there is none
// or it has expired.
func (tx *Tx) Button(token string) (*core.Button, error) {
	b := new(core.Button)
	if ok, err := tx.get(bktButtons, []byte(token), b); err != nil {
		return nil, fmt.Errorf("bolt: button: %w", err)
	} else if !ok || expired(b.ExpiresAt, tx.now) {
		return nil, core.Errorf(core.ENOTFOUND, "err.button.not_found")
	}
	return b, nil
}

// DeleteButton deletes a button token. Deleting one that is not there is not
// an error.
func (tx *Tx) DeleteButton(token string) (err error) {
	defer wrapf(&err, "delete button")
	b := new(core.Button)
	if ok, err := tx.get(bktButtons, []byte(token), b); err != nil || !ok {
		return err
	}
	if err := tx.tx.Bucket(bktButtons).Delete([]byte(token)); err != nil {
		return err
	}
	return tx.reindex(expiryEntries(bktButtonsByExpiry, token, b.ExpiresAt), nil)
}

// PurgeExpired deletes the conversations and buttons whose ExpiresAt is at or
// before now and returns how many it deleted.
func (tx *Tx) PurgeExpired(now time.Time) (n int, err error) {
	defer wrapf(&err, "purge expired")
	for _, p := range [][2][]byte{
		{bktConversations, bktConversationsByExpiry},
		{bktButtons, bktButtonsByExpiry},
	} {
		m, err := tx.purge(p[0], p[1], now)
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// purge deletes the records of bucket b listed in the expiry index idx up to
// now, and their index entries.
func (tx *Tx) purge(b, idx []byte, now time.Time) (int, error) {
	end := timeKey(now)
	var keys [][]byte
	c := tx.tx.Bucket(idx).Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) <= 0; k, _ = c.Next() {
		// Copied: keys may point into pages that the deletes below rewrite.
		keys = append(keys, bytes.Clone(k))
	}
	records := make([][]byte, len(keys))
	for i, k := range keys {
		records[i] = k[8:]
	}
	if err := deleteKeys(tx.tx.Bucket(b), records); err != nil {
		return 0, err
	}
	return len(keys), deleteKeys(tx.tx.Bucket(idx), keys)
}

// expired reports whether a record with the expiry time exp is gone at now.
func expired(exp, now time.Time) bool { return !exp.IsZero() && !exp.After(now) }

// expiryEntries lists the expiry index entry of a record, if it expires.
func expiryEntries(idx []byte, k string, exp time.Time) []entry {
	if exp.IsZero() {
		return nil
	}
	return []entry{{idx, key(timeKey(exp), []byte(k)), nil}}
}
