package mattermost

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot"
)

// listen reads the websocket, reconnecting with backoff. After a reconnect
// it reads every channel of the bot since the last post it handled, so
// nothing posted while it was away is lost.
func (t *Transport) listen(ctx context.Context, d *dispatcher) error {
	wsURL := "ws" + strings.TrimPrefix(t.cfg.URL, "http")
	backoff := t.cfg.ReconnectMin
	connected := false
	for ctx.Err() == nil {
		ws, err := model.NewWebSocketClient4(wsURL, t.cfg.Token)
		if err != nil {
			t.log.Warn().Err(t.scrub(err)).Dur("retry_in", backoff).Msg("mattermost websocket")
			if !sleep(ctx, backoff) {
				break
			}
			backoff = min(backoff*2, t.cfg.ReconnectMax)
			continue
		}
		ws.Listen()
		if connected || t.loadCursor() {
			t.catchUp(ctx, d)
		} else {
			t.mu.Lock()
			t.lastSeen = model.GetMillis()
			t.mu.Unlock()
		}
		connected, backoff = true, t.cfg.ReconnectMin
		t.read(ctx, ws, d)
		ws.Close()
		if ctx.Err() == nil {
			t.log.Warn().Msg("mattermost websocket closed; reconnecting")
			sleep(ctx, backoff)
		}
	}
	return ctx.Err()
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// read handles events until the connection ends or ctx is done.
func (t *Transport) read(ctx context.Context, ws *model.WebSocketClient, d *dispatcher) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ws.PingTimeoutChannel:
			return
		case ev, ok := <-ws.EventChannel:
			if !ok {
				return
			}
			if ev.EventType() != model.WebsocketEventPosted {
				continue
			}
			data := ev.GetData()
			raw, _ := data["post"].(string)
			var p model.Post
			if err := json.Unmarshal([]byte(raw), &p); err != nil {
				t.log.Warn().Err(err).Msg("mattermost: undecodable post event")
				continue
			}
			t.onPost(ctx, &p, d)
		}
	}
}

// catchUp reads the posts of every channel of the bot since the last one
// handled.
func (t *Transport) catchUp(ctx context.Context, d *dispatcher) {
	t.mu.Lock()
	since := t.lastSeen
	t.mu.Unlock()
	channels, resp, err := t.client.GetChannelsForUserWithLastDeleteAt(ctx, t.botID, 0)
	t.limit.observe(resp)
	if err != nil {
		t.log.Warn().Err(t.scrub(err)).Msg("mattermost catch-up: list channels")
		return
	}
	var missed []*model.Post
	for _, c := range channels {
		list, resp, err := t.client.GetPostsSince(ctx, c.Id, since, false)
		t.limit.observe(resp)
		if err != nil {
			t.log.Warn().Err(t.scrub(err)).Str("chat_id", c.Id).Msg("mattermost catch-up: read channel")
			continue
		}
		for _, p := range list.Posts {
			if p.CreateAt > since && p.DeleteAt == 0 {
				missed = append(missed, p)
			}
		}
	}
	slices.SortFunc(missed, func(a, b *model.Post) int { return int(a.CreateAt - b.CreateAt) })
	if len(missed) > 0 {
		t.log.Info().Int("posts", len(missed)).Msg("mattermost: handling posts missed while disconnected")
	}
	for _, p := range missed {
		t.onPost(ctx, p, d)
	}
}

// onPost turns a user's post into an update, once.
func (t *Transport) onPost(ctx context.Context, p *model.Post, d *dispatcher) {
	if p.UserId == t.botID || p.Type != "" || p.GetProp(model.PostPropsFromBot) == "true" || p.Message == "" {
		return
	}
	t.mu.Lock()
	if t.seen[p.Id] {
		t.mu.Unlock()
		return
	}
	if len(t.seen) > 10000 {
		t.seen = map[string]bool{}
	}
	t.seen[p.Id] = true
	t.lastSeen = max(t.lastSeen, p.CreateAt)
	t.pending[p.Id] = p.CreateAt
	t.mu.Unlock()
	u, err := t.update(ctx, p.ChannelId, p.UserId, p.RootId)
	if err != nil {
		t.log.Warn().Err(err).Str("chat_id", p.ChannelId).Msg("mattermost: post")
		return
	}
	u.MessageID, u.Text = p.Id, p.Message
	if u.ChatType == bot.ChatGroup {
		u.ThreadID = rootOf(p)
	}
	u.Command, u.Args, _ = bot.ParseCommand(p.Message)
	d.push(u, func() { t.handled(p.Id) })
}

// handled records that a post was handled and saves the cursor: the time
// before the oldest post still waiting, or of the newest post seen. A post
// queued but not handled when DealDesk stops is read again after the
// restart (at least once, like the outbox).
func (t *Transport) handled(postID string) {
	t.mu.Lock()
	delete(t.pending, postID)
	cursor := t.lastSeen
	for _, at := range t.pending {
		cursor = min(cursor, at-1)
	}
	t.mu.Unlock()
	t.saveCursor(cursor)
}

// update builds an update's chat and user fields: a direct message is a
// private chat where commands may come without the slash; the user's
// Mattermost language is the locale hint.
func (t *Transport) update(ctx context.Context, channelID, userID, rootID string) (*bot.Update, error) {
	c, err := t.channels.get(ctx, channelID)
	if err != nil {
		return nil, t.scrub(err)
	}
	usr, err := t.users.get(ctx, userID)
	if err != nil {
		return nil, t.scrub(err)
	}
	u := &bot.Update{Platform: Platform, ChatID: channelID, ChatType: bot.ChatGroup, ChatTitle: c.DisplayName,
		UserID: userID, UserName: displayName(usr), Locale: usr.Locale, ThreadID: rootID}
	if c.Type == model.ChannelTypeDirect {
		u.ChatType, u.BareCommands = bot.ChatPrivate, true
	} else {
		u.CommandPrefix = "/" + t.cfg.CommandTrigger + " "
	}
	return u, nil
}

func displayName(u *model.User) string {
	if name := strings.TrimSpace(u.FirstName + " " + u.LastName); name != "" {
		return name
	}
	return u.Username
}
