package bolt_test

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestReopen_KeepsWhatWasStored: what a restart must not forget — the
// reminder settings, an identity's failed invite redemptions, the jobs'
// runs — is read back whole from the file after it is closed and opened
// again. The rules of these records are the behaviour suite's
// (storage/storetest: Reminders/Settings, Invites/FailuresKeptAndPurged,
// Jobs); this is bbolt's file keeping them.
func TestReopen_KeepsWhatWasStored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	settings := core.DefaultReminderSettings()
	settings.Leads[core.ReminderPayment] = []int{3, 0}
	settings.TaskLead = 90 * time.Minute
	settings.DayStart = 8*60 + 30
	failures := []time.Time{at.Add(-2 * time.Hour), at.Add(-time.Minute), at}
	runs := []*core.JobRun{
		{Name: "purge_expired", LastSuccess: at.Add(-time.Hour), LastError: "bolt: boom", LastErrorAt: at, Runs: 2},
		{Name: "purge_inbox", LastSuccess: at, Runs: 3},
	}

	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.PutReminderSettings(settings); err != nil {
			return err
		}
		if err := tx.PutInviteFailures("telegram:666", failures); err != nil {
			return err
		}
		for _, r := range runs {
			if err := tx.PutJobRun(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = MustOpenDBAt(t, path)
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.ReminderSettings()
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, settings) {
			t.Errorf("reminder settings after a reopen = %+v, want %+v", got, settings)
		}
		ts, err := tx.InviteFailures("telegram:666")
		if err != nil {
			return err
		}
		if !slices.EqualFunc(ts, failures, time.Time.Equal) {
			t.Errorf("invite failures after a reopen = %v, want %v", ts, failures)
		}
		rs, err := tx.JobRuns()
		if err != nil {
			return err
		}
		if len(rs) != len(runs) {
			t.Fatalf("job runs after a reopen = %+v, want %+v", rs, runs)
		}
		for i, r := range rs {
			w := runs[i]
			if r.Name != w.Name || !r.LastSuccess.Equal(w.LastSuccess) || r.LastError != w.LastError ||
				!r.LastErrorAt.Equal(w.LastErrorAt) || r.Runs != w.Runs {
				t.Errorf("job run after a reopen = %+v, want %+v", r, w)
			}
		}
		return nil
	})
}
