// Package tasks is the chat side of tasks: lists, the new task and done
// dialogs.
package tasks

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
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

// task starts a new task: /task new step by step, or /task new <what to
// do> [deadline] [deal number or INN] in one message (see quick.go).
func task(c *bot.Context) error {
	first, rest := bot.FirstWord(c.Update.Args)
	if !strings.EqualFold(first, "new") && !strings.EqualFold(first, "новая") {
		return c.Reply("msg.task.usage", nil)
	}
	if rest != "" {
		return quickTask(c, rest)
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
		b.WriteString(cards.TaskLine(c, t, now))
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
		}, Input: bot.FinalInput("err.task.result_required", func(c *bot.Context, s string) (*bot.Reply, error) {
			id, _ := strconv.ParseInt(c.Conv.Data["task_id"], 10, 64)
			t, err := c.Svc.CompleteTask(c.Ctx(), c.Actor(), id, s)
			if err != nil {
				return nil, err
			}
			return &bot.Reply{Key: "msg.done.ok", Args: bot.Args{"ID": t.ID, "Title": t.Title}}, nil
		})},
	}}
}

// taskFlow asks for a new task's title, due time, deal (or client) and
// assignee, each only when it is not known yet: a one-message /task new
// or the deal's «Новая задача» fills some of them before the dialog starts.
func taskFlow() *bot.Flow {
	return &bot.Flow{Name: "task.new", First: "start", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"start": {Prompt: func(c *bot.Context) error { return c.Goto(nextStep(c, "")) },
			Input: func(c *bot.Context, _ string) (string, error) { return nextStep(c, ""), nil }},
		"title": {Prompt: bot.Ask("flow.task.title", false), Input: func(c *bot.Context, s string) (string, error) {
			if _, err := bot.TitleInput("")(c, s); err != nil {
				return "", err
			}
			return nextStep(c, "title"), nil
		}},
		"due":      {Prompt: bot.Ask("flow.task.due", true), Input: dueInput},
		"deal":     {Prompt: askDeal, Input: taskDeal},
		"assignee": {Prompt: askAssignee, Input: taskAssignee},
	}}
}

// taskSteps are the steps of a new task in order.
var taskSteps = []string{"title", "due", "deal", "assignee"}

// nextStep is the dialog's next step after the step after.
func nextStep(c *bot.Context, after string) string { return nextOf(c.Conv.Data, after) }

// nextOf is the first step after after (from the start when it is "")
// whose answer is not in d yet; the assignee is always asked (or, for
// those who may not assign, the task is created there).
func nextOf(d map[string]string, after string) string {
	for _, st := range taskSteps[slices.Index(taskSteps, after)+1:] {
		switch {
		case st == "title" && d["title"] != "":
		case st == "due" && d["due"] != "":
		case st == "deal" && (d["deal_id"] != "" || d["client_id"] != ""):
		default:
			return st
		}
	}
	return "assignee"
}

// dueInput takes the task's deadline, as the one-message form reads it
// («до пятницы», «завтра 12:00», «by Friday»); one that has passed is
// refused, and a day without a time gets core.DefaultHour, said when the
// task is created.
func dueInput(c *bot.Context, s string) (string, error) {
	d := c.Conv.Data
	delete(d, "due_default")
	if bot.IsSkip(s) || s == "" {
		delete(d, "due")
		return nextStep(c, "due"), nil
	}
	now := c.Now()
	t, defaulted, err := core.ParseDeadline(s, now, c.P.Location())
	if err != nil {
		return "", err
	}
	if err := core.ValidateDeadline(t, now); err != nil {
		return "", err
	}
	d["due"] = t.Format(time.RFC3339)
	if defaulted {
		d["due_default"] = "1"
	}
	return nextStep(c, "due"), nil
}

// askDeal asks what the task is about; when a client was named by an INN
// or a name that several cards share, it offers those cards.
func askDeal(c *bot.Context) error {
	if q := c.Conv.Data["client_query"]; q != "" {
		if cs, err := cards.LookupClients(c, q, 2*maxChoices); err == nil {
			if cs = cards.Working(cs); len(cs) > 1 {
				return c.Reply("flow.task.client_pick", bot.Args{"Query": q}, clientChoices(cs)...)
			}
		}
	}
	return bot.Ask("flow.task.deal", true)(c)
}

// maxChoices is the most cards offered to pick from.
const maxChoices = 8

// clientChoices are the buttons that pick a card at the deal step, with
// «Пропустить».
func clientChoices(cs []*core.Client) [][]bot.Button {
	return append(cards.ClientChoices(cs, "client:", maxChoices), bot.Row(bot.Choice("btn.skip", nil, bot.Skip)))
}

// taskDeal takes what the task is about: a deal number, a client's INN or
// part of its name (several matching cards are offered as buttons), a
// picked card, or nothing.
func taskDeal(c *bot.Context, s string) (string, error) {
	d := c.Conv.Data
	if bot.IsSkip(s) || s == "" {
		delete(d, "client_query")
		return nextStep(c, "deal"), nil
	}
	if id, ok := strings.CutPrefix(s, "client:"); ok {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return "", core.Errorf(core.EINVALID, "err.button.expired")
		}
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), n)
		if err != nil {
			return "", bot.AsInvalid(err)
		}
		return takeClient(c, cl)
	}
	if _, ok := core.ParseDealNumber(s); ok {
		deal, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), s)
		if err != nil {
			return "", bot.AsInvalid(err)
		}
		d["deal_id"] = strconv.FormatInt(deal.ID, 10)
		delete(d, "client_query")
		return nextStep(c, "deal"), nil
	}
	cs, err := cards.LookupClients(c, s, 2*maxChoices)
	if err != nil {
		return "", bot.AsInvalid(err)
	}
	w := cards.Working(cs)
	switch len(w) {
	case 0:
		return takeClient(c, cs[0]) // merged only: refused, naming the card that stays
	case 1:
		return takeClient(c, w[0])
	}
	d["client_query"] = s
	if err := c.Reply("flow.task.client_pick", bot.Args{"Query": s}, clientChoices(w)...); err != nil {
		return "", err
	}
	return bot.Stay, nil
}

// takeClient ties the task to a card; a card merged into another is
// refused with the card that stays.
func takeClient(c *bot.Context, cl *core.Client) (string, error) {
	if cl.MergedInto != 0 {
		return "", cards.MergedError(c, cl)
	}
	c.Conv.Data["client_id"] = strconv.FormatInt(cl.ID, 10)
	delete(c.Conv.Data, "client_query")
	return nextStep(c, "deal"), nil
}

// askAssignee asks whom to assign the task to; users who may not assign
// tasks to others get it themselves at once, and so does one who is the
// only active user (the question would offer «Мне» alone), told so.
func askAssignee(c *bot.Context) error {
	if !c.User.Can(core.PermAssignTasks) {
		_, err := createTask(c, "me")
		return err
	}
	others, err := otherAssignees(c)
	if err != nil {
		return err
	}
	if len(others) == 0 {
		c.Conv.Data["alone"] = "1"
		_, err := createTask(c, "me")
		return err
	}
	rows := [][]bot.Button{bot.Row(bot.Choice("btn.task.me", nil, "me"))}
	for _, u := range others {
		if len(rows) < 9 {
			rows = append(rows, bot.Row(bot.Choice("btn.user", bot.Args{"Name": u.Name, "Role": c.Role(u.Role)},
				"id:"+strconv.FormatInt(u.ID, 10))))
		}
	}
	return c.Reply("flow.task.assignee", nil, rows...)
}

// otherAssignees are the people besides the user a task may be given to:
// the active users.
func otherAssignees(c *bot.Context) ([]*core.User, error) {
	us, err := c.Svc.ListUsers(c.Ctx(), c.Actor())
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(us, func(u *core.User) bool { return !u.Active || u.ID == c.User.ID }), nil
}

// asksAssignee reports whether the new task dialog asks whom to give the
// task to: only a user who may assign tasks and has someone to assign them to.
func asksAssignee(c *bot.Context) bool {
	if !c.User.Can(core.PermAssignTasks) {
		return false
	}
	others, err := otherAssignees(c)
	return err != nil || len(others) > 0
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
	return "", c.Reply(key, bot.Args{"ID": t.ID, "Title": t.Title, "Due": bot.OptTime(t.Due), "Alone": d["alone"] != ""})
}
