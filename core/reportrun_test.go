package core_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestMakeReportPersonal: an export made for oneself is a run sent to its
// maker, its file stored under its SHA-256 and named by its title and day,
// its manifest audited with the filters, rows and the file's SHA-256; no
// message is written (the reply carries the file).
func TestMakeReportPersonal(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	o.amountDeal(c.ID, "Монтаж", 0) // a finding, which a personal export does not check
	before := len(o.messages())

	out, err := o.svc.MakeReport(o.ctx(), o.officer, core.ReportSpec{Export: core.ExportDeals}, "ru")
	if err != nil {
		t.Fatal(err)
	}
	run := o.run(out.Run.ID)
	if run.Status != core.RunSent || run.By != o.officer.ID() || len(run.To) != 1 ||
		run.To[0] != (core.ReportTarget{Kind: core.TargetUser, UserID: o.officer.ID()}) || run.Rows != 2 ||
		run.File != out.File || run.SentAt.IsZero() || run.Spec.Format != core.FormatXLSX || len(run.Findings) != 0 {
		t.Fatalf("run = %+v", run)
	}
	data := o.stored(out.File.SHA256)
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != out.File.SHA256 || out.File.Size != int64(len(data)) ||
		!strings.HasSuffix(out.File.Name, " 2026-11-28.xlsx") || strings.ContainsAny(out.File.Name, `/\:*?"<>|`) ||
		out.File.MIME != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("file = %+v (%d bytes)", out.File, len(data))
	}
	w := o.tables.last()
	if w.Format != core.FormatXLSX || w.Zone != "Europe/Moscow" || w.Comma != ";" || len(w.Rows) != 2 {
		t.Errorf("writer = %+v", w)
	}
	cs := o.changes(core.EntityReport, run.ID)
	checkStamp(t, cs, o.officer, "")
	m := change(t, cs, "export").New
	for _, want := range []string{"export deals", "rows 2", "sha256 " + out.File.SHA256, out.File.Name,
		"by " + o.officer.User.Name} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest %q lacks %q", m, want)
		}
	}
	if len(o.messages()) != before {
		t.Error("a personal export wrote messages")
	}

	// A manager's own; a lawyer none.
	if _, err := o.svc.MakeReport(o.ctx(), o.manager, core.ReportSpec{Export: core.ExportDeals}, "ru"); err != nil {
		t.Errorf("manager: %v", err)
	}
	_, err = o.svc.MakeReport(o.ctx(), o.lawyer, core.ReportSpec{Export: core.ExportDeals}, "ru")
	checkCode(t, err, core.EFORBIDDEN, "err.delivery.forbidden")
	_, err = o.svc.MakeReport(o.ctx(), o.officer, core.ReportSpec{}, "ru")
	checkCode(t, err, core.EINVALID, "err.delivery.nothing")
	_, err = o.svc.MakeReport(o.ctx(), o.officer, core.ReportSpec{Export: core.ExportDeals, Format: "pdf"}, "ru")
	checkCode(t, err, core.EINVALID, "err.delivery.format")

	// CSV: the configured separator, the file's type.
	out, err = o.svc.MakeReport(o.ctx(), o.officer, core.ReportSpec{Export: core.ExportDeals, Format: core.FormatCSV}, "en")
	if err != nil || out.File.MIME != "text/csv" || !strings.HasSuffix(out.File.Name, ".csv") ||
		o.tables.last().Format != core.FormatCSV {
		t.Errorf("csv = %+v, %v", out, err)
	}
}

// TestMakeReportUnavailable: without table writers nothing is made.
func TestMakeReportUnavailable(t *testing.T) {
	o := newOffice(t)
	_, err := o.svc.MakeReport(o.ctx(), o.officer, core.ReportSpec{Export: core.ExportDeals}, "ru")
	checkCode(t, err, core.EUNAVAILABLE, "err.delivery.tables_unavailable")
}

// TestSendReportClean: a clean pipeline report goes to the heads' chat in
// the transaction that records it: one message with the XLSX and the
// chart's PNG (by reference, both stored), the chart also put into the
// XLSX; the manifest is audited as sent with whom it went to and the
// SHA-256 of the stored file.
func TestSendReportClean(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)

	out, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, []core.ReportTarget{headsChat, headsChat}, "ru")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Findings) != 0 || out.Run.Status != core.RunSent || len(out.Run.To) != 1 || out.Chart == nil {
		t.Fatalf("out = %+v, findings %+v", out, out.Findings)
	}
	if w := o.tables.last(); len(w.Images) != 1 || len(o.charts.drawn) != 1 {
		t.Errorf("chart in the file: %v, drawn %d", w.Images, len(o.charts.drawn))
	}
	ms := inChat(o.messages(), "-300", "report.delivery")
	if len(ms) != 1 {
		t.Fatalf("heads' chat got %d reports", len(ms))
	}
	m := ms[0]
	if len(m.Files) != 2 || m.Files[0].SHA256 != out.File.SHA256 || m.Files[1].SHA256 != out.Chart.SHA256 ||
		len(m.Files[0].Data) != 0 || m.Files[1].MIME != "image/png" || m.Args["Title"] != out.Title ||
		m.Args["Sender"] != o.officer.User.Name {
		t.Errorf("message = %+v", m)
	}
	if !bytes.Equal(o.stored(out.Chart.SHA256), o.charts.pngs[0]) {
		t.Error("the chart is not stored as drawn")
	}
	data := o.stored(out.File.SHA256)
	sum := sha256.Sum256(data)
	sent := change(t, o.changes(core.EntityReport, out.Run.ID), "sent")
	if !strings.Contains(sent.New, "sha256 "+hex.EncodeToString(sum[:])) || !strings.Contains(sent.New, "chat «heads»") ||
		sent.ActorID != o.officer.ID() {
		t.Errorf("manifest = %+v", sent)
	}

	// Managers do not send to others.
	_, err = o.svc.SendReport(o.ctx(), o.manager, pipelineSpec, []core.ReportTarget{headsChat}, "ru")
	checkCode(t, err, core.EFORBIDDEN, "err.delivery.send_forbidden")
}

// TestSendReportTargets: recipients are checked before anything is built.
func TestSendReportTargets(t *testing.T) {
	o := newDlvOffice(t)
	for _, c := range []struct {
		to        []core.ReportTarget
		code, key string
	}{
		{nil, core.EINVALID, "err.delivery.no_targets"},
		{[]core.ReportTarget{{Kind: core.TargetChat, Platform: core.PlatformTelegram, ChatID: "-999"}},
			core.EINVALID, "err.delivery.chat_unbound"},
		{[]core.ReportTarget{{Kind: core.TargetUser, UserID: 999}}, core.EINVALID, "err.delivery.user_unknown"},
		{[]core.ReportTarget{{Kind: core.TargetEmail, Email: "not an address"}}, core.EINVALID, "err.contact.email"},
		{[]core.ReportTarget{{Kind: "fax"}}, core.EINVALID, "err.delivery.target_unknown"},
	} {
		_, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, c.to, "ru")
		checkCode(t, err, c.code, c.key)
	}
	if n := len(o.tables.writers); n != 0 {
		t.Errorf("%d files built for refused targets", n)
	}
	o.setActive(o.head, false)
	_, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, []core.ReportTarget{{Kind: core.TargetUser,
		UserID: o.head.ID()}}, "ru")
	checkCode(t, err, core.EINVALID, "err.delivery.user_inactive")

	targets, err := o.svc.ReportTargets(o.ctx(), o.officer)
	if err != nil || len(targets) != 1 || targets[0] != headsChat {
		t.Errorf("targets = %+v, %v", targets, err)
	}
	_, err = o.svc.ReportTargets(o.ctx(), o.manager)
	checkCode(t, err, core.EFORBIDDEN, "err.delivery.send_forbidden")
}

// TestHeldReport: a deal without an amount holds the report: nothing goes
// out, the run is held with the counts audited, the note names the
// findings with buttons to the records and the three choices. A recheck
// before the fix holds it again; after the fix it goes. Sending anyway
// needs a reason, audited with the counts; a held run is cancelled by its
// sender or an admin, by nobody else, and once only.
func TestHeldReport(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	bad := o.amountDeal(c.ID, "Монтаж", 0)

	out, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, []core.ReportTarget{headsChat}, "ru")
	if err != nil {
		t.Fatal(err)
	}
	if out.Run.Status != core.RunHeld || out.Run.Findings[core.QualityNoAmount] != 1 || len(out.Findings) == 0 {
		t.Fatalf("held = %+v, findings %+v", out.Run, out.Findings)
	}
	if n := len(inChat(o.messages(), "-300", "report.delivery")); n != 0 {
		t.Fatalf("a held report went out: %d", n)
	}
	if held := change(t, o.changes(core.EntityReport, out.Run.ID), "held"); !strings.Contains(held.New, "no_amount 1") {
		t.Errorf("held audit = %+v", held)
	}
	checkHeldNote(t, o, out, bad)

	again, err := o.svc.RecheckReport(o.ctx(), o.officer, out.Run.ID)
	if err != nil || again.Run.Status != core.RunHeld || again.Run.ID != out.Run.ID {
		t.Fatalf("recheck before the fix = %+v, %v", again, err)
	}
	_, err = o.svc.RecheckReport(o.ctx(), o.head, out.Run.ID)
	checkCode(t, err, core.EFORBIDDEN, "err.delivery.not_yours")

	o.update(func(tx core.Tx) error {
		d, err := tx.DealByID(bad.ID)
		if err != nil {
			return err
		}
		d.Amount = 50000
		return tx.UpdateDeal(d)
	})
	fixed, err := o.svc.RecheckReport(o.ctx(), o.officer, out.Run.ID)
	if err != nil || fixed.Run.Status != core.RunSent || len(fixed.Findings) != 0 {
		t.Fatalf("recheck after the fix = %+v, %v", fixed, err)
	}
	if n := len(inChat(o.messages(), "-300", "report.delivery")); n != 1 {
		t.Errorf("after the fix the chat got %d reports", n)
	}
	_, err = o.svc.RecheckReport(o.ctx(), o.officer, out.Run.ID)
	checkCode(t, err, core.ECONFLICT, "err.delivery.not_held")
	if got := fields(o.changes(core.EntityReport, out.Run.ID)); strings.Join(got, ",") != "held,held,sent" {
		t.Errorf("audit = %v", got)
	}
}

// checkHeldNote checks a held run's note: the counts by kind in words, a
// button to the deal without amount, then check again, send with a
// reason, cancel with the run's number.
func checkHeldNote(t *testing.T, o *dlvOffice, out *core.ReportOutput, bad *core.Deal) {
	t.Helper()
	n := o.svc.HeldNote("ru", out)
	if n.Key != "report.held" || !strings.Contains(n.Args["Kinds"].(string), "сделка без суммы: 1") {
		t.Errorf("note = %+v", n)
	}
	var deal bool
	for _, row := range n.Buttons[:len(n.Buttons)-1] {
		if row[0].Action == core.ActionDealShow && row[0].Payload == strconv.FormatInt(bad.ID, 10) {
			deal = true
		}
	}
	last := n.Buttons[len(n.Buttons)-1]
	id := strconv.FormatInt(out.Run.ID, 10)
	if !deal || len(n.Buttons) > 9 || len(last) != 3 || last[0].Action != core.ActionReportRecheck ||
		last[1].Action != core.ActionReportOverride || last[2].Action != core.ActionReportCancel ||
		last[0].Payload != id || last[2].Payload != id {
		t.Errorf("buttons = %+v", n.Buttons)
	}
	if text := dlvTexts("ru", n.Key, n.Args); !strings.Contains(text, "сделка без суммы") || strings.Contains(text, "no value") {
		t.Errorf("note text = %q", text)
	}
}

// TestHeldReportAnywayAndCancel: sending anyway needs a reason and is
// audited with it and the counts; cancelling is for the sender or an
// admin, once.
func TestHeldReportAnywayAndCancel(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Монтаж", 0)
	send := func() *core.ReportOutput {
		out, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, []core.ReportTarget{headsChat}, "ru")
		if err != nil || out.Run.Status != core.RunHeld {
			t.Fatalf("send = %+v, %v", out, err)
		}
		return out
	}
	out := send()
	_, err := o.svc.SendReportAnyway(o.ctx(), o.officer, out.Run.ID, "  ")
	checkCode(t, err, core.EINVALID, "err.delivery.reason_required")
	sent, err := o.svc.SendReportAnyway(o.ctx(), o.officer, out.Run.ID, "сумма уточняется, руководителю нужно сейчас")
	if err != nil || sent.Run.Status != core.RunSent || sent.Run.Reason == "" {
		t.Fatalf("anyway = %+v, %v", sent, err)
	}
	if n := len(inChat(o.messages(), "-300", "report.delivery")); n != 1 {
		t.Errorf("the chat got %d reports", n)
	}
	cs := o.changes(core.EntityReport, out.Run.ID)
	ov := change(t, cs, "override")
	if ov.Reason != "сумма уточняется, руководителю нужно сейчас" || !strings.Contains(ov.New, "no_amount 1") ||
		ov.ActorID != o.officer.ID() {
		t.Errorf("override = %+v", ov)
	}
	if s := change(t, cs, "sent"); s.Reason != ov.Reason {
		t.Errorf("sent = %+v", s)
	}

	out = send()
	err = o.svc.CancelReport(o.ctx(), o.head, out.Run.ID)
	checkCode(t, err, core.EFORBIDDEN, "err.delivery.not_yours")
	if err := o.svc.CancelReport(o.ctx(), o.admin, out.Run.ID); err != nil {
		t.Fatal(err)
	}
	if r := o.run(out.Run.ID); r.Status != core.RunCancelled {
		t.Errorf("status = %s", r.Status)
	}
	err = o.svc.CancelReport(o.ctx(), o.officer, out.Run.ID)
	checkCode(t, err, core.ECONFLICT, "err.delivery.not_held")
	_, err = o.svc.SendReportAnyway(o.ctx(), o.officer, out.Run.ID, "поздно")
	checkCode(t, err, core.ECONFLICT, "err.delivery.not_held")
	if cc := change(t, o.changes(core.EntityReport, out.Run.ID), "cancelled"); cc.ActorID != o.admin.ID() {
		t.Errorf("cancel audit = %+v", cc)
	}
}

// TestCSVHoldsOneTable: a report of several tables written as CSV is
// refused, naming it, instead of its tables run together in one file.
func TestCSVHoldsOneTable(t *testing.T) {
	rec := &dlvTable{Format: core.FormatCSV}
	w := core.CSVOneTableForTest(rec)
	if err := w.Table(core.TableHead{Sheet: "Просрочки", Columns: []string{"Кто"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Row([]core.Value{{S: "Максим"}}); err != nil {
		t.Fatal(err)
	}
	err := w.Table(core.TableHead{Sheet: "Задачи", Columns: []string{"Задача"}})
	checkCode(t, err, core.EINVALID, "err.delivery.csv_one_table")
	if _, args := core.ErrorKey(err); args["Title"] != "Просрочки" || len(rec.Tables) != 1 || len(rec.Rows) != 1 {
		t.Errorf("args %v, tables %d", args, len(rec.Tables))
	}
}

// TestReportFileName: a title and the day, with what file systems and
// mail clients refuse turned into spaces, long titles cut.
func TestReportFileName(t *testing.T) {
	day := time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct{ title, ext, want string }{
		{"Сделки", "xlsx", "Сделки 2026-12-02.xlsx"},
		{"Воронка: стадии / менеджеры", "csv", "Воронка стадии менеджеры 2026-12-02.csv"},
		{`Отчёт "Q4" <итог>?*|\`, "png", "Отчёт Q4 итог 2026-12-02.png"},
		{"\t..\n", "xlsx", "report 2026-12-02.xlsx"},
		{strings.Repeat("я", 100), "xlsx", strings.Repeat("я", 80) + " 2026-12-02.xlsx"},
	} {
		if got := core.ReportFileNameForTest(c.title, day, c.ext); got != c.want {
			t.Errorf("%q: got %q, want %q", c.title, got, c.want)
		}
	}
}
