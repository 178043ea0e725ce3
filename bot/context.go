package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// Context is what a handler gets: the update, the user, their printer, the
// core service and ways to answer.
type Context struct {
	ctx       context.Context
	Update    *Update
	User      *core.User // nil only for an unknown user on /start
	P         *locales.Printer
	Svc       *core.Service
	Button    *core.Button       // the pressed button, for actions
	Conv      *core.Conversation // the active conversation, in flow steps
	bot       *Bot
	transport Transport
	// answered is set once the button press has been acknowledged.
	answered bool
}

// Ctx is the request's context.
func (c *Context) Ctx() context.Context { return c.ctx }

// Actor is the acting user with the update's source, for the audit trail.
func (c *Context) Actor() core.Actor {
	return core.Actor{User: c.User, Source: c.source()}
}

func (c *Context) source() string {
	var b strings.Builder
	b.WriteString(c.Update.Platform)
	b.WriteString(":chat/")
	b.WriteString(c.Update.ChatID)
	if c.Update.MessageID != "" {
		b.WriteString("/msg/")
		b.WriteString(c.Update.MessageID)
	}
	return b.String()
}

// T renders a message in the user's language.
func (c *Context) T(key string, args Args) string { return c.P.T(key, args) }

// Reply answers with a message from the locale files.
func (c *Context) Reply(key string, args Args, rows ...[]Button) error {
	return c.Send(Reply{Key: key, Args: args, Buttons: rows})
}

// Send answers with a reply: it issues the buttons' tokens, renders the
// text and sends it through the update's transport.
func (c *Context) Send(r Reply) error {
	m := &Message{ChatID: c.Update.ChatID, ThreadID: c.Update.ThreadID, Files: r.Files}
	if r.Edit && c.Update.IsAction() && c.Update.MessageID != "" {
		m.EditID = c.Update.MessageID
	}
	m.Text = r.Text
	if r.Key != "" {
		m.Text = c.T(r.Key, r.Args)
	}
	buttons, err := c.issue(r.Buttons)
	if err != nil {
		return err
	}
	m.Buttons = buttons
	if err := c.answer(""); err != nil {
		c.bot.log.Debug().Err(err).Msg("answer callback")
	}
	return c.deliver(m)
}

// maxReplyWait is the longest a direct reply waits for a platform's rate
// limit; longer waits fail the reply (notifications wait in the outbox).
const maxReplyWait = 30 * time.Second

// deliver sends a reply, waiting once as long as the platform asks when it
// is rate limited.
func (c *Context) deliver(m *Message) error {
	_, err := c.transport.Send(c.ctx, m)
	var rl *RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter <= maxReplyWait {
		select {
		case <-c.ctx.Done():
			return c.ctx.Err()
		case <-time.After(rl.RetryAfter):
		}
		_, err = c.transport.Send(c.ctx, m)
	}
	return err
}

// issue stores a token for every button and renders the labels.
func (c *Context) issue(rows [][]Button) ([][]ButtonView, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	chatKey := core.ChatKey(c.Update.Platform, c.Update.ChatID)
	out := make([][]ButtonView, 0, len(rows))
	err := c.Svc.Store().Update(c.ctx, func(tx core.Tx) error {
		out = out[:0]
		for _, row := range rows {
			var views []ButtonView
			for _, b := range row {
				owner := int64(0)
				if !b.AnyUser && c.User != nil {
					owner = c.User.ID
				}
				btn := core.NewButton(b.Action, b.Payload, owner, chatKey, tx.Now(), core.ButtonTTL)
				if b.Action == ActionFlowInput && c.Conv != nil {
					btn.Step = c.Conv.ID + "/" + c.Conv.Step
				}
				if err := tx.PutButton(btn); err != nil {
					return err
				}
				views = append(views, ButtonView{Label: c.T(b.LabelKey, b.Args), Token: btn.Token})
			}
			out = append(out, views)
		}
		return nil
	})
	return out, err
}

// clearButtons removes the keyboard of the message whose button was
// pressed: the question is answered. A failure only leaves the keyboard.
func (c *Context) clearButtons() {
	if c.Update.MessageID == "" {
		return
	}
	m := &Message{ChatID: c.Update.ChatID, ThreadID: c.Update.ThreadID, EditID: c.Update.MessageID}
	if _, err := c.transport.Send(c.ctx, m); err != nil {
		c.bot.log.Debug().Err(err).Msg("clear buttons")
	}
}

// answer acknowledges a button press once.
func (c *Context) answer(text string) error {
	if c.answered || c.Update.CallbackID == "" {
		return nil
	}
	c.answered = true
	return c.transport.Answer(c.ctx, c.Update.CallbackID, text)
}

// Private reports whether the update came from a private chat.
func (c *Context) Private() bool { return c.Update.ChatType != ChatGroup }

// convKey is the key of the user's conversation in this chat.
func (c *Context) convKey() string {
	return c.Update.Platform + ":" + c.Update.ChatID + ":" + c.Update.UserID
}

// role names a role in the user's language.
func (c *Context) role(r core.Role) string { return c.T("role."+string(r), nil) }
