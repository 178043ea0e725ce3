package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// titleInput takes the title of a deal or task.
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

// dateInput parses an optional date in the user's time zone.
func DateInput(field, next string) func(*Context, string) (string, error) {
	return func(c *Context, s string) (string, error) {
		if IsSkip(s) || s == "" {
			delete(c.Conv.Data, field)
			return next, nil
		}
		t, err := core.ParseDate(s, c.bot.now(), c.P.Location())
		if err != nil {
			return "", err
		}
		c.Conv.Data[field] = t.Format(time.RFC3339)
		return next, nil
	}
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

// firstWord splits off the first word of s.
func FirstWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i+1:])
}

// optTime is a time for a template's {{if}}: nil when zero.
func OptTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
