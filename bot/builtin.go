package bot

import (
	"context"
	"strings"

	"github.com/dealdesk/dealdesk/locales"
)

// registerBuiltins registers the commands every DealDesk has, whatever its
// use cases: /help first in the menu, /start, and the button that confirms
// an unverified command.
func registerBuiltins(r *Router) {
	r.Command("help", "", help)
	r.Hidden("start", start)
	registerConfirm(r)
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
		b.WriteString(usage(c, "cmd."+cmd.name+".usage"))
		b.WriteString(" — ")
		b.WriteString(c.T("cmd."+cmd.name+".desc", nil))
	}
	b.WriteString("\n" + usage(c, "cmd.cancel.usage") + " — " + c.T("cmd.cancel.desc", nil))
	b.WriteString("\n\n")
	b.WriteString(c.T("msg.help.footer", nil))
	return c.Send(Reply{Text: b.String()})
}

// usage renders a command's usage line the way commands are typed in this
// chat: "/deal new", "deal new" or "/crm deal new".
func usage(c *Context, key string) string {
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
