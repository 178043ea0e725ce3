package mail

import (
	"bytes"
	"fmt"
	"mime"
	netmail "net/mail"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"

	"github.com/dealdesk/dealdesk/core"
)

// message builds the go-mail message of m. A mail without a recipient or
// with a malformed address is a permanent *core.MailError: no server would
// take it.
func (s *Mailer) message(m *core.Mail) (*gomail.Msg, error) {
	if m == nil || len(m.To) == 0 {
		return nil, &core.MailError{Text: "the mail has no recipient"}
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent())
	msg.SetUserAgent("DealDesk")
	msg.FromMailAddress(s.from)
	for _, to := range m.To {
		a, err := netmail.ParseAddress(strings.TrimSpace(to))
		if err != nil {
			return nil, &core.MailError{Text: "the recipient address " + quote(to) + " is not an email address"}
		}
		msg.AddToMailAddress(a)
	}
	if r := strings.TrimSpace(m.ReplyTo); r != "" {
		a, err := netmail.ParseAddress(r)
		if err != nil {
			return nil, &core.MailError{Text: "the reply-to address " + quote(r) + " is not an email address"}
		}
		msg.ReplyToMailAddress(a)
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetDate()
	if id := messageID(m.MessageID, s.domain); id != "" {
		msg.SetMessageIDWithValue(id)
	} else {
		msg.SetMessageID()
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	for _, a := range m.Attachments {
		name := fileName(a.Name)
		ct := strings.TrimSpace(a.MIME)
		if ct == "" {
			if ct = mime.TypeByExtension(path.Ext(name)); ct == "" {
				ct = "application/octet-stream"
			}
		}
		ctype, cdisp := attachmentHeaders(ct, name)
		err := msg.AttachReader(name, bytes.NewReader(a.Data), func(f *gomail.File) {
			f.Header.Set("Content-Type", ctype)
			f.Header.Set("Content-Disposition", cdisp)
		})
		if err != nil {
			return nil, core.Wrap(core.EINTERNAL, "err.internal", err)
		}
	}
	return msg, nil
}

// messageID returns the Message-ID (without angle brackets) for DealDesk's
// own id: characters a Message-ID cannot hold become "-", and an id
// without a domain gets the sender's, so that "doc-12-v3" becomes
// "doc-12-v3@example.ru". The same id gives the same Message-ID, so a
// retry is recognizable. Empty means none was given.
func messageID(id, domain string) string {
	id = strings.Trim(strings.TrimSpace(id), "<>")
	if id == "" {
		return ""
	}
	var b strings.Builder
	for _, r := range id {
		if r < utf8.RuneSelf && (isAtext(byte(r)) || r == '.' || r == '@') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	id = b.String()
	if strings.Count(id, "@") == 1 && !strings.HasPrefix(id, "@") && !strings.HasSuffix(id, "@") {
		return id
	}
	id = strings.ReplaceAll(id, "@", "-")
	return id + "@" + domain
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// fileName makes an attachment's name safe for a header and for the
// recipient's disk: no directories, no control characters, never empty.
func fileName(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return -1
		case r == '/' || r == '\\':
			return '_'
		}
		return r
	}, strings.ToValidUTF8(name, "_"))
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		return "attachment"
	}
	return name
}

// attachmentHeaders returns the Content-Type and Content-Disposition of an
// attachment. An ASCII name is a plain quoted parameter. A name in
// Cyrillic is written both ways mail readers understand: RFC 2231 (a
// filename* parameter of percent-encoded UTF-8, split into numbered
// sections when long) for the readers that follow the standard, which
// prefer it, and RFC 2047 encoded words in name= and filename= for the old
// ones that only know those.
func attachmentHeaders(contentType, name string) (ctype, cdisp string) {
	if isPlainASCII(name) {
		q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
		return contentType + "; name=" + q, "attachment; filename=" + q
	}
	// Encoded words of at most 75 characters each, each on its own folded
	// line; readers drop the white space between adjacent encoded words.
	words := strings.ReplaceAll(mime.BEncoding.Encode("UTF-8", name), "?= =?", "?=\r\n =?")
	return contentType + `; name="` + words + `"`,
		"attachment; filename=\"" + words + "\";\r\n " + rfc2231("filename", name)
}

// rfc2231 encodes a parameter value by RFC 2231: UTF-8, percent-encoded,
// in numbered sections of at most 60 encoded characters each on its own
// folded line, so that no header line grows past what servers accept.
func rfc2231(param, value string) string {
	const maxSection = 60
	var sections []string
	var cur strings.Builder
	for _, r := range value {
		var enc strings.Builder
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		for _, c := range buf[:n] {
			if isAttrChar(c) {
				enc.WriteByte(c)
			} else {
				fmt.Fprintf(&enc, "%%%02X", c)
			}
		}
		if cur.Len()+enc.Len() > maxSection && cur.Len() > 0 {
			sections = append(sections, cur.String())
			cur.Reset()
		}
		cur.WriteString(enc.String())
	}
	sections = append(sections, cur.String())
	if len(sections) == 1 {
		return param + "*=UTF-8''" + sections[0]
	}
	var b strings.Builder
	for i, s := range sections {
		if i > 0 {
			b.WriteString(";\r\n ")
		}
		b.WriteString(param + "*" + strconv.Itoa(i) + "*=")
		if i == 0 {
			b.WriteString("UTF-8''")
		}
		b.WriteString(s)
	}
	return b.String()
}

// isAttrChar reports whether c may stand unencoded in an RFC 2231 value
// (attribute-char: a token character other than *, ' and %).
func isAttrChar(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return false
	}
	return strings.IndexByte(`*'%()<>@,;:\"/[]?=`, c) < 0
}

// isPlainASCII reports whether a name can be a plain quoted parameter.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return len(s) <= 70
}

// oneLine removes line breaks from a header's text.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func quote(s string) string { return `"` + oneLine(s) + `"` }
