package core_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// stageDeal opens a deal led by the manager and moves it forward, as the
// manager, to stage at (an open stage).
func (o *office) stageDeal(title string, at core.Stage) *core.Deal {
	o.t.Helper()
	cs, err := o.svc.FindClientsByINN(o.ctx(), o.officer, sberINN)
	if core.IsNotFound(err) {
		cs, err = []*core.Client{o.managedClient(sberINN, "", "Сбер", o.manager)}, nil
	}
	if err != nil {
		o.t.Fatal(err)
	}
	d := o.deal(o.manager, cs[0].ID, title, o.manager)
	for d.Stage != at {
		next, ok := d.Stage.Next()
		if !ok {
			o.t.Fatalf("no stage after %s on the way to %s", d.Stage, at)
		}
		if d, err = o.svc.MoveDeal(o.ctx(), o.manager, d.ID, d.Stage, next, ""); err != nil {
			o.t.Fatalf("move %s to %s: %v", title, next, err)
		}
	}
	return d
}

// stageChanges returns the deal's audited stage changes.
func (o *office) stageChanges(id int64) []*core.Change {
	o.t.Helper()
	var out []*core.Change
	for _, ch := range o.changes(core.EntityDeal, id) {
		if ch.Field == "stage" && ch.Reason != "created" {
			out = append(out, ch)
		}
	}
	return out
}

// TestMoveDeal_ThroughEveryStage: the deal's manager moves it forward stage
// by stage to active and closes it as won; each move is one audit row with
// the reason code of a plain move, and the manager, moving their own deal,
// is told nothing.
func TestMoveDeal_ThroughEveryStage(t *testing.T) {
	o := newOffice(t)
	d := o.stageDeal("Поставка", core.StageActive)
	o.clock.Add(time.Hour)
	won, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageActive, core.StageClosedWon, "")
	if err != nil {
		t.Fatal(err)
	}
	if won.Stage != core.StageClosedWon || won.ClosedFrom != core.StageActive ||
		!won.ClosedAt.Equal(officeStart.Add(time.Hour)) || won.LostReason != "" {
		t.Fatalf("won deal = %+v", won)
	}
	var got [][2]string
	for _, ch := range o.stageChanges(d.ID) {
		got = append(got, [2]string{ch.Old + "→" + ch.New, ch.Reason})
		checkStamp(t, []*core.Change{ch}, o.manager, ch.Reason)
	}
	want := [][2]string{{"new→verification", "stage_forward"}, {"verification→documents", "stage_forward"},
		{"documents→approval", "stage_forward"}, {"approval→signing", "stage_forward"},
		{"signing→active", "stage_forward"}, {"active→closed_won", "stage_won"}}
	if !slices.Equal(got, want) {
		t.Fatalf("stage audit = %v\nwant %v", got, want)
	}
	if ms := o.messages(); len(withKey(ms, "notify.deal.stage.forward"))+len(withKey(ms, "notify.deal.stage.won")) != 0 {
		t.Fatalf("the manager was told of their own moves: %+v", ms)
	}
	// Closed deals are not open deals.
	if ds, err := o.svc.FindDeals(o.ctx(), o.officer, core.DealFilter{Open: true}); err != nil || len(ds) != 0 {
		t.Fatalf("open deals = %+v, %v", ds, err)
	}
}

// TestMoveDeal_Rules: from every stage, each target is allowed or refused
// by the rules: one stage forward, one back (with a reason), won from
// signing or active, lost from any open stage (with a reason), and a closed
// deal only reopened, where it was closed from.
func TestMoveDeal_Rules(t *testing.T) {
	allowed := map[core.Stage][]core.Stage{
		core.StageNew:          {core.StageVerification, core.StageClosedLost},
		core.StageVerification: {core.StageDocuments, core.StageNew, core.StageClosedLost},
		core.StageDocuments:    {core.StageApproval, core.StageVerification, core.StageClosedLost},
		core.StageApproval:     {core.StageSigning, core.StageDocuments, core.StageClosedLost},
		core.StageSigning:      {core.StageActive, core.StageApproval, core.StageClosedWon, core.StageClosedLost},
		core.StageActive:       {core.StageSigning, core.StageClosedWon, core.StageClosedLost},
	}
	for from, oks := range allowed {
		for _, to := range append(slices.Clone(core.Stages), "won") {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				o := newOffice(t)
				d := o.stageDeal("Сделка", from)
				before := len(o.stageChanges(d.ID))
				got, err := o.svc.MoveDeal(o.ctx(), o.officer, d.ID, from, to, "так нужно")
				if !slices.Contains(oks, to) {
					checkCode(t, err, core.EINVALID, "err.deal.move_invalid")
					if n := len(o.stageChanges(d.ID)); n != before {
						t.Fatalf("a refused move was audited: %d changes, want %d", n, before)
					}
					return
				}
				if err != nil || got.Stage != to {
					t.Fatalf("MoveDeal = %+v, %v", got, err)
				}
				stored, _ := o.svc.DealByID(o.ctx(), o.head, d.ID)
				if stored.Stage != to {
					t.Fatalf("stored stage = %s, want %s", stored.Stage, to)
				}
			})
		}
	}

	// A closed deal goes nowhere but back where it was closed from.
	o := newOffice(t)
	d := o.stageDeal("Сделка", core.StageApproval)
	if _, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageApproval, core.StageClosedLost, "нет бюджета"); err != nil {
		t.Fatal(err)
	}
	for _, to := range core.Stages {
		if to == core.StageApproval {
			continue
		}
		_, err := o.svc.MoveDeal(o.ctx(), o.head, d.ID, core.StageClosedLost, to, "ошибка")
		checkCode(t, err, core.EINVALID, "err.deal.move_invalid")
	}
	if got, err := o.svc.MoveDeal(o.ctx(), o.head, d.ID, core.StageClosedLost, core.StageApproval, "бюджет нашёлся"); err != nil ||
		got.Stage != core.StageApproval {
		t.Fatalf("reopen = %+v, %v", got, err)
	}
}

// TestMoveDeal_Who: the deal's manager, officers, heads and admins move a
// deal; lawyers, underwriters and disabled accounts may not, and another
// manager does not even find it. Nothing refused is stored.
func TestMoveDeal_Who(t *testing.T) {
	o := newOffice(t)
	d := o.stageDeal("Поставка", core.StageNew)
	move := func(a core.Actor) error {
		t.Helper()
		got, err := o.svc.MoveDeal(o.ctx(), a, d.ID, d.Stage, core.StageClosedLost, "проверка прав")
		if err == nil {
			// Reopened by the admin for the next actor.
			if _, err := o.svc.MoveDeal(o.ctx(), o.admin, d.ID, got.Stage, d.Stage, "проверка прав"); err != nil {
				t.Fatal(err)
			}
		}
		return err
	}
	for _, a := range []core.Actor{o.manager, o.officer, o.head, o.admin} {
		if err := move(a); err != nil {
			t.Errorf("%s: %v", a.User.Role, err)
		}
	}
	checkCode(t, move(o.lawyer), core.EFORBIDDEN, "err.forbidden")
	checkCode(t, move(o.underwriter), core.EFORBIDDEN, "err.forbidden")
	checkCode(t, move(disabled(o.officer)), core.EFORBIDDEN, "err.forbidden")
	checkCode(t, move(o.manager2), core.ENOTFOUND, "err.deal.not_found")
	if n := len(o.stageChanges(d.ID)); n != 8 {
		t.Fatalf("stage changes = %d, want 8 (four closings, four reopenings)", n)
	}

	// The rule itself, for a deal someone may see but not move.
	dm := *d
	if core.MayMoveDeal(o.manager2, &dm) || core.MayMoveDeal(o.lawyer, &dm) || !core.MayMoveDeal(o.manager, &dm) ||
		!core.MayMoveDeal(o.officer, &dm) || core.MayMoveDeal(disabled(o.manager), &dm) {
		t.Fatal("MayMoveDeal: want the deal's manager and the officer only")
	}
	_, err := core.CheckStageMove(o.manager2, &dm, dm.Stage, core.StageVerification)
	checkCode(t, err, core.EFORBIDDEN, "err.deal.move_forbidden")
}

// TestMoveDeal_StaleCard: a move names the stage the user saw; when the
// deal moved meanwhile (a second press of a stale card, or a colleague
// first) it is refused with a conflict naming both stages, and the deal
// moves once.
func TestMoveDeal_StaleCard(t *testing.T) {
	o := newOffice(t)
	d := o.stageDeal("Поставка", core.StageNew)
	if _, err := o.svc.MoveDeal(o.ctx(), o.officer, d.ID, core.StageNew, core.StageVerification, ""); err != nil {
		t.Fatal(err)
	}
	_, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageNew, core.StageVerification, "")
	checkCode(t, err, core.ECONFLICT, "err.deal.stage_moved")
	if _, args := core.ErrorKey(err); args["Stage"] != "verification" || args["Seen"] != "new" || args["Number"] != d.Number {
		t.Fatalf("conflict args = %v", args)
	}
	_, err = o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageNew, core.StageClosedLost, "не актуально")
	checkCode(t, err, core.ECONFLICT, "err.deal.stage_moved")
	if cs := o.stageChanges(d.ID); len(cs) != 1 || cs[0].New != "verification" {
		t.Fatalf("stage changes = %+v; want the one move", cs)
	}
}

// TestMoveDeal_Reasons: going back, losing and reopening need a reason,
// which is audited as typed; a reason too long is refused.
func TestMoveDeal_Reasons(t *testing.T) {
	o := newOffice(t)
	d := o.stageDeal("Поставка", core.StageDocuments)
	for _, reason := range []string{"", "   "} {
		_, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageDocuments, core.StageVerification, reason)
		checkCode(t, err, core.EINVALID, "err.deal.reason_required")
		_, err = o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageDocuments, core.StageClosedLost, reason)
		checkCode(t, err, core.EINVALID, "err.deal.reason_required")
	}
	_, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageDocuments, core.StageVerification,
		strings.Repeat("я", core.MaxStageReasonLen+1))
	checkCode(t, err, core.EINVALID, "err.deal.reason_too_long")

	back, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageDocuments, core.StageVerification, "  нет выписки ЕГРЮЛ ")
	if err != nil || back.Stage != core.StageVerification {
		t.Fatalf("back = %+v, %v", back, err)
	}
	cs := o.stageChanges(d.ID)
	last := cs[len(cs)-1]
	if last.Old != "documents" || last.New != "verification" || last.Reason != "нет выписки ЕГРЮЛ" {
		t.Fatalf("back audited as %+v", last)
	}
	// A forward move may carry a reason too, recorded instead of the code.
	if _, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageVerification, core.StageDocuments, "выписка пришла"); err != nil {
		t.Fatal(err)
	}
	if cs := o.stageChanges(d.ID); cs[len(cs)-1].Reason != "выписка пришла" {
		t.Fatalf("forward with a reason audited as %+v", cs[len(cs)-1])
	}
}

// TestMoveDeal_ClosedIsReadOnly: a lost deal keeps its reason and the stage
// it was lost at; it cannot be edited or moved on; only a head or an admin
// reopens it, with a reason, back to that stage, and then it can be edited
// again.
func TestMoveDeal_ClosedIsReadOnly(t *testing.T) {
	o := newOffice(t)
	d := o.stageDeal("Поставка", core.StageDocuments)
	lost, err := o.svc.MoveDeal(o.ctx(), o.officer, d.ID, core.StageDocuments, core.StageClosedLost, "клиент выбрал другого")
	if err != nil || lost.ClosedFrom != core.StageDocuments || lost.LostReason != "клиент выбрал другого" ||
		!lost.ClosedAt.Equal(officeStart) {
		t.Fatalf("lost = %+v, %v", lost, err)
	}
	before := len(o.changes(core.EntityDeal, d.ID))
	for _, a := range []core.Actor{o.manager, o.head, o.admin} {
		_, err := o.svc.UpdateDeal(o.ctx(), a, d.ID, "поправка", func(d *core.Deal) error { d.Amount = 5_00; return nil })
		checkCode(t, err, core.ECONFLICT, "err.deal.closed")
	}
	for _, a := range []core.Actor{o.manager, o.officer} {
		_, err := o.svc.MoveDeal(o.ctx(), a, d.ID, core.StageClosedLost, core.StageDocuments, "вернулись")
		checkCode(t, err, core.EFORBIDDEN, "err.deal.reopen_forbidden")
	}
	_, err = o.svc.MoveDeal(o.ctx(), o.head, d.ID, core.StageClosedLost, core.StageDocuments, "")
	checkCode(t, err, core.EINVALID, "err.deal.reason_required")
	if n := len(o.changes(core.EntityDeal, d.ID)); n != before {
		t.Fatalf("refused changes of a closed deal were audited: %d, want %d", n, before)
	}

	o.clock.Add(time.Hour)
	re, err := o.svc.MoveDeal(o.ctx(), o.head, d.ID, core.StageClosedLost, core.StageDocuments, "клиент вернулся")
	if err != nil || re.Stage != core.StageDocuments || re.ClosedFrom != "" || !re.ClosedAt.IsZero() || re.LostReason != "" {
		t.Fatalf("reopened = %+v, %v", re, err)
	}
	cs := o.stageChanges(d.ID)
	if last := cs[len(cs)-1]; last.Old != "closed_lost" || last.New != "documents" || last.Reason != "клиент вернулся" ||
		last.ActorID != o.head.ID() {
		t.Fatalf("reopening audited as %+v", last)
	}
	if got, err := o.svc.UpdateDeal(o.ctx(), o.manager, d.ID, "поправка", func(d *core.Deal) error {
		d.Amount = 5_00
		return nil
	}); err != nil || got.Amount != 5_00 {
		t.Fatalf("edit after reopening = %+v, %v", got, err)
	}
}

// TestMoveDeal_ReopenWithoutRecord: a deal closed before the stage it was
// closed from was recorded reopens to active when won and to new when lost.
func TestMoveDeal_ReopenWithoutRecord(t *testing.T) {
	o := newOffice(t)
	for _, tc := range []struct{ closed, want core.Stage }{
		{core.StageClosedWon, core.StageActive}, {core.StageClosedLost, core.StageNew}} {
		d := o.stageDeal(string(tc.closed), core.StageNew)
		o.update(func(tx core.Tx) error {
			d.Stage = tc.closed
			return tx.UpdateDeal(d)
		})
		if moves := core.StageMoves(o.head, d); len(moves) != 1 || moves[0] != (core.StageTarget{Move: core.MoveReopen, To: tc.want}) {
			t.Fatalf("%s: moves = %+v", tc.closed, moves)
		}
		if got, err := o.svc.MoveDeal(o.ctx(), o.head, d.ID, tc.closed, tc.want, "ошибка"); err != nil || got.Stage != tc.want {
			t.Fatalf("%s: reopen = %+v, %v", tc.closed, got, err)
		}
	}
}

// TestMoveDeal_ManagerTold: when someone else moves a deal, its manager is
// told in their private chat, what happened, by whom and why, with a button
// to the deal's card; moves of their own are not told.
func TestMoveDeal_ManagerTold(t *testing.T) {
	o := newOffice(t)
	d := o.stageDeal("Поставка", core.StageSigning)
	if n := len(o.messages()); n != 0 {
		t.Fatalf("the manager's own moves wrote %d messages", n)
	}
	if _, err := o.svc.MoveDeal(o.ctx(), o.officer, d.ID, core.StageSigning, core.StageApproval, "юрист вернул договор"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageApproval, core.StageSigning, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.MoveDeal(o.ctx(), o.head, d.ID, core.StageSigning, core.StageClosedLost, "отказ клиента"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.MoveDeal(o.ctx(), o.admin, d.ID, core.StageClosedLost, core.StageSigning, "клиент передумал"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.MoveDeal(o.ctx(), o.officer, d.ID, core.StageSigning, core.StageActive, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.MoveDeal(o.ctx(), o.officer, d.ID, core.StageActive, core.StageClosedWon, ""); err != nil {
		t.Fatal(err)
	}
	ms := o.due()
	var keys []string
	for _, m := range ms {
		keys = append(keys, m.Key)
		if m.ChatID != "12" || m.UserID != o.manager.ID() || m.Args["Number"] != d.Number || m.Args["Title"] != "Поставка" {
			t.Errorf("%s went to chat %s (user %d) with %v", m.Key, m.ChatID, m.UserID, m.Args)
		}
		if len(m.Buttons) != 1 || len(m.Buttons[0]) != 1 || m.Buttons[0][0].LabelKey != "btn.deal.card" {
			t.Fatalf("%s buttons = %+v", m.Key, m.Buttons)
		}
		btn, err := o.svc.Button(o.ctx(), m.Buttons[0][0].Token)
		if err != nil || btn.Action != core.ActionDealShow || btn.Payload != strconv.FormatInt(d.ID, 10) ||
			btn.UserID != o.manager.ID() {
			t.Fatalf("%s button = %+v, %v", m.Key, btn, err)
		}
	}
	want := []string{"notify.deal.stage.back", "notify.deal.stage.lost", "notify.deal.stage.reopen",
		"notify.deal.stage.forward", "notify.deal.stage.won"}
	if !slices.Equal(keys, want) {
		t.Fatalf("manager told %v, want %v", keys, want)
	}
	if a := ms[0].Args; a["From"] != "signing" || a["To"] != "approval" || a["Reason"] != "юрист вернул договор" ||
		a["By"] != o.officer.User.Name {
		t.Errorf("back note args = %v", a)
	}
	if a := ms[1].Args; a["Reason"] != "отказ клиента" || a["By"] != o.head.User.Name || a["To"] != "closed_lost" {
		t.Errorf("lost note args = %v", a)
	}
}

// TestStageMoves: what a card offers each role at each stage.
func TestStageMoves(t *testing.T) {
	o := newOffice(t)
	d := &core.Deal{ID: 1, Number: "D-2026-0001", ManagerID: o.manager.ID()}
	targets := func(a core.Actor, s core.Stage) []string {
		d.Stage = s
		var out []string
		for _, m := range core.StageMoves(a, d) {
			out = append(out, string(m.Move)+":"+string(m.To))
		}
		return out
	}
	for _, tc := range []struct {
		a     core.Actor
		stage core.Stage
		want  []string
	}{
		{o.manager, core.StageNew, []string{"forward:verification", "lost:closed_lost"}},
		{o.officer, core.StageDocuments, []string{"forward:approval", "back:verification", "lost:closed_lost"}},
		{o.head, core.StageSigning, []string{"forward:active", "won:closed_won", "back:approval", "lost:closed_lost"}},
		{o.manager, core.StageActive, []string{"won:closed_won", "back:signing", "lost:closed_lost"}},
		{o.manager2, core.StageNew, nil},
		{o.lawyer, core.StageNew, nil},
		{o.underwriter, core.StageSigning, nil},
		{o.manager, core.StageClosedWon, nil},
		{o.officer, core.StageClosedWon, nil},
		{o.head, core.StageClosedWon, []string{"reopen:active"}},
		{o.admin, core.StageClosedLost, []string{"reopen:new"}},
	} {
		if got := targets(tc.a, tc.stage); !slices.Equal(got, tc.want) {
			t.Errorf("%s at %s: %v, want %v", tc.a.User.Role, tc.stage, got, tc.want)
		}
	}
	d.Stage, d.ClosedFrom = core.StageClosedLost, core.StageApproval
	if got := core.StageMoves(o.head, d); len(got) != 1 || got[0].To != core.StageApproval {
		t.Fatalf("reopen of a deal lost at approval = %+v", got)
	}
}
