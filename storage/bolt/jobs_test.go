package bolt_test

import (
	"path/filepath"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

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
