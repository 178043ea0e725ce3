package reports

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// newWords start a schedule step by step: «/schedule новое».
var newWords = map[string]bool{"новое": true, "новый": true, "создать": true, "new": true, "add": true}

// purposeWords are the words of the work chats a schedule sends to, in
// both languages and the forms people type them in.
var purposeWords = map[string]core.ChatPurpose{
	"руководители": core.PurposeHeads, "руководителям": core.PurposeHeads, "руководителей": core.PurposeHeads,
	"руководство": core.PurposeHeads, "руководству": core.PurposeHeads, "heads": core.PurposeHeads,
	"сопровождение": core.PurposeOfficers, "сопровождению": core.PurposeOfficers, "сопровождения": core.PurposeOfficers,
	"сотрудники сопровождения": core.PurposeOfficers, "сотрудникам сопровождения": core.PurposeOfficers,
	"officers": core.PurposeOfficers,
	"юристы":   core.PurposeLawyers, "юристам": core.PurposeLawyers, "юристов": core.PurposeLawyers,
	"lawyers": core.PurposeLawyers,
	"команда": core.PurposeTeam, "команде": core.PurposeTeam, "команды": core.PurposeTeam, "team": core.PurposeTeam,
}

// selfWords and headWords name the user and the user's head.
var (
	selfWords = map[string]bool{"мне": true, "себе": true, "me": true}
	headWords = map[string]bool{"руководителю": true, "моему руководителю": true, "my head": true,
		"head": true}
)

// schedule lists the schedules, or makes one:
//
//	/schedule                                        mine (an admin's: all), each with «Остановить»
//	/schedule воронка каждый понедельник 09:00 руководители
//	/schedule новое                                  step by step
//
// What is missing from one message is asked.
func schedule(c *bot.Context) error {
	args := strings.TrimSpace(c.Update.Args)
	switch {
	case args == "":
		return listSchedules(c)
	case newWords[word(args)]:
		return c.Start("reports.schedule", nil)
	}
	d := map[string]string{}
	rest, err := scheduleReport(c, d, args)
	if err != nil {
		return err
	}
	if d["spec"] == "" {
		return c.Reply("msg.reports.schedule_usage", bot.Args{"Kinds": kindList(c), "Mail": c.Svc.MailAvailable()})
	}
	// A time zone is typed after the time or at the very end: «… 09:00 по
	// Екатеринбургу руководители», «… руководители UTC+5».
	rest, tz := cutZone(rest, c.Now())
	when, to, err := cutRecipient(c, rest)
	if err != nil {
		return err
	}
	if tz == "" {
		when, tz = cutZone(when, c.Now())
	}
	if tz != "" {
		d["tz"] = tz
	}
	if to != nil {
		data, err := json.Marshal(to)
		if err != nil {
			return err
		}
		d["to"] = string(data)
	}
	if when != "" {
		cron, work, err := core.ParseSchedule(when)
		if err != nil {
			return err
		}
		d["cron"] = cron
		if work {
			d["work_days"] = "1"
		}
	}
	if missingStep(d) == "" {
		return makeSchedule(c, d)
	}
	return c.Start("reports.schedule", d)
}

// scheduleReport reads what a schedule sends from the start of s into
// d["spec"] — a saved template by its name (read first: «Воронка по
// менеджерам» is a template, not the pipeline), a built-in report
// («воронка») or an export («выгрузка сделки») — and returns the words
// after it; d is left without it when s starts with none.
func scheduleReport(c *bot.Context, d map[string]string, s string) (string, error) {
	ts, err := c.Svc.ReportTemplates(c.Ctx(), c.Actor())
	if err != nil {
		return "", err
	}
	var spec *core.ReportSpec
	t, rest := templateAt(ts, s)
	if t != nil {
		spec = &core.ReportSpec{Report: core.ReportCustom, TemplateID: t.ID}
	}
	first, after := bot.FirstWord(s)
	if k, ok := parseKind(first); ok && spec == nil {
		spec, rest = &core.ReportSpec{Report: k}, after
	} else if w := word(first); spec == nil && (w == "выгрузка" || w == "export") {
		second, after := bot.FirstWord(after)
		if e, ok := parseEntity(second); ok {
			spec, rest = &core.ReportSpec{Export: e}, after
		}
	}
	if spec == nil {
		return s, nil
	}
	data, err := json.Marshal(spec)
	if err != nil {
		return "", err
	}
	d["spec"] = string(data)
	return rest, nil
}

// cutRecipient cuts the recipient from the end of s: addresses, a work
// chat's purpose («руководители», «сотрудники сопровождения»), «мне» or
// «руководителю»; nil when s ends with none.
func cutRecipient(c *bot.Context, s string) (string, []core.ReportTarget, error) {
	words := strings.Fields(s)
	n := len(words)
	for n > 0 && strings.Contains(words[n-1], "@") {
		n--
	}
	if n < len(words) {
		to, err := emails(strings.Join(words[n:], " "))
		return strings.Join(words[:n], " "), to, err
	}
	for n := min(3, len(words)); n >= 1; n-- {
		to, ok, err := recipient(c, strings.Join(words[len(words)-n:], " "))
		if err != nil {
			return "", nil, err
		}
		if ok {
			return strings.Join(words[:len(words)-n], " "), to, nil
		}
	}
	return s, nil, nil
}

// recipient reads whom a schedule sends to: «мне», «руководителю», a work
// chat's purpose, or addresses; ok is false for words that name no one.
func recipient(c *bot.Context, s string) ([]core.ReportTarget, bool, error) {
	w := strings.Join(strings.Fields(word(s)), " ")
	w = strings.TrimPrefix(strings.TrimPrefix(w, "в "), "чат ")
	switch {
	case selfWords[w]:
		return []core.ReportTarget{{Kind: core.TargetUser, UserID: c.User.ID}}, true, nil
	case headWords[w]:
		head := headOf(c)
		if head == nil {
			return nil, false, core.Errorf(core.EINVALID, "err.reports.no_head")
		}
		return []core.ReportTarget{{Kind: core.TargetUser, UserID: head.ID}}, true, nil
	case strings.Contains(w, "@"):
		to, err := emails(s)
		return to, err == nil, err
	}
	p, ok := purposeWords[w]
	if !ok {
		pp, err := core.ParsePurpose(w)
		if err != nil {
			return nil, false, nil
		}
		p = pp
	}
	to, err := purposeChats(c, p)
	return to, err == nil, err
}

// purposeChats are the bound work chats of a purpose the user may send to.
func purposeChats(c *bot.Context, p core.ChatPurpose) ([]core.ReportTarget, error) {
	ts, err := c.Svc.ReportTargets(c.Ctx(), c.Actor())
	if err != nil {
		return nil, err
	}
	var out []core.ReportTarget
	for _, t := range ts {
		if t.Kind != core.TargetChat {
			continue
		}
		if wc, err := c.Svc.WorkChat(c.Ctx(), t.Platform, t.ChatID); err == nil && wc.Purpose == p {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.EINVALID, "err.reports.no_chat", "Purpose", c.T("purpose."+string(p), nil))
	}
	return out, nil
}

// scheduleFlow asks what a schedule sends, when and to whom — each only
// when it is not known yet — and makes it.
func scheduleFlow() *bot.Flow {
	return &bot.Flow{Name: "reports.schedule", First: "start", Perm: core.PermExport, Steps: map[string]*bot.Step{
		// start moves on to the first question at once.
		"start":  {Prompt: nextScheduleStep, Input: func(c *bot.Context, _ string) (string, error) { return next(c) }},
		"report": {Prompt: askScheduleReport, Input: scheduleReportInput},
		"when":   {Prompt: askWhen, Input: whenInput},
		"to":     {Prompt: askRecipient, Input: recipientInput},
	}}
}

// scheduleSteps are the questions of a schedule, each with the key of
// its answer in the dialog's data.
var scheduleSteps = [][2]string{{"report", "spec"}, {"when", "cron"}, {"to", "to"}}

// missingStep is the first question of a schedule not answered yet, ""
// when none is left.
func missingStep(d map[string]string) string {
	for _, st := range scheduleSteps {
		if d[st[1]] == "" {
			return st[0]
		}
	}
	return ""
}

// nextScheduleStep asks the first question not answered yet.
func nextScheduleStep(c *bot.Context) error {
	return c.Goto(missingStep(c.Conv.Data))
}

// next is the step after an answer: the next question, or none once the
// schedule is made.
func next(c *bot.Context) (string, error) {
	if st := missingStep(c.Conv.Data); st != "" {
		return st, nil
	}
	return "", makeSchedule(c, c.Conv.Data)
}

func askScheduleReport(c *bot.Context) error {
	var rows [][]bot.Button
	for i, k := range core.ReportKinds {
		b := bot.Choice("msg.reports.kind."+string(k), nil, string(k))
		if i%2 == 0 {
			rows = append(rows, bot.Row(b))
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	ts, err := c.Svc.ReportTemplates(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	for i, t := range ts {
		if i == maxTemplateChoices {
			break
		}
		rows = append(rows, bot.Row(bot.Choice("btn.reports.template", bot.Args{"Name": t.Name}, "tpl:"+itoa(t.ID))))
	}
	return c.Reply("flow.reports.schedule_report", nil, rows...)
}

func scheduleReportInput(c *bot.Context, s string) (string, error) {
	if id, ok := strings.CutPrefix(s, "tpl:"); ok {
		n, err := bot.ParseID(id, "err.button.expired")
		if err != nil {
			return "", err
		}
		t, err := c.Svc.ReportTemplateByID(c.Ctx(), c.Actor(), n)
		if err != nil {
			return "", bot.AsInvalid(err)
		}
		s = "#" + itoa(t.ID)
	}
	rest, err := scheduleReport(c, c.Conv.Data, s)
	if err != nil {
		return "", err
	}
	if c.Conv.Data["spec"] == "" || rest != "" {
		delete(c.Conv.Data, "spec")
		return "", core.Errorf(core.EINVALID, "err.reports.kind", "Text", s)
	}
	return next(c)
}

// whenChoices are the usual schedules, offered as buttons.
var whenChoices = []string{"0 9 * * 1", "0 9 * * 1-5", everyDay, "0 9 1 * *"}

// everyDay is the choice that fires on every day, working or not.
const everyDay = "0 9 * * *"

func askWhen(c *bot.Context) error {
	var rows [][]bot.Button
	for _, cron := range whenChoices {
		rows = append(rows, bot.Row(bot.Choice("btn.reports.when", bot.Args{"When": cronWords(c, cron)}, cron)))
	}
	return c.Reply("flow.reports.when", nil, rows...)
}

func whenInput(c *bot.Context, s string) (string, error) {
	s, tz := cutZone(s, c.Now())
	if tz != "" {
		c.Conv.Data["tz"] = tz
	}
	cron, work, err := core.ParseSchedule(s)
	if err != nil {
		return "", err
	}
	// The buttons are said in words, so they keep to working days as
	// words do, all but «every day».
	if slices.Contains(whenChoices, s) {
		work = s != everyDay
	}
	c.Conv.Data["cron"] = cron
	if work {
		c.Conv.Data["work_days"] = "1"
	} else {
		delete(c.Conv.Data, "work_days")
	}
	return next(c)
}

func askRecipient(c *bot.Context) error {
	var rows [][]bot.Button
	ts, err := c.Svc.ReportTargets(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	seen := map[core.ChatPurpose]bool{}
	for _, t := range ts {
		wc, err := c.Svc.WorkChat(c.Ctx(), t.Platform, t.ChatID)
		if t.Kind != core.TargetChat || err != nil || seen[wc.Purpose] {
			continue
		}
		seen[wc.Purpose] = true
		rows = append(rows, bot.Row(bot.Choice("btn.reports.purpose", bot.Args{"Purpose": c.T("purpose."+string(wc.Purpose), nil)},
			string(wc.Purpose))))
	}
	last := bot.Row(bot.Choice("btn.reports.me", nil, "me"))
	if head := headOf(c); head != nil {
		last = append(last, bot.Choice("btn.reports.head", bot.Args{"Name": head.Name}, "head"))
	}
	return c.Reply("flow.reports.recipient", bot.Args{"Mail": c.Svc.MailAvailable()}, append(rows, last)...)
}

func recipientInput(c *bot.Context, s string) (string, error) {
	to, ok, err := recipient(c, s)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", core.Errorf(core.EINVALID, "err.reports.recipient", "Text", s, "Mail", c.Svc.MailAvailable())
	}
	data, err := json.Marshal(to)
	if err != nil {
		return "", err
	}
	c.Conv.Data["to"] = string(data)
	return next(c)
}

// makeSchedule makes the schedule put together in d, in the time zone
// typed, else its recipient's (one person's own), else the user's — the
// echo then says so and how to name another — ends the dialog if there
// is one and echoes the schedule back with its next run.
func makeSchedule(c *bot.Context, d map[string]string) error {
	sch := &core.ReportSchedule{Cron: d["cron"], OwnerID: c.User.ID, Lang: c.P.Lang(), Active: true,
		TimeZone: c.P.Location().String(), WorkDays: d["work_days"] != ""}
	if err := json.Unmarshal([]byte(d["spec"]), &sch.Spec); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(d["to"]), &sch.To); err != nil {
		return err
	}
	own, of := true, ""
	switch {
	case d["tz"] != "":
		sch.TimeZone, own = d["tz"], false
	case len(sch.To) == 1 && sch.To[0].Kind == core.TargetUser && sch.To[0].UserID != c.User.ID:
		if u, err := c.Svc.UserByID(c.Ctx(), sch.To[0].UserID); err == nil && u.TimeZone != "" {
			sch.TimeZone, own, of = u.TimeZone, false, u.Name
		}
	}
	if err := c.Svc.ScheduleReport(c.Ctx(), c.Actor(), sch); err != nil {
		return err
	}
	if c.Conv != nil {
		if err := c.Finish(); err != nil {
			return err
		}
	}
	args := scheduleArgs(c, sch)
	args["ZoneOwn"], args["ZoneOf"] = own, of
	return c.Reply("msg.reports.scheduled", args)
}

// scheduleArgs say a schedule in words: what, when, in which zone, to
// whom, and its next run in the reader's zone.
func scheduleArgs(c *bot.Context, sch *core.ReportSchedule) bot.Args {
	loc := location(sch.TimeZone)
	args := bot.Args{"ID": sch.ID, "Report": specName(c, sch.Spec), "When": cronWords(c, sch.Cron),
		"Zone": zoneName(c, loc, c.Now()), "To": targetsWords(c, sch.To), "WorkDays": sch.WorkDays}
	if !sch.NextRun.IsZero() {
		args["Next"] = moment(c, sch.NextRun, c.P.Location())
	}
	if sch.OwnerID != c.User.ID {
		args["Owner"] = userName(c, sch.OwnerID)
	}
	return args
}

// listSchedules lists the active schedules the user sees (an admin's:
// everyone's), each with «Остановить».
func listSchedules(c *bot.Context) error {
	all, err := c.Svc.ReportSchedules(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	var lines []string
	var rows [][]bot.Button
	for _, sch := range all {
		if !sch.Active {
			continue
		}
		lines = append(lines, c.T("msg.reports.schedule_line", scheduleArgs(c, sch)))
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.reports.stop", Args: bot.Args{"ID": sch.ID},
			Action: core.ActionScheduleStop, Payload: itoa(sch.ID)}))
	}
	if len(lines) == 0 {
		return c.Reply("msg.reports.schedules_none", bot.Args{"Kinds": kindList(c)})
	}
	return c.Reply("msg.reports.schedules", bot.Args{"Count": len(lines), "Lines": strings.Join(lines, "\n")}, rows...)
}

// stopAction is «Остановить» on a schedule.
func stopAction(c *bot.Context) error {
	id, err := payloadID(c)
	if err != nil {
		return err
	}
	if err := c.Svc.StopReportSchedule(c.Ctx(), c.Actor(), id); err != nil {
		return err
	}
	return c.Reply("msg.reports.stopped", bot.Args{"ID": id})
}
