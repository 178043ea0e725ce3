package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// The fuzz targets call the endpoint's handlers directly, as the server
// would, with the transport's REST calls answered in the same goroutine.

const (
	fzBot     = "botuserid00000000000000000"
	fzUser    = "useruserid0000000000000000"
	fzChannel = "chanchanid0000000000000000"
	fzDM      = "dmdmdmdmid0000000000000000"
	fzNoBot   = "nobotchanid000000000000000" // a channel without the bot
	fzPost    = "postpostid0000000000000000" // the bot's post in fzChannel, in a thread
	fzOwnPost = "ownpostid00000000000000000" // a user's post
)

// fzAPI answers the REST calls the handlers make.
func fzAPI() http.Handler {
	mux := http.NewServeMux()
	js := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	notFound := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"id":"app.not_found","message":"not found","status_code":404}`))
	}
	mux.HandleFunc("GET /api/v4/users/me", func(w http.ResponseWriter, _ *http.Request) {
		js(w, &model.User{Id: fzBot, Username: "dealdesk"})
	})
	mux.HandleFunc("GET /api/v4/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		if id := r.PathValue("id"); id == fzUser || id == fzBot {
			js(w, &model.User{Id: id, Username: "olga", FirstName: "Ольга", Locale: "ru"})
			return
		}
		notFound(w)
	})
	mux.HandleFunc("GET /api/v4/channels/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch id := r.PathValue("id"); id {
		case fzChannel, fzNoBot:
			js(w, &model.Channel{Id: id, Type: model.ChannelTypeOpen, DisplayName: "Work"})
		case fzDM:
			js(w, &model.Channel{Id: id, Type: model.ChannelTypeDirect})
		default:
			notFound(w)
		}
	})
	mux.HandleFunc("GET /api/v4/channels/{id}/members/{user}", func(w http.ResponseWriter, r *http.Request) {
		c, u := r.PathValue("id"), r.PathValue("user")
		if (c == fzChannel || c == fzDM || c == fzNoBot) && (u == fzUser || u == fzBot && c != fzNoBot) {
			js(w, &model.ChannelMember{ChannelId: c, UserId: u})
			return
		}
		notFound(w)
	})
	mux.HandleFunc("GET /api/v4/posts/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case fzPost:
			js(w, &model.Post{Id: fzPost, ChannelId: fzChannel, UserId: fzBot, RootId: "rootpostid0000000000000000"})
		case fzOwnPost:
			js(w, &model.Post{Id: fzOwnPost, ChannelId: fzChannel, UserId: fzUser})
		default:
			notFound(w)
		}
	})
	return mux
}

// fzDirect hands the transport's REST requests to a handler in the same
// goroutine.
type fzDirect struct{ h http.Handler }

func (d fzDirect) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, r)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	resp := w.Result()
	resp.Request = r
	return resp, nil
}

// fzInbox records the updates taken.
type fzInbox struct {
	mu  sync.Mutex
	got []*bot.Update
}

func (in *fzInbox) Take(_ context.Context, _ *core.TransportCursor, ups ...*bot.Update) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.got = append(in.got, ups...)
	return nil
}

func (in *fzInbox) Cursor(context.Context, string) (string, error) { return "", nil }

func (in *fzInbox) Settle(context.Context, string, string) error { return nil }

// taken returns the updates taken since the last call.
func (in *fzInbox) taken() []*bot.Update {
	in.mu.Lock()
	defer in.mu.Unlock()
	got := in.got
	in.got = nil
	return got
}

// newFzTransport returns a transport whose REST calls fzAPI answers.
func newFzTransport(tb testing.TB) *Transport {
	tb.Helper()
	tr, err := New(context.Background(), Config{URL: "http://127.0.0.1:8065", Token: "fz-token", HTTPAddr: "127.0.0.1:0",
		Secret: []byte("fz-secret"), CommandToken: "cmd-token", NotMemberText: "not a member",
		HTTPClient: &http.Client{Transport: fzDirect{fzAPI()}}}, zerolog.Nop())
	if err != nil {
		tb.Fatal(err)
	}
	return tr
}

// fzRequest is a request to the endpoint from the server's address.
func fzRequest(path, contentType string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.RemoteAddr = "127.0.0.1:40000"
	return r
}

// fzStatus checks that the handler answered one of the endpoint's codes
// and that an update was taken exactly when it answered 200.
func fzStatus(t *testing.T, w *httptest.ResponseRecorder, taken []*bot.Update, want int, what string) {
	t.Helper()
	if w.Code != want {
		t.Fatalf("%s: answered %d (%s), want %d", what, w.Code, w.Body.String(), want)
	}
	if n := len(taken); n != 0 && (want != http.StatusOK || n != 1) {
		t.Fatalf("%s: %d updates taken with %d: %+v", what, n, want, taken)
	}
}

// FuzzSlashCommand posts a fuzzed form to the /crm endpoint: only a
// request with the command's token, from a member of a channel the bot is
// in, is taken, as the command its text says ("help" when empty).
func FuzzSlashCommand(f *testing.F) {
	form := func(token, text, user, channel string) string {
		return url.Values{"token": {token}, "text": {text}, "user_id": {user}, "channel_id": {channel},
			"command": {"/crm"}, "team_id": {"teamteamid0000000000000000"}, "trigger_id": {"x"}}.Encode()
	}
	for _, s := range []string{
		form("cmd-token", "deal new", fzUser, fzChannel), form("cmd-token", "", fzUser, fzChannel),
		form("cmd-token", "  DEALS  ", fzUser, fzDM), form("cmd-token", "new_client\nООО Ромашка\nИНН 7707083893", fzUser, fzChannel),
		form("cmd-token", "@olga", fzUser, fzChannel), form("cmd-token", "/deal", fzUser, fzChannel),
		form("cmd-token", "deal\r\nnew", fzUser, fzChannel), form("cmd-token", "deals", fzUser, fzNoBot),
		form("wrong", "deals", fzUser, fzChannel), form("", "deals", fzUser, fzChannel),
		form("cmd-token", "deals", "strangerid00000000000000000", fzChannel), form("cmd-token", "deals", fzUser, ""),
		form("cmd-token", "deals", fzUser, "../users/me"),
		form("cmd-token", "deals", fzUser, fzChannel) + "&root_id=rootpostid0000000000000000",
		form("cmd-token", "deals", fzUser, fzChannel) + "&token=wrong",
		"token=cmd-token;text=deals", "%zz", "", "token=cmd-token&text=%D0%B4%D0%B5%D0%BB%D0%B0",
	} {
		f.Add([]byte(s))
	}
	tr := newFzTransport(f)
	in := &fzInbox{}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		tr.handleCommand(w, fzRequest(CommandPath, "application/x-www-form-urlencoded", body), in)
		taken := in.taken()
		vals, err := url.ParseQuery(string(body))
		channel, user := vals.Get("channel_id"), vals.Get("user_id")
		switch {
		case err != nil || len(body) > 64<<10:
			fzStatus(t, w, taken, http.StatusBadRequest, "a form that does not parse")
			return
		case vals.Get("token") != "cmd-token":
			fzStatus(t, w, taken, http.StatusForbidden, "a wrong token")
			return
		case user != fzUser || channel != fzChannel && channel != fzDM && channel != fzNoBot:
			fzStatus(t, w, taken, http.StatusForbidden, "a non-member")
			return
		}
		fzStatus(t, w, taken, http.StatusOK, "a command")
		var resp model.CommandResponse
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.ResponseType != model.CommandResponseTypeEphemeral {
			t.Fatalf("answer %q, %v", w.Body.String(), err)
		}
		if channel == fzNoBot {
			if len(taken) != 0 || resp.Text != "not a member" {
				t.Fatalf("a command where the bot is not: %+v, %+v", resp, taken)
			}
			return
		}
		if len(taken) != 1 || resp.Text != "" {
			t.Fatalf("a command: %+v, %+v", resp, taken)
		}
		u := taken[0]
		text := strings.TrimSpace(vals.Get("text"))
		if text == "" {
			text = "help"
		}
		if u.Platform != Platform || u.ChatID != channel || u.UserID != user || u.ThreadID != vals.Get("root_id") ||
			u.IsAction() || u.Text != "/"+text || (u.ChatType == bot.ChatPrivate) != (channel == fzDM) {
			t.Fatalf("form %q gave %+v", body, u)
		}
		if cmd, args, ok := bot.ParseCommand(u.Text); ok && (u.Command != cmd || u.Args != args) ||
			!ok && u.Command != "" && (u.Command != "help" || u.Args != "") {
			t.Fatalf("text %q gave command %q, args %q", u.Text, u.Command, u.Args)
		}
	})
}

// FuzzAction posts a fuzzed button press: only a press whose context
// carries a token signed for its channel, on the bot's post there, by a
// member, is taken, with that token.
func FuzzAction(f *testing.F) {
	tr := newFzTransport(f)
	press := func(user, channel, post string, ctx map[string]any) []byte {
		b, _ := json.Marshal(model.PostActionIntegrationRequest{UserId: user, UserName: "olga", ChannelId: channel,
			PostId: post, TeamId: "teamteamid0000000000000000", Type: model.PostActionTypeButton, Context: ctx})
		return b
	}
	good := map[string]any{"t": "tok-yes", "s": tr.sign("tok-yes", fzChannel)}
	for _, b := range [][]byte{
		press(fzUser, fzChannel, fzPost, good),
		press(fzUser, fzChannel, fzPost, map[string]any{"t": "tok-yes", "s": "0000"}),
		press(fzUser, fzChannel, fzPost, map[string]any{"t": "tok-other", "s": good["s"]}),
		press(fzUser, fzChannel, fzPost, nil),
		press(fzUser, fzChannel, fzPost, map[string]any{"t": 1, "s": good["s"]}),
		press(fzUser, fzDM, fzPost, good),
		press("strangerid00000000000000000", fzChannel, fzPost, good),
		press(fzUser, fzChannel, fzOwnPost, good),
		press(fzUser, fzChannel, "../users/"+fzBot, good),
		press("", fzChannel, fzPost, good),
		append(press(fzUser, fzChannel, fzPost, good), " trailing"...),
		[]byte(`{"user_id":"` + fzUser + `","context":{"t":"tok-yes","s":"` + good["s"].(string) + `"}}`),
		[]byte(`{"user_id":`), []byte(`[]`), []byte(`null`), []byte(``),
	} {
		f.Add(b)
	}
	in := &fzInbox{}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		tr.handleAction(w, fzRequest(ActionPath, "application/json", body), in)
		taken := in.taken()
		var req model.PostActionIntegrationRequest
		err := json.NewDecoder(bytes.NewReader(body)).Decode(&req)
		token, _ := req.Context["t"].(string)
		sig, _ := req.Context["s"].(string)
		switch {
		case err != nil || len(body) > 64<<10:
			fzStatus(t, w, taken, http.StatusBadRequest, "a press that does not decode")
			return
		case token == "" || req.UserId == "" || sig != tr.sign(token, req.ChannelId):
			fzStatus(t, w, taken, http.StatusForbidden, "a press without a good signature")
			return
		case req.PostId != fzPost || req.ChannelId != fzChannel || req.UserId != fzUser:
			fzStatus(t, w, taken, http.StatusForbidden, "a press not by a member on the bot's post")
			return
		}
		fzStatus(t, w, taken, http.StatusOK, "a press")
		if len(taken) != 1 || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("a press: %q, %+v", w.Body.String(), taken)
		}
		u := taken[0]
		if u.Platform != Platform || u.Token != token || u.ChatID != req.ChannelId || u.UserID != req.UserId ||
			u.MessageID != req.PostId || u.ThreadID != "rootpostid0000000000000000" || u.Text != "" || u.Command != "" {
			t.Fatalf("press %s gave %+v", body, u)
		}
	})
}
