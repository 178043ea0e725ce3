package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dealdesk/dealdesk/core"
)

// Reminders are in the reminders table with their key, user, deal, task and
// due time as key columns, and pending (Status = pending): the tick reads
// the partial index reminders_due (due_at, id) WHERE pending, from its start
// up to now, so its work is what is due, however many are pending.
// Control results are in control_results, by time, deal and task. The
// settings table holds the reminder settings as JSON under "reminders";
// calendar_years holds each year's production-calendar file.

// settingsReminders is the settings table's name of the reminder settings.
const settingsReminders = "reminders"

// ReminderByID returns the reminder with the ID, or ENOTFOUND.
func (tx *Tx) ReminderByID(id int64) (r *core.Reminder, err error) {
	defer wrapf(&err, "reminder %d", id)
	r = new(core.Reminder)
	if ok, err := tx.get(r, `SELECT doc FROM reminders WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.reminder.not_found")
	}
	return r, nil
}

// ReminderByKey returns the reminder with the key, whatever its status, or
// ENOTFOUND.
func (tx *Tx) ReminderByKey(k string) (r *core.Reminder, err error) {
	defer wrapf(&err, "reminder %q", k)
	r = new(core.Reminder)
	if ok, err := tx.get(r, `SELECT doc FROM reminders WHERE key = $1`, k); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.reminder.not_found")
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
	if taken, err := tx.exists(`SELECT 1 FROM reminders WHERE key = $1`, r.Key); err != nil {
		return err
	} else if taken {
		return core.Errorf(core.ECONFLICT, "err.reminder.key_taken", "Key", r.Key)
	}
	if r.ID, err = tx.nextID("reminders"); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = tx.now
	}
	r.UpdatedAt = tx.now
	return tx.putReminder(r)
}

// UpdateReminder validates and stores a changed reminder: a pending one is
// in the due index at its DueAt, any other status leaves it. The key cannot
// change (EINVALID); an unknown reminder is ENOTFOUND.
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
	return tx.putReminder(r)
}

// putReminder writes a reminder as it is, ID and times kept. Create, Update
// and the copier from bbolt use it.
func (tx *Tx) putReminder(r *core.Reminder) error {
	row, err := reminderRow(r)
	if err != nil {
		return err
	}
	err = tx.exec(`INSERT INTO reminders (`+reminderColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET key = EXCLUDED.key, user_id = EXCLUDED.user_id, deal_id = EXCLUDED.deal_id,
			task_id = EXCLUDED.task_id, due_at = EXCLUDED.due_at, pending = EXCLUDED.pending, doc = EXCLUDED.doc`,
		row...)
	if isUniqueViolation(err, "reminders_by_key") {
		return core.Errorf(core.ECONFLICT, "err.reminder.key_taken", "Key", r.Key)
	}
	return err
}

// reminderColumns are the reminders table's columns in reminderRow's order.
const reminderColumns = "id, key, user_id, deal_id, task_id, due_at, pending, doc"

// reminderRow is a reminder's row: its key columns, written from the record
// with it, and the record.
func reminderRow(r *core.Reminder) ([]any, error) {
	data, err := encode(r)
	if err != nil {
		return nil, err
	}
	return []any{r.ID, r.Key, r.UserID, r.DealID, r.TaskID, r.DueAt, r.Status == core.ReminderPending, data}, nil
}

// DueReminders returns up to limit (all when <= 0) pending reminders due at
// or before now, the earliest first (ties by ID). It reads the due index
// from its start up to now and stops at the limit, so it reads only what it
// returns.
func (tx *Tx) DueReminders(now time.Time, limit int) (rs []*core.Reminder, err error) {
	defer wrapf(&err, "due reminders")
	return list[core.Reminder](tx, sqlDueReminders, now, sqlLimit(limit))
}

// sqlDueReminders reads the due index up to now ($1), at most $2 rows.
const sqlDueReminders = `SELECT doc FROM reminders WHERE pending AND due_at <= $1 ORDER BY due_at, id LIMIT $2`

// RemindersByDeal returns a deal's reminders of every status by DueAt, ties
// by ID.
func (tx *Tx) RemindersByDeal(dealID int64) (rs []*core.Reminder, err error) {
	defer wrapf(&err, "reminders of deal %d", dealID)
	if dealID == 0 {
		return []*core.Reminder{}, nil
	}
	return list[core.Reminder](tx, `SELECT doc FROM reminders WHERE deal_id = $1 AND deal_id <> 0
		ORDER BY due_at, id`, dealID)
}

// RemindersByTask returns a task's reminders of every status by DueAt, ties
// by ID.
func (tx *Tx) RemindersByTask(taskID int64) (rs []*core.Reminder, err error) {
	defer wrapf(&err, "reminders of task %d", taskID)
	if taskID == 0 {
		return []*core.Reminder{}, nil
	}
	return list[core.Reminder](tx, `SELECT doc FROM reminders WHERE task_id = $1 AND task_id <> 0
		ORDER BY due_at, id`, taskID)
}

// PendingRemindersByUser returns a user's pending reminders by DueAt, ties
// by ID.
func (tx *Tx) PendingRemindersByUser(userID int64) (rs []*core.Reminder, err error) {
	defer wrapf(&err, "pending reminders of user %d", userID)
	return list[core.Reminder](tx, `SELECT doc FROM reminders WHERE pending AND user_id = $1
		ORDER BY due_at, id`, userID)
}

// CountPendingReminders returns the number of pending reminders that the
// reminders table's statement triggers keep in reminders_pending_count
// (migration 0004): one row read, not the due index counted.
func (tx *Tx) CountPendingReminders() (n int, err error) {
	defer wrapf(&err, "count pending reminders")
	_, err = tx.scalar(&n, `SELECT n FROM reminders_pending_count`)
	return n, err
}

// AddControlResult assigns the result an ID, sets At to Now when zero and
// stores it.
func (tx *Tx) AddControlResult(c *core.ControlResult) (err error) {
	defer wrapf(&err, "add control result")
	if c.ID, err = tx.nextID("control_results"); err != nil {
		return err
	}
	if c.At.IsZero() {
		c.At = tx.now
	}
	return tx.putControlResult(c)
}

// putControlResult writes a control result as it is, ID kept. Add and the
// copier from bbolt use it.
func (tx *Tx) putControlResult(c *core.ControlResult) error {
	data, err := encode(c)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO control_results (id, at, deal_id, task_id, doc) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at, deal_id = EXCLUDED.deal_id, task_id = EXCLUDED.task_id,
			doc = EXCLUDED.doc`, c.ID, c.At, c.DealID, c.TaskID, data)
}

// ControlResultsByDeal returns the results with the deal's ID, oldest
// first (ties by ID).
func (tx *Tx) ControlResultsByDeal(dealID int64) (cs []*core.ControlResult, err error) {
	defer wrapf(&err, "control results of deal %d", dealID)
	if dealID == 0 {
		return []*core.ControlResult{}, nil
	}
	return list[core.ControlResult](tx, `SELECT doc FROM control_results WHERE deal_id = $1 AND deal_id <> 0
		ORDER BY at, id`, dealID)
}

// ControlResultsByTask returns a task's results, oldest first (ties by ID).
func (tx *Tx) ControlResultsByTask(taskID int64) (cs []*core.ControlResult, err error) {
	defer wrapf(&err, "control results of task %d", taskID)
	if taskID == 0 {
		return []*core.ControlResult{}, nil
	}
	return list[core.ControlResult](tx, `SELECT doc FROM control_results WHERE task_id = $1 AND task_id <> 0
		ORDER BY at, id`, taskID)
}

// ControlResults returns the results recorded in [from, to), oldest first
// (ties by ID), reading only those through the time index.
func (tx *Tx) ControlResults(from, to time.Time) (cs []*core.ControlResult, err error) {
	defer wrapf(&err, "control results")
	if !from.Before(to) {
		return []*core.ControlResult{}, nil
	}
	return list[core.ControlResult](tx, `SELECT doc FROM control_results WHERE at >= $1 AND at < $2
		ORDER BY at, id`, from, to)
}

// ReminderSettings returns the stored reminder settings, or zero settings
// when none were stored.
func (tx *Tx) ReminderSettings() (s core.ReminderSettings, err error) {
	defer wrapf(&err, "reminder settings")
	if _, err := tx.get(&s, `SELECT doc FROM settings WHERE name = $1`, settingsReminders); err != nil {
		return core.ReminderSettings{}, err
	}
	return s, nil
}

// PutReminderSettings stores the reminder settings (durations as
// nanoseconds).
func (tx *Tx) PutReminderSettings(s core.ReminderSettings) (err error) {
	defer wrapf(&err, "put reminder settings")
	return tx.putSetting(settingsReminders, s)
}

// putSetting stores settings as JSON under the name. The Put*Settings
// methods and the copier from bbolt (its settings bucket: the same names,
// the same JSON) use it.
func (tx *Tx) putSetting(name string, v any) error {
	data, err := encode(v)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO settings (name, doc) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET doc = EXCLUDED.doc`, name, data)
}

// CalendarYear returns the production-calendar file of the year an admin
// loaded, or ENOTFOUND.
func (tx *Tx) CalendarYear(year int) (data []byte, err error) {
	defer wrapf(&err, "calendar year %d", year)
	if ok, err := tx.scalar(&data, `SELECT data FROM calendar_years WHERE year = $1`, year); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.calendar.year_not_found", "Year", year)
	}
	return data, nil
}

// PutCalendarYear stores the production-calendar file of a year, replacing
// the one loaded before.
func (tx *Tx) PutCalendarYear(year int, data []byte) (err error) {
	defer wrapf(&err, "put calendar year %d", year)
	if len(data) == 0 {
		return core.Errorf(core.EINVALID, "err.calendar.empty", "Year", year)
	}
	return tx.putCalendarYear(year, data)
}

// putCalendarYear stores a year's file. PutCalendarYear and the copier from
// bbolt use it.
func (tx *Tx) putCalendarYear(year int, data []byte) error {
	return tx.exec(`INSERT INTO calendar_years (year, data) VALUES ($1, $2)
		ON CONFLICT (year) DO UPDATE SET data = EXCLUDED.data`, year, data)
}

// CalendarYears lists the loaded years, ascending.
func (tx *Tx) CalendarYears() (years []int, err error) {
	defer wrapf(&err, "calendar years")
	rows, err := tx.tx.Query(tx.ctx, `SELECT year FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, err
	}
	years, err = pgx.CollectRows(rows, pgx.RowTo[int])
	if years == nil {
		years = []int{}
	}
	return years, err
}

// OutboxBacklog counts the pending outbox messages by platform and returns
// the oldest one's creation time (zero when none), from the pending
// messages' by-chat index (outbox_pending_by_chat) alone.
func (tx *Tx) OutboxBacklog() (counts map[string]int, oldest time.Time, err error) {
	defer wrapf(&err, "outbox backlog")
	rows, err := tx.tx.Query(tx.ctx, `SELECT platform, count(*), min(created_at) FROM outbox
		WHERE status = $1 GROUP BY platform`, string(core.OutboxPending))
	if err != nil {
		return nil, time.Time{}, err
	}
	defer rows.Close()
	counts = map[string]int{}
	for rows.Next() {
		var platform string
		var n int
		var at time.Time
		if err := rows.Scan(&platform, &n, &at); err != nil {
			return nil, time.Time{}, err
		}
		counts[platform] = n
		if oldest.IsZero() || at.Before(oldest) {
			oldest = at.UTC()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, time.Time{}, err
	}
	return counts, oldest, nil
}
