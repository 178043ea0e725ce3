// Package cards renders core records that several use cases show: the
// client card with its buttons, duplicates and registry drift.
package cards

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// ClientButtons offers what can be done with a card: a new deal and an
// edit (not on a card merged into another: deals and changes go to the
// card that stays, which a merged card offers to open) and its history.
func ClientButtons(c *bot.Context, cl *core.Client) [][]bot.Button {
	var row []bot.Button
	id := strconv.FormatInt(cl.ID, 10)
	if c.User.Can(core.PermEditDeals) && cl.MergedInto == 0 {
		row = append(row, bot.Button{LabelKey: "btn.deal.new", Action: core.ActionDealNew, Payload: id})
	}
	if core.MayEditClient(c.Actor(), cl) {
		row = append(row, bot.Button{LabelKey: "btn.client.edit", Action: core.ActionClientEdit, Payload: id})
	}
	if c.User.Can(core.PermHistory) {
		row = append(row, bot.Button{LabelKey: "btn.history", Action: core.ActionHistoryShow, Payload: cl.INN})
	}
	var rows [][]bot.Button
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if cl.MergedInto == 0 {
		if work := WorkButtons(c, core.EntityClient, cl.ID, true); len(work) > 0 {
			rows = append(rows, work)
		}
	}
	if cl.MergedInto != 0 {
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.client.open_card", Args: bot.Args{"ID": cl.MergedInto},
			Action: core.ActionClientShow, Payload: strconv.FormatInt(cl.MergedInto, 10)}))
	}
	return rows
}

// MergedError refuses work on a card merged into another (EINVALID, so
// that a dialog asks again), naming both cards, the one that stays with
// its INN (core.ErrClientMerged).
func MergedError(c *bot.Context, cl *core.Client) error {
	into, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), cl.MergedInto)
	if err != nil {
		into = nil
	}
	return core.ErrClientMerged(core.EINVALID, cl, into)
}

// maxContacts is the most contacts a card shows; the rest are counted.
const maxContacts = 5

// ClientCard renders a client card: its requisites, accounts, contacts,
// manager, verification and a registry change waiting to be accepted.
func ClientCard(c *bot.Context, cl *core.Client) string {
	var b strings.Builder
	b.WriteString(c.T("card.client.title", bot.Args{"Name": cl.Name(), "Kind": c.T("kind."+string(cl.Kind), nil),
		"ID": cl.ID}))
	if cl.MergedInto != 0 {
		args := bot.Args{"ID": cl.MergedInto}
		if into, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), cl.MergedInto); err == nil {
			args["Card"], args["INN"] = core.QuoteName(into.Name()), into.INN
		}
		b.WriteString("\n" + c.T("card.client.merged", args))
	}
	line := func(key, value string) {
		if value != "" {
			b.WriteString("\n")
			b.WriteString(c.T(key, bot.Args{"Value": value}))
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
		b.WriteString(c.T("card.client.account", bot.Args{"Account": a.Account, "BIK": a.BIK, "Bank": a.BankName}))
	}
	if len(cl.Contacts) > 0 {
		b.WriteString("\n" + c.T("card.client.contacts", nil))
		for i, ct := range cl.Contacts {
			if i == maxContacts {
				b.WriteString("\n" + c.T("card.client.more", bot.Args{"Count": len(cl.Contacts) - i}))
				break
			}
			b.WriteString("\n" + c.T("card.client.contact", bot.Args{"Name": ct.Name, "Position": ct.Position,
				"Phone": ct.Phone, "Email": ct.Email}))
		}
	}
	if cl.ManagerID != 0 {
		if u, err := c.Svc.UserByID(c.Ctx(), cl.ManagerID); err == nil {
			line("card.client.manager", u.Name)
		}
	}
	v := cl.Verification
	b.WriteString("\n")
	b.WriteString(c.T("card.client.verification."+string(v.Status), bot.Args{"At": v.At, "Source": v.Source}))
	if v.Company != "" && v.Company != core.StatusActive {
		b.WriteString("\n" + c.T("card.client.company", bot.Args{"Status": string(v.Company)}))
	}
	if len(v.Risks) > 0 {
		b.WriteString("\n" + c.T("msg.report.risks", bot.Args{"Risks": v.Risks}))
	}
	if d := DriftLines(c, cl); d != "" {
		b.WriteString("\n" + d)
	}
	return b.String()
}

// duplicateNames lists duplicate cards as people know them.
func DuplicateNames(cs []*core.Client) []string {
	var names []string
	for _, cl := range cs {
		names = append(names, "#"+strconv.FormatInt(cl.ID, 10)+" "+cl.Name()+", "+cl.INN+KPPSuffix(cl.KPP))
	}
	return names
}

// mergeButtons offers to merge each duplicate into the card that stays.
func MergeButtons(c *bot.Context, survivor int64, dups []*core.Client) [][]bot.Button {
	if !c.User.Can(core.PermVerify) {
		return nil
	}
	var rows [][]bot.Button
	for i, d := range dups {
		if i == 3 {
			break
		}
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.merge", Args: bot.Args{"From": d.ID, "Into": survivor},
			Action: core.ActionMergePair, Payload: strconv.FormatInt(survivor, 10) + "/" + strconv.FormatInt(d.ID, 10), AnyUser: true}))
	}
	return rows
}

// driftLines renders a pending registry change of a card.
func DriftLines(c *bot.Context, cl *core.Client) string {
	if cl.Drift == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(c.T("card.client.drift", bot.Args{"Source": cl.Drift.Record.Source, "At": cl.Drift.At}))
	for _, d := range cl.Drift.Diffs {
		b.WriteString("\n• " + c.T("diff."+d.Field, nil) + ": «" + d.Given + "» → «" + d.Registry + "»")
	}
	return b.String()
}

func KPPSuffix(kpp string) string {
	if kpp == "" {
		return ""
	}
	return "/" + kpp
}

// LookupClients finds the cards a user means by what they typed where an
// INN is asked: an INN (its head office and branches; digits alone are
// checked as an INN), else a name fragment. Cards merged into another come last. No match
// is ENOTFOUND, naming what was typed.
func LookupClients(c *bot.Context, query string, limit int) ([]*core.Client, error) {
	query = strings.TrimSpace(query)
	// Digits alone are an INN, checked as one, so that a digit too many
	// or too few is said rather than searched for.
	if inn := requisite.Clean(query); inn != "" && strings.Trim(inn, "0123456789") == "" {
		return c.Svc.FindClientsByINN(c.Ctx(), c.Actor(), inn)
	}
	cs, err := c.Svc.SearchClients(c.Ctx(), c.Actor(), query, limit)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "err.client.no_match", "Query", query)
	}
	slices.SortStableFunc(cs, func(a, b *core.Client) int {
		return cmp.Compare(min(a.MergedInto, 1), min(b.MergedInto, 1))
	})
	return cs, nil
}

// ClientChoiceArgs are the arguments of a button that picks a card
// (btn.client.pick): its name, INN and KPP, and whether it was merged.
func ClientChoiceArgs(cl *core.Client) bot.Args {
	return bot.Args{"Name": cl.Name(), "INN": cl.INN, "KPP": cl.KPP, "Merged": cl.MergedInto != 0}
}

// INNShaped reports whether s looks like an INN (10 or 12 digits), to be
// checked as one rather than searched as a name.
func INNShaped(s string) bool {
	if len(s) != 10 && len(s) != 12 {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}
