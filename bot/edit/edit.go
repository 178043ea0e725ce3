// Package edit is the chat side of editing a deal's or a card's fields:
// /edit <deal | INN | name> <field> <value>, the «Изменить» buttons of the
// cards, and a card's contacts and bank accounts. Each edit shows old →
// new, asks for the reason (required where core says so), and is written
// by core.ApplyEdit, audited.
package edit

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers /edit, the cards' «Изменить» buttons and the edit
// dialog.
func Register(r *bot.Router) {
	// Every role that may edit cards may edit deals; a head edits deals
	// only, and core refuses them a card's edit.
	r.Command("edit", core.PermEditDeals, edit)
	r.View(core.ActionDealEdit, core.PermEditDeals, editDealAction)
	r.View(core.ActionClientEdit, core.PermEditClients, editClientAction)
	r.Flow(editFlow())
}

// The dialog's data: what is being edited and how far it has got.
const (
	keyEntity     = "entity"
	keyID         = "id"
	keyField      = "field"
	keyOp         = "op"
	keyIndex      = "index"
	keyPlan       = "plan"       // the checked edit, as JSON, waiting for its reason
	keyRest       = "rest"       // what was typed after the record: field, value, reason
	keyCandidates = "candidates" // the cards a name fragment matched, to pick one
	keyNext       = "next"       // the step the dialog starts at
	keyDraft      = "draft"      // a contact typed without its refused phone or e-mail
	keyPart       = "part"       // which part of it is asked again: phone or email
	keyReason     = "reason"     // the reason typed with that contact
)

// maxCandidates is how many matching cards are offered as buttons.
const maxCandidates = 8

// edit handles /edit <deal number | INN | name fragment> [field [value [причина: reason]]].
func edit(c *bot.Context) error {
	args := strings.TrimSpace(c.Update.Args)
	if args == "" {
		return c.Reply("msg.edit.usage", nil)
	}
	first, rest := bot.FirstWord(args)
	if _, ok := core.ParseDealNumber(first); ok {
		d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), first)
		if err != nil {
			return err
		}
		return begin(c, map[string]string{keyEntity: string(core.EntityDeal), keyID: id(d.ID), keyRest: rest})
	}
	if !c.User.Can(core.PermEditClients) {
		return core.Errorf(core.EFORBIDDEN, "err.forbidden")
	}
	found, rest, err := findCards(c, args)
	if err != nil {
		return err
	}
	data := map[string]string{keyEntity: string(core.EntityClient), keyRest: rest}
	if len(found) == 1 {
		data[keyID] = id(found[0].ID)
	} else {
		var ids []string
		for _, cl := range found {
			ids = append(ids, id(cl.ID))
		}
		data[keyCandidates] = strings.Join(ids, ",")
	}
	return begin(c, data)
}

// editDealAction is a deal card's «Изменить»: the deal's fields as buttons.
func editDealAction(c *bot.Context) error {
	d, err := recordID(c.Button.Payload)
	if err != nil {
		return err
	}
	if _, err := c.Svc.DealByID(c.Ctx(), c.Actor(), d); err != nil {
		return err
	}
	return begin(c, map[string]string{keyEntity: string(core.EntityDeal), keyID: id(d)})
}

// editClientAction is a client card's «Изменить»: the card's fields as
// buttons.
func editClientAction(c *bot.Context) error {
	cl, err := recordID(c.Button.Payload)
	if err != nil {
		return err
	}
	if _, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), cl); err != nil {
		return err
	}
	return begin(c, map[string]string{keyEntity: string(core.EntityClient), keyID: id(cl)})
}

// begin goes as far as what is known allows: with a record, field, value
// and reason it saves at once; otherwise it starts the dialog at the first
// step that has something to ask. A card the user may not edit (a
// colleague's client, a merged card) is refused before anything is asked.
func begin(c *bot.Context, data map[string]string) error {
	if err := checkCard(c, data); err != nil {
		return err
	}
	next, err := advance(c, data)
	if err != nil || next == "" {
		return err
	}
	data[keyNext] = next
	return c.Start("edit", data)
}

// checkCard refuses the edit of a card the user may not edit, naming its
// manager (core.Service.CheckEditClient); a deal, or no card chosen yet,
// passes.
func checkCard(c *bot.Context, d map[string]string) error {
	if core.Entity(d[keyEntity]) != core.EntityClient || d[keyID] == "" {
		return nil
	}
	return c.Svc.CheckEditClient(c.Ctx(), c.Actor(), parseID(d[keyID]))
}

// advance goes on from the dialog's data and returns the step to ask next,
// or "" when the edit is saved. A wrong field or value is answered with its
// rule and its step is the one asked next; nothing is written.
func advance(c *bot.Context, d map[string]string) (string, error) {
	if d[keyID] == "" {
		return "pick", nil
	}
	entity := core.Entity(d[keyEntity])
	rest, hasRest := d[keyRest]
	delete(d, keyRest)
	if hasRest && strings.TrimSpace(rest) != "" {
		field, value, err := core.CutEditField(entity, rest)
		if err != nil {
			return askAgain(c, "field", err)
		}
		d[keyField] = field
		delete(d, keyOp)
		delete(d, keyIndex)
		if value != "" {
			return plan(c, d, value)
		}
	}
	if d[keyField] == "" {
		return "field", nil
	}
	return "value", nil
}

// plan checks the value typed for the field (a reason may follow it after
// «причина:»), then saves when the reason is given, or asks for it.
func plan(c *bot.Context, d map[string]string, value string) (string, error) {
	value, reason, withReason := bot.CutReason(value)
	index, _ := strconv.Atoi(d[keyIndex])
	e, err := c.Svc.PlanEdit(c.Ctx(), c.Actor(), core.EditRequest{Entity: core.Entity(d[keyEntity]),
		ID: parseID(d[keyID]), Field: d[keyField], Op: core.EditOp(d[keyOp]), Index: index, Value: value,
		Lang: c.P.Lang(), Loc: c.P.Location()})
	if err != nil {
		if next, ok := keepContact(d, value, reason, err); ok {
			return askAgain(c, next, err)
		}
		step := "value"
		if d[keyOp] == string(core.EditChange) {
			step = "item"
		}
		return askAgain(c, step, err)
	}
	if withReason && reason != "" {
		e.Reason = reason
		return "", save(c, e)
	}
	if err := putPlan(d, e); err != nil {
		return "", err
	}
	return "reason", nil
}

// contactParts are the parts of a typed contact that are asked again alone
// when their rule refuses them, by the rule's key.
var contactParts = map[string]string{"err.contact.phone": "phone", "err.contact.email": "email"}

// keepContact keeps what was right of a contact whose phone or e-mail was
// refused, so that only that part is asked again (the «part» step) rather
// than the whole contact: the text without the part waits in the dialog,
// with the reason typed after it. ok is false when err is no such refusal
// or nothing else was typed.
func keepContact(d map[string]string, value, reason string, err error) (string, bool) {
	key, args := core.ErrorKey(err)
	part, ok := contactParts[key]
	if !ok || d[keyField] != core.FieldContacts {
		return "", false
	}
	bad, _ := args["Text"].(string)
	rest, ok := core.ContactWithout(value, bad)
	if !ok || strings.TrimSpace(strings.Trim(rest, "; ")) == "" {
		return "", false
	}
	d[keyDraft], d[keyPart], d[keyReason] = rest, part, reason
	return "part", true
}

// askAgain answers a wrong answer with its rule and names the step to ask
// again; other errors (a record gone, not allowed) end the edit.
func askAgain(c *bot.Context, step string, err error) (string, error) {
	if core.ErrorCode(err) != core.EINVALID {
		return "", err
	}
	key, args := core.ErrorKey(err)
	return step, c.Reply(key, args)
}

// save writes the edit and says what was saved; an edit that needs a
// second approval (a bank account, the director, a deal's amount) says
// that it waits, who approves it, and when no one can, so.
func save(c *bot.Context, e *core.Edit) error {
	corr, err := c.Svc.ApplyEdit(c.Ctx(), c.Actor(), e)
	if err != nil {
		return err
	}
	if corr != nil {
		roles, err := c.Svc.Approvers(c.Ctx())
		if err != nil {
			return err
		}
		reachable, err := c.Svc.ApproversReachable(c.Ctx(), c.User.ID)
		if err != nil {
			return err
		}
		return c.Reply("msg.edit.pending", bot.Args{"ID": corr.ID, "Label": e.Label, "Line": line(c, e, false),
			"Reason": e.Reason, "Roles": roleNames(c, roles), "Nobody": !reachable}, afterButtons(c, e)...)
	}
	args := bot.Args{"Label": e.Label, "Line": line(c, e, true), "Reason": e.Reason}
	return c.Reply("msg.edit.saved", args, afterButtons(c, e)...)
}

// roleNames names roles in the user's language, joined by «или».
func roleNames(c *bot.Context, roles []core.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = c.Role(r)
	}
	return strings.Join(names, c.T("msg.edit.or", nil))
}

// afterButtons offer what comes after an edit: another edit of the record
// and its history.
func afterButtons(c *bot.Context, e *core.Edit) [][]bot.Button {
	action, ref := core.ActionDealEdit, ""
	if e.Entity == core.EntityClient {
		action = core.ActionClientEdit
		if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), e.ID); err == nil {
			ref = cl.INN
		}
	} else if d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), e.ID); err == nil {
		ref = d.Number
	}
	row := []bot.Button{{LabelKey: "btn.edit.more", Action: action, Payload: id(e.ID)}}
	if ref != "" && c.User.Can(core.PermHistory) {
		row = append(row, bot.Button{LabelKey: "btn.history", Action: core.ActionHistoryShow, Payload: ref})
	}
	return [][]bot.Button{row}
}

// findCards finds the cards meant by what /edit was given: the longest
// start of it that names cards (an INN or a name fragment) and is followed
// by a field, or all of it. Cards merged into another are dropped when a
// live one matches too.
func findCards(c *bot.Context, args string) ([]*core.Client, string, error) {
	words := strings.Fields(args)
	var first error
	for n := 1; n <= len(words); n++ {
		rest := afterWords(args, n)
		if rest != "" {
			if _, _, err := core.CutEditField(core.EntityClient, rest); err != nil {
				if key, _ := core.ErrorKey(err); key == "err.edit.field_unknown" {
					continue // no field starts here: the name goes on
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

// afterWords returns s past its first n words, as typed (line breaks kept).
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

// recordID reads a button's record id.
func recordID(payload string) (int64, error) { return bot.ParseID(payload, "err.button.expired") }

func id(n int64) string { return strconv.FormatInt(n, 10) }

func parseID(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
