package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestHistoryShowsStagesAndEditsToTheFirstEntry: a deal moved through every
// stage to closed won, with an amount edited on the way with a reason, and
// a second deal closed lost: the history shows each move with its reason in
// the reader's language (a typed reason as typed) beside the edit, and the
// pages reach the deal's creation.
func TestHistoryShowsStagesAndEditsToTheFirstEntry(t *testing.T) {
	h, d := historyDeal(t)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	move := func(d *core.Deal, to core.Stage, reason string) *core.Deal {
		t.Helper()
		h.clock.Add(time.Minute)
		got, err := h.svc.MoveDeal(ctx, admin, d.ID, d.Stage, to, reason)
		if err != nil {
			t.Fatalf("%s → %s: %v", d.Stage, to, err)
		}
		return got
	}
	for next, ok := d.Stage.Next(); ok; next, ok = d.Stage.Next() {
		d = move(d, next, "")
		if next == core.StageApproval {
			editDeal(t, h, d, "скидка по договорённости", func(d *core.Deal) { d.Amount = 900_000_00 })
		}
	}
	move(d, core.StageClosedWon, "")
	lost, err := h.svc.CreateDeal(ctx, admin, &core.Deal{ClientID: d.ClientID, Title: "Кредит", ManagerID: d.ManagerID})
	if err != nil {
		t.Fatal(err)
	}
	move(lost, core.StageClosedLost, "клиент выбрал другой банк")

	text := allPages(t, h, "admin", d.Number)
	for _, want := range []string{
		"сделка D-2026-0001 · создание: номер D-2026-0001",
		"стадия: новая → проверка (причина: следующая стадия)",
		"стадия: документы → согласование (причина: следующая стадия)",
		"сумма: — → 900\u00a0000,00\u00a0₽ (причина: скидка по договорённости)",
		"стадия: подписание → действует (причина: следующая стадия)",
		"стадия: действует → закрыта (успех) (причина: сделка успешно закрыта)",
		"— 8 записей",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("deal history lacks %q:%s", want, text)
		}
	}
	text = allPages(t, h, "admin", "7707083893")
	for _, want := range []string{
		"сделка D-2026-0002 · стадия: новая → закрыта (отказ) (причина: клиент выбрал другой банк)",
		"сделка D-2026-0001 · стадия: действует → закрыта (успех)",
		"клиент ПАО Сбербанк, 7707083893 · создание:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("client history lacks %q:%s", want, text)
		}
	}
}
