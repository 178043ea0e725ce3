package bolt

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/dealdesk/dealdesk/core"
)

// Task indexes:
//
//	tasks_by_assignee: assigneeID taskID → nothing
//	tasks_by_due:      timeKey(due) taskID → nothing (tasks with a due time)

// TaskByID returns the task with the ID, or ENOTFOUND.
func (tx *Tx) TaskByID(id int64) (*core.Task, error) {
	t := new(core.Task)
	if ok, err := tx.get(bktTasks, itob(id), t); err != nil {
		return nil, fmt.Errorf("bolt: task %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.task.not_found", "ID", id)
	}
	return t, nil
}

// FindTasks returns the tasks that match the filter ordered by due time,
// tasks without one last, ties by ID. With an assignee, a deal or a client
// it reads that record's tasks through its index; with DueBefore it walks
// the due index and stops early.
func (tx *Tx) FindTasks(f core.TaskFilter) ([]*core.Task, error) {
	tasks := []*core.Task{}
	collect := func(t *core.Task) bool {
		if taskMatches(t, f) {
			tasks = append(tasks, t)
		}
		return true
	}
	byIndex := func(bucket []byte, id int64) error {
		return tx.scan(bucket, itob(id), func(k, _ []byte) (bool, error) {
			t := new(core.Task)
			if err := tx.load(bktTasks, k[8:], t); err != nil {
				return false, err
			}
			return collect(t), nil
		})
	}
	var err error
	switch {
	case f.AssigneeID != 0:
		err = byIndex(bktTasksByAssignee, f.AssigneeID)
	case f.DealID != 0:
		err = byIndex(bktTasksByDeal, f.DealID)
	case f.ClientID != 0:
		err = byIndex(bktTasksByClient, f.ClientID)
	case f.Unassigned:
		err = byIndex(bktTasksByAssignee, 0)
	case !f.DueBefore.IsZero():
		// The due index is in result order, so the scan ends at the limit.
		end := timeKey(f.DueBefore)
		err = tx.scan(bktTasksByDue, nil, func(k, _ []byte) (bool, error) {
			if bytes.Compare(k[:8], end) >= 0 {
				return false, nil
			}
			t := new(core.Task)
			if err := tx.load(bktTasks, k[8:], t); err != nil {
				return false, err
			}
			collect(t)
			return !limitReached(len(tasks), f.Limit), nil
		})
	default:
		err = tx.scan(bktTasks, nil, func(_, v []byte) (bool, error) {
			t := new(core.Task)
			if err := decode(v, t); err != nil {
				return false, err
			}
			return collect(t), nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: find tasks: %w", err)
	}
	slices.SortStableFunc(tasks, compareTasks)
	if limitReached(len(tasks), f.Limit) {
		tasks = tasks[:f.Limit]
	}
	return tasks, nil
}

// taskMatches reports whether a task passes the filter.
func taskMatches(t *core.Task, f core.TaskFilter) bool {
	return (f.AssigneeID == 0 || t.AssigneeID == f.AssigneeID) &&
		(f.DealID == 0 || t.DealID == f.DealID) &&
		(f.ClientID == 0 || t.ClientID == f.ClientID) &&
		(f.Status == "" || t.Status == f.Status) &&
		(!f.Unassigned || t.AssigneeID == 0) &&
		(f.DueBefore.IsZero() || (!t.Due.IsZero() && t.Due.Before(f.DueBefore)))
}

// compareTasks orders tasks by due time, those without one last, then by ID.
func compareTasks(a, b *core.Task) int {
	switch az, bz := a.Due.IsZero(), b.Due.IsZero(); {
	case az && !bz:
		return 1
	case !az && bz:
		return -1
	}
	if c := a.Due.Compare(b.Due); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// CreateTask assigns the task an ID and stores it.
func (tx *Tx) CreateTask(t *core.Task) (err error) {
	defer wrapf(&err, "create task")
	if t.ID, err = tx.nextID(bktTasks); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = tx.now
	}
	t.UpdatedAt = tx.now
	if err := tx.put(bktTasks, itob(t.ID), t); err != nil {
		return err
	}
	return tx.reindex(nil, taskEntries(t))
}

// UpdateTask stores a changed task and updates its index entries; it returns
// ENOTFOUND for an unknown task.
func (tx *Tx) UpdateTask(t *core.Task) (err error) {
	defer wrapf(&err, "update task %d", t.ID)
	old, err := tx.TaskByID(t.ID)
	if err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = old.CreatedAt
	}
	t.UpdatedAt = tx.now
	if err := tx.put(bktTasks, itob(t.ID), t); err != nil {
		return err
	}
	return tx.reindex(taskEntries(old), taskEntries(t))
}

// taskEntries lists the index entries of a task.
func taskEntries(t *core.Task) []entry {
	id := itob(t.ID)
	es := []entry{{bktTasksByAssignee, key(itob(t.AssigneeID), id), nil}}
	if !t.Due.IsZero() {
		es = append(es, entry{bktTasksByDue, key(timeKey(t.Due), id), nil})
	}
	if t.DealID != 0 {
		es = append(es, entry{bktTasksByDeal, key(itob(t.DealID), id), nil})
	}
	if t.ClientID != 0 {
		es = append(es, entry{bktTasksByClient, key(itob(t.ClientID), id), nil})
	}
	return es
}
