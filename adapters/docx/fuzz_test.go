package docx

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// FuzzFillBody fills a document whose body is the fuzzer's XML: never a
// panic; a template Inspect accepts fills into well-formed parts in which
// brace-free values leave no placeholder.
func FuzzFillBody(f *testing.F) {
	f.Add(splitName, "ООО «Ромашка»")
	f.Add(items, "x & y")
	f.Add(p("{{a}}{{b}}")+tbl([]string{"{{#l}}{{l.x}}", "{{/l}}"}), "a\nb\tc")
	f.Add(`<w:p><w:r><w:t>{{a</w:t></w:r><w:r><w:t>}}</w:t><w:br/></w:r></w:p>`, "1")
	f.Add(`<w:p><w:r><w:t><![CDATA[{{a}}]]></w:t></w:r></w:p>`, "<>")
	f.Add(`<w:p><w:r><w:t>&#123;&#123;a&#x7D;}</w:t></w:r></w:p>`, "v")
	f.Add(`<w:p><w:r><w:t>x</w:t><!-- c --></w:r><?pi x?></w:p>`, "")
	f.Fuzz(func(t *testing.T, body, value string) {
		docx := fixture{body: body, headers: []string{body}}.build(t)
		phs, ierr := Engine{}.Inspect(docx)
		v := core.DocValues{Values: map[string]string{}, Lists: map[string][]map[string]string{}}
		for _, ph := range phs {
			v.Values[ph.Name] = value
			if strings.HasPrefix(ph.Name, "#") {
				v.Lists[ph.Name[1:]] = []map[string]string{{}, {}}
			}
		}
		out, err := Engine{}.Fill(docx, v)
		if err != nil {
			return
		}
		for _, name := range []string{"word/document.xml", "word/header1.xml"} {
			part := []byte(readPart(t, out, name))
			// Fill never breaks what it accepted: the strict check of a
			// template Inspect accepted, its own scanner's of others.
			if ierr == nil {
				if err := checkXML(part); err != nil {
					t.Fatalf("%s of the filled document: %v", name, err)
				}
			} else if _, err := parsePart(name, "body", part); err != nil {
				if _, ok := err.(*syntaxError); ok {
					t.Fatalf("%s of the filled document: %v", name, err)
				}
			}
		}
		if ierr != nil {
			return
		}
		if value != "" && !strings.ContainsAny(value, "{}") {
			if phs, err := (Engine{}).Inspect(out); err == nil && len(phs) > 0 && !strings.Contains(body, "txbx") {
				t.Fatalf("placeholders left after Fill: %v", phs)
			}
		}
	})
}

// FuzzPackage throws damaged packages at both methods: never a panic, and
// whatever Fill returns is a readable zip.
func FuzzPackage(f *testing.F) {
	f.Add(fixture{body: splitName + items, headers: []string{p("{{doc.number}}")}}.build(f))
	f.Add(fixture{body: p("x")}.build(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Engine{}.Inspect(data)
		out, err := Engine{}.Fill(data, core.DocValues{Values: map[string]string{"doc.number": "1"}})
		if err != nil {
			return
		}
		if _, err := zip.NewReader(bytes.NewReader(out), int64(len(out))); err != nil {
			t.Fatalf("Fill returned no zip: %v", err)
		}
	})
}
