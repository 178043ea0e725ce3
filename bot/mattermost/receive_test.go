package mattermost

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
)

// channelServer serves a bot's channels and their posts, newest first, in
// pages, as GET /channels/{id}/posts does.
func channelServer(t *testing.T, posts []*model.Post) *httptest.Server {
	mux := http.NewServeMux()
	js := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /api/v4/users/me", func(w http.ResponseWriter, _ *http.Request) { js(w, &model.User{Id: "bot"}) })
	mux.HandleFunc("GET /api/v4/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		js(w, &model.User{Id: r.PathValue("id"), Username: "u"})
	})
	mux.HandleFunc("GET /api/v4/users/{id}/channels", func(w http.ResponseWriter, _ *http.Request) {
		js(w, []*model.Channel{{Id: "dm", Type: model.ChannelTypeDirect, LastPostAt: 1}}) // a lagging LastPostAt
	})
	mux.HandleFunc("GET /api/v4/channels/{id}", func(w http.ResponseWriter, r *http.Request) {
		js(w, &model.Channel{Id: r.PathValue("id"), Type: model.ChannelTypeDirect})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}/posts", func(w http.ResponseWriter, r *http.Request) {
		list := model.NewPostList()
		for i := len(posts) - 1; i >= 0; i-- { // newest first
			list.AddPost(posts[i])
			list.AddOrder(posts[i].Id)
		}
		if r.URL.Query().Get("page") != "0" {
			list = model.NewPostList()
		}
		js(w, list)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

type collector struct {
	mu  sync.Mutex
	got []string
}

func (c *collector) handle(_ context.Context, u *bot.Update) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, u.Text)
}

func (c *collector) texts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.got...)
}

func newTestTransport(t *testing.T, url, cursor string) *Transport {
	t.Helper()
	tr, err := New(context.Background(), Config{URL: url, Token: "tok", HTTPAddr: "127.0.0.1:0", Secret: []byte("s"),
		CursorFile: cursor}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestCatchUpAndCursor: posts missed while away are handled once, in order,
// and a restart from the saved cursor neither repeats nor loses any.
func TestCatchUpAndCursor(t *testing.T) {
	now := model.GetMillis()
	posts := []*model.Post{
		{Id: "p1", ChannelId: "dm", UserId: "olga", Message: "first", CreateAt: now - 3000},
		{Id: "p2", ChannelId: "dm", UserId: "bot", Message: "bot's own", CreateAt: now - 2000},
		{Id: "p3", ChannelId: "dm", UserId: "olga", Message: "second", CreateAt: now - 1000},
	}
	srv := channelServer(t, posts)
	cursor := filepath.Join(t.TempDir(), "cursor")
	tr := newTestTransport(t, srv.URL, cursor)
	tr.lastSeen = now - 5000
	c := &collector{}
	ctx, cancel := context.WithCancel(context.Background())
	d := newDispatcher(ctx, c.handle)
	tr.catchUp(ctx, d, true)
	tr.catchUp(ctx, d, true) // again: nothing twice
	waitFor(t, func() bool { return len(c.texts()) == 2 })
	cancel()
	d.wait()
	if got := c.texts(); got[0] != "first" || got[1] != "second" {
		t.Fatalf("handled %q", got)
	}

	// After a restart the cursor says where reading stopped: nothing again.
	tr2 := newTestTransport(t, srv.URL, cursor)
	tr2.mu.Lock()
	if !tr2.loadCursorLocked() || tr2.lastSeen != now-1000 {
		t.Fatalf("cursor = %d, want %d", tr2.lastSeen, now-1000)
	}
	tr2.mu.Unlock()
	c2 := &collector{}
	ctx2, cancel2 := context.WithCancel(context.Background())
	d2 := newDispatcher(ctx2, c2.handle)
	tr2.catchUp(ctx2, d2, true)
	time.Sleep(50 * time.Millisecond)
	cancel2()
	d2.wait()
	if got := c2.texts(); len(got) != 0 {
		t.Fatalf("after the restart handled again: %q", got)
	}
}

// TestCursorStopsBeforeAPostNotHandled: a post taken but not handled when
// DealDesk stops is read again after the restart.
func TestCursorStopsBeforeAPostNotHandled(t *testing.T) {
	tr := newTestTransport(t, channelServer(t, nil).URL, filepath.Join(t.TempDir(), "cursor"))
	tr.mu.Lock()
	tr.lastSeen = 5000
	tr.seen = map[string]int64{"a": 3000, "b": 4000, "c": 5000}
	tr.pending = map[string]int64{"b": 4000}
	c := tr.cursorLocked()
	tr.mu.Unlock()
	if c.at != 3999 || len(c.ids) != 1 || c.ids[0] != "c" {
		t.Fatalf("cursor = %+v; want 3999 and the handled post c after it", c)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 200 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("timed out")
}
