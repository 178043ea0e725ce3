package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// purge runs the retention at the office's time.
func (o *dlvOffice) purge() int {
	o.t.Helper()
	n, err := o.svc.PurgeReportFiles(o.ctx(), o.clock.Now())
	if err != nil {
		o.t.Fatal(err)
	}
	return n
}

// fileGone reports whether a stored file is no longer there.
func (o *dlvOffice) fileGone(sha string) bool {
	o.t.Helper()
	_, err := o.svc.StoredFile(o.ctx(), sha)
	if err != nil && !core.IsNotFound(err) {
		o.t.Fatal(err)
	}
	return core.IsNotFound(err)
}

const day = 24 * time.Hour

// TestPurgeReportFiles: a run's file and chart are stored with it and kept
// for KeepFiles (90 days by default); then the retention drops them (a
// file two runs share once both are released), marks the run purged and
// audits it, and the manifest keeps the SHA-256. A younger run's file
// stays. Purging again drops nothing.
func TestPurgeReportFiles(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	old, err := o.svc.MakeReport(o.ctx(), o.head, pipelineSpec, "ru")
	if err != nil {
		t.Fatal(err)
	}
	if old.Run.Chart == nil || o.run(old.Run.ID).Chart == nil || old.Chart == nil ||
		o.run(old.Run.ID).Chart.SHA256 != old.Chart.SHA256 {
		t.Fatalf("the run's chart is not recorded: %+v", o.run(old.Run.ID))
	}
	same, err := o.svc.MakeReport(o.ctx(), o.head, pipelineSpec, "ru") // the same minute: the same content
	if err != nil {
		t.Fatal(err)
	}
	if same.File.SHA256 != old.File.SHA256 {
		t.Fatalf("two files of the same minute differ")
	}
	o.clock.Add(80 * day)
	young, err := o.svc.MakeReport(o.ctx(), o.officer, core.ReportSpec{Export: core.ExportDeals}, "ru")
	if err != nil {
		t.Fatal(err)
	}

	o.clock.Add(9 * day) // the first two are 89 days old
	if n := o.purge(); n != 0 {
		t.Fatalf("purged %d before 90 days", n)
	}
	o.clock.Add(day + time.Minute)
	if n := o.purge(); n != 2 {
		t.Fatalf("purged %d", n)
	}
	for _, out := range []*core.ReportOutput{old, same} {
		run := o.run(out.Run.ID)
		if !run.Purged || run.File.SHA256 != out.File.SHA256 || !o.fileGone(out.File.SHA256) ||
			!o.fileGone(out.Chart.SHA256) {
			t.Errorf("run %d after the purge: %+v", run.ID, run)
		}
		p := change(t, o.changes(core.EntityReport, run.ID), "purged")
		if p.Source != "job:purge_report_files" || !strings.Contains(p.New, out.File.SHA256) ||
			!strings.Contains(p.New, "90 days") {
			t.Errorf("purge audit = %+v", p)
		}
		if m := change(t, o.changes(core.EntityReport, run.ID), "report"); !strings.Contains(m.New, "sha256 "+out.File.SHA256) {
			t.Errorf("manifest = %+v", m)
		}
	}
	if r := o.run(young.Run.ID); r.Purged || o.fileGone(young.File.SHA256) {
		t.Errorf("the young run was purged: %+v", r)
	}
	if n := o.purge(); n != 0 {
		t.Errorf("purged again %d", n)
	}
	o.clock.Add(81 * day)
	if n := o.purge(); n != 1 || !o.fileGone(young.File.SHA256) {
		t.Errorf("the third run: purged %d", n)
	}
}

// TestPurgeHeldRunRebuilt: a held run older than the retention loses its
// file, and «Проверить снова» builds it again: sent with a new stored file,
// no longer purged. Its buttons keep working.
func TestPurgeHeldRunRebuilt(t *testing.T) {
	o := newDlvOffice(t, core.WithReportConfig(core.ReportConfig{KeepFiles: 3 * day}))
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	d := o.amountDeal(c.ID, "Монтаж", 0)
	out, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, []core.ReportTarget{headsChat}, "ru")
	if err != nil || out.Run.Status != core.RunHeld {
		t.Fatalf("send = %+v, %v", out, err)
	}
	o.clock.Add(4 * day)
	if n := o.purge(); n != 1 || !o.fileGone(out.File.SHA256) {
		t.Fatalf("purged %d", n)
	}
	if _, err := o.svc.UpdateDeal(o.ctx(), o.manager, d.ID, "", func(d *core.Deal) error {
		d.Amount = 50000
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	again, err := o.svc.RecheckReport(o.ctx(), o.officer, out.Run.ID)
	if err != nil || again.Run.Status != core.RunSent {
		t.Fatalf("recheck = %+v, %v", again, err)
	}
	run := o.run(out.Run.ID)
	if run.Purged || run.File.SHA256 != again.File.SHA256 || o.fileGone(again.File.SHA256) {
		t.Errorf("run after the recheck = %+v", run)
	}
	ms := inChat(o.messages(), "-300", "report.delivery")
	if len(ms) != 1 || len(ms[0].Files) == 0 || ms[0].Files[0].SHA256 != again.File.SHA256 {
		t.Errorf("heads' chat got %+v", ms)
	}
	if n := o.purge(); n != 0 {
		t.Errorf("the rebuilt run's new file purged at once: %d", n)
	}
}

// TestPurgeBatches: more runs than one transaction takes are all purged
// in one call.
func TestPurgeBatches(t *testing.T) {
	o := newDlvOffice(t, core.WithReportConfig(core.ReportConfig{KeepFiles: day}))
	const runs = 105
	for range runs {
		if _, err := o.svc.MakeReport(o.ctx(), o.officer, core.ReportSpec{Export: core.ExportClients}, "ru"); err != nil {
			t.Fatal(err)
		}
	}
	o.clock.Add(2 * day)
	if n := o.purge(); n != runs {
		t.Fatalf("purged %d of %d", n, runs)
	}
	if n := o.purge(); n != 0 {
		t.Errorf("purged again %d", n)
	}
}

// TestPurgedFileMailGivenUp: a report mail whose file the retention
// dropped is given up at once, and the sender told the file is gone.
func TestPurgedFileMailGivenUp(t *testing.T) {
	o := newDlvOffice(t, core.WithReportConfig(core.ReportConfig{KeepFiles: day}))
	o.mailer.errs = []error{&core.MailError{Temporary: true, Code: 421, Text: "try later"}}
	o.mailReport("boss@bank.example")
	o.mails() // fails, due again later
	o.clock.Add(2 * day)
	if n := o.purge(); n != 1 {
		t.Fatalf("purged %d", n)
	}
	o.mails()
	if len(o.mailer.sent) != 0 {
		t.Fatal("a mail went without its file")
	}
	told := inChat(o.messages(), "11", "delivery.mail_failed")
	if len(told) != 1 || !strings.Contains(dlvTexts("ru", "delivery.mail_failed", told[0].Args), "удалён по сроку хранения") {
		t.Fatalf("sender told %+v", told)
	}
}
