package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Review B fixes of sending: superseded held runs, targets checked where
// the run commits, recipients who may see the records, moved chats, gone
// recipients of schedules, deleted templates, the held note's text and a
// delivered export's filter lines.

// errKey is the locale key of a core error ("" for none).
func errKey(err error) string {
	if err == nil {
		return ""
	}
	k, _ := core.ErrorKey(err)
	return k
}

// fixDeal sets a deal's amount in the store.
func (o *dlvOffice) fixDeal(id int64, amount core.Money) {
	o.t.Helper()
	o.update(func(tx core.Tx) error {
		d, err := tx.DealByID(id)
		if err != nil {
			return err
		}
		d.Amount = amount
		return tx.UpdateDeal(d)
	})
}

// hasChange reports whether an entity's audit has a change of the field.
func (o *dlvOffice) hasChange(e core.Entity, id int64, field string) *core.Change {
	for _, c := range o.changes(e, id) {
		if c.Field == field {
			return c
		}
	}
	return nil
}

// TestFixHeldRunSuperseded: Monday's scheduled run is held; the deal is
// fixed; Tuesday's run goes out and supersedes Monday's, audited; Monday's
// buttons then answer that a newer run stands for it, and the heads' chat
// gets the report once.
func TestFixHeldRunSuperseded(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	d := o.amountDeal(c.ID, "Монтаж", 0)
	sch := &core.ReportSchedule{Spec: pipelineSpec, To: []core.ReportTarget{headsChat}, Cron: "0 9 * * 1-5",
		TimeZone: "Europe/Moscow"}
	if err := o.svc.ScheduleReport(o.ctx(), o.head, sch); err != nil {
		t.Fatal(err)
	}
	o.until(monday1)
	o.tick()
	mon := o.schedule(sch.ID).LastRunID
	if got := o.run(mon).Status; got != core.RunHeld {
		t.Fatalf("Monday's run is %s, want held", got)
	}
	o.fixDeal(d.ID, 5000)
	o.until(monday1.Add(24 * time.Hour))
	o.tick()
	tue := o.schedule(sch.ID).LastRunID
	if tue == mon || o.run(tue).Status != core.RunSent {
		t.Fatalf("Tuesday's run %d is %s, want a new sent run", tue, o.run(tue).Status)
	}
	if got := o.run(mon).Status; got != core.RunSuperseded {
		t.Fatalf("Monday's run is %s after Tuesday's, want superseded", got)
	}
	if c := o.hasChange(core.EntityReport, mon, "superseded"); c == nil || !strings.Contains(c.New, "#"+itoa(tue)) {
		t.Fatalf("superseding not audited with the newer run: %+v", c)
	}
	o.clock.Add(time.Hour)
	_, err := o.svc.RecheckReport(o.ctx(), o.head, mon)
	if errKey(err) != "err.delivery.superseded" {
		t.Fatalf("recheck of Monday's run: %v, want err.delivery.superseded", err)
	}
	_, args := core.ErrorKey(err)
	if args["Newer"] != tue {
		t.Fatalf("the refusal names run %v, want %d", args["Newer"], tue)
	}
	if text := dlvTexts("ru", "err.delivery.superseded", args); !strings.Contains(text, "#"+itoa(tue)) {
		t.Fatalf("refusal text does not name the newer run: %s", text)
	}
	if _, err := o.svc.SendReportAnyway(o.ctx(), o.head, mon, "срочно"); errKey(err) != "err.delivery.superseded" {
		t.Fatalf("override of Monday's run: %v", err)
	}
	if err := o.svc.CancelReport(o.ctx(), o.admin, mon); errKey(err) != "err.delivery.superseded" {
		t.Fatalf("cancel of Monday's run: %v", err)
	}
	if n := len(inChat(o.messages(), "-300", "report.delivery")); n != 1 {
		t.Fatalf("heads' chat got %d reports, want 1", n)
	}
}

// TestFixHeldRunSupersededByHeld: a held run is superseded by the next
// one even when that one is held too; only the newest can be decided on.
func TestFixHeldRunSupersededByHeld(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Монтаж", 0)
	sch := o.mondayPipeline()
	o.until(monday1)
	o.tick()
	first := o.schedule(sch.ID).LastRunID
	o.until(monday2)
	o.tick()
	second := o.schedule(sch.ID).LastRunID
	if o.run(first).Status != core.RunSuperseded || o.run(second).Status != core.RunHeld {
		t.Fatalf("runs %s, %s: want superseded, held", o.run(first).Status, o.run(second).Status)
	}
	if err := o.svc.CancelReport(o.ctx(), o.head, second); err != nil {
		t.Fatal(err)
	}
}

// TestFixScheduledHeldNote: the held note of a scheduled run names its
// schedule, its date and its recipients, and lists every finding's record
// and kind.
func TestFixScheduledHeldNote(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	d := o.amountDeal(c.ID, "Монтаж", 0)
	sch := o.mondayPipeline()
	o.until(monday1)
	o.tick()
	told := inChat(o.messages(), "16", "report.held")
	if len(told) != 1 {
		t.Fatalf("owner told %d held notes, want 1", len(told))
	}
	text := dlvTexts("ru", "report.held", told[0].Args)
	for _, want := range []string{"по расписанию #" + itoa(sch.ID), "30.11.2026", "чат «heads»", d.Number,
		"сделка без суммы"} {
		if !strings.Contains(text, want) {
			t.Errorf("held note lacks %q:\n%s", want, text)
		}
	}
}

// TestFixHeldNoteListsFindings: a held run with more findings than
// buttons lists each finding's record and kind in its text, up to thirty;
// the rest are counted.
func TestFixHeldNoteListsFindings(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	var deals []*core.Deal
	for i := 0; i < 35; i++ {
		deals = append(deals, o.amountDeal(c.ID, "Монтаж "+itoa(int64(i)), 0))
	}
	out, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, []core.ReportTarget{headsChat}, "ru")
	if err != nil || out.Run.Status != core.RunHeld {
		t.Fatalf("send: %v", err)
	}
	n := o.svc.HeldNote("ru", out)
	text := dlvTexts("ru", n.Key, n.Args)
	lines := strings.Count(text, "— сделка без суммы")
	if lines != 30 || n.Args["Rest"] != 5 {
		t.Fatalf("%d finding lines, rest %v; want 30 and 5:\n%s", lines, n.Args["Rest"], text)
	}
	if !strings.Contains(text, deals[29].Number) || strings.Contains(text, deals[30].Number) {
		t.Fatalf("the first thirty deals are not the ones listed:\n%s", text)
	}
	if !strings.Contains(text, "ещё 5 замечаний") || !strings.Contains(text, "первые 8") {
		t.Fatalf("rest or buttons not counted:\n%s", text)
	}
	if en := dlvTexts("en", n.Key, n.Args); !strings.Contains(en, "and 5 more") {
		t.Fatalf("English note: %s", en)
	}
}

// TestFixHeldThenUnbound: a chat unbound while its run is held gets
// nothing: the decision is refused, and the run stays held.
func TestFixHeldThenUnbound(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Монтаж", 0)
	out, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, []core.ReportTarget{headsChat}, "ru")
	if err != nil || out.Run.Status != core.RunHeld {
		t.Fatal(err)
	}
	if err := o.svc.UnbindChat(o.ctx(), o.admin, core.PlatformTelegram, "-300"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.SendReportAnyway(o.ctx(), o.officer, out.Run.ID, "срочно"); errKey(err) != "err.delivery.chat_unbound" {
		t.Fatalf("override after unbind: %v, want err.delivery.chat_unbound", err)
	}
	if n := len(inChat(o.messages(), "-300", "report.delivery")); n != 0 {
		t.Fatalf("the unbound chat got %d reports", n)
	}
	if got := o.run(out.Run.ID).Status; got != core.RunHeld {
		t.Fatalf("run is %s, want still held", got)
	}
}

// TestFixRecipientMaySee: a report goes only to whom may see its records:
// a manager only their own, the team's chat only one manager's; who sees
// every deal, the heads' chat and e-mail any.
func TestFixRecipientMaySee(t *testing.T) {
	o := newDlvOffice(t)
	o.bind("-400", core.PurposeTeam)
	team := core.ReportTarget{Kind: core.TargetChat, Platform: core.PlatformTelegram, ChatID: "-400"}
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	user := func(a core.Actor) core.ReportTarget { return core.ReportTarget{Kind: core.TargetUser, UserID: a.ID()} }
	all := core.ReportSpec{Export: core.ExportDeals}
	own := core.ReportSpec{Export: core.ExportDeals, Filter: core.ReportFilter{ManagerID: o.manager.ID()}}
	for _, tc := range []struct {
		name string
		spec core.ReportSpec
		to   core.ReportTarget
		want string
	}{
		{"all deals to a manager", all, user(o.manager), "err.delivery.cannot_see"},
		{"another manager's deals to a manager", own, user(o.manager2), "err.delivery.cannot_see"},
		{"own deals to their manager", own, user(o.manager), ""},
		{"all deals to the team's chat", all, team, "err.delivery.chat_cannot_see"},
		{"one manager's deals to the team's chat", own, team, ""},
		{"all deals to a lawyer", all, user(o.lawyer), ""},
		{"all deals to an underwriter", all, user(o.underwriter), ""},
		{"all deals to the head", all, user(o.head), ""},
		{"all deals to the heads' chat", all, headsChat, ""},
		{"all deals by e-mail", all, core.ReportTarget{Kind: core.TargetEmail, Email: "boss@example.com"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(o.messages())
			out, err := o.svc.SendReport(o.ctx(), o.officer, tc.spec, []core.ReportTarget{tc.to}, "ru")
			if errKey(err) != tc.want {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if tc.want != "" {
				if len(o.messages()) != before {
					t.Fatal("a refused send wrote messages")
				}
				_, args := core.ErrorKey(err)
				text := dlvTexts("ru", tc.want, args)
				if !strings.Contains(text, "Максим Менеджеров") && !strings.Contains(text, "Марина Продажина") &&
					!strings.Contains(text, "«team»") {
					t.Fatalf("refusal does not name who: %s", text)
				}
				return
			}
			if out.Run.Status != core.RunSent {
				t.Fatalf("run %s, want sent", out.Run.Status)
			}
		})
	}
}

// TestFixMovedChat: a group that became a supergroup keeps its schedules
// and held runs: their targets move with the binding, audited, and the
// report reaches the new id.
func TestFixMovedChat(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	d := o.amountDeal(c.ID, "Поставка", 0)
	held, err := o.svc.SendReport(o.ctx(), o.officer, pipelineSpec, []core.ReportTarget{headsChat}, "ru")
	if err != nil || held.Run.Status != core.RunHeld {
		t.Fatal(err)
	}
	o.fixDeal(d.ID, 100000)
	sch := o.mondayPipeline()
	if err := o.svc.MoveChat(o.ctx(), core.PlatformTelegram, "-300", "-100300"); err != nil {
		t.Fatal(err)
	}
	moved := core.ReportTarget{Kind: core.TargetChat, Platform: core.PlatformTelegram, ChatID: "-100300"}
	if to := o.schedule(sch.ID).To; len(to) != 1 || to[0] != moved {
		t.Fatalf("schedule's targets %+v", to)
	}
	if to := o.run(held.Run.ID).To; len(to) != 1 || to[0] != moved {
		t.Fatalf("held run's targets %+v", to)
	}
	if o.hasChange(core.EntityReportSchedule, sch.ID, "to") == nil || o.hasChange(core.EntityReport, held.Run.ID, "to") == nil {
		t.Fatal("the move is not audited")
	}
	o.until(monday1)
	o.tick()
	if n := len(inChat(o.messages(), "-100300", "report.delivery")); n != 1 {
		t.Fatalf("moved chat got %d reports, want 1", n)
	}
	if n := len(inChat(o.messages(), "16", "delivery.schedule_failed")); n != 0 {
		t.Fatalf("owner told of %d failures", n)
	}
	if _, err := o.svc.RecheckReport(o.ctx(), o.officer, held.Run.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(inChat(o.messages(), "-100300", "report.delivery")); n != 2 {
		t.Fatalf("moved chat got %d reports after the recheck, want 2", n)
	}
}

// TestFixScheduleRecipientGone: a schedule to the heads' chat and a lawyer
// who is then disabled: the chat gets the report every week, the lawyer is
// taken out of the schedule (audited) and the owner told once.
func TestFixScheduleRecipientGone(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	lawyer := core.ReportTarget{Kind: core.TargetUser, UserID: o.lawyer.ID()}
	sch := &core.ReportSchedule{Spec: pipelineSpec, To: []core.ReportTarget{headsChat, lawyer}, Cron: "0 9 * * 1",
		TimeZone: "Europe/Moscow"}
	if err := o.svc.ScheduleReport(o.ctx(), o.head, sch); err != nil {
		t.Fatal(err)
	}
	o.setActive(o.lawyer, false)
	for _, m := range []time.Time{monday1, monday2} {
		o.until(m)
		o.tick()
	}
	if n := len(inChat(o.messages(), "-300", "report.delivery")); n != 2 {
		t.Fatalf("heads' chat got %d reports, want 2", n)
	}
	told := inChat(o.messages(), "16", "delivery.targets_dropped")
	if len(told) != 1 {
		t.Fatalf("owner told %d times, want once", len(told))
	}
	text := dlvTexts("ru", "delivery.targets_dropped", told[0].Args)
	if !strings.Contains(text, "Лев Юристов") || !strings.Contains(text, "чат «heads»") {
		t.Fatalf("owner's note: %s", text)
	}
	if to := o.schedule(sch.ID).To; len(to) != 1 || to[0] != headsChat {
		t.Fatalf("schedule's targets %+v", to)
	}
	if o.hasChange(core.EntityReportSchedule, sch.ID, "to") == nil {
		t.Fatal("dropping the lawyer is not audited")
	}
	if n := len(inChat(o.messages(), "16", "delivery.schedule_failed")); n != 0 {
		t.Fatalf("owner told of %d failures", n)
	}
}

// TestFixScheduleNoRecipientLeft: with every recipient gone the schedule
// fails as before: the owner is told, nothing is sent.
func TestFixScheduleNoRecipientLeft(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	sch := o.mondayPipeline()
	if err := o.svc.UnbindChat(o.ctx(), o.admin, core.PlatformTelegram, "-300"); err != nil {
		t.Fatal(err)
	}
	o.until(monday1)
	if n := o.tick(); n != 1 {
		t.Fatalf("tick handled %d", n)
	}
	if n := len(inChat(o.messages(), "16", "delivery.schedule_failed")); n != 1 {
		t.Fatalf("owner told %d failures, want 1", n)
	}
	if s := o.schedule(sch.ID); s.LastRunID != 0 || !s.NextRun.After(monday1) {
		t.Fatalf("schedule after failing: %+v", s)
	}
}

// TestFixDeletedTemplateStopsSchedules: deleting a template stops the
// active schedules of its report in the same transaction, audited, and
// tells their owners; TemplateSchedules lists them before.
func TestFixDeletedTemplateStopsSchedules(t *testing.T) {
	o := newDlvOffice(t)
	tpl := &core.ReportTemplate{Name: "Моя воронка", Report: core.ReportPipeline}
	if err := o.svc.SaveReportTemplate(o.ctx(), o.officer, tpl); err != nil {
		t.Fatal(err)
	}
	sch := &core.ReportSchedule{Spec: core.ReportSpec{Report: core.ReportCustom, TemplateID: tpl.ID},
		To: []core.ReportTarget{headsChat}, Cron: "0 9 * * 1", TimeZone: "Europe/Moscow"}
	if err := o.svc.ScheduleReport(o.ctx(), o.head, sch); err != nil {
		t.Fatal(err)
	}
	list, err := o.svc.TemplateSchedules(o.ctx(), o.officer, tpl.ID)
	if err != nil || len(list) != 1 || list[0].ID != sch.ID {
		t.Fatalf("template's schedules %v, %v", list, err)
	}
	if _, err := o.svc.TemplateSchedules(o.ctx(), o.head, tpl.ID); err == nil {
		t.Fatal("the head, who may not delete the officer's template, got its schedules")
	}
	if err := o.svc.DeleteReportTemplate(o.ctx(), o.officer, tpl.ID); err != nil {
		t.Fatal(err)
	}
	if o.schedule(sch.ID).Active {
		t.Fatal("the schedule of a deleted template is still active")
	}
	if c := o.hasChange(core.EntityReportSchedule, sch.ID, "active"); c == nil || c.Reason != "report_template_deleted" ||
		c.ActorID != o.officer.ID() {
		t.Fatalf("stop not audited: %+v", c)
	}
	told := inChat(o.messages(), "16", "delivery.schedule_template_deleted")
	if len(told) != 1 || !strings.Contains(dlvTexts("ru", told[0].Key, told[0].Args), "«Моя воронка»") {
		t.Fatalf("owner told %d times", len(told))
	}
	o.until(monday1)
	o.tick()
	if n := len(inChat(o.messages(), "16", "delivery.schedule_failed")); n != 0 {
		t.Fatalf("owner told of %d failures", n)
	}
}

// TestFixDeliveryFiltersOnce: a delivered export's message and e-mail say
// each filter line once (the export's summary has them already); a
// report's say them once too.
func TestFixDeliveryFiltersOnce(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	for _, spec := range []core.ReportSpec{{Export: core.ExportDeals}, pipelineSpec,
		{Export: core.ExportDeals, Filter: core.ReportFilter{Stage: core.StageNew}}} {
		to := []core.ReportTarget{headsChat, {Kind: core.TargetEmail, Email: "boss@example.com"}}
		if _, err := o.svc.SendReport(o.ctx(), o.officer, spec, to, "ru"); err != nil {
			t.Fatal(err)
		}
		ms := inChat(o.messages(), "-300", "report.delivery")
		for _, key := range []string{"report.delivery", "delivery.mail.body"} {
			text := dlvTexts("ru", key, ms[len(ms)-1].Args)
			seen := map[string]bool{}
			for _, line := range strings.Split(text, "\n") {
				if strings.TrimSpace(line) == "" {
					continue
				}
				if seen[line] {
					t.Errorf("%v %s: line %q twice:\n%s", spec, key, line, text)
				}
				seen[line] = true
			}
		}
	}
}
