package mattermost

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// Catch-up settings.
const (
	catchUpEvery  = time.Minute      // a safety net besides the catch-up after each connect
	catchUpMargin = 2 * time.Minute  // read this far back; the seen set drops duplicates
	seenFor       = 10 * time.Minute // how long taken post ids are remembered here (the inbox knows them longer)
	stableAfter   = 30 * time.Second // a connection this old resets the backoff
	catchUpPage   = 200              // posts per page (pages of 30 or 60 are cached by the server)
	// Posts that could not be taken hold the cursor back until they are.
	// A post that never can be taken must not hold it forever, and the
	// catch-up must not read again posts taken longer ago than the inbox
	// remembers them (core.InboxRetention), or they are taken twice: a post
	// is given up failedFor after it first failed, and only the newest
	// maxFailed are remembered.
	failedFor = 24 * time.Hour
	maxFailed = 1000
)

// cursorName names the Mattermost cursor in the inbox: the create_at of
// the newest post taken, saved in the transaction that takes it; while a
// post could not be taken, at most the create_at of the oldest such post
// less 1, so that a restart reads it again.
const cursorName = "mattermost"

// listen reads the websocket, reconnecting with backoff. Each connection
// first waits for the server's hello, then reads every active channel of
// the bot since the newest post taken, so nothing posted while DealDesk was
// away or reconnecting is lost; it repeats that read every minute. Posts
// read twice are recognized by the inbox.
func (t *Transport) listen(ctx context.Context, in bot.Inbox) error {
	wsURL := "ws" + strings.TrimPrefix(t.cfg.URL, "http")
	backoff := t.cfg.ReconnectMin
	if err := t.loadCursor(ctx, in); err != nil {
		return err
	}
	for ctx.Err() == nil {
		ws, err := model.NewWebSocketClient4(wsURL, t.cfg.Token)
		if err != nil {
			t.log.Warn().Err(t.scrub(err)).Dur("retry_in", backoff).Msg("mattermost websocket")
			sleep(ctx, backoff)
			backoff = min(backoff*2, t.cfg.ReconnectMax)
			continue
		}
		ws.Listen()
		start := time.Now()
		if closed := t.read(ctx, ws, in); closed && ws.ListenError != nil {
			// Read only once the event channel is closed: the library sets it
			// just before closing that channel.
			t.log.Warn().Err(t.scrub(ws.ListenError)).Msg("mattermost websocket")
		}
		ws.Close()
		if time.Since(start) > stableAfter {
			backoff = t.cfg.ReconnectMin
		}
		if ctx.Err() == nil {
			t.log.Warn().Dur("retry_in", backoff).Msg("mattermost websocket closed; reconnecting")
			sleep(ctx, backoff)
			backoff = min(backoff*2, t.cfg.ReconnectMax)
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

// read handles events until the connection ends (closed: true) or ctx is
// done or the pings time out. The catch-up runs once the server's hello says
// the connection is registered.
func (t *Transport) read(ctx context.Context, ws *model.WebSocketClient, in bot.Inbox) (closed bool) {
	tick := time.NewTicker(catchUpEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-ws.PingTimeoutChannel:
			return false
		case <-tick.C:
			t.catchUp(ctx, in, false)
		case ev, ok := <-ws.EventChannel:
			if !ok {
				return true
			}
			switch ev.EventType() {
			case model.WebsocketEventHello:
				t.catchUp(ctx, in, true)
			case model.WebsocketEventPosted:
				raw, _ := ev.GetData()["post"].(string)
				var p model.Post
				if err := json.Unmarshal([]byte(raw), &p); err != nil {
					t.log.Warn().Err(err).Msg("mattermost: undecodable post event")
					continue
				}
				t.onPost(ctx, &p, in)
			}
		}
	}
}

// catchUp reads the posts of the bot's channels since a little before the
// newest post taken, or since the oldest post that could not be taken when
// that is earlier: of every channel when thorough, else of the channels
// active lately.
func (t *Transport) catchUp(ctx context.Context, in bot.Inbox, thorough bool) {
	t.mu.Lock()
	since := t.lastSeen - catchUpMargin.Milliseconds()
	t.forgetFailedLocked(time.Now())
	if oldest, ok := t.oldestFailedLocked(""); ok {
		since = min(since, oldest)
	}
	t.mu.Unlock()
	if err := t.limit.wait(ctx); err != nil {
		return
	}
	channels, resp, err := t.client.GetChannelsForUserWithLastDeleteAt(ctx, t.BotUserID(), 0)
	t.limit.observe(resp)
	if err != nil {
		t.log.Warn().Err(t.scrub(err)).Msg("mattermost catch-up: list channels")
		return
	}
	var missed []*model.Post
	for _, c := range channels {
		if !thorough && c.LastPostAt < since-time.Hour.Milliseconds() {
			// The periodic pass skips quiet channels. The field lags behind
			// new posts (the server caches channels), so the pass after a
			// connect reads every channel.
			continue
		}
		posts, err := t.postsSince(ctx, c.Id, since)
		if err != nil {
			t.log.Warn().Err(t.scrub(err)).Str("chat_id", c.Id).Msg("mattermost catch-up: read channel")
			continue
		}
		missed = append(missed, posts...)
	}
	slices.SortStableFunc(missed, func(a, b *model.Post) int { return int(a.CreateAt - b.CreateAt) })
	for _, p := range missed {
		t.onPost(ctx, p, in)
	}
}

// postsSince pages through a channel's posts, newest first, down to since.
func (t *Transport) postsSince(ctx context.Context, channelID string, since int64) ([]*model.Post, error) {
	var out []*model.Post
	for page := 0; ; page++ {
		if err := t.limit.wait(ctx); err != nil {
			return out, err
		}
		list, resp, err := t.client.GetPostsForChannel(ctx, channelID, page, catchUpPage, "", false, false)
		t.limit.observe(resp)
		if err != nil {
			return out, err
		}
		older := false
		for _, id := range list.Order {
			p := list.Posts[id]
			if p.CreateAt >= since {
				out = append(out, p)
			} else {
				older = true
			}
		}
		if older || len(list.Order) < catchUpPage {
			return out, nil
		}
	}
}

// loadCursor starts reading where the inbox says the last run stopped; on
// the very first start, with what is posted from now on.
func (t *Transport) loadCursor(ctx context.Context, in bot.Inbox) error {
	v, err := in.Cursor(ctx, cursorName)
	if err != nil {
		return err
	}
	at, _ := strconv.ParseInt(v, 10, 64)
	t.mu.Lock()
	defer t.mu.Unlock()
	if at > t.lastSeen {
		t.lastSeen = at
	}
	if t.lastSeen == 0 {
		t.lastSeen = model.GetMillis()
	}
	return nil
}

// onPost turns a user's post into an update and hands it to the inbox with
// the cursor, once: the post's id is the update's, so a post read again
// (a catch-up, a restart) is not taken twice. A post's files come with it
// by reference (their ids); its text is their command.
func (t *Transport) onPost(ctx context.Context, p *model.Post, in bot.Inbox) {
	if p.UserId == t.BotUserID() || p.Type != "" || p.DeleteAt != 0 || p.Message == "" && len(p.FileIds) == 0 ||
		p.GetProp(model.PostPropsFromBot) == "true" || p.GetProp(model.PostPropsFromWebhook) == "true" {
		t.mu.Lock()
		delete(t.failed, p.Id) // deleted since it failed: nothing to take
		t.mu.Unlock()
		return
	}
	t.mu.Lock()
	_, seen := t.seen[p.Id]
	t.mu.Unlock()
	if seen {
		return
	}
	u, err := t.update(ctx, p.ChannelId, p.UserId, p.RootId)
	if err != nil {
		t.log.Warn().Err(err).Str("chat_id", p.ChannelId).Msg("mattermost: post")
		t.failedToTake(p)
		return
	}
	u.ID, u.MessageID, u.Text = p.Id, p.Id, p.Message
	if u.Files, err = t.postFiles(ctx, p); err != nil {
		t.log.Warn().Err(err).Str("chat_id", p.ChannelId).Msg("mattermost: the files of a post")
		t.failedToTake(p)
		return
	}
	if u.Text == "" && len(u.Files) == 0 {
		return // its files are gone
	}
	if u.ChatType == bot.ChatGroup {
		u.ThreadID = rootOf(p)
	}
	u.Command, u.Args, _ = bot.ParseCommand(p.Message)
	t.mu.Lock()
	at := max(t.lastSeen, p.CreateAt)
	if oldest, ok := t.oldestFailedLocked(p.Id); ok {
		at = min(at, oldest-1) // a restart must read that post again
	}
	cur := &core.TransportCursor{Name: cursorName, Value: strconv.FormatInt(at, 10)}
	t.mu.Unlock()
	if err := in.Take(ctx, cur, u); err != nil {
		t.log.Warn().Err(err).Str("chat_id", p.ChannelId).Msg("mattermost: post not taken")
		t.failedToTake(p)
		return
	}
	t.mu.Lock()
	delete(t.failed, p.Id)
	t.seen[p.Id] = p.CreateAt
	t.lastSeen = max(t.lastSeen, p.CreateAt)
	t.forgetOldLocked()
	t.mu.Unlock()
}

// failedToTake remembers a post that could not be taken: until it is, the
// catch-up reads from it and the cursor saved stays before it, however far
// later posts move on.
func (t *Transport) failedToTake(p *model.Post) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if _, ok := t.failed[p.Id]; !ok {
		t.failed[p.Id] = failedPost{createAt: p.CreateAt, since: now}
	}
	t.forgetFailedLocked(now)
}

// failedPost is a post that could not be taken yet.
type failedPost struct {
	createAt int64     // ms, the post's
	since    time.Time // when it first failed
}

// oldestFailedLocked returns the create_at of the oldest post that could not
// be taken, other than the post except; t.mu is held.
func (t *Transport) oldestFailedLocked(except string) (at int64, ok bool) {
	for id, f := range t.failed {
		if id != except && (!ok || f.createAt < at) {
			at, ok = f.createAt, true
		}
	}
	return at, ok
}

// forgetFailedLocked gives up the posts that first failed more than
// failedFor before now, and the oldest ones beyond maxFailed; t.mu is held.
func (t *Transport) forgetFailedLocked(now time.Time) {
	for id, f := range t.failed {
		if now.Sub(f.since) > failedFor {
			t.giveUpLocked(id)
		}
	}
	for len(t.failed) > maxFailed {
		oldest, at := "", int64(0)
		for id, f := range t.failed {
			if oldest == "" || f.createAt < at {
				oldest, at = id, f.createAt
			}
		}
		t.giveUpLocked(oldest)
	}
}

func (t *Transport) giveUpLocked(id string) {
	delete(t.failed, id)
	t.log.Error().Str("post_id", id).Msg("mattermost: a post that could not be taken is given up")
}

// forgetOldLocked drops taken post ids older than seenFor; t.mu is held.
func (t *Transport) forgetOldLocked() {
	if len(t.seen) < 1000 {
		return
	}
	limit := t.lastSeen - seenFor.Milliseconds()
	for id, at := range t.seen {
		if at < limit {
			delete(t.seen, id)
		}
	}
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
