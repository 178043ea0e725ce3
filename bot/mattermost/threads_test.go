package mattermost_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/mattermost"
	mmt "github.com/dealdesk/dealdesk/bot/mattermost/mattermosttest"
	"github.com/dealdesk/dealdesk/core"
)

// TestOpenThread: a thread opens as a root post of the title in the
// channel; its id is the thread's, and a message sent with it is a reply
// in the thread.
func TestOpenThread(t *testing.T) {
	f := newFake(t)
	tr, _ := newTransport(t, f)
	var _ bot.ThreadOpener = tr
	ctx := context.Background()
	id, err := tr.OpenThread(ctx, channelID, "  Кейс #1: D-2026-0001 — скидка\n")
	if err != nil {
		t.Fatal(err)
	}
	root := f.last(t)
	if root.Id != id || root.RootId != "" || root.ChannelId != channelID || root.Message != "Кейс #1: D-2026-0001 — скидка" {
		t.Fatalf("root post %+v, id %q", root, id)
	}
	if _, err := tr.Send(ctx, &bot.Message{ChatID: channelID, ThreadID: id, Text: "Участники", Mentions: []bot.Mention{{ID: userID, Name: "Участник"}}}); err != nil {
		t.Fatal(err)
	}
	if p := f.last(t); p.RootId != id || p.Message != "@olga Участники" {
		t.Fatalf("first message of the thread %+v", p)
	}

	long := strings.Repeat("я", 20000)
	if _, err := tr.OpenThread(ctx, channelID, long); err != nil {
		t.Fatal(err)
	}
	if r := []rune(f.last(t).Message); len(r) != 16000 || r[len(r)-1] != '…' {
		t.Fatalf("an over-long title is %d characters", len(r))
	}
}

// TestOpenThread_Errors: refusals are a send's: 429 waits, a channel
// where the bot may not post is permanent, a server error is retried, and
// a missing title is refused before any call.
func TestOpenThread_Errors(t *testing.T) {
	f := newFake(t)
	tr, _ := newTransport(t, f)
	ctx := context.Background()
	f.fail = []fakeFailure{{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"3"}}},
		{status: http.StatusForbidden}, {status: http.StatusBadGateway}}
	_, err := tr.OpenThread(ctx, channelID, "кейс")
	var rl *bot.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Fatalf("429: %v; want RateLimitError of 3s", err)
	}
	if _, err = tr.OpenThread(ctx, channelID, "кейс"); !bot.IsPermanent(err) {
		t.Fatalf("403: %v; want a permanent error", err)
	}
	if _, err = tr.OpenThread(ctx, channelID, "кейс"); err == nil || bot.IsPermanent(err) {
		t.Fatalf("502: %v; want a retryable error", err)
	}
	if id, err := tr.OpenThread(ctx, channelID, " "); !bot.IsPermanent(err) || id != "" {
		t.Fatalf("empty title: %q, %v; want a permanent error", id, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.order) != 0 {
		t.Fatalf("posts made: %d", len(f.order))
	}
}

// cursorInbox is an inbox that keeps the cursor and recognizes an update
// taken before, as the real one does, and hands each new update on.
type cursorInbox struct {
	mu      sync.Mutex
	cursors map[string]string
	ids     map[string]bool
	got     chan *bot.Update
}

func newCursorInbox() *cursorInbox {
	return &cursorInbox{cursors: map[string]string{}, ids: map[string]bool{}, got: make(chan *bot.Update, 100)}
}

func (in *cursorInbox) Take(_ context.Context, cur *core.TransportCursor, ups ...*bot.Update) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, u := range ups {
		if u.ID != "" && in.ids[u.ID] {
			continue
		}
		in.ids[u.ID] = true
		in.got <- u
	}
	if cur != nil {
		in.cursors[cur.Name] = cur.Value
	}
	return nil
}

func (in *cursorInbox) Cursor(_ context.Context, name string) (string, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.cursors[name], nil
}

func (in *cursorInbox) Settle(context.Context, string, string) error { return nil }

// next returns the next update taken whose text is text, skipping others.
func (in *cursorInbox) next(t *testing.T, text string) *bot.Update {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case u := <-in.got:
			if u.Text == text {
				return u
			}
		case <-deadline:
			t.Fatalf("no update %q within 20s", text)
			return nil
		}
	}
}

// runOn runs a transport against a real server until stopped.
func runOn(t *testing.T, env *mmt.Env, in bot.Inbox) (*mattermost.Transport, func()) {
	t.Helper()
	tr, err := mattermost.New(context.Background(), mattermost.Config{URL: env.URL, Token: env.Bot.Token,
		HTTPAddr: freeAddr(t), Secret: []byte("s"), CommandToken: "none"}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = tr.Run(ctx, in)
	}()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return tr, stop
}

// TestThreadPostsReachTheBot (a real Mattermost server): every post in a
// channel the bot is in reaches it, commands or not, mentioning it or
// not: a reply in a thread the bot opened with the thread's root as its
// ThreadID, a post in the channel itself with its own id (where a reply
// to it goes). A reply posted while the transport was away is read when
// it is back, once.
func TestThreadPostsReachTheBot(t *testing.T) {
	env := mmt.Bootstrap(t, mmt.Require(t))
	in := newCursorInbox()
	tr, stop := runOn(t, env, in)
	olga := env.NewUser(t, "olga")

	root, err := tr.OpenThread(context.Background(), env.Channel.Id, "Кейс #1: D-2026-0001 — скидка")
	if err != nil {
		t.Fatal(err)
	}
	rootPost := &model.Post{Id: root, ChannelId: env.Channel.Id}
	olga.Reply(t, rootPost, "скидку 5% согласовали #решение")
	u := in.next(t, "скидку 5% согласовали #решение")
	if u.ThreadID != root || u.ChatID != env.Channel.Id || u.UserID != olga.ID || u.Command != "" ||
		u.ChatType != bot.ChatGroup {
		t.Fatalf("reply in the thread: %+v", u)
	}
	plain := olga.Post(t, env.Channel.Id, "всем привет")
	if u := in.next(t, "всем привет"); u.ThreadID != plain.Id || u.Command != "" {
		t.Fatalf("a plain post in the channel: %+v", u)
	}

	stop()
	missed := olga.Reply(t, rootPost, "пока бот не слушал")
	_, stop2 := runOn(t, env, in)
	defer stop2()
	if u := in.next(t, "пока бот не слушал"); u.ThreadID != root || u.ID != missed.Id {
		t.Fatalf("a reply posted while away: %+v", u)
	}
}
