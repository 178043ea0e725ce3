package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
)

const (
	adminTG   = 1001
	managerTG = 2002
	groupTG   = -500
)

// tgRun is the real program running against the fake Bot API.
type tgRun struct {
	t      *testing.T
	srv    *telegramtest.Server
	m      *Main
	cancel context.CancelFunc
	logs   *bytes.Buffer
}

func startTelegram(t *testing.T, dir string, srv *telegramtest.Server, extra ...map[string]string) *tgRun {
	t.Helper()
	return startTelegramAt(t, dir, srv, nil, extra...)
}

// startTelegramAt is startTelegram with the program's clock (nil: the
// system's), for reminders that come due.
func startTelegramAt(t *testing.T, dir string, srv *telegramtest.Server, clock core.Clock, extra ...map[string]string) *tgRun {
	t.Helper()
	var logs bytes.Buffer
	m := NewMain()
	if clock != nil {
		m.Clock = clock
	}
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &bytes.Buffer{}, &logs
	env := map[string]string{
		"DEALDESK_DB": testDB(t, dir), "DEALDESK_LOG_FORMAT": "json", "DEALDESK_HTTP_ADDR": testHTTPAddr,
		"DEALDESK_LEADER_TIMEOUT": testLeaderTimeout,
		"DEALDESK_ADMINS":         "telegram:" + strconv.Itoa(adminTG), "DEALDESK_OUTBOX_INTERVAL": "50ms",
		"TELEGRAM_TOKEN": srv.Token, "TELEGRAM_API_URL": srv.URL, "DEALDESK_SOFFICE": noSoffice,
	}
	for _, e := range extra {
		for k, v := range e {
			env[k] = v
		}
	}
	m.Getenv = func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		v, _ := pgLocal(dir, k)
		return v
	}
	m.tuneTelegram = func(c *telegram.Config) {
		c.PollTimeout, c.MinPollGap = time.Second, 10*time.Millisecond
		off := telegram.Limit{N: -1}
		c.Limits = telegram.Limits{Chat: off, Group: off, Global: off}
	}
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Run(ctx); err != nil {
		cancel()
		t.Fatalf("Run: %v\n%s", err, logs.String())
	}
	r := &tgRun{t: t, srv: srv, m: m, cancel: cancel, logs: &logs}
	t.Cleanup(r.stop)
	waitLeading(t, m)
	return r
}

func (r *tgRun) stop() {
	r.cancel()
	if err := r.m.Close(); err != nil {
		r.t.Error(err)
	}
}

// quiet waits until DealDesk has sent what it had to: replies and
// notifications go through the outbox, so one still on its way would be
// taken for the answer to the next action.
func (r *tgRun) quiet() {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		due, err := r.m.Service.DueMessages(context.Background(),
			core.OutboxQuery{Platform: "telegram", Now: time.Now().Add(time.Minute), Limit: 1})
		if err != nil {
			r.t.Fatal(err)
		}
		n := len(r.srv.Sent())
		time.Sleep(30 * time.Millisecond)
		if len(due) == 0 && len(r.srv.Sent()) == n {
			return
		}
	}
	r.t.Fatal("the outbox did not settle")
}

// do runs an action and waits for the next message the bot sends to chat.
func (r *tgRun) do(chat int64, action func()) telegramtest.SentMessage {
	r.t.Helper()
	r.quiet()
	before := len(r.srv.Sent())
	action()
	deadline := time.Now().Add(10 * time.Second)
	for n := before + 1; time.Now().Before(deadline); n++ {
		sent := r.srv.WaitSent(r.t, n, time.Until(deadline))
		for _, m := range sent[before:] {
			if m.ChatID == chat && !strings.HasPrefix(m.Method, "edit") {
				return m
			}
		}
	}
	r.t.Fatalf("no message to chat %d", chat)
	return telegramtest.SentMessage{}
}

// waitText waits until some message to chat contains text.
func (r *tgRun) waitText(chat int64, text string) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for n := 1; time.Now().Before(deadline); n++ {
		for _, m := range r.srv.WaitSent(r.t, n, time.Until(deadline)) {
			if m.ChatID == chat && strings.Contains(m.Text, text) {
				return
			}
		}
	}
	r.t.Fatalf("no message to %d with %q", chat, text)
}

func (r *tgRun) say(chat, user int64, text string) telegramtest.SentMessage {
	r.t.Helper()
	return r.do(chat, func() { r.srv.SendText(chat, user, text) })
}

func (r *tgRun) press(chat, user int64, msg telegramtest.SentMessage, label string) telegramtest.SentMessage {
	r.t.Helper()
	for _, row := range msg.Buttons {
		for _, b := range row {
			if b.Text == label {
				return r.do(chat, func() { r.srv.Press(chat, user, msg.MessageID, b.Data) })
			}
		}
	}
	r.t.Fatalf("no button %q in %+v", label, msg)
	return telegramtest.SentMessage{}
}

func expect(t *testing.T, m telegramtest.SentMessage, want string) {
	t.Helper()
	if !strings.Contains(m.Text, want) {
		t.Fatalf("message %q lacks %q", m.Text, want)
	}
}

// TestTelegramEndToEnd drives the real program through the fake Bot API as
// people would: an admin, an unknown user who becomes a manager through an
// invite, a work chat, buttons, a forged button, a restart in the middle of
// a dialog, a notification in the work chat and a 429 from Telegram.
func TestTelegramEndToEnd(t *testing.T) {
	srv := telegramtest.NewServer(t)
	dir := t.TempDir()
	r := startTelegram(t, dir, srv)

	expect(t, r.say(adminTG, adminTG, "/help"), "DealDesk — команды")
	if cmds := srv.WaitCalls(t, "setMyCommands", 2, 5*time.Second); len(cmds) < 2 {
		t.Fatalf("command menus: %d", len(cmds))
	}
	expect(t, r.say(managerTG, managerTG, "/client 7707083893"), "доступ только для сотрудников")

	invite := r.say(adminTG, adminTG, "/invite manager")
	code := strings.Fields(strings.SplitN(invite.Text, "/start ", 2)[1])[0]
	expect(t, r.say(managerTG, managerTG, "/start "+code), "Ваша роль: менеджер")
	r.waitText(adminTG, "Новый пользователь DealDesk: User 2002 (роль: менеджер")
	expect(t, r.say(groupTG, adminTG, "/bind officers"), "привязан как рабочий чат")

	// The admin creates the card through buttons and steps.
	msg := r.say(adminTG, adminTG, "/client 7707083893")
	expect(t, r.press(adminTG, adminTG, msg, "Создать карточку"), "Наименование клиента")
	expect(t, r.say(adminTG, adminTG, "ПАО Сбербанк"), "КПП")
	r.say(adminTG, adminTG, "773601001")
	r.say(adminTG, adminTG, "1027700132195")
	msg = r.say(adminTG, adminTG, "-")
	skipped := msg
	msg = r.press(adminTG, adminTG, msg, "Пропустить")
	// An answered question loses its keyboard, and its old button is refused.
	if _, buttons, _ := srv.Message(adminTG, skipped.MessageID); len(buttons) != 0 {
		t.Fatalf("the answered question kept its keyboard: %+v", buttons)
	}
	expectPopup(t, r.pressRefused(adminTG, adminTG, skipped, "Пропустить"), "Эта кнопка устарела")
	card := r.press(adminTG, adminTG, msg, "Создать")
	expect(t, card, "Карточка клиента создана.")

	// The manager may not press the admin's button.
	expectPopup(t, r.pressRefused(managerTG, managerTG, card, "История"), "Эта кнопка не для вас")

	// The manager starts a deal; DealDesk restarts in the middle of it.
	r.say(managerTG, managerTG, "/deal new")
	expect(t, r.say(managerTG, managerTG, "7707083893"), "Название сделки")
	r.stop()
	r = startTelegram(t, dir, srv)
	expect(t, r.say(managerTG, managerTG, "Эквайринг"), "Сумма сделки")
	r.say(managerTG, managerTG, "250 000")
	for i := 0; i < 2; i++ {
		r.say(managerTG, managerTG, "-")
	}
	msg = r.say(managerTG, managerTG, "-")
	notice := r.do(groupTG, func() { r.press(managerTG, managerTG, msg, "Создать") })
	expect(t, notice, "Новая сделка D-2026-0001 «Эквайринг»")
	expect(t, notice, "250\u00a0000,00\u00a0₽")

	// Telegram says 429: the reply waits retry_after and is sent.
	srv.FailNext("sendMessage", 429, 1)
	start := time.Now()
	expect(t, r.say(managerTG, managerTG, "/deals"), "D-2026-0001")
	if waited := time.Since(start); waited < time.Second {
		t.Fatalf("the 429's retry_after was not honoured: answered after %s", waited)
	}
	if strings.Contains(r.logs.String(), srv.Token) {
		t.Fatal("the bot token appears in the logs")
	}
}

// TestTelegramIntake: a manager pastes a company card in a private chat;
// the officers' group gets the request with buttons; an officer verifies it
// against DaData (its fake), writes the card, and the manager is told.
func TestTelegramIntake(t *testing.T) {
	const officerTG = 3003
	srv := telegramtest.NewServer(t)
	dd := dadataServer(t, nil)
	r := startTelegram(t, t.TempDir(), srv, map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": dd.URL})
	join := func(id int64, role string) {
		invite := r.say(adminTG, adminTG, "/invite "+role)
		code := strings.Fields(strings.SplitN(invite.Text, "/start ", 2)[1])[0]
		r.say(id, id, "/start "+code)
	}
	join(managerTG, "manager")
	join(officerTG, "officer")
	expect(t, r.say(groupTG, adminTG, "/bind officers"), "привязан как рабочий чат")

	card := "/intake\nСокращённое наименование: ПАО Сбербанк\nИНН/КПП 7707083893/773601001\n" +
		"р/с 40702810938000012346\nБИК 044525225"
	var notice telegramtest.SentMessage
	reply := r.do(managerTG, func() {
		notice = r.do(groupTG, func() { srv.SendText(managerTG, managerTG, card) })
	})
	expect(t, reply, "передано в сопровождение")
	r.waitText(managerTG, "р/с: не сходится контрольная цифра (ключ)")
	expect(t, notice, "Новое обращение #1")

	report := r.press(groupTG, officerTG, notice, "Проверить")
	expect(t, report, "DaData: ПАО СБЕРБАНК — действующее")
	done := r.press(groupTG, officerTG, report, "Создать/обновить карточку")
	expect(t, done, "Карточка клиента сохранена по данным реестра (DaData)")
	r.waitText(managerTG, "проверена и сохранена")
	// A manager cannot verify in the officers' group.
	expectPopup(t, r.pressRefused(groupTG, managerTG, notice, "Проверить"), "Для вашей роли")
}
