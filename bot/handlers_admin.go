package bot

import (
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// invite issues a one-time invite code: /invite <role>. The code is a
// credential: in a group chat it goes to the admin's private chat, and the
// group only hears that it was sent.
func invite(c *Context) error {
	r, err := core.ParseRole(c.Update.Args)
	if err != nil {
		return c.Reply("msg.invite.usage", Args{"Roles": roleList(c)})
	}
	if !c.Private() {
		if _, err := c.Svc.SendInvite(c.ctx, c.Actor(), r); err != nil {
			return err
		}
		return c.Reply("msg.invite.sent_privately", Args{"Role": c.role(r)})
	}
	inv, err := c.Svc.CreateInvite(c.ctx, c.Actor(), r)
	if err != nil {
		return err
	}
	return c.Reply("msg.invite.created", Args{"Code": core.FormatInviteCode(inv.Code), "Role": c.role(r),
		"Expires": inv.ExpiresAt})
}

func roleList(c *Context) string {
	var parts []string
	for _, r := range core.Roles {
		parts = append(parts, string(r)+" ("+c.role(r)+")")
	}
	return strings.Join(parts, ", ")
}

// users lists the users with their ids and roles.
func users(c *Context) error {
	us, err := c.Svc.ListUsers(c.ctx, c.Actor())
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(c.T("msg.users.title", Args{"Count": len(us)}))
	for _, u := range us {
		key := "msg.users.line"
		if !u.Active {
			key = "msg.users.line_inactive"
		}
		b.WriteString("\n")
		b.WriteString(c.T(key, Args{"ID": u.ID, "Name": u.Name, "Role": c.role(u.Role),
			"Identities": strings.Join(u.Identities, ", ")}))
	}
	return c.Send(Reply{Text: b.String()})
}

// role changes a user's role: /role <user id> <role> [reason].
func role(c *Context) error {
	idText, rest := firstWord(c.Update.Args)
	roleText, reason := firstWord(rest)
	id, err := parseID(idText, "msg.role.usage")
	if err != nil {
		return c.Reply("msg.role.usage", Args{"Roles": roleList(c)})
	}
	r, err := core.ParseRole(roleText)
	if err != nil {
		return c.Reply("msg.role.usage", Args{"Roles": roleList(c)})
	}
	u, err := c.Svc.UpdateUser(c.ctx, c.Actor(), id, core.UserUpdate{Role: &r}, reason)
	if err != nil {
		return err
	}
	return c.Reply("msg.role.set", Args{"Name": u.Name, "Role": c.role(r)})
}

// bind binds the group chat it is sent in to a purpose: /bind officers.
func bind(c *Context) error {
	if c.Private() {
		return c.Reply("msg.bind.group_only", nil)
	}
	p, err := core.ParsePurpose(c.Update.Args)
	if err != nil {
		var names []string
		for _, p := range core.Purposes {
			names = append(names, string(p)+" ("+c.T("purpose."+string(p), nil)+")")
		}
		return c.Reply("msg.bind.usage", Args{"Purposes": strings.Join(names, ", ")})
	}
	wc := &core.WorkChat{Platform: c.Update.Platform, ChatID: c.Update.ChatID, Title: c.Update.ChatTitle,
		Purpose: p, Locale: c.P.Lang()}
	if err := c.Svc.BindChat(c.ctx, c.Actor(), wc); err != nil {
		return err
	}
	return c.Reply("msg.bind.done", Args{"Purpose": c.T("purpose."+string(p), nil)})
}

// unbind removes the binding of the chat it is sent in.
func unbind(c *Context) error {
	if err := c.Svc.UnbindChat(c.ctx, c.Actor(), c.Update.Platform, c.Update.ChatID); err != nil {
		if core.IsNotFound(err) {
			return c.Reply("msg.unbind.not_bound", nil)
		}
		return err
	}
	return c.Reply("msg.unbind.done", nil)
}

// head sets whom a user's escalations go to: /head <user id> <head id | ->.
func head(c *Context) error {
	idText, headText := firstWord(c.Update.Args)
	id, err := parseID(idText, "msg.head.usage")
	if err != nil {
		return c.Reply("msg.head.usage", nil)
	}
	var headID int64
	if !IsSkip(headText) {
		if headID, err = parseID(headText, "msg.head.usage"); err != nil {
			return c.Reply("msg.head.usage", nil)
		}
	}
	u, err := c.Svc.UpdateUser(c.ctx, c.Actor(), id, core.UserUpdate{HeadID: &headID}, "")
	if err != nil {
		return err
	}
	if headID == 0 {
		return c.Reply("msg.head.cleared", Args{"Name": u.Name})
	}
	h, err := c.Svc.UserByID(c.ctx, headID)
	if err != nil {
		return err
	}
	return c.Reply("msg.head.set", Args{"Name": u.Name, "Head": h.Name})
}

// active lets a user in or shuts them out: /active <user id> on|off.
func active(c *Context) error {
	idText, state := firstWord(c.Update.Args)
	id, err := parseID(idText, "msg.active.usage")
	on := strings.EqualFold(state, "on")
	if err != nil || (!on && !strings.EqualFold(state, "off")) {
		return c.Reply("msg.active.usage", nil)
	}
	u, err := c.Svc.UpdateUser(c.ctx, c.Actor(), id, core.UserUpdate{Active: &on}, "")
	if err != nil {
		return err
	}
	key := "msg.active.off"
	if on {
		key = "msg.active.on"
	}
	return c.Reply(key, Args{"Name": u.Name})
}
