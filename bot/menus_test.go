package bot_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// menuRec is a recording platform with command menus.
type menuRec struct {
	*recorder
	mu    sync.Mutex
	menus map[string][]bot.CommandInfo // by "<user id>/<lang>"; user "" is the default menu
}

func (m *menuRec) SetCommands(_ context.Context, userID, lang string, cmds []bot.CommandInfo) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cmds == nil {
		delete(m.menus, userID+"/"+lang)
		return nil
	}
	m.menus[userID+"/"+lang] = cmds
	return nil
}

// menu returns the command names of a menu and whether it is set.
func (m *menuRec) menu(userID, lang string) ([]string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cmds, ok := m.menus[userID+"/"+lang]
	var names []string
	for _, c := range cmds {
		names = append(names, c.Command)
	}
	return names, ok
}

// description returns a menu's description of a command.
func (m *menuRec) description(userID, lang, command string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.menus[userID+"/"+lang] {
		if c.Command == command {
			return c.Description
		}
	}
	return ""
}

func (h *harness) useMenus() *menuRec {
	m := &menuRec{recorder: h.rec, menus: map[string][]bot.CommandInfo{}}
	h.bot.AddTransport(m)
	return m
}

// sayThrough sends a text from a user's private chat through the platform
// as the bot holds it, as the running program does (h.say hands the bare
// recorder to Bot.Handle, which then delivers with it), and delivers what
// is due.
func (h *harness) sayThrough(userID, name, text string) []*bot.Message {
	h.t.Helper()
	u := &bot.Update{Platform: "test", ChatID: userID, ChatType: bot.ChatPrivate, UserID: userID, UserName: name,
		MessageID: "m", Text: text}
	u.Command, u.Args, _ = bot.ParseCommand(text)
	tr, _ := h.bot.Transport("test")
	h.bot.Handle(context.Background(), tr, u)
	if _, err := h.bot.DeliverDue(context.Background(), "test"); err != nil {
		h.t.Fatal(err)
	}
	return h.rec.take()
}

// helpCommands lists the commands /help shows a user, with /cancel.
func (h *harness) helpCommands(userID string) []string {
	h.t.Helper()
	var names []string
	for _, line := range strings.Split(h.say(userID, "/help")[0].Text, "\n") {
		if cmd, _, ok := bot.ParseCommand(line); ok {
			names = append(names, cmd)
		}
	}
	return names
}

// TestCommandMenusPerRoleAndLanguage: at start the default menu offers
// /start and /help, and each known user gets the commands /help shows
// their role, in Russian and for an English app in English; a role
// change, a switch off and on, and a language chosen with /lang publish
// the user's menu again through the outbox.
func TestCommandMenusPerRoleAndLanguage(t *testing.T) {
	h := newHarness(t)
	m := h.addUser("m", "Менеджер", core.RoleManager)
	menus := h.useMenus()
	h.bot.SetupMenus(context.Background())
	en := bundle.Printer("en", nil)

	if got, _ := menus.menu("", ""); !slices.Equal(got, []string{"start", "help"}) {
		t.Fatalf("default menu = %q, want start and help", got)
	}
	if got, want := menus.description("", "en", "start"), en.T("cmd.start.desc", nil); got != want {
		t.Fatalf("default English menu: start is %q, want %q", got, want)
	}
	for _, user := range []string{"admin", "m"} {
		want := h.helpCommands(user)
		for _, lang := range []string{"", "en"} {
			if got, _ := menus.menu(user, lang); !slices.Equal(got, want) {
				t.Fatalf("%s's menu in %q = %q, want what /help shows them: %q", user, lang, got, want)
			}
		}
	}
	if got, want := menus.description("m", "", "deals"), h.p.T("cmd.deals.basic.desc", nil); got != want {
		t.Fatalf("the manager's /deals is %q, want %q as in /help", got, want)
	}
	if got, want := menus.description("m", "en", "deals"), en.T("cmd.deals.basic.desc", nil); got != want {
		t.Fatalf("the manager's English /deals is %q, want %q", got, want)
	}

	deliver := func() {
		t.Helper()
		if _, err := h.bot.DeliverDue(context.Background(), "test"); err != nil {
			t.Fatal(err)
		}
		h.rec.take()
	}
	id := strconv.FormatInt(m.ID, 10)
	h.say("admin", "/role "+id+" lawyer")
	deliver()
	lawyer := h.helpCommands("m")
	if got, _ := menus.menu("m", ""); !slices.Equal(got, lawyer) || slices.Equal(lawyer, h.helpCommands("admin")) {
		t.Fatalf("after the role change the menu is %q, want the lawyer's %q", got, lawyer)
	}

	h.say("admin", "/active "+id+" off")
	deliver()
	for _, lang := range []string{"", "en"} {
		if got, ok := menus.menu("m", lang); ok {
			t.Fatalf("a user switched off keeps a menu of their own in %q: %q", lang, got)
		}
	}
	h.say("admin", "/active "+id+" on")
	deliver()
	if got, _ := menus.menu("m", "en"); !slices.Equal(got, lawyer) {
		t.Fatalf("switched on again, the menu is %q, want %q", got, lawyer)
	}

	h.sayThrough("m", "", "/lang en")
	if got, want := menus.description("m", "", "deals"), en.T("cmd.deals.desc", nil); got != want {
		t.Fatalf("after /lang en the menu for any app language says %q for /deals, want %q", got, want)
	}
}

// TestNewUserAndProfileNamedAdminGetMenus: a user who joins with an invite
// gets their role's menu, and so does an admin from DEALDESK_ADMINS the
// first time they write (when they are named from their profile).
func TestNewUserAndProfileNamedAdminGetMenus(t *testing.T) {
	h := newHarness(t)
	menus := h.useMenus()
	inv, err := h.svc.CreateInvite(context.Background(), core.Actor{User: h.admin}, core.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	h.want(inChat(h.sayThrough("m", "Менеджер", "/start "+inv.Code), "m"), "msg.start.registered",
		bot.Args{"Name": "Менеджер", "Role": h.p.T("role.manager", nil)})
	if got, want := h.menuOf(menus, "m"), h.helpCommands("m"); len(got) == 0 || !slices.Equal(got, want) {
		t.Fatalf("the new user's menu = %q, want %q", got, want)
	}

	if err := h.svc.SeedAdmins(context.Background(), []core.Admin{{Identity: "test:boss"}}); err != nil {
		t.Fatal(err)
	}
	h.sayThrough("boss", "Борис", "/help")
	if u := h.user("test:boss"); u.Name != "Борис" {
		t.Fatalf("the admin is named %q, want the profile's name", u.Name)
	}
	if got, want := h.menuOf(menus, "boss"), h.helpCommands("admin"); !slices.Equal(got, want) {
		t.Fatalf("the admin's menu = %q, want %q", got, want)
	}
}

func (h *harness) menuOf(menus *menuRec, user string) []string {
	got, _ := menus.menu(user, "")
	return got
}
