package core_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// fixedRegistry answers with one record it can change.
type fixedRegistry struct{ rec *core.RegistryRecord }

func (r *fixedRegistry) Name() string { return "fixed" }

func (r *fixedRegistry) Lookup(_ context.Context, inn, _ string) (*core.RegistryRecord, error) {
	if r.rec == nil || r.rec.INN != inn {
		return nil, core.Errorf(core.ENOTFOUND, core.ErrRegistryNotFound, "Source", "fixed", "INN", inn)
	}
	cp := *r.rec
	return &cp, nil
}

type world struct {
	db      *bolt.DB
	svc     *core.Service
	officer core.Actor
	manager *core.User
	reg     *fixedRegistry
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := &fixedRegistry{rec: &core.RegistryRecord{Source: "fixed", INN: "7707083893", KPP: "773601001",
		ShortName: "ПАО Сбербанк", Director: "Греф Герман Оскарович", Address: "Москва, Вавилова, 19", Status: core.StatusActive}}
	svc := core.NewService(db, core.WithRegistries(reg), core.WithRegistryTTL(time.Nanosecond), core.WithPlatforms("telegram"))
	ctx := context.Background()
	if err := svc.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:1", Name: "Ольга"}}); err != nil {
		t.Fatal(err)
	}
	officer, _ := svc.Authenticate(ctx, "telegram:1")
	a := core.Actor{User: officer}
	inv, _ := svc.CreateInvite(ctx, a, core.RoleManager)
	m, err := svc.RedeemInvite(ctx, core.Registration{Identity: "telegram:2", Name: "Максим", Code: inv.Code})
	if err != nil {
		t.Fatal(err)
	}
	return &world{db: db, svc: svc, officer: a, manager: m, reg: reg}
}

func (w *world) card(t *testing.T) *core.Client {
	t.Helper()
	ctx := context.Background()
	in, err := w.svc.CreateIntake(ctx, core.Actor{User: w.manager}, core.Requisites{INN: "7707083893", KPP: "773601001",
		ShortName: "ПАО Сбербанк"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.VerifyIntake(ctx, w.officer, in.ID); err != nil {
		t.Fatal(err)
	}
	_, c, err := w.svc.ApplyIntake(ctx, w.officer, in.ID, "", false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMergeMovesEverythingAndKeepsHistory(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	survivor := w.card(t)
	dup, err := w.svc.CreateClient(ctx, w.officer, &core.Client{INN: "7736207543", ShortName: "ООО «Сбер» (дубль)",
		Accounts: []core.BankAccount{{BIK: "044525225", Account: "40702810938000012345"}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := w.svc.CreateDeal(ctx, w.officer, &core.Deal{ClientID: dup.ID, Title: "Лизинг", ManagerID: w.manager.ID})
	if err != nil {
		t.Fatal(err)
	}
	task, err := w.svc.CreateTask(ctx, w.officer, &core.Task{Title: "Позвонить", ClientID: dup.ID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.svc.MergeClients(ctx, w.officer, survivor.ID, dup.ID, "один и тот же клиент")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Accounts) != 1 {
		t.Fatalf("accounts = %+v", got.Accounts)
	}
	if d2, _ := w.svc.DealByID(ctx, w.officer, d.ID); d2.ClientID != survivor.ID {
		t.Fatalf("deal client = %d", d2.ClientID)
	}
	if t2, _ := w.svc.TaskByID(ctx, w.officer, task.ID); t2.ClientID != survivor.ID {
		t.Fatalf("task client = %d", t2.ClientID)
	}
	if old, _ := w.svc.ClientByID(ctx, w.officer, dup.ID); old.MergedInto != survivor.ID {
		t.Fatalf("duplicate = %+v", old)
	}
	h, err := w.svc.FindHistory(ctx, w.officer, "7707083893")
	if err != nil {
		t.Fatal(err)
	}
	merged := false
	for _, c := range h.Changes {
		merged = merged || (c.Field == "merged" && c.Reason == "один и тот же клиент")
	}
	if !merged {
		t.Fatalf("the merge is not in the survivor's history: %+v", h.Changes)
	}
	if _, err := w.svc.MergeClients(ctx, w.officer, survivor.ID, dup.ID, ""); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("merging again: %v", err)
	}
}

func TestRecheckFindsDriftAndTellsTheManager(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.card(t)
	w.reg.rec.Director = "Иванов Иван Иванович"
	n, err := w.svc.RecheckClients(ctx, time.Now().Add(48*time.Hour), 24*time.Hour, 10, 0)
	if err != nil || n != 1 {
		t.Fatalf("RecheckClients = %d, %v", n, err)
	}
	got, _ := w.svc.ClientByID(ctx, w.officer, c.ID)
	if got.Drift == nil || got.Director != "Греф Герман Оскарович" || len(got.Drift.Diffs) != 1 || got.Drift.Diffs[0].Field != "director" {
		t.Fatalf("drift = %+v", got.Drift)
	}
	var notices []*core.OutboxMessage
	_ = w.db.View(ctx, func(tx core.Tx) (err error) {
		notices, err = tx.DueMessages(core.OutboxQuery{Platform: "telegram", Now: time.Now().Add(time.Hour), Limit: 100})
		return err
	})
	found := false
	for _, m := range notices {
		found = found || (m.Key == "notify.client.drift" && m.ChatID == "2" && len(m.Buttons) == 1)
	}
	if !found {
		t.Fatalf("the manager was not told: %+v", notices)
	}
	got, err = w.svc.AcceptDrift(ctx, core.Actor{User: w.manager}, c.ID)
	if err != nil || got.Director != "Иванов Иван Иванович" || got.Drift != nil {
		t.Fatalf("accept = %+v, %v", got, err)
	}
}

// countingRegistry answers a partial record and counts the calls.
type countingRegistry struct{ calls int }

func (r *countingRegistry) Name() string { return "fnsapi" }

func (r *countingRegistry) Lookup(_ context.Context, inn, kpp string) (*core.RegistryRecord, error) {
	r.calls++
	return &core.RegistryRecord{Source: "fnsapi", INN: inn, KPP: kpp, ShortName: "ПАО Сбербанк",
		Status: core.StatusActive, Partial: true}, nil
}

func TestPartialAnswerIsIncompleteAndNotCached(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reg := &countingRegistry{}
	svc := core.NewService(db, core.WithRegistries(reg))
	for range 2 {
		rep, err := svc.VerifyRequisites(context.Background(), core.Actor{}, core.Requisites{INN: "7707083893"}, 0)
		if err != nil || !rep.Incomplete() || rep.Failures[0].Key != core.ErrRegistryPartial {
			t.Fatalf("report = %+v, %v", rep, err)
		}
	}
	if reg.calls != 2 {
		t.Fatalf("registry called %d times; a partial answer must not be cached", reg.calls)
	}
}

// An intake of a bare INN makes a verified card when the registry supplies
// the KPP: a requisite the registry filled is no problem of the card.
func TestIntakeOfBareINNMakesAVerifiedCard(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in, err := w.svc.CreateIntake(ctx, core.Actor{User: w.manager}, core.Requisites{INN: "7707083893"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.VerifyIntake(ctx, w.officer, in.ID); err != nil {
		t.Fatal(err)
	}
	_, c, err := w.svc.ApplyIntake(ctx, w.officer, in.ID, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if c.KPP != "773601001" || c.Verification.Status != core.Verified || len(c.Verification.Problems) > 0 {
		t.Fatalf("card KPP %q, verification %s %v; want the registry's KPP and verified without problems",
			c.KPP, c.Verification.Status, c.Verification.Problems)
	}
}

// intakeOf makes an intake of the requisites by the manager, verifies it
// and applies it; the intake must be applied.
func (w *world) intakeOf(t *testing.T, r core.Requisites) *core.Client {
	t.Helper()
	ctx := context.Background()
	in, err := w.svc.CreateIntake(ctx, core.Actor{User: w.manager}, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.VerifyIntake(ctx, w.officer, in.ID); err != nil {
		t.Fatal(err)
	}
	_, c, err := w.svc.ApplyIntake(ctx, w.officer, in.ID, "", false)
	if err != nil {
		t.Fatalf("the intake of %+v is not applied: %v", r, err)
	}
	return c
}

// contactChanges are the card's audited contact changes, «old → new».
func (w *world) contactChanges(t *testing.T, inn string) []string {
	t.Helper()
	h, err := w.svc.FindHistory(context.Background(), w.officer, inn)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range h.Changes {
		if c.Field == "contacts" {
			out = append(out, c.Old+" → "+c.New)
		}
	}
	return out
}

// The phone and e-mail of a pasted company card become a contact on the
// card, named after its director with the registry's post, normalized and
// audited; the same intake again adds no second contact.
func TestIntakeSavesThePhoneAndEmailAsAContact(t *testing.T) {
	w := newWorld(t)
	w.reg.rec.DirectorPost = "Президент, председатель правления"
	given := core.Requisites{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк",
		Phone: "8 (495) 500-55-50", Email: "Info@Sberbank.RU"}
	c := w.intakeOf(t, given)
	want := core.Contact{Name: "Греф Герман Оскарович", Position: "президент, председатель правления",
		Phone: "+7 495 500-55-50", Email: "info@sberbank.ru"}
	if len(c.Contacts) != 1 || c.Contacts[0] != want {
		t.Fatalf("contacts = %+v, want %+v", c.Contacts, want)
	}
	line := " → Греф Герман Оскарович, президент, председатель правления, +7 495 500-55-50, info@sberbank.ru"
	if got := w.contactChanges(t, c.INN); len(got) != 1 || got[0] != line {
		t.Fatalf("audited %q, want %q", got, line)
	}

	// Again, with the phone written another way: nothing new.
	given.Phone, given.Email = "+7 495 500 55 50", "info@sberbank.ru"
	c = w.intakeOf(t, given)
	if len(c.Contacts) != 1 || c.Contacts[0] != want {
		t.Fatalf("after the same intake again, contacts = %+v", c.Contacts)
	}
	if got := w.contactChanges(t, c.INN); len(got) != 1 {
		t.Fatalf("audited %q after the same intake again", got)
	}
}

// A phone or e-mail that does not read is not saved, and the intake is
// applied all the same; what does read is saved.
func TestIntakeLeavesOutABadPhoneOrEmail(t *testing.T) {
	w := newWorld(t)
	c := w.intakeOf(t, core.Requisites{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк",
		Phone: "12345", Email: "info@sberbank"})
	if len(c.Contacts) != 0 || c.Verification.Status != core.Verified || c.Director != "Греф Герман Оскарович" {
		t.Fatalf("card = %+v", c)
	}
	c = w.intakeOf(t, core.Requisites{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк",
		Phone: "12345", Email: "info@sberbank.ru"})
	want := []core.Contact{{Name: "Греф Герман Оскарович", Email: "info@sberbank.ru"}}
	if !slices.Equal(c.Contacts, want) {
		t.Fatalf("contacts = %+v, want %+v", c.Contacts, want)
	}
}

// A card with no director gets the contact under the company's name; of a
// card's several phones the first that reads is taken; a contact with the
// given e-mail takes the phone it lacks instead of a second contact being
// made, also on a card the registry could not confirm (only its empty
// fields are filled).
func TestIntakeContactWithoutDirector(t *testing.T) {
	w := newWorld(t)
	w.reg.rec.Director = ""
	c := w.intakeOf(t, core.Requisites{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк",
		Email: "info@sberbank.ru"})
	want := []core.Contact{{Name: "ПАО Сбербанк", Email: "info@sberbank.ru"}}
	if !slices.Equal(c.Contacts, want) {
		t.Fatalf("contacts = %+v, want %+v", c.Contacts, want)
	}

	w.reg.rec = nil // the registry no longer knows the INN: the card is filled only where empty
	c = w.intakeOf(t, core.Requisites{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк",
		Phone: "доб. 1, +7 495 500-55-50; 8 800 555-35-35", Email: "INFO@sberbank.ru"})
	want[0].Phone = "+7 495 500-55-50"
	if !slices.Equal(c.Contacts, want) {
		t.Fatalf("contacts = %+v, want %+v", c.Contacts, want)
	}
	got := w.contactChanges(t, c.INN)
	if len(got) != 2 || got[1] != "ПАО Сбербанк, info@sberbank.ru → ПАО Сбербанк, +7 495 500-55-50, info@sberbank.ru" {
		t.Fatalf("audited %q", got)
	}

	// A new e-mail with the phone the contact has: a contact of its own.
	c = w.intakeOf(t, core.Requisites{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк",
		Phone: "+7 495 500-55-50", Email: "sales@sberbank.ru"})
	want = append(want, core.Contact{Name: "ПАО Сбербанк", Email: "sales@sberbank.ru"})
	if !slices.Equal(c.Contacts, want) {
		t.Fatalf("contacts = %+v, want %+v", c.Contacts, want)
	}
}
