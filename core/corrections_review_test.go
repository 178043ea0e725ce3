package core_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// TestRevertRefusesCreatedNumbers: a deal's amount and manager and a
// card's manager set when the record was created are audited from 0, and
// are its creation all the same: the field's history marks them created
// and offers no rollback, which is refused (it would write an amount of 0
// or take the card's manager away); a later change is rolled back.
func TestRevertRefusesCreatedNumbers(t *testing.T) {
	o, c, d := editOffice(t)
	for _, tc := range []struct{ ref, field string }{
		{d.Number, "сумма"}, {d.Number, "менеджер"}, {sberINN, "менеджер"},
	} {
		t.Run(tc.ref+" "+tc.field, func(t *testing.T) {
			fh := o.fieldHistory(o.officer, tc.ref, tc.field)
			if len(fh.Changes) != 1 || !fh.Changes[0].Created || fh.Changes[0].Revertible {
				t.Fatalf("history = %+v", fh.Changes)
			}
			_, err := o.svc.PlanRevert(o.ctx(), o.officer, fh.Changes[0].ID)
			checkCode(t, err, core.EINVALID, "err.fix.revert_created")
		})
	}
	o.mustApply(o.officer, o.mustPlan(o.officer, core.EntityClient, c.ID, "менеджер", "id:"+itoa(o.manager2.ID())))
	fh := o.fieldHistory(o.officer, sberINN, "менеджер")
	if len(fh.Changes) != 2 || fh.Changes[1].Created || !fh.Changes[1].Revertible {
		t.Fatalf("history = %+v", fh.Changes)
	}
}

// TestNeedsApproval: a sensitive field waits for a second approval when it
// has a value; filling in what the record lacks does not (an amount of 0
// is none); a rollback of a sensitive field always waits, since it puts
// back bank details, a signatory or an amount someone changed.
func TestNeedsApproval(t *testing.T) {
	empty := &core.Client{}
	withAccount := &core.Client{Accounts: []core.BankAccount{{BIK: sberBIK, Account: sberAccount}}}
	deal, client := core.EntityDeal, core.EntityClient
	for _, tc := range []struct {
		name string
		e    core.Edit
		c    *core.Client
		want bool
	}{
		{"amount", core.Edit{Entity: deal, Field: core.FieldAmount, Op: core.EditSet, Old: "150000000", New: "200000000"}, nil, true},
		{"amount of a deal opened without one", core.Edit{Entity: deal, Field: core.FieldAmount, Op: core.EditSet, Old: "0", New: "200000000"}, nil, false},
		{"amount rolled back", core.Edit{Entity: deal, Field: core.FieldAmount, Op: core.EditSet, Old: "200000000", New: "150000000", Reverts: 7}, nil, true},
		{"amount filled in, rolled back", core.Edit{Entity: deal, Field: core.FieldAmount, Op: core.EditSet, Old: "0", New: "150000000", Reverts: 7}, nil, true},
		{"title", core.Edit{Entity: deal, Field: core.FieldTitle, Op: core.EditSet, Old: "Лизинг", New: "Кредит"}, nil, false},
		{"title rolled back", core.Edit{Entity: deal, Field: core.FieldTitle, Op: core.EditSet, Old: "Кредит", New: "Лизинг", Reverts: 7}, nil, false},
		{"director", core.Edit{Entity: client, Field: core.FieldDirector, Op: core.EditSet, Old: "Греф Г. О.", New: "Иванов И. И."}, empty, true},
		{"first director", core.Edit{Entity: client, Field: core.FieldDirector, Op: core.EditSet, New: "Иванов И. И."}, empty, false},
		{"director removed, put back", core.Edit{Entity: client, Field: core.FieldDirector, Op: core.EditSet, New: "Греф Г. О.", Reverts: 7}, empty, true},
		{"first KPP", core.Edit{Entity: client, Field: core.FieldKPP, Op: core.EditSet, New: sberKPP}, empty, false},
		{"card's manager", core.Edit{Entity: client, Field: core.FieldManager, Op: core.EditSet, Old: "12", New: "13"}, empty, false},
		{"first account", core.Edit{Entity: client, Field: core.FieldAccounts, Op: core.EditAdd, New: "a"}, empty, false},
		{"second account", core.Edit{Entity: client, Field: core.FieldAccounts, Op: core.EditAdd, New: "a"}, withAccount, true},
		{"account removed, put back", core.Edit{Entity: client, Field: core.FieldAccounts, Op: core.EditAdd, New: "a", Reverts: 7}, empty, true},
		{"account removed", core.Edit{Entity: client, Field: core.FieldAccounts, Op: core.EditRemove, Old: "a"}, withAccount, true},
		{"contact added", core.Edit{Entity: client, Field: core.FieldContacts, Op: core.EditAdd, New: "a"}, withAccount, false},
	} {
		if got := core.NeedsApproval(&tc.e, tc.c); got != tc.want {
			t.Errorf("%s: NeedsApproval = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRevertRemovedAccount: a bank account removed from a card, its only
// one, comes back whole from its rollback (its bank's name and
// correspondent account included, which the audit's words now carry), and
// the rollback waits for approval although the card has no account left:
// putting bank details back is a correction of them.
func TestRevertRemovedAccount(t *testing.T) {
	o, c, _ := editOffice(t)
	acc := core.BankAccount{BIK: sberBIK, BankName: "ПАО Сбербанк", CorrAccount: sberCorr, Account: sberAccount}
	o.setClient(c.ID, func(cl *core.Client) { cl.Accounts = []core.BankAccount{acc} })
	e, err := o.svc.PlanCorrection(o.ctx(), o.officer, core.EditRequest{Entity: core.EntityClient, ID: c.ID,
		Field: "счёт", Op: core.EditRemove, Index: 0})
	if err != nil {
		t.Fatal(err)
	}
	e.Reason = "счёт закрыт"
	rm, err := o.svc.Correct(o.ctx(), o.officer, e)
	if err != nil {
		t.Fatal(err)
	}
	o.mustApprove(o.head, rm.ID)
	removed := o.lastOf(core.EntityClient, c.ID, "accounts")
	if want := sberAccount + " (ПАО Сбербанк, " + sberBIK + ", " + sberCorr + ")"; removed.Old != want {
		t.Fatalf("audited %q, want %q", removed.Old, want)
	}
	if got := o.clientByID(c.ID).Accounts; len(got) != 0 {
		t.Fatalf("accounts = %+v", got)
	}
	rb, err := o.svc.RevertChange(o.ctx(), o.officer, removed.ID, "удалили по ошибке")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Status != core.CorrectionPending || len(o.clientByID(c.ID).Accounts) != 0 {
		t.Fatalf("the account was put back without approval: %+v", rb)
	}
	o.mustApprove(o.lawyer, rb.ID)
	if got := o.clientByID(c.ID).Accounts; len(got) != 1 || got[0] != acc {
		t.Fatalf("accounts = %+v, want %+v", got, acc)
	}
}

// TestAccountsAuditedBefore: an account as the audit trail wrote it before
// its correspondent account was part of its words still names the card's
// account: a correction pending since then is applied, not stale, and a
// change audited then is rolled back.
func TestAccountsAuditedBefore(t *testing.T) {
	o, c, _ := editOffice(t)
	acc := core.BankAccount{BIK: sberBIK, BankName: "ПАО Сбербанк", CorrAccount: sberCorr, Account: sberAccount}
	o.setClient(c.ID, func(cl *core.Client) { cl.Accounts = []core.BankAccount{acc} })
	was := sberAccount + " (ПАО Сбербанк, " + sberBIK + ")"
	e := &core.Edit{Entity: core.EntityClient, ID: c.ID, Label: "Сбербанк", Field: core.FieldAccounts,
		Op: core.EditRemove, Index: 0, Old: was, Reason: "счёт закрыт"}
	corr, err := o.svc.Correct(o.ctx(), o.officer, e)
	if err != nil {
		t.Fatal(err)
	}
	o.mustApprove(o.head, corr.ID)
	if got := o.clientByID(c.ID).Accounts; len(got) != 0 {
		t.Fatalf("accounts = %+v", got)
	}
	// A change audited in the old words: the account added then is the
	// card's account now, and its rollback removes it.
	o.setClient(c.ID, func(cl *core.Client) { cl.Accounts = []core.BankAccount{acc} })
	o.update(func(tx core.Tx) error {
		return tx.AddChanges(&core.Change{Entity: core.EntityClient, EntityID: c.ID, Field: core.FieldAccounts,
			New: was, ActorID: o.officer.ID(), At: officeStart.Add(time.Hour), Source: "test"})
	})
	ed, err := o.svc.PlanRevert(o.ctx(), o.officer, o.lastOf(core.EntityClient, c.ID, "accounts").ID)
	if err != nil {
		t.Fatal(err)
	}
	if ed.Op != core.EditRemove || ed.Index != 0 || ed.Old != acc.String() {
		t.Fatalf("rollback = %+v", ed)
	}
}

// TestEditWaitingNeedsReason: an edit that would wait for a second
// approval needs a reason, for the approver decides on it: its plan says
// so (NeedsReason), and without one it is refused, naming the approving
// roles, with nothing waiting and nothing changed. Filling in a director
// the card has none of needs none.
func TestEditWaitingNeedsReason(t *testing.T) {
	o, c, d := editOffice(t)
	fill := o.mustPlan(o.manager, core.EntityClient, c.ID, "директор", "Греф Герман Оскарович")
	if fill.NeedsReason {
		t.Fatal("filling in a director needs a reason")
	}
	o.mustApply(o.manager, fill)
	if _, err := o.svc.SetApprovers(o.ctx(), o.admin, []core.Role{core.RoleLawyer, core.RoleUnderwriter}); err != nil {
		t.Fatal(err)
	}
	director := o.mustPlan(o.manager, core.EntityClient, c.ID, "директор", "Иванов Иван Иванович")
	amount := o.mustPlan(o.manager, core.EntityDeal, d.ID, "сумма", "2 000 000")
	for _, e := range []*core.Edit{director, amount} {
		if !e.NeedsReason {
			t.Fatalf("%s: no reason needed", e.Field)
		}
		_, err := o.svc.ApplyEdit(o.ctx(), o.manager, e)
		checkCode(t, err, core.EINVALID, "err.fix.approval_reason")
		if _, args := core.ErrorKey(err); fmt.Sprint(args["Roles"]) != "[lawyer underwriter]" {
			t.Fatalf("roles = %v", args["Roles"])
		}
	}
	var pending []*core.Correction
	o.view(func(tx core.Tx) (err error) {
		pending, err = tx.PendingCorrections("", 0)
		return err
	})
	if len(pending) != 0 || o.clientByID(c.ID).Director != "Греф Герман Оскарович" {
		t.Fatalf("a change without a reason waits: %+v", pending)
	}
	if got, _ := o.svc.DealByID(o.ctx(), o.admin, d.ID); got.Amount != d.Amount {
		t.Fatalf("amount = %d", got.Amount)
	}
	director.Reason = "приказ о назначении"
	corr := o.mustPropose(o.manager, director)
	if corr.Edit.Reason != "приказ о назначении" {
		t.Fatalf("correction = %+v", corr)
	}
	// Its author is told who approves it: the roles set, not a head.
	_, err := o.svc.ApproveCorrection(o.ctx(), o.manager, corr.ID)
	checkCode(t, err, core.EFORBIDDEN, "err.fix.own")
	if _, args := core.ErrorKey(err); fmt.Sprint(args["Roles"]) != "[lawyer underwriter]" {
		t.Fatalf("roles = %v", args["Roles"])
	}
}

// TestFixRequestOfAnotherRecord: a correction answers a request about its
// record only: a request about a card answers corrections of the card and
// its deals, one about a deal (or a document of it) those of the deal and
// its client's card, one about a duplicate merged into the card those of
// the card, one about nothing any; a request about another record is
// refused with the record it is about, and nothing is written or linked.
// A closed request is refused as a wrong answer (EINVALID), so the dialog
// asks again.
func TestFixRequestOfAnotherRecord(t *testing.T) {
	o, c, d := editOffice(t)
	ya := o.client(yandexINN, yandexKPP, "Яндекс")
	dy := o.deal(o.officer, ya.ID, "Аренда", o.manager2)
	dup := o.client(sberINN, "773601999", "Сбербанк (дубль)")
	if _, err := o.svc.MergeClients(o.ctx(), o.officer, c.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	doc := &core.Document{Number: "ДГ-2026-0001", Kind: core.DocContract, DealID: d.ID, ClientID: c.ID,
		Status: core.DocRequested, RequestedBy: o.manager.ID()}
	o.update(func(tx core.Tx) error { return tx.CreateDocument(doc) })
	req := func(clientID, dealID, docID int64) int64 {
		r := &core.Request{Type: core.RequestCorrection, Status: core.RequestInWork, RequesterID: o.underwriter.ID(),
			AssigneeID: o.officer.ID(), ClientID: clientID, DealID: dealID, DocumentID: docID, Text: "исправить"}
		o.update(func(tx core.Tx) error { return tx.CreateRequest(r) })
		return r.ID
	}
	none, card, deal, ofDoc := req(0, 0, 0), req(c.ID, 0, 0), req(c.ID, d.ID, 0), req(c.ID, d.ID, doc.ID)
	merged, yaCard, yaDeal := req(dup.ID, 0, 0), req(ya.ID, 0, 0), req(ya.ID, dy.ID, 0)
	n := 0
	for _, tc := range []struct {
		name    string
		request int64
		onCard  string // "" when it answers a correction of the card, else the record it is about
		onDeal  string
	}{
		{"about nothing", none, "", ""},
		{"about the card", card, "", ""},
		{"about the deal", deal, "", ""},
		{"about the deal's document", ofDoc, "", ""},
		{"about a duplicate merged into the card", merged, "", ""},
		{"about another card", yaCard, "Яндекс, " + yandexINN, "Яндекс, " + yandexINN},
		{"about another card's deal", yaDeal, dy.Number, dy.Number},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, x := range []struct {
				e     core.Entity
				id    int64
				field string
				want  string
			}{{core.EntityClient, c.ID, "адрес", tc.onCard}, {core.EntityDeal, d.ID, "название", tc.onDeal}} {
				n++
				before := len(o.changes(x.e, x.id))
				_, err := o.fix(o.officer, x.e, x.id, x.field, fmt.Sprintf("Значение %d", n), "опечатка", tc.request)
				if x.want == "" {
					if err != nil {
						t.Fatalf("%s: %v", x.e, err)
					}
					continue
				}
				checkCode(t, err, core.EINVALID, "err.fix.request_other")
				if _, args := core.ErrorKey(err); args["About"] != x.want || argInt(args["ID"]) != tc.request {
					t.Fatalf("%s: args = %v", x.e, args)
				}
				if len(o.changes(x.e, x.id)) != before || len(o.requestByID(tc.request).Corrections) != 0 {
					t.Fatalf("%s: a refused correction was written or linked", x.e)
				}
			}
		})
	}
	// The requests a correction may answer are offered: the deal's own and
	// its client's card's alone.
	reqs, err := o.svc.CorrectionRequests(o.ctx(), o.officer, core.EntityDeal, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range reqs {
		ids = append(ids, r.ID)
	}
	if fmt.Sprint(ids) != fmt.Sprint([]int64{card, deal, ofDoc}) {
		t.Fatalf("deal's requests = %v, want %v", ids, []int64{card, deal, ofDoc})
	}
	o.update(func(tx core.Tx) error {
		r, err := tx.RequestByID(card)
		if err != nil {
			return err
		}
		r.Status = core.RequestDone
		return tx.UpdateRequest(r)
	})
	_, err = o.fix(o.officer, core.EntityClient, c.ID, "адрес", "г. Москва", "выписка", card)
	checkCode(t, err, core.EINVALID, "err.fix.request_closed")
}

// TestFixWithdrawn: a correction its own author rejects is withdrawn, not
// rejected: the requester and the manager are told it was withdrawn (by
// notify.fix.withdrawn, with the author's reason), the author is told
// nothing, the request's thread and the audit trail record "withdrawn";
// pressing a button of it after says it was withdrawn. An approver's
// rejection stays a rejection, told to its author.
func TestFixWithdrawn(t *testing.T) {
	o, c, _ := editOffice(t)
	o.setClient(c.ID, func(cl *core.Client) { cl.Director = "Греф Герман Оскарович" })
	r := o.fixRequest(o.manager2, c.ID, "Сменился директор")
	corr := o.mustFix(o.officer, core.EntityClient, c.ID, "директор", "Иванов Иван Иванович", "приказ", r.ID)
	checkCode(t, errOf(o.svc.RejectCorrection(o.ctx(), o.officer, corr.ID, " ")), core.EINVALID, "err.fix.withdraw_reason")
	sent := len(o.messages())
	got, err := o.svc.RejectCorrection(o.ctx(), o.officer, corr.ID, "ошибся карточкой")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != core.CorrectionRejected || !got.Withdrawn() || got.Outcome() != core.CorrectionWithdrawn ||
		got.Note != "ошибся карточкой" {
		t.Fatalf("correction = %+v", got)
	}
	ms := o.messages()[sent:]
	if len(withKey(ms, "notify.fix.rejected")) != 0 || len(sentTo(ms, "notify.fix.withdrawn", "11")) != 0 ||
		len(sentTo(ms, "notify.fix.withdrawn", "12")) != 1 || len(sentTo(ms, "notify.fix.withdrawn", "13")) != 1 {
		t.Fatalf("told: %+v", ms)
	}
	if n := sentTo(ms, "notify.fix.withdrawn", "13")[0]; n.Args["Note"] != "ошибся карточкой" ||
		n.Args["By"] != "Ирина Сопровождение" {
		t.Fatalf("notice args = %v", n.Args)
	}
	req := o.requestByID(r.ID)
	if last := req.Messages[len(req.Messages)-1]; last.Correction != corr.ID || last.Outcome != core.CorrectionWithdrawn {
		t.Fatalf("request's note = %+v", last)
	}
	if ch := o.lastOf(core.EntityCorrection, corr.ID, "status"); ch.New != "withdrawn" || ch.Reason != "ошибся карточкой" ||
		ch.ActorID != o.officer.ID() {
		t.Fatalf("audited %+v", ch)
	}
	_, err = o.svc.ApproveCorrection(o.ctx(), o.head, corr.ID)
	checkCode(t, err, core.ECONFLICT, "err.fix.decided")
	if _, args := core.ErrorKey(err); args["Status"] != "withdrawn" {
		t.Fatalf("args = %v", args)
	}

	other := o.mustFix(o.officer, core.EntityClient, c.ID, "директор", "Петров Пётр Петрович", "приказ", r.ID)
	sent = len(o.messages())
	got, err = o.svc.RejectCorrection(o.ctx(), o.head, other.ID, "нет приказа")
	if err != nil {
		t.Fatal(err)
	}
	ms = o.messages()[sent:]
	if got.Withdrawn() || got.Outcome() != core.CorrectionRejected || len(withKey(ms, "notify.fix.withdrawn")) != 0 ||
		len(sentTo(ms, "notify.fix.rejected", "11")) != 1 {
		t.Fatalf("rejection: %+v, told %+v", got, ms)
	}
	if ch := o.lastOf(core.EntityCorrection, other.ID, "status"); ch.New != "rejected" {
		t.Fatalf("audited %+v", ch)
	}
}

// TestFixStaleOnClosedOrMerged: a correction waiting for approval whose
// deal was closed is marked stale when it is approved, saying why
// (deal_closed), with nothing written and its author told; one whose card
// is merged into another is marked stale by the merge itself, in its
// transaction (card_merged, its author told the card that stays). Neither
// waits in the list any more.
func TestFixStaleOnClosedOrMerged(t *testing.T) {
	o, c, d := editOffice(t)
	amount := o.mustFix(o.officer, core.EntityDeal, d.ID, "сумма", "2 000 000", "допсоглашение", 0)
	sent := len(o.messages())
	if _, err := o.svc.MoveDeal(o.ctx(), o.head, d.ID, core.StageNew, core.StageClosedLost, "клиент отказался"); err != nil {
		t.Fatal(err)
	}
	// Closing the deal settles it at once, in its transaction: it waits in
	// no list, and a later «Одобрить» writes nothing.
	got := o.correction(amount.ID)
	before := len(o.changes(core.EntityDeal, d.ID))
	if _, err := o.svc.ApproveCorrection(o.ctx(), o.head, amount.ID); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("approving a settled correction: %v", err)
	}
	if got.Status != core.CorrectionStale || got.Note != core.StaleClosed || o.correction(amount.ID).Note != core.StaleClosed {
		t.Fatalf("correction = %+v", got)
	}
	if len(o.changes(core.EntityDeal, d.ID)) != before {
		t.Fatal("a closed deal's correction was written")
	}
	told := sentTo(o.messages()[sent:], "notify.fix.stale", "11")
	if len(told) != 1 || told[0].Args["Why"] != core.StaleClosed {
		t.Fatalf("author told: %+v", told)
	}
	if ch := o.lastOf(core.EntityCorrection, amount.ID, "status"); ch.New != "stale" || ch.Reason != core.StaleClosed {
		t.Fatalf("audited %+v", ch)
	}

	dup := o.client(sberINN, "773601999", "Сбербанк (дубль)")
	o.setClient(dup.ID, func(cl *core.Client) { cl.Director = "Греф Герман Оскарович" })
	director := o.mustFix(o.officer, core.EntityClient, dup.ID, "директор", "Иванов Иван Иванович", "приказ", 0)
	sent = len(o.messages())
	if _, err := o.svc.MergeClients(o.ctx(), o.head, c.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	if got := o.correction(director.ID); got.Status != core.CorrectionStale || got.Note != core.StaleMerged ||
		got.DecidedBy != o.head.ID() {
		t.Fatalf("merged card's correction = %+v", got)
	}
	told = sentTo(o.messages()[sent:], "notify.fix.stale", "11")
	if len(told) != 1 || told[0].Args["Why"] != core.StaleMerged || told[0].Args["Into"] != "ПАО Сбербанк, "+sberINN ||
		told[0].Args["IntoQuote"] != true {
		t.Fatalf("author told: %+v", told)
	}
	pending, err := o.svc.PendingCorrectionsFor(o.ctx(), o.head)
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending = %+v, %v", pending, err)
	}
	checkCode(t, errOf(o.svc.ApproveCorrection(o.ctx(), o.lawyer, director.ID)), core.ECONFLICT, "err.fix.decided")
}

// TestCurrentValue: the field of an edit's record as it is now, in the
// audit trail's form; a deal the actor may not see is not found.
func TestCurrentValue(t *testing.T) {
	o, c, d := editOffice(t)
	o.setClient(c.ID, func(cl *core.Client) { cl.Director = "Греф Герман Оскарович" })
	for _, tc := range []struct {
		e    core.Edit
		want string
	}{
		{core.Edit{Entity: core.EntityDeal, ID: d.ID, Field: core.FieldAmount}, "150000000"},
		{core.Edit{Entity: core.EntityDeal, ID: d.ID, Field: core.FieldManager}, itoa(o.manager.ID())},
		{core.Edit{Entity: core.EntityClient, ID: c.ID, Field: core.FieldDirector}, "Греф Герман Оскарович"},
		{core.Edit{Entity: core.EntityClient, ID: c.ID, Field: core.FieldAddress}, ""},
	} {
		if got, err := o.svc.CurrentValue(o.ctx(), o.officer, &tc.e); err != nil || got != tc.want {
			t.Errorf("%s.%s = %q, %v; want %q", tc.e.Entity, tc.e.Field, got, err, tc.want)
		}
	}
	_, err := o.svc.CurrentValue(o.ctx(), o.manager2, &core.Edit{Entity: core.EntityDeal, ID: d.ID, Field: core.FieldAmount})
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
}

// TestCorrectionTexts: the texts of corrections say what happened in the
// reader's language: why a correction went stale (its field changed, its
// deal closed, its card merged, or, as the bot said before it passed why,
// its field changed), a withdrawal as a withdrawal, and the approving
// roles as configured, not a head or a lawyer written in.
func TestCorrectionTexts(t *testing.T) {
	ru, en := locales.MustLoad().Printer("ru", nil), locales.MustLoad().Printer("en", nil)
	set := map[string]any{"ID": "7", "Label": "«ПАО Сбербанк, 7707083893»", "Op": "set", "Kind": "text",
		"Field": "client.director", "Old": "Греф", "New": "Иванов", "Now": "Петров", "By": "Ирина"}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range set {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	roles := []string{"lawyer", "underwriter"}
	for _, tc := range []struct {
		p          *locales.Printer
		key        string
		args       map[string]any
		want, lack []string
	}{
		{ru, "notify.fix.stale", with("Why", core.StaleChanged), []string{"поле уже изменили", "Сейчас там: Петров"}, nil},
		{ru, "notify.fix.stale", with(), []string{"поле уже изменили", "Сейчас там: Петров"}, nil},
		{ru, "notify.fix.stale", with("Why", core.StaleClosed), []string{"сделку закрыли"}, []string{"Сейчас там", "поле уже"}},
		{ru, "notify.fix.stale", with("Why", core.StaleMerged, "Into", "«Сбер, 7707083893»"),
			[]string{"карточку объединили с другой, «Сбер, 7707083893»"}, []string{"Сейчас там"}},
		{en, "notify.fix.stale", with("Why", core.StaleClosed), []string{"the deal was closed"}, []string{"It is now"}},
		// The request's thread says why a correction made for it was not
		// applied, or why it was rejected.
		{ru, "card.request.msg.correction", map[string]any{"At": time.Now(), "Name": "Глеб", "Correction": 2,
			"Text": "ПАО Сбербанк", "Outcome": "stale", "Why": core.StaleClosed}, []string{"корректировка #2", "не применена: сделку закрыли"}, nil},
		{en, "card.request.msg.correction", map[string]any{"At": time.Now(), "Name": "Gleb", "Correction": 2,
			"Text": "ПАО Сбербанк", "Outcome": "stale", "Why": core.StaleMerged}, []string{"not applied: the card was merged"}, nil},
		{ru, "card.request.msg.correction", map[string]any{"At": time.Now(), "Name": "Глеб", "Correction": 2,
			"Text": "ПАО Сбербанк", "Outcome": "rejected", "Why": "не подтверждено"}, []string{"отклонена — не подтверждено"}, nil},
		{ru, "msg.fix.stale", map[string]any{"ID": 7, "Label": "L", "Line": "x", "Now": "Петров"},
			[]string{"поле уже изменили", "Сейчас там: Петров"}, nil},
		{ru, "msg.fix.stale", map[string]any{"ID": 7, "Label": "L", "Line": "x", "Why": core.StaleClosed},
			[]string{"сделку уже закрыли"}, []string{"Сейчас там"}},
		{ru, "notify.fix.withdrawn", with("Note", "ошибся карточкой"),
			[]string{"отозвана автором", "Автор: Ирина", "ошибся карточкой"}, []string{"отклон"}},
		{en, "notify.fix.withdrawn", with("Note", "wrong card"), []string{"withdrawn by its author", "wrong card"}, []string{"eject"}},
		{ru, "notify.fix.rejected", with("Note", "нет приказа", "DecidedBy", "Ольга"), []string{"Кто отклонил: Ольга"}, []string{"Отклонил:"}},
		{ru, "fix.status.withdrawn", nil, []string{"отозвана автором"}, nil},
		{ru, "err.fix.own", map[string]any{"ID": 7, "Roles": roles}, []string{"Её одобрит юрист или андеррайтер"},
			[]string{"руководитель"}},
		{en, "err.fix.own", map[string]any{"ID": 7, "Roles": roles}, []string{"A lawyer or underwriter approves it"}, []string{"head"}},
		{ru, "msg.fix.pending", map[string]any{"ID": 7, "Label": "L", "Line": "x", "Roles": "юрист или андеррайтер", "Nobody": true},
			[]string{"(юрист или андеррайтер)", "/invite <роль>"}, []string{"руководител", "/invite head"}},
		{ru, "msg.fix.usage", map[string]any{"Roles": "юрист или андеррайтер"}, []string{"(юрист или андеррайтер)"},
			[]string{"руководител"}},
		{ru, "msg.fix.usage", nil, []string{"второго одобрения; кто одобряет, показывает /approvers"}, []string{"руководител"}},
		{ru, "err.fix.approval_reason", map[string]any{"Roles": roles}, []string{"(юрист или андеррайтер)"}, nil},
		{ru, "err.fix.request_other", map[string]any{"ID": 1, "About": "«Яндекс, 7736207543»", "Label": "L"},
			[]string{"Обращение #1 — о другом: «Яндекс, 7736207543»"}, nil},
		{ru, "err.fix.approver_role", map[string]any{"Role": "manager", "Allowed": []string{"head", "lawyer"}},
			[]string{"Можно: руководитель, юрист."}, nil},
		{ru, "reason.stale", nil, []string{"поле уже изменили"}, nil},
		// What an intake held, for the officer who applied it.
		{ru, "msg.fix.held", map[string]any{"ID": 3, "Roles": "руководитель или юрист", "Line": "Новый счёт: 1"},
			[]string{"ждёт второго одобрения (руководитель или юрист), корректировка #3:\nНовый счёт: 1"}, nil},
		// An intake's held value gives its reason as a code.
		{ru, "notify.fix.approval", with("Reason", "intake", "Request", "5"),
			[]string{"Причина: обращение в сопровождение", "По обращению #5"}, []string{"intake"}},
		{en, "msg.fix.item", map[string]any{"ID": 7, "At": time.Now(), "By": "Irina", "Label": "L", "Line": "x",
			"Reason": "intake"}, []string{"Reason: request to deal support"}, []string{"Reason: intake"}},
		{ru, "notify.fix.waiting", with("Reason", "опечатка", "Asked", true), []string{"Причина: опечатка"}, nil},
	} {
		got := tc.p.T(tc.key, tc.args)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %s = %q, want %q in it", tc.p.Lang(), tc.key, got, w)
			}
		}
		for _, w := range tc.lack {
			if strings.Contains(got, w) {
				t.Errorf("%s %s = %q, want no %q in it", tc.p.Lang(), tc.key, got, w)
			}
		}
	}
}

// intakeOffice is an office whose registry knows the Sberbank card.
func intakeOffice(t *testing.T) (*office, *fixedRegistry) {
	t.Helper()
	reg := &fixedRegistry{rec: &core.RegistryRecord{Source: "fixed", INN: sberINN, KPP: sberKPP, OGRN: sberOGRN,
		ShortName: "ПАО Сбербанк", Director: "Греф Герман Оскарович", Address: "Москва, Вавилова, 19",
		Status: core.StatusActive}}
	return newOffice(t, core.WithRegistries(reg), core.WithRegistryTTL(time.Nanosecond)), reg
}

// applyIntake files an intake as the manager, and verifies and applies it
// as the officer.
func (o *office) applyIntake(given core.Requisites, reason string, keepGiven bool) (*core.Intake, *core.Client) {
	o.t.Helper()
	in, err := o.svc.CreateIntake(o.ctx(), o.manager, given, nil)
	if err != nil {
		o.t.Fatal(err)
	}
	if _, err := o.svc.VerifyIntake(o.ctx(), o.officer, in.ID); err != nil {
		o.t.Fatal(err)
	}
	in, c, err := o.svc.ApplyIntake(o.ctx(), o.officer, in.ID, reason, keepGiven)
	if err != nil {
		o.t.Fatal(err)
	}
	return in, c
}

func (o *office) pending(id int64) []*core.Correction {
	o.t.Helper()
	var out []*core.Correction
	o.view(func(tx core.Tx) (err error) {
		out, err = tx.PendingCorrections(core.EntityClient, id)
		return err
	})
	return out
}

// TestIntakeHoldsWhatTheRegistryDoesNotConfirm: an intake of a card that
// has a bank account writes the registry's director over the card's (the
// registry is authoritative, audited "registry"), but the account the
// manager pasted is not added: it waits as a correction of the card,
// proposed by the officer for the intake's request with the reason
// "intake", the manager told it waits, until an approver adds it. A card
// without an account gets the pasted one at once.
func TestIntakeHoldsWhatTheRegistryDoesNotConfirm(t *testing.T) {
	o, _ := intakeOffice(t)
	o.bind("-100", core.PurposeHeads)
	had := core.BankAccount{BIK: sberBIK, BankName: "ПАО Сбербанк", CorrAccount: sberCorr, Account: sberAccount}
	c := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	o.setClient(c.ID, func(cl *core.Client) {
		cl.Accounts, cl.Director = []core.BankAccount{had}, "Иванов Иван Иванович"
	})
	sent := len(o.messages())
	in, card := o.applyIntake(core.Requisites{INN: sberINN, KPP: sberKPP, ShortName: "ПАО Сбербанк",
		Director: "Сидоров Сидор Сидорович", BIK: sberBIK, CorrAccount: sberCorr, Account: "40702810938000012345"}, "", false)
	if card.ID != c.ID || card.Director != "Греф Герман Оскарович" || len(card.Accounts) != 1 || card.Accounts[0] != had {
		t.Fatalf("card = %+v", card)
	}
	if ch := o.lastOf(core.EntityClient, c.ID, "director"); ch.Reason != "registry" || ch.Correction != 0 {
		t.Fatalf("director audited %+v", ch)
	}
	held := o.pending(c.ID)
	if len(held) != 1 {
		t.Fatalf("pending = %+v", held)
	}
	e := held[0].Edit
	if e.Field != core.FieldAccounts || e.Op != core.EditAdd || e.Account.Account != "40702810938000012345" ||
		e.Reason != "intake" || e.RequestID != in.ID || held[0].ProposedBy != o.officer.ID() {
		t.Fatalf("held = %+v %+v", held[0], e)
	}
	ms := o.messages()[sent:]
	if len(sentTo(ms, "notify.fix.approval", "-100")) != 1 || len(sentTo(ms, "notify.fix.waiting", "12")) != 1 {
		t.Fatalf("told: %+v", ms)
	}
	if req := o.requestByID(in.ID); len(req.Corrections) != 1 || req.Corrections[0] != held[0].ID {
		t.Fatalf("request = %+v", req.Corrections)
	}
	o.mustApprove(o.head, held[0].ID)
	if got := o.clientByID(c.ID).Accounts; len(got) != 2 || got[1].Account != "40702810938000012345" {
		t.Fatalf("accounts = %+v", got)
	}

	// A card without an account gets the one pasted at once.
	ya := o.client(sberINN, "773601555", "Сбербанк, филиал")
	_, card = o.applyIntake(core.Requisites{INN: sberINN, KPP: "773601555", ShortName: "Сбербанк, филиал",
		BIK: sberBIK, CorrAccount: sberCorr, Account: "40702810938000012345"}, "", false)
	if card.ID != ya.ID || len(card.Accounts) != 1 || len(o.pending(ya.ID)) != 0 {
		t.Fatalf("card = %+v, pending %+v", card, o.pending(ya.ID))
	}
}

// TestIntakeKeepGivenHolds: an officer who keeps the manager's values over
// the registry's does not overwrite a verified card's OGRN and director
// with them: each waits as a correction with the officer's reason; what
// the registry confirms, and what the card lacked, is written.
func TestIntakeKeepGivenHolds(t *testing.T) {
	o, _ := intakeOffice(t)
	_, card := o.applyIntake(core.Requisites{INN: sberINN, KPP: sberKPP, ShortName: "ПАО Сбербанк"}, "", false)
	if card.OGRN != sberOGRN || card.Director != "Греф Герман Оскарович" || card.Verification.Status != core.Verified {
		t.Fatalf("card = %+v", card)
	}
	_, card = o.applyIntake(core.Requisites{INN: sberINN, KPP: sberKPP, ShortName: "ПАО Сбербанк", OGRN: yandexOGRN,
		Director: "Сидоров Сидор Сидорович", Address: "Москва, Вавилова, 19, стр. 1"}, "так в карточке клиента", true)
	if card.OGRN != sberOGRN || card.Director != "Греф Герман Оскарович" || card.Address != "Москва, Вавилова, 19, стр. 1" {
		t.Fatalf("card = %+v", card)
	}
	held := map[string]string{}
	for _, corr := range o.pending(card.ID) {
		if corr.Edit.Reason != "так в карточке клиента" {
			t.Fatalf("held %+v", corr.Edit)
		}
		held[corr.Edit.Field] = corr.Edit.Old + " → " + corr.Edit.New
	}
	want := map[string]string{"ogrn": sberOGRN + " → " + yandexOGRN,
		"director": "Греф Герман Оскарович → Сидоров Сидор Сидорович"}
	if fmt.Sprint(held) != fmt.Sprint(want) {
		t.Fatalf("held = %v, want %v", held, want)
	}
}
