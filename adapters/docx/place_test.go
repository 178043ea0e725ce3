package docx

import (
	"errors"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// The adapter gives core each placeholder's place as fields, so that the
// chat can name it in the user's language; Where stays for logs.
func TestPlaceholderPlaceFields(t *testing.T) {
	docx := fixture{
		body: p("Счёт {{doc.number}}") + tbl([]string{"ИНН", "{{client.inn}}"}) +
			`<w:p><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>в рамке {{deal.title}}</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>`,
		headers:   []string{p("x"), tbl([]string{"a"}, []string{"b", "{{company.name}}"})},
		footers:   []string{p("Страница {{manager.name}}")},
		footnotes: `<w:footnote w:id="1">` + p("Сноска {{doc.date}}") + `</w:footnote>`,
	}.build(t)
	phs, err := Engine{}.Inspect(docx)
	if err != nil {
		t.Fatal(err)
	}
	want := []core.Placeholder{
		{Name: "doc.number", Part: "body", Paragraph: 1},
		{Name: "client.inn", Part: "body", Table: 1, Row: 1, Cell: 2},
		{Name: "deal.title", Part: "body", Paragraph: 2, TextBox: true},
		{Name: "company.name", Part: "header2", Table: 1, Row: 2, Cell: 2},
		{Name: "manager.name", Part: "footer1", Paragraph: 1},
		{Name: "doc.date", Part: "footnotes", Paragraph: 1},
	}
	if len(phs) != len(want) {
		t.Fatalf("Inspect = %+v, want %d placeholders", phs, len(want))
	}
	for i, ph := range phs {
		if ph.Where == "" || ph.Text == "" {
			t.Errorf("%s: no Where or Text: %+v", ph.Name, ph)
		}
		ph.Where, ph.Text = "", ""
		if ph != want[i] {
			t.Errorf("placeholder %d = %+v, want %+v", i, ph, want[i])
		}
	}
}

func TestTemplateErrorPlaceFields(t *testing.T) {
	cases := []struct {
		name string
		f    fixture
		want core.Placeholder
	}{
		{"body", fixture{body: p("x") + p("{{client..name}}")}, core.Placeholder{Part: "body", Paragraph: 2}},
		{"table", fixture{body: tbl([]string{"a", "b"}, []string{"c", "{{deal..amount}}"})},
			core.Placeholder{Part: "body", Table: 1, Row: 2, Cell: 2}},
		{"header", fixture{body: p("x"), headers: []string{p("Документ {{doc.number")}},
			core.Placeholder{Part: "header1", Paragraph: 1}},
		{"list", fixture{body: tbl([]string{"{{#items}}", "{{/lines}}"})},
			core.Placeholder{Part: "body", Table: 1, Row: 1, Cell: 2}},
	}
	for _, c := range cases {
		_, err := Engine{}.Inspect(c.f.build(t))
		var te *core.TemplateError
		if !errors.As(err, &te) {
			t.Fatalf("%s: Inspect error = %v, want a TemplateError", c.name, err)
		}
		got := te.Placeholder
		got.Name, got.Text, got.Where = "", "", ""
		if got != c.want {
			t.Errorf("%s: place %+v, want %+v", c.name, got, c.want)
		}
	}
}
