package bolt_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func newDeal(number string, clientID, managerID int64, stage core.Stage) *core.Deal {
	return &core.Deal{Number: number, ClientID: clientID, ManagerID: managerID, Title: "Сделка " + number,
		Amount: 1_000_000_00, Stage: stage, CreatedBy: managerID}
}

func dealNumbers(ds []*core.Deal) []string {
	var ns []string
	for _, d := range ds {
		ns = append(ns, d.Number)
	}
	return ns
}

// seedDeals stores five deals of two clients and two managers.
func seedDeals(t *testing.T) *bolt.DB {
	t.Helper()
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, d := range []*core.Deal{
			newDeal("D-2026-0001", 1, 10, core.StageNew),
			newDeal("D-2026-0002", 2, 10, core.StageClosedWon),
			newDeal("D-2026-0003", 1, 20, core.StageSigning),
			newDeal("D-2026-0004", 1, 10, core.StageClosedLost),
			newDeal("D-2026-0005", 2, 20, core.StageActive),
		} {
			if err := tx.CreateDeal(d); err != nil {
				return err
			}
		}
		return nil
	})
	return db
}

func TestDeals_Get(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	d := newDeal("D-2026-0001", 1, 10, core.StageNew)
	d.SigningDue = time.Date(2026, 4, 1, 18, 0, 0, 0, time.UTC)
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateDeal(d) })
	if d.ID != 1 || d.CreatedAt.IsZero() || d.UpdatedAt != d.CreatedAt {
		t.Fatalf("created %+v", d)
	}
	MustView(t, db, func(tx core.Tx) error {
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
		CheckCode(t, err, core.ENOTFOUND, "err.deal.not_found")
		_, err = tx.DealByNumber("D-2026-0002")
		CheckCode(t, err, core.ENOTFOUND, "err.deal.not_found")
		return nil
	})
	err := db.Update(t.Context(), func(tx core.Tx) error { return tx.UpdateDeal(&core.Deal{ID: 2}) })
	CheckCode(t, err, core.ENOTFOUND, "err.deal.not_found")
}

func TestDeals_NumberTaken(t *testing.T) {
	db := seedDeals(t)
	err := db.Update(t.Context(), func(tx core.Tx) error {
		return tx.CreateDeal(newDeal("D-2026-0003", 1, 10, core.StageNew))
	})
	CheckCode(t, err, core.ECONFLICT, "err.deal.number_taken")
	if e := err.(*core.Error); e.Args["Number"] != "D-2026-0003" {
		t.Fatalf("args = %v", e.Args)
	}
	err = db.Update(t.Context(), func(tx core.Tx) error {
		d, _ := tx.DealByID(1)
		d.Number = "D-2026-0005"
		return tx.UpdateDeal(d)
	})
	CheckCode(t, err, core.ECONFLICT, "err.deal.number_taken")
}

func TestDeals_Find(t *testing.T) {
	db := seedDeals(t)
	MustView(t, db, func(tx core.Tx) error {
		for _, tt := range []struct {
			filter core.DealFilter
			want   []string
		}{
			{core.DealFilter{}, []string{"D-2026-0005", "D-2026-0004", "D-2026-0003", "D-2026-0002", "D-2026-0001"}},
			{core.DealFilter{Limit: 2}, []string{"D-2026-0005", "D-2026-0004"}},
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
			if got := dealNumbers(ds); !equal(got, tt.want) {
				t.Errorf("FindDeals(%+v) = %v, want %v", tt.filter, got, tt.want)
			}
		}
		return nil
	})
}

func TestDeals_UpdateMovesIndexes(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	d := newDeal("D-2026-0001", 1, 10, core.StageNew)
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateDeal(d) })
	created := d.CreatedAt
	clock.Add(time.Hour)
	MustUpdate(t, db, func(tx core.Tx) error {
		d.Number, d.ClientID, d.ManagerID, d.Stage = "D-2026-0100", 2, 20, core.StageDocuments
		return tx.UpdateDeal(d)
	})
	MustView(t, db, func(tx core.Tx) error {
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
		} {
			if ds, err := tx.FindDeals(tt.filter); err != nil || len(ds) != tt.want {
				t.Errorf("FindDeals(%+v) = %d deals, %v; want %d", tt.filter, len(ds), err, tt.want)
			}
		}
		return nil
	})
	// The old number is free again.
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateDeal(newDeal("D-2026-0001", 1, 10, core.StageNew)) })
}
