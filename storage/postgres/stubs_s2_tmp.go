package postgres

import (
	"errors"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Stubs of S2's methods while they are written; this file goes when they are all done.
var errTODOS2 = errors.New("postgres: not implemented yet")
var _ = time.Now
var _ core.Tx

// InboxTx: TODO(S2)
func (tx *Tx) AddInboxItem(it *core.InboxItem) (added bool, err error) { return *new(bool), errTODOS2 }

// InboxTx: TODO(S2)
func (tx *Tx) InboxItem(id int64) (*core.InboxItem, error) { return *new(*core.InboxItem), errTODOS2 }

// InboxTx: TODO(S2)
func (tx *Tx) MarkInboxHandled(id int64) error { return errTODOS2 }

// InboxTx: TODO(S2)
func (tx *Tx) PendingChatItems(platform string, chatID string, limit int) ([]*core.InboxItem, error) {
	return *new([]*core.InboxItem), errTODOS2
}

// InboxTx: TODO(S2)
func (tx *Tx) PendingInboxItems(limit int) ([]*core.InboxItem, error) {
	return *new([]*core.InboxItem), errTODOS2
}

// InboxTx: TODO(S2)
func (tx *Tx) PurgeInbox(before time.Time) (int, error) { return *new(int), errTODOS2 }

// InboxTx: TODO(S2)
func (tx *Tx) PutTransportCursor(c core.TransportCursor) error { return errTODOS2 }

// InboxTx: TODO(S2)
func (tx *Tx) TransportCursor(name string) (string, error) { return *new(string), errTODOS2 }

// JobTx: TODO(S2)
func (tx *Tx) JobRun(name string) (*core.JobRun, error) { return *new(*core.JobRun), errTODOS2 }

// JobTx: TODO(S2)
func (tx *Tx) JobRuns() ([]*core.JobRun, error) { return *new([]*core.JobRun), errTODOS2 }

// JobTx: TODO(S2)
func (tx *Tx) PutJobRun(r *core.JobRun) error { return errTODOS2 }

// CorrectionTx: TODO(S2)
func (tx *Tx) ChangeByID(id int64) (*core.Change, error) { return *new(*core.Change), errTODOS2 }

// CorrectionTx: TODO(S2)
func (tx *Tx) CorrectionByID(id int64) (*core.Correction, error) {
	return *new(*core.Correction), errTODOS2
}

// CorrectionTx: TODO(S2)
func (tx *Tx) CorrectionsOf(entity core.Entity, ids ...int64) ([]*core.Correction, error) {
	return *new([]*core.Correction), errTODOS2
}

// CorrectionTx: TODO(S2)
func (tx *Tx) CreateCorrection(c *core.Correction) error { return errTODOS2 }

// CorrectionTx: TODO(S2)
func (tx *Tx) PendingCorrections(entity core.Entity, id int64) ([]*core.Correction, error) {
	return *new([]*core.Correction), errTODOS2
}

// CorrectionTx: TODO(S2)
func (tx *Tx) UpdateCorrection(c *core.Correction) error { return errTODOS2 }

// CaseTx: TODO(S2)
func (tx *Tx) AddCaseMessage(m *core.CaseMessage) error { return errTODOS2 }

// CaseTx: TODO(S2)
func (tx *Tx) CaseByID(id int64) (*core.Case, error) { return *new(*core.Case), errTODOS2 }

// CaseTx: TODO(S2)
func (tx *Tx) CaseByThread(platform string, chatID string, threadID string) (*core.Case, error) {
	return *new(*core.Case), errTODOS2
}

// CaseTx: TODO(S2)
func (tx *Tx) CaseMessageByPlatformID(caseID int64, platformID string) (*core.CaseMessage, error) {
	return *new(*core.CaseMessage), errTODOS2
}

// CaseTx: TODO(S2)
func (tx *Tx) CaseMessages(caseID int64) ([]*core.CaseMessage, error) {
	return *new([]*core.CaseMessage), errTODOS2
}

// CaseTx: TODO(S2)
func (tx *Tx) CasesByClient(clientID int64) ([]*core.Case, error) {
	return *new([]*core.Case), errTODOS2
}

// CaseTx: TODO(S2)
func (tx *Tx) CasesByDeal(dealID int64) ([]*core.Case, error) { return *new([]*core.Case), errTODOS2 }

// CaseTx: TODO(S2)
func (tx *Tx) CreateCase(c *core.Case) error { return errTODOS2 }

// CaseTx: TODO(S2)
func (tx *Tx) UpdateCase(c *core.Case) error { return errTODOS2 }

// AuditTx: TODO(S2)
func (tx *Tx) AddChanges(cs ...*core.Change) error { return errTODOS2 }

// AuditTx: TODO(S2)
func (tx *Tx) Changes(e core.Entity, id int64) ([]*core.Change, error) {
	return *new([]*core.Change), errTODOS2
}

// OutboxTx: TODO(S2)
func (tx *Tx) DueMessages(q core.OutboxQuery) ([]*core.OutboxMessage, error) {
	return *new([]*core.OutboxMessage), errTODOS2
}

// OutboxTx: TODO(S2)
func (tx *Tx) Enqueue(m *core.OutboxMessage) error { return errTODOS2 }

// OutboxTx: TODO(S2)
func (tx *Tx) OutboxMessage(id int64) (*core.OutboxMessage, error) {
	return *new(*core.OutboxMessage), errTODOS2
}

// OutboxTx: TODO(S2)
func (tx *Tx) UpdateMessage(m *core.OutboxMessage) error { return errTODOS2 }

// SessionTx: TODO(S2)
func (tx *Tx) Button(token string) (*core.Button, error) { return *new(*core.Button), errTODOS2 }

// SessionTx: TODO(S2)
func (tx *Tx) Conversation(key string) (*core.Conversation, error) {
	return *new(*core.Conversation), errTODOS2
}

// SessionTx: TODO(S2)
func (tx *Tx) DeleteButton(token string) error { return errTODOS2 }

// SessionTx: TODO(S2)
func (tx *Tx) DeleteConversation(key string) error { return errTODOS2 }

// SessionTx: TODO(S2)
func (tx *Tx) PurgeExpired(now time.Time) (int, error) { return *new(int), errTODOS2 }

// SessionTx: TODO(S2)
func (tx *Tx) PutButton(b *core.Button) error { return errTODOS2 }

// SessionTx: TODO(S2)
func (tx *Tx) PutConversation(c *core.Conversation) error { return errTODOS2 }
