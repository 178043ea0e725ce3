package mattermosttest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// pollEvery is the pause between two reads of a channel while waiting for a post.
const pollEvery = 100 * time.Millisecond

// Post posts a message in a channel as the user.
func (u *User) Post(tb testing.TB, channelID, message string) *model.Post {
	tb.Helper()
	return u.create(tb, &model.Post{ChannelId: channelID, Message: message})
}

// Reply posts a message as the user in the thread of root (or of root's own root when root is a reply).
func (u *User) Reply(tb testing.TB, root *model.Post, message string) *model.Post {
	tb.Helper()
	rootID := root.Id
	if root.RootId != "" {
		rootID = root.RootId
	}
	return u.create(tb, &model.Post{ChannelId: root.ChannelId, RootId: rootID, Message: message})
}

// PostAttachments posts a message with message attachments (for example action buttons) as the user.
func (u *User) PostAttachments(tb testing.TB, channelID, message string, atts ...*model.MessageAttachment) *model.Post {
	tb.Helper()
	p := &model.Post{ChannelId: channelID, Message: message}
	p.AddProp(model.PostPropsAttachments, atts)
	return u.create(tb, p)
}

func (u *User) create(tb testing.TB, p *model.Post) *model.Post {
	tb.Helper()
	c, cancel := callCtx()
	defer cancel()
	created, _, err := u.Client.CreatePost(c, p)
	check(tb, "CreatePost as "+u.Username, err)
	return created
}

// Slash executes a slash command line such as "/crm help" in a channel as the user and returns the command's
// response; it fails the test when the server refuses the command.
func (u *User) Slash(tb testing.TB, channelID, command string) *model.CommandResponse {
	tb.Helper()
	resp, err := u.TrySlash(channelID, command)
	check(tb, "ExecuteCommand "+command, err)
	return resp
}

// TrySlash is Slash returning the server's refusal (for example a failing command integration) as an error.
func (u *User) TrySlash(channelID, command string) (*model.CommandResponse, error) {
	c, cancel := callCtx()
	defer cancel()
	resp, r, err := u.Client.ExecuteCommandWithTeam(c, channelID, u.teamID, command)
	if err != nil {
		return nil, fmt.Errorf("%s (HTTP %d): %w", command, status(r), err)
	}
	return resp, nil
}

// Press presses the action button with the label on a post as the user, the way the web app does. It reads the
// post again first (action ids are assigned by the server and the bot may have changed the post). It returns an
// error when the post has no such button or the server refuses the press, for example because the integration
// answered with an error.
func (u *User) Press(tb testing.TB, post *model.Post, label string) error {
	tb.Helper()
	c, cancel := callCtx()
	defer cancel()
	fresh, _, err := u.Client.GetPost(c, post.Id, "")
	if err != nil {
		return fmt.Errorf("press %q: read post %s: %w", label, post.Id, err)
	}
	id := ""
	for _, a := range fresh.Attachments() {
		for _, act := range a.Actions {
			if act.Type == model.PostActionTypeButton && act.Name == label && id == "" {
				id = act.Id
			}
		}
	}
	if id == "" {
		return fmt.Errorf("press %q: post %s has no such button (buttons: %q)", label, post.Id, Buttons(fresh))
	}
	r, err := u.Client.DoPostAction(c, post.Id, id)
	if err != nil {
		return fmt.Errorf("press %q on post %s (HTTP %d): %w", label, post.Id, status(r), err)
	}
	return nil
}

// Buttons returns the labels of the action buttons in a post's attachments, in order.
func Buttons(p *model.Post) []string {
	var labels []string
	for _, a := range p.Attachments() {
		for _, act := range a.Actions {
			if act.Type == model.PostActionTypeButton {
				labels = append(labels, act.Name)
			}
		}
	}
	return labels
}

// After returns the first instant after p was created, as the `after` argument of WaitPost and Posts.
// Mattermost stores times in milliseconds; a post counts as "after t" when created in t's millisecond or later.
func After(p *model.Post) time.Time {
	return time.UnixMilli(p.CreateAt + 1)
}

// NewCommand creates, as the admin, a custom slash command in the env's team that POSTs to url. The returned
// command's Token is what the server sends along in the "token" form field.
func (e *Env) NewCommand(tb testing.TB, trigger, url string) *model.Command {
	tb.Helper()
	c, cancel := callCtx()
	defer cancel()
	cmd, _, err := e.Admin.Client.CreateCommand(c, &model.Command{
		TeamId: e.Team.Id, Trigger: trigger, Method: model.CommandMethodPost, URL: url,
		DisplayName: trigger, AutoComplete: true,
	})
	check(tb, "CreateCommand /"+trigger, err)
	return cmd
}

// Posts returns the channel's posts created at or after `after` (to the millisecond), oldest first, read as the
// admin. It includes replies and system messages (joins), but not deleted posts or ephemeral posts, which the
// server never stores (see Inbox).
func (e *Env) Posts(tb testing.TB, channelID string, after time.Time) []*model.Post {
	tb.Helper()
	posts, err := e.posts(channelID, after)
	check(tb, "GetPostsSince", err)
	return posts
}

func (e *Env) posts(channelID string, after time.Time) ([]*model.Post, error) {
	c, cancel := callCtx()
	defer cancel()
	ms := after.UnixMilli()
	// Pages of 200 newest posts, not "since": the server caches "since"
	// answers per channel and one racing a new post can stay stale.
	var out []*model.Post
	for page := 0; ; page++ {
		list, _, err := e.Admin.Client.GetPostsForChannel(c, channelID, page, 200, "", false, false)
		if err != nil {
			return nil, err
		}
		older := false
		for _, id := range list.Order {
			p := list.Posts[id]
			if p.CreateAt >= ms && p.DeleteAt == 0 {
				out = append(out, p)
			} else if p.CreateAt < ms {
				older = true
			}
		}
		if older || len(list.Order) < 200 {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CreateAt != out[j].CreateAt {
			return out[i].CreateAt < out[j].CreateAt
		}
		return out[i].Id < out[j].Id
	})
	return out, nil
}

// WaitPost polls the channel until a post created at or after `after` by the user id `from` ("" for anyone)
// shows up whose message or attachment text contains substr, and returns it. After timeout it fails the test,
// listing what was posted.
func (e *Env) WaitPost(tb testing.TB, channelID, from, substr string, after time.Time, timeout time.Duration) *model.Post {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	var seen []*model.Post
	for {
		posts, err := e.posts(channelID, after)
		check(tb, "GetPostsSince", err)
		seen = posts
		for _, p := range posts {
			if Matches(p, from, substr) {
				return p
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(pollEvery)
	}
	tb.Fatalf("mattermosttest: no post by %s containing %q in channel %s since %s within %s; posted:\n%s",
		e.name(from), substr, channelID, after.Format("15:04:05.000"), timeout, e.Describe(seen))
	return nil
}

// Matches reports whether a post is by the user id from ("" for anyone) and its message or the text of one of its
// attachments (pretext, title, text, fallback, fields) contains substr.
func Matches(p *model.Post, from, substr string) bool {
	if from != "" && p.UserId != from {
		return false
	}
	return strings.Contains(Text(p), substr)
}

// Text returns a post's message followed by the text of its attachments, one non-empty part a line.
func Text(p *model.Post) string {
	parts := []string{p.Message}
	for _, a := range p.Attachments() {
		parts = append(parts, a.Pretext, a.Title, a.Text, a.Fallback)
		for _, f := range a.Fields {
			parts = append(parts, f.Title, fmt.Sprint(f.Value))
		}
	}
	parts = slices.DeleteFunc(parts, func(s string) bool { return s == "" })
	return strings.Join(parts, "\n")
}

// Describe renders posts one a line for failure messages: author, type, message, attachment text and buttons.
func (e *Env) Describe(posts []*model.Post) string {
	if len(posts) == 0 {
		return "  (nothing)"
	}
	var b strings.Builder
	for _, p := range posts {
		fmt.Fprintf(&b, "  - %s %s", time.UnixMilli(p.CreateAt).Format("15:04:05.000"), e.name(p.UserId))
		if p.Type != "" {
			fmt.Fprintf(&b, " [%s]", p.Type)
		}
		fmt.Fprintf(&b, ": %q", strings.TrimSpace(Text(p)))
		if bs := Buttons(p); len(bs) > 0 {
			fmt.Fprintf(&b, " buttons %q", bs)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// name returns a readable name for a user id known to the env.
func (e *Env) name(id string) string {
	switch {
	case id == "":
		return "anyone"
	case e.Bot != nil && id == e.Bot.ID:
		return "bot @" + e.Bot.Username
	case e.Admin != nil && id == e.Admin.ID:
		return "admin @" + e.Admin.Username
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, u := range e.Users {
		if u.ID == id {
			return "@" + u.Username
		}
	}
	return "user " + id
}

// status returns the HTTP status of a response, 0 when there was none.
func status(r *model.Response) int {
	if r == nil {
		return 0
	}
	return r.StatusCode
}
