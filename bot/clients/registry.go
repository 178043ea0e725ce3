package clients

import (
	"encoding/json"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// offerNew answers /client <INN> for an INN with no card. With a registry
// configured it shows the registry's record and one «Создать» that writes
// the card from it; when no registry knows the INN or none answers, it
// says so and offers the card step by step. Without a registry it offers
// the step-by-step dialog at once.
func offerNew(c *bot.Context, inn string) error {
	if len(c.Svc.Registries()) == 0 {
		return c.Reply("msg.client.not_found", bot.Args{"INN": inn}, manualButton(c, inn, "btn.client.create")...)
	}
	rep, err := c.Svc.VerifyRequisites(c.Ctx(), c.Actor(), core.Requisites{INN: inn}, 0)
	if err != nil {
		return err
	}
	best := rep.Best()
	if best == nil && rep.Incomplete() {
		return c.Reply("msg.client.registry_unavailable", bot.Args{"INN": inn, "Failures": failures(rep)},
			manualButton(c, inn, "btn.client.create_manual")...)
	}
	if best == nil {
		return c.Reply("msg.client.registry_not_found", bot.Args{"INN": inn}, manualButton(c, inn, "btn.client.create_manual")...)
	}
	parts := []string{c.T("msg.client.registry", bot.Args{"INN": inn, "Source": best.Source}), recordText(c, best)}
	for _, f := range rep.Failures {
		parts = append(parts, c.T("msg.report.failure", bot.Args{"Source": f.Source, "Key": f.Key}))
	}
	if len(rep.Risks) > 0 {
		parts = append(parts, c.T("msg.report.risks", bot.Args{"Risks": rep.Risks}))
	}
	if rep.Status.BlocksDeals() {
		parts = append(parts, c.T("msg.report.blocked", bot.Args{"Status": string(rep.Status)}))
	}
	dups, err := c.Svc.FindDuplicates(c.Ctx(), c.Actor(), core.Requisites{INN: inn, KPP: best.KPP, OGRN: best.OGRN,
		ShortName: best.ShortName, FullName: best.FullName}, 0)
	if err != nil {
		return err
	}
	if len(dups) > 0 {
		parts = append(parts, c.T("msg.report.duplicates", bot.Args{"Duplicates": cards.DuplicateNames(dups)}))
	}
	var rows [][]bot.Button
	switch err := c.Svc.CheckClientOGRN(c.Ctx(), c.Actor(), inn, best.OGRN); {
	case core.ErrorCode(err) == core.ECONFLICT:
		// «Создать» would be refused: say why now, and leave the card to be
		// made by hand once the requisites are sorted out.
		key, args := core.ErrorKey(err)
		parts = append(parts, c.T(key, args))
		rows = manualButton(c, inn, "btn.client.create_manual")
	case err != nil:
		return err
	case c.User.Can(core.PermEditClients):
		parts = append(parts, c.T("msg.client.registry_create", nil))
		p, _ := json.Marshal(newCard{INN: inn, Registry: true})
		rows = [][]bot.Button{bot.Row(bot.Button{LabelKey: "btn.create", Action: core.ActionClientNew, Payload: string(p)})}
	}
	return c.Send(bot.Reply{Text: strings.Join(parts, "\n\n"), Buttons: rows})
}

// manualButton offers the step-by-step dialog to those who may create
// cards.
func manualButton(c *bot.Context, inn, label string) [][]bot.Button {
	if !c.User.Can(core.PermEditClients) {
		return nil
	}
	return [][]bot.Button{bot.Row(bot.Button{LabelKey: label, Action: core.ActionClientNew, Payload: inn})}
}

// failures are the registries that could not answer, for a template.
func failures(rep *core.VerifyReport) []bot.Args {
	var out []bot.Args
	for _, f := range rep.Failures {
		out = append(out, bot.Args{"Source": f.Source, "Key": f.Key})
	}
	return out
}

// recordText renders what a registry knows of a counterparty.
func recordText(c *bot.Context, r *core.RegistryRecord) string {
	name := r.ShortName
	if name == "" {
		name = r.FullName
	}
	full := r.FullName
	if full == name {
		full = ""
	}
	director := r.Director
	if director != "" && r.DirectorPost != "" {
		director += " (" + strings.ToLower(r.DirectorPost) + ")"
	}
	text := ""
	if r.Status == core.StatusUnknown {
		text = r.StatusText // the registry's own words, when they say something new
	}
	return c.T("msg.client.registry_record", bot.Args{"Name": name, "FullName": full, "Status": string(r.Status),
		"Text": text, "KPP": r.KPP, "OGRN": r.OGRN, "Individual": r.Kind == core.KindIndividual,
		"Registered": bot.OptTime(r.RegisteredAt), "Address": r.Address, "Director": director})
}

// createFromRegistry writes the card of an INN from the registry's record
// (the «Создать» under it). When the registry can no longer give the
// record, it says so and offers the card step by step.
func createFromRegistry(c *bot.Context, inn string) error {
	cl, err := c.Svc.CreateClientFromRegistry(c.Ctx(), c.Actor(), inn, "")
	switch core.ErrorCode(err) {
	case "":
	case core.EUNAVAILABLE, core.ENOTFOUND:
		key, args := core.ErrorKey(err)
		return c.Reply(key, args, manualButton(c, inn, "btn.client.create_manual")...)
	default:
		return err
	}
	return showCreated(c, cl, c.T("msg.client.created_registry", bot.Args{"Source": cl.Verification.Source}))
}

// showCreated shows a new card with its buttons and the cards it may
// duplicate (by OGRN or name), with buttons to merge it into them.
func showCreated(c *bot.Context, cl *core.Client, head string) error {
	text, rows := head+"\n\n"+cards.ClientCard(c, cl), cards.ClientButtons(c, cl)
	dups, err := c.Svc.FindDuplicates(c.Ctx(), c.Actor(), core.Requisites{INN: cl.INN, KPP: cl.KPP, OGRN: cl.OGRN,
		ShortName: cl.ShortName, FullName: cl.FullName}, cl.ID)
	if err != nil {
		return err
	}
	if len(dups) > 0 {
		text += "\n\n" + c.T("msg.report.duplicates", bot.Args{"Duplicates": cards.DuplicateNames(dups)})
		for _, d := range dups {
			// The new card is the likely duplicate: offer to merge it into the old one.
			rows = append(rows, cards.MergeButtons(c, d.ID, []*core.Client{cl})...)
		}
	}
	return c.Send(bot.Reply{Text: text, Buttons: rows})
}
