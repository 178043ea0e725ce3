package reports

import (
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// customWords start the ad hoc builder: «/report свой».
var customWords = map[string]bool{"свой": true, "своя": true, "новый": true, "конструктор": true,
	"custom": true, "new": true}

// maxTemplateChoices is how many saved templates /report offers as
// buttons; /reports lists them all.
const maxTemplateChoices = 8

// report builds a report:
//
//	/report                           the reports, «Свой отчёт» and the templates as buttons
//	/report <template's name>         a saved template's report
//	/report воронка [фильтры]         a built-in report
//	/report свой                      the ad hoc builder
func report(c *bot.Context) error {
	args := strings.TrimSpace(c.Update.Args)
	first, rest := bot.FirstWord(args)
	switch {
	case first == "":
		return c.Start("reports.new", nil)
	case customWords[word(first)] && rest == "":
		return c.Start("reports.new", map[string]string{"custom": "1"})
	}
	// A template's name is read first, the longest one the words start
	// with, and the rest as filters over the template's own: «Воронка по
	// менеджерам за прошлый месяц» is a template with a period, not the
	// pipeline with filters. A built-in report's word alone is never a
	// template's name (reservedName): «воронка» is the pipeline for all.
	ts, err := c.Svc.ReportTemplates(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	if t, filters := templateAt(ts, args); t != nil {
		spec, err := withFilters(c, templateSpec(t.ID), filters)
		if err != nil {
			return err
		}
		return build(c, spec)
	}
	k, ok := parseKind(first)
	if !ok {
		return c.Reply("msg.reports.report_usage", bot.Args{"Kinds": kindList(c)})
	}
	spec, err := reportSpec(c, k, rest)
	if err != nil {
		return err
	}
	return build(c, spec)
}

// reportSpec is the spec of a built-in report with the filters typed.
func reportSpec(c *bot.Context, k core.ReportKind, filters string) (core.ReportSpec, error) {
	return withFilters(c, core.ReportSpec{Report: k}, filters)
}

// withFilters sets the filters typed (and the format) on a spec; none
// typed leaves it as it is.
func withFilters(c *bot.Context, spec core.ReportSpec, filters string) (core.ReportSpec, error) {
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

// templateSpec is the spec of a saved template's report: its own filters.
func templateSpec(id int64) core.ReportSpec {
	return core.ReportSpec{Report: core.ReportCustom, TemplateID: id}
}

// templateIn finds the template of a name or number among ts; a name
// that is a built-in report's word (saved before such names were refused)
// names the report, not the template, which is still found by its number.
func templateIn(ts []*core.ReportTemplate, s string) *core.ReportTemplate {
	name := nameKey(s)
	for _, t := range ts {
		if "#"+itoa(t.ID) == name || nameKey(t.Name) == name && !reservedName(t.Name) {
			return t
		}
	}
	return nil
}

// templateAt finds the template whose name (or number) the text starts
// with, the longest such name, and returns the words after it; nil when
// the text starts with none.
func templateAt(ts []*core.ReportTemplate, s string) (*core.ReportTemplate, string) {
	ws := strings.Fields(s)
	for n := len(ws); n >= 1; n-- {
		if t := templateIn(ts, strings.Join(ws[:n], " ")); t != nil {
			return t, bot.AfterWords(s, n)
		}
	}
	return nil, s
}

// nameKey is a name as names are matched: its words as matched, one
// space between them.
func nameKey(s string) string { return strings.Join(strings.Fields(word(s)), " ") }

// reservedName reports whether a template's name is a word /report and
// /schedule read otherwise: a built-in report's («воронка», «Pipeline»,
// in any case) or the builder's («свой»). Such a name is refused when a
// template is saved, so that no one's template takes over a report
// everyone means by the word.
func reservedName(name string) bool {
	w := nameKey(name)
	_, kind := parseKind(w)
	return kind || customWords[w] || newWords[w]
}

// kindList names the built-in reports, for a usage line.
func kindList(c *bot.Context) string {
	var names []string
	for _, k := range core.ReportKinds {
		names = append(names, kindName(c, k))
	}
	return strings.Join(names, ", ")
}

// reportFlow picks a report and builds it: a built-in one (asking its
// filters), a saved template, or an ad hoc one step by step — the entity,
// its filters, the fields to group by, the measures — built, its file
// offering to save it as a template.
func reportFlow() *bot.Flow {
	return &bot.Flow{Name: "reports.new", First: "kind", Perm: perm, Steps: map[string]*bot.Step{
		"kind":     {Prompt: askKind, Input: kindInput},
		"filters":  {Prompt: askFilters("flow.reports.report_filters"), Input: bot.FinalInput("", builtinInput)},
		"entity":   {Prompt: askEntity, Input: entityInput},
		"cfilters": {Prompt: askFilters("flow.reports.custom_filters"), Input: customFiltersInput},
		"group":    {Prompt: askGroup, Input: groupInput},
		"measures": {Prompt: askMeasures, Input: measuresInput},
	}}
}

// askKind offers the built-in reports, «Свой отчёт» and the templates;
// «/report свой» goes straight to the builder.
func askKind(c *bot.Context) error {
	if c.Conv.Data["custom"] != "" {
		delete(c.Conv.Data, "custom")
		return c.Goto("entity")
	}
	var rows [][]bot.Button
	for i, k := range core.ReportKinds {
		b := bot.Choice("msg.reports.kind."+string(k), nil, string(k))
		if i%2 == 0 {
			rows = append(rows, bot.Row(b))
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	rows = append(rows, bot.Row(bot.Choice("btn.reports.custom", nil, "custom")))
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
	return c.Reply("flow.reports.kind", bot.Args{"Templates": len(ts)}, rows...)
}

func kindInput(c *bot.Context, s string) (string, error) {
	if customWords[word(s)] {
		return "entity", nil
	}
	if k, ok := parseKind(s); ok {
		c.Conv.Data["kind"] = string(k)
		return "filters", nil
	}
	var spec core.ReportSpec
	if id, ok := strings.CutPrefix(s, "tpl:"); ok {
		n, err := bot.ParseID(id, "err.button.expired")
		if err != nil {
			return "", err
		}
		t, err := c.Svc.ReportTemplateByID(c.Ctx(), c.Actor(), n)
		if err != nil {
			return "", bot.AsInvalid(err)
		}
		spec = templateSpec(t.ID)
	} else {
		// Typed: a template's name or a report's word, with filters.
		ts, err := c.Svc.ReportTemplates(c.Ctx(), c.Actor())
		if err != nil {
			return "", err
		}
		t, filters := templateAt(ts, s)
		first, rest := bot.FirstWord(s)
		k, isKind := parseKind(first)
		switch {
		case t != nil:
			spec, err = withFilters(c, templateSpec(t.ID), filters)
		case isKind:
			spec, err = reportSpec(c, k, rest)
		default:
			return "", core.Errorf(core.EINVALID, "err.reports.kind", "Text", s)
		}
		if err != nil {
			return "", err
		}
	}
	return "", build(c, spec)
}

// builtinInput builds the chosen built-in report with the filters typed.
func builtinInput(c *bot.Context, s string) (*bot.Reply, error) {
	spec, err := reportSpec(c, core.ReportKind(c.Conv.Data["kind"]), s)
	if err != nil {
		return nil, err
	}
	return nil, build(c, spec)
}
