package postgres

import (
	"errors"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/internal/dealjson"
)

// Reports' tables (migration 0005):
//
//	report_templates: name_key = core.NormalizeName(name), not deleted only (unique)
//	report_schedules: due = NextRun, active only (index on due, id)
//	report_runs:      read by ID only
//	report_mails:     due = NextAttemptAt (the zero time at once), pending only (index on due, id)
//
// The walks of the exports (EachClient, EachDeal, EachTask, EachDocument,
// EachChange) read the tables of those aggregates through a server-side
// cursor (tx.each), a batch of rows at a time, so their callbacks may read
// other records while they walk and memory does not grow with the records.

// EachClient calls fn for every client in ID order, decoding one at a
// time; an error from fn stops the walk and is returned as it is. fn may
// read the transaction but must not write clients.
func (tx *Tx) EachClient(fn func(*core.Client) error) error {
	return walkDocs(tx, "clients", `SELECT doc FROM clients ORDER BY id`, fn)
}

// EachDeal calls fn for every deal in ID order, as EachClient does.
func (tx *Tx) EachDeal(fn func(*core.Deal) error) (err error) {
	// Deals are decoded by the hand-written reader bbolt uses too (about
	// five times encoding/json's speed): the walks read every deal.
	var fnErr error
	err = tx.each(func(data []byte) (bool, error) {
		d := new(core.Deal)
		if err := dealjson.Decode(data, d); err != nil {
			return false, err
		}
		if fnErr = fn(d); fnErr != nil {
			return false, nil
		}
		return true, nil
	}, `SELECT doc FROM deals ORDER BY id`)
	if fnErr != nil {
		return fnErr
	}
	wrapf(&err, "each of deals")
	return err
}

// EachTask calls fn for every task in ID order, as EachClient does.
func (tx *Tx) EachTask(fn func(*core.Task) error) error {
	return walkDocs(tx, "tasks", `SELECT doc FROM tasks ORDER BY id`, fn)
}

// EachDocument calls fn for every document in ID order, as EachClient
// does.
func (tx *Tx) EachDocument(fn func(*core.Document) error) error {
	return walkDocs(tx, "documents", `SELECT doc FROM documents ORDER BY id`, fn)
}

// EachChange calls fn for each audit record with At in [from, to) (a zero
// bound is open), oldest first, ties by ID. It reads the time index from
// from and stops at to, so it reads only the records it visits. An error
// from fn stops the walk and is returned as it is.
func (tx *Tx) EachChange(from, to time.Time, fn func(*core.Change) error) error {
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return nil
	}
	// The stored times have microseconds: at >= from and at < to hold as
	// they do for from and to rounded up to the microsecond.
	sql, args := `SELECT doc FROM changes`, []any{}
	switch {
	case !from.IsZero() && !to.IsZero():
		sql, args = sql+` WHERE at >= $1 AND at < $2`, []any{ceilMicro(from), ceilMicro(to)}
	case !from.IsZero():
		sql, args = sql+` WHERE at >= $1`, []any{ceilMicro(from)}
	case !to.IsZero():
		sql, args = sql+` WHERE at < $1`, []any{ceilMicro(to)}
	}
	return walkDocs(tx, "changes", sql+` ORDER BY at, id`, fn, args...)
}

// ceilMicro rounds a time up to the microsecond, the precision of
// timestamptz.
func ceilMicro(t time.Time) time.Time {
	if c := t.Truncate(time.Microsecond); !c.Equal(t) {
		return c.Add(time.Microsecond)
	}
	return t
}

// walkDocs runs a query of documents through a cursor and calls fn with each
// decoded into a new T. fn's error is returned unwrapped; the walk's own
// are wrapped with what it walks.
func walkDocs[T any](tx *Tx, what, sql string, fn func(*T) error, args ...any) error {
	var fnErr error
	err := eachOf(tx, func(v *T) (bool, error) {
		if fnErr = fn(v); fnErr != nil {
			return false, nil
		}
		return true, nil
	}, sql, args...)
	if fnErr != nil {
		return fnErr
	}
	wrapf(&err, "each of %s", what)
	return err
}

// ReportTemplateByID returns the template with the ID, deleted or not, or
// ENOTFOUND.
func (tx *Tx) ReportTemplateByID(id int64) (_ *core.ReportTemplate, err error) {
	defer wrapf(&err, "report template %d", id)
	t := new(core.ReportTemplate)
	if ok, err := tx.get(t, `SELECT doc FROM report_templates WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.report_template.not_found", "ID", id)
	}
	return t, nil
}

// ReportTemplates returns the templates not deleted, by name (folded as
// core.NormalizeName folds it).
func (tx *Tx) ReportTemplates() (_ []*core.ReportTemplate, err error) {
	defer wrapf(&err, "report templates")
	return list[core.ReportTemplate](tx,
		`SELECT doc FROM report_templates WHERE name_key IS NOT NULL ORDER BY name_key`)
}

// CreateReportTemplate assigns the template an ID and stores it; CreatedAt
// is Now when zero. It returns ECONFLICT when a template not deleted has
// the name, compared as core.NormalizeName folds it (case, ё, quotes and
// spaces aside).
func (tx *Tx) CreateReportTemplate(t *core.ReportTemplate) (err error) {
	defer wrapf(&err, "create report template")
	if err := tx.templateNameFree(t, 0); err != nil {
		return err
	}
	if t.ID, err = tx.nextID("report_templates"); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = tx.now
	}
	t.UpdatedAt = tx.now
	return tx.putReportTemplate(t)
}

// UpdateReportTemplate stores a changed template and moves its name: a
// renamed one takes its new name (ECONFLICT when another template not
// deleted has it), a deleted one frees its name. An unknown template is
// ENOTFOUND.
func (tx *Tx) UpdateReportTemplate(t *core.ReportTemplate) (err error) {
	defer wrapf(&err, "update report template %d", t.ID)
	old, err := tx.ReportTemplateByID(t.ID)
	if err != nil {
		return err
	}
	if err := tx.templateNameFree(t, t.ID); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = old.CreatedAt
	}
	t.UpdatedAt = tx.now
	return tx.putReportTemplate(t)
}

// templateNameFree checks that no template not deleted but self has t's
// name; a deleted t takes no name.
func (tx *Tx) templateNameFree(t *core.ReportTemplate, self int64) error {
	name := core.NormalizeName(t.Name)
	if name == "" {
		return errors.New("a report template needs a name")
	}
	if t.Deleted {
		return nil
	}
	var id int64
	if ok, err := tx.scalar(&id, `SELECT id FROM report_templates WHERE name_key = $1`, name); err != nil {
		return err
	} else if ok && id != self {
		return core.Errorf(core.ECONFLICT, "err.report_template.name_taken", "Name", t.Name, "ID", id)
	}
	return nil
}

// putReportTemplate writes a template as it is, with its ID, and its name
// key (none when deleted). Create and Update use it, and so does the copy
// of a bbolt database.
func (tx *Tx) putReportTemplate(t *core.ReportTemplate) error {
	doc, err := encode(t)
	if err != nil {
		return err
	}
	var name any
	if !t.Deleted {
		name = core.NormalizeName(t.Name)
	}
	return tx.exec(`INSERT INTO report_templates (id, name_key, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET name_key = EXCLUDED.name_key, doc = EXCLUDED.doc`, t.ID, name, doc)
}

// ReportScheduleByID returns the schedule with the ID, active or not, or
// ENOTFOUND.
func (tx *Tx) ReportScheduleByID(id int64) (_ *core.ReportSchedule, err error) {
	defer wrapf(&err, "report schedule %d", id)
	s := new(core.ReportSchedule)
	if ok, err := tx.get(s, `SELECT doc FROM report_schedules WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.report_schedule.not_found", "ID", id)
	}
	return s, nil
}

// ReportSchedules returns every schedule, active or not, by ID.
func (tx *Tx) ReportSchedules() (_ []*core.ReportSchedule, err error) {
	defer wrapf(&err, "report schedules")
	return list[core.ReportSchedule](tx, `SELECT doc FROM report_schedules ORDER BY id`)
}

// DueReportSchedules returns up to limit (all when <= 0) active schedules
// with NextRun at or before now, the earliest first (ties by ID). It reads
// the due index from its start up to now, so it reads only what it
// returns.
func (tx *Tx) DueReportSchedules(now time.Time, limit int) (_ []*core.ReportSchedule, err error) {
	defer wrapf(&err, "due report schedules")
	return list[core.ReportSchedule](tx, `SELECT doc FROM report_schedules
		WHERE due IS NOT NULL AND due <= $1 ORDER BY due, id LIMIT $2`, now, sqlLimit(limit))
}

// CreateReportSchedule assigns the schedule an ID and stores it; CreatedAt
// is Now when zero. An active schedule must have its NextRun.
func (tx *Tx) CreateReportSchedule(s *core.ReportSchedule) (err error) {
	defer wrapf(&err, "create report schedule")
	if err := validReportSchedule(s); err != nil {
		return err
	}
	if s.ID, err = tx.nextID("report_schedules"); err != nil {
		return err
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = tx.now
	}
	s.UpdatedAt = tx.now
	return tx.putReportSchedule(s)
}

// UpdateReportSchedule stores a changed schedule and moves it in the due
// index: to its new NextRun while active, out once stopped. An unknown
// schedule is ENOTFOUND.
func (tx *Tx) UpdateReportSchedule(s *core.ReportSchedule) (err error) {
	defer wrapf(&err, "update report schedule %d", s.ID)
	old, err := tx.ReportScheduleByID(s.ID)
	if err != nil {
		return err
	}
	if err := validReportSchedule(s); err != nil {
		return err
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = old.CreatedAt
	}
	s.UpdatedAt = tx.now
	return tx.putReportSchedule(s)
}

// validReportSchedule refuses an active schedule without a next run: it
// would never fire.
func validReportSchedule(s *core.ReportSchedule) error {
	if s.Active && s.NextRun.IsZero() {
		return errors.New("an active report schedule needs its next run")
	}
	return nil
}

// putReportSchedule writes a schedule as it is, with its ID, due at its
// NextRun while active. Create and Update use it, and so does the copy of
// a bbolt database.
func (tx *Tx) putReportSchedule(s *core.ReportSchedule) error {
	doc, err := encode(s)
	if err != nil {
		return err
	}
	var due any
	if s.Active && !s.NextRun.IsZero() {
		due = s.NextRun
	}
	return tx.exec(`INSERT INTO report_schedules (id, due, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET due = EXCLUDED.due, doc = EXCLUDED.doc`, s.ID, due, doc)
}

// ReportRunByID returns the run with the ID, or ENOTFOUND.
func (tx *Tx) ReportRunByID(id int64) (_ *core.ReportRun, err error) {
	defer wrapf(&err, "report run %d", id)
	r := new(core.ReportRun)
	if ok, err := tx.get(r, `SELECT doc FROM report_runs WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.report.not_found", "ID", id)
	}
	return r, nil
}

// CreateReportRun assigns the run an ID and stores it; CreatedAt is Now
// when zero.
func (tx *Tx) CreateReportRun(r *core.ReportRun) (err error) {
	defer wrapf(&err, "create report run")
	if r.ID, err = tx.nextID("report_runs"); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = tx.now
	}
	r.UpdatedAt = tx.now
	return tx.putReportRun(r)
}

// UpdateReportRun stores a changed run. An unknown run is ENOTFOUND.
func (tx *Tx) UpdateReportRun(r *core.ReportRun) (err error) {
	defer wrapf(&err, "update report run %d", r.ID)
	old, err := tx.ReportRunByID(r.ID)
	if err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = old.CreatedAt
	}
	r.UpdatedAt = tx.now
	return tx.putReportRun(r)
}

// putReportRun writes a run as it is, with its ID. Create and Update use
// it, and so does the copy of a bbolt database.
func (tx *Tx) putReportRun(r *core.ReportRun) error {
	doc, err := encode(r)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO report_runs (id, doc) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`, r.ID, doc)
}

// EachReportRun visits the runs with an ID above after, in ID order,
// decoding one at a time.
func (tx *Tx) EachReportRun(after int64, fn func(*core.ReportRun) error) error {
	return walkDocs(tx, "report runs", `SELECT doc FROM report_runs WHERE id > $1 ORDER BY id`, fn, after)
}

// ReportMailByID returns the mail with the ID, or ENOTFOUND.
func (tx *Tx) ReportMailByID(id int64) (_ *core.ReportMail, err error) {
	defer wrapf(&err, "report mail %d", id)
	m := new(core.ReportMail)
	if ok, err := tx.get(m, `SELECT doc FROM report_mails WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.report_mail.not_found", "ID", id)
	}
	return m, nil
}

// CreateReportMail assigns the mail an ID and stores it; CreatedAt is Now
// when zero. A pending mail is due at its NextAttemptAt, at once when that
// is zero.
func (tx *Tx) CreateReportMail(m *core.ReportMail) (err error) {
	defer wrapf(&err, "create report mail")
	if m.RunID == 0 {
		return errors.New("a report mail needs its run")
	}
	if m.ID, err = tx.nextID("report_mails"); err != nil {
		return err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = tx.now
	}
	m.UpdatedAt = tx.now
	return tx.putReportMail(m)
}

// UpdateReportMail stores a changed mail and moves it in the due index: to
// its next attempt while pending, out once done or failed. An unknown mail
// is ENOTFOUND.
func (tx *Tx) UpdateReportMail(m *core.ReportMail) (err error) {
	defer wrapf(&err, "update report mail %d", m.ID)
	old, err := tx.ReportMailByID(m.ID)
	if err != nil {
		return err
	}
	if m.RunID == 0 {
		return errors.New("a report mail needs its run")
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = old.CreatedAt
	}
	m.UpdatedAt = tx.now
	return tx.putReportMail(m)
}

// DueReportMails returns up to limit (all when <= 0) pending mails due at
// or before now, the earliest first (ties by ID); like DueReportSchedules
// it reads only what it returns.
func (tx *Tx) DueReportMails(now time.Time, limit int) (_ []*core.ReportMail, err error) {
	defer wrapf(&err, "due report mails")
	return list[core.ReportMail](tx, `SELECT doc FROM report_mails
		WHERE due IS NOT NULL AND due <= $1 ORDER BY due, id LIMIT $2`, now, sqlLimit(limit))
}

// putReportMail writes a mail as it is, with its ID, due at its next
// attempt while pending (the zero time, first of all, when it has none).
// Create and Update use it, and so does the copy of a bbolt database.
func (tx *Tx) putReportMail(m *core.ReportMail) error {
	doc, err := encode(m)
	if err != nil {
		return err
	}
	var due any
	if m.Status == core.SendPending {
		due = m.NextAttemptAt.UTC()
	}
	return tx.exec(`INSERT INTO report_mails (id, due, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET due = EXCLUDED.due, doc = EXCLUDED.doc`, m.ID, due, doc)
}
