package core_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// deactivate makes a user inactive, as an admin does.
func (o *docOffice) deactivate(a core.Actor) {
	o.t.Helper()
	o.update(func(tx core.Tx) error {
		u, err := tx.UserByID(a.ID())
		if err != nil {
			return err
		}
		u.Active = false
		return tx.UpdateUser(u)
	})
}

// unbind removes a work chat.
func (o *docOffice) unbind(chatID string) {
	o.t.Helper()
	o.update(func(tx core.Tx) error { return tx.DeleteWorkChat(core.PlatformTelegram, chatID) })
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	if got, _ := core.ErrorKey(err); got != key {
		t.Fatalf("error %v (key %q), want %q", err, got, key)
	}
}

func TestSubmitWithNoLawyerIsRefused(t *testing.T) {
	o := newDocOffice(t)
	d := o.produced(core.DocContract)
	o.deactivate(o.lawyer)
	o.unbind("-200")
	_, err := o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID)
	wantKey(t, err, "err.doc.no_lawyers")
	if got := o.doc(d.ID).Status; got != core.DocDraft {
		t.Fatalf("status %s after a refused submit, want draft", got)
	}
	// A lawyers' chat is enough.
	o.bind("-300", core.PurposeLawyers)
	if _, err := o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID); err != nil {
		t.Fatal(err)
	}
}

func TestSubmitWithOnlyALawyerUserGoesToThem(t *testing.T) {
	o := newDocOffice(t)
	d := o.produced(core.DocContract)
	o.unbind("-200")
	if _, err := o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID); err != nil {
		t.Fatal(err)
	}
	if len(to(o.messages(), "14", "notify.doc.approval")) != 1 {
		t.Fatal("the lawyer was not told personally")
	}
}

func TestRequestWithNoOfficerIsRefused(t *testing.T) {
	o := newDocOffice(t)
	o.deactivate(o.officer)
	o.unbind("-100")
	_, err := o.svc.RequestDocument(o.ctx(), o.manager, o.deal.ID, core.DocContract, "")
	wantKey(t, err, "err.doc.no_officers")
	docs, err := o.svc.Documents(o.ctx(), o.manager, o.deal.ID)
	if err != nil || len(docs) != 0 {
		t.Fatalf("documents %v, %v: a refused request left one", docs, err)
	}
}

func TestClosedDealDocumentsAreNotProducedSubmittedOrSent(t *testing.T) {
	o := newDocOffice(t)
	draft := o.produced(core.DocContract)
	approved := o.approved()
	if _, err := o.svc.MoveDeal(o.ctx(), o.manager, o.deal.ID, core.StageNew, core.StageClosedLost, "ушли"); err != nil {
		t.Fatal(err)
	}
	_, err := o.svc.ProduceDocument(o.ctx(), o.officer, draft.ID, nil, "")
	wantKey(t, err, "err.doc.deal_closed")
	_, err = o.svc.SubmitForApproval(o.ctx(), o.officer, draft.ID)
	wantKey(t, err, "err.doc.deal_closed")
	_, err = o.svc.SendDocumentEmail(o.ctx(), o.officer, approved.ID, nil)
	wantKey(t, err, "err.doc.deal_closed")
	_, err = o.svc.SendDocumentEDO(o.ctx(), o.officer, approved.ID, core.EDOBox{ID: "box"})
	wantKey(t, err, "err.doc.deal_closed")
	if d := o.doc(approved.ID); d.SendID != 0 || len(d.Versions) != 1 {
		t.Fatalf("document changed: send %d, %d versions", d.SendID, len(d.Versions))
	}
}

func TestRegeneratingAnApprovedDocumentNeedsApprovalAgain(t *testing.T) {
	o := newDocOffice(t)
	d := o.approved()
	d, err := o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != core.DocDraft || len(d.Versions) != 2 || d.Approved != 1 {
		t.Fatalf("status %s, %d versions, approved %d; want a draft of version 2", d.Status, len(d.Versions), d.Approved)
	}
	wantKey(t, o.svc.CheckSendable(d), "err.doc.needs_approval")
	found := false
	for _, c := range o.changes(core.EntityDocument, d.ID) {
		if c.Field == "status" && c.Old == string(core.DocApproved) && c.New == string(core.DocDraft) && c.Reason == "produced" {
			found = true
		}
	}
	if !found {
		t.Fatal("the way back to draft is not audited")
	}
}
