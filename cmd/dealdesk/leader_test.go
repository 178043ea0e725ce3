package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// TestConsoleSurvivesLeadershipLoss: an instance running the console on
// PostgreSQL does not exit when it loses the leadership (a database
// restart, a session killed by the DBA): it stands by and leads again.
func TestConsoleSurvivesLeadershipLoss(t *testing.T) {
	url := pgtest.NewDB(t)
	dir := t.TempDir()
	logAt := filepath.Join(dir, "child.log")
	cmd := childCommand(t, dir, "DEALDESK_DB="+url, "DEALDESK_CONSOLE=on", "DEALDESK_INSTANCE=con",
		"DEALDESK_LEADER_TIMEOUT=3s", "DEALDESK_SOFFICE="+noSoffice, "DEALDESK_HTTP_ADDR="+testHTTPAddr,
		"DEALDESK_LOG_FILE="+logAt)
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe() // kept open: the console never sees EOF
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	})
	logText := func() string { b, _ := os.ReadFile(logAt); return string(b) }
	waitUntil(t, "leading", 60*time.Second, func() bool { return strings.Contains(logText(), "leading:") }, logText)

	// Cut the leader's sessions, as a database restart would.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		t.Fatalf("the console instance exited (%v) after losing the leadership; log:\n%s", waitErr, tail(logText(), 3000))
	case <-time.After(20 * time.Second):
	}
	if n := strings.Count(logText(), `"message":"elected"`); n < 2 {
		t.Fatalf("elected %d times, want it to lead again; log:\n%s", n, tail(logText(), 3000))
	}
}

// TestOverdueJobRunsSoonAfterTakeover: a job goes on from its last run as
// the store recorded it, so that a restart or a new leader does not put it
// off by a whole interval (the hourly purges an hour at each takeover, the
// 30-day registry re-check for ever while leadership changes more often).
func TestOverdueJobRunsSoonAfterTakeover(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}
	m, ctx := jobsMain(t, t.TempDir(), clock)
	// The last leader ran the job two hours ago.
	if err := m.Service.RecordJobRun(ctx, "hourly", t0.Add(-2*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	var ran atomic.Int32
	if err := m.startJobs(ctx, []job{{Name: "hourly", Every: time.Hour,
		Run: func(context.Context, time.Time) (int, error) { ran.Add(1); return 0, nil }}}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the overdue job's run", 30*time.Second, func() bool { return ran.Load() > 0 })
}

// TestFirstRunGoesOnFromTheLastRun: where the scheduler puts a job's first
// run.
func TestFirstRunGoesOnFromTheLastRun(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		last time.Time
		want int // options: 0 the default interval, 1 a start time
	}{
		{"never ran", time.Time{}, 0},
		{"overdue", now.Add(-2 * time.Hour), 1},
		{"due in 20 minutes", now.Add(-40 * time.Minute), 1},
		{"ran in the future (clock moved back)", now.Add(time.Minute), 0},
	} {
		if got := len(firstRun(c.last, time.Hour, now)); got != c.want {
			t.Errorf("%s: %d options, want %d", c.name, got, c.want)
		}
	}
}

// TestKeywordConnectionStringIsPostgreSQL: libpq's keyword/value form in
// DEALDESK_DB runs on PostgreSQL (it was taken for a file's name, and its
// password logged), and is logged without its password.
func TestKeywordConnectionStringIsPostgreSQL(t *testing.T) {
	dsn := "host=127.0.0.1 port=5432 user=dealdesk password=Sup3rS3cret dbname=dealdesk"
	c, err := LoadConfig("", func(k string) string {
		if k == "DEALDESK_DB" {
			return dsn
		}
		return ""
	})
	if err != nil || !c.postgres() {
		t.Fatalf("DEALDESK_DB=%q: postgres %v, err %v", dsn, c.postgres(), err)
	}
	m := &Main{Config: c}
	if strings.Contains(m.dbName(), "Sup3rS3cret") {
		t.Fatalf("logged as %q", m.dbName())
	}
}
