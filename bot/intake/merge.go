package intake

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// mergePairAction merges the duplicate of a button into its card; cards
// under different INNs need a second press that confirms it.
func mergePairAction(c *bot.Context) error { return mergePair(c, false) }

func mergeConfirmAction(c *bot.Context) error { return mergePair(c, true) }

func mergePair(c *bot.Context, confirmed bool) error {
	a, b, _ := strings.Cut(c.Button.Payload, "/")
	survivor, err1 := strconv.ParseInt(a, 10, 64)
	dup, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	return mergeClients(c, survivor, dup, "", confirmed)
}

// merge merges a duplicate card into another: /merge <survivor id> <duplicate id> [reason].
func merge(c *bot.Context) error {
	a, rest := bot.FirstWord(c.Update.Args)
	b, reason := bot.FirstWord(rest)
	survivor, err1 := bot.ParseID(a, "msg.merge.usage")
	dup, err2 := bot.ParseID(b, "msg.merge.usage")
	if err1 != nil || err2 != nil {
		return c.Reply("msg.merge.usage", nil)
	}
	return mergeClients(c, survivor, dup, reason, false)
}

// mergeClients merges dup into survivor, asking first when their INNs differ.
func mergeClients(c *bot.Context, survivor, dup int64, reason string, confirmed bool) error {
	s, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), survivor)
	if err != nil {
		return err
	}
	d, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), dup)
	if err != nil {
		return err
	}
	if s.INN != d.INN && !confirmed {
		return c.Reply("msg.merge.confirm", bot.Args{"From": d.ID, "FromName": d.Name(), "FromINN": d.INN, "Into": s.ID,
			"IntoName": s.Name(), "IntoINN": s.INN}, bot.Row(bot.Button{LabelKey: "btn.merge.confirm",
			Action: core.ActionMergeConfirm, Payload: strconv.FormatInt(survivor, 10) + "/" + strconv.FormatInt(dup, 10)}))
	}
	cl, err := c.Svc.MergeClients(c.Ctx(), c.Actor(), survivor, dup, reason)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.merge.done", bot.Args{"ID": dup}) + "\n\n" + cards.ClientCard(c, cl),
		Buttons: cards.ClientButtons(c, cl)})
}
