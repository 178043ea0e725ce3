package core_test

import (
	"reflect"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestLabelArgs: an edit's label is read into the parts a text quotes in
// its own language: a deal's number stays outside the quotes, a name with
// quotes of its own is not quoted again, and a label stored with «» before
// labels were kept unquoted reads as a new one does.
func TestLabelArgs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		entity core.Entity
		label  string
		number string
		text   string
		quote  bool
	}{
		{"a card", core.EntityClient, "ПАО Сбербанк, 7707083893", "", "ПАО Сбербанк, 7707083893", true},
		{"a card stored quoted", core.EntityClient, "«ПАО Сбербанк, 7707083893»", "", "ПАО Сбербанк, 7707083893", true},
		{"a card with quotes of its own", core.EntityClient, "ООО «Ромашка», 7701234567", "", "ООО «Ромашка», 7701234567", false},
		{"a card named in quotes alone", core.EntityClient, "«Ромашка» и партнёры, 7701234567", "", "«Ромашка» и партнёры, 7701234567", false},
		{"a deal", core.EntityDeal, "D-2026-0001 Кредит", "D-2026-0001", "Кредит", true},
		{"a deal stored quoted", core.EntityDeal, "D-2026-0001 «Кредит»", "D-2026-0001", "Кредит", true},
		{"a deal's title in quotes of its own", core.EntityDeal, "D-2026-0001 Кредит «Весна»", "D-2026-0001", "Кредит «Весна»", false},
		{"a deal's title of several words", core.EntityDeal, "D-2026-0001 Лизинг станков", "D-2026-0001", "Лизинг станков", true},
	} {
		got := core.LabelArgs(tc.entity, tc.label)
		want := map[string]any{"Label": tc.text, "LabelNumber": tc.number, "Quote": tc.quote}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: LabelArgs(%q) = %v, want %v", tc.name, tc.label, got, want)
		}
	}
}

// TestLabelsStoredUnquoted: the label of an edit, a correction and a
// rollback names the record without quotes, and so does the note the
// correction leaves in its request's thread, even for a correction stored
// with a quoted label before.
func TestLabelsStoredUnquoted(t *testing.T) {
	o, c, d := editOffice(t)
	e, err := o.plan(o.officer, core.EntityDeal, d.ID, "название", "Лизинг станков")
	if err != nil || e.Label != "D-2026-0001 Лизинг" {
		t.Fatalf("edit's label = %q, %v", e.Label, err)
	}
	fix, err := o.planFix(o.officer, core.EntityClient, c.ID, "адрес", "г. Москва")
	if err != nil || fix.Label != "ПАО Сбербанк, "+sberINN {
		t.Fatalf("correction's label = %q, %v", fix.Label, err)
	}
	r := o.fixRequest(o.underwriter, c.ID, "Адрес")
	fix.Reason, fix.RequestID = "выписка", r.ID
	applied, err := o.svc.Correct(o.ctx(), o.officer, fix)
	if err != nil {
		t.Fatal(err)
	}
	back, err := o.svc.PlanRevert(o.ctx(), o.officer, applied.Changes[0])
	if err != nil || back.Label != "ПАО Сбербанк, "+sberINN {
		t.Fatalf("rollback's label = %q, %v", back.Label, err)
	}
	old, err := o.planFix(o.officer, core.EntityClient, c.ID, "адрес", "г. Москва, ул. Вавилова")
	if err != nil {
		t.Fatal(err)
	}
	old.Label, old.Reason, old.RequestID = "«ПАО Сбербанк, "+sberINN+"»", "уточнение", r.ID
	if _, err := o.svc.Correct(o.ctx(), o.officer, old); err != nil {
		t.Fatal(err)
	}
	msgs := o.requestByID(r.ID).Messages
	if len(msgs) != 2 || msgs[0].Text != "ПАО Сбербанк, "+sberINN || msgs[1].Text != "ПАО Сбербанк, "+sberINN {
		t.Fatalf("request's thread = %+v", msgs)
	}
}
