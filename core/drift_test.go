package core_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// flakyRegistry answers with its record, ENOTFOUND when it has none, or
// its error when set.
type flakyRegistry struct {
	rec *core.RegistryRecord
	err error
}

func (r *flakyRegistry) Name() string { return "flaky" }

func (r *flakyRegistry) Lookup(_ context.Context, inn, _ string) (*core.RegistryRecord, error) {
	switch {
	case r.err != nil:
		return nil, r.err
	case r.rec == nil || r.rec.INN != inn:
		return nil, core.Errorf(core.ENOTFOUND, core.ErrRegistryNotFound, "Source", "flaky", "INN", inn)
	}
	cp := *r.rec
	return &cp, nil
}

// driftOffice is a verified card of Sberbank led by the manager, a registry
// that agrees with it, and the officers' chat.
type driftOffice struct {
	*office
	reg  *flakyRegistry
	card *core.Client
}

func newDriftOffice(t *testing.T) *driftOffice {
	t.Helper()
	reg := &flakyRegistry{rec: &core.RegistryRecord{Source: "flaky", INN: sberINN, KPP: sberKPP, ShortName: "ПАО Сбербанк",
		Director: "Греф Герман Оскарович", Address: "Москва, Вавилова, 19", Status: core.StatusActive}}
	d := &driftOffice{office: newOffice(t, core.WithRegistries(reg), core.WithRegistryTTL(time.Nanosecond)), reg: reg}
	d.bind("-100", core.PurposeOfficers)
	var err error
	d.card, err = d.svc.CreateClient(d.ctx(), d.officer, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "ПАО Сбербанк",
		Director: "Греф Герман Оскарович", Address: "Москва, Вавилова, 19", ManagerID: d.manager.ID(),
		Verification: core.Verification{Status: core.Verified, At: officeStart, Source: "flaky", Company: core.StatusActive}})
	if err != nil {
		t.Fatal(err)
	}
	d.clock.Add(48 * time.Hour)
	return d
}

func (d *driftOffice) recheck() int {
	d.t.Helper()
	n, err := d.svc.RecheckClients(d.ctx(), d.clock.Now(), 24*time.Hour, 10, 0)
	if err != nil {
		d.t.Fatal(err)
	}
	return n
}

func (d *driftOffice) reload() *core.Client {
	d.t.Helper()
	c, err := d.svc.ClientByID(d.ctx(), d.officer, d.card.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// TestRecheck_NothingNew: a card the registry agrees with is marked
// checked, and nothing is written or said; it is not checked again until
// its time comes.
func TestRecheck_NothingNew(t *testing.T) {
	d := newDriftOffice(t)
	before := len(d.changes(core.EntityClient, d.card.ID))
	if n := d.recheck(); n != 1 {
		t.Fatalf("checked %d, want 1", n)
	}
	c := d.reload()
	if c.Drift != nil || !c.Verification.At.Equal(d.clock.Now()) {
		t.Fatalf("card = %+v", c)
	}
	if n := len(d.changes(core.EntityClient, d.card.ID)); n != before {
		t.Fatalf("%d changes written for nothing", n-before)
	}
	if ms := d.messages(); len(ms) != 0 {
		t.Fatalf("messages = %+v", ms)
	}
	if n := d.recheck(); n != 0 {
		t.Fatalf("checked again at once: %d", n)
	}
}

// TestRecheck_StatusTakesEffect: a counterparty struck off is blocked at
// once, before anyone accepts anything; the change is audited as the job's
// and both the manager and the officers are told.
func TestRecheck_StatusTakesEffect(t *testing.T) {
	d := newDriftOffice(t)
	d.reg.rec.Status = core.StatusLiquidated
	d.reg.rec.Risks = []core.RiskFlag{{Code: core.RiskLiquidation, Text: "ликвидировано"}}
	before := len(d.changes(core.EntityClient, d.card.ID))
	d.recheck()

	c := d.reload()
	if c.Verification.Company != core.StatusLiquidated || len(c.Verification.Risks) != 1 || c.Drift != nil {
		t.Fatalf("card = %+v", c)
	}
	cs := d.changes(core.EntityClient, d.card.ID)[before:]
	if len(cs) != 1 || cs[0].Field != "company_status" || cs[0].Old != "active" || cs[0].New != "liquidated" {
		t.Fatalf("changes = %+v", cs)
	}
	checkStamp(t, cs, core.Actor{Source: "job:registry-recheck"}, "registry_recheck")
	ms := withKey(d.due(), "notify.client.drift")
	var chats []string
	for _, m := range ms {
		chats = append(chats, m.ChatID)
		if m.Args["StatusChanged"] != true || len(m.Buttons) != 0 {
			t.Errorf("notice = %+v; want the status change without buttons", m)
		}
	}
	if !slices.Equal(chats, []string{"12", "-100"}) {
		t.Fatalf("told %v; want the manager and the officers", chats)
	}
	_, err := d.svc.CreateDeal(d.ctx(), d.manager, &core.Deal{ClientID: d.card.ID, Title: "После ликвидации"})
	checkCode(t, err, core.EFORBIDDEN, "err.deal.blocked")
}

// TestRecheck_Gone: a card no registry knows any more is marked checked and
// the officers are told; an unavailable registry pauses the run without an
// error and leaves the card due.
func TestRecheck_Gone(t *testing.T) {
	d := newDriftOffice(t)
	d.reg.err = core.Errorf(core.EUNAVAILABLE, core.ErrRegistryDown, "Source", "flaky")
	if n := d.recheck(); n != 0 {
		t.Fatalf("checked %d with the registry down", n)
	}
	if c := d.reload(); !c.Verification.At.Equal(officeStart) {
		t.Fatalf("a check that did not happen moved the check time: %+v", c.Verification)
	}

	d.reg.err, d.reg.rec = nil, nil
	if n := d.recheck(); n != 1 {
		t.Fatalf("checked %d, want 1", n)
	}
	if c := d.reload(); !c.Verification.At.Equal(d.clock.Now()) || c.Verification.Company != core.StatusActive {
		t.Fatalf("card = %+v", c.Verification)
	}
	ms := withKey(d.due(), "notify.client.gone")
	if len(ms) != 1 || ms[0].ChatID != "-100" || ms[0].Args["INN"] != sberINN {
		t.Fatalf("gone notices = %+v", ms)
	}
}

// TestAcceptDrift: the manager (or an officer) writes a pending registry
// change into the card, audited as "registry"; others may not; without a
// pending change there is nothing to accept.
func TestAcceptDrift(t *testing.T) {
	d := newDriftOffice(t)
	_, err := d.svc.AcceptDrift(d.ctx(), d.manager, d.card.ID)
	checkCode(t, err, core.ECONFLICT, "err.drift.none")

	d.reg.rec.Director = "Иванов Иван Иванович"
	d.recheck()
	if c := d.reload(); c.Drift == nil || c.Director != "Греф Герман Оскарович" {
		t.Fatalf("a drift was written into the card before it was accepted: %+v", c)
	}
	ms := withKey(d.due(), "notify.client.drift")
	if len(ms) != 1 || ms[0].ChatID != "12" || len(ms[0].Buttons) != 1 || len(ms[0].Buttons[0]) != 2 {
		t.Fatalf("drift notices = %+v; want the manager only, with two buttons", ms)
	}

	for _, a := range []core.Actor{d.manager2, d.lawyer} {
		_, err := d.svc.AcceptDrift(d.ctx(), a, d.card.ID)
		checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	}
	before := len(d.changes(core.EntityClient, d.card.ID))
	c, err := d.svc.AcceptDrift(d.ctx(), d.manager, d.card.ID)
	if err != nil || c.Director != "Иванов Иван Иванович" || c.Drift != nil {
		t.Fatalf("accepted = %+v, %v", c, err)
	}
	cs := d.changes(core.EntityClient, d.card.ID)[before:]
	if len(cs) != 1 || cs[0].Field != "director" || cs[0].New != "Иванов Иван Иванович" {
		t.Fatalf("changes = %+v", cs)
	}
	checkStamp(t, cs, d.manager, "registry")
	_, err = d.svc.AcceptDrift(d.ctx(), d.officer, d.card.ID)
	checkCode(t, err, core.ECONFLICT, "err.drift.none")
}

// TestDriftTask: a task to look into a pending change goes to the client's
// manager, due in three days, and the change stays pending; one who may
// not assign tasks gets it themself.
func TestDriftTask(t *testing.T) {
	d := newDriftOffice(t)
	d.reg.rec.Address = "Москва, Кутузовский, 32"
	d.recheck()

	task, err := d.svc.DriftTask(d.ctx(), d.officer, d.card.ID, "Проверить адрес")
	if err != nil || task.AssigneeID != d.manager.ID() || task.ClientID != d.card.ID || !task.Due.Equal(d.clock.Now().Add(72*time.Hour)) {
		t.Fatalf("task = %+v, %v", task, err)
	}
	if len(withKey(d.due(), "notify.task.assigned")) != 1 {
		t.Fatal("the manager was not told of the task")
	}
	task, err = d.svc.DriftTask(d.ctx(), d.manager2, d.card.ID, "Посмотрю сама")
	if err != nil || task.AssigneeID != d.manager2.ID() {
		t.Fatalf("colleague's task = %+v, %v", task, err)
	}
	if c := d.reload(); c.Drift == nil || c.Address != "Москва, Вавилова, 19" {
		t.Fatalf("card after the tasks = %+v", c)
	}
	_, err = d.svc.DriftTask(d.ctx(), d.officer, 999, "Нет карточки")
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
}
