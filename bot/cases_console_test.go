package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// consoleChat is the console as the bot sees it: the platform "console",
// whose one chat is private and has no threads.
type consoleChat struct{ *recorder }

func (consoleChat) Platform() string { return core.PlatformConsole }

// consoleID is the console's chat and user ("console:local" is its user).
const consoleID = "local"

// onConsole sends a line typed on the console and returns everything then
// sent: the replies, and what delivering the outbox wrote.
func (d *caseDesk) onConsole(cc *consoleChat, msgID, text string) []*bot.Message {
	d.t.Helper()
	u := &bot.Update{Platform: core.PlatformConsole, UserID: consoleID, ChatID: consoleID, ChatType: bot.ChatPrivate,
		MessageID: msgID, Text: text}
	u.Command, u.Args, _ = bot.ParseCommand(text)
	d.clock.Add(time.Millisecond)
	d.bot.Handle(context.Background(), cc, u)
	out := d.rec.take()
	for {
		n, err := d.bot.DeliverDue(context.Background(), core.PlatformConsole)
		if err != nil {
			d.t.Fatal(err)
		}
		out = append(out, d.rec.take()...)
		if n == 0 {
			return out
		}
	}
}

// TestCaseOnTheConsole: the console has one chat, a private one, and no
// threads: a case opened there is kept in that chat and collects what is
// typed there while it is open, as a plain group's does. /case shows it,
// plain lines are collected silently, #решение is recorded on the card,
// /case close asks for the resolution; a dialog's answer goes to its
// dialog, and once the case is closed a plain line is no case's.
func TestCaseOnTheConsole(t *testing.T) {
	d := newCaseDesk(t)
	if err := d.svc.SeedAdmins(context.Background(), []core.Admin{{Identity: "console:local", Name: "Админ Консоли"}}); err != nil {
		t.Fatal(err)
	}
	cc := &consoleChat{recorder: d.rec}
	d.bot.AddTransport(cc)

	sent := d.onConsole(cc, "1", "/case 7707083893 Проверить директора")
	subject := "Ромашка, 7707083893/773601001"
	if !d.hasText(sent, "msg.case.opened_here", bot.Args{"ID": 1, "Topic": "Проверить директора", "Subject": subject}) {
		t.Fatalf("not opened here: %s", dump(sent))
	}
	first := d.p.T("notify.case.opened", bot.Args{"ID": 1, "Topic": "Проверить директора", "Client": "Ромашка",
		"INN": "7707083893", "By": "Админ Консоли", "People": "Максим Менеджеров, Админ Консоли", "InChat": true})
	if got := inChat(sent, consoleID); len(got) != 2 || got[1].Text != first {
		t.Fatalf("the case's first message on the console: %s\nwant %q", dump(got), first)
	}
	if cs := d.theCase(1); cs.Platform != core.PlatformConsole || cs.ChatID != consoleID || cs.Opening || cs.ThreadID != "" {
		t.Fatalf("case = %+v", cs)
	}

	sent = d.onConsole(cc, "2", "/case")
	if len(sent) != 1 || !strings.HasPrefix(sent[0].Text, "Кейс #1 «Проверить директора» — обсуждение идёт") {
		t.Fatalf("/case on the console: %s", dump(sent))
	}
	if sent := d.onConsole(cc, "3", "обычное сообщение"); len(sent) != 0 {
		t.Fatalf("a plain line answered: %s", dump(sent))
	}
	sent = d.onConsole(cc, "4", "#решение директор — Петров")
	d.want(sent, "msg.case.decision_made", bot.Args{"ID": 1, "Topic": "Проверить директора", "OnDeal": false})
	found := false
	for _, ch := range d.changes(core.EntityClient, d.client.ID) {
		found = found || ch.Field == "decision" && ch.New == "директор — Петров" && ch.Source == "console:chat/local/msg/4"
	}
	if !found {
		t.Error("the decision is not in the card's history with its message")
	}

	// A dialog's answer is the dialog's, not the case's.
	d.want(d.onConsole(cc, "5", "/case close"), "flow.case.resolution", bot.Args{"ID": "1", "Topic": "Проверить директора"})
	sent = d.onConsole(cc, "6", "Директор подтверждён")
	if told := inChat(sent, consoleID); len(told) != 1 || !strings.Contains(told[0].Text, "Итог: Директор подтверждён") {
		t.Fatalf("closing on the console: %s", dump(sent))
	}
	cs := d.theCase(1)
	ms := d.caseMessages(1)
	if cs.Status != core.CaseClosed || cs.Resolution != "Директор подтверждён" || cs.Messages != 2 || cs.Decisions != 1 ||
		len(ms) != 2 || ms[0].Text != "обычное сообщение" || ms[1].PlatformID != "4" {
		t.Fatalf("case = %+v, messages %+v", cs, ms)
	}
	// Closed, the console's lines are no case's.
	d.want(d.onConsole(cc, "7", "ещё строка"), "msg.unknown_text", nil)
	d.want(d.onConsole(cc, "8", "/case"), "msg.case.usage", nil)
	if n := len(d.caseMessages(1)); n != 2 {
		t.Fatalf("%d messages after closing", n)
	}
}
