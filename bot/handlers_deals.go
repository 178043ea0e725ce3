package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// deal starts a new deal (/deal new) or shows one (/deal D-2026-0001).
func deal(c *Context) error {
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
	d, err := c.Svc.FindDealByNumber(c.ctx, c.Actor(), arg)
	if err != nil {
		return err
	}
	return c.showDeal(d)
}

func (c *Context) showDeal(d *core.Deal) error {
	var rows [][]Button
	var row []Button
	if c.User.Can(core.PermTasks) {
		row = append(row, Button{LabelKey: "btn.task.new", Action: "task.new", Payload: strconv.FormatInt(d.ID, 10)})
	}
	if c.User.Can(core.PermHistory) {
		row = append(row, Button{LabelKey: "btn.history", Action: "history.show", Payload: d.Number})
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return c.Send(Reply{Text: c.dealCard(d), Buttons: rows})
}

// dealCard renders a deal card.
func (c *Context) dealCard(d *core.Deal) string {
	client := "#" + strconv.FormatInt(d.ClientID, 10)
	if cl, err := c.Svc.ClientByID(c.ctx, c.Actor(), d.ClientID); err == nil {
		client = cl.Name() + " (" + c.T("card.client.inn", Args{"Value": cl.INN}) + ")"
	}
	manager := ""
	if u, err := c.Svc.UserByID(c.ctx, d.ManagerID); err == nil {
		manager = u.Name
	}
	var b strings.Builder
	b.WriteString(c.T("card.deal.title", Args{"Number": d.Number, "Title": d.Title}))
	b.WriteString("\n" + c.T("card.deal.client", Args{"Value": client}))
	b.WriteString("\n" + c.T("card.deal.amount", Args{"Amount": int64(d.Amount)}))
	b.WriteString("\n" + c.T("card.deal.stage", Args{"Value": c.T("stage."+string(d.Stage), nil)}))
	b.WriteString("\n" + c.T("card.deal.manager", Args{"Value": manager}))
	for _, kd := range []struct {
		key string
		t   time.Time
	}{{"card.deal.signing_due", d.SigningDue}, {"card.deal.payment_due", d.PaymentDue},
		{"card.deal.contract_end", d.ContractEnd}} {
		if !kd.t.IsZero() {
			b.WriteString("\n" + c.T(kd.key, Args{"Date": kd.t}))
		}
	}
	return b.String()
}

func showDealAction(c *Context) error {
	id, err := parseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	d, err := c.Svc.DealByID(c.ctx, c.Actor(), id)
	if err != nil {
		return err
	}
	return c.showDeal(d)
}

// deals lists the user's deals; /deals all lists every open deal for the
// roles that see all deals.
func deals(c *Context) error {
	f := core.DealFilter{ManagerID: c.User.ID, Limit: 30}
	if strings.EqualFold(strings.TrimSpace(c.Update.Args), "all") && c.User.Can(core.PermViewAllDeals) {
		f = core.DealFilter{Open: true, Limit: 30}
	}
	ds, err := c.Svc.FindDeals(c.ctx, c.Actor(), f)
	if err != nil {
		return err
	}
	if len(ds) == 0 {
		return c.Reply("msg.deals.none", nil)
	}
	var b strings.Builder
	b.WriteString(c.T("msg.deals.title", Args{"Count": len(ds)}))
	var rows [][]Button
	for _, d := range ds {
		b.WriteString("\n")
		b.WriteString(c.T("msg.deals.line", Args{"Number": d.Number, "Title": d.Title,
			"Amount": int64(d.Amount), "Stage": c.T("stage."+string(d.Stage), nil)}))
		if len(rows) < 8 {
			rows = append(rows, Row(Button{LabelKey: "btn.deal.open", Args: Args{"Number": d.Number},
				Action: "deal.show", Payload: strconv.FormatInt(d.ID, 10)}))
		}
	}
	return c.Send(Reply{Text: b.String(), Buttons: rows})
}

func newDealAction(c *Context) error {
	return c.Start("deal.new", map[string]string{"client_id": c.Button.Payload})
}

// dealFlow asks for a new deal's client, title, amount and signing date.
func dealFlow() *Flow {
	return &Flow{Name: "deal.new", First: "client", Perm: core.PermEditDeals, Steps: map[string]*Step{
		"client": {Prompt: func(c *Context) error {
			if c.Conv.Data["client_id"] != "" {
				return c.Goto("title") // started from a client card
			}
			return c.Reply("flow.deal.client", nil)
		}, Input: dealClient},
		"manager": {Prompt: askManager, Input: dealManager},
		"title":   {Prompt: ask("flow.deal.title", false), Input: titleInput("amount")},
		"amount": {Prompt: ask("flow.deal.amount", false), Input: func(c *Context, s string) (string, error) {
			m, err := core.ParseMoney(s)
			if err != nil {
				return "", err
			}
			c.Conv.Data["amount"] = strconv.FormatInt(int64(m), 10)
			return "signing_due", nil
		}},
		"signing_due":  {Prompt: ask("flow.deal.signing_due", true), Input: dateInput("signing_due", "payment_due")},
		"payment_due":  {Prompt: ask("flow.deal.payment_due", true), Input: dateInput("payment_due", "contract_end")},
		"contract_end": {Prompt: ask("flow.deal.contract_end", true), Input: dateInput("contract_end", "confirm")},
		"confirm":      {Prompt: confirmDeal, Input: createDeal},
	}}
}

// dealClient takes the client of a new deal: an INN, or the id chosen among
// the branches of one.
func dealClient(c *Context, s string) (string, error) {
	if v, ok := strings.CutPrefix(s, "id:"); ok {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", core.Errorf(core.EINVALID, "err.deal.client_required")
		}
		cl, err := c.Svc.ClientByID(c.ctx, c.Actor(), id)
		if err != nil {
			return "", core.Errorf(core.EINVALID, "err.deal.client_required")
		}
		return c.chooseClient(cl)
	}
	clients, err := c.Svc.FindClientsByINN(c.ctx, c.Actor(), requisite.Clean(s))
	if core.IsNotFound(err) {
		return "", core.Errorf(core.EINVALID, "err.deal.client_unknown", "INN", requisite.Clean(s))
	} else if err != nil {
		return "", err
	}
	if len(clients) == 1 {
		return c.chooseClient(clients[0])
	}
	var rows [][]Button
	for _, cl := range clients {
		rows = append(rows, Row(Choice("btn.client.choose", Args{"Name": cl.Name(), "KPP": cl.KPP},
			"id:"+strconv.FormatInt(cl.ID, 10))))
	}
	// Stay on this step until a branch is chosen.
	return Stay, c.Reply("flow.deal.choose_branch", nil, rows...)
}

// chooseClient sets the deal's client and says whether a manager must be
// chosen: not when the client has one or the user leads deals themselves.
func (c *Context) chooseClient(cl *core.Client) (string, error) {
	c.Conv.Data["client_id"] = strconv.FormatInt(cl.ID, 10)
	if cl.ManagerID != 0 || core.LeadsDeals(c.User.Role) {
		return "title", nil
	}
	return "manager", nil
}

// askManager offers the people who may lead the deal.
func askManager(c *Context) error {
	us, err := c.Svc.ListUsers(c.ctx, c.Actor())
	if err != nil {
		return err
	}
	var rows [][]Button
	for _, u := range us {
		if u.Active && core.LeadsDeals(u.Role) && u.Role != core.RoleAdmin && len(rows) < 10 {
			rows = append(rows, Row(Choice("btn.user", Args{"Name": u.Name, "Role": c.role(u.Role)},
				"id:"+strconv.FormatInt(u.ID, 10))))
		}
	}
	if len(rows) == 0 {
		_ = c.Finish()
		return core.Errorf(core.EINVALID, "err.deal.no_managers")
	}
	return c.Reply("flow.deal.manager", nil, rows...)
}

func dealManager(c *Context, s string) (string, error) {
	v, ok := strings.CutPrefix(s, "id:")
	if _, err := strconv.ParseInt(v, 10, 64); !ok || err != nil {
		return "", core.Errorf(core.EINVALID, "err.choose.button")
	}
	c.Conv.Data["manager_id"] = v
	return "title", nil
}

// dateInput parses an optional date in the user's time zone.
func dateInput(field, next string) func(*Context, string) (string, error) {
	return func(c *Context, s string) (string, error) {
		if IsSkip(s) || s == "" {
			delete(c.Conv.Data, field)
			return next, nil
		}
		t, err := core.ParseDate(s, c.bot.now(), c.P.Location())
		if err != nil {
			return "", err
		}
		c.Conv.Data[field] = t.Format(time.RFC3339)
		return next, nil
	}
}

func (c *Context) draftDeal() (*core.Deal, error) {
	d := c.Conv.Data
	id, err := strconv.ParseInt(d["client_id"], 10, 64)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "err.deal.client_required")
	}
	amount, _ := strconv.ParseInt(d["amount"], 10, 64)
	manager, _ := strconv.ParseInt(d["manager_id"], 10, 64)
	deal := &core.Deal{ClientID: id, ManagerID: manager, Title: d["title"], Amount: core.Money(amount),
		Stage: core.StageNew}
	if cl, err := c.Svc.ClientByID(c.ctx, c.Actor(), id); err == nil && cl.Verification.Company.BlocksDeals() &&
		(c.User.Role == core.RoleHead || c.User.Role == core.RoleAdmin) {
		// The confirmation says so; pressing Create is the head's decision.
		deal.Override = true
	}
	deal.SigningDue, _ = time.Parse(time.RFC3339, d["signing_due"])
	deal.PaymentDue, _ = time.Parse(time.RFC3339, d["payment_due"])
	deal.ContractEnd, _ = time.Parse(time.RFC3339, d["contract_end"])
	return deal, nil
}

func confirmDeal(c *Context) error {
	d, err := c.draftDeal()
	if err != nil {
		return err
	}
	d.Number = "…"
	if d.ManagerID == 0 {
		d.ManagerID = c.User.ID
		if cl, err := c.Svc.ClientByID(c.ctx, c.Actor(), d.ClientID); err == nil && cl.ManagerID != 0 {
			d.ManagerID = cl.ManagerID
		}
	}
	text := c.T("flow.deal.confirm", nil) + "\n\n" + c.dealCard(d)
	if d.Override {
		text += "\n\n" + c.T("flow.deal.override", nil)
	}
	return c.Send(Reply{Text: text,
		Buttons: [][]Button{Row(Choice("btn.create", nil, "yes"), Choice("btn.cancel", nil, "no"))}})
}

func createDeal(c *Context, s string) (string, error) {
	if yes, err := confirmed(c, s); !yes || err != nil {
		return "", err
	}
	d, err := c.draftDeal()
	if err == nil {
		d, err = c.Svc.CreateDeal(c.ctx, c.Actor(), d)
	}
	// Saved or not, the dialog ends; an error says why it could not be.
	if ferr := c.Finish(); err == nil {
		err = ferr
	}
	if err != nil {
		return "", err
	}
	if err := c.Reply("msg.deal.created", Args{"Number": d.Number}); err != nil {
		return "", err
	}
	return "", c.showDeal(d)
}
