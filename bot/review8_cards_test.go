package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// quotedCards has a manager "m" leading ООО «Ромашка» (#1, 7707083893) and
// an officer "o"; ООО «Ромашка-М» (#2, 7736207543) was merged into it.
func quotedCards(t *testing.T) (h *harness, survivor, dup *core.Client) {
	t.Helper()
	h = newHarness(t)
	m := h.addUser("m", "Максим", core.RoleManager)
	h.addUser("o", "Ольга", core.RoleOfficer)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	var err error
	if survivor, err = h.svc.CreateClient(ctx, admin, &core.Client{INN: "7707083893", KPP: "773601001",
		OGRN: "1027700132195", ShortName: "ООО «Ромашка»", ManagerID: m.ID}); err != nil {
		t.Fatal(err)
	}
	if dup, err = h.svc.CreateClient(ctx, admin, &core.Client{INN: "7736207543", ShortName: "ООО «Ромашка-М»",
		ManagerID: m.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err = h.svc.MergeClients(ctx, admin, survivor.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	h.delivered("m")
	return h, survivor, dup
}

// noDoubleQuotes fails when a text quotes a quoted name again.
func noDoubleQuotes(t *testing.T, what, text string) {
	t.Helper()
	for _, bad := range []string{"««", "»»", "«ООО «", "“ООО «"} {
		if strings.Contains(text, bad) {
			t.Errorf("%s quotes a name twice (%q):%s", what, bad, text)
		}
	}
}

// TestMergedCardNamesTheCards (review of issue 8): work refused on a merged
// card names both cards (the one that stays with its INN), not bare ids;
// the merged card says which card it went to and offers to open it.
func TestMergedCardNamesTheCards(t *testing.T) {
	h, survivor, _ := quotedCards(t)
	const named = "Карточка ООО «Ромашка-М» (#2) объединена с карточкой ООО «Ромашка» (#1, ИНН 7707083893): работайте с ней."

	if got := dump(h.say("m", "/task new Позвонить завтра 7736207543")); !strings.Contains(got, named) {
		t.Errorf("/task new on the merged card's INN:%s", got)
	}
	h.say("m", "/cancel")
	if got := dump(h.say("o", "/edit 7736207543 адрес г. Москва")); !strings.Contains(got, named) {
		t.Errorf("/edit of the merged card:%s", got)
	}
	if got := dump(h.say("o", "/merge 7707083893 7736207543")); !strings.Contains(got, named) {
		t.Errorf("/merge of the merged card's INN:%s", got)
	}

	card := h.say("m", "/client 7736207543")
	if got := dump(card); !strings.Contains(got, "Объединена с карточкой ООО «Ромашка» (#1, ИНН 7707083893)") {
		t.Fatalf("the merged card:%s", got)
	}
	opened := h.press("m", card, "Открыть карточку #1")
	if got := opened[len(opened)-1].Text; !strings.HasPrefix(got, survivor.Name()+" (ЮЛ), карточка #1") {
		t.Fatalf("«Открыть карточку #1» opened:%s", dump(opened))
	}
}

// TestMergeConfirmationSaysContactsMove (review of issue 8): merging cards
// of different INNs says that contacts move too.
func TestMergeConfirmationSaysContactsMove(t *testing.T) {
	h, _, _, _ := mergeCards(t)
	if got := dump(h.say("o", "/merge 1 2")); !strings.Contains(got, "Сделки, задачи, счета и контакты #2 перейдут в #1") {
		t.Fatalf("confirmation:%s", got)
	}
}

// TestNamesAreNotQuotedTwice (review of issue 8): a card's name that has
// quotes of its own is not put in quotes again: the edit's questions, the
// saved edit, the manager's notice, the /clients line of a merged card,
// /merge by name, the OGRN another card has.
func TestNamesAreNotQuotedTwice(t *testing.T) {
	h, _, _ := quotedCards(t)
	msgs := h.say("o", "/edit 7707083893")
	if got := dump(msgs); !strings.Contains(got, "Что изменить в карточке ООО «Ромашка», 7707083893?") {
		t.Errorf("the field question:%s", got)
	}
	noDoubleQuotes(t, "the field question", dump(msgs))
	msgs = h.press("o", msgs, "Контакты")
	if got := dump(msgs); !strings.Contains(got, "Контакты карточки ООО «Ромашка»:") {
		t.Errorf("the contacts:%s", got)
	}
	noDoubleQuotes(t, "the contacts", dump(msgs))
	h.say("o", "/cancel")
	msgs = h.press("o", h.say("o", "/edit 7707083893 адрес г. Москва, ул. Вавилова, д. 19"), "Без причины")
	noDoubleQuotes(t, "the saved edit", dump(msgs))
	told := dump(h.delivered("m"))
	if !strings.Contains(told, "В карточке клиента ООО «Ромашка» (ИНН 7707083893)") {
		t.Errorf("the manager's notice:%s", told)
	}
	noDoubleQuotes(t, "the manager's notice", told)
	list := dump(h.say("o", "/clients ромашка"))
	if !strings.Contains(list, "7736207543 — ООО «Ромашка-М» (объединена с карточкой ООО «Ромашка» #1)") {
		t.Errorf("/clients:%s", list)
	}
	noDoubleQuotes(t, "/clients", list)
	deal := dump(h.say("m", "/deal new 7736207543 Лизинг 100 000"))
	if !strings.Contains(deal, "Карточка ООО «Ромашка-М» (#2) объединена с карточкой ООО «Ромашка» (#1, ИНН 7707083893)") {
		t.Errorf("/deal new on the merged card:%s", deal)
	}
	h.say("m", "/cancel")
	if got := dump(h.say("o", "/merge ромашка")); !strings.Contains(got, "нашлась одна карточка — ООО «Ромашка» #1,") {
		t.Errorf("/merge by name:%s", got)
	}

	_, err := h.svc.CreateClient(context.Background(), core.Actor{User: h.admin}, &core.Client{INN: "7728168971",
		OGRN: "1027700132195", ShortName: "Альфа"})
	key, args := core.ErrorKey(err)
	if key != "err.client.ogrn_taken" {
		t.Fatalf("a taken OGRN: %v", err)
	}
	if got := h.p.T(key, args); !strings.Contains(got, "в карточке ООО «Ромашка» с другим ИНН") {
		t.Errorf("a taken OGRN: %s", got)
	}
}
