package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// within runs fn and fails the test when it has not returned within five
// seconds: a write that waits for a unit's lock it should not need.
func within(t *testing.T, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: still blocked after 5s", what)
		return nil
	}
}

// sberRegistry knows Sberbank.
func sberRegistry() *fixedRegistry {
	return &fixedRegistry{rec: &core.RegistryRecord{Source: "fixed", INN: sberINN, KPP: sberKPP,
		ShortName: "ПАО Сбербанк", Status: core.StatusActive}}
}

// cached reports whether the registry's answer about Sberbank is cached.
func (o *office) cached() bool {
	o.t.Helper()
	var ok bool
	o.view(func(tx core.Tx) error {
		_, err := tx.CachedRecord("fixed", sberINN, sberKPP)
		if core.IsNotFound(err) {
			return nil
		}
		ok = err == nil
		return err
	})
	return ok
}

// TestUnit_LazyBegin: reads and a registry's cached answer do not begin
// the unit, so they hold no lock: others write meanwhile, and the cached
// answer is kept even when the unit is rolled back. The first write begins
// it.
func TestUnit_LazyBegin(t *testing.T) {
	o := newOffice(t, core.WithRegistries(sberRegistry()))
	uctx, unit := o.svc.Begin(o.ctx())
	defer unit.Rollback()

	_, err := o.svc.FindClientsByINN(uctx, o.officer, sberINN)
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
	rep, err := o.svc.VerifyRequisites(uctx, o.officer, core.Requisites{INN: sberINN, KPP: sberKPP}, 0)
	if err != nil || len(rep.Records) != 1 {
		t.Fatalf("VerifyRequisites = %+v, %v", rep, err)
	}
	if unit.Started() {
		t.Fatal("reads and a cached registry answer began the unit")
	}
	if !o.cached() {
		t.Fatal("the registry's answer is not committed at once")
	}
	err = within(t, "a write outside a unit that has not begun", func() error {
		_, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: yandexINN, ShortName: "Яндекс"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// The unit reads what others committed before it began.
	cs, err := o.svc.FindClientsByINN(uctx, o.officer, yandexINN)
	if err != nil || len(cs) != 1 {
		t.Fatalf("a commit made before the unit began = %+v, %v", cs, err)
	}
	if _, err := o.svc.CreateClient(uctx, o.officer, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "Сбер"}); err != nil {
		t.Fatal(err)
	}
	if !unit.Started() {
		t.Fatal("a write did not begin the unit")
	}
	unit.Rollback()
	if !o.cached() {
		t.Fatal("the cached answer went with the rollback")
	}
	_, err = o.svc.FindClientsByINN(o.ctx(), o.officer, sberINN)
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
}

// TestUnit_SideUpdateJoinsBegunUnit: once the unit has begun, a cached
// answer is written in its transaction and goes with its rollback.
func TestUnit_SideUpdateJoinsBegunUnit(t *testing.T) {
	o := newOffice(t, core.WithRegistries(sberRegistry()))
	uctx, unit := o.svc.Begin(o.ctx())
	if _, err := o.svc.CreateClient(uctx, o.officer, &core.Client{INN: yandexINN, ShortName: "Яндекс"}); err != nil {
		t.Fatal(err)
	}
	// Not a deadlock: the cached answer joins the unit instead of waiting
	// for the lock the unit holds.
	err := within(t, "a cached answer in a begun unit", func() error {
		_, err := o.svc.VerifyRequisites(uctx, o.officer, core.Requisites{INN: sberINN, KPP: sberKPP}, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	unit.Rollback()
	if o.cached() {
		t.Fatal("a cached answer written in a begun unit outlived its rollback")
	}
}

// TestUnit_ReadsOwnWrites: inside the unit every read sees what the unit
// wrote; outside nothing of it shows until Commit, and then all of it does:
// the change, its audit records and its notifications.
func TestUnit_ReadsOwnWrites(t *testing.T) {
	o := newOffice(t)
	o.bind("-100", core.PurposeOfficers)
	uctx, unit := o.svc.Begin(o.ctx())
	defer unit.Rollback()

	c, err := o.svc.CreateClient(uctx, o.officer, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "Сбер"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := o.svc.ClientByID(uctx, o.officer, c.ID); err != nil || got.ShortName != "Сбер" {
		t.Fatalf("the unit reading its client = %+v, %v", got, err)
	}
	d, err := o.svc.CreateDeal(uctx, o.officer, &core.Deal{ClientID: c.ID, Title: "Лизинг", ManagerID: o.manager.ID()})
	if err != nil {
		t.Fatalf("a deal on the unit's own client: %v", err)
	}
	if ds, err := o.svc.FindDeals(uctx, o.officer, core.DealFilter{ClientID: c.ID}); err != nil || len(ds) != 1 {
		t.Fatalf("the unit finding its deal = %+v, %v", ds, err)
	}
	if ms, err := o.svc.DueMessages(uctx, core.OutboxQuery{Platform: core.PlatformTelegram, Now: o.clock.Now()}); err != nil || len(ms) != 2 {
		t.Fatalf("the unit's notifications = %d, %v; want 2", len(ms), err)
	}

	// Outside, reading is not blocked and sees none of it.
	err = within(t, "a read outside the unit", func() error {
		_, err := o.svc.ClientByID(o.ctx(), o.officer, c.ID)
		return err
	})
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
	if ms := o.messages(); len(ms) != 0 {
		t.Fatalf("messages before the commit: %+v", ms)
	}

	if err := unit.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, err := o.svc.DealByID(o.ctx(), o.manager, d.ID); err != nil || got.Number != "D-2026-0001" {
		t.Fatalf("the deal after the commit = %+v, %v", got, err)
	}
	if n := len(o.changes(core.EntityClient, c.ID)); n == 0 {
		t.Fatal("the client's audit records were not committed")
	}
	if n := len(o.changes(core.EntityDeal, d.ID)); n == 0 {
		t.Fatal("the deal's audit records were not committed")
	}
	if ms := o.due(); len(ms) != 2 {
		t.Fatalf("notifications after the commit = %+v; want 2", ms)
	}
}

// TestUnit_FailedWriteSpoils: a write that fails spoils the unit: later
// writes are refused with the first error, and Commit rolls everything
// back and returns it. A refusal before any write (bad input) does not.
func TestUnit_FailedWriteSpoils(t *testing.T) {
	o := newOffice(t)
	uctx, unit := o.svc.Begin(o.ctx())

	_, err := o.svc.CreateClient(uctx, o.officer, &core.Client{INN: "7707083894", ShortName: "Опечатка"})
	checkCode(t, err, core.EINVALID, "err.inn.checksum")
	if unit.Err() != nil {
		t.Fatalf("bad input spoiled the unit: %v", unit.Err())
	}
	c, err := o.svc.CreateClient(uctx, o.officer, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "Сбер"})
	if err != nil {
		t.Fatal(err)
	}
	_, first := o.svc.CreateClient(uctx, o.manager, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "Сбер ещё раз"})
	checkCode(t, first, core.ECONFLICT, "err.client.exists")
	if unit.Err() != first {
		t.Fatalf("unit.Err() = %v, want %v", unit.Err(), first)
	}

	_, err = o.svc.CreateClient(uctx, o.officer, &core.Client{INN: yandexINN, ShortName: "Яндекс"})
	if err != first {
		t.Fatalf("a write after the failure = %v, want the first error %v", err, first)
	}
	// Reads still work and see the unit's writes.
	if _, err := o.svc.ClientByID(uctx, o.officer, c.ID); err != nil {
		t.Fatalf("a read in a spoiled unit: %v", err)
	}
	if err := unit.Commit(); err != first {
		t.Fatalf("Commit = %v, want the first error %v", err, first)
	}
	for _, inn := range []string{sberINN, yandexINN} {
		_, err := o.svc.FindClientsByINN(o.ctx(), o.officer, inn)
		checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
	}
	if cs := o.changes(core.EntityClient, c.ID); len(cs) != 0 {
		t.Fatalf("audit records of a rolled-back unit: %v", fields(cs))
	}

	// A rule that refuses the unit's first write does not spoil it: that
	// transaction held nothing of the unit's, so it is dropped, and the
	// unit goes on (a dialog ends and says why) and commits what follows.
	uctx, unit = o.svc.Begin(o.ctx())
	_, first = o.svc.CreateDeal(uctx, o.manager, &core.Deal{ClientID: 999, Title: "Нет клиента"})
	checkCode(t, first, core.ENOTFOUND, "err.client.not_found")
	if unit.Err() != nil || unit.Started() {
		t.Fatalf("after a refused first write: Err %v, started %v", unit.Err(), unit.Started())
	}
	if _, err := o.svc.CreateClient(uctx, o.officer, &core.Client{INN: yandexINN, ShortName: "Яндекс"}); err != nil {
		t.Fatal(err)
	}
	if err := unit.Commit(); err != nil {
		t.Fatalf("Commit = %v", err)
	}
	if _, err := o.svc.FindClientsByINN(o.ctx(), o.officer, yandexINN); err != nil {
		t.Fatalf("the write after the refusal was not committed: %v", err)
	}
}

// TestUnit_Rollback: Rollback discards the change, its audit records, its
// notifications and its deal number; the unit is then closed: writes are
// internal errors, and a second Rollback does nothing. Rollback after
// Commit undoes nothing.
func TestUnit_Rollback(t *testing.T) {
	o := newOffice(t)
	o.bind("-100", core.PurposeOfficers)
	c := o.client(sberINN, sberKPP, "Сбер")

	uctx, unit := o.svc.Begin(o.ctx())
	d, err := o.svc.CreateDeal(uctx, o.officer, &core.Deal{ClientID: c.ID, Title: "Лизинг", ManagerID: o.manager.ID()})
	if err != nil {
		t.Fatal(err)
	}
	unit.Rollback()
	unit.Rollback()
	_, err = o.svc.DealByID(o.ctx(), o.officer, d.ID)
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
	if cs := o.changes(core.EntityDeal, d.ID); len(cs) != 0 {
		t.Fatalf("audit records after a rollback: %v", fields(cs))
	}
	if ms := o.messages(); len(ms) != 0 {
		t.Fatalf("messages after a rollback: %+v", ms)
	}
	_, err = o.svc.CreateTask(uctx, o.officer, &core.Task{Title: "После"})
	checkCode(t, err, core.EINTERNAL, "err.internal")
	checkCode(t, unit.Commit(), core.EINTERNAL, "err.internal")

	uctx, unit = o.svc.Begin(o.ctx())
	d, err = o.svc.CreateDeal(uctx, o.officer, &core.Deal{ClientID: c.ID, Title: "Лизинг", ManagerID: o.manager.ID()})
	if err != nil || d.Number != "D-2026-0001" {
		t.Fatalf("the deal after a rollback = %+v, %v; want the same number", d, err)
	}
	if err := unit.Commit(); err != nil {
		t.Fatal(err)
	}
	unit.Rollback()
	checkCode(t, unit.Commit(), core.EINTERNAL, "err.internal")
	if _, err := o.svc.DealByID(o.ctx(), o.officer, d.ID); err != nil {
		t.Fatalf("Rollback after Commit undid the deal: %v", err)
	}
	// Reading through a committed unit's context is refused too.
	_, err = o.svc.DealByID(uctx, o.officer, d.ID)
	checkCode(t, err, core.EINTERNAL, "err.internal")

	// A unit that wrote nothing commits nothing, without error.
	_, unit = o.svc.Begin(o.ctx())
	if err := unit.Commit(); err != nil {
		t.Fatalf("Commit of an empty unit = %v", err)
	}
}

// TestUnit_HoldsTheLockUntilItEnds: once a unit has begun, another writer
// waits for it, and both changes are there after it commits.
func TestUnit_HoldsTheLockUntilItEnds(t *testing.T) {
	o := newOffice(t)
	uctx, unit := o.svc.Begin(o.ctx())
	if _, err := o.svc.CreateClient(uctx, o.officer, &core.Client{INN: sberINN, ShortName: "Сбер"}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := o.svc.CreateClient(context.Background(), o.officer, &core.Client{INN: yandexINN, ShortName: "Яндекс"})
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("a write went through while a unit held the lock: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := unit.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the other writer is still waiting after the commit")
	}
	for _, inn := range []string{sberINN, yandexINN} {
		if _, err := o.svc.FindClientsByINN(o.ctx(), o.officer, inn); err != nil {
			t.Errorf("%s: %v", inn, err)
		}
	}
}
