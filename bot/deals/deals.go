// Package deals is the chat side of deals: cards with their stage buttons,
// lists, the new deal dialog and its one-message form.
package deals

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers deals: the card and its stage moves, the list, the
// new deal dialog.
func Register(r *bot.Router) {
	r.Command("deal", core.PermViewDeals, deal)
	r.Variant("deal", "new", core.PermEditDeals)
	r.Variant("deal", "новая", core.PermEditDeals)
	r.Command("deals", core.PermViewDeals, deals)
	for _, all := range allWords {
		r.Variant("deals", all, core.PermViewAllDeals)
	}
	r.Action(core.ActionDealNew, core.PermEditDeals, newDealAction)
	r.View(core.ActionDealShow, core.PermViewDeals, showDealAction)
	r.Action(core.ActionDealStage, core.PermEditDeals, stageAction)
	r.Flow(dealFlow())
	r.Flow(stageFlow())
}

// deal starts a new deal (/deal new, step by step, or /deal new with what
// it is in one message) or shows one (/deal D-2026-0001).
func deal(c *bot.Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	if arg == "" {
		return c.Reply("msg.deal.usage", nil)
	}
	if first, rest := bot.FirstWord(arg); strings.EqualFold(first, "new") || strings.EqualFold(first, "новая") {
		if !c.User.Can(core.PermEditDeals) {
			return core.Errorf(core.EFORBIDDEN, "err.forbidden")
		}
		if rest == "" {
			return c.Start("deal.new", nil)
		}
		return quickDeal(c, rest)
	}
	d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), arg)
	if err != nil {
		return err
	}
	return showDeal(c, d)
}

func showDeal(c *bot.Context, d *core.Deal) error {
	return c.Send(bot.Reply{Text: dealCard(c, d), Buttons: dealButtons(c, d)})
}

// dealButtons offers what the user may do with the deal: move it through
// its stages, edit it and ask for a document while it is open, a task
// about it, its history.
func dealButtons(c *bot.Context, d *core.Deal) [][]bot.Button {
	rows := stageButtons(c, d)
	var row []bot.Button
	id := strconv.FormatInt(d.ID, 10)
	if c.User.Can(core.PermEditDeals) && !d.Stage.Closed() {
		row = append(row, bot.Button{LabelKey: "btn.deal.edit", Action: core.ActionDealEdit, Payload: id})
	}
	if c.User.Can(core.PermEditDeals) && !d.Stage.Closed() {
		row = append(row, bot.Button{LabelKey: "btn.doc.request", Action: core.ActionDocRequest, Payload: id})
	}
	if c.User.Can(core.PermTasks) {
		row = append(row, bot.Button{LabelKey: "btn.task.new", Action: core.ActionTaskNew, Payload: id})
	}
	if c.User.Can(core.PermHistory) {
		row = append(row, bot.Button{LabelKey: "btn.history", Action: core.ActionHistoryShow, Payload: d.Number})
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if work := cards.WorkButtons(c, core.EntityDeal, d.ID, !d.Stage.Closed()); len(work) > 0 {
		rows = append(rows, work)
	}
	return rows
}

// dealCard renders a deal card.
func dealCard(c *bot.Context, d *core.Deal) string {
	client := "#" + strconv.FormatInt(d.ClientID, 10)
	if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), d.ClientID); err == nil {
		client = cl.Name() + " (" + c.T("card.client.inn", bot.Args{"Value": cl.INN}) + ")"
	}
	manager := ""
	if u, err := c.Svc.UserByID(c.Ctx(), d.ManagerID); err == nil {
		manager = u.Name
	}
	var b strings.Builder
	b.WriteString(c.T("card.deal.title", bot.Args{"Number": d.Number, "Title": d.Title}))
	b.WriteString("\n" + c.T("card.deal.client", bot.Args{"Value": client}))
	b.WriteString("\n" + c.T("card.deal.amount", bot.Args{"Amount": int64(d.Amount)}))
	b.WriteString("\n" + c.T("card.deal.stage", bot.Args{"Value": c.T("stage."+string(d.Stage), nil)}))
	b.WriteString("\n" + c.T("card.deal.manager", bot.Args{"Value": manager}))
	for _, kd := range []struct {
		key, field string
		t          time.Time
	}{{"card.deal.signing_due_at", "signing_due", d.SigningDue}, {"card.deal.payment_due_at", "payment_due", d.PaymentDue},
		{"card.deal.contract_end_at", "contract_end", d.ContractEnd}} {
		// A deadline is shown as stored, with its time; in the new deal's
		// confirmation a time that was not typed is marked as the default.
		if !kd.t.IsZero() {
			b.WriteString("\n" + c.T(kd.key, bot.Args{"Date": kd.t, "Default": d.ID == 0 && bot.DateDefaulted(c, kd.field)}))
		}
	}
	if d.Stage.Closed() && !d.ClosedAt.IsZero() {
		b.WriteString("\n" + c.T("card.deal.closed_at", bot.Args{"At": d.ClosedAt}))
	}
	if d.Stage == core.StageClosedLost && d.LostReason != "" {
		b.WriteString("\n" + c.T("card.deal.lost_reason", bot.Args{"Value": d.LostReason}))
	}
	if d.ID != 0 {
		if s := cards.CaseSection(c, core.CaseRef{DealID: d.ID}); s != "" {
			b.WriteString("\n\n" + s)
		}
	}
	return b.String()
}

func showDealAction(c *bot.Context) error {
	id, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	return showDeal(c, d)
}

// allWords are the ways /deals is asked for every open deal, in both
// languages.
var allWords = []string{"all", "все", "всё"}

// deals lists the user's deals; /deals all (все) lists every open deal for
// the roles that see all deals (the router refuses it to the others). An
// argument it does not know is answered with the usage, not with the
// user's own deals as if it were not there.
func deals(c *bot.Context) error {
	f := core.DealFilter{ManagerID: c.User.ID, Limit: 30}
	switch arg := strings.TrimSpace(c.Update.Args); {
	case arg == "":
	case slices.ContainsFunc(allWords, func(w string) bool { return strings.EqualFold(w, arg) }):
		f = core.DealFilter{Open: true, Limit: 30}
	default:
		return c.Reply("msg.deals.usage", bot.Args{"All": c.User.Can(core.PermViewAllDeals)})
	}
	ds, err := c.Svc.FindDeals(c.Ctx(), c.Actor(), f)
	if err != nil {
		return err
	}
	if len(ds) == 0 {
		return c.Reply("msg.deals.none", nil)
	}
	var b strings.Builder
	b.WriteString(c.T("msg.deals.title", bot.Args{"Count": len(ds)}))
	var rows [][]bot.Button
	for _, d := range ds {
		b.WriteString("\n")
		b.WriteString(c.T("msg.deals.line", bot.Args{"Number": d.Number, "Title": d.Title,
			"Amount": int64(d.Amount), "Stage": c.T("stage."+string(d.Stage), nil)}))
		if len(rows) < 8 {
			rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.deal.open", Args: bot.Args{"Number": d.Number},
				Action: core.ActionDealShow, Payload: strconv.FormatInt(d.ID, 10)}))
		}
	}
	return c.Send(bot.Reply{Text: b.String(), Buttons: rows})
}
