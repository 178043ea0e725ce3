package bolt_test

import (
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func TestJobRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	MustView(t, db, func(tx core.Tx) error {
		_, err := tx.JobRun("purge_inbox")
		CheckCode(t, err, core.ENOTFOUND, "err.job.not_found")
		runs, err := tx.JobRuns()
		if err != nil || runs == nil || len(runs) != 0 {
			t.Fatalf("JobRuns of an empty file = %v, %v; want an empty list", runs, err)
		}
		return nil
	})
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, r := range []*core.JobRun{
			{Name: "purge_inbox", LastSuccess: at, Runs: 3},
			{Name: "purge_expired", LastSuccess: at.Add(-time.Hour), LastError: "bolt: boom",
				LastErrorAt: at, Runs: 2},
		} {
			if err := tx.PutJobRun(r); err != nil {
				return err
			}
		}
		return nil
	})
	err := db.Update(t.Context(), func(tx core.Tx) error { return tx.PutJobRun(&core.JobRun{Name: " "}) })
	CheckCode(t, err, core.EINVALID, "err.job.name_required")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The records survive a restart; a put replaces the job's record.
	db = MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.PutJobRun(&core.JobRun{Name: "purge_inbox", LastSuccess: at.Add(time.Hour), Runs: 4})
	})
	MustView(t, db, func(tx core.Tx) error {
		runs, err := tx.JobRuns()
		if err != nil {
			return err
		}
		if len(runs) != 2 || runs[0].Name != "purge_expired" || runs[1].Name != "purge_inbox" {
			t.Fatalf("JobRuns = %+v, want purge_expired and purge_inbox in name order", runs)
		}
		if r := runs[0]; !r.LastSuccess.Equal(at.Add(-time.Hour)) || r.LastError != "bolt: boom" ||
			!r.LastErrorAt.Equal(at) || r.Runs != 2 {
			t.Errorf("purge_expired = %+v", r)
		}
		r, err := tx.JobRun("purge_inbox")
		if err != nil {
			return err
		}
		if !r.LastSuccess.Equal(at.Add(time.Hour)) || r.Runs != 4 || r.LastError != "" {
			t.Errorf("purge_inbox = %+v", r)
		}
		return nil
	})
}

// TestMigrate_JobRuns: a file of schema 7, written before the jobs kept
// their runs, gets the bucket on its next start.
func TestMigrate_JobRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	restore := bolt.SetMigrations(bolt.Migrations()[:7])
	db, err := bolt.Open(path, bolt.WithNoSync(true))
	restore()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = MustOpenDBAt(t, path)
	if got := schemaVersion(t, db); got < 8 {
		t.Fatalf("schema version = %d, want at least 8", got)
	}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.PutJobRun(&core.JobRun{Name: "purge_inbox", Runs: 1}) })
}

// TestCheck_JobRun: Check reads the job runs, and reports one stored under
// another job's name.
func TestCheck_JobRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedAll(t, path)
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("job_runs")).Put([]byte("purge_expired"), []byte(`{"name": "purge_inbox"}`))
	})
	r := mustCheck(t, path)
	wantProblems(t, r, `job run "purge_expired": it cannot be read: it says its key is "purge_inbox"`)
}
