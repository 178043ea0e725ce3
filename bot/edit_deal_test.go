package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// editHarness has a manager «Максим» ("m") leading the Sberbank card and
// its deal D-2026-0001 of 1 500 000 ₽, a second manager «Марина» ("m2")
// and an officer «Ольга» ("o").
type editHarness struct {
	*harness
	m, m2, o *core.User
	card     *core.Client
	deal     *core.Deal
}

func newEditHarness(t *testing.T) *editHarness {
	t.Helper()
	h := &editHarness{harness: newHarness(t)}
	h.m = h.addUser("m", "Максим", core.RoleManager)
	h.m2 = h.addUser("m2", "Марина", core.RoleManager)
	h.o = h.addUser("o", "Ольга", core.RoleOfficer)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	var err error
	h.card, err = h.svc.CreateClient(ctx, admin, &core.Client{INN: "7707083893", KPP: "773601001",
		ShortName: "ПАО Сбербанк", ManagerID: h.m.ID})
	if err != nil {
		t.Fatal(err)
	}
	h.deal, err = h.svc.CreateDeal(ctx, admin, &core.Deal{ClientID: h.card.ID, Title: "Лизинг",
		Amount: 1_500_000_00, ManagerID: h.m.ID})
	if err != nil {
		t.Fatal(err)
	}
	h.bot.DeliverDue(ctx, "test") // the deal's notice to its manager
	h.rec.take()
	return h
}

func (h *editHarness) dealNow() *core.Deal {
	h.t.Helper()
	d, err := h.svc.DealByID(context.Background(), core.Actor{User: h.admin}, h.deal.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// lastChange is the deal's or card's last audit row.
func (h *editHarness) lastChange(e core.Entity, id int64) *core.Change {
	h.t.Helper()
	cs := h.changes(e, id)
	return cs[len(cs)-1]
}

// wantIn fails unless the last message has every one of the texts.
func (h *editHarness) wantIn(msgs []*bot.Message, texts ...string) {
	h.t.Helper()
	if len(msgs) == 0 {
		h.t.Fatalf("no reply; want %q", texts)
	}
	for _, s := range texts {
		if !strings.Contains(msgs[len(msgs)-1].Text, s) {
			h.t.Fatalf("reply lacks %q:%s", s, dump(msgs))
		}
	}
}

// TestEditDealAmountInOneMessage: /edit with the deal, field, value and
// reason shows old → new at once; a deal's amount is sensitive, so it
// waits for a head's approval, and once the head approves it by its button
// the audit trail has the manager's reason and both amounts.
func TestEditDealAmountInOneMessage(t *testing.T) {
	h := newEditHarness(t)
	h.addUser("head", "Глеб", core.RoleHead)
	msgs := h.say("m", "/edit D-2026-0001 сумма 2 000 000 причина: допсоглашение №2")
	h.wantIn(msgs, "Ждёт одобрения: D-2026-0001 «Лизинг»", "Сумма: 1\u00a0500\u00a0000,00\u00a0₽ → 2\u00a0000\u00a0000,00\u00a0₽",
		"Причина: допсоглашение №2", "корректировка #1", "руководитель или юрист")
	if got := h.dealNow().Amount; got != 1_500_000_00 {
		t.Fatalf("amount = %d before the approval", got)
	}
	h.pressDelivered("head", "Одобрить")
	if got := h.dealNow().Amount; got != 2_000_000_00 {
		t.Fatalf("amount = %d", got)
	}
	if ch := h.lastChange(core.EntityDeal, h.deal.ID); ch.Field != "amount" || ch.Old != "150000000" ||
		ch.New != "200000000" || ch.Reason != "допсоглашение №2" || ch.ActorID != h.m.ID {
		t.Fatalf("audited %+v", ch)
	}
	// Its history shows it with the reason.
	if hist := dump(h.say("m", "/history D-2026-0001")); !strings.Contains(hist, "допсоглашение №2") {
		t.Fatalf("history:%s", hist)
	}
}

// TestEditDealAmountWithoutReason: without a reason typed, old → new is
// shown with «Без причины» and «Отмена»; «Без причины» saves (a field that
// needs no approval, the title).
func TestEditDealAmountWithoutReason(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.say("m", "/edit D-2026-0001 название Лизинг станков")
	h.wantIn(msgs, "Название: Лизинг → Лизинг станков", "Без причины")
	if got := h.dealNow().Title; got != "Лизинг" {
		t.Fatalf("saved before the answer: %q", got)
	}
	h.wantIn(h.press("m", msgs, "Без причины"), "Сохранено")
	if ch := h.lastChange(core.EntityDeal, h.deal.ID); ch.Field != "title" || ch.New != "Лизинг станков" || ch.Reason != "" {
		t.Fatalf("audited %+v", ch)
	}
	// «Отмена» saves nothing.
	msgs = h.say("m", "/edit D-2026-0001 сумма 3 000 000")
	h.want(h.press("m", msgs, "Отмена"), "msg.edit.cancelled", nil)
	if got := h.dealNow().Amount; got != 1_500_000_00 {
		t.Fatalf("cancelled edit saved: %d", got)
	}
}

// TestEditDealButtons: /edit with the deal alone offers its fields as
// buttons: «Сумма» → the current amount and the question → a value → old →
// new → «Без причины» → saved; the reply's «Изменить ещё» (the deal edit
// action) offers the fields again.
func TestEditDealButtons(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.say("o", "/edit D-2026-0001")
	h.wantIn(msgs, "Что изменить в сделке D-2026-0001 «Лизинг»?")
	msgs = h.press("o", msgs, "Название")
	h.wantIn(msgs, "Название сейчас: Лизинг")
	msgs = h.say("o", "Лизинг станков")
	h.wantIn(msgs, "Название: Лизинг → Лизинг станков")
	msgs = h.press("o", msgs, "Без причины")
	h.wantIn(msgs, "Сохранено")
	if got := h.dealNow().Title; got != "Лизинг станков" {
		t.Fatalf("title = %q", got)
	}
	// The manager is told of the officer's edit.
	h.bot.DeliverDue(context.Background(), "test")
	if told := dump(h.rec.take()); !strings.Contains(told, "В сделке D-2026-0001 «Лизинг станков» изменение: название: Лизинг → Лизинг станков. Автор: Ольга.") {
		t.Fatalf("the manager was not told:%s", told)
	}

	// «Изменить ещё» → a field typed with its value in one message → reason.
	msgs = h.press("o", msgs, "Изменить ещё")
	h.wantIn(msgs, "Что изменить в сделке")
	msgs = h.say("o", "срок подписания 15.12.2026")
	h.wantIn(msgs, "Срок подписания: — → 15.12.2026 18:00 (время по умолчанию)")
	msgs = h.say("o", "по графику клиента")
	h.wantIn(msgs, "Сохранено", "Причина: по графику клиента")
	if got := h.dealNow().SigningDue; got.IsZero() {
		t.Fatal("signing date not saved")
	}
}

// TestEditDealBadValue: a wrong value is answered with its rule and the
// value is asked again; nothing is written until a good one comes.
func TestEditDealBadValue(t *testing.T) {
	h := newEditHarness(t)
	before := len(h.changes(core.EntityDeal, h.deal.ID))
	msgs := h.say("m", "/edit D-2026-0001 сумма 0")
	if !strings.Contains(dump(msgs), h.p.T("err.amount.zero", nil)) {
		t.Fatalf("no rule:%s", dump(msgs))
	}
	h.wantIn(msgs, "Сумма сейчас:", "Новая сумма")
	msgs = h.say("m", "полтора миллиона")
	if !strings.Contains(dump(msgs), h.p.T("err.amount.format", bot.Args{"Text": "полтора миллиона"})) {
		t.Fatalf("no rule:%s", dump(msgs))
	}
	h.wantIn(msgs, "Новая сумма")
	if got := len(h.changes(core.EntityDeal, h.deal.ID)); got != before {
		t.Fatalf("a bad value wrote %d changes", got-before)
	}
	// An amount waits for a second approval: its reason is asked for, not
	// offered to be skipped.
	h.wantIn(h.say("m", "1 600 000"), "→ 1\u00a0600\u00a0000,00\u00a0₽", "второго одобрения")

	// A field that is not a deal's: the rule, then the fields again.
	msgs = h.say("m", "/edit D-2026-0001 стадия действует")
	if !strings.Contains(dump(msgs), h.p.T("err.edit.stage", nil)) {
		t.Fatalf("no rule:%s", dump(msgs))
	}
	h.wantIn(msgs, "Что изменить в сделке")
}

// TestEditDealReasonRequired: from «согласование» on, the amount is not
// saved without a reason: no «Без причины», and «-» is answered with the
// rule.
func TestEditDealReasonRequired(t *testing.T) {
	h := newEditHarness(t)
	err := h.db.Update(context.Background(), func(tx core.Tx) error {
		d, err := tx.DealByID(h.deal.ID)
		if err != nil {
			return err
		}
		d.Stage = core.StageApproval
		return tx.UpdateDeal(d)
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := h.say("m", "/edit D-2026-0001 оплата 20.12.2026")
	h.wantIn(msgs, "только с причиной")
	if strings.Contains(dump(msgs), "Без причины") {
		t.Fatalf("«Без причины» offered:%s", dump(msgs))
	}
	msgs = h.say("m", "-")
	if !strings.Contains(dump(msgs), h.p.T("err.edit.reason_required", nil)) {
		t.Fatalf("no rule:%s", dump(msgs))
	}
	if got := h.dealNow().PaymentDue; !got.IsZero() {
		t.Fatalf("saved without a reason: %v", got)
	}
	h.wantIn(h.say("m", "протокол разногласий"), "Сохранено")
	if ch := h.lastChange(core.EntityDeal, h.deal.ID); ch.Reason != "протокол разногласий" {
		t.Fatalf("audited %+v", ch)
	}
}

// TestEditDealManager: the deal goes to another manager by a button; both
// managers are told.
func TestEditDealManager(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.say("o", "/edit D-2026-0001 менеджер")
	h.wantIn(msgs, "Менеджер сейчас: Максим")
	msgs = h.press("o", msgs, "Марина (менеджер)")
	h.wantIn(msgs, "Менеджер: Максим → Марина")
	h.wantIn(h.press("o", msgs, "Без причины"), "Сохранено")
	if got := h.dealNow().ManagerID; got != h.m2.ID {
		t.Fatalf("manager = %d", got)
	}
	h.bot.DeliverDue(context.Background(), "test")
	told := map[string]string{}
	for _, m := range h.rec.take() {
		told[m.ChatID] += m.Text
	}
	if !strings.Contains(told["m2"], "Вам передана сделка D-2026-0001") ||
		!strings.Contains(told["m"], "передана другому менеджеру: Марина") {
		t.Fatalf("told %q", told)
	}
}

// TestEditInEnglish: field names and amounts are read in English; replies
// come in English.
func TestEditInEnglish(t *testing.T) {
	h := newEditHarness(t)
	h.say("m", "/lang en")
	msgs := h.say("m", "/edit D-2026-0001 amount 2,000,000.50 reason: addendum 2")
	h.wantIn(msgs, "Waiting for approval: D-2026-0001", "Amount: ₽1,500,000.00 → ₽2,000,000.50", "Reason: addendum 2",
		"head or lawyer")
	msgs = h.say("m", "/edit D-2026-0001 payment due 2026-12-20 12:00")
	h.wantIn(msgs, "Payment due: — → 2026-12-20 12:00", "No reason")
	h.wantIn(h.press("m", msgs, "No reason"), "Saved")
	msgs = h.say("m", "/edit 7707083893 address 19 Vavilova St, Moscow")
	h.wantIn(msgs, "Address: — → 19 Vavilova St, Moscow")
	h.wantIn(h.press("m", msgs, "No reason"), "Saved")
	if got := h.client(h.card.ID).Address; got != "19 Vavilova St, Moscow" {
		t.Fatalf("address = %q", got)
	}
}

// TestEditKeysExist: every editable field has its name and question in
// both languages.
func TestEditKeysExist(t *testing.T) {
	for _, lang := range []string{"ru", "en"} {
		p := bundle.Printer(lang, nil)
		for e, fields := range core.EditFields {
			for _, f := range fields {
				if !p.Has("edit.field." + string(e) + "." + f) {
					t.Errorf("%s: no name of %s.%s", lang, e, f)
				}
				if !p.Has("field." + string(e) + "." + f) {
					t.Errorf("%s: no history name of %s.%s", lang, e, f)
				}
			}
			if !p.Has("flow.edit.field."+string(e)) || !p.Has("flow.edit.reason_required."+string(e)) {
				t.Errorf("%s: no questions for %s", lang, e)
			}
		}
		for _, k := range []string{"amount", "date", "manager", "text", "optional_text"} {
			if !p.Has("flow.edit.value." + k) {
				t.Errorf("%s: no flow.edit.value.%s", lang, k)
			}
		}
		for _, f := range []string{"contacts", "accounts"} {
			for _, op := range []core.EditOp{core.EditAdd, core.EditChange, core.EditRemove} {
				if !p.Has("msg.edit.line." + f + "." + string(op)) {
					t.Errorf("%s: no line for %s %s", lang, op, f)
				}
			}
			if !p.Has("flow.edit.items." + f) {
				t.Errorf("%s: no list of %s", lang, f)
			}
		}
	}
}

// TestEditFromCards: the «Изменить» buttons of the deal card and of the
// client card start the edit with the record's fields; an edit from a card
// takes three messages or taps at most.
func TestEditFromCards(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.press("m", h.say("m", "/deal D-2026-0001"), h.p.T("btn.deal.edit", nil))
	h.wantIn(msgs, "Что изменить в сделке D-2026-0001 «Лизинг»?")
	msgs = h.say("m", "название Лизинг станков") // the field with its value: no value question
	h.wantIn(h.press("m", msgs, "Без причины"), "Сохранено")
	if got := h.dealNow().Title; got != "Лизинг станков" {
		t.Fatalf("title = %q", got)
	}

	msgs = h.press("o", h.say("o", "/client 7707083893"), h.p.T("btn.client.edit", nil))
	h.wantIn(msgs, "Что изменить в карточке «ПАО Сбербанк, 7707083893»?")
	h.wantIn(h.press("o", msgs, "Директор"), "Новое значение")
	h.wantIn(h.say("o", "Греф Герман Оскарович причина: по уставу"), "Сохранено", "Директор: — → Греф Герман Оскарович",
		"Причина: по уставу")
	if got := h.client(h.card.ID).Director; got != "Греф Герман Оскарович" {
		t.Fatalf("director = %q", got)
	}
}
