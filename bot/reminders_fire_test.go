package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestPaymentReminderAtNineInTheManagersZone: a deal whose payment is due
// on Thursday reminds its manager, who works in Yekaterinburg, at nine in
// the morning of his zone on Wednesday («за 1 день») and on Thursday
// («сегодня»), not a minute earlier, with the four answers; in English
// for a manager who reads English.
func TestPaymentReminderAtNineInTheManagersZone(t *testing.T) {
	o := newRemindOffice(t)
	o.zone(o.m.ID, "Asia/Yekaterinburg")
	d := o.payDeal()

	nothing(t, o.fireAt(time.Date(2026, 12, 2, 8, 59, 0, 0, yekt)))
	m := one(t, o.fireAt(time.Date(2026, 12, 2, 9, 0, 0, 0, yekt)), "m")
	has(t, m.Text, "Оплата по сделке "+d.Number+" «Лизинг» (ПАО Сбербанк)", "1\u00a0500\u00a0000,00\u00a0₽",
		"срок 03.12.2026", "напоминание за 1 день")
	wantButtons(t, m, answerButtons...)

	o.say("m", "/lang en")
	nothing(t, o.fireAt(time.Date(2026, 12, 3, 8, 59, 0, 0, yekt)))
	m = one(t, o.fireAt(time.Date(2026, 12, 3, 9, 0, 0, 0, yekt)), "m")
	has(t, m.Text, "Payment on deal "+d.Number+" “Лизинг”", "₽1,500,000.00", "is due 2026-12-03 — today")
	wantButtons(t, m, "Done", "Snooze", "Move", "Escalate")
}

// TestLeadDaysAreSaidWithTheirPlural: «за 7 дней», «за 2 дня», «за 21
// день» — the lead days of the department's settings are said with the
// right form of the word.
func TestLeadDaysAreSaidWithTheirPlural(t *testing.T) {
	o := newRemindOffice(t)
	ctx := context.Background()
	if err := o.svc.SetReminderLeads(ctx, o.admin(), core.ReminderSigning, []int{21, 7, 2}); err != nil {
		t.Fatal(err)
	}
	o.deal("Подписание", func(d *core.Deal) { d.SigningDue = time.Date(2027, 1, 29, 18, 0, 0, 0, msk) })
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2027, 1, 8, 9, 0, 0, 0, msk), "за 21 день"},
		{time.Date(2027, 1, 22, 9, 0, 0, 0, msk), "за 7 дней"},
		{time.Date(2027, 1, 27, 9, 0, 0, 0, msk), "за 2 дня"},
	} {
		has(t, one(t, o.fireAt(c.at), "m").Text, "Подписание по сделке", "срок 29.01.2027", c.want)
	}
}

// TestOverdueTaskAlertsAndEscalatesToTheHead: a task's assignee hears two
// hours before its due time and when it passes; still open a day later,
// the head hears, with the assignee named, and /overdue lists it by person.
func TestOverdueTaskAlertsAndEscalatesToTheHead(t *testing.T) {
	o := newRemindOffice(t)
	due := time.Date(2026, 11, 30, 12, 0, 0, 0, msk)
	task, err := o.svc.CreateTask(context.Background(), o.admin(), &core.Task{Title: "Позвонить клиенту",
		AssigneeID: o.m.ID, Due: due})
	if err != nil {
		t.Fatal(err)
	}
	o.drain()

	has(t, one(t, o.fireAt(due.Add(-2*time.Hour)), "m").Text, "Срок задачи #", "«Позвонить клиенту»", "30.11.2026 12:00")
	alert := one(t, o.fireAt(due), "m")
	has(t, alert.Text, "Просрочено: задача #", "«Позвонить клиенту»", "срок был 30.11.2026 12:00")
	wantButtons(t, alert, answerButtons...)

	nothing(t, o.fireAt(due.Add(24*time.Hour-time.Minute)))
	esc := one(t, o.fireAt(due.Add(24*time.Hour)), "hd")
	has(t, esc.Text, "Эскалация: просрочено у сотрудника Максим", "«Позвонить клиенту»", "срок был 30.11.2026 12:00")
	wantButtons(t, esc, answerButtons...)

	has(t, last(t, o.say("hd", "/overdue")), "1 просроченная задача:", "Максим (менеджер) — 1 задача:",
		"#"+id(task.ID)+" Позвонить клиенту — срок был 30.11.2026 12:00")
	o.say("hd", "/lang en")
	has(t, last(t, o.say("hd", "/overdue")), "1 overdue task:", "Максим (manager) — 1 task:", "was due 2026-11-30 12:00")
	o.want(o.say("m", "/overdue"), "err.forbidden", nil)
}

// TestSeveralRemindersAreMergedIntoOne: reminders that fire together for a
// person come as one list with a number button for each; a number shows
// that reminder with its four buttons, and once it is answered the same
// number says so in a pop-up.
func TestSeveralRemindersAreMergedIntoOne(t *testing.T) {
	o := newRemindOffice(t)
	p := o.usePopups()
	a := o.payDeal()
	b := o.deal("Аренда", func(d *core.Deal) { d.SigningDue = time.Date(2026, 12, 3, 18, 0, 0, 0, msk) })

	merged := one(t, o.fireAt(time.Date(2026, 12, 2, 9, 0, 0, 0, msk)), "m")
	has(t, merged.Text, "2 напоминания:", "1. ", "2. ", a.Number, b.Number, "Нажмите номер")
	wantButtons(t, merged, "1", "2")

	opened := o.pressVia("m", []*bot.Message{merged}, "2")
	if len(opened) != 1 {
		t.Fatalf("opening a reminder sent %s", dump(opened))
	}
	wantButtons(t, opened[0], answerButtons...)
	other := o.pressVia("m", []*bot.Message{merged}, "1") // the list keeps its buttons
	wantButtons(t, other[0], answerButtons...)
	if opened[0].Text == other[0].Text {
		t.Fatalf("both numbers open the same reminder: %s", opened[0].Text)
	}

	o.pressVia("m", opened, "Выполнено")
	has(t, last(t, o.say("m", "Готово")), "Записано: выполнено")
	o.refused(p, o.pressVia("m", []*bot.Message{merged}, "2"), "err.button.reminder_answered")
	wantButtons(t, o.pressVia("m", []*bot.Message{merged}, "1")[0], answerButtons...)
}

// TestMorningDigestsInSections: at nine on a working morning the manager
// gets their overdue tasks and the week's key dates, the head their
// people's overdue work, each section with its count.
func TestMorningDigestsInSections(t *testing.T) {
	o := newRemindOffice(t)
	ctx := context.Background()
	d := o.payDeal()
	for _, title := range []string{"Позвонить клиенту", "Отправить КП"} {
		if _, err := o.svc.CreateTask(ctx, o.admin(), &core.Task{Title: title, AssigneeID: o.m.ID,
			Due: time.Date(2026, 11, 30, 12, 0, 0, 0, msk), DealID: d.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.svc.EnsureDigests(ctx, o.clock.Now()); err != nil {
		t.Fatal(err)
	}
	o.drain()
	got := o.fireAt(time.Date(2026, 11, 30, 9, 0, 0, 0, msk))
	has(t, one(t, got, "m").Text, "☀️ Сводка на 30.11.2026", "📅 На неделе: 1 ключевая дата",
		"• 03.12.2026 — оплата, сделка "+d.Number+" «Лизинг», 1\u00a0500\u00a0000,00\u00a0₽")
	digests := map[string]string{}
	for chat, ms := range o.fireAt(time.Date(2026, 12, 1, 9, 0, 0, 0, msk)) {
		for _, m := range ms {
			if strings.Contains(m.Text, "Сводка") {
				digests[chat] = m.Text
			}
		}
	}
	has(t, digests["m"], "⚠️ Просрочено: 2 задачи", "• #1 Позвонить клиенту — срок был 30.11.2026 12:00 ("+d.Number+")",
		"Задачи — /tasks.")
	lacks(t, digests["m"], "/overdue") // a manager cannot list the department's overdue work
	has(t, digests["hd"], "👥 Просрочки ваших сотрудников:\nМаксим — 2 задачи", "Задачи — /tasks, просрочки отдела — /overdue.")
}
