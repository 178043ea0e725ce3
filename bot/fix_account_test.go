package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// Sberbank's bank details: the account the card has, and the right one.
const (
	fixBIK     = "044525225"
	fixCorr    = "30101810400000000225"
	fixOld     = "40702810938000000001"
	fixNew     = "40702810938000012345"
	fixOldLine = fixOld + " (ПАО Сбербанк, " + fixBIK + ", " + fixCorr + ")"
	fixNewLine = fixNew + " (ПАО Сбербанк, " + fixBIK + ", " + fixCorr + ")"
)

// fixOffice has a manager «Максим» ("m") leading the Sberbank card with one
// bank account, an officer «Ольга» ("o"), an underwriter «Ульяна» ("u")
// and a head «Глеб» ("head").
type fixOffice struct {
	*harness
	m, o, u, head *core.User
	card          *core.Client
	account       core.BankAccount
	sent          []*bot.Message // what deliver delivered last
}

func newFixOffice(t *testing.T) *fixOffice {
	t.Helper()
	h := &fixOffice{harness: newHarness(t)}
	h.m = h.addUser("m", "Максим", core.RoleManager)
	h.o = h.addUser("o", "Ольга", core.RoleOfficer)
	h.u = h.addUser("u", "Ульяна", core.RoleUnderwriter)
	h.head = h.addUser("head", "Глеб", core.RoleHead)
	h.account = core.BankAccount{BIK: fixBIK, BankName: "ПАО Сбербанк", CorrAccount: fixCorr, Account: fixOld}
	var err error
	h.card, err = h.svc.CreateClient(context.Background(), core.Actor{User: h.admin}, &core.Client{INN: "7707083893",
		KPP: "773601001", ShortName: "ПАО Сбербанк", ManagerID: h.m.ID, Accounts: []core.BankAccount{h.account}})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	return h
}

// deliver delivers what is due and returns its texts by chat; the
// messages themselves stay in h.sent.
func (h *fixOffice) deliver() map[string]string {
	h.t.Helper()
	if _, err := h.bot.DeliverDue(context.Background(), "test"); err != nil {
		h.t.Fatal(err)
	}
	h.sent = h.rec.take()
	out := map[string]string{}
	for _, m := range h.sent {
		out[m.ChatID] += m.Text + "\n"
	}
	return out
}

func (h *fixOffice) accounts() []core.BankAccount {
	h.t.Helper()
	cl, err := h.svc.ClientByID(context.Background(), core.Actor{User: h.admin}, h.card.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return cl.Accounts
}

// has fails unless the text has every one of the parts.
func fixHas(t *testing.T, what, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("%s lacks %q:\n%s", what, p, text)
		}
	}
}

func lastText(msgs []*bot.Message) string {
	if len(msgs) == 0 {
		return ""
	}
	return msgs[len(msgs)-1].Text
}

// TestFixBankAccountForRequest is the "Done when", tried as new
// users would: an underwriter asks for a bank account to be corrected; an
// officer takes the request and corrects the account with a reason for
// it; a head approves the sensitive change by a button; the underwriter
// and the card's manager are told; the history shows the change, its
// reason and the request; a rollback, approved too, restores the old
// account, and the field's history lists both changes.
func TestFixBankAccountForRequest(t *testing.T) {
	h := newFixOffice(t)
	ctx := context.Background()
	r, err := h.svc.CreateRequest(ctx, core.Actor{User: h.u}, core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{ClientID: h.card.ID}, Text: "Клиент сменил расчётный счёт, верный " + fixNew})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.TakeRequest(ctx, core.Actor{User: h.o}, r.ID); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	req := "#" + id(r.ID)

	// The officer: /fix, the account's ✎, the right account, the reason
	// with the request.
	msgs := h.say("o", "/fix 7707083893 счёт")
	fixHas(t, "accounts", lastText(msgs), "1. "+fixOldLine)
	msgs = h.press("o", msgs, "✎ 1")
	fixHas(t, "item question", lastText(msgs), "Счёт сейчас: "+fixOldLine)
	msgs = h.say("o", "БИК "+fixBIK+" р/с "+fixNew+" к/с "+fixCorr+" ПАО Сбербанк")
	fixHas(t, "reason question", lastText(msgs), "Счёт: "+fixOldLine+" → "+fixNewLine, "после одобрения", "причину")
	msgs = h.say("o", "письмо клиента от 27.11 обращение "+req)
	fixHas(t, "confirmation", lastText(msgs), "Корректировка #1 ждёт одобрения (руководитель или юрист)",
		"Причина: письмо клиента от 27.11", "По обращению "+req, "Поле пока не изменено")
	if got := h.accounts(); len(got) != 1 || got[0] != h.account {
		t.Fatalf("accounts = %+v before the approval", got)
	}
	told := h.deliver()
	fixHas(t, "the head's request", told["head"], "Корректировка #1 ждёт вашего одобрения", "замена счёта: "+fixOldLine+" → "+fixNewLine,
		"Автор: Ольга", "Причина: письмо клиента от 27.11", "По обращению "+req)
	fixHas(t, "the underwriter's notice", told["u"], "Корректировка #1 ждёт одобрения")
	fixHas(t, "the manager's notice", told["m"], "Корректировка #1 ждёт одобрения")

	// The head approves by the button of that message.
	msgs = h.press("head", inChat(h.sent, "head"), "Одобрить")
	fixHas(t, "approval", lastText(msgs), "Корректировка #1 одобрена (Глеб) и применена")
	want := core.BankAccount{BIK: fixBIK, BankName: "ПАО Сбербанк", CorrAccount: fixCorr, Account: fixNew}
	if got := h.accounts(); len(got) != 1 || got[0] != want {
		t.Fatalf("accounts = %+v after the approval", got)
	}
	told = h.deliver()
	for _, chat := range []string{"o", "u", "m"} {
		fixHas(t, chat+"'s notice", told[chat], "Корректировка #1 применена", "кто одобрил: Глеб")
	}

	// The history: the change, its reason, the request, the correction.
	fixHas(t, "history", dump(h.say("m", "/history 7707083893")),
		"счёт изменён: "+fixOldLine+" → "+fixNewLine+" (причина: письмо клиента от 27.11) · по обращению "+req+" · корректировка #1")
	msgs = h.say("o", "/history 7707083893 счета")
	fixHas(t, "field history", lastText(msgs), "История поля «счета»: ПАО Сбербанк, 7707083893",
		"счёт изменён: "+fixOldLine+" → "+fixNewLine, "по обращению "+req, "корректировка #1, кто одобрил: Глеб")
	// The request's card: the correction made for it, in the reader's
	// language, the card named without Russian quotes.
	fixHas(t, "the request's card", lastText(h.say("u", "/request "+id(r.ID))), "корректировка #1 (ПАО Сбербанк, 7707083893)", "применена")
	h.say("u", "/lang en")
	en := lastText(h.say("u", "/request "+id(r.ID)))
	fixHas(t, "the request's card in English", en, "correction #1 (ПАО Сбербанк, 7707083893)", "applied")
	if strings.ContainsAny(en, "«»") {
		t.Fatalf("the request's card in English has Russian quotes:\n%s", en)
	}
	h.say("u", "/lang ru")
	changed := h.changes(core.EntityClient, h.card.ID)
	accountChange := changed[len(changed)-1]
	if accountChange.Request != r.ID || accountChange.Correction != 1 || accountChange.ActorID != h.o.ID {
		t.Fatalf("audited %+v", accountChange)
	}

	// The rollback: «Откатить», a reason, the head's approval.
	msgs = h.press("o", msgs, "↩ Откатить #"+id(accountChange.ID))
	fixHas(t, "rollback question", lastText(msgs), "Откатить изменение #"+id(accountChange.ID), "Счёт: "+fixNewLine+" → "+fixOldLine)
	msgs = h.say("o", "клиент отозвал письмо")
	fixHas(t, "rollback confirmation", lastText(msgs), "Корректировка #2 ждёт одобрения", "Откат изменения #"+id(accountChange.ID))
	fixHas(t, "the head's request for the rollback", h.deliver()["head"], "Корректировка #2 ждёт вашего одобрения",
		"Откат изменения #"+id(accountChange.ID))
	h.press("head", inChat(h.sent, "head"), "Одобрить")
	if got := h.accounts(); len(got) != 1 || got[0] != h.account {
		t.Fatalf("accounts = %+v after the rollback, want %+v", got, h.account)
	}
	hist := lastText(h.say("o", "/history 7707083893 счета"))
	fixHas(t, "field history after the rollback", hist, "3 изменения", "создание: счета "+fixOldLine, "счёт изменён: "+fixOldLine+" → "+fixNewLine,
		"счёт изменён: "+fixNewLine+" → "+fixOldLine, "откат изменения #"+id(accountChange.ID))
	if strings.Index(hist, "откат изменения") < strings.Index(hist, "по обращению") {
		t.Fatalf("the rollback is listed before the change:\n%s", hist)
	}
}
