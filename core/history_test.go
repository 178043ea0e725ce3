package core_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
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
	if h.Entity != core.EntityClient || h.Title != "Сбер" {
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
		d.Stage = core.StageApproval
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
		if last := h.Changes[len(h.Changes)-1]; last.Field != "stage" || last.New != "approval" {
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
