package mattermost

import (
	"context"
	"crypto/hmac"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot"
)

// actionWait bounds how long a button press is handled before the server,
// which waits for the answer, is answered anyway.
const actionWait = 20 * time.Second

// serveHTTP starts the endpoint for button presses and the slash command.
func (t *Transport) serveHTTP(ctx context.Context, d *dispatcher, errc chan<- error) error {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+ActionPath, func(w http.ResponseWriter, r *http.Request) { t.handleAction(w, r, d) })
	mux.HandleFunc("POST "+CommandPath, func(w http.ResponseWriter, r *http.Request) { t.handleCommand(w, r, d) })
	l, err := net.Listen("tcp", t.cfg.HTTPAddr)
	if err != nil {
		return err
	}
	t.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: actionWait + 10*time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		if err := t.server.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return nil
}

func (t *Transport) shutdownHTTP() {
	if t.server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = t.server.Shutdown(ctx)
}

// handleAction takes a button press that the Mattermost server forwards.
// The context must carry a token signed for the channel; the bot then
// checks that the token belongs to the presser.
func (t *Transport) handleAction(w http.ResponseWriter, r *http.Request, d *dispatcher) {
	var req model.PostActionIntegrationRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	token, _ := req.Context["t"].(string)
	sig, _ := req.Context["s"].(string)
	if token == "" || req.UserId == "" || !hmac.Equal([]byte(sig), []byte(t.sign(token, req.ChannelId))) {
		t.log.Warn().Str("user_id", req.UserId).Str("chat_id", req.ChannelId).Str("remote", r.RemoteAddr).
			Msg("button press with a bad signature refused")
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	u, err := t.update(r.Context(), req.ChannelId, req.UserId, "")
	if err != nil {
		t.log.Warn().Err(err).Str("chat_id", req.ChannelId).Msg("button press")
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	u.Token, u.MessageID = token, req.PostId
	if post, _, err := t.client.GetPost(r.Context(), req.PostId, ""); err == nil && u.ChatType == bot.ChatGroup {
		u.ThreadID = rootOf(post)
	} else if err == nil {
		u.ThreadID = post.RootId
	}
	select {
	case <-d.push(u, nil):
	case <-time.After(actionWait):
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(model.PostActionIntegrationResponse{})
}

// handleCommand takes "/crm <command> …": the request must carry the token
// of a registered command. The answer comes as posts; the HTTP response is
// empty so that the server shows nothing of its own.
func (t *Transport) handleCommand(w http.ResponseWriter, r *http.Request, d *dispatcher) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if !t.commandToken(r.Form.Get("token")) {
		t.log.Warn().Str("user_id", r.Form.Get("user_id")).Str("remote", r.RemoteAddr).
			Msg("slash command with a wrong token refused")
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	u, err := t.update(r.Context(), r.Form.Get("channel_id"), r.Form.Get("user_id"), r.Form.Get("root_id"))
	if err != nil {
		t.log.Warn().Err(err).Msg("slash command")
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	text := strings.TrimSpace(r.Form.Get("text"))
	if text == "" {
		text = "help"
	}
	u.Text = "/" + text
	u.Command, u.Args, _ = bot.ParseCommand(u.Text)
	d.push(u, nil)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral})
}

func (t *Transport) commandToken(token string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for known := range t.commandTokens {
		if subtle.ConstantTimeCompare([]byte(known), []byte(token)) == 1 {
			return true
		}
	}
	return false
}

// rootOf is the thread a reply to post belongs in.
func rootOf(p *model.Post) string {
	if p.RootId != "" {
		return p.RootId
	}
	return p.Id
}
