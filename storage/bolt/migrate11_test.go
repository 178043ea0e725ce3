package bolt_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// TestMigrate_Requests opens a schema-10 file with intakes: migration 11
// makes each a request of type intake under its number, with the status
// its intake and task give, links the tasks to them, and the next request
// gets the number after the last intake.
func TestMigrate_Requests(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	clock := NewClock()
	db := MustOpenDBAt(t, path, bolt.WithClock(clock))
	start := clock.Now().UTC().Truncate(time.Microsecond)
	given := core.Requisites{INN: "7707083893", ShortName: "ПАО Сбербанк"}
	// Intake 1: open, its task in the queue. 2: open, an officer took its
	// task. 3: done. 4: returned. 5: open, without a task.
	MustUpdate(t, db, func(tx core.Tx) error {
		for i, st := range []core.IntakeStatus{core.IntakeOpen, core.IntakeOpen, core.IntakeDone, core.IntakeReturned} {
			task := &core.Task{Title: "Проверить клиента", Queue: core.ChatPurpose("officers"), DealID: 7,
				Status: core.TaskOpen, CreatedBy: 5}
			if i > 0 {
				task.AssigneeID = 9
			}
			if err := tx.CreateTask(task); err != nil {
				return err
			}
			in := &core.Intake{ManagerID: 5, Given: given, TaskID: task.ID, Status: st}
			if st == core.IntakeDone {
				in.ClientID = 3
			}
			if st == core.IntakeReturned {
				in.ReturnNote = "неверный КПП"
			}
			if err := tx.CreateIntake(in); err != nil {
				return err
			}
			task.IntakeID = in.ID
			if err := tx.UpdateTask(task); err != nil {
				return err
			}
		}
		return tx.CreateIntake(&core.Intake{ManagerID: 6, Given: core.Requisites{INN: "7736050003"},
			Status: core.IntakeOpen})
	})
	db.Close()
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		for _, b := range []string{"requests", "requests_open", "requests_by_requester", "requests_by_assignee",
			"requests_by_client", "requests_by_deal", "corrections", "corrections_pending", "cases",
			"cases_by_thread", "cases_by_deal", "cases_by_client", "case_messages", "case_messages_by_pid"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 10})
	})
	clock.Add(24 * time.Hour)
	db = MustOpenDBAt(t, path, bolt.WithClock(clock))
	if got, want := schemaVersion(t, db), len(bolt.Migrations()); got != want || want < 11 {
		t.Fatalf("schema version = %d, want %d (at least 11)", got, want)
	}
	checkHealthy(t, db)
	type want struct {
		status   core.RequestStatus
		assignee int64
		client   int64
		result   string
		closed   bool
	}
	wants := map[int64]want{
		1: {status: core.RequestNew},
		2: {status: core.RequestInWork, assignee: 9},
		3: {status: core.RequestDone, assignee: 9, client: 3, closed: true},
		4: {status: core.RequestRejected, assignee: 9, result: "неверный КПП", closed: true},
		5: {status: core.RequestNew},
	}
	MustView(t, db, func(tx core.Tx) error {
		for id, w := range wants {
			r, err := tx.RequestByID(id)
			if err != nil {
				return err
			}
			in, err := tx.IntakeByID(id)
			if err != nil {
				return err
			}
			if r.Type != core.RequestIntake || r.IntakeID != id || r.RequesterID != in.ManagerID ||
				r.TaskID != in.TaskID || r.Status != w.status || r.AssigneeID != w.assignee ||
				r.ClientID != w.client || r.Result != w.result || !r.CreatedAt.Equal(start) ||
				!r.UpdatedAt.Equal(in.UpdatedAt) || r.ClosedAt.IsZero() == w.closed ||
				(w.closed && !r.ClosedAt.Equal(in.UpdatedAt)) {
				t.Errorf("request %d = %+v, want %+v from intake %+v", id, r, w, in)
			}
			if wantText := strings.TrimSpace(in.Given.ShortName + " " + in.Given.INN); r.Text != wantText {
				t.Errorf("request %d text = %q", id, r.Text)
			}
			if in.TaskID == 0 {
				continue
			}
			task, err := tx.TaskByID(in.TaskID)
			if err != nil {
				return err
			}
			if task.RequestID != id || task.IntakeID != id || task.Title != "Проверить клиента" {
				t.Errorf("task of request %d = %+v", id, task)
			}
		}
		r, err := tx.RequestByID(1)
		if err == nil && r.Text != "ПАО Сбербанк 7707083893" {
			t.Errorf("request 1 text = %q", r.Text)
		}
		if r, err = tx.RequestByID(5); err == nil && r.Text != "7736050003" {
			t.Errorf("request 5 text = %q", r.Text)
		}
		// The tasks' indexes still find them.
		ts, err := tx.FindTasks(core.TaskFilter{AssigneeID: 9})
		if err == nil && len(ts) != 3 {
			t.Errorf("tasks of the officer after the upgrade: %d, want 3", len(ts))
		}
		return err
	})
	for _, c := range []struct {
		f    core.RequestFilter
		want []int64
	}{
		{core.RequestFilter{Open: true}, []int64{1, 2, 5}},
		{core.RequestFilter{RequesterID: 5}, []int64{1, 2, 3, 4}},
		{core.RequestFilter{AssigneeID: 9, Open: true}, []int64{2}},
		{core.RequestFilter{ClientID: 3}, []int64{3}},
		{core.RequestFilter{Type: core.RequestIntake}, []int64{1, 2, 3, 4, 5}},
	} {
		if got := mustRequests(t, db, c.f); !slices.Equal(got, c.want) {
			t.Errorf("Requests(%+v) after the upgrade = %v, want %v", c.f, got, c.want)
		}
	}
	// Numbering goes on: the next request is 6, and its intake is 6 too.
	MustUpdate(t, db, func(tx core.Tx) error {
		r := &core.Request{Type: core.RequestIntake, Status: core.RequestNew, RequesterID: 5}
		if err := tx.CreateRequest(r); err != nil {
			return err
		}
		if r.ID != 6 {
			t.Errorf("the next request after the upgrade = %d, want 6", r.ID)
		}
		return tx.CreateIntake(&core.Intake{ID: r.ID, ManagerID: 5, Given: given, Status: core.IntakeOpen})
	})
	checkHealthy(t, db)
}
