package main

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
)

// pressRefused presses a button that DealDesk refuses, and returns the
// answer to the press; it fails when the refusal was posted to the chat.
func (r *tgRun) pressRefused(chat, user int64, msg telegramtest.SentMessage, label string) telegramtest.Answer {
	r.t.Helper()
	r.quiet()
	before := len(r.srv.Sent())
	id := ""
	for _, row := range msg.Buttons {
		for _, b := range row {
			if b.Text == label && id == "" {
				id = r.srv.Press(chat, user, msg.MessageID, b.Data)
			}
		}
	}
	if id == "" {
		r.t.Fatalf("no button %q in %+v", label, msg)
	}
	a := r.srv.WaitAnswer(r.t, id, 10*time.Second)
	r.quiet()
	for _, m := range r.srv.Sent()[before:] {
		if m.ChatID == chat && !strings.HasPrefix(m.Method, "edit") {
			r.t.Fatalf("a refused press was answered in the chat: %q", m.Text)
		}
	}
	return a
}

// expectPopup checks that a press was answered with an alert saying want.
func expectPopup(t *testing.T, a telegramtest.Answer, want string) {
	t.Helper()
	if !a.ShowAlert || !strings.Contains(a.Text, want) {
		t.Fatalf("the press was answered with %+v, want an alert with %q", a, want)
	}
}

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func names(cmds []telegramtest.BotCommand) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Command)
	}
	return out
}

// helpNames lists the commands a /help answer shows, /cancel last.
func helpNames(help string) []string {
	var out []string
	for _, line := range strings.Split(help, "\n") {
		if cmd, _, ok := bot.ParseCommand(line); ok {
			out = append(out, cmd)
		}
	}
	return out
}

// TestTelegramPressesAndMenus drives the real program through the fake Bot
// API: the default command menu and each user's own, of their role and in
// their app's language, refreshed when the role changes and when access is
// switched off; the admin from DEALDESK_ADMINS named from their profile; in
// a group, presses of someone else's button, of a decision made, of an
// answered question's choice and of an action the role lost answered only
// with an alert for the presser; a question answered by typing loses its
// buttons.
func TestTelegramPressesAndMenus(t *testing.T) {
	srv := telegramtest.NewServer(t)
	r := startTelegram(t, t.TempDir(), srv)
	svc := func() *core.Service { return r.m.Service }

	// Anyone DealDesk does not know sees /start and /help.
	waitFor(t, "the default menus", func() bool {
		return slices.Equal(names(srv.Commands("")), []string{"start", "help"}) && len(srv.Commands("en")) == 2
	})
	if d := srv.Commands("en")[0].Description; !strings.Contains(d, "invite code") {
		t.Fatalf("the English default menu describes /start as %q", d)
	}

	// The admin writes first: named from their Telegram profile, and their
	// chat gets the admin's menu (the start could not reach it yet).
	adminHelp := r.say(adminTG, adminTG, "/help")
	if u, err := svc().UserByIdentity(context.Background(), "telegram:"+strconv.Itoa(adminTG)); err != nil || u.Name != "User 1001" {
		t.Fatalf("the admin from DEALDESK_ADMINS is %+v (%v), want them named from the profile", u, err)
	}
	waitFor(t, "the admin's menu", func() bool {
		return slices.Equal(names(srv.MenuShown(adminTG, "ru")), helpNames(adminHelp.Text))
	})

	// A manager whose Telegram is in English joins: answered in English,
	// with a menu of the manager's commands in English.
	srv.SetLanguage(managerTG, "en")
	invite := r.say(adminTG, adminTG, "/invite manager")
	code := strings.Fields(strings.SplitN(invite.Text, "/start ", 2)[1])[0]
	expect(t, r.say(managerTG, managerTG, "/start "+code), "Welcome to DealDesk")
	managerHelp := r.say(managerTG, managerTG, "/help")
	expect(t, managerHelp, "DealDesk commands for the role")
	waitFor(t, "the manager's menu", func() bool {
		return slices.Equal(names(srv.MenuShown(managerTG, "en")), helpNames(managerHelp.Text))
	})
	if menu := srv.MenuShown(managerTG, "en"); slices.Contains(names(menu), "invite") ||
		!slices.ContainsFunc(menu, func(c telegramtest.BotCommand) bool { return c.Command == "deals" && c.Description == "my deals" }) {
		t.Fatalf("the manager's English menu: %+v", menu)
	}

	// In the group, the admin's card: the manager may not press its button.
	card := r.say(groupTG, adminTG, "/client 7707083893")
	expectPopup(t, r.pressRefused(groupTG, managerTG, card, "Создать карточку"), "This button is not for you")
	expect(t, r.press(groupTG, adminTG, card, "Создать карточку"), "Наименование клиента")
	expectPopup(t, r.pressRefused(groupTG, adminTG, card, "Создать карточку"), "Это уже сделано")
	if _, buttons, _ := srv.Message(groupTG, card.MessageID); len(buttons) != 0 {
		t.Fatalf("the decided card kept its keyboard: %+v", buttons)
	}

	// A question answered by typing loses its buttons; its choice is old.
	kpp := r.say(groupTG, adminTG, "ПАО Сбербанк")
	if len(kpp.Buttons) == 0 {
		t.Fatalf("the KPP question has no buttons: %+v", kpp)
	}
	expect(t, r.say(groupTG, adminTG, "773601001"), "ОГРН")
	waitFor(t, "the typed-answered question's keyboard to go", func() bool {
		_, buttons, _ := srv.Message(groupTG, kpp.MessageID)
		return len(buttons) == 0
	})
	expectPopup(t, r.pressRefused(groupTG, adminTG, kpp, "Пропустить"), "Эта кнопка устарела")

	// The manager's own button, after their role changed to lawyer.
	own := r.say(groupTG, managerTG, "/client 7707083893")
	manager, err := svc().UserByIdentity(context.Background(), "telegram:"+strconv.Itoa(managerTG))
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(manager.ID, 10)
	r.say(adminTG, adminTG, "/role "+id+" lawyer")
	expectPopup(t, r.pressRefused(groupTG, managerTG, own, "Create card"), "Your role may not do this")
	lawyerHelp := r.say(managerTG, managerTG, "/help")
	waitFor(t, "the lawyer's menu", func() bool {
		return slices.Equal(names(srv.MenuShown(managerTG, "en")), helpNames(lawyerHelp.Text))
	})
	if slices.Equal(helpNames(lawyerHelp.Text), helpNames(managerHelp.Text)) {
		t.Fatal("the lawyer's commands are the manager's: the test shows nothing")
	}

	// Switched off, the user's own menu goes: the default one shows.
	r.say(adminTG, adminTG, "/active "+id+" off")
	waitFor(t, "the switched-off user's menu to go", func() bool {
		_, ok := srv.ChatCommands(managerTG, "en")
		return !ok && slices.Equal(names(srv.MenuShown(managerTG, "en")), []string{"start", "help"})
	})
}
