package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestEditContactAddChangeRemove: a contact is added in one message (and
// «Без причины»), its phone changed through its ✎ button, and it is removed
// through its ✕ button, each in at most three messages or taps; the history
// shows the contacts readably.
func TestEditContactAddChangeRemove(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.say("m", "/edit 7707083893 контакт Иванов Иван; директор по закупкам; 8 (999) 123 45 67; Ivanov@Example.RU")
	h.wantIn(msgs, "Новый контакт: Иванов Иван, директор по закупкам, +7 999 123-45-67, ivanov@example.ru")
	h.wantIn(h.press("m", msgs, "Без причины"), "Контакт добавлен")
	want := core.Contact{Name: "Иванов Иван", Position: "директор по закупкам", Phone: "+7 999 123-45-67",
		Email: "ivanov@example.ru"}
	if got := h.client(h.card.ID).Contacts; !slices.Equal(got, []core.Contact{want}) {
		t.Fatalf("contacts = %+v", got)
	}

	// A second one, then the first one's phone through ✎ 1.
	h.press("m", h.say("m", "/edit 7707083893 контакт Петров Пётр; бухгалтер"), "Без причины")
	msgs = h.say("m", "/edit 7707083893 контакты")
	h.wantIn(msgs, "1. Иванов Иван", "2. Петров Пётр, бухгалтер")
	msgs = h.press("m", msgs, "✎ 1")
	h.wantIn(msgs, "Контакт сейчас: Иванов Иван")
	msgs = h.say("m", "+7 999 12") // not a phone: the rule, and asked again
	if !strings.Contains(dump(msgs), h.p.T("err.contact.phone", map[string]any{"Text": "+7 999 12"})) {
		t.Fatalf("no rule:%s", dump(msgs))
	}
	h.wantIn(msgs, "Контакт сейчас: Иванов Иван")
	msgs = h.say("m", "тел. +7 912 000 00 00")
	h.wantIn(msgs, "→ Иванов Иван, директор по закупкам, +7 912 000-00-00, ivanov@example.ru")
	h.wantIn(h.say("m", "сменил номер"), "Контакт изменён")

	// Removed in three taps from the list.
	msgs = h.say("m", "/edit 7707083893 контакты")
	msgs = h.press("m", msgs, "✕ 2")
	h.wantIn(msgs, "Удалить контакт: Петров Пётр, бухгалтер")
	h.wantIn(h.press("m", msgs, "Без причины"), "Контакт удалён: Петров Пётр, бухгалтер")
	want.Phone = "+7 912 000-00-00"
	if got := h.client(h.card.ID).Contacts; !slices.Equal(got, []core.Contact{want}) {
		t.Fatalf("contacts = %+v", got)
	}
	if ec := h.client(h.card.ID).EmailContact(); ec == nil || ec.Email != "ivanov@example.ru" {
		t.Fatalf("EmailContact = %+v", ec)
	}
	hist := dump(h.say("m", "/history 7707083893"))
	for _, s := range []string{"контакт добавлен: Петров Пётр, бухгалтер", "контакт удалён: Петров Пётр, бухгалтер",
		"(причина: сменил номер)"} {
		if !strings.Contains(hist, s) {
			t.Errorf("history lacks %q:%s", s, hist)
		}
	}
	if strings.Contains(hist, "{") {
		t.Errorf("history shows Go structs:%s", hist)
	}
}

// TestEditAccountAndPick: a name fragment that matches several cards
// offers them as buttons; the chosen card gets the account typed with the
// command; a wrong account is refused with what is wrong.
func TestEditAccountAndPick(t *testing.T) {
	h := newEditHarness(t)
	h.addUser("head", "Глеб", core.RoleHead)
	if _, err := h.svc.CreateClient(context.Background(), core.Actor{User: h.admin},
		&core.Client{INN: "7707083893", KPP: "784243001", ShortName: "Северо-Западный банк ПАО Сбербанк"}); err != nil {
		t.Fatal(err)
	}
	msgs := h.say("o", "/edit сбербанк счёт 044525225 40702810938000000002")
	h.wantIn(msgs, "Нашлось несколько карточек")
	msgs = h.press("o", msgs, "ПАО Сбербанк, 7707083893/773601001")
	if !strings.Contains(dump(msgs), "не сходится контрольная цифра") {
		t.Fatalf("no rule:%s", dump(msgs))
	}
	h.wantIn(msgs, "Чтобы добавить счёт")
	msgs = h.say("o", "БИК 044525225 р/с 40702810938000000001")
	h.wantIn(msgs, "Новый счёт: 40702810938000000001 (044525225)")
	h.wantIn(h.press("o", msgs, "Без причины"), "Счёт добавлен")
	if got := h.client(h.card.ID).Accounts; len(got) != 1 || got[0].Account != "40702810938000000001" {
		t.Fatalf("accounts = %+v", got)
	}
	// «Изменить ещё» (the card edit action) → Счета → ✕ 1 → a reason (no
	// «Без причины»: it waits for approval): bank details the card has are
	// removed once a head approves.
	msgs = h.press("o", h.rec.sentLast(), "Изменить ещё")
	msgs = h.press("o", msgs, "Счета")
	msgs = h.press("o", msgs, "✕ 1")
	h.wantIn(msgs, "Удалить счёт: 40702810938000000001 (044525225)", "второго одобрения")
	h.wantIn(h.say("o", "счёт закрыт"), "Ждёт одобрения", "Причина: счёт закрыт")
	if got := h.client(h.card.ID).Accounts; len(got) != 1 {
		t.Fatalf("accounts = %+v before the approval", got)
	}
	h.pressDelivered("head", "Одобрить")
	if got := h.client(h.card.ID).Accounts; len(got) != 0 {
		t.Fatalf("accounts = %+v", got)
	}
}

// TestEditCardRegistryField: a field a registry confirmed needs a reason;
// the INN is refused with the rule; a head may not edit cards.
func TestEditCardRegistryField(t *testing.T) {
	h := newEditHarness(t)
	err := h.db.Update(context.Background(), func(tx core.Tx) error {
		c, err := tx.ClientByID(h.card.ID)
		if err != nil {
			return err
		}
		c.Address = "г Москва, ул Вавилова, д 19"
		c.Verification = core.Verification{Status: core.Verified, Source: "dadata", At: h.clock.Now()}
		return tx.UpdateClient(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := h.say("o", "/edit 7707083893 адрес г. Москва, ул. Вавилова, д. 19, стр. 1")
	h.wantIn(msgs, "Адрес: г Москва, ул Вавилова, д 19 → г. Москва, ул. Вавилова, д. 19, стр. 1",
		"подтвердил реестр")
	if strings.Contains(dump(msgs), "Без причины") {
		t.Fatalf("«Без причины» offered:%s", dump(msgs))
	}
	h.wantIn(h.say("o", "уточнили по выписке"), "Сохранено")
	if ch := h.lastChange(core.EntityClient, h.card.ID); ch.Field != "address" || ch.Reason != "уточнили по выписке" {
		t.Fatalf("audited %+v", ch)
	}

	msgs = h.say("o", "/edit 7707083893 ИНН 7736207543")
	if !strings.Contains(dump(msgs), h.p.T("err.edit.identity", nil)) {
		t.Fatalf("INN edited?%s", dump(msgs))
	}
	if got := h.client(h.card.ID).INN; got != "7707083893" {
		t.Fatalf("INN = %s", got)
	}

	h.addUser("head", "Глеб", core.RoleHead)
	h.want(h.say("head", "/edit 7707083893 адрес Москва"), "err.forbidden", nil)
}

// TestEditStale: an edit waiting for its reason while someone else changes
// the field is refused, says so, and ends.
func TestEditStale(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.say("m", "/edit D-2026-0001 название Лизинг станков")
	h.press("o", h.say("o", "/edit D-2026-0001 название Лизинг оборудования"), "Без причины")
	h.want(h.press("m", msgs, "Без причины"), "err.edit.stale", map[string]any{"Label": "D-2026-0001 «Лизинг»"})
	if got := h.dealNow().Title; got != "Лизинг оборудования" {
		t.Fatalf("title = %q", got)
	}
	h.want(h.say("m", "причина"), "msg.unknown_text", nil) // the dialog is over
}
