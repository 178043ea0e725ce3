package mattermost

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestSourcesAllowed: a request comes from the server when its address is
// one the server's host resolves to, loopback when that is loopback, or in
// a trusted prefix; a host that moved is looked up again on a miss.
func TestSourcesAllowed(t *testing.T) {
	dns := map[string][]netip.Addr{
		"mm.example": {netip.MustParseAddr("10.0.0.5"), netip.MustParseAddr("2001:db8::5")},
		"localhost":  {netip.MustParseAddr("127.0.0.1")},
	}
	var mu sync.Mutex
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		mu.Lock()
		defer mu.Unlock()
		if a, err := netip.ParseAddr(host); err == nil {
			return []netip.Addr{a}, nil
		}
		if a, ok := dns[host]; ok {
			return append([]netip.Addr(nil), a...), nil
		}
		return nil, errors.New("no such host")
	}
	newS := func(u string, trusted ...string) *sources {
		t.Helper()
		var ps []netip.Prefix
		for _, p := range trusted {
			ps = append(ps, netip.MustParsePrefix(p))
		}
		s, err := newSources(u, ps)
		if err != nil {
			t.Fatal(err)
		}
		s.lookup = lookup
		return s
	}
	ctx := context.Background()
	for _, tc := range []struct {
		url, remote string
		trusted     []string
		want        bool
	}{
		{"https://mm.example", "10.0.0.5:40000", nil, true},
		{"https://mm.example:8065/", "[2001:db8::5]:40000", nil, true},
		{"https://mm.example", "[::ffff:10.0.0.5]:40000", nil, true},
		{"https://mm.example", "10.0.0.6:40000", nil, false},
		{"https://mm.example", "127.0.0.1:40000", nil, false}, // loopback only for a loopback server
		{"https://mm.example", "192.168.7.3:40000", []string{"192.168.7.0/24"}, true},
		{"https://mm.example", "192.168.8.3:40000", []string{"192.168.7.0/24"}, false},
		{"http://localhost:8065", "127.0.0.1:40000", nil, true},
		{"http://localhost:8065", "[::1]:40000", nil, true},
		{"http://127.0.0.1:8065", "127.0.0.2:40000", nil, true},
		{"http://localhost:8065", "10.0.0.5:40000", nil, false},
		{"https://mm.example", "not an address", nil, false},
	} {
		got, err := newS(tc.url, tc.trusted...).allowed(ctx, tc.remote)
		if got != tc.want || err != nil {
			t.Errorf("%s from %s (trusted %q) = %v, %v; want %v", tc.url, tc.remote, tc.trusted, got, err, tc.want)
		}
	}

	if got, err := lookupHost(ctx, "127.0.0.1"); err != nil || len(got) != 1 || !got[0].IsLoopback() {
		t.Errorf("lookupHost(127.0.0.1) = %v, %v", got, err)
	}

	// An unknown host refuses everyone but the trusted, and says why.
	s := newS("https://gone.example", "192.168.7.0/24")
	if ok, err := s.allowed(ctx, "10.0.0.5:1"); ok || err == nil {
		t.Errorf("unresolvable server: %v, %v; want refused with the reason", ok, err)
	}
	if ok, _ := s.allowed(ctx, "192.168.7.1:1"); !ok {
		t.Error("a trusted source refused while the server does not resolve")
	}

	// The server moves: a request from its new address is allowed once the
	// looked-up addresses are older than sourcesRetry.
	s = newS("https://mm.example")
	if ok, _ := s.allowed(ctx, "10.0.0.5:1"); !ok {
		t.Fatal("server refused")
	}
	mu.Lock()
	dns["mm.example"] = []netip.Addr{netip.MustParseAddr("10.0.0.9")}
	mu.Unlock()
	if ok, _ := s.allowed(ctx, "10.0.0.9:1"); ok {
		t.Fatal("a miss looked the host up again at once")
	}
	s.mu.Lock()
	s.at = s.at.Add(-sourcesRetry)
	s.mu.Unlock()
	if ok, _ := s.allowed(ctx, "10.0.0.9:1"); !ok {
		t.Fatal("the server's new address refused after sourcesRetry")
	}
}

// updInbox records the updates a transport hands over.
type updInbox struct {
	mu  sync.Mutex
	ups []*bot.Update
}

func (in *updInbox) Take(_ context.Context, _ *core.TransportCursor, ups ...*bot.Update) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.ups = append(in.ups, ups...)
	return nil
}

func (*updInbox) Cursor(context.Context, string) (string, error) { return "", nil }

func (*updInbox) Settle(context.Context, string, string) error { return nil }

func (in *updInbox) taken() []*bot.Update {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := in.ups
	in.ups = nil
	return out
}

// memberServer serves what the endpoint asks the server: the bot, users,
// channels ("dm" is a direct one) and memberships (everyone is a member).
func memberServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	js := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /api/v4/users/me", func(w http.ResponseWriter, _ *http.Request) { js(w, &model.User{Id: "bot"}) })
	mux.HandleFunc("GET /api/v4/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		js(w, &model.User{Id: r.PathValue("id"), Username: "olga"})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}", func(w http.ResponseWriter, r *http.Request) {
		typ := model.ChannelTypeOpen
		if r.PathValue("id") == "dm" {
			typ = model.ChannelTypeDirect
		}
		js(w, &model.Channel{Id: r.PathValue("id"), Type: typ, DisplayName: "Work"})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}/members/{user}", func(w http.ResponseWriter, r *http.Request) {
		js(w, &model.ChannelMember{ChannelId: r.PathValue("id"), UserId: r.PathValue("user")})
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func sourceTransport(t *testing.T, trusted ...netip.Prefix) *Transport {
	t.Helper()
	tr, err := New(context.Background(), Config{URL: memberServer(t).URL, Token: "tok", HTTPAddr: "127.0.0.1:0",
		Secret: []byte("s"), CommandToken: "cmd-token", TrustedSources: trusted}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// slash sends a /crm request from remote straight to the handler.
func slash(tr *Transport, in bot.Inbox, remote, channel, text string) int {
	form := url.Values{"token": {"cmd-token"}, "text": {text}, "user_id": {"olga"}, "channel_id": {channel}}
	r := httptest.NewRequest(http.MethodPost, CommandPath, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = remote
	w := httptest.NewRecorder()
	tr.handleCommand(w, r, in)
	return w.Code
}

// TestEndpointRefusesOtherSources: the slash command and button presses
// from an address that is not the server's (the test server is on
// loopback) are refused with 403 before anything is read, even with the
// right command token; a trusted source is let through.
func TestEndpointRefusesOtherSources(t *testing.T) {
	tr := sourceTransport(t)
	in := &updInbox{}
	if code := slash(tr, in, "203.0.113.9:40000", "work", "role 5 admin"); code != http.StatusForbidden {
		t.Fatalf("/crm from a foreign address answered %d, want 403", code)
	}
	body, _ := json.Marshal(model.PostActionIntegrationRequest{UserId: "olga", ChannelId: "work", PostId: "p",
		Context: map[string]any{"t": "tok", "s": tr.sign("tok", "work")}})
	r := httptest.NewRequest(http.MethodPost, ActionPath, strings.NewReader(string(body)))
	r.RemoteAddr = "203.0.113.9:40000"
	w := httptest.NewRecorder()
	tr.handleAction(w, r, in)
	if w.Code != http.StatusForbidden {
		t.Fatalf("a press from a foreign address answered %d, want 403", w.Code)
	}
	if got := in.taken(); len(got) != 0 {
		t.Fatalf("refused requests reached the inbox: %+v", got)
	}
	if code := slash(tr, in, "127.0.0.1:40000", "work", "deals"); code != http.StatusOK {
		t.Fatalf("/crm from the server answered %d", code)
	}

	tr = sourceTransport(t, netip.MustParsePrefix("203.0.113.0/24"))
	if code := slash(tr, in, "203.0.113.9:40000", "work", "deals"); code != http.StatusOK {
		t.Fatalf("/crm from a trusted source answered %d", code)
	}
	if got := in.taken(); len(got) != 2 {
		t.Fatalf("taken %d updates, want 2", len(got))
	}
}

// TestSlashCommandsAreUnverified: an update of /crm is marked unverified
// (its user is named, not proven), one that is not a command becomes help
// rather than a dialog's answer; posts read from the server are verified.
func TestSlashCommandsAreUnverified(t *testing.T) {
	tr := sourceTransport(t)
	in := &updInbox{}
	for _, text := range []string{"role 5 admin", "@olga 7707083893"} {
		if code := slash(tr, in, "127.0.0.1:40000", "work", text); code != http.StatusOK {
			t.Fatalf("/crm %s answered %d", text, code)
		}
	}
	got := in.taken()
	if len(got) != 2 {
		t.Fatalf("taken %d updates, want 2", len(got))
	}
	if !got[0].Unverified || got[0].Command != "role" || got[0].Args != "5 admin" {
		t.Fatalf("/crm role 5 admin = %+v; want an unverified role", got[0])
	}
	if !got[1].Unverified || got[1].Command != "help" {
		t.Fatalf("/crm @olga … = %+v; want an unverified help", got[1])
	}

	tr.onPost(context.Background(), &model.Post{Id: "p1", ChannelId: "work", UserId: "olga",
		Message: "/role 5 admin", CreateAt: model.GetMillis()}, in)
	tr.onPost(context.Background(), &model.Post{Id: "p2", ChannelId: "dm", UserId: "olga",
		Message: "role 5 admin", CreateAt: model.GetMillis()}, in)
	got = in.taken()
	if len(got) != 2 {
		t.Fatalf("taken %d posts, want 2", len(got))
	}
	for _, u := range got {
		if u.Unverified {
			t.Fatalf("post = %+v; want it verified", u)
		}
	}
}
