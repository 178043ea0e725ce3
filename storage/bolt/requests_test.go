package bolt_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func requestIDs(rs []*core.Request) []int64 {
	ids := []int64{}
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

func mustRequests(t *testing.T, db *bolt.DB, f core.RequestFilter) []int64 {
	t.Helper()
	var ids []int64
	MustView(t, db, func(tx core.Tx) error {
		rs, err := tx.Requests(f)
		ids = requestIDs(rs)
		return err
	})
	return ids
}

func TestRequests_CreateGetUpdate(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	now := clock.Now().UTC().Truncate(time.Microsecond)
	r := &core.Request{Type: core.RequestQuestion, Status: core.RequestNew, RequesterID: 5, DealID: 7,
		Text: "Когда придёт оплата?"}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateRequest(r) })
	if r.ID != 1 || !r.CreatedAt.Equal(now) || !r.UpdatedAt.Equal(now) {
		t.Fatalf("created %+v", r)
	}
	clock.Add(time.Hour)
	MustUpdate(t, db, func(tx core.Tx) error {
		got, err := tx.RequestByID(1)
		if err != nil {
			return err
		}
		if got.Text != r.Text || got.DealID != 7 {
			t.Errorf("RequestByID = %+v", got)
		}
		got.CreatedAt = time.Time{}
		got.Status, got.AssigneeID = core.RequestInWork, 9
		return tx.UpdateRequest(got)
	})
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.RequestByID(1)
		if err == nil && (!got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now.Add(time.Hour)) ||
			got.Status != core.RequestInWork) {
			t.Errorf("after update: %+v", got)
		}
		return err
	})
	MustView(t, db, func(tx core.Tx) error {
		_, err := tx.RequestByID(42)
		CheckCode(t, err, core.ENOTFOUND, "err.request.not_found")
		return nil
	})
	err := db.Update(context.Background(), func(tx core.Tx) error {
		return tx.UpdateRequest(&core.Request{ID: 42, Status: core.RequestNew})
	})
	CheckCode(t, err, core.ENOTFOUND, "err.request.not_found")
	mustConsistent(t, db)
}

// TestRequests_Indexes: each filter reads its index, and a request moves
// between the entries as it is assigned, reassigned and closed.
func TestRequests_Indexes(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	// 1: requester 5, deal 7; 2: requester 6, client 3; 3: requester 5,
	// client 3, a correction; 4: requester 6, deal 7 and client 3.
	for _, r := range []*core.Request{
		{Type: core.RequestQuestion, RequesterID: 5, DealID: 7},
		{Type: core.RequestDocument, RequesterID: 6, ClientID: 3},
		{Type: core.RequestCorrection, RequesterID: 5, ClientID: 3},
		{Type: core.RequestQuestion, RequesterID: 6, DealID: 7, ClientID: 3},
	} {
		r.Status = core.RequestNew
		MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateRequest(r) })
		clock.Add(time.Minute)
	}
	update := func(id int64, fn func(r *core.Request)) {
		t.Helper()
		MustUpdate(t, db, func(tx core.Tx) error {
			r, err := tx.RequestByID(id)
			if err != nil {
				return err
			}
			fn(r)
			return tx.UpdateRequest(r)
		})
	}
	check := func(step string, cases []struct {
		f    core.RequestFilter
		want []int64
	}) {
		t.Helper()
		for _, c := range cases {
			if got := mustRequests(t, db, c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: Requests(%+v) = %v, want %v", step, c.f, got, c.want)
			}
		}
		mustConsistent(t, db)
	}
	type fc = struct {
		f    core.RequestFilter
		want []int64
	}
	check("created", []fc{
		{core.RequestFilter{}, []int64{1, 2, 3, 4}},
		{core.RequestFilter{Open: true}, []int64{1, 2, 3, 4}},
		{core.RequestFilter{Open: true, Limit: 2}, []int64{1, 2}},
		{core.RequestFilter{RequesterID: 5}, []int64{1, 3}},
		{core.RequestFilter{RequesterID: 6, Open: true}, []int64{2, 4}},
		{core.RequestFilter{DealID: 7}, []int64{1, 4}},
		{core.RequestFilter{ClientID: 3}, []int64{2, 3, 4}},
		{core.RequestFilter{ClientID: 3, Limit: 2}, []int64{2, 3}},
		{core.RequestFilter{ClientID: 3, RequesterID: 6}, []int64{2, 4}},
		{core.RequestFilter{DealID: 7, ClientID: 3}, []int64{4}},
		{core.RequestFilter{Type: core.RequestQuestion}, []int64{1, 4}},
		{core.RequestFilter{Type: core.RequestQuestion, Limit: 1}, []int64{1}},
		{core.RequestFilter{AssigneeID: 9}, []int64{}},
		{core.RequestFilter{RequesterID: 99}, []int64{}},
	})
	update(2, func(r *core.Request) { r.Status, r.AssigneeID = core.RequestInWork, 9 })
	update(3, func(r *core.Request) { r.Status, r.AssigneeID = core.RequestInWork, 9 })
	check("assigned", []fc{
		{core.RequestFilter{AssigneeID: 9}, []int64{2, 3}},
		{core.RequestFilter{AssigneeID: 9, Open: true, Limit: 1}, []int64{2}},
		{core.RequestFilter{AssigneeID: 9, Type: core.RequestCorrection}, []int64{3}},
	})
	update(2, func(r *core.Request) { r.AssigneeID = 10 })
	check("reassigned", []fc{
		{core.RequestFilter{AssigneeID: 9}, []int64{3}},
		{core.RequestFilter{AssigneeID: 10}, []int64{2}},
	})
	update(1, func(r *core.Request) { r.Status, r.ClosedAt = core.RequestDone, clock.Now() })
	update(3, func(r *core.Request) { r.Status, r.Result = core.RequestRejected, "дубль" })
	check("closed", []fc{
		{core.RequestFilter{Open: true}, []int64{2, 4}},
		{core.RequestFilter{}, []int64{1, 2, 3, 4}},
		{core.RequestFilter{RequesterID: 5}, []int64{1, 3}},
		{core.RequestFilter{RequesterID: 5, Open: true}, []int64{}},
		{core.RequestFilter{RequesterID: 5, Limit: 1}, []int64{1}},
		{core.RequestFilter{AssigneeID: 9}, []int64{3}},
		{core.RequestFilter{AssigneeID: 9, Open: true}, []int64{}},
		{core.RequestFilter{DealID: 7, Open: true}, []int64{4}},
		{core.RequestFilter{ClientID: 3, Open: true}, []int64{2, 4}},
	})
	update(3, func(r *core.Request) { r.Status, r.ClientID, r.DealID = core.RequestInWork, 0, 8 })
	check("reopened and moved", []fc{
		{core.RequestFilter{Open: true}, []int64{2, 3, 4}},
		{core.RequestFilter{ClientID: 3}, []int64{2, 4}},
		{core.RequestFilter{DealID: 8}, []int64{3}},
		{core.RequestFilter{AssigneeID: 9, Open: true}, []int64{3}},
	})
}

// TestRequests_OldestFirst: the order is by creation time even where the
// numbers are not (a request stored with an earlier CreatedAt).
func TestRequests_OldestFirst(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateRequest(&core.Request{Type: core.RequestOther, Status: core.RequestNew, RequesterID: 5,
			ClientID: 3}); err != nil {
			return err
		}
		return tx.CreateRequest(&core.Request{Type: core.RequestOther, Status: core.RequestNew, RequesterID: 5,
			ClientID: 3, CreatedAt: tx.Now().Add(-time.Hour)})
	})
	for _, f := range []core.RequestFilter{{}, {Open: true}, {RequesterID: 5}, {RequesterID: 5, Open: true},
		{ClientID: 3}} {
		if got := mustRequests(t, db, f); !slices.Equal(got, []int64{2, 1}) {
			t.Errorf("Requests(%+v) = %v, want [2 1]", f, got)
		}
	}
}

func TestRequests_WorkSettings(t *testing.T) {
	db := MustOpenDB(t)
	MustView(t, db, func(tx core.Tx) error {
		s, err := tx.WorkSettings()
		if err == nil && (s.SLA != nil || s.Approvers != nil) {
			t.Errorf("WorkSettings of a new database = %+v, want zero", s)
		}
		return err
	})
	want := core.WorkSettings{SLA: map[core.RequestType]time.Duration{core.RequestCorrection: 2 * time.Hour},
		Approvers: []core.Role{core.RoleHead}}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.PutWorkSettings(want) })
	MustView(t, db, func(tx core.Tx) error {
		s, err := tx.WorkSettings()
		if err == nil && (s.SLA[core.RequestCorrection] != 2*time.Hour || !slices.Equal(s.Approvers, want.Approvers)) {
			t.Errorf("WorkSettings = %+v, want %+v", s, want)
		}
		return err
	})
	mustConsistent(t, db)
}

// TestRequests_IntakeUnderRequestNumber: an intake made for a request is
// stored under its number; a taken number is ECONFLICT; an intake without
// a number still gets one of its own.
func TestRequests_IntakeUnderRequestNumber(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		for range 3 {
			if err := tx.CreateRequest(&core.Request{Type: core.RequestQuestion, Status: core.RequestNew,
				RequesterID: 5}); err != nil {
				return err
			}
		}
		r := &core.Request{Type: core.RequestIntake, Status: core.RequestNew, RequesterID: 5}
		if err := tx.CreateRequest(r); err != nil {
			return err
		}
		in := &core.Intake{ID: r.ID, ManagerID: 5, Status: core.IntakeOpen, Given: core.Requisites{INN: "7707083893"}}
		if err := tx.CreateIntake(in); err != nil {
			return err
		}
		if in.ID != 4 {
			t.Errorf("intake ID = %d, want the request's 4", in.ID)
		}
		got, err := tx.IntakeByID(4)
		if err != nil || got.Given.INN != "7707083893" {
			t.Errorf("IntakeByID(4) = %+v, %v", got, err)
		}
		err = tx.CreateIntake(&core.Intake{ID: 4, ManagerID: 6})
		CheckCode(t, err, core.ECONFLICT, "err.request.taken")
		// The old way: the next number after every intake there is.
		old := &core.Intake{ManagerID: 5, Status: core.IntakeOpen}
		if err := tx.CreateIntake(old); err != nil {
			return err
		}
		if old.ID != 5 {
			t.Errorf("an intake without a number got %d, want 5", old.ID)
		}
		return nil
	})
	mustConsistent(t, db)
}

// TestCheck_RequestIndexes: the check finds a request's entry lost from
// the open index, a closed one left in it, and one pointing at nothing.
func TestCheck_RequestIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateRequest(&core.Request{Type: core.RequestQuestion, Status: core.RequestNew,
			RequesterID: 5}); err != nil {
			return err
		}
		return tx.CreateRequest(&core.Request{Type: core.RequestQuestion, Status: core.RequestDone, RequesterID: 5,
			AssigneeID: 9})
	})
	mustConsistent(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var created []byte
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		open := tx.Bucket([]byte("requests_open"))
		k, _ := open.Cursor().First()
		created = append([]byte(nil), k[:8]...)
		if err := open.Delete(k); err != nil {
			return err
		}
		// Request 2 is done: it has no place among the open ones.
		if err := open.Put(append(append([]byte(nil), created...), id(2)...), []byte{}); err != nil {
			return err
		}
		return tx.Bucket([]byte("requests_by_deal")).Put(append(id(7), append(created, id(9)...)...), []byte{})
	})
	r := mustCheck(t, path)
	wantProblems(t, r, "request 1: its entry", "is missing from index requests_open",
		"index requests_open: entry", "points at request 2, which does not list it (a stale entry)",
		"index requests_by_deal: entry", "points at request 9, which does not exist")
	if len(r.Problems) != 3 {
		t.Errorf("want 3 problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}
