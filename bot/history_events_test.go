package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// historyPages shows a history from its latest page back to its first,
// pressing the «Ранее» of the user's language.
func historyPages(t *testing.T, h *harness, user, ref, more string) string {
	t.Helper()
	msgs := h.say(user, "/history "+ref)
	text := dump(msgs)
	for i := 0; hasButton(msgs, more); i++ {
		if i == 20 {
			t.Fatalf("more than 20 pages:%s", text)
		}
		msgs = h.press(user, msgs, more)
		text += dump(msgs)
	}
	return text
}

// TestHistoryShowsRequestsCorrectionsAndCases: a card's /history shows the
// steps of a request about it, what became of its corrections and its
// deal's (rejected, withdrawn, not applied) with why, and the deal's case
// discussion as events, in both languages; the card's manager, who may
// not see the request, sees its corrections but not the request.
func TestHistoryShowsRequestsCorrectionsAndCases(t *testing.T) {
	d := newCaseDesk(t)
	head := d.addUser("head", "Глеб Начальников", core.RoleHead)
	uw := d.addUser("uw", "Ульяна Рискова", core.RoleUnderwriter)
	ctx := context.Background()
	as := func(u *core.User) core.Actor { return core.Actor{User: u, Source: "test"} }
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	fix := func(u *core.User, e core.Entity, id int64, field, value, reason string, request int64) *core.Correction {
		t.Helper()
		ed, err := d.svc.PlanCorrection(ctx, as(u), core.EditRequest{Entity: e, ID: id, Field: field, Value: value, Lang: "ru"})
		must("plan "+field, err)
		ed.Reason, ed.RequestID = reason, request
		corr, err := d.svc.Correct(ctx, as(u), ed)
		must("correct "+field, err)
		return corr
	}

	r, err := d.svc.CreateRequest(ctx, as(uw), core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{ClientID: d.client.ID}, Text: "Сменился КПП"})
	must("request", err)
	_, err = d.svc.TakeRequest(ctx, as(d.officer), r.ID)
	must("take", err)
	_, err = d.svc.AskRequest(ctx, as(d.officer), r.ID, "Пришлите письмо")
	must("ask", err)
	_, err = d.svc.AnswerRequest(ctx, as(uw), r.ID, "Письмо у менеджера", nil)
	must("answer", err)
	kpp := fix(d.officer, core.EntityClient, d.client.ID, "кпп", "773601002", "письмо клиента", r.ID)
	_, err = d.svc.RejectCorrection(ctx, as(head), kpp.ID, "не подтверждено")
	must("reject", err)
	own := fix(d.officer, core.EntityClient, d.client.ID, "кпп", "773601003", "опечатка", 0)
	_, err = d.svc.RejectCorrection(ctx, as(d.officer), own.ID, "ошиблась карточкой")
	must("withdraw", err)
	_, err = d.svc.DoneRequest(ctx, as(d.officer), r.ID, "КПП верный")
	must("done", err)

	d.group("off", "1", "/case "+d.deal.Number+" Скидка 15%")
	d.group("law", "2", "#решение скидка 12%")
	d.group("off", "3", "/case close")
	d.group("off", "4", "Скидка 12% согласована")

	fix(d.officer, core.EntityDeal, d.deal.ID, "сумма", "1 000 000", "договор", 0) // no amount yet: written at once
	amount := fix(d.officer, core.EntityDeal, d.deal.ID, "сумма", "2 000 000", "допсоглашение", 0)
	_, err = d.svc.MoveDeal(ctx, as(head), d.deal.ID, core.StageNew, core.StageClosedLost, "клиент отказался")
	must("close the deal", err)
	if kpp.ID != 1 || own.ID != 2 || amount.ID != 4 || r.ID != 1 {
		t.Fatalf("numbers: corrections #%d, #%d, #%d, request #%d", kpp.ID, own.ID, amount.ID, r.ID)
	}

	ru := historyPages(t, d.harness, "off", d.client.INN, "Ранее")
	for _, want := range []string{
		"· Ульяна Рискова · обращение #1 · подано (корректировка): Сменился КПП · ответить до ",
		"· Ирина Сопровождение · обращение #1 · взято в работу",
		"· Ирина Сопровождение · обращение #1 · вопрос автору: Пришлите письмо",
		"· Ульяна Рискова · обращение #1 · ответ автора: Письмо у менеджера",
		"· Ирина Сопровождение · корректировка #1 · предложена, ждёт одобрения: КПП: 773601001 → 773601002 (причина: письмо клиента) · по обращению #1",
		"· Глеб Начальников · корректировка #1 · отклонена — не подтверждено · по обращению #1",
		"· Ирина Сопровождение · корректировка #2 · отозвана автором — ошиблась карточкой",
		"· Ирина Сопровождение · обращение #1 · выполнено: КПП верный",
		"· Ирина Сопровождение · сделка " + d.deal.Number + " · открыт кейс #1 «Скидка 15%»",
		"· Лев Юристов · сделка " + d.deal.Number + " · решение по кейсу #1 «Скидка 15%»: скидка 12%",
		"· Ирина Сопровождение · сделка " + d.deal.Number + " · кейс #1 «Скидка 15%» закрыт: Скидка 12% согласована",
		"· сделка " + d.deal.Number + " · сумма: — → " + d.p.Money(1_000_000_00) + " (причина: договор) · корректировка #3",
		"· Глеб Начальников · корректировка #4 · не применена: сделку закрыли",
	} {
		if !strings.Contains(ru, want) {
			t.Errorf("the history lacks %q:\n%s", want, ru)
		}
	}
	for _, not := range []string{"корректировка #3 ·", "кейс: ", "решение по кейсу: ", "задача #1 ·",
		"обращение #1 · корректировка #"} {
		if strings.Contains(ru, not) {
			t.Errorf("the history shows %q:\n%s", not, ru)
		}
	}

	d.say("off", "/lang en")
	en := historyPages(t, d.harness, "off", d.client.INN, "Earlier")
	for _, want := range []string{
		"· Ульяна Рискова · request #1 · filed (correction): Сменился КПП · answer by ",
		"· Ирина Сопровождение · request #1 · taken",
		"· Глеб Начальников · correction #1 · rejected — не подтверждено · for request #1",
		"· Ирина Сопровождение · correction #2 · withdrawn by its author — ошиблась карточкой",
		"· Ирина Сопровождение · request #1 · done: КПП верный",
		"· deal " + d.deal.Number + " · case #1 “Скидка 15%” opened",
		"· deal " + d.deal.Number + " · decision in case #1 “Скидка 15%”: скидка 12%",
		"· deal " + d.deal.Number + " · case #1 “Скидка 15%” closed: Скидка 12% согласована",
		"· Глеб Начальников · correction #4 · not applied: the deal was closed",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("the English history lacks %q:\n%s", want, en)
		}
	}

	// The card's manager may not see the request: its task stands for it;
	// the corrections of the card and the deal they manage show.
	m := historyPages(t, d.harness, "mgr", d.client.INN, "Ранее")
	for _, want := range []string{"· задача #1 · создание: ", "· корректировка #1 · отклонена — не подтверждено",
		"· корректировка #4 · не применена: сделку закрыли"} {
		if !strings.Contains(m, want) {
			t.Errorf("the manager's history lacks %q:\n%s", want, m)
		}
	}
	if strings.Contains(m, "обращение #1 ·") {
		t.Errorf("the manager's history shows the request:\n%s", m)
	}
}
