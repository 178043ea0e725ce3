package reports

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// The ad hoc builder keeps the report being put together in the dialog's
// data as a template draft (Data["tpl"]): its entity, filters, fields to
// group by and measures.

// draft is the template the dialog is building.
func draft(c *bot.Context) *core.ReportTemplate {
	t := &core.ReportTemplate{}
	if s := c.Conv.Data["tpl"]; s != "" {
		_ = json.Unmarshal([]byte(s), t)
	}
	return t
}

// keep stores the draft in the dialog's data.
func keep(c *bot.Context, t *core.ReportTemplate) error {
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	c.Conv.Data["tpl"] = string(data)
	return nil
}

func askEntity(c *bot.Context) error {
	return c.Reply("flow.reports.custom_entity", nil, entityChoices()...)
}

func entityInput(c *bot.Context, s string) (string, error) {
	e, ok := parseEntity(s)
	if !ok {
		return "", core.Errorf(core.EINVALID, "err.reports.entity", "Text", s)
	}
	if err := keep(c, &core.ReportTemplate{Entity: e}); err != nil {
		return "", err
	}
	return "cfilters", nil
}

func customFiltersInput(c *bot.Context, s string) (string, error) {
	if err := filterInput(c, s); err != nil {
		return "", err
	}
	t := draft(c)
	t.Filter, _ = dataFilter(c)
	if err := keep(c, t); err != nil {
		return "", err
	}
	return "group", nil
}

// field is a field of the entity by its key; ok is false for one it does
// not have.
func field(e core.ReportEntity, key string) (core.ReportField, bool) {
	fs := core.ReportFields(e)
	i := slices.IndexFunc(fs, func(f core.ReportField) bool { return f.Key == key })
	if i < 0 {
		return core.ReportField{}, false
	}
	return fs[i], true
}

// fieldName names a field of an entity in the user's language.
func fieldName(c *bot.Context, e core.ReportEntity, key string) string {
	if f, ok := field(e, key); ok {
		return c.T(f.LabelKey, nil)
	}
	return key
}

// fieldTyped finds the field of the entity whose name is typed, among
// those that fit (group or numeric ones).
func fieldTyped(c *bot.Context, e core.ReportEntity, s string, fits func(core.ReportField) bool) (string, bool) {
	w := word(s)
	for _, f := range core.ReportFields(e) {
		if fits(f) && (word(c.T(f.LabelKey, nil)) == w || f.Key == w) {
			return f.Key, true
		}
	}
	return "", false
}

// toggled adds v to vs, or takes it out when it is there.
func toggled[T comparable](vs []T, v T) []T {
	if i := slices.Index(vs, v); i >= 0 {
		return slices.Delete(vs, i, i+1)
	}
	return append(vs, v)
}

// twoARow lays buttons out two a row.
func twoARow(bs []bot.Button) [][]bot.Button {
	var rows [][]bot.Button
	for i := 0; i < len(bs); i += 2 {
		rows = append(rows, bs[i:min(i+2, len(bs))])
	}
	return rows
}

// askGroup offers the fields to group by, those chosen marked; several
// may be chosen, «Готово» goes on.
func askGroup(c *bot.Context) error {
	t := draft(c)
	var bs []bot.Button
	for _, f := range core.ReportFields(t.Entity) {
		if !f.Group {
			continue
		}
		key := "btn.reports.field"
		if slices.Contains(t.GroupBy, f.Key) {
			key = "btn.reports.field_on"
		}
		bs = append(bs, bot.Choice(key, bot.Args{"Name": c.T(f.LabelKey, nil)}, "g:"+f.Key))
	}
	rows := append(twoARow(bs), bot.Row(bot.Choice("btn.reports.done", nil, "done")))
	return c.Reply("flow.reports.group", bot.Args{"Entity": entityName(c, t.Entity),
		"Chosen": groupWords(c, t)}, rows...)
}

// groupInput takes a field to group by (chosen again: no more), or
// «Готово».
func groupInput(c *bot.Context, s string) (string, error) {
	t := draft(c)
	if s == "done" || strings.EqualFold(word(s), "готово") || bot.IsSkip(s) {
		return "measures", nil
	}
	key, ok := strings.CutPrefix(s, "g:")
	if f, has := field(t.Entity, key); !ok || !has || !f.Group {
		if key, ok = fieldTyped(c, t.Entity, s, func(f core.ReportField) bool { return f.Group }); !ok {
			return "", core.Errorf(core.EINVALID, "err.reports.field", "Text", s)
		}
	}
	if !slices.Contains(t.GroupBy, key) && len(t.GroupBy) == core.MaxTemplateGroupBy {
		return "", core.Errorf(core.EINVALID, "err.report.template.groups_too_many", "Max", core.MaxTemplateGroupBy)
	}
	t.GroupBy = toggled(t.GroupBy, key)
	if err := keep(c, t); err != nil {
		return "", err
	}
	return "group", nil
}

// measure values in the builder's buttons: "count", "sum:amount",
// "avg:amount".
func measureValue(m core.Measure) string {
	if m.Field == "" {
		return string(m.Func)
	}
	return string(m.Func) + ":" + m.Field
}

func parseMeasure(e core.ReportEntity, s string) (core.Measure, bool) {
	fn, key, _ := strings.Cut(s, ":")
	switch core.MeasureFunc(fn) {
	case core.MeasureCount:
		return core.Measure{Func: core.MeasureCount}, key == ""
	case core.MeasureSum, core.MeasureAvg:
		f, ok := field(e, key)
		return core.Measure{Func: core.MeasureFunc(fn), Field: key}, ok && f.Numeric
	}
	return core.Measure{}, false
}

// measureName names a measure: «количество», «сумма сделок», «дней
// просрочки — в среднем»; a field's own words where it has them
// (msg.reports.measure.<func>.<field>), else the measure's with the field.
func measureName(c *bot.Context, e core.ReportEntity, m core.Measure) string {
	key := "msg.reports.measure." + string(m.Func)
	if m.Field != "" && c.P.Has(key+"."+m.Field) {
		return c.T(key+"."+m.Field, nil)
	}
	return c.T(key, bot.Args{"Field": fieldName(c, e, m.Field)})
}

// askMeasures offers the measures: the count, and the sum and the average
// of each numeric field, those chosen marked; «Готово» builds the report.
func askMeasures(c *bot.Context) error {
	t := draft(c)
	ms := []core.Measure{{Func: core.MeasureCount}}
	for _, f := range core.ReportFields(t.Entity) {
		if f.Numeric {
			ms = append(ms, core.Measure{Func: core.MeasureSum, Field: f.Key}, core.Measure{Func: core.MeasureAvg, Field: f.Key})
		}
	}
	var bs []bot.Button
	for _, m := range ms {
		key := "btn.reports.field"
		if slices.Contains(t.Measures, m) {
			key = "btn.reports.field_on"
		}
		bs = append(bs, bot.Choice(key, bot.Args{"Name": measureName(c, t.Entity, m)}, measureValue(m)))
	}
	rows := append(twoARow(bs), bot.Row(bot.Choice("btn.reports.done", nil, "done")))
	return c.Reply("flow.reports.measures", bot.Args{"Chosen": measureWords(c, t)}, rows...)
}

// measuresInput takes a measure (chosen again: no more), or «Готово»,
// which builds the report (the count when no measure was chosen); its
// file offers to save it («Сохранить как шаблон»).
func measuresInput(c *bot.Context, s string) (string, error) {
	t := draft(c)
	if s == "done" || strings.EqualFold(word(s), "готово") || bot.IsSkip(s) {
		if len(t.Measures) == 0 {
			t.Measures = []core.Measure{{Func: core.MeasureCount}}
			if err := keep(c, t); err != nil {
				return "", err
			}
		}
		if err := build(c, adhocSpec(c, t)); err != nil {
			return backTo(c, err)
		}
		return "", nil
	}
	m, ok := parseMeasure(t.Entity, s)
	if !ok {
		return "", core.Errorf(core.EINVALID, "err.reports.measure", "Text", s)
	}
	if !slices.Contains(t.Measures, m) && len(t.Measures) == core.MaxTemplateMeasures {
		return "", core.Errorf(core.EINVALID, "err.report.template.measures_too_many", "Max", core.MaxTemplateMeasures)
	}
	t.Measures = toggled(t.Measures, m)
	if err := keep(c, t); err != nil {
		return "", err
	}
	return "measures", nil
}

// backTo answers a report that could not be built for a filter that does
// not fit its records (a status they do not have, a stage of changes) by
// asking the filters again; any other error is the step's.
func backTo(c *bot.Context, err error) (string, error) {
	switch key, _ := core.ErrorKey(err); key {
	case "err.report.template.status", "err.report.template.stage", "err.export.no_stage", "err.export.no_status",
		"err.export.status_unknown":
		return "cfilters", c.Send(bot.Reply{Text: c.T(core.ErrorKey(err))})
	}
	return "", err
}

// adhocSpec is the spec of a report put together and not saved yet; its
// title until it is saved names its entity («Свой отчёт: сделки»).
func adhocSpec(c *bot.Context, t *core.ReportTemplate) core.ReportSpec {
	u := *t
	u.Name = c.T("msg.reports.custom_title", bot.Args{"Entity": entityName(c, t.Entity)})
	return core.ReportSpec{Report: core.ReportCustom, Template: &u}
}

// nameInput saves the template under the name; a name another template
// has, or a built-in report's word («воронка»), is asked again.
func nameInput(c *bot.Context, s string) (string, error) {
	if s == "" || bot.IsSkip(s) {
		return "", core.Errorf(core.EINVALID, "err.reports.name_required")
	}
	if reservedName(s) {
		return "", core.Errorf(core.EINVALID, "err.reports.name_reserved", "Name", strings.TrimSpace(s))
	}
	t := draft(c)
	t.Name = s
	if err := c.Svc.SaveReportTemplate(c.Ctx(), c.Actor(), t); err != nil {
		if core.ErrorCode(err) == core.ECONFLICT {
			key, args := core.ErrorKey(err)
			return "", &core.Error{Code: core.EINVALID, Key: key, Args: args}
		}
		return "", err
	}
	return "", c.Reply("msg.reports.saved", bot.Args{"Name": t.Name, "ID": t.ID})
}

// groupWords and measureWords say a template's grouping and measures.
func groupWords(c *bot.Context, t *core.ReportTemplate) string {
	if len(t.GroupBy) == 0 {
		return c.T("msg.reports.group_none", nil)
	}
	var names []string
	for _, k := range t.GroupBy {
		names = append(names, fieldName(c, t.Entity, k))
	}
	return strings.Join(names, ", ")
}

func measureWords(c *bot.Context, t *core.ReportTemplate) string {
	if len(t.Measures) == 0 {
		return c.T("msg.reports.measure_none", nil)
	}
	var names []string
	for _, m := range t.Measures {
		names = append(names, measureName(c, t.Entity, m))
	}
	return strings.Join(names, ", ")
}
