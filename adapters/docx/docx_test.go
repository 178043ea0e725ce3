package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// splitName is {{client.name}} the way Word saves it after the name was
// typed, corrected and bookmarked: split over four runs with different
// formatting, proof marks, a bookmark and a rendered page break between.
const splitName = `<w:p w14:paraId="00AB12CD"><w:pPr><w:jc w:val="both"/></w:pPr>` +
	`<w:r><w:rPr><w:b/><w:rFonts w:ascii="PT Serif"/></w:rPr><w:t xml:space="preserve">Заказчик: {</w:t></w:r>` +
	`<w:proofErr w:type="spellStart"/>` +
	`<w:r w:rsidR="00FF1122"><w:t>{cli</w:t></w:r>` +
	`<w:bookmarkStart w:id="0" w:name="client"/>` +
	`<w:r><w:rPr><w:i/></w:rPr><w:lastRenderedPageBreak/><w:t>ent.na</w:t></w:r>` +
	`<w:bookmarkEnd w:id="0"/><w:proofErr w:type="spellEnd"/>` +
	`<w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t xml:space="preserve">me}}, в лице</w:t></w:r></w:p>`

func TestSplitPlaceholderFoundAndFilled(t *testing.T) {
	docx := fixture{body: p("Договор") + splitName}.build(t)
	if got, want := mustInspect(t, docx), []string{"client.name @ body, paragraph 2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Inspect = %q, want %q", got, want)
	}
	phs, _ := Engine{}.Inspect(docx)
	if !strings.Contains(phs[0].Text, "Заказчик: {{client.name}}, в лице") {
		t.Errorf("Text = %q", phs[0].Text)
	}
	out, err := Engine{}.Fill(docx, core.DocValues{Values: map[string]string{"client.name": "ООО «Ромашка»"}})
	if err != nil {
		t.Fatal(err)
	}
	doc := readPart(t, out, "word/document.xml")
	if got, want := paragraphs(t, doc), []string{"Договор", "Заказчик: ООО «Ромашка», в лице"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("paragraphs = %q, want %q", got, want)
	}
	// The value keeps the formatting of the run the placeholder started in.
	if r := runWith(t, doc, "ООО «Ромашка»"); !strings.Contains(r, "<w:b/>") || !strings.Contains(r, `w:ascii="PT Serif"`) {
		t.Errorf("the value's run lost its formatting: %s", r)
	}
	if r := runWith(t, doc, ", в лице"); !strings.Contains(r, `<w:u w:val="single"/>`) {
		t.Errorf("the text after the placeholder lost its run: %s", r)
	}
	// Everything between the runs stays.
	for _, keep := range []string{`<w:bookmarkStart w:id="0" w:name="client"/>`, `<w:proofErr w:type="spellEnd"/>`,
		`<w:lastRenderedPageBreak/>`, `w14:paraId="00AB12CD"`, `w:rsidR="00FF1122"`} {
		if !strings.Contains(doc, keep) {
			t.Errorf("lost %s", keep)
		}
	}
}

func TestPlaceholdersEverywhere(t *testing.T) {
	docx := fixture{
		body: p("Счёт № {{doc.number}} от {{doc.date}}") +
			tbl([]string{"ИНН", "{{ client.inn }}"}, []string{"КПП", "{{client.kpp}}"}) +
			p("Повторно: {{doc.number}}, {{doc.number}}") +
			`<w:p><w:r><w:t>{{deal.title}}</w:t></w:r><w:r><w:tab/><w:t>{{deal.amount}}</w:t></w:r></w:p>`,
		headers:   []string{p("{{company.name}} — {{doc.number}}"), p("Первая страница {{doc.number}}")},
		footers:   []string{p("Страница {{manager.name}}")},
		footnotes: `<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>` + `<w:footnote w:id="1">` + p("Сноска {{doc.date}}") + `</w:footnote>`,
	}.build(t)
	want := []string{
		"doc.number @ body, paragraph 1",
		"doc.date @ body, paragraph 1",
		"client.inn @ table 1, row 1, cell 2",
		"client.kpp @ table 1, row 2, cell 2",
		"doc.number @ body, paragraph 2",
		"doc.number @ body, paragraph 2",
		"deal.title @ body, paragraph 3",
		"deal.amount @ body, paragraph 3",
		"company.name @ header1, paragraph 1",
		"doc.number @ header1, paragraph 1",
		"doc.number @ header2, paragraph 1",
		"manager.name @ footer1, paragraph 1",
		"doc.date @ footnotes, paragraph 2",
	}
	if got := mustInspect(t, docx); !reflect.DeepEqual(got, want) {
		t.Fatalf("Inspect =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	vals := map[string]string{"doc.number": "СЧ-2026-0001", "doc.date": "01.12.2026", "client.inn": "7707083893",
		"client.kpp": "773601001", "deal.title": "Поставка", "deal.amount": "1 234 567,89 ₽",
		"company.name": "ООО «ДилДеск»", "manager.name": "Петров"}
	out, err := Engine{}.Fill(docx, core.DocValues{Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	check := func(part string, want ...string) {
		t.Helper()
		if got := paragraphs(t, readPart(t, out, part)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %q, want %q", part, got, want)
		}
	}
	check("word/document.xml", "Счёт № СЧ-2026-0001 от 01.12.2026", "ИНН", "7707083893", "КПП", "773601001",
		"Повторно: СЧ-2026-0001, СЧ-2026-0001", "Поставка\t1 234 567,89 ₽")
	check("word/header1.xml", "ООО «ДилДеск» — СЧ-2026-0001")
	check("word/header2.xml", "Первая страница СЧ-2026-0001")
	check("word/footer1.xml", "Страница Петров")
	check("word/footnotes.xml", "", "Сноска 01.12.2026")
	// Nothing is left unfilled, and the result is a template with no placeholders.
	if got := mustInspect(t, out); len(got) != 0 {
		t.Errorf("placeholders left: %q", got)
	}
}

func TestEscapingAndLineBreaks(t *testing.T) {
	docx := fixture{body: p("[{{client.name}}]") + p("{{client.address}}") + p("{{x}}")}.build(t)
	nasty := `ООО "A & B" <Тест> 'кавычки' ]]> &amp;`
	out, err := Engine{}.Fill(docx, core.DocValues{Values: map[string]string{
		"client.name":    nasty,
		"client.address": "г. Москва,\r\nул. Тверская, д. 1\nофис 5\tэтаж 2",
		"x":              "{{client.name}}\x00\x1b\uFFFE ok",
	}})
	if err != nil {
		t.Fatal(err)
	}
	doc := readPart(t, out, "word/document.xml")
	got := paragraphs(t, doc)
	want := []string{"[" + nasty + "]", "г. Москва,\nул. Тверская, д. 1\nофис 5\tэтаж 2", "{{client.name}} ok"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("paragraphs = %q, want %q", got, want)
	}
	if !strings.Contains(doc, `&quot;A &amp; B&quot; &lt;Тест&gt; &apos;кавычки&apos; ]]&gt; &amp;amp;`) {
		t.Errorf("not escaped: %s", doc)
	}
	if strings.Count(doc, "<w:br/>") != 2 || strings.Count(doc, "<w:tab/>") != 1 {
		t.Errorf("line breaks and tab not written as w:br and w:tab: %s", doc)
	}
	// A value that looks like a placeholder stays text: the filled
	// document inspects as one with a placeholder, never expanded.
	if phs := mustInspect(t, out); len(phs) != 1 || phs[0] != "client.name @ body, paragraph 3" {
		t.Errorf("Inspect of the filled document = %q", phs)
	}
}

func TestMissingValueIsEmpty(t *testing.T) {
	docx := fixture{body: p("КПП: {{client.kpp}}.")}.build(t)
	out, err := Engine{}.Fill(docx, core.DocValues{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paragraphs(t, readPart(t, out, "word/document.xml")); !reflect.DeepEqual(got, []string{"КПП: ."}) {
		t.Errorf("got %q", got)
	}
}

// items is an invoice's lines table: a header row, the list's row (with a
// bookmark), a total.
var items = strings.Replace(tbl(
	[]string{"№", "Наименование", "Сумма"},
	[]string{"{{#items}}{{items.n}}", "{{items.name}} ({{doc.number}})", "{{items.amount}}{{/items}}"},
	[]string{"", "Итого", "{{deal.amount}}"},
), `<w:r><w:t xml:space="preserve">{{items.name}}`, `<w:bookmarkStart w:id="7" w:name="line"/><w:bookmarkEnd w:id="7"/><w:r><w:t xml:space="preserve">{{items.name}}`, 1)

func TestListRowsRepeat(t *testing.T) {
	docx := fixture{body: p("Счёт") + items + p("Конец")}.build(t)
	want := []string{
		"#items @ table 1, row 2, cell 1", "items.n @ table 1, row 2, cell 1", "items.name @ table 1, row 2, cell 2",
		"doc.number @ table 1, row 2, cell 2", "items.amount @ table 1, row 2, cell 3", "/items @ table 1, row 2, cell 3",
		"deal.amount @ table 1, row 3, cell 3",
	}
	if got := mustInspect(t, docx); !reflect.DeepEqual(got, want) {
		t.Fatalf("Inspect = %q, want %q", got, want)
	}
	v := core.DocValues{
		Values: map[string]string{"doc.number": "СЧ-1", "deal.amount": "300,00", "items.name": "не из строки"},
		Lists: map[string][]map[string]string{"items": {
			{"items.n": "1", "items.name": "Консультация", "items.amount": "100,00"},
			{"items.n": "2", "items.name": "Аудит & отчёт", "items.amount": "150,00"},
			{"items.n": "3", "items.name": "Выезд", "items.amount": "50,00"},
		}},
	}
	out, err := Engine{}.Fill(docx, v)
	if err != nil {
		t.Fatal(err)
	}
	doc := readPart(t, out, "word/document.xml")
	got := paragraphs(t, doc)
	wantP := []string{"Счёт", "№", "Наименование", "Сумма",
		"1", "Консультация (СЧ-1)", "100,00",
		"2", "Аудит & отчёт (СЧ-1)", "150,00",
		"3", "Выезд (СЧ-1)", "50,00",
		"", "Итого", "300,00", "Конец"}
	if !reflect.DeepEqual(got, wantP) {
		t.Fatalf("paragraphs = %q, want %q", got, wantP)
	}
	if n := strings.Count(doc, "<w:tr"); n != 5 {
		t.Errorf("%d rows, want 5", n)
	}
	// Word's paragraph ids and bookmarks stay unique: only the first copy
	// of the rows keeps them.
	if n := strings.Count(doc, `w14:paraId="1A2B3C4D"`); n != 3 {
		t.Errorf("%d rows with the paragraph id, want 3 (header, first line, total)", n)
	}
	if n := strings.Count(doc, `<w:bookmarkStart w:id="7" w:name="line"/>`); n != 1 {
		t.Errorf("the row's bookmark is there %d times", n)
	}

	// No elements: the list's row goes, the rest stays.
	out, err = Engine{}.Fill(docx, core.DocValues{Values: v.Values})
	if err != nil {
		t.Fatal(err)
	}
	got = paragraphs(t, readPart(t, out, "word/document.xml"))
	wantP = []string{"Счёт", "№", "Наименование", "Сумма", "", "Итого", "300,00", "Конец"}
	if !reflect.DeepEqual(got, wantP) {
		t.Fatalf("paragraphs = %q, want %q", got, wantP)
	}
}

func TestListOfSeveralRowsInHeaderTable(t *testing.T) {
	block := tbl(
		[]string{"{{#stages}}Этап {{stages.n}}", "{{stages.name}}"},
		[]string{"Срок", "{{stages.due}}{{/stages}}"},
	)
	docx := fixture{body: p("x"), headers: []string{block}}.build(t)
	out, err := Engine{}.Fill(docx, core.DocValues{Lists: map[string][]map[string]string{"stages": {
		{"stages.n": "1", "stages.name": "Анализ", "stages.due": "10.12.2026"},
		{"stages.n": "2", "stages.name": "Внедрение", "stages.due": "20.12.2026"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	got := paragraphs(t, readPart(t, out, "word/header1.xml"))
	want := []string{"Этап 1", "Анализ", "Срок", "10.12.2026", "Этап 2", "Внедрение", "Срок", "20.12.2026"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("header = %q, want %q", got, want)
	}
}

func TestBrokenPlaceholders(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		problem string
		ph      string
		where   string
	}{
		{"unclosed", p("Заказчик: {{client.name, в лице"), "unclosed", "{{client.name, в лице", "body, paragraph 1"},
		{"unclosed before another", p("x") + p("{{client.name и {{deal.title}}"), "unclosed", "{{client.name и", "body, paragraph 2"},
		{"empty", p("{{ }}"), "broken", "{{ }}", "body, paragraph 1"},
		{"empty tight", p("{{}}"), "broken", "{{}}", "body, paragraph 1"},
		{"double dot", p("{{client..name}}"), "broken", "{{client..name}}", "body, paragraph 1"},
		{"trailing dot", p("{{client.}}"), "broken", "{{client.}}", "body, paragraph 1"},
		{"space inside", p("{{client name}}"), "broken", "{{client name}}", "body, paragraph 1"},
		{"triple brace", p("{{{client.name}}}"), "broken", "{{{client.name}}", "body, paragraph 1"},
		{"single braces", p("x") + p("ИНН {client.inn}, КПП {{client.kpp}}"), "broken", "{client.inn}", "body, paragraph 2"},
		{"single braces with spaces", p("ИНН { client.inn }"), "broken", "{ client.inn }", "body, paragraph 1"},
		{"one closing brace", p("ИНН {{client.inn}, КПП {{client.kpp}}"), "broken", "{{client.inn}", "body, paragraph 1"},
		{"one opening brace", p("ИНН {client.inn}} и {{client.kpp}}"), "broken", "{client.inn}}", "body, paragraph 1"},
		{"single braces in a table", tbl([]string{"a", "{deal.amount}"}), "broken", "{deal.amount}", "table 1, row 1, cell 2"},
		{"stray end", p("ok {{a}}") + p("сумма }} рублей"), "broken", "}}", "body, paragraph 2"},
		{"tab inside", `<w:p><w:r><w:t>{{client</w:t><w:tab/><w:t>.name}}</w:t></w:r></w:p>`, "broken", "{{client\t.name}}", "body, paragraph 1"},
		{"split over paragraphs", p("{{client.") + p("name}}"), "unclosed", "{{client.", "body, paragraph 1"},
		{"in a table", tbl([]string{"a", "b"}, []string{"c", "{{deal..amount}}"}), "broken", "{{deal..amount}}", "table 1, row 2, cell 2"},
		{"list outside a table", p("{{#items}}{{items.name}}{{/items}}"), "list_mismatch", "#items", "body, paragraph 1"},
		{"list not closed", tbl([]string{"{{#items}}", "{{items.name}}"}), "list_mismatch", "#items", "table 1, row 1, cell 1"},
		{"list end alone", tbl([]string{"{{items.name}}{{/items}}"}), "list_mismatch", "/items", "table 1, row 1, cell 1"},
		{"list names differ", tbl([]string{"{{#items}}", "{{/lines}}"}), "list_mismatch", "/lines", "table 1, row 1, cell 2"},
		{"list across tables", tbl([]string{"{{#items}}"}) + tbl([]string{"{{/items}}"}), "list_mismatch", "/items", "table 2, row 1, cell 1"},
		{"list closed outside the table", tbl([]string{"{{#items}}"}) + p("{{/items}}"), "list_mismatch", "/items", "body, paragraph 1"},
		{"nested lists", tbl([]string{"{{#items}}", "{{#sub}}"}, []string{"{{/sub}}", "{{/items}}"}), "list_mismatch", "#items", "table 1, row 1, cell 1"},
		{"list value outside its rows", items + p("{{items.name}}"), "list_mismatch", "items.name", "body, paragraph 1"},
		{"header", "", "unclosed", "{{doc.number", "header1, paragraph 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fixture{body: c.body}
			if c.name == "header" {
				f = fixture{body: p("x"), headers: []string{p("Документ {{doc.number")}}
			}
			docx := f.build(t)
			_, err := Engine{}.Inspect(docx)
			var te *core.TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("Inspect error = %v, want a TemplateError", err)
			}
			if te.Problem != c.problem || te.Placeholder.Name != c.ph || te.Placeholder.Where != c.where {
				t.Errorf("got %s %q at %q, want %s %q at %q", te.Problem, te.Placeholder.Name, te.Placeholder.Where,
					c.problem, c.ph, c.where)
			}
			if te.Placeholder.Text == "" {
				t.Errorf("no text to recognize the paragraph")
			}
			// Fill refuses the same template the same way.
			if _, err := (Engine{}).Fill(docx, core.DocValues{}); !errors.As(err, &te) || te.Problem != c.problem {
				t.Errorf("Fill error = %v", err)
			}
		})
	}
}

func TestSingleBracesAreText(t *testing.T) {
	docx := fixture{body: p("Формула {x} и {y}, а {{deal.title}} {z")}.build(t)
	if got := mustInspect(t, docx); !reflect.DeepEqual(got, []string{"deal.title @ body, paragraph 1"}) {
		t.Errorf("Inspect = %q", got)
	}
	// but two closing braces together are a broken placeholder's end
	docx = fixture{body: p("Формула {y}} и {{deal.title}}")}.build(t)
	var te *core.TemplateError
	if _, err := (Engine{}).Inspect(docx); !errors.As(err, &te) || te.Problem != "broken" || te.Placeholder.Name != "}}" {
		t.Errorf("Inspect error = %v", err)
	}
}

func TestNotDOCXAndDamaged(t *testing.T) {
	good := fixture{body: p("{{client.name}}")}.build(t)
	noDoc := zipOf(t, zipEntry{"[Content_Types].xml", "<Types/>"}, zipEntry{"xl/workbook.xml", "<workbook/>"})
	badXML := zipOf(t, zipEntry{"word/document.xml", `<w:document ` + wNS + `><w:body><w:p><w:r><w:t>x</w:t></w:r></w:body></w:document>`})
	dtd := zipOf(t, zipEntry{"word/document.xml", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><w:document ` + wNS + `/>`})
	badEntity := zipOf(t, zipEntry{"word/document.xml", `<w:document ` + wNS + `><w:body><w:p><w:r><w:t>&nbsp;</w:t></w:r></w:p></w:body></w:document>`})
	badRels := zipOf(t, zipEntry{"word/document.xml", `<w:document ` + wNS + `/>`}, zipEntry{"word/_rels/document.xml.rels", "<Relationships"})
	ctrl := zipOf(t, zipEntry{"word/document.xml", `<w:document ` + wNS + `><w:body>` + "<w:p><w:r><w:t>a\x01b</w:t></w:r></w:p>" + `</w:body></w:document>`})
	latin1 := zipOf(t, zipEntry{"word/document.xml", `<w:document ` + wNS + `><w:body>` + "<w:p><w:r><w:t>\xe9t\xe9</w:t></w:r></w:p>" + `</w:body></w:document>`})
	corrupt := append([]byte(nil), good...)
	// Flip a byte inside the compressed document.xml: its checksum fails.
	i := bytes.Index(corrupt, []byte("word/document.xml")) + len("word/document.xml") + 20
	corrupt[i] ^= 0xFF

	cases := []struct {
		name     string
		data     []byte
		notDOCX  bool
		where    string
		contains string
	}{
		{"empty", nil, true, "", "not a zip"},
		{"text", []byte("Договор\nпросто текст"), true, "", "not a zip"},
		{"old .doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), true, "", ".doc"},
		{"xlsx", noDoc, true, "", "no word/document.xml"},
		{"truncated", good[:len(good)/2], false, "zip", ""},
		{"checksum", corrupt, false, "word/document.xml", ""},
		{"bad xml", badXML, false, "word/document.xml", ""},
		{"dtd", dtd, false, "word/document.xml", ""},
		{"bad entity", badEntity, false, "word/document.xml", ""},
		{"bad rels", badRels, false, "word/_rels/document.xml.rels", ""},
		{"control character", ctrl, false, "word/document.xml", ""},
		{"not UTF-8", latin1, false, "word/document.xml", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, op := range []string{"Inspect", "Fill"} {
				var err error
				if op == "Inspect" {
					_, err = Engine{}.Inspect(c.data)
				} else {
					_, err = Engine{}.Fill(c.data, core.DocValues{})
				}
				if err == nil {
					t.Fatalf("%s: no error", op)
				}
				var te *core.TemplateError
				if c.notDOCX {
					if !errors.Is(err, ErrNotDOCX) || errors.As(err, &te) || !strings.Contains(err.Error(), c.contains) {
						t.Errorf("%s: %v, want ErrNotDOCX (%s)", op, err, c.contains)
					}
					continue
				}
				if !errors.As(err, &te) || te.Problem != "damaged" || te.Placeholder.Where != c.where {
					t.Errorf("%s: %#v, want damaged at %s", op, err, c.where)
				}
			}
		})
	}
}

// TestUntouchedPartsCopiedByteForByte: every entry but the edited parts
// keeps its compressed bytes and header; the order of entries stays.
func TestUntouchedPartsCopiedByteForByte(t *testing.T) {
	docx := fixture{body: p("{{client.name}}"), headers: []string{p("без полей")}, footers: []string{p("{{doc.number}}")}}.build(t)
	out, err := Engine{}.Fill(docx, core.DocValues{Values: map[string]string{"client.name": "А", "doc.number": "Б"}})
	if err != nil {
		t.Fatal(err)
	}
	in := entries(t, docx)
	res := entries(t, out)
	if len(in) != len(res) {
		t.Fatalf("%d entries, want %d", len(res), len(in))
	}
	edited := map[string]bool{"word/document.xml": true, "word/footer1.xml": true}
	for i := range in {
		if in[i].name != res[i].name {
			t.Fatalf("entry %d is %s, want %s", i, res[i].name, in[i].name)
		}
		same := bytes.Equal(in[i].raw, res[i].raw) && in[i].crc == res[i].crc
		if edited[in[i].name] == same {
			t.Errorf("%s: copied as is = %v", in[i].name, same)
		}
	}
}

type rawEntry struct {
	name string
	raw  []byte
	crc  uint32
}

func entries(t *testing.T, docx []byte) []rawEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	var out []rawEntry
	for _, f := range zr.File {
		r, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rawEntry{f.Name, b, f.CRC32})
		// and every entry still reads with a good checksum
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	return out
}

// TestByteOrderMark: a part that starts with a UTF-8 byte order mark.
func TestByteOrderMark(t *testing.T) {
	docx := zipOf(t, zipEntry{"word/document.xml", "\xEF\xBB\xBF" + `<?xml version="1.0" encoding="UTF-8"?>` +
		`<w:document ` + wNS + `><w:body>` + p("{{deal.title}}") + `</w:body></w:document>`})
	if got := mustInspect(t, docx); !reflect.DeepEqual(got, []string{"deal.title @ body, paragraph 1"}) {
		t.Fatalf("Inspect = %q", got)
	}
	out, err := Engine{}.Fill(docx, core.DocValues{Values: map[string]string{"deal.title": "Аудит"}})
	if err != nil {
		t.Fatal(err)
	}
	if doc := readPart(t, out, "word/document.xml"); !strings.HasPrefix(doc, "\xEF\xBB\xBF<?xml") || !strings.Contains(doc, ">Аудит<") {
		t.Errorf("document = %q", doc)
	}
}

// TestOtherPrefixAndTextBox: a generator that binds WordprocessingML to
// another prefix, and a text box's paragraphs inside a run.
func TestOtherPrefixAndTextBox(t *testing.T) {
	doc := `<?xml version="1.0"?><ns0:document xmlns:ns0="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><ns0:body>` +
		`<ns0:p><ns0:r><ns0:t>{{client.</ns0:t></ns0:r><ns0:r><ns0:t>inn}}</ns0:t></ns0:r>` +
		`<ns0:r><ns0:pict><ns0:txbxContent><ns0:p><ns0:r><ns0:t>в рамке {{deal.title}}</ns0:t></ns0:r></ns0:p></ns0:txbxContent></ns0:pict></ns0:r>` +
		`<ns0:r><ns0:t xml:space="preserve"> после</ns0:t></ns0:r></ns0:p>` +
		`</ns0:body></ns0:document>`
	docx := zipOf(t, zipEntry{"word/document.xml", doc})
	want := []string{"deal.title @ body, paragraph 1, text box", "client.inn @ body, paragraph 1"}
	if got := mustInspect(t, docx); !reflect.DeepEqual(got, want) {
		t.Fatalf("Inspect = %q, want %q", got, want)
	}
	out, err := Engine{}.Fill(docx, core.DocValues{Values: map[string]string{"client.inn": "7707083893", "deal.title": "Аудит"}})
	if err != nil {
		t.Fatal(err)
	}
	got := readPart(t, out, "word/document.xml")
	if !strings.Contains(got, `<ns0:t xml:space="preserve">7707083893</ns0:t>`) ||
		!strings.Contains(got, `<ns0:t xml:space="preserve">в рамке Аудит</ns0:t>`) {
		t.Errorf("document = %s", got)
	}
	if err := checkXML([]byte(got)); err != nil {
		t.Error(err)
	}
}

// TestPlaceholdersSharingRuns: one run ends a placeholder and starts the
// next; the values go to the runs the placeholders start in.
func TestPlaceholdersSharingRuns(t *testing.T) {
	body := `<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>ИНН {{client.</w:t></w:r>` +
		`<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">inn}} / {{client</w:t></w:r>` +
		`<w:r><w:t>.kpp}}</w:t></w:r></w:p>`
	docx := fixture{body: body}.build(t)
	if got := mustInspect(t, docx); !reflect.DeepEqual(got, []string{"client.inn @ body, paragraph 1", "client.kpp @ body, paragraph 1"}) {
		t.Fatalf("Inspect = %q", got)
	}
	out, err := Engine{}.Fill(docx, core.DocValues{Values: map[string]string{"client.inn": " 7707083893", "client.kpp": "773601001 "}})
	if err != nil {
		t.Fatal(err)
	}
	doc := readPart(t, out, "word/document.xml")
	if got := paragraphs(t, doc); !reflect.DeepEqual(got, []string{"ИНН  7707083893 / 773601001 "}) {
		t.Fatalf("paragraphs = %q", got)
	}
	if r := runWith(t, doc, "7707083893"); !strings.Contains(r, "<w:b/>") {
		t.Errorf("client.inn is not in the bold run: %s", r)
	}
	if r := runWith(t, doc, "773601001"); !strings.Contains(r, "<w:i/>") {
		t.Errorf("client.kpp is not in the italic run: %s", r)
	}
}
