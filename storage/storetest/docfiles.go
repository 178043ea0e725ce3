package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("DocFiles/PutOnceAndCheckTheirSum", testDocFilesPutOnce)
	register("DocFiles/TemplatesNeedTheirFile", testDocFilesTemplates)
	register("DocFiles/EDOCursors", testDocFilesEDOCursors)
}

func testDocFilesPutOnce(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	data := []byte("PK\x03\x04 a docx\x00\xff")
	ref := docFileRef("a.docx", data)
	empty := docFileRef("empty.txt", nil)
	update(t, s, func(tx core.Tx) error {
		if err := tx.PutFile(ref, data); err != nil {
			return err
		}
		data[0] = 'X' // the store keeps its own copy
		if err := tx.PutFile(ref, []byte("PK\x03\x04 a docx\x00\xff")); err != nil {
			return err
		}
		if got, err := tx.File(ref.SHA256); err != nil || string(got) != "PK\x03\x04 a docx\x00\xff" {
			t.Errorf("file in the writing transaction = %q, %v", got, err)
		}
		return tx.PutFile(empty, []byte{})
	})
	var got []byte
	view(t, s, func(tx core.Tx) (err error) {
		got, err = tx.File(ref.SHA256)
		if err != nil {
			return err
		}
		if e, err := tx.File(empty.SHA256); err != nil || e == nil || len(e) != 0 {
			t.Errorf("an empty file = %#v, %v; want empty, not nil", e, err)
		}
		_, err = tx.File(strings.Repeat("0", 64))
		wantCodeKey(t, err, core.ENOTFOUND, "err.doc.file_not_found")
		return nil
	})
	// The content is the caller's after the transaction.
	if string(got) != "PK\x03\x04 a docx\x00\xff" {
		t.Errorf("file = %q", got)
	}
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.PutFile(ref, []byte("other")) })
	if err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("content that is not the SHA-256's: %v", err)
	}
	err = s.Update(context.Background(), func(tx core.Tx) error {
		return tx.PutFile(docFileRef("b", []byte("b")), []byte("c"))
	})
	if err == nil {
		t.Error("a file under another content's SHA-256 was stored")
	}
	view(t, s, func(tx core.Tx) error {
		_, err := tx.File(docFileRef("b", []byte("b")).SHA256)
		wantCodeKey(t, err, core.ENOTFOUND, "err.doc.file_not_found")
		return nil
	})
}

func testDocFilesTemplates(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	data := []byte("template")
	ref := docFileRef("КП.docx", data)
	err := s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateTemplate(&core.DocTemplate{Kind: core.DocProposal, Name: "КП", File: ref})
	})
	if err == nil || core.ErrorCode(err) != core.EINTERNAL {
		t.Fatalf("a template without its file: %v", err)
	}
	err = s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateTemplate(&core.DocTemplate{Kind: "letter", Name: "Письмо", File: ref})
	})
	wantCodeKey(t, err, core.EINVALID, "err.doc.kind_unknown")
	view(t, s, func(tx core.Tx) error {
		ts, err := tx.Templates()
		if err != nil || ts == nil || len(ts) != 0 {
			t.Errorf("templates of an empty store = %#v, %v; want empty, not nil", ts, err)
		}
		return err
	})
	update(t, s, func(tx core.Tx) error {
		if err := tx.PutFile(ref, data); err != nil {
			return err
		}
		for _, name := range []string{"КП", "КП новый"} {
			tm := &core.DocTemplate{Kind: core.DocProposal, Name: name, File: ref, Active: true,
				Placeholders: []string{"client.name"}}
			if err := tx.CreateTemplate(tm); err != nil {
				return err
			}
		}
		return nil
	})
	added := clock.Now()
	update(t, s, func(tx core.Tx) error {
		t1, err := tx.TemplateByID(1)
		if err != nil {
			return err
		}
		t1.Active, t1.AddedAt = false, t1.AddedAt.AddDate(0, 0, 0)
		return tx.UpdateTemplate(t1)
	})
	view(t, s, func(tx core.Tx) error {
		ts, err := tx.Templates()
		if err != nil || len(ts) != 2 || ts[0].ID != 1 || ts[0].Active || !ts[1].Active || ts[1].Name != "КП новый" ||
			!ts[0].AddedAt.Equal(added) || len(ts[1].Placeholders) != 1 {
			t.Errorf("templates = %+v, %v", ts, err)
		}
		_, err = tx.TemplateByID(3)
		wantCodeKey(t, err, core.ENOTFOUND, "err.doc.template_not_found")
		return nil
	})
	err = s.Update(context.Background(), func(tx core.Tx) error {
		return tx.UpdateTemplate(&core.DocTemplate{ID: 3, Kind: core.DocProposal, Name: "x", File: ref})
	})
	wantCodeKey(t, err, core.ENOTFOUND, "err.doc.template_not_found")
}

func testDocFilesEDOCursors(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		if c, err := tx.EDOCursor("diadoc"); err != nil || c != "" {
			t.Errorf("no cursor = %q, %v", c, err)
		}
		if err := tx.PutEDOCursor("sbis", "s-1"); err != nil {
			return err
		}
		if err := tx.PutEDOCursor("diadoc", "old"); err != nil {
			return err
		}
		return tx.PutEDOCursor("diadoc", "a+b/c==")
	})
	view(t, s, func(tx core.Tx) error {
		if c, err := tx.EDOCursor("diadoc"); err != nil || c != "a+b/c==" {
			t.Errorf("cursor = %q, %v", c, err)
		}
		if c, err := tx.EDOCursor("sbis"); err != nil || c != "s-1" {
			t.Errorf("the other operator's cursor = %q, %v", c, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error { return tx.PutEDOCursor("diadoc", "") })
	view(t, s, func(tx core.Tx) error {
		if c, err := tx.EDOCursor("diadoc"); err != nil || c != "" {
			t.Errorf("a deleted cursor = %q, %v", c, err)
		}
		return nil
	})
	if err := s.Update(context.Background(), func(tx core.Tx) error { return tx.PutEDOCursor("", "x") }); err == nil {
		t.Error("a cursor without an operator was stored")
	}
}
