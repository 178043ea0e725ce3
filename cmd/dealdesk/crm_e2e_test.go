package main

import (
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// TestEverydayCRMThroughTheConsole is issue 8's "Done when" tried as a new
// user would in the console, with DaData's fake as the registry: a client
// in two messages (/client <INN>, «Создать»), a deal in one message plus
// «Создать», the deal moved through every stage by its card's buttons to
// closed won, its payment date edited with a reason, a second deal closed lost
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

	// From «согласование» on, a date is changed with a reason (an amount
	// would wait for a second approval); then won.
	out = runMain(t, dir, "/edit D-2026-0001 оплата 20.12.2030\nпо графику клиента\n/deal D-2026-0001\n1\n", env)
	mustContain(t, out, "Срок оплаты: — → 20.12.2030 18:00", "Причина: по графику клиента",
		"Сделка D-2026-0001 закрыта успешно.", "Стадия: закрыта (успех)", "[1] Переоткрыть")
	if strings.Contains(out[strings.LastIndex(out, "Стадия: закрыта"):], "Изменить") {
		t.Fatalf("a closed deal offers an edit:\n%s", out)
	}

	// A second deal found by a name fragment, closed lost with a reason.
	out = runMain(t, dir, "/deal new сбер Монтаж 300 000\n1\n2\nклиент выбрал другого поставщика\n", env)
	mustContain(t, out, "Сделка D-2026-0002 создана.", "[2] Закрыть: отказ", "клиент выбрал другого поставщика",
		"Стадия: закрыта (отказ)")

	// Eleven entries: the newest ten, then «Ранее» down to the first.
	out = runMain(t, dir, "/history сбербанк\n1\n", env)
	first := strings.Index(out, "[1] Ранее")
	if first < 0 {
		t.Fatalf("no «Ранее» under the first page:\n%s", out)
	}
	page1, page2 := out[:first], out[first:]
	mustContain(t, page1, "11 записей", "сделка D-2026-0001 · стадия: подписание → действует",
		"сделка D-2026-0001 · срок оплаты: — → 20.12.2030 18:00 (причина: по графику клиента)",
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

// until runs an action and returns the first message to chat after it
// whose text holds want, or that has a button labelled want (a reply may
// come as a notice and then a card).
func (r *tgRun) until(chat int64, want string, action func()) telegramtest.SentMessage {
	r.t.Helper()
	return r.within(10*time.Second, chat, want, action)
}

// within is until with its own time limit (a document converted to PDF).
func (r *tgRun) within(limit time.Duration, chat int64, want string, action func()) telegramtest.SentMessage {
	r.t.Helper()
	r.quiet()
	before := len(r.srv.Sent())
	action()
	deadline := time.Now().Add(limit)
	for n := before + 1; time.Now().Before(deadline); n++ {
		sent := r.srv.WaitSent(r.t, n, time.Until(deadline))
		for _, m := range sent[before:] {
			if m.ChatID == chat && !strings.HasPrefix(m.Method, "edit") && (strings.Contains(m.Text, want) ||
				hasButton(m, want)) {
				return m
			}
		}
	}
	r.t.Fatalf("no message to chat %d with %q", chat, want)
	return telegramtest.SentMessage{}
}

// hasButton reports whether a message has a button labelled label.
func hasButton(m telegramtest.SentMessage, label string) bool {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				return true
			}
		}
	}
	return false
}

// tap presses a button and returns the first message after it holding want.
func (r *tgRun) tap(chat, user int64, msg telegramtest.SentMessage, label, want string) telegramtest.SentMessage {
	r.t.Helper()
	for _, row := range msg.Buttons {
		for _, b := range row {
			if b.Text == label {
				return r.until(chat, want, func() { r.srv.Press(chat, user, msg.MessageID, b.Data) })
			}
		}
	}
	r.t.Fatalf("no button %q in %+v", label, msg)
	return telegramtest.SentMessage{}
}

// TestEverydayCRMThroughTelegram is issue 8's "Done when" through the fake
// Bot API, by a manager who has just joined: a client from the registry in
// two messages, a deal in one message plus «Создать», moved by its card's
// buttons through every stage to won (a head's move told to the manager),
// the payment date edited with a reason, a second deal lost with a reason, and
// /history paged with «Ранее» back to the client's creation.
func TestEverydayCRMThroughTelegram(t *testing.T) {
	srv := telegramtest.NewServer(t)
	dadata := dadataServer(t, nil)
	r := startTelegram(t, t.TempDir(), srv, map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": dadata.URL})

	invite := r.say(adminTG, adminTG, "/invite менеджер")
	code := strings.Fields(strings.SplitN(invite.Text, "/start ", 2)[1])[0]
	expect(t, r.say(managerTG, managerTG, "/start "+code), "Ваша роль: менеджер")

	const me = managerTG
	record := r.say(me, me, "/client 7707083893")
	expect(t, record, "Реестр (DaData) знает его так")
	expect(t, r.tap(me, me, record, "Создать", "карточка #1"), "Реквизиты проверены")

	confirm := r.say(me, me, "/deal new 7707083893 Поставка оборудования 1 500 000 подписание 15.12.2030")
	expect(t, confirm, "Проверьте сделку")
	card := r.tap(me, me, confirm, "Создать", "Стадия: новая")
	for _, st := range []struct{ button, stage string }{{"→ Проверка", "проверка"}, {"→ Документы", "документы"},
		{"→ Согласование", "согласование"}, {"→ Подписание", "подписание"}} {
		card = r.tap(me, me, card, st.button, "Стадия: "+st.stage)
	}
	// A head's move is told to the deal's manager.
	head := r.say(adminTG, adminTG, "/deal D-2026-0001")
	notice := r.until(me, "D-2026-0001", func() { r.tap(adminTG, adminTG, head, "→ Действует", "Стадия: действует") })
	expect(t, notice, "действует")

	r.say(me, me, "/edit D-2026-0001 оплата 20.12.2030")
	saved := r.say(me, me, "по графику клиента")
	expect(t, saved, "— → 20.12.2030 18:00")
	card = r.say(me, me, "/deal D-2026-0001")
	card = r.tap(me, me, card, "Успешно закрыть", "Стадия: закрыта (успех)")
	for _, row := range card.Buttons {
		for _, b := range row {
			if b.Text == "Изменить" || b.Text == "Переоткрыть" {
				t.Fatalf("a closed deal offers a manager %q: %+v", b.Text, card.Buttons)
			}
		}
	}

	confirm = r.say(me, me, "/deal new сбер Монтаж 300 000")
	card = r.tap(me, me, confirm, "Создать", "Стадия: новая")
	ask := r.tap(me, me, card, "Закрыть: отказ", "ричин")
	lost := r.until(me, "Стадия: закрыта (отказ)", func() { r.srv.SendText(me, me, "клиент выбрал другого поставщика") })
	expect(t, lost, "клиент выбрал другого поставщика")
	if _, buttons, _ := srv.Message(me, ask.MessageID); len(buttons) > 0 && ask.Buttons != nil {
		t.Fatalf("the reason's question kept its buttons after the answer: %+v", buttons)
	}

	page := r.say(me, me, "/history 7707083893")
	expect(t, page, "11 записей")
	for _, want := range []string{"User 1001 · сделка D-2026-0001 · стадия: подписание → действует", "менеджер User 2002", "сделка D-2026-0002",
		"срок оплаты: — → 20.12.2030 18:00 (причина: по графику клиента)",
		"(причина: клиент выбрал другого поставщика)"} {
		expect(t, page, want)
	}
	if strings.Contains(page.Text, "создание: вид") {
		t.Fatalf("the newest page already shows the client's creation:\n%s", page.Text)
	}
	earlier := r.press(me, me, page, "Ранее")
	expect(t, earlier, "клиент ПАО СБЕРБАНК, 7707083893 · создание")
}
