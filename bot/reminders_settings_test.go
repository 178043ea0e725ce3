package bot_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestMuteStopsAKindButNotEscalations: a kind muted by name in either
// language fires without a message; unmuted it comes again; escalations
// and one's own reminders cannot be muted, each saying why; the list's
// buttons turn kinds off and on.
func TestMuteStopsAKindButNotEscalations(t *testing.T) {
	o := newRemindOffice(t)
	o.payDeal()
	o.want(o.say("m", "/mute платежи"), "msg.mute.off", bot.Args{"Kind": "оплата"})
	nothing(t, o.fireAt(time.Date(2026, 12, 2, 9, 0, 0, 0, msk)))
	o.want(o.say("m", "/unmute payment"), "msg.mute.on", bot.Args{"Kind": "оплата"})
	has(t, one(t, o.fireAt(time.Date(2026, 12, 3, 9, 0, 0, 0, msk)), "m").Text, "Оплата по сделке", "сегодня")

	o.want(o.say("hd", "/mute эскалации"), "msg.mute.fixed.escalation", bot.Args{"Kind": "эскалации"})
	o.want(o.say("m", "/mute мои напоминания"), "msg.mute.fixed.custom", bot.Args{"Kind": "мои напоминания"})
	o.want(o.say("m", "/mute погода"), "msg.mute.unknown", bot.Args{"Text": "погода",
		"Kinds": "подписание, оплата, продление, сроки задач, просрочки, утренняя сводка"})

	list := o.say("m", "/mute")
	has(t, last(t, list), "🔔 оплата", "🚨 эскалации — не отключаются: руководитель",
		"📌 мои напоминания — не отключаются: их вы ставите сами")
	lacks(t, last(t, list), "Отключить: эскалации", "Отключить: мои напоминания")
	changed := o.press("m", list, "Отключить: сроки задач")
	has(t, last(t, changed), "Напоминания «сроки задач» больше не приходят", "🔕 сроки задач — отключено",
		"Изменить другой вид — /mute.")
	if u := o.user("test:m"); !slices.Equal(u.Muted, []core.ReminderKind{core.ReminderTaskDue}) {
		t.Fatalf("muted %v", u.Muted)
	}
	list = o.say("m", "/mute")
	if !slices.Contains(buttonLabels(list[len(list)-1]), "Включить: сроки задач") {
		t.Fatalf("no button to turn it on: %s", dump(list))
	}

	o.say("m", "/lang en")
	o.wantIn("en", o.say("m", "/mute my reminders"), "msg.mute.fixed.custom", bot.Args{"Kind": "my reminders"})
	o.wantIn("en", o.say("m", "/unmute tasks"), "msg.mute.on", bot.Args{"Kind": "task due"})
}

// TestOwnRemindersMutedBeforeAreDropped: a user who had muted their own
// reminders before that was refused gets them, and changing another kind
// drops the old mute instead of failing.
func TestOwnRemindersMutedBeforeAreDropped(t *testing.T) {
	o := newRemindOffice(t)
	err := o.db.Update(context.Background(), func(tx core.Tx) error {
		u, err := tx.UserByID(o.m.ID)
		if err != nil {
			return err
		}
		u.Muted = []core.ReminderKind{core.ReminderCustom}
		return tx.UpdateUser(u)
	})
	if err != nil {
		t.Fatal(err)
	}
	o.want(o.say("m", "/mute оплата"), "msg.mute.off", bot.Args{"Kind": "оплата"})
	if u := o.user("test:m"); !slices.Equal(u.Muted, []core.ReminderKind{core.ReminderPayment}) {
		t.Fatalf("muted %v", u.Muted)
	}
}

// TestQuietHoursHoldRemindersUntilTheyEnd: a reminder due in the quiet
// hours comes when they end; /quiet off clears them.
func TestQuietHoursHoldRemindersUntilTheyEnd(t *testing.T) {
	o := newRemindOffice(t)
	o.payDeal()
	o.want(o.say("m", "/quiet"), "msg.quiet.none", bot.Args{"Zone": "Europe/Moscow"})
	o.want(o.say("m", "/quiet 08:00-10:30"), "msg.quiet.set", bot.Args{"From": "08:00", "To": "10:30",
		"Zone": "Europe/Moscow"})
	nothing(t, o.fireAt(time.Date(2026, 12, 2, 9, 0, 0, 0, msk)))
	nothing(t, o.fireAt(time.Date(2026, 12, 2, 10, 29, 0, 0, msk)))
	has(t, one(t, o.fireAt(time.Date(2026, 12, 2, 10, 30, 0, 0, msk)), "m").Text, "Оплата по сделке")

	o.want(o.say("m", "/quiet"), "msg.quiet.current", bot.Args{"From": "08:00", "To": "10:30", "Zone": "Europe/Moscow"})
	o.want(o.say("m", "/quiet off"), "msg.quiet.off", nil)
	has(t, one(t, o.fireAt(time.Date(2026, 12, 3, 9, 0, 0, 0, msk)), "m").Text, "сегодня")

	for _, in := range []string{"с 22 до 7", "22-7", "22:00 – 07:00"} {
		o.want(o.say("m", "/quiet "+in), "msg.quiet.set", bot.Args{"From": "22:00", "To": "07:00", "Zone": "Europe/Moscow"})
	}
	o.want(o.say("m", "/quiet потом"), "err.quiet.format", bot.Args{"Text": "потом"})
	o.want(o.say("m", "/quiet 25:00-07:00"), "err.quiet.format", bot.Args{"Text": "25:00-07:00"})
	o.want(o.say("m", "/quiet 8-8"), "err.quiet.same", nil)
}

// TestPaymentsSchedule: /payments sets a deal's schedule (each payment
// reminds on its own), shows it with its sum, refuses a payment it cannot
// read naming it, and the deal's history shows the payments in words.
func TestPaymentsSchedule(t *testing.T) {
	o := newRemindOffice(t)
	d := o.payDeal()
	set := last(t, o.say("m", "/payments "+d.Number+" 10.12.2026 500 000; 15.01.2027 1 000 000 причина: по договору"))
	has(t, set, "График платежей сохранён", "График платежей сделки "+d.Number+" «Лизинг» — 2 платежа:",
		"1. 10.12.2026 — 500\u00a0000,00\u00a0₽", "2. 15.01.2027 — 1\u00a0000\u00a0000,00\u00a0₽",
		"Итого: 1\u00a0500\u00a0000,00\u00a0₽")
	lacks(t, set, "не совпадает")
	if got := o.getDeal(d.ID); len(got.Payments) != 2 || !got.PaymentDue.Equal(got.Payments[0].Due) {
		t.Fatalf("payments %+v", got.Payments)
	}
	has(t, one(t, o.fireAt(time.Date(2026, 12, 3, 9, 0, 0, 0, msk)), "m").Text, "500\u00a0000,00\u00a0₽", "срок 10.12.2026",
		"за 7 дней")
	has(t, one(t, o.fireAt(time.Date(2026, 12, 9, 9, 0, 0, 0, msk)), "m").Text, "срок 10.12.2026", "за 1 день")

	o.want(o.say("m", "/payments "+d.Number+" 10.12.2026 500 000; 15.01 много"), "msg.payments.bad",
		bot.Args{"N": 2, "Entry": "15.01 много", "Error": o.p.T("err.amount.format", bot.Args{"Text": "много"})})
	has(t, last(t, o.say("m", "/payments "+d.Number)), "— 2 платежа:")

	hist := allPages(t, o.harness, "m", d.Number)
	has(t, hist, "платёж по графику: — → 10.12.2026, 500\u00a0000,00\u00a0₽", "по договору")
	lacks(t, hist, "T15:00:00Z")

	has(t, last(t, o.say("m", "/payments "+d.Number+" нет")), "нет графика платежей")
	o.want(o.say("m", "/payments"), "msg.payments.usage", nil)
	o.say("m", "/lang en")
	has(t, last(t, o.say("m", "/payments "+d.Number+" 10.12.2026 500,000")), "1 payment:",
		"1. 2026-12-10 — ₽500,000.00", "not the deal's amount, ₽1,500,000.00")
	has(t, allPages(t, o.harness, "m", d.Number), "(reason: по договору)\n", "• scheduled payment: — → 2026-12-10, ₽500,000.00\n",
		"(reason: payment schedule)")
}

// TestLeadsOfTheDepartmentAndADeal: /leads shows the days; an admin sets
// the department's, a manager only their deal's own; the deal's history
// names them in words.
func TestLeadsOfTheDepartmentAndADeal(t *testing.T) {
	o := newRemindOffice(t)
	d := o.payDeal()
	has(t, last(t, o.say("m", "/leads")), "• оплата: 7, 1, 0", "• продление: 30, 7, 1, 0")
	o.want(o.say("m", "/leads оплата 3 0"), "err.leads.admin", nil)
	has(t, last(t, o.say("admin", "/leads оплата за 14, 3 и 0 дней")), "Сохранено", "• оплата: 14, 3, 0")
	has(t, last(t, o.say("m", "/leads "+d.Number+" платежи 2")), "• оплата: 2 (свои для сделки)", "• подписание: 7, 1, 0")
	has(t, one(t, o.fireAt(time.Date(2026, 12, 1, 9, 0, 0, 0, msk)), "m").Text, "за 2 дня")
	has(t, last(t, o.say("m", "/leads "+d.Number+" оплата нет")), "• оплата: не напоминать (свои для сделки)")
	nothing(t, o.fireAt(time.Date(2026, 12, 3, 9, 0, 0, 0, msk)))
	has(t, last(t, o.say("m", "/leads "+d.Number+" оплата по умолчанию")), "• оплата: 14, 3, 0")
	o.want(o.say("m", "/leads погода 1"), "err.leads.kind", bot.Args{"Text": "погода"})
	o.want(o.say("admin", "/leads оплата завтра"), "err.leads.days", bot.Args{"Text": "завтра"})
	o.want(o.say("admin", "/leads оплата 400"), "err.reminder.lead_range", bot.Args{"Max": core.MaxLeadDays})
	has(t, allPages(t, o.harness, "m", d.Number), "сроки напоминаний: — → оплата: за 2 дн.")
	o.say("m", "/lang en")
	has(t, allPages(t, o.harness, "m", d.Number), "reminder days: — → payment: 2 days ahead")
}

// TestMuteListButtonsSayWhatTheyDo: a button says what it does, and a
// kind's name typed to the list turns it the other way.
func TestMuteListButtonsSayWhatTheyDo(t *testing.T) {
	o := newRemindOffice(t)
	o.press("m", o.say("m", "/mute"), "Отключить: оплата")
	if u := o.user("test:m"); !slices.Equal(u.Muted, []core.ReminderKind{core.ReminderPayment}) {
		t.Fatalf("muted %v", u.Muted)
	}
	o.say("m", "/mute")
	has(t, last(t, o.say("m", "оплата")), "Напоминания «оплата» снова приходят.", "🔔 оплата")
	if u := o.user("test:m"); len(u.Muted) != 0 {
		t.Fatalf("muted %v", u.Muted)
	}
}

// TestMuteListHoldsNoDialog: the list is one question. After a press, what
// the user types goes where it would without /mute, however many times;
// text typed to the list that is no kind closes it, saying so.
func TestMuteListHoldsNoDialog(t *testing.T) {
	o := newRemindOffice(t)
	list := o.say("m", "/mute")
	o.press("m", list, "Отключить: оплата")
	for range 2 {
		o.want(o.say("m", "привет"), "msg.unknown_text", nil)
	}
	p := o.usePopups()
	o.refused(p, o.pressVia("m", list, "Отключить: утренняя сводка"), "err.button.expired")
	if u := o.user("test:m"); !slices.Equal(u.Muted, []core.ReminderKind{core.ReminderPayment}) {
		t.Fatalf("muted %v", u.Muted)
	}

	o.say("m", "/mute")
	o.want(o.say("m", "привет"), "msg.mute.closed", nil)
	o.want(o.say("m", "привет"), "msg.unknown_text", nil)
	o.say("m", "/mute")
	o.want(o.say("m", "мои напоминания"), "msg.mute.fixed.custom", bot.Args{"Kind": "мои напоминания"})
	o.want(o.say("m", "/cancel"), "msg.cancel.nothing", nil)
}
