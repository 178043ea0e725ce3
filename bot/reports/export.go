package reports

import (
	"encoding/json"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// export writes the records of an entity to a file:
//
//	/export                                   the entities as buttons, then the filters
//	/export сделки прошлый месяц стадия согласование csv
//
// The reply is the file with its summary and «Отправить…»; an export with
// no rows says so with its filters in words; a filter typed wrong is
// explained by core.
func export(c *bot.Context) error {
	first, rest := bot.FirstWord(c.Update.Args)
	if first == "" {
		return c.Start("reports.export", nil)
	}
	e, ok := parseEntity(first)
	if !ok {
		return c.Reply("msg.reports.export_usage", bot.Args{"Entities": entityList(c)})
	}
	spec, err := exportSpec(c, e, rest)
	if err != nil {
		return err
	}
	return build(c, spec)
}

// exportSpec is the spec of an export of e with the filters typed.
func exportSpec(c *bot.Context, e core.ReportEntity, filters string) (core.ReportSpec, error) {
	spec := core.ReportSpec{Export: e}
	if noFilters(filters) {
		return spec, nil
	}
	f, format, err := c.Svc.ParseReportFilter(c.Ctx(), c.Actor(), filters)
	if err != nil {
		return spec, err
	}
	spec.Filter, spec.Format = f, format
	return spec, nil
}

// entityList names the entities, for a usage line.
func entityList(c *bot.Context) string {
	s := ""
	for i, e := range core.ExportEntities {
		if i > 0 {
			s += ", "
		}
		s += entityName(c, e)
	}
	return s
}

// entityChoices are buttons that choose an entity, two a row.
func entityChoices() [][]bot.Button {
	var rows [][]bot.Button
	for i, e := range core.ExportEntities {
		b := bot.Choice("msg.reports.entity."+string(e), nil, string(e))
		if i%2 == 0 {
			rows = append(rows, bot.Row(b))
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	return rows
}

// exportFlow asks what to export and with which filters.
func exportFlow() *bot.Flow {
	return &bot.Flow{Name: "reports.export", First: "entity", Perm: perm, Steps: map[string]*bot.Step{
		"entity": {
			Prompt: func(c *bot.Context) error {
				return c.Reply("flow.reports.export_entity", nil, entityChoices()...)
			},
			Input: func(c *bot.Context, s string) (string, error) {
				e, ok := parseEntity(s)
				if !ok {
					return "", core.Errorf(core.EINVALID, "err.reports.entity", "Text", s)
				}
				c.Conv.Data["entity"] = string(e)
				return "filters", nil
			},
		},
		"filters": {
			Prompt: askFilters("flow.reports.export_filters"),
			Input: bot.FinalInput("", func(c *bot.Context, s string) (*bot.Reply, error) {
				spec, err := exportSpec(c, core.ReportEntity(c.Conv.Data["entity"]), s)
				if err != nil {
					return nil, err
				}
				return nil, build(c, spec)
			}),
		},
	}}
}

// askFilters asks for filters, or none («Без фильтров», also as CSV).
func askFilters(key string) func(*bot.Context) error {
	return func(c *bot.Context) error {
		return c.Reply(key, nil, bot.Row(bot.Choice("btn.reports.no_filters", nil, bot.Skip),
			bot.Choice("btn.reports.no_filters_csv", nil, "csv")))
	}
}

// noFilters reports whether filters typed are none: nothing, «-», or the
// words of «Без фильтров» typed.
func noFilters(s string) bool {
	switch strings.Join(strings.Fields(word(s)), " ") {
	case "", "без фильтров", "no filters", "none":
		return true
	}
	return bot.IsSkip(s)
}

// filterInput reads the filters typed into the dialog's data (filter,
// format); «-» is none.
func filterInput(c *bot.Context, s string) error {
	delete(c.Conv.Data, "filter")
	delete(c.Conv.Data, "format")
	if noFilters(s) {
		return nil
	}
	f, format, err := c.Svc.ParseReportFilter(c.Ctx(), c.Actor(), s)
	if err != nil {
		return err
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	c.Conv.Data["filter"], c.Conv.Data["format"] = string(data), string(format)
	return nil
}

// dataFilter is the filter the dialog keeps.
func dataFilter(c *bot.Context) (core.ReportFilter, core.ReportFormat) {
	var f core.ReportFilter
	if s := c.Conv.Data["filter"]; s != "" {
		_ = json.Unmarshal([]byte(s), &f)
	}
	return f, core.ReportFormat(c.Conv.Data["format"])
}
