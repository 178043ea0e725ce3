package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestTemplateCannotTakeOverABuiltInReport: a built-in report's word
// («воронка», «Pipeline», any case) is refused as a template's name, and a
// template saved under one before (core keeps it) takes over neither
// /report воронка nor /schedule воронка for anyone.
func TestTemplateCannotTakeOverABuiltInReport(t *testing.T) {
	d := newReportDesk(t)
	msgs := d.press("m", d.say("m", "/report воронка за прошлый месяц"), "Сохранить как шаблон")
	d.want(msgs, "flow.reports.save_name", bot.Args{"What": "Воронка; фильтры: период: прошлый месяц"})
	for _, name := range []string{"воронка", "Воронка", "ВОРОНКУ", "pipeline", "Pipeline", "просрочки", "свой"} {
		msgs = d.say("m", name)
		containsAll(t, msgs, d.p.T("err.reports.name_reserved", bot.Args{"Name": name}))
	}
	containsAll(t, d.say("m", "Воронка за прошлый месяц"), "Шаблон «Воронка за прошлый месяц» сохранён")

	// A template named «воронка» saved before the names were refused.
	old := &core.ReportTemplate{Name: "воронка", Report: core.ReportPipeline,
		Filter: core.ReportFilter{Rel: core.RelLastMonth}}
	if err := d.svc.SaveReportTemplate(context.Background(), core.Actor{User: d.m, Source: "test"}, old); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"o", "hd"} {
		msgs = d.say(who, "/report воронка")
		fileNamed(t, msgs, ".xlsx")
		// The built-in report, with no filters: it may be saved, a
		// template's report may not.
		if !anyButton(msgs, "Сохранить как шаблон") || strings.Contains(dump(msgs), "01.10.2026") {
			t.Fatalf("%s got the template «воронка», not the pipeline: %s", who, dump(msgs))
		}
	}
	// Still found by its number.
	msgs = d.say("o", "/report #"+strconv.FormatInt(old.ID, 10))
	fileNamed(t, msgs, ".xlsx")
	if anyButton(msgs, "Сохранить как шаблон") {
		t.Fatalf("#%d is not the template's report: %s", old.ID, dump(msgs))
	}
	msgs = d.say("o", "/schedule воронка каждый понедельник 09:00 руководители")
	containsAll(t, msgs, "Воронка — каждый понедельник")
	if strings.Contains(dump(msgs), "«воронка»") {
		t.Fatalf("the schedule sends the template: %s", dump(msgs))
	}
}

// TestTemplateWithFiltersTyped: /report <template's name> <filters> builds
// the template with the filters typed over its own.
func TestTemplateWithFiltersTyped(t *testing.T) {
	d := newReportDesk(t)
	tpl := &core.ReportTemplate{Name: "Сделки по менеджерам", Entity: core.ExportDeals, GroupBy: []string{"manager"},
		Measures: []core.Measure{{Func: core.MeasureCount}}}
	if err := d.svc.SaveReportTemplate(context.Background(), core.Actor{User: d.o, Source: "test"}, tpl); err != nil {
		t.Fatal(err)
	}
	msgs := d.say("o", "/report Сделки по менеджерам")
	fileNamed(t, msgs, ".xlsx")
	containsAll(t, msgs, "записей 2")
	containsAll(t, d.say("o", "/report сделки по менеджерам за этот месяц"), "записей 2")
	// The deals were made today: last month has none.
	containsAll(t, d.say("o", "/report Сделки по менеджерам за прошлый месяц"), "записей 0")
	containsAll(t, d.say("o", "/report #"+strconv.FormatInt(tpl.ID, 10)+" за прошлый месяц"), "записей 0")
	// Typed where /report asks which report: the same.
	d.say("o", "/report")
	containsAll(t, d.say("o", "Сделки по менеджерам за прошлый месяц"), "записей 0")
	d.say("o", "/report")
	containsAll(t, d.say("o", "воронка за прошлый месяц"), "Воронка", "За период 01.10.2026 — 31.10.2026")
	// Filters that cannot be read are explained, not «no such template».
	msgs = d.say("o", "/report Сделки по менеджерам за позапрошлую вечность")
	if strings.Contains(dump(msgs), d.p.T("msg.reports.report_usage", bot.Args{"Kinds": ""})[:20]) {
		t.Fatalf("the template was not found: %s", dump(msgs))
	}
}
