package core

import (
	"context"
	"strings"
	"time"
)

// CreateTask adds a task. Assigning it to someone else needs
// PermAssignTasks; the assignee is told.
func (s *Service) CreateTask(ctx context.Context, a Actor, t *Task) (*Task, error) {
	if err := a.require(PermTasks); err != nil {
		return nil, err
	}
	if t.AssigneeID == 0 {
		t.AssigneeID = a.ID()
	}
	if t.AssigneeID != a.ID() && !a.Can(PermAssignTasks) {
		return nil, Errorf(EFORBIDDEN, "err.task.assign_forbidden")
	}
	t.Status, t.CreatedBy, t.Title = TaskOpen, a.ID(), strings.TrimSpace(t.Title)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx Tx) error {
		if u, err := tx.UserByID(t.AssigneeID); err != nil {
			return err
		} else if !u.Active {
			// The task would wait for nobody and its notice go nowhere.
			return Errorf(EINVALID, "err.task.assignee_inactive", "Name", u.Name)
		}
		if t.DealID != 0 {
			d, err := tx.DealByID(t.DealID)
			if err != nil {
				return err
			}
			if !canSeeDeal(a, d) {
				return Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
			}
			t.ClientID = d.ClientID
		} else if t.ClientID != 0 {
			if _, err := tx.ClientByID(t.ClientID); err != nil {
				return err
			}
		}
		if err := tx.CreateTask(t); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffTask(&Task{}, t), a, "created")...); err != nil {
			return err
		}
		if t.AssigneeID == a.ID() {
			return nil
		}
		return s.notifyUser(tx, t.AssigneeID, Note{Key: "notify.task.assigned", Args: map[string]any{
			"ID": t.ID, "Title": t.Title, "Due": optTime(t.Due), "By": describeUser(tx, a.ID())}})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// TaskByID returns a task the actor may see: their own, one they created,
// or any with PermAssignTasks.
func (s *Service) TaskByID(ctx context.Context, a Actor, id int64) (*Task, error) {
	var t *Task
	err := s.view(ctx, func(tx Tx) (err error) {
		t, err = tx.TaskByID(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !canSeeTask(a, t) {
		return nil, Errorf(ENOTFOUND, "err.task.not_found")
	}
	return t, nil
}

func canSeeTask(a Actor, t *Task) bool {
	return a.Can(PermAssignTasks) || (a.Can(PermTasks) && (a.ID() == t.AssigneeID || a.ID() == t.CreatedBy))
}

// MyTasks returns the actor's open tasks by due time: overdue first, those
// without a due time last.
func (s *Service) MyTasks(ctx context.Context, a Actor) ([]*Task, error) {
	if err := a.require(PermTasks); err != nil {
		return nil, err
	}
	var ts []*Task
	err := s.view(ctx, func(tx Tx) (err error) {
		ts, err = tx.FindTasks(TaskFilter{AssigneeID: a.ID(), Status: TaskOpen})
		if err != nil || !a.Can(PermVerify) {
			return err
		}
		// Officers also see the queue nobody has taken yet.
		queued, err := tx.FindTasks(TaskFilter{Unassigned: true, Status: TaskOpen})
		ts = append(ts, queued...)
		return err
	})
	return ts, err
}

// CompleteTask closes an open task with its result, audited; whoever set the
// task is told.
func (s *Service) CompleteTask(ctx context.Context, a Actor, id int64, result string) (*Task, error) {
	var t *Task
	err := s.update(ctx, func(tx Tx) (err error) {
		t, err = s.completeTask(tx, a, id, result)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// completeTask is CompleteTask in tx; the task's fired reminders and
// alerts are settled with it.
func (s *Service) completeTask(tx Tx, a Actor, id int64, result string) (*Task, error) {
	result = strings.TrimSpace(result)
	if result == "" {
		return nil, Errorf(EINVALID, "err.task.result_required")
	}
	t, err := tx.TaskByID(id)
	if err != nil {
		return nil, err
	}
	if t.AssigneeID != a.ID() && !a.Can(PermAssignTasks) {
		return nil, Errorf(ENOTFOUND, "err.task.not_found")
	}
	if t.IntakeID != 0 {
		return nil, Errorf(EINVALID, "err.task.intake", "ID", t.IntakeID)
	}
	if t.Status != TaskOpen {
		return nil, Errorf(ECONFLICT, "err.task.not_open", "ID", t.ID)
	}
	if t.RequestID != 0 {
		// A request's task is done when the request is: the request
		// closes it, tells the requester and records the result.
		if _, err := s.doneRequest(tx, a, t.RequestID, result); err != nil {
			return nil, err
		}
		return tx.TaskByID(t.ID)
	}
	old := *t
	t.Status, t.Result, t.DoneAt = TaskDone, result, tx.Now()
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := tx.UpdateTask(t); err != nil {
		return nil, err
	}
	if err := tx.AddChanges(stamp(diffTask(&old, t), a, "done")...); err != nil {
		return nil, err
	}
	if err := closeTaskReminders(tx, t.ID); err != nil {
		return nil, err
	}
	if t.CreatedBy == 0 || t.CreatedBy == a.ID() {
		return t, nil
	}
	return t, s.notifyUser(tx, t.CreatedBy, Note{Key: "notify.task.done", Args: map[string]any{
		"ID": t.ID, "Title": t.Title, "Result": t.Result, "By": describeUser(tx, a.ID())}})
}

// optTime is a time for a message template's {{if}}: nil when zero.
func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
