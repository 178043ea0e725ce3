package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestClientFromRegistryInTwoMessages: with a registry configured,
// /client <INN> of an INN with no card shows the registry's record (name,
// KPP, OGRN, address, director, status, risks) and one «Создать»; its press
// writes the card from the record, verified and audited, with the manager
// responsible: a client in two messages, the registry asked once. The
// button works once.
func TestClientFromRegistryInTwoMessages(t *testing.T) {
	reg := &registry{records: map[string]*core.RegistryRecord{"7707083893": sberbank()}}
	h := newIntakeHarness(t, reg)
	shown := h.say("m", "/client 7707083893")
	if len(shown) != 1 {
		t.Fatalf("want one message:%s", dump(shown))
	}
	text := shown[0].Text
	for _, want := range []string{
		h.p.T("msg.client.registry", bot.Args{"INN": "7707083893", "Source": "dadata"}),
		"ПАО Сбербанк — действующее", "Полное наименование: ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО «СБЕРБАНК РОССИИ»",
		"КПП 773601001", "ОГРН 1027700132195", "Адрес: г Москва, ул Вавилова, д 19",
		"Руководитель: Греф Герман Оскарович (президент)", "массовый руководитель (12 компаний)",
		h.p.T("msg.client.registry_create", nil),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the record lacks %q:\n%s", want, text)
		}
	}
	create := h.p.T("btn.create", nil)
	if b := buttonOf(t, h, shown, create); b.Action != core.ActionClientNew || !strings.Contains(b.Payload, `"registry":true`) {
		t.Errorf("«Создать» = %s %q", b.Action, b.Payload)
	}
	noButton(t, shown, h.p.T("btn.client.create_manual", nil))

	created := h.press("m", shown, create)
	got := dump(created)
	if !strings.Contains(got, h.p.T("msg.client.created_registry", bot.Args{"Source": "dadata"})) ||
		!strings.Contains(got, "ПАО Сбербанк (ЮЛ), карточка #1") {
		t.Fatalf("after «Создать»:%s", got)
	}
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	cs, err := h.svc.FindClientsByINN(ctx, admin, "7707083893")
	if err != nil || len(cs) != 1 {
		t.Fatalf("cards = %v, %v", cs, err)
	}
	c := cs[0]
	m := h.user("test:m")
	if c.KPP != "773601001" || c.OGRN != "1027700132195" || c.Director != "Греф Герман Оскарович (президент)" ||
		c.Verification.Status != core.ProblemsFound || c.Verification.Source != "dadata" || c.ManagerID != m.ID {
		t.Fatalf("card = %+v", c)
	}
	if chs := h.changes(core.EntityClient, c.ID); len(chs) == 0 || chs[0].Reason != "registry" || chs[0].ActorID != m.ID {
		t.Fatalf("audit = %+v", chs)
	}
	if reg.calls != 1 {
		t.Errorf("the registry was asked %d times; want once", reg.calls)
	}
	// The button works once; the INN now shows its card.
	h.want(h.press("m", shown, create), "err.button.used", nil)
	if card := h.say("m", "/client 7707083893"); !strings.HasPrefix(card[0].Text, "ПАО Сбербанк (ЮЛ), карточка #1") {
		t.Fatalf("the card:%s", dump(card))
	}
}

// TestClientFromRegistryWhenItCannot: a registry that is down, one that
// does not know the INN, and a record whose OGRN another INN's card has
// are said plainly, with the card by hand offered; a role that may not
// create cards sees the record without «Создать»; with no registry the
// dialog is offered as before.
func TestClientFromRegistryWhenItCannot(t *testing.T) {
	reg := &registry{down: true}
	h := newIntakeHarness(t, reg)
	manual := h.p.T("btn.client.create_manual", nil)
	down := h.say("m", "/client 7707083893")
	h.want(down, "msg.client.registry_unavailable", bot.Args{"INN": "7707083893",
		"Failures": []bot.Args{{"Source": "dadata", "Key": core.ErrRegistryDown}}})
	wantButton(t, h, down, manual, core.ActionClientNew, "7707083893")
	h.want(h.press("m", down, manual), "flow.client.name", nil)
	h.say("m", "/cancel")

	reg.mu.Lock()
	reg.down = false
	reg.mu.Unlock()
	unknown := h.say("m", "/client 7736207543")
	h.want(unknown, "msg.client.registry_not_found", bot.Args{"INN": "7736207543"})
	wantButton(t, h, unknown, manual, core.ActionClientNew, "7736207543")

	// The registry's OGRN is on the card of another INN: «Создать» would be
	// refused, so it is not offered.
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	if _, err := h.svc.CreateClient(ctx, admin, &core.Client{INN: "7728168971", ShortName: "Альфа", OGRN: "1027700132195"}); err != nil {
		t.Fatal(err)
	}
	reg.mu.Lock()
	reg.records = map[string]*core.RegistryRecord{"7707083893": sberbank()}
	reg.mu.Unlock()
	taken := h.say("m", "/client 7707083893")
	if !strings.Contains(taken[0].Text, h.p.T("err.client.ogrn_taken", bot.Args{"OGRN": "1027700132195", "Name": "Альфа"})) {
		t.Errorf("the record does not say the OGRN is taken:%s", dump(taken))
	}
	noButton(t, taken, h.p.T("btn.create", nil))
	wantButton(t, h, taken, manual, core.ActionClientNew, "7707083893")

	// A lawyer sees the record, and nothing to create.
	h.addUser("l", "Лев", core.RoleLawyer)
	reg.mu.Lock()
	reg.records["7736207543"] = &core.RegistryRecord{Source: "dadata", Kind: core.KindLegal, INN: "7736207543",
		KPP: "770401001", OGRN: "1027700229193", ShortName: "ООО «ЯНДЕКС»", Status: core.StatusActive}
	reg.mu.Unlock()
	seen := h.say("l", "/client 7736207543")
	if !strings.Contains(seen[0].Text, "ООО «ЯНДЕКС» — действующее") {
		t.Errorf("the lawyer's record:%s", dump(seen))
	}
	noButton(t, seen, h.p.T("btn.create", nil))
	noButton(t, seen, manual)

	// Without a registry: the step-by-step dialog, as before.
	plain := newHarness(t)
	plain.want(plain.say("admin", "/client 7707083893"), "msg.client.not_found", bot.Args{"INN": "7707083893"})
}

// TestClientFromRegistryWhenTheRegistryGoesDown: the record was shown, the
// cache has expired and the registry is down when «Создать» is pressed:
// nothing is written, and the answer offers the card by hand.
func TestClientFromRegistryWhenTheRegistryGoesDown(t *testing.T) {
	reg := &registry{records: map[string]*core.RegistryRecord{"7707083893": sberbank()}}
	h := newHarness(t)
	h.reopen(core.WithRegistries(reg), core.WithRegistryTTL(1))
	h.addUser("m", "Максим", core.RoleManager)
	shown := h.say("m", "/client 7707083893")
	reg.mu.Lock()
	reg.down = true
	reg.mu.Unlock()
	got := h.press("m", shown, h.p.T("btn.create", nil))
	h.want(got, "err.client.registry_unavailable", bot.Args{"INN": "7707083893"})
	wantButton(t, h, got, h.p.T("btn.client.create_manual", nil), core.ActionClientNew, "7707083893")
	if _, err := h.svc.FindClientsByINN(context.Background(), core.Actor{User: h.admin}, "7707083893"); !core.IsNotFound(err) {
		t.Fatalf("a card was written: %v", err)
	}
}
