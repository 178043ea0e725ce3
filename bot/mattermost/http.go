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

// serveHTTP starts the endpoint for button presses and the slash command.
func (t *Transport) serveHTTP(ctx context.Context, in bot.Inbox, errc chan<- error) error {
	mux := t.Handler(in)
	l, err := net.Listen("tcp", t.cfg.HTTPAddr)
	if err != nil {
		return err
	}
	t.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		if err := t.server.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return nil
}

// Handler is the endpoint for button presses and the slash command
// (ActionPath, CommandPath), for a caller that serves it itself
// (Config.ExternalHTTP). Until the bot account is known (Identify) it
// answers 503, so Mattermost shows the press as failed rather than lost.
func (t *Transport) Handler(in bot.Inbox) *http.ServeMux {
	mux := http.NewServeMux()
	ready := func(h func(http.ResponseWriter, *http.Request, bot.Inbox)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if t.BotUserID() == "" {
				http.Error(w, "starting", http.StatusServiceUnavailable)
				return
			}
			h(w, r, in)
		}
	}
	mux.HandleFunc("POST "+ActionPath, ready(t.handleAction))
	mux.HandleFunc("POST "+CommandPath, ready(t.handleCommand))
	return mux
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
// The request must come from the server's address and its context must
// carry a token signed for the channel; the bot then checks that the token
// belongs to the presser. The server is answered once the press is stored
// in the inbox; what it does comes as posts.
func (t *Transport) handleAction(w http.ResponseWriter, r *http.Request, in bot.Inbox) {
	if !t.fromServer(w, r) {
		return
	}
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
	// The press must be on a post of the bot's in that channel, by one of
	// the channel's members.
	post, _, err := t.client.GetPost(r.Context(), req.PostId, "")
	if err != nil || post.UserId != t.BotUserID() || post.ChannelId != req.ChannelId || !t.member(r.Context(), req.ChannelId, req.UserId) {
		t.log.Warn().Str("user_id", req.UserId).Str("chat_id", req.ChannelId).Str("post_id", req.PostId).
			Msg("button press on a post that is not the bot's, or by a non-member, refused")
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	u, err := t.update(r.Context(), req.ChannelId, req.UserId, post.RootId)
	if err != nil {
		t.log.Warn().Err(err).Str("chat_id", req.ChannelId).Msg("button press")
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	u.Token, u.MessageID, u.CallbackID = token, req.PostId, newPressID()
	if u.ChatType == bot.ChatGroup {
		u.ThreadID = rootOf(post)
	}
	answer := t.presses.expect(u.CallbackID)
	if err := in.Take(r.Context(), nil, u); err != nil {
		t.presses.forget(u.CallbackID)
		t.log.Warn().Err(err).Str("chat_id", req.ChannelId).Msg("button press not taken")
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	// The press is stored: the server is answered once DealDesk has handled
	// it, so that a refusal comes back as the press's ephemeral text, seen
	// by the presser alone; a press that takes longer is answered empty.
	timer := time.NewTimer(t.cfg.PressAnswerWait)
	defer timer.Stop()
	var text string
	select {
	case text = <-answer:
	case <-timer.C:
		text = t.presses.forget(u.CallbackID)
	case <-r.Context().Done():
		text = t.presses.forget(u.CallbackID)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(model.PostActionIntegrationResponse{EphemeralText: text})
}

// handleCommand takes "/crm <command> …": the request must come from the
// server's address and carry the token of a registered command. Its update
// is unverified: nothing proves that the user it names sent it. The answer
// comes as posts; the HTTP response is empty so that the server shows
// nothing of its own; it is sent once the command is stored in the inbox.
func (t *Transport) handleCommand(w http.ResponseWriter, r *http.Request, in bot.Inbox) {
	if !t.fromServer(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
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
	channel, user := r.Form.Get("channel_id"), r.Form.Get("user_id")
	if !t.member(r.Context(), channel, user) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if !t.member(r.Context(), channel, t.BotUserID()) {
		// The bot cannot post here (a private channel, two people's direct
		// messages): say so to the user alone.
		_ = json.NewEncoder(w).Encode(model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral,
			Text: t.cfg.NotMemberText})
		return
	}
	u, err := t.update(r.Context(), channel, user, r.Form.Get("root_id"))
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
	var ok bool
	if u.Command, u.Args, ok = bot.ParseCommand(u.Text); !ok {
		// Not a command ("/crm @x"): never a dialog's answer, which would
		// come unproven.
		u.Command, u.Args = "help", ""
	}
	// The request names its user, but anyone who has the command's token
	// could have sent it: commands that change something wait for the
	// user's confirmation in their direct chat with the bot.
	u.Unverified = true
	if err := in.Take(r.Context(), nil, u); err != nil {
		t.log.Warn().Err(err).Msg("slash command not taken")
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
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

// member reports whether a user is a member of a channel.
func (t *Transport) member(ctx context.Context, channelID, userID string) bool {
	if channelID == "" || userID == "" {
		return false
	}
	_, _, err := t.client.GetChannelMember(ctx, channelID, userID, "")
	return err == nil
}

// rootOf is the thread a reply to post belongs in.
func rootOf(p *model.Post) string {
	if p.RootId != "" {
		return p.RootId
	}
	return p.Id
}
