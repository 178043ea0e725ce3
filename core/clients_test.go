package core_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestCreateClient_Audited: a card gets its ID, kind, verification status
// and times; every field set is in the audit trail, stamped with the actor,
// the reason "created" and the message it came from.
func TestCreateClient_Audited(t *testing.T) {
	o := newOffice(t)
	c, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: " " + sberINN + " ", KPP: sberKPP + " ",
		OGRN: " " + sberOGRN, ShortName: "ПАО Сбербанк"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.INN != sberINN || c.KPP != sberKPP || c.OGRN != sberOGRN || c.Kind != core.KindLegal ||
		c.Verification.Status != core.Unverified || !c.CreatedAt.Equal(officeStart) || c.ManagerID != 0 {
		t.Fatalf("created %+v", c)
	}
	got, err := o.svc.ClientByID(o.ctx(), o.lawyer, c.ID)
	if err != nil || got.ShortName != "ПАО Сбербанк" || got.INN != sberINN {
		t.Fatalf("ClientByID = %+v, %v", got, err)
	}

	cs := o.changes(core.EntityClient, c.ID)
	if want := []string{"kind", "inn", "kpp", "ogrn", "short_name", "verification"}; !slices.Equal(fields(cs), want) {
		t.Fatalf("audited fields = %v, want %v", fields(cs), want)
	}
	checkStamp(t, cs, o.officer, "created")
	if ch := change(t, cs, "inn"); ch.Old != "" || ch.New != sberINN || ch.EntityID != c.ID {
		t.Errorf("inn change = %+v", ch)
	}

	// A sole proprietor is recognized by the 12 digits of the INN.
	ip, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: soleINN, OGRN: soleOGRNIP, ShortName: "ИП Петров"})
	if err != nil || ip.Kind != core.KindIndividual {
		t.Fatalf("sole proprietor = %+v, %v", ip, err)
	}
}

// TestCreateClient_ManagerBecomesResponsible: a manager's own card is theirs
// to lead; an officer's card has no manager until one is chosen.
func TestCreateClient_ManagerBecomesResponsible(t *testing.T) {
	o := newOffice(t)
	c, err := o.svc.CreateClient(o.ctx(), o.manager, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "Сбер"})
	if err != nil || c.ManagerID != o.manager.ID() {
		t.Fatalf("manager's card = %+v, %v; want manager %d", c, err, o.manager.ID())
	}
	if ch := change(t, o.changes(core.EntityClient, c.ID), "manager_id"); ch.New != strconv.FormatInt(o.manager.ID(), 10) {
		t.Errorf("manager_id change = %+v", ch)
	}
	c2, err := o.svc.CreateClient(o.ctx(), o.manager, &core.Client{INN: yandexINN, ShortName: "Яндекс", ManagerID: o.manager2.ID()})
	if err != nil || c2.ManagerID != o.manager2.ID() {
		t.Fatalf("card for a colleague = %+v, %v", c2, err)
	}
	if c3 := o.client(alfaINN, "", "Альфа"); c3.ManagerID != 0 {
		t.Fatalf("officer's card has manager %d", c3.ManagerID)
	}
}

// TestCreateClient_Invalid: each wrong field is refused with its own
// message, and nothing is stored.
func TestCreateClient_Invalid(t *testing.T) {
	o := newOffice(t)
	for _, tc := range []struct {
		name string
		c    core.Client
		key  string
	}{
		{"no INN", core.Client{ShortName: "Без ИНН"}, "err.inn.empty"},
		{"INN checksum", core.Client{INN: "7707083894", ShortName: "Опечатка"}, "err.inn.checksum"},
		{"INN letters", core.Client{INN: "77070838a3", ShortName: "Буквы"}, "err.inn.digits"},
		{"INN length", core.Client{INN: "770708389", ShortName: "Короткий"}, "err.inn.length"},
		{"legal kind, 12 digits", core.Client{Kind: core.KindLegal, INN: soleINN, ShortName: "ООО?"}, "err.client.kind_mismatch"},
		{"individual kind, 10 digits", core.Client{Kind: core.KindIndividual, INN: sberINN, ShortName: "ИП?"}, "err.client.kind_mismatch"},
		{"individual with KPP", core.Client{INN: soleINN, KPP: sberKPP, ShortName: "ИП с КПП"}, "err.client.kpp_individual"},
		{"unknown kind", core.Client{Kind: "trust", INN: sberINN, ShortName: "Траст"}, "err.client.kind_unknown"},
		{"KPP format", core.Client{INN: sberINN, KPP: "77360100", ShortName: "Сбер"}, "err.kpp.format"},
		{"OGRN checksum", core.Client{INN: sberINN, OGRN: "1027700132196", ShortName: "Сбер"}, "err.ogrn.checksum"},
		{"OGRNIP for a company", core.Client{INN: sberINN, OGRN: soleOGRNIP, ShortName: "Сбер"}, "err.ogrn.format"},
		{"no name", core.Client{INN: sberINN, ShortName: "  "}, "err.client.name_required"},
		{"name too long", core.Client{INN: sberINN, ShortName: strings.Repeat("я", core.MaxNameLen+1)}, "err.client.name_too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			_, err := o.svc.CreateClient(o.ctx(), o.officer, &c)
			checkCode(t, err, core.EINVALID, tc.key)
		})
	}
	cs, err := o.svc.SearchClients(o.ctx(), o.officer, "77", 0)
	if err != nil || len(cs) != 0 {
		t.Fatalf("clients stored after refusals: %+v, %v", cs, err)
	}
	if ms := o.messages(); len(ms) != 0 {
		t.Fatalf("messages after refusals: %+v", ms)
	}
}

// TestClients_Permissions: officers, managers and admins edit cards; the
// other roles only read them; a disabled account does neither.
func TestClients_Permissions(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "Сбер")
	for _, a := range []core.Actor{o.lawyer, o.underwriter, o.head, disabled(o.manager)} {
		_, err := o.svc.CreateClient(o.ctx(), a, &core.Client{INN: yandexINN, ShortName: "Яндекс"})
		checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
		_, err = o.svc.UpdateClient(o.ctx(), a, c.ID, "", func(c *core.Client) error { c.Director = "Кто-то"; return nil })
		checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	}
	for _, a := range []core.Actor{o.officer, o.manager, o.lawyer, o.underwriter, o.head, o.admin} {
		if _, err := o.svc.ClientByID(o.ctx(), a, c.ID); err != nil {
			t.Errorf("%s reading a card: %v", a.User.Role, err)
		}
	}
	_, err := o.svc.ClientByID(o.ctx(), disabled(o.lawyer), c.ID)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	_, err = o.svc.FindClientsByINN(o.ctx(), disabled(o.lawyer), sberINN)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")

	for i, a := range []core.Actor{o.manager, o.admin} {
		inn := []string{yandexINN, alfaINN}[i]
		if _, err := o.svc.CreateClient(o.ctx(), a, &core.Client{INN: inn, ShortName: "Клиент " + inn}); err != nil {
			t.Errorf("%s creating a card: %v", a.User.Role, err)
		}
	}
	if got, _ := o.svc.ClientByID(o.ctx(), o.officer, c.ID); got.Director != "" {
		t.Fatalf("a refused edit was stored: %+v", got)
	}
}

// TestCreateClient_Duplicates: the same INN and KPP, or another INN's OGRN,
// is a conflict that names the existing card; a branch (same INN and OGRN,
// its own KPP) is a card of its own.
func TestCreateClient_Duplicates(t *testing.T) {
	o := newOffice(t)
	head, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: sberINN, KPP: sberKPP, OGRN: sberOGRN, ShortName: "Сбер"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = o.svc.CreateClient(o.ctx(), o.manager, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "Сбербанк ещё раз"})
	checkCode(t, err, core.ECONFLICT, "err.client.exists")
	if _, args := core.ErrorKey(err); args["Name"] != "Сбер" || args["INN"] != sberINN {
		t.Errorf("conflict args = %v", args)
	}
	_, err = o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: yandexINN, OGRN: sberOGRN, ShortName: "Чужой ОГРН"})
	checkCode(t, err, core.ECONFLICT, "err.client.ogrn_taken")

	branch, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: sberINN, KPP: "775001001", OGRN: sberOGRN,
		ShortName: "Сбер, филиал"})
	if err != nil {
		t.Fatalf("a branch: %v", err)
	}
	cs, err := o.svc.FindClientsByINN(o.ctx(), o.officer, sberINN)
	if err != nil || len(cs) != 2 || cs[0].ID != head.ID || cs[1].ID != branch.ID {
		t.Fatalf("FindClientsByINN = %+v, %v; want the head office, then the branch", cs, err)
	}
	if cs := o.changes(core.EntityClient, head.ID); len(cs) != 6 {
		t.Fatalf("the refused duplicates touched the card's history: %v", fields(cs))
	}
}

// TestFindClients: lookups by INN check it first; a missing client is
// ENOTFOUND; a search needs two characters and finds by name or INN prefix.
func TestFindClients(t *testing.T) {
	o := newOffice(t)
	sber := o.client(sberINN, sberKPP, "ПАО «Сбербанк»")
	o.client(yandexINN, yandexKPP, "ООО Яндекс")

	_, err := o.svc.FindClientsByINN(o.ctx(), o.manager, "7707083894")
	checkCode(t, err, core.EINVALID, "err.inn.checksum")
	_, err = o.svc.FindClientsByINN(o.ctx(), o.manager, alfaINN)
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
	_, err = o.svc.ClientByID(o.ctx(), o.manager, 999)
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")

	_, err = o.svc.SearchClients(o.ctx(), o.manager, " с ", 0)
	checkCode(t, err, core.EINVALID, "err.search.too_short")
	for _, q := range []string{"сбербанк", "  Сбер ", "770708"} {
		cs, err := o.svc.SearchClients(o.ctx(), o.manager, q, 0)
		if err != nil || len(cs) != 1 || cs[0].ID != sber.ID {
			t.Errorf("SearchClients(%q) = %+v, %v; want Сбербанк", q, cs, err)
		}
	}
	cs, err := o.svc.SearchClients(o.ctx(), o.manager, "77", 0)
	if err != nil || len(cs) != 2 {
		t.Errorf("SearchClients(77) = %d clients, %v; want 2", len(cs), err)
	}
}

// TestUpdateClient: only the fields that changed are audited, with the
// reason; a change that fixes nothing writes nothing; a change that breaks
// a rule or fails is not stored.
func TestUpdateClient(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "Сбер")
	y := o.client(yandexINN, yandexKPP, "Яндекс")
	before := len(o.changes(core.EntityClient, c.ID))
	o.clock.Add(time.Hour)

	got, err := o.svc.UpdateClient(o.ctx(), o.manager, c.ID, "новый директор", func(c *core.Client) error {
		c.Director, c.Address = "Греф Герман Оскарович", "Москва, Вавилова, 19"
		return nil
	})
	if err != nil || got.Director != "Греф Герман Оскарович" || !got.UpdatedAt.Equal(officeStart.Add(time.Hour)) ||
		!got.CreatedAt.Equal(officeStart) {
		t.Fatalf("UpdateClient = %+v, %v", got, err)
	}
	cs := o.changes(core.EntityClient, c.ID)[before:]
	if want := []string{"address", "director"}; !slices.Equal(fields(cs), want) {
		t.Fatalf("audited = %v, want %v", fields(cs), want)
	}
	checkStamp(t, cs, o.manager, "новый директор")
	if ch := change(t, cs, "director"); ch.Old != "" || ch.New != "Греф Герман Оскарович" || !ch.At.Equal(officeStart.Add(time.Hour)) {
		t.Errorf("director change = %+v", ch)
	}

	// Nothing changed: no record, no new UpdatedAt.
	o.clock.Add(time.Hour)
	got, err = o.svc.UpdateClient(o.ctx(), o.officer, c.ID, "", func(c *core.Client) error { return nil })
	if err != nil || !got.UpdatedAt.Equal(officeStart.Add(time.Hour)) {
		t.Fatalf("no-op update = %+v, %v", got, err)
	}
	if n := len(o.changes(core.EntityClient, c.ID)); n != before+2 {
		t.Fatalf("a no-op update wrote changes: %d, want %d", n, before+2)
	}

	_, err = o.svc.UpdateClient(o.ctx(), o.officer, c.ID, "", func(c *core.Client) error { c.KPP = "12345"; return nil })
	checkCode(t, err, core.EINVALID, "err.kpp.format")
	_, err = o.svc.UpdateClient(o.ctx(), o.officer, c.ID, "", func(c *core.Client) error {
		c.INN, c.KPP = yandexINN, yandexKPP
		return nil
	})
	checkCode(t, err, core.ECONFLICT, "err.client.exists")
	refusal := core.Errorf(core.ECONFLICT, "err.drift.none")
	_, err = o.svc.UpdateClient(o.ctx(), o.officer, c.ID, "", func(c *core.Client) error {
		c.Director = "Не сохранится"
		return refusal
	})
	if err != refusal {
		t.Fatalf("fn's error = %v, want it returned as it is", err)
	}
	_, err = o.svc.UpdateClient(o.ctx(), o.officer, 999, "", func(*core.Client) error { return nil })
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")

	got, _ = o.svc.ClientByID(o.ctx(), o.officer, c.ID)
	if got.KPP != sberKPP || got.INN != sberINN || got.Director != "Греф Герман Оскарович" {
		t.Fatalf("a refused update was stored: %+v", got)
	}
	if n := len(o.changes(core.EntityClient, c.ID)); n != before+2 {
		t.Fatalf("refused updates wrote changes: %d, want %d", n, before+2)
	}
	if got, _ := o.svc.ClientByID(o.ctx(), o.officer, y.ID); got.ShortName != "Яндекс" {
		t.Fatalf("the other card changed: %+v", got)
	}
}

// TestUpdateClient_KeepsTheRulesOfCreation: an update cannot give a card
// another INN's OGRN (a branch shares its head office's), nor write over
// another card by changing its ID; the creation time stays.
func TestUpdateClient_KeepsTheRulesOfCreation(t *testing.T) {
	o := newOffice(t)
	sber, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: sberINN, KPP: sberKPP, OGRN: sberOGRN, ShortName: "Сбер"})
	if err != nil {
		t.Fatal(err)
	}
	branch := o.client(sberINN, "775001001", "Сбер, филиал")
	y := o.client(yandexINN, yandexKPP, "Яндекс")

	_, err = o.svc.UpdateClient(o.ctx(), o.officer, y.ID, "", func(c *core.Client) error { c.OGRN = sberOGRN; return nil })
	checkCode(t, err, core.ECONFLICT, "err.client.ogrn_taken")
	if got, _ := o.svc.ClientByID(o.ctx(), o.officer, y.ID); got.OGRN != "" {
		t.Fatalf("another INN's OGRN was stored: %+v", got)
	}
	if got, err := o.svc.UpdateClient(o.ctx(), o.officer, branch.ID, "", func(c *core.Client) error {
		c.OGRN = sberOGRN
		return nil
	}); err != nil || got.OGRN != sberOGRN {
		t.Fatalf("a branch taking its head office's OGRN = %+v, %v", got, err)
	}

	o.clock.Add(time.Hour)
	got, err := o.svc.UpdateClient(o.ctx(), o.officer, y.ID, "", func(c *core.Client) error {
		c.ID, c.CreatedAt, c.Director = sber.ID, time.Time{}, "Директор Яндекса"
		return nil
	})
	if err != nil || got.ID != y.ID || !got.CreatedAt.Equal(officeStart) {
		t.Fatalf("update changing the ID = %+v, %v", got, err)
	}
	if s, _ := o.svc.ClientByID(o.ctx(), o.officer, sber.ID); s.ShortName != "Сбер" || s.Director != "" {
		t.Fatalf("an update of one card overwrote another: %+v", s)
	}
	if y2, _ := o.svc.ClientByID(o.ctx(), o.officer, y.ID); y2.Director != "Директор Яндекса" {
		t.Fatalf("the card updated = %+v", y2)
	}
}

// TestClientActivity: a card's deals (open first), open tasks and open
// requests, each as far as the reader may see it: deal support everything,
// a manager their own deals, tasks and requests.
func TestClientActivity(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	other := o.client(yandexINN, yandexKPP, "Яндекс")
	closed := o.deal(o.officer, c.ID, "Старая поставка", o.manager)
	o.update(func(tx core.Tx) error {
		d, err := tx.DealByID(closed.ID)
		if err != nil {
			return err
		}
		d.Stage = core.StageClosedWon
		return tx.UpdateDeal(d)
	})
	mine := o.deal(o.officer, c.ID, "Поставка", o.manager)
	theirs := o.deal(o.officer, c.ID, "Лизинг", o.manager2)
	o.deal(o.officer, other.ID, "Чужая", o.manager)

	task := func(a core.Actor, title string, dealID, clientID int64) *core.Task {
		t.Helper()
		tk, err := o.svc.CreateTask(o.ctx(), a, &core.Task{Title: title, DealID: dealID, ClientID: clientID})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	byDeal := task(o.manager, "Позвонить", mine.ID, 0)
	byClient := task(o.officer, "Проверить доверенность", 0, c.ID)
	done := task(o.officer, "Запросить выписку", 0, c.ID)
	if _, err := o.svc.CompleteTask(o.ctx(), o.officer, done.ID, "получена"); err != nil {
		t.Fatal(err)
	}
	task(o.officer, "Про другого", 0, other.ID)

	open, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: sberINN}, nil)
	if err != nil {
		t.Fatal(err)
	}
	returned, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: sberINN, KPP: sberKPP}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.ReturnIntake(o.ctx(), o.officer, returned.ID, "не тот КПП"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.CreateIntake(o.ctx(), o.manager2, core.Requisites{INN: sberINN, KPP: "773643001"}, nil); err != nil {
		t.Fatal(err) // another branch's KPP: not this card's
	}
	if _, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: yandexINN}, nil); err != nil {
		t.Fatal(err)
	}

	ids := func(act *core.ClientActivity) (deals, tasks, intakes []int64) {
		for _, d := range act.Deals {
			deals = append(deals, d.ID)
		}
		for _, t := range act.Tasks {
			tasks = append(tasks, t.ID)
		}
		for _, in := range act.Intakes {
			intakes = append(intakes, in.ID)
		}
		return
	}
	for _, tt := range []struct {
		who                   core.Actor
		deals, tasks, intakes []int64
	}{
		{o.officer, []int64{theirs.ID, mine.ID, closed.ID}, []int64{byDeal.ID, byClient.ID}, []int64{open.ID}},
		{o.manager, []int64{mine.ID, closed.ID}, []int64{byDeal.ID}, []int64{open.ID}},
		{o.manager2, []int64{theirs.ID}, nil, nil},
		{o.lawyer, []int64{theirs.ID, mine.ID, closed.ID}, nil, nil},
	} {
		act, err := o.svc.ClientActivity(o.ctx(), tt.who, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		deals, tasks, intakes := ids(act)
		if !slices.Equal(deals, tt.deals) || !slices.Equal(tasks, tt.tasks) || !slices.Equal(intakes, tt.intakes) {
			t.Errorf("%s sees deals %v, tasks %v, requests %v; want %v, %v, %v", tt.who.User.Name, deals, tasks, intakes,
				tt.deals, tt.tasks, tt.intakes)
		}
		want := len(tt.deals)
		if slices.Contains(tt.deals, closed.ID) {
			want--
		}
		if act.OpenDeals() != want {
			t.Errorf("%s: %d open deals; want %d", tt.who.User.Name, act.OpenDeals(), want)
		}
	}
	if _, err := o.svc.ClientActivity(o.ctx(), o.officer, 999); !core.IsNotFound(err) {
		t.Fatalf("activity of no card = %v", err)
	}
}

// sberRecord is what a registry knows of Sberbank's head office.
func sberRecord() *core.RegistryRecord {
	return &core.RegistryRecord{Source: "flaky", Kind: core.KindLegal, INN: sberINN, KPP: sberKPP, OGRN: sberOGRN,
		ShortName: "ПАО Сбербанк", FullName: "ПАО «Сбербанк России»", Address: "Москва, Вавилова, 19",
		Director: "Греф Герман Оскарович", DirectorPost: "Президент", Status: core.StatusActive}
}

// TestCreateClientFromRegistry: one call writes the registry's record as a
// verified card, audited "registry", the manager responsible, reading the
// record the user was shown from the cache; a second card of the INN, an
// OGRN of another INN's card and a role without the right are refused.
func TestCreateClientFromRegistry(t *testing.T) {
	reg := &countingFlaky{flakyRegistry: flakyRegistry{rec: sberRecord()}}
	o := newOffice(t, core.WithRegistries(reg))
	rep, err := o.svc.VerifyRequisites(o.ctx(), o.manager, core.Requisites{INN: sberINN}, 0) // what /client shows
	if err != nil || rep.Best() == nil {
		t.Fatalf("look-up = %+v, %v", rep, err)
	}
	c, err := o.svc.CreateClientFromRegistry(o.ctx(), o.manager, sberINN, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.KPP != sberKPP || c.OGRN != sberOGRN || c.ShortName != "ПАО Сбербанк" || c.FullName != "ПАО «Сбербанк России»" ||
		c.Director != "Греф Герман Оскарович (президент)" || c.Address != "Москва, Вавилова, 19" ||
		c.Verification.Status != core.Verified || c.Verification.Source != "flaky" || c.ManagerID != o.manager.ID() {
		t.Fatalf("card = %+v", c)
	}
	if reg.calls != 1 {
		t.Errorf("registry asked %d times; want once (the record shown is the one written)", reg.calls)
	}
	cs := o.changes(core.EntityClient, c.ID)
	checkStamp(t, cs, o.manager, "registry")
	if ch := change(t, cs, "ogrn"); ch.New != sberOGRN {
		t.Errorf("ogrn change = %+v", ch)
	}
	// The same INN and KPP again: the card exists.
	if _, err := o.svc.CreateClientFromRegistry(o.ctx(), o.officer, sberINN, ""); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("second card = %v; want ECONFLICT", err)
	} else if key, _ := core.ErrorKey(err); key != "err.client.exists" {
		t.Fatalf("second card: %s", key)
	}
	// A lawyer may not create cards.
	if _, err := o.svc.CreateClientFromRegistry(o.ctx(), o.lawyer, yandexINN, ""); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("lawyer = %v", err)
	}
	// Risks make the verification «problems found».
	risky := sberRecord()
	risky.INN, risky.KPP, risky.OGRN, risky.ShortName = yandexINN, yandexKPP, yandexOGRN, "Яндекс"
	risky.Risks = []core.RiskFlag{{Code: core.RiskMassAddress}}
	reg.rec = risky
	y, err := o.svc.CreateClientFromRegistry(o.ctx(), o.officer, yandexINN, "")
	if err != nil || y.Verification.Status != core.ProblemsFound || len(y.Verification.Risks) != 1 || y.ManagerID != 0 {
		t.Fatalf("risky card = %+v, %v", y, err)
	}
	// An OGRN on another INN's card is refused.
	stolen := sberRecord()
	stolen.INN, stolen.KPP = alfaINN, "770801001"
	reg.rec = stolen
	if _, err := o.svc.CreateClientFromRegistry(o.ctx(), o.officer, alfaINN, ""); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("OGRN of another INN = %v; want ECONFLICT", err)
	} else if key, _ := core.ErrorKey(err); key != "err.client.ogrn_taken" {
		t.Fatalf("OGRN of another INN: %s", key)
	}
}

// TestCreateClientFromRegistry_NoRecord: with no registry, with none that
// knows the INN and with none that answers, nothing is written and the
// error says which, so that the chat can offer the manual path.
func TestCreateClientFromRegistry_NoRecord(t *testing.T) {
	o := newOffice(t)
	if _, err := o.svc.CreateClientFromRegistry(o.ctx(), o.officer, sberINN, ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("no registry = %v", err)
	}
	reg := &flakyRegistry{}
	o = newOffice(t, core.WithRegistries(reg))
	_, err := o.svc.CreateClientFromRegistry(o.ctx(), o.officer, sberINN, "")
	if key, _ := core.ErrorKey(err); core.ErrorCode(err) != core.ENOTFOUND || key != "err.client.registry_not_found" {
		t.Fatalf("unknown INN = %v", err)
	}
	reg.err = core.Errorf(core.EUNAVAILABLE, core.ErrRegistryDown, "Source", "flaky")
	_, err = o.svc.CreateClientFromRegistry(o.ctx(), o.officer, sberINN, "")
	if key, _ := core.ErrorKey(err); core.ErrorCode(err) != core.EUNAVAILABLE || key != "err.client.registry_unavailable" {
		t.Fatalf("registry down = %v", err)
	}
	if _, err := o.svc.CreateClientFromRegistry(o.ctx(), o.officer, "7707083894", ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("wrong INN = %v", err)
	}
	if _, err := o.svc.FindClientsByINN(o.ctx(), o.officer, sberINN); !core.IsNotFound(err) {
		t.Fatalf("a card was written: %v", err)
	}
}

// countingFlaky counts the registry's look-ups.
type countingFlaky struct {
	flakyRegistry
	calls int
}

func (r *countingFlaky) Lookup(ctx context.Context, inn, kpp string) (*core.RegistryRecord, error) {
	r.calls++
	return r.flakyRegistry.Lookup(ctx, inn, kpp)
}
