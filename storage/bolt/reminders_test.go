package bolt_test

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// newReminder is a pending payment reminder of deal 7 for user 1, due at.
func newReminder(k string, due time.Time) *core.Reminder {
	return &core.Reminder{Key: k, Kind: core.ReminderPayment, UserID: 1, DealID: 7, DueAt: due,
		Target: due.AddDate(0, 0, 1), Lead: 1, Amount: 150_000_00}
}

func reminderKeys(rs []*core.Reminder) []string {
	keys := []string{}
	for _, r := range rs {
		keys = append(keys, r.Key)
	}
	return keys
}

// mustConsistent fails the test unless Check finds the database consistent:
// every index entry the reminders should have is there, and no other.
func mustConsistent(t *testing.T, db *bolt.DB) {
	t.Helper()
	r, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("the check found problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}

func TestReminders_CreateAndGet(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	now := clock.Now().UTC().Truncate(time.Microsecond)
	r := newReminder("deal:7:payment:2026-03-10:1", now.Add(24*time.Hour))
	r.Status = ""
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateReminder(r) })
	if r.ID != 1 || r.Status != core.ReminderPending || !r.CreatedAt.Equal(now) || !r.UpdatedAt.Equal(now) {
		t.Fatalf("created %+v", r)
	}
	MustView(t, db, func(tx core.Tx) error {
		for _, get := range []func() (*core.Reminder, error){
			func() (*core.Reminder, error) { return tx.ReminderByID(1) },
			func() (*core.Reminder, error) { return tx.ReminderByKey("deal:7:payment:2026-03-10:1") },
		} {
			got, err := get()
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, r) {
				t.Errorf("got %+v, want %+v", got, r)
			}
		}
		_, err := tx.ReminderByID(2)
		CheckCode(t, err, core.ENOTFOUND, "err.reminder.not_found")
		_, err = tx.ReminderByKey("deal:7:payment:2026-03-10:2")
		CheckCode(t, err, core.ENOTFOUND, "err.reminder.not_found")
		return nil
	})
	mustConsistent(t, db)
}

// TestReminders_KeyUnique: a key is taken by a reminder of any status, so
// a reminder that fired or was cancelled is never made again.
func TestReminders_KeyUnique(t *testing.T) {
	db := MustOpenDB(t)
	due := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for _, st := range []core.ReminderStatus{core.ReminderPending, core.ReminderFired, core.ReminderClosed,
		core.ReminderCancelled} {
		k := "key-" + string(st)
		first := newReminder(k, due)
		first.Status = st
		MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateReminder(first) })
		err := db.Update(t.Context(), func(tx core.Tx) error { return tx.CreateReminder(newReminder(k, due)) })
		CheckCode(t, err, core.ECONFLICT, "err.reminder.key_taken")
	}
	MustView(t, db, func(tx core.Tx) error {
		rs, err := tx.RemindersByDeal(7)
		if err == nil && len(rs) != 4 {
			t.Errorf("stored %d reminders, want 4: %v", len(rs), reminderKeys(rs))
		}
		return err
	})
	mustConsistent(t, db)
}

func TestReminders_Refusals(t *testing.T) {
	db := MustOpenDB(t)
	due := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	r := newReminder("a", due)
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateReminder(r) })

	for _, tt := range []struct {
		name      string
		fn        func(tx core.Tx) error
		code, key string
	}{
		{"create without a key", func(tx core.Tx) error { return tx.CreateReminder(newReminder(" ", due)) },
			core.EINVALID, "err.reminder.key_required"},
		{"create without a due time", func(tx core.Tx) error { return tx.CreateReminder(newReminder("b", time.Time{})) },
			core.EINVALID, "err.reminder.due_required"},
		{"update an unknown one", func(tx core.Tx) error {
			u := *r
			u.ID = 99
			return tx.UpdateReminder(&u)
		}, core.ENOTFOUND, "err.reminder.not_found"},
		{"change the key", func(tx core.Tx) error {
			u := *r
			u.Key = "b"
			return tx.UpdateReminder(&u)
		}, core.EINVALID, "err.reminder.key_fixed"},
		{"update to an unknown status", func(tx core.Tx) error {
			u := *r
			u.Status = "gone"
			return tx.UpdateReminder(&u)
		}, core.EINVALID, "err.reminder.status_unknown"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			CheckCode(t, db.Update(t.Context(), tt.fn), tt.code, tt.key)
		})
	}
	// Nothing refused was stored, and the one reminder is unchanged.
	MustView(t, db, func(tx core.Tx) error {
		if _, err := tx.ReminderByKey("b"); core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("ReminderByKey(b) = %v, want ENOTFOUND", err)
		}
		got, err := tx.ReminderByID(r.ID)
		if err == nil && (got.Key != "a" || got.Status != core.ReminderPending) {
			t.Errorf("reminder after the refusals: %+v", got)
		}
		return err
	})
	mustConsistent(t, db)
}

// TestReminders_UpdateMovesIndexes walks a reminder through its life: the
// due index and the user's pending list follow DueAt while it is pending
// and drop it otherwise; the deal's, the task's and the key's entries stay.
func TestReminders_UpdateMovesIndexes(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	t0 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	r := newReminder("task:5:due", t0)
	r.Kind, r.TaskID = core.ReminderTaskDue, 5
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateReminder(r) })
	created := r.CreatedAt

	type state struct {
		dueAt, dueBefore bool // in DueReminders at t0, and an hour before t0
		pending          int  // CountPendingReminders
	}
	look := func(step string, want state) {
		t.Helper()
		MustView(t, db, func(tx core.Tx) error {
			at, err := tx.DueReminders(t0, 0)
			if err != nil {
				return err
			}
			before, err := tx.DueReminders(t0.Add(-time.Hour), 0)
			if err != nil {
				return err
			}
			mine, err := tx.PendingRemindersByUser(1)
			if err != nil {
				return err
			}
			n, err := tx.CountPendingReminders()
			if err != nil {
				return err
			}
			got := state{len(at) == 1, len(before) == 1, n}
			if got != want || len(mine) != n {
				t.Errorf("%s: %+v with %d pending for the user, want %+v", step, got, len(mine), want)
			}
			for _, get := range []func() ([]*core.Reminder, error){
				func() ([]*core.Reminder, error) { return tx.RemindersByDeal(7) },
				func() ([]*core.Reminder, error) { return tx.RemindersByTask(5) },
			} {
				if rs, err := get(); err != nil {
					return err
				} else if len(rs) != 1 || rs[0].Status != r.Status || !rs[0].DueAt.Equal(r.DueAt) {
					t.Errorf("%s: by deal or task %+v, want the reminder as updated", step, rs)
				}
			}
			if got, err := tx.ReminderByKey(r.Key); err != nil || got.ID != r.ID {
				t.Errorf("%s: ReminderByKey = %+v, %v", step, got, err)
			}
			return nil
		})
		mustConsistent(t, db)
	}
	update := func(fn func()) {
		t.Helper()
		fn()
		MustUpdate(t, db, func(tx core.Tx) error { return tx.UpdateReminder(r) })
	}

	look("created", state{dueAt: true, pending: 1})
	update(func() { r.DueAt = t0.Add(-2 * time.Hour) })
	look("moved earlier", state{dueAt: true, dueBefore: true, pending: 1})
	update(func() { r.Status, r.FiredAt = core.ReminderFired, t0 })
	look("fired", state{})
	update(func() { r.Status, r.DueAt, r.Snoozes = core.ReminderPending, t0.Add(time.Hour), 1 })
	look("snoozed an hour past t0", state{pending: 1})
	update(func() { r.DueAt = t0 })
	look("snoozed to t0", state{dueAt: true, pending: 1})
	update(func() { r.Status = core.ReminderCancelled })
	look("cancelled", state{})

	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.ReminderByID(r.ID)
		if err == nil && (!got.CreatedAt.Equal(created) || got.Snoozes != 1 || got.Status != core.ReminderCancelled) {
			t.Errorf("stored %+v", got)
		}
		return err
	})
}

// TestDueReminders: the due reminders at or before now, the earliest first
// and ties by ID, up to the limit; none of another status, none later.
func TestDueReminders(t *testing.T) {
	db := MustOpenDB(t)
	t0 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, r := range []*core.Reminder{
			newReminder("t0-a", t0),
			newReminder("later", t0.Add(time.Nanosecond)),
			newReminder("1969", time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)),
			{Key: "fired", Kind: core.ReminderCustom, Text: "позвонить", UserID: 2, DueAt: t0.Add(-time.Hour),
				Status: core.ReminderFired},
			newReminder("t0-minus-1h", t0.Add(-time.Hour)),
			newReminder("t0-b", t0.In(time.FixedZone("MSK", 3*3600))), // the same instant, another zone
			{Key: "custom", Kind: core.ReminderCustom, Text: "позвонить", UserID: 2, DueAt: t0.Add(-time.Minute)},
		} {
			if err := tx.CreateReminder(r); err != nil {
				return err
			}
		}
		return nil
	})
	MustView(t, db, func(tx core.Tx) error {
		for _, tt := range []struct {
			now   time.Time
			limit int
			want  []string
		}{
			{t0, 0, []string{"1969", "t0-minus-1h", "custom", "t0-a", "t0-b"}},
			{t0, 3, []string{"1969", "t0-minus-1h", "custom"}},
			{t0, -1, []string{"1969", "t0-minus-1h", "custom", "t0-a", "t0-b"}},
			{t0.Add(-time.Nanosecond), 0, []string{"1969", "t0-minus-1h", "custom"}},
			{t0.Add(time.Nanosecond), 0, []string{"1969", "t0-minus-1h", "custom", "t0-a", "t0-b", "later"}},
			{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 0, []string{}},
		} {
			rs, err := tx.DueReminders(tt.now, tt.limit)
			if err != nil {
				return err
			}
			if got := reminderKeys(rs); !slices.Equal(got, tt.want) {
				t.Errorf("DueReminders(%v, %d) = %v, want %v", tt.now, tt.limit, got, tt.want)
			}
		}
		n, err := tx.CountPendingReminders()
		if err == nil && n != 6 {
			t.Errorf("CountPendingReminders = %d, want 6", n)
		}
		return err
	})
}

// TestReminders_Lists: a deal's and a task's reminders of every status by
// DueAt; a user's pending ones only, by DueAt.
func TestReminders_Lists(t *testing.T) {
	db := MustOpenDB(t)
	t0 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, r := range []*core.Reminder{
			{Key: "d7-late", Kind: core.ReminderRenewal, UserID: 1, DealID: 7, DueAt: t0.AddDate(0, 1, 0)},
			{Key: "d7-fired", Kind: core.ReminderSigning, UserID: 1, DealID: 7, DueAt: t0.AddDate(0, 0, -1),
				Status: core.ReminderFired},
			{Key: "d7-t5", Kind: core.ReminderTaskDue, UserID: 2, DealID: 7, TaskID: 5, DueAt: t0},
			{Key: "d8", Kind: core.ReminderPayment, UserID: 1, DealID: 8, DueAt: t0},
			{Key: "t5-overdue", Kind: core.ReminderOverdue, UserID: 2, TaskID: 5, DueAt: t0.Add(time.Hour),
				Status: core.ReminderCancelled},
			{Key: "t5-escalation", Kind: core.ReminderEscalation, UserID: 3, TaskID: 5, DueAt: t0.Add(-time.Hour)},
			{Key: "u1-digest", Kind: core.ReminderDigest, UserID: 1, DueAt: t0.Add(-time.Minute)},
			{Key: "u256", Kind: core.ReminderDigest, UserID: 256, DueAt: t0},
		} {
			if err := tx.CreateReminder(r); err != nil {
				return err
			}
		}
		return nil
	})
	MustView(t, db, func(tx core.Tx) error {
		for _, tt := range []struct {
			name string
			fn   func() ([]*core.Reminder, error)
			want []string
		}{
			{"deal 7", func() ([]*core.Reminder, error) { return tx.RemindersByDeal(7) },
				[]string{"d7-fired", "d7-t5", "d7-late"}},
			{"deal 9", func() ([]*core.Reminder, error) { return tx.RemindersByDeal(9) }, []string{}},
			{"task 5", func() ([]*core.Reminder, error) { return tx.RemindersByTask(5) },
				[]string{"t5-escalation", "d7-t5", "t5-overdue"}},
			{"user 1 pending", func() ([]*core.Reminder, error) { return tx.PendingRemindersByUser(1) },
				[]string{"u1-digest", "d8", "d7-late"}},
			{"user 2 pending", func() ([]*core.Reminder, error) { return tx.PendingRemindersByUser(2) },
				[]string{"d7-t5"}},
			{"user 4 pending", func() ([]*core.Reminder, error) { return tx.PendingRemindersByUser(4) }, []string{}},
		} {
			rs, err := tt.fn()
			if err != nil {
				return err
			}
			if got := reminderKeys(rs); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
		return nil
	})
	mustConsistent(t, db)
}

func TestControlResults(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	now := clock.Now().UTC().Truncate(time.Microsecond)
	earlier := now.Add(-time.Hour)
	cs := []*core.ControlResult{
		{ReminderID: 1, Kind: core.ReminderPayment, DealID: 7, UserID: 1, Outcome: core.ControlDone, Text: "оплачено"},
		{ReminderID: 2, Kind: core.ReminderTaskDue, DealID: 7, TaskID: 5, UserID: 2, Outcome: core.ControlSnoozed,
			Until: now.Add(time.Hour), At: earlier},
		{ReminderID: 3, Kind: core.ReminderOverdue, TaskID: 6, UserID: 2, Outcome: core.ControlMoved,
			Text: "клиент в отпуске", Until: now.AddDate(0, 0, 7), At: now.Add(time.Minute), Late: true},
		{ReminderID: 4, Kind: core.ReminderEscalation, DealID: 8, TaskID: 5, UserID: 3,
			Outcome: core.ControlEscalated, At: earlier},
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, c := range cs {
			if err := tx.AddControlResult(c); err != nil {
				return err
			}
		}
		return nil
	})
	if cs[0].ID != 1 || cs[3].ID != 4 || !cs[0].At.Equal(now) || !cs[1].At.Equal(earlier) {
		t.Fatalf("added %+v, %+v", cs[0], cs[1])
	}
	ids := func(cs []*core.ControlResult) []int64 {
		ids := []int64{}
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return ids
	}
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.ControlResultsByTask(6)
		if err != nil {
			return err
		}
		if len(got) != 1 || !reflect.DeepEqual(got[0], cs[2]) {
			t.Errorf("ControlResultsByTask(6) = %+v, want %+v", got, cs[2])
		}
		for _, tt := range []struct {
			name string
			fn   func() ([]*core.ControlResult, error)
			want []int64
		}{
			{"deal 7", func() ([]*core.ControlResult, error) { return tx.ControlResultsByDeal(7) }, []int64{2, 1}},
			{"deal 8", func() ([]*core.ControlResult, error) { return tx.ControlResultsByDeal(8) }, []int64{4}},
			{"deal 9", func() ([]*core.ControlResult, error) { return tx.ControlResultsByDeal(9) }, []int64{}},
			{"task 5", func() ([]*core.ControlResult, error) { return tx.ControlResultsByTask(5) }, []int64{2, 4}},
			{"all", func() ([]*core.ControlResult, error) {
				return tx.ControlResults(earlier, now.Add(time.Hour))
			}, []int64{2, 4, 1, 3}},
			{"from is in, to is out", func() ([]*core.ControlResult, error) {
				return tx.ControlResults(now, now.Add(time.Minute))
			}, []int64{1}},
			{"before the first", func() ([]*core.ControlResult, error) {
				return tx.ControlResults(earlier.Add(-time.Hour), earlier)
			}, []int64{}},
			{"an empty range", func() ([]*core.ControlResult, error) {
				return tx.ControlResults(now.Add(time.Hour), earlier)
			}, []int64{}},
		} {
			cs, err := tt.fn()
			if err != nil {
				return err
			}
			if got := ids(cs); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
		return nil
	})
	mustConsistent(t, db)
}

func TestReminderSettings(t *testing.T) {
	path := t.TempDir() + "/dealdesk.db"
	db := MustOpenDBAt(t, path)
	MustView(t, db, func(tx core.Tx) error {
		s, err := tx.ReminderSettings()
		if err == nil && !reflect.DeepEqual(s, core.ReminderSettings{}) {
			t.Errorf("settings never stored = %+v, want zero", s)
		}
		return err
	})
	want := core.DefaultReminderSettings()
	want.Leads[core.ReminderPayment] = []int{3, 0}
	want.TaskLead = 90 * time.Minute
	want.DayStart = 8*60 + 30
	MustUpdate(t, db, func(tx core.Tx) error { return tx.PutReminderSettings(want) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = MustOpenDBAt(t, path)
	MustView(t, db, func(tx core.Tx) error {
		s, err := tx.ReminderSettings()
		if err == nil && !reflect.DeepEqual(s, want) {
			t.Errorf("settings after a reopen = %+v, want %+v", s, want)
		}
		return err
	})
	// Storing zero settings again means the defaults again.
	MustUpdate(t, db, func(tx core.Tx) error { return tx.PutReminderSettings(core.ReminderSettings{}) })
	MustView(t, db, func(tx core.Tx) error {
		s, err := tx.ReminderSettings()
		if err == nil && !reflect.DeepEqual(s, core.ReminderSettings{}) {
			t.Errorf("settings after storing zero = %+v", s)
		}
		return err
	})
	mustConsistent(t, db)
}

func TestCalendarYears(t *testing.T) {
	db := MustOpenDB(t)
	file2026, file2027 := []byte(`<calendar year="2026"/>`), []byte(`<calendar year="2027"/>`)
	MustView(t, db, func(tx core.Tx) error {
		_, err := tx.CalendarYear(2026)
		CheckCode(t, err, core.ENOTFOUND, "err.calendar.year_not_found")
		years, err := tx.CalendarYears()
		if err == nil && len(years) != 0 {
			t.Errorf("CalendarYears of an empty store = %v", years)
		}
		return err
	})
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.PutCalendarYear(2027, file2027); err != nil {
			return err
		}
		if err := tx.PutCalendarYear(2026, []byte("an older file")); err != nil {
			return err
		}
		return tx.PutCalendarYear(2026, file2026) // replaces it
	})
	err := db.Update(t.Context(), func(tx core.Tx) error { return tx.PutCalendarYear(2028, nil) })
	CheckCode(t, err, core.EINVALID, "err.calendar.empty")
	var got []byte
	MustView(t, db, func(tx core.Tx) error {
		years, err := tx.CalendarYears()
		if err != nil {
			return err
		}
		if !slices.Equal(years, []int{2026, 2027}) {
			t.Errorf("CalendarYears = %v, want [2026 2027]", years)
		}
		got, err = tx.CalendarYear(2026)
		return err
	})
	// The file is the caller's after the transaction.
	if !bytes.Equal(got, file2026) {
		t.Errorf("CalendarYear(2026) = %q, want %q", got, file2026)
	}
	mustConsistent(t, db)
}

// TestOutboxBacklog: the pending messages by platform and the oldest one's
// creation time, whatever their next attempt's time; delivered and failed
// messages are not counted.
func TestOutboxBacklog(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	backlog := func() (map[string]int, time.Time) {
		t.Helper()
		var counts map[string]int
		var oldest time.Time
		MustView(t, db, func(tx core.Tx) (err error) {
			counts, oldest, err = tx.OutboxBacklog()
			return err
		})
		return counts, oldest
	}
	if counts, oldest := backlog(); len(counts) != 0 || !oldest.IsZero() {
		t.Fatalf("backlog of an empty outbox = %v, %v", counts, oldest)
	}
	var first *core.OutboxMessage
	start := clock.Now().UTC().Truncate(time.Microsecond)
	for i, m := range []*core.OutboxMessage{
		{Platform: "telegram", ChatID: "1", Key: "a", NextAttemptAt: start.Add(time.Hour)}, // the oldest, retried later
		{Platform: "telegram", ChatID: "2", Key: "b"},
		{Platform: "mattermost", ChatID: "town", Key: "c"},
		{Platform: "telegram", ChatID: "1", Key: "d"},
		{Platform: "telegram", ChatID: "3", Key: "e", Status: core.OutboxDelivered},
		{Platform: "mattermost", ChatID: "town", Key: "f", Status: core.OutboxFailed},
	} {
		MustUpdate(t, db, func(tx core.Tx) error { return tx.Enqueue(m) })
		if i == 0 {
			first = m
		}
		clock.Add(time.Minute)
	}
	counts, oldest := backlog()
	if want := map[string]int{"telegram": 3, "mattermost": 1}; !reflect.DeepEqual(counts, want) || !oldest.Equal(start) {
		t.Errorf("backlog = %v, %v; want %v, %v", counts, oldest, want, start)
	}
	first.Status = core.OutboxDelivered
	MustUpdate(t, db, func(tx core.Tx) error { return tx.UpdateMessage(first) })
	counts, oldest = backlog()
	if want := map[string]int{"telegram": 2, "mattermost": 1}; !reflect.DeepEqual(counts, want) ||
		!oldest.Equal(start.Add(time.Minute)) {
		t.Errorf("backlog after a delivery = %v, %v; want %v, %v", counts, oldest, want, start.Add(time.Minute))
	}
}
