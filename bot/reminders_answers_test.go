package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// firedPayment makes the payment deal and fires its reminder of the day
// before, on Wednesday the 2nd at nine Moscow time; it returns the deal
// and the reminder's message.
func (o *remindOffice) firedPayment() (*core.Deal, *bot.Message) {
	o.t.Helper()
	d := o.payDeal()
	return d, one(o.t, o.fireAt(time.Date(2026, 12, 2, 9, 0, 0, 0, msk)), "m")
}

// TestSnoozeFiresAgainAfterAnHour: «Отложить» offers an hour or tomorrow;
// an hour later the reminder comes again with its buttons, and /control
// lists the snooze.
func TestSnoozeFiresAgainAfterAnHour(t *testing.T) {
	o := newRemindOffice(t)
	d, msg := o.firedPayment()

	ask := o.press("m", []*bot.Message{msg}, "Отложить")
	wantButtons(t, ask[len(ask)-1], "На 1 час", "До завтра", "Назад")
	got := o.press("m", ask, "На 1 час")
	has(t, last(t, got), "Отложено до 02.12.2026 (ср) 10:00 по Москве", "оплата: сделка "+d.Number)

	nothing(t, o.fireAt(time.Date(2026, 12, 2, 9, 59, 0, 0, msk)))
	again := one(t, o.fireAt(time.Date(2026, 12, 2, 10, 0, 1, 0, msk)), "m")
	has(t, again.Text, "Оплата по сделке "+d.Number, "за 1 день")
	wantButtons(t, again, answerButtons...)

	has(t, last(t, o.say("m", "/control "+d.Number)), "Контроль по сделке "+d.Number+" «Лизинг» — 1 запись:",
		"02.12.2026 09:00 · Максим · оплата — отложено до 02.12.2026 10:00")

	// Until tomorrow: the next working morning, at nine.
	got = o.press("m", o.press("m", []*bot.Message{again}, "Отложить"), "До завтра")
	has(t, last(t, got), "Отложено до 03.12.2026 (чт) 09:00 по Москве")
}

// TestSnoozeSaysWhenItReallyComes: an hour's snooze at half past five
// would end after working hours: the echo names the next working morning,
// when the reminder will come.
func TestSnoozeSaysWhenItReallyComes(t *testing.T) {
	o := newRemindOffice(t)
	_, msg := o.firedPayment()
	o.clock.Add(time.Date(2026, 12, 2, 17, 30, 0, 0, msk).Sub(o.clock.Now()))
	got := o.press("m", o.press("m", []*bot.Message{msg}, "Отложить"), "На 1 час")
	has(t, last(t, got), "Отложено до 03.12.2026 (чт) 09:00 по Москве")
	nothing(t, o.fireAt(time.Date(2026, 12, 2, 18, 31, 0, 0, msk)))
}

// TestDoneAsksTheResultAndControlListsIt: «Выполнено» asks what was done;
// the answer closes the reminder and /control lists who, when and the
// result, in either language. The reminder's other buttons then only say
// in a pop-up that it was answered, and change nothing.
func TestDoneAsksTheResultAndControlListsIt(t *testing.T) {
	o := newRemindOffice(t)
	p := o.usePopups()
	d, msg := o.firedPayment()

	ask := o.pressVia("m", []*bot.Message{msg}, "Выполнено")
	has(t, last(t, ask), "оплата: сделка "+d.Number+" «Лизинг», 1\u00a0500\u00a0000,00\u00a0₽, 03.12.2026",
		"Что сделано? Напишите результат.")
	wantButtons(t, ask[len(ask)-1], "Назад")
	o.want(o.say("m", "-"), "flow.reminder.result", bot.Args{"What": "оплата: сделка " + d.Number +
		" «Лизинг», 1\u00a0500\u00a0000,00\u00a0₽, 03.12.2026"})
	has(t, last(t, o.say("m", "Оплата получена")), "Записано: выполнено", "Результат: Оплата получена")

	o.refused(p, o.pressVia("m", []*bot.Message{msg}, "Отложить"), "err.button.reminder_answered")
	o.refused(p, o.pressVia("m", []*bot.Message{msg}, "Эскалировать"), "err.button.reminder_answered")
	if r := o.remindersOf(d.ID); !anyStatus(r, core.ReminderClosed) {
		t.Fatalf("no reminder closed: %+v", r)
	}

	has(t, last(t, o.say("m", "/control "+d.Number)), "· Максим · оплата — выполнено: Оплата получена")
	o.say("m", "/lang en")
	has(t, last(t, o.say("m", "/control "+d.Number)), "Control of deal "+d.Number+" “Лизинг” — 1 entry:",
		"· Максим · payment — done: Оплата получена")
	if got, want := last(t, o.say("m", "/control")), bundle.Printer("en", nil).T("msg.control.usage", nil); got != want {
		t.Fatalf("/control alone: %q, want %q", got, want)
	}
}

func anyStatus(rs []*core.Reminder, s core.ReminderStatus) bool {
	for _, r := range rs {
		if r.Status == s {
			return true
		}
	}
	return false
}

// TestBackShowsTheReminderAgain: «Назад» under a question leaves the
// answer and shows the reminder again with its four buttons.
func TestBackShowsTheReminderAgain(t *testing.T) {
	o := newRemindOffice(t)
	_, msg := o.firedPayment()
	back := o.press("m", o.press("m", []*bot.Message{msg}, "Перенести"), "Назад")
	has(t, last(t, back), "Оплата по сделке")
	wantButtons(t, back[len(back)-1], answerButtons...)
	o.want(o.say("m", "/cancel"), "msg.cancel.nothing", nil) // the dialog is over
}

// TestMoveAsksDateAndReasonAndMovesTheDeal: «Перенести» asks the new date
// (a date it cannot read is asked again), then the reason; the deal's
// payment date moves, its reminders follow, and the deal's history shows
// the move with the reason.
func TestMoveAsksDateAndReasonAndMovesTheDeal(t *testing.T) {
	o := newRemindOffice(t)
	d, msg := o.firedPayment()

	ask := o.press("m", []*bot.Message{msg}, "Перенести")
	has(t, last(t, ask), "(сейчас — 03.12.2026 18:00)", "На когда перенести?")
	again := o.say("m", "когда-нибудь")
	has(t, again[0].Text, "когда-нибудь")
	has(t, last(t, again), "На когда перенести?")
	has(t, last(t, o.say("m", "10.12.2026")), "Переношу на 10.12.2026 (чт) 18:00. Почему?")
	done := last(t, o.say("m", "Клиент просит отсрочку"))
	if want := "Дата оплаты по сделке " + d.Number + " «Лизинг» перенесена на 10.12.2026 (чт); напоминания пересчитаны.\n" +
		"Причина: Клиент просит отсрочку"; done != want {
		t.Fatalf("move echo %q, want %q", done, want)
	}

	if got, want := o.getDeal(d.ID).PaymentDue, time.Date(2026, 12, 10, 18, 0, 0, 0, msk); !got.Equal(want) {
		t.Fatalf("payment due %v, want %v", got, want)
	}
	// The old date's reminders are gone; the new date's come.
	has(t, one(t, o.fireAt(time.Date(2026, 12, 3, 9, 0, 0, 0, msk)), "m").Text, "срок 10.12.2026", "за 7 дней")
	has(t, one(t, o.fireAt(time.Date(2026, 12, 9, 9, 0, 0, 0, msk)), "m").Text, "срок 10.12.2026", "за 1 день")

	has(t, last(t, o.say("m", "/control "+d.Number)), "оплата — перенесено на 10.12.2026 18:00, причина: Клиент просит отсрочку")
	has(t, allPages(t, o.harness, "m", d.Number), "срок оплаты: 03.12.2026 18:00 → 10.12.2026 18:00",
		"Клиент просит отсрочку")
}

// TestAHeadMovesTheDateOfAnEscalatedPaymentReminder: «Перенести» on a
// reminder a manager escalated moves the deal's payment date, and the
// head's echo says so — not when a reminder comes again.
func TestAHeadMovesTheDateOfAnEscalatedPaymentReminder(t *testing.T) {
	o := newRemindOffice(t)
	d, msg := o.firedPayment()
	o.press("m", o.press("m", []*bot.Message{msg}, "Эскалировать"), "Без причины")
	esc := one(t, o.fireAt(o.clock.Now()), "hd")
	o.press("hd", []*bot.Message{esc}, "Перенести")
	o.say("hd", "10.12.2026")
	done := last(t, o.say("hd", "Клиент просит отсрочку"))
	has(t, done, "Дата оплаты по сделке "+d.Number+" «Лизинг» перенесена на 10.12.2026 (чт); напоминания пересчитаны.")
	lacks(t, done, "Напомню")
	if got, want := o.getDeal(d.ID).PaymentDue, time.Date(2026, 12, 10, 18, 0, 0, 0, msk); !got.Equal(want) {
		t.Fatalf("payment due %v, want %v", got, want)
	}
}

// TestMoveEchoesATaskDueAndACustomReminder: moving an overdue task's alert
// moves the task's due time and says so with the task; moving one's own
// reminder says when it comes again.
func TestMoveEchoesATaskDueAndACustomReminder(t *testing.T) {
	o := newRemindOffice(t)
	task, err := o.svc.CreateTask(context.Background(), o.admin(), &core.Task{Title: "Позвонить клиенту",
		AssigneeID: o.m.ID, Due: time.Date(2026, 11, 30, 12, 0, 0, 0, msk)})
	if err != nil {
		t.Fatal(err)
	}
	o.drain()
	var alert *bot.Message
	for _, m := range o.fireAt(time.Date(2026, 11, 30, 12, 1, 0, 0, msk))["m"] {
		if strings.Contains(m.Text, "Просрочено") {
			alert = m
		}
	}
	if alert == nil {
		t.Fatal("no overdue alert")
	}
	o.press("m", []*bot.Message{alert}, "Перенести")
	o.say("m", "02.12.2026 15:00")
	has(t, last(t, o.say("m", "Клиент в отпуске")), "Срок задачи #"+id(task.ID)+" «Позвонить клиенту» перенесён на "+
		"02.12.2026 (ср) 15:00 по Москве; напоминания пересчитаны.")

	o.say("m", "/remind 01.12.2026 10:00 проверить почту")
	mine := one(t, o.fireAt(time.Date(2026, 12, 1, 10, 0, 0, 0, msk)), "m")
	ask := last(t, o.press("m", []*bot.Message{mine}, "Перенести"))
	if want := "напоминание — проверить почту (сейчас — 01.12.2026 10:00)\n"; !strings.HasPrefix(ask, want) {
		t.Fatalf("move question %q, want it to start %q", ask, want)
	}
	o.say("m", "03.12.2026 11:30")
	has(t, last(t, o.say("m", "Не успел")), "Напомню снова 03.12.2026 (чт) в 11:30 по Москве")
}

// TestEscalateReachesTheHead: «Эскалировать» asks an optional reason;
// with «Без причины» the head gets the reminder with its buttons and the
// manager's name. A manager with no head is told so in a pop-up at once.
func TestEscalateReachesTheHead(t *testing.T) {
	o := newRemindOffice(t)
	d, msg := o.firedPayment()

	ask := o.press("m", []*bot.Message{msg}, "Эскалировать")
	has(t, last(t, ask), "Сообщу руководителю (Ирина)")
	wantButtons(t, ask[len(ask)-1], "Без причины", "Назад")
	has(t, last(t, o.press("m", ask, "Без причины")), "Руководитель (Ирина) получил напоминание: оплата: сделка "+d.Number)

	esc := one(t, o.fireAt(o.clock.Now()), "hd")
	has(t, esc.Text, "Максим передаёт вам на контроль: оплата — сделка "+d.Number+" «Лизинг» (ПАО Сбербанк), 1\u00a0500\u00a0000,00\u00a0₽, срок 03.12.2026.")
	lacks(t, esc.Text, "Причина")
	wantButtons(t, esc, answerButtons...)
	has(t, last(t, o.say("hd", "/control "+d.Number)), "· Максим · оплата — эскалировано руководителю")

}

// TestEscalateWithAReasonInEnglish: the reason typed goes to the head.
func TestEscalateWithAReasonInEnglish(t *testing.T) {
	o := newRemindOffice(t)
	o.say("m", "/lang en")
	d, msg := o.firedPayment()
	o.press("m", []*bot.Message{msg}, "Escalate")
	has(t, last(t, o.say("m", "The client does not answer")), "Your head (Ирина) has the reminder now: payment: deal "+d.Number,
		"Reason: The client does not answer")
	has(t, one(t, o.fireAt(o.clock.Now()), "hd").Text, "Максим передаёт вам на контроль", "Причина: The client does not answer")
}

// TestEscalateWithNoHeadIsRefusedAtOnce: with no head to tell, the press
// is refused in a pop-up and the reminder keeps its buttons.
func TestEscalateWithNoHeadIsRefusedAtOnce(t *testing.T) {
	o := newRemindOffice(t)
	p := o.usePopups()
	o.m = o.setUser(o.m.ID, core.UserUpdate{HeadID: new(int64)})
	_, msg := o.firedPayment()
	o.refused(p, o.pressVia("m", []*bot.Message{msg}, "Эскалировать"), "err.button.reminder_no_head")
	wantButtons(t, o.pressVia("m", []*bot.Message{msg}, "Отложить")[0], "На 1 час", "До завтра", "Назад")
}

// TestForgedAndForeignPressesAreRefused: a reminder's button pressed by
// someone else is refused; a snooze button whose delay is not one of the
// two, made by hand as a forged press would be, is refused as stale; the
// reminder stays as it was.
func TestForgedAndForeignPressesAreRefused(t *testing.T) {
	o := newRemindOffice(t)
	p := o.usePopups()
	d, msg := o.firedPayment()

	o.refused(p, o.pressVia("hd", []*bot.Message{msg}, "Выполнено"), "err.button.not_yours")

	var r *core.Reminder
	for _, x := range o.remindersOf(d.ID) {
		if x.Status == core.ReminderFired {
			r = x
		}
	}
	if r == nil {
		t.Fatal("no fired reminder")
	}
	for _, payload := range []string{strconv.FormatInt(r.ID, 10) + ":2h", strconv.FormatInt(r.ID, 10) + ":",
		"x:1h", strconv.FormatInt(r.ID+100, 10) + ":1h"} {
		btn := core.NewButton(core.ActionReminderSnooze, payload, o.m.ID, core.ChatKey("test", "m"), o.clock.Now(),
			core.ButtonTTL)
		if err := o.db.Update(context.Background(), func(tx core.Tx) error { return tx.PutButton(btn) }); err != nil {
			t.Fatal(err)
		}
		forged := &bot.Message{Buttons: [][]bot.ButtonView{{{Label: "forged", Token: btn.Token}}}}
		o.refused(p, o.pressVia("m", []*bot.Message{forged}, "forged"), "err.button.expired")
	}
	if got := o.reminder(r.ID); got.Status != core.ReminderFired || got.Snoozes != 0 {
		t.Fatalf("reminder changed: %+v", got)
	}
}
