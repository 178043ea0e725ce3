package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

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
	// answered is set once the button press has been acknowledged, with
	// answerText as its notice.
	answered   bool
	answerText string
	// inboxID is the taken update being handled; outcome collects what the
	// update leaves besides its change, written in the same unit.
	inboxID int64
	outcome core.Outcome
	// talkOnly: see TalkOnly.
	talkOnly bool
}

// TalkOnly reports that a group's text handler hears the message as talk
// among people only: a dialog of its writer takes it as its answer, so a
// handler records it (a case collects it) but acts on nothing in it.
func (c *Context) TalkOnly() bool { return c.talkOnly }

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

// Send answers with a reply: it issues the buttons' tokens and renders the
// text. Nothing leaves yet: the reply is written to the outbox with the
// change the update makes, in one transaction, and delivered from there; a
// reply that cannot reach the chat at once is retried, never reported as
// a failure of a change that was made.
func (c *Context) Send(r Reply) error {
	return c.sendIn(r, core.ChatKey(c.Update.Platform, c.Update.ChatID))
}

// sendIn is Send with the buttons bound to the chat with the key.
func (c *Context) sendIn(r Reply, chatKey string) error {
	m := &core.OutboxMessage{Platform: c.Update.Platform, ChatID: c.Update.ChatID, ThreadID: c.Update.ThreadID,
		InboxID: c.inboxID}
	for _, f := range r.Files {
		of := core.OutboxFile{Name: f.Name, MIME: f.MIME, SHA256: f.SHA256}
		if f.SHA256 == "" {
			of.Data = f.Data // a stored file goes by reference, read when the reply is delivered
		}
		m.Files = append(m.Files, of)
	}
	if r.Edit && c.Update.IsAction() && c.Update.MessageID != "" {
		m.EditID = c.Update.MessageID
	}
	m.Text = r.Text
	if r.Key != "" {
		m.Text = c.T(r.Key, r.Args)
	}
	m.Buttons = c.issueIn(r.Buttons, chatKey)
	c.outcome.Messages = append(c.outcome.Messages, m)
	return nil
}

// SendPrivately sends a reply to the user's private chat, whatever chat
// the update came from: what only the user may see (a file of records)
// must not land in a group. In a private chat it is Send.
func (c *Context) SendPrivately(r Reply) error {
	if c.Private() || c.User == nil {
		return c.Send(r)
	}
	n := len(c.outcome.Messages)
	// The buttons belong to the user and are bound to no chat key: on
	// Mattermost the direct chat's id is known only once the message is
	// sent (as the confirmation of an unverified command does).
	if err := c.sendIn(r, ""); err != nil {
		return err
	}
	m := c.outcome.Messages[n]
	m.ChatID, m.UserID, m.Locale, m.ThreadID, m.EditID = c.Update.UserID, c.User.ID, c.P.Lang(), "", ""
	return nil
}

// issueIn makes a token for every button, bound to the chat with the key
// ("" for none), and renders the labels; the tokens are stored with the
// reply.
func (c *Context) issueIn(rows [][]Button, chatKey string) [][]core.OutboxButton {
	if len(rows) == 0 {
		return nil
	}
	out := make([][]core.OutboxButton, 0, len(rows))
	for _, row := range rows {
		var views []core.OutboxButton
		for _, b := range row {
			owner := int64(0)
			if !b.AnyUser && c.User != nil {
				owner = c.User.ID
			}
			btn := core.NewButton(b.Action, b.Payload, owner, chatKey, c.bot.now(), core.ButtonTTL)
			if b.Action == ActionFlowInput && c.Conv != nil {
				btn.Step = c.Conv.ID + "/" + c.Conv.Step
			}
			c.outcome.Buttons = append(c.outcome.Buttons, btn)
			views = append(views, core.OutboxButton{Label: c.T(b.LabelKey, b.Args), Token: btn.Token})
		}
		out = append(out, views)
	}
	return out
}

// clearButtons removes the keyboard of the message whose button was
// pressed: the question is answered.
func (c *Context) clearButtons() {
	if c.Update.MessageID == "" {
		return
	}
	c.outcome.Messages = append(c.outcome.Messages, &core.OutboxMessage{Platform: c.Update.Platform,
		ChatID: c.Update.ChatID, ThreadID: c.Update.ThreadID, EditID: c.Update.MessageID, InboxID: c.inboxID})
}

// clearQuestion removes the buttons of the message that asked the
// conversation's current step, when the step is answered by typing: its
// choices are over once the answer is taken. The conversation learns that
// message's id when it is delivered (core.QuestionData).
func (c *Context) clearQuestion() {
	id := c.Conv.Data[core.QuestionData]
	if id == "" {
		return
	}
	delete(c.Conv.Data, core.QuestionData)
	if id == c.Update.MessageID && c.Update.IsAction() {
		return // pressed: its buttons are being removed already
	}
	c.outcome.Messages = append(c.outcome.Messages, &core.OutboxMessage{Platform: c.Update.Platform,
		ChatID: c.Update.ChatID, ThreadID: c.Update.ThreadID, EditID: id, InboxID: c.inboxID})
}

// popups reports whether the update is a press that the platform lets
// DealDesk answer with a notice only the presser sees.
func (c *Context) popups() bool {
	if c.Update.CallbackID == "" || !c.Update.IsAction() {
		return false
	}
	_, ok := unwrap(c.transport).(Popups)
	return ok
}

// refuse answers a press that is refused (stale, someone else's, not
// allowed for the role) with a pop-up that only the presser sees, in place
// of a message that everyone in the chat would read; it reports false
// where the platform has no such pop-up (the console), and the refusal
// is then said in the chat. The pop-up goes out once the unit has
// committed; one that cannot be shown by then is said in the chat after
// all (see answering).
func (c *Context) refuse(key string, args Args) bool {
	if !c.popups() {
		return false
	}
	text := c.T(key, args)
	c.answered, c.answerText = true, text
	c.bot.notices.hold(c.Update.CallbackID, &core.OutboxMessage{Platform: c.Update.Platform,
		ChatID: c.Update.ChatID, ThreadID: c.Update.ThreadID, Text: text, InboxID: c.inboxID})
	return true
}

// answer acknowledges a button press once, with a notice when text is not
// empty. The acknowledgement goes out when the update is done.
func (c *Context) answer(text string) error {
	if c.answered || c.Update.CallbackID == "" {
		return nil
	}
	c.answered, c.answerText = true, text
	return nil
}

// Private reports whether the update came from a private chat.
func (c *Context) Private() bool { return c.Update.ChatType != ChatGroup }

// convKey is the key of the user's conversation in this chat.
func (c *Context) convKey() string {
	return core.ConversationKey(c.Update.Platform, c.Update.ChatID, c.Update.UserID)
}

// role names a role in the user's language.
func (c *Context) role(r core.Role) string { return c.T("role."+string(r), nil) }

// MaxDownload is the largest file a handler fetches from a chat: the Bot
// API's limit for the files a bot downloads from Telegram (20 MB), and ample
// for the templates and documents DealDesk reads.
const MaxDownload = 20 << 20

// Download fetches the content of a file sent with the update, at most
// MaxDownload bytes. A file over the limit, one the platform cannot give,
// or a platform whose files the bot cannot read is refused with a message
// the user can act on. It runs before the unit's first write, as any call
// over the network should, so that no transaction waits for it.
func (c *Context) Download(f IncomingFile) ([]byte, error) {
	src, ok := unwrap(c.transport).(FileSource)
	if !ok {
		return nil, core.Errorf(core.EINVALID, "err.file.unsupported")
	}
	if f.Size > MaxDownload {
		return nil, c.tooLarge(&FileTooLargeError{Name: f.Name, Size: f.Size, Max: MaxDownload})
	}
	data, err := src.Download(c.ctx, f, MaxDownload)
	var big *FileTooLargeError
	switch {
	case errors.As(err, &big):
		if big.Name == "" {
			big.Name = f.Name
		}
		return nil, c.tooLarge(big)
	case IsPermanent(err):
		c.bot.log.Info().Err(err).Str("platform", c.Update.Platform).Str("file", f.Name).Msg("file gone")
		return nil, core.Errorf(core.EINVALID, "err.file.gone", "Name", f.Name)
	case err != nil:
		c.bot.log.Warn().Err(err).Str("platform", c.Update.Platform).Str("file", f.Name).Msg("file download failed")
		return nil, core.Wrap(core.EUNAVAILABLE, "err.file.download", err, "Name", f.Name)
	}
	return data, nil
}

func (c *Context) tooLarge(e *FileTooLargeError) error {
	return core.Errorf(core.EINVALID, "err.file.too_large", "Name", e.Name, "Size", FileSize(c.P, e.Size),
		"Max", FileSize(c.P, e.Max))
}

// FileSize renders a size in bytes for people: «63,2 МБ», «340 КБ».
func FileSize(p *locales.Printer, n int64) string {
	var s, unit string
	switch {
	case n >= 1<<20:
		s, unit = strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), "file.size.mb"
		s = strings.TrimSuffix(s, ".0")
	case n >= 1<<10:
		s, unit = strconv.FormatInt((n+(1<<10)-1)>>10, 10), "file.size.kb"
	default:
		s, unit = strconv.FormatInt(n, 10), "file.size.b"
	}
	if p.Lang() == "ru" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return p.T(unit, map[string]any{"N": s})
}
