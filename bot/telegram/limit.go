package telegram

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Telegram's documented limits (Bot FAQ, "My bot is hitting limits").
var defaultLimits = Limits{
	Chat:   Limit{N: 1, Per: time.Second},
	Group:  Limit{N: 20, Per: time.Minute},
	Global: Limit{N: 30, Per: time.Second},
	Menu:   Limit{N: 5, Per: time.Second},
}

func (l Limits) withDefaults() Limits {
	fill := func(got *Limit, def Limit) {
		if got.N == 0 {
			*got = def
		} else if got.N > 0 && got.Per <= 0 {
			got.Per = def.Per
		}
	}
	fill(&l.Chat, defaultLimits.Chat)
	fill(&l.Group, defaultLimits.Group)
	fill(&l.Global, defaultLimits.Global)
	fill(&l.Menu, defaultLimits.Menu)
	return l
}

// limiter reserves send slots against the per-chat, per-group and global
// limits at once. A reservation may lie in the future; the caller sleeps
// until then. Reservations are never given back: a cancelled send only
// makes the limiter a little more careful.
type limiter struct {
	mu        sync.Mutex
	lim       Limits
	chats     map[int64]*chatWindows
	global    *bucket
	menu      *bucket // command-menu calls, besides the global limit
	lastPrune time.Time
}

type chatWindows struct {
	chat, group *window
	last        time.Time // latest reservation
}

// slack is added to the period of the chat, group and global limits: a
// request reaches Telegram some milliseconds after its slot, by a delay
// that varies, so two sends exactly one period apart can arrive less than
// a period apart and be refused with 429.
const slack = 50 * time.Millisecond

func newLimiter(l Limits) *limiter {
	l.Chat.Per += slack
	l.Group.Per += slack
	lim := &limiter{lim: l, chats: make(map[int64]*chatWindows)}
	if l.Global.N > 0 {
		// Evenly spaced, no burst: a burst of N and then one every Per/N
		// would make N+1 within a period.
		lim.global = &bucket{interval: (l.Global.Per + slack) / time.Duration(l.Global.N), burst: 1}
	}
	if l.Menu.N > 0 {
		lim.menu = &bucket{interval: l.Menu.Per / time.Duration(l.Menu.N), burst: l.Menu.N}
	}
	return lim
}

// waitMenu blocks until a command-menu call may be made: within the menu
// limit and a slot of the global one, so that publishing every user's menu
// at start leaves messages their share.
func (l *limiter) waitMenu(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	at := later(now, l.menu.earliest(now), l.global.earliest(now))
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		l.mu.Unlock()
		return fmt.Errorf("telegram: rate limit: next command-menu slot in %s is past the deadline: %w",
			at.Sub(now).Round(time.Millisecond), context.DeadlineExceeded)
	}
	l.menu.add(at)
	l.global.add(at)
	l.mu.Unlock()
	return sleep(ctx, time.Until(at))
}

// wait blocks until a message to chatID may be sent. If the slot lies past
// ctx's deadline it returns at once with an error wrapping
// context.DeadlineExceeded, reserving nothing.
func (l *limiter) wait(ctx context.Context, chatID int64) error {
	at, err := l.reserve(ctx, chatID, time.Now())
	if err != nil {
		return err
	}
	return sleep(ctx, time.Until(at))
}

func (l *limiter) reserve(ctx context.Context, chatID int64, now time.Time) (time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	cw := l.chats[chatID]
	if cw == nil {
		cw = &chatWindows{chat: newWindow(l.lim.Chat)}
		// Negative ids are groups, supergroups and channels.
		if chatID < 0 {
			cw.group = newWindow(l.lim.Group)
		}
		l.chats[chatID] = cw
	}
	at := later(now, cw.chat.earliest(now), cw.group.earliest(now), l.global.earliest(now))
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		return time.Time{}, fmt.Errorf("telegram: rate limit: next slot for chat %d in %s is past the deadline: %w",
			chatID, at.Sub(now).Round(time.Millisecond), context.DeadlineExceeded)
	}
	cw.chat.add(at)
	cw.group.add(at)
	l.global.add(at)
	cw.last = at
	return at, nil
}

// prune forgets chats idle for longer than the longest window, once a minute.
func (l *limiter) prune(now time.Time) {
	if now.Sub(l.lastPrune) < time.Minute {
		return
	}
	l.lastPrune = now
	keep := max(l.lim.Chat.Per, l.lim.Group.Per)
	for id, cw := range l.chats {
		if now.Sub(cw.last) > keep {
			delete(l.chats, id)
		}
	}
}

func later(ts ...time.Time) time.Time {
	t := ts[0]
	for _, u := range ts[1:] {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// window allows at most n events in any interval of length per. Events
// must be added in non-decreasing time order, which holds per chat.
type window struct {
	n     int
	per   time.Duration
	times []time.Time // ring of the last n events
	next  int         // index of the oldest event once the ring is full
}

func newWindow(l Limit) *window {
	if l.N <= 0 {
		return nil
	}
	return &window{n: l.N, per: l.Per}
}

func (w *window) earliest(now time.Time) time.Time {
	if w == nil || len(w.times) < w.n {
		return now
	}
	return later(now, w.times[w.next].Add(w.per))
}

func (w *window) add(t time.Time) {
	if w == nil {
		return
	}
	if len(w.times) < w.n {
		w.times = append(w.times, t)
		return
	}
	w.times[w.next] = t
	w.next = (w.next + 1) % w.n
}

// bucket is a token bucket (GCRA): burst events at once, then one per
// interval. Unlike window it tolerates reservations out of time order,
// which happens across chats.
type bucket struct {
	interval time.Duration
	burst    int
	tat      time.Time // theoretical arrival time of the next event
}

func (b *bucket) earliest(now time.Time) time.Time {
	if b == nil {
		return now
	}
	return later(now, b.tat.Add(-time.Duration(b.burst-1)*b.interval))
}

func (b *bucket) add(t time.Time) {
	if b == nil {
		return
	}
	b.tat = later(b.tat, t).Add(b.interval)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
