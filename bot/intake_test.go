package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// registry is an in-process core.Registry with fixed answers, for the bot
// layer's tests (the adapters are tested against their vendors' wire
// formats in their own packages).
type registry struct {
	mu      sync.Mutex
	records map[string]*core.RegistryRecord
	down    bool
	calls   int
}

func (r *registry) Name() string { return "dadata" }

func (r *registry) Lookup(_ context.Context, inn, _ string) (*core.RegistryRecord, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.down {
		return nil, core.Errorf(core.EUNAVAILABLE, core.ErrRegistryDown, "Source", "dadata")
	}
	rec, ok := r.records[inn]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, core.ErrRegistryNotFound, "Source", "dadata", "INN", inn)
	}
	cp := *rec
	return &cp, nil
}

func sberbank() *core.RegistryRecord {
	return &core.RegistryRecord{Source: "dadata", Kind: core.KindLegal, INN: "7707083893", KPP: "773601001",
		OGRN: "1027700132195", ShortName: "ПАО Сбербанк", FullName: "ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО «СБЕРБАНК РОССИИ»",
		Address: "г Москва, ул Вавилова, д 19", Director: "Греф Герман Оскарович", DirectorPost: "Президент",
		Status: core.StatusActive, Risks: []core.RiskFlag{{Code: core.RiskMassDirector, Text: "12 компаний"}}}
}

// newIntakeHarness has a registry, a manager, an officer and the officers'
// work chat.
func newIntakeHarness(t *testing.T, reg *registry) *harness {
	h := newHarness(t)
	h.reopen(core.WithRegistries(reg))
	h.addUser("m", "Максим", core.RoleManager)
	h.addUser("o", "Ольга", core.RoleOfficer)
	h.send(&bot.Update{UserID: "admin", ChatID: "-100", ChatType: bot.ChatGroup, Text: "/bind officers",
		Command: "bind", Args: "officers"})
	h.bot.DeliverDue(context.Background(), "test") // the admins' "joined" notices
	h.rec.take()
	return h
}

const badCard = `/intake
Полное наименование: Публичное акционерное общество «Сбербанк России»
Сокращённое наименование: ПАО Сбербанк
ИНН/КПП 7707083893/773601001
ОГРН 1027700132195
Юридический адрес: 117997, г. Москва, ул. Вавилова, д. 19
Генеральный директор: Греф Герман Оскарович
р/с 40702810938000012346
к/с 30101810400000000225
БИК 044525225`

func TestIntakeFlow(t *testing.T) {
	reg := &registry{records: map[string]*core.RegistryRecord{"7707083893": sberbank()}}
	h := newIntakeHarness(t, reg)
	ctx := context.Background()

	// The manager pastes a card with a wrong account key: the error is named.
	msgs := h.say("m", badCard)
	text := dump(msgs)
	if !strings.Contains(text, "Обращение #1 передано") || !strings.Contains(text, "р/с: не сходится контрольная цифра (ключ)") {
		t.Fatalf("manager's answer:%s", text)
	}
	// The officers' chat hears of it, with buttons anyone there may press.
	if n, err := h.bot.DeliverDue(ctx, "test"); n != 1 || err != nil {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	notice := h.rec.take()
	if notice[0].ChatID != "-100" || !strings.Contains(notice[0].Text, "Новое обращение #1") {
		t.Fatalf("notice = %s", dump(notice))
	}
	// A manager may not verify; the officer does, in the work chat.
	h.want(h.press("m", notice, "Проверить"), "err.button.not_yours", nil)
	report := h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token(t, notice, "Проверить")})
	rt := dump(report)
	for _, want := range []string{"DaData: ПАО Сбербанк — действующее", "массовый руководитель", "р/с"} {
		if !strings.Contains(rt, want) {
			t.Errorf("report lacks %q:%s", want, rt)
		}
	}
	// The officer writes the card from the registry: the manager is told.
	applied := h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token(t, report, "Создать/обновить карточку")})
	if !strings.Contains(dump(applied), "Карточка клиента сохранена по данным реестра (DaData)") {
		t.Fatalf("apply:%s", dump(applied))
	}
	cs, err := h.svc.FindClientsByINN(ctx, core.Actor{User: h.admin}, "7707083893")
	if err != nil || cs[0].Director != "Греф Герман Оскарович (президент)" || cs[0].Verification.Status != core.ProblemsFound || len(cs[0].Accounts) != 0 {
		t.Fatalf("card = %+v, %v", cs, err)
	}
	if chs := h.changes(core.EntityClient, cs[0].ID); len(chs) == 0 || chs[0].Reason != "registry" {
		t.Fatalf("card audit = %+v", chs)
	}
	h.bot.DeliverDue(ctx, "test")
	if got := dump(h.rec.take()); !strings.Contains(got, "карточка ПАО Сбербанк (ИНН 7707083893) проверена и сохранена") {
		t.Fatalf("manager not told:%s", got)
	}
	// A second request for the same client shows it as a duplicate.
	h.say("m", "/intake 7707083893")
	h.bot.DeliverDue(ctx, "test")
	notice = h.rec.take()
	report = h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token(t, notice, "Проверить")})
	if rt := dump(report); !strings.Contains(rt, "уже есть в базе: карточка #1") || strings.Contains(rt, "КПП: не указан") {
		t.Fatalf("second report:%s", rt)
	}
}

func TestIntakeWhenTheRegistryIsDown(t *testing.T) {
	reg := &registry{down: true}
	h := newIntakeHarness(t, reg)
	ctx := context.Background()
	h.say("m", "/intake\nНаименование: ПАО Сбербанк\nИНН 7707083893 КПП 773601001")
	h.bot.DeliverDue(ctx, "test")
	notice := h.rec.take()
	report := h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token(t, notice, "Проверить")})
	if rt := dump(report); !strings.Contains(rt, "реестр сейчас недоступен") || !strings.Contains(rt, "Повторить проверку") {
		t.Fatalf("report:%s", rt)
	}
	// Saved as unverified; the task stays open with a Retry button.
	applied := h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token(t, report, "Создать/обновить карточку")})
	if !strings.Contains(dump(applied), "сохранена как непроверенная") {
		t.Fatalf("apply:%s", dump(applied))
	}
	in, _ := h.svc.IntakeByID(ctx, core.Actor{User: h.admin}, 1)
	if in.Status != core.IntakeOpen {
		t.Fatalf("intake = %s, want open", in.Status)
	}
	// The registry is back: Retry verifies, and the card gets verified.
	reg.mu.Lock()
	reg.down, reg.records = false, map[string]*core.RegistryRecord{"7707083893": sberbank()}
	reg.mu.Unlock()
	h.clock.Add(time.Minute)
	report = h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token(t, applied, "Повторить проверку")})
	h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token(t, report, "Создать/обновить карточку")})
	if in, _ = h.svc.IntakeByID(ctx, core.Actor{User: h.admin}, 1); in.Status != core.IntakeDone {
		t.Fatalf("intake = %s, want done", in.Status)
	}
}

func TestIntakeReturnedToTheManager(t *testing.T) {
	h := newIntakeHarness(t, &registry{})
	ctx := context.Background()
	h.say("m", badCard)
	h.bot.DeliverDue(ctx, "test")
	notice := h.rec.take()
	h.want(h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Token: token(t, notice, "Вернуть менеджеру")}),
		"flow.intake.return", nil)
	h.want(h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Text: "Исправьте расчётный счёт"}),
		"msg.intake.returned", bot.Args{"ID": 1})
	h.bot.DeliverDue(ctx, "test")
	got := dump(h.rec.take())
	if !strings.Contains(got, "возвращено: Исправьте расчётный счёт") || !strings.Contains(got, "р/с: не сходится") {
		t.Fatalf("manager's notice:%s", got)
	}
}

func TestBlockedCounterpartyNeedsAHead(t *testing.T) {
	rec := sberbank()
	rec.Status = core.StatusLiquidated
	h := newIntakeHarness(t, &registry{records: map[string]*core.RegistryRecord{"7707083893": rec}})
	ctx := context.Background()
	in, err := h.svc.CreateIntake(ctx, core.Actor{User: h.user("test:m")}, core.Requisites{INN: "7707083893"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	officer := core.Actor{User: h.user("test:o")}
	if _, err := h.svc.VerifyIntake(ctx, officer, in.ID); err != nil {
		t.Fatal(err)
	}
	_, card, err := h.svc.ApplyIntake(ctx, officer, in.ID, "", false)
	if err != nil {
		t.Fatal(err)
	}
	m := h.user("test:m")
	if _, err := h.svc.CreateDeal(ctx, core.Actor{User: m}, &core.Deal{ClientID: card.ID, Title: "x", Override: true}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a manager opened a deal with a liquidated company: %v", err)
	}
	head := h.addUser("h", "Начальник", core.RoleHead)
	d, err := h.svc.CreateDeal(ctx, core.Actor{User: head}, &core.Deal{ClientID: card.ID, Title: "x", ManagerID: m.ID, Override: true})
	if err != nil || !d.Override {
		t.Fatalf("head's override: %+v, %v", d, err)
	}
}

func token(t *testing.T, msgs []*bot.Message, label string) string {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label {
					return b.Token
				}
			}
		}
	}
	t.Fatalf("no button %q in%s", label, dump(msgs))
	return ""
}

func TestOfficerKeepsTheManagersValuesWithAReason(t *testing.T) {
	h := newIntakeHarness(t, &registry{records: map[string]*core.RegistryRecord{"7707083893": sberbank()}})
	ctx := context.Background()
	h.say("m", "/intake\nНаименование: ПАО Сбербанк\nИНН/КПП 7707083893/773601001\nДиректор: Иванов Иван Иванович")
	h.bot.DeliverDue(ctx, "test")
	notice := h.rec.take()
	group := func(text, tok string) []*bot.Message {
		return h.send(&bot.Update{UserID: "o", ChatID: "-100", ChatType: bot.ChatGroup, Text: text, Token: tok})
	}
	report := group("", token(t, notice, "Проверить"))
	h.want(group("", token(t, report, "Сохранить данные менеджера")), "flow.intake.keep", nil)
	if got := dump(group("Новый директор назначен вчера, в реестре ещё старый", "")); !strings.Contains(got, "Директор: Иванов Иван Иванович") {
		t.Fatalf("card:%s", got)
	}
	cs, _ := h.svc.FindClientsByINN(ctx, core.Actor{User: h.admin}, "7707083893")
	chs := h.changes(core.EntityClient, cs[0].ID)
	if chs[0].Reason != "Новый директор назначен вчера, в реестре ещё старый" {
		t.Fatalf("reason = %q", chs[0].Reason)
	}
}
