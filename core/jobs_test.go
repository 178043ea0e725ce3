package core_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func TestRecordJobRun(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"), bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := core.NewService(db)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	record := func(name string, at time.Time, runErr error) {
		t.Helper()
		if err := svc.RecordJobRun(ctx, name, at, runErr); err != nil {
			t.Fatal(err)
		}
	}
	find := func(name string) *core.JobRun {
		t.Helper()
		runs, err := svc.JobRuns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.Name == name {
				return r
			}
		}
		t.Fatalf("no record of %s in %+v", name, runs)
		return nil
	}

	record("purge_inbox", t0, nil)
	record("purge_inbox", t0.Add(time.Hour), nil)
	r := find("purge_inbox")
	if !r.LastSuccess.Equal(t0.Add(time.Hour)) || r.Runs != 2 || r.LastError != "" || r.Failing() {
		t.Fatalf("after two successes: %+v", r)
	}

	// A failure keeps the last success and says what went wrong.
	record("purge_inbox", t0.Add(2*time.Hour), errors.New("bolt: disk full"))
	r = find("purge_inbox")
	if !r.LastSuccess.Equal(t0.Add(time.Hour)) || r.LastError != "bolt: disk full" ||
		!r.LastErrorAt.Equal(t0.Add(2*time.Hour)) || r.Runs != 3 || !r.Failing() {
		t.Fatalf("after a failure: %+v", r)
	}

	// A success later: the job no longer fails; the last error stays for
	// the record.
	record("purge_inbox", t0.Add(3*time.Hour), nil)
	r = find("purge_inbox")
	if !r.LastSuccess.Equal(t0.Add(3*time.Hour)) || r.LastError != "bolt: disk full" || r.Failing() || r.Runs != 4 {
		t.Fatalf("after a success again: %+v", r)
	}

	// A long error is cut, not in the middle of a letter.
	record("registry_recheck", t0, errors.New("x"+strings.Repeat("ё", core.MaxJobErrorLen)))
	r = find("registry_recheck")
	if len(r.LastError) > core.MaxJobErrorLen || !utf8.ValidString(r.LastError) || r.LastError == "" {
		t.Fatalf("long error kept as %d bytes, valid UTF-8 %v", len(r.LastError), utf8.ValidString(r.LastError))
	}
	if !r.LastSuccess.IsZero() || !r.Failing() {
		t.Fatalf("a job that never succeeded: %+v", r)
	}

	runs, err := svc.JobRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Name != "purge_inbox" || runs[1].Name != "registry_recheck" {
		t.Fatalf("JobRuns = %+v", runs)
	}
	if err := svc.RecordJobRun(ctx, "", t0, nil); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("RecordJobRun without a name = %v, want EINVALID", err)
	}
}
