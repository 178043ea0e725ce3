package bolt_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// reportBuckets are the buckets schema 12 adds.
var reportBuckets = []string{"changes_by_time", "report_templates", "report_templates_by_name", "report_schedules",
	"report_schedules_due", "report_runs", "report_mails", "report_mails_due"}

// changeIDs lists the IDs EachChange visits over [from, to).
func changeIDs(t *testing.T, db *bolt.DB, from, to time.Time) []int64 {
	t.Helper()
	var ids []int64
	MustView(t, db, func(tx core.Tx) error {
		return tx.EachChange(from, to, func(c *core.Change) error {
			ids = append(ids, c.ID)
			return nil
		})
	})
	return ids
}

// TestMigrate_Reports opens a schema-11 file with a history: migration 12
// adds the reports' buckets and indexes the changes there are by time, so
// a period of the history is read at once; what is written after the
// upgrade is indexed as it is written.
func TestMigrate_Reports(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	clock := NewClock()
	db := MustOpenDBAt(t, path, bolt.WithClock(clock))
	t0 := clock.Now().UTC().Truncate(time.Microsecond)
	// Changes 1, 2 at t0, 3 at t0+1h, 4 at t0+2h but said to be at t0+10m.
	for _, cs := range [][]*core.Change{
		{{Entity: core.EntityDeal, EntityID: 1, Field: "stage"}, {Entity: core.EntityDeal, EntityID: 2, Field: "stage"}},
		{{Entity: core.EntityClient, EntityID: 1, Field: "address"}},
		{{Entity: core.EntityTask, EntityID: 1, Field: "status", At: t0.Add(10 * time.Minute)}},
	} {
		MustUpdate(t, db, func(tx core.Tx) error { return tx.AddChanges(cs...) })
		clock.Add(time.Hour)
	}
	db.Close()
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		for _, b := range reportBuckets {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 11})
	})
	// The schema-11 file is checked as such: nothing wrong, a note that
	// it is older.
	if r, err := bolt.CheckFile(t.Context(), path); err != nil || !r.OK() || len(r.Notes) != 1 {
		t.Fatalf("check of the schema-11 file: %v, problems %q, notes %q", err, r.Problems, r.Notes)
	}
	db = MustOpenDBAt(t, path, bolt.WithClock(clock))
	if got, want := schemaVersion(t, db), len(bolt.Migrations()); got != want || want < 12 {
		t.Fatalf("schema version = %d, want %d (at least 12)", got, want)
	}
	checkHealthy(t, db)
	if got := changeIDs(t, db, time.Time{}, time.Time{}); !slices.Equal(got, []int64{1, 2, 4, 3}) {
		t.Errorf("the history after the upgrade = %v, want [1 2 4 3]", got)
	}
	if got := changeIDs(t, db, t0.Add(time.Minute), t0.Add(time.Hour)); !slices.Equal(got, []int64{4}) {
		t.Errorf("the history of [t0+1m, t0+1h) = %v, want [4]", got)
	}
	// After the upgrade: a new change is indexed at its time, and reports
	// are stored.
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.AddChanges(&core.Change{Entity: core.EntityReport, EntityID: 1, Field: "export"}); err != nil {
			return err
		}
		return tx.CreateReportTemplate(newTemplate("Воронка"))
	})
	if got := changeIDs(t, db, t0.Add(3*time.Hour), time.Time{}); !slices.Equal(got, []int64{5}) {
		t.Errorf("the history from t0+3h = %v, want [5]", got)
	}
	if got := templateNames(t, db); !slices.Equal(got, []string{"Воронка"}) {
		t.Errorf("templates after the upgrade = %q", got)
	}
	checkHealthy(t, db)
}

// TestCheck_Reports: Check finds a change missing from the time index and
// a stale due entry of a stopped schedule.
func TestCheck_Reports(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	clock := NewClock()
	db := MustOpenDBAt(t, path, bolt.WithClock(clock))
	next := clock.Now().UTC().Add(time.Hour).Truncate(time.Microsecond)
	s := &core.ReportSchedule{Spec: core.ReportSpec{Report: core.ReportOverdue}, Cron: "0 9 * * *",
		TimeZone: "Europe/Moscow", OwnerID: 1, Active: true, NextRun: next}
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.AddChanges(&core.Change{Entity: core.EntityDeal, EntityID: 1, Field: "stage"}); err != nil {
			return err
		}
		return tx.CreateReportSchedule(s)
	})
	var timeEntry, dueEntry []byte
	rawView := func(tx *bbolt.Tx) error {
		timeEntry, _ = tx.Bucket([]byte("changes_by_time")).Cursor().First()
		dueEntry, _ = tx.Bucket([]byte("report_schedules_due")).Cursor().First()
		timeEntry, dueEntry = slices.Clone(timeEntry), slices.Clone(dueEntry)
		return nil
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		s.Active = false
		return tx.UpdateReportSchedule(s)
	})
	db.Close()
	rawUpdate(t, path, rawView)
	if timeEntry == nil || dueEntry != nil {
		t.Fatalf("time entry %x, due entry %x: want one, none", timeEntry, dueEntry)
	}
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		if err := tx.Bucket([]byte("changes_by_time")).Delete(timeEntry); err != nil {
			return err
		}
		return tx.Bucket([]byte("report_schedules_due")).Put(append(id(uint64(next.UnixNano())^1<<63), id(1)...),
			[]byte{})
	})
	wantProblems(t, mustCheck(t, path), "change 1: its entry", "is missing from index changes_by_time",
		"index report_schedules_due: entry", "points at report schedule 1, which does not list it")
}

// newTemplate is a report template of deals under name.
func newTemplate(name string) *core.ReportTemplate {
	return &core.ReportTemplate{Name: name, Entity: core.ExportDeals, OwnerID: 3, GroupBy: []string{"stage"},
		Filter:   core.ReportFilter{Rel: core.RelLastMonth, TeamID: 4},
		Measures: []core.Measure{{Func: core.MeasureCount}, {Func: core.MeasureSum, Field: "amount"}}}
}

// templateNames are the names of the stored report templates, in order.
func templateNames(t *testing.T, db *bolt.DB) []string {
	t.Helper()
	var names []string
	MustView(t, db, func(tx core.Tx) error {
		ts, err := tx.ReportTemplates()
		for _, tpl := range ts {
			names = append(names, tpl.Name)
		}
		return err
	})
	return names
}
