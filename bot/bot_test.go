package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

func TestUnknownUserIsRefusedOnceAndSeesNothing(t *testing.T) {
	h := newHarness(t)
	msgs := h.say("stranger", "/client 7707083893")
	h.want(msgs, "msg.access.denied", nil)
	if len(msgs) != 1 || len(msgs[0].Buttons) != 0 {
		t.Fatalf("refusal = %s", dump(msgs))
	}
	for _, text := range []string{"/help", "hello", "/start wrongcode"} {
		msgs = h.say("stranger", text)
		if text == "/start wrongcode" {
			h.want(msgs, "err.invite.invalid", nil)
			continue
		}
		if len(msgs) != 0 {
			t.Fatalf("%q: second refusal or data: %s", text, dump(msgs))
		}
	}
}

func TestInviteRegistersUserWithRole(t *testing.T) {
	h := newHarness(t)
	msgs := h.say("admin", "/invite manager")
	if !strings.Contains(msgs[0].Text, "/start ") {
		t.Fatalf("invite reply = %q", msgs[0].Text)
	}
	code := strings.Fields(strings.SplitN(msgs[0].Text, "/start ", 2)[1])[0]
	msgs = h.send(&bot.Update{UserID: "42", UserName: "Мария", Text: "/start " + code, Command: "start", Args: code})
	h.want(msgs, "msg.start.registered", bot.Args{"Name": "Мария", "Role": h.p.T("role.manager", nil)})
	if u := h.user("test:42"); u.Role != core.RoleManager {
		t.Fatalf("role = %s, want manager", u.Role)
	}
	// The code works once.
	msgs = h.send(&bot.Update{UserID: "43", Text: "/start " + code, Command: "start", Args: code})
	h.want(msgs, "err.invite.invalid", nil)
	// The admin was told through the outbox.
	if n, err := h.bot.DeliverDue(context.Background(), "test"); err != nil || n != 1 {
		t.Fatalf("DeliverDue = %d, %v; want the joined notice", n, err)
	}
}

func TestHelpListsOnlyWhatTheRoleMayDo(t *testing.T) {
	h := newHarness(t)
	h.addUser("m", "Менеджер", core.RoleManager)
	text := h.say("m", "/help")[0].Text
	for _, want := range []string{"/client", "/deal", "/tasks", "/history"} {
		if !strings.Contains(text, want) {
			t.Errorf("manager help lacks %s", want)
		}
	}
	for _, not := range []string{"/invite", "/role", "/bind", "/users"} {
		if strings.Contains(text, not) {
			t.Errorf("manager help lists %s", not)
		}
	}
	h.want(h.say("m", "/invite lawyer"), "err.forbidden", nil)
	if admin := h.say("admin", "/help")[0].Text; !strings.Contains(admin, "/invite") {
		t.Errorf("admin help lacks /invite")
	}
}

func TestBadInputIsAnsweredAndWritesNothing(t *testing.T) {
	h := newHarness(t)
	h.want(h.say("admin", "/client 7707083894"), "err.inn.checksum", bot.Args{"INN": "7707083894"})
	h.want(h.say("admin", "/client 770708389"), "err.inn.length", bot.Args{"INN": "770708389", "Count": 9})
	h.want(h.say("admin", "/frobnicate"), "err.command.unknown", bot.Args{"Command": "frobnicate"})
	h.want(h.say("admin", "/deal D-1"), "err.deal.number_format", bot.Args{"Number": "D-1"})
	h.want(h.say("admin", "/done abc"), "msg.done.usage", nil)
	h.want(h.say("admin", strings.Repeat("я", bot.MaxTextLen+1)), "err.text.too_long_max", bot.Args{"Max": bot.MaxTextLen})
	h.want(h.send(&bot.Update{UserID: "admin", Token: "forged-token"}), "err.button.expired", nil)
	var clients []*core.Client
	_ = h.db.View(context.Background(), func(tx core.Tx) (err error) {
		clients, err = tx.SearchClients("77", 10)
		return err
	})
	if len(clients) != 0 || len(h.changes(core.EntityClient, 1)) != 0 {
		t.Fatalf("bad input wrote %d clients", len(clients))
	}
}

// createClient walks the client card flow for the Sberbank INN.
func createClient(t *testing.T, h *harness, user string) {
	t.Helper()
	msgs := h.say(user, "/client 7707083893")
	h.want(msgs, "msg.client.not_found", bot.Args{"INN": "7707083893"})
	h.want(h.press(user, msgs, "Создать карточку"), "flow.client.name", nil)
	h.want(h.say(user, "ПАО Сбербанк"), "flow.client.kpp", nil)
	msgs = h.say(user, "77360100") // 8 characters: asked again
	if !strings.Contains(dump(msgs), h.p.T("err.kpp.format", bot.Args{"KPP": "77360100"})) {
		t.Fatalf("bad KPP not named: %s", dump(msgs))
	}
	h.want(msgs, "flow.client.kpp", nil)
	h.want(h.say(user, "773601001"), "flow.client.ogrn", nil)
	h.want(h.say(user, "1027700132195"), "flow.client.address", nil)
	h.want(h.say(user, "г. Москва, ул. Вавилова, д. 19"), "flow.client.director", nil)
	msgs = h.press(user, h.say(user, "-"), "Создать")
	if !strings.HasPrefix(msgs[0].Text, h.p.T("msg.client.created", nil)) {
		t.Fatalf("create = %s", dump(msgs))
	}
}

func TestClientDealTaskHistory(t *testing.T) {
	h := newHarness(t)
	h.addUser("o", "Ольга", core.RoleOfficer) // someone else to give the task to: whom is asked
	createClient(t, h, "admin")
	// A duplicate card is refused, naming the existing one.
	msgs := h.say("admin", "/clients сбер")
	if !strings.Contains(msgs[0].Text, "7707083893/773601001 — ПАО Сбербанк") {
		t.Fatalf("search = %q", msgs[0].Text)
	}
	// A deal from the client card's button.
	msgs = h.say("admin", "/client 7707083893")
	h.want(h.press("admin", msgs, "Новая сделка"), "flow.deal.title", nil)
	h.want(h.say("admin", "Зарплатный проект"), "flow.deal.amount", nil)
	h.want(h.say("admin", "полтора миллиона"), "flow.deal.amount", nil)
	h.want(h.say("admin", "1 500 000,50"), "flow.deal.signing_due", nil)
	h.want(h.say("admin", "05.12.2026"), "flow.deal.payment_due", nil)
	h.want(h.say("admin", "-"), "flow.deal.contract_end", nil)
	msgs = h.say("admin", "31.12.2027")
	if !strings.Contains(msgs[0].Text, "1\u00a0500\u00a0000,50\u00a0₽") || !strings.Contains(msgs[0].Text, "05.12.2026") ||
		!strings.Contains(msgs[0].Text, "31.12.2027") {
		t.Fatalf("confirm = %s", dump(msgs))
	}
	msgs = h.press("admin", msgs, "Создать")
	h.want(msgs[:1], "msg.deal.created", bot.Args{"Number": "D-2026-0001"})
	// A task for the deal, then done.
	h.want(h.press("admin", msgs, "Новая задача"), "flow.task.title", nil)
	h.want(h.say("admin", "Подписать договор"), "flow.task.due", nil)
	h.want(h.say("admin", "28.11.2026 12:30"), "flow.task.assignee", nil) // in half an hour
	h.want(h.press("admin", h.rec.sentLast(), "Мне"), "msg.task.created", bot.Args{"ID": 1,
		"Title": "Подписать договор", "Due": time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)})
	h.clock.Add(time.Hour) // now overdue
	msgs = h.say("admin", "/tasks")
	if !strings.Contains(msgs[0].Text, "⚠️ #1 Подписать договор") {
		t.Fatalf("tasks = %s", dump(msgs))
	}
	h.want(h.press("admin", msgs, "Выполнено #1"), "flow.done.result", bot.Args{"ID": "1", "Title": "Подписать договор"})
	h.want(h.say("admin", "Договор подписан"), "msg.done.ok", bot.Args{"ID": 1, "Title": "Подписать договор"})
	h.want(h.say("admin", "/tasks"), "msg.tasks.none", nil)
	// The history has the deal, the task and its result.
	text := h.say("admin", "/history D-2026-0001")[0].Text
	for _, want := range []string{"D-2026-0001", "Подписать договор", "открыта → выполнена", "Договор подписан"} {
		if !strings.Contains(text, want) {
			t.Errorf("history lacks %q:\n%s", want, text)
		}
	}
	if cs := h.changes(core.EntityDeal, 1); len(cs) == 0 || cs[0].ActorID != h.admin.ID || cs[0].Source == "" {
		t.Fatalf("deal audit = %+v", cs)
	}
}

func TestConversationSurvivesRestart(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	h.say("admin", "/deal new")
	h.want(h.say("admin", "7707083893"), "flow.deal.title", nil)
	h.restart()
	h.want(h.say("admin", "Кредитная линия"), "flow.deal.amount", nil)
	h.want(h.say("admin", "/cancel"), "msg.cancel.done", nil)
	h.want(h.say("admin", "100"), "msg.unknown_text", nil)
}

func TestButtonOfAnotherUserIsRefused(t *testing.T) {
	h := newHarness(t)
	h.addUser("m", "Менеджер", core.RoleManager)
	msgs := h.say("admin", "/client 7707083893")
	token := msgs[0].Buttons[0][0].Token
	// The manager replays the admin's token in the admin's chat and in their own.
	for _, chat := range []string{"admin", "m"} {
		got := h.send(&bot.Update{UserID: "m", ChatID: chat, ChatType: bot.ChatPrivate, Token: token, CallbackID: "x"})
		h.want(got, "err.button.not_yours", nil)
	}
	if len(h.rec.answers) == 0 || h.rec.answers[len(h.rec.answers)-1] != h.p.T("err.button.not_yours", nil) {
		t.Fatalf("press not answered with the refusal: %q", h.rec.answers)
	}
}

func TestManagerSeesOnlyOwnDeals(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	m := h.addUser("m", "Менеджер", core.RoleManager)
	ctx := context.Background()
	admin := core.Actor{User: h.admin}
	c, err := h.svc.FindClientsByINN(ctx, admin, "7707083893")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.CreateDeal(ctx, admin, &core.Deal{ClientID: c[0].ID, Title: "Чужая", ManagerID: h.admin.ID}); err != nil {
		t.Fatal(err)
	}
	// Someone else's deal does not even exist for the manager.
	h.want(h.say("m", "/deal d-2026-1"), "err.deal.not_found", bot.Args{"Number": "D-2026-0001"})
	h.want(h.say("m", "/history D-2026-0001"), "err.deal.not_found", bot.Args{"Number": "D-2026-0001"})
	h.want(h.say("m", "/deals"), "msg.deals.none", nil)
	if _, err := h.svc.CreateDeal(ctx, admin, &core.Deal{ClientID: c[0].ID, Title: "Своя", ManagerID: m.ID}); err != nil {
		t.Fatal(err)
	}
	if text := h.say("m", "/deals")[0].Text; !strings.Contains(text, "Своя") || strings.Contains(text, "Чужая") {
		t.Fatalf("manager deals = %q", text)
	}
}

func TestOutboxDeliversToWorkChatAndSurvivesFailures(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.want(h.send(&bot.Update{UserID: "admin", ChatID: "-100", ChatType: bot.ChatGroup, ChatTitle: "Сопровождение",
		Text: "/bind officers", Command: "bind", Args: "officers"}), "msg.bind.done",
		bot.Args{"Purpose": h.p.T("purpose.officers", nil)})
	createClient(t, h, "admin")
	c, _ := h.svc.FindClientsByINN(ctx, core.Actor{User: h.admin}, "7707083893")

	h.rec.fail = errors.New("connection reset")
	if _, err := h.svc.CreateDeal(ctx, core.Actor{User: h.admin}, &core.Deal{ClientID: c[0].ID, Title: "КП", Amount: 100}); err != nil {
		t.Fatal(err)
	}
	if n, _ := h.bot.DeliverDue(ctx, "test"); n != 0 {
		t.Fatalf("delivered %d while the platform fails", n)
	}
	// Restart: the pending message is still there, retried after its backoff.
	h.restart()
	h.rec.fail = nil
	if n, _ := h.bot.DeliverDue(ctx, "test"); n != 0 {
		t.Fatalf("delivered %d before the backoff passed", n)
	}
	h.clock.Add(time.Minute)
	if n, err := h.bot.DeliverDue(ctx, "test"); n != 1 || err != nil {
		t.Fatalf("DeliverDue = %d, %v; want 1", n, err)
	}
	got := h.rec.take()
	if got[0].ChatID != "-100" || !strings.Contains(got[0].Text, "D-2026-0001") {
		t.Fatalf("notification = %+v", got[0])
	}
	// Rate limited: the message waits as long as the platform asked.
	h.rec.fail = &bot.RateLimitError{RetryAfter: 30 * time.Second}
	if _, err := h.svc.CreateDeal(ctx, core.Actor{User: h.admin}, &core.Deal{ClientID: c[0].ID, Title: "Договор"}); err != nil {
		t.Fatal(err)
	}
	h.bot.DeliverDue(ctx, "test")
	h.rec.fail = nil
	h.clock.Add(29 * time.Second)
	if n, _ := h.bot.DeliverDue(ctx, "test"); n != 0 {
		t.Fatalf("sent before retry_after passed")
	}
	h.clock.Add(2 * time.Second)
	if n, _ := h.bot.DeliverDue(ctx, "test"); n != 1 {
		t.Fatalf("not sent after retry_after")
	}
	// A permanent failure is not retried.
	h.rec.fail = &bot.PermanentError{Err: errors.New("chat not found")}
	if _, err := h.svc.CreateDeal(ctx, core.Actor{User: h.admin}, &core.Deal{ClientID: c[0].ID, Title: "Счёт"}); err != nil {
		t.Fatal(err)
	}
	h.bot.DeliverDue(ctx, "test")
	h.rec.fail = nil
	h.clock.Add(time.Hour)
	if n, _ := h.bot.DeliverDue(ctx, "test"); n != 0 {
		t.Fatalf("a permanently failed message was sent again")
	}
}

func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t)
	en := bundle.Printer("en", nil)
	if got := h.say("admin", "/lang en")[0].Text; got != en.T("msg.lang.set", nil) {
		t.Fatalf("/lang en: %q", got)
	}
	if got := h.say("admin", "/client 7707083894")[0].Text; got != en.T("err.inn.checksum", bot.Args{"INN": "7707083894"}) {
		t.Fatalf("after /lang en: %q", got)
	}
}

func TestAdminManagesUsers(t *testing.T) {
	h := newHarness(t)
	m := h.addUser("m", "Менеджер", core.RoleManager)
	boss := h.addUser("b", "Начальник", core.RoleHead)
	h.want(h.say("admin", "/role 2 lawyer повышение"), "msg.role.set", bot.Args{"Name": "Менеджер", "Role": h.p.T("role.lawyer", nil)})
	h.want(h.say("admin", "/head 2 3"), "msg.head.set", bot.Args{"Name": "Менеджер", "Head": "Начальник"})
	if u := h.user("test:m"); u.Role != core.RoleLawyer || u.HeadID != boss.ID {
		t.Fatalf("user = %+v", u)
	}
	if cs := h.changes(core.EntityUser, m.ID); cs[len(cs)-2].Reason != "повышение" {
		t.Fatalf("role change not audited with its reason: %+v", cs)
	}
	h.want(h.say("admin", "/active 2 off"), "msg.active.off", bot.Args{"Name": "Менеджер"})
	h.want(h.say("m", "/help"), "err.user.inactive", nil)
	h.want(h.say("admin", "/active 1 off"), "err.user.self_block", nil)
	if got := h.say("admin", "/role 2 emperor")[0].Text; !strings.HasPrefix(got, "Формат: /role") {
		t.Fatalf("bad role answered %q", got)
	}
}

func TestOutboxRateLimitedChatDoesNotHoldOthers(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, chat := range []string{"-100", "-200"} {
		h.send(&bot.Update{UserID: "admin", ChatID: chat, ChatType: bot.ChatGroup, Text: "/bind officers",
			Command: "bind", Args: "officers"})
	}
	createClient(t, h, "admin")
	c, _ := h.svc.FindClientsByINN(ctx, core.Actor{User: h.admin}, "7707083893")
	h.rec.failFor = map[string]error{"-100": &bot.RateLimitError{RetryAfter: time.Minute}}
	for _, title := range []string{"Первая", "Вторая", "Третья"} {
		if _, err := h.svc.CreateDeal(ctx, core.Actor{User: h.admin}, &core.Deal{ClientID: c[0].ID, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	h.rec.take()
	h.rec.tries = nil
	if n, err := h.bot.DeliverDue(ctx, "test"); n != 3 || err != nil {
		t.Fatalf("DeliverDue = %d, %v; want the 3 messages of the other chat", n, err)
	}
	if h.rec.tries["-100"] != 1 {
		t.Fatalf("the limited chat was tried %d times; want 1, the rest postponed", h.rec.tries["-100"])
	}
	// After retry_after the limited chat gets its messages, in order.
	h.rec.failFor = nil
	h.clock.Add(time.Minute)
	if n, _ := h.bot.DeliverDue(ctx, "test"); n != 3 {
		t.Fatalf("delivered %d after retry_after; want 3", n)
	}
	got := h.rec.take()
	for i, title := range []string{"Первая", "Вторая", "Третья"} {
		if got[len(got)-3+i].ChatID != "-100" || !strings.Contains(got[len(got)-3+i].Text, title) {
			t.Fatalf("order: %s", dump(got))
		}
	}
}

func TestUnknownUserTalkingInGroupIsIgnored(t *testing.T) {
	h := newHarness(t)
	if msgs := h.send(&bot.Update{UserID: "guest", ChatID: "-1", ChatType: bot.ChatGroup, Text: "всем привет"}); len(msgs) != 0 {
		t.Fatalf("answered group talk: %s", dump(msgs))
	}
	h.want(h.send(&bot.Update{UserID: "guest", ChatID: "-1", ChatType: bot.ChatGroup, Text: "/deals", Command: "deals"}),
		"msg.access.denied", nil)
}

func TestOldChoiceButtonCannotAnswerALaterQuestion(t *testing.T) {
	h := newHarness(t)
	h.addUser("o", "Ольга", core.RoleOfficer) // someone else to give the task to: whom is asked
	createClient(t, h, "admin")
	h.say("admin", "/task new")
	h.say("admin", "Позвонить клиенту")
	due := h.say("admin", "завтра") // the deal step, with its Skip button
	h.want(h.press("admin", due, "Пропустить"), "flow.task.assignee", nil)
	if len(h.rec.cleared) == 0 {
		t.Fatal("the answered question kept its keyboard")
	}
	// The same Skip button again, now at the assignee step: refused.
	h.want(h.press("admin", due, "Пропустить"), "err.button.expired", nil)
	// A choice from a dialog that was cancelled cannot answer a new one.
	h.say("admin", "/cancel")
	h.say("admin", "/task new")
	h.say("admin", "Ещё задача")
	old := h.say("admin", "завтра") // the deal step again, never answered
	h.say("admin", "/cancel")
	h.say("admin", "/task new")
	h.say("admin", "Третья задача")
	h.say("admin", "завтра")
	h.want(h.press("admin", old, "Пропустить"), "err.button.expired", nil)
}

func TestTooLongTitleIsAskedAgain(t *testing.T) {
	h := newHarness(t)
	h.say("admin", "/task new")
	long := strings.Repeat("а", core.MaxTitleLen+1)
	msgs := h.say("admin", long)
	if !strings.Contains(dump(msgs), h.p.T("err.title.too_long", bot.Args{"Max": core.MaxTitleLen})) {
		t.Fatalf("long title: %s", dump(msgs))
	}
	h.want(msgs, "flow.task.title", nil)
	h.want(h.say("admin", "Короткое"), "flow.task.due", nil)
}

func TestOfficerChoosesTheDealManager(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	h.addUser("o", "Ольга", core.RoleOfficer)
	m := h.addUser("m", "Максим", core.RoleManager)
	h.say("o", "/deal new")
	msgs := h.say("o", "7707083893")
	h.want(msgs, "flow.deal.manager", nil)
	if msgs := h.say("o", "Максим"); !strings.Contains(dump(msgs), h.p.T("err.choose.button", nil)) {
		t.Fatalf("typed name: %s", dump(msgs))
	}
	h.want(h.press("o", msgs, "Максим ("+h.p.T("role.manager", nil)+")"), "flow.deal.title", nil)
	h.say("o", "Лизинг")
	h.say("o", "1000")
	h.say("o", "-")
	h.say("o", "-")
	msgs = h.press("o", h.say("o", "-"), "Создать")
	h.want(msgs[:1], "msg.deal.created", bot.Args{"Number": "D-2026-0001"})
	d, err := h.svc.FindDealByNumber(context.Background(), core.Actor{User: h.admin}, "D-2026-0001")
	if err != nil || d.ManagerID != m.ID {
		t.Fatalf("deal manager = %+v, %v; want Максим", d, err)
	}
	// The manager was told, and sees the deal.
	if text := h.say("m", "/deals")[0].Text; !strings.Contains(text, "Лизинг") {
		t.Fatalf("manager deals = %q", text)
	}
}

func TestClientTaskIsInClientHistory(t *testing.T) {
	h := newHarness(t)
	h.addUser("o", "Ольга", core.RoleOfficer) // someone else to give the task to: whom is asked
	createClient(t, h, "admin")
	h.say("admin", "/task new")
	h.say("admin", "Запросить учредительные документы")
	h.say("admin", "-")
	h.want(h.say("admin", "7707083893"), "flow.task.assignee", nil)
	h.want(h.say("admin", "мне"), "msg.task.created", bot.Args{"ID": 1, "Title": "Запросить учредительные документы"})
	text := h.say("admin", "/history 7707083893")[0].Text
	if !strings.Contains(text, "Запросить учредительные документы") || !strings.Contains(text, "ПАО Сбербанк, 7707083893") {
		t.Fatalf("client history:\n%s", text)
	}
}

func TestLastAdminStays(t *testing.T) {
	h := newHarness(t)
	h.want(h.say("admin", "/role 1 manager"), "err.user.last_admin", nil)
	h.addUser("a2", "Второй", core.RoleAdmin)
	h.want(h.say("admin", "/role 1 head"), "msg.role.set", bot.Args{"Name": "Админ", "Role": h.p.T("role.head", nil)})
}

func TestInvitesAreAudited(t *testing.T) {
	h := newHarness(t)
	h.say("admin", "/invite lawyer")
	cs := h.changes(core.EntityInvite, 0)
	if len(cs) != 1 || cs[0].New != "lawyer" || cs[0].ActorID != h.admin.ID {
		t.Fatalf("invite audit = %+v", cs)
	}
}

func TestOutboxFollowsAMovedChat(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.send(&bot.Update{UserID: "admin", ChatID: "-100", ChatType: bot.ChatGroup, Text: "/bind officers",
		Command: "bind", Args: "officers"})
	createClient(t, h, "admin")
	c, _ := h.svc.FindClientsByINN(ctx, core.Actor{User: h.admin}, "7707083893")
	h.rec.failFor = map[string]error{"-100": &bot.ChatMovedError{NewChatID: "-1009", Err: &bot.PermanentError{Err: errors.New("migrated")}}}
	if _, err := h.svc.CreateDeal(ctx, core.Actor{User: h.admin}, &core.Deal{ClientID: c[0].ID, Title: "КП"}); err != nil {
		t.Fatal(err)
	}
	h.rec.take()
	if n, err := h.bot.DeliverDue(ctx, "test"); n != 1 || err != nil {
		t.Fatalf("DeliverDue = %d, %v; want the message sent to the new chat id", n, err)
	}
	if got := h.rec.take(); len(got) != 1 || got[0].ChatID != "-1009" {
		t.Fatalf("sent %s", dump(got))
	}
	if _, err := h.svc.WorkChat(ctx, "test", "-1009"); err != nil {
		t.Fatalf("the binding did not move: %v", err)
	}
}

func TestBareCommandsWhereSlashesAreTaken(t *testing.T) {
	h := newHarness(t)
	h.want(h.send(&bot.Update{UserID: "admin", Text: "client 7707083893", BareCommands: true}),
		"msg.client.not_found", bot.Args{"INN": "7707083893"})
	h.send(&bot.Update{UserID: "admin", Text: "task new", BareCommands: true})
	// Inside a dialog, an answer that is not a command name stays an answer.
	h.want(h.send(&bot.Update{UserID: "admin", Text: "Позвонить в банк", BareCommands: true}), "flow.task.due", nil)
	h.want(h.send(&bot.Update{UserID: "admin", Text: "cancel", BareCommands: true}), "msg.cancel.done", nil)
	h.want(h.send(&bot.Update{UserID: "admin", Text: "привет", BareCommands: true}), "msg.unknown_text", nil)
}

func TestHelpShowsCommandsAsTypedInTheChat(t *testing.T) {
	h := newHarness(t)
	bare := h.send(&bot.Update{UserID: "admin", Text: "help", BareCommands: true})[0].Text
	if !strings.Contains(bare, "\nclient <ИНН> — ") || strings.Contains(bare, "\n/client") {
		t.Fatalf("help in a chat without slashes:\n%s", bare)
	}
	crm := h.send(&bot.Update{UserID: "admin", ChatID: "-5", ChatType: bot.ChatGroup, Text: "/help", Command: "help",
		CommandPrefix: "/crm "})[0].Text
	if !strings.Contains(crm, "\n/crm client <ИНН> — ") {
		t.Fatalf("help under /crm:\n%s", crm)
	}
}

func TestBareCommandWordsInsideADialogAreAnswers(t *testing.T) {
	h := newHarness(t)
	h.send(&bot.Update{UserID: "admin", Text: "task new", BareCommands: true})
	h.want(h.send(&bot.Update{UserID: "admin", Text: "Deal documents: collect", BareCommands: true}), "flow.task.due", nil)
	h.want(h.send(&bot.Update{UserID: "admin", Text: "cancel", BareCommands: true}), "msg.cancel.done", nil)
}
