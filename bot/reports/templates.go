package reports

import (
	"encoding/json"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// templates lists the saved templates: name, entity, grouping, measures
// and filters (a built-in report's: the report and its filters), each with
// «Построить» and, for its author or an admin, «Удалить».
func templates(c *bot.Context) error {
	ts, err := c.Svc.ReportTemplates(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return c.Reply("msg.reports.templates_none", nil)
	}
	var lines []string
	var rows [][]bot.Button
	for _, t := range ts {
		args := bot.Args{"ID": t.ID, "Name": t.Name, "Entity": entityName(c, t.Entity), "Group": groupWords(c, t),
			"Measures": measureWords(c, t), "Filters": filterWords(c, t.Entity, t.Filter)}
		if t.OwnerID != c.User.ID {
			args["Owner"] = userName(c, t.OwnerID)
		}
		key := "msg.reports.template_line"
		if t.Report != "" { // a built-in report saved with its filters
			key, args["Report"] = "msg.reports.template_line_report", kindName(c, t.Report)
		}
		lines = append(lines, c.T(key, args))
		row := bot.Row(bot.Button{LabelKey: "btn.reports.run", Args: bot.Args{"Name": t.Name},
			Action: core.ActionReportRun, Payload: itoa(t.ID)})
		if mayDelete(c, t) {
			row = append(row, bot.Button{LabelKey: "btn.reports.delete", Args: bot.Args{"ID": t.ID},
				Action: core.ActionReportDelete, Payload: itoa(t.ID)})
		}
		rows = append(rows, row)
	}
	return c.Reply("msg.reports.templates", bot.Args{"Count": len(ts), "Lines": strings.Join(lines, "\n")}, rows...)
}

// mayDelete reports whether the user may delete a template: its author or
// an admin.
func mayDelete(c *bot.Context, t *core.ReportTemplate) bool {
	return t.OwnerID == c.User.ID || c.User.Can(core.PermAdmin)
}

// runAction is «Построить» on a template.
func runAction(c *bot.Context) error {
	id, err := payloadID(c)
	if err != nil {
		return err
	}
	t, err := c.Svc.ReportTemplateByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	return build(c, templateSpec(t.ID))
}

// saveAction is «Сохранить как шаблон» under a report's file: it asks the
// template's name.
func saveAction(c *bot.Context) error {
	var t core.ReportTemplate
	if err := json.Unmarshal([]byte(c.Button.Payload), &t); err != nil {
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	return c.Start("reports.save", map[string]string{"tpl": c.Button.Payload})
}

// saveFlow asks a template's name and saves it; a name another template
// has is asked again.
func saveFlow() *bot.Flow {
	return &bot.Flow{Name: "reports.save", First: "name", Perm: perm, Steps: map[string]*bot.Step{
		"name": {
			Prompt: func(c *bot.Context) error {
				return c.Reply("flow.reports.save_name", bot.Args{"What": templateWhat(c, draft(c))})
			},
			Input: nameInput,
		},
	}}
}

// templateWhat says what a template builds: a built-in report and its
// filters, or an entity's records grouped, measured and filtered.
func templateWhat(c *bot.Context, t *core.ReportTemplate) string {
	if t.Report != "" {
		return c.T("msg.reports.what_report", bot.Args{"Report": kindName(c, t.Report),
			"Filters": filterWords(c, "", t.Filter)})
	}
	return c.T("msg.reports.what_custom", bot.Args{"Entity": entityName(c, t.Entity), "Group": groupWords(c, t),
		"Measures": measureWords(c, t), "Filters": filterWords(c, t.Entity, t.Filter)})
}

// deleteAction is «Удалить» on a template: it asks to confirm.
func deleteAction(c *bot.Context) error {
	id, err := payloadID(c)
	if err != nil {
		return err
	}
	t, err := c.Svc.ReportTemplateByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	if !mayDelete(c, t) {
		return core.Errorf(core.EFORBIDDEN, "err.report.template.not_owner", "Name", t.Name)
	}
	return c.Start("reports.delete", map[string]string{"id": itoa(t.ID), "name": t.Name})
}

// deleteFlow asks whether to delete a template, and deletes it.
func deleteFlow() *bot.Flow {
	return &bot.Flow{Name: "reports.delete", First: "confirm", Perm: perm, Steps: map[string]*bot.Step{
		"confirm": {
			Prompt: func(c *bot.Context) error {
				return c.Reply("flow.reports.delete", bot.Args{"Name": c.Conv.Data["name"]},
					bot.Row(bot.Choice("btn.reports.delete_yes", nil, "yes"), bot.Choice("btn.cancel", nil, "no")))
			},
			Input: func(c *bot.Context, s string) (string, error) {
				if ok, err := bot.Confirmed(c, s); !ok || err != nil {
					return "", err
				}
				name := c.Conv.Data["name"]
				if err := c.Svc.DeleteReportTemplate(c.Ctx(), c.Actor(), dataID(c, "id")); err != nil {
					return "", err
				}
				return "", c.Reply("msg.reports.deleted", bot.Args{"Name": name})
			},
		},
	}}
}
