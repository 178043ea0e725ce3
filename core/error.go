// Package core holds DealDesk's domain: types with their rules, the use-case
// services, the error model and the ports (interfaces) of everything the
// domain needs from outside. It imports only the standard library and zerolog.
package core

import (
	"errors"
	"fmt"
)

// Error codes. A code says what kind of failure happened; the locale key of
// the Error says what to tell the user.
const (
	ECONFLICT    = "conflict"    // the action conflicts with existing data
	EINTERNAL    = "internal"    // a bug or an unexpected failure
	EINVALID     = "invalid"     // bad input
	ENOTFOUND    = "not_found"   // the entity does not exist
	EFORBIDDEN   = "forbidden"   // the actor may not do this
	EUNAVAILABLE = "unavailable" // an outside system is down or rate limited
)

// Error is DealDesk's one error type. Key is a locale message id and Args its
// template data, so the message is rendered at the edge in the user's language.
type Error struct {
	Code string
	Key  string
	Args map[string]any
	// Err is an optional cause, kept for logs; it is never shown to users.
	Err error
}

// Error implements the error interface (for logs, not for users).
func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprintf(" %v", e.Args)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error from a code, a locale key and key/value pairs of
// template arguments: Errorf(EINVALID, "err.inn.checksum", "INN", inn).
func Errorf(code, key string, kv ...any) *Error {
	return &Error{Code: code, Key: key, Args: pairs(kv)}
}

// Wrap builds an EINTERNAL or EUNAVAILABLE error around a cause.
func Wrap(code, key string, cause error, kv ...any) *Error {
	return &Error{Code: code, Key: key, Args: pairs(kv), Err: cause}
}

func pairs(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// ErrorCode returns the code of the first core.Error in err's chain,
// EINTERNAL for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorKey returns the locale key and arguments of err for the user. Errors
// that are not core.Errors become the generic internal error message.
func ErrorKey(err error) (string, map[string]any) {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Key, e.Args
	}
	return "err.internal", nil
}

// IsNotFound reports whether err is an ENOTFOUND error.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
