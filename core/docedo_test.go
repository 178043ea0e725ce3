package core_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// poll runs the EDO job.
func (o *docOffice) poll() int {
	o.t.Helper()
	n, err := o.svc.PollEDO(o.ctx(), o.clock.Now())
	if err != nil {
		o.t.Fatal(err)
	}
	return n
}

// postedContract is an approved contract posted to EDO as a draft.
func (o *docOffice) postedContract() *core.Document {
	o.t.Helper()
	d := o.approved()
	if _, err := o.svc.SendDocumentEDO(o.ctx(), o.officer, d.ID, core.EDOBox{ID: "box-romashka"}); err != nil {
		o.t.Fatal(err)
	}
	o.deliver()
	return o.doc(d.ID)
}

func TestEDOBoxes(t *testing.T) {
	o := newDocOffice(t)
	d := o.request(core.DocContract)
	_, err := o.svc.EDOBoxes(o.ctx(), o.officer, d.ID)
	checkCode(t, err, core.ENOTFOUND, "err.doc.no_box")
	o.edo.boxes[sberINN+"/"] = []core.EDOBox{{ID: "b1", Title: "Ромашка", INN: sberINN}, {ID: "b2", Title: "Ромашка (роуминг)"}}
	boxes, err := o.svc.EDOBoxes(o.ctx(), o.officer, d.ID)
	if err != nil || len(boxes) != 2 {
		t.Fatalf("boxes by INN alone = %v, %v", boxes, err)
	}
	o.edo.boxes[sberINN+"/"+sberKPP] = []core.EDOBox{{ID: "b1"}}
	if boxes, _ := o.svc.EDOBoxes(o.ctx(), o.officer, d.ID); len(boxes) != 1 {
		t.Errorf("boxes by INN and KPP = %v", boxes)
	}
	o2 := newDocOffice(t, core.WithEDO(nil))
	_, err = o2.svc.EDOBoxes(o2.ctx(), o2.officer, o2.request(core.DocContract).ID)
	checkCode(t, err, core.EUNAVAILABLE, "err.doc.edo_unavailable")
}

// TestSendByEDO: the draft is posted once per send (its operation id),
// with the PDF, asking the client's signature for a contract; the
// document knows its EDO ids and waits for a person to sign and send it
// in Diadoc.
func TestSendByEDO(t *testing.T) {
	o := newDocOffice(t)
	d := o.postedContract()
	if o.edo.posts != 1 {
		t.Fatalf("posts = %d", o.edo.posts)
	}
	var draft *core.EDODraft
	for _, dr := range o.edo.drafts {
		draft = dr
	}
	if draft.OperationID != "dealdesk-doc1-v1-s1" || draft.ToBoxID != "box-romashka" || draft.FileName != "ДГ-2026-0001.pdf" ||
		!draft.NeedRecipientSignature || draft.Title != "Договор ДГ-2026-0001" {
		t.Errorf("draft = %+v", draft)
	}
	if d.Status != core.DocApproved || d.EDOMessageID != "msg-dealdesk-doc1-v1-s1" || d.EDOEntityID == "" ||
		d.Channel != core.ChannelEDO || d.SendID != 0 || d.EDOBoxID != "box-romashka" {
		t.Errorf("posted = %+v", d)
	}
	if n := to(o.messages(), "11", "notify.doc.edo_posted"); len(n) != 1 {
		t.Errorf("officer told %d times", len(n))
	}
}

// TestPostedDraftIsNotSentAgain: a version posted to EDO as a draft waits
// there for a person to sign and send it; it is not posted again, nor
// e-mailed, until its events move it on or a new version is made (signed
// on paper meanwhile it may be: TestPollEDOLetterOfADocumentSignedOnPaper).
func TestPostedDraftIsNotSentAgain(t *testing.T) {
	o := newDocOffice(t)
	d := o.postedContract()
	if !d.WaitsInEDO() {
		t.Fatalf("posted = %+v, not waiting in EDO", d)
	}
	_, err := o.svc.SendDocumentEDO(o.ctx(), o.officer, d.ID, core.EDOBox{ID: "box-romashka"})
	checkCode(t, err, core.ECONFLICT, "err.doc.waits_in_edo")
	if _, args := core.ErrorKey(err); args["Number"] != d.Number || args["Version"] != 1 {
		t.Errorf("error arguments = %v", args)
	}
	_, err = o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, nil)
	checkCode(t, err, core.ECONFLICT, "err.doc.waits_in_edo")
	o.deliver()
	if o.edo.posts != 1 || len(o.mailer.sent) != 0 {
		t.Fatalf("posts = %d, mails = %d after the refusals", o.edo.posts, len(o.mailer.sent))
	}
	if got := o.doc(d.ID); got.SendID != 0 || got.Status != core.DocApproved {
		t.Errorf("document after the refusals = %+v", got)
	}

	// A draft of a kind that needs no approval, posted, then made again:
	// the new version may go.
	p := o.produced(core.DocProposal)
	if _, err := o.svc.SendDocumentEDO(o.ctx(), o.officer, p.ID, core.EDOBox{ID: "box-romashka"}); err != nil {
		t.Fatal(err)
	}
	o.deliver()
	_, err = o.svc.SendDocumentEDO(o.ctx(), o.officer, p.ID, core.EDOBox{ID: "box-romashka"})
	checkCode(t, err, core.ECONFLICT, "err.doc.waits_in_edo")
	if p, err = o.svc.ProduceDocument(o.ctx(), o.officer, p.ID, nil, ""); err != nil {
		t.Fatal(err)
	}
	if p.WaitsInEDO() {
		t.Fatal("a new version waits in EDO")
	}
	if _, err := o.svc.SendDocumentEDO(o.ctx(), o.officer, p.ID, core.EDOBox{ID: "box-romashka"}); err != nil {
		t.Errorf("the new version: %v", err)
	}
}

// TestSendByEDOTemporaryFailure: an operator that is down is tried again
// with the same operation id, so the draft is posted once.
func TestSendByEDOTemporaryFailure(t *testing.T) {
	o := newDocOffice(t)
	d := o.approved()
	o.edo.err = core.Errorf(core.EUNAVAILABLE, "err.edo.down")
	if _, err := o.svc.SendDocumentEDO(o.ctx(), o.officer, d.ID, core.EDOBox{ID: "box"}); err != nil {
		t.Fatal(err)
	}
	o.deliver()
	o.edo.err = nil
	o.clock.Add(core.DocSendBackoff(1))
	o.deliver()
	o.clock.Add(core.DocSendMaxBackoff)
	o.deliver()
	if o.edo.posts != 1 || o.doc(d.ID).EDOMessageID == "" {
		t.Errorf("posts = %d, document %+v", o.edo.posts, o.doc(d.ID))
	}
	// A refusal (402: the subscription expired) is told with its key.
	p := o.produced(core.DocProposal)
	o.edo.err = core.Errorf(core.EFORBIDDEN, "err.edo.payment_required")
	if _, err := o.svc.SendDocumentEDO(o.ctx(), o.officer, p.ID, core.EDOBox{ID: "box"}); err != nil {
		t.Fatal(err)
	}
	o.deliver()
	if got := o.doc(p.ID); got.Status != core.DocSendFailed || got.SendError != "err.edo.payment_required" {
		t.Errorf("refused = %+v", got)
	}
	n := to(o.messages(), "11", "notify.doc.send_failed")
	if len(n) != 1 || n[0].Args["ErrorKey"] != "err.edo.payment_required" {
		t.Errorf("officer told %v", n)
	}
}

// TestPollEDO: the feed's events move the document along its status line
// and never back, a signed contract moves the deal to «действует»
// (audited), everyone concerned is told, and the cursor is kept with each
// page.
func TestPollEDO(t *testing.T) {
	o := newDocOffice(t)
	d := o.postedContract()
	msg := d.EDOMessageID
	o.edo.pages = [][]core.EDOEvent{
		{{MessageID: "someone-elses", Status: core.EDOSigned}, {MessageID: msg, Status: core.EDOSent}},
		{{MessageID: msg, Status: core.EDODelivered}, {MessageID: msg, Status: core.EDOSent}},
		{{MessageID: msg, Status: core.EDOSigned, Comment: "подписано КЭП"}},
	}
	if n := o.poll(); n != 5 {
		t.Fatalf("events read = %d", n)
	}
	if got := o.edo.asked; !slices.Equal(got, []string{"", "p1+x", "p2+x", "p3+x"}) {
		t.Errorf("cursors asked = %q", got)
	}
	var cursor string
	o.view(func(tx core.Tx) (err error) { cursor, err = tx.EDOCursor("diadoc"); return err })
	if cursor != "p3+x" {
		t.Errorf("cursor = %q", cursor)
	}
	d = o.doc(d.ID)
	if d.Status != core.DocSigned {
		t.Fatalf("status = %s", d.Status)
	}
	var statuses []string
	for _, c := range o.changes(core.EntityDocument, d.ID) {
		if c.Field == "status" && c.ActorID == 0 {
			statuses = append(statuses, c.New)
		}
	}
	if !slices.Equal(statuses, []string{"sent", "delivered", "signed"}) {
		t.Errorf("status changes = %v", statuses)
	}
	deal, _ := o.svc.DealByID(o.ctx(), o.manager, o.deal.ID)
	if deal.Stage != core.StageActive {
		t.Errorf("deal stage = %s", deal.Stage)
	}
	if c := change(t, o.changes(core.EntityDeal, deal.ID), "stage"); c.Reason != "document_signed" || c.Old != "new" {
		t.Errorf("stage audit = %+v", c)
	}
	notes := to(o.messages(), "12", "notify.doc.status")
	if len(notes) != 3 || notes[2].Args["Status"] != "signed" || notes[2].Args["DealMoved"] != true ||
		notes[2].Args["Comment"] != "подписано КЭП" {
		t.Errorf("manager told %v", notes)
	}
	for _, n := range notes {
		// Nobody made these changes: the notes name no one.
		if by, ok := n.Args["By"]; !ok || by != "" {
			t.Errorf("an EDO event's note says By = %#v", by)
		}
	}
	if task, _ := o.svc.TaskByID(o.ctx(), o.officer, d.TaskID); task.Status != core.TaskDone {
		t.Errorf("task = %s", task.Status)
	}
	// Nothing new: nothing changes.
	before := len(o.messages())
	if n := o.poll(); n != 0 || len(o.messages()) != before {
		t.Errorf("a poll without news read %d events", n)
	}
}

// TestPollEDOFollowsTheLetterSentFromTheDraft: a person signs the posted
// draft and sends it in Diadoc, which makes it a letter with ids of its
// own; the letter's first event names the draft, and its later events
// (delivered, signed) name only the letter, yet move the same document,
// and the signed contract moves the deal to «действует». The draft's id
// stays in the audit trail.
func TestPollEDOFollowsTheLetterSentFromTheDraft(t *testing.T) {
	o := newDocOffice(t)
	d := o.postedContract()
	draft := d.EDOMessageID
	o.edo.pages = [][]core.EDOEvent{
		{
			{MessageID: "letter-1", EntityID: "letter-ent", DraftID: draft, Status: core.EDOSent},
			// Another document a person added to the letter: not ours.
			{MessageID: "letter-1", EntityID: "added-ent", DraftID: draft, Status: core.EDOSigned},
			// Someone else's letter from a draft DealDesk never posted.
			{MessageID: "letter-2", EntityID: "e2", DraftID: "someone-elses-draft", Status: core.EDOSigned},
		},
		{{MessageID: "letter-1", Status: core.EDODelivered}},
		{{MessageID: "letter-1", EntityID: "letter-ent", Status: core.EDOSigned}},
	}
	o.poll()
	d = o.doc(d.ID)
	if d.Status != core.DocSigned || d.EDOMessageID != "letter-1" || d.EDOEntityID != "letter-ent" {
		t.Fatalf("document = %s, EDO %q/%q", d.Status, d.EDOMessageID, d.EDOEntityID)
	}
	var statuses []string
	for _, c := range o.changes(core.EntityDocument, d.ID) {
		if c.Field == "status" && c.ActorID == 0 {
			statuses = append(statuses, c.New)
		}
	}
	if !slices.Equal(statuses, []string{"sent", "delivered", "signed"}) {
		t.Errorf("status changes = %v", statuses)
	}
	if c := change(t, o.changes(core.EntityDocument, d.ID), "edo_message_id"); c.Old != draft || c.New != "letter-1" ||
		c.Reason != "edo" {
		t.Errorf("EDO id audit = %+v", c)
	}
	o.view(func(tx core.Tx) error {
		if got, err := tx.DocumentByEDO("letter-1"); err != nil || got.ID != d.ID {
			t.Errorf("by the letter's id: %v, %v", got, err)
		}
		return nil
	})
	deal, _ := o.svc.DealByID(o.ctx(), o.manager, o.deal.ID)
	if deal.Stage != core.StageActive {
		t.Errorf("deal stage = %s", deal.Stage)
	}
	notes := to(o.messages(), "12", "notify.doc.status")
	if len(notes) != 3 || notes[2].Args["Status"] != "signed" || notes[2].Args["DealMoved"] != true {
		t.Errorf("manager told %v", notes)
	}
}

// TestPollEDOLetterSkipsAStep: the letter's first event may already tell
// of delivery; a late «sent» moves nothing back, and the signature that
// follows names only the letter.
func TestPollEDOLetterSkipsAStep(t *testing.T) {
	o := newDocOffice(t)
	d := o.postedContract()
	o.edo.pages = [][]core.EDOEvent{
		{{MessageID: "letter-1", EntityID: "letter-ent", DraftID: d.EDOMessageID, Status: core.EDODelivered}},
		{{MessageID: "letter-1", EntityID: "letter-ent", Status: core.EDOSent}},
	}
	o.poll()
	if got := o.doc(d.ID); got.Status != core.DocDelivered || got.EDOMessageID != "letter-1" {
		t.Fatalf("after delivery: %s %q", got.Status, got.EDOMessageID)
	}
	o.edo.pages = append(o.edo.pages, []core.EDOEvent{{MessageID: "letter-1", Status: core.EDORejected,
		Comment: "не наш договор"}})
	o.poll()
	if got := o.doc(d.ID); got.Status != core.DocRefused {
		t.Errorf("after the refusal: %s", got.Status)
	}
	var statuses []string
	for _, c := range o.changes(core.EntityDocument, d.ID) {
		if c.Field == "status" && c.ActorID == 0 {
			statuses = append(statuses, c.New)
		}
	}
	if !slices.Equal(statuses, []string{"delivered", "refused"}) {
		t.Errorf("status changes = %v", statuses)
	}
}

// TestPollEDOLetterOfADocumentSignedOnPaper: a contract signed on paper
// meanwhile keeps its status when the letter turns up, but takes the
// letter's ids (audited, nobody told), so that the letter's later events
// are recognized as late news rather than lost.
func TestPollEDOLetterOfADocumentSignedOnPaper(t *testing.T) {
	o := newDocOffice(t)
	d := o.postedContract()
	draft := d.EDOMessageID
	if _, err := o.svc.MarkPaperSigned(o.ctx(), o.manager, d.ID); err != nil {
		t.Fatal(err)
	}
	before := len(o.messages())
	o.edo.pages = [][]core.EDOEvent{
		{{MessageID: "letter-1", EntityID: "letter-ent", DraftID: draft, Status: core.EDOSent}},
		{{MessageID: "letter-1", EntityID: "letter-ent", Status: core.EDOSigned}},
	}
	o.poll()
	got := o.doc(d.ID)
	if got.Status != core.DocSigned || got.EDOMessageID != "letter-1" ||
		got.EDOEntityID != "letter-ent" {
		t.Errorf("document = %+v", got)
	}
	if c := change(t, o.changes(core.EntityDocument, d.ID), "edo_message_id"); c.Old != draft || c.New != "letter-1" ||
		c.Reason != "edo" {
		t.Errorf("EDO id audit = %+v", c)
	}
	if n := len(o.messages()); n != before {
		t.Errorf("%d messages about nothing new", n-before)
	}
}

// TestPollEDOFailure: an operator that fails leaves the cursor where it
// was; an operator's refusal of a document is recorded.
func TestPollEDOFailure(t *testing.T) {
	o := newDocOffice(t)
	d := o.postedContract()
	o.edo.pages = [][]core.EDOEvent{{{MessageID: d.EDOMessageID, Status: core.EDORejected, Comment: "не наш договор"}}}
	if n := o.poll(); n != 1 {
		t.Fatal(n)
	}
	if got := o.doc(d.ID); got.Status != core.DocRefused {
		t.Errorf("status = %s", got.Status)
	}
	if c := change(t, o.changes(core.EntityDocument, d.ID), "status"); c.Reason != "не наш договор" {
		t.Errorf("audit = %+v", c)
	}
	failing := &failingEDO{fakeEDO: o.edo}
	o2 := newDocOffice(t, core.WithEDO(failing))
	if _, err := o2.svc.PollEDO(o2.ctx(), o2.clock.Now()); err == nil {
		t.Error("a failing feed reported no error")
	}
	if n, err := newDocOffice(t, core.WithEDO(nil)).svc.PollEDO(o.ctx(), o.clock.Now()); n != 0 || err != nil {
		t.Errorf("without EDO: %d, %v", n, err)
	}
}

type failingEDO struct{ *fakeEDO }

func (f *failingEDO) Events(context.Context, string) ([]core.EDOEvent, string, error) {
	return nil, "", errors.New("503")
}

// TestPaperSignedAndOriginal: a contract signed on paper moves the deal;
// the original coming back is the end of the line.
func TestPaperSignedAndOriginal(t *testing.T) {
	o := newDocOffice(t)
	d := o.produced(core.DocContract)
	_, err := o.svc.MarkPaperSigned(o.ctx(), o.officer, d.ID)
	checkCode(t, err, core.ECONFLICT, "err.doc.not_signable")
	d = o.approved() // a second contract, approved
	_, err = o.svc.MarkOriginalReceived(o.ctx(), o.manager, d.ID)
	checkCode(t, err, core.ECONFLICT, "err.doc.not_signed")
	_, err = o.svc.MarkPaperSigned(o.ctx(), o.lawyer, d.ID)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	d, err = o.svc.MarkPaperSigned(o.ctx(), o.manager, d.ID)
	if err != nil || d.Status != core.DocSigned || d.Channel != core.ChannelPaper || d.SentVersion != 1 {
		t.Fatalf("signed = %+v, %v", d, err)
	}
	if deal, _ := o.svc.DealByID(o.ctx(), o.manager, o.deal.ID); deal.Stage != core.StageActive {
		t.Errorf("deal stage = %s", deal.Stage)
	}
	d, err = o.svc.MarkOriginalReceived(o.ctx(), o.officer, d.ID)
	if err != nil || d.Status != core.DocOriginal {
		t.Fatalf("original = %+v, %v", d, err)
	}
	c := change(t, o.changes(core.EntityDocument, d.ID), "status")
	if c.New != "original" || c.Reason != "original_received" || c.ActorID != o.officer.ID() {
		t.Errorf("audit = %+v", c)
	}
	// A signed invoice or a deal already in force moves nothing.
	inv := o.produced(core.DocInvoice)
	if _, err := o.svc.MarkPaperSigned(o.ctx(), o.officer, inv.ID); err != nil {
		t.Fatal(err)
	}
	moves := 0
	for _, c := range o.changes(core.EntityDeal, o.deal.ID) {
		if c.Field == "stage" && c.Old != "" {
			moves++
		}
	}
	if moves != 1 {
		t.Errorf("the deal's stage moved %d times", moves)
	}
}
