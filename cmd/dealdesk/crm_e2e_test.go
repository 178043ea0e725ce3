package main

import (
	"strings"
	"testing"
)

// TestEverydayCRMThroughTheConsole is issue 8's "Done when" tried as a new
// user would in the console, with DaData's fake as the registry: a client
// in two messages (/client <INN>, «Создать»), a deal in one message plus
// «Создать», the deal moved through every stage by its card's buttons to
// closed won, its amount edited with a reason, a second deal closed lost
// with a reason, and /history showing the stage moves and the edit with
// names and deal numbers, paged back with «Ранее» to the client's creation.
// Each run is a new start of DealDesk on the same database.
func TestEverydayCRMThroughTheConsole(t *testing.T) {
	dir := t.TempDir()
	srv := dadataServer(t, nil)
	env := map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": srv.URL}
	// Amounts are printed with no-break spaces between their digit groups.
	runMain := func(t *testing.T, dir, input string, env map[string]string) string {
		return strings.ReplaceAll(runMain(t, dir, input, env), "\u00a0", " ")
	}

	out := runMain(t, dir, "/client 7707083893\n1\n", env)
	mustContain(t, out, "Реестр (DaData) знает его так", "[1] Создать", "Карточка клиента создана по данным реестра",
		"ПАО СБЕРБАНК (ЮЛ), карточка #1", "Реквизиты проверены")

	// One message and «Создать»; then «→ …» (always [1]) through every stage.
	out = runMain(t, dir, "/deal new 7707083893 Поставка оборудования 1 500 000 подписание 15.12.2030\n1\n"+
		"1\n1\n1\n1\n1\n", env)
	mustContain(t, out, "Сделка … «Поставка оборудования»", "Сумма: 1 500 000,00 ₽",
		"Подписать до: 15.12.2030 18:00 (время по умолчанию)", "Сделка D-2026-0001 создана.")
	for _, stage := range []string{"проверка", "документы", "согласование", "подписание", "действует"} {
		mustContain(t, out, "Сделка D-2026-0001 переведена на стадию «"+stage+"».")
	}
	mustContain(t, out, "[1] Успешно закрыть\n  [2] ← Назад: подписание")

	// From «согласование» on, an amount is changed with a reason; then won.
	out = runMain(t, dir, "/edit D-2026-0001 сумма 2 000 000\nскидка по договорённости\n/deal D-2026-0001\n1\n", env)
	mustContain(t, out, "Сумма: 1 500 000,00 ₽ → 2 000 000,00 ₽", "Причина: скидка по договорённости",
		"Сделка D-2026-0001 закрыта успешно.", "Стадия: закрыта (успех)", "[1] Переоткрыть")
	if strings.Contains(out[strings.LastIndex(out, "Стадия: закрыта"):], "Изменить") {
		t.Fatalf("a closed deal offers an edit:\n%s", out)
	}

	// A second deal found by a name fragment, closed lost with a reason.
	out = runMain(t, dir, "/deal new сбер Монтаж 300 000\n1\n2\nклиент выбрал другого поставщика\n", env)
	mustContain(t, out, "Сделка D-2026-0002 создана.", "[2] Закрыть: проиграна", "клиент выбрал другого поставщика",
		"Стадия: закрыта (отказ)")

	// Eleven entries: the newest ten, then «Ранее» down to the first.
	out = runMain(t, dir, "/history сбербанк\n1\n", env)
	first := strings.Index(out, "[1] Ранее")
	if first < 0 {
		t.Fatalf("no «Ранее» under the first page:\n%s", out)
	}
	page1, page2 := out[:first], out[first:]
	mustContain(t, page1, "11 записей", "сделка D-2026-0001 · стадия: подписание → действует",
		"сделка D-2026-0001 · сумма: 1 500 000,00 ₽ → 2 000 000,00 ₽ (причина: скидка по договорённости)",
		"стадия: действует → закрыта (успех)", "сделка D-2026-0002 · стадия: новая → закрыта (отказ) (причина: клиент выбрал другого поставщика)",
		"менеджер console")
	mustContain(t, page2, "клиент ПАО СБЕРБАНК, 7707083893 · создание")
	if strings.Contains(page1, "клиент ПАО СБЕРБАНК, 7707083893 · создание") {
		t.Fatalf("the first page already holds the first entry:\n%s", page1)
	}
	for _, id := range []string{"manager_id", "client_id", "клиент 1", "менеджер 1"} {
		if strings.Contains(out, id) {
			t.Fatalf("history shows an internal id (%q):\n%s", id, out)
		}
	}
}
