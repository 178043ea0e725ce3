package core

import (
	"time"
)

// Reports (use case 4): exports of the records as XLSX or CSV, built-in and
// ad hoc reports, a data-quality gate before anything leaves DealDesk for
// someone else, and deliveries to chats and mail, now or on a schedule.

// ReportEntity is what an export lists.
type ReportEntity string

// Export entities.
const (
	ExportClients   ReportEntity = "clients"
	ExportDeals     ReportEntity = "deals"
	ExportTasks     ReportEntity = "tasks"
	ExportDocuments ReportEntity = "documents"
	ExportRequests  ReportEntity = "requests"
	ExportControl   ReportEntity = "control"
	ExportChanges   ReportEntity = "changes"
)

// ExportEntities lists the entities in the order /export names them.
var ExportEntities = []ReportEntity{ExportClients, ExportDeals, ExportTasks, ExportDocuments, ExportRequests,
	ExportControl, ExportChanges}

// ReportFormat is the format of a file.
type ReportFormat string

// File formats.
const (
	FormatXLSX ReportFormat = "xlsx"
	FormatCSV  ReportFormat = "csv"
)

// ReportFilter narrows an export or a report; a zero field selects
// everything. The period is by the record's own date: a client's, deal's,
// document's or request's creation, a task's due time, a control result's
// or change's time.
type ReportFilter struct {
	// From and To bound the period [From, To); either may be zero. When
	// Rel is set they are computed from it at each run (Resolve), so a
	// saved template or a schedule "for last month" stays relative.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	Rel  RelPeriod `json:"rel,omitempty"`
	// ManagerID: the deal's or client's manager, a task's assignee, a
	// request's requester, a document's deal's manager, a change's or
	// control result's author.
	ManagerID int64 `json:"manager_id,omitempty"`
	// TeamID is a head: the records of the head's people (users whose
	// HeadID is the head) and the head's own.
	TeamID   int64  `json:"team_id,omitempty"`
	Stage    Stage  `json:"stage,omitempty"`
	Status   string `json:"status,omitempty"` // the entity's own status (task, document, request status)
	ClientID int64  `json:"client_id,omitempty"`
}

// RelPeriod is a period relative to the day a report runs, in the
// reader's time zone.
type RelPeriod string

// Relative periods.
const (
	RelToday     RelPeriod = "today"
	RelYesterday RelPeriod = "yesterday"
	RelThisWeek  RelPeriod = "this_week"
	RelLastWeek  RelPeriod = "last_week"
	RelThisMonth RelPeriod = "this_month"
	RelLastMonth RelPeriod = "last_month"
	RelThisYear  RelPeriod = "this_year"
	RelLast7     RelPeriod = "last_7_days"
	RelLast30    RelPeriod = "last_30_days"
)

// ColumnKind says how a column's values are written.
type ColumnKind uint8

// Column kinds.
const (
	ColText     ColumnKind = iota // Value.S
	ColInt                        // Value.N
	ColMoney                      // Value.N in kopecks, written as rubles with a ruble format
	ColDate                       // Value.T, a date in the table's time zone
	ColDateTime                   // Value.T, date and time in the table's time zone
	ColNumber                     // Value.F, two decimals (averages, hours)
)

// Value is one cell; Blank leaves it empty whatever its kind.
type Value struct {
	S     string
	N     int64
	F     float64
	T     time.Time
	Blank bool
}

// TableHead starts a table: a sheet of an XLSX file, or a CSV file.
type TableHead struct {
	// Sheet is the sheet's name (XLSX cuts it to 31 characters).
	Sheet   string
	Columns []string // the header, translated
	Kinds   []ColumnKind
	// Widths are the columns' widths in characters; 0 takes one by kind.
	Widths []float64
	// Notes say what the table is: the report, its filters, who made it
	// and when, the row count. XLSX writes them on a sheet of their own
	// after the data sheets; CSV as leading lines starting with "#".
	Notes []string
}

// TableWriter writes tables into one file. Rows are streamed: a writer
// keeps no more than a buffer of them in memory.
type TableWriter interface {
	// Table starts a table; an XLSX file may have several, a CSV file one.
	Table(h TableHead) error
	// Row writes a row of the current table, one value per column.
	Row(vals []Value) error
	// Image puts a PNG picture beside the current table (XLSX); CSV
	// ignores it.
	Image(name string, png []byte) error
	// Close finishes the file and returns its bytes.
	Close() ([]byte, error)
}

// TableOptions configure a new file.
type TableOptions struct {
	Location *time.Location // dates are written in it
	// Comma is the CSV separator; 0 is ';' (Russian Excel).
	Comma rune
	// NotesSheet names the XLSX sheet of the notes in the reader's language;
	// "" is «Параметры».
	NotesSheet string
}

// Tables makes table writers, one per file.
type Tables interface {
	NewTable(f ReportFormat, o TableOptions) (TableWriter, error)
}

// ChartKind is the kind of a chart.
type ChartKind string

// Chart kinds.
const (
	ChartBar  ChartKind = "bar"
	ChartLine ChartKind = "line"
)

// Chart is what a report draws: series of values over categories.
type Chart struct {
	Kind       ChartKind
	Title      string
	Categories []string // the X axis, in order
	Series     []ChartSeries
	YLabel     string
	// Money: the values are rubles; the axis is marked ₽.
	Money bool
}

// ChartSeries is one line or one set of bars.
type ChartSeries struct {
	Name   string
	Values []float64 // one per category
}

// ChartRenderer draws a chart as a PNG picture with a font that has
// Cyrillic and ₽.
type ChartRenderer interface {
	RenderPNG(c Chart) ([]byte, error)
}

// CronParser reads a cron expression (five fields: minute hour day month
// weekday) and says when it next fires after a time, in a time zone. A
// bad expression is EINVALID.
type CronParser interface {
	Next(expr string, after time.Time, loc *time.Location) (time.Time, error)
}

// ReportKind names a built-in report, or the ad hoc one of a template.
type ReportKind string

// Built-in reports.
const (
	ReportPipeline   ReportKind = "pipeline"   // deals by stage and manager: count, sum
	ReportOverdue    ReportKind = "overdue"    // overdue tasks by person
	ReportTurnaround ReportKind = "turnaround" // documents: draft → approved → sent → signed, time per step
	ReportControl    ReportKind = "control"    // reminders and control results: on time, late, escalated
	ReportIntake     ReportKind = "intake"     // intake quality: errors and duplicates per manager
	ReportRequests   ReportKind = "requests"   // requests by type and SLA
	ReportRisks      ReportKind = "risks"      // counterparties with registry risk flags
	ReportCustom     ReportKind = "custom"     // a saved template (ReportSpec.TemplateID)
)

// ReportKinds lists the built-in reports in the order /report shows them.
var ReportKinds = []ReportKind{ReportPipeline, ReportOverdue, ReportTurnaround, ReportControl, ReportIntake,
	ReportRequests, ReportRisks}

// MeasureFunc is what an ad hoc report computes over a group.
type MeasureFunc string

// Measures.
const (
	MeasureCount MeasureFunc = "count"
	MeasureSum   MeasureFunc = "sum"
	MeasureAvg   MeasureFunc = "avg"
)

// Measure is one computed column of an ad hoc report: count of records,
// or the sum or average of a numeric field (a deal's amount, a task's
// days overdue…).
type Measure struct {
	Func  MeasureFunc `json:"func"`
	Field string      `json:"field,omitempty"` // "" for count
}

// ReportTemplate is a saved report: a built-in one with its parameters
// (Report and Filter: "overdue, last month, Petrov's team"), or an ad hoc
// one — an entity, its filters, the fields to group by and the measures.
type ReportTemplate struct {
	ID     int64      `json:"id"`
	Name   string     `json:"name"`
	Report ReportKind `json:"report,omitempty"` // a built-in report; "" for ad hoc
	// Ad hoc: the entity, grouping and measures.
	Entity   ReportEntity `json:"entity,omitempty"`
	Filter   ReportFilter `json:"filter"`
	GroupBy  []string     `json:"group_by,omitempty"`
	Measures []Measure    `json:"measures,omitempty"`
	OwnerID  int64        `json:"owner_id"`
	// Deleted templates keep their number (schedules and audit name it)
	// and are listed no more.
	Deleted   bool      `json:"deleted,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ReportSpec is what to build: an export of an entity, a built-in report,
// or a template's report; with its filters and format.
type ReportSpec struct {
	Export     ReportEntity `json:"export,omitempty"`
	Report     ReportKind   `json:"report,omitempty"`
	TemplateID int64        `json:"template_id,omitempty"`
	// Template is an ad hoc report not saved yet (Report ReportCustom,
	// TemplateID 0): the /report builder's, built before it is saved.
	Template *ReportTemplate `json:"template,omitempty"`
	Filter   ReportFilter    `json:"filter"`
	Format   ReportFormat    `json:"format,omitempty"` // "" is XLSX
}

// TargetKind is where a report goes.
type TargetKind string

// Targets.
const (
	TargetChat  TargetKind = "chat"  // a work chat (Platform, ChatID)
	TargetUser  TargetKind = "user"  // a user's personal chats
	TargetEmail TargetKind = "email" // an email address
)

// ReportTarget is one recipient of a report.
type ReportTarget struct {
	Kind     TargetKind `json:"kind"`
	Platform string     `json:"platform,omitempty"`
	ChatID   string     `json:"chat_id,omitempty"`
	UserID   int64      `json:"user_id,omitempty"`
	Email    string     `json:"email,omitempty"`
}

// QualityKind is one kind of data-quality finding.
type QualityKind string

// Data-quality findings.
const (
	QualityMissingRequisites QualityKind = "missing_requisites" // a card without INN, OGRN, KPP (legal), address or director
	QualityChecksum          QualityKind = "checksum"           // INN, OGRN or an account fails its check
	QualityNoAmount          QualityKind = "no_amount"          // an open deal without amount
	QualityNoManager         QualityKind = "no_manager"         // a deal without manager, or an inactive one
	QualityDateOrder         QualityKind = "date_order"         // dates out of order (contract end before signing, payment before creation…)
	QualityStaleCheck        QualityKind = "stale_check"        // verification older than N days (a registry configured)
	QualityNeverChecked      QualityKind = "never_checked"      // never verified in a registry (a registry configured)
	QualityDuplicate         QualityKind = "duplicate"          // an unresolved duplicate card
	QualityOpenRequest       QualityKind = "open_request"       // an unanswered request about a record
)

// QualityKinds lists the findings in the order they are shown.
var QualityKinds = []QualityKind{QualityMissingRequisites, QualityChecksum, QualityNoAmount, QualityNoManager,
	QualityDateOrder, QualityStaleCheck, QualityNeverChecked, QualityDuplicate, QualityOpenRequest}

// QualityFinding is one record the gate found wanting.
type QualityFinding struct {
	Kind   QualityKind `json:"kind"`
	Entity Entity      `json:"entity"` // client, deal or request
	ID     int64       `json:"id"`
	Label  string      `json:"label"` // the card's name or the deal's number, as shown on a button
	Detail string      `json:"detail,omitempty"`
}

// RunStatus is where a report run is.
type RunStatus string

// Run statuses.
const (
	RunHeld      RunStatus = "held"      // the gate found something: waits for a fix or a reason
	RunSent      RunStatus = "sent"      // delivered to its targets (mail sends may still be pending)
	RunCancelled RunStatus = "cancelled" // the sender gave it up
	// RunSuperseded: a held run of a schedule that fired again; the newer
	// run stands for it, so the old one can be sent no more.
	RunSuperseded RunStatus = "superseded"
)

// ReportRun is one delivery of a report or export to someone else: what it
// was, to whom, what the gate found, and once sent the manifest of the
// file (its name, rows and SHA-256).
type ReportRun struct {
	ID         int64          `json:"id"`
	Spec       ReportSpec     `json:"spec"`
	To         []ReportTarget `json:"to"`
	By         int64          `json:"by"` // who sent it, or the schedule's owner
	ScheduleID int64          `json:"schedule_id,omitempty"`
	Lang       string         `json:"lang,omitempty"`
	Status     RunStatus      `json:"status"`
	// Findings counts the last gate's findings by kind.
	Findings map[QualityKind]int `json:"findings,omitempty"`
	// Reason is why it was sent despite findings.
	Reason string   `json:"reason,omitempty"`
	File   FileRef  `json:"file,omitzero"`
	Chart  *FileRef `json:"chart,omitempty"`
	// Purged: the file (and chart) were dropped after the retention
	// period; the manifest keeps their SHA-256.
	Purged    bool      `json:"purged,omitempty"`
	Rows      int       `json:"rows,omitempty"`
	Source    string    `json:"source,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	SentAt    time.Time `json:"sent_at,omitzero"`
}

// ReportSchedule delivers a report on a cron schedule in its time zone.
type ReportSchedule struct {
	ID       int64          `json:"id"`
	Spec     ReportSpec     `json:"spec"`
	To       []ReportTarget `json:"to"`
	Cron     string         `json:"cron"`      // five fields, in TimeZone
	TimeZone string         `json:"time_zone"` // the recipient's, IANA
	// WorkDays: a run that falls on a day off of the production calendar
	// goes out on the next working day at the same time (schedules said
	// in words: «по будням», «каждый понедельник»); a raw cron expression
	// is taken literally.
	WorkDays bool   `json:"work_days,omitempty"`
	OwnerID  int64  `json:"owner_id"`
	Lang     string `json:"lang,omitempty"`
	Active   bool   `json:"active"`
	// NextRun is when it fires next (UTC); the tick fires what is due.
	NextRun   time.Time `json:"next_run,omitzero"`
	LastRun   time.Time `json:"last_run,omitzero"`
	LastRunID int64     `json:"last_run_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ReportMail is a durable email of a report run: the worker sends it with
// retries, under one Message-ID for every attempt.
type ReportMail struct {
	ID            int64      `json:"id"`
	RunID         int64      `json:"run_id"`
	To            []string   `json:"to"`
	Subject       string     `json:"subject"`
	Text          string     `json:"text"`
	Files         []FileRef  `json:"files"` // stored by PutFile
	OperationID   string     `json:"operation_id"`
	Status        SendStatus `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at,omitzero"`
	LastError     string     `json:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// ReportTx streams the records for exports and reports, and stores report
// templates, schedules, runs and their mails. The Each methods visit the
// records in ID order within one read transaction, decoding one at a
// time, so memory does not grow with their number; an error from fn stops
// the walk and is returned.
type ReportTx interface {
	EachClient(fn func(*Client) error) error
	EachDeal(fn func(*Deal) error) error
	EachTask(fn func(*Task) error) error
	EachDocument(fn func(*Document) error) error
	// EachChange visits the audit records with At in [from, to) (zero:
	// open), oldest first.
	EachChange(from, to time.Time, fn func(*Change) error) error

	ReportTemplateByID(id int64) (*ReportTemplate, error)
	// ReportTemplates returns the templates not deleted, by name.
	ReportTemplates() ([]*ReportTemplate, error)
	// CreateReportTemplate assigns an ID; ECONFLICT when a template not
	// deleted has the name (case-insensitive).
	CreateReportTemplate(t *ReportTemplate) error
	UpdateReportTemplate(t *ReportTemplate) error

	ReportScheduleByID(id int64) (*ReportSchedule, error)
	// ReportSchedules returns every schedule, active or not, by ID.
	ReportSchedules() ([]*ReportSchedule, error)
	// DueReportSchedules returns up to limit active schedules with NextRun
	// at or before now, the earliest first; its work is proportional to
	// what it returns.
	DueReportSchedules(now time.Time, limit int) ([]*ReportSchedule, error)
	CreateReportSchedule(s *ReportSchedule) error
	UpdateReportSchedule(s *ReportSchedule) error

	ReportRunByID(id int64) (*ReportRun, error)
	CreateReportRun(r *ReportRun) error
	UpdateReportRun(r *ReportRun) error

	ReportMailByID(id int64) (*ReportMail, error)
	CreateReportMail(m *ReportMail) error
	UpdateReportMail(m *ReportMail) error
	// DueReportMails returns up to limit pending mails due at now, the
	// earliest first.
	DueReportMails(now time.Time, limit int) ([]*ReportMail, error)

	// Report files are kept apart from the documents' files, counted by
	// the runs that refer to them, so that a retention can drop them:
	// PutReportFile stores the content under ref.SHA256 (which must
	// match) and counts one more reference; ReleaseReportFile counts one
	// less and deletes the content at none (ENOTFOUND when none is
	// counted). File (DocumentTx) reads report files too.
	PutReportFile(ref FileRef, data []byte) error
	ReleaseReportFile(sha256 string) error
	// EachReportRun visits the runs with an ID above after, in ID order.
	EachReportRun(after int64, fn func(*ReportRun) error) error
}

// reportDeps are the reports use case's ports; a Service without them
// says what is unavailable when asked (no charts, no scheduling, no
// files).
type reportDeps struct {
	tables Tables
	charts ChartRenderer
	cron   CronParser
	texts  TextPrinter
	config ReportConfig
}

// ReportConfig are the reports' rules.
type ReportConfig struct {
	// CSVComma is the CSV separator (';' for Russian Excel by default).
	CSVComma rune
	// StaleAfter is how old a card's registry check may be before the
	// quality gate names it (default 90 days).
	StaleAfter time.Duration
	// MailFrom is the sender of report emails ("" takes the documents').
	MailFrom string
	// KeepFiles is how long a run's file is kept (default 90 days); its
	// manifest stays in the audit.
	KeepFiles time.Duration
}

// DefaultReportConfig is what holds unless configured.
var DefaultReportConfig = ReportConfig{CSVComma: ';', StaleAfter: 90 * 24 * time.Hour,
	KeepFiles: 90 * 24 * time.Hour}

// WithReports sets the reports' writers of tables, the chart renderer,
// the cron parser of schedules and the printer that translates the files'
// headers, notes and summaries.
func WithReports(t Tables, c ChartRenderer, cron CronParser, texts TextPrinter) Option {
	return func(s *Service) {
		s.reports.tables, s.reports.charts, s.reports.cron, s.reports.texts = t, c, cron, texts
	}
}

// WithReportConfig sets the reports' rules; zero fields keep the defaults.
func WithReportConfig(c ReportConfig) Option {
	return func(s *Service) { s.reports.config = c }
}

// reportConfig is the configured rules with defaults for what is unset.
func (s *Service) reportConfig() ReportConfig {
	c := s.reports.config
	if c.CSVComma == 0 {
		c.CSVComma = DefaultReportConfig.CSVComma
	}
	if c.StaleAfter == 0 {
		c.StaleAfter = DefaultReportConfig.StaleAfter
	}
	if c.KeepFiles == 0 {
		c.KeepFiles = DefaultReportConfig.KeepFiles
	}
	return c
}

// text translates a key of the locales in a language; without a printer
// it returns the key, so a Service built without one still works.
func (s *Service) text(lang, key string, args map[string]any) string {
	if s.reports.texts != nil {
		return s.reports.texts(lang, key, args)
	}
	if s.docs.texts != nil {
		return s.docs.texts(lang, key, args)
	}
	return key
}
