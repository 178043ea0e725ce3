package fix

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// Choice values of the dialog's buttons.
const (
	choiceCancel = "no"
	itemChange   = "item:change:"
	itemRemove   = "item:remove:"
	choiceReq    = "req:"
)

// fixFlow is the correction dialog: the card (when an INN or a name
// matched several), the field, the value (or, in a list, the item to
// change or remove), the reason, the request; then it corrects.
func fixFlow() *bot.Flow {
	return &bot.Flow{Name: "fix", First: "start", Perm: core.PermCorrect, Steps: map[string]*bot.Step{
		"start":   {Prompt: start, Input: func(c *bot.Context, _ string) (string, error) { return advance(c, c.Conv.Data) }},
		"pick":    {Prompt: askPick, Input: pickInput},
		"field":   {Prompt: askField, Input: fieldInput},
		"items":   {Prompt: askItems, Input: itemsInput},
		"item":    {Prompt: askItem, Input: itemInput},
		"value":   {Prompt: askValue, Input: valueInput},
		"reason":  {Prompt: askReason, Input: reasonInput},
		"request": {Prompt: askRequest, Input: requestInput},
	}}
}

// start goes to the step begin chose.
func start(c *bot.Context) error {
	next := c.Conv.Data[keyNext]
	delete(c.Conv.Data, keyNext)
	if next == "" || next == "start" {
		next = "field"
	}
	return c.Goto(next)
}

func cancelRow() []bot.Button { return bot.Row(bot.Choice("btn.cancel", nil, choiceCancel)) }

// cancelled ends the dialog when «Отмена» (or a word for it) is the answer.
func cancelled(c *bot.Context, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case choiceCancel, "нет", "отмена", "cancel":
		if err := c.Finish(); err != nil {
			return true, err
		}
		return true, c.Reply("msg.fix.cancelled", nil)
	}
	return false, nil
}

// askPick offers the cards an INN or a name matched.
func askPick(c *bot.Context) error {
	var rows [][]bot.Button
	for _, s := range strings.Split(c.Conv.Data[keyCandidates], ",") {
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), parseID(s))
		if err != nil {
			continue
		}
		rows = append(rows, bot.Row(bot.Choice("btn.client.pick", cards.ClientChoiceArgs(cl), "id:"+s)))
	}
	return c.Reply("flow.fix.pick", nil, append(rows, cancelRow())...)
}

func pickInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	v, ok := strings.CutPrefix(s, "id:")
	if !ok || !strings.Contains(","+c.Conv.Data[keyCandidates]+",", ","+v+",") {
		return "", core.Errorf(core.EINVALID, "err.choose.button")
	}
	c.Conv.Data[keyID] = v
	delete(c.Conv.Data, keyCandidates)
	return advance(c, c.Conv.Data)
}

// askField offers the record's fields as buttons, its identity first; a
// field with its value may be typed at once («кпп 773601002»).
func askField(c *bot.Context) error {
	entity := core.Entity(c.Conv.Data[keyEntity])
	label, err := recordLabel(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	var rows [][]bot.Button
	var row []bot.Button
	for _, f := range core.FixFields[entity] {
		row = append(row, bot.Choice(fieldKey(entity, f), nil, f))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return c.Reply("flow.fix.field."+string(entity), bot.Args{"Label": label}, append(rows, cancelRow())...)
}

func fieldInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	c.Conv.Data[keyRest] = s
	delete(c.Conv.Data, keyField)
	return advance(c, c.Conv.Data)
}

// askItems shows a card's contacts or accounts, numbered, each with ✎ to
// correct (replace) it and ✕ to remove it; a new one is typed.
func askItems(c *bot.Context) error {
	d := c.Conv.Data
	delete(d, keyOp)
	delete(d, keyIndex)
	_, cl, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	items := itemsOf(cl, d[keyField])
	var b strings.Builder
	var rows [][]bot.Button
	for i, it := range items {
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + it)
		n := bot.Args{"N": i + 1}
		rows = append(rows, bot.Row(bot.Choice("btn.edit.item_change", n, itemChange+strconv.Itoa(i)),
			bot.Choice("btn.edit.item_remove", n, itemRemove+strconv.Itoa(i))))
	}
	return c.Reply("flow.fix.items."+d[keyField], bot.Args{"Card": core.QuoteName(cl.Name()), "Items": b.String()},
		append(rows, cancelRow())...)
}

func itemsInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	d := c.Conv.Data
	if v, ok := strings.CutPrefix(s, itemChange); ok {
		d[keyOp], d[keyIndex] = string(core.EditChange), v
		return "item", nil
	}
	if v, ok := strings.CutPrefix(s, itemRemove); ok {
		d[keyOp], d[keyIndex] = string(core.EditRemove), v
		return plan(c, d, "")
	}
	d[keyOp] = string(core.EditAdd)
	return plan(c, d, s)
}

// askItem asks the corrected contact or account.
func askItem(c *bot.Context) error {
	_, cl, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	field := c.Conv.Data[keyField]
	items := itemsOf(cl, field)
	i, _ := strconv.Atoi(c.Conv.Data[keyIndex])
	if i < 0 || i >= len(items) {
		_ = c.Finish()
		return core.Errorf(core.EINVALID, "err.edit.item_gone")
	}
	return c.Reply("flow.fix.item."+field, bot.Args{"Item": items[i]}, cancelRow())
}

func itemInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	return plan(c, c.Conv.Data, s)
}

// askValue asks the new value, showing the current one.
func askValue(c *bot.Context) error {
	d := c.Conv.Data
	entity, field := core.Entity(d[keyEntity]), d[keyField]
	deal, cl, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	args := bot.Args{"Field": c.T(fieldKey(entity, field), nil), "Clear": clearable(field)}
	if deal != nil {
		args["Label"], args["Current"] = deal.Number+" "+core.QuoteName(deal.Title), show(c, field, core.DealEditValue(deal, field))
	} else {
		args["Label"], args["Current"] = core.QuoteName(cl.Name()+", "+cl.INN), show(c, field, core.ClientEditValue(cl, field))
	}
	return c.Reply("flow.fix.value", args, cancelRow())
}

// clearable reports whether «-» clears the field.
func clearable(field string) bool {
	switch field {
	case core.FieldFullName, core.FieldAddress, core.FieldDirector, core.FieldKPP, core.FieldOGRN,
		core.FieldSigningDue, core.FieldPaymentDue, core.FieldContractEnd, core.FieldManager:
		return true
	}
	return false
}

func valueInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	return plan(c, c.Conv.Data, s)
}

// askReason shows old → new and asks the reason (and the request).
func askReason(c *bot.Context) error {
	e, err := getPlan(c.Conv.Data)
	if err != nil {
		_ = c.Finish()
		return err
	}
	args := bot.Args{"Label": e.Label, "Line": line(c, e, false), "Sensitive": sensitive(c, e)}
	if args["Sensitive"] == true {
		roles, err := roleNames(c)
		if err != nil {
			return err
		}
		args["Roles"] = roles
	}
	return c.Reply("flow.fix.reason", args, cancelRow())
}

// sensitive reports whether the correction will wait for approval.
func sensitive(c *bot.Context, e *core.Edit) bool {
	var cl *core.Client
	if e.Entity == core.EntityClient {
		cl, _ = c.Svc.ClientByID(c.Ctx(), c.Actor(), e.ID)
	}
	return core.NeedsApproval(e, cl)
}

func reasonInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	e, err := getPlan(c.Conv.Data)
	if err != nil {
		return "", err
	}
	reason, req := CutRequest(s)
	if bot.IsSkip(reason) || reason == "" {
		return "", core.Errorf(core.EINVALID, "err.fix.reason_required")
	}
	if n := len([]rune(reason)); n > core.MaxReasonLen {
		return "", core.Errorf(core.EINVALID, "err.edit.reason_too_long", "Max", core.MaxReasonLen)
	}
	e.Reason = reason
	if req != 0 {
		e.RequestID = req
	}
	return finishWith(c, func() (string, error) { return afterReason(c, c.Conv.Data, e) })
}

// askRequest offers the record's open requests and «Без обращения».
func askRequest(c *bot.Context) error {
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
	return c.Reply("flow.fix.request", bot.Args{"Label": e.Label, "Line": line(c, e, false), "Reason": e.Reason}, rows...)
}

func requestInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
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
	return finishWith(c, func() (string, error) { return "", correct(c, e) })
}

// finishWith runs the step that may correct: a refusal by a rule (a value
// too long, a closed request) asks again; any other ends the dialog and
// says why (changed by someone else, a duplicate, not allowed).
func finishWith(c *bot.Context, fn func() (string, error)) (string, error) {
	next, err := fn()
	switch {
	case err == nil:
		return next, nil
	case core.ErrorCode(err) == core.EINVALID:
		return "", err
	}
	if ferr := c.Finish(); ferr != nil {
		return "", ferr
	}
	return "", err
}

// record loads the deal or card being corrected.
func record(c *bot.Context) (*core.Deal, *core.Client, error) {
	rid := parseID(c.Conv.Data[keyID])
	if core.Entity(c.Conv.Data[keyEntity]) == core.EntityDeal {
		d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), rid)
		return d, nil, err
	}
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), rid)
	return nil, cl, err
}

// recordLabel names the record being corrected.
func recordLabel(c *bot.Context) (string, error) {
	d, cl, err := record(c)
	switch {
	case err != nil:
		return "", err
	case d != nil:
		return d.Number + " " + core.QuoteName(d.Title), nil
	}
	return core.QuoteName(cl.Name() + ", " + cl.INN), nil
}

// short cuts a text to n characters for a button.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
