package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot/mattermost"
	mmt "github.com/dealdesk/dealdesk/bot/mattermost/mattermosttest"
)

// mmRun is the real program connected to a real Mattermost server.
type mmRun struct {
	t      *testing.T
	env    *mmt.Env
	m      *Main
	cancel context.CancelFunc
	logs   *bytes.Buffer
	addr   string
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startMattermost(t *testing.T, env *mmt.Env, dir, addr, commandToken string) *mmRun {
	t.Helper()
	return startMattermostAt(t, env, env.URL, dir, addr, commandToken)
}

// startMattermostAt runs DealDesk against the server at url (a proxy, say).
func startMattermostAt(t *testing.T, env *mmt.Env, url, dir, addr, commandToken string, extra ...map[string]string) *mmRun {
	t.Helper()
	var logs bytes.Buffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &bytes.Buffer{}, &logs
	vars := map[string]string{
		"DEALDESK_DB": testDB(t, dir), "DEALDESK_LOG_FORMAT": "json", "DEALDESK_ACTION_SECRET": testActionSecret,
		"DEALDESK_LEADER_TIMEOUT": testLeaderTimeout,
		"DEALDESK_ADMINS":         "mattermost:" + env.Admin.ID, "DEALDESK_OUTBOX_INTERVAL": "100ms",
		"MATTERMOST_URL": url, "MATTERMOST_TOKEN": env.Bot.Token, "MATTERMOST_TEAM": env.Team.Name,
		"DEALDESK_HTTP_ADDR": addr, "MATTERMOST_COMMAND_TOKEN": commandToken,
	}
	for _, e := range extra {
		for k, v := range e {
			vars[k] = v
		}
	}
	m.Getenv = func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		v, _ := pgLocal(dir, k)
		return v
	}
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Run(ctx); err != nil {
		cancel()
		t.Fatalf("Run: %v\n%s", err, logs.String())
	}
	r := &mmRun{t: t, env: env, m: m, cancel: cancel, logs: &logs, addr: addr}
	t.Cleanup(r.stop)
	waitLeading(t, m)
	return r
}

func (r *mmRun) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	if err := r.m.Close(); err != nil {
		r.t.Error(err)
	}
	if r.t.Failed() {
		r.t.Logf("DealDesk's log:\n%s", r.logs.String())
	}
}

// say posts as a user and waits for the bot's answer containing want.
func (r *mmRun) say(u *mmt.User, channelID, text, want string) *model.Post {
	r.t.Helper()
	p := u.Post(r.t, channelID, text)
	return r.env.WaitPost(r.t, channelID, r.env.Bot.ID, want, mmt.After(p), 20*time.Second)
}

// confirm waits for the confirmation of a /crm command sent after since in
// the user's direct chat and presses it; the command then runs.
func (r *mmRun) confirm(u *mmt.User, dm string, since time.Time) {
	r.t.Helper()
	ask := r.env.WaitPost(r.t, dm, r.env.Bot.ID, "Подтвердите команду", since, 20*time.Second)
	if err := u.Press(r.t, ask, "Подтвердить"); err != nil {
		r.t.Fatal(err)
	}
}

// press presses a button as a user and waits for the bot's answer.
func (r *mmRun) press(u *mmt.User, post *model.Post, label, want string) *model.Post {
	r.t.Helper()
	start := time.Now()
	if err := u.Press(r.t, post, label); err != nil {
		r.t.Fatal(err)
	}
	return r.env.WaitPost(r.t, post.ChannelId, r.env.Bot.ID, want, start, 20*time.Second)
}

// TestMattermostEndToEnd drives DealDesk through a real Mattermost server as
// its users would: direct messages without the slash, the /crm command in a
// channel, a step-by-step flow through buttons, a notification in the bound
// work channel with an @mention, posts sent while DealDesk was down, and
// forged button presses refused.
func TestMattermostEndToEnd(t *testing.T) {
	env := mmt.Bootstrap(t, mmt.Require(t))
	dir, addr := t.TempDir(), freeAddr(t)
	// Bots may not create slash commands: an admin registers /crm.
	crm := env.NewCommand(t, "crm", "http://"+addr+mattermost.CommandPath)
	r := startMattermost(t, env, dir, addr, crm.Token)
	admin := env.Admin
	adminDM := env.DM(t, admin).Id
	work := env.Channel.Id

	// Replies follow the user's Mattermost language (English here) until
	// they choose one in DealDesk.
	help := r.say(admin, adminDM, "help", "DealDesk commands for the role")
	if !strings.Contains(help.Message, "\nclient <INN> — ") {
		t.Fatalf("help in a direct message shows commands with a slash:\n%s", help.Message)
	}
	r.say(admin, adminDM, "lang ru", "Язык: русский")

	// A new colleague, whose Mattermost is in Russian, joins with an invite code.
	invite := r.say(admin, adminDM, "invite manager", "Код приглашения")
	code := strings.Fields(strings.SplitN(invite.Message, "/start ", 2)[1])[0]
	max := env.NewUser(t, "max")
	setLocale(t, env, max, "ru")
	maxDM := env.DM(t, max).Id
	joined := r.say(max, maxDM, "start "+code, "Ваша роль: менеджер")
	// The admin hears of it in their direct channel, through the outbox.
	env.WaitPost(t, adminDM, env.Bot.ID, "Новый пользователь DealDesk", time.UnixMilli(joined.CreateAt-1000), 20*time.Second)

	// The admin binds the work channel with the slash command.
	start := time.Now()
	max.Slash(t, work, "/crm help") // anyone may ask; the answer is threaded under nothing, in the channel
	crmHelp := env.WaitPost(t, work, env.Bot.ID, "DealDesk — команды для роли «менеджер»", start, 20*time.Second)
	if !strings.Contains(crmHelp.Message, "\n/crm deal new") {
		t.Fatalf("help under /crm does not show /crm commands:\n%s", crmHelp.Message)
	}
	// /crm cannot prove who sent it: the binding waits for the admin's
	// confirmation in their direct chat.
	start = time.Now()
	admin.Slash(t, work, "/crm bind officers")
	env.WaitPost(t, work, env.Bot.ID, "выполнится после подтверждения", start, 20*time.Second)
	r.confirm(admin, adminDM, start)
	env.WaitPost(t, work, env.Bot.ID, "привязан как рабочий чат", start, 20*time.Second)

	// The admin creates the client card through a button and steps.
	card := r.say(admin, adminDM, "client 7707083893", "в базе нет")
	r.press(admin, card, "Создать карточку", "Наименование клиента")
	r.say(admin, adminDM, "ПАО Сбербанк", "КПП")
	r.say(admin, adminDM, "773601001", "ОГРН")
	address := r.say(admin, adminDM, "1027700132195", "адрес")
	director := r.say(admin, adminDM, "-", "Генеральный директор")
	if got := mmt.Buttons(refetch(t, admin, address)); len(mmt.Buttons(address)) == 0 || len(got) != 0 {
		t.Fatalf("the question answered by typing kept its buttons: %q", got)
	}
	confirm := r.press(admin, director, "Пропустить", "Проверьте карточку")
	if got := mmt.Buttons(refetch(t, admin, director)); len(got) != 0 {
		t.Fatalf("the answered question kept its buttons: %q", got)
	}
	r.press(admin, confirm, "Создать", "Карточка клиента создана")

	// The manager opens a deal; the officers' channel hears of it, with an @mention.
	r.say(max, maxDM, "deal new", "ИНН клиента")
	r.say(max, maxDM, "7707083893", "Название сделки")
	r.say(max, maxDM, "Зарплатный проект", "Сумма")
	r.say(max, maxDM, "2 500 000", "подписания")
	r.say(max, maxDM, "-", "оплаты")
	r.say(max, maxDM, "-", "окончания договора")
	confirm = r.say(max, maxDM, "-", "Проверьте сделку")
	start = time.Now()
	r.press(max, confirm, "Создать", "Сделка D-")
	notice := env.WaitPost(t, work, env.Bot.ID, "Новая сделка D-", start, 20*time.Second)
	if !strings.Contains(notice.Message, "@"+max.Username) {
		t.Fatalf("the notice does not mention the manager: %q", notice.Message)
	}

	// A task through steps and its Done button; then the history.
	r.say(max, maxDM, "task new", "Что нужно сделать")
	r.say(max, maxDM, "Собрать документы", "Срок")
	r.say(max, maxDM, "+2", "Номер сделки")
	number := strings.Fields(strings.SplitN(notice.Message, "Новая сделка ", 2)[1])[0]
	r.say(max, maxDM, number, "поставлена")
	tasks := r.say(max, maxDM, "tasks", "Собрать документы")
	r.press(max, tasks, "Выполнено #1", "Напишите результат")
	r.say(max, maxDM, "Документы получены", "выполнена")
	r.say(max, maxDM, "history "+number, "Документы получены")

	// A channel command is answered in the channel; its buttons belong to who asked.
	start = time.Now()
	admin.Slash(t, work, "/crm client 7707083893")
	adminCard := env.WaitPost(t, work, env.Bot.ID, "ПАО Сбербанк", start, 20*time.Second)
	r.pressRefused(max, adminCard, "История", "Эта кнопка не для вас")

	// Forged presses straight at DealDesk's endpoint are refused and change nothing.
	forge(t, addr, map[string]any{"user_id": max.ID, "channel_id": work, "post_id": adminCard.Id,
		"context": map[string]any{"t": "forged-token", "s": "00"}}, http.StatusForbidden)
	forge(t, addr, map[string]any{"user_id": max.ID, "channel_id": work}, http.StatusForbidden)

	// Posts sent while DealDesk is down are answered when it is back.
	r.stop()
	missed := max.Post(t, maxDM, "deals")
	r = startMattermost(t, env, dir, addr, crm.Token)
	env.WaitPost(t, maxDM, env.Bot.ID, number, mmt.After(missed), 30*time.Second)
	if strings.Contains(r.logs.String(), env.Bot.Token) {
		t.Fatal("the bot token appears in the logs")
	}
}

func setLocale(t *testing.T, env *mmt.Env, u *mmt.User, locale string) {
	t.Helper()
	if _, _, err := env.Admin.Client.PatchUser(context.Background(), u.ID, &model.UserPatch{Locale: &locale}); err != nil {
		t.Fatal(err)
	}
}

func refetch(t *testing.T, u *mmt.User, p *model.Post) *model.Post {
	t.Helper()
	fresh, _, err := u.Client.GetPost(context.Background(), p.Id, "")
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

// forge posts an action request to DealDesk directly, as an attacker who
// can reach its HTTP endpoint would.
func forge(t *testing.T, addr string, req map[string]any, want int) {
	t.Helper()
	body, _ := json.Marshal(req)
	resp, err := http.Post("http://"+addr+mattermost.ActionPath, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("forged press answered %d, want %d", resp.StatusCode, want)
	}
}

// TestMattermostReconnect cuts the network between DealDesk and Mattermost:
// DealDesk reconnects with backoff and answers what was posted meanwhile.
func TestMattermostReconnect(t *testing.T) {
	env := mmt.Bootstrap(t, mmt.Require(t))
	px := newProxy(t, strings.TrimPrefix(env.URL, "http://"))
	r := startMattermostAt(t, env, "http://"+px.addr(), t.TempDir(), freeAddr(t), "none")
	admin := env.Admin
	dm := env.DM(t, admin).Id
	r.say(admin, dm, "help", "DealDesk")

	px.cut(true)
	missed := admin.Post(t, dm, "tasks") // straight to the server, while DealDesk cannot see it
	time.Sleep(1500 * time.Millisecond)  // DealDesk notices and retries meanwhile
	px.cut(false)
	env.WaitPost(t, dm, env.Bot.ID, "No open tasks", mmt.After(missed), 30*time.Second)
}

// TestMattermostIntake: the intake flow through a real Mattermost server: a
// manager pastes a company card in a direct message, the officers' channel
// gets the request with buttons, an officer verifies it against DaData (its
// fake) and writes the card, and the manager hears of it.
func TestMattermostIntake(t *testing.T) {
	env := mmt.Bootstrap(t, mmt.Require(t))
	dir, addr := t.TempDir(), freeAddr(t)
	crm := env.NewCommand(t, "crm", "http://"+addr+mattermost.CommandPath)
	dd := dadataServer(t, nil)
	r := startMattermostAt(t, env, env.URL, dir, addr, crm.Token,
		map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": dd.URL})
	admin := env.Admin
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
	officer, _ := join("olga", "officer")
	start := time.Now()
	admin.Slash(t, env.Channel.Id, "/crm bind officers")
	r.confirm(admin, adminDM, start)
	env.WaitPost(t, env.Channel.Id, env.Bot.ID, "привязан как рабочий чат", start, 20*time.Second)

	start = time.Now()
	r.say(manager, managerDM, "intake\nСокращённое наименование: ПАО Сбербанк\nИНН/КПП 7707083893/773601001\n"+
		"р/с 40702810938000012346\nБИК 044525225", "передано в сопровождение")
	env.WaitPost(t, managerDM, env.Bot.ID, "р/с: не сходится контрольная цифра (ключ)", start, 20*time.Second)
	notice := env.WaitPost(t, env.Channel.Id, env.Bot.ID, "Новое обращение #1", start, 20*time.Second)
	report := r.press(officer, notice, "Проверить", "DaData: ПАО СБЕРБАНК — действующее")
	r.press(officer, report, "Создать/обновить карточку", "Карточка клиента сохранена по данным реестра (DaData)")
	env.WaitPost(t, managerDM, env.Bot.ID, "проверена и сохранена", start, 20*time.Second)
}
