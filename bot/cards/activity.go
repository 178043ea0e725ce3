package cards

import (
	"strconv"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// limits are how many deals, tasks and requests a card lists, how many of
// each get a button, and the key of the line that counts the rest.
type limits struct {
	lines, buttons int
	more           string
}

var (
	// cardLimits keep a card's message short; the rest are counted, and
	// «Показать всё» lists them.
	cardLimits = map[string]limits{"deals": {5, 5, "card.client.more_all"}, "tasks": {5, 4, "card.client.more_all"},
		"intakes": {3, 2, "card.client.more_all"}}
	// allLimits are those of the list «Показать всё» sends: what fits in
	// one chat message.
	allLimits = map[string]limits{"deals": {30, 10, "card.client.more"}, "tasks": {30, 10, "card.client.more"},
		"intakes": {15, 6, "card.client.more"}}
)

// AllSuffix ends the payload of ActionClientShow that lists everything of
// a card ("<id>/all") rather than opening it ("<id>").
const AllSuffix = "/all"

// ShowClient sends a client card with what goes on with it: its deals,
// open ones first, its open tasks and its open intake requests, as far as
// the user may see them, each with a button (open the deal, «Выполнено»,
// check the request), a few of each; when there are more, the card says
// how many and offers «Показать всё».
func ShowClient(c *bot.Context, cl *core.Client) error {
	text, buttons, err := ClientView(c, cl)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: text, Buttons: buttons})
}

// ClientView is the message ShowClient sends, for a reply that puts
// something before it.
func ClientView(c *bot.Context, cl *core.Client) (string, [][]bot.Button, error) {
	act, err := c.Svc.ClientActivity(c.Ctx(), c.Actor(), cl.ID)
	if err != nil {
		return "", nil, err
	}
	text, rows, cut := activity(c, act, cardLimits)
	buttons := append(ClientButtons(c, cl), rows...) // a merged card's «Открыть карточку» among them
	if cut {
		buttons = append(buttons, bot.Row(bot.Button{LabelKey: "btn.client.all", Action: core.ActionClientShow,
			Payload: strconv.FormatInt(cl.ID, 10) + AllSuffix}))
	}
	text = ClientCard(c, cl) + "\n\n" + text
	if cs := CaseSection(c, core.CaseRef{ClientID: cl.ID}); cs != "" {
		text += "\n\n" + cs
	}
	return text, buttons, nil
}

// ShowClientAll lists everything of a card that its message cut short:
// every deal, open task and open request the user may see (as many as fit
// in one message).
func ShowClientAll(c *bot.Context, cl *core.Client) error {
	act, err := c.Svc.ClientActivity(c.Ctx(), c.Actor(), cl.ID)
	if err != nil {
		return err
	}
	text, rows, _ := activity(c, act, allLimits)
	return c.Send(bot.Reply{Text: c.T("msg.client.all_title", bot.Args{"Name": cl.Name(), "INN": cl.INN}) + "\n\n" + text,
		Buttons: rows})
}

// activity renders a card's deals, tasks and requests within limits, with
// their buttons; cut reports that something was left out.
func activity(c *bot.Context, act *core.ClientActivity, lim map[string]limits) (text string, rows [][]bot.Button, cut bool) {
	var parts []string
	var deals, tasks, intakes []bot.Button
	if n := len(act.Deals); n > 0 {
		l := lim["deals"]
		s := c.T("card.client.deals", bot.Args{"Count": n, "Open": act.OpenDeals()})
		for i, d := range act.Deals {
			if i == l.lines {
				s += "\n" + c.T(l.more, bot.Args{"Count": n - i})
				cut = true
				break
			}
			s += "\n" + c.T("card.client.deal", bot.Args{"Number": d.Number, "Title": d.Title, "Amount": int64(d.Amount),
				"Stage": c.T("stage."+string(d.Stage), nil)})
			if i < l.buttons {
				deals = append(deals, bot.Button{LabelKey: "btn.deal.open", Args: bot.Args{"Number": d.Number},
					Action: core.ActionDealShow, Payload: strconv.FormatInt(d.ID, 10)})
			}
		}
		parts = append(parts, s)
	}
	if n := len(act.Tasks); n > 0 {
		l := lim["tasks"]
		s := c.T("card.client.tasks", bot.Args{"Count": n})
		now := c.Now()
		for i, t := range act.Tasks {
			if i == l.lines {
				s += "\n" + c.T(l.more, bot.Args{"Count": n - i})
				cut = true
				break
			}
			s += "\n• " + TaskLine(c, t, now)
			// «Выполнено» for those who may close the task: its assignee,
			// or whoever may set tasks for others.
			if len(tasks) < l.buttons && (t.AssigneeID == c.User.ID || c.User.Can(core.PermAssignTasks)) {
				tasks = append(tasks, bot.Button{LabelKey: "btn.task.done", Args: bot.Args{"ID": t.ID},
					Action: core.ActionTaskDone, Payload: strconv.FormatInt(t.ID, 10)})
			}
		}
		parts = append(parts, s)
	}
	if n := len(act.Intakes); n > 0 {
		l := lim["intakes"]
		s := c.T("card.client.intakes", bot.Args{"Count": n})
		for i, in := range act.Intakes {
			if i == l.lines {
				s += "\n" + c.T(l.more, bot.Args{"Count": n - i})
				cut = true
				break
			}
			s += "\n" + c.T("card.client.intake", bot.Args{"ID": in.ID, "At": in.CreatedAt, "Checked": in.Report != nil})
			if i < l.buttons && c.User.Can(core.PermVerify) {
				intakes = append(intakes, bot.Button{LabelKey: "btn.intake.verify_n", Args: bot.Args{"ID": in.ID},
					Action: core.ActionIntakeVerify, Payload: strconv.FormatInt(in.ID, 10)})
			}
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return c.T("card.client.no_activity", nil), nil, false
	}
	for _, bs := range [][]bot.Button{deals, tasks, intakes} {
		rows = append(rows, pairs(bs)...)
	}
	text = parts[0]
	for _, p := range parts[1:] {
		text += "\n\n" + p
	}
	return text, rows, cut
}

// pairs lays buttons out two in a row.
func pairs(bs []bot.Button) [][]bot.Button {
	var rows [][]bot.Button
	for i := 0; i < len(bs); i += 2 {
		rows = append(rows, bs[i:min(i+2, len(bs))])
	}
	return rows
}

// TaskLine is a task's line in a list: an intake's or a request's task
// names its request; others their due time, overdue marked.
func TaskLine(c *bot.Context, t *core.Task, now time.Time) string {
	if t.IntakeID != 0 {
		return c.T("msg.tasks.line_intake", bot.Args{"ID": t.ID, "Intake": t.IntakeID, "Title": t.Title,
			"Queued": t.AssigneeID == 0})
	}
	if t.RequestID != 0 {
		return c.T("msg.tasks.line_request", bot.Args{"ID": t.ID, "Request": t.RequestID, "Title": t.Title,
			"Queued": t.AssigneeID == 0, "Due": t.Due, "Overdue": t.Overdue(now)})
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
