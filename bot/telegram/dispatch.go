package telegram

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
)

// maxPending bounds the updates received but not yet handled; when it is
// reached, receiving waits, which pushes back on Telegram.
const maxPending = 1000

var errClosed = errors.New("telegram: transport is shutting down")

// dispatcher calls the handler for updates of different chats concurrently
// and for the updates of one chat in order: each chat with pending updates
// has one worker goroutine, which ends when its queue is empty.
type dispatcher struct {
	handle func(context.Context, *bot.Update)
	ctx    context.Context // passed to the handler; outlives Run's ctx by the grace period
	cancel context.CancelFunc
	log    zerolog.Logger
	slots  chan struct{}

	mu     sync.Mutex
	queues map[string][]*bot.Update // a key is present while its worker runs
	closed bool
	wg     sync.WaitGroup
}

// newDispatcher returns a dispatcher whose handlers get a context carrying
// runCtx's values but not its cancellation, so that updates already
// received are handled during shutdown; close cancels it.
func newDispatcher(runCtx context.Context, handle func(context.Context, *bot.Update), log zerolog.Logger) *dispatcher {
	ctx, cancel := context.WithCancel(context.WithoutCancel(runCtx))
	return &dispatcher{
		handle: handle,
		ctx:    ctx,
		cancel: cancel,
		log:    log,
		slots:  make(chan struct{}, maxPending),
		queues: make(map[string][]*bot.Update),
	}
}

// dispatch queues u behind the earlier updates of its chat. It waits only
// when maxPending updates are queued.
func (d *dispatcher) dispatch(ctx context.Context, u *bot.Update) error {
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		<-d.slots
		return errClosed
	}
	q, running := d.queues[u.ChatID]
	d.queues[u.ChatID] = append(q, u)
	if !running {
		d.wg.Add(1)
		go d.work(u.ChatID)
	}
	return nil
}

func (d *dispatcher) work(chatID string) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q := d.queues[chatID]
		if len(q) == 0 {
			delete(d.queues, chatID)
			d.mu.Unlock()
			return
		}
		u := q[0]
		q[0] = nil
		d.queues[chatID] = q[1:]
		d.mu.Unlock()

		d.run(u)
		<-d.slots
	}
}

// run calls the handler, keeping a panic from taking the process down.
func (d *dispatcher) run(u *bot.Update) {
	defer func() {
		if r := recover(); r != nil {
			d.log.Error().Interface("panic", r).Str("chat_id", u.ChatID).Msg("update handler panicked")
		}
	}()
	d.handle(d.ctx, u)
}

// close waits up to grace for the queued updates to be handled, then
// cancels the handlers' context. It reports whether all were handled.
func (d *dispatcher) close(grace time.Duration) bool {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(grace)
	defer timer.Stop()
	defer d.cancel()
	select {
	case <-done:
		return true
	case <-timer.C:
		d.log.Warn().Dur("grace", grace).Msg("shutdown: update handlers still running")
		return false
	}
}
