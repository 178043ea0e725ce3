package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
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
		c.clearQuestion()
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

// userCommands lists a user's command menu in a language: the commands
// /help shows their role, each described as /help does, then /cancel.
func (b *Bot) userCommands(u *core.User, lang string) []CommandInfo {
	p := b.locales.Printer(lang, nil)
	var out []CommandInfo
	for _, cmd := range b.router.allowed(u) {
		key := "cmd." + cmd.name
		if !cmd.mayRunAll(u) {
			key += ".basic"
		}
		out = append(out, CommandInfo{Command: cmd.name, Description: p.T(key+".desc", nil)})
	}
	return append(out, CommandInfo{Command: "cancel", Description: p.T("cmd.cancel.desc", nil)})
}

// guestCommands is the default menu, for whoever DealDesk does not know:
// /start with an invite code, and /help.
func (b *Bot) guestCommands(lang string) []CommandInfo {
	p := b.locales.Printer(lang, nil)
	return []CommandInfo{{Command: "start", Description: p.T("cmd.start.desc", nil)},
		{Command: "help", Description: p.T("cmd.help.desc", nil)}}
}

// menuLangs are the language codes a menu is set for, each with the
// language its text is in: "" (any other language) in the default one.
func menuLangs() [][2]string {
	out := make([][2]string, len(locales.Languages))
	for i, lang := range locales.Languages {
		code := lang
		if i == 0 {
			code = ""
		}
		out[i] = [2]string{code, lang}
	}
	return out
}

// publishMenu sets a user's own command menu on a platform: their role's
// commands, in the language they chose or else in their app's; a user
// switched off gets the default menu back. A platform that refuses it for
// good (the user never opened a chat with the bot there) is not asked
// again until the user writes (core.Service.NameFromProfile) or changes.
func (b *Bot) publishMenu(ctx context.Context, platform string, m CommandMenu, userID int64) error {
	b.menuMu.Lock()
	defer b.menuMu.Unlock()
	u, err := b.svc.UserByID(ctx, userID) // read under the lock: the newest state is published last
	if core.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	for _, identity := range u.Identities {
		p, pid, _ := core.SplitIdentity(identity)
		if p != platform {
			continue
		}
		for _, l := range menuLangs() {
			var cmds []CommandInfo
			if u.Active {
				lang := l[1]
				if u.Locale != "" {
					lang = u.Locale
				}
				cmds = b.userCommands(u, lang)
			}
			err := m.SetCommands(ctx, pid, l[0], cmds)
			if IsPermanent(err) {
				b.log.Info().Err(err).Str("platform", platform).Int64("user", u.ID).Msg("command menu not set")
				break
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}

// publishMenuOf publishes the menu of the user with an identity on a
// platform (a core.OutboxCommandMenu record names the identity).
func (b *Bot) publishMenuOf(ctx context.Context, m CommandMenu, platform, userID string) error {
	u, err := b.svc.UserByIdentity(ctx, core.Identity(platform, userID))
	if core.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	return b.publishMenu(ctx, platform, m, u.ID)
}

// menuRetries is how often a rate-limited menu call is tried at start.
const menuRetries = 5

// SetupMenus publishes the command menus on every transport that has
// them: the default one, for whoever DealDesk does not know (/start,
// /help), and every known user's own (see publishMenu), one call after
// another at the pace the transport keeps, waiting out the platform's
// rate limit. It runs at start; changes later publish a user's menu
// through the outbox (core.OutboxCommandMenu).
func (b *Bot) SetupMenus(ctx context.Context) {
	for _, t := range b.transports {
		m, ok := unwrap(t).(CommandMenu)
		if !ok {
			continue
		}
		platform := t.Platform()
		for _, l := range menuLangs() {
			b.retryMenu(ctx, platform, func() error { return m.SetCommands(ctx, "", l[0], b.guestCommands(l[1])) })
		}
		users, err := b.svc.UsersOn(ctx, platform)
		if err != nil {
			b.log.Warn().Err(err).Str("platform", platform).Msg("command menus")
			continue
		}
		for _, u := range users {
			if ctx.Err() != nil {
				return
			}
			b.retryMenu(ctx, platform, func() error { return b.publishMenu(ctx, platform, m, u.ID) })
		}
	}
}

// retryMenu makes a menu call, waiting and trying again while the platform
// rate limits it; other failures are logged.
func (b *Bot) retryMenu(ctx context.Context, platform string, call func() error) {
	for try := 1; ; try++ {
		err := call()
		var rl *RateLimitError
		switch {
		case err == nil || ctx.Err() != nil:
			return
		case errors.As(err, &rl) && try < menuRetries:
			select {
			case <-ctx.Done():
				return
			case <-time.After(rl.RetryAfter):
			}
		default:
			b.log.Warn().Err(err).Str("platform", platform).Msg("set command menu")
			return
		}
	}
}
