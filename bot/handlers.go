package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// register wires DealDesk's commands, actions and flows. The order of
// commands is the order of /help and the menu.
func register(r *Router) {
	r.Command("help", "", help)
	r.Command("client", core.PermViewClients, showClient)
	r.Command("clients", core.PermViewClients, searchClients)
	r.Command("intake", core.PermEditClients, intake)
	r.Command("merge", core.PermVerify, merge)
	r.Command("deal", core.PermViewDeals, deal)
	r.Command("deals", core.PermViewDeals, deals)
	r.Command("task", core.PermTasks, task)
	r.Command("tasks", core.PermTasks, tasks)
	r.Command("done", core.PermTasks, done)
	r.Command("history", core.PermHistory, history)
	r.Command("lang", "", lang)
	r.Command("tz", "", timeZone)
	r.Command("invite", core.PermAdmin, invite)
	r.Command("users", core.PermAdmin, users)
	r.Command("role", core.PermAdmin, role)
	r.Command("head", core.PermAdmin, head)
	r.Command("active", core.PermAdmin, active)
	r.Command("bind", core.PermAdmin, bind)
	r.Command("unbind", core.PermAdmin, unbind)
	r.Hidden("start", start)

	r.Action("client.new", core.PermEditClients, newClientAction)
	r.Action("deal.new", core.PermEditDeals, newDealAction)
	r.View("deal.show", core.PermViewDeals, showDealAction)
	r.Action("task.new", core.PermTasks, newTaskAction)
	r.Action("task.done", core.PermTasks, doneAction)
	r.View("history.show", core.PermHistory, historyAction)
	r.View("intake.verify", core.PermVerify, verifyIntakeAction)
	r.Action("intake.apply", core.PermVerify, applyIntakeAction)
	r.Action("intake.return", core.PermVerify, returnIntakeAction)
	r.Action("intake.keep", core.PermVerify, applyGivenAction)
	r.Action("drift.accept", core.PermEditClients, acceptDriftAction)
	r.Action("merge.pair", core.PermVerify, mergePairAction)
	r.Action("merge.confirm", core.PermVerify, mergeConfirmAction)
	r.Action("drift.task", core.PermTasks, driftTaskAction)

	r.Flow(clientFlow())
	r.Flow(dealFlow())
	r.Flow(taskFlow())
	r.Flow(doneFlow())
	r.Flow(returnFlow())
	r.Flow(keepFlow())
}

// start greets a known user (unknown ones are handled by the access check).
func start(c *Context) error {
	return c.Reply("msg.start.welcome", Args{"Name": c.User.Name, "Role": c.role(c.User.Role)})
}

// help lists the commands the user's role may run.
func help(c *Context) error {
	var b strings.Builder
	b.WriteString(c.T("msg.help.title", Args{"Role": c.role(c.User.Role)}))
	for _, cmd := range c.bot.router.allowed(c.User) {
		b.WriteString("\n")
		b.WriteString(c.usage("cmd." + cmd.name + ".usage"))
		b.WriteString(" — ")
		b.WriteString(c.T("cmd."+cmd.name+".desc", nil))
	}
	b.WriteString("\n" + c.usage("cmd.cancel.usage") + " — " + c.T("cmd.cancel.desc", nil))
	b.WriteString("\n\n")
	b.WriteString(c.T("msg.help.footer", nil))
	return c.Send(Reply{Text: b.String()})
}

// usage renders a command's usage line the way commands are typed in this
// chat: "/deal new", "deal new" or "/crm deal new".
func (c *Context) usage(key string) string {
	s := c.T(key, nil)
	prefix := "/"
	switch {
	case c.Update.BareCommands:
		prefix = ""
	case c.Update.CommandPrefix != "":
		prefix = c.Update.CommandPrefix
	}
	if rest, ok := strings.CutPrefix(s, "/"); ok {
		return prefix + rest
	}
	return s
}

// Commands lists the commands of the menu in a language: those any role
// may have (the menu cannot differ by role; /help does).
func (b *Bot) Commands(lang string) []CommandInfo {
	p := b.locales.Printer(lang, nil)
	var out []CommandInfo
	for _, cmd := range b.router.commands {
		if !cmd.hidden {
			out = append(out, CommandInfo{Command: cmd.name, Description: p.T("cmd."+cmd.name+".desc", nil)})
		}
	}
	return append(out, CommandInfo{Command: "cancel", Description: p.T("cmd.cancel.desc", nil)})
}

// SetupMenus publishes the command menu on every transport that has one.
func (b *Bot) SetupMenus(ctx context.Context) {
	for _, t := range b.transports {
		m, ok := t.(CommandMenu)
		if !ok {
			continue
		}
		for i, lang := range locales.Languages {
			code := lang
			if i == 0 {
				code = "" // the default list, for every other language
			}
			if err := m.SetCommands(ctx, code, b.Commands(lang)); err != nil {
				b.log.Warn().Err(err).Str("platform", t.Platform()).Msg("set command menu")
			}
		}
	}
}

// lang sets the user's language: /lang ru | en.
func lang(c *Context) error {
	l := strings.ToLower(strings.TrimSpace(c.Update.Args))
	if l != "ru" && l != "en" {
		return c.Reply("msg.lang.usage", nil)
	}
	u, err := c.Svc.UpdateUser(c.ctx, c.Actor(), c.User.ID, core.UserUpdate{Locale: &l}, "lang")
	if err != nil {
		return err
	}
	c.User = u
	c.P = c.bot.locales.Printer(l, u.Location())
	return c.Reply("msg.lang.set", nil)
}

// timeZone sets the user's time zone: /tz Asia/Yekaterinburg.
func timeZone(c *Context) error {
	tz := strings.TrimSpace(c.Update.Args)
	if tz == "" {
		return c.Reply("msg.tz.usage", Args{"Zone": c.P.Location().String()})
	}
	u, err := c.Svc.UpdateUser(c.ctx, c.Actor(), c.User.ID, core.UserUpdate{TimeZone: &tz}, "")
	if err != nil {
		return err
	}
	c.User = u
	c.P = c.bot.locales.Printer(c.P.Lang(), u.Location())
	return c.Reply("msg.tz.set", Args{"Zone": tz, "Now": c.bot.now()})
}

// parseID reads a numeric id, with or without a leading '#'.
func parseID(s, key string) (int64, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, core.Errorf(core.EINVALID, key, "Text", s)
	}
	return id, nil
}

// firstWord splits off the first word of s.
func firstWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i+1:])
}
