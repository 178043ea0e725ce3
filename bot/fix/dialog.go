package fix

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// mode is what sets the quick edit (/edit, editMode) and the correction
// (/fix, fixMode) apart; everything else of their dialog is one code.
type mode struct {
	// name is the command's and the dialog's name, and the part of the
	// keys of its words: msg.<name>.usage, flow.<name>.field.deal, …
	name string
	// perm starts the dialog and keeps it going; cardPerm is needed to
	// look a card up by its INN or name (a deal's number is core's to
	// refuse).
	perm, cardPerm core.Permission
	// fields are the fields offered as buttons, perRow to a row; cutField
	// reads a field typed before its value.
	fields   map[core.Entity][]string
	perRow   int
	cutField func(core.Entity, string) (field, rest string, err error)
	// plan checks the change without writing it; apply writes it, or
	// stores a correction that waits for approval (returned; nil or
	// applied: written).
	plan  func(*core.Service, context.Context, core.Actor, core.EditRequest) (*core.Edit, error)
	apply func(*core.Service, context.Context, core.Actor, *core.Edit) (*core.Correction, error)
	// mayEdit, when set, refuses a card the user may not edit before
	// anything is asked.
	mayEdit func(*core.Service, context.Context, core.Actor, int64) error
	// after is the row of buttons under what was done.
	after func(c *bot.Context, e *core.Edit) [][]bot.Button

	// cardNumbers: a card may be named by its number, «#5».
	cardNumbers bool
	// requests: the request the change answers is read from what is typed
	// («обращение #12») and, when none was and the record has open ones,
	// asked for (the «request» step).
	requests bool
	// reasonRequired: every change needs a reason, and its question says
	// whether the change waits for approval; otherwise a reason is asked
	// with «Без причины» unless core says the record needs one.
	reasonRequired bool
	// byKind: the value is asked for by its kind (flow.<name>.value.<kind>:
	// an amount, a date, a manager — offered as buttons — or a text);
	// otherwise one question (flow.<name>.value) says whether «-» clears it.
	byKind bool
	// contactParts: a contact whose phone or e-mail is refused keeps the
	// rest, and only that part is asked again (the «part» step).
	contactParts bool
	// replaceAccounts: a card's bank account may be replaced (✎) as well as
	// removed, and one typed without «добавить» replaces the card's only
	// account or asks which one it replaces (resolveAccount); otherwise only
	// a contact is replaced, and an account typed is added.
	replaceAccounts bool
	// retryRules: a rule that refuses the change at its last step (the
	// record checked again as it is now) asks that step again; otherwise
	// it ends the dialog, unless it is a reason now required.
	retryRules bool
}

// The dialog's data: what is being changed and how far it has got.
const (
	keyEntity     = "entity"
	keyID         = "id"
	keyField      = "field"
	keyOp         = "op"
	keyIndex      = "index"
	keyPlan       = "plan"       // the checked change, as JSON, waiting for its reason
	keyRest       = "rest"       // what was typed after the record: field, value, reason
	keyCandidates = "candidates" // the cards an INN or a name matched, to pick one
	keyNext       = "next"       // the step the dialog starts at
	keyDraft      = "draft"      // a contact typed without its refused phone or e-mail
	keyPart       = "part"       // which part of it is asked again: phone or email
	keyReason     = "reason"     // the reason typed with that contact
	keyRequest    = "request"    // the request typed with the command
	keyAsked      = "asked"      // the request was asked for already
	keyPending    = "pending"    // an account typed, waiting for which one it replaces
)

// maxCandidates is how many matching cards are offered as buttons.
const maxCandidates = 8

// command handles /edit and /fix: <deal number | #card | INN | name
// fragment> [field [value [причина: reason] [обращение #N]]].
func (m *mode) command(c *bot.Context) error {
	args, data := strings.TrimSpace(c.Update.Args), map[string]string{}
	if m.requests {
		var req int64
		if args, req = CutRequest(args); req != 0 {
			data[keyRequest] = id(req)
		}
	}
	if args == "" {
		roles, err := cards.ApproverNames(c)
		if err != nil {
			return err
		}
		return c.Reply("msg."+m.name+".usage", bot.Args{"Roles": roles})
	}
	first, rest := bot.FirstWord(args)
	switch {
	case isDeal(first):
		d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), first)
		if err != nil {
			return err
		}
		data[keyEntity], data[keyID], data[keyRest] = string(core.EntityDeal), id(d.ID), rest
	case m.cardNumbers && strings.HasPrefix(first, "#"):
		n, err := bot.ParseID(first, "err.fix.record")
		if err != nil {
			return err
		}
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), n)
		if err != nil {
			return err
		}
		data[keyEntity], data[keyID], data[keyRest] = string(core.EntityClient), id(cl.ID), rest
	case !c.User.Can(m.cardPerm):
		return core.Errorf(core.EFORBIDDEN, "err.forbidden")
	default:
		found, rest, err := m.findCards(c, args)
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
	return m.begin(c, data)
}

func isDeal(s string) bool {
	_, ok := core.ParseDealNumber(s)
	return ok
}

// startOn is a card's button: the dialog about the deal or card, once the
// user may see it, with its fields as buttons.
func (m *mode) startOn(c *bot.Context, entity core.Entity, rid int64) error {
	switch entity {
	case core.EntityDeal:
		if _, err := c.Svc.DealByID(c.Ctx(), c.Actor(), rid); err != nil {
			return err
		}
	case core.EntityClient:
		if _, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), rid); err != nil {
			return err
		}
	default:
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	return m.begin(c, map[string]string{keyEntity: string(entity), keyID: id(rid)})
}

// begin goes as far as what is known allows: with the record, field, value
// and reason it writes at once; otherwise it starts the dialog at the first
// step that has something to ask. A card the user may not edit is refused
// before anything is asked.
func (m *mode) begin(c *bot.Context, data map[string]string) error {
	if err := m.checkCard(c, data); err != nil {
		return err
	}
	next, err := m.advance(c, data)
	if err != nil || next == "" {
		return err
	}
	data[keyNext] = next
	return c.Start(m.name, data)
}

// checkCard refuses a card the user may not edit (mayEdit: a colleague's
// client, a merged card); a deal, or no card chosen yet, passes.
func (m *mode) checkCard(c *bot.Context, d map[string]string) error {
	if m.mayEdit == nil || core.Entity(d[keyEntity]) != core.EntityClient || d[keyID] == "" {
		return nil
	}
	return m.mayEdit(c.Svc, c.Ctx(), c.Actor(), parseID(d[keyID]))
}

// advance goes on from the dialog's data and returns the step to ask next,
// or "" when the change is written. A wrong field or value is answered
// with its rule and its step is the one asked next; nothing is written.
func (m *mode) advance(c *bot.Context, d map[string]string) (string, error) {
	if d[keyID] == "" {
		return "pick", nil
	}
	entity := core.Entity(d[keyEntity])
	rest, hasRest := d[keyRest]
	delete(d, keyRest)
	if hasRest && strings.TrimSpace(rest) != "" {
		field, value, err := m.cutField(entity, rest)
		if err != nil {
			return askAgain(c, "field", m.unknownField(c, entity, parseID(d[keyID]), err))
		}
		d[keyField] = field
		delete(d, keyOp)
		delete(d, keyIndex)
		if value != "" {
			if listField(field) {
				d[keyOp] = m.typedOp(field)
			}
			return m.planValue(c, d, value)
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

// planValue checks the value typed for the field (a reason may follow it
// after «причина:», and a request), then writes when the reason is given,
// or asks for it. An account typed for a correction without saying what it
// does (resolveAccount) replaces the card's only one, or asks which of its
// accounts it replaces.
func (m *mode) planValue(c *bot.Context, d map[string]string, typed string) (string, error) {
	value, reason, _ := bot.CutReason(typed)
	return m.planParts(c, d, typed, value, reason)
}

// planParts is planValue with the answer already split into the value and
// the reason typed with it (typed is the answer as typed).
func (m *mode) planParts(c *bot.Context, d map[string]string, typed, value, reason string) (string, error) {
	if m.requests {
		var req, inReason int64
		value, req = CutRequest(value)
		if reason, inReason = CutRequest(reason); req == 0 {
			req = inReason
		}
		if req != 0 {
			d[keyRequest] = id(req)
		}
	}
	if d[keyField] == core.FieldAccounts && (d[keyOp] == "" || d[keyOp] == string(core.EditAdd)) {
		if rest, ok := cutAdd(value); ok {
			value, d[keyOp] = rest, string(core.EditAdd)
		}
	}
	if d[keyOp] == "" && m.replaceAccounts && d[keyField] == core.FieldAccounts {
		if next, err := m.resolveAccount(c, d, typed, value); next != "" || err != nil {
			return next, err
		}
	}
	index, _ := strconv.Atoi(d[keyIndex])
	e, err := m.plan(c.Svc, c.Ctx(), c.Actor(), core.EditRequest{Entity: core.Entity(d[keyEntity]),
		ID: parseID(d[keyID]), Field: d[keyField], Op: core.EditOp(d[keyOp]), Index: index, Value: value,
		Lang: c.P.Lang(), Loc: c.P.Location()})
	if err != nil {
		if m.contactParts {
			if next, ok := keepContact(d, value, reason, err); ok {
				return askAgain(c, next, err)
			}
		}
		step := "value"
		switch {
		case d[keyOp] == string(core.EditChange):
			step = "item"
		case d[keyOp] == string(core.EditAdd) && m.replaceAccounts && d[keyField] == core.FieldAccounts:
			// An account to add, said so: asked again as one to add.
			step = "item"
		case listField(d[keyField]):
			step = "items"
		}
		return askAgain(c, step, err)
	}
	e.Reason, e.RequestID = reason, parseID(d[keyRequest])
	if reason == "" {
		return "reason", putPlan(d, e)
	}
	return m.afterReason(c, d, e)
}

// typedOp is what a contact or an account typed as the field's value does
// unless it says so: a contact is added; a correction's account is ""
// (resolveAccount decides), an edit's is added.
func (m *mode) typedOp(field string) string {
	if field == core.FieldAccounts && m.replaceAccounts {
		return ""
	}
	return string(core.EditAdd)
}

// resolveAccount decides what an account typed for a correction does when
// it does not say (no «добавить»): on a card without accounts it is added;
// on a card with one it replaces that one, shown old → new, since a
// correction of a card's bank details means the account it has is wrong
// (documents are filled from its first account); on a card with several
// the «which» step asks which one it replaces, or whether it is added, the
// text typed kept until then. It returns "" to plan the change now.
func (m *mode) resolveAccount(c *bot.Context, d map[string]string, typed, value string) (string, error) {
	// The dialog may not have started yet (the whole change typed with the
	// command): the card is the one its data names.
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), parseID(d[keyID]))
	if err != nil {
		return "", err
	}
	switch len(cl.Accounts) {
	case 0:
		d[keyOp] = string(core.EditAdd)
	case 1:
		d[keyOp], d[keyIndex] = string(core.EditChange), "0"
	default:
		if _, err := core.ParseBankAccount(value); err != nil {
			return askAgain(c, "items", err)
		}
		d[keyPending] = typed
		return "which", nil
	}
	return "", nil
}

// addWords say that an account typed is added to the card's: «счёт
// добавить 044525225 40702810938000012345».
var addWords = map[string]bool{"добавить": true, "добавь": true, "добавление": true, "add": true, "+": true, "➕": true}

// cutAdd takes a word that says «add» off the start of an account typed.
func cutAdd(value string) (string, bool) {
	first, rest := bot.FirstWord(value)
	if !addWords[strings.ToLower(strings.TrimRight(first, ":"))] {
		return value, false
	}
	return rest, true
}

// afterReason asks which request the change answers when none was named
// and the record has open ones; otherwise it writes the change.
func (m *mode) afterReason(c *bot.Context, d map[string]string, e *core.Edit) (string, error) {
	if m.requests && e.RequestID == 0 && d[keyAsked] == "" {
		reqs, err := c.Svc.CorrectionRequests(c.Ctx(), c.Actor(), e.Entity, e.ID)
		if err != nil {
			return "", err
		}
		if len(reqs) > 0 {
			d[keyAsked] = "1"
			return "request", putPlan(d, e)
		}
	}
	return m.saveOrAskRequest(c, d, e)
}

// requestRefusals are core's refusals of the request named for a change.
var requestRefusals = []string{"err.fix.request_closed", "err.fix.request_other", "err.request.not_found"}

// saveOrAskRequest saves the change; when the request named for it is
// refused (closed, about another record, or there is no such request),
// nothing is written and the request step asks again, offering the
// record's open requests.
func (m *mode) saveOrAskRequest(c *bot.Context, d map[string]string, e *core.Edit) (string, error) {
	err := m.save(c, e)
	key, args := core.ErrorKey(err)
	if !m.requests || e.RequestID == 0 || !slices.Contains(requestRefusals, key) {
		return "", err
	}
	e.RequestID, d[keyAsked] = 0, "1"
	delete(d, keyRequest)
	if perr := putPlan(d, e); perr != nil {
		return "", perr
	}
	return "request", c.Reply(key, args)
}

// save writes the change and says what became of it: written, or waiting
// for a second approval (a sensitive field: who approves it, and when no
// one can, so).
func (m *mode) save(c *bot.Context, e *core.Edit) error {
	corr, err := m.apply(c.Svc, c.Ctx(), c.Actor(), e)
	if err != nil {
		return err
	}
	args := bot.Args{}
	if corr != nil {
		e, args["ID"] = &corr.Edit, corr.ID
	}
	applied := corr == nil || corr.Status == core.CorrectionApplied
	args["Label"], args["Line"], args["Reason"] = recordName(c, e.Entity, e.Label), cards.EditLine(c, e, applied), e.Reason
	args["Request"], args["Reverts"] = idText(e.RequestID), idText(e.Reverts)
	if applied {
		return c.Reply("msg."+m.name+".applied", args, m.after(c, e)...)
	}
	roles, err := cards.ApproverNames(c)
	if err != nil {
		return err
	}
	reachable, err := c.Svc.ApproversReachable(c.Ctx(), c.User.ID)
	if err != nil {
		return err
	}
	args["Roles"], args["Nobody"], args["Hint"] = roles, !reachable, m.accountHint(c, e)
	return c.Reply("msg."+m.name+".pending", args, m.after(c, e)...)
}

// accountHint warns an edit that adds an account to a card that has one
// already: the new one is another account, the documents keep being filled
// from the first, and replacing it is a correction (/fix, or a request
// for one). "" for anything else, and for a correction, whose account
// added is added on purpose (resolveAccount).
func (m *mode) accountHint(c *bot.Context, e *core.Edit) string {
	if m.replaceAccounts || e.Entity != core.EntityClient || e.Field != core.FieldAccounts || e.Op != core.EditAdd {
		return ""
	}
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), e.ID)
	if err != nil || len(cl.Accounts) == 0 {
		return ""
	}
	return c.T("msg.edit.account_hint", bot.Args{"INN": cl.INN, "CanFix": c.User.Can(core.PermCorrect)})
}

// unknownField turns core's refusal of a field it does not know into one
// that names the record and lists the fields the dialog changes in it;
// any other error is returned as it is.
func (m *mode) unknownField(c *bot.Context, entity core.Entity, rid int64, err error) error {
	key, args := core.ErrorKey(err)
	if key != "err.edit.field_unknown" {
		return err
	}
	var label string
	if entity == core.EntityDeal {
		d, derr := c.Svc.DealByID(c.Ctx(), c.Actor(), rid)
		if derr != nil {
			return err
		}
		label = dealOrCard(c, d, nil)
	} else {
		cl, cerr := c.Svc.ClientByID(c.Ctx(), c.Actor(), rid)
		if cerr != nil {
			return err
		}
		label = dealOrCard(c, nil, cl)
	}
	names := make([]string, len(m.fields[entity]))
	for i, f := range m.fields[entity] {
		names[i] = c.T("field."+string(entity)+"."+f, nil)
	}
	return core.Errorf(core.EINVALID, "err.edit.field_unknown_in", "Entity", string(entity), "Label", label,
		"Field", args["Field"], "Fields", strings.Join(names, ", "))
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

// findCards finds the cards meant by what the command was given: the
// longest start of it that names cards (an INN or a name fragment) and is
// followed by a field, or all of it. Cards merged into another are dropped
// when a live one matches too.
func (m *mode) findCards(c *bot.Context, args string) ([]*core.Client, string, error) {
	words := strings.Fields(args)
	var first error
	for n := 1; n <= len(words); n++ {
		rest := bot.AfterWords(args, n)
		if rest != "" {
			if _, _, err := m.cutField(core.EntityClient, rest); err != nil {
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
		return live(found), rest, nil
	}
	// Nothing names cards, neither all of it nor a start followed by a
	// field: an INN of cards followed by a field they do not have is that
	// INN's cards, and the field step says the field is unknown (rather
	// than that no card was found). A name fragment followed by an unknown
	// word stays not found: the word may be a part of the name.
	if first != nil && len(words) > 1 && cards.INNShaped(words[0]) {
		found, err := cards.LookupClients(c, words[0], maxCandidates)
		if err == nil {
			return live(found), bot.AfterWords(args, 1), nil
		}
		if code := core.ErrorCode(err); code != core.ENOTFOUND && code != core.EINVALID {
			return nil, "", err
		}
	}
	return nil, "", first
}

// live drops the cards merged into another when a live one is among them.
func live(found []*core.Client) []*core.Client {
	if live := cards.Working(found); len(live) > 0 {
		return live
	}
	return found
}

// record loads the deal or card being changed.
func record(c *bot.Context) (*core.Deal, *core.Client, error) {
	rid := parseID(c.Conv.Data[keyID])
	if core.Entity(c.Conv.Data[keyEntity]) == core.EntityDeal {
		d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), rid)
		return d, nil, err
	}
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), rid)
	return nil, cl, err
}

// dealOrCard names the record loaded (record) as the dialog's questions
// do: a deal by its number and title, a card by its name and INN, quoted
// in the user's language.
func dealOrCard(c *bot.Context, d *core.Deal, cl *core.Client) string {
	if d != nil {
		return recordName(c, core.EntityDeal, core.RecordLabel(d, nil))
	}
	return recordName(c, core.EntityClient, core.RecordLabel(nil, cl))
}

// recordName names an edit's record (its Label, core.LabelArgs) in the
// user's language: «ПАО Сбербанк, 7707083893», D-2026-0001 “Кредит”.
func recordName(c *bot.Context, e core.Entity, label string) string {
	return c.T("fix.label", core.LabelArgs(e, label))
}

// recordRef is what /history knows a record by: a deal's number, a card's
// INN ("" when it cannot be read).
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
