package mattermost

import (
	"context"
	"errors"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot"
)

var _ bot.ThreadOpener = (*Transport)(nil)

// OpenThread opens a thread in a channel: it posts title there as a root
// post and returns the post's id, the root_id of the thread's replies (and
// the ThreadID of the updates posted in it, see onPost). The title is cut
// to a post's length. Errors are a send's (see classify): a channel that
// is gone or where the bot may not post is permanent, 429 waits.
func (t *Transport) OpenThread(ctx context.Context, chatID, title string) (string, error) {
	title = strings.TrimSpace(title)
	if chatID == "" || title == "" {
		return "", &bot.PermanentError{Err: errors.New("mattermost: open a thread: no channel or no title")}
	}
	if err := t.limit.wait(ctx); err != nil {
		return "", err
	}
	post := &model.Post{ChannelId: chatID, Message: title}
	if r := []rune(post.Message); len(r) > maxPostRunes {
		post.Message = string(r[:maxPostRunes-1]) + "…"
	}
	created, resp, err := t.client.CreatePost(ctx, post)
	t.limit.observe(resp)
	if err != nil {
		return "", t.classify("open a thread", resp, err)
	}
	return created.Id, nil
}
