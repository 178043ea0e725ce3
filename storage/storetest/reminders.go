package storetest

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Reminders/CreateAndGet", testRemindersCreateAndGet)
	register("Reminders/KeyTakenWhateverTheStatus", testRemindersKeyUnique)
	register("Reminders/Refusals", testRemindersRefusals)
	register("Reminders/UpdateMovesTheDueIndex", testRemindersUpdateMoves)
	register("Reminders/DueInOrderUpToTheLimit", testRemindersDue)
	register("Reminders/ByDealTaskAndUser", testRemindersLists)
	register("Reminders/ControlResults", testRemindersControlResults)
	register("Reminders/Settings", testRemindersSettings)
	register("Reminders/CalendarYears", testRemindersCalendarYears)
	register("Reminders/OutboxBacklog", testRemindersOutboxBacklog)
}

// remNew is a pending payment reminder of deal 7 for user 1, due at.
func remNew(k string, due time.Time) *core.Reminder {
	return &core.Reminder{Key: k, Kind: core.ReminderPayment, UserID: 1, DealID: 7, DueAt: due,
		Target: due.AddDate(0, 0, 1), Lead: 1, Amount: 150_000_00}
}

func remKeys(rs []*core.Reminder) []string {
	keys := []string{}
	for _, r := range rs {
		keys = append(keys, r.Key)
	}
	return keys
}

// remT0 is the due time the reminder tests start from.
var remT0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func testRemindersCreateAndGet(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	r := remNew("deal:7:payment:2026-03-10:1", clock.Now().Add(24*time.Hour))
	update(t, s, func(tx core.Tx) error { return tx.CreateReminder(r) })
	if r.ID != 1 || r.Status != core.ReminderPending || !r.CreatedAt.Equal(clock.Now()) || !r.UpdatedAt.Equal(clock.Now()) {
		t.Fatalf("created %+v", r)
	}
	view(t, s, func(tx core.Tx) error {
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
		wantCodeKey(t, err, core.ENOTFOUND, "err.reminder.not_found")
		_, err = tx.ReminderByKey("deal:7:payment:2026-03-10:2")
		wantCodeKey(t, err, core.ENOTFOUND, "err.reminder.not_found")
		return nil
	})
}

// testRemindersKeyUnique: a key is taken by a reminder of any status, so a
// reminder that fired or was cancelled is never made again.
func testRemindersKeyUnique(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	for _, st := range []core.ReminderStatus{core.ReminderPending, core.ReminderFired, core.ReminderClosed,
		core.ReminderCancelled} {
		k := "key-" + string(st)
		first := remNew(k, remT0)
		first.Status = st
		update(t, s, func(tx core.Tx) error { return tx.CreateReminder(first) })
		err := s.Update(context.Background(), func(tx core.Tx) error { return tx.CreateReminder(remNew(k, remT0)) })
		wantCodeKey(t, err, core.ECONFLICT, "err.reminder.key_taken")
	}
	view(t, s, func(tx core.Tx) error {
		rs, err := tx.RemindersByDeal(7)
		if err == nil && len(rs) != 4 {
			t.Errorf("stored %d reminders, want 4: %v", len(rs), remKeys(rs))
		}
		return err
	})
}

func testRemindersRefusals(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	r := remNew("a", remT0)
	update(t, s, func(tx core.Tx) error { return tx.CreateReminder(r) })
	for _, tt := range []struct {
		name      string
		fn        func(tx core.Tx) error
		code, key string
	}{
		{"create without a key", func(tx core.Tx) error { return tx.CreateReminder(remNew(" ", remT0)) },
			core.EINVALID, "err.reminder.key_required"},
		{"create without a due time", func(tx core.Tx) error { return tx.CreateReminder(remNew("b", time.Time{})) },
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
			wantCodeKey(t, s.Update(context.Background(), tt.fn), tt.code, tt.key)
		})
	}
	view(t, s, func(tx core.Tx) error {
		if _, err := tx.ReminderByKey("b"); core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("ReminderByKey(b) = %v, want ENOTFOUND", err)
		}
		got, err := tx.ReminderByID(r.ID)
		if err == nil && (got.Key != "a" || got.Status != core.ReminderPending) {
			t.Errorf("reminder after the refusals: %+v", got)
		}
		return err
	})
}

// testRemindersUpdateMoves walks a reminder through its life: the due index
// and the user's pending list follow DueAt while it is pending and drop it
// otherwise; the deal's, the task's and the key's lookups keep it.
func testRemindersUpdateMoves(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	r := remNew("task:5:due", remT0)
	r.Kind, r.TaskID = core.ReminderTaskDue, 5
	update(t, s, func(tx core.Tx) error { return tx.CreateReminder(r) })
	created := r.CreatedAt
	type state struct {
		dueAt, dueBefore bool // in DueReminders at t0, and an hour before t0
		pending          int  // CountPendingReminders
	}
	look := func(step string, want state) {
		t.Helper()
		view(t, s, func(tx core.Tx) error {
			at, err := tx.DueReminders(remT0, 0)
			if err != nil {
				return err
			}
			before, err := tx.DueReminders(remT0.Add(-time.Hour), 0)
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
			if got := (state{len(at) == 1, len(before) == 1, n}); got != want || len(mine) != n {
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
	}
	set := func(fn func()) {
		t.Helper()
		fn()
		update(t, s, func(tx core.Tx) error { return tx.UpdateReminder(r) })
	}
	look("created", state{dueAt: true, pending: 1})
	set(func() { r.DueAt = remT0.Add(-2 * time.Hour) })
	look("moved earlier", state{dueAt: true, dueBefore: true, pending: 1})
	set(func() { r.Status, r.FiredAt = core.ReminderFired, remT0 })
	look("fired", state{})
	set(func() { r.Status, r.DueAt, r.Snoozes = core.ReminderPending, remT0.Add(time.Hour), 1 })
	look("snoozed an hour past t0", state{pending: 1})
	set(func() { r.DueAt = remT0 })
	look("snoozed to t0", state{dueAt: true, pending: 1})
	set(func() { r.Status, r.CreatedAt = core.ReminderCancelled, time.Time{} })
	look("cancelled", state{})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.ReminderByID(r.ID)
		if err == nil && (!got.CreatedAt.Equal(created) || got.Snoozes != 1 || got.Status != core.ReminderCancelled) {
			t.Errorf("stored %+v", got)
		}
		return err
	})
}

// testRemindersDue: the due reminders at or before now, the earliest first
// and ties by ID, up to the limit; none of another status, none later.
// (PostgreSQL keeps times to the microsecond, so the steps here are
// microseconds, which both stores tell apart.)
func testRemindersDue(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for _, r := range []*core.Reminder{
			remNew("t0-a", remT0),
			remNew("later", remT0.Add(time.Microsecond)),
			remNew("1969", time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)),
			{Key: "fired", Kind: core.ReminderCustom, Text: "позвонить", UserID: 2, DueAt: remT0.Add(-time.Hour),
				Status: core.ReminderFired},
			remNew("t0-minus-1h", remT0.Add(-time.Hour)),
			remNew("t0-b", remT0.In(time.FixedZone("MSK", 3*3600))), // the same instant, another zone
			{Key: "custom", Kind: core.ReminderCustom, Text: "позвонить", UserID: 2, DueAt: remT0.Add(-time.Minute)},
		} {
			if err := tx.CreateReminder(r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		for _, tt := range []struct {
			now   time.Time
			limit int
			want  []string
		}{
			{remT0, 0, []string{"1969", "t0-minus-1h", "custom", "t0-a", "t0-b"}},
			{remT0, 3, []string{"1969", "t0-minus-1h", "custom"}},
			{remT0, 4, []string{"1969", "t0-minus-1h", "custom", "t0-a"}},
			{remT0, -1, []string{"1969", "t0-minus-1h", "custom", "t0-a", "t0-b"}},
			{remT0.Add(-time.Microsecond), 0, []string{"1969", "t0-minus-1h", "custom"}},
			{remT0.Add(time.Microsecond), 0, []string{"1969", "t0-minus-1h", "custom", "t0-a", "t0-b", "later"}},
			{remT0.In(time.FixedZone("MSK", 3*3600)), 0, []string{"1969", "t0-minus-1h", "custom", "t0-a", "t0-b"}},
			{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 0, []string{}},
		} {
			rs, err := tx.DueReminders(tt.now, tt.limit)
			if err != nil {
				return err
			}
			if got := remKeys(rs); !slices.Equal(got, tt.want) {
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

// testRemindersLists: a deal's and a task's reminders of every status by
// DueAt; a user's pending ones only, by DueAt.
func testRemindersLists(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for _, r := range []*core.Reminder{
			{Key: "d7-late", Kind: core.ReminderRenewal, UserID: 1, DealID: 7, DueAt: remT0.AddDate(0, 1, 0)},
			{Key: "d7-fired", Kind: core.ReminderSigning, UserID: 1, DealID: 7, DueAt: remT0.AddDate(0, 0, -1),
				Status: core.ReminderFired},
			{Key: "d7-t5", Kind: core.ReminderTaskDue, UserID: 2, DealID: 7, TaskID: 5, DueAt: remT0},
			{Key: "d8", Kind: core.ReminderPayment, UserID: 1, DealID: 8, DueAt: remT0},
			{Key: "t5-overdue", Kind: core.ReminderOverdue, UserID: 2, TaskID: 5, DueAt: remT0.Add(time.Hour),
				Status: core.ReminderCancelled},
			{Key: "t5-escalation", Kind: core.ReminderEscalation, UserID: 3, TaskID: 5, DueAt: remT0.Add(-time.Hour)},
			{Key: "u1-digest", Kind: core.ReminderDigest, UserID: 1, DueAt: remT0.Add(-time.Minute)},
			{Key: "u256", Kind: core.ReminderDigest, UserID: 256, DueAt: remT0},
			{Key: "d7-same-time", Kind: core.ReminderPayment, UserID: 1, DealID: 7, DueAt: remT0},
		} {
			if err := tx.CreateReminder(r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		for _, tt := range []struct {
			name string
			fn   func() ([]*core.Reminder, error)
			want []string
		}{
			{"deal 7", func() ([]*core.Reminder, error) { return tx.RemindersByDeal(7) },
				[]string{"d7-fired", "d7-t5", "d7-same-time", "d7-late"}},
			{"deal 9", func() ([]*core.Reminder, error) { return tx.RemindersByDeal(9) }, []string{}},
			{"deal 0", func() ([]*core.Reminder, error) { return tx.RemindersByDeal(0) }, []string{}},
			{"task 5", func() ([]*core.Reminder, error) { return tx.RemindersByTask(5) },
				[]string{"t5-escalation", "d7-t5", "t5-overdue"}},
			{"task 0", func() ([]*core.Reminder, error) { return tx.RemindersByTask(0) }, []string{}},
			{"user 1 pending", func() ([]*core.Reminder, error) { return tx.PendingRemindersByUser(1) },
				[]string{"u1-digest", "d8", "d7-same-time", "d7-late"}},
			{"user 2 pending", func() ([]*core.Reminder, error) { return tx.PendingRemindersByUser(2) },
				[]string{"d7-t5"}},
			{"user 4 pending", func() ([]*core.Reminder, error) { return tx.PendingRemindersByUser(4) }, []string{}},
		} {
			rs, err := tt.fn()
			if err != nil {
				return err
			}
			if rs == nil {
				t.Errorf("%s: nil, want an empty list", tt.name)
			}
			if got := remKeys(rs); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
		return nil
	})
}

func testRemindersControlResults(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	now := clock.Now()
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
	update(t, s, func(tx core.Tx) error {
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
	view(t, s, func(tx core.Tx) error {
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
			{"deal 0", func() ([]*core.ControlResult, error) { return tx.ControlResultsByDeal(0) }, []int64{}},
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
}

func testRemindersSettings(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	view(t, s, func(tx core.Tx) error {
		rs, err := tx.ReminderSettings()
		if err == nil && !reflect.DeepEqual(rs, core.ReminderSettings{}) {
			t.Errorf("settings never stored = %+v, want zero", rs)
		}
		return err
	})
	want := core.DefaultReminderSettings()
	want.Leads[core.ReminderPayment] = []int{3, 0}
	want.TaskLead = 90 * time.Minute
	want.DayStart = 8*60 + 30
	update(t, s, func(tx core.Tx) error { return tx.PutReminderSettings(want) })
	// The work settings live beside them and do not touch them.
	update(t, s, func(tx core.Tx) error {
		return tx.PutWorkSettings(core.WorkSettings{Approvers: []core.Role{core.RoleHead}})
	})
	view(t, s, func(tx core.Tx) error {
		rs, err := tx.ReminderSettings()
		if err == nil && !reflect.DeepEqual(rs, want) {
			t.Errorf("settings = %+v, want %+v", rs, want)
		}
		return err
	})
	update(t, s, func(tx core.Tx) error { return tx.PutReminderSettings(core.ReminderSettings{}) })
	view(t, s, func(tx core.Tx) error {
		rs, err := tx.ReminderSettings()
		if err == nil && !reflect.DeepEqual(rs, core.ReminderSettings{}) {
			t.Errorf("settings after storing zero = %+v", rs)
		}
		return err
	})
}

func testRemindersCalendarYears(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	file2026, file2027 := []byte(`<calendar year="2026"/>`), []byte(`<calendar year="2027"/>`)
	view(t, s, func(tx core.Tx) error {
		_, err := tx.CalendarYear(2026)
		wantCodeKey(t, err, core.ENOTFOUND, "err.calendar.year_not_found")
		years, err := tx.CalendarYears()
		if err == nil && (years == nil || len(years) != 0) {
			t.Errorf("CalendarYears of an empty store = %#v, want empty", years)
		}
		return err
	})
	update(t, s, func(tx core.Tx) error {
		if err := tx.PutCalendarYear(2027, file2027); err != nil {
			return err
		}
		if err := tx.PutCalendarYear(2026, []byte("an older file")); err != nil {
			return err
		}
		return tx.PutCalendarYear(2026, file2026) // replaces it
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.PutCalendarYear(2028, nil) })
	wantCodeKey(t, err, core.EINVALID, "err.calendar.empty")
	var got []byte
	view(t, s, func(tx core.Tx) error {
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
	if !bytes.Equal(got, file2026) {
		t.Errorf("CalendarYear(2026) = %q, want %q", got, file2026)
	}
}

// testRemindersOutboxBacklog: the pending messages by platform and the
// oldest one's creation time, whatever their next attempt's time; delivered
// and failed messages are not counted.
func testRemindersOutboxBacklog(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	backlog := func() (map[string]int, time.Time) {
		t.Helper()
		var counts map[string]int
		var oldest time.Time
		view(t, s, func(tx core.Tx) (err error) {
			counts, oldest, err = tx.OutboxBacklog()
			return err
		})
		return counts, oldest
	}
	if counts, oldest := backlog(); counts == nil || len(counts) != 0 || !oldest.IsZero() {
		t.Fatalf("backlog of an empty outbox = %#v, %v", counts, oldest)
	}
	var first *core.OutboxMessage
	start := clock.Now()
	for i, m := range []*core.OutboxMessage{
		{Platform: "telegram", ChatID: "1", Key: "a", NextAttemptAt: start.Add(time.Hour)}, // the oldest, retried later
		{Platform: "telegram", ChatID: "2", Key: "b"},
		{Platform: "mattermost", ChatID: "town", Key: "c"},
		{Platform: "telegram", ChatID: "1", Key: "d"},
		{Platform: "telegram", ChatID: "3", Key: "e", Status: core.OutboxDelivered},
		{Platform: "mattermost", ChatID: "town", Key: "f", Status: core.OutboxFailed},
	} {
		update(t, s, func(tx core.Tx) error { return tx.Enqueue(m) })
		if i == 0 {
			first = m
		}
		clock.Add(time.Minute)
	}
	counts, oldest := backlog()
	if want := map[string]int{"telegram": 3, "mattermost": 1}; !reflect.DeepEqual(counts, want) ||
		!oldest.Equal(start) || oldest.Location() != time.UTC {
		t.Errorf("backlog = %v, %v; want %v, %v UTC", counts, oldest, want, start)
	}
	first.Status = core.OutboxDelivered
	update(t, s, func(tx core.Tx) error { return tx.UpdateMessage(first) })
	counts, oldest = backlog()
	if want := map[string]int{"telegram": 2, "mattermost": 1}; !reflect.DeepEqual(counts, want) ||
		!oldest.Equal(start.Add(time.Minute)) {
		t.Errorf("backlog after a delivery = %v, %v; want %v, %v", counts, oldest, want, start.Add(time.Minute))
	}
}
