package bot

import (
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// merge merges a duplicate card into another: /merge <survivor id> <duplicate id> [reason].
func merge(c *Context) error {
	a, rest := firstWord(c.Update.Args)
	b, reason := firstWord(rest)
	survivor, err1 := parseID(a, "msg.merge.usage")
	dup, err2 := parseID(b, "msg.merge.usage")
	if err1 != nil || err2 != nil {
		return c.Reply("msg.merge.usage", nil)
	}
	return c.merge(survivor, dup, reason, false)
}

// acceptDriftAction writes the registry's change into the card.
func acceptDriftAction(c *Context) error {
	id, err := parseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	cl, err := c.Svc.AcceptDrift(c.ctx, c.Actor(), id)
	if err != nil {
		return err
	}
	return c.Send(Reply{Text: c.T("msg.drift.accepted", nil) + "\n\n" + c.clientCard(cl), Buttons: c.clientButtons(cl)})
}

// driftTaskAction opens a task to look into the registry's change.
func driftTaskAction(c *Context) error {
	id, err := parseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	cl, err := c.Svc.ClientByID(c.ctx, c.Actor(), id)
	if err != nil {
		return err
	}
	t, err := c.Svc.DriftTask(c.ctx, c.Actor(), id, c.T("msg.drift.task_title", Args{"Name": cl.Name(), "INN": cl.INN}))
	if err != nil {
		return err
	}
	return c.Reply("msg.task.created", Args{"ID": t.ID, "Title": t.Title, "Due": optTime(t.Due)})
}

// driftLines renders a pending registry change of a card.
func (c *Context) driftLines(cl *core.Client) string {
	if cl.Drift == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(c.T("card.client.drift", Args{"Source": cl.Drift.Record.Source, "At": cl.Drift.At}))
	for _, d := range cl.Drift.Diffs {
		b.WriteString("\n• " + c.T("diff."+d.Field, nil) + ": «" + d.Given + "» → «" + d.Registry + "»")
	}
	return b.String()
}
