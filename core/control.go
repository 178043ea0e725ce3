package core

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Control: what people do about reminders and alerts. Each answer —
// Выполнено, Отложить, Перенести, Эскалировать — is recorded as a
// ControlResult in the transaction of the change it makes.

// SnoozeOption is how long a reminder is put off.
type SnoozeOption string

// Snooze options: an hour, or the next working morning.
const (
	SnoozeHour     SnoozeOption = "1h"
	SnoozeTomorrow SnoozeOption = "tomorrow"
)

// MaxCustomReminderAhead is how far ahead a custom reminder may be set.
const MaxCustomReminderAhead = 2 * 366 * 24 * time.Hour

// CustomReminder is what /remind asks for: a time, a text and what it is
// about (a deal, a task or a client; none is a personal note).
type CustomReminder struct {
	DealID, TaskID, ClientID int64
	At                       time.Time
	Text                     string
}

// CreateReminder sets a custom reminder for the actor.
func (s *Service) CreateReminder(ctx context.Context, a Actor, c CustomReminder) (*Reminder, error) {
	if err := a.require(PermTasks); err != nil {
		return nil, err
	}
	r := &Reminder{Kind: ReminderCustom, UserID: a.ID(), DealID: c.DealID, TaskID: c.TaskID, ClientID: c.ClientID,
		Target: c.At, DueAt: c.At, Text: strings.TrimSpace(c.Text), Status: ReminderPending, CreatedBy: a.ID(),
		Key: "custom:" + NewToken()}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx Tx) error {
		now := tx.Now()
		if !c.At.After(now) {
			return Errorf(EINVALID, "err.reminder.past", "At", c.At)
		}
		if c.At.Sub(now) > MaxCustomReminderAhead {
			return Errorf(EINVALID, "err.reminder.too_far")
		}
		if err := s.checkSubject(tx, a, r); err != nil {
			return err
		}
		if err := tx.CreateReminder(r); err != nil {
			return err
		}
		return tx.AddChanges(reminderChange(r, a, "created"))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// checkSubject fills a reminder's deal and client from its task or deal
// and checks that the actor may see what it is about.
func (s *Service) checkSubject(tx Tx, a Actor, r *Reminder) error {
	if r.TaskID != 0 {
		t, err := tx.TaskByID(r.TaskID)
		if err != nil {
			return err
		}
		if !canSeeTask(a, t) {
			return Errorf(ENOTFOUND, "err.task.not_found")
		}
		r.DealID, r.ClientID = t.DealID, t.ClientID
	}
	if r.DealID != 0 {
		d, err := tx.DealByID(r.DealID)
		if err != nil {
			return err
		}
		if !canSeeDeal(a, d) {
			return Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
		}
		r.ClientID = d.ClientID
	}
	if r.ClientID != 0 {
		if _, err := tx.ClientByID(r.ClientID); err != nil {
			return err
		}
	}
	return nil
}

// reminderChange is the audit record of a custom reminder's change.
func reminderChange(r *Reminder, a Actor, reason string) *Change {
	return stamp([]*Change{{Entity: EntityReminder, EntityID: r.ID, Field: "status", New: string(r.Status)}},
		a, reason)[0]
}

// ReminderByID returns a reminder the actor may answer or see: their own,
// or any with PermAssignTasks (officers, heads, admins).
func (s *Service) ReminderByID(ctx context.Context, a Actor, id int64) (*Reminder, error) {
	var r *Reminder
	err := s.view(ctx, func(tx Tx) (err error) {
		r, err = tx.ReminderByID(id)
		return err
	})
	if err != nil {
		return nil, Errorf(ENOTFOUND, "err.reminder.not_found")
	}
	if r.UserID != a.ID() && !a.Can(PermAssignTasks) {
		return nil, Errorf(ENOTFOUND, "err.reminder.not_found")
	}
	return r, nil
}

// ReminderView is a reminder with the arguments of its message, for the
// chat to show it again (from a merged message, or a list).
type ReminderView struct {
	Reminder *Reminder
	Args     map[string]any
}

// ShowReminder returns a reminder the actor may see with its message's
// arguments.
func (s *Service) ShowReminder(ctx context.Context, a Actor, id int64) (*ReminderView, error) {
	r, err := s.ReminderByID(ctx, a, id)
	if err != nil {
		return nil, err
	}
	v := &ReminderView{Reminder: r}
	err = s.view(ctx, func(tx Tx) (err error) {
		v.Args, err = s.reminderArgs(tx, r)
		return err
	})
	return v, err
}

// answerable loads a reminder the actor may answer now: fired (or still
// pending), theirs or one they may manage.
func answerable(tx Tx, a Actor, id int64) (*Reminder, error) {
	r, err := tx.ReminderByID(id)
	if IsNotFound(err) {
		return nil, Errorf(ENOTFOUND, "err.reminder.not_found")
	} else if err != nil {
		return nil, err
	}
	if r.UserID != a.ID() && !a.Can(PermAssignTasks) {
		return nil, Errorf(ENOTFOUND, "err.reminder.not_found")
	}
	if r.Status != ReminderFired && r.Status != ReminderPending {
		return nil, Errorf(ECONFLICT, "err.reminder.answered")
	}
	return r, nil
}

// record writes a control result of r.
func record(tx Tx, r *Reminder, a Actor, outcome ControlOutcome, text string, until time.Time) error {
	return tx.AddControlResult(&ControlResult{ReminderID: r.ID, Kind: r.Kind, DealID: r.DealID, TaskID: r.TaskID,
		ClientID: r.ClientID, UserID: a.ID(), Outcome: outcome, Text: text, Until: until,
		Late: !r.Target.IsZero() && tx.Now().After(r.Target)})
}

// settle closes a reminder answered for good and records the answer.
func settle(tx Tx, r *Reminder, a Actor, outcome ControlOutcome, text string) error {
	r.Status = ReminderClosed
	if err := tx.UpdateReminder(r); err != nil {
		return err
	}
	return record(tx, r, a, outcome, text, time.Time{})
}

// closeTaskReminders closes a task's fired reminders once it is answered
// for good (done, moved): the alerts that went out are settled.
func closeTaskReminders(tx Tx, taskID int64) error {
	rs, err := tx.RemindersByTask(taskID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Status == ReminderFired && r.Kind != ReminderCustom {
			r.Status = ReminderClosed
			if err := tx.UpdateReminder(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// taskKind reports whether a reminder is about its task's due time.
func (r *Reminder) taskKind() bool {
	return r.TaskID != 0 && (r.Kind == ReminderTaskDue || r.Kind == ReminderOverdue || r.Kind == ReminderEscalation)
}

// ReminderDone answers a reminder «Выполнено» with its result: a task's
// reminder or alert completes the task; a key date's or a custom one is
// closed with the result recorded.
func (s *Service) ReminderDone(ctx context.Context, a Actor, id int64, result string) (*Reminder, error) {
	result = strings.TrimSpace(result)
	if result == "" {
		return nil, Errorf(EINVALID, "err.reminder.result_required")
	}
	if len([]rune(result)) > 4000 {
		return nil, Errorf(EINVALID, "err.text.too_long")
	}
	var r *Reminder
	err := s.update(ctx, func(tx Tx) (err error) {
		if r, err = answerable(tx, a, id); err != nil {
			return err
		}
		if r.taskKind() {
			t, err := tx.TaskByID(r.TaskID)
			if err != nil {
				return err
			}
			if t.Status == TaskOpen {
				if _, err := s.completeTask(tx, a, t.ID, result); err != nil {
					return err
				}
			}
			if err := closeTaskReminders(tx, t.ID); err != nil {
				return err
			}
		}
		return settle(tx, r, a, ControlDone, result)
	})
	return r, err
}

// SnoozeReminder puts a reminder off for an hour or to the next working
// morning (in its user's time zone); it fires again then.
func (s *Service) SnoozeReminder(ctx context.Context, a Actor, id int64, opt SnoozeOption) (*Reminder, error) {
	var r *Reminder
	err := s.update(ctx, func(tx Tx) (err error) {
		if r, err = answerable(tx, a, id); err != nil {
			return err
		}
		st, err := reminderSettings(tx)
		if err != nil {
			return err
		}
		u, err := tx.UserByID(r.UserID)
		if err != nil {
			return err
		}
		now := tx.Now()
		var until time.Time
		switch opt {
		case SnoozeHour:
			until = now.Add(time.Hour)
		case SnoozeTomorrow:
			until = s.nextMorning(u, now, st)
		default:
			return Errorf(EINVALID, "err.reminder.snooze_unknown")
		}
		// When it will really come: working hours and quiet hours apply.
		until = s.allowedAt(u, until, st, r.Kind.Exact())
		r.Status, r.DueAt, r.Late = ReminderPending, until, false
		r.Snoozes++
		if err := tx.UpdateReminder(r); err != nil {
			return err
		}
		return record(tx, r, a, ControlSnoozed, "", until)
	})
	return r, err
}

// nextMorning is the start of u's next working day after now.
func (s *Service) nextMorning(u *User, now time.Time, st ReminderSettings) time.Time {
	loc := u.Location()
	t := now.In(loc)
	day := WorkdayOnOrAfter(s.calendar(), time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc))
	return atMinute(day, st.DayStart)
}

// MoveReminder answers «Перенести»: the date the reminder is about moves to
// to, with a reason. A task's due time moves (and its reminders with it); a
// deal's key date moves on the deal, audited; a custom reminder fires
// again at to.
func (s *Service) MoveReminder(ctx context.Context, a Actor, id int64, to time.Time, reason string) (*Reminder, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, Errorf(EINVALID, "err.reminder.reason_required")
	}
	var r *Reminder
	err := s.update(ctx, func(tx Tx) (err error) {
		if r, err = answerable(tx, a, id); err != nil {
			return err
		}
		if !to.After(tx.Now()) {
			return Errorf(EINVALID, "err.date.past", "Date", to, "Now", tx.Now())
		}
		switch {
		case r.taskKind():
			if err := s.moveTaskDue(tx, a, r.TaskID, to, reason); err != nil {
				return err
			}
			if err := closeTaskReminders(tx, r.TaskID); err != nil {
				return err
			}
			r, err = tx.ReminderByID(r.ID)
			if err != nil {
				return err
			}
		case r.Subject().DealDate():
			if err := s.moveDealDate(tx, a, r, to, reason); err != nil {
				return err
			}
			if r, err = tx.ReminderByID(r.ID); err != nil {
				return err
			}
			r.Status = ReminderClosed // the sync cancelled it with its old date: it is answered
			if err := tx.UpdateReminder(r); err != nil {
				return err
			}
		default:
			r.Status, r.DueAt, r.Target, r.Late = ReminderPending, to, to, false
			if err := tx.UpdateReminder(r); err != nil {
				return err
			}
		}
		return record(tx, r, a, ControlMoved, reason, to)
	})
	return r, err
}

// moveTaskDue moves an open task's due time with a reason, audited; its
// reminders follow (syncTx).
func (s *Service) moveTaskDue(tx Tx, a Actor, taskID int64, to time.Time, reason string) error {
	t, err := tx.TaskByID(taskID)
	if err != nil {
		return err
	}
	if t.AssigneeID != a.ID() && !a.Can(PermAssignTasks) {
		return Errorf(ENOTFOUND, "err.task.not_found")
	}
	if t.Status != TaskOpen {
		return Errorf(ECONFLICT, "err.task.not_open", "ID", t.ID)
	}
	old := *t
	t.Due = to
	if err := tx.UpdateTask(t); err != nil {
		return err
	}
	if err := tx.AddChanges(stamp(diffTask(&old, t), a, reason)...); err != nil {
		return err
	}
	return s.moveRequestDue(tx, a, t, reason)
}

// moveRequestDue moves the deadline of the request whose task t is (its
// SLA) to the task's new due time, audited: the request's card and
// /requests show the deadline its reminders keep. Its thread records the
// new deadline with the reason, its requester is told, and so is the
// officer who has it when someone else moved it. A request waiting for its
// requester's answer has no deadline to move (its clock stops until the
// answer), and its task none either: the move is refused.
func (s *Service) moveRequestDue(tx Tx, a Actor, t *Task, reason string) error {
	if t.RequestID == 0 {
		return nil
	}
	r, err := tx.RequestByID(t.RequestID)
	if err != nil {
		return err
	}
	if r.Status == RequestWaiting {
		return Errorf(ECONFLICT, "err.request.move_waiting", "ID", r.ID)
	}
	if r.Status.Closed() || r.Due.Equal(t.Due) {
		return nil
	}
	was := r.Due
	err = updateRequest(tx, a, r, func(r *Request) (string, error) {
		r.Due = t.Due
		r.Messages = append(r.Messages, &RequestMessage{At: tx.Now(), UserID: a.ID(), Kind: RequestMsgDue,
			Text: reason, Due: t.Due})
		return reason, nil
	})
	if err != nil {
		return err
	}
	return s.tellDueMoved(tx, a, r, was, reason)
}

// tellDueMoved tells a request's requester that its deadline moved (from
// was), why and by whom, and the officer who has it when someone else
// moved it; nobody hears of their own move.
func (s *Service) tellDueMoved(tx Tx, a Actor, r *Request, was time.Time, reason string) error {
	args := requestArgs(tx, r)
	args["Due"], args["Was"], args["By"], args["Reason"] = r.Due, optTime(was), describeUser(tx, a.ID()),
		CutText(reason, 1000)
	args["Requester"] = describeUser(tx, r.RequesterID)
	if r.RequesterID != 0 && r.RequesterID != a.ID() {
		if err := s.notifyUser(tx, r.RequesterID, Note{Key: "notify.request.due_moved", Args: args,
			Buttons: showButtons(r.ID)}); err != nil {
			return err
		}
	}
	if r.AssigneeID == 0 || r.AssigneeID == a.ID() || r.AssigneeID == r.RequesterID {
		return nil
	}
	officer := maps.Clone(args)
	officer["Assignee"] = true
	return s.notifyUser(tx, r.AssigneeID, Note{Key: "notify.request.due_moved", Args: officer,
		Buttons: showButtons(r.ID)})
}

// moveDealDate moves the key date a reminder is about on its deal, with a
// reason, audited; the deal's reminders follow (syncTx).
func (s *Service) moveDealDate(tx Tx, a Actor, r *Reminder, to time.Time, reason string) error {
	d, err := tx.DealByID(r.DealID)
	if err != nil {
		return err
	}
	if !canEditDeal(a, d) {
		return Errorf(EFORBIDDEN, "err.forbidden")
	}
	if d.Stage.Closed() {
		return Errorf(ECONFLICT, "err.deal.closed", "Number", d.Number)
	}
	old := *d
	old.Payments = slices.Clone(d.Payments)
	if !dealHasDate(d, r.Subject(), r.Target) {
		return Errorf(ECONFLICT, "err.reminder.date_gone", "Number", d.Number)
	}
	switch r.Subject() {
	case ReminderSigning:
		d.SigningDue = to
	case ReminderRenewal:
		d.ContractEnd = to
	case ReminderPayment:
		if len(d.Payments) == 0 {
			d.PaymentDue = to
			break
		}
		d.Payments = slices.Clone(d.Payments)
		for i, p := range d.Payments {
			if p.Due.Equal(r.Target) {
				d.Payments[i].Due = to
				break
			}
		}
		sortPayments(d)
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if err := tx.UpdateDeal(d); err != nil {
		return err
	}
	return tx.AddChanges(stamp(diffDeal(&old, d), a, reason)...)
}

// dealHasDate reports whether the deal still has the key date of the kind.
func dealHasDate(d *Deal, kind ReminderKind, target time.Time) bool {
	for _, kd := range dealDates(d) {
		if kd.Kind == kind && kd.Target.Equal(target) {
			return true
		}
	}
	return false
}

// canEditDeal reports whether the actor may change the deal: its manager,
// or anyone who edits deals and sees them all.
func canEditDeal(a Actor, d *Deal) bool {
	return a.Can(PermEditDeals) && (a.ID() == d.ManagerID || a.Can(PermViewAllDeals))
}

// EscalateReminder answers «Эскалировать»: the head of the reminder's user
// is told now, with the buttons to answer it themselves; the reason is
// optional.
func (s *Service) EscalateReminder(ctx context.Context, a Actor, id int64, reason string) (*Reminder, error) {
	reason = strings.TrimSpace(reason)
	var r *Reminder
	err := s.update(ctx, func(tx Tx) (err error) {
		if r, err = answerable(tx, a, id); err != nil {
			return err
		}
		head := headOf(tx, r.UserID)
		if head == 0 {
			return Errorf(EINVALID, "err.reminder.no_head")
		}
		now := tx.Now()
		n, err := tx.NextSequence("reminder-escalation")
		if err != nil {
			return err
		}
		e := &Reminder{Key: "escalate:" + strconv.FormatInt(r.ID, 10) + ":" + strconv.FormatUint(n, 10),
			Kind: ReminderEscalation, Origin: r.Subject(), UserID: head, DealID: r.DealID, TaskID: r.TaskID, ClientID: r.ClientID,
			Target: r.Target, Amount: r.Amount, Text: r.Text, DueAt: now, FiredAt: now, Status: ReminderFired,
			CreatedBy: a.ID()}
		if err := tx.CreateReminder(e); err != nil {
			return err
		}
		if r.TaskID != 0 {
			// The head hears now: the automatic escalation would tell them again.
			if err := cancelPendingEscalations(tx, r.TaskID); err != nil {
				return err
			}
		}
		args, err := s.reminderArgs(tx, r)
		if err != nil {
			return err
		}
		args["ID"], args["By"], args["Reason"] = e.ID, describeUser(tx, a.ID()), reason
		if err := s.notifyUser(tx, head, Note{Key: "notify.reminder.escalated", Args: args,
			Buttons: ReminderButtons(e, args)}); err != nil {
			return err
		}
		return settle(tx, r, a, ControlEscalated, reason)
	})
	return r, err
}

// cancelPendingEscalations cancels a task's automatic escalations still
// waiting.
func cancelPendingEscalations(tx Tx, taskID int64) error {
	rs, err := tx.RemindersByTask(taskID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Kind == ReminderEscalation && r.Status == ReminderPending && strings.HasPrefix(r.Key, "task:") {
			r.Status = ReminderCancelled
			if err := tx.UpdateReminder(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// CancelReminder cancels a pending custom reminder of the actor's.
func (s *Service) CancelReminder(ctx context.Context, a Actor, id int64) (*Reminder, error) {
	var r *Reminder
	err := s.update(ctx, func(tx Tx) (err error) {
		if r, err = tx.ReminderByID(id); err != nil || r.UserID != a.ID() || r.Kind != ReminderCustom {
			return Errorf(ENOTFOUND, "err.reminder.not_found")
		}
		if r.Status != ReminderPending {
			return Errorf(ECONFLICT, "err.reminder.answered")
		}
		r.Status = ReminderCancelled
		if err := tx.UpdateReminder(r); err != nil {
			return err
		}
		return tx.AddChanges(reminderChange(r, a, "cancelled"))
	})
	return r, err
}

// MyReminders returns the actor's pending reminders by time, digests left
// out.
func (s *Service) MyReminders(ctx context.Context, a Actor) ([]*Reminder, error) {
	var out []*Reminder
	err := s.view(ctx, func(tx Tx) error {
		rs, err := tx.PendingRemindersByUser(a.ID())
		for _, r := range rs {
			if r.Kind != ReminderDigest {
				out = append(out, r)
			}
		}
		return err
	})
	return out, err
}

// ControlEntry is a control result with the names a list shows.
type ControlEntry struct {
	*ControlResult
	By   string // who answered
	Task string // the task's title, for a task's result
}

// DealControl returns the control results of a deal and its tasks, oldest
// first, to those who may see the deal.
func (s *Service) DealControl(ctx context.Context, a Actor, dealID int64) ([]ControlEntry, error) {
	var out []ControlEntry
	err := s.view(ctx, func(tx Tx) error {
		d, err := tx.DealByID(dealID)
		if err != nil {
			return err
		}
		if !canSeeDeal(a, d) {
			return Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
		}
		cs, err := tx.ControlResultsByDeal(dealID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			e := ControlEntry{ControlResult: c, By: describeUser(tx, c.UserID)}
			if c.TaskID != 0 {
				if t, err := tx.TaskByID(c.TaskID); err == nil {
					e.Task = t.Title
				}
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// OverdueGroup is one person's overdue tasks.
type OverdueGroup struct {
	User  *User
	Tasks []*Task
}

// Overdue lists the open tasks past their due time at now, by person: all
// of them for officers and admins, a head's people's (and their own) for a
// head. People with more overdue come first.
func (s *Service) Overdue(ctx context.Context, a Actor, now time.Time) ([]OverdueGroup, error) {
	if !a.Can(PermAssignTasks) {
		return nil, Errorf(EFORBIDDEN, "err.forbidden")
	}
	var out []OverdueGroup
	err := s.view(ctx, func(tx Tx) error {
		ts, err := tx.FindTasks(TaskFilter{Status: TaskOpen, DueBefore: now})
		if err != nil {
			return err
		}
		by := map[int64]*OverdueGroup{}
		for _, t := range ts {
			if t.AssigneeID == 0 {
				continue
			}
			g := by[t.AssigneeID]
			if g == nil {
				u, err := tx.UserByID(t.AssigneeID)
				if err != nil {
					return err
				}
				if a.User != nil && a.User.Role == RoleHead && u.HeadID != a.ID() && u.ID != a.ID() {
					continue
				}
				g = &OverdueGroup{User: u}
				by[t.AssigneeID] = g
			}
			g.Tasks = append(g.Tasks, t)
		}
		for _, g := range by {
			out = append(out, *g)
		}
		sort.Slice(out, func(i, j int) bool {
			if len(out[i].Tasks) != len(out[j].Tasks) {
				return len(out[i].Tasks) > len(out[j].Tasks)
			}
			return out[i].User.Name < out[j].User.Name
		})
		return nil
	})
	return out, err
}

// ReminderSettings returns the department's reminder rules.
func (s *Service) ReminderSettings(ctx context.Context) (ReminderSettings, error) {
	var st ReminderSettings
	err := s.view(ctx, func(tx Tx) (err error) {
		st, err = reminderSettings(tx)
		return err
	})
	return st, err
}

// SetReminderLeads sets the department's lead days of a key-date kind
// (admins); the open deals' reminders are rescheduled in the same
// transaction.
func (s *Service) SetReminderLeads(ctx context.Context, a Actor, kind ReminderKind, leads []int) error {
	if err := a.require(PermAdmin); err != nil {
		return err
	}
	leads, err := normLeads(kind, leads)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		st, err := tx.ReminderSettings()
		if err != nil {
			return err
		}
		if st.Leads == nil {
			st.Leads = map[ReminderKind][]int{}
		}
		old := leadsText(st.WithDefaults().Leads)
		st.Leads[kind] = leads
		if err := tx.PutReminderSettings(st); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp([]*Change{{Entity: EntitySettings, EntityID: 1, Field: "leads",
			Old: old, New: leadsText(st.WithDefaults().Leads)}}, a, "settings")...); err != nil {
			return err
		}
		return s.resyncDeals(tx, DealFilter{Open: true})
	})
}

// RulesUpdate lists the department's reminder rules to change; nil fields
// stay.
type RulesUpdate struct {
	// TaskLead is how long before a task's due time it is reminded;
	// EscalateAfter how long it may stay overdue before the head is told.
	TaskLead, EscalateAfter *time.Duration
	// Hours are the working hours [start, end) in minutes from midnight;
	// DigestAt the morning digest's time.
	Hours    *[2]int
	DigestAt *int
}

// Bounds of the reminder rules.
const (
	MinTaskLead      = 5 * time.Minute
	MaxTaskLead      = 7 * 24 * time.Hour
	MinEscalateAfter = time.Hour
	MaxEscalateAfter = 30 * 24 * time.Hour
)

// SetReminderRules changes the department's reminder rules (admins),
// audited: the open tasks' reminders and the pending digests are
// rescheduled in the same transaction.
func (s *Service) SetReminderRules(ctx context.Context, a Actor, upd RulesUpdate) (ReminderSettings, error) {
	if err := a.require(PermAdmin); err != nil {
		return ReminderSettings{}, err
	}
	var out ReminderSettings
	err := s.update(ctx, func(tx Tx) error {
		stored, err := tx.ReminderSettings()
		if err != nil {
			return err
		}
		old := stored.WithDefaults()
		st := old
		if d := upd.TaskLead; d != nil {
			if *d < MinTaskLead || *d > MaxTaskLead {
				return Errorf(EINVALID, "err.rules.task_lead")
			}
			st.TaskLead = *d
		}
		if d := upd.EscalateAfter; d != nil {
			if *d < MinEscalateAfter || *d > MaxEscalateAfter {
				return Errorf(EINVALID, "err.rules.escalate_after")
			}
			st.EscalateAfter = *d
		}
		if h := upd.Hours; h != nil {
			if h[0] < 0 || h[1] > 24*60 || h[1]-h[0] < 2*60 {
				return Errorf(EINVALID, "err.rules.hours")
			}
			st.DayStart, st.DayEnd = h[0], h[1]
		}
		if m := upd.DigestAt; m != nil {
			if *m < 0 || *m >= 24*60 {
				return Errorf(EINVALID, "err.rules.digest_at")
			}
			st.DigestAt = *m
		}
		out = st
		if rulesText(old) == rulesText(st) {
			return nil
		}
		if err := tx.PutReminderSettings(st); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp([]*Change{{Entity: EntitySettings, EntityID: 1, Field: "rules",
			Old: rulesText(old), New: rulesText(st)}}, a, "settings")...); err != nil {
			return err
		}
		if err := s.resyncTasks(tx, TaskFilter{Status: TaskOpen}); err != nil {
			return err
		}
		if st.DayStart != old.DayStart {
			// Key dates remind at the start of the working day.
			if err := s.resyncDeals(tx, DealFilter{Open: true}); err != nil {
				return err
			}
		}
		if st.DigestAt != old.DigestAt {
			return s.rescheduleDigests(tx, st, tx.Now())
		}
		return nil
	})
	return out, err
}

// rulesText is the rules as an audit record keeps them.
func rulesText(st ReminderSettings) string {
	return fmt.Sprintf("task_lead %s; escalate_after %s; hours %s-%s; digest %s", st.TaskLead, st.EscalateAfter,
		clockText(st.DayStart), clockText(st.DayEnd), clockText(st.DigestAt))
}

func clockText(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// SetDealLeads sets a deal's own lead days of a key-date kind; nil leads
// return the deal to the department's.
func (s *Service) SetDealLeads(ctx context.Context, a Actor, dealID int64, kind ReminderKind, leads []int) (*Deal, error) {
	if leads != nil {
		var err error
		if leads, err = normLeads(kind, leads); err != nil {
			return nil, err
		}
	} else if !kind.DealDate() {
		return nil, Errorf(EINVALID, "err.reminder.kind_unknown", "Kind", string(kind))
	}
	return s.UpdateDeal(ctx, a, dealID, "leads", func(d *Deal) error {
		if !canEditDeal(a, d) {
			return Errorf(EFORBIDDEN, "err.forbidden")
		}
		m := map[ReminderKind][]int{}
		for k, v := range d.Leads {
			m[k] = v
		}
		if leads == nil {
			delete(m, kind)
		} else {
			m[kind] = leads
		}
		if len(m) == 0 {
			m = nil
		}
		d.Leads = m
		return nil
	})
}

// normLeads checks lead days of a key-date kind and sorts them, farthest
// first, each once.
func normLeads(kind ReminderKind, leads []int) ([]int, error) {
	if !kind.DealDate() {
		return nil, Errorf(EINVALID, "err.reminder.kind_unknown", "Kind", string(kind))
	}
	if err := ValidateLeads(leads); err != nil {
		return nil, err
	}
	out := slices.Clone(leads)
	slices.Sort(out)
	out = slices.Compact(out)
	slices.Reverse(out)
	if out == nil {
		out = []int{}
	}
	return out, nil
}

// MaxPayments is the longest payment schedule of a deal.
const MaxPayments = 60

// SetPayments replaces a deal's payment schedule (sorted by date; the
// deal's payment date becomes the first one's), audited with the reason;
// its reminders follow. An empty schedule clears it.
func (s *Service) SetPayments(ctx context.Context, a Actor, dealID int64, ps []Payment, reason string) (*Deal, error) {
	if len(ps) > MaxPayments {
		return nil, Errorf(EINVALID, "err.payments.too_many", "Max", MaxPayments)
	}
	for _, p := range ps {
		if p.Due.IsZero() {
			return nil, Errorf(EINVALID, "err.payments.date_required")
		}
		if err := ValidateAmount(p.Amount); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(reason) == "" {
		reason = "payments"
	}
	var now time.Time
	if err := s.view(ctx, func(tx Tx) error { now = tx.Now(); return nil }); err != nil {
		return nil, err
	}
	return s.UpdateDeal(ctx, a, dealID, reason, func(d *Deal) error {
		if !canEditDeal(a, d) {
			return Errorf(EFORBIDDEN, "err.forbidden")
		}
		// A new date in the past is a typo; one the schedule had may stay.
		for _, p := range ps {
			if p.Due.Before(now) && !slices.ContainsFunc(d.Payments, func(q Payment) bool { return q.Due.Equal(p.Due) }) &&
				!d.PaymentDue.Equal(p.Due) {
				return Errorf(EINVALID, "err.date.past", "Date", p.Due, "Now", now)
			}
		}
		d.Payments = slices.Clone(ps)
		sortPayments(d)
		switch {
		case len(d.Payments) > 0:
			d.PaymentDue = d.Payments[0].Due
		default:
			d.Payments = nil
		}
		return nil
	})
}

func sortPayments(d *Deal) {
	slices.SortStableFunc(d.Payments, func(a, b Payment) int { return a.Due.Compare(b.Due) })
	if len(d.Payments) > 0 {
		d.PaymentDue = d.Payments[0].Due
	}
}

// String is a payment as its audit record keeps it: the date and the
// amount in kopecks.
func (p Payment) String() string {
	return p.Due.UTC().Format(time.RFC3339) + " " + strconv.FormatInt(int64(p.Amount), 10)
}

// leadsText is lead days as an audit record keeps them: «payment 7,1,0;
// signing 7,1».
func leadsText(m map[ReminderKind][]int) string {
	var parts []string
	for _, k := range ReminderKinds {
		v, ok := m[k]
		if !ok {
			continue
		}
		var ns []string
		for _, n := range v {
			ns = append(ns, strconv.Itoa(n))
		}
		parts = append(parts, string(k)+" "+strings.Join(ns, ","))
	}
	return strings.Join(parts, "; ")
}

func quietText(u *User) string {
	if u.QuietFrom == u.QuietTo {
		return ""
	}
	return clockText(u.QuietFrom) + "-" + clockText(u.QuietTo)
}

func kindStrs(ks []ReminderKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// resyncUser reschedules the reminders that depend on a user's head, time
// zone or access: their open tasks' and their open deals', and, as they may
// have stopped (or started) being someone's head, their people's tasks'.
func (s *Service) resyncUser(tx Tx, u *User) error {
	users, err := tx.ListUsers()
	if err != nil {
		return err
	}
	for _, p := range users {
		if p.ID == u.ID || p.HeadID == u.ID {
			if err := s.resyncTasks(tx, TaskFilter{AssigneeID: p.ID, Status: TaskOpen}); err != nil {
				return err
			}
		}
	}
	return s.resyncDeals(tx, DealFilter{ManagerID: u.ID, Open: true})
}

// resyncTasks reschedules the reminders of the tasks f selects.
func (s *Service) resyncTasks(tx Tx, f TaskFilter) error {
	ts, err := tx.FindTasks(f)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if err := s.syncTask(tx, t); err != nil {
			return err
		}
	}
	return nil
}

// resyncDeals reschedules the reminders of the deals f selects.
func (s *Service) resyncDeals(tx Tx, f DealFilter) error {
	ds, err := tx.FindDeals(f)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if err := s.syncDeal(tx, d); err != nil {
			return err
		}
	}
	return nil
}

// RetimeReminder corrects the time of one's own pending custom reminder
// (the «Исправить» under /remind's echo); no reason is asked, as nothing
// was promised to anyone yet.
func (s *Service) RetimeReminder(ctx context.Context, a Actor, id int64, at time.Time) (*Reminder, error) {
	var r *Reminder
	err := s.update(ctx, func(tx Tx) (err error) {
		if r, err = tx.ReminderByID(id); err != nil || r.UserID != a.ID() || r.Kind != ReminderCustom {
			return Errorf(ENOTFOUND, "err.reminder.not_found")
		}
		if r.Status != ReminderPending {
			return Errorf(ECONFLICT, "err.reminder.answered")
		}
		now := tx.Now()
		if !at.After(now) {
			return Errorf(EINVALID, "err.reminder.past", "At", at)
		}
		if at.Sub(now) > MaxCustomReminderAhead {
			return Errorf(EINVALID, "err.reminder.too_far")
		}
		r.DueAt, r.Target = at, at
		if err := tx.UpdateReminder(r); err != nil {
			return err
		}
		return tx.AddChanges(reminderChange(r, a, "retimed"))
	})
	return r, err
}

// Calendar returns the production calendar the service follows, for the
// chat to count «рабочих дней» when it reads a date.
func (s *Service) Calendar() WorkCalendar { return s.calendar() }
