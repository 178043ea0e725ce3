package bot_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestHelpShowsOnlyTheVariantsTheRoleMay: a manager's /help shows /deals
// without «all», and `/deals all` answers that the role may not; a head's
// shows it. A lawyer's shows /deal without «new».
func TestHelpShowsOnlyTheVariantsTheRoleMay(t *testing.T) {
	h := newHarness(t)
	h.addUser("m", "Менеджер", core.RoleManager)
	h.addUser("hd", "Руководитель", core.RoleHead)
	full := h.p.T("cmd.deals.usage", nil) + " — " + h.p.T("cmd.deals.desc", nil)
	basic := h.p.T("cmd.deals.basic.usage", nil) + " — " + h.p.T("cmd.deals.basic.desc", nil)
	if text := h.say("m", "/help")[0].Text; strings.Contains(text, full) || !strings.Contains(text, basic) {
		t.Errorf("manager help, want %q and not %q:\n%s", basic, full, text)
	}
	if text := h.say("hd", "/help")[0].Text; !strings.Contains(text, full) {
		t.Errorf("head help lacks %q:\n%s", full, text)
	}
	h.want(h.say("m", "/deals all"), "err.forbidden", nil)
	h.want(h.say("m", "/deals ALL"), "err.forbidden", nil)
	h.want(h.say("m", "/deals"), "msg.deals.none", nil)
	h.want(h.say("hd", "/deals all"), "msg.deals.none", nil)

	// A lawyer sees every deal but opens none: /deal without «new».
	h.addUser("l", "Юрист", core.RoleLawyer)
	text := h.say("l", "/help")[0].Text
	if basic := h.p.T("cmd.deal.basic.usage", nil) + " — "; !strings.Contains(text, basic) ||
		strings.Contains(text, h.p.T("cmd.deal.usage", nil)) || !strings.Contains(text, full) {
		t.Errorf("lawyer help, want %q and %q, not %q:\n%s", basic, full, h.p.T("cmd.deal.usage", nil), text)
	}
	h.want(h.say("l", "/deal new"), "err.forbidden", nil)
	h.want(h.say("l", "/deal новая"), "err.forbidden", nil)
}
