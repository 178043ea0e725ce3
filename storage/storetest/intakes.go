package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Intakes/CreateGetUpdate", testIntakes)
	register("Intakes/NumberedByTheirRequest", testIntakesWithID)
	register("Intakes/UnderAnExistingRequestsNumber", testIntakesUnderRequest)
	register("RegistryCache/PutAndGet", testRegistryCache)
}

func testIntakes(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	in := &core.Intake{ManagerID: 3, Given: core.Requisites{INN: "7707083893"}, Unread: []string{"строка"}, TaskID: 4}
	update(t, s, func(tx core.Tx) error { return tx.CreateIntake(in) })
	if in.ID != 1 || !in.CreatedAt.Equal(T0) || !in.UpdatedAt.Equal(T0) {
		t.Fatalf("created %+v: want ID 1 and times now", in)
	}
	clock.Add(time.Minute)
	update(t, s, func(tx core.Tx) error {
		got, err := tx.IntakeByID(1)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, in) {
			t.Fatalf("IntakeByID = %+v, want %+v", got, in)
		}
		got.ClientID, got.CreatedAt = 9, time.Time{} // kept from the stored intake
		return tx.UpdateIntake(got)
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.IntakeByID(1)
		if err != nil {
			return err
		}
		if got.ClientID != 9 || !got.CreatedAt.Equal(T0) || got.UpdatedAt.Sub(T0) != time.Minute {
			t.Fatalf("after the update %+v", got)
		}
		_, err = tx.IntakeByID(2)
		wantCodeKey(t, err, core.ENOTFOUND, "err.intake.not_found")
		return nil
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateIntake(&core.Intake{ID: 2}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.intake.not_found")
}

// An intake with an ID takes its request's number; the intakes numbered by
// the store continue after it.
func testIntakesWithID(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateIntake(&core.Intake{ID: 5, ManagerID: 1}); err != nil {
			return err
		}
		in := &core.Intake{ManagerID: 1}
		if err := tx.CreateIntake(in); err != nil {
			return err
		}
		if in.ID != 6 {
			t.Errorf("the next intake got %d, want 6", in.ID)
		}
		// A lower number leaves the counter where it is.
		if err := tx.CreateIntake(&core.Intake{ID: 2, ManagerID: 1}); err != nil {
			return err
		}
		in = &core.Intake{ManagerID: 1}
		if err := tx.CreateIntake(in); err != nil {
			return err
		}
		if in.ID != 7 {
			t.Errorf("the next intake got %d, want 7", in.ID)
		}
		return nil
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.CreateIntake(&core.Intake{ID: 5}) })
	wantCodeKey(t, err, core.ECONFLICT, "err.request.taken")
	view(t, s, func(tx core.Tx) error {
		for _, id := range []int64{2, 5, 6, 7} {
			if in, err := tx.IntakeByID(id); err != nil || in.ID != id {
				t.Errorf("IntakeByID(%d) = %v, %v", id, in, err)
			}
		}
		return nil
	})
}

func testRegistryCache(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	view(t, s, func(tx core.Tx) error {
		_, err := tx.CachedRecord("dadata", "7707083893", "773601001")
		wantCodeKey(t, err, core.ENOTFOUND, "err.registry.not_cached")
		return nil
	})
	rec := &core.RegistryRecord{Source: "dadata", Kind: core.KindLegal, INN: "7707083893", KPP: "773601001",
		ShortName: "ПАО Сбербанк", RegisteredAt: time.Date(1991, 6, 20, 0, 0, 0, 0, time.UTC)}
	update(t, s, func(tx core.Tx) error {
		if err := tx.PutCachedRecord("7707083893", "773601001", rec); err != nil {
			return err
		}
		// Another registry's answer is kept apart; a second answer replaces the first.
		if err := tx.PutCachedRecord("7707083893", "773601001", &core.RegistryRecord{Source: "fnsapi", INN: "7707083893"}); err != nil {
			return err
		}
		return tx.PutCachedRecord("7707083893", "", &core.RegistryRecord{Source: "dadata", INN: "7707083893", ShortName: "old"})
	})
	update(t, s, func(tx core.Tx) error {
		return tx.PutCachedRecord("7707083893", "", &core.RegistryRecord{Source: "dadata", INN: "7707083893", ShortName: "new"})
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.CachedRecord("dadata", "7707083893", "773601001")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, rec) {
			t.Errorf("CachedRecord = %+v, want %+v", got, rec)
		}
		if got, err := tx.CachedRecord("fnsapi", "7707083893", "773601001"); err != nil || got.Source != "fnsapi" {
			t.Errorf("fnsapi's answer = %+v, %v", got, err)
		}
		if got, err := tx.CachedRecord("dadata", "7707083893", ""); err != nil || got.ShortName != "new" {
			t.Errorf("the replaced answer = %+v, %v", got, err)
		}
		_, err = tx.CachedRecord("spark", "7707083893", "773601001")
		wantCodeKey(t, err, core.ENOTFOUND, "err.registry.not_cached")
		return nil
	})
}

// testIntakesUnderRequest: an intake opened by a request takes the request's
// number, though the requests' numbers are ahead of the intakes'; the number
// cannot be taken twice; an intake without a number gets the next after
// every intake there is.
func testIntakesUnderRequest(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
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
		if err != nil || got.Given.INN != "7707083893" || got.ManagerID != 5 {
			t.Errorf("IntakeByID(4) = %+v, %v", got, err)
		}
		old := &core.Intake{ManagerID: 5, Status: core.IntakeOpen}
		if err := tx.CreateIntake(old); err != nil {
			return err
		}
		if old.ID != 5 {
			t.Errorf("an intake without a number got %d, want 5", old.ID)
		}
		return nil
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.CreateIntake(&core.Intake{ID: 4, ManagerID: 6}) })
	wantCodeKey(t, err, core.ECONFLICT, "err.request.taken")
}
