package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
)

// e2eClock is the program's clock in an end-to-end test: it stands still
// until the test moves it.
type e2eClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *e2eClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// set moves the clock to a Moscow wall time.
func (c *e2eClock) set(y int, m time.Month, d, hh, mm int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = time.Date(y, m, d, hh, mm, 0, 0, core.Location(""))
}

const headTG = 3003

// TestRemindersThroughTelegram is issue 10's "Done when" through the fake
// Bot API, as new users would try it: a deal with a payment date tomorrow
// reminds its manager at nine in the morning of the manager's zone
// (Yekaterinburg: 07:00 Moscow time), not before; «Отложить» brings it back
// an hour later, «Выполнено» asks the result, and /control lists both; an
// overdue task alerts its assignee and, a day later, escalates to the head;
// and `/remind D-2026-0001 через 3 рабочих дня позвонить` on 30 December
// echoes 13.01.2027, past the New Year holidays.
func TestRemindersThroughTelegram(t *testing.T) {
	srv := telegramtest.NewServer(t)
	dadata := dadataServer(t, nil)
	clock := &e2eClock{}
	clock.set(2026, 12, 2, 10, 0)
	r := startTelegramAt(t, t.TempDir(), srv, clock, map[string]string{"DADATA_API_KEY": "test-key",
		"DADATA_URL": dadata.URL, "DEALDESK_REMIND_TICK": "50ms"})

	code := func(role string) string {
		invite := r.say(adminTG, adminTG, "/invite "+role)
		return strings.Fields(strings.SplitN(invite.Text, "/start ", 2)[1])[0]
	}
	const me = managerTG
	expect(t, r.say(me, me, "/start "+code("менеджер")), "Ваша роль: менеджер")
	expect(t, r.say(headTG, headTG, "/start "+code("руководитель")), "Ваша роль: руководитель")
	r.say(adminTG, adminTG, "/head 2 3") // the manager (user 2) reports to the head (user 3)
	r.say(me, me, "/tz Asia/Yekaterinburg")

	record := r.say(me, me, "/client 7707083893")
	r.tap(me, me, record, "Создать", "карточка #1")
	confirm := r.say(me, me, "/deal new 7707083893 Поставка оборудования 1 500 000 оплата 03.12.2026")
	r.tap(me, me, confirm, "Создать", "Стадия: новая")

	// 08:59 in Yekaterinburg: nothing yet; 09:00 there (07:00 in Moscow): the reminder.
	r.quiet()
	clock.set(2026, 12, 3, 6, 59)
	time.Sleep(300 * time.Millisecond) // several ticks
	for _, m := range srv.Sent() {
		if m.ChatID == me && strings.Contains(m.Text, "Оплата по сделке D-2026-0001") {
			t.Fatalf("the reminder came before nine in the manager's zone: %q", m.Text)
		}
	}
	reminder := r.until(me, "Оплата по сделке D-2026-0001", func() { clock.set(2026, 12, 3, 7, 0) })
	expect(t, reminder, "сегодня")

	options := r.tap(me, me, reminder, "Отложить", "На 1 час")
	r.tap(me, me, options, "На 1 час", "")
	again := r.until(me, "Оплата по сделке D-2026-0001", func() { clock.set(2026, 12, 3, 8, 0) })
	r.tap(me, me, again, "Выполнено", "езультат")
	r.until(me, "оплата получена", func() { r.srv.SendText(me, me, "оплата получена") })
	control := r.say(me, me, "/control D-2026-0001")
	for _, want := range []string{"оплата получена", "User 2002"} {
		expect(t, control, want)
	}

	// An overdue task: the alert to its assignee, a day later the head.
	r.say(me, me, "/task new Подготовить акт сверки до 04.12.2026 15:00 D-2026-0001")
	r.until(me, "Просрочено: задача", func() { clock.set(2026, 12, 4, 15, 0) })
	// Due to the head on Saturday at 13:00 Moscow time, it waits for Monday morning.
	clock.set(2026, 12, 5, 13, 0)
	time.Sleep(300 * time.Millisecond)
	escalation := r.until(headTG, "Эскалация", func() { clock.set(2026, 12, 7, 9, 0) })
	expect(t, escalation, "Подготовить акт сверки")
	if strings.Contains(escalation.Text, "опозданием") {
		t.Fatalf("an escalation held for working hours is called late: %q", escalation.Text)
	}

	// Three working days from Wednesday 30 December: 31.12 and 1–10.01 are off.
	clock.set(2026, 12, 30, 10, 0)
	r.say(me, me, "/tz Europe/Moscow")
	echo := r.say(me, me, "/remind D-2026-0001 через 3 рабочих дня позвонить")
	expect(t, echo, "13.01.2027 (ср) в 09:00 по Москве")
	expect(t, echo, "позвонить")
}
