// Package tasks is the chat side of tasks: lists, the new task and done
// dialogs.
package tasks

import (
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// Register registers tasks: the list, the new task and done dialogs.
func Register(r *bot.Router) {
	r.Command("task", core.PermTasks, task)
	r.Command("tasks", core.PermTasks, tasks)
	r.Command("done", core.PermTasks, done)
	r.Action(core.ActionTaskNew, core.PermTasks, newTaskAction)
	r.Action(core.ActionTaskDone, core.PermTasks, doneAction)
	r.Flow(taskFlow())
	r.Flow(doneFlow())
}

// task starts a new task: /task new.
func task(c *bot.Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	if !strings.EqualFold(arg, "new") && !strings.EqualFold(arg, "новая") {
		return c.Reply("msg.task.usage", nil)
	}
	return c.Start("task.new", nil)
}

func newTaskAction(c *bot.Context) error {
	return c.Start("task.new", map[string]string{"deal_id": c.Button.Payload})
}

// tasks lists the user's open tasks, overdue first, with a Done button each.
func tasks(c *bot.Context) error {
	ts, err := c.Svc.MyTasks(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return c.Reply("msg.tasks.none", nil)
	}
	now := c.Now()
	var b strings.Builder
	b.WriteString(c.T("msg.tasks.title", bot.Args{"Count": len(ts)}))
	var rows [][]bot.Button
	for _, t := range ts {
		b.WriteString("\n")
		b.WriteString(taskLine(c, t, now))
		switch {
		case len(rows) >= 8:
		case t.IntakeID != 0:
			rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.intake.verify_n", Args: bot.Args{"ID": t.IntakeID},
				Action: core.ActionIntakeVerify, Payload: strconv.FormatInt(t.IntakeID, 10)}))
		default:
			rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.task.done", Args: bot.Args{"ID": t.ID}, Action: core.ActionTaskDone,
				Payload: strconv.FormatInt(t.ID, 10)}))
		}
	}
	return c.Send(bot.Reply{Text: b.String(), Buttons: rows})
}

func taskLine(c *bot.Context, t *core.Task, now time.Time) string {
	if t.IntakeID != 0 {
		return c.T("msg.tasks.line_intake", bot.Args{"ID": t.ID, "Intake": t.IntakeID, "Title": t.Title,
			"Queued": t.AssigneeID == 0})
	}
	key := "msg.tasks.line"
	switch {
	case t.Overdue(now):
		key = "msg.tasks.line_overdue"
	case t.Due.IsZero():
		key = "msg.tasks.line_nodue"
	}
	return c.T(key, bot.Args{"ID": t.ID, "Title": t.Title, "Due": t.Due})
}

// done completes a task, asking for its result: /done <task id>.
func done(c *bot.Context) error {
	id, err := bot.ParseID(c.Update.Args, "msg.done.usage")
	if err != nil {
		return c.Reply("msg.done.usage", nil)
	}
	return startDone(c, id)
}

func doneAction(c *bot.Context) error {
	id, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	return startDone(c, id)
}

func startDone(c *bot.Context, id int64) error {
	t, err := c.Svc.TaskByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	if t.Status != core.TaskOpen {
		return core.Errorf(core.ECONFLICT, "err.task.not_open", "ID", t.ID)
	}
	return c.Start("task.done", map[string]string{"task_id": strconv.FormatInt(id, 10), "title": t.Title})
}

func doneFlow() *bot.Flow {
	return &bot.Flow{Name: "task.done", First: "result", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"result": {Prompt: func(c *bot.Context) error {
			return c.Reply("flow.done.result", bot.Args{"ID": c.Conv.Data["task_id"], "Title": c.Conv.Data["title"]})
		}, Input: func(c *bot.Context, s string) (string, error) {
			if s == "" || bot.IsSkip(s) {
				return "", core.Errorf(core.EINVALID, "err.task.result_required")
			}
			id, _ := strconv.ParseInt(c.Conv.Data["task_id"], 10, 64)
			t, err := c.Svc.CompleteTask(c.Ctx(), c.Actor(), id, s)
			if err != nil {
				if core.ErrorCode(err) != core.EINVALID {
					_ = c.Finish()
				}
				return "", err
			}
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", c.Reply("msg.done.ok", bot.Args{"ID": t.ID, "Title": t.Title})
		}},
	}}
}

// taskFlow asks for a new task's title, due time, deal and assignee.
func taskFlow() *bot.Flow {
	return &bot.Flow{Name: "task.new", First: "title", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"title": {Prompt: bot.Ask("flow.task.title", false), Input: bot.TitleInput("due")},
		"due": {Prompt: bot.Ask("flow.task.due", true), Input: func(c *bot.Context, s string) (string, error) {
			next := "deal"
			if c.Conv.Data["deal_id"] != "" {
				next = "assignee"
			}
			return bot.DateInput("due", next)(c, s)
		}},
		"deal":     {Prompt: bot.Ask("flow.task.deal", true), Input: taskDeal},
		"assignee": {Prompt: askAssignee, Input: taskAssignee},
	}}
}

// taskDeal takes what the task is about: a deal number, a client's INN,
// or nothing.
func taskDeal(c *bot.Context, s string) (string, error) {
	if bot.IsSkip(s) || s == "" {
		return "assignee", nil
	}
	if _, ok := core.ParseDealNumber(s); ok {
		d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), s)
		if err != nil {
			return "", bot.AsInvalid(err)
		}
		c.Conv.Data["deal_id"] = strconv.FormatInt(d.ID, 10)
		return "assignee", nil
	}
	clients, err := c.Svc.FindClientsByINN(c.Ctx(), c.Actor(), requisite.Clean(s))
	if err != nil {
		return "", bot.AsInvalid(err)
	}
	c.Conv.Data["client_id"] = strconv.FormatInt(clients[0].ID, 10)
	return "assignee", nil
}

// askAssignee asks whom to assign the task to; users who may not assign
// tasks to others get it themselves at once.
func askAssignee(c *bot.Context) error {
	if !c.User.Can(core.PermAssignTasks) {
		_, err := createTask(c, "me")
		return err
	}
	us, err := c.Svc.ListUsers(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	rows := [][]bot.Button{bot.Row(bot.Choice("btn.task.me", nil, "me"))}
	for _, u := range us {
		if u.Active && u.ID != c.User.ID && len(rows) < 9 {
			rows = append(rows, bot.Row(bot.Choice("btn.user", bot.Args{"Name": u.Name, "Role": c.Role(u.Role)},
				"id:"+strconv.FormatInt(u.ID, 10))))
		}
	}
	return c.Reply("flow.task.assignee", nil, rows...)
}

func taskAssignee(c *bot.Context, s string) (string, error) {
	return createTask(c, s)
}

func createTask(c *bot.Context, who string) (string, error) {
	d := c.Conv.Data
	t := &core.Task{Title: d["title"], AssigneeID: c.User.ID}
	if id, ok := strings.CutPrefix(who, "id:"); ok {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return "", core.Errorf(core.EINVALID, "err.task.assignee_required")
		}
		t.AssigneeID = n
	} else if w := strings.ToLower(who); w != "me" && w != "я" && w != "мне" {
		return "", core.Errorf(core.EINVALID, "err.task.assignee_choose")
	}
	if v := d["due"]; v != "" {
		t.Due, _ = time.Parse(time.RFC3339, v)
	}
	t.DealID, _ = strconv.ParseInt(d["deal_id"], 10, 64)
	t.ClientID, _ = strconv.ParseInt(d["client_id"], 10, 64)
	t, err := c.Svc.CreateTask(c.Ctx(), c.Actor(), t)
	// Saved or not, the dialog ends; an error says why it could not be.
	if ferr := c.Finish(); err == nil {
		err = ferr
	}
	if err != nil {
		return "", err
	}
	key := "msg.task.created"
	if !t.Due.IsZero() && d["due_default"] != "" {
		key = "msg.task.created_default_time" // says the time was not typed
	}
	return "", c.Reply(key, bot.Args{"ID": t.ID, "Title": t.Title, "Due": bot.OptTime(t.Due)})
}
