package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// jobsMain returns a Main on a new database in dir with the clock, opened
// as serve opens it but with nothing started, and a serve context that
// Close cancels.
func jobsMain(t *testing.T, dir string, clock core.Clock) (*Main, context.Context) {
	t.Helper()
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Getenv = func(k string) string {
		switch k {
		case "DEALDESK_DB":
			return filepath.Join(dir, "dealdesk.db")
		case "DEALDESK_HTTP_ADDR":
			return testHTTPAddr
		}
		return ""
	}
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	m.Log, m.Clock = zerolog.New(io.Discard), clock
	if err := m.open(nil); err != nil {
		t.Fatal(err)
	}
	var ctx context.Context
	ctx, m.cancel = context.WithCancel(context.Background())
	t.Cleanup(func() { m.Close() })
	return m, ctx
}

// jobRun returns the stored record of the job, nil when there is none.
func jobRun(t *testing.T, m *Main, name string) *core.JobRun {
	t.Helper()
	runs, err := m.Service.JobRuns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// TestJobs_RecordedAtTheClocksTime: the scheduler runs a job with the
// injected clock's time and records its success then; a failing run
// records its error and keeps the last success.
func TestJobs_RecordedAtTheClocksTime(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	clock := &fakeClock{t: t0}
	m, ctx := jobsMain(t, t.TempDir(), clock)
	var fail atomic.Bool
	var seen []time.Time
	var mu sync.Mutex
	err := m.startJobs(ctx, []job{{Name: "flaky", Every: 20 * time.Millisecond,
		Run: func(_ context.Context, now time.Time) (int, error) {
			mu.Lock()
			seen = append(seen, now)
			mu.Unlock()
			if fail.Load() {
				return 0, errors.New("registry down")
			}
			return 1, nil
		}}})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "a successful run", 5*time.Second, func() bool {
		r := jobRun(t, m, "flaky")
		return r != nil && !r.LastSuccess.IsZero()
	})
	if r := jobRun(t, m, "flaky"); !r.LastSuccess.Equal(t0) || r.LastError != "" || r.Runs < 1 {
		t.Fatalf("after a success: %+v, want the last success at %v", r, t0)
	}

	// From now on it fails; the clock moves after the job starts failing,
	// so every run at t1 fails.
	fail.Store(true)
	clock.Set(t1)
	waitUntil(t, "a failed run at t1", 5*time.Second, func() bool {
		r := jobRun(t, m, "flaky")
		return r.LastErrorAt.Equal(t1)
	})
	r := jobRun(t, m, "flaky")
	if !r.LastSuccess.Equal(t0) || r.LastError != "registry down" || !r.Failing() || r.Runs < 2 {
		t.Fatalf("after a failure: %+v, want the error at %v and the last success still at %v", r, t1, t0)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, now := range seen {
		if !now.Equal(t0) && !now.Equal(t1) {
			t.Fatalf("a run got now = %v, not the clock's time", now)
		}
	}
}

// TestJobs_Table: every periodic job is in the table; the inbox purge
// deletes what was handled more than core.InboxRetention ago.
func TestJobs_Table(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}
	m, ctx := jobsMain(t, t.TempDir(), clock)
	table := map[string]job{}
	for _, j := range m.jobs() {
		table[j.Name] = j
	}
	for name, every := range map[string]time.Duration{"purge_expired": time.Hour, "purge_inbox": time.Hour,
		"registry_recheck": 0, // no registry configured
		"watchdog":         time.Minute} {
		if j, ok := table[name]; !ok || j.Every != every || j.Run == nil {
			t.Errorf("job %s: %+v, want it every %v", name, j, every)
		}
	}

	var id int64
	err := m.DB.Update(ctx, func(tx core.Tx) error {
		it := &core.InboxItem{Platform: "telegram", Key: "1", ChatID: "1", Payload: []byte("{}")}
		if _, err := tx.AddInboxItem(it); err != nil {
			return err
		}
		id = it.ID
		return tx.MarkInboxHandled(id)
	})
	if err != nil {
		t.Fatal(err)
	}
	at := t0.Add(core.InboxRetention + time.Minute)
	clock.Set(at)
	m.runJob(ctx, table["purge_inbox"])
	err = m.DB.View(ctx, func(tx core.Tx) error {
		_, err := tx.InboxItem(id)
		return err
	})
	if !core.IsNotFound(err) {
		t.Fatalf("the handled update is still there after the purge: %v", err)
	}
	if r := jobRun(t, m, "purge_inbox"); r == nil || !r.LastSuccess.Equal(at) || r.Runs != 1 {
		t.Fatalf("purge_inbox run = %+v, want a success at %v", r, at)
	}
}

// TestJobs_CloseWaitsForRunningJobs: Close cancels the jobs' context and
// waits for the runs in progress before it closes the store, so a job in
// the middle of its work (one that does not look at ctx for a while) still
// finds the store open, and its run is recorded; a job that ends on the
// cancel is not recorded as failed.
func TestJobs_CloseWaitsForRunningJobs(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	m, ctx := jobsMain(t, dir, &fakeClock{t: t0})
	slowStarted, politeStarted := make(chan struct{}), make(chan struct{})
	var slowErr error
	var slowDone, politeDone atomic.Bool
	var once1, once2 sync.Once
	err := m.startJobs(ctx, []job{
		{Name: "slow", Every: 10 * time.Millisecond, Run: func(ctx context.Context, now time.Time) (int, error) {
			once1.Do(func() { close(slowStarted) })
			time.Sleep(300 * time.Millisecond)
			_, slowErr = m.Service.PurgeInbox(context.WithoutCancel(ctx), now)
			slowDone.Store(true)
			return 0, slowErr
		}},
		{Name: "polite", Every: 10 * time.Millisecond, Run: func(ctx context.Context, _ time.Time) (int, error) {
			once2.Do(func() { close(politeStarted) })
			<-ctx.Done()
			politeDone.Store(true)
			return 0, ctx.Err()
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	<-slowStarted
	<-politeStarted
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if !slowDone.Load() || !politeDone.Load() {
		t.Fatalf("Close returned before the running jobs ended (slow %v, polite %v)", slowDone.Load(), politeDone.Load())
	}
	if slowErr != nil {
		t.Fatalf("the slow job's write failed: %v", slowErr)
	}

	db, err := bolt.Open(filepath.Join(dir, "dealdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	runs, err := core.NewService(db).JobRuns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(runs, func(r *core.JobRun) bool { return r.Name == "slow" })
	if i < 0 || !runs[i].LastSuccess.Equal(t0) {
		t.Fatalf("job runs = %+v, want slow's success at %v", runs, t0)
	}
	for _, r := range runs {
		if r.Name == "polite" && r.LastError != "" {
			t.Fatalf("the cancelled run was recorded as a failure: %+v", r)
		}
	}
}

// TestServe_SchedulesTheJobs: the running program has the table's jobs in
// its scheduler, those without an interval left out.
func TestServe_SchedulesTheJobs(t *testing.T) {
	dir := t.TempDir()
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr, m.Interactive = strings.NewReader(""), io.Discard, io.Discard, false
	m.Getenv = func(k string) string {
		switch k {
		case "DEALDESK_DB":
			return filepath.Join(dir, "dealdesk.db")
		case "DEALDESK_HTTP_ADDR":
			return testHTTPAddr
		case "DEALDESK_FILES_DIR":
			return filepath.Join(dir, "files")
		}
		return ""
	}
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var names []string
	for _, j := range m.sched.cron.Jobs() {
		names = append(names, j.Name())
	}
	slices.Sort(names)
	if want := []string{"calendar_check", "deliver_documents", "ensure_digests", "purge_expired", "purge_inbox",
		"purge_report_files", "remind_tick", "report_mails", "report_schedules", "watchdog"}; !slices.Equal(names, want) {
		t.Fatalf("scheduled jobs = %q, want %q", names, want)
	}
}

// TestJobs_Watchdog: the watchdog job watches the jobs the scheduler runs,
// with their intervals, from the scheduler's start: a job that has not
// succeeded for three of its intervals opens an incident, told to the
// admins; one that runs on time and one that is not scheduled do not.
func TestJobs_Watchdog(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}
	m, ctx := jobsMain(t, t.TempDir(), clock)
	if err := m.Service.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:1", Name: "Админ"}}); err != nil {
		t.Fatal(err)
	}
	never := func(context.Context, time.Time) (int, error) { return 0, nil }
	var watchdog job
	for _, j := range m.jobs() {
		if j.Name == core.WatchdogJob {
			watchdog = j
		}
	}
	// Hourly jobs: gocron does not run them while the test lasts.
	err := m.startJobs(ctx, []job{{Name: "stuck", Every: time.Hour, Run: never},
		{Name: "fine", Every: time.Hour, Run: never}, {Name: "unscheduled", Run: never}})
	if err != nil {
		t.Fatal(err)
	}
	// The watchdog looks every few minutes; "fine" succeeds on time.
	for at := t0; !at.After(t0.Add(3*time.Hour + 5*time.Minute)); at = at.Add(5 * time.Minute) {
		clock.Set(at)
		if at.Sub(t0)%time.Hour == 0 && at != t0 {
			if err := m.Service.RecordJobRun(ctx, "fine", at, nil); err != nil {
				t.Fatal(err)
			}
		}
		m.runJob(ctx, watchdog)
	}
	if r := jobRun(t, m, "stuck"); r == nil || !r.Stale() || !r.AlertedAt.Equal(t0.Add(3*time.Hour+5*time.Minute)) {
		t.Fatalf("stuck = %+v, want an incident opened at 3 h 5 min", r)
	}
	if r := jobRun(t, m, "fine"); r == nil || r.Stale() {
		t.Fatalf("fine = %+v, want no incident", r)
	}
	if r := jobRun(t, m, "unscheduled"); r != nil {
		t.Fatalf("a job without an interval was watched: %+v", r)
	}
	if r := jobRun(t, m, core.WatchdogJob); r == nil || r.Failing() || r.Runs != 38 {
		t.Fatalf("watchdog runs = %+v, want 38 successes", r)
	}
	var told int
	err = m.DB.View(ctx, func(tx core.Tx) error {
		ms, err := tx.DueMessages(core.OutboxQuery{Platform: "telegram", Now: t0.Add(4 * time.Hour)})
		for _, msg := range ms {
			if msg.Key == "notify.job.stale" && msg.Args["Job"] == "stuck" && msg.ChatID == "1" {
				told++
			}
		}
		return err
	})
	if err != nil || told != 1 {
		t.Fatalf("stale notices to the admin about stuck: %d (%v), want 1", told, err)
	}
}
