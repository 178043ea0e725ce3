package mattermost

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot"
)

// cache keeps users and channels the transport looks up often.
type cache[T any] struct {
	ttl  time.Duration
	load func(context.Context, string) (T, error)
	mu   sync.Mutex
	m    map[string]cached[T]
}

type cached[T any] struct {
	v  T
	at time.Time
}

func newCache[T any](ttl time.Duration, load func(context.Context, string) (T, error)) *cache[T] {
	return &cache[T]{ttl: ttl, load: load, m: map[string]cached[T]{}}
}

func (c *cache[T]) get(ctx context.Context, id string) (T, error) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok && time.Since(e.at) < c.ttl {
		return e.v, nil
	}
	v, err := c.load(ctx, id)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if len(c.m) > 10000 {
		c.m = map[string]cached[T]{}
	}
	c.m[id] = cached[T]{v: v, at: time.Now()}
	c.mu.Unlock()
	return v, nil
}

// dispatcher hands updates to the bot: one chat's in order, different chats
// in parallel. A chat's queue has no bound, so a busy chat never blocks the
// websocket reader or another chat.
type dispatcher struct {
	ctx    context.Context
	handle func(context.Context, *bot.Update)
	mu     sync.Mutex
	queues map[string][]job // waiting jobs of chats that have a worker
	wg     sync.WaitGroup
}

type job struct {
	u     *bot.Update
	done  chan struct{} // closed once handled, or dropped at shutdown
	after func()        // called once handled; never for jobs dropped at shutdown
}

func newDispatcher(ctx context.Context, handle func(context.Context, *bot.Update)) *dispatcher {
	return &dispatcher{ctx: ctx, handle: handle, queues: map[string][]job{}}
}

// push queues an update; the returned channel is closed once it is handled
// (or dropped at shutdown), and after, if set, is called once it is handled.
func (d *dispatcher) push(u *bot.Update, after func()) <-chan struct{} {
	j := job{u: u, done: make(chan struct{}), after: after}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx.Err() != nil {
		close(j.done)
		return j.done
	}
	q, running := d.queues[u.ChatID]
	d.queues[u.ChatID] = append(q, j)
	if !running {
		d.wg.Add(1)
		go d.work(u.ChatID)
	}
	return j.done
}

// work handles a chat's jobs until its queue is empty.
func (d *dispatcher) work(chat string) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q := d.queues[chat]
		if len(q) == 0 || d.ctx.Err() != nil {
			for _, j := range q {
				close(j.done) // dropped at shutdown
			}
			delete(d.queues, chat)
			d.mu.Unlock()
			return
		}
		j := q[0]
		d.queues[chat] = q[1:]
		d.mu.Unlock()
		d.handle(d.ctx, j.u)
		if j.after != nil {
			j.after()
		}
		close(j.done)
	}
}

// wait waits for the workers to end after ctx is done.
func (d *dispatcher) wait() { d.wg.Wait() }

// rateGate keeps sends within the server's rate limit: when a response
// says no requests remain, the next send waits until the window resets.
type rateGate struct {
	mu        sync.Mutex
	notBefore time.Time
}

func (g *rateGate) wait(ctx context.Context) error {
	g.mu.Lock()
	d := time.Until(g.notBefore)
	g.mu.Unlock()
	if d <= 0 {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// observe reads the X-RateLimit headers of a response.
func (g *rateGate) observe(resp *model.Response) {
	if resp == nil || resp.Header == nil || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	reset, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Reset"))
	if err != nil || reset <= 0 {
		reset = 1
	}
	g.mu.Lock()
	g.notBefore = time.Now().Add(time.Duration(reset) * time.Second)
	g.mu.Unlock()
}

// retryAfter reads how long a 429 asks to wait (seconds, per Mattermost).
func retryAfter(resp *model.Response) time.Duration {
	if resp == nil {
		return time.Second
	}
	for _, h := range []string{"Retry-After", "X-RateLimit-Reset"} {
		if n, err := strconv.Atoi(resp.Header.Get(h)); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return time.Second
}
