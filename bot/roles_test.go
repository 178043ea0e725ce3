package bot_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestRoleNamesInEitherLanguage: /invite and /role read a role by its code
// or its Russian or English name in any case, whatever the interface's
// language; /role takes a two-word name and the reason after it.
func TestRoleNamesInEitherLanguage(t *testing.T) {
	h := newHarness(t)
	for _, arg := range []string{"менеджер", "Менеджер", "manager", "сотрудник сопровождения"} {
		msgs := h.say("admin", "/invite "+arg)
		if got := dump(msgs); !strings.Contains(got, "/start ") {
			t.Errorf("/invite %s:%s", arg, got)
		}
	}
	h.say("admin", "/lang en")
	if got := dump(h.say("admin", "/invite юрист")); !strings.Contains(got, "“lawyer”") {
		t.Errorf("/invite юрист in English:%s", got)
	}
	h.say("admin", "/lang ru")

	u := h.addUser("m", "Максим", core.RoleManager)
	id := strconv.FormatInt(u.ID, 10)
	h.want(h.say("admin", "/role "+id+" Сотрудник сопровождения перевод в сопровождение"), "msg.role.set",
		bot.Args{"Name": "Максим", "Role": h.p.T("role.officer", nil)})
	cs := h.changes(core.EntityUser, u.ID)
	if last := cs[len(cs)-1]; last.Field != "role" || last.New != string(core.RoleOfficer) || last.Reason != "перевод в сопровождение" {
		t.Fatalf("role change = %+v", last)
	}
	h.want(h.say("admin", "/role "+id+" РУКОВОДИТЕЛЬ"), "msg.role.set",
		bot.Args{"Name": "Максим", "Role": h.p.T("role.head", nil)})
	if got := dump(h.say("admin", "/role "+id+" директор")); !strings.Contains(got, "Формат: /role") {
		t.Errorf("/role with an unknown role:%s", got)
	}
}
