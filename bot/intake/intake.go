// Package intake is the chat side of intake and verification: requisites
// checked against registries, cards created or updated, duplicates merged,
// registry drift decided.
package intake

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// Register registers intake and verification: /intake and a company card
// pasted on its own, the registry check and its report, the merge of
// duplicates and the registry drift decisions.
func Register(r *bot.Router) {
	r.Command("intake", core.PermEditClients, intake)
	r.Command("merge", core.PermVerify, merge)
	r.View(core.ActionIntakeVerify, core.PermVerify, verifyIntakeAction)
	r.Action(core.ActionIntakeApply, core.PermVerify, applyIntakeAction)
	r.Action(core.ActionIntakeReturn, core.PermVerify, returnIntakeAction)
	r.Action(core.ActionIntakeKeep, core.PermVerify, applyGivenAction)
	r.Action(core.ActionDriftAccept, core.PermEditClients, acceptDriftAction)
	r.Action(core.ActionMergePair, core.PermVerify, mergePairAction)
	r.Action(core.ActionMergeConfirm, core.PermVerify, mergeConfirmAction)
	r.Action(core.ActionDriftTask, core.PermTasks, driftTaskAction)
	r.Flow(returnFlow())
	r.Flow(keepFlow())
	r.Flow(intakePickFlow())
	r.Flow(mergePickFlow())
	r.Text(core.PermEditClients, pastedCard)
}

// pastedCard starts an intake from a company card pasted on its own.
func pastedCard(c *bot.Context, text string) (bool, error) {
	if !looksLikeCard(text) {
		return false, nil
	}
	return true, startIntake(c, text)
}

// intake hands a counterparty over to deal support: /intake <INN>, or
// /intake followed by a pasted company card.
func intake(c *bot.Context) error {
	text := strings.TrimSpace(c.Update.Args)
	if text == "" {
		return c.Reply("msg.intake.usage", nil)
	}
	return startIntake(c, text)
}

// looksLikeCard reports whether a plain message is a pasted company card.
func looksLikeCard(text string) bool {
	t := strings.ToUpper(text)
	return strings.Contains(t, "ИНН") && strings.Count(text, "\n") >= 1
}

func startIntake(c *bot.Context, text string) error {
	given, unread := readRequisites(text)
	if given.INN == "" && nameQuery(text) {
		// A name fragment: the card(s) it matches, to be checked again.
		return intakeByName(c, text)
	}
	return createIntake(c, given, unread)
}

// createIntake hands the requisites over to deal support and says what
// was found in them.
func createIntake(c *bot.Context, given core.Requisites, unread []string) error {
	in, err := c.Svc.CreateIntake(c.Ctx(), c.Actor(), given, unread)
	if err != nil {
		return err
	}
	if err := c.Reply("msg.intake.created", bot.Args{"ID": in.ID, "Name": given.Name(), "INN": given.INN}); err != nil {
		return err
	}
	if cs, err := c.Svc.FindClientsByINN(c.Ctx(), c.Actor(), given.INN); err == nil {
		if err := c.Reply("msg.intake.exists", bot.Args{"Name": cs[0].Name(), "ID": cs[0].ID}); err != nil {
			return err
		}
	}
	if ps := core.CheckRequisites(given); len(ps) > 0 && (given.Name() != "" || given.Account != "") {
		if err := c.Reply("msg.intake.problems", bot.Args{"Problems": problemArgs(ps)}); err != nil {
			return err
		}
	}
	if len(unread) > 0 {
		return c.Reply("msg.intake.unread", bot.Args{"Lines": unread})
	}
	return nil
}

// readRequisites reads an INN alone or a whole company card.
func readRequisites(text string) (core.Requisites, []string) {
	if inn := requisite.Clean(text); len(inn) == 10 || len(inn) == 12 {
		if _, err := strconv.ParseUint(inn, 10, 64); err == nil {
			return core.Requisites{INN: inn}, nil
		}
	}
	card := requisite.ParseCard(text)
	return core.RequisitesFromCard(card), card.Unread
}

func problemArgs(ps []core.CheckProblem) []bot.Args {
	var out []bot.Args
	for _, p := range ps {
		out = append(out, bot.Args{"Field": p.Field, "Code": p.Code, "Value": p.Value})
	}
	return out
}

func intakeID(c *bot.Context) (int64, error) {
	return bot.ParseID(c.Button.Payload, "err.button.expired")
}

// verifyIntakeAction runs the checks and shows the report.
func verifyIntakeAction(c *bot.Context) error {
	id, err := intakeID(c)
	if err != nil {
		return err
	}
	in, err := c.Svc.VerifyIntake(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: reportText(c, in), Buttons: intakeButtons(c, in)})
}

func intakeButtons(c *bot.Context, in *core.Intake) [][]bot.Button {
	id := strconv.FormatInt(in.ID, 10)
	rows := [][]bot.Button{bot.Row(bot.Button{LabelKey: "btn.intake.apply", Action: core.ActionIntakeApply, Payload: id, AnyUser: true},
		bot.Button{LabelKey: "btn.intake.return", Action: core.ActionIntakeReturn, Payload: id, AnyUser: true})}
	if len(in.Report.Diffs) > 0 {
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.intake.keep", Action: core.ActionIntakeKeep, Payload: id, AnyUser: true}))
	}
	if in.Report.Incomplete() {
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.intake.retry", Action: core.ActionIntakeVerify, Payload: id, AnyUser: true}))
	}
	if in.Report.Existing != 0 {
		rows = append(rows, cards.MergeButtons(c, in.Report.Existing, duplicateCards(c, in.Report))...)
	}
	return rows
}

// reportText renders a verification report.
func reportText(c *bot.Context, in *core.Intake) string {
	rep := in.Report
	parts := []string{c.T("msg.report.title", bot.Args{"ID": in.ID, "INN": in.Given.INN, "KPP": in.Given.KPP})}
	if len(rep.Problems) == 0 {
		parts = append(parts, c.T("msg.report.checks_ok", nil))
	} else {
		parts = append(parts, c.T("msg.report.problems", bot.Args{"Problems": problemArgs(rep.Problems)}))
	}
	if !rep.Configured {
		parts = append(parts, c.T("msg.report.not_configured", nil))
	}
	for _, r := range rep.Records {
		name := r.ShortName
		if name == "" {
			name = r.FullName
		}
		text := ""
		if r.Status == core.StatusUnknown {
			text = r.StatusText // the registry's own words, when they say something new
		}
		director := r.Director
		if r.DirectorPost != "" {
			director += " (" + strings.ToLower(r.DirectorPost) + ")"
		}
		parts = append(parts, c.T("msg.report.record", bot.Args{"Source": r.Source, "Name": name, "Status": string(r.Status),
			"Text": text, "Address": r.Address, "Director": director}))
	}
	for _, s := range rep.NotFound {
		parts = append(parts, c.T("msg.report.not_found", bot.Args{"Source": s}))
	}
	for _, f := range rep.Failures {
		parts = append(parts, c.T("msg.report.failure", bot.Args{"Source": f.Source, "Key": f.Key}))
	}
	if len(rep.Diffs) > 0 {
		parts = append(parts, c.T("msg.report.diffs", bot.Args{"Diffs": rep.Diffs}))
	}
	if len(rep.Risks) > 0 {
		parts = append(parts, c.T("msg.report.risks", bot.Args{"Risks": rep.Risks}))
	}
	if rep.Status.BlocksDeals() {
		parts = append(parts, c.T("msg.report.blocked", bot.Args{"Status": string(rep.Status)}))
	}
	if rep.Existing != 0 {
		parts = append(parts, c.T("msg.report.existing", bot.Args{"ID": rep.Existing}))
	}
	if len(rep.Duplicates) > 0 {
		parts = append(parts, c.T("msg.report.duplicates", bot.Args{"Duplicates": cards.DuplicateNames(duplicateCards(c, rep))}))
	}
	return strings.Join(parts, "\n\n")
}

func duplicateCards(c *bot.Context, rep *core.VerifyReport) []*core.Client {
	var out []*core.Client
	for _, id := range rep.Duplicates {
		if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), id); err == nil {
			out = append(out, cl)
		}
	}
	return out
}

// applyIntakeAction writes the card from the registry's values.
func applyIntakeAction(c *bot.Context) error {
	id, err := intakeID(c)
	if err != nil {
		return err
	}
	return applyIntake(c, id, "", false)
}

// applyGivenAction asks why the manager's values are to be kept.
func applyGivenAction(c *bot.Context) error {
	return c.Start("intake.keep", map[string]string{"intake_id": c.Button.Payload})
}

func keepFlow() *bot.Flow {
	return &bot.Flow{Name: "intake.keep", First: "reason", Perm: core.PermVerify, Steps: map[string]*bot.Step{
		"reason": {Prompt: bot.Ask("flow.intake.keep", false), Input: func(c *bot.Context, s string) (string, error) {
			if s == "" || bot.IsSkip(s) {
				return "", core.Errorf(core.EINVALID, "err.intake.note_required")
			}
			id, _ := strconv.ParseInt(c.Conv.Data["intake_id"], 10, 64)
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", applyIntake(c, id, s, true)
		}},
	}}
}

// applyIntake writes the card and shows it.
func applyIntake(c *bot.Context, id int64, reason string, keepGiven bool) error {
	in, card, err := c.Svc.ApplyIntake(c.Ctx(), c.Actor(), id, reason, keepGiven)
	if err != nil {
		return err
	}
	if in.Status == core.IntakeDone && card.Verification.Status == core.Unverified {
		return c.Send(bot.Reply{Text: c.T("msg.intake.saved_no_registry", nil) + "\n\n" + cards.ClientCard(c, card),
			Buttons: cards.ClientButtons(c, card)})
	}
	if in.Status == core.IntakeOpen {
		return c.Send(bot.Reply{Text: c.T("msg.intake.saved_unverified", nil) + "\n\n" + cards.ClientCard(c, card),
			Buttons: [][]bot.Button{bot.Row(bot.Button{LabelKey: "btn.intake.retry", Action: core.ActionIntakeVerify,
				Payload: strconv.FormatInt(in.ID, 10), AnyUser: true})}})
	}
	held, err := heldLines(c, in)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.intake.applied", bot.Args{"Source": card.Verification.Source}) + held +
		"\n\n" + cards.ClientCard(c, card), Buttons: cards.ClientButtons(c, card)})
}

// heldLines tells the officer what the intake did not write to the card:
// the values the registry does not confirm over ones the card has, which
// wait as corrections for a second approval (core.ApplyIntake).
func heldLines(c *bot.Context, in *core.Intake) (string, error) {
	cs, err := c.Svc.PendingCorrectionsFor(c.Ctx(), c.Actor())
	if err != nil {
		return "", err
	}
	var out string
	for _, corr := range cs {
		if corr.Edit.RequestID != in.ID || corr.ProposedBy != c.User.ID {
			continue
		}
		roles, err := cards.ApproverNames(c)
		if err != nil {
			return "", err
		}
		out += "\n\n" + c.T("msg.fix.held", bot.Args{"ID": corr.ID, "Roles": roles,
			"Line": cards.EditLine(c, &corr.Edit, false)})
	}
	return out, nil
}

func returnIntakeAction(c *bot.Context) error {
	return c.Start("intake.return", map[string]string{"intake_id": c.Button.Payload})
}

func returnFlow() *bot.Flow {
	return &bot.Flow{Name: "intake.return", First: "note", Perm: core.PermVerify, Steps: map[string]*bot.Step{
		"note": {Prompt: bot.Ask("flow.intake.return", false), Input: func(c *bot.Context, s string) (string, error) {
			id, _ := strconv.ParseInt(c.Conv.Data["intake_id"], 10, 64)
			in, err := c.Svc.ReturnIntake(c.Ctx(), c.Actor(), id, s)
			if err != nil && core.ErrorCode(err) != core.EINVALID {
				_ = c.Finish()
			}
			if err != nil {
				return "", err
			}
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", c.Reply("msg.intake.returned", bot.Args{"ID": in.ID})
		}},
	}}
}
