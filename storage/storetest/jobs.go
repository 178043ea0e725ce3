package storetest

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Jobs/RunsByNameReplacedByAPut", testJobRuns)
}

func testJobRuns(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	view(t, s, func(tx core.Tx) error {
		_, err := tx.JobRun("purge_inbox")
		wantCodeKey(t, err, core.ENOTFOUND, "err.job.not_found")
		runs, err := tx.JobRuns()
		if err != nil || runs == nil || len(runs) != 0 {
			t.Errorf("JobRuns of an empty store = %v, %v; want an empty list", runs, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		for _, r := range []*core.JobRun{
			{Name: "purge_inbox", LastSuccess: at, Runs: 3},
			{Name: "purge_expired", LastSuccess: at.Add(-time.Hour), LastError: "postgres: boom", LastErrorAt: at, Runs: 2,
				AlertedAt: at, AlertedSuccess: at.Add(-time.Hour), CheckedAt: at, WatchFrom: at.Add(-time.Minute)},
			{Name: "Registry", Runs: 1},
		} {
			if err := tx.PutJobRun(r); err != nil {
				return err
			}
		}
		return nil
	})
	err := s.Update(t.Context(), func(tx core.Tx) error { return tx.PutJobRun(&core.JobRun{Name: " "}) })
	wantCodeKey(t, err, core.EINVALID, "err.job.name_required")
	update(t, s, func(tx core.Tx) error {
		return tx.PutJobRun(&core.JobRun{Name: "purge_inbox", LastSuccess: at.Add(time.Hour), Runs: 4})
	})
	view(t, s, func(tx core.Tx) error {
		runs, err := tx.JobRuns()
		if err != nil {
			return err
		}
		var names []string
		for _, r := range runs {
			names = append(names, r.Name)
		}
		// Byte order: capitals first.
		if len(names) != 3 || names[0] != "Registry" || names[1] != "purge_expired" || names[2] != "purge_inbox" {
			t.Fatalf("JobRuns = %v, want Registry, purge_expired, purge_inbox", names)
		}
		if r := runs[1]; !r.LastSuccess.Equal(at.Add(-time.Hour)) || r.LastError != "postgres: boom" ||
			!r.LastErrorAt.Equal(at) || r.Runs != 2 || !r.AlertedAt.Equal(at) || !r.AlertedSuccess.Equal(at.Add(-time.Hour)) ||
			!r.CheckedAt.Equal(at) || !r.WatchFrom.Equal(at.Add(-time.Minute)) {
			t.Errorf("purge_expired = %+v", r)
		}
		r, err := tx.JobRun("purge_inbox")
		if err != nil {
			return err
		}
		if !r.LastSuccess.Equal(at.Add(time.Hour)) || r.Runs != 4 || r.LastError != "" {
			t.Errorf("purge_inbox after a put = %+v", r)
		}
		return nil
	})
}
