// Package admin is the admin's chat commands: invites, users, roles, heads,
// work chats and DealDesk's status.
package admin

import (
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers the admin's commands: invites, users, roles, heads,
// work chats, status.
func Register(r *bot.Router) {
	r.Command("invite", core.PermAdmin, invite)
	r.Command("users", core.PermAdmin, users)
	r.Command("role", core.PermAdmin, role)
	r.Command("head", core.PermAdmin, head)
	r.Command("active", core.PermAdmin, active)
	r.Command("bind", core.PermAdmin, bind)
	r.Command("unbind", core.PermAdmin, unbind)
	r.Command("status", core.PermAdmin, status)
}

// invite issues a one-time invite code: /invite <role>, the role by its
// code or its name in either language. The code is a
// credential: in a group chat it goes to the admin's private chat, and the
// group only hears that it was sent.
func invite(c *bot.Context) error {
	r, err := core.ParseRole(c.Update.Args)
	if err != nil {
		return c.Reply("msg.invite.usage", bot.Args{"Roles": roleList(c)})
	}
	if !c.Private() {
		if _, err := c.Svc.SendInvite(c.Ctx(), c.Actor(), r); err != nil {
			return err
		}
		return c.Reply("msg.invite.sent_privately", bot.Args{"Role": c.Role(r)})
	}
	inv, err := c.Svc.CreateInvite(c.Ctx(), c.Actor(), r)
	if err != nil {
		return err
	}
	return c.Reply("msg.invite.created", bot.Args{"Code": core.FormatInviteCode(inv.Code), "Role": c.Role(r),
		"Expires": inv.ExpiresAt})
}

func roleList(c *bot.Context) string {
	var parts []string
	for _, r := range core.Roles {
		parts = append(parts, string(r)+" ("+c.Role(r)+")")
	}
	return strings.Join(parts, ", ")
}

// users lists the users with their ids and roles.
func users(c *bot.Context) error {
	us, err := c.Svc.ListUsers(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(c.T("msg.users.title", bot.Args{"Count": len(us)}))
	for _, u := range us {
		key := "msg.users.line"
		if !u.Active {
			key = "msg.users.line_inactive"
		}
		b.WriteString("\n")
		b.WriteString(c.T(key, bot.Args{"ID": u.ID, "Name": u.Name, "Role": c.Role(u.Role),
			"Identities": strings.Join(u.Identities, ", ")}))
	}
	return c.Send(bot.Reply{Text: b.String()})
}

// role changes a user's role: /role <user id> <role> [reason], the role by
// its code or its name in either language.
func role(c *bot.Context) error {
	idText, rest := bot.FirstWord(c.Update.Args)
	id, err := bot.ParseID(idText, "msg.role.usage")
	if err != nil {
		return c.Reply("msg.role.usage", bot.Args{"Roles": roleList(c)})
	}
	r, reason, err := core.CutRole(rest) // a name may be two words: сотрудник сопровождения
	if err != nil {
		return c.Reply("msg.role.usage", bot.Args{"Roles": roleList(c)})
	}
	u, err := c.Svc.UpdateUser(c.Ctx(), c.Actor(), id, core.UserUpdate{Role: &r}, reason)
	if err != nil {
		return err
	}
	return c.Reply("msg.role.set", bot.Args{"Name": u.Name, "Role": c.Role(r)})
}

// bind binds the group chat it is sent in to a purpose: /bind officers.
func bind(c *bot.Context) error {
	if c.Private() {
		return c.Reply("msg.bind.group_only", nil)
	}
	p, err := core.ParsePurpose(c.Update.Args)
	if err != nil {
		var names []string
		for _, p := range core.Purposes {
			names = append(names, string(p)+" ("+c.T("purpose."+string(p), nil)+")")
		}
		return c.Reply("msg.bind.usage", bot.Args{"Purposes": strings.Join(names, ", ")})
	}
	wc := &core.WorkChat{Platform: c.Update.Platform, ChatID: c.Update.ChatID, Title: c.Update.ChatTitle,
		Purpose: p, Locale: c.P.Lang()}
	if err := c.Svc.BindChat(c.Ctx(), c.Actor(), wc); err != nil {
		return err
	}
	return c.Reply("msg.bind.done", bot.Args{"Purpose": c.T("purpose."+string(p), nil)})
}

// unbind removes the binding of the chat it is sent in.
func unbind(c *bot.Context) error {
	if err := c.Svc.UnbindChat(c.Ctx(), c.Actor(), c.Update.Platform, c.Update.ChatID); err != nil {
		if core.IsNotFound(err) {
			return c.Reply("msg.unbind.not_bound", nil)
		}
		return err
	}
	return c.Reply("msg.unbind.done", nil)
}

// head sets whom a user's escalations go to: /head <user id> <head id | ->.
func head(c *bot.Context) error {
	idText, headText := bot.FirstWord(c.Update.Args)
	id, err := bot.ParseID(idText, "msg.head.usage")
	if err != nil {
		return c.Reply("msg.head.usage", nil)
	}
	var headID int64
	if !bot.IsSkip(headText) {
		if headID, err = bot.ParseID(headText, "msg.head.usage"); err != nil {
			return c.Reply("msg.head.usage", nil)
		}
	}
	u, err := c.Svc.UpdateUser(c.Ctx(), c.Actor(), id, core.UserUpdate{HeadID: &headID}, "")
	if err != nil {
		return err
	}
	if headID == 0 {
		return c.Reply("msg.head.cleared", bot.Args{"Name": u.Name})
	}
	h, err := c.Svc.UserByID(c.Ctx(), headID)
	if err != nil {
		return err
	}
	return c.Reply("msg.head.set", bot.Args{"Name": u.Name, "Head": h.Name})
}

// active lets a user in or shuts them out: /active <user id> on|off.
func active(c *bot.Context) error {
	idText, state := bot.FirstWord(c.Update.Args)
	id, err := bot.ParseID(idText, "msg.active.usage")
	on := strings.EqualFold(state, "on")
	if err != nil || (!on && !strings.EqualFold(state, "off")) {
		return c.Reply("msg.active.usage", nil)
	}
	u, err := c.Svc.UpdateUser(c.Ctx(), c.Actor(), id, core.UserUpdate{Active: &on}, "")
	if err != nil {
		return err
	}
	key := "msg.active.off"
	if on {
		key = "msg.active.on"
	}
	return c.Reply(key, bot.Args{"Name": u.Name})
}
