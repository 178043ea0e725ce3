package core

import (
	"context"
	"fmt"
	"time"
)

// Morning digests are reminders too (ReminderDigest): each user who has
// tasks gets one at DigestAt on each working day, in their time zone, kept
// in the store like any reminder, so a digest missed while DealDesk was
// down goes out once, late, and never twice. Firing one writes the next.

// MaxDigestItems bounds each list of a digest; the rest are counted.
const MaxDigestItems = 15

// digestDays is how far ahead a digest lists the deals' key dates.
const digestDays = 7

// EnsureDigests makes sure every active user who works with tasks has their
// next morning digest scheduled; a periodic job calls it (hourly), so a
// new user gets theirs within the hour. It returns how many it scheduled.
func (s *Service) EnsureDigests(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.update(ctx, func(tx Tx) error {
		n = 0
		st, err := reminderSettings(tx)
		if err != nil {
			return err
		}
		users, err := tx.ListUsers()
		if err != nil {
			return err
		}
		for _, u := range users {
			if !u.Can(PermTasks) {
				continue
			}
			pending, err := tx.PendingRemindersByUser(u.ID)
			if err != nil {
				return err
			}
			has := false
			for _, r := range pending {
				has = has || r.Kind == ReminderDigest
			}
			if has {
				continue
			}
			if err := s.scheduleDigest(tx, u, st, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// scheduleDigest writes u's next digest: at DigestAt on the first working
// day, in u's time zone, that is after now.
func (s *Service) scheduleDigest(tx Tx, u *User, st ReminderSettings, now time.Time) error {
	loc := u.Location()
	t := now.In(loc)
	day := dayOf(t)
	at := atMinute(day, st.DigestAt)
	for !at.After(now) || !s.calendar().Workday(day) {
		day = day.AddDate(0, 0, 1)
		at = atMinute(day, st.DigestAt)
	}
	key := fmt.Sprintf("digest:%d:%s", u.ID, day.Format("2006-01-02"))
	if r, err := tx.ReminderByKey(key); err == nil {
		if r.Status != ReminderCancelled {
			return nil
		}
		// Cancelled when the digest time changed: back at the new time.
		r.Status, r.DueAt = ReminderPending, at
		return tx.UpdateReminder(r)
	} else if !IsNotFound(err) {
		return err
	}
	return tx.CreateReminder(&Reminder{Key: key, Kind: ReminderDigest, UserID: u.ID, DueAt: at,
		Status: ReminderPending})
}

// rescheduleDigests moves every pending digest to the digest time of st:
// each is cancelled and the user's next one scheduled anew.
func (s *Service) rescheduleDigests(tx Tx, st ReminderSettings, now time.Time) error {
	users, err := tx.ListUsers()
	if err != nil {
		return err
	}
	for _, u := range users {
		pending, err := tx.PendingRemindersByUser(u.ID)
		if err != nil {
			return err
		}
		had := false
		for _, r := range pending {
			if r.Kind == ReminderDigest {
				had = true
				r.Status = ReminderCancelled
				if err := tx.UpdateReminder(r); err != nil {
					return err
				}
			}
		}
		if had {
			if err := s.scheduleDigest(tx, u, st, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// sendDigest writes u's digest: their overdue tasks, those due today, their
// deals' key dates of the coming week, and for a head, their people's
// overdue tasks. An empty digest is not sent.
func (s *Service) sendDigest(tx Tx, u *User, r *Reminder, now time.Time) error {
	loc := u.Location()
	t := now.In(loc)
	today := dayOf(t)
	tomorrow := today.AddDate(0, 0, 1)
	tasks, err := tx.FindTasks(TaskFilter{AssigneeID: u.ID, Status: TaskOpen})
	if err != nil {
		return err
	}
	var overdue, dueToday []map[string]any
	for _, t := range tasks {
		switch {
		case t.Overdue(now):
			overdue = append(overdue, taskItem(tx, t))
		case !t.Due.IsZero() && t.Due.Before(tomorrow):
			dueToday = append(dueToday, taskItem(tx, t))
		}
	}
	var dates []map[string]any
	if u.Can(PermEditDeals) {
		deals, err := tx.FindDeals(DealFilter{ManagerID: u.ID, Open: true})
		if err != nil {
			return err
		}
		until := today.AddDate(0, 0, digestDays)
		for _, d := range deals {
			for _, kd := range dealDates(d) {
				if kd.Target.Before(today) || !kd.Target.Before(until) {
					continue
				}
				item := map[string]any{"Kind": string(kd.Kind), "Date": kd.Target, "Deal": d.Number, "Title": d.Title}
				if kd.Amount != 0 {
					item["Amount"] = int64(kd.Amount)
				}
				dates = append(dates, item)
			}
		}
	}
	var team []map[string]any
	if u.Role == RoleHead || u.Role == RoleAdmin {
		people, err := tx.ListUsers()
		if err != nil {
			return err
		}
		for _, p := range people {
			if p.HeadID != u.ID || p.ID == u.ID || !p.Active {
				continue
			}
			ts, err := tx.FindTasks(TaskFilter{AssigneeID: p.ID, Status: TaskOpen, DueBefore: now})
			if err != nil {
				return err
			}
			if len(ts) == 0 {
				continue
			}
			var items []map[string]any
			for _, t := range ts[:min(len(ts), 5)] {
				items = append(items, taskItem(tx, t))
			}
			team = append(team, map[string]any{"Name": p.Name, "Count": len(ts), "Items": items})
		}
	}
	if len(overdue)+len(dueToday)+len(dates)+len(team) == 0 {
		return nil
	}
	args := map[string]any{"Day": today, "Late": r.Late, "CanOverdue": u.Can(PermAssignTasks),
		"OverdueCount": len(overdue), "TodayCount": len(dueToday), "DatesCount": len(dates)}
	args["Overdue"], args["Today"], args["Dates"] = capItems(overdue), capItems(dueToday), capItems(dates)
	args["Team"] = team
	return s.notifyUser(tx, u.ID, Note{Key: "notify.digest", Args: args})
}

func capItems(items []map[string]any) []map[string]any {
	return items[:min(len(items), MaxDigestItems)]
}

// taskItem is a task as a digest or list shows it.
func taskItem(tx Tx, t *Task) map[string]any {
	item := map[string]any{"ID": t.ID, "Title": t.Title, "Due": optTime(t.Due)}
	if t.DealID != 0 {
		if d, err := tx.DealByID(t.DealID); err == nil {
			item["Deal"] = d.Number
		}
	}
	return item
}
