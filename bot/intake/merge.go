package intake

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// mergeAnswer is the payload of the two buttons that answer a merge's
// confirmation, stored server-side with their tokens: the cards, the reason
// typed with /merge, and whether the button is «Отмена».
type mergeAnswer struct {
	Into   int64  `json:"into"`
	From   int64  `json:"from"`
	Reason string `json:"reason,omitempty"`
	Cancel bool   `json:"cancel,omitempty"`
}

// mergePairAction merges the duplicate of a button into its card; cards
// under different INNs need a second press that confirms it.
func mergePairAction(c *bot.Context) error {
	survivor, dup, ok := parsePair(c.Button.Payload)
	if !ok {
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	return mergeClients(c, survivor, dup, "", false)
}

// mergeConfirmAction answers the confirmation of a merge: «Да, объединить»
// merges with the reason typed with /merge; «Отмена» ends the question and
// merges nothing. Either way the question's buttons go away.
func mergeConfirmAction(c *bot.Context) error {
	var ans mergeAnswer
	if err := json.Unmarshal([]byte(c.Button.Payload), &ans); err != nil {
		// A button issued before its payload carried the reason: "into/from".
		survivor, dup, ok := parsePair(c.Button.Payload)
		if !ok {
			return core.Errorf(core.EINVALID, "err.button.expired")
		}
		ans = mergeAnswer{Into: survivor, From: dup}
	}
	if ans.Cancel {
		return c.Reply("msg.merge.cancelled", nil)
	}
	return mergeClients(c, ans.Into, ans.From, ans.Reason, true)
}

// parsePair reads the payload "<survivor id>/<duplicate id>".
func parsePair(payload string) (survivor, dup int64, ok bool) {
	a, b, _ := strings.Cut(payload, "/")
	survivor, err1 := strconv.ParseInt(a, 10, 64)
	dup, err2 := strconv.ParseInt(b, 10, 64)
	return survivor, dup, err1 == nil && err2 == nil
}

// merge merges a duplicate card into another: /merge <survivor> <duplicate>
// [reason], each card by its id or an INN that has one card; or /merge
// <part of a name>, which offers the matching cards to pick from.
func merge(c *bot.Context) error {
	args := strings.TrimSpace(c.Update.Args)
	a, rest := bot.FirstWord(args)
	b, reason := bot.FirstWord(rest)
	survivor, ok, err := cardRef(c, a)
	switch {
	case args == "":
		return c.Reply("msg.merge.usage", nil)
	case err != nil:
		return err
	case !ok && nameQuery(args):
		return mergeByName(c, args)
	case !ok:
		return c.Reply("msg.merge.usage", nil)
	}
	dup, ok, err := cardRef(c, b)
	if err != nil {
		return err
	} else if !ok {
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
		return askMerge(c, s, d, reason)
	}
	cl, err := c.Svc.MergeClients(c.Ctx(), c.Actor(), survivor, dup, reason)
	if err != nil {
		return err
	}
	// The card that stays, with the deals and tasks it took over.
	text, rows, err := cards.ClientView(c, cl)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.merge.done", bot.Args{"ID": dup}) + "\n\n" + text, Buttons: rows})
}

// askMerge asks whether cards under different INNs are one client. The
// reason typed with /merge travels in the buttons' payload, kept
// server-side, so that the merge records it once confirmed.
func askMerge(c *bot.Context, s, d *core.Client, reason string) error {
	payload := func(cancel bool) string {
		p, _ := json.Marshal(mergeAnswer{Into: s.ID, From: d.ID, Reason: reason, Cancel: cancel})
		return string(p)
	}
	return c.Reply("msg.merge.confirm", bot.Args{"From": d.ID, "FromName": d.Name(), "FromINN": d.INN, "Into": s.ID,
		"IntoName": s.Name(), "IntoINN": s.INN}, bot.Row(
		bot.Button{LabelKey: "btn.merge.confirm", Action: core.ActionMergeConfirm, Payload: payload(false)},
		bot.Button{LabelKey: "btn.cancel", Action: core.ActionMergeConfirm, Payload: payload(true)}))
}
