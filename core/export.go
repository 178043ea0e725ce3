package core

import (
	"strconv"
	"strings"
	"time"
)

// Exports (/export <entity> [filters]): every record of an entity the
// filters select, one row each, every field a column, with the records it
// refers to named (a deal's client by name and INN, its manager by name),
// money as numbers, dates in the reader's time zone and codes in the
// reader's words. Rows are streamed from the store to the file: memory
// does not grow with the number of records.

// reportScope is the records a file covers, by ID: the data-quality gate
// checks them before the file leaves DealDesk for someone else.
type reportScope struct{ Clients, Deals, Requests map[int64]bool }

// newReportScope is an empty scope.
func newReportScope() *reportScope {
	return &reportScope{Clients: map[int64]bool{}, Deals: map[int64]bool{}, Requests: map[int64]bool{}}
}

// reportBody is what an export or a report wrote into its file, for the
// chat and the run's manifest.
type reportBody struct {
	Title   string   // translated: «Сделки», «Воронка по стадиям и менеджерам»
	Rows    int      // data rows written (exports: equals the query's count)
	Summary []string // translated lines for the chat
	Chart   *Chart   // nil when none
	Scope   *reportScope
}

// scopeFilter narrows a filter to what the actor may export: officers and
// admins everything; heads their team (TeamID forced to themselves: their
// people and their own records); managers their own records (ManagerID
// forced to themselves). Naming another manager or another team is
// EFORBIDDEN, as is a role without PermReports, or a disabled user.
func (s *Service) scopeFilter(tx Tx, a Actor, f ReportFilter) (ReportFilter, error) {
	u := a.User
	switch {
	case u == nil: // the system
		return f, nil
	case !u.Can(PermReports):
		return f, Errorf(EFORBIDDEN, "err.export.forbidden")
	case u.Role == RoleManager:
		if f.ManagerID != 0 && f.ManagerID != u.ID {
			return f, Errorf(EFORBIDDEN, "err.export.other_manager")
		}
		if f.TeamID != 0 {
			return f, Errorf(EFORBIDDEN, "err.export.other_team")
		}
		f.ManagerID = u.ID
	case u.Role == RoleHead:
		if f.TeamID != 0 && f.TeamID != u.ID {
			return f, Errorf(EFORBIDDEN, "err.export.other_team")
		}
		if f.ManagerID != 0 && f.ManagerID != u.ID {
			m, err := tx.UserByID(f.ManagerID)
			if err != nil && !IsNotFound(err) {
				return f, err
			}
			if m == nil || m.HeadID != u.ID {
				return f, Errorf(EFORBIDDEN, "err.export.other_manager")
			}
		}
		f.TeamID = u.ID
	}
	return f, nil
}

// writeExport writes the records of an entity that the filter selects,
// within what the actor may export (scopeFilter), as one table: a header of
// every field, one row per record, and notes that say what the table is,
// its filters, who made it and when. A relative period is resolved at the
// transaction's time in loc. A status the entity does not have is
// EINVALID. An export with no rows still writes its table and returns a
// body with Rows 0.
func (s *Service) writeExport(tx Tx, a Actor, e ReportEntity, f ReportFilter, w TableWriter, lang string,
	loc *time.Location) (*reportBody, error) {
	if loc == nil {
		loc = Location("")
	}
	spec, ok := exportSpecs[e]
	if !ok {
		return nil, Errorf(EINVALID, "err.export.entity_unknown", "Entity", string(e))
	}
	f, err := s.scopeFilter(tx, a, f.Resolve(tx.Now(), loc))
	if err != nil {
		return nil, err
	}
	x := &exporter{s: s, tx: tx, lang: lang, loc: loc, now: tx.Now(), f: f, scope: newReportScope(),
		texts: map[string]string{}}
	if f.Status != "" {
		code, ok := statusCode(e, f.Status)
		if !ok {
			return nil, s.statusErr(lang, e, f.Status)
		}
		x.status = code
	}
	if f.Stage != "" && !spec.stage {
		return nil, Errorf(EINVALID, "err.export.no_stage", "Entity", s.text(lang, "msg.export.title."+string(e), nil))
	}
	if err := x.loadUsers(); err != nil {
		return nil, err
	}
	if err := x.followMerged(); err != nil {
		return nil, err
	}
	title := s.text(lang, "msg.export.title."+string(e), nil)
	head := TableHead{Sheet: title, Columns: make([]string, len(spec.cols)), Kinds: make([]ColumnKind, len(spec.cols)),
		Widths: make([]float64, len(spec.cols))}
	for i, c := range spec.cols {
		head.Columns[i] = s.text(lang, "export.col."+string(e)+"."+c.key, nil)
		head.Kinds[i], head.Widths[i] = c.kind, c.width
	}
	notes, err := s.exportNotes(tx, a, lang, e, f, loc)
	if err != nil {
		return nil, err
	}
	head.Notes = notes
	if err := w.Table(head); err != nil {
		return nil, err
	}
	x.w, x.row = w, &exportRow{vals: make([]Value, len(spec.cols))}
	if err := spec.write(x); err != nil {
		return nil, err
	}
	summary := []string{s.countLine(lang, e, x.rows)}
	lines, err := s.filterLines(tx, lang, e, f, loc)
	if err != nil {
		return nil, err
	}
	return &reportBody{Title: title, Rows: x.rows, Summary: append(summary, lines...), Scope: x.scope}, nil
}

// statusErr refuses a status the entity does not have, listing those it
// has in the reader's words.
func (s *Service) statusErr(lang string, e ReportEntity, status string) error {
	entity := s.text(lang, "msg.export.title."+string(e), nil)
	codes := statusCodes(e)
	if len(codes) == 0 {
		return Errorf(EINVALID, "err.export.no_status", "Entity", entity, "Status", status)
	}
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = s.text(lang, "msg.export.status."+string(e)+"."+c, nil)
	}
	return Errorf(EINVALID, "err.export.status_unknown", "Entity", entity, "Status", status,
		"Statuses", strings.Join(names, ", "))
}

// countLine says how many rows an export has, in words that agree with
// the number: «Выгружено 1 234 сделки», «Сделок по этим фильтрам нет».
func (s *Service) countLine(lang string, e ReportEntity, n int) string {
	if n == 0 {
		return s.text(lang, "msg.export.none."+string(e), nil)
	}
	return s.text(lang, "msg.export.count."+string(e), map[string]any{"Count": n, "N": exportGroupDigits(lang, n)})
}

// exportGroupDigits writes a count with its thousands grouped: «1 234» in
// Russian (a no-break space), "1,234" in English.
func exportGroupDigits(lang string, n int) string {
	digits := strconv.Itoa(n)
	sep := "\u00a0"
	if strings.HasPrefix(lang, "en") {
		sep = ","
	}
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && r != '-' && (len(digits)-i)%3 == 0 && digits[i-1] != '-' {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// exportNotes are a table's notes: what it is, its filters in words, who
// made it and when (in loc).
func (s *Service) exportNotes(tx Tx, a Actor, lang string, e ReportEntity, f ReportFilter, loc *time.Location) ([]string, error) {
	notes := []string{s.text(lang, "msg.export.note.what", map[string]any{"Title": s.text(lang, "msg.export.title."+string(e), nil)})}
	lines, err := s.filterLines(tx, lang, e, f, loc)
	if err != nil {
		return nil, err
	}
	notes = append(notes, lines...)
	by := s.text(lang, "msg.export.system", nil)
	if a.User != nil {
		by = a.User.Name
	}
	notes = append(notes, s.text(lang, "msg.export.note.by", map[string]any{"Name": by}),
		s.text(lang, "msg.export.note.at", map[string]any{"At": exportDateTime(lang, tx.Now(), loc),
			"Zone": s.zoneWords(lang, loc, tx.Now())}))
	return notes, nil
}

// filterNotes says a filter in words, one line per filter: «Период:
// 01.11.2026 — 30.11.2026 (за прошлый месяц)», «Менеджер: Иванов Иван»,
// or that there is none.
func (s *Service) filterNotes(tx Tx, lang string, f ReportFilter, loc *time.Location) []string {
	lines, err := s.filterLines(tx, lang, "", f, loc)
	if err != nil {
		s.log.Warn().Err(err).Msg("report filter notes")
	}
	return lines
}

// filterLines is filterNotes for an entity, whose status it names in the
// reader's words.
func (s *Service) filterLines(tx Tx, lang string, e ReportEntity, f ReportFilter, loc *time.Location) ([]string, error) {
	if loc == nil {
		loc = Location("")
	}
	var out []string
	if !f.From.IsZero() || !f.To.IsZero() || f.Rel != "" {
		args := map[string]any{"From": "", "To": "", "Rel": ""}
		if f.Rel != "" {
			args["Rel"] = s.text(lang, "msg.export.rel."+string(f.Rel), nil)
		}
		if !f.From.IsZero() {
			args["From"] = exportDate(lang, f.From, loc)
		}
		if !f.To.IsZero() {
			last := f.To.In(loc)
			if last.Hour() == 0 && last.Minute() == 0 && last.Second() == 0 && last.Nanosecond() == 0 {
				last = last.AddDate(0, 0, -1) // [from, to) ends on the day before to
			}
			args["To"] = exportDate(lang, last, loc)
		}
		out = append(out, s.text(lang, "msg.export.note.period", args))
	}
	person := func(key string, id int64) error {
		name := "#" + strconv.FormatInt(id, 10)
		if u, err := tx.UserByID(id); err == nil {
			name = u.Name
		} else if !IsNotFound(err) {
			return err
		}
		out = append(out, s.text(lang, key, map[string]any{"Name": name}))
		return nil
	}
	if f.ManagerID != 0 {
		if err := person("msg.export.note.manager", f.ManagerID); err != nil {
			return nil, err
		}
	}
	if f.TeamID != 0 {
		if err := person("msg.export.note.team", f.TeamID); err != nil {
			return nil, err
		}
	}
	if f.Stage != "" {
		out = append(out, s.text(lang, "msg.export.note.stage", map[string]any{"Stage": s.text(lang, "stage."+string(f.Stage), nil)}))
	}
	if f.Status != "" {
		status := f.Status
		if code, ok := statusCode(e, f.Status); ok {
			status = s.text(lang, "msg.export.status."+string(e)+"."+code, nil)
		}
		out = append(out, s.text(lang, "msg.export.note.status", map[string]any{"Status": status}))
	}
	if f.ClientID != 0 {
		line, err := s.clientNote(tx, lang, f.ClientID)
		if err != nil {
			return nil, err
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		out = append(out, s.text(lang, "msg.export.note.all", nil))
	}
	return out, nil
}

// clientNote says the filter's client: «Клиент: ООО Ромашка, 7707083893»;
// for a card merged into another, the card it was merged into (whose
// records the export follows) and the card named: «Клиент: ООО Ромашка,
// 7707083893 — с этой карточкой объединена указанная ИП Сидоров, …».
func (s *Service) clientNote(tx Tx, lang string, id int64) (string, error) {
	name := "#" + strconv.FormatInt(id, 10)
	c, err := tx.ClientByID(id)
	if IsNotFound(err) {
		return s.text(lang, "msg.export.note.client", map[string]any{"Client": name}), nil
	} else if err != nil {
		return "", err
	}
	named, into := c, c
	for seen := map[int64]bool{c.ID: true}; into.MergedInto != 0 && !seen[into.MergedInto]; {
		seen[into.MergedInto] = true
		next, err := tx.ClientByID(into.MergedInto)
		if IsNotFound(err) {
			break
		} else if err != nil {
			return "", err
		}
		into = next
	}
	if into == named {
		return s.text(lang, "msg.export.note.client", map[string]any{"Client": clientLabel(named)}), nil
	}
	return s.text(lang, "msg.export.note.client_merged", map[string]any{"Client": clientLabel(into),
		"Merged": clientLabel(named)}), nil
}

// exportDate is a date in the reader's form: 28.11.2026 (ru), 2026-11-28 (en).
func exportDate(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if strings.HasPrefix(lang, "en") {
		return t.In(loc).Format("2006-01-02")
	}
	return t.In(loc).Format("02.01.2006")
}

// exportDateTime is a time in the reader's form: 28.11.2026 15:04.
func exportDateTime(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return exportDate(lang, t, loc) + " " + t.In(loc).Format("15:04")
}
