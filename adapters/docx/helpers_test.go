package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
)

// Test fixtures are built here, part by part, the way Word writes them.

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
	`xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" ` +
	`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="w14"`

type zipEntry struct {
	name string
	data string
}

// zipOf writes the entries in order.
func zipOf(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fixture is a DOCX package: a body and optional headers and footers
// (their inner XML: paragraphs and tables).
type fixture struct {
	body      string
	headers   []string
	footers   []string
	footnotes string
}

func (f fixture) build(t testing.TB) []byte {
	t.Helper()
	ct := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>`
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	var sect strings.Builder
	var parts []zipEntry
	id := 1
	for i, h := range f.headers {
		n := "header" + itoa(i+1) + ".xml"
		ct += `<Override PartName="/word/` + n + `" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>`
		rels += `<Relationship Id="rId` + itoa(id) + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="` + n + `"/>`
		kind := "default"
		if i == 1 {
			kind = "first"
		}
		sect.WriteString(`<w:headerReference w:type="` + kind + `" r:id="rId` + itoa(id) + `"/>`)
		parts = append(parts, zipEntry{"word/" + n, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<w:hdr ` + wNS + `>` + h + `</w:hdr>`})
		id++
	}
	for i, h := range f.footers {
		n := "footer" + itoa(i+1) + ".xml"
		ct += `<Override PartName="/word/` + n + `" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>`
		rels += `<Relationship Id="rId` + itoa(id) + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="/word/` + n + `"/>`
		sect.WriteString(`<w:footerReference w:type="default" r:id="rId` + itoa(id) + `"/>`)
		parts = append(parts, zipEntry{"word/" + n, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<w:ftr ` + wNS + `>` + h + `</w:ftr>`})
		id++
	}
	if f.footnotes != "" {
		ct += `<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>`
		rels += `<Relationship Id="rId` + itoa(id) + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>`
		parts = append(parts, zipEntry{"word/footnotes.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<w:footnotes ` + wNS + `>` + f.footnotes + `</w:footnotes>`})
		id++
	}
	rels += `<Relationship Id="rId` + itoa(id) + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.com/{{x}}" TargetMode="External"/>`
	ct += `</Types>`
	rels += `</Relationships>`
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document ` + wNS + `><w:body>` + f.body +
		`<w:sectPr>` + sect.String() + `<w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
	entries := []zipEntry{
		{"[Content_Types].xml", ct},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
			`</Relationships>`},
		{"word/document.xml", doc},
		{"word/_rels/document.xml.rels", rels},
	}
	entries = append(entries, parts...)
	entries = append(entries, zipEntry{"docProps/app.xml", `<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>{{not.a.part}}</Application></Properties>`})
	return zipOf(t, entries...)
}

func itoa(i int) string { return strconv.Itoa(i) }

// p is a paragraph of one plain run.
func p(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + xmlEsc(text) + `</w:t></w:r></w:p>`
}

func xmlEsc(s string) string { return string(escapeText(nil, s)) }

// tbl is a table of rows of cells, each cell a paragraph.
func tbl(rows ...[]string) string {
	var sb strings.Builder
	sb.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>`)
	for _, r := range rows {
		sb.WriteString(`<w:tr w14:paraId="1A2B3C4D">`)
		for _, c := range r {
			sb.WriteString(`<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>` + p(c) + `</w:tc>`)
		}
		sb.WriteString(`</w:tr>`)
	}
	sb.WriteString(`</w:tbl>`)
	return sb.String()
}

// readPart returns a part of a package.
func readPart(t testing.TB, docx []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no %s in the package", name)
	return ""
}

// paragraphs reads the text of every paragraph of a part the way Word
// shows it: w:t text, w:br as "\n", w:tab as "\t"; nested paragraphs (in
// text boxes) come after their container.
func paragraphs(t testing.TB, part string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(part))
	var out []string
	var stack []*strings.Builder
	inT := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the part is no well-formed XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Space != nsW {
				continue
			}
			switch e.Name.Local {
			case "p":
				stack = append(stack, &strings.Builder{})
			case "t":
				inT = true
			case "br", "cr":
				if len(stack) > 0 {
					stack[len(stack)-1].WriteString("\n")
				}
			case "tab":
				if len(stack) > 0 {
					stack[len(stack)-1].WriteString("\t")
				}
			}
		case xml.EndElement:
			if e.Name.Space != nsW {
				continue
			}
			switch e.Name.Local {
			case "p":
				out = append(out, stack[len(stack)-1].String())
				stack = stack[:len(stack)-1]
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT && len(stack) > 0 {
				stack[len(stack)-1].Write(e)
			}
		}
	}
	return out
}

// runWith returns the run (from <w:r> to </w:r>) whose text contains s.
func runWith(t testing.TB, part, s string) string {
	t.Helper()
	i := strings.Index(part, s)
	if i < 0 {
		t.Fatalf("%q not in the part", s)
	}
	a := max(strings.LastIndex(part[:i], "<w:r>"), strings.LastIndex(part[:i], "<w:r "))
	b := strings.Index(part[i:], "</w:r>")
	if a < 0 || b < 0 {
		t.Fatalf("%q is in no run", s)
	}
	return part[a : i+b+len("</w:r>")]
}

func mustInspect(t testing.TB, docx []byte) []string {
	t.Helper()
	phs, err := Engine{}.Inspect(docx)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	var out []string
	for _, ph := range phs {
		out = append(out, ph.Name+" @ "+ph.Where)
	}
	return out
}
