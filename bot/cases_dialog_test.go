package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestCaseTalkWhileADialogWaits: in a chat that keeps a case (a plain
// group), a dialog of one of its people does not swallow the case. A
// message that starts with #решение or #задача goes to the case and the
// dialog goes on waiting; any other message of theirs is the dialog's
// answer, and is collected into the case as talk, its tags not acted on;
// the others' talk is collected as ever; a stranger's is recorded nowhere.
func TestCaseTalkWhileADialogWaits(t *testing.T) {
	d := newCaseDesk(t)
	d.group("off", "1", "/case "+d.deal.Number+" Сумма сделки")
	d.want(d.group("off", "2", "/case close"), "flow.case.resolution", bot.Args{"ID": "1", "Topic": "Сумма сделки"})

	sent := d.group("off", "3", "#решение сумму не меняем")
	if !d.hasText(sent, "msg.case.decision_made", bot.Args{"ID": 1, "Topic": "Сумма сделки", "OnDeal": true}) ||
		strings.Contains(dump(sent), d.p.T("flow.case.resolution", bot.Args{"ID": "1", "Topic": "Сумма сделки"})) {
		t.Fatalf("#решение while a dialog waits: %s", dump(sent))
	}
	if got := d.theCase(1); got.Status != core.CaseOpen || got.Decisions != 1 {
		t.Fatalf("after #решение the case = %+v", got)
	}
	sent = d.group("off", "4", "#Задача @мне 05.12 позвонить клиенту")
	if len(sent) != 1 || !strings.HasPrefix(sent[0].Text, "Задача #1 «позвонить клиенту» поставлена") {
		t.Fatalf("#задача while a dialog waits: %s", dump(sent))
	}
	if sent := d.group("mgr", "5", "я бы подождал"); len(sent) != 0 {
		t.Fatalf("another's talk answered: %s", dump(sent))
	}
	if sent := d.group("stranger", "6", "#решение отдать даром"); len(sent) != 0 {
		t.Fatalf("a stranger answered: %s", dump(sent))
	}

	// The dialog is still there: the next plain message is its answer,
	// and the case keeps it as talk, its tag not a second decision.
	resolution := "Оставляем как есть, #решение выше"
	sent = d.group("off", "7", resolution)
	d.want(sent, "notify.case.closed", bot.Args{"ID": 1, "Topic": "Сумма сделки", "By": "Ирина Сопровождение",
		"Resolution": resolution, "Decisions": 1, "Tasks": 1})
	got := d.theCase(1)
	if got.Status != core.CaseClosed || got.Resolution != resolution || got.Decisions != 1 || len(got.Tasks) != 1 {
		t.Fatalf("closed case = %+v", got)
	}
	ms := d.caseMessages(1)
	if len(ms) != 4 || ms[0].PlatformID != "3" || !ms[0].Decision || ms[1].TaskID == 0 || ms[2].UserID != d.manager.ID ||
		ms[3].Text != resolution || ms[3].Decision || ms[3].TaskID != 0 {
		t.Fatalf("messages = %+v", ms)
	}
	decisions := 0
	for _, ch := range d.changes(core.EntityDeal, d.deal.ID) {
		if ch.Field == "decision" {
			decisions++
		}
	}
	if decisions != 1 {
		t.Errorf("%d decisions in the deal's history, want 1", decisions)
	}
}

// TestCaseFileWhileADialogWaitsForWords: a file sent in a case's chat to a
// dialog whose step takes words only is no answer: the case collects it,
// nobody is told to send it again, and the dialog goes on waiting.
func TestCaseFileWhileADialogWaitsForWords(t *testing.T) {
	d := newCaseDesk(t)
	d.group("off", "1", "/case "+d.deal.Number+" Протокол")
	d.group("off", "2", "/case close")
	fc := newFileChat(d.rec)
	in := fc.put("протокол.pdf", []byte("%PDF-1.7 протокол"))
	u := &bot.Update{UserID: "off", ChatID: caseChat, ChatType: bot.ChatGroup, MessageID: "3", Text: "протокол",
		Files: []bot.IncomingFile{in}}
	if sent := d.through(fc, u); len(sent) != 0 {
		t.Fatalf("a file in the case's chat answered: %s", dump(sent))
	}
	ms := d.caseMessages(1)
	if len(ms) != 1 || len(ms[0].Files) != 1 || ms[0].Files[0].Name != "протокол.pdf" {
		t.Fatalf("messages = %+v", ms)
	}
	d.want(d.group("off", "4", "Протокол подписан"), "notify.case.closed", bot.Args{"ID": 1, "Topic": "Протокол",
		"By": "Ирина Сопровождение", "Resolution": "Протокол подписан", "Decisions": 0, "Tasks": 0})
}

// TestCaseTagWithoutACaseIsTheDialogs: where no case is kept (the
// officer's private chat), a message starting with a tag is the dialog's
// answer as any other.
func TestCaseTagWithoutACaseIsTheDialogs(t *testing.T) {
	d := newCaseDesk(t)
	d.group("off", "1", "/case "+d.deal.Number+" Протокол")
	d.want(d.say("off", "/case close 1"), "flow.case.resolution", bot.Args{"ID": "1", "Topic": "Протокол"})
	d.want(d.say("off", "#решение ждём клиента"), "msg.case.closed", bot.Args{"ID": 1, "Topic": "Протокол"})
	if cs := d.theCase(1); cs.Status != core.CaseClosed || cs.Resolution != "#решение ждём клиента" || cs.Decisions != 0 ||
		cs.Messages != 0 {
		t.Fatalf("case = %+v", cs)
	}
}

// TestCaseOnTheConsoleWhileADialogWaits: the console's chat keeps a case
// too; #решение typed while a dialog waits goes to the case, and the
// dialog's answer is its alone (the console is one person's talk with the
// bot: there is no one else to hear it).
func TestCaseOnTheConsoleWhileADialogWaits(t *testing.T) {
	d := newCaseDesk(t)
	if err := d.svc.SeedAdmins(context.Background(), []core.Admin{{Identity: "console:local", Name: "Админ Консоли"}}); err != nil {
		t.Fatal(err)
	}
	cc := &consoleChat{recorder: d.rec}
	d.bot.AddTransport(cc)
	d.onConsole(cc, "1", "/case 7707083893 Проверить директора")
	d.want(d.onConsole(cc, "2", "/case close"), "flow.case.resolution", bot.Args{"ID": "1", "Topic": "Проверить директора"})
	d.want(d.onConsole(cc, "3", "#решение директор — Петров"), "msg.case.decision_made",
		bot.Args{"ID": 1, "Topic": "Проверить директора", "OnDeal": false})
	sent := d.onConsole(cc, "4", "Директор подтверждён")
	if !strings.Contains(dump(sent), "Итог: Директор подтверждён") {
		t.Fatalf("closing on the console: %s", dump(sent))
	}
	cs := d.theCase(1)
	ms := d.caseMessages(1)
	if cs.Status != core.CaseClosed || cs.Decisions != 1 || len(ms) != 1 || ms[0].PlatformID != "3" {
		t.Fatalf("case = %+v, messages %+v", cs, ms)
	}
}
