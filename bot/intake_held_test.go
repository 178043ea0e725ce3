package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestIntakeSaysWhatItHeldForApproval (issue 11): an intake of a card
// that already has a bank account does not write the pasted one — it waits
// as a correction for a second approval — and the officer who applied the
// intake is told so, with the account and the approvers, rather than only
// «Карточка сохранена».
func TestIntakeSaysWhatItHeldForApproval(t *testing.T) {
	reg := &registry{records: map[string]*core.RegistryRecord{"7707083893": sberbank()}}
	h := newIntakeHarness(t, reg)
	h.addUser("head", "Глеб", core.RoleHead)
	ctx := context.Background()
	c, err := h.svc.CreateClient(ctx, core.Actor{User: h.admin, Source: "test"}, &core.Client{INN: "7707083893",
		KPP: "773601001", ShortName: "ПАО Сбербанк", Accounts: []core.BankAccount{{BIK: "044525225",
			BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225", Account: "40702810938000000001"}}})
	if err != nil {
		t.Fatal(err)
	}
	h.say("m", "/intake\nИНН/КПП 7707083893/773601001\nСокращённое наименование: ПАО Сбербанк\n"+
		"БИК 044525225\nк/с 30101810400000000225\nр/с 40702810938000012345")
	h.bot.DeliverDue(ctx, "test")
	notice := h.rec.take()
	report := h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token(t, notice, "Проверить")})
	applied := dump(h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup,
		Token: token(t, report, "Создать/обновить карточку")}))
	for _, want := range []string{"Карточка клиента сохранена", "В карточку не записано — ждёт второго одобрения",
		"40702810938000012345"} {
		if !strings.Contains(applied, want) {
			t.Fatalf("apply lacks %q:%s", want, applied)
		}
	}
	cs, err := h.svc.FindClientsByINN(ctx, core.Actor{User: h.admin}, "7707083893")
	if err != nil || cs[0].ID != c.ID || len(cs[0].Accounts) != 1 {
		t.Fatalf("card = %+v, %v", cs, err)
	}
}
