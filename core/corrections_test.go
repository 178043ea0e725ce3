package core_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// errOf is the error of a call that returns a correction too.
func errOf(_ *core.Correction, err error) error { return err }

// mustPropose applies an edit that must wait for approval, and returns its
// correction.
func (o *office) mustPropose(a core.Actor, e *core.Edit) *core.Correction {
	o.t.Helper()
	corr, err := o.svc.ApplyEdit(o.ctx(), a, e)
	if err != nil {
		o.t.Fatalf("apply %+v: %v", e, err)
	}
	if corr == nil || corr.Status != core.CorrectionPending {
		o.t.Fatalf("apply %+v: %+v, want a pending correction", e, corr)
	}
	return corr
}

// mustApprove approves a correction, which must then be applied.
func (o *office) mustApprove(a core.Actor, id int64) *core.Correction {
	o.t.Helper()
	corr, err := o.svc.ApproveCorrection(o.ctx(), a, id)
	if err != nil {
		o.t.Fatalf("approve #%d: %v", id, err)
	}
	if corr.Status != core.CorrectionApplied {
		o.t.Fatalf("approve #%d: status %s", id, corr.Status)
	}
	return corr
}

// planFix plans a correction of a field.
func (o *office) planFix(a core.Actor, e core.Entity, id int64, field, value string) (*core.Edit, error) {
	return o.svc.PlanCorrection(o.ctx(), a, core.EditRequest{Entity: e, ID: id, Field: field, Value: value, Lang: "ru"})
}

// fix plans and makes a correction with a reason, for a request (0: none).
func (o *office) fix(a core.Actor, e core.Entity, id int64, field, value, reason string, request int64) (*core.Correction, error) {
	ed, err := o.planFix(a, e, id, field, value)
	if err != nil {
		return nil, err
	}
	ed.Reason, ed.RequestID = reason, request
	return o.svc.Correct(o.ctx(), a, ed)
}

func (o *office) mustFix(a core.Actor, e core.Entity, id int64, field, value, reason string, request int64) *core.Correction {
	o.t.Helper()
	corr, err := o.fix(a, e, id, field, value, reason, request)
	if err != nil {
		o.t.Fatalf("fix %s %s = %q: %v", e, field, value, err)
	}
	return corr
}

// request files a correction request about a card, taken by the officer.
func (o *office) fixRequest(requester core.Actor, clientID int64, text string) *core.Request {
	o.t.Helper()
	r := &core.Request{Type: core.RequestCorrection, Status: core.RequestInWork, RequesterID: requester.ID(),
		AssigneeID: o.officer.ID(), ClientID: clientID, Text: text}
	o.update(func(tx core.Tx) error { return tx.CreateRequest(r) })
	return r
}

func (o *office) requestByID(id int64) *core.Request {
	o.t.Helper()
	var r *core.Request
	o.view(func(tx core.Tx) (err error) {
		r, err = tx.RequestByID(id)
		return err
	})
	return r
}

func (o *office) correction(id int64) *core.Correction {
	o.t.Helper()
	var c *core.Correction
	o.view(func(tx core.Tx) (err error) {
		c, err = tx.CorrectionByID(id)
		return err
	})
	return c
}

// setClient changes a card in the store, unaudited, as a test's setup.
func (o *office) setClient(id int64, fn func(*core.Client)) {
	o.t.Helper()
	o.update(func(tx core.Tx) error {
		c, err := tx.ClientByID(id)
		if err != nil {
			return err
		}
		fn(c)
		return tx.UpdateClient(c)
	})
}

// argInt reads a number of a message's arguments as stored (JSON numbers
// come back as float64).
func argInt(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	}
	n, _ := strconv.ParseInt(fmt.Sprint(v), 10, 64)
	return n
}

// sentTo returns the messages of a key in a chat since the index.
func sentTo(ms []*core.OutboxMessage, key, chatID string) []*core.OutboxMessage {
	var out []*core.OutboxMessage
	for _, m := range withKey(ms, key) {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// TestFixIdentityRules: a card's INN, KPP and OGRN are corrected only under
// their rules (the INN's checksum and its length for the card's kind, the
// KPP's format and no other card with the same INN and KPP, the OGRN's
// checksum and no other INN's card with it); a refused correction, whether
// planned or made from an edit built by hand, changes nothing.
func TestFixIdentityRules(t *testing.T) {
	o := newOffice(t)
	c := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	o.client(sberINN, "784243001", "Северо-Западный банк ПАО Сбербанк")
	ya := o.client(yandexINN, yandexKPP, "Яндекс")
	o.setClient(ya.ID, func(cl *core.Client) { cl.OGRN = yandexOGRN })
	for _, tc := range []struct {
		field, value string
		code, key    string
	}{
		{"инн", "7707083894", core.EINVALID, "err.inn.checksum"},
		{"инн", "770708389", core.EINVALID, "err.inn.length"},
		{"ИНН", "1234567895", core.EINVALID, "err.inn.checksum"},
		{"inn", soleINN, core.EINVALID, "err.client.kind_mismatch"},
		{"инн", sberINN, core.EINVALID, "err.edit.same"},
		{"кпп", "7736ab001", core.EINVALID, "err.kpp.format"},
		{"кпп", "77360100", core.EINVALID, "err.kpp.format"},
		{"кпп", "784243001", core.ECONFLICT, "err.fix.kpp_taken"},
		{"огрн", "1027700132196", core.EINVALID, "err.ogrn.checksum"},
		{"огрн", "1022500001328", core.EINVALID, "err.ogrn.checksum"},
		{"огрнип", soleOGRNIP, core.EINVALID, "err.ogrn.format"},
		{"ogrn", yandexOGRN, core.ECONFLICT, "err.client.ogrn_taken"},
	} {
		t.Run(tc.field+" "+tc.value, func(t *testing.T) {
			before := len(o.changes(core.EntityClient, c.ID))
			_, err := o.planFix(o.officer, core.EntityClient, c.ID, tc.field, tc.value)
			checkCode(t, err, tc.code, tc.key)
			// The same correction built by hand is refused by Correct.
			field, _, ferr := core.CutFixField(core.EntityClient, tc.field)
			if ferr != nil {
				t.Fatal(ferr)
			}
			e := &core.Edit{Entity: core.EntityClient, ID: c.ID, Label: "Сбербанк", Field: field, Op: core.EditSet,
				Old: core.ClientEditValue(c, field), New: tc.value, Reason: "опечатка"}
			checkCode(t, errOf(o.svc.Correct(o.ctx(), o.officer, e)), tc.code, tc.key)
			if got := len(o.changes(core.EntityClient, c.ID)); got != before {
				t.Fatalf("a refused correction wrote %d changes", got-before)
			}
			if got := o.clientByID(c.ID); got.INN != sberINN || got.KPP != sberKPP || got.OGRN != "" {
				t.Fatalf("card = %s/%s %s", got.INN, got.KPP, got.OGRN)
			}
		})
	}
	var pending []*core.Correction
	o.view(func(tx core.Tx) (err error) {
		pending, err = tx.PendingCorrections("", 0)
		return err
	})
	if len(pending) != 0 {
		t.Fatalf("refused corrections are pending: %+v", pending)
	}

	// The card had no OGRN: filling it in waits for no one. Its KPP is
	// corrected with a second approval; a verified card is verified no
	// more once its identity changes.
	o.setClient(c.ID, func(cl *core.Client) { cl.Verification = core.Verification{Status: core.Verified, Source: "dadata"} })
	if corr := o.mustFix(o.officer, core.EntityClient, c.ID, "огрн", sberOGRN, "из выписки", 0); corr.Status != core.CorrectionApplied {
		t.Fatalf("filling the OGRN: %s", corr.Status)
	}
	corr := o.mustFix(o.officer, core.EntityClient, c.ID, "кпп", "773601002", "опечатка в КПП", 0)
	if corr.Status != core.CorrectionPending || o.clientByID(c.ID).KPP != sberKPP {
		t.Fatalf("a KPP corrected without approval: %s", corr.Status)
	}
	o.mustApprove(o.lawyer, corr.ID)
	if got := o.clientByID(c.ID); got.KPP != "773601002" || got.OGRN != sberOGRN || got.Verification.Status != core.Unverified {
		t.Fatalf("card = %s %s %s", got.KPP, got.OGRN, got.Verification.Status)
	}
}

// TestFixPendingApprovedByHead: a bank account corrected for an
// underwriter's request waits; the heads' work chat is asked with buttons,
// the lawyer (no chat) personally; the requester and the card's manager
// are told it waits. A head's approval writes it in one transaction: its
// audit records carry the reason, the request and the correction; the
// officer, the requester and the manager are told; the request has a note
// and the correction.
func TestFixPendingApprovedByHead(t *testing.T) {
	o := newOffice(t)
	o.bind("-100", core.PurposeHeads)
	c := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	o.setClient(c.ID, func(cl *core.Client) {
		cl.Accounts = []core.BankAccount{{BIK: sberBIK, CorrAccount: sberCorr, Account: sberAccount}}
	})
	r := o.fixRequest(o.underwriter, c.ID, "Клиент сменил расчётный счёт")
	before, sent := len(o.changes(core.EntityClient, c.ID)), len(o.messages())

	e, err := o.svc.PlanCorrection(o.ctx(), o.officer, core.EditRequest{Entity: core.EntityClient, ID: c.ID,
		Field: "счёт", Op: core.EditChange, Index: 0, Value: sberBIK + " 40702810938000012345"})
	if err != nil {
		t.Fatal(err)
	}
	e.Reason, e.RequestID = "письмо клиента от 27.11", r.ID
	corr, err := o.svc.Correct(o.ctx(), o.officer, e)
	if err != nil {
		t.Fatal(err)
	}
	if corr.Status != core.CorrectionPending || len(o.changes(core.EntityClient, c.ID)) != before ||
		o.clientByID(c.ID).Accounts[0].Account != sberAccount {
		t.Fatalf("a sensitive correction was written at once: %+v", corr)
	}
	ms := o.messages()[sent:]
	ask := sentTo(ms, "notify.fix.approval", "-100")
	if len(ask) != 1 || len(ask[0].Buttons) != 1 || len(ask[0].Buttons[0]) != 2 ||
		ask[0].Args["Reason"] != "письмо клиента от 27.11" || argInt(ask[0].Args["Request"]) != r.ID ||
		ask[0].Args["By"] != "Ирина Сопровождение" || !strings.Contains(ask[0].Args["Old"].(string), sberAccount) ||
		!strings.Contains(ask[0].Args["New"].(string), "40702810938000012345") {
		t.Fatalf("heads asked: %+v", ask[0])
	}
	if len(sentTo(ms, "notify.fix.approval", "14")) != 1 || len(sentTo(ms, "notify.fix.approval", "16")) != 0 {
		t.Fatalf("the lawyer is asked personally, the head in the chat only: %+v", withKey(ms, "notify.fix.approval"))
	}
	if len(sentTo(ms, "notify.fix.waiting", "15")) != 1 || len(sentTo(ms, "notify.fix.waiting", "12")) != 1 {
		t.Fatalf("requester and manager told: %+v", withKey(ms, "notify.fix.waiting"))
	}

	sent = len(o.messages())
	o.mustApprove(o.head, corr.ID)
	cs := o.changes(core.EntityClient, c.ID)[before:]
	if len(cs) != 1 || cs[0].Field != "accounts" || cs[0].Request != r.ID || cs[0].Correction != corr.ID ||
		cs[0].Reason != "письмо клиента от 27.11" || cs[0].ActorID != o.officer.ID() || cs[0].Source != o.head.Source {
		t.Fatalf("audited %+v", cs)
	}
	acc := o.clientByID(c.ID).Accounts
	if len(acc) != 1 || acc[0].Account != "40702810938000012345" {
		t.Fatalf("accounts = %+v", acc)
	}
	ms = o.messages()[sent:]
	for _, chat := range []string{"11", "12", "15"} {
		if len(sentTo(ms, "notify.fix.applied", chat)) != 1 {
			t.Errorf("%s not told of the approval: %+v", chat, withKey(ms, "notify.fix.applied"))
		}
	}
	if len(sentTo(ms, "notify.fix.applied", "16")) != 0 {
		t.Error("the head who approved is told of it")
	}
	got := o.correction(corr.ID)
	if got.Status != core.CorrectionApplied || got.DecidedBy != o.head.ID() || !slices.Equal(got.Changes, []int64{cs[0].ID}) {
		t.Fatalf("correction = %+v", got)
	}
	req := o.requestByID(r.ID)
	if !slices.Equal(req.Corrections, []int64{corr.ID}) || len(req.Messages) != 2 ||
		req.Messages[1].Kind != core.RequestMsgCorrection || req.Messages[1].Correction != corr.ID ||
		req.Messages[1].Outcome != core.CorrectionApplied {
		t.Fatalf("request = %+v %+v", req.Corrections, req.Messages)
	}

	// The button pressed again acts once.
	checkCode(t, errOf(o.svc.ApproveCorrection(o.ctx(), o.head, corr.ID)), core.ECONFLICT, "err.fix.decided")
	if len(o.changes(core.EntityClient, c.ID)) != before+1 {
		t.Fatal("a second press wrote again")
	}
}

// TestFixFourEyes: the author of a correction never approves it, even as a
// head; a manager approves nothing; a lawyer approves a head's correction.
// An admin who sets the approvers to lawyers only leaves heads unable to.
func TestFixFourEyes(t *testing.T) {
	o, _, d := editOffice(t)
	corr := o.mustFix(o.head, core.EntityDeal, d.ID, "сумма", "2 000 000", "допсоглашение №2", 0)
	if corr.Status != core.CorrectionPending {
		t.Fatalf("status %s", corr.Status)
	}
	checkCode(t, errOf(o.svc.ApproveCorrection(o.ctx(), o.head, corr.ID)), core.EFORBIDDEN, "err.fix.own")
	checkCode(t, errOf(o.svc.ApproveCorrection(o.ctx(), o.manager, corr.ID)), core.EFORBIDDEN, "err.fix.not_approver")
	checkCode(t, errOf(o.svc.ApproveCorrection(o.ctx(), o.officer, corr.ID)), core.EFORBIDDEN, "err.fix.not_approver")
	if got, _ := o.svc.DealByID(o.ctx(), o.admin, d.ID); got.Amount != d.Amount {
		t.Fatalf("amount = %d", got.Amount)
	}
	o.mustApprove(o.lawyer, corr.ID)
	if got, _ := o.svc.DealByID(o.ctx(), o.admin, d.ID); got.Amount != 2_000_000_00 {
		t.Fatalf("amount = %d", got.Amount)
	}

	_, err := o.svc.SetApprovers(o.ctx(), o.head, []core.Role{core.RoleLawyer})
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	_, err = o.svc.SetApprovers(o.ctx(), o.admin, []core.Role{core.RoleManager})
	checkCode(t, err, core.EINVALID, "err.fix.approver_role")
	if _, err := o.svc.SetApprovers(o.ctx(), o.admin, []core.Role{core.RoleLawyer}); err != nil {
		t.Fatal(err)
	}
	next := o.mustFix(o.officer, core.EntityDeal, d.ID, "сумма", "2 100 000", "скидка отменена", 0)
	checkCode(t, errOf(o.svc.ApproveCorrection(o.ctx(), o.head, next.ID)), core.EFORBIDDEN, "err.fix.not_approver")
	o.mustApprove(o.lawyer, next.ID)
}

// TestFixStale: a correction proposed against a value that another one
// changed before its approval is marked stale on approval, writes nothing,
// and its author is told what the value is now.
func TestFixStale(t *testing.T) {
	o, _, d := editOffice(t)
	first := o.mustFix(o.officer, core.EntityDeal, d.ID, "сумма", "2 000 000", "допсоглашение №2", 0)
	second := o.mustFix(o.officer, core.EntityDeal, d.ID, "сумма", "1 800 000", "скидка", 0)
	o.mustApprove(o.head, second.ID)
	before, sent := len(o.changes(core.EntityDeal, d.ID)), len(o.messages())
	got, err := o.svc.ApproveCorrection(o.ctx(), o.head, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != core.CorrectionStale || o.correction(first.ID).Status != core.CorrectionStale {
		t.Fatalf("status %s", got.Status)
	}
	if len(o.changes(core.EntityDeal, d.ID)) != before {
		t.Fatal("a stale correction was written")
	}
	if deal, _ := o.svc.DealByID(o.ctx(), o.admin, d.ID); deal.Amount != 1_800_000_00 {
		t.Fatalf("amount = %d", deal.Amount)
	}
	told := sentTo(o.messages()[sent:], "notify.fix.stale", "11")
	if len(told) != 1 || argInt(told[0].Args["Now"]) != 1_800_000_00 {
		t.Fatalf("author told: %+v", told[0])
	}
	checkCode(t, errOf(o.svc.ApproveCorrection(o.ctx(), o.lawyer, first.ID)), core.ECONFLICT, "err.fix.decided")
}

// TestFixReject: a rejection needs a reason; it writes nothing, tells the
// author and the requester, and ends the correction: approving it after,
// or rejecting it again, is refused.
func TestFixReject(t *testing.T) {
	o, c, _ := editOffice(t)
	o.setClient(c.ID, func(cl *core.Client) { cl.Director = "Греф Герман Оскарович" })
	r := o.fixRequest(o.manager2, c.ID, "Сменился директор")
	corr := o.mustFix(o.officer, core.EntityClient, c.ID, "директор", "Иванов Иван Иванович", "приказ", r.ID)
	before, sent := len(o.changes(core.EntityClient, c.ID)), len(o.messages())
	checkCode(t, errOf(o.svc.RejectCorrection(o.ctx(), o.head, corr.ID, " ")), core.EINVALID, "err.fix.reject_reason")
	checkCode(t, errOf(o.svc.RejectCorrection(o.ctx(), o.manager, corr.ID, "нет")), core.EFORBIDDEN, "err.fix.not_approver")
	got, err := o.svc.RejectCorrection(o.ctx(), o.head, corr.ID, "нет приказа в ЕГРЮЛ")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != core.CorrectionRejected || got.Note != "нет приказа в ЕГРЮЛ" || got.DecidedBy != o.head.ID() {
		t.Fatalf("correction = %+v", got)
	}
	if len(o.changes(core.EntityClient, c.ID)) != before || o.clientByID(c.ID).Director != "Греф Герман Оскарович" {
		t.Fatal("a rejected correction was written")
	}
	ms := o.messages()[sent:]
	if len(sentTo(ms, "notify.fix.rejected", "11")) != 1 || len(sentTo(ms, "notify.fix.rejected", "13")) != 1 ||
		len(sentTo(ms, "notify.fix.rejected", "12")) != 1 {
		t.Fatalf("told: %+v", withKey(ms, "notify.fix.rejected"))
	}
	checkCode(t, errOf(o.svc.ApproveCorrection(o.ctx(), o.lawyer, corr.ID)), core.ECONFLICT, "err.fix.decided")
	checkCode(t, errOf(o.svc.RejectCorrection(o.ctx(), o.lawyer, corr.ID, "ещё раз")), core.ECONFLICT, "err.fix.decided")
	if req := o.requestByID(r.ID); !slices.Equal(req.Corrections, []int64{corr.ID}) || len(req.Messages) != 2 {
		t.Fatalf("request = %+v %+v", req.Corrections, req.Messages)
	}

	// Its author may withdraw a correction of their own.
	own := o.mustFix(o.officer, core.EntityClient, c.ID, "директор", "Петров Пётр Петрович", "приказ", 0)
	if got, err := o.svc.RejectCorrection(o.ctx(), o.officer, own.ID, "ошибся карточкой"); err != nil ||
		got.Status != core.CorrectionRejected {
		t.Fatalf("withdrawn: %+v, %v", got, err)
	}
}

// TestFixAtOnce: a correction of a field that is not sensitive is written
// at once with its correction (applied) on its audit record; a reason is
// required; the request must exist and be open; only those who correct
// make corrections; bad input changes nothing.
func TestFixAtOnce(t *testing.T) {
	o, c, d := editOffice(t)
	r := o.fixRequest(o.underwriter, c.ID, "Неверный адрес")
	before := len(o.changes(core.EntityClient, c.ID))
	_, err := o.fix(o.officer, core.EntityClient, c.ID, "адрес", "г. Москва, ул. Вавилова, д. 19", "  ", r.ID)
	checkCode(t, err, core.EINVALID, "err.fix.reason_required")
	_, err = o.fix(o.officer, core.EntityClient, c.ID, "адрес", "г. Москва, ул. Вавилова, д. 19", "выписка", 999)
	checkCode(t, err, core.ENOTFOUND, "err.request.not_found")
	_, err = o.fix(o.manager, core.EntityClient, c.ID, "адрес", "г. Москва, ул. Вавилова, д. 19", "выписка", 0)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	_, err = o.fix(o.officer, core.EntityClient, c.ID, "цвет", "синий", "выписка", 0)
	checkCode(t, err, core.EINVALID, "err.edit.field_unknown")
	_, err = o.fix(o.officer, core.EntityDeal, d.ID, "стадия", "действует", "выписка", 0)
	checkCode(t, err, core.EINVALID, "err.edit.stage")
	if got := len(o.changes(core.EntityClient, c.ID)); got != before {
		t.Fatalf("refused corrections wrote %d changes", got-before)
	}

	corr := o.mustFix(o.officer, core.EntityClient, c.ID, "адрес", "г. Москва, ул. Вавилова, д. 19", "выписка", r.ID)
	if corr.Status != core.CorrectionApplied || corr.ProposedBy != o.officer.ID() || corr.DecidedBy != 0 {
		t.Fatalf("correction = %+v", corr)
	}
	cs := o.changes(core.EntityClient, c.ID)[before:]
	checkStamp(t, cs, o.officer, "выписка")
	if len(cs) != 1 || cs[0].Field != "address" || cs[0].Request != r.ID || cs[0].Correction != corr.ID {
		t.Fatalf("audited %+v", cs)
	}
	if got := o.correction(corr.ID); got.Status != core.CorrectionApplied || !slices.Equal(got.Changes, []int64{cs[0].ID}) {
		t.Fatalf("stored %+v", got)
	}

	o.update(func(tx core.Tx) error {
		req, err := tx.RequestByID(r.ID)
		if err != nil {
			return err
		}
		req.Status = core.RequestDone
		return tx.UpdateRequest(req)
	})
	_, err = o.fix(o.officer, core.EntityClient, c.ID, "адрес", "г. Москва", "выписка", r.ID)
	checkCode(t, err, core.EINVALID, "err.fix.request_closed")
}

// TestEditOfSensitiveFieldWaits: /edit does not bypass the approval: a
// card's director it has is changed only once approved; the first
// director of a card that has none is filled in at once.
func TestEditOfSensitiveFieldWaits(t *testing.T) {
	o, c, _ := editOffice(t)
	o.mustApply(o.manager, o.mustPlan(o.manager, core.EntityClient, c.ID, "директор", "Греф Герман Оскарович"))
	e := o.mustPlan(o.manager, core.EntityClient, c.ID, "директор", "Иванов Иван Иванович")
	e.Reason = "приказ о назначении"
	corr := o.mustPropose(o.manager, e)
	if got := o.clientByID(c.ID).Director; got != "Греф Герман Оскарович" {
		t.Fatalf("director = %q before approval", got)
	}
	o.mustApprove(o.head, corr.ID)
	if got := o.clientByID(c.ID).Director; got != "Иванов Иван Иванович" {
		t.Fatalf("director = %q after approval", got)
	}
}
