package core_test

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestCreateDeal_NumbersWithoutGaps: deals are numbered D-<year>-NNNN in
// the order they are opened; a deal refused or rolled back takes no number;
// the year is Moscow's, and each year starts again from 1.
func TestCreateDeal_NumbersWithoutGaps(t *testing.T) {
	o := newOffice(t)
	c := o.managedClient(sberINN, sberKPP, "Сбер", o.manager)
	var numbers []string
	open := func(title string) {
		t.Helper()
		numbers = append(numbers, o.deal(o.manager, c.ID, title, o.manager).Number)
	}
	open("Лизинг")
	open("Кредит")

	// Refused: nothing is numbered.
	_, err := o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{ClientID: c.ID, Title: "  "})
	checkCode(t, err, core.EINVALID, "err.title.required")
	_, err = o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{ClientID: c.ID, Title: "Чужой менеджер", ManagerID: o.lawyer.ID()})
	checkCode(t, err, core.EINVALID, "err.deal.manager_invalid")
	// Rolled back with its unit: the number is free again.
	uctx, unit := o.svc.Begin(o.ctx())
	d, err := o.svc.CreateDeal(uctx, o.manager, &core.Deal{ClientID: c.ID, Title: "Передумали"})
	if err != nil || d.Number != "D-2026-0003" {
		t.Fatalf("deal in a unit = %+v, %v", d, err)
	}
	unit.Rollback()
	open("Гарантия")

	// 23:59 in Moscow on December 31 is still 2026; 00:30 is 2027.
	o.clock.t = time.Date(2026, 12, 31, 20, 59, 0, 0, time.UTC)
	open("Под Новый год")
	o.clock.t = time.Date(2026, 12, 31, 21, 30, 0, 0, time.UTC)
	open("Первая в году")
	open("Вторая в году")

	want := []string{"D-2026-0001", "D-2026-0002", "D-2026-0003", "D-2026-0004", "D-2027-0001", "D-2027-0002"}
	if !slices.Equal(numbers, want) {
		t.Fatalf("numbers = %v, want %v", numbers, want)
	}
	for _, n := range want {
		if _, err := o.svc.FindDealByNumber(o.ctx(), o.manager, n); err != nil {
			t.Errorf("FindDealByNumber(%s): %v", n, err)
		}
	}
}

// TestCreateDeal_AuditAndNotifications: an officer opens a deal for the
// client's manager; the deal is audited as created, the manager is told in
// their private chat, and the officers' chat hears of it with the manager
// mentioned, all with the deal.
func TestCreateDeal_AuditAndNotifications(t *testing.T) {
	o := newOffice(t)
	o.bind("-100", core.PurposeOfficers)
	c := o.managedClient(sberINN, sberKPP, "Сбер", o.manager)
	d, err := o.svc.CreateDeal(o.ctx(), o.officer, &core.Deal{ClientID: c.ID, Title: "  Лизинг оборудования ",
		Amount: 150_000_00, Stage: core.StageActive, Number: "D-1999-0001"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Number != "D-2026-0001" || d.Stage != core.StageNew || d.ManagerID != o.manager.ID() ||
		d.CreatedBy != o.officer.ID() || d.Title != "Лизинг оборудования" || !d.CreatedAt.Equal(officeStart) {
		t.Fatalf("deal = %+v", d)
	}
	cs := o.changes(core.EntityDeal, d.ID)
	if want := []string{"number", "client_id", "manager_id", "title", "amount", "stage"}; !slices.Equal(fields(cs), want) {
		t.Fatalf("audited = %v, want %v", fields(cs), want)
	}
	checkStamp(t, cs, o.officer, "created")
	if ch := change(t, cs, "amount"); ch.New != "15000000" {
		t.Errorf("amount change = %+v; want kopecks", ch)
	}

	ms := o.due()
	assigned, created := withKey(ms, "notify.deal.assigned"), withKey(ms, "notify.deal.created")
	if len(ms) != 2 || len(assigned) != 1 || len(created) != 1 {
		t.Fatalf("messages = %+v; want one to the manager and one to the officers", ms)
	}
	if m := assigned[0]; m.ChatID != "12" || m.UserID != o.manager.ID() || m.Args["Number"] != "D-2026-0001" ||
		m.Args["Client"] != "Сбер" || m.Args["By"] != o.officer.User.Name {
		t.Errorf("assigned = %+v", m)
	}
	if m := created[0]; m.ChatID != "-100" || m.UserID != 0 || !slices.Equal(m.Mentions, []int64{o.manager.ID()}) {
		t.Errorf("created = %+v", m)
	}

	// A manager opening their own deal is not told about it.
	if _, err := o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{ClientID: c.ID, Title: "Своя"}); err != nil {
		t.Fatal(err)
	}
	if ms := o.due(); len(withKey(ms, "notify.deal.assigned")) != 1 || len(withKey(ms, "notify.deal.created")) != 2 {
		t.Fatalf("after the manager's own deal: %d messages", len(ms))
	}
}

// TestCreateDeal_NoOfficersChat: with no officers' chat bound the deal is
// opened all the same.
func TestCreateDeal_NoOfficersChat(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "Сбер")
	o.deal(o.manager, c.ID, "Лизинг", o.manager)
	if ms := o.messages(); len(ms) != 0 {
		t.Fatalf("messages = %+v; want none", ms)
	}
}

// TestCreateDeal_Manager: the manager is the one chosen, else the client's,
// else the actor when they lead deals; an officer must choose one, and only
// an active manager, head or admin may lead a deal.
func TestCreateDeal_Manager(t *testing.T) {
	o := newOffice(t)
	free := o.client(sberINN, sberKPP, "Сбер")
	led := o.managedClient(yandexINN, yandexKPP, "Яндекс", o.manager2)
	gone := o.user("Уволенный", core.RoleManager, "telegram:99")
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, gone.ID(), core.UserUpdate{Active: new(false)}, "уволен"); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name     string
		a        core.Actor
		clientID int64
		chosen   int64
		want     int64
	}{
		{"the client's manager", o.officer, led.ID, 0, o.manager2.ID()},
		{"the one chosen", o.officer, led.ID, o.manager.ID(), o.manager.ID()},
		{"the manager themself", o.manager, free.ID, 0, o.manager.ID()},
		{"the head themself", o.head, free.ID, 0, o.head.ID()},
		{"the admin themself", o.admin, free.ID, 0, o.admin.ID()},
	} {
		d, err := o.svc.CreateDeal(o.ctx(), tc.a, &core.Deal{ClientID: tc.clientID, Title: tc.name, ManagerID: tc.chosen})
		if err != nil || d.ManagerID != tc.want {
			t.Errorf("%s: deal = %+v, %v; want manager %d", tc.name, d, err, tc.want)
		}
	}

	_, err := o.svc.CreateDeal(o.ctx(), o.officer, &core.Deal{ClientID: free.ID, Title: "Без менеджера"})
	checkCode(t, err, core.EINVALID, "err.deal.manager_required")
	for _, id := range []int64{o.lawyer.ID(), o.officer.ID(), gone.ID(), 999} {
		_, err := o.svc.CreateDeal(o.ctx(), o.officer, &core.Deal{ClientID: free.ID, Title: "Не тот менеджер", ManagerID: id})
		checkCode(t, err, core.EINVALID, "err.deal.manager_invalid")
	}
}

// TestCreateDeal_Invalid: the client must exist and not be merged; the
// title and amount are checked; only roles that edit deals may.
func TestCreateDeal_Invalid(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "Сбер")
	dup := o.client(yandexINN, "", "Сбер (дубль)")
	if _, err := o.svc.MergeClients(o.ctx(), o.officer, c.ID, dup.ID, ""); err != nil {
		t.Fatal(err)
	}
	newDeal := func(a core.Actor, d core.Deal) error {
		_, err := o.svc.CreateDeal(o.ctx(), a, &d)
		return err
	}
	checkCode(t, newDeal(o.manager, core.Deal{ClientID: 999, Title: "Нет клиента"}), core.ENOTFOUND, "err.client.not_found")
	checkCode(t, newDeal(o.manager, core.Deal{ClientID: dup.ID, Title: "Дубль"}), core.ECONFLICT, "err.client.merged")
	checkCode(t, newDeal(o.manager, core.Deal{ClientID: c.ID, Title: strings.Repeat("я", core.MaxTitleLen+1)}),
		core.EINVALID, "err.title.too_long")
	checkCode(t, newDeal(o.manager, core.Deal{ClientID: c.ID, Title: "Минус", Amount: -1}), core.EINVALID, "err.amount.negative")
	for _, a := range []core.Actor{o.lawyer, o.underwriter, disabled(o.manager)} {
		checkCode(t, newDeal(a, core.Deal{ClientID: c.ID, Title: "Не моя роль"}), core.EFORBIDDEN, "err.forbidden")
	}
	if err := newDeal(o.manager, core.Deal{ClientID: c.ID, Title: strings.Repeat("я", core.MaxTitleLen)}); err != nil {
		t.Fatalf("the longest title: %v", err)
	}
	ds, _ := o.svc.FindDeals(o.ctx(), o.officer, core.DealFilter{})
	if len(ds) != 1 || ds[0].Number != "D-2026-0001" {
		t.Fatalf("deals = %+v; want only the last one, numbered 1", ds)
	}
}

// TestCreateDeal_BlockedClient: a liquidated or bankrupt counterparty gets
// a new deal only from a head who overrides the block, and the override is
// the reason in the audit trail.
func TestCreateDeal_BlockedClient(t *testing.T) {
	o := newOffice(t)
	c := o.managedClient(sberINN, sberKPP, "Сбер", o.manager)
	ok := o.client(yandexINN, "", "Яндекс")
	for _, st := range []core.CompanyStatus{core.StatusLiquidated, core.StatusBankrupt} {
		_, err := o.svc.UpdateClient(o.ctx(), o.officer, c.ID, "registry", func(c *core.Client) error {
			c.Verification.Company = st
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []core.Actor{o.manager, o.officer} {
			_, err = o.svc.CreateDeal(o.ctx(), a, &core.Deal{ClientID: c.ID, Title: "Заблокирован", Override: true})
			checkCode(t, err, core.EFORBIDDEN, "err.deal.blocked")
			if _, args := core.ErrorKey(err); args["Status"] != string(st) || args["Client"] != "Сбер" {
				t.Errorf("blocked args = %v", args)
			}
		}
		_, err = o.svc.CreateDeal(o.ctx(), o.head, &core.Deal{ClientID: c.ID, Title: "Без подтверждения"})
		checkCode(t, err, core.EFORBIDDEN, "err.deal.blocked")
	}
	d, err := o.svc.CreateDeal(o.ctx(), o.head, &core.Deal{ClientID: c.ID, Title: "Под ответственность", Override: true})
	if err != nil || !d.Override || d.Number != "D-2026-0001" {
		t.Fatalf("head's override = %+v, %v", d, err)
	}
	cs := o.changes(core.EntityDeal, d.ID)
	checkStamp(t, cs, o.head, "override")
	if ch := change(t, cs, "override"); ch.New != "true" {
		t.Errorf("override change = %+v", ch)
	}

	// Overriding nothing leaves no mark.
	d, err = o.svc.CreateDeal(o.ctx(), o.head, &core.Deal{ClientID: ok.ID, Title: "Обычная", Override: true})
	if err != nil || d.Override {
		t.Fatalf("override of a client that is not blocked = %+v, %v", d, err)
	}
	checkStamp(t, o.changes(core.EntityDeal, d.ID), o.head, "created")
}

// TestDeals_Visibility: a manager sees their own deals only, and someone
// else's deal looks exactly like one that does not exist; officers, lawyers,
// underwriters, heads and admins see all.
func TestDeals_Visibility(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "Сбер")
	mine := o.deal(o.manager, c.ID, "Моя", o.manager)
	theirs := o.deal(o.manager2, c.ID, "Чужая", o.manager2)
	if _, err := o.svc.MoveDeal(o.ctx(), o.manager2, theirs.ID, core.StageNew, core.StageClosedLost, "проиграли"); err != nil {
		t.Fatal(err)
	}

	if d, err := o.svc.FindDealByNumber(o.ctx(), o.manager, " d-2026-1 "); err != nil || d.ID != mine.ID {
		t.Fatalf("own deal typed loosely = %+v, %v", d, err)
	}
	_, err := o.svc.FindDealByNumber(o.ctx(), o.manager, theirs.Number)
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
	_, err = o.svc.FindDealByNumber(o.ctx(), o.manager, "D-2026-0099")
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
	_, err = o.svc.FindDealByNumber(o.ctx(), o.manager, "сделка 2")
	checkCode(t, err, core.EINVALID, "err.deal.number_format")
	_, err = o.svc.DealByID(o.ctx(), o.manager, theirs.ID)
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
	_, err = o.svc.DealByID(o.ctx(), o.manager, 999)
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")

	ds, err := o.svc.FindDeals(o.ctx(), o.manager, core.DealFilter{ManagerID: o.manager2.ID()})
	if err != nil || len(ds) != 1 || ds[0].ID != mine.ID {
		t.Fatalf("a manager asking for a colleague's deals gets %+v, %v; want only their own", ds, err)
	}
	for _, a := range []core.Actor{o.officer, o.lawyer, o.underwriter, o.head, o.admin} {
		if _, err := o.svc.DealByID(o.ctx(), a, theirs.ID); err != nil {
			t.Errorf("%s: DealByID: %v", a.User.Role, err)
		}
		ds, err := o.svc.FindDeals(o.ctx(), a, core.DealFilter{ClientID: c.ID})
		if err != nil || len(ds) != 2 || ds[0].ID != theirs.ID {
			t.Errorf("%s: FindDeals = %d deals, %v; want both, newest first", a.User.Role, len(ds), err)
		}
	}
	ds, err = o.svc.FindDeals(o.ctx(), o.officer, core.DealFilter{Open: true})
	if err != nil || len(ds) != 1 || ds[0].ID != mine.ID {
		t.Fatalf("open deals = %+v, %v", ds, err)
	}
	_, err = o.svc.FindDeals(o.ctx(), disabled(o.lawyer), core.DealFilter{})
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
}

// TestUpdateDeal: changes are audited with the reason; the number, ID and
// creation time stay; a change of the stage (MoveDeal's), someone else's
// deal or a role that does not edit deals is refused and nothing is stored.
func TestUpdateDeal(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "Сбер")
	dup := o.client(yandexINN, "", "Сбер (дубль)")
	if _, err := o.svc.MergeClients(o.ctx(), o.officer, c.ID, dup.ID, ""); err != nil {
		t.Fatal(err)
	}
	d := o.deal(o.manager, c.ID, "Лизинг", o.manager)
	before := len(o.changes(core.EntityDeal, d.ID))
	o.clock.Add(time.Hour)
	due := time.Date(2026, 12, 15, 15, 0, 0, 0, time.UTC)

	got, err := o.svc.UpdateDeal(o.ctx(), o.manager, d.ID, "клиент согласен", func(d *core.Deal) error {
		d.Title, d.SigningDue, d.Amount = "Лизинг станков", due, 99_00
		d.Number, d.ID, d.CreatedBy, d.CreatedAt = "D-2000-0001", 42, o.admin.ID(), time.Time{}
		d.ClosedFrom, d.ClosedAt, d.LostReason = core.StageSigning, due, "нет"
		return nil
	})
	if err != nil || got.Title != "Лизинг станков" || got.Number != d.Number || got.ID != d.ID || got.ClosedFrom != "" ||
		!got.ClosedAt.IsZero() || got.LostReason != "" ||
		got.CreatedBy != o.manager.ID() || !got.CreatedAt.Equal(officeStart) || !got.UpdatedAt.Equal(officeStart.Add(time.Hour)) {
		t.Fatalf("UpdateDeal = %+v, %v", got, err)
	}
	cs := o.changes(core.EntityDeal, d.ID)[before:]
	if want := []string{"title", "amount", "signing_due"}; !slices.Equal(fields(cs), want) {
		t.Fatalf("audited = %v, want %v", fields(cs), want)
	}
	checkStamp(t, cs, o.manager, "клиент согласен")
	if ch := change(t, cs, "title"); ch.Old != "Лизинг" || ch.New != "Лизинг станков" {
		t.Errorf("title change = %+v", ch)
	}
	if ch := change(t, cs, "signing_due"); ch.New != "2026-12-15T15:00:00Z" {
		t.Errorf("signing_due change = %+v", ch)
	}
	if got, err := o.svc.FindDealByNumber(o.ctx(), o.head, d.Number); err != nil || got.ID != d.ID {
		t.Fatalf("the deal under its number = %+v, %v", got, err)
	}

	update := func(a core.Actor, fn func(*core.Deal) error) error {
		_, err := o.svc.UpdateDeal(o.ctx(), a, d.ID, "", fn)
		return err
	}
	// The stage moves only by MoveDeal's rules, whatever the edit.
	checkCode(t, update(o.manager, func(d *core.Deal) error { d.Stage = "won"; return nil }), core.EINVALID, "err.deal.stage_by_buttons")
	checkCode(t, update(o.head, func(d *core.Deal) error { d.Stage = core.StageClosedWon; return nil }), core.EINVALID,
		"err.deal.stage_by_buttons")
	checkCode(t, update(o.manager, func(d *core.Deal) error { d.Title = ""; return nil }), core.EINVALID, "err.title.required")
	checkCode(t, update(o.manager2, func(d *core.Deal) error { d.Title = "Моя"; return nil }), core.ENOTFOUND, "err.deal.not_found")
	checkCode(t, update(o.lawyer, func(d *core.Deal) error { d.Title = "Юрист"; return nil }), core.EFORBIDDEN, "err.forbidden")
	// The deal's manager and client follow the rules of a new deal.
	checkCode(t, update(o.head, func(d *core.Deal) error { d.ManagerID = o.lawyer.ID(); return nil }),
		core.EINVALID, "err.deal.manager_invalid")
	checkCode(t, update(o.head, func(d *core.Deal) error { d.ManagerID = 999; return nil }),
		core.EINVALID, "err.deal.manager_invalid")
	checkCode(t, update(o.head, func(d *core.Deal) error { d.ClientID = 999; return nil }),
		core.ENOTFOUND, "err.client.not_found")
	checkCode(t, update(o.head, func(d *core.Deal) error { d.ClientID = dup.ID; return nil }),
		core.ECONFLICT, "err.client.merged")
	_, err = o.svc.UpdateDeal(o.ctx(), o.head, 999, "", func(*core.Deal) error { return nil })
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")

	if n := len(o.changes(core.EntityDeal, d.ID)); n != before+3 {
		t.Fatalf("refused updates wrote changes: %d, want %d", n, before+3)
	}
	got, _ = o.svc.DealByID(o.ctx(), o.head, d.ID)
	if got.Stage != core.StageNew || got.ManagerID != o.manager.ID() || got.ClientID != c.ID || got.Title != "Лизинг станков" {
		t.Fatalf("a refused update was stored: %+v", got)
	}

	// A head hands the deal to another manager, who sees it from then on.
	if _, err := o.svc.UpdateDeal(o.ctx(), o.head, d.ID, "отпуск", func(d *core.Deal) error {
		d.ManagerID = o.manager2.ID()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.DealByID(o.ctx(), o.manager2, d.ID); err != nil {
		t.Fatalf("the new manager: %v", err)
	}
	_, err = o.svc.DealByID(o.ctx(), o.manager, d.ID)
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
}

// TestCreateDeal_ConcurrentNumbers: deals opened at the same time get every
// number once, without gaps.
func TestCreateDeal_ConcurrentNumbers(t *testing.T) {
	o := newOffice(t)
	c := o.managedClient(sberINN, sberKPP, "Сбер", o.manager)
	const n = 20
	numbers := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{ClientID: c.ID, Title: "Сделка " + strconv.Itoa(i)})
			if err != nil {
				t.Error(err)
				return
			}
			numbers <- d.Number
		}()
	}
	wg.Wait()
	close(numbers)
	var got []string
	for s := range numbers {
		got = append(got, s)
	}
	slices.Sort(got)
	var want []string
	for i := 1; i <= n; i++ {
		want = append(want, core.DealNumber(2026, uint64(i)))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("numbers = %v, want %v", got, want)
	}
}

// TestCreateDeal_NoClient: a deal without a client asks for one, rather
// than answering that client 0 does not exist.
func TestCreateDeal_NoClient(t *testing.T) {
	o := newOffice(t)
	_, err := o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{Title: "Без клиента"})
	checkCode(t, err, core.EINVALID, "err.deal.client_required")
}
