package core

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Reminders follow their sources: every write of a deal or a task through
// a transaction of the service (syncTx) makes the record's reminders agree
// with it in the same transaction. A date that changes cancels the pending
// reminders of the old date and schedules the new one's; a deal that
// closes or a task that is done cancels them. Each reminder's key names its
// source, kind, date and lead, so a reminder that fired is never made
// again and one cancelled comes back when its date does.

// syncTx is a transaction whose deal and task writes reschedule their
// reminders. The service's update wraps every transaction in it.
type syncTx struct {
	Tx
	s *Service
}

func (t syncTx) CreateDeal(d *Deal) error {
	if err := t.Tx.CreateDeal(d); err != nil {
		return err
	}
	return t.s.syncDeal(t.Tx, d)
}

func (t syncTx) UpdateDeal(d *Deal) error {
	if err := t.Tx.UpdateDeal(d); err != nil {
		return err
	}
	return t.s.syncDeal(t.Tx, d)
}

func (t syncTx) CreateTask(task *Task) error {
	if err := t.Tx.CreateTask(task); err != nil {
		return err
	}
	return t.s.syncTask(t.Tx, task)
}

func (t syncTx) UpdateTask(task *Task) error {
	if err := t.Tx.UpdateTask(task); err != nil {
		return err
	}
	return t.s.syncTask(t.Tx, task)
}

// synced wraps tx so that its deal and task writes keep their reminders.
func (s *Service) synced(tx Tx) Tx {
	if _, ok := tx.(syncTx); ok {
		return tx
	}
	return syncTx{Tx: tx, s: s}
}

// reminderSettings returns the stored settings with the defaults filled.
func reminderSettings(tx Tx) (ReminderSettings, error) {
	st, err := tx.ReminderSettings()
	if err != nil {
		return ReminderSettings{}, err
	}
	return st.WithDefaults(), nil
}

// dealDates lists a deal's key dates by kind: the signing date while the
// deal is not yet signed, each payment of its schedule (or its payment
// date), the contract's end.
func dealDates(d *Deal) []Reminder {
	var out []Reminder
	if !d.SigningDue.IsZero() && stageIndex(d.Stage) < stageIndex(StageActive) {
		out = append(out, Reminder{Kind: ReminderSigning, Target: d.SigningDue})
	}
	if len(d.Payments) > 0 {
		// Payments due on one date are one reminder of their sum.
		at := map[int64]int{}
		for _, p := range d.Payments {
			if i, ok := at[p.Due.Unix()]; ok {
				out[i].Amount += p.Amount
				continue
			}
			at[p.Due.Unix()] = len(out)
			out = append(out, Reminder{Kind: ReminderPayment, Target: p.Due, Amount: p.Amount})
		}
	} else if !d.PaymentDue.IsZero() {
		out = append(out, Reminder{Kind: ReminderPayment, Target: d.PaymentDue, Amount: d.Amount})
	}
	if !d.ContractEnd.IsZero() {
		out = append(out, Reminder{Kind: ReminderRenewal, Target: d.ContractEnd})
	}
	return out
}

func stageIndex(s Stage) int { return slices.Index(Stages, s) }

// syncDeal makes a deal's key-date reminders agree with the deal: for an
// open deal with a manager, one for each lead of each key date that is
// still ahead, to the manager; none for a closed deal.
func (s *Service) syncDeal(tx Tx, d *Deal) error {
	st, err := reminderSettings(tx)
	if err != nil {
		return err
	}
	want := map[string]*Reminder{}
	if !d.Stage.Closed() && d.ManagerID != 0 {
		u, err := tx.UserByID(d.ManagerID)
		if err != nil {
			return err
		}
		loc := u.Location()
		for _, kd := range dealDates(d) {
			leads, ok := d.Leads[kd.Kind]
			if !ok {
				leads = st.Leads[kd.Kind]
			}
			sorted := slices.Clone(leads)
			slices.Sort(sorted) // the nearest first: of leads that land on one morning, it is kept
			seen := map[int64]bool{}
			for _, lead := range sorted {
				due := keyDateDue(s.calendar(), kd.Target, lead, loc, st.DayStart)
				if seen[due.Unix()] {
					continue
				}
				seen[due.Unix()] = true
				r := kd
				r.Key = fmt.Sprintf("deal:%d:%s:%s:%d", d.ID, kd.Kind, kd.Target.In(loc).Format("2006-01-02"), lead)
				r.UserID, r.DealID, r.ClientID, r.Lead, r.DueAt = d.ManagerID, d.ID, d.ClientID, lead, due
				want[r.Key] = &r
			}
		}
	}
	have, err := tx.RemindersByDeal(d.ID)
	if err != nil {
		return err
	}
	// An escalation of a key date goes with the date: when the deal closes
	// or the date is no longer the deal's.
	dates := map[string]bool{}
	if !d.Stage.Closed() {
		for _, kd := range dealDates(d) {
			dates[string(kd.Kind)+kd.Target.UTC().Format(time.RFC3339)] = true
		}
	}
	for _, r := range have {
		if r.Kind == ReminderEscalation && r.Subject().DealDate() && open(r) &&
			!dates[string(r.Subject())+r.Target.UTC().Format(time.RFC3339)] {
			r.Status = ReminderCancelled
			if err := tx.UpdateReminder(r); err != nil {
				return err
			}
		}
	}
	prefix := fmt.Sprintf("deal:%d:", d.ID)
	return s.reconcile(tx, have, want, func(r *Reminder) bool { return strings.HasPrefix(r.Key, prefix) })
}

// open reports whether a reminder may still fire or be answered.
func open(r *Reminder) bool { return r.Status == ReminderPending || r.Status == ReminderFired }

// keyDateDue is when a reminder lead days before a key date fires: at the
// start of the working day that many days before, or of the last working
// day before that when it is a day off.
func keyDateDue(cal WorkCalendar, target time.Time, lead int, loc *time.Location, dayStart int) time.Time {
	day := dayOf(target.In(loc)).AddDate(0, 0, -lead)
	day = WorkdayOnOrBefore(cal, day)
	return time.Date(day.Year(), day.Month(), day.Day(), dayStart/60, dayStart%60, 0, 0, loc)
}

// syncTask makes a task's reminders agree with it: for an open task with an
// assignee and a due time, one before the due time (when that is still
// ahead), the overdue alert at the due time, and the escalation to the
// assignee's head EscalateAfter later; none once it is done or cancelled.
func (s *Service) syncTask(tx Tx, t *Task) error {
	st, err := reminderSettings(tx)
	if err != nil {
		return err
	}
	want := map[string]*Reminder{}
	if t.Status == TaskOpen && t.AssigneeID != 0 && !t.Due.IsZero() {
		stamp := t.Due.UTC().Format("20060102T1504")
		add := func(kind ReminderKind, user int64, at time.Time) {
			key := fmt.Sprintf("task:%d:%s:%s", t.ID, kind, stamp)
			want[key] = &Reminder{Key: key, Kind: kind, UserID: user, TaskID: t.ID, DealID: t.DealID,
				ClientID: t.ClientID, Target: t.Due, DueAt: at}
		}
		if at := s.beforeWithinHours(tx, t.AssigneeID, t.Due.Add(-st.TaskLead), st); at.After(t.CreatedAt) {
			add(ReminderTaskDue, t.AssigneeID, at)
		}
		add(ReminderOverdue, t.AssigneeID, t.Due)
		if head := headOf(tx, t.AssigneeID); head != 0 {
			add(ReminderEscalation, head, t.Due.Add(st.EscalateAfter))
		}
	}
	if t.Status == TaskOpen && t.AssigneeID == 0 && t.Queue != "" && !t.Due.IsZero() {
		// Waiting in a queue (a request nobody took): overdue, every member
		// of the queue is alerted; still untaken a delay later, every head.
		stamp := t.Due.UTC().Format("20060102T1504")
		members, err := queueMembers(tx, t.Queue)
		if err != nil {
			return err
		}
		for _, u := range members {
			kind, at := ReminderOverdue, t.Due
			if u.Role == RoleHead {
				kind, at = ReminderEscalation, t.Due.Add(st.EscalateAfter)
			}
			key := fmt.Sprintf("task:%d:%s:%s:queue:%d", t.ID, kind, stamp, u.ID)
			want[key] = &Reminder{Key: key, Kind: kind, UserID: u.ID, TaskID: t.ID, DealID: t.DealID,
				ClientID: t.ClientID, Target: t.Due, DueAt: at}
		}
	}
	if t.Status != TaskOpen {
		// Done or cancelled: the alerts that went out are settled.
		if err := closeTaskReminders(tx, t.ID); err != nil {
			return err
		}
	}
	have, err := tx.RemindersByTask(t.ID)
	if err != nil {
		return err
	}
	prefix := fmt.Sprintf("task:%d:", t.ID)
	return s.reconcile(tx, have, want, func(r *Reminder) bool { return strings.HasPrefix(r.Key, prefix) })
}

// queueRoles are the roles whose members work a queue.
var queueRoles = map[ChatPurpose]Role{PurposeOfficers: RoleOfficer, PurposeLawyers: RoleLawyer, PurposeHeads: RoleHead}

// queueMembers are the active members of a queue's role and the active
// heads, who are told of what waits in it too long.
func queueMembers(tx Tx, q ChatPurpose) ([]*User, error) {
	users, err := tx.ListUsers()
	if err != nil {
		return nil, err
	}
	var out []*User
	for _, u := range users {
		if u.Active && (u.Role == queueRoles[q] || u.Role == RoleHead) {
			out = append(out, u)
		}
	}
	return out, nil
}

// beforeWithinHours is at when it falls in the user's working hours, else
// an hour before the end of the last working day before it: a reminder
// ahead of a due time of 20:00 comes at 17:00, not the next morning, when
// the due time has passed.
func (s *Service) beforeWithinHours(tx Tx, userID int64, at time.Time, st ReminderSettings) time.Time {
	u, err := tx.UserByID(userID)
	if err != nil {
		return at
	}
	cal := s.calendar()
	t := at.In(u.Location())
	day, m := dayOf(t), minuteOf(t)
	if cal.Workday(day) && m >= st.DayStart && m < st.dayEnd(cal, day) {
		return at
	}
	if !cal.Workday(day) || m < st.DayStart {
		day = WorkdayOnOrBefore(cal, day.AddDate(0, 0, -1))
	}
	return atMinute(day, max(st.dayEnd(cal, day)-60, st.DayStart))
}

// headOf returns the active head of a user, 0 when they have none.
func headOf(tx Tx, userID int64) int64 {
	u, err := tx.UserByID(userID)
	if err != nil || u.HeadID == 0 || u.HeadID == u.ID {
		return 0
	}
	h, err := tx.UserByID(u.HeadID)
	if err != nil || !h.Active {
		return 0
	}
	return h.ID
}

// reconcile makes the reminders of a source (have, those that owned says
// the sync owns) agree with want: pending ones not wanted are cancelled,
// and so are fired ones still unanswered (their date is gone: an answer
// would be about nothing);
// wanted ones still ahead are created, updated while pending, or brought
// back when they were cancelled (a lead already past when its date was set
// is not made; an overdue alert is made even then). One that fired or was
// answered stays as it is, and so does one its user snoozed.
func (s *Service) reconcile(tx Tx, have []*Reminder, want map[string]*Reminder, owned func(*Reminder) bool) error {
	now := tx.Now()
	for _, r := range have {
		if !open(r) || !owned(r) || want[r.Key] != nil {
			continue
		}
		r.Status = ReminderCancelled
		if err := tx.UpdateReminder(r); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w := want[k]
		ahead := w.DueAt.After(now) || w.Kind == ReminderOverdue
		r, err := tx.ReminderByKey(k)
		switch {
		case IsNotFound(err):
			if !ahead {
				continue
			}
			w.Status = ReminderPending
			if err := tx.CreateReminder(w); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		}
		switch r.Status {
		case ReminderPending, ReminderCancelled:
			if r.Status == ReminderPending && (r.Snoozes > 0 || !ahead) {
				if r.UserID != w.UserID { // a new manager or head takes it over
					r.UserID = w.UserID
					if err := tx.UpdateReminder(r); err != nil {
						return err
					}
				}
				continue
			}
			if !ahead || r.Status == ReminderPending && r.UserID == w.UserID && r.DueAt.Equal(w.DueAt) && r.Amount == w.Amount {
				continue
			}
			r.Status, r.UserID, r.DueAt, r.Amount, r.Target = ReminderPending, w.UserID, w.DueAt, w.Amount, w.Target
			if err := tx.UpdateReminder(r); err != nil {
				return err
			}
		}
	}
	return nil
}
