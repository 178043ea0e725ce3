package core

import "reflect"

// A request waits in the officers' queue as a task (Request.TaskID): the
// task follows the request — given to its assignee, due at its SLA
// deadline (none while it waits for an answer), closed with it.

// updateTask runs fn on a task read in tx and stores what it changed,
// audited with the reason; a task fn left as it was is not written. fn
// decides whether the task is to change (a closed one, say, is not).
func updateTask(tx Tx, a Actor, id int64, reason string, fn func(t *Task) error) (*Task, error) {
	t, err := tx.TaskByID(id)
	if err != nil {
		return nil, err
	}
	old := *t
	if err := fn(t); err != nil {
		return nil, err
	}
	if reflect.DeepEqual(&old, t) {
		return t, nil
	}
	if err := tx.UpdateTask(t); err != nil {
		return nil, err
	}
	return t, tx.AddChanges(stamp(diffTask(&old, t), a, reason)...)
}

// assignRequestTask gives a request's open task to its assignee, audited.
func (s *Service) assignRequestTask(tx Tx, a Actor, r *Request, reason string) error {
	if r.TaskID == 0 {
		return nil
	}
	_, err := updateTask(tx, a, r.TaskID, reason, func(t *Task) error {
		if t.Status == TaskOpen {
			t.AssigneeID = r.AssigneeID
		}
		return nil
	})
	return err
}

// setRequestTaskDue makes a request's task due when the request is: none
// while it waits for an answer (its reminders go), the SLA deadline again
// once answered.
func (s *Service) setRequestTaskDue(tx Tx, a Actor, r *Request, reason string) error {
	if r.TaskID == 0 {
		return nil
	}
	_, err := updateTask(tx, a, r.TaskID, reason, func(t *Task) error {
		if t.Status == TaskOpen {
			t.Due = r.Due
		}
		return nil
	})
	return err
}

// closeRequestTask closes a request's task: done with the result, or
// cancelled with the reason of a rejection; its reminders go with it.
func (s *Service) closeRequestTask(tx Tx, a Actor, r *Request, status TaskStatus, result string) error {
	if r.TaskID == 0 {
		return nil
	}
	t, err := updateTask(tx, a, r.TaskID, "request", func(t *Task) error {
		if t.Status != TaskOpen {
			return nil
		}
		t.Status, t.Result, t.DoneAt = status, CutText(result, 4000), tx.Now()
		if t.AssigneeID == 0 {
			t.AssigneeID = r.AssigneeID
		}
		return nil
	})
	if err != nil {
		return err
	}
	return closeTaskReminders(tx, t.ID)
}

// takeTask assigns a queued task to the actor, audited; one someone has
// stays theirs.
func (s *Service) takeTask(tx Tx, a Actor, id int64) error {
	_, err := updateTask(tx, a, id, "taken", func(t *Task) error {
		if t.AssigneeID == 0 && a.User != nil {
			t.AssigneeID = a.ID()
		}
		return nil
	})
	return err
}

// addRequestArgs names the request whose task t is, for its reminders:
// its number (Request, which differs from the task's), type and requester,
// so that whoever is reminded knows which request it is.
func addRequestArgs(tx Tx, t *Task, args map[string]any) error {
	if t.RequestID == 0 {
		return nil
	}
	r, err := tx.RequestByID(t.RequestID)
	if IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	args["Request"], args["RequestType"], args["Requester"] = r.ID, string(r.Type), describeUser(tx, r.RequesterID)
	return nil
}
