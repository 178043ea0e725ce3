package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dealdesk/dealdesk/bot"
)

// MigratedError reports that a group became a supergroup with a new chat id
// (ResponseParameters.migrate_to_chat_id): the bot package's ChatMovedError,
// wrapping a *bot.PermanentError since resending to the old id can never
// succeed.
type MigratedError = bot.ChatMovedError

// redacted replaces the token wherever it would show.
const redacted = "<token>"

// wrap turns an error of the library into one of the transport: API errors
// are classified, anything else has the token scrubbed from its text.
func (t *Transport) wrap(method string, err error) error {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		return classify(method, apiErr)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Errorf("telegram: %s: the response is not JSON (a proxy's error page?): %w", method, err)
	}
	return fmt.Errorf("telegram: %s: %w", method, scrub(err, t.cfg.Token))
}

// classify maps a Bot API error to the bot package's error model. On the
// multipart path the library leaves Code at 0, so the description's prefix
// is checked too.
func classify(method string, e *tgbotapi.Error) error {
	err := fmt.Errorf("telegram: %s: %w", method, e)
	switch {
	case e.RetryAfter > 0:
		return &bot.RateLimitError{RetryAfter: time.Duration(e.RetryAfter) * time.Second, Err: err}
	case e.MigrateToChatID != 0:
		return &MigratedError{
			NewChatID: strconv.FormatInt(e.MigrateToChatID, 10),
			Err:       &bot.PermanentError{Err: err},
		}
	case isPermanent(e):
		return &bot.PermanentError{Err: err}
	}
	return err
}

// isPermanent reports whether retrying the same request cannot succeed: a
// bad request (chat not found, message to edit not found, bad keyboard) or
// a forbidden one (bot blocked, kicked, user deactivated).
func isPermanent(e *tgbotapi.Error) bool {
	switch e.Code {
	case 400, 403:
		return true
	case 0:
		return strings.HasPrefix(e.Message, "Bad Request") || strings.HasPrefix(e.Message, "Forbidden")
	}
	return false
}

// isNotModified reports Telegram's answer to an edit that changes nothing.
func isNotModified(err error) bool {
	var apiErr *tgbotapi.Error
	return errors.As(err, &apiErr) && strings.Contains(apiErr.Message, "message is not modified")
}

// scrub removes the token from err's text. The library puts the token in
// request URLs, and net/http quotes the URL in its errors. A *url.Error is
// rebuilt with a clean URL so that its cause (a timeout, context.Canceled)
// stays reachable with errors.Is and errors.As.
func scrub(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) && !strings.Contains(ue.Err.Error(), token) {
		return &url.Error{Op: ue.Op, URL: strings.ReplaceAll(ue.URL, token, redacted), Err: ue.Err}
	}
	s := &scrubbedError{msg: strings.ReplaceAll(err.Error(), token, redacted)}
	switch {
	case errors.Is(err, context.Canceled):
		s.cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		s.cause = context.DeadlineExceeded
	}
	return s
}

// scrubbedError is an error whose text had the token removed; only a
// context error is kept as its cause, the rest could reveal the token.
type scrubbedError struct {
	msg   string
	cause error
}

func (e *scrubbedError) Error() string { return e.msg }

func (e *scrubbedError) Unwrap() error { return e.cause }
