package bot

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// intake hands a counterparty over to deal support: /intake <INN>, or
// /intake followed by a pasted company card.
func intake(c *Context) error {
	text := strings.TrimSpace(c.Update.Args)
	if text == "" {
		return c.Reply("msg.intake.usage", nil)
	}
	return c.startIntake(text)
}

// looksLikeCard reports whether a plain message is a pasted company card.
func looksLikeCard(text string) bool {
	t := strings.ToUpper(text)
	return strings.Contains(t, "ИНН") && strings.Count(text, "\n") >= 1
}

func (c *Context) startIntake(text string) error {
	given, unread := readRequisites(text)
	in, err := c.Svc.CreateIntake(c.ctx, c.Actor(), given, unread)
	if err != nil {
		return err
	}
	if err := c.Reply("msg.intake.created", Args{"ID": in.ID, "Name": given.Name(), "INN": given.INN}); err != nil {
		return err
	}
	if cs, err := c.Svc.FindClientsByINN(c.ctx, c.Actor(), given.INN); err == nil {
		if err := c.Reply("msg.intake.exists", Args{"Name": cs[0].Name(), "ID": cs[0].ID}); err != nil {
			return err
		}
	}
	if ps := core.CheckRequisites(given); len(ps) > 0 && (given.Name() != "" || given.Account != "") {
		if err := c.Reply("msg.intake.problems", Args{"Problems": problemArgs(ps)}); err != nil {
			return err
		}
	}
	if len(unread) > 0 {
		return c.Reply("msg.intake.unread", Args{"Lines": unread})
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
	return core.Requisites{INN: card.INN, KPP: card.KPP, OGRN: card.OGRN, ShortName: card.ShortName,
		FullName: card.FullName, Address: card.Address, Director: card.Director, BIK: card.BIK,
		BankName: card.BankName, CorrAccount: card.CorrAccount, Account: card.Account, Phone: card.Phone,
		Email: card.Email}, card.Unread
}

func problemArgs(ps []core.CheckProblem) []Args {
	var out []Args
	for _, p := range ps {
		out = append(out, Args{"Field": p.Field, "Code": p.Code, "Value": p.Value})
	}
	return out
}

func intakeID(c *Context) (int64, error) { return parseID(c.Button.Payload, "err.button.expired") }

// verifyIntakeAction runs the checks and shows the report.
func verifyIntakeAction(c *Context) error {
	id, err := intakeID(c)
	if err != nil {
		return err
	}
	in, err := c.Svc.VerifyIntake(c.ctx, c.Actor(), id)
	if err != nil {
		return err
	}
	return c.Send(Reply{Text: c.reportText(in), Buttons: c.intakeButtons(in)})
}

func (c *Context) intakeButtons(in *core.Intake) [][]Button {
	id := strconv.FormatInt(in.ID, 10)
	rows := [][]Button{Row(Button{LabelKey: "btn.intake.apply", Action: "intake.apply", Payload: id, AnyUser: true},
		Button{LabelKey: "btn.intake.return", Action: "intake.return", Payload: id, AnyUser: true})}
	if len(in.Report.Diffs) > 0 {
		rows = append(rows, Row(Button{LabelKey: "btn.intake.keep", Action: "intake.keep", Payload: id, AnyUser: true}))
	}
	if in.Report.Incomplete() {
		rows = append(rows, Row(Button{LabelKey: "btn.intake.retry", Action: "intake.verify", Payload: id, AnyUser: true}))
	}
	if in.Report.Existing != 0 {
		rows = append(rows, c.mergeButtons(in.Report.Existing, c.duplicateCards(in.Report))...)
	}
	return rows
}

// reportText renders a verification report.
func (c *Context) reportText(in *core.Intake) string {
	rep := in.Report
	parts := []string{c.T("msg.report.title", Args{"ID": in.ID, "INN": in.Given.INN, "KPP": in.Given.KPP})}
	if len(rep.Problems) == 0 {
		parts = append(parts, c.T("msg.report.checks_ok", nil))
	} else {
		parts = append(parts, c.T("msg.report.problems", Args{"Problems": problemArgs(rep.Problems)}))
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
		parts = append(parts, c.T("msg.report.record", Args{"Source": r.Source, "Name": name, "Status": string(r.Status),
			"Text": text, "Address": r.Address, "Director": director}))
	}
	for _, s := range rep.NotFound {
		parts = append(parts, c.T("msg.report.not_found", Args{"Source": s}))
	}
	for _, f := range rep.Failures {
		parts = append(parts, c.T("msg.report.failure", Args{"Source": f.Source, "Key": f.Key}))
	}
	if len(rep.Diffs) > 0 {
		parts = append(parts, c.T("msg.report.diffs", Args{"Diffs": rep.Diffs}))
	}
	if len(rep.Risks) > 0 {
		parts = append(parts, c.T("msg.report.risks", Args{"Risks": rep.Risks}))
	}
	if rep.Status.BlocksDeals() {
		parts = append(parts, c.T("msg.report.blocked", Args{"Status": string(rep.Status)}))
	}
	if rep.Existing != 0 {
		parts = append(parts, c.T("msg.report.existing", Args{"ID": rep.Existing}))
	}
	if len(rep.Duplicates) > 0 {
		parts = append(parts, c.T("msg.report.duplicates", Args{"Duplicates": duplicateNames(c.duplicateCards(rep))}))
	}
	return strings.Join(parts, "\n\n")
}

func (c *Context) duplicateCards(rep *core.VerifyReport) []*core.Client {
	var out []*core.Client
	for _, id := range rep.Duplicates {
		if cl, err := c.Svc.ClientByID(c.ctx, c.Actor(), id); err == nil {
			out = append(out, cl)
		}
	}
	return out
}

// duplicateNames lists duplicate cards as people know them.
func duplicateNames(cs []*core.Client) []string {
	var names []string
	for _, cl := range cs {
		names = append(names, "#"+strconv.FormatInt(cl.ID, 10)+" "+cl.Name()+", "+cl.INN+kppSuffix(cl.KPP))
	}
	return names
}

// mergeButtons offers to merge each duplicate into the card that stays.
func (c *Context) mergeButtons(survivor int64, dups []*core.Client) [][]Button {
	if !c.User.Can(core.PermVerify) {
		return nil
	}
	var rows [][]Button
	for i, d := range dups {
		if i == 3 {
			break
		}
		rows = append(rows, Row(Button{LabelKey: "btn.merge", Args: Args{"From": d.ID, "Into": survivor},
			Action: "merge.pair", Payload: strconv.FormatInt(survivor, 10) + "/" + strconv.FormatInt(d.ID, 10), AnyUser: true}))
	}
	return rows
}

// mergePairAction merges the duplicate of a button into its card; cards
// under different INNs need a second press that confirms it.
func mergePairAction(c *Context) error { return c.mergePair(false) }

func mergeConfirmAction(c *Context) error { return c.mergePair(true) }

func (c *Context) mergePair(confirmed bool) error {
	a, b, _ := strings.Cut(c.Button.Payload, "/")
	survivor, err1 := strconv.ParseInt(a, 10, 64)
	dup, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	return c.merge(survivor, dup, "", confirmed)
}

// merge merges dup into survivor, asking first when their INNs differ.
func (c *Context) merge(survivor, dup int64, reason string, confirmed bool) error {
	s, err := c.Svc.ClientByID(c.ctx, c.Actor(), survivor)
	if err != nil {
		return err
	}
	d, err := c.Svc.ClientByID(c.ctx, c.Actor(), dup)
	if err != nil {
		return err
	}
	if s.INN != d.INN && !confirmed {
		return c.Reply("msg.merge.confirm", Args{"From": d.ID, "FromName": d.Name(), "FromINN": d.INN, "Into": s.ID,
			"IntoName": s.Name(), "IntoINN": s.INN}, Row(Button{LabelKey: "btn.merge.confirm", Action: "merge.confirm",
			Payload: strconv.FormatInt(survivor, 10) + "/" + strconv.FormatInt(dup, 10)}))
	}
	cl, err := c.Svc.MergeClients(c.ctx, c.Actor(), survivor, dup, reason)
	if err != nil {
		return err
	}
	return c.Send(Reply{Text: c.T("msg.merge.done", Args{"ID": dup}) + "\n\n" + c.clientCard(cl), Buttons: c.clientButtons(cl)})
}

func kppSuffix(kpp string) string {
	if kpp == "" {
		return ""
	}
	return "/" + kpp
}

// applyIntakeAction writes the card from the registry's values.
func applyIntakeAction(c *Context) error {
	id, err := intakeID(c)
	if err != nil {
		return err
	}
	return c.applyIntake(id, "", false)
}

// applyGivenAction asks why the manager's values are to be kept.
func applyGivenAction(c *Context) error {
	return c.Start("intake.keep", map[string]string{"intake_id": c.Button.Payload})
}

func keepFlow() *Flow {
	return &Flow{Name: "intake.keep", First: "reason", Perm: core.PermVerify, Steps: map[string]*Step{
		"reason": {Prompt: ask("flow.intake.keep", false), Input: func(c *Context, s string) (string, error) {
			if s == "" || IsSkip(s) {
				return "", core.Errorf(core.EINVALID, "err.intake.note_required")
			}
			id, _ := strconv.ParseInt(c.Conv.Data["intake_id"], 10, 64)
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", c.applyIntake(id, s, true)
		}},
	}}
}

// applyIntake writes the card and shows it.
func (c *Context) applyIntake(id int64, reason string, keepGiven bool) error {
	in, card, err := c.Svc.ApplyIntake(c.ctx, c.Actor(), id, reason, keepGiven)
	if err != nil {
		return err
	}
	if in.Status == core.IntakeDone && card.Verification.Status == core.Unverified {
		return c.Send(Reply{Text: c.T("msg.intake.saved_no_registry", nil) + "\n\n" + c.clientCard(card),
			Buttons: c.clientButtons(card)})
	}
	if in.Status == core.IntakeOpen {
		return c.Send(Reply{Text: c.T("msg.intake.saved_unverified", nil) + "\n\n" + c.clientCard(card),
			Buttons: [][]Button{Row(Button{LabelKey: "btn.intake.retry", Action: "intake.verify",
				Payload: strconv.FormatInt(in.ID, 10), AnyUser: true})}})
	}
	return c.Send(Reply{Text: c.T("msg.intake.applied", Args{"Source": card.Verification.Source}) + "\n\n" +
		c.clientCard(card), Buttons: c.clientButtons(card)})
}

func returnIntakeAction(c *Context) error {
	return c.Start("intake.return", map[string]string{"intake_id": c.Button.Payload})
}

func returnFlow() *Flow {
	return &Flow{Name: "intake.return", First: "note", Perm: core.PermVerify, Steps: map[string]*Step{
		"note": {Prompt: ask("flow.intake.return", false), Input: func(c *Context, s string) (string, error) {
			id, _ := strconv.ParseInt(c.Conv.Data["intake_id"], 10, 64)
			in, err := c.Svc.ReturnIntake(c.ctx, c.Actor(), id, s)
			if err != nil && core.ErrorCode(err) != core.EINVALID {
				_ = c.Finish()
			}
			if err != nil {
				return "", err
			}
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", c.Reply("msg.intake.returned", Args{"ID": in.ID})
		}},
	}}
}
