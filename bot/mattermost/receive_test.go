package mattermost

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
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

// memInbox is an inbox in memory with the contract's semantics: an update
// whose ID was taken before is not taken again, and the cursor is saved
// with the updates.
type memInbox struct {
	mu      sync.Mutex
	got     []string
	ids     map[string]bool
	cursors map[string]string
	fail    error
}

func newMemInbox() *memInbox { return &memInbox{ids: map[string]bool{}, cursors: map[string]string{}} }

func (m *memInbox) Take(_ context.Context, cur *core.TransportCursor, ups ...*bot.Update) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	for _, u := range ups {
		if u.ID != "" && m.ids[u.ID] {
			continue
		}
		m.ids[u.ID] = true
		m.got = append(m.got, u.Text)
	}
	if cur != nil {
		m.cursors[cur.Name] = cur.Value
	}
	return nil
}

func (m *memInbox) Cursor(_ context.Context, name string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cursors[name], nil
}

func (m *memInbox) Settle(context.Context, string, string) error { return nil }

func (m *memInbox) texts() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got...)
}

func newTestTransport(t *testing.T, url string) *Transport {
	t.Helper()
	tr, err := New(context.Background(), Config{URL: url, Token: "tok", HTTPAddr: "127.0.0.1:0", Secret: []byte("s")},
		zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestCatchUpAndCursor: posts missed while away are taken once, in order,
// with the cursor; after a restart the cursor says where reading stopped,
// and posts read again are not taken twice.
func TestCatchUpAndCursor(t *testing.T) {
	now := model.GetMillis()
	posts := []*model.Post{
		{Id: "p1", ChannelId: "dm", UserId: "olga", Message: "first", CreateAt: now - 3000},
		{Id: "p2", ChannelId: "dm", UserId: "bot", Message: "bot's own", CreateAt: now - 2000},
		{Id: "p3", ChannelId: "dm", UserId: "olga", Message: "second", CreateAt: now - 1000},
	}
	srv := channelServer(t, posts)
	in := newMemInbox()
	in.cursors[cursorName] = strconv.FormatInt(now-5000, 10)
	tr := newTestTransport(t, srv.URL)
	ctx := context.Background()
	if err := tr.loadCursor(ctx, in); err != nil || tr.lastSeen != now-5000 {
		t.Fatalf("cursor = %d, %v", tr.lastSeen, err)
	}
	tr.catchUp(ctx, in, true)
	tr.catchUp(ctx, in, true) // again: nothing twice
	if got := in.texts(); len(got) != 2 || got[0] != "first" || got[1] != "second" {
		t.Fatalf("taken %q", got)
	}
	if in.cursors[cursorName] != strconv.FormatInt(now-1000, 10) {
		t.Fatalf("cursor = %s, want %d", in.cursors[cursorName], now-1000)
	}

	// A restart: a new transport on the same inbox reads from the cursor
	// (with its margin) and takes nothing again.
	tr2 := newTestTransport(t, srv.URL)
	if err := tr2.loadCursor(ctx, in); err != nil || tr2.lastSeen != now-1000 {
		t.Fatalf("cursor after restart = %d, %v", tr2.lastSeen, err)
	}
	tr2.catchUp(ctx, in, true)
	if got := in.texts(); len(got) != 2 {
		t.Fatalf("after the restart taken again: %q", got)
	}
}

// TestPostNotTakenIsReadAgain: a post the inbox could not store is not
// remembered as seen, and the next catch-up takes it.
func TestPostNotTakenIsReadAgain(t *testing.T) {
	now := model.GetMillis()
	posts := []*model.Post{{Id: "p1", ChannelId: "dm", UserId: "olga", Message: "first", CreateAt: now - 1000}}
	in := newMemInbox()
	in.fail = errors.New("disk full")
	tr := newTestTransport(t, channelServer(t, posts).URL)
	tr.lastSeen = now - 5000
	tr.catchUp(context.Background(), in, true)
	if got := in.texts(); len(got) != 0 || in.cursors[cursorName] != "" {
		t.Fatalf("taken %q, cursor %q while the inbox fails", got, in.cursors[cursorName])
	}
	in.fail = nil
	tr.catchUp(context.Background(), in, true)
	if got := in.texts(); len(got) != 1 || got[0] != "first" {
		t.Fatalf("taken %q after the inbox came back", got)
	}
}

// TestFailedPostHoldsTheCursor: a post that could not be taken is read
// again however far later posts move on: the cursor saved with them stays
// before it, the catch-up starts from it, and a restart finds it too. Once
// it is taken, the cursor moves on.
func TestFailedPostHoldsTheCursor(t *testing.T) {
	now := model.GetMillis()
	early := &model.Post{Id: "p1", ChannelId: "dm", UserId: "olga", Message: "first", CreateAt: now - 10*60*1000}
	later := &model.Post{Id: "p2", ChannelId: "dm", UserId: "olga", Message: "second", CreateAt: now - 60*1000}
	srv := channelServer(t, []*model.Post{early, later})
	ctx := context.Background()

	in := newMemInbox()
	tr := newTestTransport(t, srv.URL)
	tr.lastSeen = early.CreateAt - 1000
	in.fail = errors.New("disk full")
	tr.onPost(ctx, early, in)
	in.fail = nil
	tr.onPost(ctx, later, in) // nine minutes later, beyond the catch-up margin
	want := strconv.FormatInt(early.CreateAt-1, 10)
	if got := in.cursors[cursorName]; got != want {
		t.Fatalf("cursor = %s with a post not taken at %d, want %s", got, early.CreateAt, want)
	}

	// A restart reads the post that was not taken.
	tr2 := newTestTransport(t, srv.URL)
	in2 := &memInbox{ids: map[string]bool{"p2": true}, cursors: map[string]string{cursorName: want}}
	if err := tr2.loadCursor(ctx, in2); err != nil {
		t.Fatal(err)
	}
	tr2.catchUp(ctx, in2, true)
	if got := in2.texts(); len(got) != 1 || got[0] != "first" {
		t.Fatalf("after a restart taken %q, want the post not taken before", got)
	}

	// Without a restart the catch-up reads it, and the cursor moves on.
	tr.catchUp(ctx, in, true)
	if got := in.texts(); len(got) != 2 || got[0] != "second" || got[1] != "first" {
		t.Fatalf("taken %q, want the failed post taken by the catch-up", got)
	}
	if got, want := in.cursors[cursorName], strconv.FormatInt(later.CreateAt, 10); got != want {
		t.Fatalf("cursor = %s once every post is taken, want %s", got, want)
	}
	if len(tr.failed) != 0 {
		t.Fatalf("failed posts remembered after they were taken: %v", tr.failed)
	}
}

// TestFailedPostsAreBounded: only the newest maxFailed posts that could not
// be taken are remembered, each for failedFor after it first failed.
func TestFailedPostsAreBounded(t *testing.T) {
	now := model.GetMillis()
	in := newMemInbox()
	in.fail = errors.New("disk full")
	tr := newTestTransport(t, channelServer(t, nil).URL)
	ctx := context.Background()
	for i := range maxFailed + 10 {
		tr.onPost(ctx, &model.Post{Id: "p" + strconv.Itoa(i), ChannelId: "dm", UserId: "olga", Message: "m",
			CreateAt: now - int64(maxFailed+10-i)}, in)
	}
	if len(tr.failed) != maxFailed {
		t.Fatalf("%d failed posts remembered, want %d", len(tr.failed), maxFailed)
	}
	if _, ok := tr.failed["p9"]; ok {
		t.Fatal("the oldest failed posts are kept beyond the bound")
	}
	if _, ok := tr.failed["p10"]; !ok {
		t.Fatal("a failed post within the bound is forgotten")
	}

	// Failing again does not make a post younger; one that failed first
	// longer than failedFor ago is given up.
	tr.mu.Lock()
	f := tr.failed["p10"]
	f.since = f.since.Add(-failedFor - time.Minute)
	tr.failed["p10"] = f
	tr.mu.Unlock()
	tr.onPost(ctx, &model.Post{Id: "p10", ChannelId: "dm", UserId: "olga", Message: "m", CreateAt: f.createAt}, in)
	if _, ok := tr.failed["p10"]; ok {
		t.Fatalf("a post that first failed more than %s ago is remembered", failedFor)
	}
	if _, ok := tr.failed["p11"]; !ok {
		t.Fatal("a post that failed lately is forgotten")
	}
}
