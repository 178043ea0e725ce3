package mattermost

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
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
