package core

import (
	"context"
	"time"
)

// Button returns a live button token, or ENOTFOUND when it is unknown or
// has expired.
func (s *Service) Button(ctx context.Context, token string) (*Button, error) {
	var b *Button
	err := s.view(ctx, func(tx Tx) (err error) {
		b, err = tx.Button(token)
		return err
	})
	return b, err
}

// Conversation returns the live conversation with the key, or ENOTFOUND.
func (s *Service) Conversation(ctx context.Context, key string) (*Conversation, error) {
	var c *Conversation
	err := s.view(ctx, func(tx Tx) (err error) {
		c, err = tx.Conversation(key)
		return err
	})
	return c, err
}

// SaveConversation stores a conversation and gives it ConversationTTL more.
func (s *Service) SaveConversation(ctx context.Context, c *Conversation) error {
	return s.update(ctx, func(tx Tx) error {
		c.UpdatedAt = tx.Now()
		c.ExpiresAt = tx.Now().Add(ConversationTTL)
		return tx.PutConversation(c)
	})
}

// EndConversation deletes a conversation; one that is gone already is fine.
func (s *Service) EndConversation(ctx context.Context, key string) error {
	return s.update(ctx, func(tx Tx) error {
		err := tx.DeleteConversation(key)
		if IsNotFound(err) {
			return nil
		}
		return err
	})
}

// Outcome is what handling an update leaves besides the change it made:
// the replies with their buttons, the decision button it used up, and the
// inbox item it answers. FinishUpdate writes it in the update's unit.
type Outcome struct {
	InboxID    int64 // 0: the update did not come through the inbox
	UsedButton string
	Buttons    []*Button
	Messages   []*OutboxMessage
	// Updates are taken into the inbox with the outcome, to be handled in
	// their own chat's turn (a command confirmed in a direct chat goes
	// back to the channel it was typed in).
	Updates []*InboxItem
}

// FinishUpdate writes an update's outcome: a decision button is used up
// (pressed again it answers "already done"), the replies' buttons are
// stored, the replies go to the outbox in order, and the update is marked
// handled. Called with a unit's context it commits with the change.
func (s *Service) FinishUpdate(ctx context.Context, o Outcome) error {
	return s.update(ctx, func(tx Tx) error {
		if o.UsedButton != "" {
			b, err := tx.Button(o.UsedButton)
			if err == nil {
				b.UsedAt = tx.Now()
				err = tx.PutButton(b)
			}
			if err != nil && !IsNotFound(err) {
				return err
			}
		}
		for _, b := range o.Buttons {
			if err := tx.PutButton(b); err != nil {
				return err
			}
		}
		for _, m := range o.Messages {
			// A reply goes ahead of the notifications its change caused:
			// a chat's messages go in the order of CreatedAt.
			early := tx.Now().Add(-time.Microsecond)
			m.Status, m.NextAttemptAt, m.CreatedAt = OutboxPending, early, early
			if err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		for _, it := range o.Updates {
			if _, err := tx.AddInboxItem(it); err != nil {
				return err
			}
		}
		if o.InboxID != 0 {
			return tx.MarkInboxHandled(o.InboxID)
		}
		return nil
	})
}

// PurgeInbox deletes updates handled more than InboxRetention before now.
func (s *Service) PurgeInbox(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.update(ctx, func(tx Tx) (err error) {
		n, err = tx.PurgeInbox(now.Add(-InboxRetention))
		return err
	})
	return n, err
}
