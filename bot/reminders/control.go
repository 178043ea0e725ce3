package reminders

import (
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// maxControl is how many control results /control shows: the newest.
const maxControl = 30

// maxOverdueEach is how many overdue tasks /overdue lists for a person.
const maxOverdueEach = 10

// control lists a deal's control results, oldest first and the newest
// last: who answered which reminder, when, how, with the result or the
// reason and the new date.
func control(c *bot.Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	if _, ok := core.ParseDealNumber(arg); !ok {
		return c.Reply("msg.control.usage", nil)
	}
	d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), arg)
	if err != nil {
		return err
	}
	es, err := c.Svc.DealControl(c.Ctx(), c.Actor(), d.ID)
	if err != nil {
		return err
	}
	deal := bot.Args{"Number": d.Number, "Title": d.Title}
	if len(es) == 0 {
		return c.Reply("msg.control.none", deal)
	}
	var b strings.Builder
	deal["Count"] = len(es)
	b.WriteString(c.T("msg.control.title", deal))
	if len(es) > maxControl {
		b.WriteString("\n" + c.T("msg.control.earlier", bot.Args{"Count": len(es) - maxControl}))
		es = es[len(es)-maxControl:]
	}
	for _, e := range es {
		args := bot.Args{"At": e.At, "By": e.By, "Kind": string(e.Kind), "Text": e.Text,
			"Until": bot.OptTime(e.Until), "Late": e.Late, "Task": e.Task}
		if e.TaskID != 0 {
			args["TaskID"] = e.TaskID
		}
		b.WriteString("\n" + c.T("msg.control."+string(e.Outcome), args))
	}
	return c.Send(bot.Reply{Text: b.String()})
}

// overdue lists the open tasks past their due time by person, those with
// the most first: all of them for officers and admins, their people's for
// a head.
func overdue(c *bot.Context) error {
	gs, err := c.Svc.Overdue(c.Ctx(), c.Actor(), c.Now())
	if err != nil {
		return err
	}
	if len(gs) == 0 {
		return c.Reply("msg.overdue.none", nil)
	}
	total := 0
	for _, g := range gs {
		total += len(g.Tasks)
	}
	var b strings.Builder
	b.WriteString(c.T("msg.overdue.title", bot.Args{"Count": total}))
	for _, g := range gs {
		b.WriteString("\n\n" + c.T("msg.overdue.person", bot.Args{"Name": g.User.Name, "Role": c.Role(g.User.Role),
			"Count": len(g.Tasks)}))
		for i, t := range g.Tasks {
			if i == maxOverdueEach {
				b.WriteString("\n" + c.T("msg.overdue.more", bot.Args{"Count": len(g.Tasks) - maxOverdueEach}))
				break
			}
			b.WriteString("\n" + c.T("msg.overdue.task", bot.Args{"ID": t.ID, "Title": t.Title, "Due": t.Due}))
		}
	}
	return c.Send(bot.Reply{Text: b.String()})
}
