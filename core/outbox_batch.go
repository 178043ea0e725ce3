package core

import "context"

// RecordDeliveries records one attempt that carried several outbox
// messages at once (notifications merged into one chat message): on
// success every one of them is delivered, with the one platform message
// id, in one transaction, so that a crash cannot leave some of them
// pending to be sent again. A failed attempt is recorded for each as
// RecordDelivery records it: each is retried (or postponed, or given up)
// by its own count.
func (s *Service) RecordDeliveries(ctx context.Context, ms []*OutboxMessage, d Delivery) error {
	if d.Err != nil || d.MovedTo != "" {
		for _, m := range ms {
			if err := s.RecordDelivery(ctx, m, d); err != nil {
				return err
			}
		}
		return nil
	}
	return s.update(ctx, func(tx Tx) error {
		now := tx.Now()
		for _, m := range ms {
			m.Status, m.DeliveredAt, m.MessageID, m.LastError = OutboxDelivered, now, d.MessageID, ""
			if err := rememberQuestion(tx, m); err != nil {
				return err
			}
			if m.Secret {
				m.Text, m.Args = "", nil
			}
			if err := tx.UpdateMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
}
