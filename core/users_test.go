package core_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestAuthenticate: an unknown identity is ENOTFOUND, a disabled user is
// EFORBIDDEN, and any identity of a user finds them.
func TestAuthenticate(t *testing.T) {
	o := newOffice(t)
	both := o.user("Два аккаунта", core.RoleLawyer, "telegram:20", "mattermost:u20")
	for _, id := range []string{"telegram:20", "mattermost:u20"} {
		if u, err := o.svc.Authenticate(o.ctx(), id); err != nil || u.ID != both.ID() {
			t.Errorf("Authenticate(%s) = %+v, %v", id, u, err)
		}
	}
	_, err := o.svc.Authenticate(o.ctx(), "telegram:404")
	checkCode(t, err, core.ENOTFOUND, "err.user.not_found")
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, both.ID(), core.UserUpdate{Active: new(false)}, "уволен"); err != nil {
		t.Fatal(err)
	}
	_, err = o.svc.Authenticate(o.ctx(), "mattermost:u20")
	checkCode(t, err, core.EFORBIDDEN, "err.user.inactive")
}

// TestSeedAdmins: the configured identities become active admins (new
// users, or existing ones promoted), audited as the configuration's doing;
// running it again changes nothing; a malformed identity refuses the list.
func TestSeedAdmins(t *testing.T) {
	o := newOffice(t)
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, o.manager.ID(), core.UserUpdate{Active: new(false)}, ""); err != nil {
		t.Fatal(err)
	}
	managerChanges := len(o.changes(core.EntityUser, o.manager.ID()))
	admins := []core.Admin{{Identity: " telegram:30 ", Name: "Новый админ"}, {Identity: "telegram:31"},
		{Identity: "telegram:12", Name: "Не переименует"}, {Identity: "  "}}
	for range 2 {
		if err := o.svc.SeedAdmins(o.ctx(), admins); err != nil {
			t.Fatal(err)
		}
	}

	u, err := o.svc.Authenticate(o.ctx(), "telegram:30")
	if err != nil || u.Role != core.RoleAdmin || u.Name != "Новый админ" {
		t.Fatalf("new admin = %+v, %v", u, err)
	}
	cs := o.changes(core.EntityUser, u.ID)
	if len(cs) != 1 || cs[0].Field != "role" || cs[0].New != "admin" || cs[0].Reason != "DEALDESK_ADMINS" ||
		cs[0].Source != "config" || cs[0].ActorID != 0 {
		t.Fatalf("new admin's changes = %+v; want one, by the configuration", cs)
	}
	if u, err := o.svc.Authenticate(o.ctx(), "telegram:31"); err != nil || u.Name != "telegram:31" {
		t.Fatalf("admin without a name = %+v, %v; want the identity as the name", u, err)
	}
	m, err := o.svc.Authenticate(o.ctx(), "telegram:12")
	if err != nil || m.Role != core.RoleAdmin || m.Name != o.manager.User.Name {
		t.Fatalf("promoted manager = %+v, %v", m, err)
	}
	cs = o.changes(core.EntityUser, m.ID)[managerChanges:]
	if want := []string{"role", "active"}; !slices.Equal(fields(cs), want) {
		t.Fatalf("promotion audited as %v, want %v", fields(cs), want)
	}
	checkStamp(t, cs, core.Actor{Source: "config"}, "DEALDESK_ADMINS")

	err = o.svc.SeedAdmins(o.ctx(), []core.Admin{{Identity: "telegram:40"}, {Identity: "no-platform"}})
	checkCode(t, err, core.EINVALID, "err.user.identity_format")
	_, err = o.svc.Authenticate(o.ctx(), "telegram:40")
	checkCode(t, err, core.ENOTFOUND, "err.user.not_found")
}

// TestListUsers: admins, heads and officers (who assign tasks) list users;
// the others may not. UserNames and UserByID serve the chat layer.
func TestListUsers(t *testing.T) {
	o := newOffice(t)
	for _, a := range []core.Actor{o.admin, o.head, o.officer} {
		us, err := o.svc.ListUsers(o.ctx(), a)
		if err != nil || len(us) != 7 {
			t.Errorf("%s: ListUsers = %d users, %v; want 7", a.User.Role, len(us), err)
		}
	}
	for _, a := range []core.Actor{o.manager, o.lawyer, o.underwriter, disabled(o.admin)} {
		_, err := o.svc.ListUsers(o.ctx(), a)
		checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
	}
	names, err := o.svc.UserNames(o.ctx())
	if err != nil || len(names) != 7 || names[o.head.ID()] != "Глеб Начальников" {
		t.Fatalf("UserNames = %v, %v", names, err)
	}
	if u, err := o.svc.UserByID(o.ctx(), o.lawyer.ID()); err != nil || u.Role != core.RoleLawyer {
		t.Fatalf("UserByID = %+v, %v", u, err)
	}
	_, err = o.svc.UserByID(o.ctx(), 999)
	checkCode(t, err, core.ENOTFOUND, "err.user.not_found")
}

// TestUpdateUser_Permissions: an admin changes anyone; a user changes only
// their own name, language and time zone.
func TestUpdateUser_Permissions(t *testing.T) {
	o := newOffice(t)
	role := core.RoleHead
	upd := func(a core.Actor, id int64, u core.UserUpdate) error {
		_, err := o.svc.UpdateUser(o.ctx(), a, id, u, "")
		return err
	}
	for _, tc := range []struct {
		name string
		a    core.Actor
		id   int64
		upd  core.UserUpdate
	}{
		{"own role", o.manager, o.manager.ID(), core.UserUpdate{Role: &role}},
		{"own head", o.manager, o.manager.ID(), core.UserUpdate{HeadID: new(o.head.ID())}},
		{"own activity", o.manager, o.manager.ID(), core.UserUpdate{Active: new(true)}},
		{"another's name", o.manager, o.manager2.ID(), core.UserUpdate{Name: new("Чужое имя")}},
		{"a head setting roles", o.head, o.manager.ID(), core.UserUpdate{Role: &role}},
		{"a disabled admin", disabled(o.admin), o.manager.ID(), core.UserUpdate{Role: &role}},
	} {
		checkCode(t, upd(tc.a, tc.id, tc.upd), core.EFORBIDDEN, "err.forbidden")
	}
	if u, _ := o.svc.UserByID(o.ctx(), o.manager2.ID()); u.Name != "Марина Продажина" {
		t.Fatalf("a refused change was stored: %+v", u)
	}

	u, err := o.svc.UpdateUser(o.ctx(), o.manager, o.manager.ID(), core.UserUpdate{Name: new("  Максим М. "),
		Locale: new("en"), TimeZone: new("Asia/Yekaterinburg")}, "профиль")
	if err != nil || u.Name != "Максим М." || u.Locale != "en" || u.TimeZone != "Asia/Yekaterinburg" ||
		u.Location().String() != "Asia/Yekaterinburg" {
		t.Fatalf("own profile = %+v, %v", u, err)
	}
	cs := o.changes(core.EntityUser, o.manager.ID())
	if want := []string{"name", "locale", "time_zone"}; !slices.Equal(fields(cs), want) {
		t.Fatalf("audited = %v, want %v", fields(cs), want)
	}
	checkStamp(t, cs, o.manager, "профиль")

	o.clock.Add(time.Minute)
	u, err = o.svc.UpdateUser(o.ctx(), o.admin, o.manager.ID(), core.UserUpdate{Role: &role}, "повышение")
	if err != nil || u.Role != core.RoleHead {
		t.Fatalf("admin setting a role = %+v, %v", u, err)
	}
	ch := change(t, o.changes(core.EntityUser, o.manager.ID()), "role")
	if ch.Old != "manager" || ch.New != "head" || ch.ActorID != o.admin.ID() || ch.Reason != "повышение" ||
		!ch.At.Equal(officeStart.Add(time.Minute)) {
		t.Fatalf("role change = %+v", ch)
	}
}

// TestUpdateUser_Invalid: unknown roles, languages and time zones, an empty
// name and a head who is the user or nobody are refused; nothing is stored.
func TestUpdateUser_Invalid(t *testing.T) {
	o := newOffice(t)
	bad := core.Role("boss")
	for _, tc := range []struct {
		name      string
		upd       core.UserUpdate
		code, key string
	}{
		{"role", core.UserUpdate{Role: &bad}, core.EINVALID, "err.role.unknown"},
		{"locale", core.UserUpdate{Locale: new("de")}, core.EINVALID, "err.locale.unknown"},
		{"empty zone", core.UserUpdate{TimeZone: new("")}, core.EINVALID, "err.tz.unknown"},
		{"zone", core.UserUpdate{TimeZone: new("Mars/Olympus")}, core.EINVALID, "err.tz.unknown"},
		{"name", core.UserUpdate{Name: new("   ")}, core.EINVALID, "err.user.name_required"},
		{"own head", core.UserUpdate{HeadID: new(o.manager.ID())}, core.EINVALID, "err.user.own_head"},
		{"unknown head", core.UserUpdate{HeadID: new(int64(999))}, core.ENOTFOUND, "err.user.not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := o.svc.UpdateUser(o.ctx(), o.admin, o.manager.ID(), tc.upd, "")
			checkCode(t, err, tc.code, tc.key)
		})
	}
	_, err := o.svc.UpdateUser(o.ctx(), o.admin, 999, core.UserUpdate{Name: new("Никто")}, "")
	checkCode(t, err, core.ENOTFOUND, "err.user.not_found")
	if cs := o.changes(core.EntityUser, o.manager.ID()); len(cs) != 0 {
		t.Fatalf("refusals wrote changes: %v", fields(cs))
	}

	// The default language is "", and setting what is set writes nothing.
	u, err := o.svc.UpdateUser(o.ctx(), o.admin, o.manager.ID(), core.UserUpdate{Locale: new("")}, "")
	if err != nil || u.Locale != "" {
		t.Fatalf("default language = %+v, %v", u, err)
	}
	if cs := o.changes(core.EntityUser, o.manager.ID()); len(cs) != 0 {
		t.Fatalf("a no-op wrote changes: %v", fields(cs))
	}
}

// TestUpdateUser_Heads: a user's head is set, changed and cleared, audited.
func TestUpdateUser_Heads(t *testing.T) {
	o := newOffice(t)
	set := func(head int64) *core.User {
		t.Helper()
		u, err := o.svc.UpdateUser(o.ctx(), o.admin, o.manager.ID(), core.UserUpdate{HeadID: &head}, "оргструктура")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	if u := set(o.head.ID()); u.HeadID != o.head.ID() {
		t.Fatalf("head = %d, want %d", u.HeadID, o.head.ID())
	}
	if u := set(0); u.HeadID != 0 {
		t.Fatalf("head after clearing = %d", u.HeadID)
	}
	cs := o.changes(core.EntityUser, o.manager.ID())
	if len(cs) != 2 || cs[0].Old != "0" || cs[0].New != strconv.FormatInt(o.head.ID(), 10) ||
		cs[1].Old != cs[0].New || cs[1].New != "0" {
		t.Fatalf("head changes = %+v", cs)
	}
	checkStamp(t, cs, o.admin, "оргструктура")
}

// TestUpdateUser_KeepsAnAdmin: nobody disables themself, and the last
// active admin keeps the role.
func TestUpdateUser_KeepsAnAdmin(t *testing.T) {
	o := newOffice(t)
	manager := core.RoleManager
	_, err := o.svc.UpdateUser(o.ctx(), o.admin, o.admin.ID(), core.UserUpdate{Active: new(false)}, "")
	checkCode(t, err, core.EINVALID, "err.user.self_block")
	_, err = o.svc.UpdateUser(o.ctx(), o.admin, o.admin.ID(), core.UserUpdate{Role: &manager}, "")
	checkCode(t, err, core.EINVALID, "err.user.last_admin")

	// A disabled admin does not count.
	second := o.user("Второй админ", core.RoleAdmin, "telegram:21")
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, second.ID(), core.UserUpdate{Active: new(false)}, ""); err != nil {
		t.Fatal(err)
	}
	_, err = o.svc.UpdateUser(o.ctx(), o.admin, o.admin.ID(), core.UserUpdate{Role: &manager}, "")
	checkCode(t, err, core.EINVALID, "err.user.last_admin")

	// With another active admin, one may step down or be disabled.
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, second.ID(), core.UserUpdate{Active: new(true)}, ""); err != nil {
		t.Fatal(err)
	}
	if u, err := o.svc.UpdateUser(o.ctx(), o.admin, o.admin.ID(), core.UserUpdate{Role: &manager}, ""); err != nil || u.Role != manager {
		t.Fatalf("stepping down with another admin = %+v, %v", u, err)
	}
	_, err = o.svc.UpdateUser(o.ctx(), second, second.ID(), core.UserUpdate{Role: &manager}, "")
	checkCode(t, err, core.EINVALID, "err.user.last_admin")
	if u, _ := o.svc.UserByID(o.ctx(), second.ID()); u.Role != core.RoleAdmin || !u.Active {
		t.Fatalf("last admin = %+v", u)
	}
}

// TestWorkChats: admins bind chats to purposes, rebind and unbind them,
// audited; a chat that moved takes its binding along; notifications for a
// purpose go to its chats.
func TestWorkChats(t *testing.T) {
	o := newOffice(t)
	wc := &core.WorkChat{Platform: core.PlatformTelegram, ChatID: "-100", Title: "Сопровождение", Purpose: core.PurposeOfficers}
	checkCode(t, o.svc.BindChat(o.ctx(), o.officer, wc), core.EFORBIDDEN, "err.forbidden")
	checkCode(t, o.svc.BindChat(o.ctx(), o.admin, &core.WorkChat{Platform: core.PlatformTelegram, ChatID: "-100",
		Purpose: "sales"}), core.EINVALID, "err.chat.purpose_unknown")
	_, err := o.svc.WorkChat(o.ctx(), core.PlatformTelegram, "-100")
	checkCode(t, err, core.ENOTFOUND, "err.chat.not_found")

	if err := o.svc.BindChat(o.ctx(), o.admin, wc); err != nil {
		t.Fatal(err)
	}
	got, err := o.svc.WorkChat(o.ctx(), core.PlatformTelegram, "-100")
	if err != nil || got.Purpose != core.PurposeOfficers || got.BoundBy != o.admin.ID() || !got.BoundAt.Equal(officeStart) {
		t.Fatalf("bound chat = %+v, %v", got, err)
	}
	o.clock.Add(time.Minute)
	if err := o.svc.BindChat(o.ctx(), o.admin, &core.WorkChat{Platform: core.PlatformTelegram, ChatID: "-100",
		Title: "Юристы", Purpose: core.PurposeLawyers}); err != nil {
		t.Fatal(err)
	}

	// Notifications for the officers now go nowhere: the chat is the lawyers'.
	c := o.client(sberINN, sberKPP, "Сбер")
	o.deal(o.manager, c.ID, "Лизинг", o.manager)
	if ms := o.messages(); len(ms) != 0 {
		t.Fatalf("messages = %+v; want none with no officers' chat", ms)
	}

	if err := o.svc.MoveChat(o.ctx(), core.PlatformTelegram, "-100", "-100200"); err != nil {
		t.Fatal(err)
	}
	if err := o.svc.MoveChat(o.ctx(), core.PlatformTelegram, "-555", "-555666"); err != nil {
		t.Fatalf("moving a chat that is not bound: %v", err)
	}
	_, err = o.svc.WorkChat(o.ctx(), core.PlatformTelegram, "-100")
	checkCode(t, err, core.ENOTFOUND, "err.chat.not_found")
	if got, err := o.svc.WorkChat(o.ctx(), core.PlatformTelegram, "-100200"); err != nil || got.Purpose != core.PurposeLawyers {
		t.Fatalf("moved chat = %+v, %v", got, err)
	}

	checkCode(t, o.svc.UnbindChat(o.ctx(), o.head, core.PlatformTelegram, "-100200"), core.EFORBIDDEN, "err.forbidden")
	checkCode(t, o.svc.UnbindChat(o.ctx(), o.admin, core.PlatformTelegram, "-100"), core.ENOTFOUND, "err.chat.not_found")
	if err := o.svc.UnbindChat(o.ctx(), o.admin, core.PlatformTelegram, "-100200"); err != nil {
		t.Fatal(err)
	}
	_, err = o.svc.WorkChat(o.ctx(), core.PlatformTelegram, "-100200")
	checkCode(t, err, core.ENOTFOUND, "err.chat.not_found")

	type rec struct{ field, old, new, reason string }
	var got2 []rec
	for _, ch := range o.changes(core.EntityChat, 0) {
		got2 = append(got2, rec{ch.Field, ch.Old, ch.New, ch.Reason})
	}
	want := []rec{
		{"telegram:-100", "", "officers", "Сопровождение"},
		{"telegram:-100", "officers", "lawyers", "Юристы"},
		{"telegram:-100200", "telegram:-100", "lawyers", "chat moved"},
		{"telegram:-100200", "lawyers", "", ""},
	}
	if !slices.Equal(got2, want) {
		t.Fatalf("chat changes = %+v, want %+v", got2, want)
	}
}

// TestNotifyUser_Platforms: a personal notice goes to the user's accounts
// on the running platforms, or waits on their first account when none
// runs; a disabled user gets none.
func TestNotifyUser_Platforms(t *testing.T) {
	o := newOffice(t)
	both := o.user("Везде", core.RoleLawyer, "mattermost:m1", "telegram:41")
	away := o.user("Только Mattermost", core.RoleLawyer, "mattermost:m2", "mattermost:m3")
	gone := o.user("Уволенный", core.RoleOfficer, "telegram:43")
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, both.ID(), core.UserUpdate{Locale: new("en")}, ""); err != nil {
		t.Fatal(err)
	}
	for _, u := range []core.Actor{both, away} {
		if _, err := o.svc.CreateTask(o.ctx(), o.head, &core.Task{Title: "Задача", AssigneeID: u.ID()}); err != nil {
			t.Fatal(err)
		}
	}
	// The officer gives the head a task, then leaves; the head's «done»
	// would tell the task's author, who is disabled now: no notice.
	task, err := o.svc.CreateTask(o.ctx(), gone, &core.Task{Title: "Подписать", AssigneeID: o.head.ID()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, gone.ID(), core.UserUpdate{Active: new(false)}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.CompleteTask(o.ctx(), o.head, task.ID, "подписано"); err != nil {
		t.Fatal(err)
	}
	type to struct {
		platform, chat string
		user           int64
		locale         string
	}
	var got []to
	for _, m := range o.messages() {
		if strings.HasPrefix(m.Key, "notify.task.") { // the switch-off notice is TestUpdateUser_TellsTheUser's
			got = append(got, to{m.Platform, m.ChatID, m.UserID, m.Locale})
		}
	}
	want := []to{{"telegram", "41", both.ID(), "en"}, {"mattermost", "m2", away.ID(), ""}, {"telegram", "16", o.head.ID(), ""}}
	if !slices.Equal(got, want) {
		t.Fatalf("notices went to %+v, want %+v", got, want)
	}
}

// TestUpdateUser_TellsTheUser: a user is told in their private chat when
// someone else changes their role, switches their access off (the last
// message DealDesk sends them) or back on; their own changes tell nothing.
func TestUpdateUser_TellsTheUser(t *testing.T) {
	o := newOffice(t)
	lawyer := o.lawyer.ID()
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, lawyer, core.UserUpdate{Role: new(core.RoleUnderwriter)}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, lawyer, core.UserUpdate{Active: new(false)}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, lawyer, core.UserUpdate{Active: new(true)}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.UpdateUser(o.ctx(), o.manager, o.manager.ID(), core.UserUpdate{Locale: new("en")}, ""); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range o.messages() {
		if m.UserID == lawyer && m.ChatID == "14" {
			got = append(got, m.Key)
		} else if m.UserID == o.manager.ID() {
			t.Errorf("the manager was told of their own change: %s", m.Key)
		}
	}
	want := []string{"notify.user.role_changed", "notify.user.disabled", "notify.user.enabled"}
	if !slices.Equal(got, want) {
		t.Fatalf("the lawyer was told %v, want %v", got, want)
	}
}

// TestNameFromProfile: an admin seeded from DEALDESK_ADMINS is named from
// their chat profile the first time they write; a named user keeps the
// name they have.
func TestNameFromProfile(t *testing.T) {
	o := newOffice(t)
	if err := o.svc.SeedAdmins(o.ctx(), []core.Admin{{Identity: "telegram:1001"}}); err != nil {
		t.Fatal(err)
	}
	u, err := o.svc.Authenticate(o.ctx(), "telegram:1001")
	if err != nil || u.Name != "telegram:1001" {
		t.Fatalf("seeded admin = %+v, %v", u, err)
	}
	if u, err = o.svc.NameFromProfile(o.ctx(), u, "telegram:1001", "Ольга Петрова"); err != nil || u.Name != "Ольга Петрова" {
		t.Fatalf("named = %+v, %v", u, err)
	}
	if u, _ = o.svc.NameFromProfile(o.ctx(), u, "telegram:1001", "Другое Имя"); u.Name != "Ольга Петрова" {
		t.Fatalf("a named user renamed to %q", u.Name)
	}
	if cs := o.changes(core.EntityUser, u.ID); len(cs) == 0 || cs[len(cs)-1].Reason != "profile" {
		t.Fatalf("the naming is not audited: %+v", cs)
	}
}
