// Package fix is the chat side of corrections (корректировки): /fix <INN,
// #card or deal> <field> <value> [причина: …] [обращение #N] and the cards'
// «Корректировка» button, each showing old → new and asking what is
// missing (the field, the value, the reason, the request it answers); the
// approvers' «Одобрить» / «Отклонить» of a sensitive correction;
// «Откатить» of a change in a field's history; /corrections (those waiting
// for approval) and /approvers (who approves them).
package fix

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers /fix, /corrections, /approvers, the buttons that start
// a correction, decide one and roll a change back, and their dialogs.
func Register(r *bot.Router) {
	r.Command("fix", core.PermCorrect, fix)
	// Everyone who sees every deal may list what waits (an underwriter the
	// corrections of their requests); approvers decide there.
	r.Command("corrections", core.PermViewAllDeals, corrections)
	r.Command("approvers", core.PermAdmin, approversCmd)
	r.View(core.ActionFixStart, core.PermCorrect, startAction)
	r.Action(core.ActionFixApprove, core.PermViewAllDeals, approveAction)
	r.Action(core.ActionFixReject, core.PermViewAllDeals, rejectAction)
	r.View(core.ActionChangeRevert, core.PermCorrect, revertAction)
	r.Flow(fixFlow())
	r.Flow(rejectFlow())
	r.Flow(revertFlow())
}

// The dialog's data.
const (
	keyEntity     = "entity"
	keyID         = "id"
	keyField      = "field"
	keyOp         = "op"
	keyIndex      = "index"
	keyPlan       = "plan"       // the checked correction, as JSON
	keyRest       = "rest"       // what was typed after the record
	keyCandidates = "candidates" // the cards an INN or a name matched
	keyNext       = "next"       // the step the dialog starts at
	keyRequest    = "request"    // the request typed with the command
	keyAsked      = "asked"      // the request was asked for already
)

// maxCandidates is how many matching cards are offered as buttons.
const maxCandidates = 8

// fix handles /fix <INN | #card | deal> [field [value [причина: …] [обращение #N]]].
func fix(c *bot.Context) error {
	args, req := CutRequest(strings.TrimSpace(c.Update.Args))
	if args == "" {
		return c.Reply("msg.fix.usage", nil)
	}
	data := map[string]string{}
	if req != 0 {
		data[keyRequest] = id(req)
	}
	first, rest := bot.FirstWord(args)
	switch {
	case isDeal(first):
		d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), first)
		if err != nil {
			return err
		}
		data[keyEntity], data[keyID], data[keyRest] = string(core.EntityDeal), id(d.ID), rest
	case strings.HasPrefix(first, "#"):
		n, err := bot.ParseID(first, "err.fix.record")
		if err != nil {
			return err
		}
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), n)
		if err != nil {
			return err
		}
		data[keyEntity], data[keyID], data[keyRest] = string(core.EntityClient), id(cl.ID), rest
	default:
		found, rest, err := findCards(c, args)
		if err != nil {
			return err
		}
		data[keyEntity], data[keyRest] = string(core.EntityClient), rest
		if len(found) == 1 {
			data[keyID] = id(found[0].ID)
		} else {
			var ids []string
			for _, cl := range found {
				ids = append(ids, id(cl.ID))
			}
			data[keyCandidates] = strings.Join(ids, ",")
		}
	}
	return begin(c, data)
}

func isDeal(s string) bool {
	_, ok := core.ParseDealNumber(s)
	return ok
}

// startAction is a card's «Корректировка»: payload "client:<id>" or
// "deal:<id>"; the record's fields as buttons.
func startAction(c *bot.Context) error {
	kind, n, _ := strings.Cut(c.Button.Payload, ":")
	rid, err := bot.ParseID(n, "err.button.expired")
	if err != nil {
		return err
	}
	data := map[string]string{keyID: id(rid)}
	switch core.Entity(kind) {
	case core.EntityDeal:
		if _, err := c.Svc.DealByID(c.Ctx(), c.Actor(), rid); err != nil {
			return err
		}
		data[keyEntity] = string(core.EntityDeal)
	case core.EntityClient:
		if _, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), rid); err != nil {
			return err
		}
		data[keyEntity] = string(core.EntityClient)
	default:
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	return begin(c, data)
}

// begin goes as far as what is known allows: with the record, field, value
// and reason it corrects at once; otherwise it starts the dialog at the
// first step that has something to ask.
func begin(c *bot.Context, data map[string]string) error {
	next, err := advance(c, data)
	if err != nil || next == "" {
		return err
	}
	data[keyNext] = next
	return c.Start("fix", data)
}

// advance goes on from the dialog's data and returns the step to ask next,
// or "" when the correction is made. A wrong field or value is answered
// with its rule and its step asked again; nothing is written.
func advance(c *bot.Context, d map[string]string) (string, error) {
	if d[keyID] == "" {
		return "pick", nil
	}
	entity := core.Entity(d[keyEntity])
	rest, hasRest := d[keyRest]
	delete(d, keyRest)
	if hasRest && strings.TrimSpace(rest) != "" {
		field, value, err := core.CutFixField(entity, rest)
		if err != nil {
			return askAgain(c, "field", err)
		}
		d[keyField] = field
		delete(d, keyOp)
		delete(d, keyIndex)
		if value != "" {
			if listField(field) {
				d[keyOp] = string(core.EditAdd)
			}
			return plan(c, d, value)
		}
	}
	switch {
	case d[keyField] == "":
		return "field", nil
	case listField(d[keyField]):
		return "items", nil
	}
	return "value", nil
}

func listField(f string) bool { return f == core.FieldContacts || f == core.FieldAccounts }

// plan checks the value typed for the field (a reason and a request may
// follow it), then corrects when the reason is given, or asks for it.
func plan(c *bot.Context, d map[string]string, value string) (string, error) {
	value, reason, _ := bot.CutReason(value)
	value, req := CutRequest(value)
	reason, req2 := CutRequest(reason)
	if req == 0 {
		req = req2
	}
	if req != 0 {
		d[keyRequest] = id(req)
	}
	index, _ := strconv.Atoi(d[keyIndex])
	e, err := c.Svc.PlanCorrection(c.Ctx(), c.Actor(), core.EditRequest{Entity: core.Entity(d[keyEntity]),
		ID: parseID(d[keyID]), Field: d[keyField], Op: core.EditOp(d[keyOp]), Index: index, Value: value,
		Lang: c.P.Lang(), Loc: c.P.Location()})
	if err != nil {
		step := "value"
		switch {
		case d[keyOp] == string(core.EditChange):
			step = "item"
		case listField(d[keyField]):
			step = "items"
		}
		return askAgain(c, step, err)
	}
	e.RequestID = parseID(d[keyRequest])
	e.Reason = reason
	if err := putPlan(d, e); err != nil {
		return "", err
	}
	if reason == "" {
		return "reason", nil
	}
	return afterReason(c, d, e)
}

// afterReason asks which request the correction answers when none was
// named and the record has open ones; otherwise it corrects.
func afterReason(c *bot.Context, d map[string]string, e *core.Edit) (string, error) {
	if e.RequestID == 0 && d[keyAsked] == "" {
		reqs, err := c.Svc.CorrectionRequests(c.Ctx(), c.Actor(), e.Entity, e.ID)
		if err != nil {
			return "", err
		}
		if len(reqs) > 0 {
			d[keyAsked] = "1"
			return "request", putPlan(d, e)
		}
	}
	return "", correct(c, e)
}

// correct makes the correction and says what happened: applied, or waiting
// for whom.
func correct(c *bot.Context, e *core.Edit) error {
	corr, err := c.Svc.Correct(c.Ctx(), c.Actor(), e)
	if err != nil {
		return err
	}
	return confirm(c, corr)
}

// confirm says what became of a correction just made.
func confirm(c *bot.Context, corr *core.Correction) error {
	e := &corr.Edit
	args := bot.Args{"ID": corr.ID, "Label": e.Label, "Line": line(c, e, corr.Status == core.CorrectionApplied),
		"Reason": e.Reason, "Request": idText(e.RequestID), "Reverts": idText(e.Reverts)}
	rows := afterButtons(c, e)
	if corr.Status == core.CorrectionApplied {
		return c.Reply("msg.fix.applied", args, rows...)
	}
	roles, err := roleNames(c)
	if err != nil {
		return err
	}
	reachable, err := c.Svc.ApproversReachable(c.Ctx(), c.User.ID)
	if err != nil {
		return err
	}
	args["Roles"], args["Nobody"] = roles, !reachable
	return c.Reply("msg.fix.pending", args, rows...)
}

// afterButtons offer the field's history and another correction of the
// record.
func afterButtons(c *bot.Context, e *core.Edit) [][]bot.Button {
	row := []bot.Button{{LabelKey: "btn.fix.more", Action: core.ActionFixStart,
		Payload: string(e.Entity) + ":" + id(e.ID)}}
	if ref := recordRef(c, e.Entity, e.ID); ref != "" && c.User.Can(core.PermHistory) {
		row = append(row, bot.Button{LabelKey: "btn.fix.field_history", Action: core.ActionHistoryShow,
			Payload: ref + " " + e.Field})
	}
	return [][]bot.Button{row}
}

// recordRef is what /history knows a record by: a deal's number, a card's
// INN.
func recordRef(c *bot.Context, e core.Entity, rid int64) string {
	if e == core.EntityDeal {
		if d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), rid); err == nil {
			return d.Number
		}
		return ""
	}
	if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), rid); err == nil {
		return cl.INN
	}
	return ""
}

// roleNames names the approving roles in the user's language.
func roleNames(c *bot.Context) (string, error) {
	roles, err := c.Svc.Approvers(c.Ctx())
	if err != nil {
		return "", err
	}
	return joinRoles(c, roles), nil
}

func joinRoles(c *bot.Context, roles []core.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = c.Role(r)
	}
	return strings.Join(names, c.T("msg.edit.or", nil))
}

// askAgain answers a wrong answer with its rule and names the step to ask
// again; other errors (a record gone, not allowed, a duplicate) end it.
func askAgain(c *bot.Context, step string, err error) (string, error) {
	if core.ErrorCode(err) != core.EINVALID {
		return "", err
	}
	key, args := core.ErrorKey(err)
	return step, c.Reply(key, args)
}

// requestRE finds «обращение #12», «по обращению 12», "request #12".
var requestRE = regexp.MustCompile(`(?i)(?:^|\s)(?:по\s+)?(?:обращени[еюяи]|request)\s*(?:№|#|no\.?)?\s*(\d+)`)

// CutRequest takes the request a text names («обращение #12», "request
// 12") out of it, returning the rest and the request's number (0: none).
func CutRequest(s string) (string, int64) {
	loc := requestRE.FindAllStringSubmatchIndex(s, -1)
	if len(loc) == 0 {
		return strings.TrimSpace(s), 0
	}
	m := loc[len(loc)-1]
	n, err := strconv.ParseInt(s[m[2]:m[3]], 10, 64)
	if err != nil {
		return strings.TrimSpace(s), 0
	}
	return strings.TrimSpace(strings.Join(strings.Fields(s[:m[0]]+" "+s[m[1]:]), " ")), n
}

// findCards finds the cards meant by what /fix was given: the longest start
// of it that names cards (an INN or a name fragment) and is followed by a
// field, or all of it. Cards merged into another are dropped when a live
// one matches too.
func findCards(c *bot.Context, args string) ([]*core.Client, string, error) {
	words := strings.Fields(args)
	var first error
	for n := 1; n <= len(words); n++ {
		rest := afterWords(args, n)
		if rest != "" {
			if _, _, err := core.CutFixField(core.EntityClient, rest); err != nil {
				if key, _ := core.ErrorKey(err); key == "err.edit.field_unknown" {
					continue
				}
			}
		}
		found, err := cards.LookupClients(c, strings.Join(words[:n], " "), maxCandidates)
		if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EINVALID {
			if first == nil {
				first = err
			}
			continue
		} else if err != nil {
			return nil, "", err
		}
		if live := slices.DeleteFunc(slices.Clone(found), func(cl *core.Client) bool { return cl.MergedInto != 0 }); len(live) > 0 {
			found = live
		}
		return found, rest, nil
	}
	return nil, "", first
}

// afterWords returns s past its first n words, as typed.
func afterWords(s string, n int) string {
	for range n {
		s = strings.TrimLeft(s, " \t\r\n\u00a0")
		i := strings.IndexAny(s, " \t\r\n\u00a0")
		if i < 0 {
			return ""
		}
		s = s[i:]
	}
	return strings.TrimSpace(s)
}

func putPlan(d map[string]string, e *core.Edit) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	d[keyPlan] = string(b)
	return nil
}

func getPlan(d map[string]string) (*core.Edit, error) {
	var e core.Edit
	if err := json.Unmarshal([]byte(d[keyPlan]), &e); err != nil || e.ID == 0 {
		return nil, core.Errorf(core.EINVALID, "err.button.expired")
	}
	return &e, nil
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// idText is a number as text, "" for none.
func idText(n int64) string {
	if n == 0 {
		return ""
	}
	return id(n)
}

func parseID(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
