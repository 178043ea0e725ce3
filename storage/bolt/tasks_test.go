package bolt_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

var day0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func newTask(title string, assignee int64, due time.Time) *core.Task {
	return &core.Task{Title: title, AssigneeID: assignee, Due: due, Status: core.TaskOpen, CreatedBy: 1}
}

func taskTitles(ts []*core.Task) []string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Title)
	}
	return s
}

// seedTasks stores tasks of two assignees, some without a due time.
func seedTasks(t *testing.T) *bolt.DB {
	t.Helper()
	db := MustOpenDB(t)
	at := func(days int) time.Time { return day0.AddDate(0, 0, days) }
	tasks := []*core.Task{
		newTask("a-nodue", 1, time.Time{}),
		newTask("a-day3", 1, at(3)),
		newTask("b-day1", 2, at(1)),
		newTask("a-day1", 1, at(1)),
		newTask("b-nodue", 2, time.Time{}),
		newTask("b-day2-done", 2, at(2)),
		newTask("a-1969", 1, time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)),
	}
	tasks[2].DealID, tasks[3].DealID, tasks[5].DealID = 7, 7, 8
	tasks[1].ClientID, tasks[2].ClientID = 5, 5
	tasks[5].Status = core.TaskDone
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, task := range tasks {
			if err := tx.CreateTask(task); err != nil {
				return err
			}
		}
		return nil
	})
	return db
}

func TestTasks_Get(t *testing.T) {
	db := seedTasks(t)
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.TaskByID(2)
		if err != nil {
			return err
		}
		want := newTask("a-day3", 1, day0.AddDate(0, 0, 3))
		want.ID, want.ClientID, want.CreatedAt, want.UpdatedAt = 2, 5, got.CreatedAt, got.UpdatedAt
		if !reflect.DeepEqual(got, want) || got.CreatedAt.IsZero() {
			t.Fatalf("TaskByID = %+v, want %+v", got, want)
		}
		_, err = tx.TaskByID(99)
		CheckCode(t, err, core.ENOTFOUND, "err.task.not_found")
		return nil
	})
	err := db.Update(t.Context(), func(tx core.Tx) error { return tx.UpdateTask(&core.Task{ID: 99}) })
	CheckCode(t, err, core.ENOTFOUND, "err.task.not_found")
}

func TestTasks_Find(t *testing.T) {
	db := seedTasks(t)
	MustView(t, db, func(tx core.Tx) error {
		for _, tt := range []struct {
			filter core.TaskFilter
			want   []string
		}{
			{core.TaskFilter{}, []string{"a-1969", "b-day1", "a-day1", "b-day2-done", "a-day3", "a-nodue", "b-nodue"}},
			{core.TaskFilter{Limit: 3}, []string{"a-1969", "b-day1", "a-day1"}},
			{core.TaskFilter{AssigneeID: 1}, []string{"a-1969", "a-day1", "a-day3", "a-nodue"}},
			{core.TaskFilter{AssigneeID: 2, Status: core.TaskOpen}, []string{"b-day1", "b-nodue"}},
			{core.TaskFilter{AssigneeID: 2, Limit: 1}, []string{"b-day1"}},
			{core.TaskFilter{DealID: 7}, []string{"b-day1", "a-day1"}},
			{core.TaskFilter{ClientID: 5}, []string{"b-day1", "a-day3"}},
			{core.TaskFilter{Status: core.TaskDone}, []string{"b-day2-done"}},
			{core.TaskFilter{DueBefore: day0.AddDate(0, 0, 2)}, []string{"a-1969", "b-day1", "a-day1"}},
			{core.TaskFilter{DueBefore: day0.AddDate(0, 0, 2), Limit: 2}, []string{"a-1969", "b-day1"}},
			{core.TaskFilter{DueBefore: day0.AddDate(0, 0, 3), Status: core.TaskOpen}, []string{"a-1969", "b-day1", "a-day1"}},
			{core.TaskFilter{DueBefore: day0.AddDate(0, 0, 9), AssigneeID: 1}, []string{"a-1969", "a-day1", "a-day3"}},
			{core.TaskFilter{AssigneeID: 3}, nil},
		} {
			ts, err := tx.FindTasks(tt.filter)
			if err != nil {
				return err
			}
			if got := taskTitles(ts); !equal(got, tt.want) {
				t.Errorf("FindTasks(%+v) = %v, want %v", tt.filter, got, tt.want)
			}
		}
		return nil
	})
}

func TestTasks_UpdateMovesIndexes(t *testing.T) {
	db := seedTasks(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		a, err := tx.TaskByID(2) // a-day3
		if err != nil {
			return err
		}
		a.AssigneeID, a.Due = 2, time.Time{}
		if err := tx.UpdateTask(a); err != nil {
			return err
		}
		b, err := tx.TaskByID(5) // b-nodue
		if err != nil {
			return err
		}
		b.Due = day0.Add(-time.Hour)
		return tx.UpdateTask(b)
	})
	MustView(t, db, func(tx core.Tx) error {
		for _, tt := range []struct {
			filter core.TaskFilter
			want   []string
		}{
			{core.TaskFilter{AssigneeID: 1}, []string{"a-1969", "a-day1", "a-nodue"}},
			{core.TaskFilter{AssigneeID: 2}, []string{"b-nodue", "b-day1", "b-day2-done", "a-day3"}},
			{core.TaskFilter{DueBefore: day0.AddDate(1, 0, 0)}, []string{"a-1969", "b-nodue", "b-day1", "a-day1", "b-day2-done"}},
		} {
			ts, err := tx.FindTasks(tt.filter)
			if err != nil {
				return err
			}
			if got := taskTitles(ts); !equal(got, tt.want) {
				t.Errorf("FindTasks(%+v) = %v, want %v", tt.filter, got, tt.want)
			}
		}
		return nil
	})
}
