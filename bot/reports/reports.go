// Package reports is the chat side of reports (отчёты) and exports
// (выгрузки): /export writes the records of an entity to an XLSX or CSV
// file with filters, /report builds a built-in report or an ad hoc one
// step by step and saves it as a template, /reports lists the templates,
// «Отправить…» sends a file to work chats, the head, a colleague or by
// mail through the data-quality gate, and /schedule delivers a report on a
// schedule.
package reports

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// perm is what making exports and reports needs (core narrows each to the
// records the user may see); sending them to others and scheduling
// deliveries needs core.PermExport.
const perm = core.PermReports

// Register registers /export, /report, /reports and /schedule, the
// buttons of the files, of a held delivery, of the templates and of the
// schedules, and the dialogs that build, send and schedule reports.
func Register(r *bot.Router) {
	r.Command("export", perm, export)
	r.Command("report", perm, report)
	r.Command("reports", perm, templates)
	r.Command("schedule", core.PermExport, schedule)
	// «Отправить…» and «Отправить с причиной» start a dialog: left with
	// /cancel it sends nothing, so the button works again.
	r.View(core.ActionReportSend, core.PermExport, sendAction)
	r.View(core.ActionReportOverride, core.PermExport, overrideAction)
	r.Action(core.ActionReportRecheck, core.PermExport, recheckAction)
	// «Отменить» needs no more than making reports: a sender who may no
	// longer send (demoted) can still give their held run up; core lets
	// the sender or an admin.
	r.Action(core.ActionReportCancel, perm, cancelAction)
	r.View(core.ActionReportRun, perm, runAction)
	// «Сохранить как шаблон» asks the name; it may be pressed again to save
	// the report under another.
	r.View(core.ActionReportSave, perm, saveAction)
	r.View(core.ActionReportDelete, perm, deleteAction)
	r.Action(core.ActionScheduleStop, core.PermExport, stopAction)
	r.Flow(exportFlow())
	r.Flow(reportFlow())
	r.Flow(sendFlow())
	r.Flow(overrideFlow())
	r.Flow(saveFlow())
	r.Flow(deleteFlow())
	r.Flow(scheduleFlow())
}

// sendPayload is what «Отправить…» under a file carries: the run that
// made it, its title and what to build again for the recipients (the
// data may have changed since; the gate checks it as it is when sent).
type sendPayload struct {
	Run   int64           `json:"run,omitempty"`
	Title string          `json:"title,omitempty"`
	Spec  core.ReportSpec `json:"spec"`
}

// build builds a file for the user and answers with it: the file, the
// summary, the chart, «Сохранить как шаблон» for a report not saved yet
// (a built-in one with its filters, or the builder's) and, for who may
// send it to others, «Отправить…»; with no rows, a reply saying so with
// the filters in words and no file (and still «Сохранить как шаблон»: the
// filters may fit the records another day).
func build(c *bot.Context, spec core.ReportSpec) error {
	out, err := c.Svc.MakeReport(c.Ctx(), c.Actor(), spec, c.P.Lang())
	if err != nil {
		return err
	}
	var buttons [][]bot.Button
	if t := saveable(spec); t != nil {
		data, err := json.Marshal(t)
		if err != nil {
			return err
		}
		buttons = append(buttons, bot.Row(bot.Button{LabelKey: "btn.reports.save", Action: core.ActionReportSave,
			Payload: string(data)}))
	}
	// A file of records goes to the user's private chat, never into a
	// group the command was typed in: sending to others is «Отправить…»,
	// through the quality gate.
	send := c.SendPrivately
	if out.Run != nil && out.Run.Rows == 0 {
		return c.Reply("msg.reports.empty", bot.Args{"Title": out.Title,
			"Filters": filterWords(c, entityOf(c, spec), spec.Filter)}, buttons...)
	}
	files := []bot.File{{Name: out.File.Name, MIME: out.File.MIME, SHA256: out.File.SHA256}}
	if out.Chart != nil {
		files = append(files, bot.File{Name: out.Chart.Name, MIME: out.Chart.MIME, SHA256: out.Chart.SHA256})
	}
	p := sendPayload{Title: out.Title, Spec: spec}
	if out.Run != nil {
		p.Run = out.Run.ID
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if c.User.Can(core.PermExport) { // who may send to others
		buttons = append([][]bot.Button{bot.Row(bot.Button{LabelKey: "btn.reports.send",
			Action: core.ActionReportSend, Payload: string(payload)})}, buttons...)
	}
	if err := send(bot.Reply{Key: "msg.reports.made", Args: bot.Args{"Title": out.Title, "Summary": out.Summary},
		Files: files, Buttons: buttons}); err != nil {
		return err
	}
	if !c.Private() {
		return c.Reply("msg.reports.sent_privately", bot.Args{"Title": out.Title})
	}
	return nil
}

// saveable is the template a report may be saved as: a built-in report
// with its filters, or the builder's report; nil for an export or a
// template's report.
func saveable(spec core.ReportSpec) *core.ReportTemplate {
	switch {
	case spec.TemplateID != 0 || spec.Export != "":
		return nil
	case spec.Template != nil:
		t := *spec.Template
		t.Name = ""
		return &t
	case spec.Report != "" && spec.Report != core.ReportCustom:
		return &core.ReportTemplate{Report: spec.Report, Filter: spec.Filter}
	}
	return nil
}

// entityOf is the entity whose records a spec lists, for its filters'
// words: the export's, the template's, or "" for a built-in report.
func entityOf(c *bot.Context, spec core.ReportSpec) core.ReportEntity {
	switch {
	case spec.Export != "":
		return spec.Export
	case spec.Template != nil:
		return spec.Template.Entity
	case spec.TemplateID != 0:
		if t, err := c.Svc.ReportTemplateByID(c.Ctx(), c.Actor(), spec.TemplateID); err == nil {
			return t.Entity
		}
	}
	return ""
}

// noteReply answers with a note core made (a held delivery's findings):
// its text, and its buttons with their labels, keyed or literal.
func noteReply(c *bot.Context, n core.Note) error {
	var rows [][]bot.Button
	for _, row := range n.Buttons {
		var out []bot.Button
		for _, b := range row {
			label, args := b.LabelKey, bot.Args(nil)
			if label == "" {
				label, args = "btn.reports.literal", bot.Args{"Label": b.Label}
			}
			out = append(out, bot.Button{LabelKey: label, Args: args, Action: b.Action, Payload: b.Payload})
		}
		rows = append(rows, out)
	}
	return c.Reply(n.Key, n.Args, rows...)
}

// payloadID reads the id a button carries.
func payloadID(c *bot.Context) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(c.Button.Payload), 10, 64)
	if err != nil || id <= 0 {
		return 0, core.Errorf(core.EINVALID, "err.button.expired")
	}
	return id, nil
}

// dataID reads an id the dialog keeps.
func dataID(c *bot.Context, key string) int64 {
	id, _ := strconv.ParseInt(c.Conv.Data[key], 10, 64)
	return id
}

// itoa writes an id for a payload or the dialog's data.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }
