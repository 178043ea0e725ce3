package postgres

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Redact returns a PostgreSQL URL with its password replaced by "xxxxx", for
// logs and messages; a string it cannot parse is returned as "postgres://…".
func Redact(raw string) string {
	if !strings.HasPrefix(raw, "postgres://") && !strings.HasPrefix(raw, "postgresql://") && strings.Contains(raw, "=") {
		// The keyword/value form.
		return keywordPassword.ReplaceAllString(raw, "${1}xxxxx")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://…"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// keywordPassword is the password of a keyword/value connection string,
// quoted ('…', with \' inside) or not.
var keywordPassword = regexp.MustCompile(`(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// redactErr hides the URL's password if the error's text carries it (pgx's
// parse errors quote the connection string).
func redactErr(err error, raw string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if m := keywordPassword.FindStringSubmatch(raw); m != nil {
		pw := strings.Trim(m[2], "'")
		if pw != "" && strings.Contains(msg, pw) {
			return errors.New(strings.ReplaceAll(msg, pw, "xxxxx"))
		}
	}
	u, perr := url.Parse(raw)
	if perr == nil {
		if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(msg, pw) {
			return errors.New(strings.ReplaceAll(msg, pw, "xxxxx"))
		}
		if pw := u.Query().Get("password"); pw != "" && strings.Contains(msg, pw) {
			return errors.New(strings.ReplaceAll(msg, pw, "xxxxx"))
		}
	}
	return err
}
