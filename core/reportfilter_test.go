package core_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

var moscowZone = core.Location("Europe/Moscow")

// mskDay is midnight of a day in Moscow.
func mskDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, moscowZone) }

func TestResolveRelativePeriods(t *testing.T) {
	berlin := core.Location("Europe/Berlin")
	// Wednesday 4 November 2026, 10:00 in Moscow.
	now := time.Date(2026, 11, 4, 7, 0, 0, 0, time.UTC)
	// Wednesday 28 October 2026 in Berlin, three days after the clocks went back.
	afterDST := time.Date(2026, 10, 28, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		rel      core.RelPeriod
		now      time.Time
		loc      *time.Location
		from, to time.Time
	}{
		{core.RelToday, now, moscowZone, mskDay(2026, 11, 4), mskDay(2026, 11, 5)},
		{core.RelYesterday, now, moscowZone, mskDay(2026, 11, 3), mskDay(2026, 11, 4)},
		{core.RelThisWeek, now, moscowZone, mskDay(2026, 11, 2), mskDay(2026, 11, 9)},
		{core.RelLastWeek, now, moscowZone, mskDay(2026, 10, 26), mskDay(2026, 11, 2)},
		{core.RelThisMonth, now, moscowZone, mskDay(2026, 11, 1), mskDay(2026, 12, 1)},
		{core.RelLastMonth, now, moscowZone, mskDay(2026, 10, 1), mskDay(2026, 11, 1)},
		{core.RelThisYear, now, moscowZone, mskDay(2026, 1, 1), mskDay(2027, 1, 1)},
		{core.RelLast7, now, moscowZone, mskDay(2026, 10, 29), mskDay(2026, 11, 5)},
		{core.RelLast30, now, moscowZone, mskDay(2026, 10, 6), mskDay(2026, 11, 5)},
		// A Sunday is the last day of its week.
		{core.RelThisWeek, time.Date(2026, 11, 8, 12, 0, 0, 0, time.UTC), moscowZone, mskDay(2026, 11, 2), mskDay(2026, 11, 9)},
		// Late evening in UTC is the next day in Moscow.
		{core.RelToday, time.Date(2026, 11, 4, 22, 0, 0, 0, time.UTC), moscowZone, mskDay(2026, 11, 5), mskDay(2026, 11, 6)},
		// Weeks start at local midnight on both sides of a change of clocks.
		{core.RelLastWeek, afterDST, berlin, time.Date(2026, 10, 19, 0, 0, 0, 0, berlin), time.Date(2026, 10, 26, 0, 0, 0, 0, berlin)},
		{core.RelThisMonth, time.Date(2026, 1, 31, 22, 30, 0, 0, time.UTC), moscowZone, mskDay(2026, 2, 1), mskDay(2026, 3, 1)},
	} {
		got := core.ReportFilter{Rel: c.rel, ManagerID: 7}.Resolve(c.now, c.loc)
		if !got.From.Equal(c.from) || !got.To.Equal(c.to) || got.Rel != c.rel || got.ManagerID != 7 {
			t.Errorf("%s at %v in %v: [%v, %v) rel %q; want [%v, %v)", c.rel, c.now, c.loc, got.From, got.To, got.Rel, c.from, c.to)
		}
	}
	fixed := core.ReportFilter{From: mskDay(2026, 1, 1), To: mskDay(2026, 2, 1)}
	if got := fixed.Resolve(now, moscowZone); got != fixed {
		t.Errorf("a filter without Rel changed: %+v", got)
	}
}

// filterOffice is the office with people of one surname, a head's team
// and cards of one name, for reading filters.
type filterOffice struct {
	*office
	ivan, petr                   core.Actor
	sber, romashka, romashkaPlus *core.Client
}

func newFilterOffice(t *testing.T) *filterOffice {
	o := &filterOffice{office: newOffice(t)}
	o.ivan = o.user("Иван Иванов", core.RoleManager, "telegram:20")
	o.petr = o.user("Пётр Иванов", core.RoleManager, "telegram:21")
	o.sber = o.client(sberINN, sberKPP, "ПАО Сбербанк")
	o.romashka = o.client(yandexINN, yandexKPP, "ООО Ромашка")
	o.romashkaPlus = o.client(alfaINN, "", "АО Ромашка плюс")
	return o
}

func TestParseReportFilter(t *testing.T) {
	o := newFilterOffice(t)
	// The office's clock: Saturday 28 November 2026, 12:00 in Moscow.
	nov := core.ReportFilter{From: mskDay(2026, 11, 1), To: mskDay(2026, 12, 1)}
	for _, c := range []struct {
		text   string
		want   core.ReportFilter
		format core.ReportFormat
	}{
		{"", core.ReportFilter{}, ""},
		{"за ноябрь", nov, ""},
		{"ноябрь 2026", nov, ""},
		{"в ноябре 2026 г.", nov, ""},
		{"11.2026", nov, ""},
		{"2026-11", nov, ""},
		{"for November 2026", nov, ""},
		{"за декабрь", core.ReportFilter{From: mskDay(2025, 12, 1), To: mskDay(2026, 1, 1)}, ""},
		{"за прошлый месяц", core.ReportFilter{Rel: core.RelLastMonth}, ""},
		{"last month", core.ReportFilter{Rel: core.RelLastMonth}, ""},
		{"за эту неделю", core.ReportFilter{Rel: core.RelThisWeek}, ""},
		{"на прошлой неделе", core.ReportFilter{Rel: core.RelLastWeek}, ""},
		{"в этом месяце", core.ReportFilter{Rel: core.RelThisMonth}, ""},
		{"за этот год", core.ReportFilter{Rel: core.RelThisYear}, ""},
		{"сегодня", core.ReportFilter{Rel: core.RelToday}, ""},
		{"Вчера", core.ReportFilter{Rel: core.RelYesterday}, ""},
		{"за 30 дней", core.ReportFilter{Rel: core.RelLast30}, ""},
		{"за последние 7 дней", core.ReportFilter{Rel: core.RelLast7}, ""},
		{"last 30 days", core.ReportFilter{Rel: core.RelLast30}, ""},
		{"за 14 дней", core.ReportFilter{From: mskDay(2026, 11, 15), To: mskDay(2026, 11, 29)}, ""},
		{"за прошлый год", core.ReportFilter{From: mskDay(2025, 1, 1), To: mskDay(2026, 1, 1)}, ""},
		{"за 2026 год", core.ReportFilter{From: mskDay(2026, 1, 1), To: mskDay(2027, 1, 1)}, ""},
		{"с 01.11.2026 по 30.11.2026", nov, ""},
		{"с 01.11.2026 до 30.11.2026", core.ReportFilter{From: mskDay(2026, 11, 1), To: mskDay(2026, 11, 30)}, ""},
		{"01.11.2026-30.11.2026", nov, ""},
		{"01.11.2026 – 30.11.2026", nov, ""},
		{"2026-11-01..2026-11-30", nov, ""},
		{"from 2026-11-01 to 2026-11-30", nov, ""},
		{"с 1.11 по 30.11", nov, ""},
		{"с 01.11.26", core.ReportFilter{From: mskDay(2026, 11, 1)}, ""},
		{"по 30.11.2026", core.ReportFilter{To: mskDay(2026, 12, 1)}, ""},
		{"до 30.11.2026", core.ReportFilter{To: mskDay(2026, 11, 30)}, ""},
		{"15.11.2026", core.ReportFilter{From: mskDay(2026, 11, 15), To: mskDay(2026, 11, 16)}, ""},
		{"менеджер Менеджеров", core.ReportFilter{ManagerID: o.manager.ID()}, ""},
		{"менеджер Максим Менеджеров за ноябрь", core.ReportFilter{ManagerID: o.manager.ID(), From: nov.From, To: nov.To}, ""},
		{"manager Иван Иванов", core.ReportFilter{ManagerID: o.ivan.ID()}, ""},
		{"менеджер Пётр Иванов", core.ReportFilter{ManagerID: o.petr.ID()}, ""},
		{"мои", core.ReportFilter{ManagerID: o.officer.ID()}, ""},
		{"команда Начальников", core.ReportFilter{TeamID: o.head.ID()}, ""},
		{"стадия подписание", core.ReportFilter{Stage: core.StageSigning}, ""},
		{"стадия закрыта (успех)", core.ReportFilter{Stage: core.StageClosedWon}, ""},
		{"stage lost", core.ReportFilter{Stage: core.StageClosedLost}, ""},
		{"статус открыта", core.ReportFilter{Status: "открыта"}, ""},
		{"статус Ждёт ответа за ноябрь", core.ReportFilter{Status: "ждет ответа", From: nov.From, To: nov.To}, ""},
		{"статус подписан с разногласиями", core.ReportFilter{Status: "подписан с разногласиями"}, ""},
		{"клиент 7707083893", core.ReportFilter{ClientID: o.sber.ID}, ""},
		{"7707083893", core.ReportFilter{ClientID: o.sber.ID}, ""},
		{"клиент 7736207543/770401001", core.ReportFilter{ClientID: o.romashka.ID}, ""},
		{"клиент Сбербанк", core.ReportFilter{ClientID: o.sber.ID}, ""},
		{"клиент «ООО Ромашка» за ноябрь", core.ReportFilter{ClientID: o.romashka.ID, From: nov.From, To: nov.To}, ""},
		{"клиент Ромашка плюс", core.ReportFilter{ClientID: o.romashkaPlus.ID}, ""},
		{"csv", core.ReportFilter{}, core.FormatCSV},
		{"XLSX за ноябрь", nov, core.FormatXLSX},
		{"менеджер Менеджеров, стадия подписание, за прошлый месяц, csv",
			core.ReportFilter{ManagerID: o.manager.ID(), Stage: core.StageSigning, Rel: core.RelLastMonth}, core.FormatCSV},
	} {
		f, format, err := o.svc.ParseReportFilter(o.ctx(), o.officer, c.text)
		if err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		if !sameFilter(f, c.want) || format != c.format {
			t.Errorf("%q = %+v, %q; want %+v, %q", c.text, f, format, c.want, c.format)
		}
	}
}

// sameFilter compares filters, their times as instants.
func sameFilter(a, b core.ReportFilter) bool {
	ta, tb := a.From.Equal(b.From) && a.To.Equal(b.To), true
	a.From, a.To, b.From, b.To = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return ta && tb && a == b
}

func TestParseReportFilterRefusals(t *testing.T) {
	o := newFilterOffice(t)
	for _, c := range []struct {
		a    core.Actor
		text string
		key  string
		arg  string // an argument the message must name
		val  string
	}{
		{o.officer, "абракадабра", "err.filter.unknown", "Word", "абракадабра"},
		{o.officer, "за ноябрь пожалуйста", "err.filter.unknown", "Word", "пожалуйста"},
		{o.officer, "за", "err.filter.unknown", "Word", "за"},
		{o.officer, "31.11.2026", "err.filter.date", "Text", "31.11.2026"},
		{o.officer, "с 01.13.2026 по 30.11.2026", "err.filter.date", "Text", "01.13.2026"},
		{o.officer, "с 30.11.2026 по 01.11.2026", "err.filter.empty_period", "From", "30.11.2026"},
		{o.officer, "с 01.11.2026 до 01.11.2026", "err.filter.empty_period", "To", "31.10.2026"},
		{o.officer, "за ноябрь за октябрь", "err.filter.period_twice", "Text", "за октябрь"},
		{o.officer, "за 0 дней", "err.filter.days", "Text", "0"},
		{o.officer, "менеджер", "err.filter.value_missing", "Word", "менеджер"},
		{o.officer, "менеджер Иванов", "err.filter.person_ambiguous", "Names", "Иван Иванов, Пётр Иванов"},
		{o.officer, "менеджер Сидоров", "err.filter.person_unknown", "Name", "Сидоров"},
		{o.officer, "менеджер Менеджеров менеджер Продажина", "err.filter.twice", "Word", "менеджер"},
		{o.officer, "команда Менеджеров", "err.filter.team_not_head", "Name", "Максим Менеджеров"},
		{o.officer, "команда Сидоров", "err.filter.team_unknown", "Name", "Сидоров"},
		{o.manager, "моя команда", "err.filter.my_team", "Word", "моя команда"},
		{o.officer, "стадия подпись", "err.filter.stage_unknown", "Stage", "подпись"},
		{o.officer, "статус фыва", "err.filter.status_unknown", "Status", "фыва"},
		{o.officer, "клиент Ромашка", "err.filter.client_ambiguous", "Names", "АО Ромашка плюс, 7728168971; ООО Ромашка, 7736207543/770401001"},
		{o.officer, "клиент Газпром", "err.filter.client_unknown", "Query", "Газпром"},
		{o.officer, "клиент 7707083894", "err.filter.client_unknown", "Query", "7707083894"},
		{o.officer, "csv xlsx", "err.filter.twice", "Word", "xlsx"},
	} {
		_, _, err := o.svc.ParseReportFilter(o.ctx(), c.a, c.text)
		key, args := core.ErrorKey(err)
		if core.ErrorCode(err) != core.EINVALID || key != c.key || args[c.arg] != c.val {
			t.Errorf("%q: %v; want %s with %s=%q", c.text, err, c.key, c.arg, c.val)
		}
	}
	// A head's own team.
	f, _, err := o.svc.ParseReportFilter(o.ctx(), o.head, "моя команда за ноябрь")
	if err != nil || f.TeamID != o.head.ID() {
		t.Errorf("моя команда as the head: %+v, %v", f, err)
	}
}

func TestParseStage(t *testing.T) {
	for in, want := range map[string]core.Stage{"подписание": core.StageSigning, "Signing": core.StageSigning,
		"closed_won": core.StageClosedWon, "закрыта (отказ)": core.StageClosedLost, "действует": core.StageActive,
		"согласование": core.StageApproval, "новая": core.StageNew, "проверка": core.StageVerification,
		"документы": core.StageDocuments, "closed (won)": core.StageClosedWon} {
		if got, ok := core.ParseStage(in); !ok || got != want {
			t.Errorf("ParseStage(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := core.ParseStage("подпись"); ok {
		t.Error("ParseStage read «подпись»")
	}
}
