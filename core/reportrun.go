package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// A report's life: built from the records in a read transaction (a file of
// 100,000 rows must not hold the write lock), then stored with its run,
// audit record and outbox messages in one write transaction. Every file
// made is a ReportRun: a personal /export or /report is a run sent to its
// maker; one sent to others passes the quality gate first (reportrun_send.go).

// ReportOutput is what a run made: the stored file and its chart, the
// summary for the chat, and for a held run what the gate found.
type ReportOutput struct {
	Run   *ReportRun
	Title string
	// File is stored (PutReportFile) in the run's transaction: a reply
	// may carry it by its SHA-256.
	File    FileRef
	Summary []string
	// Chart is the report's chart as a PNG, stored; nil when none.
	Chart *FileRef
	// Findings are what the gate found in a held run.
	Findings []QualityFinding
}

// File types of reports.
const (
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimeCSV  = "text/csv"
	mimePNG  = "image/png"
)

// maxFileNameRunes bounds the title part of a report's file name.
const maxFileNameRunes = 80

// built is a report made in a read transaction and not stored yet.
type built struct {
	spec ReportSpec // as asked, its format set: a relative period stays relative
	// filter is what the file holds: a template's filters under the
	// spec's, the actor's scope applied and the period resolved.
	filter   ReportFilter
	body     *reportBody
	file     FileRef
	data     []byte
	chart    *FileRef
	png      []byte
	filters  []string // the filters in words, for the manifest and the message
	findings []QualityFinding
}

// kind is the audit field of a personal run: "export" or "report".
func (b *built) kind() string {
	if b.spec.Export != "" {
		return "export"
	}
	return "report"
}

// output is what the caller gets of a run made from b.
func (b *built) output(run *ReportRun) *ReportOutput {
	return &ReportOutput{Run: run, Title: b.body.Title, File: b.file, Summary: b.body.Summary, Chart: b.chart,
		Findings: b.findings}
}

// fill writes what b made into the run: its file and chart (stored anew,
// so not purged), rows and the gate's counts.
func (b *built) fill(run *ReportRun) {
	run.File, run.Rows, run.Findings = b.file, b.body.Rows, countFindings(b.findings)
	run.Chart, run.Purged = b.chart, false
}

// MakeReport builds an export (spec.Export) or a report (built-in or a
// template's) for the actor, as an XLSX file (or CSV) with its chart, and
// records it as a run sent to the actor, with its manifest in the audit:
// it does not leave DealDesk to someone else, so no quality gate holds it.
// Managers get their own records, heads their team's, officers and admins
// everything (scopeFilter).
func (s *Service) MakeReport(ctx context.Context, a Actor, spec ReportSpec, lang string) (*ReportOutput, error) {
	if a.User == nil {
		return nil, Errorf(EFORBIDDEN, "err.forbidden")
	}
	b, err := s.build(ctx, a, spec, lang, a.User.Location(), false)
	if err != nil {
		return nil, err
	}
	run := &ReportRun{Spec: b.spec, To: []ReportTarget{{Kind: TargetUser, UserID: a.ID()}}, By: a.ID(), Lang: lang,
		Status: RunSent, Source: a.Source}
	err = s.update(ctx, func(tx Tx) error {
		if err := storeBuilt(tx, b); err != nil {
			return err
		}
		b.fill(run)
		run.SentAt = tx.Now()
		if err := tx.CreateReportRun(run); err != nil {
			return err
		}
		return tx.AddChanges(stamp([]*Change{{Entity: EntityReport, EntityID: run.ID, Field: b.kind(),
			New: s.manifest(tx, run, b)}}, a, "")...)
	})
	if err != nil {
		return nil, err
	}
	return b.output(run), nil
}

// canMakeReports returns EFORBIDDEN unless the actor may make reports
// (PermReports: officers, managers — their own records — heads, admins).
func canMakeReports(a Actor) error {
	if a.Can(PermReports) {
		return nil
	}
	return Errorf(EFORBIDDEN, "err.delivery.forbidden")
}

// checkSpec checks that a spec asks for something in a known format, and
// returns it with the format set ("" is XLSX).
func checkSpec(spec ReportSpec) (ReportSpec, error) {
	if spec.Export == "" && spec.Report == "" && spec.TemplateID == 0 {
		return spec, Errorf(EINVALID, "err.delivery.nothing")
	}
	switch spec.Format {
	case "":
		spec.Format = FormatXLSX
	case FormatXLSX, FormatCSV:
	default:
		return spec, Errorf(EINVALID, "err.delivery.format", "Format", string(spec.Format))
	}
	return spec, nil
}

// build makes the file of a spec as the actor sees the records, with
// dates in loc, in a read transaction: the filter scoped to the actor and
// its period resolved, the tables written, the chart drawn and put into
// the file, and with gate the quality gate run over the records in it.
func (s *Service) build(ctx context.Context, a Actor, spec ReportSpec, lang string, loc *time.Location, gate bool) (*built, error) {
	if err := canMakeReports(a); err != nil {
		return nil, err
	}
	if s.reports.tables == nil {
		return nil, Errorf(EUNAVAILABLE, "err.delivery.tables_unavailable")
	}
	spec, err := checkSpec(spec)
	if err != nil {
		return nil, err
	}
	b := &built{spec: spec}
	err = s.view(ctx, func(tx Tx) error {
		now := tx.Now()
		f := spec.Filter
		if spec.TemplateID != 0 {
			// The file holds the template's filters under the run's;
			// writeReport says so when the template is gone.
			if t, err := tx.ReportTemplateByID(spec.TemplateID); err == nil {
				f = mergeFilter(t.Filter, f)
			}
		}
		f, err := s.scopeFilter(tx, a, f.Resolve(now, loc))
		if err != nil {
			return err
		}
		b.filter = f
		if err := s.writeFile(tx, a, b, lang, loc); err != nil {
			return err
		}
		b.filters = s.filterNotes(tx, lang, b.filter, loc)
		if gate {
			if b.findings, err = s.qualityCheck(tx, b.body.Scope); err != nil {
				return err
			}
		}
		day := now.In(loc)
		b.file = fileRef(reportFileName(b.body.Title, day, string(spec.Format)), mimeOf(spec.Format), b.data)
		if b.png != nil {
			ref := fileRef(reportFileName(b.body.Title, day, "png"), mimePNG, b.png)
			b.chart = &ref
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// writeFile writes b's tables into a new file, with the chart beside the
// last table, and keeps the file's bytes and the chart's picture in b.
func (s *Service) writeFile(tx Tx, a Actor, b *built, lang string, loc *time.Location) (err error) {
	w, err := s.reports.tables.NewTable(b.spec.Format, TableOptions{Location: loc, Comma: s.reportConfig().CSVComma,
		NotesSheet: s.text(lang, "report.notes_sheet", nil)})
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			_, _ = w.Close() // lets go of what the writer holds; the file is not used
		}
	}()
	out := w
	if b.spec.Format == FormatCSV {
		out = &csvOneTable{TableWriter: w}
	}
	if b.spec.Export != "" {
		b.body, err = s.writeExport(tx, a, b.spec.Export, b.filter, out, lang, loc)
	} else {
		// A report merges its template's filters, resolves and scopes
		// them itself.
		b.body, err = s.writeReport(tx, a, b.spec, out, lang, loc)
	}
	if err != nil {
		return err
	}
	if b.body.Chart != nil && s.reports.charts != nil {
		png, err := s.reports.charts.RenderPNG(*b.body.Chart)
		if err != nil {
			// The table is the report; a chart that cannot be drawn is
			// left out rather than the report held back.
			s.log.Warn().Err(err).Str("title", b.body.Title).Msg("report chart not drawn")
		} else {
			if err := w.Image(reportFileName(b.body.Title, tx.Now().In(loc), "png"), png); err != nil {
				return err
			}
			b.png = png
		}
	}
	closed = true
	b.data, err = w.Close()
	return err
}

// csvOneTable is a CSV writer that refuses a second table: a CSV file
// holds one, and a report that has several is asked for as XLSX instead
// of losing tables silently.
type csvOneTable struct {
	TableWriter
	tables int
	first  string
}

func (w *csvOneTable) Table(h TableHead) error {
	w.tables++
	if w.tables == 1 {
		w.first = h.Sheet
		return w.TableWriter.Table(h)
	}
	return Errorf(EINVALID, "err.delivery.csv_one_table", "Title", w.first)
}

// storeBuilt stores a built file and its chart as report files, each
// counted once more for the run that refers to them: the retention
// (PurgeReportFiles) releases them with the run.
func storeBuilt(tx Tx, b *built) error {
	if err := tx.PutReportFile(b.file, b.data); err != nil {
		return err
	}
	if b.chart != nil {
		return tx.PutReportFile(*b.chart, b.png)
	}
	return nil
}

// fileRef is the reference of a file's content under its SHA-256.
func fileRef(name, mime string, data []byte) FileRef {
	sum := sha256.Sum256(data)
	return FileRef{SHA256: hex.EncodeToString(sum[:]), Name: name, MIME: mime, Size: int64(len(data))}
}

func mimeOf(f ReportFormat) string {
	if f == FormatCSV {
		return mimeCSV
	}
	return mimeXLSX
}

// reportFileName is a report's file name: its title and the day it was
// made, «Сделки 2026-12-02.xlsx», with what file systems and mail clients
// refuse (slashes, colons, quotes, control characters) turned into spaces.
func reportFileName(title string, day time.Time, ext string) string {
	var sb strings.Builder
	for _, r := range title {
		switch {
		case strings.ContainsRune(`/\:*?"<>|`, r), unicode.IsControl(r), r == utf8.RuneError:
			sb.WriteRune(' ')
		default:
			sb.WriteRune(r)
		}
	}
	name := strings.Join(strings.Fields(sb.String()), " ")
	name = strings.Trim(name, ". ")
	if utf8.RuneCountInString(name) > maxFileNameRunes {
		name = strings.TrimSpace(string([]rune(name)[:maxFileNameRunes]))
	}
	if name == "" {
		name = "report"
	}
	return name + " " + day.Format(time.DateOnly) + "." + ext
}

// countFindings counts findings by kind; nil when there are none.
func countFindings(fs []QualityFinding) map[QualityKind]int {
	if len(fs) == 0 {
		return nil
	}
	m := map[QualityKind]int{}
	for _, f := range fs {
		m[f.Kind]++
	}
	return m
}

// countsLine is the findings' counts in the order of QualityKinds, for
// the audit: "no_amount 2, duplicate 1".
func countsLine(m map[QualityKind]int) string {
	var parts []string
	for _, k := range orderedKinds(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// orderedKinds lists the kinds counted in m, known ones in the order of
// QualityKinds first.
func orderedKinds(m map[QualityKind]int) []QualityKind {
	var out []QualityKind
	for _, k := range QualityKinds {
		if m[k] > 0 {
			out = append(out, k)
		}
	}
	for k, n := range m {
		if n > 0 && !slices.Contains(QualityKinds, k) {
			out = append(out, k)
		}
	}
	return out
}

// manifest is the one-line record of a run's file for the audit: what it
// is, its file and rows, the filters in words, to whom, by whom, the
// SHA-256 of the file (the time is the audit record's own).
func (s *Service) manifest(tx Tx, run *ReportRun, b *built) string {
	what := b.kind() + " " + string(b.spec.Export)
	switch {
	case b.spec.TemplateID != 0:
		what = fmt.Sprintf("report template #%d", b.spec.TemplateID)
	case b.spec.Export == "":
		what = "report " + string(b.spec.Report)
	}
	filters := "none"
	if len(b.filters) > 0 {
		filters = strings.Join(b.filters, "; ")
	}
	parts := []string{what, fmt.Sprintf("file «%s» (%s, %d bytes)", b.file.Name, b.spec.Format, b.file.Size),
		fmt.Sprintf("rows %d", b.body.Rows), "filters: " + filters, "to: " + describeTargets(tx, run.To),
		fmt.Sprintf("by %s (#%d)", describeUser(tx, run.By), run.By)}
	if run.ScheduleID != 0 {
		parts = append(parts, fmt.Sprintf("schedule #%d", run.ScheduleID))
	}
	if b.chart != nil {
		parts = append(parts, "chart sha256 "+b.chart.SHA256)
	}
	return strings.Join(append(parts, "sha256 "+b.file.SHA256), " · ")
}

// describeTargets names a run's recipients for the audit: a chat by its
// title and key, a user by name and number, an address as it is.
func describeTargets(tx Tx, to []ReportTarget) string {
	var out []string
	for _, t := range to {
		switch t.Kind {
		case TargetChat:
			key := ChatKey(t.Platform, t.ChatID)
			if c, err := tx.WorkChat(t.Platform, t.ChatID); err == nil && c.Title != "" {
				out = append(out, fmt.Sprintf("chat «%s» (%s)", c.Title, key))
			} else {
				out = append(out, "chat "+key)
			}
		case TargetUser:
			out = append(out, fmt.Sprintf("%s (#%d)", describeUser(tx, t.UserID), t.UserID))
		case TargetEmail:
			out = append(out, t.Email)
		}
	}
	return strings.Join(out, ", ")
}
