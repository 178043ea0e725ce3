package core_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestMergeClients_Refused: only those who verify cards merge them; a card
// is not merged with itself, with a card that does not exist, or when
// either card is merged already; nothing moves then.
func TestMergeClients_Refused(t *testing.T) {
	o := newOffice(t)
	a := o.client(sberINN, sberKPP, "Сбер")
	b := o.client(yandexINN, "", "Сбер (дубль)")
	c := o.client(alfaINN, "", "Сбер (ещё дубль)")
	d := o.deal(o.manager, b.ID, "Лизинг", o.manager)

	for _, actor := range []core.Actor{o.manager, o.lawyer, o.underwriter, disabled(o.officer)} {
		_, err := o.svc.MergeClients(o.ctx(), actor, a.ID, b.ID, "")
		checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	}
	_, err := o.svc.MergeClients(o.ctx(), o.officer, a.ID, a.ID, "")
	checkCode(t, err, core.EINVALID, "err.merge.same")
	_, err = o.svc.MergeClients(o.ctx(), o.officer, a.ID, 999, "")
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
	_, err = o.svc.MergeClients(o.ctx(), o.officer, 999, b.ID, "")
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")

	if got, _ := o.svc.DealByID(o.ctx(), o.officer, d.ID); got.ClientID != b.ID {
		t.Fatalf("a refused merge moved the deal to %d", got.ClientID)
	}

	if _, err := o.svc.MergeClients(o.ctx(), o.head, a.ID, c.ID, ""); err != nil {
		t.Fatalf("a head merging: %v", err)
	}
	_, err = o.svc.MergeClients(o.ctx(), o.officer, c.ID, b.ID, "")
	checkCode(t, err, core.ECONFLICT, "err.merge.merged")
	_, err = o.svc.MergeClients(o.ctx(), o.officer, b.ID, c.ID, "")
	checkCode(t, err, core.ECONFLICT, "err.merge.merged")
}

// TestMergeClients_MovesAndAudits: the duplicate's deals (with their tasks)
// and its own tasks move to the survivor, its accounts not yet there and
// its contacts join the survivor's, and its manager leads the survivor when
// it had none; every move is audited with the reason, and both cards record
// the merge.
func TestMergeClients_MovesAndAudits(t *testing.T) {
	o := newOffice(t)
	survivor, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "Сбер",
		Accounts: []core.BankAccount{{BIK: "044525225", Account: "40702810938000000001"}}})
	if err != nil {
		t.Fatal(err)
	}
	dup, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: yandexINN, ShortName: "Сбер (дубль)", ManagerID: o.manager2.ID(),
		Accounts: []core.BankAccount{{BIK: "044525225", Account: "40702810938000000001"}, {BIK: "044525225", Account: "40702810938000000002"}},
		Contacts: []core.Contact{{Name: "Иван", Phone: "+79990000000"}}})
	if err != nil {
		t.Fatal(err)
	}
	d := o.deal(o.manager2, dup.ID, "Лизинг", o.manager2)
	onDeal, _ := o.svc.CreateTask(o.ctx(), o.manager2, &core.Task{Title: "По сделке", DealID: d.ID})
	onClient, _ := o.svc.CreateTask(o.ctx(), o.manager2, &core.Task{Title: "По клиенту", ClientID: dup.ID})
	survivorBefore := len(o.changes(core.EntityClient, survivor.ID))
	dupBefore := len(o.changes(core.EntityClient, dup.ID))

	got, err := o.svc.MergeClients(o.ctx(), o.officer, survivor.ID, dup.ID, "  ")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Accounts) != 2 || got.Accounts[1].Account != "40702810938000000002" || len(got.Contacts) != 1 ||
		got.ManagerID != o.manager2.ID() || got.MergedInto != 0 {
		t.Fatalf("survivor = %+v", got)
	}
	old, _ := o.svc.ClientByID(o.ctx(), o.officer, dup.ID)
	if old.MergedInto != survivor.ID || old.ShortName != "Сбер (дубль)" {
		t.Fatalf("duplicate = %+v; want it kept, marked merged", old)
	}
	for _, id := range []int64{onDeal.ID, onClient.ID} {
		if tk, _ := o.svc.TaskByID(o.ctx(), o.officer, id); tk.ClientID != survivor.ID {
			t.Errorf("task %d stays with client %d", id, tk.ClientID)
		}
	}
	if dd, _ := o.svc.DealByID(o.ctx(), o.officer, d.ID); dd.ClientID != survivor.ID || dd.Number != d.Number {
		t.Fatalf("deal = %+v", dd)
	}

	cs := o.changes(core.EntityClient, survivor.ID)[survivorBefore:]
	if want := []string{"accounts", "contacts", "manager_id", "merged"}; !slices.Equal(fields(cs), want) {
		t.Fatalf("survivor audited = %v, want %v", fields(cs), want)
	}
	checkStamp(t, cs, o.officer, "duplicate")
	if ch := change(t, cs, "merged"); ch.New != strconv.FormatInt(dup.ID, 10) {
		t.Errorf("merged change = %+v", ch)
	}
	cs = o.changes(core.EntityClient, dup.ID)[dupBefore:]
	if len(cs) != 1 || cs[0].Field != "merged_into" || cs[0].New != strconv.FormatInt(survivor.ID, 10) {
		t.Fatalf("duplicate audited = %+v", cs)
	}
	checkStamp(t, cs, o.officer, "duplicate")
	for _, x := range []struct {
		e  core.Entity
		id int64
	}{{core.EntityDeal, d.ID}, {core.EntityTask, onDeal.ID}, {core.EntityTask, onClient.ID}} {
		ch := change(t, o.changes(x.e, x.id), "client_id")
		if ch.Old != strconv.FormatInt(dup.ID, 10) || ch.New != strconv.FormatInt(survivor.ID, 10) ||
			ch.Reason != "duplicate" || ch.ActorID != o.officer.ID() {
			t.Errorf("%s %d: client_id change = %+v", x.e, x.id, ch)
		}
	}

	// The survivor's history now holds the deal, from its creation on.
	h, err := o.svc.FindHistory(o.ctx(), o.officer, sberINN)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Labels[core.EntityDeal][d.ID]; !ok {
		t.Fatalf("the moved deal is not in the survivor's history: %v", h.Labels)
	}

	// A survivor with a manager keeps them.
	third := o.managedClient(alfaINN, "", "Альфа", o.manager)
	kept := o.managedClient(soleINN, "", "ИП Петров", o.manager2)
	if got, err := o.svc.MergeClients(o.ctx(), o.officer, third.ID, kept.ID, "один клиент"); err != nil || got.ManagerID != o.manager.ID() {
		t.Fatalf("survivor with a manager = %+v, %v", got, err)
	}
}

// TestRefOf: the fields that hold ids refer to cards and deals; a merge
// recorded as "name #id" before the id alone was kept refers to that card.
func TestRefOf(t *testing.T) {
	for _, tc := range []struct {
		field, value string
		e            core.Entity
		id           int64
		ok           bool
	}{
		{"client_id", "7", core.EntityClient, 7, true},
		{"merged_into", "3", core.EntityClient, 3, true},
		{"merged", "5", core.EntityClient, 5, true},
		{"merged", "Сбер (дубль) #12", core.EntityClient, 12, true},
		{"deal_id", "4", core.EntityDeal, 4, true},
		{"client_id", "0", "", 0, false},
		{"client_id", "", "", 0, false},
		{"client_id", "Сбер #2", "", 0, false},
		{"amount", "100", "", 0, false},
	} {
		e, id, ok := core.RefOf(tc.field, tc.value)
		if e != tc.e || id != tc.id || ok != tc.ok {
			t.Errorf("RefOf(%q, %q) = %q, %d, %v; want %q, %d, %v", tc.field, tc.value, e, id, ok, tc.e, tc.id, tc.ok)
		}
	}
}

// A deal refused on a merged card names both cards and the INN of the one
// that stays, not their ids alone (review of issue 8).
func TestDealOnMergedCardNamesTheCards(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	keep := w.card(t)
	dup, err := w.svc.CreateClient(ctx, w.officer, &core.Client{INN: "7736207543", KPP: "773601001", ShortName: "ООО «Сбер-2»"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.MergeClients(ctx, w.officer, keep.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.CreateDeal(ctx, w.officer, &core.Deal{ClientID: dup.ID, ManagerID: w.manager.ID, Title: "Лизинг",
		Amount: 100})
	key, args := core.ErrorKey(err)
	if key != "err.client.merged" || args["IntoName"] != keep.Name() || args["IntoINN"] != keep.INN || args["Card"] == nil {
		t.Fatalf("err = %v %v, want the cards named", key, args)
	}
}
