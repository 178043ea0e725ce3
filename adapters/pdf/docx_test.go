package pdf

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The tests build their DOCX files here: the smallest package Word and
// LibreOffice open (content types, relationships, document, styles).

const (
	ctTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`
	pkgRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	docRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	// Times New Roman 12 pt, as Russian contracts are typeset; without the
	// font LibreOffice substitutes one (DejaVu Serif, PT Serif) that has
	// Cyrillic and ₽.
	styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="24"/><w:lang w:val="ru-RU"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults></w:styles>`
	docStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`
	docEnd = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>`
)

// xmlText escapes text for a w:t element.
func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// para is a paragraph; bold and centred for a heading.
func para(text string, heading bool) string {
	ppr, rpr := "", ""
	if heading {
		ppr, rpr = `<w:pPr><w:jc w:val="center"/></w:pPr>`, `<w:rPr><w:b/></w:rPr>`
	}
	return `<w:p>` + ppr + `<w:r>` + rpr + `<w:t xml:space="preserve">` + xmlText(text) + `</w:t></w:r></w:p>`
}

// table is a table with borders, one paragraph per cell.
func table(rows [][]string) string {
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(&b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders></w:tblPr>`)
	for _, row := range rows {
		b.WriteString(`<w:tr>`)
		for _, cell := range row {
			b.WriteString(`<w:tc>` + para(cell, false) + `</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	return b.String()
}

// buildDOCX packs a document body (paragraphs and tables) into a DOCX.
func buildDOCX(t testing.TB, body string) []byte {
	t.Helper()
	return zipParts(t, map[string]string{
		"[Content_Types].xml":          ctTypes,
		"_rels/.rels":                  pkgRels,
		"word/_rels/document.xml.rels": docRels,
		"word/styles.xml":              styles,
		"word/document.xml":            docStart + body + docEnd,
	})
}

func zipParts(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/styles.xml", "word/document.xml"} {
		data, ok := parts[name]
		if !ok {
			continue
		}
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sampleDOCX is a short contract page: Cyrillic, «₽», the amount in words
// and a table.
func sampleDOCX(t testing.TB, marker string) []byte {
	t.Helper()
	return buildDOCX(t, para("ДОГОВОР № ДГ-2026-0001 "+marker, true)+
		para("ООО «Ромашка», ИНН 7707083893, именуемое в дальнейшем «Заказчик», заключило настоящий договор.", false)+
		para("Цена договора: 1 234 567,89 ₽ (один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек), в т.ч. НДС 22 %.", false)+
		table([][]string{
			{"№", "Наименование", "Сумма"},
			{"1", "Сопровождение сделки", "1 234 567,89 ₽"},
		}))
}

// contractDOCX is a five-page services contract like the built-in one: ten
// sections of clauses and the parties' requisites in a table (A4, Times New
// Roman 12 pt; BenchmarkLibreOfficeContract checks the page count).
func contractDOCX(t testing.TB) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString(para("ДОГОВОР ОКАЗАНИЯ УСЛУГ № ДГ-2026-0001", true))
	b.WriteString(para("г. Москва                                                                                  1 декабря 2026 г.", false))
	b.WriteString(para("Общество с ограниченной ответственностью «Ромашка» (ИНН 7707083893, КПП 770701001, ОГРН 1027700132195), "+
		"именуемое в дальнейшем «Заказчик», в лице генерального директора Иванова Ивана Ивановича, действующего на основании Устава, "+
		"с одной стороны, и Общество с ограниченной ответственностью «Сделка» (ИНН 7736207543), именуемое в дальнейшем «Исполнитель», "+
		"в лице генерального директора Петрова Петра Петровича, действующего на основании Устава, с другой стороны, "+
		"заключили настоящий договор о нижеследующем.", false))
	sections := []string{"ПРЕДМЕТ ДОГОВОРА", "ПРАВА И ОБЯЗАННОСТИ СТОРОН", "ЦЕНА И ПОРЯДОК РАСЧЁТОВ", "ПОРЯДОК СДАЧИ И ПРИЁМКИ УСЛУГ",
		"ОТВЕТСТВЕННОСТЬ СТОРОН", "КОНФИДЕНЦИАЛЬНОСТЬ", "ОБСТОЯТЕЛЬСТВА НЕПРЕОДОЛИМОЙ СИЛЫ", "ПОРЯДОК РАЗРЕШЕНИЯ СПОРОВ",
		"СРОК ДЕЙСТВИЯ ДОГОВОРА", "ЗАКЛЮЧИТЕЛЬНЫЕ ПОЛОЖЕНИЯ"}
	clause := "Исполнитель обязуется оказать Заказчику услуги по сопровождению сделки в объёме и в сроки, предусмотренные " +
		"настоящим договором и приложениями к нему, а Заказчик обязуется принять и оплатить оказанные услуги. Стороны " +
		"руководствуются Гражданским кодексом Российской Федерации, а во всём, что не предусмотрено договором, — обычаями делового оборота."
	for i, s := range sections {
		b.WriteString(para(fmt.Sprintf("%d. %s", i+1, s), true))
		clauses := 3
		if i == 2 { // the price and payment section is the longest
			clauses = 4
		}
		for j := 1; j <= clauses; j++ {
			text := fmt.Sprintf("%d.%d. %s", i+1, j, clause)
			if i == 2 && j == 1 {
				text = "3.1. Цена договора составляет 1 234 567,89 ₽ (один миллион двести тридцать четыре тысячи пятьсот " +
					"шестьдесят семь рублей 89 копеек), в том числе НДС 22 % — 222 625,85 ₽."
			}
			b.WriteString(para(text, false))
		}
	}
	b.WriteString(para("11. РЕКВИЗИТЫ И ПОДПИСИ СТОРОН", true))
	b.WriteString(table([][]string{
		{"Заказчик", "Исполнитель"},
		{"ООО «Ромашка»", "ООО «Сделка»"},
		{"ИНН 7707083893, КПП 770701001", "ИНН 7736207543, КПП 773601001"},
		{"119021, г. Москва, ул. Льва Толстого, д. 16", "117312, г. Москва, ул. Вавилова, д. 19"},
		{"р/с 40702810938000000001 в ПАО Сбербанк, БИК 044525225", "р/с 40702810100000000002 в АО «Т-Банк», БИК 044525974"},
		{"Генеральный директор ____________ И. И. Иванов", "Генеральный директор ____________ П. П. Петров"},
	}))
	return buildDOCX(t, b.String())
}

func TestCheckDOCX(t *testing.T) {
	good := sampleDOCX(t, "")
	if err := checkDOCX(good); err != nil {
		t.Fatalf("a valid DOCX refused: %v", err)
	}
	xlsxTypes := strings.Replace(ctTypes, "wordprocessingml.document.main", "spreadsheetml.sheet.main", 1)
	bad := map[string][]byte{
		"not a zip":       []byte("Договор в виде текста, не DOCX"),
		"truncated":       good[:len(good)/2],
		"empty":           nil,
		"no rels":         zipParts(t, map[string]string{"[Content_Types].xml": ctTypes, "word/document.xml": docStart + docEnd}),
		"no main part":    zipParts(t, map[string]string{"[Content_Types].xml": ctTypes, "_rels/.rels": pkgRels}),
		"spreadsheet":     zipParts(t, map[string]string{"[Content_Types].xml": xlsxTypes, "_rels/.rels": pkgRels, "word/document.xml": docStart + docEnd}),
		"no content type": zipParts(t, map[string]string{"_rels/.rels": pkgRels, "word/document.xml": docStart + docEnd}),
	}
	for name, data := range bad {
		err := checkDOCX(data)
		if !errors.Is(err, ErrNotDOCX) {
			t.Errorf("%s: got %v, want ErrNotDOCX", name, err)
		}
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"ДГ-2026-0001 v2":        "-2026-0001_v2",
		"contract.v1":            "contract.v1",
		"../../etc/passwd":       "etc_passwd",
		"":                       "document",
		"Счёт":                   "document",
		strings.Repeat("a", 100): strings.Repeat("a", 64),
	} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}
