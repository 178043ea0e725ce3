package reports

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// maxPeople is how many colleagues a name typed offers to choose from.
const maxPeople = 8

// sendAction is «Отправить…» under a file: it asks whom to send it to.
func sendAction(c *bot.Context) error {
	var p sendPayload
	if err := json.Unmarshal([]byte(c.Button.Payload), &p); err != nil {
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	return c.Start("reports.send", map[string]string{"payload": c.Button.Payload})
}

// sendFlow chooses the recipients — the work chats, the head, colleagues
// by name, e-mail addresses — and sends: the gate holds a report with
// findings (the held note says what and offers what to do), a clean one
// goes out.
func sendFlow() *bot.Flow {
	return &bot.Flow{Name: "reports.send", First: "to", Perm: core.PermExport, Steps: map[string]*bot.Step{
		"to":    {Prompt: askTargets, Input: targetInput},
		"email": {Prompt: bot.Ask("flow.reports.email", false), Input: emailInput},
	}}
}

// payload is what the dialog sends.
func payload(c *bot.Context) sendPayload {
	var p sendPayload
	_ = json.Unmarshal([]byte(c.Conv.Data["payload"]), &p)
	return p
}

// chosen are the recipients chosen so far.
func chosen(c *bot.Context) []core.ReportTarget {
	var to []core.ReportTarget
	_ = json.Unmarshal([]byte(c.Conv.Data["to"]), &to)
	return to
}

func choose(c *bot.Context, to []core.ReportTarget) error {
	data, err := json.Marshal(to)
	if err != nil {
		return err
	}
	c.Conv.Data["to"] = string(data)
	return nil
}

// toggle adds a recipient, or takes it out when it is chosen already.
func toggle(to []core.ReportTarget, t core.ReportTarget) []core.ReportTarget {
	if i := slices.Index(to, t); i >= 0 {
		return slices.Delete(to, i, i+1)
	}
	return append(to, t)
}

// askTargets offers the work chats and the head, those chosen marked, «На
// почту» and, once someone is chosen, «Отправить». The team's chat, where
// the managers are, is offered only for a report of one manager's records
// (core refuses it otherwise).
func askTargets(c *bot.Context) error {
	to := chosen(c)
	chats, err := c.Svc.ReportTargets(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	oneManager := payload(c).Spec.Filter.ManagerID != 0
	var rows [][]bot.Button
	for _, t := range chats {
		if t.Kind != core.TargetChat || !oneManager && isTeamChat(c, t) && !slices.Contains(to, t) {
			continue
		}
		rows = append(rows, bot.Row(bot.Choice("btn.reports.target", bot.Args{"On": slices.Contains(to, t),
			"Name": targetName(c, t)}, "chat:"+t.Platform+":"+t.ChatID)))
	}
	if head := headOf(c); head != nil {
		t := core.ReportTarget{Kind: core.TargetUser, UserID: head.ID}
		rows = append(rows, bot.Row(bot.Choice("btn.reports.head", bot.Args{"On": slices.Contains(to, t),
			"Name": head.Name}, "head")))
	}
	// E-mail is offered only where a mail server is set up.
	mail := c.Svc.MailAvailable()
	var last []bot.Button
	if mail {
		last = bot.Row(bot.Choice("btn.reports.email", nil, "email"))
	}
	if len(to) > 0 {
		last = append(last, bot.Choice("btn.reports.send_now", bot.Args{"Count": len(to)}, "send"))
	}
	if len(last) > 0 {
		rows = append(rows, last)
	}
	return c.Reply("flow.reports.to", bot.Args{"Title": payload(c).Title, "Chosen": targetsWords(c, to),
		"Mail": mail}, rows...)
}

// isTeamChat reports whether a chat is bound as the team's.
func isTeamChat(c *bot.Context, t core.ReportTarget) bool {
	wc, err := c.Svc.WorkChat(c.Ctx(), t.Platform, t.ChatID)
	return err == nil && wc.Purpose == core.PurposeTeam
}

// headOf is the user's head when they have an active one.
func headOf(c *bot.Context) *core.User {
	if c.User.HeadID == 0 {
		return nil
	}
	u, err := c.Svc.UserByID(c.Ctx(), c.User.HeadID)
	if err != nil || !u.Active {
		return nil
	}
	return u
}

// targetInput takes a recipient chosen or typed — a chat, the head, a
// colleague by name, addresses; chosen again, it is taken out — «На
// почту», or «Отправить».
func targetInput(c *bot.Context, s string) (string, error) {
	to := chosen(c)
	switch {
	case s == "send":
		if len(to) == 0 {
			return "", core.Errorf(core.EINVALID, "err.reports.no_targets")
		}
		return send(c, to)
	case s == "email":
		return "email", nil
	case s == "head":
		head := headOf(c)
		if head == nil {
			return "", core.Errorf(core.EINVALID, "err.reports.no_head")
		}
		to = toggle(to, core.ReportTarget{Kind: core.TargetUser, UserID: head.ID})
	case strings.HasPrefix(s, "chat:"):
		platform, chatID, _ := strings.Cut(strings.TrimPrefix(s, "chat:"), ":")
		to = toggle(to, core.ReportTarget{Kind: core.TargetChat, Platform: platform, ChatID: chatID})
	case strings.HasPrefix(s, "user:"):
		id, err := bot.ParseID(strings.TrimPrefix(s, "user:"), "err.button.expired")
		if err != nil {
			return "", err
		}
		to = toggle(to, core.ReportTarget{Kind: core.TargetUser, UserID: id})
	case strings.Contains(s, "@"):
		ts, err := emails(s)
		if err != nil {
			return "", err
		}
		for _, t := range ts {
			to = toggle(to, t)
		}
	default:
		us, err := people(c, s)
		if err != nil {
			return "", err
		}
		if len(us) > 1 {
			var rows [][]bot.Button
			for _, u := range us[:min(len(us), maxPeople)] {
				rows = append(rows, bot.Row(bot.Choice("btn.user", bot.Args{"Name": u.Name, "Role": c.Role(u.Role)},
					"user:"+itoa(u.ID))))
			}
			return bot.Stay, c.Reply("flow.reports.person_pick", bot.Args{"Text": s}, rows...)
		}
		to = toggle(to, core.ReportTarget{Kind: core.TargetUser, UserID: us[0].ID})
	}
	if err := choose(c, to); err != nil {
		return "", err
	}
	return "to", nil
}

// emailInput takes the addresses to send to.
func emailInput(c *bot.Context, s string) (string, error) {
	if s == "" || bot.IsSkip(s) {
		return "to", nil
	}
	ts, err := emails(s)
	if err != nil {
		return "", err
	}
	to := chosen(c)
	for _, t := range ts {
		if !slices.Contains(to, t) {
			to = append(to, t)
		}
	}
	if err := choose(c, to); err != nil {
		return "", err
	}
	return "to", nil
}

// withoutMail are the recipients but the e-mail addresses.
func withoutMail(to []core.ReportTarget) []core.ReportTarget {
	return slices.DeleteFunc(slices.Clone(to), func(t core.ReportTarget) bool { return t.Kind == core.TargetEmail })
}

// emails reads addresses separated by commas, semicolons or spaces.
func emails(s string) ([]core.ReportTarget, error) {
	var out []core.ReportTarget
	for _, a := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		e, err := core.NormalizeEmail(a)
		if err != nil {
			return nil, err
		}
		out = append(out, core.ReportTarget{Kind: core.TargetEmail, Email: e})
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.EINVALID, "err.reports.email", "Text", s)
	}
	return out, nil
}

// people are the active colleagues whose name has words starting with
// each word typed («Иванов», «Ольга П»); none is a wrong answer.
func people(c *bot.Context, s string) ([]*core.User, error) {
	us, err := c.Svc.ListUsers(c.Ctx(), c.Actor())
	if err != nil {
		return nil, err
	}
	typed := strings.Fields(word(s))
	var out []*core.User
	for _, u := range us {
		if !u.Active || u.ID == c.User.ID {
			continue
		}
		name := strings.Fields(word(u.Name))
		if len(typed) > 0 && !slices.ContainsFunc(typed, func(t string) bool {
			return !slices.ContainsFunc(name, func(n string) bool { return strings.HasPrefix(n, t) })
		}) {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.EINVALID, "err.reports.person", "Text", s, "Mail", c.Svc.MailAvailable())
	}
	return out, nil
}

// send sends the report to the recipients chosen and ends the dialog: a
// clean report is sent, one the gate holds is shown with its findings.
// Where mail is not set up, the addresses are taken out and the
// recipients asked again.
func send(c *bot.Context, to []core.ReportTarget) (string, error) {
	p := payload(c)
	out, err := c.Svc.SendReport(c.Ctx(), c.Actor(), p.Spec, to, c.P.Lang())
	if rest := withoutMail(to); core.ErrorCode(err) == core.EUNAVAILABLE && len(rest) < len(to) {
		if err := choose(c, rest); err != nil {
			return "", err
		}
		key, args := core.ErrorKey(err)
		return "to", c.Reply(key, args)
	}
	if err != nil {
		return "", err
	}
	if err := c.Finish(); err != nil {
		return "", err
	}
	return "", delivered(c, out, "")
}

// delivered answers with what became of a delivery: sent, to whom, or
// held with what the gate found.
func delivered(c *bot.Context, out *core.ReportOutput, reason string) error {
	if out.Run != nil && out.Run.Status == core.RunHeld {
		return noteReply(c, c.Svc.HeldNote(c.P.Lang(), out))
	}
	args := bot.Args{"Title": out.Title, "Reason": reason}
	if out.Run != nil {
		// Chats and people have it now; a mail is only queued.
		var now, mail []core.ReportTarget
		for _, t := range out.Run.To {
			if t.Kind == core.TargetEmail {
				mail = append(mail, t)
			} else {
				now = append(now, t)
			}
		}
		if len(now) > 0 {
			args["To"] = targetsWords(c, now)
		}
		if len(mail) > 0 {
			args["Queued"] = targetsWords(c, mail)
		}
	}
	return c.Reply("msg.reports.sent", args)
}

// targetName names a recipient: a work chat by its title and purpose, a
// colleague by name, an address as it is.
func targetName(c *bot.Context, t core.ReportTarget) string {
	switch t.Kind {
	case core.TargetChat:
		wc, err := c.Svc.WorkChat(c.Ctx(), t.Platform, t.ChatID)
		if err != nil {
			return t.ChatID
		}
		return c.T("msg.reports.chat", bot.Args{"Title": wc.Title, "Purpose": c.T("purpose."+string(wc.Purpose), nil)})
	case core.TargetUser:
		return userName(c, t.UserID)
	}
	return t.Email
}

// targetsWords names recipients: «чат «Руководители» (руководители),
// Ольга, a@b.ru».
func targetsWords(c *bot.Context, to []core.ReportTarget) string {
	var names []string
	for _, t := range to {
		names = append(names, targetName(c, t))
	}
	return strings.Join(names, ", ")
}

// recheckAction is «Проверить снова» on a held delivery.
func recheckAction(c *bot.Context) error {
	id, err := payloadID(c)
	if err != nil {
		return err
	}
	out, err := c.Svc.RecheckReport(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	return delivered(c, out, "")
}

// cancelAction is «Отменить» on a held delivery.
func cancelAction(c *bot.Context) error {
	id, err := payloadID(c)
	if err != nil {
		return err
	}
	if err := c.Svc.CancelReport(c.Ctx(), c.Actor(), id); err != nil {
		return err
	}
	return c.Reply("msg.reports.cancelled", bot.Args{"ID": id})
}

// overrideAction is «Отправить с причиной» on a held delivery: it asks
// why.
func overrideAction(c *bot.Context) error {
	id, err := payloadID(c)
	if err != nil {
		return err
	}
	return c.Start("reports.override", map[string]string{"run": itoa(id)})
}

// overrideFlow asks why a held report goes out despite its findings, and
// sends it.
func overrideFlow() *bot.Flow {
	return &bot.Flow{Name: "reports.override", First: "reason", Perm: core.PermExport, Steps: map[string]*bot.Step{
		"reason": {
			Prompt: bot.Ask("flow.reports.reason", false),
			Input: bot.FinalInput("err.reports.reason_required", func(c *bot.Context, s string) (*bot.Reply, error) {
				out, err := c.Svc.SendReportAnyway(c.Ctx(), c.Actor(), dataID(c, "run"), s)
				if err != nil {
					return nil, err
				}
				return nil, delivered(c, out, s)
			}),
		},
	}}
}
