package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// task starts a new task: /task new.
func task(c *Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	if !strings.EqualFold(arg, "new") && !strings.EqualFold(arg, "новая") {
		return c.Reply("msg.task.usage", nil)
	}
	return c.Start("task.new", nil)
}

func newTaskAction(c *Context) error {
	return c.Start("task.new", map[string]string{"deal_id": c.Button.Payload})
}

// tasks lists the user's open tasks, overdue first, with a Done button each.
func tasks(c *Context) error {
	ts, err := c.Svc.MyTasks(c.ctx, c.Actor())
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return c.Reply("msg.tasks.none", nil)
	}
	now := c.bot.now()
	var b strings.Builder
	b.WriteString(c.T("msg.tasks.title", Args{"Count": len(ts)}))
	var rows [][]Button
	for _, t := range ts {
		b.WriteString("\n")
		b.WriteString(c.taskLine(t, now))
		switch {
		case len(rows) >= 8:
		case t.IntakeID != 0:
			rows = append(rows, Row(Button{LabelKey: "btn.intake.verify_n", Args: Args{"ID": t.IntakeID},
				Action: "intake.verify", Payload: strconv.FormatInt(t.IntakeID, 10)}))
		default:
			rows = append(rows, Row(Button{LabelKey: "btn.task.done", Args: Args{"ID": t.ID}, Action: "task.done",
				Payload: strconv.FormatInt(t.ID, 10)}))
		}
	}
	return c.Send(Reply{Text: b.String(), Buttons: rows})
}

func (c *Context) taskLine(t *core.Task, now time.Time) string {
	if t.IntakeID != 0 {
		return c.T("msg.tasks.line_intake", Args{"ID": t.ID, "Intake": t.IntakeID, "Title": t.Title,
			"Queued": t.AssigneeID == 0})
	}
	key := "msg.tasks.line"
	switch {
	case t.Overdue(now):
		key = "msg.tasks.line_overdue"
	case t.Due.IsZero():
		key = "msg.tasks.line_nodue"
	}
	return c.T(key, Args{"ID": t.ID, "Title": t.Title, "Due": t.Due})
}

// done completes a task, asking for its result: /done <task id>.
func done(c *Context) error {
	id, err := parseID(c.Update.Args, "msg.done.usage")
	if err != nil {
		return c.Reply("msg.done.usage", nil)
	}
	return c.startDone(id)
}

func doneAction(c *Context) error {
	id, err := parseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	return c.startDone(id)
}

func (c *Context) startDone(id int64) error {
	t, err := c.Svc.TaskByID(c.ctx, c.Actor(), id)
	if err != nil {
		return err
	}
	if t.Status != core.TaskOpen {
		return core.Errorf(core.ECONFLICT, "err.task.not_open", "ID", t.ID)
	}
	return c.Start("task.done", map[string]string{"task_id": strconv.FormatInt(id, 10), "title": t.Title})
}

func doneFlow() *Flow {
	return &Flow{Name: "task.done", First: "result", Perm: core.PermTasks, Steps: map[string]*Step{
		"result": {Prompt: func(c *Context) error {
			return c.Reply("flow.done.result", Args{"ID": c.Conv.Data["task_id"], "Title": c.Conv.Data["title"]})
		}, Input: func(c *Context, s string) (string, error) {
			if s == "" || IsSkip(s) {
				return "", core.Errorf(core.EINVALID, "err.task.result_required")
			}
			id, _ := strconv.ParseInt(c.Conv.Data["task_id"], 10, 64)
			t, err := c.Svc.CompleteTask(c.ctx, c.Actor(), id, s)
			if err != nil {
				if core.ErrorCode(err) != core.EINVALID {
					_ = c.Finish()
				}
				return "", err
			}
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", c.Reply("msg.done.ok", Args{"ID": t.ID, "Title": t.Title})
		}},
	}}
}

// taskFlow asks for a new task's title, due time, deal and assignee.
func taskFlow() *Flow {
	return &Flow{Name: "task.new", First: "title", Perm: core.PermTasks, Steps: map[string]*Step{
		"title": {Prompt: ask("flow.task.title", false), Input: titleInput("due")},
		"due": {Prompt: ask("flow.task.due", true), Input: func(c *Context, s string) (string, error) {
			next := "deal"
			if c.Conv.Data["deal_id"] != "" {
				next = "assignee"
			}
			return dateInput("due", next)(c, s)
		}},
		"deal":     {Prompt: ask("flow.task.deal", true), Input: taskDeal},
		"assignee": {Prompt: askAssignee, Input: taskAssignee},
	}}
}

// taskDeal takes what the task is about: a deal number, a client's INN,
// or nothing.
func taskDeal(c *Context, s string) (string, error) {
	if IsSkip(s) || s == "" {
		return "assignee", nil
	}
	if _, ok := core.ParseDealNumber(s); ok {
		d, err := c.Svc.FindDealByNumber(c.ctx, c.Actor(), s)
		if err != nil {
			return "", asInvalid(err)
		}
		c.Conv.Data["deal_id"] = strconv.FormatInt(d.ID, 10)
		return "assignee", nil
	}
	clients, err := c.Svc.FindClientsByINN(c.ctx, c.Actor(), requisite.Clean(s))
	if err != nil {
		return "", asInvalid(err)
	}
	c.Conv.Data["client_id"] = strconv.FormatInt(clients[0].ID, 10)
	return "assignee", nil
}

// asInvalid makes a lookup's failure a wrong answer to the step, so that it
// is asked again.
func asInvalid(err error) error {
	switch core.ErrorCode(err) {
	case core.ENOTFOUND, core.EFORBIDDEN:
		key, args := core.ErrorKey(err)
		return &core.Error{Code: core.EINVALID, Key: key, Args: args}
	}
	return err
}

// askAssignee asks whom to assign the task to; users who may not assign
// tasks to others get it themselves at once.
func askAssignee(c *Context) error {
	if !c.User.Can(core.PermAssignTasks) {
		_, err := createTask(c, "me")
		return err
	}
	us, err := c.Svc.ListUsers(c.ctx, c.Actor())
	if err != nil {
		return err
	}
	rows := [][]Button{Row(Choice("btn.task.me", nil, "me"))}
	for _, u := range us {
		if u.Active && u.ID != c.User.ID && len(rows) < 9 {
			rows = append(rows, Row(Choice("btn.user", Args{"Name": u.Name, "Role": c.role(u.Role)},
				"id:"+strconv.FormatInt(u.ID, 10))))
		}
	}
	return c.Reply("flow.task.assignee", nil, rows...)
}

func taskAssignee(c *Context, s string) (string, error) {
	return createTask(c, s)
}

func createTask(c *Context, who string) (string, error) {
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
	t, err := c.Svc.CreateTask(c.ctx, c.Actor(), t)
	// Saved or not, the dialog ends; an error says why it could not be.
	if ferr := c.Finish(); err == nil {
		err = ferr
	}
	if err != nil {
		return "", err
	}
	return "", c.Reply("msg.task.created", Args{"ID": t.ID, "Title": t.Title, "Due": optTime(t.Due)})
}

// optTime is a time for a template's {{if}}: nil when zero.
func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
