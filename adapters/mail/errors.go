package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/dealdesk/dealdesk/core"
)

// mailError maps a failure to send to a *core.MailError:
//
//   - an SMTP reply 4xx is temporary, 5xx permanent, with the code and the
//     server's words (at any step: greeting, STARTTLS, AUTH, MAIL FROM,
//     RCPT TO, DATA);
//   - a connection that fails, breaks or times out, and the caller's
//     context ending, are temporary: the mail is retried later;
//   - a server certificate that is not trusted or not valid for the host,
//     a server that does not offer STARTTLS while it is required, and a
//     server that offers no usable authentication are permanent: they are
//     configuration problems that a retry does not fix, and nothing was
//     sent in clear.
//
// The texts never hold the password.
func (s *Mailer) mailError(ctx context.Context, err error) *core.MailError {
	me := classify(ctx, err)
	me.Text = s.redact(me.Text)
	return me
}

func classify(ctx context.Context, err error) *core.MailError {
	var se *gomail.SendError
	if errors.As(err, &se) {
		return sendError(se)
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return replyError(te.Code, te.Msg)
	}
	var (
		unknownCA *x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		header    tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &verify):
		return &core.MailError{Text: "the server's TLS certificate is not trusted (" + rootCause(err) +
			"); add its CA to SMTP_CA_FILE"}
	case errors.As(err, &hostname), errors.As(err, &invalid):
		return &core.MailError{Text: "the server's TLS certificate is not valid: " + rootCause(err)}
	case errors.As(err, &header):
		return &core.MailError{Text: "the server does not speak TLS on this port; check SMTP_TLS and SMTP_PORT"}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not support STARTTLS"):
		return &core.MailError{Text: "the server does not offer STARTTLS; nothing is sent without encryption " +
			"(SMTP_TLS=starttls)"}
	case strings.Contains(msg, "does not support SMTP AUTH"), errors.Is(err, gomail.ErrNoSupportedAuthDiscovered),
		isAuthNotSupported(err):
		return &core.MailError{Text: "the server offers no authentication DealDesk can use (PLAIN or LOGIN over TLS)"}
	}
	if ctx.Err() != nil {
		return &core.MailError{Temporary: true, Text: "sending was interrupted: " + ctx.Err().Error()}
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, context.DeadlineExceeded) {
		return &core.MailError{Temporary: true, Text: "the mail server cannot be reached: " + rootCause(err)}
	}
	// Anything else (go-mail refusing to go on) is not a refusal by the
	// server; retrying it later is the safe side.
	return &core.MailError{Temporary: true, Text: msg}
}

// isAuthNotSupported reports go-mail's "<mechanism> not supported by the
// server" errors.
func isAuthNotSupported(err error) bool {
	for _, e := range []error{gomail.ErrPlainAuthNotSupported, gomail.ErrLoginAuthNotSupported} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// sendError maps go-mail's SendError, the failure of MAIL FROM, RCPT TO or
// DATA (or of the connection during them).
func sendError(se *gomail.SendError) *core.MailError {
	code := se.ErrorCode()
	text := serverText(se)
	if code == 0 {
		// Not an answer of the server: the connection broke.
		return &core.MailError{Temporary: true, Text: "the connection to the mail server broke: " + text}
	}
	me := replyError(code, text)
	me.Temporary = me.Temporary || se.IsTemp()
	return me
}

// replyError maps an SMTP reply: 4xx temporary, anything else permanent.
func replyError(code int, msg string) *core.MailError {
	return &core.MailError{Temporary: code/100 == 4, Code: code, Text: strings.Join(strings.Fields(msg), " ")}
}

// serverText extracts the server's words from a SendError's text, which
// go-mail builds as "<step>: <code> <text>[, <code> <text>…][, affected
// recipient(s): …][, affected message ID: …]": the replies without their
// codes, with the refused recipients named.
func serverText(se *gomail.SendError) string {
	s := strings.TrimPrefix(se.Error(), se.Reason.String()+": ")
	if i := strings.Index(s, ", affected message ID: "); i >= 0 {
		s = s[:i]
	}
	rcpts := ""
	if i := strings.Index(s, ", affected recipient(s): "); i >= 0 {
		s, rcpts = s[:i], s[i+len(", affected recipient(s): "):]
	}
	var replies []string
	for _, part := range strings.Split(s, ", ") {
		part = strings.TrimSpace(part)
		if len(part) > 4 && part[3] == ' ' {
			if _, err := strconv.Atoi(part[:3]); err == nil {
				part = part[4:]
			}
		}
		if part != "" {
			replies = append(replies, part)
		}
	}
	text := strings.Join(strings.Fields(strings.Join(replies, "; ")), " ")
	if rcpts != "" {
		text = rcpts + ": " + text
	}
	return text
}

// rootCause returns the innermost error's text (without Go's wrapping
// prefixes such as "dial failed: ").
func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// redact removes the password, raw and base64-encoded (as PLAIN and LOGIN
// send it), from a text.
func (s *Mailer) redact(text string) string {
	if s.redactor == nil {
		return text
	}
	return s.redactor.Replace(text)
}

func redactor(password string) *strings.Replacer {
	if password == "" {
		return nil
	}
	return strings.NewReplacer(password, "***", base64.StdEncoding.EncodeToString([]byte(password)), "***")
}
