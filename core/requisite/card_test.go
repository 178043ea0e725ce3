package requisite_test

import (
	"reflect"
	"testing"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// sber is a clean card of Sberbank; the р/с is the synthetic one of the doc.
var sber = requisite.Card{
	INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
	ShortName: "ПАО Сбербанк", BIK: "044525225",
	CorrAccount: "30101810400000000225", Account: "40702810938000012345",
}

func p(field, code, value string) requisite.Problem {
	return requisite.Problem{Field: field, Code: code, Value: value}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *requisite.Card)
		want   []requisite.Problem
	}{
		{"clean", func(*requisite.Card) {}, nil},
		{"no INN", func(c *requisite.Card) { c.INN = "" }, []requisite.Problem{p("inn", "missing", "")}},
		{"INN check digit", func(c *requisite.Card) { c.INN = "7707083894" }, []requisite.Problem{p("inn", "checksum", "7707083894")}},
		{"INN length", func(c *requisite.Card) { c.INN = "770708389" }, []requisite.Problem{p("inn", "length", "770708389")}},
		{"INN letters", func(c *requisite.Card) { c.INN = "770708389З" }, []requisite.Problem{p("inn", "format", "770708389З")}},
		{"KPP lowercase", func(c *requisite.Card) { c.KPP = "7736ab001" }, []requisite.Problem{p("kpp", "format", "7736ab001")}},
		{"KPP letters", func(c *requisite.Card) { c.KPP = "7736AB001" }, nil},
		{"KPP length", func(c *requisite.Card) { c.KPP = "77360100" }, []requisite.Problem{p("kpp", "length", "77360100")}},
		{"KPP 00", func(c *requisite.Card) { c.KPP = "003601001" }, []requisite.Problem{p("kpp", "unusual", "003601001")}},
		{"no KPP", func(c *requisite.Card) { c.KPP = "" }, []requisite.Problem{p("kpp", "missing", "")}},
		{"OGRN check digit", func(c *requisite.Card) { c.OGRN = "1027700132196" }, []requisite.Problem{p("ogrn", "checksum", "1027700132196")}},
		{"OGRN length", func(c *requisite.Card) { c.OGRN = "102770013219" }, []requisite.Problem{p("ogrn", "length", "102770013219")}},
		{"OGRNIP for a legal entity", func(c *requisite.Card) { c.OGRN = "304500116000157" },
			[]requisite.Problem{p("ogrn", "kind_mismatch", "304500116000157")}},
		{"OGRN not starting with 1 or 5", func(c *requisite.Card) { c.OGRN = "3045001160001" },
			[]requisite.Problem{p("ogrn", "checksum", "3045001160001")}},
		{"ГРН instead of OGRN", func(c *requisite.Card) { c.OGRN = "2187746123453" },
			[]requisite.Problem{p("ogrn", "format", "2187746123453")}},
		{"no OGRN is fine", func(c *requisite.Card) { c.OGRN = "" }, nil},
		{"BIK not 0…", func(c *requisite.Card) { c.BIK = "823397286" }, []requisite.Problem{
			p("bik", "format", "823397286"), p("account", "checksum", "40702810938000012345"),
			p("corr_account", "bank_mismatch", "30101810400000000225")}},
		{"BIK length, accounts unchecked", func(c *requisite.Card) { c.BIK = "04452522" },
			[]requisite.Problem{p("bik", "length", "04452522")}},
		{"no BIK", func(c *requisite.Card) { c.BIK = "" }, []requisite.Problem{p("bik", "missing", "")}},
		{"no bank at all", func(c *requisite.Card) { c.BIK, c.Account, c.CorrAccount = "", "", "" }, nil},
		{"account key", func(c *requisite.Card) { c.Account = "40702810938000012346" },
			[]requisite.Problem{p("account", "checksum", "40702810938000012346")}},
		{"account length", func(c *requisite.Card) { c.Account = "4070281093800001234" },
			[]requisite.Problem{p("account", "length", "4070281093800001234")}},
		{"account length without BIK", func(c *requisite.Card) { c.BIK, c.CorrAccount, c.Account = "", "", "4070281093800001234" },
			[]requisite.Problem{p("bik", "missing", ""), p("account", "length", "4070281093800001234")}},
		{"corr key", func(c *requisite.Card) { c.CorrAccount = "30101810500000000225" },
			[]requisite.Problem{p("corr_account", "checksum", "30101810500000000225")}},
		{"Alfa-Bank BIK with Sberbank's к/с", func(c *requisite.Card) { c.BIK, c.Account = "044525593", "" },
			[]requisite.Problem{p("corr_account", "bank_mismatch", "30101810400000000225")}},
		{"swapped accounts", func(c *requisite.Card) { c.Account, c.CorrAccount = c.CorrAccount, c.Account }, []requisite.Problem{
			p("account", "swapped", "30101810400000000225"), p("corr_account", "swapped", "40702810938000012345")}},
		{"corr not 301", func(c *requisite.Card) { c.CorrAccount = "40702810938000012346" },
			[]requisite.Problem{p("corr_account", "format", "40702810938000012346")}},
	}
	for _, tt := range tests {
		c := sber
		tt.change(&c)
		if got := c.Check(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Check() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCheckSoleProprietor(t *testing.T) {
	ip := requisite.Card{INN: "123456789047", OGRN: "304500116000157", BIK: "044525974",
		CorrAccount: "30101810145250000974", Account: "40802810900001234567"}
	if got := ip.Check(); got != nil {
		t.Errorf("clean IP: Check() = %v", got)
	}
	ip.OGRN = "304500116000050" // remainder 10
	if got := ip.Check(); got != nil {
		t.Errorf("OGRNIP with remainder 10: Check() = %v", got)
	}
	ip.KPP = "773601001"
	ip.OGRN = "1027700132195"
	want := []requisite.Problem{p("kpp", "unexpected", "773601001"), p("ogrn", "kind_mismatch", "1027700132195")}
	if got := ip.Check(); !reflect.DeepEqual(got, want) {
		t.Errorf("IP with KPP and OGRN: Check() = %v, want %v", got, want)
	}
	for _, pr := range want[:1] {
		if !pr.Warning() {
			t.Errorf("%v should be a warning", pr)
		}
	}
	ip.OGRN, ip.KPP = "404500116000154", ""
	if got := ip.Check(); len(got) != 1 || got[0].Field != "ogrn" {
		t.Errorf("ГРНИП instead of OGRNIP: Check() = %v", got)
	}
}

func TestCheckTreasury(t *testing.T) {
	// The INN only needs a valid check digit here.
	ufk := requisite.Card{INN: "7107036186", KPP: "710701001", BIK: "017003983",
		CorrAccount: "40102810445370000059", Account: "03100643000000018500"}
	if got := ufk.Check(); got != nil {
		t.Errorf("treasury card: Check() = %v", got)
	}
	ufk.CorrAccount = "40102810445370000058"
	want := []requisite.Problem{p("corr_account", "checksum", "40102810445370000058")}
	if got := ufk.Check(); !reflect.DeepEqual(got, want) {
		t.Errorf("wrong ЕКС: Check() = %v, want %v", got, want)
	}
	ufk.CorrAccount, ufk.Account = "03100643000000018500", "40102810445370000059"
	if got := ufk.Check(); len(got) != 1 || got[0].Code != "swapped" {
		t.Errorf("03… in the к/с field: Check() = %v", got)
	}
}

func TestProblemWarning(t *testing.T) {
	for pr, want := range map[requisite.Problem]bool{
		p("kpp", "missing", ""):     true,
		p("bik", "missing", ""):     true,
		p("inn", "missing", ""):     false,
		p("kpp", "unusual", "0036"): true,
		p("inn", "checksum", "1"):   false,
	} {
		if got := pr.Warning(); got != want {
			t.Errorf("%v.Warning() = %v, want %v", pr, got, want)
		}
	}
}
