package bolt

import (
	"fmt"

	"github.com/dealdesk/dealdesk/core"
)

// PutWorkChat binds a chat to its purpose, replacing an earlier binding of
// the same chat. BoundAt is set to Now when zero.
func (tx *Tx) PutWorkChat(c *core.WorkChat) (err error) {
	k := []byte(core.ChatKey(c.Platform, c.ChatID))
	defer wrapf(&err, "put work chat %s", k)
	var old []entry
	if prev, err := tx.WorkChat(c.Platform, c.ChatID); err == nil {
		old = chatEntries(prev)
	} else if !core.IsNotFound(err) {
		return err
	}
	if c.BoundAt.IsZero() {
		c.BoundAt = tx.now
	}
	if err := tx.put(bktChats, k, c); err != nil {
		return err
	}
	return tx.reindex(old, chatEntries(c))
}

// WorkChat returns the binding of a chat, or ENOTFOUND.
func (tx *Tx) WorkChat(platform, chatID string) (*core.WorkChat, error) {
	k := core.ChatKey(platform, chatID)
	c := new(core.WorkChat)
	if ok, err := tx.get(bktChats, []byte(k), c); err != nil {
		return nil, fmt.Errorf("bolt: work chat %s: %w", k, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.chat.not_found", "Chat", k)
	}
	return c, nil
}

// WorkChatsByPurpose returns the chats bound to a purpose, ordered by
// platform and chat ID.
func (tx *Tx) WorkChatsByPurpose(p core.ChatPurpose) ([]*core.WorkChat, error) {
	chats := []*core.WorkChat{}
	err := tx.scan(bktChatsByPurpose, str(string(p)), func(_, v []byte) (bool, error) {
		c := new(core.WorkChat)
		if err := tx.load(bktChats, v, c); err != nil {
			return false, err
		}
		chats = append(chats, c)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: work chats by purpose %s: %w", p, err)
	}
	return chats, nil
}

// DeleteWorkChat unbinds a chat; it returns ENOTFOUND when it is not bound.
func (tx *Tx) DeleteWorkChat(platform, chatID string) (err error) {
	defer wrapf(&err, "delete work chat %s", core.ChatKey(platform, chatID))
	c, err := tx.WorkChat(platform, chatID)
	if err != nil {
		return err
	}
	if err := tx.tx.Bucket(bktChats).Delete([]byte(core.ChatKey(platform, chatID))); err != nil {
		return err
	}
	return tx.reindex(chatEntries(c), nil)
}

// chatEntries lists the index entries of a work chat: purpose+sep+chat key,
// whose value is the chat key.
func chatEntries(c *core.WorkChat) []entry {
	k := core.ChatKey(c.Platform, c.ChatID)
	return []entry{{bktChatsByPurpose, key(str(string(c.Purpose)), []byte(k)), []byte(k)}}
}
