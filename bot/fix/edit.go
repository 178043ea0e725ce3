package fix

import (
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// editMode is the quick edit, /edit <deal | INN | name> [field [value
// [причина: …]]] and the cards' «Изменить»: a deal's title, amount, dates
// and manager, a card's names, address, director, contacts, accounts and
// manager (not its INN, KPP and OGRN), with a reason where core requires
// one, written by core.ApplyEdit (a sensitive field waits for approval as
// a correction). Every role that may edit cards may edit deals; a head
// edits deals only, and core refuses them a card's edit.
var editMode = &mode{
	name: "edit", perm: core.PermEditDeals, cardPerm: core.PermEditClients,
	fields: core.EditFields, perRow: 2, cutField: core.CutEditField,
	plan: (*core.Service).PlanEdit, apply: (*core.Service).ApplyEdit, mayEdit: (*core.Service).CheckEditClient,
	after:  editAfter,
	byKind: true, contactParts: true,
}

// editDealAction is a deal card's «Изменить»: the deal's fields as buttons.
func editDealAction(c *bot.Context) error {
	d, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	return editMode.startOn(c, core.EntityDeal, d)
}

// editClientAction is a client card's «Изменить»: the card's fields as
// buttons.
func editClientAction(c *bot.Context) error {
	cl, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	return editMode.startOn(c, core.EntityClient, cl)
}

// editAfter offers what comes after an edit: another edit of the record
// and its history.
func editAfter(c *bot.Context, e *core.Edit) [][]bot.Button {
	action := core.ActionDealEdit
	if e.Entity == core.EntityClient {
		action = core.ActionClientEdit
	}
	row := []bot.Button{{LabelKey: "btn.edit.more", Action: action, Payload: id(e.ID)}}
	if ref := recordRef(c, e.Entity, e.ID); ref != "" && c.User.Can(core.PermHistory) {
		row = append(row, bot.Button{LabelKey: "btn.history", Action: core.ActionHistoryShow, Payload: ref})
	}
	return [][]bot.Button{row}
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

// askPart asks again the phone or e-mail of a contact that was refused,
// showing the rest as typed, which is kept: a new one, or «-» to save the
// contact without it.
func (m *mode) askPart(c *bot.Context) error {
	d := c.Conv.Data
	part := d[keyPart]
	return c.Reply("flow."+m.name+".contact_part."+part, bot.Args{"Draft": d[keyDraft]},
		bot.Row(bot.Choice("btn.edit.without."+part, nil, bot.Skip), bot.Choice("btn.cancel", nil, choiceCancel)))
}

// partInput takes the phone or e-mail asked again and plans the contact
// with the rest kept; «-» plans it without that part; a whole contact
// typed again (with «;» or on several lines) replaces what was typed.
func (m *mode) partInput(c *bot.Context, s string) (string, error) {
	if done, err := m.cancelled(c, s); done {
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
	delete(d, keyDraft)
	delete(d, keyPart)
	delete(d, keyReason)
	return m.planParts(c, d, value, value, reason)
}
