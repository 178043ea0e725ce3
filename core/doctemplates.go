package core

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// MaxTemplateSize is the largest template accepted, in bytes.
const MaxTemplateSize = 20 << 20

// inspectTemplate reads a template's placeholders and checks them: the
// DOCX must open, every placeholder must be well formed and known, every
// list known and closed, and a list's fields used only inside its rows. It
// returns the names used, each once, in order.
func (s *Service) inspectTemplate(docx []byte) ([]string, error) {
	if s.docs.engine == nil {
		return nil, Errorf(EUNAVAILABLE, "err.doc.engine_unavailable")
	}
	if len(docx) > MaxTemplateSize {
		return nil, Errorf(EINVALID, "err.doc.template_too_large", "Max", MaxTemplateSize>>20)
	}
	phs, err := s.docs.engine.Inspect(docx)
	var te *TemplateError
	switch {
	case errors.As(err, &te):
		return nil, Errorf(EINVALID, "err.doc.template_broken", append([]any{"Problem", te.Problem},
			placeArgs(te.Placeholder)...)...)
	case err != nil:
		return nil, Wrap(EINVALID, "err.doc.template_not_docx", err)
	}
	return checkPlaceholders(phs)
}

// checkPlaceholders checks the names a template uses (see inspectTemplate).
func checkPlaceholders(phs []Placeholder) ([]string, error) {
	var names []string
	open := ""
	for _, ph := range phs {
		args := placeArgs(ph)
		switch {
		case strings.HasPrefix(ph.Name, "#"):
			if !slices.Contains(DocLists, ph.Name[1:]) {
				return nil, Errorf(EINVALID, "err.doc.template_unknown_list", args...)
			}
			open = ph.Name[1:]
		case strings.HasPrefix(ph.Name, "/"):
			if ph.Name[1:] != open {
				return nil, Errorf(EINVALID, "err.doc.template_unknown_list", args...)
			}
			open = ""
		default:
			f, ok := DocFieldByName(ph.Name)
			if !ok {
				return nil, Errorf(EINVALID, "err.doc.template_unknown_field", args...)
			}
			if f.List != open && f.List != "" {
				return nil, Errorf(EINVALID, "err.doc.template_outside_list", append(args, "List", f.List)...)
			}
		}
		if !slices.Contains(names, ph.Name) {
			names = append(names, ph.Name)
		}
	}
	if open != "" {
		return nil, Errorf(EINVALID, "err.doc.template_unknown_list", "Name", "#"+open)
	}
	return names, nil
}

// placeArgs are the error arguments naming a placeholder and its place,
// which the locale renders in the user's words: Name, Text, Where (the
// English place, for a place the adapter did not structure), Part (the
// part's kind: "body", "header", "footer", "footnotes", "endnotes",
// "other"; "" when unknown), PartN (a header's or footer's number),
// Table, Row, Cell, Paragraph and TextBox.
func placeArgs(ph Placeholder) []any {
	kind := strings.TrimRight(ph.Part, "0123456789")
	n, _ := strconv.Atoi(ph.Part[len(kind):])
	switch kind {
	case "", "body", "header", "footer", "footnotes", "endnotes":
	default:
		kind, n = "other", 0
	}
	return []any{"Name", ph.Name, "Text", ph.Text, "Where", ph.Where, "Part", kind, "PartN", n,
		"Table", ph.Table, "Row", ph.Row, "Cell", ph.Cell, "Paragraph", ph.Paragraph, "TextBox", ph.TextBox}
}

// diffTemplate lists the changed fields of a template.
func diffTemplate(a, b *DocTemplate) []*Change {
	d := &diff{entity: EntityTemplate, id: b.ID}
	d.add("kind", a.Kind, b.Kind)
	d.add("name", a.Name, b.Name)
	d.add("file", a.File.SHA256, b.File.SHA256)
	d.add("builtin", a.Builtin, b.Builtin)
	d.add("active", a.Active, b.Active)
	return d.changes
}

// AddTemplate adds an admin's DOCX template of a kind, used from now on
// for its kind's documents. A template that does not open, or has a
// broken or unknown placeholder, is refused (EINVALID) naming the
// placeholder, where it is and the text around it. The same file added
// again is the template already there, made the one in use.
func (s *Service) AddTemplate(ctx context.Context, a Actor, kind DocKind, name string, docx []byte) (*DocTemplate, error) {
	if err := a.require(PermAdmin); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		return nil, Errorf(EINVALID, "err.doc.kind_unknown", "Kind", string(kind))
	}
	name = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), ".docx"))
	if name == "" {
		name = docKindTitles[kind]
	}
	if len([]rune(name)) > MaxNameLen {
		return nil, Errorf(EINVALID, "err.doc.template_name_too_long", "Max", MaxNameLen)
	}
	names, err := s.inspectTemplate(docx)
	if err != nil {
		return nil, err
	}
	t := &DocTemplate{Kind: kind, Name: name, File: NewFileRef(name+".docx", MIMEDOCX, docx), Placeholders: names,
		AddedBy: a.ID(), Active: true}
	err = s.update(ctx, func(tx Tx) error { return s.storeTemplate(tx, a, t, docx, "added") })
	if err != nil {
		return nil, err
	}
	return t, nil
}

// storeTemplate stores a template and its file, or finds the one with the
// same kind and file, and makes it the one in use when t.Active; audited.
// t is filled with what is stored.
func (s *Service) storeTemplate(tx Tx, a Actor, t *DocTemplate, docx []byte, reason string) error {
	ts, err := tx.Templates()
	if err != nil {
		return err
	}
	for _, old := range ts {
		if old.Kind == t.Kind && old.File.SHA256 == t.File.SHA256 {
			active := t.Active
			*t = *old
			if !active || old.Active {
				return nil
			}
			return s.activate(tx, a, t, ts, reason)
		}
	}
	if err := tx.PutFile(t.File, docx); err != nil {
		return err
	}
	if err := tx.CreateTemplate(t); err != nil {
		return err
	}
	if err := tx.AddChanges(stamp(diffTemplate(&DocTemplate{}, t), a, reason)...); err != nil {
		return err
	}
	if t.Active {
		return s.deactivateOthers(tx, a, t, ts, reason)
	}
	return nil
}

// activate makes t its kind's template in use.
func (s *Service) activate(tx Tx, a Actor, t *DocTemplate, ts []*DocTemplate, reason string) error {
	old := *t
	t.Active = true
	if err := tx.UpdateTemplate(t); err != nil {
		return err
	}
	if err := tx.AddChanges(stamp(diffTemplate(&old, t), a, reason)...); err != nil {
		return err
	}
	return s.deactivateOthers(tx, a, t, ts, reason)
}

// deactivateOthers leaves t the only template in use of its kind.
func (s *Service) deactivateOthers(tx Tx, a Actor, t *DocTemplate, ts []*DocTemplate, reason string) error {
	for _, o := range ts {
		if o.ID == t.ID || o.Kind != t.Kind || !o.Active {
			continue
		}
		old := *o
		o.Active = false
		if err := tx.UpdateTemplate(o); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffTemplate(&old, o), a, reason)...); err != nil {
			return err
		}
	}
	return nil
}

// SeedTemplates stores the built-in templates (WithBuiltinTemplates) that
// are not stored yet: each is checked like an admin's, and becomes its
// kind's template in use unless an admin's template is. Run at start; a
// second run with the same files changes nothing.
func (s *Service) SeedTemplates(ctx context.Context) error {
	a := Actor{Source: "builtin"}
	for _, kind := range DocKinds {
		docx, ok := s.docs.builtin[kind]
		if !ok {
			continue
		}
		names, err := s.inspectTemplate(docx)
		if err != nil {
			return Wrap(EINTERNAL, "err.internal", err, "Kind", string(kind))
		}
		t := &DocTemplate{Kind: kind, Name: docKindTitles[kind], File: NewFileRef(string(kind)+".docx", MIMEDOCX, docx),
			Placeholders: names, Builtin: true}
		err = s.update(ctx, func(tx Tx) error {
			cur, err := activeTemplate(tx, kind)
			if err != nil && !IsNotFound(err) {
				return err
			}
			t.Active = cur == nil || cur.Builtin
			return s.storeTemplate(tx, a, t, docx, "builtin")
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Templates returns every template, the ones in use and the earlier ones,
// oldest first.
func (s *Service) Templates(ctx context.Context, a Actor) ([]*DocTemplate, error) {
	if err := a.require(PermViewDeals); err != nil {
		return nil, err
	}
	var ts []*DocTemplate
	err := s.view(ctx, func(tx Tx) (err error) {
		ts, err = tx.Templates()
		return err
	})
	return ts, err
}

// TemplateFile returns a template's DOCX.
func (s *Service) TemplateFile(ctx context.Context, a Actor, id int64) ([]byte, *DocTemplate, error) {
	if err := a.require(PermViewDeals); err != nil {
		return nil, nil, err
	}
	var t *DocTemplate
	var data []byte
	err := s.view(ctx, func(tx Tx) (err error) {
		if t, err = tx.TemplateByID(id); err != nil {
			return err
		}
		data, err = tx.File(t.File.SHA256)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return data, t, nil
}

// PreviewTemplate fills a template with a sample client and deal, our
// company and the actor as the manager, and returns the DOCX: what a
// document of it will look like.
func (s *Service) PreviewTemplate(ctx context.Context, a Actor, id int64) ([]byte, error) {
	data, t, err := s.TemplateFile(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if s.docs.engine == nil {
		return nil, Errorf(EUNAVAILABLE, "err.doc.engine_unavailable")
	}
	now := s.storeNow(ctx)
	doc := &Document{Number: DocNumber(t.Kind, now.In(Location("")).Year(), 1), Kind: t.Kind}
	manager := a.User
	values := DocValuesFor(sampleClient(), sampleDeal(now), s.docs.company, manager, doc, 1, now, s.DocConfig().VAT)
	ContractValues(values, []*Document{{Kind: DocContract, Number: DocNumber(DocContract, now.In(Location("")).Year(), 1),
		Versions: []DocVersion{{N: 1, CreatedAt: now}}}})
	out, err := s.docs.engine.Fill(data, values)
	if err != nil {
		return nil, Wrap(EINTERNAL, "err.doc.fill_failed", err, "Number", "#"+strconv.FormatInt(id, 10))
	}
	return out, nil
}

// ImportTemplate adds a template from DealDesk's templates folder unless
// one of its kind with the same file is stored already (added reports
// which): a file seen before is left as it is, in use or not, so that a
// template an admin sent later is not replaced at each start. A broken or
// unknown placeholder is refused as AddTemplate refuses it.
func (s *Service) ImportTemplate(ctx context.Context, kind DocKind, name string, docx []byte) (added bool, err error) {
	sum := NewFileRef(name, MIMEDOCX, docx).SHA256
	var seen bool
	err = s.view(ctx, func(tx Tx) error {
		ts, err := tx.Templates()
		for _, t := range ts {
			seen = seen || t.Kind == kind && t.File.SHA256 == sum
		}
		return err
	})
	if err != nil || seen {
		return false, err
	}
	_, err = s.AddTemplate(ctx, Actor{}, kind, name, docx)
	return err == nil, err
}
