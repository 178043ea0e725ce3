package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Scheduled deliveries: a report sent on a cron expression in the
// recipients' time zone. RunDueReportSchedules fires what is due: each
// schedule's run and its next time commit in one transaction, so a crash
// sends none twice, and after downtime a missed delivery fires once, at
// start, not once per missed slot.

// Schedule rules.
const (
	// MaxActiveSchedules is how many schedules may be active at once.
	MaxActiveSchedules = 50
	// scheduleBatch is how many due schedules one tick takes.
	scheduleBatch = MaxActiveSchedules
	// scheduleSource is the source of what a scheduled delivery writes.
	scheduleSource = "job:report_schedules"
)

// ScheduleReport saves a scheduled delivery of a report to its targets,
// owned by the actor (who may export): its cron expression (five fields,
// ParseScheduleWhen reads people's words) read in its time zone (by
// default the owner's), its next run set, its language by default the
// owner's. At most MaxActiveSchedules are active at once. Audited.
func (s *Service) ScheduleReport(ctx context.Context, a Actor, sch *ReportSchedule) error {
	if a.User == nil || !a.Can(PermExport) {
		return Errorf(EFORBIDDEN, "err.delivery.schedule_forbidden")
	}
	if s.reports.cron == nil {
		return Errorf(EUNAVAILABLE, "err.delivery.cron_unavailable")
	}
	if s.reports.tables == nil {
		return Errorf(EUNAVAILABLE, "err.delivery.tables_unavailable")
	}
	spec, err := checkSpec(sch.Spec)
	if err != nil {
		return err
	}
	expr := strings.Join(strings.Fields(sch.Cron), " ")
	if expr == "" {
		return Errorf(EINVALID, "err.delivery.schedule_cron", "Cron", sch.Cron)
	}
	tz := strings.TrimSpace(sch.TimeZone)
	if tz == "" {
		tz = a.User.TimeZone
	}
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return Errorf(EINVALID, "err.delivery.schedule_tz", "Zone", tz)
	}
	lang := sch.Lang
	if lang == "" {
		lang = a.User.Locale
	}
	return s.update(ctx, func(tx Tx) error {
		targets, err := s.checkTargets(tx, sch.To)
		if err != nil {
			return err
		}
		f, err := s.scopeFilter(tx, a, spec.Filter)
		if err != nil {
			return err
		}
		// A recipient who may not see the records is refused now, not
		// dropped at the first run.
		if _, gone, err := s.splitTargets(tx, targets, f); err != nil {
			return err
		} else if len(gone) > 0 {
			return gone[0].Err
		}
		if spec.TemplateID != 0 {
			if t, err := tx.ReportTemplateByID(spec.TemplateID); err != nil {
				return err
			} else if t.Deleted {
				return Errorf(ENOTFOUND, "err.delivery.template_deleted", "ID", t.ID)
			}
		}
		if err := checkScheduleLimit(tx); err != nil {
			return err
		}
		if err := s.checkFrequency(expr, tx.Now(), loc); err != nil {
			return err
		}
		*sch = ReportSchedule{Spec: spec, To: targets, Cron: expr, TimeZone: tz, WorkDays: sch.WorkDays,
			OwnerID: a.ID(), Lang: lang, Active: true}
		next, err := s.nextRun(sch, tx.Now())
		if err != nil {
			return Errorf(EINVALID, "err.delivery.schedule_cron", "Cron", expr)
		}
		sch.NextRun = next
		if err := tx.CreateReportSchedule(sch); err != nil {
			return err
		}
		return tx.AddChanges(stamp([]*Change{{Entity: EntityReportSchedule, EntityID: sch.ID, Field: "created",
			New: describeSchedule(tx, sch)}}, a, "")...)
	})
}

// checkScheduleLimit refuses a schedule beyond MaxActiveSchedules.
func checkScheduleLimit(tx Tx) error {
	all, err := tx.ReportSchedules()
	if err != nil {
		return err
	}
	active := 0
	for _, s := range all {
		if s.Active {
			active++
		}
	}
	if active >= MaxActiveSchedules {
		return Errorf(ECONFLICT, "err.delivery.schedule_limit", "Max", MaxActiveSchedules)
	}
	return nil
}

// describeSchedule is a schedule in one line for the audit.
func describeSchedule(tx Tx, sch *ReportSchedule) string {
	what := "export " + string(sch.Spec.Export)
	switch {
	case sch.Spec.TemplateID != 0:
		what = fmt.Sprintf("report template #%d", sch.Spec.TemplateID)
	case sch.Spec.Export == "":
		what = "report " + string(sch.Spec.Report)
	}
	cron := fmt.Sprintf("cron %q", sch.Cron)
	if sch.WorkDays {
		cron += " on working days"
	}
	return fmt.Sprintf("%s (%s) · %s in %s · to: %s · next %s", what, sch.Spec.Format, cron, sch.TimeZone,
		describeTargets(tx, sch.To), sch.NextRun.In(Location(sch.TimeZone)).Format("2006-01-02 15:04 MST"))
}

// ReportSchedules lists the active schedules, by number: every one for an
// admin, one's own for anyone else.
func (s *Service) ReportSchedules(ctx context.Context, a Actor) ([]*ReportSchedule, error) {
	if a.User == nil {
		return nil, Errorf(EFORBIDDEN, "err.forbidden")
	}
	var out []*ReportSchedule
	err := s.view(ctx, func(tx Tx) error {
		all, err := tx.ReportSchedules()
		if err != nil {
			return err
		}
		for _, sch := range all {
			if sch.Active && (sch.OwnerID == a.ID() || a.Can(PermAdmin)) {
				out = append(out, sch)
			}
		}
		return nil
	})
	return out, err
}

// StopReportSchedule stops a schedule: its owner or an admin may. Audited.
func (s *Service) StopReportSchedule(ctx context.Context, a Actor, id int64) error {
	return s.update(ctx, func(tx Tx) error {
		sch, err := tx.ReportScheduleByID(id)
		if err != nil {
			return err
		}
		if a.User == nil || (sch.OwnerID != a.ID() && !a.Can(PermAdmin)) {
			return Errorf(EFORBIDDEN, "err.delivery.schedule_not_yours")
		}
		if !sch.Active {
			return Errorf(ECONFLICT, "err.delivery.schedule_stopped", "ID", sch.ID)
		}
		return stopSchedule(tx, a, sch, "stopped")
	})
}

// stopSchedule makes a schedule inactive, audited with the reason.
func stopSchedule(tx Tx, a Actor, sch *ReportSchedule, reason string) error {
	sch.Active = false
	if err := tx.UpdateReportSchedule(sch); err != nil {
		return err
	}
	return tx.AddChanges(stamp([]*Change{{Entity: EntityReportSchedule, EntityID: sch.ID, Field: "active",
		Old: "true", New: "false"}}, a, reason)...)
}

// RunDueReportSchedules fires the schedules due at now: each report built
// as its owner sees the records, in the schedule's zone and language, gated
// and sent or held (the owner is told, with the held run's choices), its
// next run set after now in the same transaction as the run. A schedule
// whose owner is gone or may no longer export is stopped and the admins
// told; one that cannot be built (its chat unbound, its template deleted)
// is told to the owner and waits for its next time. It returns how many
// schedules it handled (fired, failed or stopped); the scheduler calls it.
func (s *Service) RunDueReportSchedules(ctx context.Context, now time.Time) (int, error) {
	var due []*ReportSchedule
	if err := s.view(ctx, func(tx Tx) (err error) {
		due, err = tx.DueReportSchedules(now, scheduleBatch)
		return err
	}); err != nil {
		return 0, err
	}
	if len(due) > 0 && s.reports.cron == nil {
		return 0, Errorf(EUNAVAILABLE, "err.delivery.cron_unavailable")
	}
	n := 0
	var errs []error
	for _, sch := range due {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		fired, err := s.runSchedule(ctx, sch, now)
		if err != nil {
			// The others still go; this one stays due for the next tick.
			errs = append(errs, fmt.Errorf("report schedule %d: %w", sch.ID, err))
			continue
		}
		if fired {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// runSchedule fires one due schedule; fired is false when another tick
// fired it first.
func (s *Service) runSchedule(ctx context.Context, sch *ReportSchedule, now time.Time) (fired bool, err error) {
	var owner *User
	err = s.view(ctx, func(tx Tx) (err error) {
		if owner, err = tx.UserByID(sch.OwnerID); IsNotFound(err) {
			owner, err = nil, nil
		}
		return err
	})
	if err != nil {
		return false, err
	}
	if owner == nil || !owner.Can(PermExport) {
		return s.orphanSchedule(ctx, sch, owner)
	}
	a := Actor{User: owner, Source: scheduleSource}
	b, err := s.build(ctx, a, sch.Spec, sch.Lang, Location(sch.TimeZone), true)
	if err != nil {
		return s.scheduleFailed(ctx, sch, owner, now, err)
	}
	var noneLeft error
	err = s.update(ctx, func(tx Tx) error {
		cur, err := dueSchedule(tx, sch)
		if cur == nil || err != nil {
			return err
		}
		// The recipients gone (a chat unbound, a user disabled) are
		// dropped from the schedule, its owner told once; the rest get
		// the report. With none left it fails.
		live, gone, err := s.splitTargets(tx, cur.To, b.filter)
		if err == nil && len(live) == 0 {
			err = Errorf(EINVALID, "err.delivery.no_targets")
			if len(gone) > 0 {
				err = gone[0].Err
			}
		}
		if err != nil && ErrorCode(err) != EINTERNAL {
			noneLeft = err
			return nil
		} else if err != nil {
			return err
		}
		run := &ReportRun{Spec: b.spec, To: live, By: owner.ID, ScheduleID: cur.ID, Lang: cur.Lang, Source: a.Source}
		if len(gone) > 0 {
			if err := s.dropTargets(tx, a, run, b.body.Title, live, gone); err != nil {
				return err
			}
			cur.To = withoutGone(cur.To, gone)
		}
		if err := s.settleRun(tx, a, run, b, ""); err != nil {
			return err
		}
		if err := supersede(tx, a, cur, run); err != nil {
			return err
		}
		if err := s.advance(tx, cur, now, run.ID); err != nil {
			return err
		}
		fired = true
		if run.Status == RunHeld {
			return s.notifyUser(tx, owner.ID, s.heldNote(tx, owner.Locale, b.output(run)))
		}
		return nil
	})
	if err == nil && noneLeft != nil {
		return s.scheduleFailed(ctx, sch, owner, now, noneLeft)
	}
	return fired, err
}

// dueSchedule reads a schedule again in the transaction that fires it:
// nil when it was stopped or fired meanwhile (its next run moved).
func dueSchedule(tx Tx, sch *ReportSchedule) (*ReportSchedule, error) {
	cur, err := tx.ReportScheduleByID(sch.ID)
	if err != nil {
		return nil, err
	}
	if !cur.Active || !cur.NextRun.Equal(sch.NextRun) {
		return nil, nil
	}
	return cur, nil
}

// advance sets a fired schedule's next run, the first after now (missed
// ones are not made up one by one; on working days when the schedule keeps
// to the production calendar), and its last.
func (s *Service) advance(tx Tx, sch *ReportSchedule, now time.Time, runID int64) error {
	after := now
	if floor := sch.NextRun.Add(MinScheduleGap - time.Minute); !sch.NextRun.IsZero() && floor.After(after) {
		after = floor // one saved before the once-an-hour limit fires no more often
	}
	next, err := s.nextRun(sch, after)
	if err != nil {
		return err
	}
	sch.NextRun, sch.LastRun = next, now
	if runID != 0 {
		sch.LastRunID = runID
	}
	return tx.UpdateReportSchedule(sch)
}

// scheduleFailed handles a schedule that could not be built or sent: a
// failure of DealDesk itself leaves it due for the next tick; anything
// else (a chat unbound, a template deleted) is told to the owner, audited,
// and the schedule waits for its next time.
func (s *Service) scheduleFailed(ctx context.Context, sch *ReportSchedule, owner *User, now time.Time, cause error) (bool, error) {
	if ErrorCode(cause) == EINTERNAL || ctx.Err() != nil {
		return false, cause
	}
	key, args := ErrorKey(cause)
	fired := false
	err := s.update(ctx, func(tx Tx) error {
		cur, err := dueSchedule(tx, sch)
		if cur == nil || err != nil {
			return err
		}
		if err := s.advance(tx, cur, now, 0); err != nil {
			return err
		}
		fired = true
		if err := tx.AddChanges(&Change{Entity: EntityReportSchedule, EntityID: cur.ID, Field: "failed",
			New: key, Source: scheduleSource}); err != nil {
			return err
		}
		when, zone := s.ScheduleWords(owner.Locale, cur, now)
		return s.notifyUser(tx, owner.ID, Note{Key: "delivery.schedule_failed", Args: map[string]any{
			"ID": cur.ID, "When": when, "Zone": zone, "WorkDays": cur.WorkDays, "Cron": cur.Cron,
			"Error": s.text(owner.Locale, key, args), "Next": cur.NextRun}})
	})
	return fired, err
}

// orphanSchedule stops a schedule whose owner is gone, disabled, or may no
// longer export, and tells the admins.
func (s *Service) orphanSchedule(ctx context.Context, sch *ReportSchedule, owner *User) (bool, error) {
	name := fmt.Sprintf("#%d", sch.OwnerID)
	if owner != nil {
		name = owner.Name
	}
	stopped := false
	err := s.update(ctx, func(tx Tx) error {
		cur, err := dueSchedule(tx, sch)
		if cur == nil || err != nil {
			return err
		}
		if err := stopSchedule(tx, Actor{Source: scheduleSource}, cur, "owner_gone"); err != nil {
			return err
		}
		stopped = true
		return s.notifyAdmins(tx, Note{Key: "delivery.schedule_orphaned", Args: map[string]any{
			"ID": cur.ID, "Owner": name, "Cron": cur.Cron, "Zone": cur.TimeZone}})
	})
	return stopped, err
}
