package edit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// fieldKey is the locale key of a field's name, capitalized, as buttons and
// the old → new line show it.
func fieldKey(e core.Entity, field string) string { return "edit.field." + string(e) + "." + field }

// hintOf names the kind of question asked for a field's value: the
// flow.edit.value.<hint> message.
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

// line shows an edit: «Сумма: 1 500 000,00 ₽ → 2 000 000,00 ₽», or the
// contact or account added, changed or removed; done says it is saved.
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

// strs lists the items of a card's list as the audit trail shows them.
func strs[T fmt.Stringer](items []T) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, strings.TrimSpace(it.String()))
	}
	return out
}
