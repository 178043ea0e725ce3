// Package clients is the chat side of client cards: look-up by INN or name
// and the new card dialog.
package clients

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// Register registers the client cards: look-up by INN or name, the new
// card dialog.
func Register(r *bot.Router) {
	r.Command("client", core.PermViewClients, showClient)
	r.Command("clients", core.PermViewClients, searchClients)
	r.Action(core.ActionClientNew, core.PermEditClients, newClientAction)
	r.Flow(clientFlow())
}

// showClient shows the card(s) of an INN, or offers to create one:
// /client <INN>.
func showClient(c *bot.Context) error {
	inn := requisite.Clean(c.Update.Args)
	if inn == "" {
		return c.Reply("msg.client.usage", nil)
	}
	clients, err := c.Svc.FindClientsByINN(c.Ctx(), c.Actor(), inn)
	if core.IsNotFound(err) {
		var rows [][]bot.Button
		if c.User.Can(core.PermEditClients) {
			rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.client.create", Action: core.ActionClientNew, Payload: inn}))
		}
		return c.Reply("msg.client.not_found", bot.Args{"INN": inn}, rows...)
	} else if err != nil {
		return err
	}
	for _, cl := range clients {
		if err := c.Send(bot.Reply{Text: cards.ClientCard(c, cl), Buttons: cards.ClientButtons(c, cl)}); err != nil {
			return err
		}
	}
	return nil
}

// searchClients lists clients by a name fragment or INN prefix:
// /clients <text>.
func searchClients(c *bot.Context) error {
	q := strings.TrimSpace(c.Update.Args)
	if q == "" {
		return c.Reply("msg.clients.usage", nil)
	}
	cs, err := c.Svc.SearchClients(c.Ctx(), c.Actor(), q, 20)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return c.Reply("msg.clients.none", bot.Args{"Query": q})
	}
	var b strings.Builder
	b.WriteString(c.T("msg.clients.title", bot.Args{"Count": len(cs), "Query": q}))
	for _, cl := range cs {
		b.WriteString("\n")
		args := bot.Args{"INN": cl.INN, "KPP": cl.KPP, "Name": cl.Name()}
		if cl.MergedInto == 0 {
			b.WriteString(c.T("msg.clients.line", args))
			continue
		}
		// A merged card is listed with the card it was merged into.
		args["Into"], args["IntoName"] = cl.MergedInto, "#"+strconv.FormatInt(cl.MergedInto, 10)
		if into, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), cl.MergedInto); err == nil {
			args["IntoName"] = into.Name()
		}
		b.WriteString(c.T("msg.clients.line_merged", args))
	}
	return c.Send(bot.Reply{Text: b.String()})
}

func newClientAction(c *bot.Context) error {
	return c.Start("client.new", map[string]string{"inn": c.Button.Payload})
}

// clientFlow asks for the fields of a new client card, then creates it.
func clientFlow() *bot.Flow {
	legal := func(c *bot.Context) bool { return requisite.IsLegalINN(c.Conv.Data["inn"]) }
	return &bot.Flow{Name: "client.new", First: "name", Perm: core.PermEditClients, Steps: map[string]*bot.Step{
		"name": {Prompt: bot.Ask("flow.client.name", false), Input: func(c *bot.Context, s string) (string, error) {
			if s == "" || bot.IsSkip(s) {
				return "", core.Errorf(core.EINVALID, "err.client.name_required")
			}
			if err := core.ValidateClientName(s); err != nil {
				return "", err // asked again at once, not refused at «Создать»
			}
			c.Conv.Data["name"] = s
			if legal(c) {
				return "kpp", nil
			}
			return "ogrn", nil
		}},
		"kpp": {Prompt: bot.Ask("flow.client.kpp", true), Input: bot.Optional("kpp", "ogrn", func(_ *bot.Context, s string) error {
			return core.ValidateKPP(s)
		})},
		"ogrn": {Prompt: bot.Ask("flow.client.ogrn", true), Input: bot.Optional("ogrn", "address", checkOGRN)},
		"address": {Prompt: bot.Ask("flow.client.address", true), Input: func(c *bot.Context, s string) (string, error) {
			next := "confirm"
			if legal(c) {
				next = "director"
			}
			return bot.Optional("address", next, nil)(c, s)
		}},
		"director": {Prompt: bot.Ask("flow.client.director", true), Input: bot.Optional("director", "confirm", nil)},
		"confirm":  {Prompt: confirmClient, Input: createClient},
	}}
}

// checkOGRN takes the OGRN of a new card only when it is well formed and no
// card of another INN has it, so that the dialog asks again at once rather
// than refusing at «Создать» (which checks again).
func checkOGRN(c *bot.Context, s string) error {
	inn := c.Conv.Data["inn"]
	if err := core.ValidateOGRN(s, core.KindForINN(inn)); err != nil {
		return err
	}
	err := c.Svc.CheckClientOGRN(c.Ctx(), c.Actor(), inn, s)
	if core.ErrorCode(err) == core.ECONFLICT {
		// A wrong answer to this step: say why and ask again.
		key, args := core.ErrorKey(err)
		return &core.Error{Code: core.EINVALID, Key: key, Args: args}
	}
	return err
}

func draftClient(c *bot.Context) *core.Client {
	d := c.Conv.Data
	return &core.Client{INN: d["inn"], Kind: core.KindForINN(d["inn"]), KPP: d["kpp"], OGRN: d["ogrn"],
		ShortName: d["name"], Address: d["address"], Director: d["director"],
		Verification: core.Verification{Status: core.Unverified}}
}

func confirmClient(c *bot.Context) error {
	return c.Send(bot.Reply{Text: c.T("flow.client.confirm", nil) + "\n\n" + cards.ClientCard(c, draftClient(c)),
		Buttons: [][]bot.Button{bot.Row(bot.Choice("btn.create", nil, "yes"), bot.Choice("btn.cancel", nil, "no"))}})
}

func createClient(c *bot.Context, s string) (string, error) {
	if yes, err := bot.Confirmed(c, s); !yes || err != nil {
		return "", err
	}
	cl, err := c.Svc.CreateClient(c.Ctx(), c.Actor(), draftClient(c))
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
	text, rows := c.T("msg.client.created", nil)+"\n\n"+cards.ClientCard(c, cl), cards.ClientButtons(c, cl)
	// Every new card is checked for duplicates by OGRN and name.
	dups, err := c.Svc.FindDuplicates(c.Ctx(), c.Actor(), core.Requisites{INN: cl.INN, KPP: cl.KPP, OGRN: cl.OGRN,
		ShortName: cl.ShortName, FullName: cl.FullName}, cl.ID)
	if err != nil {
		return "", err
	}
	if len(dups) > 0 {
		text += "\n\n" + c.T("msg.report.duplicates", bot.Args{"Duplicates": cards.DuplicateNames(dups)})
		for _, d := range dups {
			// The new card is the likely duplicate: offer to merge it into the old one.
			rows = append(rows, cards.MergeButtons(c, d.ID, []*core.Client{cl})...)
		}
	}
	return "", c.Send(bot.Reply{Text: text, Buttons: rows})
}
