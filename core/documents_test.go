package core_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestRequestDocument: a manager's request is numbered, queued as the
// officers' task and posted to their work chat with a button to take it;
// it is audited.
func TestRequestDocument(t *testing.T) {
	o := newDocOffice(t)
	d, err := o.svc.RequestDocument(o.ctx(), o.manager, o.deal.ID, core.DocContract, " срочно, до пятницы ")
	if err != nil {
		t.Fatal(err)
	}
	if d.Number != "ДГ-2026-0001" || d.Status != core.DocRequested || d.Comment != "срочно, до пятницы" ||
		d.RequestedBy != o.manager.ID() || d.ClientID != o.client.ID || d.TaskID == 0 {
		t.Fatalf("document = %+v", d)
	}
	second := o.request(core.DocContract)
	if second.Number != "ДГ-2026-0002" || o.request(core.DocInvoice).Number != "СЧ-2026-0001" {
		t.Errorf("numbers: %s", second.Number)
	}
	task, err := o.svc.TaskByID(o.ctx(), o.officer, d.TaskID)
	if err != nil || task.Queue != core.PurposeOfficers || task.AssigneeID != 0 || task.DealID != o.deal.ID ||
		!strings.HasPrefix(task.Title, "ДГ-2026-0001 "+o.deal.Number) {
		t.Fatalf("task = %+v, %v", task, err)
	}
	notes := to(o.messages(), "-100", "notify.doc.requested")
	if len(notes) != 3 || notes[0].Args["Number"] != "ДГ-2026-0001" || notes[0].Args["Comment"] != "срочно, до пятницы" {
		t.Fatalf("officers' notes = %v", notes)
	}
	o.view(func(tx core.Tx) error {
		b, err := tx.Button(notes[0].Buttons[0][0].Token)
		if err != nil || b.Action != core.ActionDocTake || b.Payload != strconv.FormatInt(d.ID, 10) {
			t.Errorf("button = %+v, %v", b, err)
		}
		return nil
	})
	cs := o.changes(core.EntityDocument, d.ID)
	checkStamp(t, cs, o.manager, "requested")
	if c := change(t, cs, "status"); c.New != "requested" {
		t.Errorf("status change = %+v", c)
	}
}

func TestRequestDocumentRefusals(t *testing.T) {
	o := newDocOffice(t)
	_, err := o.svc.RequestDocument(o.ctx(), o.manager2, o.deal.ID, core.DocContract, "")
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
	_, err = o.svc.RequestDocument(o.ctx(), o.underwriter, o.deal.ID, core.DocContract, "")
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	_, err = o.svc.RequestDocument(o.ctx(), o.manager, o.deal.ID, "letter", "")
	checkCode(t, err, core.EINVALID, "err.doc.kind_unknown")
	if _, err := o.svc.MoveDeal(o.ctx(), o.manager, o.deal.ID, core.StageNew, core.StageClosedLost, "ушли"); err != nil {
		t.Fatal(err)
	}
	_, err = o.svc.RequestDocument(o.ctx(), o.manager, o.deal.ID, core.DocContract, "")
	checkCode(t, err, core.ECONFLICT, "err.deal.closed")
}

// TestTakeDocument: the officer who takes a request is recorded with its
// task; the manager is told; someone else's is a conflict.
func TestTakeDocument(t *testing.T) {
	o := newDocOffice(t)
	d := o.request(core.DocContract)
	_, err := o.svc.TakeDocument(o.ctx(), o.manager, d.ID)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	d, err = o.svc.TakeDocument(o.ctx(), o.officer, d.ID)
	if err != nil || d.OfficerID != o.officer.ID() {
		t.Fatalf("taken = %+v, %v", d, err)
	}
	if _, err := o.svc.TakeDocument(o.ctx(), o.officer, d.ID); err != nil {
		t.Errorf("taking one's own again: %v", err)
	}
	other := o.user("Ольга Вторая", core.RoleOfficer, "telegram:17")
	_, err = o.svc.TakeDocument(o.ctx(), other, d.ID)
	checkCode(t, err, core.ECONFLICT, "err.doc.taken")
	task, _ := o.svc.TaskByID(o.ctx(), o.officer, d.TaskID)
	if task.AssigneeID != o.officer.ID() {
		t.Errorf("task assignee = %d", task.AssigneeID)
	}
	if n := to(o.messages(), "12", "notify.doc.taken"); len(n) != 1 {
		t.Errorf("manager told %d times", len(n))
	}
	checkStamp(t, o.changes(core.EntityDocument, d.ID)[len(o.changes(core.EntityDocument, d.ID))-1:], o.officer, "doc_taken")
}

// TestDocumentVisibility: a manager sees the documents of their own deals
// only; the number is read as typed.
func TestDocumentVisibility(t *testing.T) {
	o := newDocOffice(t)
	d := o.request(core.DocProposal)
	got, err := o.svc.DocumentByNumber(o.ctx(), o.manager, "кп-2026-1")
	if err != nil || got.ID != d.ID {
		t.Fatalf("by number = %v, %v", got, err)
	}
	_, err = o.svc.DocumentByNumber(o.ctx(), o.manager2, "КП-2026-0001")
	checkCode(t, err, core.ENOTFOUND, "err.doc.not_found")
	_, err = o.svc.DocumentByID(o.ctx(), o.manager2, d.ID)
	checkCode(t, err, core.ENOTFOUND, "err.doc.not_found")
	_, err = o.svc.DocumentByNumber(o.ctx(), o.manager, "КП-2026")
	checkCode(t, err, core.EINVALID, "err.doc.number_format")
	ds, err := o.svc.Documents(o.ctx(), o.lawyer, o.deal.ID)
	if err != nil || len(ds) != 1 {
		t.Errorf("documents = %v, %v", ds, err)
	}
	_, err = o.svc.Documents(o.ctx(), o.manager2, o.deal.ID)
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
}

// TestProduceDocument: the template is filled with the card's requisites
// and the amount in words, converted to PDF, and both files are stored
// with the new version; the officer who produces an untaken request takes
// it; the manager is told.
func TestProduceDocument(t *testing.T) {
	o := newDocOffice(t)
	d := o.request(core.DocContract)
	d, err := o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	v := d.Current()
	if d.Status != core.DocDraft || len(d.Versions) != 1 || v.N != 1 || v.PDF == nil || v.NoPDF != "" ||
		d.OfficerID != o.officer.ID() || v.CreatedBy != o.officer.ID() || v.VAT != 22 || v.TemplateID == 0 {
		t.Fatalf("produced = %+v, version %+v", d, v)
	}
	docx, ref, err := o.svc.DocumentFile(o.ctx(), o.manager, d.ID, v.DOCX.SHA256)
	if err != nil || ref.Name != "ДГ-2026-0001.docx" || ref.MIME != core.MIMEDOCX || ref.Size != int64(len(docx)) {
		t.Fatalf("docx = %+v, %v", ref, err)
	}
	text := strings.ReplaceAll(filledText(t, docx), "\u00a0", " ")
	for _, want := range []string{"Договор № ДГ-2026-0001 от 28 ноября 2026 г.", "ООО «ДилДеск» и ООО «Ромашка» (ИНН 7707083893",
		"1. Поставка оборудования — 1 234 567,89 ₽",
		"Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек", "в т.ч. НДС 22 %",
		"Р/с 40702810938000012345 в ПАО Сбербанк"} {
		if !strings.Contains(text, want) {
			t.Errorf("the contract lacks %q:\n%s", want, text)
		}
	}
	pdf, pref, err := o.svc.DocumentFile(o.ctx(), o.manager, d.ID, v.PDF.SHA256)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF") || pref.Name != "ДГ-2026-0001.pdf" {
		t.Errorf("pdf = %+v, %v", pref, err)
	}
	_, _, err = o.svc.DocumentFile(o.ctx(), o.manager2, d.ID, v.DOCX.SHA256)
	checkCode(t, err, core.ENOTFOUND, "err.doc.not_found")
	_, _, err = o.svc.DocumentFile(o.ctx(), o.manager, d.ID, strings.Repeat("a", 64))
	checkCode(t, err, core.ENOTFOUND, "err.doc.file_not_found")
	if n := to(o.messages(), "12", "notify.doc.produced"); len(n) != 1 {
		t.Errorf("manager told %d times", len(n))
	}
	cs := o.changes(core.EntityDocument, d.ID)
	if c := change(t, cs, "version"); c.Old != "0" || c.New != "1" || c.Reason != "produced" {
		t.Errorf("version change = %+v", c)
	}

	// A second version keeps the first.
	o.clock.Add(time.Hour)
	d, err = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	if err != nil || len(d.Versions) != 2 || d.Versions[0].DOCX.SHA256 != v.DOCX.SHA256 {
		t.Fatalf("second version = %+v, %v", d, err)
	}
	if _, _, err := o.svc.DocumentFile(o.ctx(), o.manager, d.ID, v.DOCX.SHA256); err != nil {
		t.Errorf("the first version's file: %v", err)
	}
	_, err = o.svc.ProduceDocument(o.ctx(), o.manager, d.ID, nil, "")
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
}

// TestProduceWithoutPDF: without a converter, or when it fails, the
// version is DOCX only and says why.
func TestProduceWithoutPDF(t *testing.T) {
	o := newDocOffice(t)
	o.pdf.err = context.DeadlineExceeded
	d := o.produced(core.DocProposal)
	if v := d.Current(); v.PDF != nil || v.NoPDF != core.PDFFailed {
		t.Errorf("failed conversion: %+v", v)
	}
	if n := to(o.messages(), "12", "notify.doc.produced"); len(n) != 1 || n[0].Args["NoPDF"] != core.PDFFailed {
		t.Errorf("the manager is not told the PDF failed: %v", n)
	}
	o2 := newDocOffice(t, core.WithPDF(nil))
	if o2.svc.PDFAvailable() {
		t.Error("PDF available without a converter")
	}
	if v := o2.produced(core.DocProposal).Current(); v.PDF != nil || v.NoPDF != core.PDFUnavailable {
		t.Errorf("no converter: %+v", v)
	}
}

// TestProduceOutsideTheTransaction: filling and converting hold no write
// lock, in a unit of work too: another writer gets through meanwhile.
func TestProduceOutsideTheTransaction(t *testing.T) {
	o := newDocOffice(t)
	d := o.request(core.DocContract)
	wrote := false
	o.pdf.during = func() {
		done := make(chan error, 1)
		go func() {
			done <- o.db.Update(context.Background(), func(tx core.Tx) error {
				return tx.PutTransportCursor(core.TransportCursor{Name: "probe", Value: "1"})
			})
		}()
		select {
		case err := <-done:
			wrote = err == nil
		case <-time.After(2 * time.Second):
		}
	}
	ctx, unit := o.svc.Begin(o.ctx())
	if _, err := o.svc.ProduceDocument(ctx, o.officer, d.ID, nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := unit.Commit(); err != nil {
		t.Fatal(err)
	}
	if !wrote {
		t.Fatal("a write waited for the PDF conversion: it ran inside a transaction")
	}
	if got := o.doc(d.ID); len(got.Versions) != 1 {
		t.Errorf("versions after the unit = %d", len(got.Versions))
	}
}

// TestCheckBeforeProducing: a missing bank account refuses the document
// with the list of what is missing; warnings are overridden only with a
// reason, which is audited.
func TestCheckBeforeProducing(t *testing.T) {
	o := newDocOffice(t)
	d := o.request(core.DocContract)
	o.update(func(tx core.Tx) error {
		c, _ := tx.ClientByID(o.client.ID)
		c.Accounts, c.Director = nil, ""
		c.Verification = core.Verification{Status: core.Unverified}
		return tx.UpdateClient(c)
	})
	check, err := o.svc.CheckDocument(o.ctx(), o.officer, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, m := range check.Missing {
		missing = append(missing, m.Field)
	}
	for _, want := range []string{"client.director", "client.account", "client.bank", "client.bik"} {
		if !slices.Contains(missing, want) {
			t.Errorf("missing %v lacks %s", missing, want)
		}
	}
	if ids := check.WarningIDs(); !slices.Contains(ids, core.IssueNeverVerified) {
		t.Errorf("warnings = %v", ids)
	}
	_, err = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, check.WarningIDs(), "клиент проверен вручную")
	checkCode(t, err, core.EINVALID, "err.doc.missing")
	if got := o.doc(d.ID); len(got.Versions) != 0 {
		t.Fatal("a version was made with fields missing")
	}

	o.update(func(tx core.Tx) error {
		c, _ := tx.ClientByID(o.client.ID)
		c.Director = "Иванов Иван Иванович"
		c.Accounts = []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225",
			Account: "40702810938000012346"}} // a wrong control key
		return tx.UpdateClient(c)
	})
	check, _ = o.svc.CheckDocument(o.ctx(), o.officer, d.ID)
	if len(check.Missing) != 0 || !slices.Contains(check.WarningIDs(), "requisite:client.account") {
		t.Fatalf("check = %+v", check)
	}
	_, err = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	checkCode(t, err, core.ECONFLICT, "err.doc.warnings")
	_, err = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, check.WarningIDs(), " ")
	checkCode(t, err, core.EINVALID, "err.doc.override_reason")
	d, err = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, check.WarningIDs(), "счёт подтверждён письмом банка")
	if err != nil {
		t.Fatal(err)
	}
	if v := d.Current(); v.Reason != "счёт подтверждён письмом банка" || len(v.Overridden) != 2 {
		t.Errorf("version = %+v", v)
	}
	c := change(t, o.changes(core.EntityDocument, d.ID), "overridden")
	if c.Reason != "счёт подтверждён письмом банка" || !strings.Contains(c.New, "requisite:client.account") {
		t.Errorf("override audit = %+v", c)
	}
}

// TestCheckWarnings: a card verified too long ago, one the registry says
// is bankrupt, a deal without an amount.
func TestCheckWarnings(t *testing.T) {
	cfg := core.DefaultDocConfig()
	cfg.VerifyMaxAge = 24 * time.Hour
	o := newDocOffice(t, core.WithDocConfig(cfg))
	d := o.request(core.DocContract)
	o.clock.Add(48 * time.Hour)
	o.update(func(tx core.Tx) error {
		c, _ := tx.ClientByID(o.client.ID)
		c.Verification.Company = core.StatusBankrupt
		if err := tx.UpdateClient(c); err != nil {
			return err
		}
		deal, _ := tx.DealByID(o.deal.ID)
		deal.Amount = 0
		return tx.UpdateDeal(deal)
	})
	check, err := o.svc.CheckDocument(o.ctx(), o.officer, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := check.WarningIDs()
	if !slices.Contains(ids, core.IssueVerifyOld) || !slices.Contains(ids, core.IssueCompany) {
		t.Errorf("warnings = %v", ids)
	}
	if len(check.Missing) != 1 || check.Missing[0].Field != "deal.amount" {
		t.Errorf("missing = %+v", check.Missing)
	}
	_, err = o.svc.CheckDocument(o.ctx(), o.manager, d.ID)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
}

// TestNoTemplate: a kind without a template in use cannot be checked or
// produced; the request itself is taken.
func TestNoTemplate(t *testing.T) {
	o := newDocOffice(t)
	d := o.request(core.DocSupplement)
	_, err := o.svc.CheckDocument(o.ctx(), o.officer, d.ID)
	checkCode(t, err, core.ENOTFOUND, "err.doc.no_template")
	_, err = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	checkCode(t, err, core.ENOTFOUND, "err.doc.no_template")
	o2 := newDocOffice(t, core.WithDocEngine(nil), core.WithBuiltinTemplates(nil))
	_, err = o2.svc.ProduceDocument(o2.ctx(), o2.officer, o2.request(core.DocContract).ID, nil, "")
	checkCode(t, err, core.EUNAVAILABLE, "err.doc.engine_unavailable")
}

// TestSetDocumentVAT: a document's own rate fills it and is audited.
func TestSetDocumentVAT(t *testing.T) {
	cfg := core.DefaultDocConfig()
	cfg.VAT = 10
	o := newDocOffice(t, core.WithDocConfig(cfg))
	d := o.request(core.DocInvoice)
	if check, _ := o.svc.CheckDocument(o.ctx(), o.officer, d.ID); check.VAT != 10 {
		t.Errorf("default rate = %v", check.VAT)
	}
	d, err := o.svc.SetDocumentVAT(o.ctx(), o.officer, d.ID, core.VATNone)
	if err != nil {
		t.Fatal(err)
	}
	d, _ = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	docx, _, _ := o.svc.DocumentFile(o.ctx(), o.officer, d.ID, d.Current().DOCX.SHA256)
	if text := strings.ReplaceAll(filledText(t, docx), "\u00a0", " "); !strings.Contains(text, "НДС 0,00 ₽") ||
		d.Current().VAT != core.VATNone {
		t.Errorf("invoice without VAT: %s", text)
	}
	if c := change(t, o.changes(core.EntityDocument, d.ID), "vat"); c.New != "none" || c.ActorID != o.officer.ID() {
		t.Errorf("audit = %+v", c)
	}
	_, err = o.svc.SetDocumentVAT(o.ctx(), o.officer, d.ID, 18)
	checkCode(t, err, core.EINVALID, "err.doc.vat_unknown")
}
