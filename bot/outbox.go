package bot

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/dealdesk/dealdesk/core"
)

// Outbox delivery settings.
const (
	outboxBatch       = 20
	outboxMaxAttempts = 12
	outboxMaxBackoff  = 30 * time.Minute
	outboxParallel    = 8 // chats served at once
)

// RunOutbox delivers pending notifications through every transport until
// ctx is done, checking for new ones every interval. Each platform has its
// own loop, so a platform that is down or rate limited delays only its own
// messages.
func (b *Bot) RunOutbox(ctx context.Context, interval time.Duration) {
	done := make(chan struct{})
	for _, t := range b.transports {
		go func(t Transport) {
			defer func() { done <- struct{}{} }()
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for {
				if _, err := b.DeliverDue(ctx, t.Platform()); err != nil && ctx.Err() == nil {
					b.log.Error().Err(err).Str("platform", t.Platform()).Msg("outbox")
				}
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
		}(t)
	}
	for range b.transports {
		<-done
	}
}

// DeliverDue sends a platform's due outbox messages once and returns how
// many were delivered. Chats are served in parallel (a chat waiting for its
// rate limit does not hold up the others), each chat's messages in order.
// Delivery is at least once: a crash between sending and marking a message
// may send it again after the restart.
func (b *Bot) DeliverDue(ctx context.Context, platform string) (int, error) {
	t, ok := b.transports[platform]
	if !ok {
		return 0, nil
	}
	var delivered atomic.Int64
	for {
		var due []*core.OutboxMessage
		err := b.svc.Store().View(ctx, func(tx core.Tx) (err error) {
			due, err = tx.DueMessages(platform, b.now(), outboxBatch)
			return err
		})
		if err != nil {
			return int(delivered.Load()), err
		}
		var chats []string
		byChat := map[string][]*core.OutboxMessage{}
		for _, m := range due {
			if byChat[m.ChatID] == nil {
				chats = append(chats, m.ChatID)
			}
			byChat[m.ChatID] = append(byChat[m.ChatID], m)
		}
		var g errgroup.Group
		g.SetLimit(outboxParallel)
		for _, chat := range chats {
			msgs := byChat[chat]
			g.Go(func() error {
				n, err := b.deliverChat(ctx, t, msgs)
				delivered.Add(int64(n))
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return int(delivered.Load()), err
		}
		if len(due) < outboxBatch {
			return int(delivered.Load()), nil
		}
	}
}

// deliverChat sends one chat's messages in order. Once the platform rate
// limits the chat, the rest wait as long as it asked, without an attempt.
func (b *Bot) deliverChat(ctx context.Context, t Transport, msgs []*core.OutboxMessage) (int, error) {
	n := 0
	var wait time.Duration
	for _, m := range msgs {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		if wait > 0 {
			if err := b.postpone(ctx, m, wait); err != nil {
				return n, err
			}
			continue
		}
		chat := m.ChatID
		ok, retryAfter, err := b.deliver(ctx, t, m)
		if err == nil && !ok && m.ChatID != chat {
			ok, retryAfter, err = b.deliver(ctx, t, m) // the chat moved: follow it now
		}
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
		wait = retryAfter
	}
	return n, nil
}

func (b *Bot) postpone(ctx context.Context, m *core.OutboxMessage, d time.Duration) error {
	return b.svc.Store().Update(ctx, func(tx core.Tx) error {
		m.NextAttemptAt = tx.Now().Add(d)
		return tx.UpdateMessage(m)
	})
}

// deliver sends one message and records the outcome; retryAfter is set
// when the platform rate limited it.
func (b *Bot) deliver(ctx context.Context, t Transport, m *core.OutboxMessage) (ok bool, retryAfter time.Duration, err error) {
	lang, loc := m.Locale, (*time.Location)(nil)
	if m.UserID != 0 {
		if u, err := b.svc.UserByID(ctx, m.UserID); err == nil {
			if u.Locale != "" {
				lang = u.Locale
			}
			loc = u.Location()
		}
	}
	p := b.locales.Printer(lang, loc)
	msg := &Message{ChatID: m.ChatID, Direct: m.UserID != 0, Text: p.T(m.Key, m.Args),
		Mentions: b.platformIDs(ctx, m.Platform, m.Mentions)}
	for _, row := range m.Buttons {
		var views []ButtonView
		for _, btn := range row {
			views = append(views, ButtonView{Label: p.T(btn.LabelKey, nil), Token: btn.Token})
		}
		msg.Buttons = append(msg.Buttons, views)
	}
	id, sendErr := t.Send(ctx, msg)
	if sendErr != nil && ctx.Err() != nil {
		return false, 0, ctx.Err() // shutting down: the message stays pending
	}
	var rl *RateLimitError
	if errors.As(sendErr, &rl) {
		retryAfter = rl.RetryAfter
	}
	var moved *ChatMovedError
	if errors.As(sendErr, &moved) {
		if err := b.svc.MoveChat(ctx, m.Platform, m.ChatID, moved.NewChatID); err != nil {
			return false, 0, err
		}
	}
	err = b.svc.Store().Update(ctx, func(tx core.Tx) error {
		now := tx.Now()
		switch {
		case sendErr == nil:
			m.Status, m.DeliveredAt, m.MessageID, m.LastError = core.OutboxDelivered, now, id, ""
		case moved != nil:
			// Sent again at once, to where the chat is now.
			m.ChatID, m.NextAttemptAt, m.LastError = moved.NewChatID, now, sendErr.Error()
		case rl != nil:
			// The platform said when to come back; that is not a failed attempt.
			m.NextAttemptAt, m.LastError = now.Add(rl.RetryAfter), sendErr.Error()
		case IsPermanent(sendErr) || m.Attempts+1 >= outboxMaxAttempts:
			m.Attempts++
			m.Status, m.LastError = core.OutboxFailed, sendErr.Error()
		default:
			m.Attempts++
			m.NextAttemptAt, m.LastError = now.Add(backoff(m.Attempts)), sendErr.Error()
		}
		return tx.UpdateMessage(m)
	})
	if sendErr != nil {
		ev := b.log.Warn()
		if m.Status == core.OutboxFailed {
			ev = b.log.Error()
		}
		ev.Err(sendErr).Int64("outbox_id", m.ID).Str("platform", m.Platform).Str("chat_id", m.ChatID).
			Int("attempts", m.Attempts).Msg("outbox delivery failed")
	}
	return sendErr == nil, retryAfter, err
}

// platformIDs maps user ids to their ids on a platform, skipping users who
// have none there.
func (b *Bot) platformIDs(ctx context.Context, platform string, users []int64) []string {
	var out []string
	for _, id := range users {
		u, err := b.svc.UserByID(ctx, id)
		if err != nil {
			continue
		}
		for _, identity := range u.Identities {
			if p, pid, _ := core.SplitIdentity(identity); p == platform {
				out = append(out, pid)
			}
		}
	}
	return out
}

// backoff is the wait before attempt n+1: 2s, 4s, 8s … up to 30 minutes.
func backoff(attempts int) time.Duration {
	d := time.Second << min(attempts, 20)
	return min(d, outboxMaxBackoff)
}
