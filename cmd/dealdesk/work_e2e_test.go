package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
)

const (
	underwriterTG = 7007
	headsTG       = -900 // the heads' work chat
)

// Sberbank's bank details: the account the card has, and the right one.
const (
	workBIK     = "044525225"
	workCorr    = "30101810400000000225"
	workOld     = "40702810938000000001"
	workNew     = "40702810938000012345"
	workOldLine = workOld + " (ПАО Сбербанк, " + workBIK + ", " + workCorr + ")"
	workNewLine = workNew + " (ПАО Сбербанк, " + workBIK + ", " + workCorr + ")"
)

// number reads the number after prefix ("Обращение #") in a text.
func number(t *testing.T, text, prefix string) int64 {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `(\d+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no %q<number> in %q", prefix, text)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// workCard is the card of INN 7707083893 as the program has it now.
func (r *tgRun) workCard() *core.Client {
	r.t.Helper()
	cs, err := r.m.Service.FindClientsByINN(context.Background(), core.Actor{Source: "test"}, "7707083893")
	if err != nil || len(cs) != 1 {
		r.t.Fatalf("the card of 7707083893: %v %+v", err, cs)
	}
	return cs[0]
}

// workChanges are the audit records of the card's bank accounts.
func (r *tgRun) workChanges(card int64) []*core.Change {
	r.t.Helper()
	var out []*core.Change
	err := r.m.DB.View(context.Background(), func(tx core.Tx) error {
		cs, err := tx.Changes(core.EntityClient, card)
		for _, c := range cs {
			if c.Field == core.FieldAccounts {
				out = append(out, c)
			}
		}
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

// workRequests counts the requests stored, open or closed.
func (r *tgRun) workRequests() int {
	r.t.Helper()
	var n int
	err := r.m.DB.View(context.Background(), func(tx core.Tx) error {
		rs, err := tx.Requests(core.RequestFilter{})
		n = len(rs)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// TestWorkRequestCorrectionApprovalAndRollbackThroughTelegram is issue
// 11's "Done when" for requests and corrections, tried through the real
// program and the fake Bot API by people who have just joined: an
// underwriter files a correction request about a client's bank account;
// the officers' work chat gets it with «Взять»; an officer takes it (the
// underwriter is told it is in work) and corrects the account with a
// reason, naming the request; the heads' work chat gets «Одобрить»; the
// officer (not an approver) and the head on their own correction are
// refused by an alert and nothing changes; the head approves; the
// underwriter and the card's manager are told; /history shows the change,
// its reason and the request; the field's history offers «↩ Откатить»,
// whose rollback asks a reason and, approved by the head, restores the
// old account, listed after the change and naming it. A stranger's
// /request gets nothing useful, and nothing of it is stored.
func TestWorkRequestCorrectionApprovalAndRollbackThroughTelegram(t *testing.T) {
	srv := telegramtest.NewServer(t)
	dadata := dadataServer(t, nil)
	dir := t.TempDir()
	r := startTelegram(t, dir, srv, map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": dadata.URL})

	r.caseJoin(managerTG, "manager")
	r.caseJoin(underwriterTG, "underwriter")
	r.caseJoin(officerTG, "officer")
	r.caseJoin(headTG, "head")
	expect(t, r.say(groupTG, adminTG, "/bind officers"), "привязан как рабочий чат")
	expect(t, r.say(headsTG, adminTG, "/bind heads"), "привязан как рабочий чат")

	// The manager makes the card from the registry and enters its account.
	const me = managerTG
	record := r.say(me, me, "/client 7707083893")
	r.tap(me, me, record, "Создать", "карточка #1")
	added := r.say(me, me, "/edit 7707083893 счёт БИК "+workBIK+" р/с "+workOld+" к/с "+workCorr+" ПАО Сбербанк")
	expect(t, added, "Новый счёт: "+workOldLine)
	r.tap(me, me, added, "Без причины", "Счёт добавлен")
	card := r.workCard()
	if len(card.Accounts) != 1 || card.Accounts[0].Account != workOld {
		t.Fatalf("the card's accounts after the manager's entry: %+v", card.Accounts)
	}
	account := card.Accounts[0]

	// The underwriter files a correction request in one message.
	var news telegramtest.SentMessage
	filed := r.until(underwriterTG, "передано в сопровождение", func() {
		news = r.until(groupTG, "Новое обращение", func() {
			srv.SendText(underwriterTG, underwriterTG, "/request исправление 7707083893 Клиент сменил расчётный счёт, верный "+workNew)
		})
	})
	req := number(t, filed.Text, "Обращение #")
	reqRef := "#" + strconv.FormatInt(req, 10)
	for _, want := range []string{"Новое обращение " + reqRef + " (корректировка)", "Автор: User 7007", "ИНН 7707083893", workNew} {
		expect(t, news, want)
	}
	if !hasButton(news, "Взять") {
		t.Fatalf("the officers' notice has no «Взять»: %+v", news)
	}

	// The officer takes it in the work chat; the underwriter is told.
	taken := r.tap(groupTG, officerTG, news, "Взять", "Вы взяли обращение "+reqRef)
	expect(t, taken, "Исполнитель: User 4004")
	expect(t, r.sentTo(underwriterTG, 0, "в работе — User 4004"), "Обращение "+reqRef+" (корректировка")

	// The officer corrects the account: /fix, ✎ 1, the right account, the
	// reason with the request.
	const of = officerTG
	list := r.say(of, of, "/fix 7707083893 счёт")
	expect(t, list, "1. "+workOldLine)
	r.tap(of, of, list, "✎ 1", "Счёт сейчас: "+workOldLine)
	reason := r.until(of, "причину", func() {
		srv.SendText(of, of, "БИК "+workBIK+" р/с "+workNew+" к/с "+workCorr+" ПАО Сбербанк")
	})
	expect(t, reason, "Счёт: "+workOldLine+" → "+workNewLine)
	var ask telegramtest.SentMessage
	pending := r.until(of, "ждёт одобрения", func() {
		ask = r.until(headsTG, "ждёт вашего одобрения", func() {
			srv.SendText(of, of, "письмо клиента от 27.11 обращение "+reqRef)
		})
	})
	corr := number(t, pending.Text, "Корректировка #")
	corrRef := "#" + strconv.FormatInt(corr, 10)
	for _, want := range []string{"Причина: письмо клиента от 27.11", "По обращению " + reqRef, "Поле пока не изменено"} {
		expect(t, pending, want)
	}
	for _, want := range []string{"Корректировка " + corrRef + " ждёт вашего одобрения", "замена счёта: " + workOldLine + " → " + workNewLine,
		"Автор: User 4004", "Причина: письмо клиента от 27.11", "По обращению " + reqRef} {
		expect(t, ask, want)
	}
	r.waitText(underwriterTG, "Корректировка "+corrRef+" ждёт одобрения")
	r.waitText(me, "Корректировка "+corrRef+" ждёт одобрения")

	// The proposer's own «Одобрить» (the officer pressing the heads' chat's
	// button) is refused by an alert (four eyes): nothing changes.
	expectPopup(t, r.pressRefused(headsTG, of, ask, "Одобрить"), "Корректировку "+corrRef+" предложили вы")
	if got := r.workCard().Accounts; len(got) != 1 || got[0] != account {
		t.Fatalf("accounts = %+v after the proposer's own press", got)
	}

	// So is a head's on a correction the head proposed: the KPP stays.
	// (The card has an open request: which one it answers is asked.)
	which := r.say(headTG, headTG, "/fix 7707083893 кпп 773601002 причина: опечатка в КПП")
	expect(t, which, "По какому обращению")
	if len(which.Buttons) == 0 || len(which.Buttons[0]) == 0 || !strings.HasPrefix(which.Buttons[0][0].Text, reqRef+": Клиент сменил") ||
		!hasButton(which, "Без обращения") {
		t.Fatalf("the request's question offers %+v", which.Buttons)
	}
	ownPending := r.tap(headTG, headTG, which, "Без обращения", "ждёт одобрения")
	own := number(t, ownPending.Text, "Корректировка #")
	ownAsk := r.sentTo(headsTG, 0, "Корректировка #"+strconv.FormatInt(own, 10)+" ждёт вашего одобрения")
	expectPopup(t, r.pressRefused(headsTG, headTG, ownAsk, "Одобрить"), "предложили вы")
	if kpp := r.workCard().KPP; kpp != "773601001" {
		t.Fatalf("KPP = %q after the proposer's own approval", kpp)
	}

	// The head approves the account correction; the underwriter and the
	// manager are told.
	approved := r.tap(headsTG, headTG, ask, "Одобрить", "одобрена")
	expect(t, approved, "Корректировка "+corrRef+" одобрена (User 3003) и применена")
	want := core.BankAccount{BIK: workBIK, BankName: account.BankName, CorrAccount: workCorr, Account: workNew}
	if got := r.workCard().Accounts; len(got) != 1 || got[0] != want {
		t.Fatalf("accounts = %+v after the approval, want %+v", got, want)
	}
	for _, chat := range []int64{underwriterTG, me, of} {
		m := r.sentTo(chat, 0, "Корректировка "+corrRef+" применена")
		expect(t, m, "одобрил: User 3003")
	}

	// The history: the change, its reason, the request.
	history := r.say(me, me, "/history 7707083893")
	expect(t, history, "счёт изменён: "+workOldLine+" → "+workNewLine+" (причина: письмо клиента от 27.11) · по обращению "+reqRef+
		" · корректировка "+corrRef)
	changes := r.workChanges(card.ID)
	change := changes[len(changes)-1]
	if change.Request != req || change.Correction != corr || change.ActorID == 0 {
		t.Fatalf("the audited change %+v", change)
	}
	changeRef := "#" + strconv.FormatInt(change.ID, 10)
	field := r.say(of, of, "/history 7707083893 счета")
	for _, want := range []string{"История поля «счета»", "счёт изменён: " + workOldLine + " → " + workNewLine,
		"по обращению " + reqRef, "корректировка " + corrRef + ", кто одобрил: User 3003"} {
		expect(t, field, want)
	}
	if !hasButton(field, "↩ Откатить "+changeRef) {
		t.Fatalf("the field's history has no «↩ Откатить %s»: %+v", changeRef, field.Buttons)
	}

	// The rollback: a reason, the head's approval, the old account back.
	asked := r.tap(of, of, field, "↩ Откатить "+changeRef, "Откатить изменение "+changeRef)
	expect(t, asked, "Счёт: "+workNewLine+" → "+workOldLine)
	var revertAsk telegramtest.SentMessage
	revertPending := r.until(of, "ждёт одобрения", func() {
		revertAsk = r.until(headsTG, "Откат изменения "+changeRef, func() { srv.SendText(of, of, "клиент отозвал письмо") })
	})
	revert := number(t, revertPending.Text, "Корректировка #")
	if got := r.workCard().Accounts; len(got) != 1 || got[0] != want {
		t.Fatalf("accounts = %+v before the rollback's approval", got)
	}
	r.tap(headsTG, headTG, revertAsk, "Одобрить", "Корректировка #"+strconv.FormatInt(revert, 10)+" одобрена")
	if got := r.workCard().Accounts; len(got) != 1 || got[0] != account {
		t.Fatalf("accounts = %+v after the rollback, want %+v", got, account)
	}
	hist := r.say(of, of, "/history 7707083893 счета").Text
	for _, want := range []string{"счёт изменён: " + workOldLine + " → " + workNewLine, "счёт изменён: " + workNewLine + " → " + workOldLine,
		"откат изменения " + changeRef} {
		if !strings.Contains(hist, want) {
			t.Fatalf("the field's history lacks %q:\n%s", want, hist)
		}
	}
	if strings.Index(hist, "откат изменения") < strings.Index(hist, "по обращению") {
		t.Fatalf("the rollback is listed before the change:\n%s", hist)
	}
	changes = r.workChanges(card.ID)
	if last := changes[len(changes)-1]; last.Reverts != change.ID || last.Correction != revert || last.Reason != "клиент отозвал письмо" {
		t.Fatalf("the rollback's audit record %+v", last)
	}

	// A stranger (never invited) files a request: nothing useful back,
	// nothing stored, nobody told.
	requests := r.workRequests()
	before := len(srv.Sent())
	const secret = "Посторонний-просит-счёт-сменить"
	answer := r.say(strangerTG, strangerTG, "/request исправление 7707083893 "+secret)
	expect(t, answer, "доступ только для сотрудников")
	for _, leak := range []string{"Обращение", "обращение #", "Сбербанк", "СБЕРБАНК", workOld} {
		if strings.Contains(answer.Text, leak) {
			t.Fatalf("the stranger was answered %q", answer.Text)
		}
	}
	r.quiet()
	for _, m := range srv.Sent()[before:] {
		if m.ChatID != strangerTG {
			t.Fatalf("someone was told of the stranger's request: %+v", m)
		}
	}
	if after := r.workRequests(); after != requests {
		t.Fatalf("requests %d → %d after the stranger's", requests, after)
	}
	r.stop()
	if storedAnywhere(t, dir, secret) {
		t.Fatal("the stranger's request is stored in the database")
	}
}
