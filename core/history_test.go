package core_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// historyOffice is a client with a branch, a deal on each (one per
// manager), a task on each deal and one on the client alone, and a later
// change of the card: each step a minute after the last.
type historyOffice struct {
	*office
	hq, branch                *core.Client
	mine, theirs              *core.Deal
	mineTask, theirsTask, own *core.Task
}

func newHistoryOffice(t *testing.T) *historyOffice {
	t.Helper()
	h := &historyOffice{office: newOffice(t)}
	step := func() { h.clock.Add(time.Minute) }
	task := func(a core.Actor, tk core.Task) *core.Task {
		t.Helper()
		got, err := h.svc.CreateTask(h.ctx(), a, &tk)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	h.hq = h.client(sberINN, sberKPP, "Сбер")
	step()
	h.branch = h.client(sberINN, "775001001", "Сбер, филиал")
	step()
	h.mine = h.deal(h.manager, h.hq.ID, "Лизинг", h.manager)
	step()
	h.theirs = h.deal(h.manager2, h.branch.ID, "Кредит", h.manager2)
	step()
	h.mineTask = task(h.manager, core.Task{Title: "Договор", DealID: h.mine.ID})
	h.theirsTask = task(h.manager2, core.Task{Title: "Залог", DealID: h.theirs.ID})
	h.own = task(h.officer, core.Task{Title: "Обновить карточку", ClientID: h.hq.ID})
	step()
	if _, err := h.svc.UpdateClient(h.ctx(), h.officer, h.hq.ID, "выписка ЕГРЮЛ", func(c *core.Client) error {
		c.Director = "Греф Герман Оскарович"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

// entities summarizes a history as "entity#id" of each change, in order,
// deduplicated where they follow each other.
func entities(h *core.History) []string {
	var out []string
	for _, c := range h.Changes {
		s := string(c.Entity) + "#" + strconv.FormatInt(c.EntityID, 10)
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

func ref(e core.Entity, id int64) string { return string(e) + "#" + strconv.FormatInt(id, 10) }

// checkOrder checks that a history is oldest first, ties by ID, and has
// no change twice.
func checkOrder(t *testing.T, h *core.History) {
	t.Helper()
	for i := 1; i < len(h.Changes); i++ {
		a, b := h.Changes[i-1], h.Changes[i]
		if a.At.After(b.At) || (a.At.Equal(b.At) && a.ID >= b.ID) {
			t.Fatalf("change %d (%v, #%d) before change %d (%v, #%d)", i-1, a.At, a.ID, i, b.At, b.ID)
		}
	}
}

// TestFindHistory_ByINN: an INN's history is its cards', their deals' and
// their tasks', oldest first, with labels people know them by.
func TestFindHistory_ByINN(t *testing.T) {
	o := newHistoryOffice(t)
	h, err := o.svc.FindHistory(o.ctx(), o.officer, " "+sberINN+" ")
	if err != nil {
		t.Fatal(err)
	}
	if h.Entity != core.EntityClient || h.Title != "Сбер, "+sberINN {
		t.Fatalf("history of %s %q", h.Entity, h.Title)
	}
	checkOrder(t, h)
	want := []string{ref(core.EntityClient, o.hq.ID), ref(core.EntityClient, o.branch.ID), ref(core.EntityDeal, o.mine.ID),
		ref(core.EntityDeal, o.theirs.ID), ref(core.EntityTask, o.mineTask.ID), ref(core.EntityTask, o.theirsTask.ID),
		ref(core.EntityTask, o.own.ID), ref(core.EntityClient, o.hq.ID)}
	if got := entities(h); !slices.Equal(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	last := h.Changes[len(h.Changes)-1]
	if last.Field != "director" || last.Reason != "выписка ЕГРЮЛ" || last.ActorID != o.officer.ID() {
		t.Fatalf("last change = %+v", last)
	}
	type key struct {
		e  core.Entity
		id int64
	}
	for k, want := range map[key]string{
		{core.EntityClient, o.hq.ID}:     "Сбер, " + sberINN,
		{core.EntityClient, o.branch.ID}: "Сбер, филиал, " + sberINN,
		{core.EntityDeal, o.mine.ID}:     "D-2026-0001",
		{core.EntityDeal, o.theirs.ID}:   "D-2026-0002",
		{core.EntityTask, o.own.ID}:      "#" + strconv.FormatInt(o.own.ID, 10),
	} {
		if got := h.Labels[k.e][k.id]; got != want {
			t.Errorf("label of %s = %q, want %q", ref(k.e, k.id), got, want)
		}
	}
}

// TestFindHistory_ManagerSeesOwnDeals: in a client's history a manager sees
// the cards, their own deals with their tasks and the client's own tasks,
// but nothing of a colleague's deal.
func TestFindHistory_ManagerSeesOwnDeals(t *testing.T) {
	o := newHistoryOffice(t)
	h, err := o.svc.FindHistory(o.ctx(), o.manager, sberINN)
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, h)
	want := []string{ref(core.EntityClient, o.hq.ID), ref(core.EntityClient, o.branch.ID), ref(core.EntityDeal, o.mine.ID),
		ref(core.EntityTask, o.mineTask.ID), ref(core.EntityTask, o.own.ID), ref(core.EntityClient, o.hq.ID)}
	if got := entities(h); !slices.Equal(got, want) {
		t.Fatalf("manager's history = %v, want %v", got, want)
	}
	if _, ok := h.Labels[core.EntityDeal][o.theirs.ID]; ok {
		t.Fatal("a colleague's deal is labelled in the manager's history")
	}
}

// TestFindHistory_ByDealNumber: a deal's history is its changes and its
// tasks'; someone else's deal is not found.
func TestFindHistory_ByDealNumber(t *testing.T) {
	o := newHistoryOffice(t)
	if _, err := o.svc.UpdateDeal(o.ctx(), o.manager, o.mine.ID, "документы собраны", func(d *core.Deal) error {
		d.Amount = 500_000_00
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []core.Actor{o.manager, o.lawyer, o.underwriter, o.head, o.admin} {
		h, err := o.svc.FindHistory(o.ctx(), a, "d-2026-1")
		if err != nil {
			t.Fatalf("%s: %v", a.User.Role, err)
		}
		checkOrder(t, h)
		want := []string{ref(core.EntityDeal, o.mine.ID), ref(core.EntityTask, o.mineTask.ID), ref(core.EntityDeal, o.mine.ID)}
		if h.Entity != core.EntityDeal || h.Title != "D-2026-0001 Лизинг" || !slices.Equal(entities(h), want) {
			t.Fatalf("%s: history of %s %q = %v, want %v", a.User.Role, h.Entity, h.Title, entities(h), want)
		}
		if last := h.Changes[len(h.Changes)-1]; last.Field != "amount" || last.New != "50000000" {
			t.Fatalf("last change = %+v", last)
		}
	}
	_, err := o.svc.FindHistory(o.ctx(), o.manager2, "D-2026-0001")
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
}

// TestFindHistory_Refused: a disabled account, a wrong INN, an unknown INN
// or deal.
func TestFindHistory_Refused(t *testing.T) {
	o := newHistoryOffice(t)
	_, err := o.svc.FindHistory(o.ctx(), disabled(o.officer), sberINN)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	_, err = o.svc.FindHistory(o.ctx(), o.officer, "7707083894")
	checkCode(t, err, core.EINVALID, "err.inn.checksum")
	_, err = o.svc.FindHistory(o.ctx(), o.officer, yandexINN)
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
	_, err = o.svc.FindHistory(o.ctx(), o.officer, "D-2026-0099")
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
}

// TestFindHistory_OneActionIsOneEntry: the changes one action records
// together (same author, time, source, reason and record) are one entry,
// however many fields it changed; each record's first entry is its
// creation.
func TestFindHistory_OneActionIsOneEntry(t *testing.T) {
	o := newHistoryOffice(t)
	o.clock.Add(time.Minute)
	due := officeStart.AddDate(0, 1, 0)
	if _, err := o.svc.UpdateDeal(o.ctx(), o.manager, o.mine.ID, "условия согласованы", func(d *core.Deal) error {
		d.Title, d.Amount = "Лизинг оборудования", 1_000_000_00
		d.SigningDue, d.PaymentDue, d.ContractEnd = due, due.AddDate(0, 1, 0), due.AddDate(1, 0, 0)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h, err := o.svc.FindHistory(o.ctx(), o.manager, "D-2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Entries) != 3 {
		t.Fatalf("%d entries of %d changes, want 3: %v", len(h.Entries), len(h.Changes), summary(h))
	}
	created, task, edit := h.Entries[0], h.Entries[1], h.Entries[2]
	if !created.Created || created.Entity != core.EntityDeal || len(created.Changes) < 4 ||
		!task.Created || task.Entity != core.EntityTask || task.EntityID != o.mineTask.ID {
		t.Fatalf("first entries = %v", summary(h))
	}
	if edit.Created || edit.Entity != core.EntityDeal || edit.ActorID != o.manager.ID() ||
		edit.Reason != "условия согласованы" || !slices.Equal(fields(edit.Changes),
		[]string{"title", "amount", "signing_due", "payment_due", "contract_end"}) {
		t.Fatalf("the edit = %+v %v", edit, fields(edit.Changes))
	}
	// Every change is in exactly one entry, in order.
	var all []*core.Change
	for _, e := range h.Entries {
		all = append(all, e.Changes...)
	}
	if !slices.Equal(all, h.Changes) {
		t.Fatalf("entries hold %d changes, the history %d", len(all), len(h.Changes))
	}
}

// TestFindHistory_MergeIsAnEntryPerRecord: a merge writes the changes of
// several records at once; each record gets its entry.
func TestFindHistory_MergeIsAnEntryPerRecord(t *testing.T) {
	o := newHistoryOffice(t)
	dup := o.client(alfaINN, "", "Сбер (дубль)")
	d := o.deal(o.officer, dup.ID, "Факторинг", o.manager)
	o.clock.Add(time.Minute)
	if _, err := o.svc.MergeClients(o.ctx(), o.officer, o.hq.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	h, err := o.svc.FindHistory(o.ctx(), o.officer, sberINN)
	if err != nil {
		t.Fatal(err)
	}
	at := o.clock.Now()
	records := map[string]*core.HistoryEntry{}
	for _, e := range h.Entries {
		if !e.At.Equal(at) {
			continue
		}
		r := ref(e.Entity, e.EntityID)
		if records[r] != nil {
			t.Fatalf("two entries of %s for one merge: %v", r, summary(h))
		}
		records[r] = e
	}
	if e := records[ref(core.EntityDeal, d.ID)]; e == nil || !slices.Equal(fields(e.Changes), []string{"client_id"}) {
		t.Fatalf("the moved deal's entry: %v", summary(h))
	}
	if e := records[ref(core.EntityClient, o.hq.ID)]; e == nil || !slices.Contains(fields(e.Changes), "merged") {
		t.Fatalf("the survivor's entry: %v", summary(h))
	}
	// The moved deal's creation is in the survivor's history, as a creation.
	first := h.Entries[slices.IndexFunc(h.Entries, func(e *core.HistoryEntry) bool {
		return e.Entity == core.EntityDeal && e.EntityID == d.ID
	})]
	if !first.Created || first.Reason != "created" {
		t.Fatalf("the moved deal's first entry = %+v", first)
	}
}

// TestFindHistory_NamesPeople: the authors and the people a change names
// (a deal's or card's manager) are labelled by name.
func TestFindHistory_NamesPeople(t *testing.T) {
	o := newHistoryOffice(t)
	o.clock.Add(time.Minute)
	if _, err := o.svc.UpdateClient(o.ctx(), o.officer, o.hq.ID, "передан", func(c *core.Client) error {
		c.ManagerID = o.manager2.ID()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h, err := o.svc.FindHistory(o.ctx(), o.officer, sberINN)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []core.Actor{o.officer, o.manager, o.manager2} {
		if got := h.Labels[core.EntityUser][a.ID()]; got != a.User.Name {
			t.Errorf("user %d is labelled %q, want %q", a.ID(), got, a.User.Name)
		}
	}
	for _, ch := range h.Changes {
		if ch.Field == "manager_id" || ch.Field == "assignee_id" {
			for _, v := range []string{ch.Old, ch.New} {
				if e, id, ok := core.RefOf(ch.Field, v); !ok && v != "0" && v != "" || ok && h.Labels[e][id] == "" {
					t.Errorf("%s %s = %q is not named", ch.Entity, ch.Field, v)
				}
			}
		}
	}
}

// TestHistoryCursor: a cursor finds the entries before it, survives its
// text form and keeps its place when later changes come.
func TestHistoryCursor(t *testing.T) {
	o := newHistoryOffice(t)
	h, err := o.svc.FindHistory(o.ctx(), o.officer, sberINN)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Before(core.HistoryCursor{}); got != len(h.Entries) {
		t.Fatalf("Before(zero) = %d, want %d", got, len(h.Entries))
	}
	for i, e := range h.Entries {
		c, err := core.ParseHistoryCursor(e.Cursor().String())
		if err != nil || !c.At.Equal(e.At) || c.ID != e.Changes[0].ID {
			t.Fatalf("cursor %q read as %+v, %v", e.Cursor(), c, err)
		}
		if got := h.Before(c); got != i {
			t.Fatalf("Before(entry %d) = %d", i, got)
		}
	}
	for _, bad := range []string{"", "1", "x.1", "1.x", "1.0", "1.-3"} {
		if _, err := core.ParseHistoryCursor(bad); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
	mid := h.Entries[3].Cursor()
	o.clock.Add(time.Minute)
	o.deal(o.officer, o.hq.ID, "Ещё одна", o.manager)
	later, err := o.svc.FindHistory(o.ctx(), o.officer, sberINN)
	if err != nil {
		t.Fatal(err)
	}
	if len(later.Entries) != len(h.Entries)+1 || later.Before(mid) != 3 {
		t.Fatalf("after a new entry: %d entries, %d before the cursor", len(later.Entries), later.Before(mid))
	}
}

// summary lists a history's entries as "entity#id:field,field".
func summary(h *core.History) []string {
	var out []string
	for _, e := range h.Entries {
		out = append(out, ref(e.Entity, e.EntityID)+":"+strings.Join(fields(e.Changes), ","))
	}
	return out
}

// historyFix plans and makes a correction with a reason, for a request (0:
// none).
func historyFix(o *office, a core.Actor, e core.Entity, id int64, field, value, reason string, request int64) *core.Correction {
	o.t.Helper()
	ed, err := o.svc.PlanCorrection(o.ctx(), a, core.EditRequest{Entity: e, ID: id, Field: field, Value: value, Lang: "ru"})
	if err != nil {
		o.t.Fatalf("plan %s %s = %q: %v", e, field, value, err)
	}
	ed.Reason, ed.RequestID = reason, request
	corr, err := o.svc.Correct(o.ctx(), a, ed)
	if err != nil {
		o.t.Fatalf("correct %s %s = %q: %v", e, field, value, err)
	}
	return corr
}

// statusTrail lists what a history holds of a correction's statuses: "old>new
// (reason)" each.
func statusTrail(h *core.History, id int64) []string {
	var out []string
	for _, c := range h.Changes {
		if c.Entity == core.EntityCorrection && c.EntityID == id {
			out = append(out, c.Old+">"+c.New+" ("+c.Reason+")")
		}
	}
	return out
}

// TestFindHistory_RequestsAndCorrections: a card's history holds the steps
// of the requests about it and what became of its corrections and its
// deals' (proposed, rejected, withdrawn, gone stale) with their reasons,
// each labelled by its number; a correction written at once is left to the
// record's own changes, a request's note of a correction shown is left to
// the correction, and a request's task to the request. Each sees the
// requests and corrections they may see.
func TestFindHistory_RequestsAndCorrections(t *testing.T) {
	o := newOffice(t)
	c := o.managedClient(sberINN, sberKPP, "Сбер", o.manager)
	d := o.deal(o.manager, c.ID, "Лизинг", o.manager)
	r, err := o.svc.CreateRequest(o.ctx(), o.underwriter, core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{ClientID: c.ID}, Text: "КПП сменился"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	kpp := historyFix(o, o.officer, core.EntityClient, c.ID, "кпп", "773601002", "письмо клиента", r.ID)
	if _, err := o.svc.RejectCorrection(o.ctx(), o.head, kpp.ID, "не подтверждено"); err != nil {
		t.Fatal(err)
	}
	own := historyFix(o, o.officer, core.EntityClient, c.ID, "кпп", "773601003", "опечатка", 0)
	if _, err := o.svc.RejectCorrection(o.ctx(), o.officer, own.ID, "ошибся карточкой"); err != nil {
		t.Fatal(err)
	}
	first := historyFix(o, o.officer, core.EntityDeal, d.ID, "сумма", "1 000 000", "договор", 0) // no amount yet: at once
	amount := historyFix(o, o.officer, core.EntityDeal, d.ID, "сумма", "2 000 000", "допсоглашение", 0)
	if first.Status != core.CorrectionApplied || kpp.Status != core.CorrectionPending || amount.Status != core.CorrectionPending {
		t.Fatalf("corrections: %s, %s, %s", first.Status, kpp.Status, amount.Status)
	}
	if _, err := o.svc.MoveDeal(o.ctx(), o.head, d.ID, core.StageNew, core.StageClosedLost, "клиент отказался"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.DoneRequest(o.ctx(), o.officer, r.ID, "КПП верный"); err != nil {
		t.Fatal(err)
	}
	r = o.requestByID(r.ID)

	o.view(func(tx core.Tx) error {
		got, err := tx.CorrectionsOf(core.EntityClient, c.ID)
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].ID != kpp.ID || got[1].ID != own.ID {
			t.Errorf("corrections of the card: %d, want #%d and #%d", len(got), kpp.ID, own.ID)
		}
		return nil
	})

	h, err := o.svc.FindHistory(o.ctx(), o.officer, sberINN)
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, h)
	for id, want := range map[int64][]string{
		kpp.ID:    {">pending (письмо клиента)", "pending>rejected (не подтверждено)"},
		own.ID:    {">pending (опечатка)", "pending>withdrawn (ошибся карточкой)"},
		first.ID:  nil, // the deal's own changes show it
		amount.ID: {">pending (допсоглашение)", "pending>stale (" + core.StaleClosed + ")"},
	} {
		if got := statusTrail(h, id); !slices.Equal(got, want) {
			t.Errorf("correction #%d in the history: %q, want %q", id, got, want)
		}
		if h.Corrections[id] == nil || h.Labels[core.EntityCorrection][id] != "#"+strconv.FormatInt(id, 10) && want != nil {
			t.Errorf("correction #%d: %v, label %q", id, h.Corrections[id], h.Labels[core.EntityCorrection][id])
		}
	}
	var steps []string
	for _, e := range h.Entries {
		switch {
		case e.Entity == core.EntityRequest && e.EntityID == r.ID:
			steps = append(steps, e.Reason)
			for _, ch := range e.Changes {
				if ch.Field == core.RequestMsgCorrection {
					t.Errorf("the request's note of correction #%d is shown: the correction's own entries say it", ch.Correction)
				}
			}
		case e.Entity == core.EntityTask && e.EntityID == r.TaskID:
			t.Errorf("the request's task is shown: %+v", e.Changes[0])
		}
	}
	if want := []string{"created", "request_taken", "request_done"}; !slices.Equal(steps, want) {
		t.Errorf("the request's entries: %q, want %q", steps, want)
	}
	if got := h.Labels[core.EntityRequest][r.ID]; got != "#"+strconv.FormatInt(r.ID, 10) {
		t.Errorf("request label %q", got)
	}

	// The requester sees the request and the correction made for it, not
	// the officer's own withdrawn one; nor the deal's (not theirs).
	h, err = o.svc.FindHistory(o.ctx(), o.underwriter, sberINN)
	if err != nil {
		t.Fatal(err)
	}
	if len(statusTrail(h, kpp.ID)) != 2 || len(statusTrail(h, own.ID)) != 0 || len(statusTrail(h, amount.ID)) != 0 {
		t.Errorf("requester's history: #%d %q, #%d %q, #%d %q", kpp.ID, statusTrail(h, kpp.ID), own.ID,
			statusTrail(h, own.ID), amount.ID, statusTrail(h, amount.ID))
	}
	// The card's manager sees its corrections and its deal's, but not the
	// request (not theirs): its task stands for it as before.
	h, err = o.svc.FindHistory(o.ctx(), o.manager, sberINN)
	if err != nil {
		t.Fatal(err)
	}
	var request, task bool
	for _, ch := range h.Changes {
		request = request || ch.Entity == core.EntityRequest
		task = task || ch.Entity == core.EntityTask && ch.EntityID == r.TaskID
	}
	if request || !task || len(statusTrail(h, own.ID)) != 2 || len(statusTrail(h, amount.ID)) != 2 {
		t.Errorf("manager's history: request %v, its task %v, #%d %q, #%d %q", request, task, own.ID,
			statusTrail(h, own.ID), amount.ID, statusTrail(h, amount.ID))
	}
	// A deal's history holds its corrections.
	h, err = o.svc.FindHistory(o.ctx(), o.manager, d.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(statusTrail(h, amount.ID)) != 2 || len(statusTrail(h, kpp.ID)) != 0 {
		t.Errorf("deal's history: #%d %q, #%d %q", amount.ID, statusTrail(h, amount.ID), kpp.ID, statusTrail(h, kpp.ID))
	}
}

// BenchmarkFindHistoryAmongCorrections: the history of a card with 20
// deals in a store without corrections and in one that holds 10 000
// corrections of other records (a few years of a department's): the
// corrections of the card and its deals are looked up among them.
func BenchmarkFindHistoryAmongCorrections(b *testing.B) {
	for _, n := range []int{0, 10000} {
		b.Run("corrections="+strconv.Itoa(n), func(b *testing.B) { benchHistory(b, n) })
	}
}

func benchHistory(b *testing.B, corrections int) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"), bolt.WithNoSync(true))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	svc := core.NewService(db, core.WithPlatforms("telegram"))
	if err := svc.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:1", Name: "Админ"}}); err != nil {
		b.Fatal(err)
	}
	admin, _ := svc.Authenticate(ctx, "telegram:1")
	a := core.Actor{User: admin, Source: "bench"}
	c, err := svc.CreateClient(ctx, a, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "ПАО Сбербанк"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 20 {
		if _, err := svc.CreateDeal(ctx, a, &core.Deal{ClientID: c.ID, Title: "Сделка " + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
	err = db.Update(ctx, func(tx core.Tx) error {
		for i := range corrections {
			corr := &core.Correction{Status: core.CorrectionRejected, ProposedBy: admin.ID, Note: "не подтверждено",
				Edit: core.Edit{Entity: core.EntityClient, ID: int64(1000 + i), Label: "ООО «Ромашка», 7736207543",
					Field: core.FieldKPP, Old: "773601001", New: "773601002", Reason: "письмо клиента"}}
			if err := tx.CreateCorrection(corr); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.FindHistory(ctx, a, sberINN); err != nil {
			b.Fatal(err)
		}
	}
}
