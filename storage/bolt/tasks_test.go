package bolt_test

import (
	"time"

	"github.com/dealdesk/dealdesk/core"
)

var day0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func newTask(title string, assignee int64, due time.Time) *core.Task {
	return &core.Task{Title: title, AssigneeID: assignee, Due: due, Status: core.TaskOpen, CreatedBy: 1}
}
