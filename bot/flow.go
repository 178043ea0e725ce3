package bot

import (
	"context"
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// Flow is a step-by-step conversation: named steps, each with a prompt and
// an input parser that says which step comes next. Its state (the current
// step and what was typed) is persisted, so a restart loses nothing.
type Flow struct {
	Name  string
	First string
	Steps map[string]*Step
	// Perm is needed to start and continue the flow.
	Perm core.Permission
}

// Step is one question of a flow.
type Step struct {
	// Prompt asks the question.
	Prompt func(c *Context) error
	// Input takes the answer (typed, or the payload of a choice button),
	// stores what it needs in c.Conv.Data and returns the next step, or ""
	// when the flow is finished. An EINVALID error re-asks the same step.
	Input func(c *Context, text string) (next string, err error)
	// Files: the step takes files too. A message with files is then its
	// answer: Input gets the message's caption as the text ("" without
	// one) and finds the files in c.Update.Files (fetched with
	// c.Download). A step without Files takes words only: a file sent to
	// it is refused and the question stays as it is (msg.file.in_dialog).
	Files bool
}

// ActionFlowInput is the action of choice buttons inside a flow: their
// payload is fed to the current step as if it had been typed.
const ActionFlowInput = "conv.input"

// Choice is a button that answers the current step of a flow with value.
func Choice(labelKey string, args Args, value string) Button {
	return Button{LabelKey: labelKey, Args: args, Action: ActionFlowInput, Payload: value}
}

// Skip is the value of the "skip" choice, also typed as "-".
const Skip = "-"

// Stay, returned by a step's Input, keeps the conversation on the same step
// without asking again (the step has answered by itself, e.g. with choices).
const Stay = "."

// FinalInput is the Input of a dialog's last step, which makes a change
// with the answer. An empty answer (or «-») is refused with the error key
// required; with required "" the answer may be left out, and act gets "".
// act makes the change: a wrong answer (EINVALID) asks the step again, any
// other error ends the dialog; once the change is made, the dialog ends
// and act's reply is sent (none when it is nil).
func FinalInput(required string,
	act func(c *Context, text string) (*Reply, error)) func(*Context, string) (string, error) {
	return func(c *Context, s string) (string, error) {
		if s == "" || IsSkip(s) {
			if required != "" {
				return "", core.Errorf(core.EINVALID, required)
			}
			s = ""
		}
		r, err := act(c, s)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				_ = c.Finish()
			}
			return "", err
		}
		if err := c.Finish(); err != nil {
			return "", err
		}
		if r == nil {
			return "", nil
		}
		return "", c.Send(*r)
	}
}

// IsSkip reports whether an answer skips an optional step.
func IsSkip(text string) bool {
	t := strings.TrimSpace(text)
	return t == Skip || t == "—"
}

// Start begins a flow for the user in this chat with initial data, replacing
// any conversation in progress, and asks the first step.
func (c *Context) Start(flow string, data map[string]string) error {
	f, ok := c.bot.router.flows[flow]
	if !ok {
		return core.Errorf(core.EINTERNAL, "err.internal")
	}
	if f.Perm != "" && !c.User.Can(f.Perm) {
		return core.Errorf(core.EFORBIDDEN, "err.forbidden")
	}
	if data == nil {
		data = map[string]string{}
	}
	c.Conv = &core.Conversation{Key: c.convKey(), ID: core.NewToken(), Flow: flow, Step: f.First, Data: data}
	return c.Goto(f.First)
}

// Goto moves the conversation to step, saves it and asks the step.
func (c *Context) Goto(step string) error {
	f := c.bot.router.flows[c.Conv.Flow]
	st, ok := f.Steps[step]
	if !ok {
		return core.Errorf(core.EINTERNAL, "err.internal")
	}
	c.Conv.Step = step
	if err := c.saveConv(); err != nil {
		return err
	}
	return st.Prompt(c)
}

func (c *Context) saveConv() error { return c.Svc.SaveConversation(c.ctx, c.Conv) }

// Finish ends the conversation. It commits with the change of the step
// that finishes it, so a crash cannot leave a dialog that would make that
// change again.
func (c *Context) Finish() error {
	c.Conv = nil
	return c.Svc.EndConversation(c.ctx, c.convKey())
}

// loadConv returns the user's live conversation in this chat, or nil.
func (c *Context) loadConv() (*core.Conversation, error) {
	conv, err := c.Svc.Conversation(c.ctx, c.convKey())
	if core.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !c.bot.now().Before(conv.ExpiresAt) {
		return nil, c.Finish()
	}
	if conv.Data == nil {
		conv.Data = map[string]string{}
	}
	return conv, nil
}

// input feeds text to the current step of the conversation.
func (c *Context) input(text string) error {
	f, ok := c.bot.router.flows[c.Conv.Flow]
	if !ok {
		return c.Finish()
	}
	if f.Perm != "" && !c.User.Can(f.Perm) {
		_ = c.Finish()
		return core.Errorf(core.EFORBIDDEN, "err.forbidden")
	}
	st, ok := f.Steps[c.Conv.Step]
	if !ok {
		return c.Finish()
	}
	next, err := st.Input(c, strings.TrimSpace(text))
	if err != nil {
		if core.ErrorCode(err) == core.EINVALID && c.Conv != nil {
			// Say what is wrong and ask again; nothing was written.
			if rerr := c.replyError(err); rerr != nil {
				return rerr
			}
			return st.Prompt(c)
		}
		return err
	}
	if c.Conv == nil { // the step finished the flow itself
		return nil
	}
	switch next {
	case "":
		return c.Finish()
	case Stay:
		return c.saveConv()
	}
	return c.Goto(next)
}

// Resume asks again the current step of the user's unfinished conversation
// in the update's chat, if there is one; a transport calls it at start so
// that a dialog interrupted by a restart goes on.
func (b *Bot) Resume(ctx context.Context, t Transport, u *Update) {
	// An update of this chat still waiting in the inbox (its last answer,
	// taken before a crash) goes on with the dialog itself; asking the step
	// again would offer what it is about to do.
	pending, err := b.svc.PendingUpdates(ctx, 0)
	if err != nil {
		b.log.Warn().Err(err).Msg("resume conversation")
		return
	}
	for _, it := range pending {
		if it.Platform == u.Platform && it.ChatID == u.ChatID {
			return
		}
	}
	err = b.handle(ctx, t, u, 0, b.access(func(c *Context) error {
		conv, err := c.loadConv()
		if err != nil || conv == nil {
			return err
		}
		f, ok := b.router.flows[conv.Flow]
		if !ok || f.Steps[conv.Step] == nil {
			return c.Finish()
		}
		c.Conv = conv
		if err := c.Reply("msg.conv.resumed", nil); err != nil {
			return err
		}
		return f.Steps[conv.Step].Prompt(c)
	}))
	if err != nil {
		b.log.Warn().Err(err).Str("platform", u.Platform).Msg("resume conversation")
	}
	b.kick(u.Platform)
}
