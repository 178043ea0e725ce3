package main

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot/mattermost"
	mmt "github.com/dealdesk/dealdesk/bot/mattermost/mattermosttest"
)

// TestCaseInAMattermostThread is issue 11's case discussion through a real
// Mattermost server: a case opened on a deal goes on in a thread of the
// officers' work channel (a root post of its title, the first reply naming
// the people involved with @mentions); the replies of the deal's manager
// and the officer are collected; «#решение» ends as a decision in the
// deal's history; a post in the thread by a Mattermost user who was never
// invited to DealDesk gets no answer and is recorded nowhere; the case is
// closed with its resolution, told in the thread.
func TestCaseInAMattermostThread(t *testing.T) {
	env := mmt.Bootstrap(t, mmt.Require(t))
	dir, addr := t.TempDir(), freeAddr(t)
	crm := env.NewCommand(t, "crm", "http://"+addr+mattermost.CommandPath)
	dd := dadataServer(t, nil)
	r := startMattermostAt(t, env, env.URL, dir, addr, crm.Token,
		map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": dd.URL})
	admin, work := env.Admin, env.Channel.Id
	adminDM := env.DM(t, admin).Id
	r.say(admin, adminDM, "lang ru", "Язык: русский")
	join := func(name, role string) (*mmt.User, string) {
		invite := r.say(admin, adminDM, "invite "+role, "Код приглашения")
		code := strings.Fields(strings.SplitN(invite.Message, "/start ", 2)[1])[0]
		u := env.NewUser(t, name)
		setLocale(t, env, u, "ru")
		dm := env.DM(t, u).Id
		r.say(u, dm, "start "+code, "Ваша роль")
		return u, dm
	}
	manager, managerDM := join("max", "manager")
	officer, officerDM := join("olga", "officer")
	stranger := env.NewUser(t, "stranger") // in the team and the work channel, never invited
	start := time.Now()
	admin.Slash(t, work, "/crm bind officers")
	r.confirm(admin, adminDM, start)
	env.WaitPost(t, work, env.Bot.ID, "привязан как рабочий чат", start, 20*time.Second)

	card := r.say(manager, managerDM, "client 7707083893", "Реестр (DaData)")
	r.press(manager, card, "Создать", "карточка #1")
	confirm := r.say(manager, managerDM, "deal new 7707083893 Поставка оборудования 1 500 000", "Проверьте сделку")
	r.press(manager, confirm, "Создать", "Стадия: новая")

	// The officer opens the case from a direct message: it goes on in a
	// thread of the work channel, its first reply mentions the people.
	start = time.Now()
	r.say(officer, officerDM, "case D-2026-0001 скидка для клиента", "Кейс #1 «скидка для клиента» открыт")
	root := env.WaitPost(t, work, env.Bot.ID, "Кейс #1: скидка для клиента", start, 20*time.Second)
	if root.RootId != "" || !strings.Contains(root.Message, "D-2026-0001") {
		t.Fatalf("the case's root post: %+v", root)
	}
	first := env.WaitPost(t, work, env.Bot.ID, "Участники", start, 20*time.Second)
	if first.RootId != root.Id || !strings.Contains(first.Message, "@"+manager.Username) ||
		!strings.Contains(first.Message, "@"+officer.Username) {
		t.Fatalf("the thread's first message: %+v", first)
	}

	// The discussion in the thread: the stranger's reply comes between the
	// others', which are collected; the decision is answered in the thread.
	manager.Reply(t, root, "Клиент просит скидку 5% за предоплату")
	strangerPost := stranger.Reply(t, root, "Посторонний-пишет-в-ветку #решение отказать")
	decision := officer.Reply(t, root, "#решение скидка 5% при 100% предоплате")
	answer := env.WaitPost(t, work, env.Bot.ID, "Решение записано в кейс #1", mmt.After(decision), 20*time.Second)
	if answer.RootId != root.Id {
		t.Fatalf("the decision's answer is not in the thread: %+v", answer)
	}
	r.say(manager, managerDM, "history D-2026-0001", "скидка 5% при 100% предоплате")
	caseCard := r.say(manager, managerDM, "case #1", "Сообщений в кейсе: 2")
	for _, want := range []string{"скидка 5% при 100% предоплате", "Участники"} {
		if !strings.Contains(caseCard.Message, want) {
			t.Fatalf("the case's card lacks %q:\n%s", want, caseCard.Message)
		}
	}

	// Closed from the direct chat: the resolution is asked there, the
	// thread is told.
	r.say(officer, officerDM, "case close 1", "Какой итог обсуждения")
	start = time.Now()
	r.say(officer, officerDM, "Скидка согласована, договор на подписание", "закрыт")
	closed := env.WaitPost(t, work, env.Bot.ID, "Итог: Скидка согласована", start, 20*time.Second)
	if closed.RootId != root.Id {
		t.Fatalf("the closing is not told in the thread: %+v", closed)
	}

	// The stranger's post: no answer in the thread or to them, in no card,
	// no history, not in the database.
	for _, p := range env.Posts(t, work, mmt.After(strangerPost)) {
		if p.UserId == env.Bot.ID && (p.CreateAt < decision.CreateAt || strings.Contains(p.Message, "Посторонний") ||
			strings.Contains(p.Message, "отказать")) {
			t.Fatalf("the bot answered the stranger: %+v", p)
		}
	}
	strangerDM := env.DM(t, stranger).Id
	if posts := env.Posts(t, strangerDM, time.Time{}); len(posts) != 0 {
		t.Fatalf("the stranger was written to: %s", env.Describe(posts))
	}
	history := r.say(manager, managerDM, "history D-2026-0001", "Скидка согласована")
	caseCard = r.say(manager, managerDM, "case #1", "Сообщений в кейсе: 2")
	for _, p := range []*model.Post{history, caseCard} {
		if strings.Contains(p.Message, "Посторонний") || strings.Contains(p.Message, "отказать") ||
			strings.Contains(p.Message, stranger.Username) {
			t.Fatalf("the stranger's post shows:\n%s", p.Message)
		}
	}
	r.stop()
	if storedAnywhere(t, dir, "Посторонний-пишет-в-ветку") {
		t.Fatal("the stranger's post is stored in the database")
	}
}
