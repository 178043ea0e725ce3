package postgres

import (
	"errors"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Stubs of S3's methods while they are written; this file goes when they are all done.
var errTODOS3 = errors.New("postgres: not implemented yet")
var _ = time.Now
var _ core.Tx

// DocumentTx: TODO(S3)
func (tx *Tx) CreateDocSend(s *core.DocSend) error { return errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) CreateDocument(d *core.Document) error { return errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) CreateTemplate(t *core.DocTemplate) error { return errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) DocSendByID(id int64) (*core.DocSend, error) { return *new(*core.DocSend), errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) DocumentByEDO(messageID string) (*core.Document, error) {
	return *new(*core.Document), errTODOS3
}

// DocumentTx: TODO(S3)
func (tx *Tx) DocumentByID(id int64) (*core.Document, error) { return *new(*core.Document), errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) DocumentByNumber(number string) (*core.Document, error) {
	return *new(*core.Document), errTODOS3
}

// DocumentTx: TODO(S3)
func (tx *Tx) DocumentsByDeal(dealID int64) ([]*core.Document, error) {
	return *new([]*core.Document), errTODOS3
}

// DocumentTx: TODO(S3)
func (tx *Tx) DueDocSends(now time.Time, limit int) ([]*core.DocSend, error) {
	return *new([]*core.DocSend), errTODOS3
}

// DocumentTx: TODO(S3)
func (tx *Tx) EDOCursor(operator string) (string, error) { return *new(string), errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) File(sha256 string) ([]byte, error) { return *new([]byte), errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) PutEDOCursor(operator string, cursor string) error { return errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) PutFile(ref core.FileRef, data []byte) error { return errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) TemplateByID(id int64) (*core.DocTemplate, error) {
	return *new(*core.DocTemplate), errTODOS3
}

// DocumentTx: TODO(S3)
func (tx *Tx) Templates() ([]*core.DocTemplate, error) { return *new([]*core.DocTemplate), errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) UpdateDocSend(s *core.DocSend) error { return errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) UpdateDocument(d *core.Document) error { return errTODOS3 }

// DocumentTx: TODO(S3)
func (tx *Tx) UpdateTemplate(t *core.DocTemplate) error { return errTODOS3 }

// ReminderTx: TODO(S3)
func (tx *Tx) AddControlResult(c *core.ControlResult) error { return errTODOS3 }

// ReminderTx: TODO(S3)
func (tx *Tx) CalendarYear(year int) ([]byte, error) { return *new([]byte), errTODOS3 }

// ReminderTx: TODO(S3)
func (tx *Tx) CalendarYears() ([]int, error) { return *new([]int), errTODOS3 }

// ReminderTx: TODO(S3)
func (tx *Tx) ControlResults(from time.Time, to time.Time) ([]*core.ControlResult, error) {
	return *new([]*core.ControlResult), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) ControlResultsByDeal(dealID int64) ([]*core.ControlResult, error) {
	return *new([]*core.ControlResult), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) ControlResultsByTask(taskID int64) ([]*core.ControlResult, error) {
	return *new([]*core.ControlResult), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) CountPendingReminders() (int, error) { return *new(int), errTODOS3 }

// ReminderTx: TODO(S3)
func (tx *Tx) CreateReminder(r *core.Reminder) error { return errTODOS3 }

// ReminderTx: TODO(S3)
func (tx *Tx) DueReminders(now time.Time, limit int) ([]*core.Reminder, error) {
	return *new([]*core.Reminder), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) OutboxBacklog() (map[string]int, time.Time, error) {
	return *new(map[string]int), *new(time.Time), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) PendingRemindersByUser(userID int64) ([]*core.Reminder, error) {
	return *new([]*core.Reminder), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) PutCalendarYear(year int, data []byte) error { return errTODOS3 }

// ReminderTx: TODO(S3)
func (tx *Tx) PutReminderSettings(s core.ReminderSettings) error { return errTODOS3 }

// ReminderTx: TODO(S3)
func (tx *Tx) ReminderByID(id int64) (*core.Reminder, error) { return *new(*core.Reminder), errTODOS3 }

// ReminderTx: TODO(S3)
func (tx *Tx) ReminderByKey(key string) (*core.Reminder, error) {
	return *new(*core.Reminder), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) ReminderSettings() (core.ReminderSettings, error) {
	return *new(core.ReminderSettings), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) RemindersByDeal(dealID int64) ([]*core.Reminder, error) {
	return *new([]*core.Reminder), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) RemindersByTask(taskID int64) ([]*core.Reminder, error) {
	return *new([]*core.Reminder), errTODOS3
}

// ReminderTx: TODO(S3)
func (tx *Tx) UpdateReminder(r *core.Reminder) error { return errTODOS3 }

// RequestTx: TODO(S3)
func (tx *Tx) CreateRequest(r *core.Request) error { return errTODOS3 }

// RequestTx: TODO(S3)
func (tx *Tx) PutWorkSettings(s core.WorkSettings) error { return errTODOS3 }

// RequestTx: TODO(S3)
func (tx *Tx) RequestByID(id int64) (*core.Request, error) { return *new(*core.Request), errTODOS3 }

// RequestTx: TODO(S3)
func (tx *Tx) Requests(f core.RequestFilter) ([]*core.Request, error) {
	return *new([]*core.Request), errTODOS3
}

// RequestTx: TODO(S3)
func (tx *Tx) UpdateRequest(r *core.Request) error { return errTODOS3 }

// RequestTx: TODO(S3)
func (tx *Tx) WorkSettings() (core.WorkSettings, error) { return *new(core.WorkSettings), errTODOS3 }
