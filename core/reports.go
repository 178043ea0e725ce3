package core

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Built-in reports and ad hoc ones of templates: each is one table (the
// overdue report's task list is a second sheet of an XLSX file) and a few
// lines for the chat; the pipeline and the overdue trend draw a chart. The
// records are read with the filter resolved (a relative period becomes
// dates at the run) and narrowed to what the reader may see (scopeFilter),
// and the body says which clients, deals and requests the file covers, for
// the quality gate.

// writeReport builds a built-in report, or a template's (spec.TemplateID,
// or spec.Report ReportCustom), into w, in lang with dates in loc.
func (s *Service) writeReport(tx Tx, a Actor, spec ReportSpec, w TableWriter, lang string, loc *time.Location) (*reportBody, error) {
	if loc == nil {
		loc = Location("")
	}
	kind, f := spec.Report, spec.Filter
	var tpl *ReportTemplate
	switch {
	case spec.TemplateID == 0 && spec.Template != nil:
		// The builder's report, not saved yet: checked as a saved one is.
		t := *spec.Template
		if err := validateTemplateReport(&t); err != nil {
			return nil, err
		}
		tpl, kind, f = &t, ReportCustom, mergeFilter(t.Filter, spec.Filter)
	case spec.TemplateID != 0 || kind == ReportCustom:
		t, err := visibleTemplate(tx, spec.TemplateID)
		if err != nil {
			return nil, err
		}
		tpl, kind, f = t, ReportCustom, mergeFilter(t.Filter, spec.Filter)
	case !slices.Contains(ReportKinds, kind):
		return nil, Errorf(EINVALID, "err.report.kind_unknown", "Kind", string(kind))
	}
	if tpl != nil && tpl.Report != "" {
		kind = tpl.Report // a built-in report saved with its parameters
	}
	f = f.Resolve(tx.Now(), loc)
	f, err := s.scopeFilter(tx, a, f)
	if err != nil {
		return nil, err
	}
	if f.ClientID != 0 {
		// A card merged into another: its records are the survivor's now.
		chain, err := mergedChain(tx, f.ClientID)
		if err != nil {
			return nil, err
		}
		if len(chain) > 0 {
			f.ClientID = chain[len(chain)-1]
		}
	}
	r, err := s.newReportRun(tx, a, f, spec.Format, lang, loc)
	if err != nil {
		return nil, err
	}
	var body *reportBody
	switch kind {
	case ReportPipeline:
		body, err = r.pipeline(w)
	case ReportOverdue:
		body, err = r.overdue(w)
	case ReportTurnaround:
		body, err = r.turnaround(w)
	case ReportControl:
		body, err = r.control(w)
	case ReportIntake:
		body, err = r.intake(w)
	case ReportRequests:
		body, err = r.requests(w)
	case ReportRisks:
		body, err = r.risks(w)
	case ReportCustom:
		body, err = r.custom(w, tpl)
	}
	if err != nil {
		return nil, err
	}
	body.Scope = r.scope
	return body, nil
}

// mergeFilter is a template's filter with what a run names over it: the
// run's period replaces the template's, each other field the run sets
// replaces the template's.
func mergeFilter(t, run ReportFilter) ReportFilter {
	if !run.From.IsZero() || !run.To.IsZero() || run.Rel != "" {
		t.From, t.To, t.Rel = run.From, run.To, run.Rel
	}
	if run.ManagerID != 0 {
		t.ManagerID = run.ManagerID
	}
	if run.TeamID != 0 {
		t.TeamID = run.TeamID
	}
	if run.Stage != "" {
		t.Stage = run.Stage
	}
	if run.Status != "" {
		t.Status = run.Status
	}
	if run.ClientID != 0 {
		t.ClientID = run.ClientID
	}
	return t
}

// reportRun is one report being built: the transaction, the reader, the
// filter resolved and scoped, the people by id, and the records covered.
type reportRun struct {
	s      *Service
	tx     Tx
	a      Actor
	f      ReportFilter
	format ReportFormat
	lang   string
	loc    *time.Location
	now    time.Time
	users  map[int64]*User
	scope  *reportScope
}

func (s *Service) newReportRun(tx Tx, a Actor, f ReportFilter, format ReportFormat, lang string, loc *time.Location) (*reportRun, error) {
	us, err := tx.ListUsers()
	if err != nil {
		return nil, err
	}
	users := make(map[int64]*User, len(us))
	for _, u := range us {
		users[u.ID] = u
	}
	return &reportRun{s: s, tx: tx, a: a, f: f, format: format, lang: lang, loc: loc, now: tx.Now(), users: users,
		scope: &reportScope{Clients: map[int64]bool{}, Deals: map[int64]bool{}, Requests: map[int64]bool{}}}, nil
}

// t translates a key of the locales in the report's language.
func (r *reportRun) t(key string, args map[string]any) string { return r.s.text(r.lang, key, args) }

// person reports whether a record whose responsible person is id passes
// the filter's manager and team.
func (r *reportRun) person(id int64) bool {
	if r.f.ManagerID != 0 && id != r.f.ManagerID {
		return false
	}
	return r.f.TeamID == 0 || r.inTeam(id, r.f.TeamID)
}

// inTeam reports whether a user is the head or one of the head's people.
func (r *reportRun) inTeam(id, head int64) bool {
	if id == head {
		return true
	}
	u := r.users[id]
	return u != nil && u.HeadID == head
}

// inPeriod reports whether a time is in the filter's period [From, To).
func (r *reportRun) inPeriod(t time.Time) bool { return inPeriod(r.f, t) }

// inPeriod reports whether a time is in a filter's period; a record
// without the date is out of any period (as the exports read it).
func inPeriod(f ReportFilter, t time.Time) bool {
	if f.From.IsZero() && f.To.IsZero() {
		return true
	}
	return !t.IsZero() && (f.From.IsZero() || !t.Before(f.From)) && (f.To.IsZero() || t.Before(f.To))
}

// hasPeriod reports whether the filter bounds the period.
func (r *reportRun) hasPeriod() bool { return !r.f.From.IsZero() || !r.f.To.IsZero() }

// end is the end of the report's period: its To, or now when it is open or
// later.
func (r *reportRun) end() time.Time {
	if !r.f.To.IsZero() && r.f.To.Before(r.now) {
		return r.f.To
	}
	return r.now
}

// userName is a person's name; 0 is nobody («не назначен»).
func (r *reportRun) userName(id int64) string {
	if id == 0 {
		return r.t("report.nobody", nil)
	}
	if u := r.users[id]; u != nil {
		return u.Name
	}
	return "#" + strconv.FormatInt(id, 10)
}

// clientName returns a client's name, read once per report.
func (r *reportRun) clientName(cache map[int64]string, id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := cache[id]; ok {
		return n
	}
	n := "#" + strconv.FormatInt(id, 10)
	if c, err := r.tx.ClientByID(id); err == nil {
		n = c.Name()
	}
	cache[id] = n
	return n
}

// col is a column of a report's table: its header, translated, its kind
// and width (0: by kind).
type col struct {
	name  string
	kind  ColumnKind
	width float64
}

// c is a column whose header is a locale key.
func (r *reportRun) c(key string, kind ColumnKind, width float64) col {
	return col{name: r.t(key, nil), kind: kind, width: width}
}

// head starts a report's table on its sheet, with the notes (see notes).
func (r *reportRun) head(w TableWriter, sheetKey, title string, cols []col, rows int, extra ...string) error {
	h := TableHead{Sheet: r.t(sheetKey, nil), Notes: r.notes(title, rows, extra...)}
	for _, c := range cols {
		h.Columns, h.Kinds, h.Widths = append(h.Columns, c.name), append(h.Kinds, c.kind), append(h.Widths, c.width)
	}
	return w.Table(h)
}

// notes say what a table is: the title, the filters, what else the report
// says of itself, who made it and when, and its rows.
func (r *reportRun) notes(title string, rows int, extra ...string) []string {
	notes := append([]string{title}, r.s.filterNotes(r.tx, r.lang, r.f, r.loc)...)
	notes = append(notes, extra...)
	by := r.t("report.by_system", nil)
	if r.a.User != nil {
		by = r.a.User.Name
	}
	notes = append(notes, r.t("report.note.made", map[string]any{"By": by, "At": r.dateTimeText(r.now)}))
	return append(notes, r.t("report.note.rows", map[string]any{"Count": rows}))
}

// Cell constructors.
func textV(s string) Value    { return Value{S: s} }
func intV(n int) Value        { return Value{N: int64(n)} }
func moneyV(m Money) Value    { return Value{N: int64(m)} }
func numV(f float64) Value    { return Value{F: f} }
func timeV(t time.Time) Value { return Value{T: t, Blank: t.IsZero()} }
func blankV() Value           { return Value{Blank: true} }

// rubles is an amount in kopecks as rubles, for charts.
func rubles(m Money) float64 { return float64(m) / 100 }

// days is a duration in days.
func days(d time.Duration) float64 { return d.Hours() / 24 }

// round2 rounds to two decimals, as the tables show numbers.
func round2(f float64) float64 {
	if f < 0 {
		return -round2(-f)
	}
	return float64(int64(f*100+0.5)) / 100
}

// byName sorts people by name, then id; nobody (0) last.
func (r *reportRun) byName(ids []int64) {
	slices.SortFunc(ids, func(a, b int64) int {
		if (a == 0) != (b == 0) {
			if a == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(r.userName(a), r.userName(b)), cmp.Compare(a, b))
	})
}

// num is a number as the summaries show it: at most two decimals, after a
// comma in Russian and a point in English.
func (r *reportRun) num(f float64) string {
	s := strconv.FormatFloat(round2(f), 'f', -1, 64)
	if !strings.HasPrefix(strings.ToLower(r.lang), "en") {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// span is a period [from, to) in words: its first and last days; either
// may be open.
func (r *reportRun) span(from, to time.Time) string {
	last := r.dateText(to.Add(-time.Nanosecond))
	switch {
	case from.IsZero() && to.IsZero():
		return r.t("report.span.all", nil)
	case from.IsZero():
		return r.t("report.span.until", map[string]any{"To": last})
	case to.IsZero():
		return r.t("report.span.since", map[string]any{"From": r.dateText(from)})
	}
	return r.t("report.span.range", map[string]any{"From": r.dateText(from), "To": last})
}

// dateText is a date as the summaries show it, in the report's zone and
// the reader's form: 28.11.2026, 2026-11-28 in English (as the exports).
func (r *reportRun) dateText(t time.Time) string { return exportDate(r.lang, t, r.loc) }

// dateTimeText is a time as the notes show it: 28.11.2026 12:00.
func (r *reportRun) dateTimeText(t time.Time) string { return exportDateTime(r.lang, t, r.loc) }

// english reports whether the report is read in English.
func (r *reportRun) english() bool { return strings.HasPrefix(strings.ToLower(r.lang), "en") }

// daysText is a span of calendar time as people say it, rounded: «7 дней
// 7 часов», «12 дней» (from ten days on, whole days), «17 часов», «меньше
// часа».
func (r *reportRun) daysText(d time.Duration) string {
	hours := int((d + 30*time.Minute) / time.Hour)
	switch {
	case d < time.Hour:
		return r.t("report.dur.less_hour", nil)
	case hours < 24:
		return r.t("report.dur.hours", map[string]any{"N": hours})
	case hours >= 10*24:
		return r.t("report.dur.days", map[string]any{"N": (hours + 12) / 24})
	case hours%24 == 0:
		return r.t("report.dur.days", map[string]any{"N": hours / 24})
	}
	return r.t("report.dur.days_hours", map[string]any{"D": hours / 24, "H": hours % 24})
}

// workText is working time as people say it: «4 часа 47 минут», «12
// часов» (from ten hours on, whole hours), «25 минут», «меньше минуты».
func (r *reportRun) workText(d time.Duration) string {
	mins := int((d + 30*time.Second) / time.Minute)
	switch {
	case d < time.Minute:
		return r.t("report.dur.less_minute", nil)
	case mins < 60:
		return r.t("report.dur.minutes", map[string]any{"N": mins})
	case mins >= 10*60:
		return r.t("report.dur.hours", map[string]any{"N": (mins + 30) / 60})
	case mins%60 == 0:
		return r.t("report.dur.hours", map[string]any{"N": mins / 60})
	}
	return r.t("report.dur.hours_minutes", map[string]any{"H": mins / 60, "M": mins % 60})
}

// fromDays is a number of days as a duration.
func fromDays(days float64) time.Duration { return time.Duration(days * float64(24*time.Hour)) }

// addDeal puts a deal and its client in the report's scope.
func (r *reportRun) addDeal(d *Deal) {
	r.scope.Deals[d.ID] = true
	if d.ClientID != 0 {
		r.scope.Clients[d.ClientID] = true
	}
}
