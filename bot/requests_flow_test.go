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

// requestOffice is a department for the request tests: an underwriter
// «Ульяна» ("u"), an officer «Ольга» ("o"), a manager «Максим» ("m") and
// the client card of ПАО Сбербанк. Nothing they were told while it was set
// up is left to deliver.
type requestOffice struct {
	*harness
	u, o, m *core.User
	client  *core.Client
}

func newRequestOffice(t *testing.T) *requestOffice {
	t.Helper()
	h := newHarness(t)
	ro := &requestOffice{harness: h}
	ro.u = h.addUser("u", "Ульяна", core.RoleUnderwriter)
	ro.o = h.addUser("o", "Ольга", core.RoleOfficer)
	ro.m = h.addUser("m", "Максим", core.RoleManager)
	c, err := h.svc.CreateClient(context.Background(), core.Actor{User: h.admin, Source: "test"},
		&core.Client{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк"})
	if err != nil {
		t.Fatal(err)
	}
	ro.client = c
	// A Monday morning in Moscow.
	h.clock.Add(time.Date(2026, 11, 30, 10, 0, 0, 0, msk).Sub(h.clock.Now()))
	ro.deliver()
	return ro
}

// deliver delivers the outbox and returns what each chat got.
func (ro *requestOffice) deliver() map[string][]*bot.Message {
	ro.t.Helper()
	if _, err := ro.bot.DeliverDue(context.Background(), "test"); err != nil {
		ro.t.Fatal(err)
	}
	out := map[string][]*bot.Message{}
	for _, m := range ro.rec.take() {
		out[m.ChatID] = append(out[m.ChatID], m)
	}
	return out
}

// stored reads a request as the admin.
func (ro *requestOffice) stored(id int64) *core.Request {
	ro.t.Helper()
	r, err := ro.svc.ShowRequest(context.Background(), core.Actor{User: ro.admin}, id)
	if err != nil {
		ro.t.Fatal(err)
	}
	return r
}

// told checks that a chat got one message containing each of the parts.
func told(t *testing.T, got map[string][]*bot.Message, chat string, parts ...string) []*bot.Message {
	t.Helper()
	ms := got[chat]
	if len(ms) != 1 {
		t.Fatalf("%s got %d messages: %s", chat, len(ms), dump(ms))
	}
	for _, p := range parts {
		if !strings.Contains(ms[0].Text, p) {
			t.Fatalf("%s was told %q, without %q", chat, ms[0].Text, p)
		}
	}
	return ms
}

func containsAll(t *testing.T, msgs []*bot.Message, parts ...string) {
	t.Helper()
	text := dump(msgs)
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("no %q in %s", p, text)
		}
	}
}

// TestAnUnderwritersCorrectionRequestGoesThroughItsStatusLine is the
// request as people use it: an underwriter files a correction in one
// message; the officer, told with «Взять», takes it, asks a question; the
// underwriter answers from the question's «Ответить»; the officer marks it
// done with the result. The underwriter hears every status, the officer
// the answer; the card shows the thread.
func TestAnUnderwritersCorrectionRequestGoesThroughItsStatusLine(t *testing.T) {
	ro := newRequestOffice(t)
	msgs := ro.say("u", "/request исправление 7707083893 Неверный расчётный счёт в карточке")
	containsAll(t, msgs, "Обращение #1 (корректировка) передано в сопровождение", "30.11.2026 14:00",
		"Клиент: ПАО Сбербанк, ИНН 7707083893")
	got := ro.deliver()
	news := told(t, got, "o", "Новое обращение #1 (корректировка) · ПАО Сбербанк, ИНН 7707083893", "Автор: Ульяна",
		"Неверный расчётный счёт в карточке")

	msgs = ro.press("o", news, "Взять")
	containsAll(t, msgs, "Вы взяли обращение #1 в работу.", "Исполнитель: Ольга", "Срок ответа: 30.11.2026 14:00")
	if r := ro.stored(1); r.Status != core.RequestInWork || r.AssigneeID != ro.o.ID {
		t.Fatalf("taken: %+v", r)
	}
	told(t, ro.deliver(), "u", "Обращение #1", "в работе — Ольга")

	ro.clock.Add(time.Hour) // 11:00: three working hours left
	msgs = ro.press("o", msgs, "Спросить")
	containsAll(t, msgs, "Вопрос автору обращения #1 (Ульяна)")
	msgs = ro.say("o", "Пришлите письмо банка с новыми реквизитами")
	containsAll(t, msgs, "Вопрос отправлен: Ульяна. Обращение #1 ждёт ответа, срок остановлен.")
	if r := ro.stored(1); r.Status != core.RequestWaiting || r.SLALeft.Round(time.Second) != 3*time.Hour || !r.Due.IsZero() {
		t.Fatalf("asked: %+v", r)
	}
	question := told(t, ro.deliver(), "u", "Ольга спрашивает по вашему обращению #1", "Пришлите письмо банка")

	ro.clock.Add(24 * time.Hour) // answered the next day at 11:00: due at 14:00 again
	msgs = ro.press("u", question, "Ответить")
	containsAll(t, msgs, "вопрос: «Пришлите письмо банка с новыми реквизитами»")
	msgs = ro.say("u", "Письмо отправлю почтой, новый счёт 40702810938000012345")
	containsAll(t, msgs, "Ответ по обращению #1 передан сопровождению")
	r := ro.stored(1)
	if r.Status != core.RequestInWork || !r.Due.Round(time.Second).Equal(time.Date(2026, 12, 1, 14, 0, 0, 0, msk)) {
		t.Fatalf("answered: %+v", r)
	}
	told(t, ro.deliver(), "o", "Ульяна отвечает по обращению #1", "новый счёт 40702810938000012345")

	card := ro.say("o", "/request 1")
	containsAll(t, card, "📨 Обращение #1 · корректировка · в работе", "❓ Ольга: Пришлите письмо банка",
		"💬 Ульяна: Письмо отправлю почтой")
	msgs = ro.press("o", card, "Выполнено")
	containsAll(t, msgs, "Что сделано?")
	msgs = ro.say("o", "Счёт в карточке исправлен")
	containsAll(t, msgs, "Обращение #1 выполнено, автор уведомлён.")
	told(t, ro.deliver(), "u", "Обращение #1", "выполнено (Ольга)", "Результат: Счёт в карточке исправлен")
	if r := ro.stored(1); r.Status != core.RequestDone {
		t.Fatalf("done: %+v", r)
	}
	// The requester's card of the closed request has no officer's buttons.
	card = ro.say("u", "/request 1")
	containsAll(t, card, "Выполнено 01.12.2026", "Счёт в карточке исправлен")
	if len(card[len(card)-1].Buttons) != 0 {
		t.Fatalf("buttons on a closed card: %s", dump(card))
	}
}

// TestAManagerCannotTakeARequestAndAStrangerSeesNothing: the officers'
// work chat gets the request with «Взять»; a manager in that chat who
// presses it is refused and the request stays new; a user who is not its
// requester does not see it; someone DealDesk does not know learns
// nothing.
func TestAManagerCannotTakeARequestAndAStrangerSeesNothing(t *testing.T) {
	ro := newRequestOffice(t)
	ro.send(&bot.Update{UserID: "admin", ChatID: "-100", ChatType: bot.ChatGroup, Text: "/bind officers",
		Command: "bind", Args: "officers"})
	ro.deliver()
	ro.say("u", "/request вопрос Какой лимит у ПАО Сбербанк?")
	got := ro.deliver()
	news := told(t, got, "-100", "Новое обращение #1 (вопрос)", "Какой лимит")
	if len(got["o"]) != 0 {
		t.Fatalf("the officer was told personally too: %s", dump(got["o"]))
	}
	var token string
	for _, row := range news[0].Buttons {
		for _, b := range row {
			if b.Label == "Взять" {
				token = b.Token
			}
		}
	}
	msgs := ro.send(&bot.Update{UserID: "m", ChatID: "-100", ChatType: bot.ChatGroup, Token: token, CallbackID: "cb"})
	containsAll(t, msgs, ro.p.T("err.forbidden", nil))
	if r := ro.stored(1); r.Status != core.RequestNew || r.AssigneeID != 0 {
		t.Fatalf("a manager took it: %+v", r)
	}
	// Not his: not found; not even its text.
	msgs = ro.say("m", "/request 1")
	containsAll(t, msgs, ro.p.T("err.request.not_found", bot.Args{"ID": 1}))
	if strings.Contains(dump(msgs), "лимит") {
		t.Fatalf("a stranger's view: %s", dump(msgs))
	}
	msgs = ro.say("m", "/requests все")
	containsAll(t, msgs, ro.p.T("err.forbidden", nil))
	msgs = ro.say("m", "/requests")
	containsAll(t, msgs, "Открытых обращений нет (мои).")
	// Someone DealDesk does not know.
	for _, text := range []string{"/request 1", "/requests", "/request вопрос секрет"} {
		if out := dump(ro.say("x", text)); strings.Contains(out, "лимит") || strings.Contains(out, "Обращение") {
			t.Fatalf("%s to a stranger: %s", text, out)
		}
	}
	if rs, err := ro.svc.ListRequests(context.Background(), core.Actor{User: ro.admin}, core.ScopeAll); err != nil || len(rs) != 1 {
		t.Fatalf("requests: %v %d", err, len(rs))
	}
	// The officer takes it in the work chat.
	msgs = ro.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token, CallbackID: "cb"})
	containsAll(t, msgs, "Вы взяли обращение #1 в работу.")
}

// TestARequestStepByStepAboutNothingAndTheLists: a manager files a
// question step by step (type by button, «Ни к чему не привязано», the
// text); /requests lists it oldest first for the officer with overdue
// marked, and as «мои» for the manager.
func TestARequestStepByStepAboutNothingAndTheLists(t *testing.T) {
	ro := newRequestOffice(t)
	ro.say("u", "/request исправление 7707083893 КПП устарел")
	ro.clock.Add(time.Hour)
	msgs := ro.say("m", "/request")
	containsAll(t, msgs, "Какое обращение?")
	msgs = ro.press("m", msgs, "вопрос")
	containsAll(t, msgs, "О ком или о чём обращение?")
	msgs = ro.press("m", msgs, "Ни к чему не привязано")
	containsAll(t, msgs, "Опишите обращение.")
	msgs = ro.say("m", "Нужна справка об отсутствии задолженности")
	containsAll(t, msgs, "Обращение #2 (вопрос) передано в сопровождение", "01.12.2026 10:00")
	ro.deliver()

	// 16:00: the correction (due 14:00) is overdue; the question is not.
	ro.clock.Add(5 * time.Hour)
	msgs = ro.say("o", "/requests")
	containsAll(t, msgs, "Открытые обращения (все): 2, старые первыми",
		"⚠️ #1 корректировка · новое, просрочено · 6 ч · Ульяна · ПАО Сбербанк",
		"#2 вопрос · новое · 5 ч · Максим")
	text := msgs[len(msgs)-1].Text
	if strings.Index(text, "#1 ") > strings.Index(text, "#2 ") {
		t.Fatalf("not oldest first: %s", text)
	}
	msgs = ro.press("o", msgs, "#2")
	containsAll(t, msgs, "📨 Обращение #2 · вопрос · новое", "Исполнитель: пока никто")
	msgs = ro.say("m", "/requests")
	containsAll(t, msgs, "Открытые обращения (мои): 1", "#2 вопрос")
	if strings.Contains(dump(msgs), "#1 ") {
		t.Fatalf("another's request in mine: %s", dump(msgs))
	}
	// A correction about nothing is asked what it is about; «-» typed is
	// refused.
	msgs = ro.say("m", "/request исправление поменяйте адрес")
	containsAll(t, msgs, "О ком или о чём обращение?")
	msgs = ro.say("m", "-")
	containsAll(t, msgs, ro.p.T("err.request.ref_required", nil))
	msgs = ro.say("m", "ПАО Сбер")
	containsAll(t, msgs, "Обращение #3 (корректировка) передано")
	if r := ro.stored(3); r.ClientID != ro.client.ID || r.Text != "поменяйте адрес" {
		t.Fatalf("named by name: %+v", r)
	}
}

// TestRequestFilesComeWithTheCommandAndTheAnswer: files sent with /request
// are stored with the request, and with «/request N ответ» with the
// answer; «Файлы» sends them back from the store.
func TestRequestFilesComeWithTheCommandAndTheAnswer(t *testing.T) {
	ro := newRequestOffice(t)
	fc := newFileChat(ro.rec)
	scan := fc.put("выписка.pdf", []byte("%PDF-1.7 выписка"))
	msgs := ro.sendFile(fc, "u", "/request исправление 7707083893 Новый счёт по выписке", scan)
	containsAll(t, msgs, "Обращение #1 (корректировка) передано в сопровождение, файлов: 1")
	told(t, ro.deliver(), "o", "📎 Файлов: 1")
	r := ro.stored(1)
	if len(r.Files) != 1 || r.Files[0].Name != "выписка.pdf" || r.Files[0].Size != int64(len("%PDF-1.7 выписка")) {
		t.Fatalf("files %+v", r.Files)
	}
	if _, err := ro.svc.AskRequest(context.Background(), core.Actor{User: ro.o}, 1, "А письмо банка?"); err != nil {
		t.Fatal(err)
	}
	ro.deliver()
	letter := fc.put("письмо.pdf", []byte("%PDF-1.7 письмо"))
	msgs = ro.sendFile(fc, "u", "/request 1 ответ Письмо во вложении", letter)
	containsAll(t, msgs, "Ответ по обращению #1 передан сопровождению, файлов: 1")
	told(t, ro.deliver(), "o", "Письмо во вложении", "📎 Файлов: 1")
	card := ro.say("o", "/request 1")
	containsAll(t, card, "📎 выписка.pdf", "(📎 1)")
	msgs = ro.press("o", card, "Файлы (2)")
	last := msgs[len(msgs)-1]
	if len(last.Files) != 2 || last.Files[0].Name != "выписка.pdf" || last.Files[1].Name != "письмо.pdf" {
		t.Fatalf("files sent: %+v", last.Files)
	}
	if string(last.Files[1].Data) != "%PDF-1.7 письмо" {
		t.Fatalf("file's content %q", last.Files[1].Data)
	}
}

// TestAdminsSetTheTimeToAnswerRequests: /sla lists each type's time in
// working hours; an admin sets one; others may not.
func TestAdminsSetTheTimeToAnswerRequests(t *testing.T) {
	ro := newRequestOffice(t)
	msgs := ro.say("admin", "/sla")
	containsAll(t, msgs, "• корректировка: 4 ч", "• вопрос: 8 ч", "• приём клиента: 8 ч")
	msgs = ro.say("admin", "/sla исправление 1ч30м")
	containsAll(t, msgs, "«корректировка» — 1 ч 30 мин рабочего времени", "• корректировка: 1 ч 30 мин")
	msgs = ro.say("admin", "/sla исправление скоро")
	containsAll(t, msgs, "Не понял «исправление скоро»")
	// Working time has no days: a working day is not 24 hours.
	msgs = ro.say("admin", "/sla вопрос 1 день")
	containsAll(t, msgs, "Не понял «вопрос 1 день»")
	msgs = ro.say("o", "/sla вопрос 2ч")
	containsAll(t, msgs, ro.p.T("err.forbidden", nil))
	msgs = ro.say("u", "/request исправление 7707083893 Адрес устарел")
	containsAll(t, msgs, "Срок ответа — 30.11.2026 11:30")
}

// TestAButtonOnADealStartsARequestAboutIt: «Обращение» on a card (its
// payload names the deal) starts /request with what it is about filled
// in; someone who may not see the deal cannot start one about it.
func TestAButtonOnADealStartsARequestAboutIt(t *testing.T) {
	ro := newRequestOffice(t)
	deal, err := ro.svc.CreateDeal(context.Background(), core.Actor{User: ro.admin, Source: "test"},
		&core.Deal{ClientID: ro.client.ID, Title: "Кредитная линия", ManagerID: ro.m.ID})
	if err != nil {
		t.Fatal(err)
	}
	ro.deliver()
	// The button as a card issues it to its reader.
	button := func(u *core.User) []*bot.Message {
		btn := core.NewButton(core.ActionRequestNew, "deal:"+strconv.FormatInt(deal.ID, 10), u.ID,
			core.ChatKey("test", strings.TrimPrefix(u.Identities[0], "test:")), ro.clock.Now(), core.ButtonTTL)
		if err := ro.db.Update(context.Background(), func(tx core.Tx) error { return tx.PutButton(btn) }); err != nil {
			t.Fatal(err)
		}
		return []*bot.Message{{Buttons: [][]bot.ButtonView{{{Label: "Обращение", Token: btn.Token}}}}}
	}
	msgs := ro.press("m", button(ro.m), "Обращение")
	containsAll(t, msgs, "Какое обращение?")
	msgs = ro.press("m", msgs, "документ")
	containsAll(t, msgs, "Опишите обращение.")
	msgs = ro.say("m", "Нужна копия договора поручительства")
	containsAll(t, msgs, "Обращение #1 (документ) передано")
	if r := ro.stored(1); r.DealID != deal.ID || r.ClientID != ro.client.ID {
		t.Fatalf("about: %+v", r)
	}
	card := ro.say("m", "/request 1")
	containsAll(t, card, "Сделка: "+deal.Number+" «Кредитная линия»", "Клиент: ПАО Сбербанк, ИНН 7707083893")
	// Another manager does not see the deal: no request about it.
	other := ro.addUser("m2", "Марина", core.RoleManager)
	msgs = ro.press("m2", button(other), "Обращение")
	containsAll(t, msgs, ro.p.T("err.deal.not_found", bot.Args{"Number": deal.Number}))
}
