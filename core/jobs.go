package core

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// JobRun is what DealDesk keeps of a periodic job's runs (purging expired
// records, re-checking clients in the registries…): enough for a watchdog
// to tell that a job has stopped succeeding.
type JobRun struct {
	Name string `json:"name"`
	// LastSuccess is the time of the last run that succeeded; zero when
	// none has.
	LastSuccess time.Time `json:"last_success,omitzero"`
	// LastError and LastErrorAt are the error of the last run that failed
	// and its time. A success later does not clear them; Failing tells
	// whether the job fails now.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// Runs counts the runs, failed ones included.
	Runs int64 `json:"runs"`

	// The watchdog's (CheckJobs) view of the job. AlertedAt is when it
	// told the admins that the job had stopped succeeding: zero while no
	// such incident is open. AlertedSuccess is the job's LastSuccess then:
	// the incident closes once another success is recorded, whatever the
	// clock did meanwhile.
	AlertedAt      time.Time `json:"alerted_at,omitzero"`
	AlertedSuccess time.Time `json:"alerted_success,omitzero"`
	// CheckedAt is the watchdog's last look at the job. WatchFrom, when
	// set, is a time the watchdog measures the job's silence from instead
	// of an older success: the clock jumped (back, or forward by more than
	// ClockJumpAfter between two looks), so the time since the last
	// success said nothing about the job. It is cleared by the job's next
	// success.
	CheckedAt time.Time `json:"checked_at,omitzero"`
	WatchFrom time.Time `json:"watch_from,omitzero"`
}

// MaxJobErrorLen is how many bytes of a job's error text are kept.
const MaxJobErrorLen = 1000

// Validate checks that the record names its job.
func (r *JobRun) Validate() error {
	if strings.TrimSpace(r.Name) == "" {
		return Errorf(EINVALID, "err.job.name_required")
	}
	return nil
}

// Failing reports whether the job's last run failed.
func (r *JobRun) Failing() bool { return r.LastErrorAt.After(r.LastSuccess) }

// RecordJobRun records a run of the job called name that began at at: a
// success when runErr is nil, else a failure with runErr's text. The last
// success stays as it was when the run failed.
func (s *Service) RecordJobRun(ctx context.Context, name string, at time.Time, runErr error) error {
	return s.update(ctx, func(tx Tx) error {
		r, err := tx.JobRun(name)
		if IsNotFound(err) {
			r = &JobRun{Name: name}
		} else if err != nil {
			return err
		}
		if err := r.Validate(); err != nil {
			return err
		}
		r.Runs++
		if runErr == nil {
			r.LastSuccess = at
		} else {
			r.LastError, r.LastErrorAt = truncateText(runErr.Error(), MaxJobErrorLen), at
		}
		return tx.PutJobRun(r)
	})
}

// JobRuns returns the records of every job that has run, ordered by name.
func (s *Service) JobRuns(ctx context.Context) ([]*JobRun, error) {
	var runs []*JobRun
	err := s.view(ctx, func(tx Tx) (err error) {
		runs, err = tx.JobRuns()
		return err
	})
	return runs, err
}

// truncateText cuts s to at most n bytes without splitting a character.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
