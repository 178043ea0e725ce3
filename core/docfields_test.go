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

// TestDocValuesVATPhrase: «без НДС» reads «НДС не облагается» and «Без
// налога (НДС)», never «НДС: 0,00 ₽»; 0 % reads «НДС 0 %».
func TestDocValuesVATPhrase(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	c := &core.Client{Kind: core.KindLegal, ShortName: "ООО «Ромашка»", Director: "Иванов Иван Иванович"}
	d := &core.Deal{Number: "D-2026-0001", Title: "Услуги", Amount: 150000000}
	doc := &core.Document{Number: "СЧ-2026-0001", Kind: core.DocInvoice}
	nb := func(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }
	for _, tc := range []struct {
		vat                                 core.VATRate
		phrase, label, value, line, itemVAT string
	}{
		{22, "в том числе НДС 22 % — 270 491,80 ₽ (Двести семьдесят тысяч четыреста девяносто один рубль 80 копеек)",
			"В том числе НДС 22 %:", "270 491,80 ₽",
			"В том числе НДС 22 %: 270 491,80 ₽ (Двести семьдесят тысяч четыреста девяносто один рубль 80 копеек)",
			"270 491,80 ₽"},
		{0, "в том числе НДС 0 % — 0,00 ₽ (Ноль рублей 00 копеек)", "В том числе НДС 0 %:", "0,00 ₽",
			"В том числе НДС 0 %: 0,00 ₽ (Ноль рублей 00 копеек)", "0,00 ₽"},
		{core.VATNone, "НДС не облагается", "Без налога (НДС):", "—", "Без налога (НДС)", "—"},
	} {
		v := core.DocValuesFor(c, d, ourCompany, nil, doc, 1, now, tc.vat)
		for name, want := range map[string]string{"deal.vat_phrase": tc.phrase, "totals.vat_label": tc.label,
			"totals.vat_value": tc.value, "totals.vat_line": tc.line} {
			if got := nb(v.Values[name]); got != want {
				t.Errorf("VAT %s: %s = %q, want %q", tc.vat.Code(), name, got, want)
			}
		}
		if got := nb(v.Lists["items"][0]["items.vat"]); got != tc.itemVAT {
			t.Errorf("VAT %s: items.vat = %q, want %q", tc.vat.Code(), got, tc.itemVAT)
		}
	}
}

// TestDocValuesSignatory: who signs, from a director as registries write
// it or a name alone, with the position and the basis of authority.
func TestDocValuesSignatory(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	d := &core.Deal{Number: "D-2026-0001", Title: "Услуги", Amount: 100}
	doc := &core.Document{Number: "ДГ-2026-0001", Kind: core.DocContract}
	for _, tc := range []struct {
		c                     *core.Client
		name, position, basis string
	}{
		{&core.Client{Kind: core.KindLegal, Director: "Греф  Герман Оскарович (президент, председатель правления)"},
			"Греф Герман Оскарович", "Президент, председатель правления", "Устава"},
		{&core.Client{Kind: core.KindLegal, Director: "Иванов Иван Иванович"},
			"Иванов Иван Иванович", "Генеральный директор", "Устава"},
		{&core.Client{Kind: core.KindIndividual, Director: "Петров Пётр Петрович", OGRN: "304500116000157"},
			"Петров Пётр Петрович", "Индивидуальный предприниматель", "ОГРНИП 304500116000157"},
		{&core.Client{Kind: core.KindLegal}, "", "", ""},
	} {
		v := core.DocValuesFor(tc.c, d, ourCompany, nil, doc, 1, now, 22).Values
		if v["client.signatory_name"] != tc.name || v["client.signatory_position"] != tc.position ||
			v["client.signatory_basis"] != tc.basis {
			t.Errorf("%q: name %q, position %q, basis %q; want %q, %q, %q", tc.c.Director, v["client.signatory_name"],
				v["client.signatory_position"], v["client.signatory_basis"], tc.name, tc.position, tc.basis)
		}
	}
	co := ourCompany
	co.Director, co.OGRN = "Сидорова Анна Сергеевна (директор)", "1027700132195"
	v := core.DocValuesFor(&core.Client{}, d, co, nil, doc, 1, now, 22).Values
	if v["company.signatory_name"] != "Сидорова Анна Сергеевна" || v["company.signatory_position"] != "Директор" ||
		v["company.signatory_basis"] != "Устава" {
		t.Errorf("company: %q, %q, %q", v["company.signatory_name"], v["company.signatory_position"],
			v["company.signatory_basis"])
	}
}

// TestContractValues: a supplementary agreement refers to the deal's
// latest produced contract, by its number and its first version's date in
// Moscow; without one both stay empty (the check reports them missing).
func TestContractValues(t *testing.T) {
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	c := &core.Client{Kind: core.KindLegal, Director: "Иванов Иван Иванович"}
	d := &core.Deal{Number: "D-2026-0001", Title: "Услуги", Amount: 100}
	sup := &core.Document{Number: "ДС-2026-0001", Kind: core.DocSupplement}
	v := core.DocValuesFor(c, d, ourCompany, nil, sup, 1, now, 22)
	core.ContractValues(v, []*core.Document{{Kind: core.DocProposal, Number: "КП-2026-0001",
		Versions: []core.DocVersion{{N: 1, CreatedAt: now}}}, {Kind: core.DocContract, Number: "ДГ-2026-0002"}})
	if v.Values["contract.number"] != "" || v.Values["contract.date"] != "" {
		t.Errorf("no produced contract: %q, %q", v.Values["contract.number"], v.Values["contract.date"])
	}
	first := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC) // 2 December in Moscow
	core.ContractValues(v, []*core.Document{
		{Kind: core.DocContract, Number: "ДГ-2026-0001", Status: core.DocSigned,
			Versions: []core.DocVersion{{N: 1, CreatedAt: first}, {N: 2, CreatedAt: now}}},
		{Kind: core.DocContract, Number: "ДГ-2026-0003", Status: core.DocRejected,
			Versions: []core.DocVersion{{N: 1, CreatedAt: now}}},
		sup})
	if v.Values["contract.number"] != "ДГ-2026-0001" || v.Values["contract.date"] != "02.12.2026" {
		t.Errorf("contract: %q, %q", v.Values["contract.number"], v.Values["contract.date"])
	}
}
