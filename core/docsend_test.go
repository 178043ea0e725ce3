package core_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// deliver runs the send worker at the office's time.
func (o *docOffice) deliver() int {
	o.t.Helper()
	n, err := o.svc.DeliverDocuments(o.ctx(), o.clock.Now())
	if err != nil {
		o.t.Fatal(err)
	}
	return n
}

// TestSendByEmail: the intent is written with the request and carried out
// by the worker: the mail has the DOCX and the PDF, the message id of the
// version and the send, the text in the sender's language; the document
// is sent, its task done, the manager and the officer told.
func TestSendByEmail(t *testing.T) {
	o := newDocOffice(t)
	d := o.approved()
	_, err := o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, []string{"not an address"})
	checkCode(t, err, core.EINVALID, "err.contact.email")
	d, err = o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, nil)
	if err != nil || d.SendID == 0 || d.Status != core.DocApproved {
		t.Fatalf("send requested = %+v, %v", d, err)
	}
	_, err = o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, nil)
	checkCode(t, err, core.ECONFLICT, "err.doc.sending")
	_, err = o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	checkCode(t, err, core.ECONFLICT, "err.doc.sending")
	if len(o.mailer.sent) != 0 {
		t.Fatal("the mail went out inside the request")
	}

	if n := o.deliver(); n != 1 {
		t.Fatalf("delivered %d sends", n)
	}
	if len(o.mailer.sent) != 1 {
		t.Fatalf("mails = %d", len(o.mailer.sent))
	}
	m := o.mailer.sent[0]
	if m.To[0] != "ivanov@romashka.example" || len(m.Attachments) != 2 || m.Attachments[1].Name != "ДГ-2026-0001.pdf" ||
		len(m.Attachments[0].Data) == 0 || len(m.Attachments[1].Data) == 0 ||
		m.MessageID != "dealdesk-doc1-v1-s1@dealdesk.example" || m.Subject != ":mail.doc.subject:ДГ-2026-0001" ||
		m.Text != ":mail.doc.body:ДГ-2026-0001" {
		t.Errorf("mail = %+v", m)
	}
	d = o.doc(d.ID)
	if d.Status != core.DocSent || d.Channel != core.ChannelEmail || d.SentTo != "ivanov@romashka.example" ||
		d.SentVersion != 1 || d.SendID != 0 {
		t.Errorf("sent = %+v", d)
	}
	if task, _ := o.svc.TaskByID(o.ctx(), o.officer, d.TaskID); task.Status != core.TaskDone {
		t.Errorf("task = %s", task.Status)
	}
	ms := o.messages()
	for _, chat := range []string{"11", "12"} {
		if n := to(ms, chat, "notify.doc.sent"); len(n) != 1 || n[0].Args["To"] != "ivanov@romashka.example" {
			t.Errorf("chat %s told %v", chat, n)
		}
	}
	if c := change(t, o.changes(core.EntityDocument, d.ID), "status"); c.New != "sent" || c.Reason != "email" {
		t.Errorf("audit = %+v", c)
	}
	if n := o.deliver(); n != 0 || len(o.mailer.sent) != 1 {
		t.Errorf("a second run sent again: %d", n)
	}
	_, err = o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, nil)
	checkCode(t, err, core.ECONFLICT, "err.doc.already_sent")
}

// TestSendTemporaryFailure: a 4xx or a dropped connection is tried again
// after a backoff with the same message id; a refusal makes the document
// send_failed with the server's words, and it can be sent again.
func TestSendTemporaryFailure(t *testing.T) {
	o := newDocOffice(t)
	d := o.produced(core.DocProposal) // a proposal needs no approval
	o.mailer.errs = []error{&core.MailError{Temporary: true, Code: 451, Text: "451 4.7.1 try later"},
		errors.New("dial tcp: connection refused")}
	if _, err := o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, []string{"Boss@Client.Example"}); err != nil {
		t.Fatal(err)
	}
	o.deliver()
	if n := o.deliver(); n != 0 {
		t.Fatal("a failed send was tried again at once")
	}
	o.clock.Add(core.DocSendBackoff(1))
	o.deliver()
	o.clock.Add(core.DocSendBackoff(2))
	o.deliver()
	if len(o.mailer.tries) != 3 || o.mailer.tries[0] != o.mailer.tries[2] || len(o.mailer.sent) != 1 {
		t.Fatalf("tries = %v, sent %d", o.mailer.tries, len(o.mailer.sent))
	}
	if o.mailer.sent[0].To[0] != "boss@client.example" {
		t.Errorf("to = %v", o.mailer.sent[0].To)
	}
	if got := o.doc(d.ID); got.Status != core.DocSent {
		t.Errorf("status = %s", got.Status)
	}
	if core.DocSendBackoff(1) != time.Minute || core.DocSendBackoff(30) != core.DocSendMaxBackoff {
		t.Error("backoff")
	}
}

func TestSendPermanentFailure(t *testing.T) {
	o := newDocOffice(t)
	d := o.produced(core.DocInvoice)
	o.mailer.errs = []error{&core.MailError{Code: 550, Text: "550 5.1.1 <boss@client.example>: mailbox unavailable"}}
	if _, err := o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, []string{"boss@client.example"}); err != nil {
		t.Fatal(err)
	}
	o.deliver()
	d = o.doc(d.ID)
	if d.Status != core.DocSendFailed || !strings.Contains(d.SendError, "mailbox unavailable") || d.SendID != 0 {
		t.Fatalf("failed = %+v", d)
	}
	for _, chat := range []string{"11", "12"} {
		n := to(o.messages(), chat, "notify.doc.send_failed")
		if len(n) != 1 || !strings.Contains(n[0].Args["Error"].(string), "550 5.1.1") {
			t.Errorf("chat %s told %v", chat, n)
		}
	}
	if c := change(t, o.changes(core.EntityDocument, d.ID), "status"); c.New != "send_failed" {
		t.Errorf("audit = %+v", c)
	}
	// Sent again to another address, it goes.
	if _, err := o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, []string{"buh@client.example"}); err != nil {
		t.Fatal(err)
	}
	o.deliver()
	if got := o.doc(d.ID); got.Status != core.DocSent || got.SentTo != "buh@client.example" {
		t.Errorf("resent = %+v", got)
	}
	if len(o.mailer.tries) != 2 || o.mailer.tries[0] == o.mailer.tries[1] {
		t.Errorf("a new send has a new message id: %v", o.mailer.tries)
	}
}

// TestSendGivesUp: after DocSendMaxAttempts temporary failures the send
// is given up.
func TestSendGivesUp(t *testing.T) {
	o := newDocOffice(t)
	d := o.produced(core.DocProposal)
	for range core.DocSendMaxAttempts {
		o.mailer.errs = append(o.mailer.errs, &core.MailError{Temporary: true, Code: 421, Text: "421 busy"})
	}
	if _, err := o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, nil); err != nil {
		t.Fatal(err)
	}
	for range core.DocSendMaxAttempts {
		o.deliver()
		o.clock.Add(core.DocSendMaxBackoff)
	}
	if got := o.doc(d.ID); got.Status != core.DocSendFailed || got.SendError != "421 busy" {
		t.Errorf("after %d failures: %+v", core.DocSendMaxAttempts, got)
	}
	if len(o.mailer.tries) != core.DocSendMaxAttempts {
		t.Errorf("tries = %d", len(o.mailer.tries))
	}
}

// TestSendRules: a contract is not sent before it is approved, nothing is
// sent without a mailer, and a card without an e-mail needs one typed.
func TestSendRules(t *testing.T) {
	o := newDocOffice(t)
	d := o.produced(core.DocContract)
	_, err := o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, nil)
	checkCode(t, err, core.ECONFLICT, "err.doc.needs_approval")
	_, err = o.svc.SendDocumentEDO(o.ctx(), o.officer, d.ID, core.EDOBox{ID: "box"})
	checkCode(t, err, core.ECONFLICT, "err.doc.needs_approval")
	_, err = o.svc.SendDocumentEmail(o.ctx(), o.manager, d.ID, nil)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	p := o.request(core.DocProposal)
	_, err = o.svc.SendDocumentEmail(o.ctx(), o.officer, p.ID, nil)
	checkCode(t, err, core.ECONFLICT, "err.doc.produce_first")

	o.update(func(tx core.Tx) error {
		c, _ := tx.ClientByID(o.client.ID)
		c.Contacts = nil
		return tx.UpdateClient(c)
	})
	p, _ = o.svc.ProduceDocument(o.ctx(), o.officer, p.ID, nil, "")
	_, err = o.svc.SendDocumentEmail(o.ctx(), o.officer, p.ID, nil)
	checkCode(t, err, core.EINVALID, "err.doc.no_email")

	// Where the configuration asks no approval, a contract goes as a draft.
	cfg := core.DefaultDocConfig()
	cfg.ApprovalKinds = nil
	o2 := newDocOffice(t, core.WithDocConfig(cfg), core.WithMailer(nil, "", nil))
	d2 := o2.produced(core.DocContract)
	_, err = o2.svc.SendDocumentEmail(o2.ctx(), o2.officer, d2.ID, nil)
	checkCode(t, err, core.EUNAVAILABLE, "err.doc.mail_unavailable")
	if _, err := o2.svc.SendDocumentEDO(o2.ctx(), o2.officer, d2.ID, core.EDOBox{ID: "box"}); err != nil {
		t.Errorf("a contract that needs no approval: %v", err)
	}
}

// An e-mailed contract may still go to EDO for the client's signature: the
// draft's events then move it on to delivered and signed; once posted to
// EDO it is not sent again.
func TestEmailedContractGoesToEDOForSignature(t *testing.T) {
	o := newDocOffice(t)
	d := o.approved()
	if _, err := o.svc.SendDocumentEmail(o.ctx(), o.officer, d.ID, nil); err != nil {
		t.Fatal(err)
	}
	o.deliver()
	if err := o.svc.CheckSendable(o.doc(d.ID)); err != nil {
		t.Fatalf("an e-mailed contract may not go to EDO: %v", err)
	}
	if _, err := o.svc.SendDocumentEDO(o.ctx(), o.officer, d.ID, core.EDOBox{ID: "box-romashka"}); err != nil {
		t.Fatal(err)
	}
	o.deliver()
	d = o.doc(d.ID)
	if d.Status != core.DocSent || d.Channel != core.ChannelEDO || d.EDOMessageID == "" {
		t.Fatalf("after the EDO post: %+v", d)
	}
	err := o.svc.CheckSendable(d)
	checkCode(t, err, core.ECONFLICT, "err.doc.already_sent")
}
