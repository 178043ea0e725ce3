package core

import (
	"context"
	"slices"
	"time"
)

// Watchdog rules.
const (
	// WatchdogJob is the name of the job that runs CheckJobs; it does not
	// watch itself.
	WatchdogJob = "watchdog"
	// StaleAfter is how many of its intervals a job may go without a
	// success before it is taken for stuck.
	StaleAfter = 3
	// ClockJumpAfter is the longest gap between two looks of the watchdog
	// at a job that is taken for time passing: a longer one is the clock
	// jumping forward (or the machine asleep), which says nothing about
	// the job, so its silence is measured afresh from then.
	ClockJumpAfter = 10 * time.Minute
)

// CheckJobs is the watchdog: it looks at the jobs that run every[name]
// (those with a positive interval; WatchdogJob is left out) and finds the
// stale ones: no success for more than StaleAfter intervals, counted from
// the last success, or from started (when the process started) if that is
// later, or from a clock jump. A job that turns stale opens an incident:
// it is logged as an error and every active admin is told once, in the
// transaction that records it; a stale job whose success is recorded
// later closes it, and the admins are told it recovered. A clock that
// jumps back (now before the last success or the last look) or forward by
// more than ClockJumpAfter opens no incident: the jobs are measured from
// the jump on; the jump itself is logged as an error and told to the
// admins once. It returns how many incidents it opened or closed.
func (s *Service) CheckJobs(ctx context.Context, now time.Time, every map[string]time.Duration, started time.Time) (int, error) {
	var names []string
	for name, d := range every {
		if d > 0 && name != WatchdogJob {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var events []watchEvent
	err := s.update(ctx, func(tx Tx) error {
		events = events[:0]
		for _, name := range names {
			r, err := tx.JobRun(name)
			if IsNotFound(err) {
				r = &JobRun{Name: name}
			} else if err != nil {
				return err
			}
			ev := watchJob(r, now, every[name], started)
			switch {
			case ev.opened:
				if err := s.notifyUsersOfRole(tx, RoleAdmin, staleNote(r, ev.since)); err != nil {
					return err
				}
			case ev.closed:
				n := Note{Key: "notify.job.recovered", Args: map[string]any{"Job": r.Name, "At": r.LastSuccess,
					"Since": ev.alerted}}
				if err := s.notifyUsersOfRole(tx, RoleAdmin, n); err != nil {
					return err
				}
			}
			if err := tx.PutJobRun(r); err != nil {
				return err
			}
			events = append(events, ev)
		}
		// A clock jump (or the machine asleep) is told once, whatever the
		// number of jobs that saw it: reminders due in between fire late.
		for _, ev := range events {
			if ev.jumped {
				return s.notifyUsersOfRole(tx, RoleAdmin, Note{Key: "notify.clock.jumped",
					Args: map[string]any{"From": ev.checked, "To": now}})
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ev := range events {
		log := s.log.With().Str("component", "watchdog").Str("job", ev.job.Name).Logger()
		switch {
		case ev.opened:
			n++
			log.Error().Time("last_success", ev.job.LastSuccess).Time("since", ev.since).Dur("every", ev.every).
				Str("last_error", ev.job.LastError).Msg("job stale: no success for more than its intervals allow; admins told")
		case ev.closed:
			n++
			log.Info().Time("last_success", ev.job.LastSuccess).Time("alerted_at", ev.alerted).Msg("job recovered")
		}
		if ev.jumped {
			log.Error().Time("now", now).Time("checked_at", ev.checked).
				Msg("clock jump (or the watchdog did not run for a while): admins told; the job is measured from now")
		}
	}
	return n, nil
}

// watchEvent is what one look at a job found.
type watchEvent struct {
	job            *JobRun
	every          time.Duration
	since          time.Time // what its silence is measured from
	checked        time.Time // the look before
	alerted        time.Time // the incident's opening, when closed
	opened, closed bool
	jumped         bool // the clock jumped since the look before (not a restart)
}

// watchJob takes a look at r at now and updates its watchdog fields.
func watchJob(r *JobRun, now time.Time, every time.Duration, started time.Time) watchEvent {
	ev := watchEvent{job: r, every: every, checked: r.CheckedAt}
	jumped := !r.CheckedAt.IsZero() && (now.Before(r.CheckedAt) || now.Sub(r.CheckedAt) > ClockJumpAfter)
	// A process started since the last look was down, not jumping: its
	// start already restarts the count.
	ev.jumped = jumped && !(started.After(r.CheckedAt) && !started.After(now))
	r.CheckedAt = now
	// A success at or after the jump, in the present clock, ends it.
	if !r.WatchFrom.IsZero() && !r.LastSuccess.Before(r.WatchFrom) && !r.LastSuccess.After(now) {
		r.WatchFrom = time.Time{}
	}
	// A last success ahead of now: the clock went back past it.
	if ev.jumped || (r.LastSuccess.After(now) && (r.WatchFrom.IsZero() || r.WatchFrom.After(now))) {
		r.WatchFrom = now
	}
	var since time.Time
	for _, t := range []time.Time{r.LastSuccess, started, r.WatchFrom} {
		if !t.After(now) && t.After(since) {
			since = t
		}
	}
	if since.IsZero() {
		r.WatchFrom, since = now, now
	}
	ev.since = since
	stale := now.Sub(since) > StaleAfter*every
	switch {
	case stale && r.AlertedAt.IsZero():
		r.AlertedAt, r.AlertedSuccess = now, r.LastSuccess
		ev.opened = true
	case !stale && !r.AlertedAt.IsZero() && !r.LastSuccess.Equal(r.AlertedSuccess):
		ev.alerted = r.AlertedAt
		r.AlertedAt, r.AlertedSuccess = time.Time{}, time.Time{}
		ev.closed = true
	}
	return ev
}

// staleNote tells the admins that a job stopped succeeding.
func staleNote(r *JobRun, since time.Time) Note {
	args := map[string]any{"Job": r.Name, "Since": since}
	if !r.LastSuccess.IsZero() {
		args["Last"] = r.LastSuccess
	}
	if r.LastError != "" && r.Failing() {
		args["Error"], args["ErrorAt"] = r.LastError, r.LastErrorAt
	}
	return Note{Key: "notify.job.stale", Args: args}
}

// Stale reports whether the watchdog has an open incident for the job.
func (r *JobRun) Stale() bool { return !r.AlertedAt.IsZero() }

// Status is what /status shows an admin: how DealDesk's machinery is
// doing.
type Status struct {
	// At is the time of the look.
	At time.Time
	// Jobs are the records of every job that has run or been watched,
	// by name.
	Jobs []*JobRun
	// Backlog counts the outbox messages waiting, by platform; Oldest is
	// the oldest one's creation time (zero when none waits).
	Backlog map[string]int
	Oldest  time.Time
	// PendingReminders counts the reminders waiting for their time.
	PendingReminders int
	// CalendarYears are the production calendar's years loaded by admins.
	CalendarYears []int
}

// Status returns how the jobs, the outbox and the reminders are doing;
// only to admins.
func (s *Service) Status(ctx context.Context, a Actor) (*Status, error) {
	if err := a.require(PermAdmin); err != nil {
		return nil, err
	}
	st := &Status{}
	err := s.view(ctx, func(tx Tx) (err error) {
		st.At = tx.Now()
		if st.Jobs, err = tx.JobRuns(); err != nil {
			return err
		}
		if st.Backlog, st.Oldest, err = tx.OutboxBacklog(); err != nil {
			return err
		}
		if st.PendingReminders, err = tx.CountPendingReminders(); err != nil {
			return err
		}
		st.CalendarYears, err = tx.CalendarYears()
		return err
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}
