package fix

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// fieldKey is the locale key of a field's name, capitalized, as the edit
// dialog shows it.
func fieldKey(e core.Entity, field string) string { return "edit.field." + string(e) + "." + field }

// line shows a correction as the edit dialog shows an edit: «КПП: 773601001
// → 773601002», or the contact or account added, changed or removed; done
// says it is written.
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
