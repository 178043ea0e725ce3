package reminders

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// A user's own settings: which kinds of reminders reach them (/mute,
// /unmute) and their quiet hours (/quiet).

// mutableKinds are the kinds a user may mute, in the order they are shown.
func mutableKinds() []core.ReminderKind {
	return slices.DeleteFunc(slices.Clone(core.ReminderKinds), func(k core.ReminderKind) bool { return !k.Mutable() })
}

// kindName names a kind in the user's language.
func kindName(c *bot.Context, k core.ReminderKind) string {
	return c.T("reminder.name."+string(k), nil)
}

// mute turns a kind of reminders off (/mute <kind>); /mute alone shows
// every kind with a button to turn it off or on (muteFlow).
func mute(c *bot.Context) error { return setMute(c, true) }

// unmute turns a kind of reminders back on.
func unmute(c *bot.Context) error { return setMute(c, false) }

func setMute(c *bot.Context, off bool) error {
	arg := strings.TrimSpace(c.Update.Args)
	if arg == "" {
		return c.Start("reminder.mute", nil)
	}
	k, ok := parseKind(arg)
	if !ok {
		return c.Reply("msg.mute.unknown", bot.Args{"Text": arg, "Kinds": kindList(c)})
	}
	if !k.Mutable() && off {
		return c.Reply(fixedKey(c, "msg.mute.fixed", k), bot.Args{"Kind": kindName(c, k)})
	}
	if err := muteKind(c, k, off); err != nil {
		return err
	}
	key := "msg.mute.off"
	if !off {
		key = "msg.mute.on"
	}
	return c.Reply(key, bot.Args{"Kind": kindName(c, k)})
}

// kindList names the kinds a user may mute, for a hint.
func kindList(c *bot.Context) string {
	var names []string
	for _, k := range mutableKinds() {
		names = append(names, kindName(c, k))
	}
	return strings.Join(names, ", ")
}

// fixedKey is the message that says why a kind cannot be muted: the
// kind's own (base.custom, base.escalation) where the locale has one.
func fixedKey(c *bot.Context, base string, k core.ReminderKind) string {
	if key := base + "." + string(k); c.P.Has(key) {
		return key
	}
	return base
}

// muteKind turns a kind off or on for the user. A kind that may not be
// muted (one's own reminders, escalations) is never sent as muted: one
// muted before it became so is dropped from the list.
func muteKind(c *bot.Context, k core.ReminderKind, off bool) error {
	muted := slices.DeleteFunc(slices.Clone(c.User.Muted), func(m core.ReminderKind) bool {
		return m == k || !m.Mutable()
	})
	if off {
		muted = append(muted, k)
	}
	u, err := c.Svc.UpdateUser(c.Ctx(), c.Actor(), c.User.ID, core.UserUpdate{Muted: &muted}, "mute")
	if err != nil {
		return err
	}
	c.User = u
	return nil
}

// muteFlow shows the kinds with their state, each mutable one with a
// button that turns it off or on. It is one question: the first answer —
// a button, or a kind's name typed — ends it, so that what the user types
// afterwards («привет», a pasted company card) goes where it would have
// gone without /mute. /mute again shows the list again.
func muteFlow() *bot.Flow {
	return &bot.Flow{Name: "reminder.mute", First: "kinds", Steps: map[string]*bot.Step{
		"kinds": {Prompt: func(c *bot.Context) error {
			var rows [][]bot.Button
			var row []bot.Button
			for _, k := range core.ReminderKinds {
				name := kindName(c, k)
				switch {
				case !k.Mutable():
					continue
				case slices.Contains(c.User.Muted, k):
					row = append(row, bot.Choice("btn.mute.on", bot.Args{"Kind": name}, "on:"+string(k)))
				default:
					row = append(row, bot.Choice("btn.mute.off", bot.Args{"Kind": name}, "off:"+string(k)))
				}
				if len(row) == 2 {
					rows, row = append(rows, row), nil
				}
			}
			if len(row) > 0 {
				rows = append(rows, row)
			}
			return c.Send(bot.Reply{Text: muteList(c) + "\n\n" + c.T("msg.mute.hint", nil), Buttons: rows})
		}, Input: func(c *bot.Context, s string) (string, error) {
			if err := c.Finish(); err != nil {
				return "", err
			}
			// A button says what it does ("off:payment"), so that a press
			// of a list shown before does not undo a later one; a kind's
			// name typed turns it the other way.
			name, off := s, false
			if v, ok := strings.CutPrefix(s, "off:"); ok {
				name, off = v, true
			} else if v, ok := strings.CutPrefix(s, "on:"); ok {
				name = v
			}
			k, ok := parseKind(name)
			switch {
			case !ok:
				return "", c.Reply("msg.mute.closed", nil)
			case !k.Mutable():
				return "", c.Reply(fixedKey(c, "msg.mute.fixed", k), bot.Args{"Kind": kindName(c, k)})
			}
			if name == s {
				off = !slices.Contains(c.User.Muted, k)
			}
			if err := muteKind(c, k, off); err != nil {
				return "", err
			}
			key := "msg.mute.off"
			if !off {
				key = "msg.mute.on"
			}
			return "", c.Send(bot.Reply{Text: c.T(key, bot.Args{"Kind": kindName(c, k)}) + "\n\n" + muteList(c) +
				"\n\n" + c.T("msg.mute.again", nil)})
		}},
	}}
}

// muteList is every kind with whether it reaches the user, and why the
// ones that cannot be muted cannot.
func muteList(c *bot.Context) string {
	var b strings.Builder
	b.WriteString(c.T("msg.mute.title", nil))
	for _, k := range core.ReminderKinds {
		name := kindName(c, k)
		switch {
		case !k.Mutable():
			b.WriteString("\n" + c.T(fixedKey(c, "msg.mute.line_fixed", k), bot.Args{"Kind": name}))
		case slices.Contains(c.User.Muted, k):
			b.WriteString("\n" + c.T("msg.mute.line_off", bot.Args{"Kind": name}))
		default:
			b.WriteString("\n" + c.T("msg.mute.line_on", bot.Args{"Kind": name}))
		}
	}
	return b.String()
}

// quietOff are the words that clear the quiet hours.
var quietOff = []string{"off", "выкл", "выключить", "нет", "none", "no", "-", "—"}

// quiet sets the user's quiet hours (/quiet 22:00-08:00), clears them
// (/quiet off) or shows them (/quiet).
func quiet(c *bot.Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	zone := c.P.Location().String()
	switch {
	case arg == "":
		if c.User.QuietFrom == c.User.QuietTo {
			return c.Reply("msg.quiet.none", bot.Args{"Zone": zone})
		}
		return c.Reply("msg.quiet.current", bot.Args{"From": clockText(c.User.QuietFrom),
			"To": clockText(c.User.QuietTo), "Zone": zone})
	case slices.Contains(quietOff, normWord(arg)):
		q := [2]int{}
		u, err := c.Svc.UpdateUser(c.Ctx(), c.Actor(), c.User.ID, core.UserUpdate{Quiet: &q}, "quiet")
		if err != nil {
			return err
		}
		c.User = u
		return c.Reply("msg.quiet.off", nil)
	}
	from, to, err := parseQuiet(arg)
	if err != nil {
		return err
	}
	q := [2]int{from, to}
	u, err := c.Svc.UpdateUser(c.Ctx(), c.Actor(), c.User.ID, core.UserUpdate{Quiet: &q}, "quiet")
	if err != nil {
		return err
	}
	c.User = u
	return c.Reply("msg.quiet.set", bot.Args{"From": clockText(from), "To": clockText(to), "Zone": zone})
}

// parseQuiet reads quiet hours, 24-hour: «22:00-08:00», «22-8», «с 22 до
// 8», "from 22:00 to 7:30".
func parseQuiet(s string) (from, to int, err error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"с ", "from "} {
		t = strings.TrimPrefix(t, p)
	}
	t = strings.NewReplacer(" до ", "-", " to ", "-", "–", "-", "—", "-", " ", "").Replace(t)
	a, b, ok := strings.Cut(t, "-")
	bad := core.Errorf(core.EINVALID, "err.quiet.format", "Text", s)
	if !ok {
		return 0, 0, bad
	}
	if from, ok = parseClock(a); !ok {
		return 0, 0, bad
	}
	if to, ok = parseClock(b); !ok {
		return 0, 0, bad
	}
	if from == to {
		return 0, 0, core.Errorf(core.EINVALID, "err.quiet.same")
	}
	return from, to, nil
}

// parseClock reads «22», «8», «22:00», «8.30» as minutes from midnight.
func parseClock(s string) (int, bool) {
	h, m, has := strings.Cut(strings.ReplaceAll(s, ".", ":"), ":")
	hh, err := strconv.Atoi(h)
	if err != nil || hh < 0 || hh > 24 || len(h) > 2 {
		return 0, false
	}
	mm := 0
	if has {
		if mm, err = strconv.Atoi(m); err != nil || len(m) != 2 || mm > 59 {
			return 0, false
		}
	}
	if hh == 24 {
		if mm != 0 {
			return 0, false
		}
		hh = 0
	}
	return hh*60 + mm, true
}

// clockText writes minutes from midnight as «08:00».
func clockText(m int) string { return twoDigits(m/60) + ":" + twoDigits(m%60) }
