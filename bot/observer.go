package bot

import (
	"context"
	"sync"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Observer is told what the bot does, for metrics (Config.Observer). Its
// labels are bounded sets, never user text or IDs. Its methods are called
// from many goroutines at once and must not block.
type Observer interface {
	// UpdateHandled is called once for each try of a taken update:
	// command is the command's name ("deal", "cancel"), "button" for a
	// press, "text" for a message without a command, or "unknown" for a
	// command DealDesk does not have (or an update not read); took is the
	// time from the update taken into the inbox to its handling committed;
	// outcome is one of the Update* outcomes.
	UpdateHandled(platform, command string, took time.Duration, outcome string)
	// Delivery is called once for each attempt to deliver an outbox
	// message (a merged run of notifications is one attempt), with one of
	// the Delivery* outcomes.
	Delivery(platform, outcome string)
}

// Outcomes of handling an update (Observer.UpdateHandled).
const (
	UpdateOK       = "ok"       // handled
	UpdateRejected = "rejected" // a rule or a mistake: the user was told why
	UpdateFailed   = "failed"   // an internal error: rolled back, the user was told
	UpdateRetry    = "retry"    // not handled (the store is unavailable): tried again later
)

// Outcomes of a delivery attempt (Observer.Delivery).
const (
	DeliverySent        = "sent"         // the platform took it
	DeliveryRetry       = "retry"        // failed; tried again later
	DeliveryRateLimited = "rate_limited" // the platform asked to wait (429, retry_after)
	DeliveryFailed      = "failed"       // given up: permanent, or out of attempts
)

// Label values of updates that are not commands.
const (
	labelButton  = "button"
	labelText    = "text"
	labelUnknown = "unknown"
)

// observing is the bot's observer and what its middleware learned about
// the updates being handled, by inbox id, until process returns.
type observing struct {
	o      Observer
	mu     sync.Mutex
	labels map[int64]observed
}

type observed struct{ command, outcome string }

// maxObserved bounds the labels held: the dispatcher holds a few at once.
const maxObserved = 1000

func newObserving(o Observer) *observing {
	if o == nil {
		return nil
	}
	return &observing{o: o, labels: map[int64]observed{}}
}

func (s *observing) put(id int64, h observed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.labels) >= maxObserved {
		// Updates handled outside the dispatcher (Handle) are never taken.
		clear(s.labels)
	}
	s.labels[id] = h
}

func (s *observing) take(id int64) (observed, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.labels[id]
	delete(s.labels, id)
	return h, ok
}

// observe is the outermost middleware when an Observer is set: after the
// handler it notes the update's command (set by then where the platform
// sends commands without the slash) and its outcome, for processObserved.
// Updates handled outside the inbox (Handle, a confirmation) are not
// observed.
func (b *Bot) observe(next Handler) Handler {
	if b.obs == nil {
		return next
	}
	return func(c *Context) error {
		err := next(c)
		if c.inboxID != 0 {
			outcome := UpdateOK
			switch core.ErrorCode(err) {
			case "":
			case core.EINTERNAL:
				outcome = UpdateFailed
			default:
				outcome = UpdateRejected
			}
			b.obs.put(c.inboxID, observed{command: b.commandLabel(c.Update), outcome: outcome})
		}
		return err
	}
}

// commandLabel is an update's command as a metric's label: a command the
// router has (or cancel), "button", "text", or "unknown" for any other
// word typed after a slash, so that the labels stay a bounded set.
func (b *Bot) commandLabel(u *Update) string {
	switch {
	case u.IsAction():
		return labelButton
	case u.Command == "":
		return labelText
	case u.Command == "cancel" || b.router.find(u.Command) != nil:
		return u.Command
	}
	return labelUnknown
}

// processObserved is process, observed: the update's command, outcome and
// the time since it was taken go to the Observer. An update that was
// handled already, or whose platform does not run here, is not observed.
func (b *Bot) processObserved(ctx context.Context, it *core.InboxItem) error {
	if b.obs == nil {
		return b.process(ctx, it)
	}
	err := b.process(ctx, it)
	h, ok := b.obs.take(it.ID)
	switch {
	case err != nil:
		h.outcome = UpdateRetry
		if !ok {
			h.command = labelUnknown
		}
	case !ok:
		return nil
	}
	// The inbox's time is the store's clock, the bot's too: their
	// difference is the wait in the inbox and the handling.
	var took time.Duration
	if !it.ReceivedAt.IsZero() {
		took = max(b.now().Sub(it.ReceivedAt), 0)
	}
	b.obs.o.UpdateHandled(it.Platform, h.command, took, h.outcome)
	return err
}

// observeDelivery tells the Observer of a delivery attempt recorded in m
// (or, merged, in each of a run like it).
func (b *Bot) observeDelivery(m *core.OutboxMessage, d core.Delivery) {
	if b.obs == nil {
		return
	}
	outcome := DeliveryRetry
	switch {
	case d.Err == nil:
		outcome = DeliverySent
	case m.Status == core.OutboxFailed:
		outcome = DeliveryFailed
	case d.RetryAfter > 0:
		outcome = DeliveryRateLimited
	}
	b.obs.o.Delivery(m.Platform, outcome)
}
