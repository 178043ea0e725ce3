package mattermosttest

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// Inbox collects the posts a user receives over the websocket: new posts, edits and the ephemeral posts (type
// "system_ephemeral") that the server never stores, such as ephemeral slash command answers and the
// ephemeral_text of an action integration's answer.
type Inbox struct {
	user *User
	env  *Env
	ws   *model.WebSocketClient
	done chan struct{}

	mu       sync.Mutex
	posts    []*model.Post
	consumed []bool
	changed  chan struct{} // closed and replaced on every new post
}

// Listen connects a websocket as the user and collects what it receives until the test ends. Posts sent before
// Listen returns may be missed.
func (e *Env) Listen(tb testing.TB, u *User) *Inbox {
	tb.Helper()
	ws, err := model.NewWebSocketClient4("ws"+strings.TrimPrefix(e.URL, "http"), u.Token)
	if err != nil {
		tb.Fatalf("mattermosttest: websocket for %s: %v", u.Username, err)
	}
	in := &Inbox{user: u, env: e, ws: ws, done: make(chan struct{}), changed: make(chan struct{})}
	ws.Listen()
	hello := make(chan struct{})
	go in.read(hello)
	select {
	case <-hello:
	case <-time.After(10 * time.Second):
		ws.Close()
		tb.Fatalf("mattermosttest: websocket for %s: no hello from the server", u.Username)
	}
	tb.Cleanup(func() {
		ws.Close()
		<-in.done
	})
	return in
}

// read drains the websocket's channels until it closes, recording posts.
func (in *Inbox) read(hello chan struct{}) {
	defer close(in.done)
	events, responses, pings := in.ws.EventChannel, in.ws.ResponseChannel, in.ws.PingTimeoutChannel
	for events != nil || responses != nil {
		select {
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			in.event(ev, hello)
		case _, ok := <-responses:
			if !ok {
				responses = nil
			}
		case <-pings:
		}
	}
}

func (in *Inbox) event(ev *model.WebSocketEvent, hello chan struct{}) {
	switch ev.EventType() {
	case model.WebsocketEventHello:
		if hello != nil {
			select {
			case <-hello:
			default:
				close(hello)
			}
		}
	case model.WebsocketEventPosted, model.WebsocketEventPostEdited, model.WebsocketEventEphemeralMessage:
		raw, _ := ev.GetData()["post"].(string)
		var p model.Post
		if json.Unmarshal([]byte(raw), &p) != nil {
			return
		}
		in.mu.Lock()
		in.posts = append(in.posts, &p)
		in.consumed = append(in.consumed, false)
		close(in.changed)
		in.changed = make(chan struct{})
		in.mu.Unlock()
	}
}

// Wait returns the first post received that Wait has not returned yet, in channelID ("" for any channel), by the
// user id from ("" for anyone), whose message or attachment text contains substr. After timeout it fails the
// test, listing what was received.
func (in *Inbox) Wait(tb testing.TB, channelID, from, substr string, timeout time.Duration) *model.Post {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		in.mu.Lock()
		for i, p := range in.posts {
			if !in.consumed[i] && (channelID == "" || p.ChannelId == channelID) && Matches(p, from, substr) {
				in.consumed[i] = true
				in.mu.Unlock()
				return p
			}
		}
		changed := in.changed
		in.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			tb.Fatalf("mattermosttest: @%s received no post by %s containing %q in channel %q within %s; received:\n%s",
				in.user.Username, in.env.name(from), substr, channelID, timeout, in.env.Describe(in.Received()))
			return nil
		}
	}
}

// Received returns every post received so far, in arrival order (an edited post appears again).
func (in *Inbox) Received() []*model.Post {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]*model.Post(nil), in.posts...)
}
