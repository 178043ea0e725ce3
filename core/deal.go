package core

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Stage is where a deal is in its life.
type Stage string

// Deal stages, in order.
const (
	StageNew          Stage = "new"
	StageVerification Stage = "verification"
	StageDocuments    Stage = "documents"
	StageApproval     Stage = "approval"
	StageSigning      Stage = "signing"
	StageActive       Stage = "active"
	StageClosedWon    Stage = "closed_won"
	StageClosedLost   Stage = "closed_lost"
)

// Stages lists the stages in order.
var Stages = []Stage{StageNew, StageVerification, StageDocuments, StageApproval, StageSigning,
	StageActive, StageClosedWon, StageClosedLost}

// Closed reports whether the stage ends the deal.
func (s Stage) Closed() bool { return s == StageClosedWon || s == StageClosedLost }

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return slices.Contains(Stages, s) }

// Money is an amount in kopecks; there are no floats for money.
type Money int64

// Deal is a piece of business with a client.
type Deal struct {
	ID          int64     `json:"id"`
	Number      string    `json:"number"` // D-2026-0001
	ClientID    int64     `json:"client_id"`
	ManagerID   int64     `json:"manager_id"`
	Title       string    `json:"title"`
	Amount      Money     `json:"amount"`
	Stage       Stage     `json:"stage"`
	SigningDue  time.Time `json:"signing_due,omitzero"`
	PaymentDue  time.Time `json:"payment_due,omitzero"`
	ContractEnd time.Time `json:"contract_end,omitzero"` // for renewal reminders
	// Payments is the deal's payment schedule when it has more than one
	// payment, by due date; PaymentDue is then the first one's date.
	Payments []Payment `json:"payments,omitempty"`
	// Leads are the deal's own reminder lead days by kind, replacing the
	// department's (ReminderSettings.Leads) for the kinds it names.
	Leads map[ReminderKind][]int `json:"leads,omitempty"`
	// Override is set when a head opened the deal although the registry
	// says the counterparty is liquidated or bankrupt.
	Override bool `json:"override,omitempty"`
	// ClosedFrom is the stage a closed deal was closed from, where reopening
	// takes it back; ClosedAt is when it was closed, LostReason why it was
	// lost. The stage change's audit record holds the same (its old value,
	// time and reason), so they are not audited as fields of their own.
	ClosedFrom Stage     `json:"closed_from,omitempty"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	LostReason string    `json:"lost_reason,omitempty"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Validate checks the deal's fields.
func (d *Deal) Validate() error {
	switch {
	case d.ClientID == 0:
		return Errorf(EINVALID, "err.deal.client_required")
	case d.ManagerID == 0:
		return Errorf(EINVALID, "err.deal.manager_required")
	case ValidateTitle(d.Title) != nil:
		return ValidateTitle(d.Title)
	case d.Amount < 0:
		return Errorf(EINVALID, "err.amount.negative")
	case d.Amount > MaxAmount:
		return Errorf(EINVALID, "err.amount.too_large", "Max", int64(MaxAmount))
	case !d.Stage.Valid():
		return Errorf(EINVALID, "err.deal.stage_unknown", "Stage", string(d.Stage))
	}
	for k, v := range d.Leads {
		if !k.DealDate() {
			return Errorf(EINVALID, "err.reminder.kind_unknown", "Kind", string(k))
		}
		if err := ValidateLeads(v); err != nil {
			return err
		}
	}
	if len(d.Payments) > MaxPayments {
		return Errorf(EINVALID, "err.payments.too_many", "Max", MaxPayments)
	}
	for _, p := range d.Payments {
		if p.Due.IsZero() {
			return Errorf(EINVALID, "err.payments.date_required")
		}
		if err := ValidateAmount(p.Amount); err != nil {
			return err
		}
	}
	return ValidateContractEnd(d.SigningDue, d.ContractEnd)
}

// ValidateContractEnd checks that a contract does not end before it is due
// to be signed; either date may be unset.
func ValidateContractEnd(signing, end time.Time) error {
	if !signing.IsZero() && !end.IsZero() && end.Before(signing) {
		return Errorf(EINVALID, "err.deal.contract_end_before_signing", "End", end, "Signing", signing)
	}
	return nil
}

// DealNumber formats the human number of the n-th deal of a year.
func DealNumber(year int, n uint64) string { return fmt.Sprintf("D-%d-%04d", year, n) }

var dealNumberRE = regexp.MustCompile(`^[DdДд]-(\d{4})-(\d{1,6})$`)

// ParseDealNumber reads a deal number as typed ("d-2026-1", "D-2026-0001")
// and returns it in its canonical form, D-2026-0001.
func ParseDealNumber(s string) (string, bool) {
	m := dealNumberRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.ParseUint(m[2], 10, 64)
	if y < 2000 || n == 0 {
		return "", false
	}
	return DealNumber(y, n), true
}

// ValidateTitle checks the title of a deal or task.
func ValidateTitle(title string) error {
	switch t := strings.TrimSpace(title); {
	case t == "":
		return Errorf(EINVALID, "err.title.required")
	case len([]rune(t)) > MaxTitleLen:
		return Errorf(EINVALID, "err.title.too_long", "Max", MaxTitleLen)
	}
	return nil
}

// MaxTitleLen is the longest title of a deal or task, in characters.
const MaxTitleLen = 300

// DealFilter selects deals. Zero fields do not filter.
type DealFilter struct {
	ClientID  int64
	ManagerID int64
	Open      bool // only deals that are not closed
	Limit     int
}

// TaskStatus is the state of a task.
type TaskStatus string

// Task statuses.
const (
	TaskOpen      TaskStatus = "open"
	TaskDone      TaskStatus = "done"
	TaskCancelled TaskStatus = "cancelled"
)

// Task is a piece of work with an assignee and a due time.
type Task struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	AssigneeID int64  `json:"assignee_id"` // 0 while it waits in a queue
	// Queue is the group whose first member to take the task does it
	// (the officers, for an intake), while AssigneeID is 0.
	Queue    ChatPurpose `json:"queue,omitempty"`
	IntakeID int64       `json:"intake_id,omitempty"`
	// RequestID is the request whose SLA the task carries.
	RequestID int64      `json:"request_id,omitempty"`
	DealID    int64      `json:"deal_id,omitempty"`
	ClientID  int64      `json:"client_id,omitempty"`
	Due       time.Time  `json:"due,omitzero"`
	Status    TaskStatus `json:"status"`
	Result    string     `json:"result,omitempty"`
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	DoneAt    time.Time  `json:"done_at,omitzero"`
}

// Overdue reports whether an open task is past its due time at now.
func (t *Task) Overdue(now time.Time) bool {
	return t.Status == TaskOpen && !t.Due.IsZero() && t.Due.Before(now)
}

// Validate checks the task's fields.
func (t *Task) Validate() error {
	switch {
	case ValidateTitle(t.Title) != nil:
		return ValidateTitle(t.Title)
	case len([]rune(t.Result)) > 4000:
		return Errorf(EINVALID, "err.text.too_long")
	case t.AssigneeID == 0 && t.Queue == "":
		return Errorf(EINVALID, "err.task.assignee_required")
	case t.Status != TaskOpen && t.Status != TaskDone && t.Status != TaskCancelled:
		return Errorf(EINVALID, "err.task.status_unknown")
	}
	return nil
}

// TaskFilter selects tasks. Zero fields do not filter.
type TaskFilter struct {
	AssigneeID int64
	DealID     int64
	ClientID   int64
	Status     TaskStatus
	DueBefore  time.Time // only tasks with a due time before this
	Unassigned bool      // only tasks waiting in a queue
	Limit      int
}
