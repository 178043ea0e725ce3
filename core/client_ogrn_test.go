package core_test

import (
	"context"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestCheckClientOGRN: the read a dialog asks at its OGRN step says what
// CreateClient would: another INN's OGRN is ECONFLICT, the card's own INN
// (a branch) and a new OGRN pass, and a role that cannot see clients may
// not ask.
func TestCheckClientOGRN(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	if _, err := o.svc.CreateClient(ctx, o.officer, &core.Client{INN: sberINN, KPP: sberKPP, OGRN: sberOGRN,
		ShortName: "ПАО Сбербанк"}); err != nil {
		t.Fatal(err)
	}
	err := o.svc.CheckClientOGRN(ctx, o.manager, yandexINN, sberOGRN)
	if core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("another INN's OGRN: %v, want ECONFLICT", err)
	}
	if key, args := core.ErrorKey(err); key != "err.client.ogrn_taken" || args["Name"] != "ПАО Сбербанк" {
		t.Errorf("error = %s %v", key, args)
	}
	for _, c := range []struct{ inn, ogrn string }{{sberINN, sberOGRN}, {yandexINN, yandexOGRN}, {yandexINN, ""}} {
		if err := o.svc.CheckClientOGRN(ctx, o.manager, c.inn, c.ogrn); err != nil {
			t.Errorf("CheckClientOGRN(%s, %s) = %v", c.inn, c.ogrn, err)
		}
	}
	if err := o.svc.CheckClientOGRN(ctx, core.Actor{}, yandexINN, sberOGRN); core.ErrorCode(err) == "" {
		t.Error("an anonymous actor may check OGRNs")
	}
}
