package core_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestPlanEdit_DeadlineWords (review of issue 8): a deal's date is edited
// with the forms the new deal's date steps read, in either language.
func TestPlanEdit_DeadlineWords(t *testing.T) {
	o, _, d := editOffice(t)
	msk := core.Location("")
	// The office opens on Saturday 28.11.2026.
	for _, tc := range []struct {
		field, value, lang string
		want               time.Time
		defaulted          bool
	}{
		{"срок подписания", "через 3 дня", "ru", time.Date(2026, 12, 1, 18, 0, 0, 0, msk), true},
		{"подписание", "до пятницы", "ru", time.Date(2026, 12, 4, 18, 0, 0, 0, msk), true},
		{"оплата", "в пятницу в 12:00", "ru", time.Date(2026, 12, 4, 12, 0, 0, 0, msk), false},
		{"окончание", "через неделю", "ru", time.Date(2026, 12, 5, 18, 0, 0, 0, msk), true},
		{"signing", "by Friday", "en", time.Date(2026, 12, 4, 18, 0, 0, 0, msk), true},
		{"payment due", "in 3 days", "en", time.Date(2026, 12, 1, 18, 0, 0, 0, msk), true},
		{"подписание", "15.12.2026 12:00", "ru", time.Date(2026, 12, 15, 12, 0, 0, 0, msk), false},
	} {
		e, err := o.svc.PlanEdit(o.ctx(), o.manager, core.EditRequest{Entity: core.EntityDeal, ID: d.ID,
			Field: tc.field, Value: tc.value, Lang: tc.lang})
		if err != nil {
			t.Errorf("%s %q: %v", tc.field, tc.value, err)
			continue
		}
		if e.New != tc.want.UTC().Format(time.RFC3339) || e.Defaulted != tc.defaulted {
			t.Errorf("%s %q = %s (default %v), want %v (default %v)", tc.field, tc.value, e.New, e.Defaulted,
				tc.want, tc.defaulted)
		}
	}
	if _, err := o.plan(o.manager, core.EntityDeal, d.ID, "подписание", "до 31.02"); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("a wrong date: %v", err)
	}
}

// TestQuoteName: a name is put in «» unless it has quotes of its own.
func TestQuoteName(t *testing.T) {
	for in, want := range map[string]string{"Ромашка": "«Ромашка»", "ООО «Ромашка»": "ООО «Ромашка»",
		`ООО "Ромашка"`: `ООО "Ромашка"`, "ООО “Ромашка”": "ООО “Ромашка”", " ПАО Сбербанк ": "«ПАО Сбербанк»", "": ""} {
		if got := core.QuoteName(in); got != want {
			t.Errorf("QuoteName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPlanEdit_MergedNamesTheCards (review of issue 8): an edit of a merged
// card is refused naming both cards and the INN of the one that stays.
func TestPlanEdit_MergedNamesTheCards(t *testing.T) {
	o, c, _ := editOffice(t)
	dup := o.client(yandexINN, yandexKPP, "ООО «Яндекс»")
	if _, err := o.svc.MergeClients(o.ctx(), o.officer, c.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	_, err := o.plan(o.officer, core.EntityClient, dup.ID, "адрес", "г. Москва")
	key, args := core.ErrorKey(err)
	if core.ErrorCode(err) != core.ECONFLICT || key != "err.client.merged" || args["Card"] != "ООО «Яндекс»" ||
		args["IntoCard"] != "«ПАО Сбербанк»" || args["IntoINN"] != sberINN || args["Into"] != c.ID {
		t.Fatalf("edit of a merged card: %v %v", err, args)
	}
}

// TestPlanEdit_ColleaguesCard (review of issue 8): a manager edits no field
// of a card another manager leads (refused naming that manager), only
// their own cards and those nobody leads; officers and admins edit any
// card; a card handed to a colleague after the plan is refused at saving.
func TestPlanEdit_ColleaguesCard(t *testing.T) {
	o, c, _ := editOffice(t) // led by o.manager
	for _, f := range []struct{ field, value string }{{"адрес", "г. Москва"}, {"директор", "Петров П. П."},
		{"контакт", "Петров Пётр; главбух"}, {"счёт", sberBIK + " " + sberAccount}, {"полное", "ПАО «Сбербанк России»"},
		{"менеджер", "Марина"}} {
		_, err := o.plan(o.manager2, core.EntityClient, c.ID, f.field, f.value)
		checkCode(t, err, core.EFORBIDDEN, "err.edit.client_not_yours")
		if _, args := core.ErrorKey(err); args["Manager"] != "Максим Менеджеров" || args["INN"] != sberINN {
			t.Errorf("%s: the refusal does not name the manager: %v", f.field, args)
		}
		for _, a := range []core.Actor{o.manager, o.officer, o.admin} {
			if _, err := o.plan(a, core.EntityClient, c.ID, f.field, f.value); err != nil {
				t.Errorf("%s by %s: %v", f.field, a.User.Name, err)
			}
		}
	}
	if err := o.svc.CheckEditClient(o.ctx(), o.manager2, c.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("CheckEditClient of a colleague's card: %v", err)
	}
	for _, a := range []core.Actor{o.manager, o.officer, o.admin} {
		if err := o.svc.CheckEditClient(o.ctx(), a, c.ID); err != nil {
			t.Errorf("CheckEditClient by %s: %v", a.User.Name, err)
		}
	}
	if err := o.svc.CheckEditClient(o.ctx(), o.head, c.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("a head edits cards: %v", err)
	}

	// Nobody's card: any manager.
	free := o.client(yandexINN, yandexKPP, "ООО «Яндекс»")
	o.mustApply(o.manager2, o.mustPlan(o.manager2, core.EntityClient, free.ID, "адрес", "г. Москва"))

	// Planned by its manager, handed to a colleague, then saved: refused.
	e := o.mustPlan(o.manager, core.EntityClient, c.ID, "адрес", "г. Москва, ул. Вавилова, д. 19")
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityClient, c.ID, "менеджер", "Марина"))
	checkCode(t, errOf(o.svc.ApplyEdit(o.ctx(), o.manager, e)), core.EFORBIDDEN, "err.edit.client_not_yours")
	if got := o.clientByID(c.ID).Address; got != "" {
		t.Fatalf("address = %q", got)
	}
}
