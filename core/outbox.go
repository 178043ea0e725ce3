package core

import (
	"context"
	"time"
)

// Outbox delivery rules.
const (
	// OutboxMaxAttempts is how many failed attempts a message gets before
	// it is marked failed.
	OutboxMaxAttempts = 12
	// OutboxMaxBackoff is the longest wait between two attempts.
	OutboxMaxBackoff = 30 * time.Minute
)

// OutboxQuery selects due messages fairly: oldest first, but at most
// PerChat of one chat, so that a chat with a long queue does not fill the
// batch and hold the others up.
type OutboxQuery struct {
	Platform string
	Now      time.Time
	Limit    int             // <= 0: all
	PerChat  int             // <= 0: no bound
	Skip     map[string]bool // chats whose messages are being sent now
}

// Delivery is the outcome of one attempt to send an outbox message.
type Delivery struct {
	MessageID string // the platform's id of the message, on success
	Err       error  // nil: delivered
	// RetryAfter is set when the platform rate limited the chat: the wait
	// it asked for, which is not a failed attempt.
	RetryAfter time.Duration
	// Permanent says that retrying cannot help (the chat is gone).
	Permanent bool
	// MovedTo is the chat's new id when the platform said it moved.
	MovedTo string
}

// DueMessages returns the messages of a platform due at q.Now.
func (s *Service) DueMessages(ctx context.Context, q OutboxQuery) ([]*OutboxMessage, error) {
	var ms []*OutboxMessage
	err := s.view(ctx, func(tx Tx) (err error) {
		ms, err = tx.DueMessages(q)
		return err
	})
	return ms, err
}

// RecordDelivery records an attempt to send m: delivered; sent again at
// once to the chat's new id; postponed as long as the platform asked;
// retried with exponential backoff; or, when retrying cannot help or
// OutboxMaxAttempts attempts failed, marked failed. A chat that moved
// takes its work-chat binding along.
func (s *Service) RecordDelivery(ctx context.Context, m *OutboxMessage, d Delivery) error {
	if d.MovedTo != "" {
		if err := s.MoveChat(ctx, m.Platform, m.ChatID, d.MovedTo); err != nil {
			return err
		}
	}
	return s.update(ctx, func(tx Tx) error {
		now := tx.Now()
		switch {
		case d.Err == nil:
			m.Status, m.DeliveredAt, m.MessageID, m.LastError = OutboxDelivered, now, d.MessageID, ""
		case d.MovedTo != "":
			m.ChatID, m.NextAttemptAt, m.LastError = d.MovedTo, now, d.Err.Error()
		case d.RetryAfter > 0 && !d.Permanent:
			m.NextAttemptAt, m.LastError = now.Add(d.RetryAfter), d.Err.Error()
		case d.Permanent || m.Attempts+1 >= OutboxMaxAttempts:
			m.Attempts++
			m.Status, m.LastError = OutboxFailed, d.Err.Error()
		default:
			m.Attempts++
			m.NextAttemptAt, m.LastError = now.Add(OutboxBackoff(m.Attempts)), d.Err.Error()
		}
		if m.Secret && m.Status != OutboxPending {
			m.Text, m.Args = "", nil
		}
		return tx.UpdateMessage(m)
	})
}

// PostponeMessage moves a pending message's next attempt d from now, without
// counting an attempt (its chat is rate limited).
func (s *Service) PostponeMessage(ctx context.Context, m *OutboxMessage, d time.Duration) error {
	return s.update(ctx, func(tx Tx) error {
		m.NextAttemptAt = tx.Now().Add(d)
		return tx.UpdateMessage(m)
	})
}

// OutboxBackoff is the wait before attempt n+1: 2s, 4s, 8s … up to
// OutboxMaxBackoff.
func OutboxBackoff(attempts int) time.Duration {
	d := time.Second << min(attempts, 20)
	return min(d, OutboxMaxBackoff)
}
