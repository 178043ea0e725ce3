package intake

import (
	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
)

// acceptDriftAction writes the registry's change into the card.
func acceptDriftAction(c *bot.Context) error {
	id, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	cl, err := c.Svc.AcceptDrift(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.drift.accepted", nil) + "\n\n" + cards.ClientCard(c, cl), Buttons: cards.ClientButtons(c, cl)})
}

// driftTaskAction opens a task to look into the registry's change.
func driftTaskAction(c *bot.Context) error {
	id, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	t, err := c.Svc.DriftTask(c.Ctx(), c.Actor(), id, c.T("msg.drift.task_title", bot.Args{"Name": cl.Name(), "INN": cl.INN}))
	if err != nil {
		return err
	}
	return c.Reply("msg.task.created", bot.Args{"ID": t.ID, "Title": t.Title, "Due": bot.OptTime(t.Due)})
}
