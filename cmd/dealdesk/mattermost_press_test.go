package main

import (
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	mmt "github.com/dealdesk/dealdesk/bot/mattermost/mattermosttest"
)

// pressRefused presses a button that DealDesk refuses: the refusal comes
// as the press's ephemeral text, which the server shows the presser alone
// over their websocket, and nothing is posted to the channel.
func (r *mmRun) pressRefused(u *mmt.User, post *model.Post, label, want string) {
	r.t.Helper()
	inbox := r.env.Listen(r.t, u)
	start := time.Now()
	if err := u.Press(r.t, post, label); err != nil {
		r.t.Fatal(err)
	}
	got := inbox.Wait(r.t, post.ChannelId, "", want, 20*time.Second)
	if got.Type != model.PostTypeEphemeral {
		r.t.Fatalf("the refusal came as a %q post, want an ephemeral one", got.Type)
	}
	time.Sleep(500 * time.Millisecond) // the outbox would have posted by now
	for _, p := range r.env.Posts(r.t, post.ChannelId, start) {
		if strings.Contains(p.Message, want) {
			r.t.Fatalf("the refusal was posted to the channel: %q", p.Message)
		}
	}
}
