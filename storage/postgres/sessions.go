package postgres

import (
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Conversations and buttons are keyed by their key and token; expires_at
// (NULL: never) is indexed for the purge. A record whose time has passed
// reads as not found even before PurgeExpired runs.

// Conversation returns the conversation with the key (platform:chat:user),
// or ENOTFOUND when there is none or it has expired.
func (tx *Tx) Conversation(k string) (_ *core.Conversation, err error) {
	defer wrapf(&err, "conversation %s", k)
	c := new(core.Conversation)
	if ok, err := tx.get(c, `SELECT doc FROM conversations WHERE key = $1`, k); err != nil {
		return nil, err
	} else if !ok || expired(c.ExpiresAt, tx.now) {
		return nil, core.Errorf(core.ENOTFOUND, "err.conversation.not_found", "Key", k)
	}
	return c, nil
}

// PutConversation stores a conversation, replacing the one with its key, and
// sets UpdatedAt to Now.
func (tx *Tx) PutConversation(c *core.Conversation) (err error) {
	defer wrapf(&err, "put conversation %s", c.Key)
	c.UpdatedAt = tx.now
	return tx.putConversation(c)
}

// DeleteConversation deletes a conversation. Deleting one that is not there
// (finished, or purged meanwhile) is not an error.
func (tx *Tx) DeleteConversation(k string) (err error) {
	defer wrapf(&err, "delete conversation %s", k)
	return tx.exec(`DELETE FROM conversations WHERE key = $1`, k)
}

// PutButton stores a button token, replacing one with the same token, and
// sets CreatedAt to Now when zero.
func (tx *Tx) PutButton(b *core.Button) (err error) {
	defer wrapf(&err, "put button")
	if b.CreatedAt.IsZero() {
		b.CreatedAt = tx.now
	}
	return tx.putButton(b)
}

// Button returns the button with the token, or ENOTFOUND when there is none
// or it has expired.
func (tx *Tx) Button(token string) (_ *core.Button, err error) {
	defer wrapf(&err, "button")
	b := new(core.Button)
	if ok, err := tx.get(b, `SELECT doc FROM buttons WHERE token = $1`, token); err != nil {
		return nil, err
	} else if !ok || expired(b.ExpiresAt, tx.now) {
		return nil, core.Errorf(core.ENOTFOUND, "err.button.not_found")
	}
	return b, nil
}

// DeleteButton deletes a button token. Deleting one that is not there is not
// an error.
func (tx *Tx) DeleteButton(token string) (err error) {
	defer wrapf(&err, "delete button")
	return tx.exec(`DELETE FROM buttons WHERE token = $1`, token)
}

// PurgeExpired deletes the conversations and buttons whose ExpiresAt is at or
// before now and returns how many it deleted.
func (tx *Tx) PurgeExpired(now time.Time) (n int, err error) {
	defer wrapf(&err, "purge expired")
	for _, table := range []string{"conversations", "buttons"} {
		m, err := tx.execN(`DELETE FROM `+table+` WHERE expires_at <= $1`, now)
		n += int(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// expired reports whether a record with the expiry time exp is gone at now.
func expired(exp, now time.Time) bool { return !exp.IsZero() && !exp.After(now) }

// putConversation writes a conversation under its key, replacing one there.
func (tx *Tx) putConversation(c *core.Conversation) error {
	doc, err := encode(c)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO conversations (key, expires_at, doc) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at, doc = EXCLUDED.doc`,
		c.Key, nullTime(c.ExpiresAt), doc)
}

// putButton writes a button under its token, replacing one there.
func (tx *Tx) putButton(b *core.Button) error {
	doc, err := encode(b)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO buttons (token, expires_at, doc) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET expires_at = EXCLUDED.expires_at, doc = EXCLUDED.doc`,
		b.Token, nullTime(b.ExpiresAt), doc)
}
