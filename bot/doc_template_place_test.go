package bot_test

import (
	"regexp"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// placedEngine refuses every template with one problem at one place, as
// adapters/docx reports it: Where in English (for logs) and the fields.
type placedEngine struct {
	fakeEngine
	err *core.TemplateError
}

func (e placedEngine) Inspect([]byte) ([]core.Placeholder, error) { return nil, e.err }

// englishPlace matches the adapter's English place words.
var englishPlace = regexp.MustCompile(`(?i)\b(body|header|footer|footnotes|endnotes|table|row|cell|paragraph|text box)\b`)

// TestRefusedTemplateNamesThePlaceInRussian: a refused template's message
// names where the field is in the user's words — the part, table, row,
// cell, paragraph, text box — not in the adapter's English.
func TestRefusedTemplateNamesThePlaceInRussian(t *testing.T) {
	cases := []struct {
		name string
		err  *core.TemplateError
		want string
	}{
		{"body table", &core.TemplateError{Problem: "broken", Placeholder: core.Placeholder{Name: "{{deal..amount}}",
			Where: "table 1, row 1, cell 2", Part: "body", Table: 1, Row: 1, Cell: 2, Text: "{{deal..amount}}"}},
			"сломано поле «{{deal..amount}}» — основной текст, таблица 1, строка 1, ячейка 2: «{{deal..amount}}»"},
		{"header table", &core.TemplateError{Problem: "unclosed", Placeholder: core.Placeholder{Name: "{{doc.number",
			Where: "header2, table 1, row 3, cell 1", Part: "header2", Table: 1, Row: 3, Cell: 1, Text: "№ {{doc.number"}},
			"не закрыто поле «{{doc.number» — верхний колонтитул 2, таблица 1, строка 3, ячейка 1: «№ {{doc.number»"},
		{"footer", &core.TemplateError{Problem: "broken", Placeholder: core.Placeholder{Name: "}}",
			Where: "footer1, paragraph 2", Part: "footer1", Paragraph: 2, Text: "стр. }}"}},
			"сломано поле «}}» — нижний колонтитул 1, абзац 2: «стр. }}»"},
		{"text box", &core.TemplateError{Problem: "list_mismatch", Placeholder: core.Placeholder{Name: "#items",
			Where: "body, paragraph 4, text box", Part: "body", Paragraph: 4, TextBox: true, Text: "{{#items}}"}},
			"начало и конец списка не совпадают «#items» — основной текст, абзац 4, надпись: «{{#items}}»"},
		{"footnotes", &core.TemplateError{Problem: "broken", Placeholder: core.Placeholder{Name: "{client.inn}",
			Where: "footnotes, paragraph 1", Part: "footnotes", Paragraph: 1, Text: "ИНН {client.inn}"}},
			"сломано поле «{client.inn}» — сноски, абзац 1: «ИНН {client.inn}»"},
	}
	w := newDocWorld(t)
	for _, c := range cases {
		w.reopen(core.WithDocEngine(placedEngine{err: c.err}), core.WithPDF(fakePDF{}))
		f := w.fc.put("Договор.docx", []byte(fakeDOCX+"x"))
		got := w.sendFile(w.fc, "admin", "/template договор", f)
		wantText(t, got, "Шаблон не принят: "+c.want)
		if m := englishPlace.FindString(dump(got)); m != "" {
			t.Errorf("%s: English place word %q in%s", c.name, m, dump(got))
		}
	}
}

// TestUnknownFieldPlaceInRussian: a field core does not know is named with
// its place in Russian too (the check in core, not the adapter's refusal).
func TestUnknownFieldPlaceInRussian(t *testing.T) {
	w := newDocWorld(t)
	f := w.fc.put("Счёт.docx", []byte(fakeDOCX+"Счёт\nИтого {{deal.amout}}"))
	got := w.sendFile(w.fc, "admin", "/template счёт", f)
	wantText(t, got, "неизвестное поле «deal.amout» — основной текст, абзац 2: «Итого {{deal.amout}}»")
	if m := englishPlace.FindString(dump(got)); m != "" {
		t.Errorf("English place word %q in%s", m, dump(got))
	}
}
