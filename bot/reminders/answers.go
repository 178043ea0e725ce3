package reminders

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// The answers to a fired reminder. Each button checks first that the
// reminder still waits for an answer (see pressed); the questions that
// follow are dialog steps, and each has «Назад», which shows the reminder
// again with its buttons.

// answerData is the dialog data of an answer to the reminder.
func answerData(v *core.ReminderView, c *bot.Context) map[string]string {
	return map[string]string{"id": strconv.FormatInt(v.Reminder.ID, 10), "what": what(c, v),
		"kind": string(v.Reminder.Kind)}
}

// backRow is the «Назад» choice of an answer's question.
func backRow() []bot.Button { return bot.Row(bot.Choice("btn.reminder.back", nil, back)) }

// doneAction answers «Выполнено»: it asks for the result.
func doneAction(c *bot.Context) error {
	v, err := pressed(c, c.Button.Payload)
	if err != nil {
		return err
	}
	return c.Start("reminder.done", answerData(v, c))
}

func doneFlow() *bot.Flow {
	return &bot.Flow{Name: "reminder.done", First: "result", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"result": {Prompt: func(c *bot.Context) error {
			return c.Reply("flow.reminder.result", bot.Args{"What": c.Conv.Data["what"]}, backRow())
		}, Input: func(c *bot.Context, s string) (string, error) {
			if s == back {
				return backTo(c)
			}
			if s == "" || bot.IsSkip(s) {
				return "", core.Errorf(core.EINVALID, "err.reminder.result_required")
			}
			d := c.Conv.Data
			r, err := c.Svc.ReminderDone(c.Ctx(), c.Actor(), convID(c), s)
			if err != nil {
				if core.ErrorCode(err) == core.EINVALID {
					return "", err
				}
				return endWith(c, err)
			}
			if err := c.Finish(); err != nil {
				return "", err
			}
			task := int64(0)
			if movedKind(r) == "task" {
				task = r.TaskID // the task is done with it
			}
			return "", c.Reply("msg.reminder.done", bot.Args{"What": d["what"], "Result": s, "Task": task})
		}},
	}}
}

// snoozeAction answers «Отложить»: with the reminder's id alone it offers
// the two delays; with a delay ("12:1h", "12:tomorrow") it puts the
// reminder off. Any other delay is refused as a stale button.
func snoozeAction(c *bot.Context) error {
	id, opt, hasOpt := strings.Cut(c.Button.Payload, ":")
	v, err := pressed(c, id)
	if err != nil {
		return err
	}
	if !hasOpt {
		rows := [][]bot.Button{
			bot.Row(bot.Button{LabelKey: "btn.reminder.snooze_hour", Action: core.ActionReminderSnooze,
				Payload: id + ":" + string(core.SnoozeHour)},
				bot.Button{LabelKey: "btn.reminder.snooze_tomorrow", Action: core.ActionReminderSnooze,
					Payload: id + ":" + string(core.SnoozeTomorrow)}),
			bot.Row(bot.Button{LabelKey: "btn.reminder.back", Action: core.ActionReminderOpen, Payload: id}),
		}
		return c.Reply("msg.reminder.snooze_ask", bot.Args{"What": what(c, v)}, rows...)
	}
	switch o := core.SnoozeOption(opt); o {
	case core.SnoozeHour, core.SnoozeTomorrow:
		r, err := c.Svc.SnoozeReminder(c.Ctx(), c.Actor(), v.Reminder.ID, o)
		if err != nil {
			return asPress(err)
		}
		args := whenArgs(c, r.DueAt)
		args["What"] = what(c, v)
		return c.Reply("msg.reminder.snoozed", args)
	}
	return core.Errorf(core.EINVALID, "err.button.expired")
}

// moveAction answers «Перенести»: it asks for the new date, then the
// reason.
func moveAction(c *bot.Context) error {
	v, err := pressed(c, c.Button.Payload)
	if err != nil {
		return err
	}
	d := answerData(v, c)
	if t, ok := v.Args["Target"].(time.Time); ok {
		d["target"] = t.Format(time.RFC3339)
		d["what"] = whatUndated(c, v) // the question says the date once, as «сейчас — …»
	}
	// What the echo of a moved deal's date or task's due time names.
	for _, a := range [][2]string{{"Deal", "deal"}, {"DealTitle", "deal_title"}, {"Task", "task"},
		{"TaskTitle", "task_title"}} {
		if x, ok := v.Args[a[0]]; ok && x != nil {
			d[a[1]] = fmt.Sprint(x)
		}
	}
	return c.Start("reminder.move", d)
}

// moveClock is the time a new date typed without one gets: a custom
// reminder's working day's start; a deal's key date's or a task's due
// time, like any deadline, the end of the working day.
func moveClock(c *bot.Context) int {
	if core.ReminderKind(c.Conv.Data["kind"]) == core.ReminderCustom {
		return dayStart(c)
	}
	return core.DefaultHour * 60
}

func moveFlow() *bot.Flow {
	return &bot.Flow{Name: "reminder.move", First: "date", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"date": {Prompt: func(c *bot.Context) error {
			args := bot.Args{"What": c.Conv.Data["what"]}
			if t, err := time.Parse(time.RFC3339, c.Conv.Data["target"]); err == nil {
				args["Target"] = t
			}
			return c.Reply("flow.reminder.move_date", args, backRow())
		}, Input: func(c *bot.Context, s string) (string, error) {
			if s == back {
				return backTo(c)
			}
			now := c.Now()
			w, err := core.ParseWhen(s, now, c.P.Location(), c.Svc.Calendar(), moveClock(c))
			if err != nil {
				return "", err
			}
			if !w.At.After(now) {
				return "", core.Errorf(core.EINVALID, "err.date.past", "Date", w.At, "Now", now)
			}
			c.Conv.Data["to"] = w.At.Format(time.RFC3339)
			return "reason", nil
		}},
		"reason": {Prompt: func(c *bot.Context) error {
			to, _ := time.Parse(time.RFC3339, c.Conv.Data["to"])
			args := whenArgs(c, to)
			args["What"] = c.Conv.Data["what"]
			return c.Reply("flow.reminder.move_reason", args, backRow())
		}, Input: func(c *bot.Context, s string) (string, error) {
			if s == back {
				return backTo(c)
			}
			if s == "" || bot.IsSkip(s) {
				return "", core.Errorf(core.EINVALID, "err.reminder.reason_required")
			}
			d := c.Conv.Data
			to, _ := time.Parse(time.RFC3339, d["to"])
			r, err := c.Svc.MoveReminder(c.Ctx(), c.Actor(), convID(c), to, s)
			if core.ErrorCode(err) == core.EINVALID {
				// The date does not fit (it passed meanwhile, or a
				// contract would end before it is signed): ask it again.
				key, args := core.ErrorKey(err)
				if err := c.Reply(key, args); err != nil {
					return "", err
				}
				return "date", nil
			} else if err != nil {
				return endWith(c, err)
			}
			if err := c.Finish(); err != nil {
				return "", err
			}
			// The echo says what moved: a deal's date or a task's due time
			// (their reminders follow it, at their own lead days and
			// hours), or when the reminder itself comes now.
			kind := movedKind(r)
			at := to
			if kind == "reminder" {
				at = r.DueAt
			}
			args := whenArgs(c, at)
			args["What"], args["Reason"], args["Kind"] = d["what"], s, string(r.Subject())
			args["Deal"], args["DealTitle"], args["Task"], args["TaskTitle"] = d["deal"], d["deal_title"], d["task"],
				d["task_title"]
			return "", c.Reply("msg.reminder.moved."+kind, args)
		}},
	}}
}

// movedKind says what a move changed, as core.MoveReminder decides it: a
// task's due time (a task's reminder, alert or escalation), a deal's key
// date (its reminder, or an escalation of one), or the reminder's own
// time.
func movedKind(r *core.Reminder) string {
	switch {
	case r.TaskID != 0 && (r.Kind == core.ReminderTaskDue || r.Kind == core.ReminderOverdue ||
		r.Kind == core.ReminderEscalation):
		return "task"
	case r.Subject().DealDate():
		return "deal"
	}
	return "reminder"
}

// escalateAction answers «Эскалировать»: it asks for a reason, which may
// be left out. With no head to tell, the press is refused at once.
func escalateAction(c *bot.Context) error {
	v, err := pressed(c, c.Button.Payload)
	if err != nil {
		return err
	}
	u, err := c.Svc.UserByID(c.Ctx(), v.Reminder.UserID)
	if err != nil {
		return err
	}
	if u.HeadID == 0 {
		return core.Errorf(core.EINVALID, "err.button.reminder_no_head")
	}
	d := answerData(v, c)
	if head, err := c.Svc.UserByID(c.Ctx(), u.HeadID); err == nil {
		d["head"] = head.Name
	}
	return c.Start("reminder.escalate", d)
}

func escalateFlow() *bot.Flow {
	return &bot.Flow{Name: "reminder.escalate", First: "reason", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"reason": {Prompt: func(c *bot.Context) error {
			return c.Reply("flow.reminder.escalate_reason", bot.Args{"What": c.Conv.Data["what"],
				"Head": c.Conv.Data["head"]},
				bot.Row(bot.Choice("btn.reminder.no_reason", nil, bot.Skip)), backRow())
		}, Input: func(c *bot.Context, s string) (string, error) {
			if s == back {
				return backTo(c)
			}
			if bot.IsSkip(s) {
				s = ""
			}
			d := c.Conv.Data
			if _, err := c.Svc.EscalateReminder(c.Ctx(), c.Actor(), convID(c), s); err != nil {
				if key, _ := core.ErrorKey(err); key == "err.text.too_long" {
					return "", err
				}
				return endWith(c, err)
			}
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", c.Reply("msg.reminder.escalated", bot.Args{"What": d["what"], "Head": d["head"], "Reason": s})
		}},
	}}
}
