package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

func (h *fixOffice) client() *core.Client {
	h.t.Helper()
	cl, err := h.svc.ClientByID(context.Background(), core.Actor{User: h.admin}, h.card.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return cl
}

func (h *fixOffice) pending() []*core.Correction {
	h.t.Helper()
	cs, err := h.svc.PendingCorrectionsFor(context.Background(), core.Actor{User: h.admin})
	if err != nil {
		h.t.Fatal(err)
	}
	return cs
}

// TestFixBadInputChangesNothing: an INN with a bad checksum, a KPP another
// card has, a missing reason, a manager's /fix and /edit of the INN are
// each refused with the reason; the card, its history and the queue of
// corrections stay as they were.
func TestFixBadInputChangesNothing(t *testing.T) {
	h := newFixOffice(t)
	if _, err := h.svc.CreateClient(context.Background(), core.Actor{User: h.admin}, &core.Client{INN: "7707083893",
		KPP: "784243001", ShortName: "Северо-Западный банк ПАО Сбербанк"}); err != nil {
		t.Fatal(err)
	}
	before := len(h.changes(core.EntityClient, h.card.ID))

	msgs := h.say("o", "/fix #"+id(h.card.ID)+" инн 7707083894 причина: опечатка")
	fixHas(t, "bad INN", dump(msgs), h.p.T("err.inn.checksum", map[string]any{"INN": "7707083894"}), "ИНН сейчас: 7707083893")
	fixHas(t, "cancel", lastText(h.say("o", "Отмена")), "Корректировка отменена")

	msgs = h.say("o", "/fix #"+id(h.card.ID)+" кпп 784243001 причина: опечатка")
	fixHas(t, "taken KPP", dump(msgs), "ИНН/КПП 7707083893/784243001 уже у другой карточки", "ничего не изменено")

	msgs = h.say("o", "/fix #"+id(h.card.ID)+" кпп 773601002")
	fixHas(t, "reason question", lastText(msgs), "КПП: 773601001 → 773601002", "после одобрения (руководитель или юрист)")
	fixHas(t, "no reason", dump(h.say("o", "-")), h.p.T("err.fix.reason_required", nil))
	fixHas(t, "cancel", lastText(h.say("o", "Отмена")), "Корректировка отменена")

	h.want(h.say("m", "/fix 7707083893 кпп 773601002 причина: опечатка"), "err.forbidden", nil)
	msgs = h.press("o", h.say("o", "/edit 7707083893 ИНН 7736207543"), "ПАО Сбербанк, 7707083893/773601001")
	fixHas(t, "/edit of the INN", dump(msgs), "/fix <ИНН> инн <новый>")
	h.say("o", "Отмена")

	if got := h.client(); got.INN != "7707083893" || got.KPP != "773601001" {
		t.Fatalf("card = %s/%s", got.INN, got.KPP)
	}
	if got := len(h.changes(core.EntityClient, h.card.ID)); got != before {
		t.Fatalf("refused corrections wrote %d changes", got-before)
	}
	if p := h.pending(); len(p) != 0 {
		t.Fatalf("pending: %+v", p)
	}
}

// TestFixApprovalInHeadsChat: the approval request goes to the heads'
// work chat; there the head who proposed it may not approve it (told
// privately), nor may a manager; another head approves it once, and a
// second press does nothing more.
func TestFixApprovalInHeadsChat(t *testing.T) {
	h := newFixOffice(t)
	ctx := context.Background()
	if err := h.svc.BindChat(ctx, core.Actor{User: h.admin}, &core.WorkChat{Platform: "test", ChatID: group,
		Title: "Руководители", Purpose: core.PurposeHeads}); err != nil {
		t.Fatal(err)
	}
	h.addUser("head2", "Гульнара", core.RoleHead)
	deal, err := h.svc.CreateDeal(ctx, core.Actor{User: h.admin}, &core.Deal{ClientID: h.card.ID, Title: "Лизинг",
		Amount: 1_500_000_00, ManagerID: h.m.ID})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	p := h.usePopups()

	fixHas(t, "proposal", lastText(h.say("head", "/fix "+deal.Number+" сумма 2 000 000 причина: допсоглашение №2")),
		"Корректировка #1 ждёт одобрения")
	if told := h.deliver(); !strings.Contains(told[group], "Корректировка #1 ждёт вашего одобрения") || told["head2"] != "" {
		t.Fatalf("asked %q", told)
	}
	ask := inChat(h.sent, group)

	if sent := h.pressInGroup("head", ask, "Одобрить"); len(sent) != 0 {
		t.Fatalf("the author's press answered in the group: %s", dump(sent))
	}
	if got := p.takePopups(); len(got) != 1 || !strings.Contains(got[0], "предложили вы") {
		t.Fatalf("pop-ups = %q", got)
	}
	if sent := h.pressInGroup("m", ask, "Одобрить"); len(sent) != 0 {
		t.Fatalf("a manager's press answered in the group: %s", dump(sent))
	}
	p.takePopups()
	amount := func() core.Money {
		d, err := h.svc.DealByID(ctx, core.Actor{User: h.admin}, deal.ID)
		if err != nil {
			t.Fatal(err)
		}
		return d.Amount
	}
	if amount() != 1_500_000_00 {
		t.Fatal("approved by its author or a manager")
	}
	changes := len(h.changes(core.EntityDeal, deal.ID))
	fixHas(t, "approval", dump(h.pressInGroup("head2", ask, "Одобрить")), "Корректировка #1 одобрена (Гульнара) и применена")
	if amount() != 2_000_000_00 {
		t.Fatalf("amount = %d", amount())
	}
	h.pressInGroup("head2", ask, "Одобрить")
	if got := len(h.changes(core.EntityDeal, deal.ID)); got != changes+1 {
		t.Fatalf("two presses wrote %d changes", got-changes)
	}
}

// TestFixRejectAndList: /corrections lists what waits, with «Одобрить» and
// «Отклонить» for an approver and «Отклонить» (withdraw) for its author;
// a rejection asks the reason and tells the author; /approvers shows and
// sets who approves.
func TestFixRejectAndList(t *testing.T) {
	h := newFixOffice(t)
	h.say("o", "/fix 7707083893 кпп 773601002 причина: опечатка")
	h.say("o", "/fix 7707083893 огрн 1027700132195 причина: по выписке") // fills an empty OGRN: at once
	h.say("o", "/fix 7707083893 счёт добавить "+fixBIK+" "+fixNew+" причина: второй счёт")
	if got := h.client(); got.OGRN != "1027700132195" || len(got.Accounts) != 1 {
		t.Fatalf("card = %+v", got)
	}
	h.deliver()

	msgs := h.say("head", "/corrections")
	fixHas(t, "list", lastText(msgs), "Ждут одобрения 2 корректировки", "#1", "КПП: 773601001 → 773601002",
		"#3", "Новый счёт: "+fixNew+" ("+fixBIK+")")
	msgs = h.press("head", msgs, "Отклонить #1")
	fixHas(t, "reject question", lastText(msgs), "Почему корректировка #1 отклоняется")
	fixHas(t, "rejected", lastText(h.say("head", "КПП верный, см. выписку")), "Корректировка #1 отклонена",
		"Причина отказа: КПП верный, см. выписку")
	fixHas(t, "author told", h.deliver()["o"], "Корректировка #1 отклонена", "Кто отклонил: Глеб")
	if h.client().KPP != "773601001" {
		t.Fatal("a rejected correction was written")
	}

	own := h.say("o", "/corrections")
	fixHas(t, "author's list", lastText(own), "Ждёт одобрения 1 корректировка", "#3")
	if labels := dealLabelsOf(own); len(labels) != 1 || labels[0] != "Отозвать #3" {
		t.Fatalf("author's buttons = %q", labels)
	}
	h.want(h.say("u", "/corrections"), "msg.fix.none_pending", nil)

	fixHas(t, "approvers", lastText(h.say("admin", "/approvers")), "одобряет: руководитель или юрист")
	fixHas(t, "approvers set", lastText(h.say("admin", "/approvers юрист")), "Теперь корректировки чувствительных полей одобряет: юрист")
	msgs = h.say("head", "/corrections")
	if labels := dealLabelsOf(msgs); len(labels) != 0 {
		t.Fatalf("a head may no longer approve, offered %q", labels)
	}
	h.want(h.say("head", "/approvers юрист"), "err.forbidden", nil)
}

// TestFixFromCardWithRequest: a card's «Корректировка» starts the dialog
// with the card's fields as buttons; a field, a value and a reason, then
// the card's open request is offered and linked by one tap.
func TestFixFromCardWithRequest(t *testing.T) {
	h := newFixOffice(t)
	r, err := h.svc.CreateRequest(context.Background(), core.Actor{User: h.u}, core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{ClientID: h.card.ID}, Text: "Адрес в карточке устарел"})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	msgs := h.press("o", h.say("o", "/client 7707083893"), "Корректировка")
	fixHas(t, "fields", lastText(msgs), "Что исправить в карточке «ПАО Сбербанк, 7707083893»?")
	msgs = h.press("o", msgs, "Адрес")
	fixHas(t, "value", lastText(msgs), "Адрес сейчас: —")
	msgs = h.say("o", "г. Москва, ул. Вавилова, д. 19")
	fixHas(t, "reason", lastText(msgs), "Адрес: — → г. Москва, ул. Вавилова, д. 19", "Напишите причину")
	msgs = h.say("o", "по выписке ЕГРЮЛ")
	fixHas(t, "request", lastText(msgs), "По какому обращению")
	msgs = h.press("o", msgs, "#"+id(r.ID)+": Адрес в карточке устарел")
	fixHas(t, "applied", lastText(msgs), "Корректировка #1 применена", "По обращению #"+id(r.ID))
	if got := h.client().Address; got != "г. Москва, ул. Вавилова, д. 19" {
		t.Fatalf("address = %q", got)
	}
	fixHas(t, "requester told", h.deliver()["u"], "Корректировка #1 применена")
}
