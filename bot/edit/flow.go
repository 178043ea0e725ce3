package edit

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
)

// editFlow is the edit dialog: the card (when a name matched several), the
// field, the value (or, in a list, the item to change or remove), the
// reason; then it saves.
func editFlow() *bot.Flow {
	return &bot.Flow{Name: "edit", First: "start", Perm: core.PermEditDeals, Steps: map[string]*bot.Step{
		"start":  {Prompt: start, Input: func(c *bot.Context, _ string) (string, error) { return advance(c, c.Conv.Data) }},
		"pick":   {Prompt: askPick, Input: pickInput},
		"field":  {Prompt: askField, Input: fieldInput},
		"value":  {Prompt: askValue, Input: valueInput},
		"item":   {Prompt: askItem, Input: itemInput},
		"part":   {Prompt: askPart, Input: partInput},
		"reason": {Prompt: askReason, Input: reasonInput},
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

// cancelRow is the row with «Отмена».
func cancelRow() []bot.Button { return bot.Row(bot.Choice("btn.cancel", nil, choiceCancel)) }

// cancelled ends the dialog when «Отмена» (or a word for it) is the answer.
func cancelled(c *bot.Context, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case choiceCancel, "нет", "отмена", "cancel":
		if err := c.Finish(); err != nil {
			return true, err
		}
		return true, c.Reply("msg.edit.cancelled", nil)
	}
	return false, nil
}

// askPick offers the cards a name fragment matched.
func askPick(c *bot.Context) error {
	var rows [][]bot.Button
	for _, s := range strings.Split(c.Conv.Data[keyCandidates], ",") {
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), parseID(s))
		if err != nil {
			continue
		}
		rows = append(rows, bot.Row(bot.Choice("btn.client.pick", cards.ClientChoiceArgs(cl), "id:"+s)))
	}
	return c.Reply("flow.edit.pick", nil, append(rows, cancelRow())...)
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
	if err := checkCard(c, c.Conv.Data); err != nil {
		// A card the user may not edit: the edit ends, saying whose it is.
		if ferr := c.Finish(); ferr != nil {
			return "", ferr
		}
		return "", err
	}
	return advance(c, c.Conv.Data)
}

// askField offers the record's fields as buttons; a field with its value
// may be typed at once («сумма 2 000 000»).
func askField(c *bot.Context) error {
	entity := core.Entity(c.Conv.Data[keyEntity])
	label, err := recordLabel(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	var rows [][]bot.Button
	var row []bot.Button
	for _, f := range core.EditFields[entity] {
		row = append(row, bot.Choice(fieldKey(entity, f), nil, f))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return c.Reply("flow.edit.field."+string(entity), bot.Args{"Label": label}, append(rows, cancelRow())...)
}

func fieldInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	c.Conv.Data[keyRest] = s
	delete(c.Conv.Data, keyField)
	return advance(c, c.Conv.Data)
}

// askValue asks the new value, showing the current one: the people who
// may be given deals as buttons for a manager; for contacts and accounts,
// each one with buttons to change or remove it, and a new one is typed.
func askValue(c *bot.Context) error {
	d := c.Conv.Data
	entity, field := core.Entity(d[keyEntity]), d[keyField]
	delete(d, keyOp)
	delete(d, keyIndex)
	deal, client, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	args := bot.Args{"Field": c.T(fieldKey(entity, field), nil)}
	var rows [][]bot.Button
	switch field {
	case core.FieldContacts:
		return askItems(c, client.Name(), field, strs(client.Contacts))
	case core.FieldAccounts:
		return askItems(c, client.Name(), field, strs(client.Accounts))
	case core.FieldManager:
		us, err := c.Svc.EditManagers(c.Ctx(), c.Actor())
		if err != nil {
			return err
		}
		for _, u := range us {
			if len(rows) < 10 {
				rows = append(rows, bot.Row(bot.Choice("btn.user", bot.Args{"Name": u.Name, "Role": c.Role(u.Role)},
					"id:"+id(u.ID))))
			}
		}
	}
	if deal != nil {
		args["Label"], args["Current"] = deal.Number+" "+core.QuoteName(deal.Title), show(c, field, core.DealEditValue(deal, field))
	} else {
		args["Label"], args["Current"] = client.Name(), show(c, field, core.ClientEditValue(client, field))
	}
	return c.Reply("flow.edit.value."+hintOf(entity, field), args, append(rows, cancelRow())...)
}

// askItems shows a card's contacts or accounts, numbered, with a button to
// change (contacts) or remove each; a new one is typed.
func askItems(c *bot.Context, name, field string, items []string) error {
	var b strings.Builder
	var rows [][]bot.Button
	for i, it := range items {
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + it)
		n := bot.Args{"N": i + 1}
		var row []bot.Button
		if field == core.FieldContacts {
			row = append(row, bot.Choice("btn.edit.item_change", n, itemChange+strconv.Itoa(i)))
		}
		rows = append(rows, append(row, bot.Choice("btn.edit.item_remove", n, itemRemove+strconv.Itoa(i))))
	}
	return c.Reply("flow.edit.items."+field, bot.Args{"Name": name, "Card": core.QuoteName(name), "Items": b.String(),
		"Count": len(items)},
		append(rows, cancelRow())...)
}

func valueInput(c *bot.Context, s string) (string, error) {
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
	if d[keyField] == core.FieldContacts || d[keyField] == core.FieldAccounts {
		d[keyOp] = string(core.EditAdd)
	}
	return plan(c, d, s)
}

// askItem asks the new data of the contact chosen.
func askItem(c *bot.Context) error {
	_, client, err := record(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	i, _ := strconv.Atoi(c.Conv.Data[keyIndex])
	if client == nil || i < 0 || i >= len(client.Contacts) {
		_ = c.Finish()
		return core.Errorf(core.EINVALID, "err.edit.item_gone")
	}
	return c.Reply("flow.edit.item", bot.Args{"Contact": client.Contacts[i].String()}, cancelRow())
}

func itemInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	return plan(c, c.Conv.Data, s)
}

// askPart asks again the phone or e-mail of a contact that was refused,
// showing the rest as typed, which is kept: a new one, or «-» to save the
// contact without it.
func askPart(c *bot.Context) error {
	d := c.Conv.Data
	part := d[keyPart]
	return c.Reply("flow.edit.contact_part."+part, bot.Args{"Draft": d[keyDraft]},
		bot.Row(bot.Choice("btn.edit.without."+part, nil, bot.Skip), bot.Choice("btn.cancel", nil, choiceCancel)))
}

// partInput takes the phone or e-mail asked again and plans the contact
// with the rest kept; «-» plans it without that part; a whole contact
// typed again (with «;» or on several lines) replaces what was typed.
func partInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	d := c.Conv.Data
	value, reason, withReason := bot.CutReason(s)
	switch {
	case bot.IsSkip(value) || core.IsClear(value):
		value = d[keyDraft]
	case strings.ContainsAny(value, ";\n"):
	default:
		value = d[keyDraft] + "; " + value
	}
	if !withReason {
		reason = d[keyReason]
	}
	if reason != "" {
		value += " причина: " + reason
	}
	delete(d, keyDraft)
	delete(d, keyPart)
	delete(d, keyReason)
	return plan(c, d, value)
}

// askReason shows old → new and asks the reason: with «Без причины» where
// it may be left out.
func askReason(c *bot.Context) error {
	e, err := getPlan(c.Conv.Data)
	if err != nil {
		_ = c.Finish()
		return err
	}
	args := bot.Args{"Label": e.Label, "Line": line(c, e, false)}
	if e.NeedsReason {
		return c.Reply("flow.edit.reason_required."+string(e.Entity), args, cancelRow())
	}
	return c.Reply("flow.edit.reason", args,
		bot.Row(bot.Choice("btn.edit.no_reason", nil, bot.Skip), bot.Choice("btn.cancel", nil, choiceCancel)))
}

func reasonInput(c *bot.Context, s string) (string, error) {
	if done, err := cancelled(c, s); done {
		return "", err
	}
	e, err := getPlan(c.Conv.Data)
	if err != nil {
		return "", err
	}
	if bot.IsSkip(s) {
		s = ""
	}
	if s == "" && e.NeedsReason {
		return "", core.Errorf(core.EINVALID, "err.edit.reason_required")
	}
	e.Reason = s
	err = save(c, e)
	switch key, _ := core.ErrorKey(err); {
	case err == nil:
		return "", nil
	case key == "err.edit.reason_required":
		// The record needs a reason now (the deal moved on meanwhile).
		e.NeedsReason, e.Reason = true, ""
		if perr := putPlan(c.Conv.Data, e); perr != nil {
			return "", perr
		}
		if serr := c.Svc.SaveConversation(c.Ctx(), c.Conv); serr != nil {
			return "", serr
		}
		return "", err
	case core.ErrorCode(err) == core.EINVALID && key == "err.edit.reason_too_long":
		return "", err
	}
	// Refused for good (changed by someone else, closed, not allowed): the
	// dialog ends and says why.
	if ferr := c.Finish(); ferr != nil {
		return "", ferr
	}
	return "", err
}

// record loads the deal or card being edited.
func record(c *bot.Context) (*core.Deal, *core.Client, error) {
	rid := parseID(c.Conv.Data[keyID])
	if core.Entity(c.Conv.Data[keyEntity]) == core.EntityDeal {
		d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), rid)
		return d, nil, err
	}
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), rid)
	return nil, cl, err
}

// recordLabel names the record being edited.
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
