package core

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// FireBatch is how many due reminders one transaction of the tick fires.
const FireBatch = 1000

// MaxMergedButtons is how many reminders one merged message lists, each
// with a numbered button; more go in further messages.
const MaxMergedButtons = 20

// FireDueReminders fires every reminder due at now: the tick's work. Each
// batch of up to FireBatch reminders fires in one transaction with the
// outbox messages it writes, so a crash loses or doubles none. What a
// batch finds:
//   - a reminder whose source is gone (a closed deal, a task done) or whose
//     user left is cancelled;
//   - one muted by its user fires without a message;
//   - one that is not exact and falls outside its user's working hours,
//     on a day off or in their quiet hours waits for the next allowed time;
//   - the rest fire: one message a person, with the reminders merged into
//     one when a person has several (after downtime, or at nine in the
//     morning), marked late when they fire well after their time.
//
// Its work is proportional to the reminders due, not to those pending. It
// returns how many fired.
func (s *Service) FireDueReminders(ctx context.Context, now time.Time) (int, error) {
	// Most ticks find nothing: a read transaction says so without the
	// write transaction's commit.
	due := false
	if err := s.view(ctx, func(tx Tx) error {
		rs, err := tx.DueReminders(now, 1)
		due = len(rs) > 0
		return err
	}); err != nil || !due {
		return 0, err
	}
	total := 0
	for {
		n, more, err := s.fireBatch(ctx, now)
		total += n
		if err != nil || !more {
			return total, err
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// fireBatch fires up to FireBatch due reminders in one transaction and
// reports whether more may be due.
func (s *Service) fireBatch(ctx context.Context, now time.Time) (fired int, more bool, err error) {
	err = s.update(ctx, func(tx Tx) error {
		fired, more = 0, false
		rs, err := tx.DueReminders(now, FireBatch)
		if err != nil {
			return err
		}
		more = len(rs) == FireBatch
		st, err := reminderSettings(tx)
		if err != nil {
			return err
		}
		byUser := map[int64][]*Reminder{}
		var order []int64
		users := map[int64]*User{}
		nearest := nearestLeads(rs)
		for _, r := range rs {
			if r.Kind.DealDate() && nearest[dateKey(r)] != r {
				// The same date's nearer lead says it all: one line, not two.
				r.Status = ReminderCancelled
				if err := tx.UpdateReminder(r); err != nil {
					return err
				}
				continue
			}
			u, ok := users[r.UserID]
			if !ok {
				if u, err = tx.UserByID(r.UserID); err != nil && !IsNotFound(err) {
					return err
				}
				users[r.UserID] = u
			}
			live, err := s.reminderLive(tx, r, u, now)
			if err != nil {
				return err
			}
			if !live {
				r.Status = ReminderCancelled
				if err := tx.UpdateReminder(r); err != nil {
					return err
				}
				continue
			}
			if r.Kind.Mutable() && slices.Contains(u.Muted, r.Kind) {
				r.Status, r.FiredAt, r.Muted = ReminderFired, now, true
				if err := tx.UpdateReminder(r); err != nil {
					return err
				}
				if err := s.afterFire(tx, r, u, st, now); err != nil {
					return err
				}
				continue
			}
			if at := s.allowedAt(u, now, st, r.Kind.Exact()); at.After(now) {
				r.DueAt = at // waits for working hours or the end of quiet hours
				if err := tx.UpdateReminder(r); err != nil {
					return err
				}
				continue
			}
			r.Status, r.FiredAt, r.Late = ReminderFired, now, now.Sub(r.DueAt) > st.LateAfter
			if err := tx.UpdateReminder(r); err != nil {
				return err
			}
			if byUser[u.ID] == nil {
				order = append(order, u.ID)
			}
			byUser[u.ID] = append(byUser[u.ID], r)
			fired++
		}
		for _, id := range order {
			if err := s.sendReminders(tx, users[id], byUser[id], st, now); err != nil {
				return err
			}
		}
		return nil
	})
	return fired, more, err
}

// dateKey names the key date a reminder is about: its user, deal, kind
// and date.
func dateKey(r *Reminder) string {
	return fmt.Sprintf("%d:%d:%s:%d", r.UserID, r.DealID, r.Kind, r.Target.Unix())
}

// nearestLeads picks, of the due key-date reminders about one date (a lead
// snoozed to the morning its next lead fires, or leads held over a
// weekend), the one with the nearest lead.
func nearestLeads(rs []*Reminder) map[string]*Reminder {
	out := map[string]*Reminder{}
	for _, r := range rs {
		if !r.Kind.DealDate() {
			continue
		}
		if cur, ok := out[dateKey(r)]; !ok || r.Lead < cur.Lead {
			out[dateKey(r)] = r
		}
	}
	return out
}

// reminderLive reports whether a due reminder still has a reason to fire:
// its user is active, its deal open (for a key date), its task open and
// still due when it was made for — and, for the reminder before a task's
// due time, that time still ahead (past it, the overdue alert says more).
func (s *Service) reminderLive(tx Tx, r *Reminder, u *User, now time.Time) (bool, error) {
	if u == nil || !u.Active {
		return false, nil
	}
	if r.TaskID != 0 && r.Kind != ReminderCustom {
		t, err := tx.TaskByID(r.TaskID)
		if IsNotFound(err) {
			return false, nil
		} else if err != nil {
			return false, err
		}
		return t.Status == TaskOpen && t.Due.Equal(r.Target) && (r.Kind != ReminderTaskDue || now.Before(t.Due)), nil
	}
	if r.DealID != 0 {
		d, err := tx.DealByID(r.DealID)
		if IsNotFound(err) {
			return false, nil
		} else if err != nil {
			return false, err
		}
		return !d.Stage.Closed() || r.Kind == ReminderCustom, nil
	}
	return true, nil
}

// allowedAt is the first time from now that a reminder may reach u: now
// itself for an exact one outside their quiet hours; for the others, also
// within working hours of a working day (the production calendar's, an
// hour shorter on a shortened day), in u's time zone.
func (s *Service) allowedAt(u *User, now time.Time, st ReminderSettings, exact bool) time.Time {
	loc := u.Location()
	t := now.In(loc)
	cal := s.calendar()
	for range 800 {
		day := dayOf(t)
		next := day.AddDate(0, 0, 1)
		m := minuteOf(t)
		if !exact {
			start, end := st.DayStart, st.dayEnd(cal, day)
			switch {
			case !cal.Workday(day) || m >= end:
				t = atMinute(next, start)
				continue
			case m < start:
				t = atMinute(day, start)
				continue
			}
		}
		if q, until := quietUntil(u, t); q {
			t = until
			continue
		}
		if t.Equal(now.In(loc)) {
			return now
		}
		return t
	}
	return now
}

// quietUntil reports whether t falls in u's quiet hours (in u's zone) and
// when they end.
func quietUntil(u *User, t time.Time) (bool, time.Time) {
	t = t.In(u.Location())
	day, m := dayOf(t), minuteOf(t)
	from, to := u.QuietFrom, u.QuietTo
	switch {
	case from == to:
		return false, time.Time{}
	case from < to && m >= from && m < to:
		return true, atMinute(day, to)
	case from > to && m >= from:
		return true, atMinute(day.AddDate(0, 0, 1), to)
	case from > to && m < to:
		return true, atMinute(day, to)
	}
	return false, time.Time{}
}

func atMinute(day time.Time, m int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, day.Location())
}

// afterFire does what follows a reminder's firing: a digest schedules the
// next one.
func (s *Service) afterFire(tx Tx, r *Reminder, u *User, st ReminderSettings, now time.Time) error {
	if r.Kind == ReminderDigest {
		return s.scheduleDigest(tx, u, st, now)
	}
	return nil
}

// sendReminders writes the message of the reminders fired for u in one
// batch: one reminder with its buttons, or several merged into one list
// with a button to open each.
func (s *Service) sendReminders(tx Tx, u *User, rs []*Reminder, st ReminderSettings, now time.Time) error {
	var items []map[string]any
	var digests []*Reminder
	for _, r := range rs {
		if r.Kind == ReminderDigest {
			digests = append(digests, r)
			continue
		}
		args, err := s.reminderArgs(tx, r)
		if err != nil {
			return err
		}
		items = append(items, args)
	}
	for _, r := range digests {
		if err := s.sendDigest(tx, u, r, now); err != nil {
			return err
		}
		if err := s.afterFire(tx, r, u, st, now); err != nil {
			return err
		}
	}
	var reminders []*Reminder
	for _, r := range rs {
		if r.Kind != ReminderDigest {
			reminders = append(reminders, r)
		}
	}
	switch len(reminders) {
	case 0:
		return nil
	case 1:
		r := reminders[0]
		return s.notifyUser(tx, u.ID, Note{Key: "notify.reminder." + string(r.Kind), Args: items[0],
			Buttons: ReminderButtons(r, items[0])})
	}
	// Long lists go in messages of MaxMergedButtons, each item with its
	// numbered button.
	for from := 0; from < len(reminders); from += MaxMergedButtons {
		part := reminders[from:min(from+MaxMergedButtons, len(reminders))]
		late := false
		var row []ButtonSpec
		var rows [][]ButtonSpec
		for i, r := range part {
			late = late || r.Late
			items[from+i]["N"] = i + 1
			row = append(row, ButtonSpec{Label: strconv.Itoa(i + 1), Action: ActionReminderOpen,
				Payload: strconv.FormatInt(r.ID, 10)})
			if len(row) == 5 {
				rows, row = append(rows, row), nil
			}
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
		n := Note{Key: "notify.reminder.many", Buttons: rows,
			Args: map[string]any{"Count": len(part), "Items": items[from : from+len(part)], "Late": late}}
		if err := s.notifyUser(tx, u.ID, n); err != nil {
			return err
		}
	}
	return nil
}

// ReminderButtons are the answers a fired reminder offers: Выполнено,
// Отложить, Перенести, and Эскалировать where there is a head to tell.
// A digest has none.
func ReminderButtons(r *Reminder, args map[string]any) [][]ButtonSpec {
	if r.Kind == ReminderDigest {
		return nil
	}
	id := strconv.FormatInt(r.ID, 10)
	rows := [][]ButtonSpec{
		{{LabelKey: "btn.reminder.done", Action: ActionReminderDone, Payload: id},
			{LabelKey: "btn.reminder.snooze", Action: ActionReminderSnooze, Payload: id}},
		{{LabelKey: "btn.reminder.move", Action: ActionReminderMove, Payload: id},
			{LabelKey: "btn.reminder.escalate", Action: ActionReminderEscalate, Payload: id}},
	}
	// A request's task: its request opens from the reminder (reminderArgs
	// names it).
	if req, ok := args["Request"].(int64); ok && req != 0 {
		rows = append(rows, []ButtonSpec{{LabelKey: "btn.request.open_request", Action: ActionRequestShow,
			Payload: strconv.FormatInt(req, 10)}})
	}
	return rows
}

// reminderArgs are the arguments of a reminder's message: its kind, date,
// lead, text, and the deal, client and task it is about — and, for a
// request's task, the request (see addRequestArgs).
func (s *Service) reminderArgs(tx Tx, r *Reminder) (map[string]any, error) {
	args := map[string]any{"ID": r.ID, "Kind": string(r.Kind), "Target": optTime(r.Target), "Lead": r.Lead,
		"Due": r.DueAt, "Late": r.Late, "Text": r.Text}
	if r.Amount != 0 {
		args["Amount"] = int64(r.Amount)
	}
	if r.DealID != 0 {
		if d, err := tx.DealByID(r.DealID); err == nil {
			args["Deal"], args["DealTitle"] = d.Number, d.Title
		} else if !IsNotFound(err) {
			return nil, err
		}
	}
	if r.ClientID != 0 {
		if c, err := tx.ClientByID(r.ClientID); err == nil {
			args["Client"] = c.Name()
		} else if !IsNotFound(err) {
			return nil, err
		}
	}
	if r.TaskID != 0 {
		if t, err := tx.TaskByID(r.TaskID); err == nil {
			args["Task"], args["TaskTitle"] = t.ID, t.Title
			if err := addRequestArgs(tx, t, args); err != nil {
				return nil, err
			}
			if r.Kind == ReminderEscalation && t.AssigneeID == 0 {
				args["Queued"] = true // nobody took it from its queue
			} else if r.Kind == ReminderEscalation {
				args["Assignee"] = describeUser(tx, t.AssigneeID)
			}
		} else if !IsNotFound(err) {
			return nil, err
		}
	}
	return args, nil
}
