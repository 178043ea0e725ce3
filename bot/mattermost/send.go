package mattermost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot"
)

// maxPostRunes is the longest message a post takes (Mattermost's default
// MaxPostSize is 16383 characters).
const maxPostRunes = 16000

// Send posts a message (in a thread when ThreadID is set) with its buttons
// as an interactive attachment and its files uploaded, or edits a message.
func (t *Transport) Send(ctx context.Context, m *bot.Message) (string, error) {
	if err := t.limit.wait(ctx); err != nil {
		return "", err
	}
	if m.Direct {
		c, err := t.directs.get(ctx, m.ChatID)
		if err != nil {
			return "", t.classify("open direct channel", nil, err)
		}
		dm := *m
		dm.ChatID, dm.Direct = c.Id, false
		m = &dm
	}
	if m.EditID != "" {
		return t.edit(ctx, m)
	}
	post := &model.Post{ChannelId: m.ChatID, RootId: m.ThreadID, Message: t.mentions(ctx, m.Mentions) + m.Text}
	if r := []rune(post.Message); len(r) > maxPostRunes {
		post.Message = string(r[:maxPostRunes-1]) + "…"
	}
	if len(m.Buttons) > 0 {
		post.AddProp(model.PostPropsAttachments, t.attachments(m.ChatID, m.Buttons))
	}
	for _, f := range m.Files {
		up, resp, err := t.client.UploadFile(ctx, f.Data, m.ChatID, f.Name)
		t.limit.observe(resp)
		if err != nil {
			return "", t.classify("upload file", resp, err)
		}
		for _, info := range up.FileInfos {
			post.FileIds = append(post.FileIds, info.Id)
		}
	}
	created, resp, err := t.client.CreatePost(ctx, post)
	t.limit.observe(resp)
	if err != nil {
		return "", t.classify("create post", resp, err)
	}
	return created.Id, nil
}

// edit replaces a post's text (when given) and its buttons; no buttons
// remove the keyboard of a decided question.
func (t *Transport) edit(ctx context.Context, m *bot.Message) (string, error) {
	post, resp, err := t.client.GetPost(ctx, m.EditID, "")
	t.limit.observe(resp)
	if err != nil {
		return "", t.classify("get post", resp, err)
	}
	props := model.StringInterface{}
	for k, v := range post.GetProps() {
		props[k] = v
	}
	delete(props, model.PostPropsAttachments)
	if len(m.Buttons) > 0 {
		props[model.PostPropsAttachments] = t.attachments(m.ChatID, m.Buttons)
	}
	patch := &model.PostPatch{Props: &props}
	if m.Text != "" {
		text := t.mentions(ctx, m.Mentions) + m.Text
		patch.Message = &text
	}
	_, resp, err = t.client.PatchPost(ctx, m.EditID, patch)
	t.limit.observe(resp)
	if err != nil {
		return "", t.classify("patch post", resp, err)
	}
	return m.EditID, nil
}

// attachments renders buttons as an attachment's actions. Each action's
// context carries only the opaque token and its signature for the channel.
func (t *Transport) attachments(channelID string, rows [][]bot.ButtonView) []*model.MessageAttachment {
	var actions []*model.PostAction
	for _, row := range rows {
		for _, b := range row {
			actions = append(actions, &model.PostAction{
				Id:   "b" + strconv.Itoa(len(actions)),
				Type: model.PostActionTypeButton,
				Name: b.Label,
				Integration: &model.PostActionIntegration{
					URL:     t.cfg.PublicURL + ActionPath,
					Context: map[string]any{"t": b.Token, "s": t.sign(b.Token, channelID)},
				},
			})
		}
	}
	return []*model.MessageAttachment{{Actions: actions}}
}

// mentions renders "@user1 @user2 " for the mentioned users (by their
// Mattermost ids), skipping unknown ones.
func (t *Transport) mentions(ctx context.Context, people []bot.Mention) string {
	var b strings.Builder
	for _, m := range people {
		if u, err := t.users.get(ctx, m.ID); err == nil {
			b.WriteString("@" + u.Username + " ")
		}
	}
	return b.String()
}

// classify maps a REST failure to the bot package's error model: 429 waits,
// a request the server refuses (bad channel, no permission) is permanent.
func (t *Transport) classify(op string, resp *model.Response, err error) error {
	status := 0
	var ae *model.AppError
	if resp != nil {
		status = resp.StatusCode
	} else if errors.As(err, &ae) {
		status = ae.StatusCode
	}
	err = fmt.Errorf("mattermost: %s: %w", op, t.scrub(err))
	switch status {
	case http.StatusTooManyRequests:
		return &bot.RateLimitError{RetryAfter: retryAfter(resp), Err: err}
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusRequestEntityTooLarge,
		http.StatusNotImplemented:
		// The server will refuse it again: a gone channel, no permission,
		// a post or file too large, uploads switched off.
		return &bot.PermanentError{Err: err}
	}
	return err
}
