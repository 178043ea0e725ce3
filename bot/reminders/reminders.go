// Package reminders is the chat side of reminders and control: /remind and
// its echo, the answers to a fired reminder (Выполнено, Отложить,
// Перенести, Эскалировать), /control and /overdue, a user's /mute and
// /quiet, a deal's /payments and the /leads of key-date reminders, and the
// production calendar's /calendar.
package reminders

import (
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers reminders and control.
func Register(r *bot.Router) {
	r.Command("remind", core.PermTasks, remind)
	r.Command("control", core.PermViewDeals, control)
	r.Command("overdue", core.PermAssignTasks, overdue)
	r.Command("mute", "", mute)
	r.Command("unmute", "", unmute)
	r.Command("quiet", "", quiet)
	r.Command("payments", core.PermEditDeals, payments)
	r.Command("leads", core.PermEditDeals, leads)
	r.Command("calendar", core.PermAdmin, calendar)
	r.Command("rules", core.PermAdmin, rules)

	r.Action(core.ActionReminderDone, core.PermTasks, doneAction)
	r.Action(core.ActionReminderSnooze, core.PermTasks, snoozeAction)
	r.Action(core.ActionReminderMove, core.PermTasks, moveAction)
	r.Action(core.ActionReminderEscalate, core.PermTasks, escalateAction)
	r.View(core.ActionReminderOpen, core.PermTasks, openAction)
	r.Action(core.ActionReminderCancel, core.PermTasks, cancelAction)
	r.Action(core.ActionReminderRetime, core.PermTasks, retimeAction)

	r.Flow(doneFlow())
	r.Flow(moveFlow())
	r.Flow(escalateFlow())
	r.Flow(retimeFlow())
	r.Flow(clientFlow())
	r.Flow(muteFlow())
}

// back is the value of the «Назад» choice of an answer's questions: the
// dialog ends and the reminder is shown again with its buttons.
const back = "#back"

// pressed reads the reminder a button names and checks that it still waits
// for an answer. A reminder answered already (from another message, by a
// head, or from a merged list) or cancelled since is refused with a pop-up
// for the presser, and the press changes nothing.
func pressed(c *bot.Context, payload string) (*core.ReminderView, error) {
	id, err := strconv.ParseInt(payload, 10, 64)
	if err != nil || id <= 0 {
		return nil, core.Errorf(core.EINVALID, "err.button.expired")
	}
	v, err := c.Svc.ShowReminder(c.Ctx(), c.Actor(), id)
	if core.IsNotFound(err) {
		return nil, core.Errorf(core.EINVALID, "err.button.expired")
	} else if err != nil {
		return nil, err
	}
	if err := waiting(v.Reminder); err != nil {
		return nil, err
	}
	return v, nil
}

// waiting refuses a press on a reminder that no longer waits for an answer.
func waiting(r *core.Reminder) error {
	switch r.Status {
	case core.ReminderFired, core.ReminderPending:
		return nil
	case core.ReminderCancelled:
		return core.Errorf(core.EINVALID, "err.button.reminder_cancelled")
	}
	return core.Errorf(core.EINVALID, "err.button.reminder_answered")
}

// asPress makes core's «answered already» a refusal of the press (a
// pop-up; nothing changes), for a reminder answered between the press's
// check and its change.
func asPress(err error) error {
	if key, _ := core.ErrorKey(err); key == "err.reminder.answered" {
		return core.Errorf(core.EINVALID, "err.button.reminder_answered")
	}
	return err
}

// what is a one-line summary of a reminder, for the questions about it.
func what(c *bot.Context, v *core.ReminderView) string {
	return c.T("msg.reminder.what", v.Args)
}

// whatUndated is the summary without the date the reminder is about, for
// a message that says the date otherwise.
func whatUndated(c *bot.Context, v *core.ReminderView) string {
	args := maps.Clone(v.Args)
	delete(args, "Target")
	return c.T("msg.reminder.what", args)
}

// buttons are a fired reminder's answers as the chat's buttons.
func buttons(v *core.ReminderView) [][]bot.Button {
	var rows [][]bot.Button
	for _, row := range core.ReminderButtons(v.Reminder, v.Args) {
		var out []bot.Button
		for _, b := range row {
			out = append(out, bot.Button{LabelKey: b.LabelKey, Action: b.Action, Payload: b.Payload})
		}
		rows = append(rows, out)
	}
	return rows
}

// show sends a reminder as it fired, with its four buttons while it waits
// for an answer.
func show(c *bot.Context, v *core.ReminderView) error {
	text := c.T("notify.reminder."+string(v.Reminder.Kind), v.Args)
	if waiting(v.Reminder) != nil {
		return c.Send(bot.Reply{Text: text + "\n" + c.T("msg.reminder.answered_note", nil)})
	}
	return c.Send(bot.Reply{Text: text, Buttons: buttons(v)})
}

// openAction shows one reminder of a merged message with its buttons.
func openAction(c *bot.Context) error {
	v, err := pressed(c, c.Button.Payload)
	if err != nil {
		return err
	}
	return show(c, v)
}

// backTo ends an answer's dialog and shows its reminder again, so that a
// button pressed by mistake costs nothing.
func backTo(c *bot.Context) (string, error) {
	id, _ := strconv.ParseInt(c.Conv.Data["id"], 10, 64)
	if err := c.Finish(); err != nil {
		return "", err
	}
	v, err := c.Svc.ShowReminder(c.Ctx(), c.Actor(), id)
	if err != nil {
		return "", err
	}
	return "", show(c, v)
}

// convID is the reminder id of an answer's dialog.
func convID(c *bot.Context) int64 {
	id, _ := strconv.ParseInt(c.Conv.Data["id"], 10, 64)
	return id
}

// endWith ends a dialog whose answer cannot be taken again (the reminder
// was answered meanwhile, or there is no head to tell): it says why, and
// asking the same question would not help.
func endWith(c *bot.Context, err error) (string, error) {
	if ferr := c.Finish(); ferr != nil {
		return "", ferr
	}
	if core.ErrorCode(err) == core.EINVALID {
		key, args := core.ErrorKey(err)
		return "", c.Reply(key, args)
	}
	return "", err
}

// dayStart is the working day's start, minutes from midnight: the time a
// reminder typed with a day and no time gets.
func dayStart(c *bot.Context) int {
	st, err := c.Svc.ReminderSettings(c.Ctx())
	if err != nil || st.DayStart <= 0 {
		return core.DefaultReminderSettings().DayStart
	}
	return st.DayStart
}

// whenArgs are the arguments that name a moment with its weekday and time
// zone in the user's words: «04.12.2026 (пт) в 10:00 по Москве».
func whenArgs(c *bot.Context, at time.Time) bot.Args {
	loc := c.P.Location()
	t := at.In(loc)
	return bot.Args{"Date": c.P.Date(t), "Weekday": c.T("remind.wd."+strconv.Itoa(int(t.Weekday())), nil),
		"Clock": t.Format("15:04"), "Zone": zoneName(c, t)}
}

// zoneName says the time zone a time is in: «по Москве», or «по времени
// Asia/Yekaterinburg (UTC+5)».
func zoneName(c *bot.Context, t time.Time) string {
	name := t.Location().String()
	if name == "Europe/Moscow" {
		return c.T("msg.remind.zone_moscow", nil)
	}
	_, off := t.Zone()
	return c.T("msg.remind.zone", bot.Args{"Name": name, "Offset": utcOffset(off)})
}

// utcOffset writes an offset from UTC in seconds as «UTC+5», «UTC+5:30»,
// «UTC-3», «UTC».
func utcOffset(off int) string {
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := "UTC" + sign + strconv.Itoa(off/3600)
	if m := off % 3600 / 60; m != 0 {
		s += ":" + twoDigits(m)
	}
	return s
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// normWord is a word for matching names: lower case, «ё» as «е», without
// the punctuation a sentence puts around it.
func normWord(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "ё", "е")
	return strings.Trim(s, ",.;:!?()«»\"")
}
