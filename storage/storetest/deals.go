package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Deals/Get", testDealsGet)
	register("Deals/NumberTaken", testDealsNumberTaken)
	register("Deals/Find", testDealsFind)
	register("Deals/UpdateMovesIndexes", testDealsUpdateMovesIndexes)
}

func newTestDeal(number string, clientID, managerID int64, stage core.Stage) *core.Deal {
	return &core.Deal{Number: number, ClientID: clientID, ManagerID: managerID, Title: "Сделка " + number,
		Amount: 1_000_000_00, Stage: stage, CreatedBy: managerID}
}

func testDealNumbers(ds []*core.Deal) []string {
	var ns []string
	for _, d := range ds {
		ns = append(ns, d.Number)
	}
	return ns
}

// seedTestDeals stores five deals of two clients and two managers.
func seedTestDeals(t *testing.T, open Opener) core.Store {
	t.Helper()
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for _, d := range []*core.Deal{
			newTestDeal("D-2026-0001", 1, 10, core.StageNew),
			newTestDeal("D-2026-0002", 2, 10, core.StageClosedWon),
			newTestDeal("D-2026-0003", 1, 20, core.StageSigning),
			newTestDeal("D-2026-0004", 1, 10, core.StageClosedLost),
			newTestDeal("D-2026-0005", 2, 20, core.StageActive),
		} {
			if err := tx.CreateDeal(d); err != nil {
				return err
			}
		}
		return nil
	})
	return s
}

func testDealsGet(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	d := newTestDeal("D-2026-0001", 1, 10, core.StageNew)
	d.SigningDue = time.Date(2026, 4, 1, 18, 0, 0, 0, time.UTC)
	update(t, s, func(tx core.Tx) error { return tx.CreateDeal(d) })
	if d.ID != 1 || !d.CreatedAt.Equal(T0) || d.UpdatedAt != d.CreatedAt {
		t.Fatalf("created %+v", d)
	}
	view(t, s, func(tx core.Tx) error {
		for _, get := range []func() (*core.Deal, error){
			func() (*core.Deal, error) { return tx.DealByID(1) },
			func() (*core.Deal, error) { return tx.DealByNumber("D-2026-0001") },
		} {
			got, err := get()
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, d) {
				t.Fatalf("got %+v, want %+v", got, d)
			}
		}
		_, err := tx.DealByID(2)
		wantCodeKey(t, err, core.ENOTFOUND, "err.deal.not_found")
		_, err = tx.DealByNumber("D-2026-0002")
		wantCodeKey(t, err, core.ENOTFOUND, "err.deal.not_found")
		_, err = tx.DealByNumber("")
		wantCodeKey(t, err, core.ENOTFOUND, "err.deal.not_found")
		return nil
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateDeal(&core.Deal{ID: 2}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.deal.not_found")
}

func testDealsNumberTaken(t *testing.T, open Opener) {
	s := seedTestDeals(t, open)
	err := s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateDeal(newTestDeal("D-2026-0003", 1, 10, core.StageNew))
	})
	wantCodeKey(t, err, core.ECONFLICT, "err.deal.number_taken")
	if e := err.(*core.Error); e.Args["Number"] != "D-2026-0003" {
		t.Fatalf("args = %v", e.Args)
	}
	err = s.Update(context.Background(), func(tx core.Tx) error {
		d, err := tx.DealByID(1)
		if err != nil {
			return err
		}
		d.Number = "D-2026-0005"
		return tx.UpdateDeal(d)
	})
	wantCodeKey(t, err, core.ECONFLICT, "err.deal.number_taken")
	// Deals without a number do not conflict with each other.
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateDeal(newTestDeal("", 3, 10, core.StageNew)); err != nil {
			return err
		}
		return tx.CreateDeal(newTestDeal("", 3, 10, core.StageNew))
	})
	view(t, s, func(tx core.Tx) error {
		ds, err := tx.FindDeals(core.DealFilter{ClientID: 3})
		if err == nil && len(ds) != 2 {
			t.Errorf("deals without a number = %d, want 2", len(ds))
		}
		return err
	})
}

func testDealsFind(t *testing.T, open Opener) {
	s := seedTestDeals(t, open)
	view(t, s, func(tx core.Tx) error {
		for _, tt := range []struct {
			filter core.DealFilter
			want   []string
		}{
			{core.DealFilter{}, []string{"D-2026-0005", "D-2026-0004", "D-2026-0003", "D-2026-0002", "D-2026-0001"}},
			{core.DealFilter{Limit: 2}, []string{"D-2026-0005", "D-2026-0004"}},
			{core.DealFilter{Limit: -1}, []string{"D-2026-0005", "D-2026-0004", "D-2026-0003", "D-2026-0002", "D-2026-0001"}},
			{core.DealFilter{Open: true}, []string{"D-2026-0005", "D-2026-0003", "D-2026-0001"}},
			{core.DealFilter{ClientID: 1}, []string{"D-2026-0004", "D-2026-0003", "D-2026-0001"}},
			{core.DealFilter{ClientID: 1, Open: true, Limit: 1}, []string{"D-2026-0003"}},
			{core.DealFilter{ManagerID: 10}, []string{"D-2026-0004", "D-2026-0002", "D-2026-0001"}},
			{core.DealFilter{ManagerID: 20, Open: true}, []string{"D-2026-0005", "D-2026-0003"}},
			{core.DealFilter{ClientID: 2, ManagerID: 20}, []string{"D-2026-0005"}},
			{core.DealFilter{ClientID: 3}, nil},
		} {
			ds, err := tx.FindDeals(tt.filter)
			if err != nil {
				return err
			}
			if ds == nil {
				t.Errorf("FindDeals(%+v) = nil, want a list", tt.filter)
			}
			if got := testDealNumbers(ds); !slices.Equal(got, tt.want) {
				t.Errorf("FindDeals(%+v) = %v, want %v", tt.filter, got, tt.want)
			}
		}
		return nil
	})
}

func testDealsUpdateMovesIndexes(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	d := newTestDeal("D-2026-0001", 1, 10, core.StageNew)
	update(t, s, func(tx core.Tx) error { return tx.CreateDeal(d) })
	created := d.CreatedAt
	clock.Add(time.Hour)
	update(t, s, func(tx core.Tx) error {
		d.Number, d.ClientID, d.ManagerID, d.Stage = "D-2026-0100", 2, 20, core.StageClosedWon
		d.CreatedAt = time.Time{} // kept from the stored deal
		return tx.UpdateDeal(d)
	})
	view(t, s, func(tx core.Tx) error {
		if _, err := tx.DealByNumber("D-2026-0001"); !core.IsNotFound(err) {
			t.Errorf("old number still indexed: %v", err)
		}
		got, err := tx.DealByNumber("D-2026-0100")
		if err != nil {
			return err
		}
		if !got.CreatedAt.Equal(created) || got.UpdatedAt.Sub(created) != time.Hour {
			t.Errorf("times = %v, %v", got.CreatedAt, got.UpdatedAt)
		}
		for _, tt := range []struct {
			filter core.DealFilter
			want   int
		}{
			{core.DealFilter{ClientID: 1}, 0}, {core.DealFilter{ClientID: 2}, 1},
			{core.DealFilter{ManagerID: 10}, 0}, {core.DealFilter{ManagerID: 20}, 1},
			{core.DealFilter{Open: true}, 0}, {core.DealFilter{}, 1},
		} {
			if ds, err := tx.FindDeals(tt.filter); err != nil || len(ds) != tt.want {
				t.Errorf("FindDeals(%+v) = %d deals, %v; want %d", tt.filter, len(ds), err, tt.want)
			}
		}
		return nil
	})
	// The old number is free again.
	update(t, s, func(tx core.Tx) error { return tx.CreateDeal(newTestDeal("D-2026-0001", 1, 10, core.StageNew)) })
}
