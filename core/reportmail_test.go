package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// mailReport sends a clean pipeline report by e-mail as the officer.
func (o *dlvOffice) mailReport(to ...string) *core.ReportOutput {
	o.t.Helper()
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	var targets []core.ReportTarget
	for _, e := range to {
		targets = append(targets, core.ReportTarget{Kind: core.TargetEmail, Email: e})
	}
	out, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, targets, "ru")
	if err != nil || out.Run.Status != core.RunSent {
		o.t.Fatalf("send = %+v, %v", out, err)
	}
	return out
}

// mails runs the mail worker at the office's time.
func (o *dlvOffice) mails() int {
	o.t.Helper()
	n, err := o.svc.SendDueReportMails(o.ctx(), o.clock.Now())
	if err != nil {
		o.t.Fatal(err)
	}
	return n
}

// TestReportMail: each address gets its own mail, sent by the worker, not
// inside the request: the file and the chart attached with their
// contents, the subject and text in the run's language, a Message-ID per
// mail; a temporary failure is tried again after a backoff under the same
// Message-ID, and a sent mail is not sent again.
func TestReportMail(t *testing.T) {
	o := newDlvOffice(t)
	o.mailer.errs = []error{&core.MailError{Temporary: true, Code: 421, Text: "try later"}}
	out := o.mailReport("head@bank.example", "Analyst <analyst@bank.example>")
	if len(o.mailer.tries) != 0 {
		t.Fatal("mail went out inside the request")
	}
	if n := o.mails(); n != 2 {
		t.Fatalf("tried %d", n)
	}
	if len(o.mailer.sent) != 1 || len(o.mailer.tries) != 2 {
		t.Fatalf("sent %d of %d tries", len(o.mailer.sent), len(o.mailer.tries))
	}
	if n := o.mails(); n != 0 {
		t.Fatalf("the failed mail was due again at once: %d", n)
	}
	o.clock.Add(time.Minute)
	if n := o.mails(); n != 1 {
		t.Fatalf("retry tried %d", n)
	}
	if n := o.mails(); n != 0 || len(o.mailer.sent) != 2 {
		t.Fatalf("sent again: %d, %d", n, len(o.mailer.sent))
	}
	first, retried := o.mailer.tries[0], o.mailer.tries[2]
	if first != retried || first == o.mailer.tries[1] ||
		!strings.HasPrefix(first, "dealdesk-report") || !strings.HasSuffix(first, "@dealdesk.example") {
		t.Errorf("message ids = %v", o.mailer.tries)
	}
	for _, m := range o.mailer.sent {
		if len(m.To) != 1 || len(m.Attachments) != 2 || m.Attachments[0].Name != out.File.Name ||
			string(m.Attachments[0].Data) != string(o.stored(out.File.SHA256)) || m.Attachments[1].MIME != "image/png" ||
			!strings.Contains(m.Subject, out.Title) || !strings.Contains(m.Text, "Здравствуйте") {
			t.Errorf("mail = %+v", m)
		}
	}
	if m := o.mailer.sent[1]; m.To[0] != "analyst@bank.example" && o.mailer.sent[0].To[0] != "analyst@bank.example" {
		t.Errorf("addresses = %v, %v", o.mailer.sent[0].To, m.To)
	}
	if got := fields(o.changes(core.EntityReport, out.Run.ID)); strings.Join(got, ",") != "sent,mail,mail" {
		t.Errorf("audit = %v", got)
	}
}

// TestReportMailRefused: a refusal is given up at once with the server's
// words, audited, and the sender told.
func TestReportMailRefused(t *testing.T) {
	o := newDlvOffice(t)
	o.mailer.errs = []error{&core.MailError{Code: 550, Text: "mailbox unavailable"}}
	out := o.mailReport("nobody@bank.example")
	if n := o.mails(); n != 1 {
		t.Fatalf("tried %d", n)
	}
	o.clock.Add(time.Hour)
	if n := o.mails(); n != 0 || len(o.mailer.tries) != 1 {
		t.Fatalf("a refused mail was tried again: %d", n)
	}
	told := inChat(o.messages(), "11", "delivery.mail_failed")
	if len(told) != 1 || told[0].Args["Error"] != "mailbox unavailable" || told[0].Args["To"] != "nobody@bank.example" {
		t.Fatalf("sender told %+v", told)
	}
	if c := change(t, o.changes(core.EntityReport, out.Run.ID), "mail"); !strings.Contains(c.New, "mailbox unavailable") {
		t.Errorf("audit = %+v", c)
	}
}

// TestReportMailUnavailable: without a mail server an address is refused
// when the report is sent.
func TestReportMailUnavailable(t *testing.T) {
	o := newOffice(t, core.WithReports(&dlvTables{}, nil, dlvCron{}, dlvTexts))
	_, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, []core.ReportTarget{{Kind: core.TargetEmail,
		Email: "head@bank.example"}}, "ru")
	checkCode(t, err, core.EUNAVAILABLE, "err.delivery.mail_unavailable")
}
