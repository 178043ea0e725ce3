// Package clients is the chat side of client cards: look-up by INN or name
// and the new card dialog.
package clients

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// Register registers the client cards: look-up by INN or name, the card
// with its deals, tasks and requests, the new card from a registry's
// record or step by step.
func Register(r *bot.Router) {
	r.Command("client", core.PermViewClients, showClient)
	r.Command("clients", core.PermViewClients, searchClients)
	r.View(core.ActionClientShow, core.PermViewClients, showClientAction)
	r.Action(core.ActionClientNew, core.PermEditClients, newClientAction)
	r.Flow(clientFlow())
}

// maxChoices is the most cards offered as buttons to pick from.
const maxChoices = 10

// showClient shows a card by INN or name fragment: /client <INN or name>.
// An INN shows its card(s) (head office and branches); a fragment that
// matches one card shows it, several are offered as buttons. An INN with
// no card is looked up in the registries, when there are any, and offered
// to create in one tap; without a registry, step by step.
func showClient(c *bot.Context) error {
	q := strings.TrimSpace(c.Update.Args)
	if q == "" {
		return c.Reply("msg.client.usage", nil)
	}
	cs, err := cards.LookupClients(c, q, 2*maxChoices)
	if inn := requisite.Clean(q); core.IsNotFound(err) && cards.INNShaped(inn) {
		return offerNew(c, inn)
	} else if err != nil {
		return err
	}
	if len(cs) == 1 || cards.INNShaped(requisite.Clean(q)) {
		for _, cl := range cs {
			if err := cards.ShowClient(c, cl); err != nil {
				return err
			}
		}
		return nil
	}
	return c.Reply("msg.client.choose", bot.Args{"Count": len(cs), "Query": q, "More": max(len(cs)-maxChoices, 0)},
		pickButtons(cs)...)
}

// pickButtons offers cards to open, one a row.
func pickButtons(cs []*core.Client) [][]bot.Button {
	return cards.ClientPicks(cs, maxChoices, core.ActionClientShow, func(cl *core.Client) string {
		return strconv.FormatInt(cl.ID, 10)
	})
}

// showClientAction opens a card ("<id>"), or lists all its deals, tasks
// and requests ("<id>/all").
func showClientAction(c *bot.Context) error {
	payload, all := strings.CutSuffix(c.Button.Payload, cards.AllSuffix)
	id, err := bot.ParseID(payload, "err.button.expired")
	if err != nil {
		return err
	}
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	if all {
		return cards.ShowClientAll(c, cl)
	}
	return cards.ShowClient(c, cl)
}

// searchClients lists clients by a name fragment or INN prefix, each with
// a button that opens its card: /clients <text>.
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
		args["Into"] = cl.MergedInto
		if into, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), cl.MergedInto); err == nil {
			args["IntoName"], args["IntoCard"] = into.Name(), core.QuoteName(into.Name())
		}
		b.WriteString(c.T("msg.clients.line_merged", args))
	}
	if len(cs) > maxChoices {
		b.WriteString("\n" + c.T("msg.clients.buttons_first", bot.Args{"Count": maxChoices}))
	}
	return c.Send(bot.Reply{Text: b.String(), Buttons: pickButtons(cs)})
}

// newCard is the payload of «Создать» under an INN with no card: the
// step-by-step dialog, or (Registry) the card from the registry's record.
// Older buttons carry the INN alone.
type newCard struct {
	INN      string `json:"inn"`
	Registry bool   `json:"registry,omitempty"`
}

func newClientAction(c *bot.Context) error {
	p := newCard{INN: c.Button.Payload}
	if strings.HasPrefix(c.Button.Payload, "{") {
		if err := json.Unmarshal([]byte(c.Button.Payload), &p); err != nil {
			return core.Errorf(core.EINVALID, "err.button.expired")
		}
	}
	if p.Registry {
		return createFromRegistry(c, p.INN)
	}
	return c.Start("client.new", map[string]string{"inn": p.INN})
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
	return "", showCreated(c, cl, c.T("msg.client.created", nil))
}
