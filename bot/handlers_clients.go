package bot

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// showClient shows the card(s) of an INN, or offers to create one:
// /client <INN>.
func showClient(c *Context) error {
	inn := requisite.Clean(c.Update.Args)
	if inn == "" {
		return c.Reply("msg.client.usage", nil)
	}
	clients, err := c.Svc.FindClientsByINN(c.ctx, c.Actor(), inn)
	if core.IsNotFound(err) {
		var rows [][]Button
		if c.User.Can(core.PermEditClients) {
			rows = append(rows, Row(Button{LabelKey: "btn.client.create", Action: "client.new", Payload: inn}))
		}
		return c.Reply("msg.client.not_found", Args{"INN": inn}, rows...)
	} else if err != nil {
		return err
	}
	for _, cl := range clients {
		if err := c.Send(Reply{Text: c.clientCard(cl), Buttons: c.clientButtons(cl)}); err != nil {
			return err
		}
	}
	return nil
}

func (c *Context) clientButtons(cl *core.Client) [][]Button {
	var row []Button
	if c.User.Can(core.PermEditDeals) {
		row = append(row, Button{LabelKey: "btn.deal.new", Action: "deal.new", Payload: strconv.FormatInt(cl.ID, 10)})
	}
	if c.User.Can(core.PermHistory) {
		row = append(row, Button{LabelKey: "btn.history", Action: "history.show", Payload: cl.INN})
	}
	if len(row) == 0 {
		return nil
	}
	return [][]Button{row}
}

// clientCard renders a client card.
func (c *Context) clientCard(cl *core.Client) string {
	var b strings.Builder
	b.WriteString(c.T("card.client.title", Args{"Name": cl.Name(), "Kind": c.T("kind."+string(cl.Kind), nil),
		"ID": cl.ID}))
	if cl.MergedInto != 0 {
		b.WriteString("\n" + c.T("card.client.merged", Args{"ID": cl.MergedInto}))
	}
	line := func(key, value string) {
		if value != "" {
			b.WriteString("\n")
			b.WriteString(c.T(key, Args{"Value": value}))
		}
	}
	line("card.client.full_name", cl.FullName)
	line("card.client.inn", cl.INN)
	line("card.client.kpp", cl.KPP)
	line("card.client.ogrn", cl.OGRN)
	line("card.client.address", cl.Address)
	line("card.client.director", cl.Director)
	for _, a := range cl.Accounts {
		b.WriteString("\n")
		b.WriteString(c.T("card.client.account", Args{"Account": a.Account, "BIK": a.BIK, "Bank": a.BankName}))
	}
	if cl.ManagerID != 0 {
		if u, err := c.Svc.UserByID(c.ctx, cl.ManagerID); err == nil {
			line("card.client.manager", u.Name)
		}
	}
	v := cl.Verification
	b.WriteString("\n")
	b.WriteString(c.T("card.client.verification."+string(v.Status), Args{"At": v.At, "Source": v.Source}))
	if v.Company != "" && v.Company != core.StatusActive {
		b.WriteString("\n" + c.T("card.client.company", Args{"Status": string(v.Company)}))
	}
	if len(v.Risks) > 0 {
		b.WriteString("\n" + c.T("msg.report.risks", Args{"Risks": v.Risks}))
	}
	if d := c.driftLines(cl); d != "" {
		b.WriteString("\n" + d)
	}
	return b.String()
}

// searchClients lists clients by a name fragment or INN prefix:
// /clients <text>.
func searchClients(c *Context) error {
	q := strings.TrimSpace(c.Update.Args)
	if q == "" {
		return c.Reply("msg.clients.usage", nil)
	}
	cs, err := c.Svc.SearchClients(c.ctx, c.Actor(), q, 20)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return c.Reply("msg.clients.none", Args{"Query": q})
	}
	var b strings.Builder
	b.WriteString(c.T("msg.clients.title", Args{"Count": len(cs), "Query": q}))
	for _, cl := range cs {
		b.WriteString("\n")
		b.WriteString(c.T("msg.clients.line", Args{"INN": cl.INN, "KPP": cl.KPP, "Name": cl.Name()}))
	}
	return c.Send(Reply{Text: b.String()})
}

func newClientAction(c *Context) error {
	return c.Start("client.new", map[string]string{"inn": c.Button.Payload})
}

// clientFlow asks for the fields of a new client card, then creates it.
func clientFlow() *Flow {
	legal := func(c *Context) bool { return requisite.IsLegalINN(c.Conv.Data["inn"]) }
	return &Flow{Name: "client.new", First: "name", Perm: core.PermEditClients, Steps: map[string]*Step{
		"name": {Prompt: ask("flow.client.name", false), Input: func(c *Context, s string) (string, error) {
			if s == "" || IsSkip(s) {
				return "", core.Errorf(core.EINVALID, "err.client.name_required")
			}
			c.Conv.Data["name"] = s
			if legal(c) {
				return "kpp", nil
			}
			return "ogrn", nil
		}},
		"kpp": {Prompt: ask("flow.client.kpp", true), Input: optional("kpp", "ogrn", func(_ *Context, s string) error {
			return core.ValidateKPP(s)
		})},
		"ogrn": {Prompt: ask("flow.client.ogrn", true), Input: optional("ogrn", "address", func(c *Context, s string) error {
			return core.ValidateOGRN(s, core.KindForINN(c.Conv.Data["inn"]))
		})},
		"address": {Prompt: ask("flow.client.address", true), Input: func(c *Context, s string) (string, error) {
			next := "confirm"
			if legal(c) {
				next = "director"
			}
			return optional("address", next, nil)(c, s)
		}},
		"director": {Prompt: ask("flow.client.director", true), Input: optional("director", "confirm", nil)},
		"confirm":  {Prompt: confirmClient, Input: createClient},
	}}
}

// titleInput takes the title of a deal or task.
func titleInput(next string) func(*Context, string) (string, error) {
	return func(c *Context, s string) (string, error) {
		if IsSkip(s) {
			s = ""
		}
		if err := core.ValidateTitle(s); err != nil {
			return "", err
		}
		c.Conv.Data["title"] = s
		return next, nil
	}
}

// ask returns a prompt that asks a question, with a Skip button when the
// step is optional.
func ask(key string, skippable bool) func(*Context) error {
	return func(c *Context) error {
		rows := [][]Button{}
		if skippable {
			rows = append(rows, Row(Choice("btn.skip", nil, Skip)))
		}
		return c.Reply(key, nil, rows...)
	}
}

// optional returns an input parser for an optional field: "-" skips it,
// anything else is checked (when check is set) and stored under field.
func optional(field, next string, check func(*Context, string) error) func(*Context, string) (string, error) {
	return func(c *Context, s string) (string, error) {
		if IsSkip(s) || s == "" {
			delete(c.Conv.Data, field)
			return next, nil
		}
		if check != nil {
			s = requisite.Clean(s)
			if err := check(c, s); err != nil {
				return "", err
			}
		}
		c.Conv.Data[field] = s
		return next, nil
	}
}

func (c *Context) draftClient() *core.Client {
	d := c.Conv.Data
	return &core.Client{INN: d["inn"], Kind: core.KindForINN(d["inn"]), KPP: d["kpp"], OGRN: d["ogrn"],
		ShortName: d["name"], Address: d["address"], Director: d["director"],
		Verification: core.Verification{Status: core.Unverified}}
}

func confirmClient(c *Context) error {
	return c.Send(Reply{Text: c.T("flow.client.confirm", nil) + "\n\n" + c.clientCard(c.draftClient()),
		Buttons: [][]Button{Row(Choice("btn.create", nil, "yes"), Choice("btn.cancel", nil, "no"))}})
}

func createClient(c *Context, s string) (string, error) {
	if yes, err := confirmed(c, s); !yes || err != nil {
		return "", err
	}
	cl, err := c.Svc.CreateClient(c.ctx, c.Actor(), c.draftClient())
	if err != nil {
		if core.ErrorCode(err) == core.EINVALID || core.ErrorCode(err) == core.ECONFLICT {
			// The draft cannot be saved as it is: say why and end the flow.
			_ = c.Finish()
		}
		return "", err
	}
	if err := c.Finish(); err != nil {
		return "", err
	}
	text, rows := c.T("msg.client.created", nil)+"\n\n"+c.clientCard(cl), c.clientButtons(cl)
	// Every new card is checked for duplicates by OGRN and name.
	dups, err := c.Svc.FindDuplicates(c.ctx, c.Actor(), core.Requisites{INN: cl.INN, KPP: cl.KPP, OGRN: cl.OGRN,
		ShortName: cl.ShortName, FullName: cl.FullName}, cl.ID)
	if err != nil {
		return "", err
	}
	if len(dups) > 0 {
		text += "\n\n" + c.T("msg.report.duplicates", Args{"Duplicates": duplicateNames(dups)})
		for _, d := range dups {
			// The new card is the likely duplicate: offer to merge it into the old one.
			rows = append(rows, c.mergeButtons(d.ID, []*core.Client{cl})...)
		}
	}
	return "", c.Send(Reply{Text: text, Buttons: rows})
}

// confirmed reads the answer to a confirmation: yes goes on; no ends the
// flow, saving nothing; anything else asks again.
func confirmed(c *Context, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "да", "y", "д", "+":
		return true, nil
	case "no", "нет", "n", "н", "отмена", "cancel":
		if err := c.Finish(); err != nil {
			return false, err
		}
		return false, c.Reply("msg.cancel.done", nil)
	}
	return false, core.Errorf(core.EINVALID, "err.confirm.choose")
}
