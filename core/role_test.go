package core_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestParseRole: a role is read by its code or by its Russian or English
// name, in any case, with any spacing; anything else is EINVALID.
func TestParseRole(t *testing.T) {
	for in, want := range map[string]core.Role{
		"manager": core.RoleManager, "Manager": core.RoleManager, "менеджер": core.RoleManager,
		"МЕНЕДЖЕР": core.RoleManager, " Менеджер ": core.RoleManager,
		"officer": core.RoleOfficer, "сотрудник сопровождения": core.RoleOfficer,
		"Сотрудник  Сопровождения": core.RoleOfficer, "deal support officer": core.RoleOfficer,
		"юрист": core.RoleLawyer, "lawyer": core.RoleLawyer,
		"андеррайтер": core.RoleUnderwriter, "underwriter": core.RoleUnderwriter,
		"руководитель": core.RoleHead, "head": core.RoleHead,
		"администратор": core.RoleAdmin, "admin": core.RoleAdmin, "administrator": core.RoleAdmin,
	} {
		if got, err := core.ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "директор", "сотрудник", "manager2", "менеджер юрист"} {
		_, err := core.ParseRole(in)
		checkCode(t, err, core.EINVALID, "err.role.unknown")
	}
}

// TestCutRole: the role at the start of a text, of one word or two, and
// the rest of the text after it.
func TestCutRole(t *testing.T) {
	for _, tc := range []struct {
		in, rest string
		want     core.Role
	}{
		{"менеджер", "", core.RoleManager},
		{"Менеджер перевод из отдела продаж", "перевод из отдела продаж", core.RoleManager},
		{"сотрудник сопровождения  по приказу 5", "по приказу 5", core.RoleOfficer},
		{"officer by order", "by order", core.RoleOfficer},
		{"deal support officer", "", core.RoleOfficer},
	} {
		got, rest, err := core.CutRole(tc.in)
		if err != nil || got != tc.want || rest != tc.rest {
			t.Errorf("CutRole(%q) = %q, %q, %v; want %q, %q", tc.in, got, rest, err, tc.want, tc.rest)
		}
	}
	_, _, err := core.CutRole("директор по продажам")
	checkCode(t, err, core.EINVALID, "err.role.unknown")
}
