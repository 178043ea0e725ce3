// Package profile lets users set their own language and time zone.
package profile

import (
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers a user's own settings: language and time zone.
func Register(r *bot.Router) {
	r.Command("lang", "", lang)
	r.Command("tz", "", timeZone)
}

// lang sets the user's language: /lang ru | en.
func lang(c *bot.Context) error {
	l := strings.ToLower(strings.TrimSpace(c.Update.Args))
	if l != "ru" && l != "en" {
		return c.Reply("msg.lang.usage", nil)
	}
	u, err := c.Svc.UpdateUser(c.Ctx(), c.Actor(), c.User.ID, core.UserUpdate{Locale: &l}, "lang")
	if err != nil {
		return err
	}
	c.User = u
	c.P = c.Printer(l, u.Location())
	return c.Reply("msg.lang.set", nil)
}

// timeZone sets the user's time zone: /tz Asia/Yekaterinburg.
func timeZone(c *bot.Context) error {
	tz := strings.TrimSpace(c.Update.Args)
	if tz == "" {
		return c.Reply("msg.tz.usage", bot.Args{"Zone": c.P.Location().String()})
	}
	u, err := c.Svc.UpdateUser(c.Ctx(), c.Actor(), c.User.ID, core.UserUpdate{TimeZone: &tz}, "")
	if err != nil {
		return err
	}
	c.User = u
	c.P = c.Printer(c.P.Lang(), u.Location())
	return c.Reply("msg.tz.set", bot.Args{"Zone": tz, "Now": c.Now()})
}
