package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestInviteInGroupIsSentPrivately: /invite in a group answers there only
// that the code went to the admin privately; the code comes through the
// outbox to the admin's own chat, and nobody in the group sees it.
func TestInviteInGroupIsSentPrivately(t *testing.T) {
	h := newHarness(t)
	msgs := h.send(&bot.Update{UserID: "admin", ChatID: "-100", ChatType: bot.ChatGroup, ChatTitle: "Отдел",
		Text: "/invite admin", Command: "invite", Args: "admin"})
	h.want(msgs, "msg.invite.sent_privately", bot.Args{"Role": h.p.T("role.admin", nil)})
	if _, err := h.bot.DeliverDue(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	var code string
	for _, m := range append(msgs, h.rec.take()...) {
		if m.ChatID == "-100" {
			if strings.Contains(m.Text, "/start ") {
				t.Fatalf("the group was shown a code: %q", m.Text)
			}
			continue
		}
		if m.ChatID == "admin" && strings.Contains(m.Text, "/start ") {
			code = strings.Fields(strings.SplitN(m.Text, "/start ", 2)[1])[0]
		}
	}
	if code == "" {
		t.Fatal("no code in the admin's private chat")
	}
	if n := len(core.NormalizeInviteCode(code)); n < 20 {
		t.Fatalf("code %q has %d symbols of 32, less than 96 bits", code, n)
	}
	msgs = h.send(&bot.Update{UserID: "42", UserName: "Мария", Text: "/start " + code, Command: "start", Args: code})
	h.want(inChat(msgs, "42")[:1], "msg.start.registered", bot.Args{"Name": "Мария", "Role": h.p.T("role.admin", nil)})

	// In a private chat the code is answered directly.
	msgs = h.say("admin", "/invite manager")
	if len(msgs) == 0 {
		t.Fatal("no answer to a private /invite")
	}
	if last := msgs[len(msgs)-1]; last.ChatID != "admin" || !strings.Contains(last.Text, "/start ") {
		t.Fatalf("private /invite = %s", dump(msgs))
	}
}

// TestWrongInviteCodesAreLimitedInStore: five wrong codes in an hour, then
// the identity is refused with a localized message, the right code too and
// after a restart, until the hour has passed.
func TestWrongInviteCodesAreLimitedInStore(t *testing.T) {
	h := newHarness(t)
	inv, err := h.svc.CreateInvite(context.Background(), core.Actor{User: h.admin}, core.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	start := func(code string) []*bot.Message {
		return h.send(&bot.Update{UserID: "666", UserName: "Мэллори", Text: "/start " + code, Command: "start", Args: code})
	}
	var first time.Time
	for i := range core.MaxInviteFailures {
		h.want(start("guess"+string(rune('a'+i))), "err.invite.invalid", nil)
		if i == 0 {
			first = h.clock.Now()
		}
	}
	until := bot.Args{"Until": first.Add(core.InviteFailureWindow)}
	h.want(start(inv.Code), "err.invite.too_many", until)
	h.restart()
	h.want(start(inv.Code), "err.invite.too_many", until)

	h.clock.Add(core.InviteFailureWindow)
	h.want(inChat(start(inv.Code), "666")[:1], "msg.start.registered", bot.Args{"Name": "Мэллори", "Role": h.p.T("role.admin", nil)})
}

// inChat returns the messages sent to a chat, in order: a reply there may
// be followed by a notice (a new admin is told who joined, themselves too).
func inChat(msgs []*bot.Message, chatID string) []*bot.Message {
	var out []*bot.Message
	for _, m := range msgs {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}
