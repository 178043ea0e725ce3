package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// slash sends a command as Mattermost's /crm brings it: from a channel, in
// a user's name that nothing proves.
func (h *harness) slash(userID, line string) []*bot.Message {
	h.t.Helper()
	u := &bot.Update{UserID: userID, ChatID: "-100", ChatType: bot.ChatGroup, ChatTitle: "Отдел", ThreadID: "root",
		Text: "/" + line, CommandPrefix: "/crm ", Unverified: true}
	u.Command, u.Args, _ = bot.ParseCommand(u.Text)
	return h.send(u)
}

// delivered delivers what is due and returns what was sent to a chat.
func (h *harness) delivered(chatID string) []*bot.Message {
	h.t.Helper()
	if _, err := h.bot.DeliverDue(context.Background(), "test"); err != nil {
		h.t.Fatal(err)
	}
	return inChat(h.rec.take(), chatID)
}

// confirmation returns the confirmation the user got in their direct chat.
func (h *harness) confirmation(userID string) []*bot.Message {
	h.t.Helper()
	msgs := h.delivered(userID)
	if len(msgs) != 1 || !msgs[0].Direct || len(msgs[0].Buttons) != 1 || msgs[0].Buttons[0][0].Label != "Подтвердить" {
		h.t.Fatalf("no confirmation in the direct chat: %s", dump(msgs))
	}
	return msgs
}

func roleChanges(h *harness, id int64) int {
	n := 0
	for _, c := range h.changes(core.EntityUser, id) {
		if c.Field == "role" {
			n++
		}
	}
	return n
}

// TestUnverifiedRoleWaitsForConfirmation: /crm role changes nothing until
// the admin confirms it in their direct chat; another user's press of the
// confirmation is refused; the confirmed command answers in the channel and
// thread it came from, and the button works once.
func TestUnverifiedRoleWaitsForConfirmation(t *testing.T) {
	h := newHarness(t)
	m := h.addUser("m", "Менеджер", core.RoleManager)
	before := roleChanges(h, m.ID)
	id := strconv.FormatInt(m.ID, 10)

	h.want(h.slash("admin", "role "+id+" admin"), "msg.confirm.sent", nil)
	if u := h.user("test:m"); u.Role != core.RoleManager {
		t.Fatalf("an unverified /role changed the role to %s", u.Role)
	}
	ask := h.confirmation("admin")
	if text := ask[0].Text; !strings.Contains(text, "/crm role "+id+" admin") || !strings.Contains(text, "«Отдел»") {
		t.Fatalf("the confirmation does not show the command and its chat: %q", text)
	}

	// The manager cannot confirm it for the admin, though they hold the button.
	h.want(h.press("m", ask, "Подтвердить"), "err.button.not_yours", nil)
	if u := h.user("test:m"); u.Role != core.RoleManager {
		t.Fatalf("another user's press made the role %s", u.Role)
	}

	h.press("admin", ask, "Подтвердить")
	if got := h.rec.cleared; len(got) == 0 {
		t.Fatal("the confirmation kept its button")
	}
	got := h.delivered("-100")
	h.want(got, "msg.role.set", bot.Args{"Name": "Менеджер", "Role": h.p.T("role.admin", nil)})
	if got[0].ThreadID != "root" {
		t.Fatalf("the answer went to thread %q, not the command's", got[0].ThreadID)
	}
	if u := h.user("test:m"); u.Role != core.RoleAdmin {
		t.Fatalf("the confirmed /role left the role %s", u.Role)
	}
	if cs := h.changes(core.EntityUser, m.ID); !strings.HasPrefix(cs[len(cs)-1].Source, "test:chat/-100") {
		t.Fatalf("the change's source is %q, not the channel", cs[len(cs)-1].Source)
	}

	h.want(h.press("admin", ask, "Подтвердить"), "err.button.used", nil)
	if n := roleChanges(h, m.ID) - before; n != 1 {
		t.Fatalf("the role changed %d times, want once", n)
	}
	if got := h.delivered("-100"); len(got) != 0 {
		t.Fatalf("a second press answered in the channel: %s", dump(got))
	}
}

// TestUnverifiedInviteWaitsForConfirmation: /crm invite issues no code until
// confirmed; then it runs as a group's /invite does.
func TestUnverifiedInviteWaitsForConfirmation(t *testing.T) {
	h := newHarness(t)
	h.want(h.slash("admin", "invite manager"), "msg.confirm.sent", nil)
	ask := h.confirmation("admin")
	if strings.Contains(ask[0].Text, "/start ") {
		t.Fatalf("a code was issued before the confirmation: %q", ask[0].Text)
	}
	private := h.press("admin", ask, "Подтвердить") // delivers what is due in the direct chat
	channel := h.delivered("-100")
	h.want(channel, "msg.invite.sent_privately", bot.Args{"Role": h.p.T("role.manager", nil)})
	var code bool
	for _, m := range private {
		code = code || m.ChatID == "admin" && strings.Contains(m.Text, "/start ")
	}
	if !code || strings.Contains(dump(channel), "/start ") {
		t.Fatalf("the code is not in the admin's direct chat alone:%s\nchannel:%s", dump(private), dump(channel))
	}
}

// TestUnverifiedCommandsThatOnlyShowRunAtOnce: views and commands that need
// no permission are not held; a command the role may not run is refused
// outright, with nothing sent to the direct chat; a confirmation pressed
// outside a private chat, or too late, does nothing.
func TestUnverifiedCommandsThatOnlyShowRunAtOnce(t *testing.T) {
	h := newHarness(t)
	h.addUser("m", "Менеджер", core.RoleManager)
	if got := h.slash("m", "help"); len(got) != 1 || !strings.Contains(got[0].Text, "/crm deals") {
		t.Fatalf("/crm help = %s", dump(got))
	}
	h.want(h.slash("m", "deals"), "msg.deals.none", nil)
	h.want(h.slash("m", "role 1 manager"), "err.forbidden", nil)
	if got := h.delivered("m"); len(got) != 0 {
		t.Fatalf("a refused command sent a confirmation: %s", dump(got))
	}

	h.slash("admin", "bind officers")
	ask := h.confirmation("admin")
	tok := ask[0].Buttons[0][0].Token
	h.want(h.send(&bot.Update{UserID: "admin", ChatID: "-200", ChatType: bot.ChatGroup, Token: tok}),
		"err.button.not_yours", nil)
	h.slash("admin", "bind officers")
	ask = h.confirmation("admin")
	h.clock.Add(16 * time.Minute)
	h.want(h.press("admin", ask, "Подтвердить"), "err.button.expired", nil)
	if got := h.delivered("-100"); len(got) != 0 {
		t.Fatalf("a refused confirmation answered in the channel: %s", dump(got))
	}
	if c, err := h.svc.WorkChat(context.Background(), "test", "-100"); !core.IsNotFound(err) {
		t.Fatalf("work chat = %+v, %v; want none bound", c, err)
	}
}

// An invite code cannot be redeemed through /crm: the request names its
// user but cannot prove it, so the code could join someone else's account.
func TestUnverifiedStartIsRefused(t *testing.T) {
	h := newHarness(t)
	inv, err := h.svc.CreateInvite(context.Background(), core.Actor{User: h.admin}, core.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	msgs := h.send(&bot.Update{UserID: "victim", ChatID: "-1", ChatType: bot.ChatGroup, Unverified: true,
		Text: "/start " + inv.Code, Command: "start", Args: inv.Code})
	h.want(msgs, "msg.start.direct_only", nil)
	if _, err := h.svc.Authenticate(context.Background(), "test:victim"); !core.IsNotFound(err) {
		t.Fatalf("the unverified /start registered a user: %v", err)
	}
}

// A personal notice's button works in the user's direct chat even where
// that chat's id is not the user's (Mattermost's direct channels).
func TestPersonalButtonWorksInADirectChatOfItsOwn(t *testing.T) {
	h := newHarness(t)
	btn := core.NewButton(core.ActionTaskDone, "1", h.admin.ID, core.ChatKey("test", "admin"), h.clock.Now(), core.ButtonTTL)
	if err := h.svc.FinishUpdate(context.Background(), core.Outcome{Buttons: []*core.Button{btn}}); err != nil {
		t.Fatal(err)
	}
	msgs := h.send(&bot.Update{UserID: "admin", ChatID: "dm-channel", ChatType: bot.ChatPrivate, Token: btn.Token, CallbackID: "x"})
	if len(msgs) == 0 || msgs[len(msgs)-1].Text == h.p.T("err.button.not_yours", nil) {
		t.Fatalf("the personal button was refused in the direct chat: %s", dump(msgs))
	}
	// In a group it is still not in its place.
	msgs = h.send(&bot.Update{UserID: "admin", ChatID: "-1", ChatType: bot.ChatGroup, Token: btn.Token, CallbackID: "y"})
	h.want(msgs, "err.button.not_yours", nil)
}
