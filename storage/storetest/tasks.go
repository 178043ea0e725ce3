package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Tasks/Get", testTasksGet)
	register("Tasks/Find", testTasksFind)
	register("Tasks/UpdateMovesIndexes", testTasksUpdateMovesIndexes)
}

var taskDay0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func newTestTask(title string, assignee int64, due time.Time) *core.Task {
	return &core.Task{Title: title, AssigneeID: assignee, Due: due, Status: core.TaskOpen, CreatedBy: 1}
}

func testTaskTitles(ts []*core.Task) []string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Title)
	}
	return s
}

// seedTestTasks stores tasks of two assignees and a queue, some without a
// due time, one due before 1970.
func seedTestTasks(t *testing.T, open Opener) core.Store {
	t.Helper()
	s, _ := newStore(t, open)
	at := func(days int) time.Time { return taskDay0.AddDate(0, 0, days) }
	tasks := []*core.Task{
		newTestTask("a-nodue", 1, time.Time{}),
		newTestTask("a-day3", 1, at(3)),
		newTestTask("b-day1", 2, at(1)),
		newTestTask("a-day1", 1, at(1)),
		newTestTask("b-nodue", 2, time.Time{}),
		newTestTask("b-day2-done", 2, at(2)),
		newTestTask("a-1969", 1, time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)),
		newTestTask("q-day4", 0, at(4)),
	}
	tasks[2].DealID, tasks[3].DealID, tasks[5].DealID = 7, 7, 8
	tasks[1].ClientID, tasks[2].ClientID = 5, 5
	tasks[5].Status = core.TaskDone
	update(t, s, func(tx core.Tx) error {
		for _, task := range tasks {
			if err := tx.CreateTask(task); err != nil {
				return err
			}
		}
		return nil
	})
	return s
}

func testTasksGet(t *testing.T, open Opener) {
	s := seedTestTasks(t, open)
	view(t, s, func(tx core.Tx) error {
		got, err := tx.TaskByID(2)
		if err != nil {
			return err
		}
		want := newTestTask("a-day3", 1, taskDay0.AddDate(0, 0, 3))
		want.ID, want.ClientID, want.CreatedAt, want.UpdatedAt = 2, 5, T0, T0
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("TaskByID = %+v, want %+v", got, want)
		}
		_, err = tx.TaskByID(99)
		wantCodeKey(t, err, core.ENOTFOUND, "err.task.not_found")
		return nil
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateTask(&core.Task{ID: 99}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.task.not_found")
}

func testTasksFind(t *testing.T, open Opener) {
	s := seedTestTasks(t, open)
	view(t, s, func(tx core.Tx) error {
		for _, tt := range []struct {
			filter core.TaskFilter
			want   []string
		}{
			{core.TaskFilter{}, []string{"a-1969", "b-day1", "a-day1", "b-day2-done", "a-day3", "q-day4", "a-nodue", "b-nodue"}},
			{core.TaskFilter{Limit: 3}, []string{"a-1969", "b-day1", "a-day1"}},
			{core.TaskFilter{AssigneeID: 1}, []string{"a-1969", "a-day1", "a-day3", "a-nodue"}},
			{core.TaskFilter{AssigneeID: 2, Status: core.TaskOpen}, []string{"b-day1", "b-nodue"}},
			{core.TaskFilter{AssigneeID: 2, Limit: 1}, []string{"b-day1"}},
			{core.TaskFilter{DealID: 7}, []string{"b-day1", "a-day1"}},
			{core.TaskFilter{DealID: 7, AssigneeID: 1}, []string{"a-day1"}},
			{core.TaskFilter{ClientID: 5}, []string{"b-day1", "a-day3"}},
			{core.TaskFilter{Status: core.TaskDone}, []string{"b-day2-done"}},
			{core.TaskFilter{Unassigned: true}, []string{"q-day4"}},
			{core.TaskFilter{Unassigned: true, DueBefore: taskDay0.AddDate(0, 0, 4)}, nil},
			{core.TaskFilter{DueBefore: taskDay0.AddDate(0, 0, 2)}, []string{"a-1969", "b-day1", "a-day1"}},
			{core.TaskFilter{DueBefore: taskDay0.AddDate(0, 0, 2), Limit: 2}, []string{"a-1969", "b-day1"}},
			{core.TaskFilter{DueBefore: taskDay0.AddDate(0, 0, 3), Status: core.TaskOpen}, []string{"a-1969", "b-day1", "a-day1"}},
			{core.TaskFilter{DueBefore: taskDay0.AddDate(0, 0, 9), AssigneeID: 1}, []string{"a-1969", "a-day1", "a-day3"}},
			{core.TaskFilter{AssigneeID: 3}, nil},
		} {
			ts, err := tx.FindTasks(tt.filter)
			if err != nil {
				return err
			}
			if ts == nil {
				t.Errorf("FindTasks(%+v) = nil, want a list", tt.filter)
			}
			if got := testTaskTitles(ts); !slices.Equal(got, tt.want) {
				t.Errorf("FindTasks(%+v) = %v, want %v", tt.filter, got, tt.want)
			}
		}
		return nil
	})
}

func testTasksUpdateMovesIndexes(t *testing.T, open Opener) {
	s := seedTestTasks(t, open)
	update(t, s, func(tx core.Tx) error {
		a, err := tx.TaskByID(2) // a-day3
		if err != nil {
			return err
		}
		a.AssigneeID, a.Due, a.ClientID = 2, time.Time{}, 0
		if err := tx.UpdateTask(a); err != nil {
			return err
		}
		b, err := tx.TaskByID(5) // b-nodue
		if err != nil {
			return err
		}
		b.Due, b.DealID = taskDay0.Add(-time.Hour), 8
		return tx.UpdateTask(b)
	})
	view(t, s, func(tx core.Tx) error {
		for _, tt := range []struct {
			filter core.TaskFilter
			want   []string
		}{
			{core.TaskFilter{AssigneeID: 1}, []string{"a-1969", "a-day1", "a-nodue"}},
			{core.TaskFilter{AssigneeID: 2}, []string{"b-nodue", "b-day1", "b-day2-done", "a-day3"}},
			{core.TaskFilter{DueBefore: taskDay0.AddDate(1, 0, 0)}, []string{"a-1969", "b-nodue", "b-day1", "a-day1", "b-day2-done", "q-day4"}},
			{core.TaskFilter{ClientID: 5}, []string{"b-day1"}},
			{core.TaskFilter{DealID: 8}, []string{"b-nodue", "b-day2-done"}},
		} {
			ts, err := tx.FindTasks(tt.filter)
			if err != nil {
				return err
			}
			if got := testTaskTitles(ts); !slices.Equal(got, tt.want) {
				t.Errorf("FindTasks(%+v) = %v, want %v", tt.filter, got, tt.want)
			}
		}
		return nil
	})
}
