package core_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestCutEditField reads field names of up to three words in both
// languages, and keeps the value as typed.
func TestCutEditField(t *testing.T) {
	for _, tc := range []struct {
		e                 core.Entity
		text, field, rest string
	}{
		{core.EntityDeal, "сумма 2 000 000", core.FieldAmount, "2 000 000"},
		{core.EntityDeal, "Сумма: 2 000 000", core.FieldAmount, "2 000 000"},
		{core.EntityDeal, "срок подписания 15.12.2026", core.FieldSigningDue, "15.12.2026"},
		{core.EntityDeal, "signing due tomorrow", core.FieldSigningDue, "tomorrow"},
		{core.EntityDeal, "окончание договора -", core.FieldContractEnd, "-"},
		{core.EntityDeal, "payment_due +5", core.FieldPaymentDue, "+5"},
		{core.EntityDeal, "менеджер", core.FieldManager, ""},
		{core.EntityClient, "полное наименование ООО «Ромашка»", core.FieldFullName, "ООО «Ромашка»"},
		{core.EntityClient, "short name Romashka", core.FieldShortName, "Romashka"},
		{core.EntityClient, "контакт Иванов;\n+7 999 123-45-67", core.FieldContacts, "Иванов;\n+7 999 123-45-67"},
		{core.EntityClient, "Счёт 044525225 40702810938000000001", core.FieldAccounts, "044525225 40702810938000000001"},
		{core.EntityClient, "руководитель Петров", core.FieldDirector, "Петров"},
	} {
		f, rest, err := core.CutEditField(tc.e, tc.text)
		if err != nil || f != tc.field || rest != tc.rest {
			t.Errorf("CutEditField(%s, %q) = %q, %q, %v; want %q, %q", tc.e, tc.text, f, rest, err, tc.field, tc.rest)
		}
	}
	_, _, err := core.CutEditField(core.EntityClient, "огрн 1027700132195")
	checkCode(t, err, core.EINVALID, "err.edit.identity")
	_, _, err = core.CutEditField(core.EntityDeal, "цвет зелёный")
	checkCode(t, err, core.EINVALID, "err.edit.field_unknown")
}

// TestApplyEdit_ManagerNotifications: a deal handed over by an officer is
// told to the new manager (with a button to open it) and to the one who led
// it; a manager handing over their own deal is not told of it themselves.
// Only people who may be given deals take them.
func TestApplyEdit_ManagerNotifications(t *testing.T) {
	o, _, d := editOffice(t)
	sent := len(o.messages())
	e := o.mustPlan(o.officer, core.EntityDeal, d.ID, "менеджер", "Марина")
	e.Reason = "отпуск"
	o.mustApply(o.officer, e)
	ms := o.messages()[sent:]
	newOne, oldOne := withKey(ms, "notify.edit.deal_manager_new"), withKey(ms, "notify.edit.deal_manager_old")
	if len(ms) != 2 || len(newOne) != 1 || len(oldOne) != 1 {
		t.Fatalf("notes = %+v", ms)
	}
	if newOne[0].ChatID != "13" || newOne[0].Args["Reason"] != "отпуск" || newOne[0].Args["Number"] != d.Number ||
		len(newOne[0].Buttons) != 1 || oldOne[0].ChatID != "12" || oldOne[0].Args["Manager"] != "Марина Продажина" {
		t.Fatalf("new %+v, old %+v", newOne[0], oldOne[0])
	}

	// Marina hands it to the head herself: only the head is told.
	sent = len(o.messages())
	o.mustApply(o.manager2, o.mustPlan(o.manager2, core.EntityDeal, d.ID, "manager", "Глеб"))
	ms = o.messages()[sent:]
	if len(ms) != 1 || ms[0].Key != "notify.edit.deal_manager_new" || ms[0].ChatID != "16" {
		t.Fatalf("notes = %+v", ms)
	}
	// She no longer sees it.
	_, err := o.plan(o.manager2, core.EntityDeal, d.ID, "title", "Моя")
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")

	// A manager deactivated between the plan and the write is refused.
	e = o.mustPlan(o.officer, core.EntityDeal, d.ID, "manager", "Максим")
	o.update(func(tx core.Tx) error {
		u, err := tx.UserByID(o.manager.ID())
		if err != nil {
			return err
		}
		u.Active = false
		return tx.UpdateUser(u)
	})
	checkCode(t, errOf(o.svc.ApplyEdit(o.ctx(), o.officer, e)), core.EINVALID, "err.edit.manager_invalid")
}

// TestApplyEdit_DealManagerTold: another field of a deal edited by someone
// else is told to its manager with the values; their own edits are not.
func TestApplyEdit_DealManagerTold(t *testing.T) {
	o, _, d := editOffice(t)
	sent := len(o.messages())
	o.mustApply(o.manager, o.mustPlan(o.manager, core.EntityDeal, d.ID, "title", "Лизинг станков"))
	if ms := o.messages()[sent:]; len(ms) != 0 {
		t.Fatalf("the manager's own edit told: %+v", ms)
	}
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityDeal, d.ID, "payment", "20.12.2026"))
	ms := o.messages()[sent:]
	if len(ms) != 1 || ms[0].Key != "notify.edit.deal" || ms[0].ChatID != "12" || ms[0].Args["Kind"] != "date" ||
		ms[0].Args["Field"] != "deal.payment_due" {
		t.Fatalf("notes = %+v", ms)
	}
}

// TestApplyEdit_ClientManager: a card's responsible manager is changed by
// an officer (both managers told), but a manager may not take over a
// colleague's card; they may take one that is nobody's.
func TestApplyEdit_ClientManager(t *testing.T) {
	o, c, _ := editOffice(t)
	_, err := o.plan(o.manager2, core.EntityClient, c.ID, "manager", "Марина")
	checkCode(t, err, core.EFORBIDDEN, "err.edit.client_not_yours") // a colleague's card: no field of it

	sent := len(o.messages())
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityClient, c.ID, "manager", "-"))
	if ms := o.messages()[sent:]; len(ms) != 1 || ms[0].Key != "notify.edit.client_manager_old" || ms[0].ChatID != "12" {
		t.Fatalf("notes = %+v", ms)
	}
	o.mustApply(o.manager2, o.mustPlan(o.manager2, core.EntityClient, c.ID, "manager", "Марина"))
	if got := o.clientByID(c.ID).ManagerID; got != o.manager2.ID() {
		t.Fatalf("manager = %d", got)
	}
	sent = len(o.messages())
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityClient, c.ID, "address", "г. Москва"))
	if ms := o.messages()[sent:]; len(ms) != 1 || ms[0].Key != "notify.edit.client" || ms[0].ChatID != "13" {
		t.Fatalf("notes = %+v", ms)
	}
}

// FuzzCutEditField: a field is one of the editable ones and the value is
// the end of the text.
func FuzzCutEditField(f *testing.F) {
	for _, s := range []string{"сумма 2 000 000", "срок подписания: 15.12.2026", "short name Romashka", "инн 1",
		"контакт Иванов;\n+7", "", "   ", "amount"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, deal bool) {
		e := core.EntityClient
		if deal {
			e = core.EntityDeal
		}
		field, rest, err := core.CutEditField(e, s)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("CutEditField(%q): %v", s, err)
			}
			return
		}
		if !slices.Contains(core.EditFields[e], field) || !strings.HasSuffix(strings.TrimSpace(s), rest) {
			t.Fatalf("CutEditField(%q) = %q, %q", s, field, rest)
		}
	})
}
