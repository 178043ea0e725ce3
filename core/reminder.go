package core

import (
	"slices"
	"strings"
	"time"
)

// ReminderKind is what a reminder is about.
type ReminderKind string

// Reminder kinds.
const (
	// ReminderSigning, ReminderPayment and ReminderRenewal come from a
	// deal's key dates: signing due, each payment of its schedule, the
	// contract's end. They fire Lead days before the date.
	ReminderSigning ReminderKind = "signing"
	ReminderPayment ReminderKind = "payment"
	ReminderRenewal ReminderKind = "renewal"
	// ReminderCustom is one a user set with /remind.
	ReminderCustom ReminderKind = "custom"
	// ReminderTaskDue fires before a task's due time, ReminderOverdue when
	// it passes, ReminderEscalation (to the assignee's head) when the task
	// is still open a while later.
	ReminderTaskDue    ReminderKind = "task_due"
	ReminderOverdue    ReminderKind = "overdue"
	ReminderEscalation ReminderKind = "escalation"
	// ReminderDigest is a user's morning digest (a manager's due and
	// overdue items, a head's summary of their people's overdue work).
	ReminderDigest ReminderKind = "digest"
)

// ReminderKinds lists the kinds in the order they are shown.
var ReminderKinds = []ReminderKind{ReminderSigning, ReminderPayment, ReminderRenewal, ReminderCustom,
	ReminderTaskDue, ReminderOverdue, ReminderEscalation, ReminderDigest}

// Valid reports whether k is a known kind.
func (k ReminderKind) Valid() bool { return slices.Contains(ReminderKinds, k) }

// DealDate reports whether the kind comes from a deal's key date.
func (k ReminderKind) DealDate() bool {
	return k == ReminderSigning || k == ReminderPayment || k == ReminderRenewal
}

// Mutable reports whether a user may mute the kind: every kind but
// escalations to heads and the reminders a user set themselves.
func (k ReminderKind) Mutable() bool { return k != ReminderEscalation && k != ReminderCustom }

// Exact reports whether a reminder of the kind fires at its time whatever
// the hour: a custom reminder's time was chosen by its user. The others
// are not urgent and wait for the recipient's working hours.
func (k ReminderKind) Exact() bool { return k == ReminderCustom }

// ReminderStatus is where a reminder is in its life.
type ReminderStatus string

// Reminder statuses.
const (
	// ReminderPending waits for its time in the due index.
	ReminderPending ReminderStatus = "pending"
	// ReminderFired was sent (or, muted, deliberately not) and waits for
	// an answer: a control result closes it.
	ReminderFired ReminderStatus = "fired"
	// ReminderClosed was answered (done, moved, escalated).
	ReminderClosed ReminderStatus = "closed"
	// ReminderCancelled will not fire: its date changed, its deal closed,
	// its task was done.
	ReminderCancelled ReminderStatus = "cancelled"
)

// Reminder is a message DealDesk owes someone at a time. Every reminder is
// stored, pending ones indexed by DueAt: nothing waits only in memory, and
// firing one writes its notification to the outbox in the same
// transaction.
type Reminder struct {
	ID int64 `json:"id"`
	// Key names the reminder by its source («deal:12:payment:2026-12-15:7»)
	// and is unique among all reminders, fired and cancelled ones
	// included: rescheduling finds the ones it made before by it, and a
	// reminder that fired is never made again.
	Key  string       `json:"key"`
	Kind ReminderKind `json:"kind"`
	// UserID is who is reminded.
	UserID   int64 `json:"user_id"`
	DealID   int64 `json:"deal_id,omitempty"`
	TaskID   int64 `json:"task_id,omitempty"`
	ClientID int64 `json:"client_id,omitempty"`
	// Target is the key date or due time the reminder is about; Lead the
	// days before it that it fires (0: on the day).
	Target time.Time `json:"target,omitzero"`
	Lead   int       `json:"lead,omitempty"`
	// Amount is a payment's amount.
	Amount Money `json:"amount,omitempty"`
	// DueAt is when it fires: indexed while pending.
	DueAt time.Time `json:"due_at"`
	// Text is a custom reminder's text.
	Text string `json:"text,omitempty"`
	// Origin is, for an escalation a user asked for, the kind of the
	// reminder escalated: answering it answers about that (a deal's
	// payment date moves).
	Origin ReminderKind   `json:"origin,omitempty"`
	Status ReminderStatus `json:"status"`
	// FiredAt is when it fired; Late that it fired well after DueAt (the
	// program was down); Muted that its user had muted the kind, so
	// nothing was sent.
	FiredAt time.Time `json:"fired_at,omitzero"`
	Late    bool      `json:"late,omitempty"`
	Muted   bool      `json:"muted,omitempty"`
	// Snoozes counts how often it was put off.
	Snoozes   int       `json:"snoozes,omitempty"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MaxReminderText is the longest text of a custom reminder, in characters.
const MaxReminderText = 1000

// Validate checks the reminder's fields.
func (r *Reminder) Validate() error {
	switch {
	case strings.TrimSpace(r.Key) == "":
		return Errorf(EINVALID, "err.reminder.key_required")
	case !r.Kind.Valid():
		return Errorf(EINVALID, "err.reminder.kind_unknown", "Kind", string(r.Kind))
	case r.UserID == 0:
		return Errorf(EINVALID, "err.reminder.user_required")
	case r.DueAt.IsZero():
		return Errorf(EINVALID, "err.reminder.due_required")
	case len([]rune(r.Text)) > MaxReminderText:
		return Errorf(EINVALID, "err.text.too_long")
	case r.Kind == ReminderCustom && strings.TrimSpace(r.Text) == "":
		return Errorf(EINVALID, "err.reminder.text_required")
	}
	switch r.Status {
	case ReminderPending, ReminderFired, ReminderClosed, ReminderCancelled:
		return nil
	}
	return Errorf(EINVALID, "err.reminder.status_unknown", "Status", string(r.Status))
}

// Subject is the kind a reminder is about: its own, or for an escalation a
// user asked for, the escalated one's.
func (r *Reminder) Subject() ReminderKind {
	if r.Kind == ReminderEscalation && r.Origin != "" {
		return r.Origin
	}
	return r.Kind
}

// ControlOutcome is what was done about a reminder or an alert.
type ControlOutcome string

// Control outcomes.
const (
	ControlDone      ControlOutcome = "done"      // with its result
	ControlSnoozed   ControlOutcome = "snoozed"   // put off until Until
	ControlMoved     ControlOutcome = "moved"     // its date moved to Until, with a reason
	ControlEscalated ControlOutcome = "escalated" // the head was told
)

// ControlResult records one answer to a reminder or alert: what, who,
// when, the outcome and its reason. /control lists them; reports read them.
type ControlResult struct {
	ID         int64          `json:"id"`
	ReminderID int64          `json:"reminder_id"`
	Kind       ReminderKind   `json:"kind"`
	DealID     int64          `json:"deal_id,omitempty"`
	TaskID     int64          `json:"task_id,omitempty"`
	ClientID   int64          `json:"client_id,omitempty"`
	UserID     int64          `json:"user_id"` // who answered
	Outcome    ControlOutcome `json:"outcome"`
	// Text is the result (done) or the reason (moved, escalated).
	Text string `json:"text,omitempty"`
	// Until is the new time (snoozed, moved).
	Until time.Time `json:"until,omitzero"`
	// Late says the answer came after the reminder's target had passed.
	Late bool      `json:"late,omitempty"`
	At   time.Time `json:"at"`
}

// Payment is one payment of a deal's schedule.
type Payment struct {
	Due    time.Time `json:"due"`
	Amount Money     `json:"amount,omitempty"`
}

// ReminderSettings are the department's reminder rules, kept in the store
// and changed by admins. Zero fields take the defaults
// (DefaultReminderSettings).
type ReminderSettings struct {
	// Leads are the days before a deal's key date that its reminders fire,
	// by kind (signing, payment, renewal); 0 is the day itself. A deal may
	// have its own (Deal.Leads).
	Leads map[ReminderKind][]int `json:"leads,omitempty"`
	// TaskLead is how long before a task's due time its reminder fires.
	TaskLead time.Duration `json:"task_lead,omitempty"`
	// EscalateAfter is how long a task may stay overdue before the
	// assignee's head is told.
	EscalateAfter time.Duration `json:"escalate_after,omitempty"`
	// DayStart and DayEnd are the working hours, as minutes from midnight
	// in each user's time zone; DigestAt is when morning digests go out.
	DayStart int `json:"day_start,omitempty"`
	DayEnd   int `json:"day_end,omitempty"`
	DigestAt int `json:"digest_at,omitempty"`
	// LateAfter is how far past its time a reminder fires before it is
	// marked late.
	LateAfter time.Duration `json:"late_after,omitempty"`
}

// DefaultReminderSettings are the rules until an admin changes them.
func DefaultReminderSettings() ReminderSettings {
	return ReminderSettings{
		Leads: map[ReminderKind][]int{
			ReminderSigning: {7, 1, 0},
			ReminderPayment: {7, 1, 0},
			ReminderRenewal: {30, 7, 1, 0},
		},
		TaskLead:      2 * time.Hour,
		EscalateAfter: 24 * time.Hour,
		DayStart:      9 * 60,
		DayEnd:        18 * 60,
		DigestAt:      9 * 60,
		LateAfter:     5 * time.Minute,
	}
}

// WithDefaults returns the settings with zero fields filled from the
// defaults.
func (s ReminderSettings) WithDefaults() ReminderSettings {
	d := DefaultReminderSettings()
	if s.Leads == nil {
		s.Leads = map[ReminderKind][]int{}
	}
	for k, v := range d.Leads {
		if _, ok := s.Leads[k]; !ok {
			s.Leads[k] = v
		}
	}
	if s.TaskLead == 0 {
		s.TaskLead = d.TaskLead
	}
	if s.EscalateAfter == 0 {
		s.EscalateAfter = d.EscalateAfter
	}
	if s.DayStart == 0 && s.DayEnd == 0 {
		s.DayStart, s.DayEnd = d.DayStart, d.DayEnd
	}
	if s.DigestAt == 0 {
		s.DigestAt = d.DigestAt
	}
	if s.LateAfter == 0 {
		s.LateAfter = d.LateAfter
	}
	return s
}

// MaxLeadDays is the longest lead time of a key-date reminder.
const MaxLeadDays = 366

// ValidateLeads checks a list of lead days.
func ValidateLeads(leads []int) error {
	for _, l := range leads {
		if l < 0 || l > MaxLeadDays {
			return Errorf(EINVALID, "err.reminder.lead_range", "Max", MaxLeadDays)
		}
	}
	return nil
}

// ReminderTx stores reminders, their control results, the reminder
// settings and the production calendar's loaded years.
type ReminderTx interface {
	ReminderByID(id int64) (*Reminder, error)
	// ReminderByKey returns the reminder with the key, whatever its
	// status, or ENOTFOUND.
	ReminderByKey(key string) (*Reminder, error)
	// CreateReminder assigns an ID; ECONFLICT when the key is taken.
	CreateReminder(r *Reminder) error
	// UpdateReminder stores r; a pending reminder is indexed by its DueAt,
	// any other status leaves the due index. The key cannot change.
	UpdateReminder(r *Reminder) error
	// DueReminders returns up to limit pending reminders with DueAt at or
	// before now, the earliest first. Its work is proportional to what it
	// returns, not to how many reminders are pending.
	DueReminders(now time.Time, limit int) ([]*Reminder, error)
	// RemindersByDeal and RemindersByTask return a deal's or a task's
	// reminders of any status, by DueAt.
	RemindersByDeal(dealID int64) ([]*Reminder, error)
	RemindersByTask(taskID int64) ([]*Reminder, error)
	// PendingRemindersByUser returns a user's pending reminders, by DueAt.
	PendingRemindersByUser(userID int64) ([]*Reminder, error)
	// CountPendingReminders counts the pending reminders.
	CountPendingReminders() (int, error)

	// AddControlResult assigns an ID and, where zero, At = Now.
	AddControlResult(c *ControlResult) error
	// ControlResultsByDeal returns the results of a deal's reminders and
	// of its tasks' (those with the DealID), oldest first.
	ControlResultsByDeal(dealID int64) ([]*ControlResult, error)
	// ControlResultsByTask returns a task's results, oldest first.
	ControlResultsByTask(taskID int64) ([]*ControlResult, error)
	// ControlResults returns the results recorded in [from, to), oldest
	// first; reports read them.
	ControlResults(from, to time.Time) ([]*ControlResult, error)

	// ReminderSettings returns the stored settings, or zero settings when
	// none were stored.
	ReminderSettings() (ReminderSettings, error)
	PutReminderSettings(s ReminderSettings) error

	// CalendarYear returns a production-calendar year file loaded by an
	// admin, or ENOTFOUND.
	CalendarYear(year int) ([]byte, error)
	PutCalendarYear(year int, data []byte) error
	// CalendarYears lists the loaded years, ascending.
	CalendarYears() ([]int, error)

	// OutboxBacklog counts the pending outbox messages by platform and
	// returns the oldest one's creation time (zero when none).
	OutboxBacklog() (map[string]int, time.Time, error)
}
