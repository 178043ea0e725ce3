package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// TitleInput takes the title of a deal or task.
func TitleInput(next string) func(*Context, string) (string, error) {
	return func(c *Context, s string) (string, error) {
		if IsSkip(s) {
			s = ""
		}
		if err := core.ValidateTitle(s); err != nil {
			return "", err
		}
		c.Conv.Data["title"] = s
		return next, nil
	}
}

// ask returns a prompt that asks a question, with a Skip button when the
// step is optional.
func Ask(key string, skippable bool) func(*Context) error {
	return func(c *Context) error {
		rows := [][]Button{}
		if skippable {
			rows = append(rows, Row(Choice("btn.skip", nil, Skip)))
		}
		return c.Reply(key, nil, rows...)
	}
}

// optional returns an input parser for an optional field: "-" skips it,
// anything else is checked (when check is set) and stored under field.
func Optional(field, next string, check func(*Context, string) error) func(*Context, string) (string, error) {
	return func(c *Context, s string) (string, error) {
		if IsSkip(s) || s == "" {
			delete(c.Conv.Data, field)
			return next, nil
		}
		if check != nil {
			s = requisite.Clean(s)
			if err := check(c, s); err != nil {
				return "", err
			}
		}
		c.Conv.Data[field] = s
		return next, nil
	}
}

// confirmed reads the answer to a confirmation: yes goes on; no ends the
// flow, saving nothing; anything else asks again.
func Confirmed(c *Context, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "да", "y", "д", "+":
		return true, nil
	case "no", "нет", "n", "н", "отмена", "cancel":
		if err := c.Finish(); err != nil {
			return false, err
		}
		return false, c.Reply("msg.cancel.done", nil)
	}
	return false, core.Errorf(core.EINVALID, "err.confirm.choose")
}

// DateInput parses an optional deadline in the user's time zone, in any form
// core.ParseDeadline reads («15.12», «до пятницы», «через 3 дня»). A
// deadline that has passed is refused (core.ValidateDeadline). A date
// typed without a time gets core.DefaultHour, and field+"_default" is set,
// so that the reply recording it can say the time is the default.
func DateInput(field, next string) func(*Context, string) (string, error) {
	return func(c *Context, s string) (string, error) {
		delete(c.Conv.Data, field+"_default")
		if IsSkip(s) || s == "" {
			delete(c.Conv.Data, field)
			return next, nil
		}
		now := c.bot.now()
		t, defaulted, err := core.ParseDeadline(s, now, c.P.Location())
		if err != nil {
			return "", err
		}
		if err := core.ValidateDeadline(t, now); err != nil {
			return "", err
		}
		c.Conv.Data[field] = t.Format(time.RFC3339)
		if defaulted {
			c.Conv.Data[field+"_default"] = "1"
		}
		return next, nil
	}
}

// DateDefaulted reports whether the deadline in field was typed without a
// time (see DateInput).
func DateDefaulted(c *Context, field string) bool {
	return c.Conv != nil && c.Conv.Data[field+"_default"] != ""
}

// tooLong refuses a message longer than MaxTextLen, naming the limit; in a
// dialog it asks the current step again, as any wrong answer does.
func (c *Context) tooLong() error {
	err := core.Errorf(core.EINVALID, "err.text.too_long_max", "Max", MaxTextLen)
	if c.Update.IsAction() || c.Update.Command != "" {
		return err
	}
	conv, lerr := c.loadConv()
	if lerr != nil || conv == nil {
		return err
	}
	f, ok := c.bot.router.flows[conv.Flow]
	if !ok || f.Steps[conv.Step] == nil || f.Perm != "" && !c.User.Can(f.Perm) {
		return err
	}
	c.Conv = conv
	if rerr := c.replyError(err); rerr != nil {
		return rerr
	}
	return f.Steps[conv.Step].Prompt(c)
}

// asInvalid makes a lookup's failure a wrong answer to the step, so that it
// is asked again.
func AsInvalid(err error) error {
	switch core.ErrorCode(err) {
	case core.ENOTFOUND, core.EFORBIDDEN:
		key, args := core.ErrorKey(err)
		return &core.Error{Code: core.EINVALID, Key: key, Args: args}
	}
	return err
}

// parseID reads a numeric id, with or without a leading '#'.
func ParseID(s, key string) (int64, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, core.Errorf(core.EINVALID, key, "Text", s)
	}
	return id, nil
}

// CutReason splits a reason typed after a value in one message: «2 000 000
// причина: допсоглашение №2» or "… reason: …" (the last such marker). ok
// reports that one was typed.
func CutReason(s string) (value, reason string, ok bool) {
	lower := strings.ToLower(s)
	at := -1
	var marker string
	for _, m := range []string{"причина:", "reason:"} {
		if i := strings.LastIndex(lower, m); i > at {
			at, marker = i, m
		}
	}
	if at < 0 {
		return strings.TrimSpace(s), "", false
	}
	return strings.TrimSpace(s[:at]), strings.TrimSpace(s[at+len(marker):]), true
}

// FirstWord splits off the first word of s.
func FirstWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i+1:])
}

// AfterWords returns s past its first n words, as typed (line breaks
// kept), trimmed; "" when s has n words or fewer.
func AfterWords(s string, n int) string {
	for range n {
		s = strings.TrimLeft(s, " \t\r\n\u00a0")
		i := strings.IndexAny(s, " \t\r\n\u00a0")
		if i < 0 {
			return ""
		}
		s = s[i:]
	}
	return strings.TrimSpace(s)
}

// optTime is a time for a template's {{if}}: nil when zero.
func OptTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// ParseSpan reads a span of time typed in either language: «4ч», «4
// часа», «1ч30м», «90 мин», «2 дня», "4h", "1h30m", "45m", "1d"; a number
// alone is hours. Days are read only when days is set: a span of working
// time (a request's SLA) has none, a working day not being 24 hours.
func ParseSpan(s string, days bool) (time.Duration, bool) {
	t := strings.ToLower(strings.Join(strings.Fields(s), " "))
	var total time.Duration
	for parts := 0; t != ""; parts++ {
		i := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(t[:i])
		if err != nil || n > 10000 {
			return 0, false
		}
		t = strings.TrimLeft(t[i:], " ")
		j := 0
		for j < len(t) && (t[j] < '0' || t[j] > '9') && t[j] != ' ' {
			j++
		}
		unit := t[:j]
		t = strings.TrimLeft(t[j:], " ")
		has := func(short string, prefixes ...string) bool {
			for _, p := range prefixes {
				if strings.HasPrefix(unit, p) {
					return true
				}
			}
			return unit == short
		}
		switch {
		case unit == "" && parts == 0 && t == "":
			total += time.Duration(n) * time.Hour
		case has("ч", "час") || has("h", "hour"):
			total += time.Duration(n) * time.Hour
		case has("м", "мин") || has("m", "min"):
			total += time.Duration(n) * time.Minute
		case days && (has("д", "дн", "день") || has("d", "day")):
			total += time.Duration(n) * 24 * time.Hour
		default:
			return 0, false
		}
	}
	return total, total > 0
}
