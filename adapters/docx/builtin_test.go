package docx

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/ruwords"
)

// sampleValues fills every name core knows, as core writes them.
func sampleValues() core.DocValues {
	v := map[string]string{
		"doc.number": "ДГ-2026-0001", "doc.date": "01.12.2026", "doc.date_words": "1 декабря 2026 г.",
		"doc.date_quoted": "«01» декабря 2026 г.", "doc.kind": "Договор", "doc.version": "1",

		"client.name": "ООО «Ромашка»", "client.full_name": "Общество с ограниченной ответственностью «Ромашка»",
		"client.inn": "7707083893", "client.kpp": "773601001", "client.ogrn": "1027700132195",
		"client.address": "117997, г. Москва, ул. Вавилова, д. 19", "client.director": "Иванов Иван Иванович",
		"client.signatory": "генеральный директор Иванов Иван Иванович", "client.email": "info@romashka.example",
		"client.signatory_position": "Генеральный директор", "client.signatory_name": "Иванов Иван Иванович",
		"client.signatory_basis": "Устава",
		"client.phone":           "+7 495 123-45-67", "client.bank": "ПАО Сбербанк", "client.bik": "044525225",
		"client.account": "40702810938000012345", "client.corr_account": "30101810400000000225",

		"deal.number": "D-2026-0001", "deal.title": "Оказание консультационных услуг по сопровождению сделок",
		"deal.amount": "1\u00a0234\u00a0567,89\u00a0₽", "deal.amount_words": ruwords.Capitalize(ruwords.Money(123456789)),
		"deal.vat_rate": "22 %", "deal.vat_amount": "222\u00a0627,65\u00a0₽",
		"deal.vat_amount_words":   ruwords.Capitalize(ruwords.Money(22262765)),
		"deal.amount_without_vat": "1\u00a0011\u00a0940,24\u00a0₽", "deal.signing_due": "15.12.2026",
		"deal.payment_due": "31.12.2026", "deal.contract_end": "31.12.2027",
		"deal.vat_phrase": "в том числе НДС 22 % — 222\u00a0627,65\u00a0₽ (" + ruwords.Capitalize(ruwords.Money(22262765)) + ")",

		"contract.number": "ДГ-2026-0001", "contract.date": "01.12.2026",

		"company.name": "ООО «ДилДеск»", "company.full_name": "Общество с ограниченной ответственностью «ДилДеск»",
		"company.inn": "7736207543", "company.kpp": "773601001", "company.ogrn": "1027700229193",
		"company.address": "119021, г. Москва, ул. Льва Толстого, д. 16", "company.director": "Петров Пётр Петрович",
		"company.signatory_position": "Генеральный директор", "company.signatory_name": "Петров Пётр Петрович",
		"company.signatory_basis": "Устава",
		"company.bank":            "АО «Тинькофф Банк»", "company.bik": "044525974", "company.account": "40702810410000012345",
		"company.corr_account": "30101810145250000974",

		"manager.name": "Смирнова Анна",

		"totals.count": "2", "totals.amount": "1\u00a0234\u00a0567,89\u00a0₽",
		"totals.amount_words": ruwords.Capitalize(ruwords.Money(123456789)), "totals.vat": "222\u00a0627,65\u00a0₽",
		"totals.vat_words":          ruwords.Capitalize(ruwords.Money(22262765)),
		"totals.amount_without_vat": "1\u00a0011\u00a0940,24\u00a0₽",
		"totals.vat_label":          "В том числе НДС 22 %:", "totals.vat_value": "222\u00a0627,65\u00a0₽",
		"totals.vat_line": "В том числе НДС 22 %: 222\u00a0627,65\u00a0₽ (" + ruwords.Capitalize(ruwords.Money(22262765)) + ")",
	}
	items := []map[string]string{
		{"items.n": "1", "items.name": "Консультации по сопровождению сделок", "items.qty": "1", "items.unit": "усл.",
			"items.price": "1\u00a0000\u00a0000,00\u00a0₽", "items.vat_rate": "22 %", "items.vat": "180\u00a0327,87\u00a0₽",
			"items.amount": "1\u00a0000\u00a0000,00\u00a0₽"},
		{"items.n": "2", "items.name": "Подготовка пакета документов", "items.qty": "3", "items.unit": "шт.",
			"items.price": "78\u00a0189,30\u00a0₽", "items.vat_rate": "22 %", "items.vat": "42\u00a0299,78\u00a0₽",
			"items.amount": "234\u00a0567,89\u00a0₽"},
	}
	return core.DocValues{Values: v, Lists: map[string][]map[string]string{"items": items}}
}

// TestBuiltinTemplatesInspectClean: every built-in template opens, has no
// broken placeholder, uses only names and lists core knows (each list's
// fields inside its rows, as core checks them), and fills with no
// placeholder left.
func TestBuiltinTemplatesInspectClean(t *testing.T) {
	vals := sampleValues()
	for _, f := range core.DocFields {
		_, inValues := vals.Values[f.Name]
		_, inItem := vals.Lists["items"][0][f.Name]
		if !inValues && !inItem {
			t.Errorf("the sample values miss %s: add it", f.Name)
		}
	}
	builtin := Builtin()
	if len(builtin) != len(core.DocKinds) {
		t.Fatalf("%d built-in templates, want one per kind (%d)", len(builtin), len(core.DocKinds))
	}
	for _, kind := range core.DocKinds {
		t.Run(string(kind), func(t *testing.T) {
			docx := builtin[kind]
			phs, err := Engine{}.Inspect(docx)
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			if len(phs) < 10 {
				t.Errorf("only %d placeholders", len(phs))
			}
			open := ""
			for _, ph := range phs {
				switch {
				case strings.HasPrefix(ph.Name, "#"):
					if !slices.Contains(core.DocLists, ph.Name[1:]) || open != "" {
						t.Errorf("list %s at %s", ph.Name, ph.Where)
					}
					open = ph.Name[1:]
				case strings.HasPrefix(ph.Name, "/"):
					if ph.Name[1:] != open {
						t.Errorf("list end %s at %s", ph.Name, ph.Where)
					}
					open = ""
				default:
					f, ok := core.DocFieldByName(ph.Name)
					if !ok {
						t.Errorf("unknown placeholder %s at %s", ph.Name, ph.Where)
					} else if f.List != "" && f.List != open {
						t.Errorf("%s outside its list at %s", ph.Name, ph.Where)
					}
				}
			}
			out, err := Engine{}.Fill(docx, vals)
			if err != nil {
				t.Fatal(err)
			}
			if left, err := (Engine{}).Inspect(out); err != nil || len(left) != 0 {
				t.Fatalf("after Fill: %v %v", left, err)
			}
			text := strings.Join(paragraphs(t, readPart(t, out, "word/document.xml")), "\n")
			for _, want := range []string{"Общество с ограниченной ответственностью «Ромашка»", "7707083893",
				"Общество с ограниченной ответственностью «ДилДеск»"} {
				if !strings.Contains(text, want) {
					t.Errorf("the filled %s lacks %q", kind, want)
				}
			}
			if kind != core.DocSupplement && !strings.Contains(text, "Консультации по сопровождению сделок") &&
				kind != core.DocContract {
				t.Errorf("the filled %s lacks its lines", kind)
			}
			if !strings.Contains(text, "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек") {
				t.Errorf("the filled %s lacks the amount in words", kind)
			}
		})
	}
}

// TestBuiltinTemplatesRequisites: the contract's requisites block is a
// two-column table, our company left and the client right, with every
// requisite; the invoice has the payee's bank details and VAT lines.
func TestBuiltinTemplatesRequisites(t *testing.T) {
	b := Builtin()
	names := func(kind core.DocKind) map[string]string {
		phs, err := Engine{}.Inspect(b[kind])
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, ph := range phs {
			m[ph.Name] = ph.Where // the last use: the requisites come at the end
		}
		return m
	}
	contract := names(core.DocContract)
	for _, req := range []string{"full_name", "inn", "kpp", "ogrn", "address", "bank", "bik", "account", "corr_account"} {
		ours, theirs := contract["company."+req], contract["client."+req]
		if !strings.HasSuffix(ours, "cell 1") || !strings.HasSuffix(theirs, "cell 2") ||
			strings.TrimSuffix(ours, "1") != strings.TrimSuffix(theirs, "2") {
			t.Errorf("contract: company.%s at %q, client.%s at %q: want one row, ours left", req, ours, req, theirs)
		}
	}
	for _, n := range []string{"deal.amount", "deal.amount_words", "deal.vat_phrase", "deal.payment_due",
		"deal.contract_end", "client.signatory_position", "client.signatory_name", "client.signatory_basis",
		"company.signatory_position", "company.signatory_name", "company.signatory_basis", "doc.number"} {
		if contract[n] == "" {
			t.Errorf("the contract does not use %s", n)
		}
	}
	invoice := names(core.DocInvoice)
	for _, n := range []string{"company.bank", "company.bik", "company.account", "company.corr_account", "#items",
		"items.vat_rate", "items.vat", "totals.vat_label", "totals.vat_value", "totals.vat_line", "totals.amount", "totals.amount_words", "totals.amount_without_vat"} {
		if invoice[n] == "" {
			t.Errorf("the invoice does not use %s", n)
		}
	}
	proposal := names(core.DocProposal)
	for _, n := range []string{"deal.title", "deal.amount", "deal.amount_words", "deal.vat_phrase", "client.full_name",
		"company.full_name", "#items"} {
		if proposal[n] == "" {
			t.Errorf("the proposal does not use %s", n)
		}
	}
	supplement := names(core.DocSupplement)
	for _, n := range []string{"contract.number", "contract.date", "deal.amount", "deal.amount_words",
		"deal.vat_phrase", "client.signatory_name", "company.signatory_name"} {
		if supplement[n] == "" {
			t.Errorf("the supplement does not use %s", n)
		}
	}
	// Every template is set in a font with ₽.
	for kind, docx := range b {
		if s := readPart(t, docx, "word/styles.xml"); !strings.Contains(s, `w:ascii="PT Serif"`) {
			t.Errorf("%s: not in PT Serif", kind)
		}
	}
}

// TestBuiltinTemplatesInLibreOffice converts each filled template to PDF
// with LibreOffice and reads it back: it opens, the contract has 3–5
// pages, and the client's name, INN, the amount in words and ₽ are there.
// Skipped where soffice or pdftotext is not installed.
func TestBuiltinTemplatesInLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice is slow")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("no soffice")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("no pdftotext")
	}
	dir := t.TempDir()
	var files []string
	for kind, docx := range Builtin() {
		out, err := Engine{}.Fill(docx, sampleValues())
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, string(kind)+".docx")
		if err := os.WriteFile(name, out, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "pdf", "--outdir", dir}, files...)
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, kind := range core.DocKinds {
		pdf := filepath.Join(dir, string(kind)+".pdf")
		text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		flat := regexp.MustCompile(`\s+`).ReplaceAllString(string(text), " ")
		for _, want := range []string{"Ромашка", "7707083893", "Один миллион двести тридцать четыре тысячи", "₽"} {
			if !strings.Contains(flat, want) {
				t.Errorf("%s.pdf lacks %q", kind, want)
			}
		}
		pages := bytes.Count(text, []byte("\f"))
		t.Logf("%s: %d pages", kind, pages)
		if kind == core.DocContract && (pages < 3 || pages > 5) {
			t.Errorf("the contract has %d pages, want 3–5", pages)
		}
		if kind != core.DocContract && pages > 2 {
			t.Errorf("%s has %d pages", kind, pages)
		}
		if os.Getenv("DOCX_KEEP") != "" {
			_ = os.WriteFile(filepath.Join(os.Getenv("DOCX_KEEP"), string(kind)+".pdf"), mustRead(t, pdf), 0o644)
		}
	}
}

// TestTemplateSavedByLibreOffice: the contract opened and saved again as
// DOCX by LibreOffice (its own runs, rsids, styles and namespaces) has the
// same placeholders at the same places. Skipped without soffice.
func TestTemplateSavedByLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice is slow")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("no soffice")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in", "contract.docx")
	if err := os.MkdirAll(filepath.Dir(in), 0o755); err != nil {
		t.Fatal(err)
	}
	orig := Builtin()[core.DocContract]
	if err := os.WriteFile(in, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "docx:MS Word 2007 XML", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	saved := mustRead(t, filepath.Join(dir, "contract.docx"))
	if bytes.Equal(saved, orig) {
		t.Fatal("LibreOffice wrote the same bytes")
	}
	want, err := Engine{}.Inspect(orig)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Engine{}.Inspect(saved)
	if err != nil {
		t.Fatalf("Inspect of LibreOffice's DOCX: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d placeholders after LibreOffice, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || got[i].Where != want[i].Where {
			t.Errorf("placeholder %d: %s at %s, want %s at %s", i, got[i].Name, got[i].Where, want[i].Name, want[i].Where)
		}
	}
	out, err := Engine{}.Fill(saved, sampleValues())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(paragraphs(t, readPart(t, out, "word/document.xml")), "\n")
	if !strings.Contains(text, "Один миллион двести тридцать четыре тысячи") || strings.Contains(text, "{{") {
		t.Errorf("LibreOffice's DOCX filled badly:\n%s", text)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBuiltinTemplatesLegalWording fills each built-in template with the
// values core makes (core.DocValuesFor, core.ContractValues) and reads the
// legal phrases: «без НДС» says «НДС не облагается» / «Без налога (НДС)»
// and never a zero VAT amount, 0 % says «НДС 0 %», 22 % gives the amount;
// the parties are named with the signatory's position, name and basis;
// the supplement refers to the contract by number and date.
func TestBuiltinTemplatesLegalWording(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	c := &core.Client{Kind: core.KindLegal, INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
		ShortName: "ПАО Сбербанк", Address: "117997, г. Москва, ул. Вавилова, д. 19",
		Director: "Греф Герман Оскарович (президент, председатель правления)",
		Accounts: []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225",
			Account: "40702810938000012345"}}}
	d := &core.Deal{Number: "D-2026-0001", Title: "Консультации", Amount: 150000000, PaymentDue: now, ContractEnd: now}
	co := core.Company{Name: "ООО «ДилДеск»", INN: "7736207543", KPP: "773601001", OGRN: "1027700229193",
		Address: "г. Москва", Director: "Петров Пётр Петрович", Bank: "Банк", BIK: "044525974",
		Account: "40702810410000012345", CorrAccount: "30101810145250000974"}
	contract := &core.Document{Kind: core.DocContract, Number: "ДГ-2026-0001", Status: core.DocSigned,
		Versions: []core.DocVersion{{N: 1, CreatedAt: now}}}
	fill := func(kind core.DocKind, vat core.VATRate) string {
		doc := &core.Document{Kind: kind, Number: "X-2026-0001"}
		v := core.DocValuesFor(c, d, co, &core.User{Name: "Анна"}, doc, 1, now, vat)
		core.ContractValues(v, []*core.Document{contract, doc})
		out, err := Engine{}.Fill(Builtin()[kind], v)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(paragraphs(t, readPart(t, out, "word/document.xml")), "\n")
		return strings.ReplaceAll(text, "\u00a0", " ")
	}
	for _, kind := range core.DocKinds {
		none := fill(kind, core.VATNone)
		for _, bad := range []string{" 0,00 ₽", "Ноль рублей", "ставке без НДС", "Ставка НДС — без НДС"} {
			if strings.Contains(none, bad) {
				t.Errorf("%s without VAT says %q", kind, bad)
			}
		}
		want := "НДС не облагается"
		if kind == core.DocInvoice {
			want = "Без налога (НДС)"
		}
		if !strings.Contains(none, want) {
			t.Errorf("%s without VAT lacks %q", kind, want)
		}
		if zero := fill(kind, 0); !strings.Contains(zero, "НДС 0 %") {
			t.Errorf("%s at 0 %% lacks «НДС 0 %%»", kind)
		}
		if full := fill(kind, 22); !strings.Contains(full, "НДС 22 %") || !strings.Contains(full, "270 491,80 ₽") {
			t.Errorf("%s at 22 %% lacks the rate or the amount", kind)
		}
	}
	for _, kind := range []core.DocKind{core.DocContract, core.DocSupplement} {
		text := fill(kind, 22)
		for _, want := range []string{
			"в лице: Генеральный директор Петров Пётр Петрович, действующий на основании Устава, с одной стороны",
			"в лице: Президент, председатель правления Греф Герман Оскарович, действующий на основании Устава, с другой",
			"/ Греф Герман Оскарович /"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", kind, want)
			}
		}
	}
	if sup := fill(core.DocSupplement, 22); !strings.Contains(sup, "к Договору оказания услуг № ДГ-2026-0001 от 02.12.2026") ||
		strings.Contains(sup, "по сделке") {
		t.Errorf("the supplement does not refer to the contract:\n%s", sup)
	}
}
