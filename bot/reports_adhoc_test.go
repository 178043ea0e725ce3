package bot_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/bot"
)

// TestAdHocReportSavedAsTemplate: /report → «Свой отчёт» builds a report
// step by step (entity, filters, group by, measures); «Сохранить как
// шаблон» under its file saves it under the name asked; /reports lists it
// with «Построить» and «Удалить», which asks first.
func TestAdHocReportSavedAsTemplate(t *testing.T) {
	d := newReportDesk(t)
	msgs := d.press("o", d.say("o", "/report"), "Свой отчёт")
	d.want(msgs, "flow.reports.custom_entity", nil)
	msgs = d.press("o", msgs, "сделки")
	msgs = d.press("o", msgs, "Без фильтров")
	stage, manager := d.p.T("report.field.stage", nil), d.p.T("report.field.manager", nil)
	msgs = d.press("o", msgs, stage)
	msgs = d.press("o", msgs, manager)
	containsAll(t, msgs, stage+", "+manager)
	msgs = d.press("o", msgs, "Готово")
	msgs = d.press("o", msgs, "количество")
	msgs = d.press("o", msgs, "сумма сделок")
	msgs = d.press("o", msgs, "Готово")
	// Built before it is saved, titled by its entity.
	fileNamed(t, msgs, ".xlsx")
	containsAll(t, msgs, "📊 Свой отчёт: сделки")
	msgs = d.press("o", msgs, "Сохранить как шаблон")
	d.want(msgs, "flow.reports.save_name", bot.Args{"What": "сделки; группировка: " + stage + ", " + manager +
		"; показатели: количество, сумма сделок; фильтры: без фильтров"})
	msgs = d.say("o", "Воронка по менеджерам")
	containsAll(t, msgs, "Шаблон «Воронка по менеджерам» сохранён (#1)")
	// A second template of the name is refused, and the name asked again.
	msgs = d.press("o", d.say("o", "/report свой"), "сделки")
	built := d.press("o", d.press("o", d.press("o", msgs, "Без фильтров"), "Готово"), "Готово")
	// The dialog is over with the file: a name comes after the button.
	d.want(d.say("o", "воронка по менеджерам"), "msg.unknown_text", nil)
	d.press("o", built, "Сохранить как шаблон")
	msgs = d.say("o", "воронка по менеджерам")
	containsAll(t, msgs, "«воронка по менеджерам» уже есть (#1)")
	d.want(msgs, "flow.reports.save_name", bot.Args{"What": "сделки; группировка: без группировки; показатели: количество; фильтры: без фильтров"})
	d.say("o", "/cancel")
	d.want(d.press("o", d.say("o", "/report свой"), "сделки"), "flow.reports.custom_filters", nil)
	// No more than three fields to group by.
	msgs = d.press("o", d.say("o", "Без фильтров"), stage)
	msgs = d.press("o", d.press("o", msgs, manager), d.p.T("report.field.client", nil))
	msgs = d.press("o", msgs, d.p.T("report.field.month", nil))
	containsAll(t, msgs, d.p.T("err.report.template.groups_too_many", bot.Args{"Max": 3}))
	d.say("o", "/cancel")
	// A filter that does not fit the records is asked again when the
	// report is built.
	d.press("o", d.say("o", "/report свой"), "изменения")
	msgs = d.say("o", "стадия новая")
	msgs = d.press("o", d.press("o", msgs, "Готово"), "Готово")
	containsAll(t, msgs, d.p.T("err.report.template.stage", nil))
	d.want(msgs, "flow.reports.custom_filters", nil)
	d.say("o", "/cancel")

	msgs = d.say("o", "/reports")
	containsAll(t, msgs, "#1 «Воронка по менеджерам» — сделки; группировка: "+stage+", "+manager)
	built = d.press("o", msgs, "Построить: Воронка по менеджерам")
	fileNamed(t, built, ".xlsx")
	// /report offers it among the reports, and builds it by its name.
	fileNamed(t, d.press("o", d.say("o", "/report"), "Шаблон: Воронка по менеджерам"), ".xlsx")
	fileNamed(t, d.say("o", "/report воронка по МЕНЕДЖЕРАМ"), ".xlsx")
	// The head may build it but not delete it.
	if anyButton(d.say("hd", "/reports"), "Удалить #1") {
		t.Fatal("the head was offered to delete the officer's template")
	}
	msgs = d.press("o", msgs, "Удалить #1")
	d.want(msgs, "flow.reports.delete", bot.Args{"Name": "Воронка по менеджерам"})
	d.want(d.press("o", msgs, "Удалить"), "msg.reports.deleted", bot.Args{"Name": "Воронка по менеджерам"})
	d.want(d.say("o", "/reports"), "msg.reports.templates_none", nil)
}

// TestBuiltInReportTemplate: a built-in report with its filters («просрочки
// за прошлый месяц») is saved as a template from under its file; /reports
// lists it as the report and its filters, and /report builds it by its
// name. An export is not offered to be saved.
func TestBuiltInReportTemplate(t *testing.T) {
	d := newReportDesk(t)
	msgs := d.say("o", "/report просрочки за прошлый месяц")
	fileNamed(t, msgs, ".xlsx")
	msgs = d.press("o", msgs, "Сохранить как шаблон")
	d.want(msgs, "flow.reports.save_name", bot.Args{"What": "Просрочки; фильтры: период: прошлый месяц"})
	containsAll(t, d.say("o", "Просрочки за месяц"), "Шаблон «Просрочки за месяц» сохранён (#1)")
	containsAll(t, d.say("hd", "/reports"), "#1 «Просрочки за месяц» — Просрочки; фильтры: период: прошлый месяц · автор: Ольга")
	msgs = d.say("o", "/report просрочки за месяц")
	fileNamed(t, msgs, ".xlsx")
	if anyButton(msgs, "Сохранить как шаблон") || anyButton(d.say("o", "/export сделки"), "Сохранить как шаблон") {
		t.Fatal("a template's report or an export was offered to be saved")
	}
}
