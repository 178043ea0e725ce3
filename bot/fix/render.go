package fix

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// fieldKey is the locale key of a field's name, capitalized, as buttons and
// the old → new line show it.
func fieldKey(e core.Entity, field string) string { return "edit.field." + string(e) + "." + field }

// hintOf names the kind of question asked for a field's value by kind
// (mode.byKind): the flow.<name>.value.<hint> message.
func hintOf(e core.Entity, field string) string {
	switch field {
	case core.FieldAmount:
		return "amount"
	case core.FieldSigningDue, core.FieldPaymentDue, core.FieldContractEnd:
		return "date"
	case core.FieldManager:
		return "manager"
	case core.FieldTitle, core.FieldShortName:
		return "text"
	}
	return "optional_text" // a card's full name, address, director: «-» clears them
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

// listField reports whether the field is a card's list: its contacts or
// accounts, whose items are added, changed or removed.
func listField(f string) bool { return f == core.FieldContacts || f == core.FieldAccounts }

// line shows a change: «Сумма: 1 500 000,00 ₽ → 2 000 000,00 ₽», «КПП:
// 773601001 → 773601002», or the contact or account added, changed or
// removed; done says it is written.
func line(c *bot.Context, e *core.Edit, done bool) string {
	args := bot.Args{"Field": c.T(fieldKey(e.Entity, e.Field), nil), "Old": show(c, e.Field, e.Old),
		"New": show(c, e.Field, e.New), "Done": done, "Default": e.Defaulted && e.New != ""}
	if e.Op == core.EditSet || e.Op == "" {
		return c.T("msg.edit.line", args)
	}
	return c.T("msg.edit.line."+e.Field+"."+string(e.Op), args)
}

// show renders a value as the audit trail keeps it in the user's words.
func show(c *bot.Context, field, v string) string {
	if v == "" {
		return "—"
	}
	switch core.EditValueKind(field) {
	case "money":
		n, _ := strconv.ParseInt(v, 10, 64)
		return c.P.Money(n)
	case "date":
		return c.P.DateTime(v)
	case "user":
		uid, _ := strconv.ParseInt(v, 10, 64)
		if uid == 0 {
			return "—"
		}
		if u, err := c.Svc.UserByID(c.Ctx(), uid); err == nil {
			return u.Name
		}
		return "#" + v
	}
	return v
}

// itemsOf lists a card's contacts or accounts as the audit trail shows
// them.
func itemsOf(cl *core.Client, field string) []string {
	var out []string
	if field == core.FieldContacts {
		for _, ct := range cl.Contacts {
			out = append(out, strings.TrimSpace(ct.String()))
		}
		return out
	}
	for _, a := range cl.Accounts {
		out = append(out, strings.TrimSpace(a.String()))
	}
	return out
}
