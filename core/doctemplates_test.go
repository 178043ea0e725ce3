package core_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// activeTemplates lists the templates in use, by kind.
func activeTemplates(t *testing.T, o *docOffice) map[core.DocKind]*core.DocTemplate {
	t.Helper()
	ts, err := o.svc.Templates(o.ctx(), o.officer)
	if err != nil {
		t.Fatal(err)
	}
	out := map[core.DocKind]*core.DocTemplate{}
	for _, tm := range ts {
		if tm.Active {
			if out[tm.Kind] != nil {
				t.Errorf("two templates of %s in use", tm.Kind)
			}
			out[tm.Kind] = tm
		}
	}
	return out
}

// TestSeedTemplates: the built-in templates are stored once, in use, and
// a second start adds nothing.
func TestSeedTemplates(t *testing.T) {
	o := newDocOffice(t)
	ts, _ := o.svc.Templates(o.ctx(), o.officer)
	if len(ts) != 3 {
		t.Fatalf("templates = %d", len(ts))
	}
	active := activeTemplates(t, o)
	c := active[core.DocContract]
	if c == nil || !c.Builtin || c.Name != "Договор" || !slices.Contains(c.Placeholders, "deal.amount_words") ||
		!slices.Contains(c.Placeholders, "#items") {
		t.Fatalf("contract template = %+v", c)
	}
	if active[core.DocSupplement] != nil {
		t.Error("a supplement template without a built-in one")
	}
	if err := o.svc.SeedTemplates(o.ctx()); err != nil {
		t.Fatal(err)
	}
	if ts2, _ := o.svc.Templates(o.ctx(), o.officer); len(ts2) != 3 {
		t.Errorf("a second seed made %d templates", len(ts2))
	}
	checkStamp(t, o.changes(core.EntityTemplate, c.ID), core.Actor{Source: "builtin"}, "builtin")
}

// TestAddTemplate: an admin's template replaces the kind's template in
// use; the same file again changes nothing; a new built-in does not push
// an admin's template aside.
func TestAddTemplate(t *testing.T) {
	o := newDocOffice(t)
	builtin := activeTemplates(t, o)[core.DocProposal]
	docx := makeDOCX(t, "Коммерческое предложение {{doc.number}}", "{{client.full_name}}: {{deal.amount_words}}")
	_, err := o.svc.AddTemplate(o.ctx(), o.officer, core.DocProposal, "КП", docx)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	tm, err := o.svc.AddTemplate(o.ctx(), o.admin, core.DocProposal, "КП 2027.docx", docx)
	if err != nil {
		t.Fatal(err)
	}
	if tm.Name != "КП 2027" || tm.Builtin || !tm.Active || tm.AddedBy != o.admin.ID() ||
		!slices.Equal(tm.Placeholders, []string{"doc.number", "client.full_name", "deal.amount_words"}) {
		t.Fatalf("template = %+v", tm)
	}
	if got := activeTemplates(t, o)[core.DocProposal]; got.ID != tm.ID {
		t.Errorf("in use: %+v", got)
	}
	again, err := o.svc.AddTemplate(o.ctx(), o.admin, core.DocProposal, "КП копия", docx)
	if err != nil || again.ID != tm.ID {
		t.Errorf("the same file again = %+v, %v", again, err)
	}
	c := change(t, o.changes(core.EntityTemplate, builtin.ID), "active")
	if c.Old != "true" || c.New != "false" || c.ActorID != o.admin.ID() {
		t.Errorf("built-in's audit = %+v", c)
	}
	d := o.produced(core.DocProposal)
	if d.Current().TemplateID != tm.ID {
		t.Errorf("produced from template %d", d.Current().TemplateID)
	}

	// A release with a new built-in proposal keeps the admin's in use.
	o2 := o.reopenWith(t, core.DocProposal, makeDOCX(t, "КП {{doc.number}} v2"))
	if got := activeTemplates(t, o2)[core.DocProposal]; got.ID != tm.ID {
		t.Errorf("in use after a new built-in: %+v", got)
	}
	// The built-in contract, changed in a release, is the new one in use.
	o3 := o.reopenWith(t, core.DocContract, makeDOCX(t, "Договор {{doc.number}} v2"))
	if got := activeTemplates(t, o3)[core.DocContract]; !got.Builtin || !slices.Equal(got.Placeholders, []string{"doc.number"}) {
		t.Errorf("contract in use after a new built-in: %+v", got)
	}
}

// reopenWith is the office's store under a service whose built-in
// template of the kind is docx, seeded as at a start.
func (o *docOffice) reopenWith(t *testing.T, kind core.DocKind, docx []byte) *docOffice {
	t.Helper()
	svc := core.NewService(o.db, core.WithDocEngine(fakeEngine{}),
		core.WithBuiltinTemplates(map[core.DocKind][]byte{kind: docx}))
	if err := svc.SeedTemplates(o.ctx()); err != nil {
		t.Fatal(err)
	}
	reopened := *o
	inner := *o.office
	inner.svc = svc
	reopened.office = &inner
	return &reopened
}

// TestAddTemplateRefusals: an unknown or broken placeholder is refused
// with its name, where it is and its text.
func TestAddTemplateRefusals(t *testing.T) {
	o := newDocOffice(t)
	for _, tc := range []struct {
		paragraphs []string
		key, name  string
	}{
		{[]string{"Договор {{doc.number}}", "Покупатель: {{client.nmae}}"}, "err.doc.template_unknown_field", "client.nmae"},
		{[]string{"Договор {{doc.number}", "x"}, "err.doc.template_broken", ""},
		{[]string{"{{#goods}}{{items.name}}{{/goods}}"}, "err.doc.template_unknown_list", "#goods"},
		{[]string{"Итого {{items.amount}}"}, "err.doc.template_outside_list", "items.amount"},
		{[]string{"{{#items}}{{items.name}}"}, "err.doc.template_unknown_list", "#items"},
	} {
		_, err := o.svc.AddTemplate(o.ctx(), o.admin, core.DocContract, "Мой договор", makeDOCX(t, tc.paragraphs...))
		checkCode(t, err, core.EINVALID, tc.key)
		_, args := core.ErrorKey(err)
		if args["Name"] != tc.name {
			t.Errorf("%q: name = %v, want %q", tc.paragraphs, args["Name"], tc.name)
		}
		if tc.key == "err.doc.template_unknown_field" && (args["Where"] != "body, paragraph 2" ||
			!strings.Contains(args["Text"].(string), "Покупатель")) {
			t.Errorf("where = %v, text = %v", args["Where"], args["Text"])
		}
	}
	_, err := o.svc.AddTemplate(o.ctx(), o.admin, core.DocContract, "x", []byte("not a zip"))
	checkCode(t, err, core.EINVALID, "err.doc.template_not_docx")
	_, err = o.svc.AddTemplate(o.ctx(), o.admin, "act", "x", makeDOCX(t, "x"))
	checkCode(t, err, core.EINVALID, "err.doc.kind_unknown")
	if got := activeTemplates(t, o)[core.DocContract]; !got.Builtin {
		t.Error("a refused template was put in use")
	}
}

// TestPreviewTemplate: a template filled from a sample client.
func TestPreviewTemplate(t *testing.T) {
	o := newDocOffice(t)
	tm := activeTemplates(t, o)[core.DocContract]
	docx, err := o.svc.PreviewTemplate(o.ctx(), o.admin, tm.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := filledText(t, docx)
	for _, want := range []string{"ДГ-2026-0001", "ООО «Ромашка» (ИНН 7707083893, КПП 773601001)", "ООО «ДилДеск»",
		"Один миллион двести тридцать четыре тысячи"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q:\n%s", want, text)
		}
	}
	src, got, err := o.svc.TemplateFile(o.ctx(), o.officer, tm.ID)
	if err != nil || got.ID != tm.ID || !strings.Contains(filledText(t, src), "{{client.inn}}") {
		t.Errorf("template file = %+v, %v", got, err)
	}
}

// TestHistoryShowsDocuments: a deal's history has its documents' entries,
// labelled with their numbers.
func TestHistoryShowsDocuments(t *testing.T) {
	o := newDocOffice(t)
	d := o.approved()
	h, err := o.svc.FindHistory(o.ctx(), o.manager, o.deal.Number)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, e := range h.Entries {
		if e.Entity == core.EntityDocument && e.EntityID == d.ID {
			reasons = append(reasons, e.Reason)
		}
	}
	if !slices.Equal(reasons, []string{"requested", "doc_taken", "produced", "submitted", "approved"}) {
		t.Errorf("document entries = %q", reasons)
	}
	if h.Labels[core.EntityDocument][d.ID] != "ДГ-2026-0001" || h.Labels[core.EntityUser][o.officer.ID()] == "" {
		t.Errorf("labels = %v", h.Labels)
	}
	if e, ok := core.RefEntity("officer_id"); !ok || e != core.EntityUser {
		t.Error("officer_id names no user")
	}
}

// TestImportTemplate: a template from the folder is added once; at the
// next start the same file changes nothing, not even when an admin's later
// template is in use; a broken one is refused naming its placeholder.
func TestImportTemplate(t *testing.T) {
	o := newDocOffice(t)
	file := makeDOCX(t, "Договор с {{client.name}}")
	added, err := o.svc.ImportTemplate(o.ctx(), core.DocContract, "Договор из папки.docx", file)
	if err != nil || !added {
		t.Fatalf("import = %v, %v", added, err)
	}
	if _, err := o.svc.AddTemplate(o.ctx(), o.admin, core.DocContract, "Договор юриста", makeDOCX(t, "Договор: {{client.inn}}")); err != nil {
		t.Fatal(err)
	}
	added, err = o.svc.ImportTemplate(o.ctx(), core.DocContract, "Договор из папки.docx", file)
	if err != nil || added {
		t.Fatalf("second import = %v, %v", added, err)
	}
	ts, err := o.svc.Templates(o.ctx(), o.admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range ts {
		if tp.Kind == core.DocContract && tp.Active && tp.Name != "Договор юриста" {
			t.Fatalf("the folder's template replaced the admin's: %+v", tp)
		}
	}
	_, err = o.svc.ImportTemplate(o.ctx(), core.DocInvoice, "Счёт.docx", makeDOCX(t, "Счёт {{client.nmae}}"))
	if key, args := core.ErrorKey(err); err == nil || !strings.Contains(fmt.Sprint(key, args), "client.nmae") {
		t.Fatalf("a broken template: %v", err)
	}
}
