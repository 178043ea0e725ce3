package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/core"
)

// job is a periodic job: a core method that takes the serve context and the
// time and returns how many records it handled. gocron only calls it.
type job struct {
	Name  string
	Every time.Duration // 0: the job does not run
	Run   func(ctx context.Context, now time.Time) (int, error)
}

// jobs lists every periodic job DealDesk runs. Each run's outcome is kept
// in the store under the job's name (core.JobRun), so keep the names.
func (m *Main) jobs() []job {
	return []job{
		// Conversations and buttons past their TTL, invite failures that no
		// longer count.
		{Name: "purge_expired", Every: time.Hour, Run: m.Service.PurgeExpired},
		// Updates handled more than core.InboxRetention ago.
		{Name: "purge_inbox", Every: time.Hour, Run: m.Service.PurgeInbox},
		// The registry drift watch (registries.go).
		{Name: "registry_recheck", Every: m.recheckEvery(), Run: m.recheckClients},
		// The watchdog: tells the admins of a job that stopped succeeding.
		{Name: core.WatchdogJob, Every: time.Minute, Run: m.checkJobs},
	}
}

// checkJobs runs the watchdog over the jobs the scheduler runs, with their
// intervals, counting from the scheduler's start.
func (m *Main) checkJobs(ctx context.Context, now time.Time) (int, error) {
	s := m.scheduler()
	if s == nil {
		return 0, errors.New("watchdog: no jobs are scheduled")
	}
	return m.Service.CheckJobs(ctx, now, s.every, s.started)
}

// scheduler runs the jobs with gocron, one run of a job at a time, and
// lets Close wait for the runs in progress.
type scheduler struct {
	cron gocron.Scheduler
	// every is each scheduled job's interval and started the clock's time
	// at the start: what the watchdog measures the jobs by.
	every   map[string]time.Duration
	started time.Time
	mu      sync.Mutex
	stopped bool
	running sync.WaitGroup
}

// startJobs schedules the jobs that have an interval and starts them. Each
// run gets ctx, which Close cancels, and the time from m.Clock. A job goes
// on from its last run as recorded in the store: its first run here comes
// one interval after that (at once when that time has passed), so that a
// restart, or a new leader on PostgreSQL, does not put it off; a job that
// never ran runs one interval after the start.
func (m *Main) startJobs(ctx context.Context, jobs []job) error {
	cron, err := gocron.NewScheduler(gocron.WithLocation(core.Location("")))
	if err != nil {
		return err
	}
	last := map[string]time.Time{}
	if runs, err := m.Service.JobRuns(ctx); err != nil {
		m.Log.Warn().Err(err).Msg("jobs' last runs not read; each runs one interval from now")
	} else {
		for _, r := range runs {
			last[r.Name] = r.LastSuccess
			if r.LastErrorAt.After(r.LastSuccess) {
				last[r.Name] = r.LastErrorAt
			}
		}
	}
	now := m.now()
	s := &scheduler{cron: cron, every: map[string]time.Duration{}, started: m.now()}
	for _, j := range jobs {
		if j.Every <= 0 {
			continue
		}
		s.every[j.Name] = j.Every
		_, err := cron.NewJob(gocron.DurationJob(j.Every), gocron.NewTask(func() {
			if !s.begin() {
				return
			}
			defer s.running.Done()
			m.runJob(ctx, j)
		}), append(firstRun(last[j.Name], j.Every, now),
			gocron.WithName(j.Name), gocron.WithSingletonMode(gocron.LimitModeReschedule))...)
		if err != nil {
			_ = cron.Shutdown()
			return fmt.Errorf("job %s: %w", j.Name, err)
		}
	}
	// Set before the start, so that the runs (the watchdog's) see it.
	m.schedMu.Lock()
	m.sched = s
	m.schedMu.Unlock()
	cron.Start()
	return nil
}

// firstRun places a job's first run one interval after its last (clock
// times; the scheduler counts in real time from now): at once when that is
// past, the default (one interval from now) when it never ran or its last
// run is not before now.
func firstRun(last time.Time, every time.Duration, now time.Time) []gocron.JobOption {
	if last.IsZero() || !last.Before(now) {
		return nil
	}
	wait := last.Add(every).Sub(now)
	if wait <= 0 {
		return []gocron.JobOption{gocron.WithStartAt(gocron.WithStartImmediately())}
	}
	if wait >= every {
		return nil
	}
	return []gocron.JobOption{gocron.WithStartAt(gocron.WithStartDateTime(time.Now().Add(wait)))}
}

// scheduler is the running scheduler, nil before the start (or, on
// PostgreSQL, while this instance stands by).
func (m *Main) scheduler() *scheduler {
	m.schedMu.Lock()
	defer m.schedMu.Unlock()
	return m.sched
}

// begin registers a run about to start; false means the scheduler is
// stopping and the run must not start.
func (s *scheduler) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	s.running.Add(1)
	return true
}

// stop stops the scheduler and waits for the runs in progress, however long
// they take: the store they write to must outlive them. Their context is
// cancelled first, so a run that honours it ends soon.
func (s *scheduler) stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	// gocron waits for its runs up to its stop timeout; begin keeps a run
	// it starts meanwhile from doing anything, and running covers the rest.
	_ = s.cron.Shutdown()
	s.running.Wait()
}

// now is the time of m's clock.
func (m *Main) now() time.Time {
	if m.Clock == nil {
		return time.Now()
	}
	return m.Clock.Now()
}

// runJob runs a job once at the clock's time and records the outcome: a
// success, or the error and its time. A run that fails because Close
// cancelled ctx is not a failure of the job and is not recorded.
func (m *Main) runJob(ctx context.Context, j job) {
	log := m.Log.With().Str("component", "scheduler").Str("job", j.Name).Logger()
	now, start := m.now(), time.Now()
	n, err := callJob(ctx, j, now, log)
	if err != nil && ctx.Err() != nil {
		log.Debug().Err(err).Msg("job interrupted by the stop")
		return
	}
	// The run happened, so it is recorded even if the stop began meanwhile;
	// the store is open until the run ends.
	if rerr := m.Service.RecordJobRun(context.WithoutCancel(ctx), j.Name, now, err); rerr != nil {
		log.Error().Err(rerr).Msg("record job run")
	}
	var ev *zerolog.Event
	switch {
	case err != nil:
		ev = log.Error().Err(err)
	case n > 0:
		ev = log.Info()
	default:
		ev = log.Debug()
	}
	ev.Int("count", n).Dur("took", time.Since(start)).Msg("job run")
}

// callJob runs a job, turning a panic into an error (its stack goes to the
// log) so that it is recorded like any failure.
func callJob(ctx context.Context, j job, now time.Time, log zerolog.Logger) (n int, err error) {
	defer func() {
		if p := recover(); p != nil {
			log.Error().Str("panic", fmt.Sprint(p)).Bytes("stack", debug.Stack()).Msg("job panic")
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.Run(ctx, now)
}
