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
	r.Hidden(NoChoiceCommand, noChoice)
	registerConfirm(r)
}

// NoChoiceCommand is the command a transport that shows buttons as numbers
// (the console) sends for a typed number that names none of the shown
// buttons: Text is what was typed, Args the number, then the lowest and
// the highest number shown, if any ("7 1 3"). Typed text never parses to
// it, since ParseCommand lowercases a command's name.
const NoChoiceCommand = "Choice"

// noChoice answers a number that names no shown button: in a dialog the
// step reads it as any answer (an amount may be a number), elsewhere it is
// told which numbers there are.
func noChoice(c *Context) error {
	f := strings.Fields(c.Update.Args)
	if len(f) == 0 {
		return c.Reply("msg.unknown_text", nil)
	}
	conv, err := c.loadConv()
	if err != nil {
		return err
	}
	if conv != nil {
		c.Conv = conv
		return c.input(c.Update.Text)
	}
	args := Args{"N": f[0]}
	switch {
	case len(f) < 3:
		return c.Reply("msg.choice.none_shown", args)
	case f[1] == f[2]:
		args["Min"] = f[1]
		return c.Reply("msg.choice.one", args)
	}
	args["Min"], args["Max"] = f[1], f[2]
	return c.Reply("msg.choice.range", args)
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
		// A role that may not run all of a command's variants is shown the
		// command without them.
		key := "cmd." + cmd.name
		if !cmd.mayRunAll(c.User) {
			key += ".basic"
		}
		b.WriteString("\n")
		b.WriteString(usage(c, key+".usage"))
		b.WriteString(" — ")
		b.WriteString(c.T(key+".desc", nil))
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
