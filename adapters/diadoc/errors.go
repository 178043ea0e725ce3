package diadoc

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core"
)

// The locale keys of the errors the adapter returns. Every error is a
// *core.Error with the arguments Source ("diadoc"), Method (Diadoc's
// method), Status (the HTTP status, 0 without an answer) and Text
// (Diadoc's words, shortened, without the token). Its code says whether
// a later try may pass: EUNAVAILABLE yes; EFORBIDDEN, ECONFLICT and
// EINVALID no, until someone acts.
const (
	// ErrUnavailable: Diadoc cannot be reached, answers 5xx, or still
	// processes a PostMessage after the polls allowed (EUNAVAILABLE).
	ErrUnavailable = "err.edo.unavailable"
	// ErrRateLimited: 429 after the retries allowed (EUNAVAILABLE).
	ErrRateLimited = "err.edo.rate_limited"
	// ErrBadAnswer: an answer DealDesk cannot read (EUNAVAILABLE).
	ErrBadAnswer = "err.edo.bad_answer"
	// ErrAuth: 401, the token or the developer key is wrong or expired
	// (EFORBIDDEN).
	ErrAuth = "err.edo.auth"
	// ErrPayment: 402, the organization's API subscription has ended
	// (EFORBIDDEN).
	ErrPayment = "err.edo.payment"
	// ErrForbidden: 403, the token may not act for the box, the user may
	// not see all documents (set DIADOC_DEPARTMENT_ID), or the
	// organization is liquidated (EFORBIDDEN).
	ErrForbidden = "err.edo.forbidden"
	// ErrRefused: 409, the recipient accepts documents only from its
	// counterparties, or the message duplicates another (ECONFLICT).
	ErrRefused = "err.edo.refused"
	// ErrBadRequest: 400, 404 and other refusals of the request itself,
	// with Diadoc's words (EINVALID).
	ErrBadRequest = "err.edo.bad_request"
	// ErrNoBox: the token may act for no box (EFORBIDDEN).
	ErrNoBox = "err.edo.no_own_box"
	// ErrSeveralBoxes: the token may act for several boxes and
	// DIADOC_BOX_ID chooses none (EINVALID).
	ErrSeveralBoxes = "err.edo.several_boxes"
)

// refusal maps a 4xx answer other than 429.
func (c *Client) refusal(op string, status int, body []byte) error {
	switch status {
	case http.StatusUnauthorized:
		return c.statusError(core.EFORBIDDEN, ErrAuth, op, status, body)
	case http.StatusPaymentRequired:
		return c.statusError(core.EFORBIDDEN, ErrPayment, op, status, body)
	case http.StatusForbidden:
		return c.statusError(core.EFORBIDDEN, ErrForbidden, op, status, body)
	case http.StatusConflict:
		return c.statusError(core.ECONFLICT, ErrRefused, op, status, body)
	}
	return c.statusError(core.EINVALID, ErrBadRequest, op, status, body)
}

// statusError builds the error of an answer with the status.
func (c *Client) statusError(code, key, op string, status int, body []byte) error {
	text := c.excerpt(body)
	cause := fmt.Errorf("diadoc: %s: HTTP %d", op, status)
	if text != "" {
		cause = fmt.Errorf("%w: %s", cause, text)
	}
	return core.Wrap(code, key, cause, "Source", Name, "Method", op, "Status", status, "Text", text)
}

// fail builds an error without an answer (network, context, decoding).
func (c *Client) fail(code, key, op string, cause error, text string) error {
	return core.Wrap(code, key, fmt.Errorf("diadoc: %s: %w", op, cause),
		"Source", Name, "Method", op, "Status", 0, "Text", c.scrub(text))
}

// excerpt returns the start of an answer's text for an error: one line,
// at most 300 bytes, without the token.
func (c *Client) excerpt(body []byte) string {
	s := c.scrub(strings.Join(strings.Fields(string(body)), " "))
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	return s
}
