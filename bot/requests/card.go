package requests

import (
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// threadShown is how many of a thread's last entries a card shows.
const threadShown = 10

// showCard shows a request's card: its status line, who filed it and
// when, what it is about, who works it, its deadline (overdue, or stopped
// while the requester answers), its text, files and thread, and the
// buttons of the next steps the user may take. notice, when set, is said
// first (what the press just did).
func showCard(c *bot.Context, id int64, notice string, r *core.Request) error {
	if r == nil {
		var err error
		if r, err = c.Svc.ShowRequest(c.Ctx(), c.Actor(), id); err != nil {
			return err
		}
	}
	names, err := c.Svc.UserNames(c.Ctx())
	if err != nil {
		return err
	}
	var parts []string
	if notice != "" {
		parts = append(parts, c.T(notice, bot.Args{"ID": r.ID}))
	}
	parts = append(parts, cardText(c, r, names))
	return c.Send(bot.Reply{Text: strings.Join(parts, "\n\n"), Buttons: cardButtons(c, r)})
}

// cardText renders a request with its thread.
func cardText(c *bot.Context, r *core.Request, names map[int64]string) string {
	now := c.Now()
	lines := []string{c.T("card.request.title", bot.Args{"ID": r.ID, "Type": string(r.Type), "Status": string(r.Status)}),
		c.T("card.request.from", bot.Args{"Name": names[r.RequesterID], "At": r.CreatedAt})}
	lines = append(lines, aboutLines(c, r)...)
	switch {
	case r.AssigneeID != 0:
		lines = append(lines, c.T("card.request.assignee", bot.Args{"Name": names[r.AssigneeID]}))
	case !r.Status.Closed():
		lines = append(lines, c.T("card.request.queue", nil))
	}
	switch {
	case r.Status.Closed():
		lines = append(lines, c.T("card.request.closed", bot.Args{"Status": string(r.Status), "At": r.ClosedAt,
			"Text": r.Result}))
	case r.Status == core.RequestWaiting:
		lines = append(lines, c.T("card.request.paused", bot.Args{"Left": span(c, r.SLALeft),
			"Late": r.SLALeft < 0}))
	case core.RequestOverdue(r, now):
		lines = append(lines, c.T("card.request.overdue", bot.Args{"Due": r.Due, "Late": age(c, r.Due, now)}))
	case !r.Due.IsZero():
		lines = append(lines, c.T("card.request.due", bot.Args{"Due": r.Due}))
	}
	out := strings.Join(lines, "\n") + "\n\n" + r.Text
	if len(r.Files) > 0 {
		var fs []string
		for _, f := range r.Files {
			fs = append(fs, f.Name+" ("+bot.FileSize(c.P, f.Size)+")")
		}
		out += "\n\n" + c.T("card.request.files", bot.Args{"Names": strings.Join(fs, ", ")})
	}
	if r.Type == core.RequestIntake && !r.Status.Closed() && c.User.Can(core.PermVerify) {
		out += "\n\n" + c.T("card.request.intake", nil)
	}
	if len(r.Messages) == 0 {
		return out
	}
	thread := []string{c.T("card.request.thread", nil)}
	shown := r.Messages
	if len(shown) > threadShown {
		thread = append(thread, c.T("card.request.thread_more", bot.Args{"Count": len(shown) - threadShown}))
		shown = shown[len(shown)-threadShown:]
	}
	for _, m := range shown {
		thread = append(thread, c.T("card.request.msg."+m.Kind, bot.Args{"At": m.At, "Name": names[m.UserID],
			"Text": core.CutText(m.Text, 500), "Status": string(m.Status), "Files": len(m.Files), "Correction": m.Correction,
			"Outcome": string(m.Outcome), "Why": m.Why, "Due": m.Due}))
	}
	return out + "\n\n" + strings.Join(thread, "\n")
}

// aboutLines say what a request is about: the document, the deal, the
// client, those the user may see.
func aboutLines(c *bot.Context, r *core.Request) []string {
	var out []string
	if r.DocumentID != 0 {
		if d, err := c.Svc.DocumentByID(c.Ctx(), c.Actor(), r.DocumentID); err == nil {
			out = append(out, c.T("card.request.about_doc", bot.Args{"Number": d.Number}))
		}
	}
	if r.DealID != 0 {
		if d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), r.DealID); err == nil {
			out = append(out, c.T("card.request.about_deal", bot.Args{"Number": d.Number, "Title": d.Title}))
		}
	}
	if r.ClientID != 0 {
		if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), r.ClientID); err == nil {
			out = append(out, c.T("card.request.about_client", bot.Args{"Name": cl.Name(), "INN": cl.INN}))
		}
	}
	return out
}

// about names what a request is about in a list's line.
func about(c *bot.Context, r *core.Request) string {
	switch {
	case r.DocumentID != 0:
		if d, err := c.Svc.DocumentByID(c.Ctx(), c.Actor(), r.DocumentID); err == nil {
			return d.Number
		}
	case r.DealID != 0:
		if d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), r.DealID); err == nil {
			return d.Number
		}
	case r.ClientID != 0:
		if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), r.ClientID); err == nil {
			return cl.Name()
		}
	}
	return ""
}

// cardButtons are the next steps the user may take: for officers, take
// (a new one), pass, ask, done (an intake: verify) and reject while it is
// open; for its requester, answer while it waits for them; the files for
// anyone who sees it.
func cardButtons(c *bot.Context, r *core.Request) [][]bot.Button {
	id := strconv.FormatInt(r.ID, 10)
	btn := func(label, action string) bot.Button {
		return bot.Button{LabelKey: label, Action: action, Payload: id}
	}
	var rows [][]bot.Button
	if !r.Status.Closed() && c.User.Can(core.PermVerify) {
		first := []bot.Button{btn("btn.request.pass", core.ActionRequestPass)}
		if r.Status == core.RequestNew {
			first = append([]bot.Button{btn("btn.request.take", core.ActionRequestTake)}, first...)
		}
		first = append(first, btn("btn.request.ask", core.ActionRequestAsk))
		second := []bot.Button{btn("btn.request.done", core.ActionRequestDone)}
		if r.Type == core.RequestIntake {
			second = []bot.Button{btn("btn.intake.verify", core.ActionIntakeVerify)}
		}
		second = append(second, btn("btn.request.reject", core.ActionRequestReject))
		rows = append(rows, first, second)
	}
	if r.Status == core.RequestWaiting && r.RequesterID == c.User.ID {
		rows = append(rows, bot.Row(btn("btn.request.answer", core.ActionRequestAnswer)))
	}
	n := len(r.Files)
	for _, m := range r.Messages {
		n += len(m.Files)
	}
	if n > 0 {
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.request.files", Args: bot.Args{"Count": n},
			Action: core.ActionRequestShow, Payload: id + " files"}))
	}
	return rows
}

// Scope words of /requests, in both languages.
var (
	scopeAllWords = []string{"все", "all"}
	scopeWords    = map[string]core.RequestScope{"мои": core.ScopeMine, "mine": core.ScopeMine, "my": core.ScopeMine,
		"команда": core.ScopeTeam, "команды": core.ScopeTeam, "team": core.ScopeTeam,
		"все": core.ScopeAll, "all": core.ScopeAll}
)

// maxListed is the most requests a list shows; maxOpenButtons the most
// of them that get a button.
const (
	maxListed      = 30
	maxOpenButtons = 12
)

// list lists the open requests oldest first: /requests [мои|команда|все].
// Officers and heads see all by default, others their own.
func list(c *bot.Context) error {
	word, _ := bot.FirstWord(c.Update.Args)
	scope := core.ScopeMine
	if c.User.Can(core.PermVerify) {
		scope = core.ScopeAll
	}
	if word != "" {
		s, ok := scopeWords[strings.ToLower(word)]
		if !ok {
			return c.Reply("msg.requests.usage", nil)
		}
		scope = s
	}
	rs, err := c.Svc.ListRequests(c.Ctx(), c.Actor(), scope)
	if err != nil {
		return err
	}
	scopeName := c.T("request.scope."+string(scope), nil)
	if len(rs) == 0 {
		return c.Reply("msg.requests.none", bot.Args{"Scope": scopeName})
	}
	names, err := c.Svc.UserNames(c.Ctx())
	if err != nil {
		return err
	}
	now := c.Now()
	lines := []string{c.T("msg.requests.title", bot.Args{"Scope": scopeName, "Count": len(rs)})}
	var rows [][]bot.Button
	var row []bot.Button
	for i, r := range rs {
		if i == maxListed {
			lines = append(lines, c.T("msg.requests.more", bot.Args{"Count": len(rs) - maxListed}))
			break
		}
		args := bot.Args{"ID": r.ID, "Type": string(r.Type), "Status": string(r.Status), "Age": age(c, r.CreatedAt, now),
			"Requester": names[r.RequesterID], "About": about(c, r), "Overdue": core.RequestOverdue(r, now)}
		if r.AssigneeID != 0 {
			args["Assignee"] = names[r.AssigneeID]
		}
		lines = append(lines, c.T("msg.requests.line", args))
		if i < maxOpenButtons {
			row = append(row, bot.Button{LabelKey: "btn.request.open_n", Args: bot.Args{"ID": r.ID},
				Action: core.ActionRequestShow, Payload: strconv.FormatInt(r.ID, 10)})
			if len(row) == 4 {
				rows, row = append(rows, row), nil
			}
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return c.Send(bot.Reply{Text: strings.Join(lines, "\n"), Buttons: rows})
}

// age says how long ago something was, roughly: minutes, hours, days.
func age(c *bot.Context, since, now time.Time) string {
	d := now.Sub(since)
	switch {
	case d < time.Hour:
		return c.T("msg.request.age_minutes", bot.Args{"N": max(int(d/time.Minute), 1)})
	case d < 48*time.Hour:
		return c.T("msg.request.age_hours", bot.Args{"N": int(d / time.Hour)})
	}
	return c.T("msg.request.age_days", bot.Args{"N": int(d / (24 * time.Hour))})
}

// span says a span of working time in hours and minutes.
func span(c *bot.Context, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	return c.T("msg.request.span", bot.Args{"H": int(d / time.Hour), "M": int(d % time.Hour / time.Minute)})
}
