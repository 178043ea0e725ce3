package fix

import (
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// approveAction is an approver's «Одобрить» (payload: the correction): it
// is written, or, when it can no longer be (its field changed meanwhile,
// its deal closed, its card merged), said to be stale and why.
func approveAction(c *bot.Context) error {
	n, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	corr, err := c.Svc.ApproveCorrection(c.Ctx(), c.Actor(), n)
	if err != nil {
		return err
	}
	e := &corr.Edit
	if corr.Status == core.CorrectionStale {
		return c.Reply("msg.fix.stale", bot.Args{"ID": corr.ID, "Label": recordName(c, e.Entity, e.Label), "Line": cards.EditLine(c, e, false),
			"Why": corr.Note, "Now": current(c, e), "Into": mergedInto(c, corr)})
	}
	return c.Reply("msg.fix.approved", bot.Args{"ID": corr.ID, "Label": recordName(c, e.Entity, e.Label), "Line": cards.EditLine(c, e, true),
		"By": c.User.Name})
}

// current shows the correction's field as its record has it now (core's
// CurrentValue), «—» when it cannot be read.
func current(c *bot.Context, e *core.Edit) string {
	v, err := c.Svc.CurrentValue(c.Ctx(), c.Actor(), e)
	if err != nil {
		return "—"
	}
	return cards.EditValue(c, e.Field, v)
}

// mergedInto names the card a stale correction's card was merged into, ""
// when it went stale for another reason.
func mergedInto(c *bot.Context, corr *core.Correction) string {
	if corr.Note != core.StaleMerged || corr.Edit.Entity != core.EntityClient {
		return ""
	}
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), corr.Edit.ID)
	if err != nil || cl.MergedInto == 0 {
		return ""
	}
	into, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), cl.MergedInto)
	if err != nil {
		return ""
	}
	return dealOrCard(c, nil, into)
}

// rejectAction is «Отклонить» (payload: the correction), or its author's
// «Отозвать»: the reason is asked first, once core says the actor may
// reject it now.
func rejectAction(c *bot.Context) error {
	n, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	corr, err := c.Svc.CheckDecision(c.Ctx(), c.Actor(), n, false)
	if err != nil {
		return err
	}
	data := map[string]string{keyID: id(n)}
	if corr.ProposedBy == c.User.ID {
		data[keyOwn] = "1"
	}
	return c.Start("fix.reject", data)
}

// keyOwn marks a rejection by the correction's author: a withdrawal.
const keyOwn = "own"

func rejectFlow() *bot.Flow {
	// Its author withdraws a correction here too (a manager's /edit that
	// waits): core decides who may reject which.
	return &bot.Flow{Name: "fix.reject", First: "reason", Perm: core.PermViewClients, Steps: map[string]*bot.Step{
		"reason": {
			Prompt: func(c *bot.Context) error {
				key := "flow.fix.reject"
				if c.Conv.Data[keyOwn] != "" {
					key = "flow.fix.withdraw"
				}
				return c.Reply(key, bot.Args{"ID": c.Conv.Data[keyID]}, cancelRow())
			},
			Input: func(c *bot.Context, s string) (string, error) {
				if done, err := fixMode.cancelled(c, s); done {
					return "", err
				}
				if bot.IsSkip(s) {
					s = ""
				}
				return fixMode.finishWith(c, func() (string, error) {
					corr, err := c.Svc.RejectCorrection(c.Ctx(), c.Actor(), parseID(c.Conv.Data[keyID]), s)
					if err != nil {
						return "", err
					}
					e, key := &corr.Edit, "msg.fix.rejected"
					if corr.Withdrawn() {
						key = "msg.fix.withdrawn"
					}
					return "", c.Reply(key, bot.Args{"ID": corr.ID, "Label": recordName(c, e.Entity, e.Label),
						"Line": cards.EditLine(c, e, false), "Note": corr.Note})
				})
			},
		},
	}}
}

// revertAction is «Откатить» on a change of a field's history (payload:
// the change): what the rollback does is shown and its reason asked.
func revertAction(c *bot.Context) error {
	n, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	if _, err := c.Svc.PlanRevert(c.Ctx(), c.Actor(), n); err != nil {
		return err
	}
	return c.Start("fix.revert", map[string]string{keyID: id(n)})
}

func revertFlow() *bot.Flow {
	return &bot.Flow{Name: "fix.revert", First: "reason", Perm: core.PermCorrect, Steps: map[string]*bot.Step{
		"reason": {
			Prompt: func(c *bot.Context) error {
				e, err := c.Svc.PlanRevert(c.Ctx(), c.Actor(), parseID(c.Conv.Data[keyID]))
				if err != nil {
					_ = c.Finish()
					return err
				}
				return c.Reply("msg.fix.revert_asked", bot.Args{"Change": e.Reverts, "Label": recordName(c, e.Entity, e.Label),
					"Line": cards.EditLine(c, e, false), "Sensitive": sensitive(c, e)}, cancelRow())
			},
			Input: func(c *bot.Context, s string) (string, error) {
				if done, err := fixMode.cancelled(c, s); done {
					return "", err
				}
				reason, req := CutRequest(s)
				if bot.IsSkip(reason) || reason == "" {
					return "", core.Errorf(core.EINVALID, "err.fix.reason_required")
				}
				return fixMode.finishWith(c, func() (string, error) {
					// Planned again: the field is rolled back from what it
					// has now.
					e, err := c.Svc.PlanRevert(c.Ctx(), c.Actor(), parseID(c.Conv.Data[keyID]))
					if err != nil {
						return "", err
					}
					e.Reason, e.RequestID = reason, req
					return "", fixMode.save(c, e)
				})
			},
		},
	}}
}

// maxListed is how many pending corrections /corrections shows.
const maxListed = 10

// corrections lists the corrections waiting for approval, oldest first,
// each with what it does; an approver gets «Одобрить» and «Отклонить» for
// each of someone else's, its author «Отозвать».
func corrections(c *bot.Context) error {
	cs, err := c.Svc.PendingCorrectionsFor(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return c.Reply("msg.fix.none_pending", nil)
	}
	approver := c.Svc.MayApprove(c.Ctx(), c.Actor())
	var b strings.Builder
	b.WriteString(c.T("msg.fix.list", bot.Args{"Count": len(cs)}))
	var rows [][]bot.Button
	for _, corr := range cs[:min(len(cs), maxListed)] {
		e := &corr.Edit
		by := "—"
		if u, err := c.Svc.UserByID(c.Ctx(), corr.ProposedBy); err == nil {
			by = u.Name
		}
		b.WriteString("\n\n" + c.T("msg.fix.item", bot.Args{"ID": corr.ID, "At": corr.CreatedAt, "By": by,
			"Label": recordName(c, e.Entity, e.Label), "Line": cards.EditLine(c, e, false), "Reason": e.Reason, "Request": idText(e.RequestID),
			"Reverts": idText(e.Reverts)}))
		p, args := id(corr.ID), bot.Args{"ID": corr.ID}
		own := corr.ProposedBy == c.User.ID
		var row []bot.Button
		if approver && !own {
			row = append(row, bot.Button{LabelKey: "btn.fix.approve_n", Args: args, Action: core.ActionFixApprove, Payload: p})
		}
		switch {
		case own:
			row = append(row, bot.Button{LabelKey: "btn.fix.withdraw_n", Args: args, Action: core.ActionFixReject, Payload: p})
		case approver:
			row = append(row, bot.Button{LabelKey: "btn.fix.reject_n", Args: args, Action: core.ActionFixReject, Payload: p})
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	if len(cs) > maxListed {
		b.WriteString("\n\n" + c.T("msg.fix.more", bot.Args{"Count": len(cs) - maxListed}))
	}
	return c.Send(bot.Reply{Text: b.String(), Buttons: rows})
}

// approversCmd shows the roles that approve corrections, or sets them:
// /approvers руководитель юрист.
func approversCmd(c *bot.Context) error {
	args := strings.TrimSpace(c.Update.Args)
	if args == "" {
		roles, err := cards.ApproverNames(c)
		if err != nil {
			return err
		}
		return c.Reply("msg.fix.approvers", bot.Args{"Roles": roles})
	}
	var roles []core.Role
	rest := strings.NewReplacer(",", " ", ";", " ").Replace(args)
	for strings.TrimSpace(rest) != "" {
		fields := strings.Fields(rest)
		if fields[0] == "и" || fields[0] == "или" || fields[0] == "and" || fields[0] == "or" {
			rest = bot.AfterWords(rest, 1)
			continue
		}
		r, after, err := core.CutRole(rest)
		if err != nil {
			return err
		}
		roles, rest = append(roles, r), after
	}
	set, err := c.Svc.SetApprovers(c.Ctx(), c.Actor(), roles)
	if err != nil {
		return err
	}
	return c.Reply("msg.fix.approvers_set", bot.Args{"Roles": cards.JoinRoles(c, set)})
}
