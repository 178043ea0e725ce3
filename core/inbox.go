package core

import (
	"context"
	"time"
)

// InboxItem is an update taken from a chat platform. It is stored before
// the platform is told that it arrived (Telegram's offset, a webhook's 200,
// Mattermost's cursor), and marked handled in the transaction of the change
// it makes, so that a crash at any point neither loses it nor lets it change
// anything twice.
type InboxItem struct {
	ID       int64  `json:"id"`
	Platform string `json:"platform"`
	// Key is the platform's own id of the update (Telegram's update_id,
	// Mattermost's post id), unique on the platform: an update delivered
	// again is recognized by it. Empty when the platform has none.
	Key        string    `json:"key,omitempty"`
	ChatID     string    `json:"chat_id"`
	Payload    []byte    `json:"payload"` // the update as the chat layer encoded it
	ReceivedAt time.Time `json:"received_at"`
	HandledAt  time.Time `json:"handled_at,omitzero"`
}

// InboxRetention is how long handled updates are kept, so that one that a
// platform delivers again within that time is recognized. Telegram keeps
// unconfirmed updates for 24 hours.
const InboxRetention = 48 * time.Hour

// TransportCursor is a transport's reading position (Mattermost: the time
// of the newest post taken), saved with the updates it covers.
type TransportCursor struct {
	Name  string
	Value string
}

// InboxTx stores the updates taken from the chat platforms.
type InboxTx interface {
	// AddInboxItem stores an item, assigning its ID and, when zero, its
	// ReceivedAt. It reports false, and stores nothing, when an item with
	// the same platform and key is already there, handled or not.
	AddInboxItem(it *InboxItem) (added bool, err error)
	// InboxItem returns the item with the ID, or ENOTFOUND.
	InboxItem(id int64) (*InboxItem, error)
	// PendingInboxItems returns up to limit (all when limit <= 0) items not
	// yet handled, oldest first.
	PendingInboxItems(limit int) ([]*InboxItem, error)
	// PendingChatItems returns up to limit (all when limit <= 0) items of
	// one chat not yet handled, oldest first.
	PendingChatItems(platform, chatID string, limit int) ([]*InboxItem, error)
	// MarkInboxHandled sets HandledAt to Now and forgets the Payload (what
	// was said is not kept once handled); ECONFLICT when the item was
	// handled already, ENOTFOUND when there is none.
	MarkInboxHandled(id int64) error
	// PurgeInbox deletes the items handled before t and returns how many.
	PurgeInbox(before time.Time) (int, error)
	// TransportCursor returns the cursor's value, "" when none was saved.
	TransportCursor(name string) (string, error)
	PutTransportCursor(c TransportCursor) error
}

// TakeUpdates stores updates taken from a platform, and the transport's
// cursor when given, in one transaction, and returns the items that were
// new (an update delivered again is not taken twice).
func (s *Service) TakeUpdates(ctx context.Context, cur *TransportCursor, items ...*InboxItem) ([]*InboxItem, error) {
	var taken []*InboxItem
	err := s.store.Update(ctx, func(tx Tx) error {
		taken = taken[:0]
		for _, it := range items {
			added, err := tx.AddInboxItem(it)
			if err != nil {
				return err
			}
			if added {
				taken = append(taken, it)
			}
		}
		if cur != nil {
			return tx.PutTransportCursor(*cur)
		}
		return nil
	})
	return taken, err
}

// PendingUpdates returns the updates taken and not yet handled, oldest first.
func (s *Service) PendingUpdates(ctx context.Context, limit int) ([]*InboxItem, error) {
	var items []*InboxItem
	err := s.view(ctx, func(tx Tx) (err error) {
		items, err = tx.PendingInboxItems(limit)
		return err
	})
	return items, err
}

// PendingChatUpdates returns a chat's updates taken and not yet handled,
// oldest first.
func (s *Service) PendingChatUpdates(ctx context.Context, platform, chatID string, limit int) ([]*InboxItem, error) {
	var items []*InboxItem
	err := s.view(ctx, func(tx Tx) (err error) {
		items, err = tx.PendingChatItems(platform, chatID, limit)
		return err
	})
	return items, err
}

// InboxItem returns a taken update.
func (s *Service) InboxItem(ctx context.Context, id int64) (*InboxItem, error) {
	var it *InboxItem
	err := s.view(ctx, func(tx Tx) (err error) {
		it, err = tx.InboxItem(id)
		return err
	})
	return it, err
}

// TransportCursor returns a transport's saved cursor, "" when none.
func (s *Service) TransportCursor(ctx context.Context, name string) (string, error) {
	var v string
	err := s.store.View(ctx, func(tx Tx) (err error) {
		v, err = tx.TransportCursor(name)
		return err
	})
	return v, err
}
