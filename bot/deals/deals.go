// Package deals is the chat side of deals: cards, lists, the new deal dialog.
package deals

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// Register registers deals: the card, the list, the new deal dialog.
func Register(r *bot.Router) {
	r.Command("deal", core.PermViewDeals, deal)
	r.Variant("deal", "new", core.PermEditDeals)
	r.Variant("deal", "новая", core.PermEditDeals)
	r.Command("deals", core.PermViewDeals, deals)
	r.Variant("deals", "all", core.PermViewAllDeals)
	r.Action(core.ActionDealNew, core.PermEditDeals, newDealAction)
	r.View(core.ActionDealShow, core.PermViewDeals, showDealAction)
	r.Flow(dealFlow())
}

// deal starts a new deal (/deal new) or shows one (/deal D-2026-0001).
func deal(c *bot.Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	switch {
	case arg == "":
		return c.Reply("msg.deal.usage", nil)
	case strings.EqualFold(arg, "new") || strings.EqualFold(arg, "новая"):
		if !c.User.Can(core.PermEditDeals) {
			return core.Errorf(core.EFORBIDDEN, "err.forbidden")
		}
		return c.Start("deal.new", nil)
	}
	d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), arg)
	if err != nil {
		return err
	}
	return showDeal(c, d)
}

func showDeal(c *bot.Context, d *core.Deal) error {
	var rows [][]bot.Button
	var row []bot.Button
	if c.User.Can(core.PermTasks) {
		row = append(row, bot.Button{LabelKey: "btn.task.new", Action: core.ActionTaskNew, Payload: strconv.FormatInt(d.ID, 10)})
	}
	if c.User.Can(core.PermHistory) {
		row = append(row, bot.Button{LabelKey: "btn.history", Action: core.ActionHistoryShow, Payload: d.Number})
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return c.Send(bot.Reply{Text: dealCard(c, d), Buttons: rows})
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

// deals lists the user's deals; /deals all lists every open deal for the
// roles that see all deals.
func deals(c *bot.Context) error {
	f := core.DealFilter{ManagerID: c.User.ID, Limit: 30}
	if strings.EqualFold(strings.TrimSpace(c.Update.Args), "all") && c.User.Can(core.PermViewAllDeals) {
		f = core.DealFilter{Open: true, Limit: 30}
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

func newDealAction(c *bot.Context) error {
	return c.Start("deal.new", map[string]string{"client_id": c.Button.Payload})
}

// dealFlow asks for a new deal's client, title, amount and signing date.
func dealFlow() *bot.Flow {
	return &bot.Flow{Name: "deal.new", First: "client", Perm: core.PermEditDeals, Steps: map[string]*bot.Step{
		"client": {Prompt: func(c *bot.Context) error {
			if c.Conv.Data["client_id"] != "" {
				return clientFromCard(c)
			}
			return c.Reply("flow.deal.client", nil)
		}, Input: dealClient},
		"manager": {Prompt: askManager, Input: dealManager},
		"title":   {Prompt: bot.Ask("flow.deal.title", false), Input: bot.TitleInput("amount")},
		"amount": {Prompt: bot.Ask("flow.deal.amount", false), Input: func(c *bot.Context, s string) (string, error) {
			m, err := core.ParseMoney(s, c.P.Lang())
			if err == nil {
				err = core.ValidateAmount(m)
			}
			if err != nil {
				return "", err
			}
			c.Conv.Data["amount"] = strconv.FormatInt(int64(m), 10)
			return "signing_due", nil
		}},
		"signing_due":  {Prompt: bot.Ask("flow.deal.signing_due", true), Input: bot.DateInput("signing_due", "payment_due")},
		"payment_due":  {Prompt: bot.Ask("flow.deal.payment_due", true), Input: bot.DateInput("payment_due", "contract_end")},
		"contract_end": {Prompt: bot.Ask("flow.deal.contract_end", true), Input: contractEnd},
		"confirm":      {Prompt: confirmDeal, Input: createDeal},
	}}
}

// contractEnd takes the contract's end date, which may not come before the
// signing date.
func contractEnd(c *bot.Context, s string) (string, error) {
	next, err := bot.DateInput("contract_end", "confirm")(c, s)
	if err != nil || c.Conv.Data["contract_end"] == "" {
		return next, err
	}
	signing, _ := time.Parse(time.RFC3339, c.Conv.Data["signing_due"])
	end, _ := time.Parse(time.RFC3339, c.Conv.Data["contract_end"])
	if err := core.ValidateContractEnd(signing, end); err != nil {
		delete(c.Conv.Data, "contract_end")
		delete(c.Conv.Data, "contract_end_default")
		return "", err
	}
	return next, nil
}

// dealClient takes the client of a new deal: an INN, or the id chosen among
// the branches of one.
func dealClient(c *bot.Context, s string) (string, error) {
	if v, ok := strings.CutPrefix(s, "id:"); ok {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", core.Errorf(core.EINVALID, "err.deal.client_required")
		}
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), id)
		if err != nil {
			return "", core.Errorf(core.EINVALID, "err.deal.client_required")
		}
		return chooseClient(c, cl)
	}
	clients, err := c.Svc.FindClientsByINN(c.Ctx(), c.Actor(), requisite.Clean(s))
	if core.IsNotFound(err) {
		return "", core.Errorf(core.EINVALID, "err.deal.client_unknown", "INN", requisite.Clean(s))
	} else if err != nil {
		return "", err
	}
	// A card merged into another is no client of a new deal: its branches
	// are not offered, and an INN with no other card is refused here.
	live := slices.DeleteFunc(slices.Clone(clients), func(cl *core.Client) bool { return cl.MergedInto != 0 })
	if len(live) == 0 {
		return chooseClient(c, clients[0])
	}
	if len(live) == 1 {
		return chooseClient(c, live[0])
	}
	var rows [][]bot.Button
	for _, cl := range live {
		rows = append(rows, bot.Row(bot.Choice("btn.client.choose", bot.Args{"Name": cl.Name(), "KPP": cl.KPP},
			"id:"+strconv.FormatInt(cl.ID, 10))))
	}
	// bot.Stay on this step until a branch is chosen.
	return bot.Stay, c.Reply("flow.deal.choose_branch", nil, rows...)
}

// chooseClient sets the deal's client and says whether a manager must be
// chosen: not when the client has one or the user leads deals themselves.
func chooseClient(c *bot.Context, cl *core.Client) (string, error) {
	if cl.MergedInto != 0 {
		return "", mergedClient(c, cl)
	}
	c.Conv.Data["client_id"] = strconv.FormatInt(cl.ID, 10)
	if core.DealManager(c.Actor(), cl) != 0 {
		return "title", nil
	}
	return "manager", nil
}

// clientFromCard goes on from a client card's «Новая сделка»; a card merged
// since the button was shown ends the dialog, naming the card to use.
func clientFromCard(c *bot.Context) error {
	id, err := strconv.ParseInt(c.Conv.Data["client_id"], 10, 64)
	if err == nil {
		if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), id); err == nil && cl.MergedInto != 0 {
			_ = c.Finish()
			return mergedClient(c, cl)
		}
	}
	return c.Goto("title")
}

// mergedClient refuses a merged card as a deal's client, naming the card it
// was merged into.
func mergedClient(c *bot.Context, cl *core.Client) error {
	name, inn := "#"+strconv.FormatInt(cl.MergedInto, 10), ""
	if into, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), cl.MergedInto); err == nil {
		name, inn = into.Name(), into.INN
	}
	return core.Errorf(core.EINVALID, "err.deal.client_merged", "Name", cl.Name(), "ID", cl.ID,
		"Into", cl.MergedInto, "IntoName", name, "IntoINN", inn)
}

// askManager offers the people who may lead the deal.
func askManager(c *bot.Context) error {
	us, err := c.Svc.ListUsers(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	var rows [][]bot.Button
	for _, u := range us {
		if core.MayBeGivenDeals(u) && len(rows) < 10 {
			rows = append(rows, bot.Row(bot.Choice("btn.user", bot.Args{"Name": u.Name, "Role": c.Role(u.Role)},
				"id:"+strconv.FormatInt(u.ID, 10))))
		}
	}
	if len(rows) == 0 {
		_ = c.Finish()
		return core.Errorf(core.EINVALID, "err.deal.no_managers")
	}
	return c.Reply("flow.deal.manager", nil, rows...)
}

func dealManager(c *bot.Context, s string) (string, error) {
	v, ok := strings.CutPrefix(s, "id:")
	if _, err := strconv.ParseInt(v, 10, 64); !ok || err != nil {
		return "", core.Errorf(core.EINVALID, "err.choose.button")
	}
	c.Conv.Data["manager_id"] = v
	return "title", nil
}

func draftDeal(c *bot.Context) (*core.Deal, error) {
	d := c.Conv.Data
	id, err := strconv.ParseInt(d["client_id"], 10, 64)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "err.deal.client_required")
	}
	amount, _ := strconv.ParseInt(d["amount"], 10, 64)
	manager, _ := strconv.ParseInt(d["manager_id"], 10, 64)
	deal := &core.Deal{ClientID: id, ManagerID: manager, Title: d["title"], Amount: core.Money(amount),
		Stage: core.StageNew}
	if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), id); err == nil && cl.Verification.Company.BlocksDeals() &&
		core.MayOverrideBlock(c.User) {
		// The confirmation says so; pressing Create is the head's decision.
		deal.Override = true
	}
	deal.SigningDue, _ = time.Parse(time.RFC3339, d["signing_due"])
	deal.PaymentDue, _ = time.Parse(time.RFC3339, d["payment_due"])
	deal.ContractEnd, _ = time.Parse(time.RFC3339, d["contract_end"])
	return deal, nil
}

func confirmDeal(c *bot.Context) error {
	d, err := draftDeal(c)
	if err != nil {
		return err
	}
	d.Number = "…"
	if d.ManagerID == 0 {
		if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), d.ClientID); err == nil {
			d.ManagerID = core.DealManager(c.Actor(), cl)
		}
	}
	text := c.T("flow.deal.confirm", nil) + "\n\n" + dealCard(c, d)
	if d.Override {
		text += "\n\n" + c.T("flow.deal.override", nil)
	}
	return c.Send(bot.Reply{Text: text,
		Buttons: [][]bot.Button{bot.Row(bot.Choice("btn.create", nil, "yes"), bot.Choice("btn.cancel", nil, "no"))}})
}

func createDeal(c *bot.Context, s string) (string, error) {
	if yes, err := bot.Confirmed(c, s); !yes || err != nil {
		return "", err
	}
	d, err := draftDeal(c)
	if err == nil {
		d, err = c.Svc.CreateDeal(c.Ctx(), c.Actor(), d)
	}
	// Saved or not, the dialog ends; an error says why it could not be.
	if ferr := c.Finish(); err == nil {
		err = ferr
	}
	if err != nil {
		return "", err
	}
	if err := c.Reply("msg.deal.created", bot.Args{"Number": d.Number}); err != nil {
		return "", err
	}
	return "", showDeal(c, d)
}
