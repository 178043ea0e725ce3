package bot_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/workcal"
)

// holidayCalendar is a production calendar with weekends and a set of
// holidays, that loads "year NNNN" files as an admin's year file.
type holidayCalendar struct {
	off   map[string]bool // "2006-01-02"
	years []int
}

func (c *holidayCalendar) Workday(day time.Time) bool {
	return core.WeekendCalendar{}.Workday(day) && !c.off[day.Format("2006-01-02")]
}

func (c *holidayCalendar) Shortened(time.Time) bool { return false }

func (c *holidayCalendar) HasYear(y int) bool { return slices.Contains(c.years, y) }

func (c *holidayCalendar) Load(data []byte) (int, error) {
	y, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(string(data)), "year "))
	if err != nil {
		return 0, errors.New("not a calendar year")
	}
	if !slices.Contains(c.years, y) {
		c.years = append(c.years, y)
		slices.Sort(c.years)
	}
	return y, nil
}

func (c *holidayCalendar) Years() []int { return slices.Clone(c.years) }

// remindOfficeAt is an office whose clock reads Saturday the 28th of
// November 2026, 12:00 Moscow time, and whose production calendar makes
// Tuesday the 1st of December a holiday.
func remindOfficeAt(t *testing.T) (*remindOffice, *holidayCalendar) {
	t.Helper()
	cal := &holidayCalendar{off: map[string]bool{"2026-12-01": true}, years: []int{2026}}
	o := newRemindOffice(t, core.WithCalendar(cal))
	o.clock.Add(time.Date(2026, 11, 28, 12, 0, 0, 0, msk).Sub(o.clock.Now()))
	return o, cal
}

// TestRemindEchoesTheTimeAcrossAHoliday: «через 3 рабочих дня» from a
// Saturday skips the weekend and Tuesday's holiday; the echo names the
// day, its weekday, the time and the zone, and the deal; the reminder
// fires at that time, not before.
func TestRemindEchoesTheTimeAcrossAHoliday(t *testing.T) {
	o, _ := remindOfficeAt(t)
	d := o.deal("Лизинг", nil)

	echo := o.say("m", "/remind "+d.Number+" через 3 рабочих дня позвонить")
	o.wantIn("ru", echo, "msg.remind.set", bot.Args{"Date": "03.12.2026", "Weekday": "чт", "Clock": "09:00",
		"Zone": "по Москве", "About": "сделка " + d.Number + " «Лизинг»", "Text": "позвонить", "Default": true})
	has(t, echo[0].Text, "Напомню 03.12.2026 (чт) в 09:00 по Москве — сделка "+d.Number+" «Лизинг»: позвонить")
	wantButtons(t, echo[0], "Исправить", "Отменить")

	nothing(t, o.fireAt(time.Date(2026, 12, 3, 8, 59, 0, 0, msk)))
	got := one(t, o.fireAt(time.Date(2026, 12, 3, 9, 0, 0, 0, msk)), "m")
	has(t, got.Text, "🔔 Напоминание: позвонить", "Сделка "+d.Number+" «Лизинг»", "Клиент: ПАО Сбербанк")
	wantButtons(t, got, answerButtons...)
}

// TestRemindEchoInOtherZonesAndEnglish: a time given is kept; the zone is
// named when it is not Moscow's, with its offset; English reads its own
// words.
func TestRemindEchoInOtherZonesAndEnglish(t *testing.T) {
	o, _ := remindOfficeAt(t)
	has(t, last(t, o.say("m", "/remind завтра 10:00 отправить КП")),
		"Напомню 29.11.2026 (вс) в 10:00 по Москве: отправить КП")

	o.say("m", "/tz Asia/Yekaterinburg")
	echo := last(t, o.say("m", "/remind в пятницу в 15:00 проверить оплату"))
	has(t, echo, "Напомню 04.12.2026 (пт) в 15:00 по времени Asia/Yekaterinburg (UTC+5): проверить оплату")
	lacks(t, echo, "Время не указано")

	o.say("m", "/tz Europe/Moscow")
	o.say("m", "/lang en")
	has(t, last(t, o.say("m", "/remind tomorrow 10:00 send the proposal")),
		"I'll remind you on Sun 2026-11-29 at 10:00 Moscow time: send the proposal")
}

// TestRemindCorrectionAndCancel: «Исправить» asks a new time in the same
// words and echoes it again; «Отменить» cancels; a button of a reminder
// that has fired already says so in a pop-up.
func TestRemindCorrectionAndCancel(t *testing.T) {
	o, _ := remindOfficeAt(t)
	p := o.usePopups()
	echo := o.pressVia("m", o.say("m", "/remind завтра 10:00 отправить КП"), "Исправить")
	has(t, last(t, echo), "Когда напомнить «отправить КП»?")
	again := o.say("m", "послезавтра 11:30")
	has(t, last(t, again), "Напомню 30.11.2026 (пн) в 11:30 по Москве: отправить КП")
	wantButtons(t, again[len(again)-1], "Исправить", "Отменить")

	nothing(t, o.fireAt(time.Date(2026, 11, 29, 10, 0, 0, 0, msk)))
	fired := one(t, o.fireAt(time.Date(2026, 11, 30, 11, 30, 0, 0, msk)), "m")
	has(t, fired.Text, "Напоминание: отправить КП")
	o.refused(p, o.pressVia("m", again, "Отменить"), "err.button.reminder_not_pending")
	o.refused(p, o.pressVia("m", again, "Исправить"), "err.button.reminder_not_pending")

	set := o.say("m", "/remind завтра 10:00 позвонить")
	has(t, last(t, o.pressVia("m", set, "Отменить")), "Напоминание на 01.12.2026 (вт) 10:00 отменено: позвонить")
	nothing(t, o.fireAt(time.Date(2026, 12, 1, 10, 0, 0, 0, msk)))
}

// TestRemindRefusesWhatItCannotRead: a time it cannot read is answered
// with the forms it reads; a time that has passed has its own answer;
// a time without a text asks for the text; nothing is set.
func TestRemindRefusesWhatItCannotRead(t *testing.T) {
	o, _ := remindOfficeAt(t)
	for _, lang := range []string{"ru", "en"} {
		o.say("m", "/lang "+lang)
		p := bundle.Printer(lang, msk)
		o.wantIn(lang, o.say("m", "/remind когда-нибудь позвонить"), "msg.remind.unreadable",
			bot.Args{"Text": "когда-нибудь позвонить"})
		bad := last(t, o.say("m", "/remind 31.02 10:00 позвонить"))
		has(t, bad, strings.SplitN(p.T("err.when.format", bot.Args{"Text": "31.02"}), "31.02", 2)[0]+"31.02")
		past := o.say("m", "/remind сегодня 08:00 позвонить")
		o.wantIn(lang, past, "msg.remind.past", bot.Args{"Date": p.Date(time.Date(2026, 11, 28, 0, 0, 0, 0, msk)),
			"Weekday": p.T("remind.wd.6", nil), "Clock": "08:00", "Zone": p.T("msg.remind.zone_moscow", nil),
			"Text": "сегодня 08:00"})
		o.wantIn(lang, o.say("m", "/remind завтра 10:00"), "msg.remind.no_text", bot.Args{"When": "завтра 10:00"})
	}
	if rs, err := o.svc.MyReminders(context.Background(), core.Actor{User: o.m}); err != nil || len(rs) != 0 {
		t.Fatalf("reminders set: %v %v", rs, err)
	}
}

// TestRemindNeverMisreadsWhatGoesOnWithTheTime: a weekday with a date is
// the date when they agree and refused, saying why, when they do not; a
// part of the day is a time; minutes after a count are refused, not left
// in the text.
func TestRemindNeverMisreadsWhatGoesOnWithTheTime(t *testing.T) {
	o, _ := remindOfficeAt(t)
	has(t, last(t, o.say("m", "/remind в пятницу 4 декабря позвонить")),
		"Напомню 04.12.2026 (пт) в 09:00 по Москве: позвонить")
	o.want(o.say("m", "/remind в субботу 4 декабря позвонить"), "err.when.weekday", bot.Args{
		"Text": "в субботу 4 декабря", "Date": time.Date(2026, 12, 4, 12, 0, 0, 0, msk), "Actual": 5, "Said": 6})
	has(t, last(t, o.say("m", "/remind в субботу 4 декабря позвонить")),
		"«в субботу 4 декабря»: 04.12.2026 — пятница, а не суббота.")
	morning := last(t, o.say("m", "/remind завтра утром позвонить"))
	has(t, morning, "Напомню 29.11.2026 (вс) в 09:00 по Москве: позвонить")
	lacks(t, morning, "Время не указано")
	has(t, last(t, o.say("m", "/remind через 2 часа 30 минут позвонить")), "«через 2 часа 30 минут»")
	if rs, err := o.svc.MyReminders(context.Background(), core.Actor{User: o.m}); err != nil || len(rs) != 2 {
		t.Fatalf("reminders set: %d %v", len(rs), err)
	}
	o.say("m", "/lang en")
	has(t, last(t, o.say("m", "/remind on saturday december 4 call")),
		"“on saturday december 4”: 2026-12-04 is a Friday, not a Saturday.")
}

// TestRemindAboutATaskOrAClient: «#12» names a task, an INN or a client's
// name before the time names the client; /remind alone lists what is
// pending with a cancel button for one's own.
func TestRemindAboutATaskOrAClient(t *testing.T) {
	o, _ := remindOfficeAt(t)
	task, err := o.svc.CreateTask(context.Background(), o.admin(), &core.Task{Title: "Проверить оплату",
		AssigneeID: o.m.ID})
	if err != nil {
		t.Fatal(err)
	}
	has(t, last(t, o.say("m", "/remind #"+id(task.ID)+" завтра 10:00 напомнить клиенту")),
		"— задача #"+id(task.ID)+" «Проверить оплату»: напомнить клиенту")
	has(t, last(t, o.say("m", "/remind 7707083893 в понедельник созвон")),
		"Напомню 30.11.2026 (пн) в 09:00 по Москве — клиент ПАО Сбербанк, ИНН 7707083893: созвон")
	has(t, last(t, o.say("m", "/remind сбербанк 1 декабря 9:30 созвон")),
		"Напомню 01.12.2026 (вт) в 09:30 по Москве — клиент ПАО Сбербанк, ИНН 7707083893: созвон")
	o.want(o.say("m", "/remind #999 завтра позвонить"), "err.task.not_found", nil)

	list := o.say("m", "/remind")
	has(t, last(t, list), "Ожидают 3 напоминания:",
		"\n1. 29.11.2026 (вс) 10:00 — напомнить клиенту (задача #"+id(task.ID)+" «Проверить оплату»)\n",
		"\n2. 30.11.2026 (пн) 09:00 — созвон (клиент ПАО Сбербанк)\n")
	wantButtons(t, list[0], "Отменить 1", "Отменить 2", "Отменить 3")
	has(t, last(t, o.press("m", list, "Отменить 2")), "отменено: созвон")
	has(t, last(t, o.say("m", "/remind")), "Ожидают 2 напоминания:")
}

// TestRemindListCancelsBeyondItsButtons: with more of one's own reminders
// than buttons, the list says how to cancel any by its number; a number
// not in the list, or a deal's reminder, is refused; a fired reminder
// about a client names the client.
func TestRemindListCancelsBeyondItsButtons(t *testing.T) {
	o, _ := remindOfficeAt(t)
	o.payDeal()
	for i := 1; i <= 12; i++ {
		o.say("m", "/remind 02.12.2026 "+strconv.Itoa(10+i/2)+":"+[]string{"00", "30"}[i%2]+" дело "+strconv.Itoa(i))
	}
	list := o.say("m", "/remind")
	text := last(t, list)
	has(t, text, "Ожидают 14 напоминаний:", "\n13. 02.12.2026 (ср) 16:00 — дело 12\n",
		"Отменить любое из списка: /remind отменить <номер>")
	if n := len(buttonLabels(list[0])); n != 10 {
		t.Fatalf("%d buttons", n)
	}
	has(t, text, "\n1. 02.12.2026 (ср) 09:00 — оплата: сделка") // the payment's reminder comes first
	o.want(o.say("m", "/remind отменить 1"), "err.remind.cancel_kind", bot.Args{"N": 1})
	o.want(o.say("m", "/remind отменить 15"), "err.remind.cancel_n", bot.Args{"N": 15, "Count": 14})
	has(t, last(t, o.say("m", "/remind отменить 13")), "Напоминание на 02.12.2026 (ср) 16:00 отменено: дело 12")
	has(t, last(t, o.say("m", "/remind")), "Ожидают 13 напоминаний:")
	lacks(t, last(t, o.say("m", "/remind")), "дело 12\n")

	o.say("m", "/remind 7707083893 01.12.2026 9:30 созвон")
	fired := one(t, o.fireAt(time.Date(2026, 12, 1, 9, 30, 0, 0, msk)), "m")
	has(t, last(t, o.press("m", []*bot.Message{fired}, "Выполнено")), "напоминание: клиент ПАО Сбербанк — созвон")
}

// TestCalendarShowsAndLoadsYears: /calendar shows the years the calendar
// knows; an XML file sent with it loads the year, audited.
func TestCalendarShowsAndLoadsYears(t *testing.T) {
	o, cal := remindOfficeAt(t)
	has(t, last(t, o.say("admin", "/calendar")), "известны годы 2026", "Чтобы загрузить 2027 год")
	fc := newFileChat(o.rec)
	o.bot.AddTransport(fc)
	got := o.sendFile(fc, "admin", "/calendar", fc.put("calendar2027.xml", []byte("year 2027")))
	has(t, last(t, got), "Производственный календарь на 2027 год загружен. Известные годы: 2026, 2027.")
	if !cal.HasYear(2027) {
		t.Fatal("the year is not loaded")
	}
	if cs := o.changes(core.EntitySettings, 1); len(cs) != 1 || cs[0].New != "2027" {
		t.Fatalf("changes %+v", cs)
	}
	o.want(o.sendFile(fc, "admin", "/calendar", fc.put("bad.xml", []byte("garbage"))), "err.calendar.bad_file",
		bot.Args{"Error": "not a calendar year"})
	o.want(o.say("m", "/calendar"), "err.forbidden", nil)
}

// TestCalendarFileRefusedInTheUsersLanguage: a year file the production
// calendar refuses is answered in the admin's language with the line and
// the day, not with the calendar's English text.
func TestCalendarFileRefusedInTheUsersLanguage(t *testing.T) {
	o := newRemindOffice(t, core.WithCalendar(workcal.New()))
	fc := newFileChat(o.rec)
	o.bot.AddTransport(fc)
	cut := []byte("<calendar year=\"2028\" country=\"ru\">\n<days>\n<day d=\"01.01\" t=\"1\"/>")
	got := last(t, o.sendFile(fc, "admin", "/calendar", fc.put("2028.xml", cut)))
	has(t, got, "Файл календаря не прочитан (строка 3): это не XML-документ или файл оборван.")
	lacks(t, got, "workcal", "EOF", "line")
	bad := []byte("<calendar year=\"2028\">\n<days>\n<day d=\"02.30\" t=\"1\"/>\n</days></calendar>")
	has(t, last(t, o.sendFile(fc, "admin", "/calendar", fc.put("2028.xml", bad))),
		"Строка 3 файла календаря: такого дня («02.30») в этом году нет")
	o.say("admin", "/lang en")
	has(t, last(t, o.sendFile(fc, "admin", "/calendar", fc.put("2028.xml", cut))),
		"The calendar file could not be read (line 3): it is not an XML document, or it is cut off.")
}

// TestCalendarSaysWhichYearIsProvisional: the built-in 2027, made before
// the decree, is listed as provisional until the official file is loaded,
// and in December the admins are told that it is.
func TestCalendarSaysWhichYearIsProvisional(t *testing.T) {
	cal := workcal.New()
	o := newRemindOffice(t, core.WithCalendar(cal))
	years := last(t, o.say("admin", "/calendar"))
	has(t, years, "известны годы 2026, 2027 (предварительный).", "Предварительный год — встроенный в DealDesk до постановления")

	o.clock.Add(time.Date(2026, 12, 2, 10, 0, 0, 0, msk).Sub(o.clock.Now()))
	if n, err := o.svc.CheckCalendar(context.Background(), o.clock.Now()); err != nil || n != 1 {
		t.Fatalf("CheckCalendar = %d, %v", n, err)
	}
	has(t, one(t, o.fireAt(o.clock.Now()), "admin").Text, "Производственный календарь на 2027 год предварительный",
		"с подписью /calendar")

	fc := newFileChat(o.rec)
	o.bot.AddTransport(fc)
	y, _ := cal.Year(2027)
	loaded := last(t, o.sendFile(fc, "admin", "/calendar", fc.put("2027.xml", y.Encode())))
	has(t, loaded, "Известные годы: 2026, 2027.")
	lacks(t, loaded, "предварительный")
	o.say("admin", "/lang en")
	lacks(t, last(t, o.say("admin", "/calendar")), "provisional")
}

// TestDecemberWarnsOfAMissingCalendarYear: in December, with next year's
// production calendar missing, the admins are told once a day how to load
// it.
func TestDecemberWarnsOfAMissingCalendarYear(t *testing.T) {
	o, _ := remindOfficeAt(t)
	o.clock.Add(72 * time.Hour)
	if n, err := o.svc.CheckCalendar(context.Background(), o.clock.Now()); err != nil || n != 1 {
		t.Fatalf("CheckCalendar = %d, %v", n, err)
	}
	has(t, one(t, o.fireAt(o.clock.Now()), "admin").Text, "Производственный календарь на 2027 год не загружен",
		"с подписью /calendar")
}

// TestRemindAsksWhichClientWhenSeveralMatch: a name that several cards
// share offers them; the one picked is named in the echo.
func TestRemindAsksWhichClientWhenSeveralMatch(t *testing.T) {
	o, _ := remindOfficeAt(t)
	ctx := context.Background()
	for _, c := range []*core.Client{{INN: "7736207543", ShortName: "ООО «Ромашка»"},
		{INN: "7702070139", ShortName: "ООО «Ромашка-Юг»"}} {
		if _, err := o.svc.CreateClient(ctx, o.admin(), c); err != nil {
			t.Fatal(err)
		}
	}
	ask := o.say("m", "/remind ромашка завтра 10:00 созвон")
	o.want(ask, "flow.remind.client", bot.Args{"Query": "ромашка"})
	echo := o.press("m", ask, o.p.T("btn.client.pick", bot.Args{"Name": "ООО «Ромашка-Юг»", "INN": "7702070139"}))
	has(t, last(t, echo), "Напомню 29.11.2026 (вс) в 10:00 по Москве — клиент ООО «Ромашка-Юг», ИНН 7702070139: созвон")

	ask = o.say("m", "/remind ромашка завтра 11:00 созвон")
	has(t, last(t, o.press("m", ask, "Без клиента")), "Напомню 29.11.2026 (вс) в 11:00 по Москве: созвон")
}
