package locales_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// TestRoleNamesParse: the name every language shows for a role is read
// back as that role by core, in any case and with words after it (the
// reason of /role), so that the core's table of role names and the
// locales cannot drift apart.
func TestRoleNamesParse(t *testing.T) {
	b := locales.MustLoad()
	for _, lang := range locales.Languages {
		p := b.Printer(lang, nil)
		for _, r := range core.Roles {
			name := p.T("role."+string(r), nil)
			for _, s := range []string{name, strings.ToUpper(name), " " + capital(name) + " "} {
				if got, err := core.ParseRole(s); err != nil || got != r {
					t.Errorf("%s: ParseRole(%q) = %q, %v; want %q", lang, s, got, err, r)
				}
			}
			if got, rest, err := core.CutRole(name + " переведён в отдел"); err != nil || got != r || rest != "переведён в отдел" {
				t.Errorf("%s: CutRole(%q …) = %q, %q, %v; want %q", lang, name, got, rest, err, r)
			}
		}
	}
}

// capital writes the first letter of s as a capital.
func capital(s string) string {
	r := []rune(s)
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}
