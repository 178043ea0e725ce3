package mattermost_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/mattermost"
	"github.com/dealdesk/dealdesk/core"
)

// fakeServer speaks the parts of Mattermost's REST API the transport uses,
// with Mattermost's JSON and error bodies, and records the posts.
type fakeServer struct {
	*httptest.Server
	mu      sync.Mutex
	posts   map[string]*model.Post
	order   []string
	fail    []fakeFailure // answers for the next post creations
	headers http.Header   // extra headers on the next answer
	files   []string      // uploaded "name@channel"
}

type fakeFailure struct {
	status int
	header http.Header
}

const botID, userID, channelID, dmID = "botuserid00000000000000000", "useruserid0000000000000000", "chanchanid0000000000000000", "dmdmdmdmid0000000000000000"

func newFake(t *testing.T) *fakeServer {
	f := &fakeServer{posts: map[string]*model.Post{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/me", func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Authorization"), "Bearer good-token") {
			apiError(w, http.StatusUnauthorized, "api.context.session_expired.app_error", "Invalid or expired session, please login again.")
			return
		}
		writeJSON(w, &model.User{Id: botID, Username: "dealdesk"})
	})
	mux.HandleFunc("GET /api/v4/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, &model.User{Id: r.PathValue("id"), Username: "olga", FirstName: "Ольга", Locale: "ru"})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}", func(w http.ResponseWriter, r *http.Request) {
		typ := model.ChannelTypeOpen
		if r.PathValue("id") == dmID {
			typ = model.ChannelTypeDirect
		}
		writeJSON(w, &model.Channel{Id: r.PathValue("id"), Type: typ, DisplayName: "Work"})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}/members/{user}", func(w http.ResponseWriter, r *http.Request) {
		if u := r.PathValue("user"); u != userID && u != botID {
			apiError(w, http.StatusNotFound, "app.channel.get_member.missing.app_error", "No channel member found for that user ID and channel ID.")
			return
		}
		writeJSON(w, &model.ChannelMember{ChannelId: r.PathValue("id"), UserId: r.PathValue("user")})
	})
	mux.HandleFunc("POST /api/v4/channels/direct", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, &model.Channel{Id: dmID, Type: model.ChannelTypeDirect})
	})
	mux.HandleFunc("POST /api/v4/posts", f.createPost)
	mux.HandleFunc("POST /api/v4/files", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			apiError(w, http.StatusBadRequest, "api.file.upload_file.parse.app_error", "Could not parse the form.")
			return
		}
		resp := &model.FileUploadResponse{}
		for _, fh := range r.MultipartForm.File["files"] {
			f.mu.Lock()
			f.files = append(f.files, fh.Filename+"@"+r.FormValue("channel_id"))
			f.mu.Unlock()
			resp.FileInfos = append(resp.FileInfos, &model.FileInfo{Id: model.NewId(), Name: fh.Filename})
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(resp)
	})
	mux.HandleFunc("GET /api/v4/posts/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		p := f.posts[r.PathValue("id")]
		f.mu.Unlock()
		if p == nil {
			apiError(w, http.StatusNotFound, "app.post.get.app_error", "Unable to get the post.")
			return
		}
		writeJSON(w, p)
	})
	mux.HandleFunc("PUT /api/v4/posts/{id}/patch", func(w http.ResponseWriter, r *http.Request) {
		var patch model.PostPatch
		_ = json.NewDecoder(r.Body).Decode(&patch)
		f.mu.Lock()
		defer f.mu.Unlock()
		p := f.posts[r.PathValue("id")]
		if patch.Message != nil {
			p.Message = *patch.Message
		}
		if patch.Props != nil {
			p.SetProps(*patch.Props)
		}
		writeJSON(w, p)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) createPost(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.fail) > 0 {
		ff := f.fail[0]
		f.fail = f.fail[1:]
		for k, v := range ff.header {
			w.Header()[k] = v
		}
		switch ff.status {
		case http.StatusTooManyRequests:
			w.WriteHeader(ff.status)
			_, _ = w.Write([]byte("limit exceeded\n")) // Mattermost's limiter answers in plain text
		default:
			apiError(w, ff.status, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
		}
		return
	}
	var p model.Post
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		apiError(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "Invalid or missing post in request body.")
		return
	}
	p.Id = model.NewId()
	p.UserId, p.CreateAt = botID, model.GetMillis()
	f.posts[p.Id] = &p
	f.order = append(f.order, p.Id)
	for k, v := range f.headers {
		w.Header()[k] = v
	}
	f.headers = nil
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(&p)
}

func (f *fakeServer) last(t *testing.T) *model.Post {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.order) == 0 {
		t.Fatal("nothing posted")
	}
	return f.posts[f.order[len(f.order)-1]]
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, id, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "message": msg, "status_code": status})
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func newTransport(t *testing.T, f *fakeServer) (*mattermost.Transport, mattermost.Config) {
	t.Helper()
	return transportWith(t, f, 100*time.Millisecond) // nothing answers the presses of these tests
}

func TestNewRefusesABadToken(t *testing.T) {
	f := newFake(t)
	_, err := mattermost.New(context.Background(), mattermost.Config{URL: f.URL, Token: "bad-token",
		HTTPAddr: "127.0.0.1:0", Secret: []byte("s")}, zerolog.Nop())
	if err == nil || strings.Contains(err.Error(), "bad-token") {
		t.Fatalf("New = %v; want an error that does not show the token", err)
	}
}

func TestSendButtonsThreadsAndDirectMessages(t *testing.T) {
	f := newFake(t)
	tr, _ := newTransport(t, f)
	ctx := context.Background()
	id, err := tr.Send(ctx, &bot.Message{ChatID: channelID, ThreadID: "rootpost", Text: "Карточка",
		Mentions: []bot.Mention{{ID: userID, Name: "Участник"}}, Buttons: [][]bot.ButtonView{{{Label: "История", Token: "tok1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	p := f.last(t)
	if p.Id != id || p.RootId != "rootpost" || p.Message != "@olga Карточка" {
		t.Fatalf("post = %+v", p)
	}
	acts := p.Attachments()[0].Actions
	if len(acts) != 1 || acts[0].Name != "История" || acts[0].Integration.Context["t"] != "tok1" ||
		!strings.HasSuffix(acts[0].Integration.URL, mattermost.ActionPath) {
		t.Fatalf("actions = %+v", acts[0])
	}
	// A decided question loses its buttons.
	if _, err := tr.Send(ctx, &bot.Message{ChatID: channelID, EditID: id}); err != nil {
		t.Fatal(err)
	}
	if got := f.last(t); len(got.Attachments()) != 0 || got.Message != "@olga Карточка" {
		t.Fatalf("after the edit: %+v", got)
	}
	// A personal notification goes to the direct channel with the user.
	if _, err := tr.Send(ctx, &bot.Message{ChatID: userID, Direct: true, Text: "Вам задача"}); err != nil {
		t.Fatal(err)
	}
	if got := f.last(t); got.ChannelId != dmID {
		t.Fatalf("direct message went to %s", got.ChannelId)
	}
}

func TestSendErrors(t *testing.T) {
	f := newFake(t)
	tr, _ := newTransport(t, f)
	f.fail = []fakeFailure{{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"7"}}},
		{status: http.StatusForbidden}, {status: http.StatusBadGateway}}
	_, err := tr.Send(context.Background(), &bot.Message{ChatID: channelID, Text: "x"})
	var rl *bot.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("429: %v; want RateLimitError of 7s", err)
	}
	if _, err = tr.Send(context.Background(), &bot.Message{ChatID: channelID, Text: "x"}); !bot.IsPermanent(err) {
		t.Fatalf("403: %v; want a permanent error", err)
	}
	if _, err = tr.Send(context.Background(), &bot.Message{ChatID: channelID, Text: "x"}); err == nil || bot.IsPermanent(err) {
		t.Fatalf("502: %v; want a retryable error", err)
	}
}

func TestSendWaitsWhenNoRequestsRemain(t *testing.T) {
	f := newFake(t)
	tr, _ := newTransport(t, f)
	f.headers = http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"5"}}
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: channelID, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := tr.Send(ctx, &bot.Message{ChatID: channelID, Text: "y"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send = %v; want it to wait for the rate limit window", err)
	}
}

// run starts the transport and collects the updates it hands over.
func run(t *testing.T, tr *mattermost.Transport) chan *bot.Update {
	t.Helper()
	got := make(chan *bot.Update, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = tr.Run(ctx, chanInbox(got))
	}()
	t.Cleanup(func() { cancel(); <-done })
	return got
}

func post(t *testing.T, url, contentType, body string) int {
	t.Helper()
	var resp *http.Response
	var err error
	for range 50 { // the endpoint starts with Run
		if resp, err = http.Post(url, contentType, strings.NewReader(body)); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestActionsAreCheckedBySignature(t *testing.T) {
	f := newFake(t)
	tr, cfg := newTransport(t, f)
	got := run(t, tr)
	// A real button, as DealDesk rendered it.
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: channelID, Text: "Вопрос",
		Buttons: [][]bot.ButtonView{{{Label: "Да", Token: "tok-yes"}}}}); err != nil {
		t.Fatal(err)
	}
	p := f.last(t)
	ctxt := p.Attachments()[0].Actions[0].Integration.Context
	pressAs := func(user, channel, postID string, context map[string]any) int {
		body, _ := json.Marshal(model.PostActionIntegrationRequest{UserId: user, ChannelId: channel, PostId: postID, Context: context})
		return post(t, "http://"+cfg.HTTPAddr+mattermost.ActionPath, "application/json", string(body))
	}
	press := func(channel string, context map[string]any) int { return pressAs(userID, channel, p.Id, context) }
	if code := press(channelID, ctxt); code != http.StatusOK {
		t.Fatalf("genuine press answered %d", code)
	}
	u := <-got
	if u.Token != "tok-yes" || u.UserID != userID || u.ChatID != channelID || u.MessageID != p.Id || u.ThreadID != p.Id ||
		u.Locale != "ru" || u.UserName != "Ольга" {
		t.Fatalf("update = %+v", u)
	}
	for name, c := range map[string]map[string]any{
		"forged signature": {"t": "tok-yes", "s": "0000"},
		"other token":      {"t": "tok-other", "s": ctxt["s"]},
		"no context":       nil,
	} {
		if code := press(channelID, c); code != http.StatusForbidden {
			t.Errorf("%s answered %d, want 403", name, code)
		}
	}
	if code := press(dmID, ctxt); code != http.StatusForbidden {
		t.Errorf("a token replayed in another channel answered %d, want 403", code)
	}
	if code := pressAs("strangerid00000000000000000", channelID, p.Id, ctxt); code != http.StatusForbidden {
		t.Errorf("a press by a non-member answered %d, want 403", code)
	}
	if code := pressAs(userID, channelID, "notthebotspost0000000000000", ctxt); code != http.StatusForbidden {
		t.Errorf("a press naming another post answered %d, want 403", code)
	}
	select {
	case u := <-got:
		t.Fatalf("a refused press reached the bot: %+v", u)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestSlashCommand(t *testing.T) {
	f := newFake(t)
	tr, cfg := newTransport(t, f)
	got := run(t, tr)
	endpoint := "http://" + cfg.HTTPAddr + mattermost.CommandPath
	form := func(token, text string) string {
		return url.Values{"token": {token}, "text": {text}, "user_id": {userID}, "channel_id": {channelID},
			"command": {"/crm"}}.Encode()
	}
	if code := post(t, endpoint, "application/x-www-form-urlencoded", form("wrong", "deals")); code != http.StatusForbidden {
		t.Fatalf("a wrong token answered %d", code)
	}
	if code := post(t, endpoint, "application/x-www-form-urlencoded", form("cmd-token", "deal new")); code != http.StatusOK {
		t.Fatalf("the command answered %d", code)
	}
	u := <-got
	if u.Command != "deal" || u.Args != "new" || u.CommandPrefix != "/crm " || u.ChatType != bot.ChatGroup {
		t.Fatalf("update = %+v", u)
	}
	post(t, endpoint, "application/x-www-form-urlencoded", form("cmd-token", ""))
	if u := <-got; u.Command != "help" {
		t.Fatalf("bare /crm = %+v, want help", u)
	}
}

func TestSendFiles(t *testing.T) {
	f := newFake(t)
	tr, _ := newTransport(t, f)
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: channelID, Text: "Отчёт",
		Files: []bot.File{{Name: "report.xlsx", Data: []byte("PK")}}}); err != nil {
		t.Fatal(err)
	}
	if p := f.last(t); len(p.FileIds) != 1 || len(f.files) != 1 || f.files[0] != "report.xlsx@"+channelID {
		t.Fatalf("post = %+v, uploads = %q", p, f.files)
	}
}

// chanInbox hands each taken update to a channel.
type chanInbox chan *bot.Update

func (c chanInbox) Take(_ context.Context, _ *core.TransportCursor, ups ...*bot.Update) error {
	for _, u := range ups {
		c <- u
	}
	return nil
}

func (chanInbox) Cursor(context.Context, string) (string, error) { return "", nil }

func (chanInbox) Settle(context.Context, string, string) error { return nil }
