package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func TestParseDocKind(t *testing.T) {
	for in, want := range map[string]core.DocKind{
		"contract": core.DocContract, "договор": core.DocContract, "ДГ": core.DocContract, " Договор ": core.DocContract,
		"кп": core.DocProposal, "Коммерческое  предложение": core.DocProposal, "proposal": core.DocProposal,
		"доп. соглашение": core.DocSupplement, "допсоглашение": core.DocSupplement, "ДС": core.DocSupplement,
		"Счёт": core.DocInvoice, "счет на оплату": core.DocInvoice, "invoice": core.DocInvoice,
	} {
		if got, err := core.ParseDocKind(in); err != nil || got != want {
			t.Errorf("ParseDocKind(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "акт", "letter", "договор поставки"} {
		_, err := core.ParseDocKind(in)
		checkCode(t, err, core.EINVALID, "err.doc.kind_unknown")
	}
}

func TestDocNumbers(t *testing.T) {
	if got := core.DocNumber(core.DocProposal, 2026, 1); got != "КП-2026-0001" {
		t.Errorf("DocNumber = %q", got)
	}
	for in, want := range map[string]string{"дг-2026-1": "ДГ-2026-0001", " СЧ-2027-0042 ": "СЧ-2027-0042",
		"ДС-2026-12345": "ДС-2026-12345", "кп-2026-0007": "КП-2026-0007"} {
		got, _, _, _, ok := core.ParseDocNumber(in)
		if !ok || got != want {
			t.Errorf("ParseDocNumber(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, k, y, n, _ := core.ParseDocNumber("ДГ-2026-0003"); k != core.DocContract || y != 2026 || n != 3 {
		t.Errorf("parts = %s %d %d", k, y, n)
	}
	for _, in := range []string{"", "D-2026-0001", "ХХ-2026-0001", "ДГ-26-1", "ДГ-2026-0", "ДГ-1999-0001"} {
		if _, _, _, _, ok := core.ParseDocNumber(in); ok {
			t.Errorf("ParseDocNumber(%q) read a number", in)
		}
	}
}

func TestVATRates(t *testing.T) {
	for in, want := range map[string]core.VATRate{"22": 22, "22%": 22, " 10 % ": 10, "0": 0, "none": core.VATNone,
		"Без НДС": core.VATNone} {
		if got, err := core.ParseVATRate(in); err != nil || got != want {
			t.Errorf("ParseVATRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "18", "20", "abc"} {
		_, err := core.ParseVATRate(in)
		checkCode(t, err, core.EINVALID, "err.doc.vat_unknown")
	}
	if core.VATRate(22).String() != "22 %" || core.VATNone.String() != "без НДС" || core.VATNone.Code() != "none" {
		t.Error("rates are written wrong")
	}
	for _, tc := range []struct {
		rate   core.VATRate
		amount core.Money
		want   core.Money
	}{
		{22, 12200, 2200},         // 122,00 → 22,00
		{22, 100, 18},             // 1,00 × 22/122 = 0,1803 → 0,18
		{22, 61, 11},              // 0,61 × 22/122 = 0,11 exactly
		{10, 11000, 1000},         // 110,00 → 10,00
		{10, 5, 0},                // 0,05 × 10/110 = 0,0045 → 0,00
		{10, 6, 1},                // 0,06 × 10/110 = 0,0055 → 0,01 (half away from zero)
		{22, 123456789, 22262700}, // 1 234 567,89 × 22/122 = 222 626,9966… → 222 627,00
		{0, 12200, 0}, {core.VATNone, 12200, 0},
	} {
		if got := tc.rate.Included(tc.amount); got != tc.want {
			t.Errorf("%v of %d = %d, want %d", tc.rate, tc.amount, got, tc.want)
		}
	}
}

func TestFormatRub(t *testing.T) {
	for in, want := range map[core.Money]string{0: "0,00 ₽", 5: "0,05 ₽", 123456789: "1 234 567,89 ₽",
		100000: "1 000,00 ₽", -150: "-1,50 ₽"} {
		if got := strings.ReplaceAll(core.FormatRub(in), "\u00a0", " "); got != want {
			t.Errorf("FormatRub(%d) = %q, want %q", in, got, want)
		}
	}
}

// TestDocValuesFor: the values of every known field, from the card, the
// deal, our company, the manager and the document.
func TestDocValuesFor(t *testing.T) {
	now := time.Date(2026, 11, 30, 22, 30, 0, 0, time.UTC) // 1 December in Moscow
	c := &core.Client{Kind: core.KindLegal, INN: sberINN, KPP: sberKPP, OGRN: sberOGRN, ShortName: "ООО «Ромашка»",
		Director: "Иванов Иван Иванович", Accounts: []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк",
			CorrAccount: "30101810400000000225", Account: "40702810938000012345"}},
		Contacts: []core.Contact{{Name: "Анна", Phone: "+7 999 123-45-67"}, {Name: "Иван", Email: "i@r.example"}}}
	d := &core.Deal{Number: "D-2026-0007", Title: "Поставка", Amount: 123456789,
		PaymentDue: time.Date(2026, 12, 15, 15, 0, 0, 0, time.UTC)}
	doc := &core.Document{Number: "ДГ-2026-0001", Kind: core.DocContract}
	v := core.DocValuesFor(c, d, ourCompany, &core.User{Name: "Максим"}, doc, 2, now, 22)
	nb := func(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }
	for name, want := range map[string]string{
		"doc.number": "ДГ-2026-0001", "doc.date": "01.12.2026", "doc.date_words": "1 декабря 2026 г.",
		"doc.date_quoted": "«01» декабря 2026 г.", "doc.kind": "Договор", "doc.version": "2",
		"client.name": "ООО «Ромашка»", "client.full_name": "ООО «Ромашка»", "client.inn": sberINN,
		"client.signatory": "Иванов Иван Иванович", "client.email": "i@r.example", "client.phone": "+7 999 123-45-67",
		"client.bank": "ПАО Сбербанк", "client.account": "40702810938000012345",
		"deal.number": "D-2026-0007", "deal.amount": "1 234 567,89 ₽",
		"deal.amount_words": "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек",
		"deal.vat_rate":     "22 %", "deal.vat_amount": "222 627,00 ₽", "deal.amount_without_vat": "1 011 940,89 ₽",
		"deal.payment_due": "15.12.2026", "deal.signing_due": "",
		"company.name": "ООО «ДилДеск»", "company.full_name": "ООО «ДилДеск»", "company.bik": "044525593",
		"manager.name": "Максим", "totals.count": "1", "totals.vat": "222 627,00 ₽",
	} {
		if got := nb(v.Values[name]); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	items := v.Lists["items"]
	if len(items) != 1 || items[0]["items.name"] != "Поставка" || nb(items[0]["items.amount"]) != "1 234 567,89 ₽" ||
		items[0]["items.vat_rate"] != "22 %" {
		t.Errorf("items = %v", items)
	}
	// Every value DocValuesFor writes is a known field, and every known
	// field of the whole document has a value.
	for name := range v.Values {
		if f, ok := core.DocFieldByName(name); !ok || f.List != "" {
			t.Errorf("value of %q, which is no field of the document", name)
		}
	}
	for _, f := range core.DocFields {
		_, inValues := v.Values[f.Name]
		_, inItems := items[0][f.Name]
		if f.List == "" && !inValues || f.List != "" && !inItems {
			t.Errorf("field %s has no value", f.Name)
		}
		if !strings.HasPrefix(f.Key(), "doc.field.") {
			t.Errorf("field %s: key %q", f.Name, f.Key())
		}
	}
	none := core.DocValuesFor(c, d, ourCompany, nil, doc, 1, now, core.VATNone)
	if none.Values["deal.vat_rate"] != "без НДС" || nb(none.Values["deal.vat_amount"]) != "0,00 ₽" {
		t.Errorf("without VAT: %q, %q", none.Values["deal.vat_rate"], none.Values["deal.vat_amount"])
	}
}

// TestDocConfig: without configuration 22 % and lawyers approve contracts
// and supplementary agreements; a configured 0 % stays 0 %.
func TestDocConfig(t *testing.T) {
	def := core.NewService(nil).DocConfig()
	if def.VAT != 22 || !def.NeedsApproval(core.DocContract) || !def.NeedsApproval(core.DocSupplement) ||
		def.NeedsApproval(core.DocInvoice) || def.VerifyMaxAge != 90*24*time.Hour {
		t.Errorf("default = %+v", def)
	}
	cfg := core.DefaultDocConfig()
	cfg.VAT, cfg.ApprovalKinds = 0, []core.DocKind{core.DocProposal}
	got := core.NewService(nil, core.WithDocConfig(cfg)).DocConfig()
	if got.VAT != 0 || !got.NeedsApproval(core.DocProposal) || got.NeedsApproval(core.DocContract) {
		t.Errorf("configured = %+v", got)
	}
}
