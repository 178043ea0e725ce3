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
	itemAdd      = "item:add"
	choiceReq    = "req:"
)

// flow is the dialog: the card (when an INN or a name matched several),
// the field, the value (or, in a list, the item to change or remove), the
// reason and, for a correction, the request; then it writes.
func (m *mode) flow() *bot.Flow {
	steps := map[string]*bot.Step{
		"start":  {Prompt: m.start, Input: func(c *bot.Context, _ string) (string, error) { return m.advance(c, c.Conv.Data) }},
		"pick":   {Prompt: m.askPick, Input: m.pickInput},
		"field":  {Prompt: m.askField, Input: m.fieldInput},
		"value":  {Prompt: m.askValue, Input: m.valueInput},
		"items":  {Prompt: m.askItems, Input: m.itemsInput},
		"item":   {Prompt: m.askItem, Input: m.itemInput},
		"reason": {Prompt: m.askReason, Input: m.reasonInput},
	}
	if m.contactParts {
		steps["part"] = &bot.Step{Prompt: m.askPart, Input: m.partInput}
	}
	if m.requests {
		steps["request"] = &bot.Step{Prompt: m.askRequest, Input: m.requestInput}
	}
	if m.replaceAccounts {
		steps["which"] = &bot.Step{Prompt: m.askWhich, Input: m.whichInput}
	}
	return &bot.Flow{Name: m.name, First: "start", Perm: m.perm, Steps: steps}
}

// start goes to the step begin chose.
func (m *mode) start(c *bot.Context) error {
	next := c.Conv.Data[keyNext]
	delete(c.Conv.Data, keyNext)
	if next == "" || next == "start" {
		next = "field"
	}
	return c.Goto(next)
}

// cancelRow is the row with «Отмена».
func cancelRow() []bot.Button { return bot.Row(bot.Choice("btn.cancel", nil, choiceCancel)) }

// cancelled ends the dialog when «Отмена» (or a word for it) is the answer.
func (m *mode) cancelled(c *bot.Context, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case choiceCancel, "нет", "отмена", "cancel":
		if err := c.Finish(); err != nil {
			return true, err
		}
		return true, c.Reply("msg."+m.name+".cancelled", nil)
	}
	return false, nil
}

// askPick offers the cards an INN or a name fragment matched.
func (m *mode) askPick(c *bot.Context) error {
	var cs []*core.Client
	for _, s := range strings.Split(c.Conv.Data[keyCandidates], ",") {
		if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), parseID(s)); err == nil {
			cs = append(cs, cl)
		}
	}
	rows := cards.ClientChoices(cs, "id:", len(cs))
	return c.Reply("flow."+m.name+".pick", nil, append(rows, cancelRow())...)
}

func (m *mode) pickInput(c *bot.Context, s string) (string, error) {
	if done, err := m.cancelled(c, s); done {
		return "", err
	}
	v, ok := strings.CutPrefix(s, "id:")
	if !ok || !strings.Contains(","+c.Conv.Data[keyCandidates]+",", ","+v+",") {
		return "", core.Errorf(core.EINVALID, "err.choose.button")
	}
	c.Conv.Data[keyID] = v
	delete(c.Conv.Data, keyCandidates)
	if err := m.checkCard(c, c.Conv.Data); err != nil {
		// A card the user may not edit: the dialog ends, saying whose it is.
		if ferr := c.Finish(); ferr != nil {
			return "", ferr
		}
		return "", err
	}
	return m.advance(c, c.Conv.Data)
}

// askField offers the record's fields as buttons; a field with its value
// may be typed at once («сумма 2 000 000», «кпп 773601002»).
func (m *mode) askField(c *bot.Context) error {
	entity := core.Entity(c.Conv.Data[keyEntity])
	deal, cl, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	label := dealOrCard(c, deal, cl)
	var rows [][]bot.Button
	var row []bot.Button
	for _, f := range m.fields[entity] {
		row = append(row, bot.Choice(cards.FieldKey(entity, f), nil, f))
		if len(row) == m.perRow {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return c.Reply("flow."+m.name+".field."+string(entity), bot.Args{"Label": label}, append(rows, cancelRow())...)
}

func (m *mode) fieldInput(c *bot.Context, s string) (string, error) {
	if done, err := m.cancelled(c, s); done {
		return "", err
	}
	c.Conv.Data[keyRest] = s
	delete(c.Conv.Data, keyField)
	return m.advance(c, c.Conv.Data)
}

// askValue asks the new value, showing the current one (Label names the
// record as the dialog does, Name a card by its name alone). A list's
// value is its items (a dialog kept from before they had their own step
// goes on there).
func (m *mode) askValue(c *bot.Context) error {
	d := c.Conv.Data
	entity, field := core.Entity(d[keyEntity]), d[keyField]
	if listField(field) {
		return m.askItems(c)
	}
	delete(d, keyOp)
	delete(d, keyIndex)
	deal, cl, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	args := bot.Args{"Field": c.T(cards.FieldKey(entity, field), nil), "Label": dealOrCard(c, deal, cl), "Clear": clearable(field)}
	if deal != nil {
		args["Name"], args["Current"] = dealOrCard(c, deal, nil), cards.EditValue(c, field, core.DealEditValue(deal, field))
	} else {
		args["Name"], args["Current"] = cl.Name(), cards.EditValue(c, field, core.ClientEditValue(cl, field))
	}
	var rows [][]bot.Button
	if field == core.FieldManager {
		// The people a record may be given to, as buttons: a name typed
		// that fits no one or several is answered «выберите кнопкой».
		if rows, err = managerRows(c); err != nil {
			return err
		}
	}
	rows = append(rows, cancelRow())
	switch {
	case !m.byKind && field == core.FieldManager:
		args["Clear"] = entity == core.EntityClient // a deal always has a manager
		return c.Reply("flow."+m.name+".value_manager", args, rows...)
	case !m.byKind:
		return c.Reply("flow."+m.name+".value", args, rows...)
	}
	return c.Reply("flow."+m.name+".value."+hintOf(entity, field), args, rows...)
}

// maxManagers is how many people a manager's question offers as buttons.
const maxManagers = 10

// managerRows offers the people a deal or card may be given to, one a row.
func managerRows(c *bot.Context) ([][]bot.Button, error) {
	us, err := c.Svc.EditManagers(c.Ctx(), c.Actor())
	if err != nil {
		return nil, err
	}
	var rows [][]bot.Button
	for _, u := range us[:min(len(us), maxManagers)] {
		rows = append(rows, bot.Row(bot.Choice("btn.user", bot.Args{"Name": u.Name, "Role": c.Role(u.Role)},
			"id:"+id(u.ID))))
	}
	return rows, nil
}

func (m *mode) valueInput(c *bot.Context, s string) (string, error) {
	if listField(c.Conv.Data[keyField]) {
		return m.itemsInput(c, s)
	}
	if done, err := m.cancelled(c, s); done {
		return "", err
	}
	return m.planValue(c, c.Conv.Data, s)
}

// askItems shows a card's contacts or accounts, numbered, each with ✎ to
// change (replace) it, where it may be, and ✕ to remove it; a new one is
// typed (an account typed for a correction: see resolveAccount), or, for a
// correction's accounts, «➕ Добавить» asks for one to add.
func (m *mode) askItems(c *bot.Context) error {
	d := c.Conv.Data
	delete(d, keyOp)
	delete(d, keyIndex)
	delete(d, keyPending)
	_, cl, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	field := d[keyField]
	items := itemsOf(cl, field)
	var b strings.Builder
	var rows [][]bot.Button
	for i, it := range items {
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + it)
		n := bot.Args{"N": i + 1}
		var row []bot.Button
		if m.replaces(field) {
			row = append(row, bot.Choice("btn.edit.item_change", n, itemChange+strconv.Itoa(i)))
		}
		rows = append(rows, append(row, bot.Choice("btn.edit.item_remove", n, itemRemove+strconv.Itoa(i))))
	}
	if m.addsAccounts(field) && len(items) > 0 {
		rows = append(rows, bot.Row(bot.Choice("btn.fix.account_add", nil, itemAdd)))
	}
	return c.Reply("flow."+m.name+".items."+field, bot.Args{"Name": cl.Name(), "Quote": core.NeedsQuotes(cl.Name()),
		"Items": b.String(), "Count": len(items)}, append(rows, cancelRow())...)
}

// replaces reports whether an item of the list may be replaced (✎).
func (m *mode) replaces(field string) bool {
	return field == core.FieldContacts || field == core.FieldAccounts && m.replaceAccounts
}

// addsAccounts reports whether an account typed for the field says what it
// does (resolveAccount), so that adding one is a choice of its own.
func (m *mode) addsAccounts(field string) bool {
	return field == core.FieldAccounts && m.replaceAccounts
}

func (m *mode) itemsInput(c *bot.Context, s string) (string, error) {
	if done, err := m.cancelled(c, s); done {
		return "", err
	}
	d := c.Conv.Data
	if v, ok := strings.CutPrefix(s, itemChange); ok && m.replaces(d[keyField]) {
		d[keyOp], d[keyIndex] = string(core.EditChange), v
		return "item", nil
	}
	if v, ok := strings.CutPrefix(s, itemRemove); ok {
		d[keyOp], d[keyIndex] = string(core.EditRemove), v
		return m.planValue(c, d, "")
	}
	if s == itemAdd && m.addsAccounts(d[keyField]) {
		d[keyOp] = string(core.EditAdd)
		return "item", nil
	}
	d[keyOp] = m.typedOp(d[keyField])
	return m.planValue(c, d, s)
}

// askWhich asks which of a card's accounts the account typed for a
// correction replaces (✎), or whether it is added (➕).
func (m *mode) askWhich(c *bot.Context) error {
	d := c.Conv.Data
	_, cl, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	value, _, _ := bot.CutReason(d[keyPending])
	value, _ = CutRequest(value)
	acc, err := core.ParseBankAccount(value)
	if err != nil {
		_ = c.Finish()
		return err
	}
	var b strings.Builder
	var rows [][]bot.Button
	for i, it := range itemsOf(cl, core.FieldAccounts) {
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + it)
		rows = append(rows, bot.Row(bot.Choice("btn.edit.item_change", bot.Args{"N": i + 1}, itemChange+strconv.Itoa(i))))
	}
	rows = append(rows, bot.Row(bot.Choice("btn.fix.account_add", nil, itemAdd), bot.Choice("btn.cancel", nil, choiceCancel)))
	return c.Reply("flow."+m.name+".which.accounts", bot.Args{"Name": cl.Name(), "Quote": core.NeedsQuotes(cl.Name()),
		"Items": b.String(), "New": acc.String()}, rows...)
}

// whichInput takes the account the one typed replaces, or «➕ Добавить»;
// another account typed instead is taken as the one meant.
func (m *mode) whichInput(c *bot.Context, s string) (string, error) {
	if done, err := m.cancelled(c, s); done {
		return "", err
	}
	d := c.Conv.Data
	typed := d[keyPending]
	delete(d, keyPending)
	if v, ok := strings.CutPrefix(s, itemChange); ok {
		d[keyOp], d[keyIndex] = string(core.EditChange), v
		return m.planValue(c, d, typed)
	}
	if s == itemAdd {
		d[keyOp] = string(core.EditAdd)
		return m.planValue(c, d, typed)
	}
	d[keyOp] = m.typedOp(core.FieldAccounts)
	return m.planValue(c, d, s)
}

// askItem asks the new data of the contact or account chosen, or of the
// account to add («➕ Добавить»).
func (m *mode) askItem(c *bot.Context) error {
	_, cl, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	field := c.Conv.Data[keyField]
	if c.Conv.Data[keyOp] == string(core.EditAdd) && m.addsAccounts(field) {
		return c.Reply("flow."+m.name+".item_add."+field, bot.Args{"Name": cl.Name(), "Quote": core.NeedsQuotes(cl.Name())},
			cancelRow())
	}
	i, _ := strconv.Atoi(c.Conv.Data[keyIndex])
	var items []string
	if cl != nil {
		items = itemsOf(cl, field)
	}
	if i < 0 || i >= len(items) {
		_ = c.Finish()
		return core.Errorf(core.EINVALID, "err.edit.item_gone")
	}
	return c.Reply("flow."+m.name+".item."+field, bot.Args{"Item": items[i]}, cancelRow())
}

func (m *mode) itemInput(c *bot.Context, s string) (string, error) {
	if done, err := m.cancelled(c, s); done {
		return "", err
	}
	return m.planValue(c, c.Conv.Data, s)
}

// askReason shows old → new and asks the reason: for a correction always,
// saying whether it waits for approval; for an edit where core says the
// record needs one, or else with «Без причины».
func (m *mode) askReason(c *bot.Context) error {
	e, err := getPlan(c.Conv.Data)
	if err != nil {
		_ = c.Finish()
		return err
	}
	args := bot.Args{"Label": recordName(c, e.Entity, e.Label), "Line": cards.EditLine(c, e, false)}
	switch {
	case m.reasonRequired:
		sens := sensitive(c, e)
		args["Sensitive"] = sens
		if sens {
			if args["Roles"], err = cards.ApproverNames(c); err != nil {
				return err
			}
		}
		return c.Reply("flow."+m.name+".reason", args, cancelRow())
	case sensitive(c, e):
		// The change waits for a second approval, which is never asked
		// without a reason: that is said before the reason is asked, with
		// no «Без причины».
		if args["Roles"], err = cards.ApproverNames(c); err != nil {
			return err
		}
		args["Hint"] = m.accountHint(c, e)
		return c.Reply("flow."+m.name+".reason_approval", args, cancelRow())
	case e.NeedsReason:
		return c.Reply("flow."+m.name+".reason_required."+string(e.Entity), args, cancelRow())
	}
	return c.Reply("flow."+m.name+".reason", args,
		bot.Row(bot.Choice("btn.edit.no_reason", nil, bot.Skip), bot.Choice("btn.cancel", nil, choiceCancel)))
}

// sensitive reports whether the change will wait for approval.
func sensitive(c *bot.Context, e *core.Edit) bool {
	var cl *core.Client
	if e.Entity == core.EntityClient {
		cl, _ = c.Svc.ClientByID(c.Ctx(), c.Actor(), e.ID)
	}
	return core.NeedsApproval(e, cl)
}

func (m *mode) reasonInput(c *bot.Context, s string) (string, error) {
	if done, err := m.cancelled(c, s); done {
		return "", err
	}
	d := c.Conv.Data
	e, err := getPlan(d)
	if err != nil {
		return "", err
	}
	reason, req := s, int64(0)
	if m.requests {
		reason, req = CutRequest(s)
	}
	if bot.IsSkip(reason) {
		reason = ""
	}
	switch {
	case reason == "" && (m.reasonRequired || e.NeedsReason || sensitive(c, e)):
		return "", core.Errorf(core.EINVALID, "err."+m.name+".reason_required")
	case len([]rune(reason)) > core.MaxReasonLen:
		return "", core.Errorf(core.EINVALID, "err.edit.reason_too_long", "Max", core.MaxReasonLen)
	}
	e.Reason = reason
	if req != 0 {
		e.RequestID = req
	}
	return m.finishWith(c, func() (string, error) {
		next, err := m.afterReason(c, d, e)
		if reasonRefused(err) {
			// The record needs a reason now (the deal moved on meanwhile,
			// or the change would wait for approval now): it is asked
			// again as required.
			e.NeedsReason, e.Reason = true, ""
			if perr := putPlan(d, e); perr != nil {
				return "", perr
			}
			if serr := c.Svc.SaveConversation(c.Ctx(), c.Conv); serr != nil {
				return "", serr
			}
		}
		return next, err
	})
}

// finishWith runs the step that may write: a reason now required, or with
// retryRules any refusal by a rule (a value too long, a closed request),
// asks again; any other refusal ends the dialog and says why (changed by
// someone else, closed, a duplicate, not allowed).
func (m *mode) finishWith(c *bot.Context, fn func() (string, error)) (string, error) {
	next, err := fn()
	switch {
	case err == nil:
		return next, nil
	case core.ErrorCode(err) == core.EINVALID && (m.retryRules || reasonRefused(err)):
		return "", err
	}
	if ferr := c.Finish(); ferr != nil {
		return "", ferr
	}
	return "", err
}

// reasonRefused reports whether core refused the change for want of a
// reason: the record needs one now, or the change waits for approval,
// which is never asked without one.
func reasonRefused(err error) bool {
	key, _ := core.ErrorKey(err)
	switch key {
	case "err.edit.reason_required", "err.fix.reason_required", "err.fix.approval_reason":
		return true
	}
	return false
}
