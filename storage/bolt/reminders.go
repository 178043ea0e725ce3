package bolt

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Reminder indexes:
//
//	reminders_by_key:          key → id (every status: a key is never reused)
//	reminders_due:             timeKey(dueAt) id → nothing (pending only)
//	reminders_by_deal:         dealID id → nothing
//	reminders_by_task:         taskID id → nothing
//	reminders_pending_by_user: userID timeKey(dueAt) id → nothing (pending only)
//
// Control result indexes:
//
//	control_by_deal: dealID id → nothing
//	control_by_task: taskID id → nothing
//	control_by_time: timeKey(at) id → nothing
//
// The settings bucket holds the reminder settings as JSON under
// keyReminderSettings; calendar_years maps a year (8 bytes, big-endian) to
// the production-calendar file an admin loaded.

// keyReminderSettings is the settings bucket's key of the reminder settings.
var keyReminderSettings = []byte("reminders")

// ReminderByID returns the reminder with the ID, or ENOTFOUND.
func (tx *Tx) ReminderByID(id int64) (*core.Reminder, error) {
	r := new(core.Reminder)
	if ok, err := tx.get(bktReminders, itob(id), r); err != nil {
		return nil, fmt.Errorf("bolt: reminder %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.reminder.not_found")
	}
	return r, nil
}

// ReminderByKey returns the reminder with the key, whatever its status, or
// ENOTFOUND.
func (tx *Tx) ReminderByKey(k string) (*core.Reminder, error) {
	id := tx.tx.Bucket(bktRemindersByKey).Get([]byte(k))
	if id == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.reminder.not_found")
	}
	r := new(core.Reminder)
	if err := tx.load(bktReminders, id, r); err != nil {
		return nil, fmt.Errorf("bolt: reminder %q: %w", k, err)
	}
	return r, nil
}

// CreateReminder validates the reminder, assigns its ID and stores it. An
// empty status is pending; CreatedAt is Now when zero. It returns ECONFLICT
// when another reminder has the key, whatever that one's status.
func (tx *Tx) CreateReminder(r *core.Reminder) (err error) {
	defer wrapf(&err, "create reminder")
	if r.Status == "" {
		r.Status = core.ReminderPending
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if tx.tx.Bucket(bktRemindersByKey).Get([]byte(r.Key)) != nil {
		return core.Errorf(core.ECONFLICT, "err.reminder.key_taken", "Key", r.Key)
	}
	if r.ID, err = tx.nextID(bktReminders); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = tx.now
	}
	r.UpdatedAt = tx.now
	if err := tx.put(bktReminders, itob(r.ID), r); err != nil {
		return err
	}
	return tx.reindex(nil, reminderEntries(r))
}

// UpdateReminder validates and stores a changed reminder and moves its index
// entries: a pending one is in the due indexes at its DueAt, any other
// status leaves them. The key cannot change (EINVALID); an unknown reminder
// is ENOTFOUND.
func (tx *Tx) UpdateReminder(r *core.Reminder) (err error) {
	defer wrapf(&err, "update reminder %d", r.ID)
	old, err := tx.ReminderByID(r.ID)
	if err != nil {
		return err
	}
	if r.Key != old.Key {
		return core.Errorf(core.EINVALID, "err.reminder.key_fixed", "Key", old.Key)
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = old.CreatedAt
	}
	r.UpdatedAt = tx.now
	if err := tx.put(bktReminders, itob(r.ID), r); err != nil {
		return err
	}
	return tx.reindex(reminderEntries(old), reminderEntries(r))
}

// DueReminders returns up to limit (all when <= 0) pending reminders due at
// or before now, the earliest first (ties by ID). It walks the due index
// from its start and stops at the first entry after now, so it reads only
// what it returns.
func (tx *Tx) DueReminders(now time.Time, limit int) ([]*core.Reminder, error) {
	rs := []*core.Reminder{}
	end := timeKey(now)
	b := tx.tx.Bucket(bktReminders)
	c := tx.tx.Bucket(bktRemindersDue).Cursor()
	for k, _ := c.First(); k != nil && !limitReached(len(rs), limit); k, _ = c.Next() {
		if len(k) != 16 {
			return nil, fmt.Errorf("bolt: due reminders: malformed entry %x", k)
		}
		if bytes.Compare(k[:8], end) > 0 {
			break
		}
		v := b.Get(k[8:])
		if v == nil {
			return nil, fmt.Errorf("bolt: due reminders: %s %x: indexed but missing", bktReminders, k[8:])
		}
		r := new(core.Reminder)
		if err := decode(v, r); err != nil {
			return nil, fmt.Errorf("bolt: due reminders: %s %x: %w", bktReminders, k[8:], err)
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// RemindersByDeal returns a deal's reminders of every status by DueAt, ties
// by ID.
func (tx *Tx) RemindersByDeal(dealID int64) ([]*core.Reminder, error) {
	rs, err := tx.remindersIn(bktRemindersByDeal, itob(dealID))
	if err != nil {
		return nil, fmt.Errorf("bolt: reminders of deal %d: %w", dealID, err)
	}
	slices.SortStableFunc(rs, compareReminders)
	return rs, nil
}

// RemindersByTask returns a task's reminders of every status by DueAt, ties
// by ID.
func (tx *Tx) RemindersByTask(taskID int64) ([]*core.Reminder, error) {
	rs, err := tx.remindersIn(bktRemindersByTask, itob(taskID))
	if err != nil {
		return nil, fmt.Errorf("bolt: reminders of task %d: %w", taskID, err)
	}
	slices.SortStableFunc(rs, compareReminders)
	return rs, nil
}

// PendingRemindersByUser returns a user's pending reminders by DueAt, ties
// by ID: the order of the index.
func (tx *Tx) PendingRemindersByUser(userID int64) ([]*core.Reminder, error) {
	rs, err := tx.remindersIn(bktRemindersPendingByUser, itob(userID))
	if err != nil {
		return nil, fmt.Errorf("bolt: pending reminders of user %d: %w", userID, err)
	}
	return rs, nil
}

// remindersIn loads the reminders of the index entries with the prefix,
// each key ending in the reminder's ID.
func (tx *Tx) remindersIn(index, prefix []byte) ([]*core.Reminder, error) {
	rs := []*core.Reminder{}
	err := tx.scan(index, prefix, func(k, _ []byte) (bool, error) {
		if len(k) < len(prefix)+8 {
			return false, fmt.Errorf("%s: malformed entry %x", index, k)
		}
		r := new(core.Reminder)
		if err := tx.load(bktReminders, k[len(k)-8:], r); err != nil {
			return false, err
		}
		rs = append(rs, r)
		return true, nil
	})
	return rs, err
}

// CountPendingReminders counts the entries of the due index, from the page
// headers: it does not read the reminders.
func (tx *Tx) CountPendingReminders() (int, error) {
	return tx.tx.Bucket(bktRemindersDue).Stats().KeyN, nil
}

// compareReminders orders reminders by DueAt, then ID.
func compareReminders(a, b *core.Reminder) int {
	if c := a.DueAt.Compare(b.DueAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// reminderEntries lists the index entries of a reminder.
func reminderEntries(r *core.Reminder) []entry {
	id := itob(r.ID)
	es := make([]entry, 0, 5)
	es = append(es, entry{bktRemindersByKey, []byte(r.Key), id})
	if r.DealID != 0 {
		es = append(es, entry{bktRemindersByDeal, key(itob(r.DealID), id), nil})
	}
	if r.TaskID != 0 {
		es = append(es, entry{bktRemindersByTask, key(itob(r.TaskID), id), nil})
	}
	if r.Status == core.ReminderPending {
		due := timeKey(r.DueAt)
		es = append(es, entry{bktRemindersDue, key(due, id), nil},
			entry{bktRemindersPendingByUser, key(itob(r.UserID), due, id), nil})
	}
	return es
}

// AddControlResult assigns the result an ID, sets At to Now when zero and
// stores it.
func (tx *Tx) AddControlResult(c *core.ControlResult) (err error) {
	defer wrapf(&err, "add control result")
	if c.ID, err = tx.nextID(bktControlResults); err != nil {
		return err
	}
	if c.At.IsZero() {
		c.At = tx.now
	}
	if err := tx.put(bktControlResults, itob(c.ID), c); err != nil {
		return err
	}
	return tx.reindex(nil, controlEntries(c))
}

// ControlResultsByDeal returns the results with the deal's ID, oldest
// first (ties by ID).
func (tx *Tx) ControlResultsByDeal(dealID int64) ([]*core.ControlResult, error) {
	cs, err := tx.controlResultsIn(bktControlByDeal, itob(dealID))
	if err != nil {
		return nil, fmt.Errorf("bolt: control results of deal %d: %w", dealID, err)
	}
	slices.SortStableFunc(cs, compareControlResults)
	return cs, nil
}

// ControlResultsByTask returns a task's results, oldest first (ties by ID).
func (tx *Tx) ControlResultsByTask(taskID int64) ([]*core.ControlResult, error) {
	cs, err := tx.controlResultsIn(bktControlByTask, itob(taskID))
	if err != nil {
		return nil, fmt.Errorf("bolt: control results of task %d: %w", taskID, err)
	}
	slices.SortStableFunc(cs, compareControlResults)
	return cs, nil
}

// ControlResults returns the results recorded in [from, to), oldest first
// (ties by ID), reading only those through the time index.
func (tx *Tx) ControlResults(from, to time.Time) ([]*core.ControlResult, error) {
	cs := []*core.ControlResult{}
	if !from.Before(to) {
		return cs, nil
	}
	end := timeKey(to)
	c := tx.tx.Bucket(bktControlByTime).Cursor()
	for k, _ := c.Seek(timeKey(from)); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		if len(k) != 16 {
			return nil, fmt.Errorf("bolt: control results: malformed entry %x", k)
		}
		r := new(core.ControlResult)
		if err := tx.load(bktControlResults, k[8:], r); err != nil {
			return nil, fmt.Errorf("bolt: control results: %w", err)
		}
		cs = append(cs, r)
	}
	return cs, nil
}

// controlResultsIn loads the results of the index entries with the prefix,
// each key ending in the result's ID.
func (tx *Tx) controlResultsIn(index, prefix []byte) ([]*core.ControlResult, error) {
	cs := []*core.ControlResult{}
	err := tx.scan(index, prefix, func(k, _ []byte) (bool, error) {
		if len(k) < len(prefix)+8 {
			return false, fmt.Errorf("%s: malformed entry %x", index, k)
		}
		r := new(core.ControlResult)
		if err := tx.load(bktControlResults, k[len(k)-8:], r); err != nil {
			return false, err
		}
		cs = append(cs, r)
		return true, nil
	})
	return cs, err
}

// compareControlResults orders results by At, then ID.
func compareControlResults(a, b *core.ControlResult) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// controlEntries lists the index entries of a control result.
func controlEntries(c *core.ControlResult) []entry {
	id := itob(c.ID)
	es := []entry{{bktControlByTime, key(timeKey(c.At), id), nil}}
	if c.DealID != 0 {
		es = append(es, entry{bktControlByDeal, key(itob(c.DealID), id), nil})
	}
	if c.TaskID != 0 {
		es = append(es, entry{bktControlByTask, key(itob(c.TaskID), id), nil})
	}
	return es
}

// ReminderSettings returns the stored reminder settings, or zero settings
// when none were stored.
func (tx *Tx) ReminderSettings() (core.ReminderSettings, error) {
	var s core.ReminderSettings
	if _, err := tx.get(bktSettings, keyReminderSettings, &s); err != nil {
		return core.ReminderSettings{}, fmt.Errorf("bolt: reminder settings: %w", err)
	}
	return s, nil
}

// PutReminderSettings stores the reminder settings (durations as
// nanoseconds).
func (tx *Tx) PutReminderSettings(s core.ReminderSettings) (err error) {
	defer wrapf(&err, "put reminder settings")
	return tx.put(bktSettings, keyReminderSettings, s)
}

// CalendarYear returns the production-calendar file of the year an admin
// loaded, or ENOTFOUND.
func (tx *Tx) CalendarYear(year int) ([]byte, error) {
	v := tx.tx.Bucket(bktCalendarYears).Get(itob(int64(year)))
	if v == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.calendar.year_not_found", "Year", year)
	}
	return bytes.Clone(v), nil
}

// PutCalendarYear stores the production-calendar file of a year, replacing
// the one loaded before.
func (tx *Tx) PutCalendarYear(year int, data []byte) (err error) {
	defer wrapf(&err, "put calendar year %d", year)
	if len(data) == 0 {
		return core.Errorf(core.EINVALID, "err.calendar.empty", "Year", year)
	}
	return tx.tx.Bucket(bktCalendarYears).Put(itob(int64(year)), bytes.Clone(data))
}

// CalendarYears lists the loaded years, ascending.
func (tx *Tx) CalendarYears() ([]int, error) {
	years := []int{}
	err := tx.tx.Bucket(bktCalendarYears).ForEach(func(k, _ []byte) error {
		if len(k) != 8 {
			return fmt.Errorf("malformed year %x", k)
		}
		years = append(years, int(btoi(k)))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: calendar years: %w", err)
	}
	return years, nil
}
