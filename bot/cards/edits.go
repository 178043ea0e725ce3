package cards

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// FieldKey is the locale key of a field's name, capitalized, as buttons and
// the old → new line show it.
func FieldKey(e core.Entity, field string) string { return "edit.field." + string(e) + "." + field }

// EditLine shows a change: «Сумма: 1 500 000,00 ₽ → 2 000 000,00 ₽», «КПП:
// 773601001 → 773601002», or the contact or account added, changed or
// removed; done says it is written.
func EditLine(c *bot.Context, e *core.Edit, done bool) string {
	args := bot.Args{"Field": c.T(FieldKey(e.Entity, e.Field), nil), "Old": EditValue(c, e.Field, e.Old),
		"New": EditValue(c, e.Field, e.New), "Done": done, "Default": e.Defaulted && e.New != ""}
	if e.Op == core.EditSet || e.Op == "" {
		return c.T("msg.edit.line", args)
	}
	return c.T("msg.edit.line."+e.Field+"."+string(e.Op), args)
}

// EditValue renders a value as the audit trail keeps it in the user's words.
func EditValue(c *bot.Context, field, v string) string {
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

// ApproverNames names the roles that approve corrections in the user's
// language.
func ApproverNames(c *bot.Context) (string, error) {
	roles, err := c.Svc.Approvers(c.Ctx())
	if err != nil {
		return "", err
	}
	return JoinRoles(c, roles), nil
}

// JoinRoles names roles in the user's language, joined by «или».
func JoinRoles(c *bot.Context, roles []core.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = c.Role(r)
	}
	return strings.Join(names, c.T("msg.edit.or", nil))
}
