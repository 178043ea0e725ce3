package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestCreateDeal_ContractEndBeforeSigning: a contract cannot end before it
// is due to be signed; the same day, or either date unset, is fine.
func TestCreateDeal_ContractEndBeforeSigning(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "Сбер")
	signing := officeStart.Add(10 * 24 * time.Hour)
	_, err := o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{ClientID: c.ID, Title: "Лизинг", Amount: 100_00,
		SigningDue: signing, ContractEnd: signing.Add(-24 * time.Hour)})
	checkCode(t, err, core.EINVALID, "err.deal.contract_end_before_signing")
	for _, end := range []time.Time{signing, signing.AddDate(1, 0, 0)} {
		if _, err := o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{ClientID: c.ID, Title: "Лизинг", Amount: 100_00,
			SigningDue: signing, ContractEnd: end}); err != nil {
			t.Fatalf("contract end %v: %v", end, err)
		}
	}
	if err := core.ValidateContractEnd(time.Time{}, signing); err != nil {
		t.Fatalf("no signing date: %v", err)
	}
}

// TestCreateDeal_TooLarge: an amount beyond MaxAmount is refused, naming it.
func TestCreateDeal_TooLarge(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "Сбер")
	_, err := o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{ClientID: c.ID, Title: "Много", Amount: core.MaxAmount + 1})
	checkCode(t, err, core.EINVALID, "err.amount.too_large")
}

// TestClientNameLimit: a client's name has a limit in characters, and the
// refusal names it; the limit itself passes.
func TestClientNameLimit(t *testing.T) {
	c := &core.Client{INN: sberINN, Kind: core.KindLegal, ShortName: strings.Repeat("я", 4000)}
	err := c.Validate()
	if key, args := core.ErrorKey(err); key != "err.client.name_too_long" || args["Max"] != core.MaxNameLen {
		t.Fatalf("4000-character name = %v; want err.client.name_too_long naming %d", err, core.MaxNameLen)
	}
	checkCode(t, core.ValidateClientName(strings.Repeat("я", core.MaxNameLen+1)), core.EINVALID, "err.client.name_too_long")
	c.ShortName = strings.Repeat("я", core.MaxNameLen)
	if err := c.Validate(); err != nil {
		t.Fatalf("the longest name: %v", err)
	}
	for _, tc := range []struct {
		set func(*core.Client)
		key string
	}{
		{func(c *core.Client) { c.FullName = strings.Repeat("я", core.MaxFullNameLen+1) }, "err.client.full_name_too_long"},
		{func(c *core.Client) { c.Address = strings.Repeat("я", core.MaxAddressLen+1) }, "err.client.address_too_long"},
		{func(c *core.Client) { c.Director = strings.Repeat("я", core.MaxNameLen+1) }, "err.client.director_too_long"},
	} {
		c := &core.Client{INN: sberINN, Kind: core.KindLegal, ShortName: "Сбер"}
		tc.set(c)
		checkCode(t, c.Validate(), core.EINVALID, tc.key)
	}
}
