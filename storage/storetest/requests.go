package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Requests/CreateGetUpdate", testRequestsCreateGetUpdate)
	register("Requests/FiltersFollowAssignmentAndClosing", testRequestsFilters)
	register("Requests/OldestFirstByCreationTime", testRequestsOldestFirst)
	register("Requests/WorkSettings", testRequestsWorkSettings)
}

// reqIDs lists the IDs of the requests the filter selects.
func reqIDs(t *testing.T, s core.Store, f core.RequestFilter) []int64 {
	t.Helper()
	ids := []int64{}
	view(t, s, func(tx core.Tx) error {
		rs, err := tx.Requests(f)
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		return err
	})
	return ids
}

func testRequestsCreateGetUpdate(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	now := clock.Now()
	r := &core.Request{Type: core.RequestQuestion, Status: core.RequestNew, RequesterID: 5, DealID: 7,
		Text: "Когда придёт оплата?", Files: []core.FileRef{docFileRef("скан.pdf", []byte("pdf"))}}
	update(t, s, func(tx core.Tx) error { return tx.CreateRequest(r) })
	if r.ID != 1 || !r.CreatedAt.Equal(now) || !r.UpdatedAt.Equal(now) {
		t.Fatalf("created %+v", r)
	}
	clock.Add(time.Hour)
	update(t, s, func(tx core.Tx) error {
		got, err := tx.RequestByID(1)
		if err != nil {
			return err
		}
		if got.Text != r.Text || got.DealID != 7 || len(got.Files) != 1 {
			t.Errorf("RequestByID = %+v", got)
		}
		got.CreatedAt = time.Time{}
		got.Status, got.AssigneeID = core.RequestInWork, 9
		return tx.UpdateRequest(got)
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.RequestByID(1)
		if err == nil && (!got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now.Add(time.Hour)) ||
			got.Status != core.RequestInWork || got.AssigneeID != 9) {
			t.Errorf("after update: %+v", got)
		}
		_, err2 := tx.RequestByID(42)
		wantCodeKey(t, err2, core.ENOTFOUND, "err.request.not_found")
		return err
	})
	err := s.Update(context.Background(), func(tx core.Tx) error {
		return tx.UpdateRequest(&core.Request{ID: 42, Status: core.RequestNew})
	})
	wantCodeKey(t, err, core.ENOTFOUND, "err.request.not_found")
}

// testRequestsFilters: each filter selects by its fields, oldest first up to
// the limit, and a request moves between the selections as it is assigned,
// reassigned, closed, reopened and moved.
func testRequestsFilters(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	// 1: requester 5, deal 7; 2: requester 6, client 3; 3: requester 5,
	// client 3, a correction; 4: requester 6, deal 7 and client 3.
	for _, r := range []*core.Request{
		{Type: core.RequestQuestion, RequesterID: 5, DealID: 7},
		{Type: core.RequestDocument, RequesterID: 6, ClientID: 3},
		{Type: core.RequestCorrection, RequesterID: 5, ClientID: 3},
		{Type: core.RequestQuestion, RequesterID: 6, DealID: 7, ClientID: 3},
	} {
		r.Status = core.RequestNew
		update(t, s, func(tx core.Tx) error { return tx.CreateRequest(r) })
		clock.Add(time.Minute)
	}
	set := func(id int64, fn func(r *core.Request)) {
		t.Helper()
		update(t, s, func(tx core.Tx) error {
			r, err := tx.RequestByID(id)
			if err != nil {
				return err
			}
			fn(r)
			return tx.UpdateRequest(r)
		})
	}
	type fc = struct {
		f    core.RequestFilter
		want []int64
	}
	check := func(step string, cases []fc) {
		t.Helper()
		for _, c := range cases {
			if got := reqIDs(t, s, c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: Requests(%+v) = %v, want %v", step, c.f, got, c.want)
			}
		}
	}
	check("created", []fc{
		{core.RequestFilter{}, []int64{1, 2, 3, 4}},
		{core.RequestFilter{Limit: -1}, []int64{1, 2, 3, 4}},
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
		{core.RequestFilter{Type: core.RequestQuestion, ClientID: 3}, []int64{4}},
		{core.RequestFilter{AssigneeID: 9}, []int64{}},
		{core.RequestFilter{RequesterID: 99}, []int64{}},
	})
	set(2, func(r *core.Request) { r.Status, r.AssigneeID = core.RequestInWork, 9 })
	set(3, func(r *core.Request) { r.Status, r.AssigneeID = core.RequestInWork, 9 })
	check("assigned", []fc{
		{core.RequestFilter{AssigneeID: 9}, []int64{2, 3}},
		{core.RequestFilter{AssigneeID: 9, Open: true, Limit: 1}, []int64{2}},
		{core.RequestFilter{AssigneeID: 9, Type: core.RequestCorrection}, []int64{3}},
		{core.RequestFilter{AssigneeID: 9, RequesterID: 5}, []int64{3}},
	})
	set(2, func(r *core.Request) { r.AssigneeID = 10 })
	check("reassigned", []fc{
		{core.RequestFilter{AssigneeID: 9}, []int64{3}},
		{core.RequestFilter{AssigneeID: 10}, []int64{2}},
	})
	set(1, func(r *core.Request) { r.Status, r.ClosedAt = core.RequestDone, clock.Now() })
	set(3, func(r *core.Request) { r.Status, r.Result = core.RequestRejected, "дубль" })
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
	set(3, func(r *core.Request) { r.Status, r.ClientID, r.DealID = core.RequestInWork, 0, 8 })
	check("reopened and moved", []fc{
		{core.RequestFilter{Open: true}, []int64{2, 3, 4}},
		{core.RequestFilter{ClientID: 3}, []int64{2, 4}},
		{core.RequestFilter{DealID: 8}, []int64{3}},
		{core.RequestFilter{AssigneeID: 9, Open: true}, []int64{3}},
	})
	// A requester's closed and open requests come merged, oldest first.
	set(4, func(r *core.Request) { r.Status = core.RequestDone })
	check("a requester's closed and open", []fc{
		{core.RequestFilter{RequesterID: 6}, []int64{2, 4}},
		{core.RequestFilter{RequesterID: 6, Limit: 1}, []int64{2}},
	})
}

// testRequestsOldestFirst: the order is by creation time even where the
// numbers are not (a request stored with an earlier CreatedAt).
func testRequestsOldestFirst(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateRequest(&core.Request{Type: core.RequestOther, Status: core.RequestNew, RequesterID: 5,
			ClientID: 3, DealID: 4, AssigneeID: 9}); err != nil {
			return err
		}
		return tx.CreateRequest(&core.Request{Type: core.RequestOther, Status: core.RequestNew, RequesterID: 5,
			ClientID: 3, DealID: 4, AssigneeID: 9, CreatedAt: tx.Now().Add(-time.Hour)})
	})
	for _, f := range []core.RequestFilter{{}, {Open: true}, {RequesterID: 5}, {RequesterID: 5, Open: true},
		{ClientID: 3}, {DealID: 4}, {AssigneeID: 9}, {Type: core.RequestOther}} {
		if got := reqIDs(t, s, f); !slices.Equal(got, []int64{2, 1}) {
			t.Errorf("Requests(%+v) = %v, want [2 1]", f, got)
		}
		f.Limit = 1
		if got := reqIDs(t, s, f); !slices.Equal(got, []int64{2}) {
			t.Errorf("Requests(%+v) = %v, want [2]", f, got)
		}
	}
}

func testRequestsWorkSettings(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	view(t, s, func(tx core.Tx) error {
		ws, err := tx.WorkSettings()
		if err == nil && (ws.SLA != nil || ws.Approvers != nil) {
			t.Errorf("WorkSettings of a new store = %+v, want zero", ws)
		}
		return err
	})
	want := core.WorkSettings{SLA: map[core.RequestType]time.Duration{core.RequestCorrection: 2 * time.Hour},
		Approvers: []core.Role{core.RoleHead}}
	update(t, s, func(tx core.Tx) error { return tx.PutWorkSettings(want) })
	update(t, s, func(tx core.Tx) error { return tx.PutReminderSettings(core.DefaultReminderSettings()) })
	view(t, s, func(tx core.Tx) error {
		ws, err := tx.WorkSettings()
		if err == nil && (ws.SLA[core.RequestCorrection] != 2*time.Hour || !slices.Equal(ws.Approvers, want.Approvers)) {
			t.Errorf("WorkSettings = %+v, want %+v", ws, want)
		}
		return err
	})
}
