package bot_test

import (
	"slices"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestCards_WorkButtons (issue 11): client and deal cards offer a request
// (обращение), a correction and a case discussion as the role allows: an
// officer all three; a lawyer no correction; a closed deal no correction.
func TestCards_WorkButtons(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	h.addUser("o", "Ольга", core.RoleOfficer)
	h.addUser("l", "Лев", core.RoleLawyer)
	for _, tc := range []struct {
		user       string
		want, lack []string
	}{
		{"o", []string{"Обращение", "Корректировка", "Обсудить"}, nil},
		{"l", []string{"Обращение", "Обсудить"}, []string{"Корректировка"}},
	} {
		got := labels(h.say(tc.user, "/client 7707083893"))
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s's client card lacks %q: %q", tc.user, w, got)
			}
		}
		for _, l := range tc.lack {
			if slices.Contains(got, l) {
				t.Errorf("%s's client card offers %q: %q", tc.user, l, got)
			}
		}
	}
	h.addUser("m", "Максим", core.RoleManager)
	h.press("m", h.say("m", "/deal new 7707083893 Лизинг 100 000"), "Создать")
	msgs := h.say("o", "/deal D-2026-0001")
	if got := labels(msgs); !slices.Contains(got, "Корректировка") || !slices.Contains(got, "Обращение") {
		t.Fatalf("an open deal's card offers an officer %q", got)
	}
}
