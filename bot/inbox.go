package bot

import (
	"context"
	"encoding/json"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Inbox is what a transport hands its updates to. Take returns only once
// the updates are stored: a transport tells its platform that an update
// arrived (Telegram's offset, a webhook's 200, Mattermost's cursor) only
// after Take returned nil, so a crash at any point loses nothing.
type Inbox interface {
	// Take stores updates durably, with the transport's cursor when cur is
	// not nil, and queues them to be handled. An update whose ID was taken
	// before (a platform delivering it again) is not taken twice.
	Take(ctx context.Context, cur *core.TransportCursor, ups ...*Update) error
	// Cursor returns the cursor a transport saved with Take, "" when none.
	Cursor(ctx context.Context, name string) (string, error)
	// Settle waits until the updates taken from a chat are handled and the
	// replies to them delivered (the console reads its next line only then).
	Settle(ctx context.Context, platform, chatID string) error
}

var _ Inbox = (*Bot)(nil)

// Take stores updates in the inbox and queues them for the dispatcher.
func (b *Bot) Take(ctx context.Context, cur *core.TransportCursor, ups ...*Update) error {
	items := make([]*core.InboxItem, 0, len(ups))
	for _, u := range ups {
		payload, err := json.Marshal(u)
		if err != nil {
			return err
		}
		items = append(items, &core.InboxItem{Platform: u.Platform, Key: u.ID, ChatID: u.ChatID, Payload: payload})
	}
	taken, err := b.svc.TakeUpdates(ctx, cur, items...)
	if err != nil {
		return err
	}
	for _, it := range taken {
		b.dispatch.push(it)
	}
	return nil
}

// Cursor returns a transport's saved cursor.
func (b *Bot) Cursor(ctx context.Context, name string) (string, error) {
	return b.svc.TransportCursor(ctx, name)
}

// Settle waits until the chat has nothing queued, nothing being handled
// and no reply due in the outbox.
func (b *Bot) Settle(ctx context.Context, platform, chatID string) error {
	chat := core.ChatKey(platform, chatID)
	for {
		if b.dispatch.idle(chat) {
			due, err := b.svc.DueMessages(ctx, core.OutboxQuery{Platform: platform, Now: b.now(), PerChat: 1})
			if err != nil {
				return err
			}
			pending := false
			for _, m := range due {
				pending = pending || m.ChatID == chatID
			}
			if !pending {
				return nil
			}
			b.kick(platform)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Handle handles one update at once, outside the inbox, and delivers what
// is due to its chat: for tests and tools that drive the bot directly,
// without RunOutbox.
func (b *Bot) Handle(ctx context.Context, t Transport, u *Update) {
	if err := b.handle(ctx, t, u, 0, b.handler); err != nil {
		b.log.Error().Err(err).Str("platform", u.Platform).Msg("update not handled")
	}
	// Updates the handling took (a confirmed command) are handled now too.
	if pending, err := b.svc.PendingUpdates(ctx, 0); err == nil {
		for _, it := range pending {
			if err := b.process(ctx, it); err != nil {
				b.log.Error().Err(err).Int64("inbox_id", it.ID).Msg("update not handled")
			}
		}
	}
	due, err := b.svc.DueMessages(ctx, core.OutboxQuery{Platform: u.Platform, Now: b.now()})
	if err == nil {
		_, byChat := groupByChat(due)
		_, err = b.deliverChat(ctx, t, byChat[u.ChatID])
	}
	if err != nil {
		b.log.Warn().Err(err).Str("platform", u.Platform).Msg("outbox")
	}
}

// process handles a taken update, unless it was handled meanwhile (the
// dispatcher may have read it from the inbox as it was being handled).
func (b *Bot) process(ctx context.Context, it *core.InboxItem) error {
	if cur, err := b.svc.InboxItem(ctx, it.ID); err != nil {
		return err
	} else if !cur.HandledAt.IsZero() {
		return nil
	}
	var u Update
	if err := json.Unmarshal(it.Payload, &u); err != nil {
		// Cannot happen for what Take wrote; never retried forever.
		b.log.Error().Err(err).Int64("inbox_id", it.ID).Msg("inbox item does not decode; dropped")
		return b.svc.FinishUpdate(ctx, core.Outcome{InboxID: it.ID})
	}
	t, ok := b.transports[u.Platform]
	if !ok {
		return nil // its platform is not running now; it waits
	}
	err := b.handle(ctx, t, &u, it.ID, b.handler)
	if err == nil {
		b.kick(u.Platform)
	}
	return err
}

// handle runs h on an update in one unit of work: the change the update
// makes, the end or next step of its dialog, its replies (to the outbox),
// a decision button used up and the inbox item marked handled commit
// together. An internal error or a write that failed rolls all of it back,
// and the update is then answered with the error in a unit of its own. The
// press of a button is acknowledged once the unit has committed.
func (b *Bot) handle(ctx context.Context, t Transport, u *Update, inboxID int64, h Handler) error {
	// An unknown user's "start <code>" is needed before the access check.
	b.bareCommand(u, func(cmd string) bool { return cmd == "start" })
	uctx, unit := b.svc.Begin(ctx)
	c := b.newContext(uctx, t, u, inboxID)
	err := h(c)
	if err == nil {
		err = unit.Err()
	}
	if err != nil && core.ErrorCode(err) != core.EINTERNAL && unit.Err() == nil {
		// A refusal or a mistake in what was typed: said in the same unit.
		err = c.replyError(err)
	}
	if err = b.commit(uctx, unit, c, err); err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: the update stays in the inbox
		}
		return b.fail(ctx, t, u, inboxID, c, err)
	}
	for _, it := range c.outcome.Updates {
		b.dispatch.push(it)
	}
	b.acknowledge(ctx, t, c)
	return nil
}

// fail answers an update whose unit was rolled back with its error, and
// marks it handled: what it asked for did not happen, and the user is told.
func (b *Bot) fail(ctx context.Context, t Transport, u *Update, inboxID int64, failed *Context, cause error) error {
	uctx, unit := b.svc.Begin(ctx)
	c := b.newContext(uctx, t, u, inboxID)
	c.User, c.P = failed.User, failed.P
	if err := b.commit(uctx, unit, c, c.replyError(cause)); err != nil {
		return err
	}
	b.acknowledge(ctx, t, c)
	return nil
}

// commit ends an update's unit: with err nil it writes the update's outcome
// and commits; otherwise, or when that fails, it rolls the unit back.
func (b *Bot) commit(uctx context.Context, unit *core.Unit, c *Context, err error) error {
	if err == nil {
		err = b.svc.FinishUpdate(uctx, c.outcome)
	}
	if err != nil {
		unit.Rollback()
		return err
	}
	return unit.Commit()
}

// acknowledge answers a button press (a notice, or none), once its update
// is done. It is not durable: a lost acknowledgement only leaves a spinner.
func (b *Bot) acknowledge(ctx context.Context, t Transport, c *Context) {
	if c.Update.CallbackID == "" || t == nil {
		return
	}
	if err := t.Answer(ctx, c.Update.CallbackID, c.answerText); err != nil {
		b.log.Debug().Err(err).Msg("answer callback")
	}
}

func (b *Bot) newContext(ctx context.Context, t Transport, u *Update, inboxID int64) *Context {
	return &Context{ctx: ctx, Update: u, Svc: b.svc, bot: b, transport: t,
		P: b.locales.Printer(u.Locale, nil), inboxID: inboxID, outcome: core.Outcome{InboxID: inboxID}}
}
