package postgres

import "github.com/dealdesk/dealdesk/core"

// PutWorkChat binds a chat to its purpose, replacing an earlier binding of
// the same chat. BoundAt is set to Now when zero.
func (tx *Tx) PutWorkChat(c *core.WorkChat) (err error) {
	defer wrapf(&err, "put work chat %s", core.ChatKey(c.Platform, c.ChatID))
	if c.BoundAt.IsZero() {
		c.BoundAt = tx.now
	}
	return tx.putWorkChat(c)
}

// putWorkChat writes a work chat under its chat key.
func (tx *Tx) putWorkChat(c *core.WorkChat) error {
	doc, err := encode(c)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO work_chats (chat_key, platform, chat_id, purpose, doc) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (chat_key) DO UPDATE SET platform = EXCLUDED.platform, chat_id = EXCLUDED.chat_id,
			purpose = EXCLUDED.purpose, doc = EXCLUDED.doc`,
		core.ChatKey(c.Platform, c.ChatID), c.Platform, c.ChatID, string(c.Purpose), doc)
}

// WorkChat returns the binding of a chat, or ENOTFOUND.
func (tx *Tx) WorkChat(platform, chatID string) (c *core.WorkChat, err error) {
	k := core.ChatKey(platform, chatID)
	defer wrapf(&err, "work chat %s", k)
	c = new(core.WorkChat)
	if ok, err := tx.get(c, `SELECT doc FROM work_chats WHERE chat_key = $1`, k); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.chat.not_found", "Chat", k)
	}
	return c, nil
}

// WorkChatsByPurpose returns the chats bound to a purpose, ordered by
// platform and chat ID (their chat key's bytes, as bbolt orders them).
func (tx *Tx) WorkChatsByPurpose(p core.ChatPurpose) (cs []*core.WorkChat, err error) {
	defer wrapf(&err, "work chats by purpose %s", p)
	return list[core.WorkChat](tx, `SELECT doc FROM work_chats WHERE purpose = $1 ORDER BY chat_key`, string(p))
}

// DeleteWorkChat unbinds a chat; it returns ENOTFOUND when it is not bound.
func (tx *Tx) DeleteWorkChat(platform, chatID string) (err error) {
	k := core.ChatKey(platform, chatID)
	defer wrapf(&err, "delete work chat %s", k)
	n, err := tx.execN(`DELETE FROM work_chats WHERE chat_key = $1`, k)
	if err != nil {
		return err
	} else if n == 0 {
		return core.Errorf(core.ENOTFOUND, "err.chat.not_found", "Chat", k)
	}
	return nil
}
