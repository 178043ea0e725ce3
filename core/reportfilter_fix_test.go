package core_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// The phrases people write for a period, a stage or a person (review A11):
// «за неделю», quarters, dates in words as /remind reads them, a stage and
// a surname in another case, a preposition before a filter's keyword.
func TestParseReportFilterCommonPhrases(t *testing.T) {
	o := newFilterOffice(t)
	// The office's clock: Saturday 28 November 2026, 12:00 in Moscow.
	nov := core.ReportFilter{From: mskDay(2026, 11, 1), To: mskDay(2026, 12, 1)}
	q := func(y, first int) core.ReportFilter {
		return core.ReportFilter{From: mskDay(y, time.Month(1+3*(first-1)), 1), To: mskDay(y, time.Month(1+3*(first-1)), 1).AddDate(0, 3, 0)}
	}
	for _, c := range []struct {
		text string
		want core.ReportFilter
	}{
		{"за неделю", core.ReportFilter{Rel: core.RelLast7}},
		{"за месяц", core.ReportFilter{Rel: core.RelLast30}},
		{"for a month", core.ReportFilter{Rel: core.RelLast30}},
		{"за последнюю неделю", core.ReportFilter{Rel: core.RelLast7}},
		{"с ноября", core.ReportFilter{From: mskDay(2026, 11, 1)}},
		{"с сентября по ноябрь", core.ReportFilter{From: mskDay(2026, 9, 1), To: mskDay(2026, 12, 1)}},
		{"клиент Сбербанк за неделю", core.ReportFilter{ClientID: o.sber.ID, Rel: core.RelLast7}},
		{"за 2 недели", core.ReportFilter{From: mskDay(2026, 11, 15), To: mskDay(2026, 11, 29)}},
		{"за последние 3 месяца", core.ReportFilter{From: mskDay(2026, 8, 29), To: mskDay(2026, 11, 29)}},
		{"за квартал", q(2026, 4)},
		{"за этот квартал", q(2026, 4)},
		{"в прошлом квартале", q(2026, 3)},
		{"за прошлый квартал", q(2026, 3)},
		{"за 3 квартал", q(2026, 3)},
		{"за 3-й квартал 2025 года", q(2025, 3)},
		{"III квартал 2026", q(2026, 3)},
		{"4 кв. 2025", q(2025, 4)},
		{"Q1 2026", q(2026, 1)},
		{"за период с 01.11.2026 по 30.11.2026", nov},
		{"с 1 ноября по 30 ноября", nov},
		{"с 1 по 30 ноября", nov},
		{"с 1 ноября 2026 года по 30 ноября 2026 года", nov},
		{"1 ноября", core.ReportFilter{From: mskDay(2026, 11, 1), To: mskDay(2026, 11, 2)}},
		{"с 15 ноября", core.ReportFilter{From: mskDay(2026, 11, 15)}},
		{"по 30 ноября", core.ReportFilter{To: mskDay(2026, 12, 1)}},
		{"from 1 November to 30 November", nov},
		{"стадия согласования", core.ReportFilter{Stage: core.StageApproval}},
		{"на стадии согласования", core.ReportFilter{Stage: core.StageApproval}},
		{"стадия подписания за ноябрь", core.ReportFilter{Stage: core.StageSigning, From: nov.From, To: nov.To}},
		{"в статусе открыта", core.ReportFilter{Status: "открыта"}},
		{"по клиенту Сбербанк", core.ReportFilter{ClientID: o.sber.ID}},
		{"менеджера Менеджерова", core.ReportFilter{ManagerID: o.manager.ID()}},
		{"у менеджера Максима Менеджерова за неделю", core.ReportFilter{ManagerID: o.manager.ID(), Rel: core.RelLast7}},
		{"менеджер Менеджерову", core.ReportFilter{ManagerID: o.manager.ID()}},
		{"команда Начальникова", core.ReportFilter{TeamID: o.head.ID()}},
	} {
		f, _, err := o.svc.ParseReportFilter(o.ctx(), o.officer, c.text)
		if err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		if !sameFilter(f, c.want) {
			t.Errorf("%q = %+v; want %+v", c.text, f, c.want)
		}
	}
}

// A filter's error names the words it could not read, not the preposition
// before them (review A10); a declined name that fits two people is refused
// with both.
func TestParseReportFilterNamesUnreadPhrase(t *testing.T) {
	o := newFilterOffice(t)
	for _, c := range []struct {
		text, key, arg, val string
	}{
		{"за полгода", "err.filter.unknown", "Word", "полгода"},
		{"месяц", "err.filter.unknown", "Word", "месяц"},
		{"за период бла", "err.filter.unknown", "Word", "бла"},
		{"с понедельника", "err.filter.unknown", "Word", "понедельника"},
		{"по старой памяти менеджер Менеджеров", "err.filter.unknown", "Word", "старой памяти"},
		{"на ноябрь пожалуйста", "err.filter.unknown", "Word", "пожалуйста"},
		{"с 31 ноября", "err.filter.date", "Text", "31 ноября"},
		{"за 5 квартал", "err.filter.unknown", "Word", "5 квартал"},
		{"менеджер Иванова", "err.filter.person_ambiguous", "Names", "Иван Иванов, Пётр Иванов"},
	} {
		_, _, err := o.svc.ParseReportFilter(o.ctx(), o.officer, c.text)
		key, args := core.ErrorKey(err)
		if core.ErrorCode(err) != core.EINVALID || key != c.key || args[c.arg] != c.val {
			t.Errorf("%q: %v (%s %v); want %s with %s=%q", c.text, err, key, args, c.key, c.arg, c.val)
		}
	}
}
