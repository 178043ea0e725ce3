package postgres

import (
	"errors"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Stubs of S4's methods while they are written; this file goes when they are all done.
var errTODOS4 = errors.New("postgres: not implemented yet")
var _ = time.Now
var _ core.Tx

// ReportTx: TODO(S4)
func (tx *Tx) CreateReportMail(m *core.ReportMail) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) CreateReportRun(r *core.ReportRun) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) CreateReportSchedule(s *core.ReportSchedule) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) CreateReportTemplate(t *core.ReportTemplate) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) DueReportMails(now time.Time, limit int) ([]*core.ReportMail, error) {
	return *new([]*core.ReportMail), errTODOS4
}

// ReportTx: TODO(S4)
func (tx *Tx) DueReportSchedules(now time.Time, limit int) ([]*core.ReportSchedule, error) {
	return *new([]*core.ReportSchedule), errTODOS4
}

// ReportTx: TODO(S4)
func (tx *Tx) EachChange(from time.Time, to time.Time, fn func(*core.Change) error) error {
	return errTODOS4
}

// ReportTx: TODO(S4)
func (tx *Tx) EachClient(fn func(*core.Client) error) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) EachDeal(fn func(*core.Deal) error) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) EachDocument(fn func(*core.Document) error) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) EachReportRun(after int64, fn func(*core.ReportRun) error) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) EachTask(fn func(*core.Task) error) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) PutReportFile(ref core.FileRef, data []byte) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) ReleaseReportFile(sha256 string) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) ReportMailByID(id int64) (*core.ReportMail, error) {
	return *new(*core.ReportMail), errTODOS4
}

// ReportTx: TODO(S4)
func (tx *Tx) ReportRunByID(id int64) (*core.ReportRun, error) {
	return *new(*core.ReportRun), errTODOS4
}

// ReportTx: TODO(S4)
func (tx *Tx) ReportScheduleByID(id int64) (*core.ReportSchedule, error) {
	return *new(*core.ReportSchedule), errTODOS4
}

// ReportTx: TODO(S4)
func (tx *Tx) ReportSchedules() ([]*core.ReportSchedule, error) {
	return *new([]*core.ReportSchedule), errTODOS4
}

// ReportTx: TODO(S4)
func (tx *Tx) ReportTemplateByID(id int64) (*core.ReportTemplate, error) {
	return *new(*core.ReportTemplate), errTODOS4
}

// ReportTx: TODO(S4)
func (tx *Tx) ReportTemplates() ([]*core.ReportTemplate, error) {
	return *new([]*core.ReportTemplate), errTODOS4
}

// ReportTx: TODO(S4)
func (tx *Tx) UpdateReportMail(m *core.ReportMail) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) UpdateReportRun(r *core.ReportRun) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) UpdateReportSchedule(s *core.ReportSchedule) error { return errTODOS4 }

// ReportTx: TODO(S4)
func (tx *Tx) UpdateReportTemplate(t *core.ReportTemplate) error { return errTODOS4 }
