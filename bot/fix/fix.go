// Package fix is the chat side of changing a deal's or a card's fields, in
// one dialog with two modes (mode): the quick edit, /edit <deal | INN |
// name> <field> <value> and the cards' «Изменить» (editMode), and the
// correction (корректировка), /fix <INN, #card or deal> <field> <value>
// [причина: …] [обращение #N] and the cards' «Корректировка» (fixMode).
// Each shows old → new and asks what is missing: the field, the value, the
// reason (always for a correction), the request a correction answers. A
// bank account typed for a correction replaces the card's only one, or the
// one the officer picks of several; «счёт добавить …» adds one.
// Around corrections: the approvers' «Одобрить» / «Отклонить» of a
// sensitive one, «Откатить» of a change in a field's history,
// /corrections (those waiting for approval) and /approvers (who approves
// them).
package fix

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers /edit and its cards' buttons, /fix, /corrections,
// /approvers, the buttons that start a correction, decide one and roll a
// change back, and their dialogs.
func Register(r *bot.Router) {
	r.Command("edit", editMode.perm, editMode.command)
	r.View(core.ActionDealEdit, core.PermEditDeals, editDealAction)
	r.View(core.ActionClientEdit, core.PermEditClients, editClientAction)
	r.Flow(editMode.flow())

	r.Command("fix", fixMode.perm, fixMode.command)
	// Everyone may list what waits that concerns them (core chooses: all of
	// it for those who correct or approve; for anyone else what they
	// proposed, what answers their requests, what changes their records),
	// so that a manager sees and withdraws the correction their /edit made;
	// approvers decide there.
	r.Command("corrections", core.PermViewClients, corrections)
	r.Command("approvers", core.PermAdmin, approversCmd)
	// A button that only starts a dialog is a view: its message keeps it,
	// so that after /cancel it may be pressed again; the decision is the
	// dialog's last step, which core makes once.
	r.View(core.ActionFixStart, core.PermCorrect, startAction)
	r.Action(core.ActionFixApprove, core.PermViewClients, approveAction)
	r.View(core.ActionFixReject, core.PermViewClients, rejectAction)
	r.View(core.ActionChangeRevert, core.PermCorrect, revertAction)
	r.Flow(fixMode.flow())
	r.Flow(rejectFlow())
	r.Flow(revertFlow())
}

// fixMode is the correction: any field of a deal or a card, its INN, KPP
// and OGRN included, a card also by its number, with a required reason and
// the request it answers, written by core.Correct (a sensitive field waits
// for approval).
var fixMode = &mode{
	name: "fix", perm: core.PermCorrect, cardPerm: core.PermCorrect,
	fields: core.FixFields, perRow: 3, cutField: core.CutFixField,
	plan: (*core.Service).PlanCorrection, apply: (*core.Service).Correct,
	after:       fixAfter,
	cardNumbers: true, requests: true, reasonRequired: true, replaceAccounts: true, retryRules: true,
}

// startAction is a card's «Корректировка»: payload "client:<id>" or
// "deal:<id>"; the record's fields as buttons.
func startAction(c *bot.Context) error {
	kind, n, _ := strings.Cut(c.Button.Payload, ":")
	rid, err := bot.ParseID(n, "err.button.expired")
	if err != nil {
		return err
	}
	return fixMode.startOn(c, core.Entity(kind), rid)
}

// fixAfter offers another correction of the record and the field's
// history.
func fixAfter(c *bot.Context, e *core.Edit) [][]bot.Button {
	row := []bot.Button{{LabelKey: "btn.fix.more", Action: core.ActionFixStart,
		Payload: string(e.Entity) + ":" + id(e.ID)}}
	if ref := recordRef(c, e.Entity, e.ID); ref != "" && c.User.Can(core.PermHistory) {
		row = append(row, bot.Button{LabelKey: "btn.fix.field_history", Action: core.ActionHistoryShow,
			Payload: ref + " " + e.Field})
	}
	return [][]bot.Button{row}
}

// requestRE finds a request named at the end of a text: «обращение #12»,
// «по обращению 12», "request #12", with a comma or a full stop around it.
// A request named anywhere else is a part of the text (a title «Ответ на
// обращение 5 клиента»), not the request a change answers.
var requestRE = regexp.MustCompile(`(?i)(?:^|[\s,;(])(?:по\s+)?(?:обращени[еюяи]|request)\s*(?:№|#|no\.?)?\s*(\d+)[\s.,;)]*$`)

// CutRequest takes the request a text names in its last words («…
// обращение #12», "… request 12") out of it, returning the rest and the
// request's number (0: none, and the text as typed).
func CutRequest(s string) (string, int64) {
	m := requestRE.FindStringSubmatchIndex(s)
	if m == nil {
		return strings.TrimSpace(s), 0
	}
	n, err := strconv.ParseInt(s[m[2]:m[3]], 10, 64)
	if err != nil {
		return strings.TrimSpace(s), 0
	}
	return strings.TrimRight(strings.TrimSpace(s[:m[0]]), " ,;:—-"), n
}

// askRequest offers the record's open requests and «Без обращения».
func (m *mode) askRequest(c *bot.Context) error {
	e, err := getPlan(c.Conv.Data)
	if err != nil {
		_ = c.Finish()
		return err
	}
	reqs, err := c.Svc.CorrectionRequests(c.Ctx(), c.Actor(), e.Entity, e.ID)
	if err != nil {
		return err
	}
	var rows [][]bot.Button
	for _, r := range reqs[:min(len(reqs), 8)] {
		rows = append(rows, bot.Row(bot.Choice("btn.fix.request", bot.Args{"ID": r.ID, "Text": short(r.Text, 40)},
			choiceReq+id(r.ID))))
	}
	rows = append(rows, bot.Row(bot.Choice("btn.fix.no_request", nil, bot.Skip), bot.Choice("btn.cancel", nil, choiceCancel)))
	return c.Reply("flow."+m.name+".request", bot.Args{"Label": recordName(c, e.Entity, e.Label), "Line": cards.EditLine(c, e, false), "Reason": e.Reason}, rows...)
}

func (m *mode) requestInput(c *bot.Context, s string) (string, error) {
	if done, err := m.cancelled(c, s); done {
		return "", err
	}
	e, err := getPlan(c.Conv.Data)
	if err != nil {
		return "", err
	}
	switch v, ok := strings.CutPrefix(s, choiceReq); {
	case ok:
		e.RequestID = parseID(v)
	case bot.IsSkip(s):
	default:
		_, req := CutRequest("обращение " + strings.TrimPrefix(strings.TrimSpace(s), "#"))
		if req == 0 {
			return "", core.Errorf(core.EINVALID, "err.choose.button")
		}
		e.RequestID = req
	}
	return m.finishWith(c, func() (string, error) { return m.saveOrAskRequest(c, c.Conv.Data, e) })
}

// short cuts a text to n characters for a button.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
