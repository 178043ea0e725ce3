package core_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Bank details that pass every check: Sberbank's BIK, correspondent
// account and a settlement account with the right key.
const (
	sberBIK     = "044525225"
	sberCorr    = "30101810400000000225"
	sberAccount = "40702810938000000001"
)

// editOffice is an office with a card led by the manager (Sber) and a deal
// on it for 1 500 000 ₽.
func editOffice(t *testing.T) (*office, *core.Client, *core.Deal) {
	t.Helper()
	o := newOffice(t)
	c := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	d, err := o.svc.CreateDeal(o.ctx(), o.officer, &core.Deal{ClientID: c.ID, Title: "Лизинг", Amount: 1_500_000_00,
		ManagerID: o.manager.ID()})
	if err != nil {
		t.Fatal(err)
	}
	return o, c, d
}

func (o *office) plan(a core.Actor, e core.Entity, id int64, field, value string) (*core.Edit, error) {
	return o.svc.PlanEdit(o.ctx(), a, core.EditRequest{Entity: e, ID: id, Field: field, Value: value, Lang: "ru"})
}

func (o *office) mustPlan(a core.Actor, e core.Entity, id int64, field, value string) *core.Edit {
	o.t.Helper()
	ed, err := o.plan(a, e, id, field, value)
	if err != nil {
		o.t.Fatalf("plan %s %s = %q: %v", e, field, value, err)
	}
	return ed
}

func (o *office) setStage(id int64, st core.Stage) {
	o.t.Helper()
	o.update(func(tx core.Tx) error {
		d, err := tx.DealByID(id)
		if err != nil {
			return err
		}
		d.Stage = st
		return tx.UpdateDeal(d)
	})
}

// TestPlanEdit_DealFields: each deal field is read in the user's form and
// checked by its rule; the plan gives old → new as the audit trail keeps
// them and writes nothing.
func TestPlanEdit_DealFields(t *testing.T) {
	o, _, d := editOffice(t)
	msk := core.Location("")
	for _, tc := range []struct {
		field, value string
		lang         string
		old, new     string
		defaulted    bool
	}{
		{"title", "  Лизинг   станков ", "ru", "Лизинг", "Лизинг станков", false},
		{"сумма", "2 000 000", "ru", "150000000", "200000000", false},
		{"amount", "2,000,000.50", "en", "150000000", "200000050", false},
		{"подписание", "15.12.2026", "ru", "", time.Date(2026, 12, 15, 18, 0, 0, 0, msk).UTC().Format(time.RFC3339), true},
		{"срок оплаты", "15.01.2027 12:30", "ru", "", time.Date(2027, 1, 15, 12, 30, 0, 0, msk).UTC().Format(time.RFC3339), false},
		{"окончание договора", "31.12.2027", "ru", "", time.Date(2027, 12, 31, 18, 0, 0, 0, msk).UTC().Format(time.RFC3339), true},
		{"менеджер", "Марина", "ru", itoa(o.manager.ID()), itoa(o.manager2.ID()), false},
		{"manager", "id:" + itoa(o.head.ID()), "en", itoa(o.manager.ID()), itoa(o.head.ID()), false},
	} {
		e, err := o.svc.PlanEdit(o.ctx(), o.officer, core.EditRequest{Entity: core.EntityDeal, ID: d.ID,
			Field: tc.field, Value: tc.value, Lang: tc.lang})
		if err != nil {
			t.Errorf("%s %q: %v", tc.field, tc.value, err)
			continue
		}
		if e.Old != tc.old || e.New != tc.new || e.Defaulted != tc.defaulted || e.Op != core.EditSet ||
			e.Label != d.Number+" Лизинг" {
			t.Errorf("%s %q: plan = %+v, want %q → %q (default time %v)", tc.field, tc.value, e, tc.old, tc.new, tc.defaulted)
		}
	}
	if got := o.changes(core.EntityDeal, d.ID); len(got) != 6 {
		t.Errorf("planning wrote %d changes", len(got)-6)
	}
}

// TestPlanEdit_DealRules: a wrong value of each field is refused with its
// rule.
func TestPlanEdit_DealRules(t *testing.T) {
	o, _, d := editOffice(t)
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityDeal, d.ID, "подписание", "15.12.2026"))
	for _, tc := range []struct{ field, value, key string }{
		{"title", "   ", "err.title.required"},
		{"title", strings.Repeat("я", core.MaxTitleLen+1), "err.title.too_long"},
		{"amount", "0", "err.amount.zero"},
		{"amount", "-100", "err.amount.negative"},
		{"amount", "полтора миллиона", "err.amount.format"},
		{"amount", "1.234", "err.amount.ambiguous"},
		{"amount", "1 500 000", "err.edit.same"},
		{"signing", "31.02.2027", "err.date.format"},
		{"signing", "01.11.2026", "err.date.past"},
		{"end", "01.12.2026", "err.deal.contract_end_before_signing"},
		{"manager", "Лев", "err.edit.manager_unknown"},
		{"manager", "М", "err.edit.manager_ambiguous"},
		{"manager", "id:" + itoa(o.lawyer.ID()), "err.edit.manager_invalid"},
		{"manager", "id:" + itoa(o.admin.ID()), "err.edit.manager_invalid"},
		{"manager", "-", "err.deal.manager_required"},
		{"стадия", "действует", "err.edit.stage"},
		{"number", "D-2026-0100", "err.edit.number"},
		{"цвет", "зелёный", "err.edit.field_unknown"},
	} {
		_, err := o.plan(o.officer, core.EntityDeal, d.ID, tc.field, tc.value)
		if key, _ := core.ErrorKey(err); core.ErrorCode(err) != core.EINVALID || key != tc.key {
			t.Errorf("%s %q: err = %v, want EINVALID %s", tc.field, tc.value, err, tc.key)
		}
	}
	// «-» clears an optional date.
	if e := o.mustPlan(o.officer, core.EntityDeal, d.ID, "подписание", "-"); e.New != "" || e.Old == "" {
		t.Errorf("clearing the signing date: %+v", e)
	}
}

// TestPlanEdit_ClientFields: a card's text fields, manager, contacts and
// accounts; the INN, KPP and OGRN are refused with the rule that says why.
func TestPlanEdit_ClientFields(t *testing.T) {
	o, c, _ := editOffice(t)
	for _, tc := range []struct{ field, value, old, new string }{
		{"краткое название", "Сбербанк", "ПАО Сбербанк", "Сбербанк"},
		{"full name", "ПАО «Сбербанк России»", "", "ПАО «Сбербанк России»"},
		{"адрес", "г. Москва,\nул. Вавилова, д. 19", "", "г. Москва, ул. Вавилова, д. 19"},
		{"director", "Греф Г. О.", "", "Греф Г. О."},
		{"менеджер", "-", itoa(o.manager.ID()), "0"},
		{"менеджер", "Марина Продажина", itoa(o.manager.ID()), itoa(o.manager2.ID())},
		{"контакт", "Иванов Иван; директор по закупкам; 8 (999) 123 45 67; Ivanov@Example.RU", "",
			"Иванов Иван, директор по закупкам, +7 999 123-45-67, ivanov@example.ru"},
		{"счёт", "БИК 044525225 р/с 4070 2810 9380 0000 0001 ПАО Сбербанк", "",
			sberAccount + " (ПАО Сбербанк, " + sberBIK + ")"},
	} {
		e, err := o.plan(o.officer, core.EntityClient, c.ID, tc.field, tc.value)
		if err != nil {
			t.Errorf("%s %q: %v", tc.field, tc.value, err)
			continue
		}
		if e.Old != tc.old || e.New != tc.new || e.NeedsReason {
			t.Errorf("%s %q: plan = %+v, want %q → %q", tc.field, tc.value, e, tc.old, tc.new)
		}
	}
	for _, tc := range []struct{ field, value, key string }{
		{"ИНН", sberINN, "err.edit.identity"},
		{"kpp", "773601002", "err.edit.identity"},
		{"ОГРН", sberOGRN, "err.edit.identity"},
		{"сумма", "100", "err.edit.field_unknown"},
		{"название", "  ", "err.client.name_required"},
		{"краткое", "-", "err.client.name_required"}, // no full name to fall back on
		{"название", strings.Repeat("я", core.MaxNameLen+1), "err.client.name_too_long"},
		{"адрес", strings.Repeat("я", core.MaxAddressLen+1), "err.client.address_too_long"},
		{"контакт", "; директор; +7 999 123-45-67", "err.contact.name_required"},
		{"контакт", "Иванов; +7 999 12", "err.contact.phone"},
		{"контакт", "Иванов; ivanov@", "err.contact.email"},
		{"счёт", "044525225 40702810938000000002", "err.account.problem"},
		{"счёт", "40702810938000000001", "err.account.problem"},
		{"счёт", "044525225", "err.account.problem"},
		{"менеджер", "id:" + itoa(o.underwriter.ID()), "err.edit.manager_invalid"},
	} {
		_, err := o.plan(o.officer, core.EntityClient, c.ID, tc.field, tc.value)
		if key, _ := core.ErrorKey(err); core.ErrorCode(err) != core.EINVALID || key != tc.key {
			t.Errorf("%s %q: err = %v, want EINVALID %s", tc.field, tc.value, err, tc.key)
		}
	}
	// The account problem names the field and what is wrong with it.
	_, err := o.plan(o.officer, core.EntityClient, c.ID, "счёт", "044525225 40702810938000000002")
	if _, args := core.ErrorKey(err); args["Field"] != "account" || args["Code"] != "checksum" {
		t.Errorf("wrong key: %v", args)
	}
}

// TestEditReasonRules: a reason is needed for a deal's amount and dates from
// «согласование» on, and for a registry-confirmed card field that has a
// value; elsewhere it is not, but for a change that waits for a second
// approval (a deal's amount it has, at any stage): an approver decides on
// its reason.
func TestEditReasonRules(t *testing.T) {
	o, c, d := editOffice(t)
	needs := func(e core.Entity, id int64, field, value string) bool {
		t.Helper()
		return o.mustPlan(o.officer, e, id, field, value).NeedsReason
	}
	if needs(core.EntityDeal, d.ID, "signing", "15.12.2026") {
		t.Error("a new deal's date needs a reason")
	}
	if !needs(core.EntityDeal, d.ID, "amount", "2 000 000") {
		t.Error("a new deal's amount, which waits for approval, needs no reason")
	}
	o.setStage(d.ID, core.StageDocuments)
	if needs(core.EntityDeal, d.ID, "payment", "15.12.2026") {
		t.Error("a date needs a reason at «документы»")
	}
	for _, st := range []core.Stage{core.StageApproval, core.StageSigning, core.StageActive} {
		o.setStage(d.ID, st)
		for _, f := range []string{"amount", "signing", "payment", "end"} {
			value := "15.12.2026"
			if f == "amount" {
				value = "2 000 000"
			}
			if !needs(core.EntityDeal, d.ID, f, value) {
				t.Errorf("%s at %s: no reason needed", f, st)
			}
		}
		if needs(core.EntityDeal, d.ID, "title", "Лизинг станков") || needs(core.EntityDeal, d.ID, "manager", "Марина") {
			t.Errorf("title or manager at %s needs a reason", st)
		}
	}

	if needs(core.EntityClient, c.ID, "address", "г. Москва") {
		t.Error("an unverified card's address needs a reason")
	}
	o.update(func(tx core.Tx) error {
		cl, err := tx.ClientByID(c.ID)
		if err != nil {
			return err
		}
		cl.Verification = core.Verification{Status: core.Verified, Source: "dadata", At: officeStart}
		cl.Address = "г Москва, ул Вавилова, д 19"
		return tx.UpdateClient(cl)
	})
	for _, f := range []string{"short name", "address"} {
		if !needs(core.EntityClient, c.ID, f, "Новое значение") {
			t.Errorf("registry-confirmed %s: no reason needed", f)
		}
	}
	// The registry gave no director and no full name: filling them in
	// contradicts nothing. Contacts and accounts are not the registry's.
	for _, tc := range []struct{ field, value string }{{"director", "Греф Г. О."}, {"full name", "ПАО Сбербанк России"},
		{"contact", "Иванов Иван"}, {"account", sberBIK + " " + sberAccount}} {
		if needs(core.EntityClient, c.ID, tc.field, tc.value) {
			t.Errorf("%s needs a reason", tc.field)
		}
	}
}

func (o *office) mustApply(a core.Actor, e *core.Edit) {
	o.t.Helper()
	corr, err := o.svc.ApplyEdit(o.ctx(), a, e)
	if err != nil {
		o.t.Fatalf("apply %+v: %v", e, err)
	}
	if corr != nil {
		o.t.Fatalf("apply %+v: waits for approval as correction #%d", e, corr.ID)
	}
}

// TestApplyEdit_AuditAndReason: an edit is written with its reason, actor
// and source, the old and new values as the plan showed them; a needed
// reason that is missing writes nothing.
func TestApplyEdit_AuditAndReason(t *testing.T) {
	o, _, d := editOffice(t)
	o.setStage(d.ID, core.StageApproval)
	before := len(o.changes(core.EntityDeal, d.ID))
	e := o.mustPlan(o.officer, core.EntityDeal, d.ID, "сумма", "2 000 000")
	_, err := o.svc.ApplyEdit(o.ctx(), o.officer, e)
	checkCode(t, err, core.EINVALID, "err.edit.reason_required")
	e.Reason = strings.Repeat("я", core.MaxReasonLen+1)
	checkCode(t, errOf(o.svc.ApplyEdit(o.ctx(), o.officer, e)), core.EINVALID, "err.edit.reason_too_long")
	if got := len(o.changes(core.EntityDeal, d.ID)); got != before {
		t.Fatalf("a refused edit wrote %d changes", got-before)
	}

	// A deal's amount is sensitive: the edit waits for a head's approval,
	// then is written as the officer's, with their reason.
	e.Reason = "  допсоглашение №2 "
	corr := o.mustPropose(o.officer, e)
	if got := len(o.changes(core.EntityDeal, d.ID)); got != before {
		t.Fatalf("an edit waiting for approval wrote %d changes", got-before)
	}
	o.mustApprove(o.head, corr.ID)
	cs := o.changes(core.EntityDeal, d.ID)[before:]
	checkStamp(t, cs, core.Actor{User: o.officer.User, Source: o.head.Source}, "допсоглашение №2")
	if len(cs) != 1 || cs[0].Field != "amount" || cs[0].Old != "150000000" || cs[0].New != "200000000" ||
		cs[0].Correction != corr.ID {
		t.Fatalf("audited %+v", cs)
	}
	got, err := o.svc.DealByID(o.ctx(), o.officer, d.ID)
	if err != nil || got.Amount != 2_000_000_00 {
		t.Fatalf("deal = %+v, %v", got, err)
	}
}

// TestApplyEdit_Stale: an edit planned before someone else changed the
// field is refused as a conflict and writes nothing; so is one planned
// before the deal reached «согласование» without a reason, and one on a
// deal closed since.
func TestApplyEdit_Stale(t *testing.T) {
	o, c, d := editOffice(t)
	mine := o.mustPlan(o.manager, core.EntityDeal, d.ID, "payment", "20.12.2026")
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityDeal, d.ID, "payment", "18.12.2026"))
	before := len(o.changes(core.EntityDeal, d.ID))
	checkCode(t, errOf(o.svc.ApplyEdit(o.ctx(), o.manager, mine)), core.ECONFLICT, "err.edit.stale")

	title := o.mustPlan(o.manager, core.EntityDeal, d.ID, "title", "Лизинг станков")
	date := o.mustPlan(o.manager, core.EntityDeal, d.ID, "signing", "15.12.2026")
	o.setStage(d.ID, core.StageApproval)
	checkCode(t, errOf(o.svc.ApplyEdit(o.ctx(), o.manager, date)), core.EINVALID, "err.edit.reason_required")
	o.setStage(d.ID, core.StageClosedWon)
	checkCode(t, errOf(o.svc.ApplyEdit(o.ctx(), o.manager, title)), core.ECONFLICT, "err.deal.closed")
	_, err := o.plan(o.manager, core.EntityDeal, d.ID, "title", "Лизинг станков")
	checkCode(t, err, core.ECONFLICT, "err.deal.closed")
	if got := len(o.changes(core.EntityDeal, d.ID)); got != before {
		t.Fatalf("refused edits wrote %d changes", got-before)
	}

	// A contact changed or removed by someone else meanwhile.
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityClient, c.ID, "контакт", "Иванов Иван; +7 999 123-45-67"))
	rm, err := o.svc.PlanEdit(o.ctx(), o.officer, core.EditRequest{Entity: core.EntityClient, ID: c.ID,
		Field: "contacts", Op: core.EditRemove, Index: 0})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := o.svc.PlanEdit(o.ctx(), o.manager, core.EditRequest{Entity: core.EntityClient, ID: c.ID,
		Field: "contacts", Op: core.EditChange, Index: 0, Value: "+7 912 000-00-00"})
	if err != nil {
		t.Fatal(err)
	}
	o.mustApply(o.manager, ch)
	checkCode(t, errOf(o.svc.ApplyEdit(o.ctx(), o.officer, rm)), core.ECONFLICT, "err.edit.stale")
	if got := o.clientByID(c.ID).Contacts; len(got) != 1 || got[0].Phone != "+7 912 000-00-00" || got[0].Name != "Иванов Иван" {
		t.Fatalf("contacts = %+v", got)
	}
}

func (o *office) clientByID(id int64) *core.Client {
	o.t.Helper()
	c, err := o.svc.ClientByID(o.ctx(), o.admin, id)
	if err != nil {
		o.t.Fatal(err)
	}
	return c
}

// TestApplyEdit_Contacts: contacts are added, changed (only the parts typed)
// and removed; each is one audit row with the contact readable, not a Go
// struct; EmailContact finds the one with an e-mail.
func TestApplyEdit_Contacts(t *testing.T) {
	o, c, _ := editOffice(t)
	before := len(o.changes(core.EntityClient, c.ID))
	add := func(value string) {
		t.Helper()
		e := o.mustPlan(o.officer, core.EntityClient, c.ID, "contact", value)
		if e.Op != core.EditAdd {
			t.Fatalf("op = %s", e.Op)
		}
		o.mustApply(o.officer, e)
	}
	add("Петров Пётр, бухгалтер, +7 495 500-55-50")
	if o.clientByID(c.ID).EmailContact() != nil {
		t.Fatal("a contact without an e-mail is the e-mail contact")
	}
	add("Иванов Иван; директор по закупкам; 8 (999) 123 45 67; ivanov@example.ru")
	_, err := o.plan(o.officer, core.EntityClient, c.ID, "contact", "Иванов Иван; директор по закупкам; +79991234567; ivanov@EXAMPLE.ru")
	checkCode(t, err, core.EINVALID, "err.edit.item_exists")
	if ec := o.clientByID(c.ID).EmailContact(); ec == nil || ec.Name != "Иванов Иван" {
		t.Fatalf("EmailContact = %+v", ec)
	}
	ch, err := o.svc.PlanEdit(o.ctx(), o.officer, core.EditRequest{Entity: core.EntityClient, ID: c.ID,
		Field: "contacts", Op: core.EditChange, Index: 1, Value: "e-mail: i.ivanov@example.ru"})
	if err != nil {
		t.Fatal(err)
	}
	o.mustApply(o.officer, ch)
	rm, err := o.svc.PlanEdit(o.ctx(), o.officer, core.EditRequest{Entity: core.EntityClient, ID: c.ID,
		Field: "contacts", Op: core.EditRemove, Index: 0})
	if err != nil {
		t.Fatal(err)
	}
	rm.Reason = "уволился"
	o.mustApply(o.officer, rm)

	want := []core.Contact{{Name: "Иванов Иван", Position: "директор по закупкам", Phone: "+7 999 123-45-67",
		Email: "i.ivanov@example.ru"}}
	if got := o.clientByID(c.ID).Contacts; !slices.Equal(got, want) {
		t.Fatalf("contacts = %+v, want %+v", got, want)
	}
	cs := o.changes(core.EntityClient, c.ID)[before:]
	ivanov := "Иванов Иван, директор по закупкам, +7 999 123-45-67, ivanov@example.ru"
	rows := [][3]string{
		{"", "Петров Пётр, бухгалтер, +7 495 500-55-50", ""},
		{"", ivanov, ""},
		{ivanov, strings.Replace(ivanov, "ivanov@", "i.ivanov@", 1), ""},
		{"Петров Пётр, бухгалтер, +7 495 500-55-50", "", "уволился"},
	}
	if len(cs) != len(rows) {
		t.Fatalf("audited %d rows: %+v", len(cs), cs)
	}
	for i, r := range rows {
		if cs[i].Field != "contacts" || cs[i].Old != r[0] || cs[i].New != r[1] || cs[i].Reason != r[2] {
			t.Errorf("row %d = %s %q → %q (%q), want %q → %q (%q)", i, cs[i].Field, cs[i].Old, cs[i].New, cs[i].Reason,
				r[0], r[1], r[2])
		}
	}
}

// TestApplyEdit_Accounts: an account is added with its checks and is one
// readable audit row; the same account twice is refused; one is removed.
func TestApplyEdit_Accounts(t *testing.T) {
	o, c, _ := editOffice(t)
	before := len(o.changes(core.EntityClient, c.ID))
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityClient, c.ID, "account",
		sberAccount+" "+sberBIK+" к/с "+sberCorr))
	_, err := o.plan(o.officer, core.EntityClient, c.ID, "account", sberBIK+" "+sberAccount+" к/с "+sberCorr)
	checkCode(t, err, core.EINVALID, "err.edit.account_exists")
	got := o.clientByID(c.ID).Accounts
	if len(got) != 1 || got[0] != (core.BankAccount{BIK: sberBIK, CorrAccount: sberCorr, Account: sberAccount}) {
		t.Fatalf("accounts = %+v", got)
	}
	rm, err := o.svc.PlanEdit(o.ctx(), o.officer, core.EditRequest{Entity: core.EntityClient, ID: c.ID,
		Field: "accounts", Op: core.EditRemove})
	if err != nil {
		t.Fatal(err)
	}
	// Bank details the card has are sensitive: removing them waits for a
	// head's approval, with a reason.
	rm.Reason = "счёт закрыт"
	o.mustApprove(o.head, o.mustPropose(o.officer, rm).ID)
	cs := o.changes(core.EntityClient, c.ID)[before:]
	line := sberAccount + " (" + sberBIK + ", " + sberCorr + ")"
	if len(cs) != 2 || cs[0].Old != "" || cs[0].New != line || cs[1].Old != line || cs[1].New != "" {
		t.Fatalf("audited %+v", cs)
	}
}

// TestEditPermissions: deal edits need PermEditDeals and a deal the actor
// sees; card edits PermEditClients; a merged card is not edited.
func TestEditPermissions(t *testing.T) {
	o, c, d := editOffice(t)
	_, err := o.plan(o.lawyer, core.EntityDeal, d.ID, "amount", "2 000 000")
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	_, err = o.plan(o.manager2, core.EntityDeal, d.ID, "amount", "2 000 000")
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
	_, err = o.plan(o.head, core.EntityClient, c.ID, "address", "г. Москва")
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	if _, err := o.plan(o.head, core.EntityDeal, d.ID, "amount", "2 000 000"); err != nil {
		t.Fatalf("a head edits deals: %v", err)
	}
	e := o.mustPlan(o.officer, core.EntityDeal, d.ID, "amount", "2 000 000")
	checkCode(t, errOf(o.svc.ApplyEdit(o.ctx(), o.underwriter, e)), core.EFORBIDDEN, "err.forbidden")

	dup := o.client(yandexINN, yandexKPP, "Яндекс")
	if _, err := o.svc.MergeClients(o.ctx(), o.officer, c.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	_, err = o.plan(o.officer, core.EntityClient, dup.ID, "address", "г. Москва")
	checkCode(t, err, core.ECONFLICT, "err.client.merged")
}

// TestApplyEdit_OneTransaction: inside a unit the edit, its audit and its
// notifications are written together, and rolled back together.
func TestApplyEdit_OneTransaction(t *testing.T) {
	o, _, d := editOffice(t)
	changes, sent := len(o.changes(core.EntityDeal, d.ID)), len(o.messages())
	e := o.mustPlan(o.officer, core.EntityDeal, d.ID, "title", "Лизинг станков")
	uctx, unit := o.svc.Begin(context.Background())
	if _, err := o.svc.ApplyEdit(uctx, o.officer, e); err != nil {
		t.Fatal(err)
	}
	unit.Rollback()
	if got, err := o.svc.DealByID(o.ctx(), o.officer, d.ID); err != nil || got.Title != d.Title ||
		len(o.changes(core.EntityDeal, d.ID)) != changes || len(o.messages()) != sent {
		t.Fatalf("rolled back edit left: %+v, %v", got, err)
	}
	o.mustApply(o.officer, e)
	if len(o.changes(core.EntityDeal, d.ID)) != changes+1 || len(o.messages()) != sent+1 {
		t.Fatal("the edit wrote no change or no notification")
	}
}

// TestClientListsAudited: a card's contacts and accounts changed in any
// way (a merge moves several) are audited item by item, readably.
func TestClientListsAudited(t *testing.T) {
	o, c, _ := editOffice(t)
	before := len(o.changes(core.EntityClient, c.ID))
	_, err := o.svc.UpdateClient(o.ctx(), o.officer, c.ID, "тест", func(cl *core.Client) error {
		cl.Contacts = []core.Contact{{Name: "А"}, {Name: "Б", Phone: "+7 999 000-00-00"}}
		cl.Accounts = []core.BankAccount{{BIK: sberBIK, BankName: "ПАО Сбербанк", Account: sberAccount}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range o.changes(core.EntityClient, c.ID)[before:] {
		got = append(got, ch.Field+": "+ch.Old+" → "+ch.New)
	}
	want := []string{"accounts:  → " + sberAccount + " (ПАО Сбербанк, " + sberBIK + ")", "contacts:  → А",
		"contacts:  → Б, +7 999 000-00-00"}
	if !slices.Equal(got, want) {
		t.Fatalf("audited %q, want %q", got, want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestApplyEdit_AccountCompleted: the account a card has, typed again with
// its bank's details, completes that account instead of being refused (a
// document's check asks for the bank and the correspondent account).
func TestApplyEdit_AccountCompleted(t *testing.T) {
	o, c, _ := editOffice(t)
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityClient, c.ID, "account", sberAccount+" "+sberBIK))
	e := o.mustPlan(o.officer, core.EntityClient, c.ID, "account", sberBIK+" "+sberAccount+" к/с "+sberCorr+" ПАО Сбербанк")
	if e.Op != core.EditChange || e.Old == "" {
		t.Fatalf("plan = %+v, want a change of the account", e)
	}
	e.Reason = "реквизиты банка из письма"
	o.mustApprove(o.head, o.mustPropose(o.officer, e).ID)
	got := o.clientByID(c.ID).Accounts
	if len(got) != 1 || got[0].CorrAccount != sberCorr || got[0].BankName != "ПАО Сбербанк" {
		t.Fatalf("accounts = %+v", got)
	}
}
