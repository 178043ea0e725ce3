package deals

import (
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

func newDealAction(c *bot.Context) error {
	return c.Start("deal.new", map[string]string{"client_id": c.Button.Payload})
}

// The new deal dialog's data: the steps store what was answered under
// these names and the dates in RFC 3339. The one-message form (quick.go)
// fills them from the command and sets dataQuick; a part it could not take
// is asked again (dataRedo + field) and a client named in it is looked up
// when the dialog starts (dataClientQuery).
const (
	dataQuick       = "quick"
	dataRedo        = "redo_"
	dataClientQuery = "client_query"
	dataNeedManager = "need_manager"
)

// dateFields are the optional deadlines of a new deal, in the order asked.
var dateFields = []string{"signing_due", "payment_due", "contract_end"}

// dealFlow asks for a new deal's client, (manager,) title, amount and
// dates, then shows it with «Создать». In the one-message form only what
// is missing or wrong of it is asked, and the dates it does not give are
// not asked at all.
func dealFlow() *bot.Flow {
	return &bot.Flow{Name: "deal.new", First: "client", Perm: core.PermEditDeals, Steps: map[string]*bot.Step{
		"client":  {Prompt: askClient, Input: dealClient},
		"manager": {Prompt: askManager, Input: dealManager},
		"title": {Prompt: bot.Ask("flow.deal.title", false), Input: func(c *bot.Context, s string) (string, error) {
			next, err := bot.TitleInput("amount")(c, s)
			return after(c, next), err
		}},
		"amount": {Prompt: bot.Ask("flow.deal.amount", false), Input: func(c *bot.Context, s string) (string, error) {
			m, err := parseAmount(c, s)
			if err != nil {
				return "", err
			}
			c.Conv.Data["amount"] = strconv.FormatInt(int64(m), 10)
			return after(c, "signing_due"), nil
		}},
		"signing_due":  {Prompt: bot.Ask("flow.deal.signing_due", true), Input: dateStep("signing_due", "payment_due")},
		"payment_due":  {Prompt: bot.Ask("flow.deal.payment_due", true), Input: dateStep("payment_due", "contract_end")},
		"contract_end": {Prompt: bot.Ask("flow.deal.contract_end", true), Input: contractEnd},
		"confirm":      {Prompt: confirmDeal, Input: createDeal},
	}}
}

// after is the step after one answered: next in the step-by-step dialog;
// in the one-message form, the first one still missing or wrong.
func after(c *bot.Context, next string) string {
	if c.Conv == nil || c.Conv.Data[dataQuick] == "" || next == "" || next == bot.Stay {
		return next
	}
	d := c.Conv.Data
	switch {
	case d["client_id"] == "":
		return "client"
	case d[dataNeedManager] != "" && d["manager_id"] == "":
		return "manager"
	case d["title"] == "":
		return "title"
	case d["amount"] == "":
		return "amount"
	}
	for _, f := range dateFields {
		if d[dataRedo+f] != "" {
			return f
		}
	}
	return "confirm"
}

func parseAmount(c *bot.Context, s string) (core.Money, error) {
	m, err := core.ParseMoney(s, c.P.Lang())
	if err == nil {
		err = core.ValidateAmount(m)
	}
	return m, err
}

// dateStep takes an optional deadline (bot.DateInput); in the one-message
// form, a date asked again because it was wrong is then taken.
func dateStep(field, next string) func(*bot.Context, string) (string, error) {
	return func(c *bot.Context, s string) (string, error) {
		n, err := bot.DateInput(field, next)(c, s)
		if err != nil {
			return "", err
		}
		delete(c.Conv.Data, dataRedo+field)
		return after(c, n), nil
	}
}

// contractEnd takes the contract's end date, which may not come before the
// signing date.
func contractEnd(c *bot.Context, s string) (string, error) {
	next, err := dateStep("contract_end", "confirm")(c, s)
	if err != nil || c.Conv.Data["contract_end"] == "" {
		return next, err
	}
	signing, _ := time.Parse(time.RFC3339, c.Conv.Data["signing_due"])
	end, _ := time.Parse(time.RFC3339, c.Conv.Data["contract_end"])
	if err := core.ValidateContractEnd(signing, end); err != nil {
		delete(c.Conv.Data, "contract_end")
		delete(c.Conv.Data, "contract_end_default")
		c.Conv.Data[dataRedo+"contract_end"] = "1"
		return "", err
	}
	return next, nil
}

// askClient asks for the client; a client given already (the card's «Новая
// сделка», or named in the one-message form) is taken without asking.
func askClient(c *bot.Context) error {
	d := c.Conv.Data
	if q := d[dataClientQuery]; q != "" {
		// Looked up once: asked again, the step asks.
		delete(d, dataClientQuery)
		if err := c.Svc.SaveConversation(c.Ctx(), c.Conv); err != nil {
			return err
		}
		next, err := dealClient(c, q)
		switch {
		case core.ErrorCode(err) == core.EINVALID:
			key, args := core.ErrorKey(err)
			if err := c.Reply(key, args); err != nil {
				return err
			}
		case err != nil:
			return err
		case next == bot.Stay: // several cards match: the choice is offered
			return nil
		default:
			return c.Goto(next)
		}
	}
	if d["client_id"] != "" {
		return clientFromCard(c)
	}
	return c.Reply("flow.deal.client", nil)
}

// maxClientChoices is how many matching cards the client step offers.
const maxClientChoices = 10

// dealClient takes the client of a new deal: an INN, a part of the name,
// or the card chosen among those that match. One card that is not merged
// into another is taken; several are offered as buttons; a merged card is
// refused, naming the card it went to.
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
	// Digits alone are an INN to cards.LookupClients: its head office and
	// branches, or none, which needs a card first.
	inn := requisite.Clean(s)
	byINN := inn != "" && strings.Trim(inn, "0123456789") == ""
	clients, err := cards.LookupClients(c, s, maxClientChoices)
	if core.IsNotFound(err) && byINN {
		return "", core.Errorf(core.EINVALID, "err.deal.client_unknown", "INN", inn)
	} else if err != nil {
		return "", bot.AsInvalid(err)
	}
	// A card merged into another is no client of a new deal: it is not
	// offered, and a query that finds no other card is refused here.
	live := cards.Working(clients)
	switch len(live) {
	case 0:
		return chooseClient(c, clients[0])
	case 1:
		return chooseClient(c, live[0])
	}
	rows := cards.ClientChoices(live, "id:", len(live))
	key, args := "flow.deal.choose_client", bot.Args{"More": len(clients) >= maxClientChoices, "Count": len(live)}
	if byINN {
		key, args = "flow.deal.choose_branch", nil
	}
	// bot.Stay on this step until a card is chosen (or another typed).
	return bot.Stay, c.Reply(key, args, rows...)
}

// chooseClient sets the deal's client and goes on: to the manager when one
// must be chosen (the client has none and the user does not lead deals
// themselves), else to the title.
func chooseClient(c *bot.Context, cl *core.Client) (string, error) {
	if cl.MergedInto != 0 {
		return "", mergedClient(c, cl)
	}
	c.Conv.Data["client_id"] = strconv.FormatInt(cl.ID, 10)
	if core.DealManager(c.Actor(), cl) != 0 {
		delete(c.Conv.Data, dataNeedManager)
		return after(c, "title"), nil
	}
	c.Conv.Data[dataNeedManager] = "1"
	return after(c, "manager"), nil
}

// clientFromCard goes on from a client card's «Новая сделка»; a card merged
// since the button was shown ends the dialog, naming the card to use.
func clientFromCard(c *bot.Context) error {
	id, err := strconv.ParseInt(c.Conv.Data["client_id"], 10, 64)
	if err != nil {
		_ = c.Finish()
		return core.Errorf(core.EINVALID, "err.deal.client_required")
	}
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		_ = c.Finish()
		return err
	}
	if cl.MergedInto != 0 {
		_ = c.Finish()
		return mergedClient(c, cl)
	}
	next, err := chooseClient(c, cl)
	if err != nil {
		return err
	}
	return c.Goto(next)
}

// mergedClient refuses a merged card as a deal's client, naming the card it
// was merged into.
func mergedClient(c *bot.Context, cl *core.Client) error {
	name, card, inn := "#"+strconv.FormatInt(cl.MergedInto, 10), "#"+strconv.FormatInt(cl.MergedInto, 10), ""
	if into, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), cl.MergedInto); err == nil {
		name, card, inn = into.Name(), core.QuoteName(into.Name()), into.INN
	}
	return core.Errorf(core.EINVALID, "err.deal.client_merged", "Name", cl.Name(), "Card", core.QuoteName(cl.Name()),
		"ID", cl.ID, "Into", cl.MergedInto, "IntoName", name, "IntoCard", card, "IntoINN", inn)
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
	return after(c, "title"), nil
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
