package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// bindTeam binds the group "g-team" «Команда» as the team's work chat.
func (d *reportDesk) bindTeam() {
	d.t.Helper()
	u := &bot.Update{UserID: "admin", ChatID: "g-team", ChatType: bot.ChatGroup, ChatTitle: "Команда", Text: "/bind team"}
	u.Command, u.Args, _ = bot.ParseCommand(u.Text)
	d.want(d.send(u), "msg.bind.done", bot.Args{"Purpose": d.p.T("purpose.team", nil)})
}

// TestFixSendOnlyToWhoMaySee: the team's chat, where the managers are, is
// not offered for an export of every deal; a manager typed by name is
// refused, named, and nothing goes to them; the heads' chat still gets it.
func TestFixSendOnlyToWhoMaySee(t *testing.T) {
	d := newReportDesk(t)
	d.bindTeam()
	msgs := d.press("o", d.say("o", "/export сделки"), "Отправить…")
	if !strings.Contains(dump(msgs), "Руководители") || strings.Contains(dump(msgs), "Команда") {
		t.Fatalf("want the heads' chat offered and not the team's: %s", dump(msgs))
	}
	msgs = d.say("o", "Максим")
	containsAll(t, msgs, "Выбрано: Максим")
	msgs = d.press("o", msgs, "Отправить (1)")
	containsAll(t, msgs, d.p.T("err.delivery.cannot_see", bot.Args{"Name": "Максим"}))
	if got := d.deliver(); len(files(got["m"])) != 0 {
		t.Fatalf("the manager got the file: %s", dump(got["m"]))
	}
	// Taken out again, the heads' chat gets it.
	d.say("o", "/cancel")
	msgs = d.press("o", d.press("o", d.say("o", "/export сделки"), "Отправить…"), "чат «Руководители» (руководители)")
	containsAll(t, d.press("o", msgs, "Отправить (1)"), "«Сделки» отправлено")
	if got := d.deliver(); len(files(got["g-heads"])) == 0 {
		t.Fatalf("the heads' chat got no file: %v", got)
	}
}

// TestFixCancelByDemotedSender: a sender demoted to manager may no longer
// send their held report, but may still cancel it with its button (it was
// refused for their role before).
func TestFixCancelByDemotedSender(t *testing.T) {
	d := newReportDesk(t)
	if _, err := d.svc.CreateDeal(context.Background(), core.Actor{User: d.m, Source: "test"},
		&core.Deal{ClientID: d.client.ID, Title: "Без суммы"}); err != nil {
		t.Fatal(err)
	}
	d.deliver()
	msgs := d.press("o", d.say("o", "/export сделки"), "Отправить…")
	held := d.press("o", d.press("o", msgs, "чат «Руководители» (руководители)"), "Отправить (1)")
	if !anyButton(held, d.p.T("btn.delivery.cancel", nil)) {
		t.Fatalf("not held: %s", dump(held))
	}
	role := core.RoleManager
	if _, err := d.svc.UpdateUser(context.Background(), core.Actor{User: d.admin, Source: "test"}, d.o.ID,
		core.UserUpdate{Role: &role}, ""); err != nil {
		t.Fatal(err)
	}
	d.want(d.press("o", held, d.p.T("btn.delivery.cancel", nil)), "msg.reports.cancelled", nil)
}
