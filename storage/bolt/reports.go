package bolt

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/internal/dealjson"
)

// Report indexes (since schema 12):
//
//	report_templates_by_name: core.NormalizeName(name) → id (not deleted only)
//	report_schedules_due:     timeKey(nextRun) id → nothing (active only)
//	report_mails_due:         dueKey(nextAttemptAt) id → nothing (pending only)
//
// Report runs have no index: they are read by ID.

// EachClient calls fn for every client in ID order, decoding one at a
// time; an error from fn stops the walk and is returned as it is. fn may
// read the transaction but must not write clients.
func (tx *Tx) EachClient(fn func(*core.Client) error) error {
	return each(tx, bktClients, "client", fn)
}

// EachDeal calls fn for every deal in ID order, as EachClient does.
func (tx *Tx) EachDeal(fn func(*core.Deal) error) error {
	return each(tx, bktDeals, "deal", fn)
}

// EachTask calls fn for every task in ID order, as EachClient does.
func (tx *Tx) EachTask(fn func(*core.Task) error) error {
	return each(tx, bktTasks, "task", fn)
}

// EachDocument calls fn for every document in ID order, as EachClient
// does.
func (tx *Tx) EachDocument(fn func(*core.Document) error) error {
	return each(tx, bktDocuments, "document", fn)
}

// each walks a record bucket with a cursor and calls fn with each record
// decoded into a new T (a deal by dealjson.Decode). fn's error is returned
// unwrapped.
func each[T any](tx *Tx, b []byte, what string, fn func(*T) error) error {
	c := tx.tx.Bucket(b).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		rec := new(T)
		var err error
		if d, ok := any(rec).(*core.Deal); ok {
			err = dealjson.Decode(v, d)
		} else {
			err = decode(v, rec)
		}
		if err != nil {
			return fmt.Errorf("bolt: %s %x: %w", what, k, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// EachChange calls fn for each audit record with At in [from, to) (a zero
// bound is open), oldest first, ties by ID. It seeks the time index to
// from and stops at to, so it reads only the records it visits. An error
// from fn stops the walk and is returned as it is.
func (tx *Tx) EachChange(from, to time.Time, fn func(*core.Change) error) error {
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return nil
	}
	records := tx.tx.Bucket(bktChanges)
	c := tx.tx.Bucket(bktChangesByTime).Cursor()
	var k []byte
	if from.IsZero() {
		k, _ = c.First()
	} else {
		k, _ = c.Seek(timeKey(from))
	}
	var end []byte
	if !to.IsZero() {
		end = timeKey(to)
	}
	for ; k != nil; k, _ = c.Next() {
		if len(k) != 16 {
			return fmt.Errorf("bolt: changes by time: malformed entry %x", k)
		}
		if end != nil && bytes.Compare(k[:8], end) >= 0 {
			return nil
		}
		v := records.Get(k[8:])
		if v == nil {
			return fmt.Errorf("bolt: changes by time: %s %x: indexed but missing", bktChanges, k[8:])
		}
		ch := new(core.Change)
		if err := decode(v, ch); err != nil {
			return fmt.Errorf("bolt: change %d: %w", btoi(k[8:]), err)
		}
		if err := fn(ch); err != nil {
			return err
		}
	}
	return nil
}

// ReportTemplateByID returns the template with the ID, deleted or not, or
// ENOTFOUND.
func (tx *Tx) ReportTemplateByID(id int64) (*core.ReportTemplate, error) {
	t := new(core.ReportTemplate)
	if ok, err := tx.get(bktReportTemplates, itob(id), t); err != nil {
		return nil, fmt.Errorf("bolt: report template %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.report_template.not_found", "ID", id)
	}
	return t, nil
}

// ReportTemplates returns the templates not deleted, by name (folded as
// core.NormalizeName folds it), from the name index.
func (tx *Tx) ReportTemplates() ([]*core.ReportTemplate, error) {
	ts := []*core.ReportTemplate{}
	err := tx.tx.Bucket(bktReportTemplatesByName).ForEach(func(k, v []byte) error {
		t := new(core.ReportTemplate)
		if err := tx.load(bktReportTemplates, v, t); err != nil {
			return err
		}
		ts = append(ts, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: report templates: %w", err)
	}
	return ts, nil
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
	if t.ID, err = tx.nextID(bktReportTemplates); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = tx.now
	}
	t.UpdatedAt = tx.now
	if err := tx.put(bktReportTemplates, itob(t.ID), t); err != nil {
		return err
	}
	return tx.reindex(nil, reportTemplateEntries(t))
}

// UpdateReportTemplate stores a changed template and moves its name entry:
// a renamed one takes its new name (ECONFLICT when another template not
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
	if err := tx.put(bktReportTemplates, itob(t.ID), t); err != nil {
		return err
	}
	return tx.reindex(reportTemplateEntries(old), reportTemplateEntries(t))
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
	if id := tx.tx.Bucket(bktReportTemplatesByName).Get([]byte(name)); id != nil && btoi(id) != self {
		return core.Errorf(core.ECONFLICT, "err.report_template.name_taken", "Name", t.Name, "ID", btoi(id))
	}
	return nil
}

// reportTemplateEntries lists the index entries of a template: its name
// while it is not deleted.
func reportTemplateEntries(t *core.ReportTemplate) []entry {
	if t.Deleted {
		return nil
	}
	return []entry{{bktReportTemplatesByName, []byte(core.NormalizeName(t.Name)), itob(t.ID)}}
}

// ReportScheduleByID returns the schedule with the ID, active or not, or
// ENOTFOUND.
func (tx *Tx) ReportScheduleByID(id int64) (*core.ReportSchedule, error) {
	s := new(core.ReportSchedule)
	if ok, err := tx.get(bktReportSchedules, itob(id), s); err != nil {
		return nil, fmt.Errorf("bolt: report schedule %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.report_schedule.not_found", "ID", id)
	}
	return s, nil
}

// ReportSchedules returns every schedule, active or not, by ID.
func (tx *Tx) ReportSchedules() ([]*core.ReportSchedule, error) {
	ss := []*core.ReportSchedule{}
	err := each(tx, bktReportSchedules, "report schedule", func(s *core.ReportSchedule) error {
		ss = append(ss, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ss, nil
}

// DueReportSchedules returns up to limit (all when <= 0) active schedules
// with NextRun at or before now, the earliest first (ties by ID). It walks
// the due index from its start and stops at the first entry after now, so
// it reads only what it returns.
func (tx *Tx) DueReportSchedules(now time.Time, limit int) ([]*core.ReportSchedule, error) {
	ss := []*core.ReportSchedule{}
	err := due(tx, bktReportSchedulesDue, bktReportSchedules, now, limit, func(v []byte) error {
		s := new(core.ReportSchedule)
		if err := decode(v, s); err != nil {
			return err
		}
		ss = append(ss, s)
		return nil
	}, func() int { return len(ss) })
	if err != nil {
		return nil, fmt.Errorf("bolt: due report schedules: %w", err)
	}
	return ss, nil
}

// CreateReportSchedule assigns the schedule an ID and stores it; CreatedAt
// is Now when zero. An active schedule must have its NextRun.
func (tx *Tx) CreateReportSchedule(s *core.ReportSchedule) (err error) {
	defer wrapf(&err, "create report schedule")
	if err := validReportSchedule(s); err != nil {
		return err
	}
	if s.ID, err = tx.nextID(bktReportSchedules); err != nil {
		return err
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = tx.now
	}
	s.UpdatedAt = tx.now
	if err := tx.put(bktReportSchedules, itob(s.ID), s); err != nil {
		return err
	}
	return tx.reindex(nil, reportScheduleEntries(s))
}

// UpdateReportSchedule stores a changed schedule and moves its due entry:
// to its new NextRun while active, out of the index once stopped. An
// unknown schedule is ENOTFOUND.
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
	if err := tx.put(bktReportSchedules, itob(s.ID), s); err != nil {
		return err
	}
	return tx.reindex(reportScheduleEntries(old), reportScheduleEntries(s))
}

// validReportSchedule refuses an active schedule without a next run: it
// would never fire.
func validReportSchedule(s *core.ReportSchedule) error {
	if s.Active && s.NextRun.IsZero() {
		return errors.New("an active report schedule needs its next run")
	}
	return nil
}

// reportScheduleEntries lists the index entries of a schedule: its next
// run while it is active.
func reportScheduleEntries(s *core.ReportSchedule) []entry {
	if !s.Active || s.NextRun.IsZero() {
		return nil
	}
	return []entry{{bktReportSchedulesDue, key(timeKey(s.NextRun), itob(s.ID)), nil}}
}

// ReportRunByID returns the run with the ID, or ENOTFOUND.
func (tx *Tx) ReportRunByID(id int64) (*core.ReportRun, error) {
	r := new(core.ReportRun)
	if ok, err := tx.get(bktReportRuns, itob(id), r); err != nil {
		return nil, fmt.Errorf("bolt: report run %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.report.not_found", "ID", id)
	}
	return r, nil
}

// CreateReportRun assigns the run an ID and stores it; CreatedAt is Now
// when zero.
func (tx *Tx) CreateReportRun(r *core.ReportRun) (err error) {
	defer wrapf(&err, "create report run")
	if r.ID, err = tx.nextID(bktReportRuns); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = tx.now
	}
	r.UpdatedAt = tx.now
	return tx.put(bktReportRuns, itob(r.ID), r)
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
	return tx.put(bktReportRuns, itob(r.ID), r)
}

// ReportMailByID returns the mail with the ID, or ENOTFOUND.
func (tx *Tx) ReportMailByID(id int64) (*core.ReportMail, error) {
	m := new(core.ReportMail)
	if ok, err := tx.get(bktReportMails, itob(id), m); err != nil {
		return nil, fmt.Errorf("bolt: report mail %d: %w", id, err)
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
	if m.ID, err = tx.nextID(bktReportMails); err != nil {
		return err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = tx.now
	}
	m.UpdatedAt = tx.now
	if err := tx.put(bktReportMails, itob(m.ID), m); err != nil {
		return err
	}
	return tx.reindex(nil, reportMailEntries(m))
}

// UpdateReportMail stores a changed mail and moves its due entry: to its
// next attempt while pending, out of the index once done or failed. An
// unknown mail is ENOTFOUND.
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
	if err := tx.put(bktReportMails, itob(m.ID), m); err != nil {
		return err
	}
	return tx.reindex(reportMailEntries(old), reportMailEntries(m))
}

// DueReportMails returns up to limit (all when <= 0) pending mails due at
// or before now, the earliest first (ties by ID); like
// DueReportSchedules it reads only what it returns.
func (tx *Tx) DueReportMails(now time.Time, limit int) ([]*core.ReportMail, error) {
	ms := []*core.ReportMail{}
	err := due(tx, bktReportMailsDue, bktReportMails, now, limit, func(v []byte) error {
		m := new(core.ReportMail)
		if err := decode(v, m); err != nil {
			return err
		}
		ms = append(ms, m)
		return nil
	}, func() int { return len(ms) })
	if err != nil {
		return nil, fmt.Errorf("bolt: due report mails: %w", err)
	}
	return ms, nil
}

// reportMailEntries lists the index entries of a mail: its next attempt
// while it is pending.
func reportMailEntries(m *core.ReportMail) []entry {
	if m.Status != core.SendPending {
		return nil
	}
	return []entry{{bktReportMailsDue, key(dueKey(m.NextAttemptAt), itob(m.ID)), nil}}
}

// dueKey is timeKey for a due time, with the zero time (due at once)
// first of all.
func dueKey(t time.Time) []byte {
	if t.IsZero() {
		return make([]byte, 8)
	}
	return timeKey(t)
}

// due walks a due index (keys: an 8-byte time and an ID) from its start
// and calls add with each record up to now, until count reaches limit
// (<= 0: no limit).
func due(tx *Tx, index, records []byte, now time.Time, limit int, add func(v []byte) error, count func() int) error {
	end := timeKey(now)
	b := tx.tx.Bucket(records)
	c := tx.tx.Bucket(index).Cursor()
	for k, _ := c.First(); k != nil && !limitReached(count(), limit); k, _ = c.Next() {
		if len(k) != 16 {
			return fmt.Errorf("%s: malformed entry %x", index, k)
		}
		if bytes.Compare(k[:8], end) > 0 {
			break
		}
		v := b.Get(k[8:])
		if v == nil {
			return fmt.Errorf("%s %x: indexed but missing", records, k[8:])
		}
		if err := add(v); err != nil {
			return fmt.Errorf("%s %x: %w", records, k[8:], err)
		}
	}
	return nil
}
