package postgres

import (
	"fmt"
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// TaskByID returns the task with the ID, or ENOTFOUND.
func (tx *Tx) TaskByID(id int64) (t *core.Task, err error) {
	defer wrapf(&err, "task %d", id)
	t = new(core.Task)
	if ok, err := tx.get(t, `SELECT doc FROM tasks WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.task.not_found", "ID", id)
	}
	return t, nil
}

// FindTasks returns the tasks that match the filter ordered by due time,
// tasks without one last, ties by ID; at most f.Limit (all when <= 0). With
// DueBefore alone it walks the due index and stops at the limit.
func (tx *Tx) FindTasks(f core.TaskFilter) (tasks []*core.Task, err error) {
	defer wrapf(&err, "find tasks")
	var where []string
	var args []any
	cond := func(sql string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(sql, len(args)))
	}
	if f.AssigneeID != 0 {
		cond("assignee_id = $%d", f.AssigneeID)
	}
	if f.DealID != 0 {
		cond("deal_id = $%d", f.DealID)
	}
	if f.ClientID != 0 {
		cond("client_id = $%d", f.ClientID)
	}
	if f.Status != "" {
		cond("status = $%d", string(f.Status))
	}
	if f.Unassigned {
		where = append(where, "assignee_id = 0")
	}
	if !f.DueBefore.IsZero() {
		cond("due < $%d", f.DueBefore)
	}
	sql := "SELECT doc FROM tasks"
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, sqlLimit(f.Limit))
	sql += fmt.Sprintf(" ORDER BY due NULLS LAST, id LIMIT $%d", len(args))
	return list[core.Task](tx, sql, args...)
}

// CreateTask assigns the task an ID and stores it.
func (tx *Tx) CreateTask(t *core.Task) (err error) {
	defer wrapf(&err, "create task")
	if t.ID, err = tx.nextID("tasks"); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = tx.now
	}
	t.UpdatedAt = tx.now
	return tx.putTask(t)
}

// UpdateTask stores a changed task and its key columns; it returns ENOTFOUND
// for an unknown task.
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
	return tx.putTask(t)
}

// putTask writes a task as it is (ID kept) with its key columns.
func (tx *Tx) putTask(t *core.Task) error {
	doc, err := encode(t)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO tasks (id, assignee_id, deal_id, client_id, status, due, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET assignee_id = EXCLUDED.assignee_id, deal_id = EXCLUDED.deal_id,
			client_id = EXCLUDED.client_id, status = EXCLUDED.status, due = EXCLUDED.due, doc = EXCLUDED.doc`,
		t.ID, t.AssigneeID, t.DealID, t.ClientID, string(t.Status), nullTime(t.Due), doc)
}
