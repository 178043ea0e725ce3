package core

import "time"

// CorrectionStatus is where a correction (корректировка) stands.
type CorrectionStatus string

// Correction statuses.
const (
	CorrectionPending  CorrectionStatus = "pending"  // waits for the second approval
	CorrectionApplied  CorrectionStatus = "applied"  // written, with its audit records
	CorrectionRejected CorrectionStatus = "rejected" // the approver refused it
	// CorrectionStale: the field changed meanwhile, so the correction
	// (its old value no longer there) was not applied.
	CorrectionStale CorrectionStatus = "stale"
)

// SensitiveFields are the fields whose correction needs a second approval:
// requisites, bank details, a deal's amount and the signatory.
var SensitiveFields = map[Entity][]string{
	EntityClient: {FieldINN, FieldKPP, FieldOGRN, FieldAccounts, FieldDirector},
	EntityDeal:   {FieldAmount},
}

// Correction is a change of one field made with a reason, perhaps for a
// request, perhaps reverting an earlier change; a sensitive one waits for
// a second approval before it is applied.
type Correction struct {
	ID     int64            `json:"id"`
	Edit   Edit             `json:"edit"`
	Status CorrectionStatus `json:"status"`
	// ProposedBy made it; DecidedBy approved or rejected it (0 when it
	// needed no approval).
	ProposedBy int64 `json:"proposed_by"`
	DecidedBy  int64 `json:"decided_by,omitempty"`
	// Note is the reason of a rejection (the approver's) or a withdrawal
	// (its author's), or why it went stale (StaleChanged, StaleClosed,
	// StaleMerged).
	Note string `json:"note,omitempty"`
	// Changes are the audit records of the applied correction.
	Changes   []int64   `json:"changes,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

// CorrectionTx stores corrections.
type CorrectionTx interface {
	CorrectionByID(id int64) (*Correction, error)
	CreateCorrection(c *Correction) error
	UpdateCorrection(c *Correction) error
	// PendingCorrections returns the corrections waiting for approval,
	// oldest first: every one when entity is "", else those of the record.
	PendingCorrections(entity Entity, id int64) ([]*Correction, error)
	// CorrectionsOf returns every correction of the records (of one
	// entity, by ID), whatever its status, oldest first: a history shows
	// what became of each.
	CorrectionsOf(entity Entity, ids ...int64) ([]*Correction, error)
	// ChangeByID returns one audit record, or ENOTFOUND.
	ChangeByID(id int64) (*Change, error)
}
