package bot

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Dispatch settings.
const (
	dispatchWorkers = 4 // updates handled at once, each of another chat
	// maxPerChat bounds a chat's updates held in memory; more stay in the
	// inbox and are read again, in order, when the chat's queue is empty.
	maxPerChat = 100
	// maxLoad is how many updates left by the last run are read at once.
	maxLoad = 10000
	// A chat may send DefaultChatBurst updates at once; beyond that its
	// updates are handled at DefaultChatRate per second (Telegram delivers
	// about one message a second to a chat anyway) and it is told once.
	DefaultChatBurst = 20
	DefaultChatRate  = 1.0
	// retryMin and retryMax bound the wait before an update whose handling
	// failed (the store is unavailable) is tried again.
	retryMin = time.Second
	retryMax = time.Minute
	// maxFails is how often an update is tried in a row before its chat
	// goes on without it; it stays in the inbox for the next start.
	maxFails = 8
)

// dispatcher hands taken updates to workers: one chat's in order, one at a
// time; different chats in turn, so that a chat with a long queue gets one
// update handled per round like every other chat and cannot hold them up.
type dispatcher struct {
	b *Bot

	mu       sync.Mutex
	chats    map[string]*chatQueue // by core.ChatKey
	ready    []string              // chats with an update to hand out, in turn
	known    map[int64]bool        // ids queued or being handled
	loaded   bool                  // the updates left by the last run are queued
	rescan   bool                  // more were left than one load reads
	draining bool
	wake     chan struct{}
}

type chatQueue struct {
	platform, chatID string
	items            []*core.InboxItem
	// spilled: some of the chat's updates wait in the inbox only; they are
	// read when its queue is empty, so that the order is kept.
	spilled bool
	running bool
	inReady bool
	held    bool // waiting for its rate or a retry
	tokens  float64
	at      time.Time // when tokens was computed
	told    bool      // told that it is being slowed
	fails   int
}

func newDispatcher(b *Bot) *dispatcher {
	return &dispatcher{b: b, chats: map[string]*chatQueue{}, known: map[int64]bool{}, wake: make(chan struct{}, 1)}
}

// push queues a taken update behind its chat's earlier ones. While the
// updates of the last run are being read, or the chat's queue is full, it
// stays in the inbox and is read in its turn.
func (d *dispatcher) push(it *core.InboxItem) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.known[it.ID] {
		return
	}
	k, q := d.chatLocked(it)
	if !d.loaded || q.spilled || len(q.items) >= maxPerChat {
		q.spilled = true
		if d.loaded && len(q.items) == 0 && !q.running {
			d.refillLocked(k, q)
		}
		return
	}
	d.appendLocked(q, it)
	d.readyLocked(k, q)
}

// chatLocked returns the queue of an update's chat, making it if needed.
func (d *dispatcher) chatLocked(it *core.InboxItem) (string, *chatQueue) {
	k := core.ChatKey(it.Platform, it.ChatID)
	q := d.chats[k]
	if q == nil {
		q = &chatQueue{platform: it.Platform, chatID: it.ChatID, tokens: d.b.chatBurst, at: time.Now()}
		d.chats[k] = q
	}
	return k, q
}

func (d *dispatcher) appendLocked(q *chatQueue, it *core.InboxItem) {
	q.items = append(q.items, it)
	d.known[it.ID] = true
}

// refillLocked reads a spilled chat's waiting updates from the inbox into
// its empty queue, oldest first; the chat stays spilled while more wait. A
// chat left with nothing is forgotten.
func (d *dispatcher) refillLocked(k string, q *chatQueue) {
	items, err := d.b.svc.PendingChatUpdates(context.Background(), q.platform, q.chatID, maxPerChat+2)
	if err != nil {
		d.b.log.Error().Err(err).Str("chat", k).Msg("inbox: read a chat's waiting updates")
		time.AfterFunc(retryMin, func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			if len(q.items) == 0 && !q.running && d.chats[k] == q {
				d.refillLocked(k, q)
			}
		})
		return
	}
	q.spilled = false
	for _, it := range items {
		if d.known[it.ID] {
			continue
		}
		if len(q.items) >= maxPerChat {
			q.spilled = true
			break
		}
		d.appendLocked(q, it)
	}
	if len(q.items) == 0 && !q.running && !q.spilled {
		delete(d.chats, k)
		return
	}
	d.readyLocked(k, q)
}

// readyLocked puts a chat in turn if it has work and may have it now.
func (d *dispatcher) readyLocked(k string, q *chatQueue) {
	if q.inReady || q.running || q.held || len(q.items) == 0 {
		return
	}
	q.inReady = true
	d.ready = append(d.ready, k)
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// next returns the next update to handle, or nil when there is none now.
// A chat over its rate is held until it earns the next turn.
func (d *dispatcher) next() (string, *core.InboxItem) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.ready) > 0 {
		k := d.ready[0]
		d.ready = d.ready[1:]
		q := d.chats[k]
		q.inReady = false
		if !d.draining {
			now := time.Now()
			q.tokens = min(d.b.chatBurst, q.tokens+now.Sub(q.at).Seconds()*d.b.chatRate)
			q.at = now
			if q.tokens < 1 {
				d.holdLocked(k, q, time.Duration((1-q.tokens)/d.b.chatRate*float64(time.Second)))
				if !q.told {
					q.told = true
					d.b.tellSlowed(q.items[0])
				}
				continue
			}
			q.tokens--
		}
		q.running = true
		return k, q.items[0]
	}
	return "", nil
}

// holdLocked keeps a chat out of turn for a while.
func (d *dispatcher) holdLocked(k string, q *chatQueue, wait time.Duration) {
	q.held = true
	time.AfterFunc(wait, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		q.held = false
		d.readyLocked(k, q)
	})
}

// done records the outcome of handling a chat's first update: handled, it
// leaves the queue; failed, the chat waits and tries it again.
func (d *dispatcher) done(k string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.chats[k]
	q.running = false
	if err != nil && q.fails+1 < maxFails {
		q.fails++
		wait := retryMin << min(q.fails-1, 6)
		d.holdLocked(k, q, min(wait, retryMax))
		return
	}
	if err != nil {
		d.b.log.Error().Err(err).Int64("inbox_id", q.items[0].ID).Str("chat", k).
			Msg("an update failed again and again; left in the inbox for the next start")
	}
	q.fails = 0
	delete(d.known, q.items[0].ID)
	q.items[0] = nil
	q.items = q.items[1:]
	switch {
	case len(q.items) > 0:
		d.readyLocked(k, q)
	case q.spilled:
		d.refillLocked(k, q)
	default:
		delete(d.chats, k)
	}
	if len(d.chats) == 0 && d.rescan {
		d.rescan = false
		go d.load(context.Background())
	}
}

// idle reports whether a chat has nothing queued or being handled.
func (d *dispatcher) idle(k string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.chats[k] == nil
}

// empty reports whether nothing is queued or being handled.
func (d *dispatcher) empty() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.chats) == 0
}

// load queues the updates waiting in the inbox (after a restart, or more
// than one load reads) of the platforms that run now, each chat's oldest
// first; updates taken meanwhile wait in the inbox and are read after them.
func (d *dispatcher) load(ctx context.Context) {
	items, err := d.b.svc.PendingUpdates(ctx, maxLoad)
	d.mu.Lock()
	defer d.mu.Unlock()
	defer func() { d.loaded = true }()
	if err != nil {
		d.b.log.Error().Err(err).Msg("inbox: read pending updates")
		d.rescan = true // read again once the queues are empty
		return
	}
	d.rescan = len(items) == maxLoad
	for _, it := range items {
		if _, ok := d.b.transports[it.Platform]; !ok || d.known[it.ID] {
			continue
		}
		k, q := d.chatLocked(it)
		if q.spilled || len(q.items) >= maxPerChat {
			q.spilled = true
			continue
		}
		d.appendLocked(q, it)
		d.readyLocked(k, q)
	}
	// Chats whose updates came while these were read go on from the inbox.
	for k, q := range d.chats {
		if q.spilled && len(q.items) == 0 && !q.running {
			d.refillLocked(k, q)
		}
	}
}

// tellSlowed tells a chat once that its updates are being slowed down.
func (b *Bot) tellSlowed(it *core.InboxItem) {
	go func() {
		ctx := context.Background()
		p := b.locales.Printer("", nil)
		if u, err := b.svc.Authenticate(ctx, core.Identity(it.Platform, userOf(it))); err == nil {
			p = b.locales.Printer(u.Locale, u.Location())
		}
		m := &core.OutboxMessage{Platform: it.Platform, ChatID: it.ChatID, Text: p.T("msg.flood.slowed", nil)}
		if err := b.svc.FinishUpdate(ctx, core.Outcome{Messages: []*core.OutboxMessage{m}}); err != nil {
			b.log.Warn().Err(err).Msg("tell a flooding chat")
		}
		b.kick(it.Platform)
	}()
}

// RunInbox handles the taken updates until ctx is done: first those left
// in the inbox by the last run, then each one as it is taken. When ctx is
// done it stops taking turns of its own and drains what is queued for up
// to drain (updates still queued then stay in the inbox for the next
// start); the updates being handled then get their context cancelled.
func (b *Bot) RunInbox(ctx context.Context, drain time.Duration) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	d := b.dispatch
	d.load(ctx)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range dispatchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k, it := d.next()
				if it == nil {
					select {
					case <-stop:
						return
					case <-d.wake:
						continue
					case <-time.After(time.Second):
						continue
					}
				}
				d.done(k, b.processObserved(work, it))
			}
		}()
	}
	<-ctx.Done()
	d.mu.Lock()
	d.draining = true
	d.mu.Unlock()
	deadline := time.Now().Add(drain)
	for !d.empty() && time.Now().Before(deadline) {
		select {
		case d.wake <- struct{}{}:
		default:
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !d.empty() {
		b.log.Warn().Dur("drain", drain).Msg("shutdown: updates left in the inbox for the next start")
	}
	close(stop)
	cancel()
	wg.Wait()
}

// userOf reads the user id of a taken update.
func userOf(it *core.InboxItem) string {
	var u struct{ UserID string }
	_ = json.Unmarshal(it.Payload, &u)
	return u.UserID
}
