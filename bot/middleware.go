package bot

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// recoverer turns a panic in a handler into an internal error.
func (b *Bot) recoverer(next Handler) Handler {
	return func(c *Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				b.log.Error().Str("panic", fmt.Sprint(r)).Bytes("stack", debug.Stack()).Msg("handler panic")
				err = core.Errorf(core.EINTERNAL, "err.internal")
			}
		}()
		return next(c)
	}
}

// logger logs each update with its platform, chat, user and command (never
// the text, which may hold client data) and how long it took.
func (b *Bot) logger(next Handler) Handler {
	return func(c *Context) error {
		start := time.Now()
		err := next(c)
		ev := b.log.Debug()
		if err != nil && core.ErrorCode(err) != core.EINTERNAL {
			ev = b.log.Info().Str("error_code", core.ErrorCode(err))
		}
		ev.Str("platform", c.Update.Platform).Str("chat_id", c.Update.ChatID).Str("user_id", c.Update.UserID).
			Str("command", c.Update.Command).Bool("action", c.Update.IsAction()).
			Dur("took", time.Since(start)).Msg("update")
		return err
	}
}

// access lets only known, active users through, and sets their language.
// An unknown user may only redeem an invite with /start <code>; otherwise
// they get one polite refusal, and the denial is logged.
func (b *Bot) access(next Handler) Handler {
	return func(c *Context) error {
		identity := core.Identity(c.Update.Platform, c.Update.UserID)
		u, err := b.svc.Authenticate(c.ctx, identity)
		switch core.ErrorCode(err) {
		case "":
			if u, err = b.svc.NameFromProfile(c.ctx, u, identity, c.Update.UserName); err != nil {
				return err
			}
			c.User = u
			if u.Locale != "" || u.TimeZone != "" {
				lang := u.Locale
				if lang == "" {
					lang = c.Update.Locale
				}
				c.P = b.locales.Printer(lang, u.Location())
			}
			return next(c)
		case core.ENOTFOUND, core.EFORBIDDEN:
			if !c.Private() && c.Update.Command == "" && !c.Update.IsAction() {
				return nil // talk in a work chat that was not for the bot
			}
			start := core.IsNotFound(err) && c.Update.Command == "start" && c.Update.Args != ""
			switch {
			case start && !c.Update.Unverified:
				// The core limits wrong codes per identity, in the store;
				// register logs the outcome, a denial or a new user.
				return b.register(c, identity)
			case start:
				// The platform cannot prove who sent it (Mattermost's /crm):
				// a code redeemed so could join someone else's account.
				b.denied(c, core.ErrorCode(err), "invite code from a sender the platform does not prove")
				return c.Reply("msg.start.direct_only", nil)
			case core.IsNotFound(err):
				b.denied(c, core.ErrorCode(err), "unknown user")
				return b.refuseOnce(c, identity, "msg.access.denied")
			default:
				b.denied(c, core.ErrorCode(err), "inactive user")
				return b.refuseOnce(c, identity, "err.user.inactive")
			}
		default:
			return err
		}
	}
}

// denied logs that an update was refused for want of access, and why.
func (b *Bot) denied(c *Context, code, reason string) {
	b.log.Warn().Str("platform", c.Update.Platform).Str("chat_id", c.Update.ChatID).
		Str("user_id", c.Update.UserID).Str("error_code", code).Str("reason", reason).Msg("access denied")
}

// refusals remembers whom DealDesk has refused, so that each unknown user
// gets one answer; it forgets everyone when it grows too large. Losing it
// costs one more polite answer; wrong invite codes are counted in the store.
type refusals struct {
	mu      sync.Mutex
	refused map[string]bool
}

const maxRefusals = 10000

func (b *Bot) refuseOnce(c *Context, identity, key string) error {
	if c.refuse(key, nil) {
		return nil // a pop-up bothers no one else: said every time
	}
	r := &b.refusals
	r.mu.Lock()
	if r.refused == nil || len(r.refused) > maxRefusals {
		r.refused = map[string]bool{}
	}
	seen := r.refused[identity]
	r.refused[identity] = true
	r.mu.Unlock()
	if seen {
		return c.answer("")
	}
	return c.Send(Reply{Key: key})
}

// register redeems an invite code for an unknown user.
func (b *Bot) register(c *Context, identity string) error {
	u, err := b.svc.RedeemInvite(c.ctx, core.Registration{Identity: identity, Name: c.Update.UserName,
		Locale: c.Update.Locale, Code: c.Update.Args, Source: c.source()})
	if err != nil {
		switch core.ErrorCode(err) {
		case core.EINVALID:
			b.denied(c, core.EINVALID, "invalid invite code")
		case core.EFORBIDDEN:
			b.denied(c, core.EFORBIDDEN, "too many wrong invite codes")
		}
		return err
	}
	c.User = u
	// The newcomer's command menu is their role's from now on.
	if err := b.svc.RefreshCommandMenus(c.ctx, u.ID); err != nil {
		return err
	}
	// Never the code: until it is redeemed it is a key to an account.
	b.log.Info().Str("platform", c.Update.Platform).Str("chat_id", c.Update.ChatID).
		Str("user_id", c.Update.UserID).Int64("user", u.ID).Str("role", string(u.Role)).Msg("user registered")
	return c.Reply("msg.start.registered", Args{"Name": u.Name, "Role": c.role(u.Role)})
}
