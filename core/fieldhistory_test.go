package core_test

import (
	"slices"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// lastOf returns the card's last audit record of a field.
func (o *office) lastOf(e core.Entity, id int64, field string) *core.Change {
	o.t.Helper()
	return change(o.t, o.changes(e, id), field)
}

func (o *office) fieldHistory(a core.Actor, ref, field string) *core.FieldHistory {
	o.t.Helper()
	fh, err := o.svc.FieldHistory(o.ctx(), a, ref, field)
	if err != nil {
		o.t.Fatalf("field history %s %s: %v", ref, field, err)
	}
	return fh
}

// TestRevertRestoresAndFieldHistory: a change rolled back puts the field
// back to its old value as a new correction whose audit record names the
// change it reverts; the field's history lists both, oldest first, with
// who, why and which correction, and marks what may be rolled back now
// (only for those who correct).
func TestRevertRestoresAndFieldHistory(t *testing.T) {
	o, c, _ := editOffice(t)
	o.mustApply(o.manager, o.mustPlan(o.manager, core.EntityClient, c.ID, "адрес", "г. Москва"))
	e := o.mustPlan(o.manager, core.EntityClient, c.ID, "адрес", "г. Москва, ул. Вавилова, д. 19")
	e.Reason = "переезд"
	o.mustApply(o.manager, e)
	moved := o.lastOf(core.EntityClient, c.ID, "address")

	checkCode(t, errOf(o.svc.RevertChange(o.ctx(), o.officer, moved.ID, "")), core.EINVALID, "err.fix.reason_required")
	checkCode(t, errOf(o.svc.RevertChange(o.ctx(), o.manager, moved.ID, "ошибка")), core.EFORBIDDEN, "err.forbidden")
	corr, err := o.svc.RevertChange(o.ctx(), o.officer, moved.ID, "переезд не состоялся")
	if err != nil {
		t.Fatal(err)
	}
	if corr.Status != core.CorrectionApplied || corr.Edit.Reverts != moved.ID {
		t.Fatalf("correction = %+v", corr)
	}
	if got := o.clientByID(c.ID).Address; got != "г. Москва" {
		t.Fatalf("address = %q", got)
	}
	back := o.lastOf(core.EntityClient, c.ID, "address")
	if back.Reverts != moved.ID || back.Correction != corr.ID || back.Old != "г. Москва, ул. Вавилова, д. 19" ||
		back.New != "г. Москва" || back.Reason != "переезд не состоялся" || back.ActorID != o.officer.ID() {
		t.Fatalf("revert audited %+v", back)
	}
	checkCode(t, errOf(o.svc.RevertChange(o.ctx(), o.officer, moved.ID, "ещё раз")), core.EINVALID, "err.fix.revert_nothing")

	fh := o.fieldHistory(o.officer, sberINN, "адрес")
	if fh.Field != core.FieldAddress || fh.Ref != sberINN || len(fh.Changes) != 3 {
		t.Fatalf("history = %+v", fh)
	}
	var ids []int64
	for _, fc := range fh.Changes {
		ids = append(ids, fc.ID)
	}
	if ids[1] != moved.ID || ids[2] != back.ID || fh.Changes[2].Reverts != moved.ID ||
		fh.Changes[1].Reason != "переезд" || fh.Labels[core.EntityUser][o.manager.ID()] != "Максим Менеджеров" {
		t.Fatalf("history %v: %+v", ids, fh.Changes)
	}
	// The first can be rolled back (the address cleared), the second has
	// been, the rollback itself can be.
	if got := []bool{fh.Changes[0].Revertible, fh.Changes[1].Revertible, fh.Changes[2].Revertible}; !slices.Equal(got, []bool{true, false, true}) {
		t.Fatalf("revertible = %v", got)
	}
	for _, fc := range o.fieldHistory(o.manager, sberINN, "address").Changes {
		if fc.Revertible {
			t.Fatal("a manager is offered a rollback")
		}
	}
}

// TestRevertRefusals: a deal's stage, a merge, a record's creation and a
// field that is not corrected are not rolled back, with their reasons.
func TestRevertRefusals(t *testing.T) {
	o, c, d := editOffice(t)
	if _, err := o.svc.MoveDeal(o.ctx(), o.officer, d.ID, core.StageNew, core.StageVerification, ""); err != nil {
		t.Fatal(err)
	}
	dup := o.client(yandexINN, yandexKPP, "Яндекс")
	if _, err := o.svc.MergeClients(o.ctx(), o.officer, c.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	created := o.changes(core.EntityClient, c.ID)[0]
	for _, tc := range []struct {
		ch  *core.Change
		key string
	}{
		{o.lastOf(core.EntityDeal, d.ID, "stage"), "err.fix.revert_stage"},
		{o.lastOf(core.EntityClient, c.ID, "merged"), "err.fix.revert_merge"},
		{created, "err.fix.revert_created"},
		{o.lastOf(core.EntityClient, dup.ID, "merged_into"), "err.fix.revert_merge"},
	} {
		_, err := o.svc.PlanRevert(o.ctx(), o.officer, tc.ch.ID)
		checkCode(t, err, core.EINVALID, tc.key)
	}
	_, err := o.svc.PlanRevert(o.ctx(), o.officer, 99999)
	checkCode(t, err, core.ENOTFOUND, "err.change.not_found")
}

// TestRevertAccountWaitsAndRestores: a bank account replaced by a
// correction is put back by its rollback, which, the field being
// sensitive, waits for approval; the account comes back with its bank's
// correspondent account; the field's history lists the replacement and
// the rollback that names it, each with its approver.
func TestRevertAccountWaitsAndRestores(t *testing.T) {
	o, c, _ := editOffice(t)
	old := core.BankAccount{BIK: sberBIK, BankName: "ПАО Сбербанк", CorrAccount: sberCorr, Account: sberAccount}
	o.setClient(c.ID, func(cl *core.Client) { cl.Accounts = []core.BankAccount{old} })
	e, err := o.svc.PlanCorrection(o.ctx(), o.officer, core.EditRequest{Entity: core.EntityClient, ID: c.ID,
		Field: "accounts", Op: core.EditChange, Value: sberBIK + " 40702810938000012345 к/с " + sberCorr})
	if err != nil {
		t.Fatal(err)
	}
	e.Reason = "новый счёт"
	corr, err := o.svc.Correct(o.ctx(), o.officer, e)
	if err != nil {
		t.Fatal(err)
	}
	o.mustApprove(o.head, corr.ID)
	replaced := o.lastOf(core.EntityClient, c.ID, "accounts")

	rb, err := o.svc.RevertChange(o.ctx(), o.officer, replaced.ID, "клиент передумал")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Status != core.CorrectionPending || o.clientByID(c.ID).Accounts[0].Account != "40702810938000012345" {
		t.Fatalf("a rollback of an account did not wait: %+v", rb)
	}
	o.mustApprove(o.lawyer, rb.ID)
	if got := o.clientByID(c.ID).Accounts; len(got) != 1 || got[0] != old {
		t.Fatalf("accounts = %+v, want %+v", got, old)
	}
	fh := o.fieldHistory(o.admin, sberINN, "счёт")
	if n := len(fh.Changes); n != 2 || fh.Changes[0].ID != replaced.ID || fh.Changes[1].Reverts != replaced.ID ||
		fh.Changes[0].ApprovedBy != o.head.ID() || fh.Changes[1].ApprovedBy != o.lawyer.ID() ||
		fh.Changes[1].Correction != rb.ID {
		t.Fatalf("history = %+v", fh.Changes)
	}
}

// TestRevertContacts: a contact added is removed by its rollback; one
// removed comes back whole from the audit's words.
func TestRevertContacts(t *testing.T) {
	o, c, _ := editOffice(t)
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityClient, c.ID, "контакт",
		"Иванов Иван; директор по закупкам, снабжение; +7 999 123-45-67; ivanov@example.ru"))
	added := o.lastOf(core.EntityClient, c.ID, "contacts")
	want := o.clientByID(c.ID).Contacts[0]
	rm, err := o.svc.PlanEdit(o.ctx(), o.officer, core.EditRequest{Entity: core.EntityClient, ID: c.ID,
		Field: "contacts", Op: core.EditRemove, Index: 0})
	if err != nil {
		t.Fatal(err)
	}
	o.mustApply(o.officer, rm)
	removed := o.lastOf(core.EntityClient, c.ID, "contacts")
	if _, err := o.svc.RevertChange(o.ctx(), o.officer, removed.ID, "удалили по ошибке"); err != nil {
		t.Fatal(err)
	}
	if got := o.clientByID(c.ID).Contacts; !slices.Equal(got, []core.Contact{want}) {
		t.Fatalf("contacts = %+v, want %+v", got, want)
	}
	if _, err := o.svc.RevertChange(o.ctx(), o.officer, added.ID, "не тот человек"); err != nil {
		t.Fatal(err)
	}
	if got := o.clientByID(c.ID).Contacts; len(got) != 0 {
		t.Fatalf("contacts = %+v", got)
	}
}

// TestFieldHistoryOfMergedDuplicate: a card's field history has the
// changes of the duplicates merged into it; a deal's has its own.
func TestFieldHistoryOfMergedDuplicate(t *testing.T) {
	o, c, d := editOffice(t)
	dup := o.client(yandexINN, yandexKPP, "Яндекс")
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityClient, dup.ID, "адрес", "г. Москва, ул. Льва Толстого, 16"))
	if _, err := o.svc.MergeClients(o.ctx(), o.officer, c.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	fh := o.fieldHistory(o.officer, sberINN, "адрес")
	if len(fh.Changes) != 1 || fh.Changes[0].EntityID != dup.ID || fh.Labels[core.EntityClient][dup.ID] == "" {
		t.Fatalf("history = %+v", fh.Changes)
	}
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityDeal, d.ID, "название", "Лизинг станков"))
	// The deal was created with its title: its first value, then the edit.
	if got := o.fieldHistory(o.officer, d.Number, "название"); got.Entity != core.EntityDeal || len(got.Changes) != 2 ||
		!got.Changes[0].Created || got.Changes[1].Created || got.Changes[1].New != "Лизинг станков" {
		t.Fatalf("deal history = %+v", got)
	}
	_, err := o.svc.FieldHistory(o.ctx(), o.officer, sberINN, "цвет")
	checkCode(t, err, core.EINVALID, "err.edit.field_unknown")
}

// TestParseAuditItems: the audit trail's words of an account and a
// contact read back into the item they were written from.
func TestParseAuditItems(t *testing.T) {
	for _, a := range []core.BankAccount{
		{BIK: sberBIK, Account: sberAccount},
		{BIK: sberBIK, BankName: "ПАО Сбербанк", Account: sberAccount},
		{BIK: sberBIK, BankName: "Банк «Альфа, Бета»", Account: sberAccount},
		{BIK: sberBIK, CorrAccount: sberCorr, Account: sberAccount},
		{BIK: sberBIK, BankName: "ПАО Сбербанк", CorrAccount: sberCorr, Account: sberAccount},
		{BIK: sberBIK, BankName: "Банк «Альфа, Бета»", CorrAccount: sberCorr, Account: sberAccount},
	} {
		if got := core.ParseAuditAccount(a.String()); got != a {
			t.Errorf("ParseAuditAccount(%q) = %+v, want %+v", a.String(), got, a)
		}
	}
	// The words of an account audited before the correspondent account was
	// part of them.
	for s, want := range map[string]core.BankAccount{
		sberAccount + " (" + sberBIK + ")":               {BIK: sberBIK, Account: sberAccount},
		sberAccount + " (ПАО Сбербанк, " + sberBIK + ")": {BIK: sberBIK, BankName: "ПАО Сбербанк", Account: sberAccount},
		sberAccount + " (Банк «Альфа, Бета», 044525593)": {BIK: "044525593", BankName: "Банк «Альфа, Бета»", Account: sberAccount},
	} {
		if got := core.ParseAuditAccount(s); got != want {
			t.Errorf("ParseAuditAccount(%q) = %+v, want %+v", s, got, want)
		}
	}
	for _, ct := range []core.Contact{
		{Name: "Иванов Иван"},
		{Name: "Иванов Иван", Phone: "+7 999 123-45-67"},
		{Name: "Иванов Иван", Email: "ivanov@example.ru"},
		{Name: "Иванов Иван", Position: "директор по закупкам, снабжение", Phone: "+7 999 123-45-67", Email: "i@example.ru"},
	} {
		if got := core.ParseAuditContact(ct.String()); got != ct {
			t.Errorf("ParseAuditContact(%q) = %+v, want %+v", ct.String(), got, ct)
		}
	}
}
