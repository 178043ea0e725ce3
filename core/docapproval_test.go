package core_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestSubmitForApproval: the lawyers' work chat gets the version with its
// DOCX and PDF attached and three buttons that name the version.
func TestSubmitForApproval(t *testing.T) {
	o := newDocOffice(t)
	d := o.request(core.DocContract)
	_, err := o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID)
	checkCode(t, err, core.ECONFLICT, "err.doc.produce_first")
	d, _ = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	d, err = o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID)
	if err != nil || d.Status != core.DocApproval {
		t.Fatalf("submitted = %+v, %v", d, err)
	}
	notes := to(o.messages(), "-200", "notify.doc.approval")
	if len(notes) != 1 {
		t.Fatalf("lawyers' notes = %d", len(notes))
	}
	n := notes[0]
	if len(n.Files) != 2 || n.Files[0].Name != "ДГ-2026-0001.docx" || n.Files[1].MIME != core.MIMEPDF ||
		n.Args["Comment"] != "срочно" {
		t.Fatalf("note = %+v", n)
	}
	// The files go by reference: the outbox keeps no copy of them, and the
	// worker reads them by their SHA-256 when it delivers the note.
	v := d.Current()
	for i, ref := range []core.FileRef{v.DOCX, *v.PDF} {
		f := n.Files[i]
		if len(f.Data) != 0 || f.SHA256 != ref.SHA256 {
			t.Fatalf("file %d of the note = %s, %d bytes; want a reference to %s", i, f.SHA256, len(f.Data), ref.SHA256)
		}
		want, _, err := o.svc.DocumentFile(o.ctx(), o.officer, d.ID, ref.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := o.svc.StoredFile(o.ctx(), f.SHA256); err != nil || string(got) != string(want) || len(got) == 0 {
			t.Fatalf("StoredFile(%s) = %d bytes, %v; want the %d bytes of %s", f.SHA256, len(got), err, len(want), ref.Name)
		}
	}
	_, err = o.svc.StoredFile(o.ctx(), strings.Repeat("0", 64))
	checkCode(t, err, core.ENOTFOUND, "err.doc.file_not_found")
	var actions []string
	o.view(func(tx core.Tx) error {
		for _, row := range n.Buttons {
			for _, ob := range row {
				b, err := tx.Button(ob.Token)
				if err != nil {
					return err
				}
				actions = append(actions, b.Action+" "+b.Payload)
			}
		}
		return nil
	})
	want := []string{core.ActionDocApprove + " " + core.DocPayload(d.ID, 1), core.ActionDocRework + " " + core.DocPayload(d.ID, 1),
		core.ActionDocReject + " " + core.DocPayload(d.ID, 1)}
	if len(actions) != 3 || actions[0] != want[0] || actions[1] != want[1] || actions[2] != want[2] {
		t.Errorf("buttons = %v, want %v", actions, want)
	}
	if id, v, err := core.ParseDocPayload(core.DocPayload(d.ID, 1)); err != nil || id != d.ID || v != 1 {
		t.Errorf("payload read back as %d, %d, %v", id, v, err)
	}
	for _, bad := range []string{"", "1", "a.1", "1.0", "-1.2"} {
		if _, _, err := core.ParseDocPayload(bad); err == nil {
			t.Errorf("payload %q read", bad)
		}
	}
	_, err = o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID)
	checkCode(t, err, core.ECONFLICT, "err.doc.not_draft")
}

// TestApprovalToEachLawyer: without a lawyers' work chat, each lawyer is
// sent the document personally.
func TestApprovalToEachLawyer(t *testing.T) {
	o := newDocOffice(t)
	if err := o.svc.UnbindChat(o.ctx(), o.admin, core.PlatformTelegram, "-200"); err != nil {
		t.Fatal(err)
	}
	o.user("Лариса Правова", core.RoleLawyer, "telegram:18")
	d := o.produced(core.DocContract)
	if _, err := o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID); err != nil {
		t.Fatal(err)
	}
	ms := o.messages()
	for _, chat := range []string{"14", "18"} {
		if n := to(ms, chat, "notify.doc.approval"); len(n) != 1 || len(n[0].Files) != 2 || len(n[0].Buttons) != 2 {
			t.Errorf("lawyer %s got %v", chat, n)
		}
	}
}

// TestDecideDocument: only lawyers decide; rework and reject need a
// comment; a decision on an outdated version is refused; the officer and
// the manager are told; a rejected document's task is closed.
func TestDecideDocument(t *testing.T) {
	o := newDocOffice(t)
	d := o.produced(core.DocContract)
	_, err := o.svc.DecideDocument(o.ctx(), o.lawyer, d.ID, 1, core.DecisionApprove, "")
	checkCode(t, err, core.ECONFLICT, "err.doc.not_on_approval")
	if _, err := o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID); err != nil {
		t.Fatal(err)
	}
	// Heads too: the legal approval is the lawyers' (issue 9).
	for _, a := range []core.Actor{o.officer, o.manager, o.underwriter, o.head} {
		_, err = o.svc.DecideDocument(o.ctx(), a, d.ID, 1, core.DecisionApprove, "")
		checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	}
	_, err = o.svc.DecideDocument(o.ctx(), o.lawyer, d.ID, 1, core.DecisionRework, "  ")
	checkCode(t, err, core.EINVALID, "err.doc.comment_required")
	_, err = o.svc.DecideDocument(o.ctx(), o.lawyer, d.ID, 1, "maybe", "")
	checkCode(t, err, core.EINVALID, "err.doc.decision_unknown")
	d, err = o.svc.DecideDocument(o.ctx(), o.lawyer, d.ID, 1, core.DecisionRework, "п. 5.2: неустойка 0,1 %")
	if err != nil || d.Status != core.DocRework || d.Remark != "п. 5.2: неустойка 0,1 %" || d.Approved != 0 {
		t.Fatalf("rework = %+v, %v", d, err)
	}
	ms := o.messages()
	for _, chat := range []string{"11", "12"} {
		n := to(ms, chat, "notify.doc.decided")
		if len(n) != 1 || n[0].Args["Decision"] != "rework" || n[0].Args["Comment"] != "п. 5.2: неустойка 0,1 %" {
			t.Errorf("chat %s told %v", chat, n)
		}
	}
	c := change(t, o.changes(core.EntityDocument, d.ID), "status")
	if c.New != "rework" || c.Reason != "п. 5.2: неустойка 0,1 %" || c.ActorID != o.lawyer.ID() {
		t.Errorf("audit = %+v", c)
	}

	// Version 2 goes to approval; a press of version 1's button is stale.
	if _, err := o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID); err != nil {
		t.Fatal(err)
	}
	_, err = o.svc.DecideDocument(o.ctx(), o.lawyer, d.ID, 1, core.DecisionApprove, "")
	checkCode(t, err, core.ECONFLICT, "err.doc.outdated_version")
	d, err = o.svc.DecideDocument(o.ctx(), o.lawyer, d.ID, 2, core.DecisionReject, "клиент не тот")
	if err != nil || d.Status != core.DocRejected {
		t.Fatalf("reject = %+v, %v", d, err)
	}
	if task, _ := o.svc.TaskByID(o.ctx(), o.officer, d.TaskID); task.Status != core.TaskCancelled {
		t.Errorf("task after the rejection = %s", task.Status)
	}
	_, err = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	checkCode(t, err, core.ECONFLICT, "err.doc.closed")
}

// TestApproveDocument: an approved version is recorded; producing again
// drops the approval.
func TestApproveDocument(t *testing.T) {
	o := newDocOffice(t)
	d := o.approved()
	if d.Status != core.DocApproved || d.Approved != 1 {
		t.Fatalf("approved = %+v", d)
	}
	if c := change(t, o.changes(core.EntityDocument, d.ID), "approved"); c.New != "1" || c.Reason != "approved" {
		t.Errorf("audit = %+v", c)
	}
	d, err := o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	if err != nil || d.Status != core.DocDraft {
		t.Fatalf("produced again = %+v, %v", d, err)
	}
	_, err = o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, nil)
	checkCode(t, err, core.ECONFLICT, "err.doc.needs_approval")
}

// TestCancelDocument: a request withdrawn with a reason; its task goes.
func TestCancelDocument(t *testing.T) {
	o := newDocOffice(t)
	d := o.request(core.DocInvoice)
	_, err := o.svc.CancelDocument(o.ctx(), o.manager, d.ID, "")
	checkCode(t, err, core.EINVALID, "err.doc.reason_required")
	_, err = o.svc.CancelDocument(o.ctx(), o.lawyer, d.ID, "не нужен")
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	d, err = o.svc.CancelDocument(o.ctx(), o.manager, d.ID, "клиент передумал")
	if err != nil || d.Status != core.DocCancelled {
		t.Fatalf("cancelled = %+v, %v", d, err)
	}
	if task, _ := o.svc.TaskByID(o.ctx(), o.officer, d.TaskID); task.Status != core.TaskCancelled {
		t.Errorf("task = %s", task.Status)
	}
	_, err = o.svc.TakeDocument(o.ctx(), o.officer, d.ID)
	checkCode(t, err, core.ECONFLICT, "err.doc.closed")
}
