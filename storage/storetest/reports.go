package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Reports/EachWalksInIDOrderAsStoredAndStopsOnError", testReportsEach)
	register("Reports/EachReadsAndWalksInsideItsCallbackBeyondOneBatch", testReportsEachReadsInside)
	register("Reports/EachChangeVisitsAPeriodByTime", testReportsEachChange)
	register("Reports/TemplateNamesAreUniqueAmongTheNotDeleted", testReportTemplates)
	register("Reports/SchedulesAreDueAtTheirNextRunWhileActive", testReportSchedules)
	register("Reports/RunsAreStoredWholeAndWalkedAfterAnID", testReportRuns)
	register("Reports/MailsAreDueAtTheirNextAttemptWhilePending", testReportMails)
}

// errRepStop is what the reports' tests return from fn to stop a walk.
var errRepStop = errors.New("stop")

func repClient(inn, short string) *core.Client {
	return &core.Client{Kind: core.KindForINN(inn), INN: inn, ShortName: short,
		Verification: core.Verification{Status: core.Unverified}}
}

func repDeal(number string, clientID, managerID int64) *core.Deal {
	return &core.Deal{Number: number, ClientID: clientID, ManagerID: managerID, Title: "Сделка " + number,
		Amount: 1_000_000_00, Stage: core.StageNew, CreatedBy: managerID}
}

func repTask(title string, due time.Time) *core.Task {
	return &core.Task{Title: title, AssigneeID: 10, Due: due, Status: core.TaskOpen, CreatedBy: 1}
}

func repDocument(tx core.Tx, dealID int64) (*core.Document, error) {
	n, err := tx.NextSequence(core.DocCounter(core.DocContract, 2026))
	return &core.Document{Number: core.DocNumber(core.DocContract, 2026, n), Kind: core.DocContract,
		DealID: dealID, ClientID: 1, Status: core.DocRequested, RequestedBy: 10}, err
}

// repCheckEach walks with each and checks that it visits the records of
// ids in that order, each as get returns it (read inside the walk); then
// that an error from fn after the second record stops the walk there and
// comes back as it is.
func repCheckEach[T any](t *testing.T, what string, each func(func(*T) error) error, get func(int64) (*T, error),
	id func(*T) int64, ids []int64) {
	t.Helper()
	var seen []int64
	err := each(func(rec *T) error {
		want, err := get(id(rec))
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(rec, want) {
			t.Errorf("%s: visited %+v, stored %+v", what, rec, want)
		}
		seen = append(seen, id(rec))
		return nil
	})
	if err != nil || !slices.Equal(seen, ids) {
		t.Errorf("%s: visited %v (err %v), want %v", what, seen, err, ids)
	}
	seen = nil
	err = each(func(rec *T) error {
		seen = append(seen, id(rec))
		if len(seen) == 2 {
			return errRepStop
		}
		return nil
	})
	if err != errRepStop || !slices.Equal(seen, ids[:2]) {
		t.Errorf("%s: stopped by fn: visited %v, err %v; want %v, %v", what, seen, err, ids[:2], errRepStop)
	}
}

// testReportsEach: each walk visits every record of its kind in ID order,
// decoded as stored, and an error from fn stops it and is returned.
func testReportsEach(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	// An empty store visits nothing.
	view(t, s, func(tx core.Tx) error {
		return errors.Join(
			tx.EachClient(func(c *core.Client) error { return fmt.Errorf("visited client %d", c.ID) }),
			tx.EachDeal(func(d *core.Deal) error { return fmt.Errorf("visited deal %d", d.ID) }),
			tx.EachTask(func(x *core.Task) error { return fmt.Errorf("visited task %d", x.ID) }),
			tx.EachDocument(func(d *core.Document) error { return fmt.Errorf("visited document %d", d.ID) }),
			tx.EachChange(time.Time{}, time.Time{}, func(c *core.Change) error { return fmt.Errorf("visited change %d", c.ID) }),
			tx.EachReportRun(0, func(r *core.ReportRun) error { return fmt.Errorf("visited run %d", r.ID) }))
	})
	update(t, s, func(tx core.Tx) error {
		for i, inn := range []string{"7707083893", "7736207543", "7728168971"} {
			if err := tx.CreateClient(repClient(inn, fmt.Sprintf("ООО «Клиент %d»", i+1))); err != nil {
				return err
			}
		}
		for i := range 4 {
			if err := tx.CreateDeal(repDeal(fmt.Sprintf("D-2026-%04d", i+1), int64(i%3+1), 10)); err != nil {
				return err
			}
			if err := tx.CreateTask(repTask(fmt.Sprintf("задача %d", i), T0.AddDate(0, 0, i))); err != nil {
				return err
			}
		}
		for range 3 {
			d, err := repDocument(tx, 1)
			if err == nil {
				err = tx.CreateDocument(d)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		repCheckEach(t, "clients", tx.EachClient, tx.ClientByID, func(c *core.Client) int64 { return c.ID },
			[]int64{1, 2, 3})
		repCheckEach(t, "deals", tx.EachDeal, tx.DealByID, func(d *core.Deal) int64 { return d.ID },
			[]int64{1, 2, 3, 4})
		repCheckEach(t, "tasks", tx.EachTask, tx.TaskByID, func(t *core.Task) int64 { return t.ID },
			[]int64{1, 2, 3, 4})
		repCheckEach(t, "documents", tx.EachDocument, tx.DocumentByID, func(d *core.Document) int64 { return d.ID },
			[]int64{1, 2, 3})
		return nil
	})
}

// testReportsEachReadsInside: the export's walks read other records and
// walk other kinds inside their callbacks, in read and in write
// transactions, over more records than a store reads at a time; every
// record is visited once, in ID order.
func testReportsEachReadsInside(t *testing.T, open Opener) {
	const deals, clients = 1300, 7
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for i := range clients {
			if err := tx.CreateClient(repClient(fmt.Sprintf("77%08d", 7083893+i), fmt.Sprintf("ООО «Клиент %d»", i+1))); err != nil {
				return err
			}
		}
		for i := range deals {
			if err := tx.CreateDeal(repDeal(fmt.Sprintf("D-2026-%04d", i+1), int64(i%clients+1), 10)); err != nil {
				return err
			}
		}
		return nil
	})
	walk := func(tx core.Tx) error {
		next, inner := int64(1), 0
		err := tx.EachDeal(func(d *core.Deal) error {
			if d.ID != next {
				return fmt.Errorf("visited deal %d, want %d", d.ID, next)
			}
			next++
			c, err := tx.ClientByID(d.ClientID)
			if err != nil {
				return err
			}
			if c.ID != d.ClientID {
				return fmt.Errorf("deal %d: client %d, want %d", d.ID, c.ID, d.ClientID)
			}
			if d.ID%500 == 0 {
				// A walk inside the walk.
				n := 0
				if err := tx.EachClient(func(*core.Client) error { n++; return nil }); err != nil {
					return err
				}
				inner += n
			}
			return nil
		})
		if err == nil && (next != deals+1 || inner != 2*clients) {
			err = fmt.Errorf("visited %d deals and %d clients inside", next-1, inner)
		}
		return err
	}
	view(t, s, walk)
	update(t, s, walk)
	// A walk stopped early leaves the transaction usable.
	view(t, s, func(tx core.Tx) error {
		n := 0
		err := tx.EachDeal(func(*core.Deal) error {
			if n++; n == 600 {
				return errRepStop
			}
			return nil
		})
		if err != errRepStop || n != 600 {
			t.Errorf("stopped walk: %d deals, %v", n, err)
		}
		_, err = tx.DealByID(deals)
		return err
	})
}

// testReportsEachChange: the audit records of a period, oldest first by
// their time (not their ID), the period's start included and its end
// excluded, a zero bound open.
func testReportsEachChange(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	t0 := T0
	// Changes 1, 2 at t0; 3 at t0+1h; 4 at t0+2h; 5 written at t0+3h with
	// an At of its own, t0+30m.
	for i, cs := range [][]*core.Change{
		{{Entity: core.EntityDeal, EntityID: 1, Field: "stage"}, {Entity: core.EntityDeal, EntityID: 1, Field: "amount"}},
		{{Entity: core.EntityClient, EntityID: 2, Field: "address"}},
		{{Entity: core.EntityDeal, EntityID: 2, Field: "title"}},
		{{Entity: core.EntityTask, EntityID: 3, Field: "status", At: t0.Add(30 * time.Minute)}},
	} {
		if i > 0 {
			clock.Add(time.Hour)
		}
		update(t, s, func(tx core.Tx) error { return tx.AddChanges(cs...) })
	}
	h := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }
	for _, c := range []struct {
		name     string
		from, to time.Time
		want     []int64
	}{
		{"everything", time.Time{}, time.Time{}, []int64{1, 2, 5, 3, 4}},
		{"from the first instant", t0, time.Time{}, []int64{1, 2, 5, 3, 4}},
		{"just after it", t0.Add(time.Microsecond), time.Time{}, []int64{5, 3, 4}},
		{"a nanosecond after it", t0.Add(time.Nanosecond), time.Time{}, []int64{5, 3, 4}},
		{"until an instant, excluded", time.Time{}, h(1), []int64{1, 2, 5}},
		{"until just after it", time.Time{}, h(1).Add(time.Nanosecond), []int64{1, 2, 5, 3}},
		{"a period", h(0.5), h(2), []int64{5, 3}},
		{"a period in another zone", h(0.5).In(time.FixedZone("MSK", 3*3600)), h(2), []int64{5, 3}},
		{"an empty period", h(1.2), h(1.8), nil},
		{"after the last", h(2).Add(time.Nanosecond), time.Time{}, nil},
		{"before the first", time.Time{}, t0, nil},
		{"upside down", h(2), h(1), nil},
		{"empty", h(1), h(1), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []int64
			view(t, s, func(tx core.Tx) error {
				return tx.EachChange(c.from, c.to, func(ch *core.Change) error {
					got = append(got, ch.ID)
					return nil
				})
			})
			if !slices.Equal(got, c.want) {
				t.Errorf("EachChange(%v, %v) = %v, want %v", c.from, c.to, got, c.want)
			}
		})
	}
	view(t, s, func(tx core.Tx) error {
		var got []*core.Change
		err := tx.EachChange(h(0.5), time.Time{}, func(ch *core.Change) error {
			// A read inside the walk.
			if _, err := tx.ChangeByID(ch.ID); err != nil {
				return err
			}
			if got = append(got, ch); len(got) == 2 {
				return errRepStop
			}
			return nil
		})
		if err != errRepStop || len(got) != 2 || got[0].ID != 5 || got[1].ID != 3 {
			t.Errorf("stopped by fn: %v, %+v", err, got)
		}
		// The record is whole.
		if len(got) > 0 && (got[0].Field != "status" || got[0].Entity != core.EntityTask || !got[0].At.Equal(h(0.5))) {
			t.Errorf("change 5 = %+v", got[0])
		}
		return nil
	})
}

func repTemplate(name string) *core.ReportTemplate {
	return &core.ReportTemplate{Name: name, Entity: core.ExportDeals, OwnerID: 3, GroupBy: []string{"stage"},
		Filter:   core.ReportFilter{Rel: core.RelLastMonth, TeamID: 4},
		Measures: []core.Measure{{Func: core.MeasureCount}, {Func: core.MeasureSum, Field: "amount"}}}
}

func repTemplateNames(t *testing.T, s core.Store) []string {
	t.Helper()
	var names []string
	view(t, s, func(tx core.Tx) error {
		ts, err := tx.ReportTemplates()
		for _, tpl := range ts {
			names = append(names, tpl.Name)
		}
		return err
	})
	return names
}

// testReportTemplates: a template's name is unique among the templates
// not deleted (case, ё and quotes aside); renaming and deleting move the
// name, and a deleted template is kept but listed no more.
func testReportTemplates(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	ctx := context.Background()
	now := T0
	if names := repTemplateNames(t, s); names != nil {
		t.Fatalf("templates of an empty store: %q", names)
	}
	pipe := repTemplate("Воронка по менеджерам")
	update(t, s, func(tx core.Tx) error {
		for _, tpl := range []*core.ReportTemplate{pipe, repTemplate("Просрочки"), repTemplate("Ёлки «за месяц»")} {
			if err := tx.CreateReportTemplate(tpl); err != nil {
				return err
			}
		}
		return nil
	})
	if pipe.ID != 1 || !pipe.CreatedAt.Equal(now) || !pipe.UpdatedAt.Equal(now) {
		t.Fatalf("created %+v", pipe)
	}
	view(t, s, func(tx core.Tx) error {
		got, err := tx.ReportTemplateByID(1)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, pipe) {
			t.Errorf("got %+v, want %+v", got, pipe)
		}
		_, err = tx.ReportTemplateByID(4)
		wantCodeKey(t, err, core.ENOTFOUND, "err.report_template.not_found")
		return nil
	})
	if got, want := repTemplateNames(t, s), []string{"Воронка по менеджерам", "Ёлки «за месяц»", "Просрочки"}; !slices.Equal(got, want) {
		t.Errorf("templates = %q, want %q", got, want)
	}
	for _, name := range []string{"воронка по менеджерам", "ВОРОНКА  по менеджерам ", "елки за месяц", "«Просрочки»"} {
		err := s.Update(ctx, func(tx core.Tx) error { return tx.CreateReportTemplate(repTemplate(name)) })
		wantCodeKey(t, err, core.ECONFLICT, "err.report_template.name_taken")
	}
	if err := s.Update(ctx, func(tx core.Tx) error { return tx.CreateReportTemplate(repTemplate("  ")) }); err == nil {
		t.Error("a template without a name was stored")
	}

	clock.Add(time.Minute)
	// Renamed: the old name is free, the new one taken; renamed onto
	// another's name: ECONFLICT; saved under its own name: fine.
	update(t, s, func(tx core.Tx) error {
		pipe.Name = "Воронка"
		pipe.CreatedAt = time.Time{}
		if err := tx.UpdateReportTemplate(pipe); err != nil {
			return err
		}
		if !pipe.CreatedAt.Equal(now) || !pipe.UpdatedAt.Equal(now.Add(time.Minute)) {
			t.Errorf("updated %+v", pipe)
		}
		if err := tx.CreateReportTemplate(repTemplate("Воронка по менеджерам")); err != nil {
			return err
		}
		pipe.Name = "просрочки"
		wantCodeKey(t, tx.UpdateReportTemplate(pipe), core.ECONFLICT, "err.report_template.name_taken")
		pipe.Name = "ВОРОНКА"
		return tx.UpdateReportTemplate(pipe)
	})
	// Deleted: kept, not listed, its name free; undeleted while its name
	// is taken: ECONFLICT.
	update(t, s, func(tx core.Tx) error {
		pipe.Deleted = true
		if err := tx.UpdateReportTemplate(pipe); err != nil {
			return err
		}
		if got, err := tx.ReportTemplateByID(pipe.ID); err != nil || !got.Deleted {
			t.Errorf("deleted template: %+v, %v", got, err)
		}
		return tx.CreateReportTemplate(repTemplate("воронка"))
	})
	if got, want := repTemplateNames(t, s), []string{"воронка", "Воронка по менеджерам", "Ёлки «за месяц»", "Просрочки"}; !slices.Equal(got, want) {
		t.Errorf("templates = %q, want %q", got, want)
	}
	pipe.Deleted = false
	err := s.Update(ctx, func(tx core.Tx) error { return tx.UpdateReportTemplate(pipe) })
	wantCodeKey(t, err, core.ECONFLICT, "err.report_template.name_taken")
	err = s.Update(ctx, func(tx core.Tx) error {
		return tx.UpdateReportTemplate(&core.ReportTemplate{ID: 99, Name: "нет"})
	})
	wantCodeKey(t, err, core.ENOTFOUND, "err.report_template.not_found")
}

// repDueSchedules returns the IDs of the schedules due at now.
func repDueSchedules(t *testing.T, s core.Store, now time.Time, limit int) []int64 {
	t.Helper()
	var ids []int64
	view(t, s, func(tx core.Tx) error {
		ss, err := tx.DueReportSchedules(now, limit)
		for _, sc := range ss {
			ids = append(ids, sc.ID)
		}
		return err
	})
	return ids
}

// testReportSchedules: active schedules are due at their NextRun, the
// earliest first; one whose NextRun moves is due then, a stopped one
// never, a restarted one again.
func testReportSchedules(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	now := T0
	at := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	newSchedule := func(next time.Time, active bool) *core.ReportSchedule {
		return &core.ReportSchedule{Spec: core.ReportSpec{Report: core.ReportPipeline,
			Filter: core.ReportFilter{Rel: core.RelLastWeek}}, Cron: "0 9 * * 1", TimeZone: "Europe/Moscow",
			To: []core.ReportTarget{{Kind: core.TargetChat, Platform: "telegram", ChatID: "-100"}}, OwnerID: 3,
			Lang: "ru", Active: active, NextRun: next}
	}
	if got := repDueSchedules(t, s, at(100), 0); got != nil {
		t.Fatalf("due in an empty store: %v", got)
	}
	// 1 due in 3h, 2 in 1h, 3 in 1h (a tie), 4 in 2h, 5 stopped (in 1h).
	scheds := []*core.ReportSchedule{newSchedule(at(3), true), newSchedule(at(1), true), newSchedule(at(1), true),
		newSchedule(at(2), true), newSchedule(at(1), false)}
	update(t, s, func(tx core.Tx) error {
		for _, sc := range scheds {
			if err := tx.CreateReportSchedule(sc); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.ReportScheduleByID(2)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, scheds[1]) || !got.CreatedAt.Equal(now) {
			t.Errorf("got %+v, want %+v", got, scheds[1])
		}
		_, err = tx.ReportScheduleByID(6)
		wantCodeKey(t, err, core.ENOTFOUND, "err.report_schedule.not_found")
		all, err := tx.ReportSchedules()
		if err != nil || len(all) != 5 || all[0].ID != 1 || all[4].ID != 5 || all[4].Active {
			t.Errorf("all schedules: %+v, %v", all, err)
		}
		return nil
	})
	for _, c := range []struct {
		now   time.Time
		limit int
		want  []int64
	}{
		{now, 0, nil},
		{at(1).Add(-time.Microsecond), 0, nil},
		{at(1), 0, []int64{2, 3}},
		{at(1).Add(time.Nanosecond), 0, []int64{2, 3}},
		{at(2), 0, []int64{2, 3, 4}},
		{at(3), 0, []int64{2, 3, 4, 1}},
		{at(3), 2, []int64{2, 3}},
		{at(3), -1, []int64{2, 3, 4, 1}},
		{at(3).In(time.FixedZone("MSK", 3*3600)), 3, []int64{2, 3, 4}},
	} {
		if got := repDueSchedules(t, s, c.now, c.limit); !slices.Equal(got, c.want) {
			t.Errorf("due at %v (limit %d) = %v, want %v", c.now, c.limit, got, c.want)
		}
	}
	// 2 fired and moves to a week later; 3 is stopped; 5 restarts in 4h.
	update(t, s, func(tx core.Tx) error {
		scheds[1].LastRun, scheds[1].NextRun = at(1), at(24*7)
		scheds[2].Active = false
		scheds[4].Active, scheds[4].NextRun = true, at(4)
		for _, sc := range scheds[1:] {
			if err := tx.UpdateReportSchedule(sc); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range []struct {
		now  time.Time
		want []int64
	}{
		{at(1), nil},
		{at(3), []int64{4, 1}},
		{at(4), []int64{4, 1, 5}},
		{at(24 * 7), []int64{4, 1, 5, 2}},
	} {
		if got := repDueSchedules(t, s, c.now, 0); !slices.Equal(got, c.want) {
			t.Errorf("after the updates, due at %v = %v, want %v", c.now, got, c.want)
		}
	}
	// An active schedule without a next run would never fire: refused.
	err := s.Update(ctx, func(tx core.Tx) error { return tx.CreateReportSchedule(newSchedule(time.Time{}, true)) })
	if err == nil {
		t.Error("an active schedule without a next run was stored")
	}
	err = s.Update(ctx, func(tx core.Tx) error { return tx.UpdateReportSchedule(&core.ReportSchedule{ID: 99}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.report_schedule.not_found")
}

// testReportRuns: a run is stored whole and updated in place; the runs
// after an ID are walked in ID order.
func testReportRuns(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	ctx := context.Background()
	now := T0
	r := &core.ReportRun{Spec: core.ReportSpec{Export: core.ExportDeals, Format: core.FormatCSV,
		Filter: core.ReportFilter{ManagerID: 10, Stage: core.StageSigning}},
		To: []core.ReportTarget{{Kind: core.TargetUser, UserID: 4}, {Kind: core.TargetEmail, Email: "head@example.ru"}},
		By: 10, Lang: "ru", Status: core.RunHeld, Findings: map[core.QualityKind]int{core.QualityNoAmount: 2},
		Source: "telegram:chat/1/msg/2"}
	update(t, s, func(tx core.Tx) error { return tx.CreateReportRun(r) })
	if r.ID != 1 || !r.CreatedAt.Equal(now) || !r.UpdatedAt.Equal(now) {
		t.Fatalf("created %+v", r)
	}
	clock.Add(time.Minute)
	update(t, s, func(tx core.Tx) error {
		r.Status, r.Reason, r.Rows, r.SentAt = core.RunSent, "суммы уточняются", 42, tx.Now()
		r.File = core.FileRef{SHA256: "ab", Name: "deals.csv", MIME: "text/csv", Size: 10}
		r.CreatedAt = time.Time{}
		return tx.UpdateReportRun(r)
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.ReportRunByID(1)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, r) || !got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now.Add(time.Minute)) {
			t.Errorf("got %+v, want %+v", got, r)
		}
		_, err = tx.ReportRunByID(2)
		wantCodeKey(t, err, core.ENOTFOUND, "err.report.not_found")
		return nil
	})
	err := s.Update(ctx, func(tx core.Tx) error { return tx.UpdateReportRun(&core.ReportRun{ID: 2}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.report.not_found")

	update(t, s, func(tx core.Tx) error {
		for range 4 {
			if err := tx.CreateReportRun(&core.ReportRun{Status: core.RunSent, By: 1,
				Spec: core.ReportSpec{Export: core.ExportDeals}}); err != nil {
				return err
			}
		}
		return nil
	})
	runsAfter := func(after int64, stopAt int) (seen []int64, err error) {
		err = s.View(ctx, func(tx core.Tx) error {
			return tx.EachReportRun(after, func(r *core.ReportRun) error {
				// A read inside the walk.
				if _, err := tx.ReportRunByID(r.ID); err != nil {
					return err
				}
				if seen = append(seen, r.ID); len(seen) == stopAt {
					return errRepStop
				}
				return nil
			})
		})
		return seen, err
	}
	for _, c := range []struct {
		after int64
		want  []int64
	}{{0, []int64{1, 2, 3, 4, 5}}, {2, []int64{3, 4, 5}}, {5, nil}, {-1, []int64{1, 2, 3, 4, 5}}} {
		if seen, err := runsAfter(c.after, 0); err != nil || !slices.Equal(seen, c.want) {
			t.Errorf("runs after %d: %v, %v; want %v", c.after, seen, err, c.want)
		}
	}
	if seen, err := runsAfter(1, 2); err != errRepStop || !slices.Equal(seen, []int64{2, 3}) {
		t.Errorf("runs after 1 stopped at the second: %v, %v", seen, err)
	}
}

// testReportMails: pending mails are due at their next attempt (at once
// without one), the earliest first; a sent or failed one is due no more.
func testReportMails(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	now := T0
	newMail := func(next time.Time) *core.ReportMail {
		return &core.ReportMail{RunID: 1, To: []string{"head@example.ru"}, Subject: "Воронка", Text: "Во вложении",
			OperationID: "op", Status: core.SendPending, NextAttemptAt: next}
	}
	// 1 in 2h, 2 now, 3 without a time, 4 in 1h.
	mails := []*core.ReportMail{newMail(now.Add(2 * time.Hour)), newMail(now), newMail(time.Time{}),
		newMail(now.Add(time.Hour))}
	update(t, s, func(tx core.Tx) error {
		for _, m := range mails {
			if err := tx.CreateReportMail(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err := s.Update(ctx, func(tx core.Tx) error { return tx.CreateReportMail(&core.ReportMail{Status: core.SendPending}) }); err == nil {
		t.Error("a mail without its run was stored")
	}
	due := func(at time.Time, limit int) []int64 {
		var ids []int64
		view(t, s, func(tx core.Tx) error {
			ms, err := tx.DueReportMails(at, limit)
			for _, m := range ms {
				ids = append(ids, m.ID)
			}
			return err
		})
		return ids
	}
	if got := due(now.Add(-time.Hour), 0); !slices.Equal(got, []int64{3}) {
		t.Errorf("due an hour ago = %v, want [3]", got)
	}
	if got := due(now, 0); !slices.Equal(got, []int64{3, 2}) {
		t.Errorf("due now = %v, want [3 2]", got)
	}
	if got := due(now.Add(2*time.Hour), 3); !slices.Equal(got, []int64{3, 2, 4}) {
		t.Errorf("due in 2h, 3 at most = %v, want [3 2 4]", got)
	}
	update(t, s, func(tx core.Tx) error {
		mails[1].Status = core.SendDone
		mails[2].Status, mails[2].LastError = core.SendFailed, "550 no such user"
		mails[3].Attempts, mails[3].NextAttemptAt = 1, now.Add(3*time.Hour)
		for _, m := range mails[1:] {
			if err := tx.UpdateReportMail(m); err != nil {
				return err
			}
		}
		got, err := tx.ReportMailByID(3)
		if err == nil && !reflect.DeepEqual(got, mails[2]) {
			t.Errorf("got %+v, want %+v", got, mails[2])
		}
		return err
	})
	if got := due(now.Add(2*time.Hour), 0); !slices.Equal(got, []int64{1}) {
		t.Errorf("due in 2h after the updates = %v, want [1]", got)
	}
	if got := due(now.Add(3*time.Hour), 0); !slices.Equal(got, []int64{1, 4}) {
		t.Errorf("due in 3h after the updates = %v, want [1 4]", got)
	}
	view(t, s, func(tx core.Tx) error {
		_, err := tx.ReportMailByID(5)
		wantCodeKey(t, err, core.ENOTFOUND, "err.report_mail.not_found")
		return nil
	})
	err := s.Update(ctx, func(tx core.Tx) error { return tx.UpdateReportMail(&core.ReportMail{ID: 9, RunID: 1}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.report_mail.not_found")
}
