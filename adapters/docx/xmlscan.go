package docx

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small XML scanner that keeps every token's byte offsets, so that a part
// is rewritten by splicing: the bytes between the edited text elements are
// copied as they are (namespace prefixes, attribute order, Word's own
// extensions), which encoding/xml's encoder would not preserve. It checks
// what the rewriting relies on: tags are closed in order, attributes are
// quoted, entities in text are known; no DTD is accepted.

type tokKind uint8

const (
	tokText  tokKind = iota // character data (escaped, as in the source)
	tokCDATA                // <![CDATA[…]]>: raw character data
	tokStart                // <a …>
	tokEmpty                // <a …/>
	tokEnd                  // </a>
	tokOther                // comment or processing instruction
)

type token struct {
	kind       tokKind
	start, end int    // the token's bytes in the input
	name       []byte // qualified name of a tag
	attrs      []byte // a start or empty tag's attributes, raw
	data       []byte // text, or CDATA's content
}

type scanner struct {
	b   []byte
	pos int
}

// syntaxError is a part that is no well-formed XML.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("XML syntax error at byte %d: %s", e.off, e.msg)
}

func (s *scanner) errf(off int, format string, a ...any) error {
	return &syntaxError{off: off, msg: fmt.Sprintf(format, a...)}
}

// next returns the next token; ok is false at the end of the input.
func (s *scanner) next() (t token, ok bool, err error) {
	b, p := s.b, s.pos
	if p >= len(b) {
		return t, false, nil
	}
	t.start = p
	if b[p] != '<' {
		e := bytes.IndexByte(b[p:], '<')
		if e < 0 {
			e = len(b)
		} else {
			e += p
		}
		t.kind, t.end, t.data = tokText, e, b[p:e]
		if err := checkRefs(t.data); err != nil {
			return t, false, s.errf(p, "%v", err)
		}
		s.pos = e
		return t, true, nil
	}
	rest := b[p:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		e := bytes.Index(rest[4:], []byte("-->"))
		if e < 0 {
			return t, false, s.errf(p, "unterminated comment")
		}
		t.kind, t.end = tokOther, p+4+e+3
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		e := bytes.Index(rest[9:], []byte("]]>"))
		if e < 0 {
			return t, false, s.errf(p, "unterminated CDATA")
		}
		t.kind, t.end, t.data = tokCDATA, p+9+e+3, rest[9:9+e]
	case bytes.HasPrefix(rest, []byte("<!")):
		return t, false, s.errf(p, "a DTD or declaration is not allowed")
	case bytes.HasPrefix(rest, []byte("<?")):
		e := bytes.Index(rest[2:], []byte("?>"))
		if e < 0 {
			return t, false, s.errf(p, "unterminated processing instruction")
		}
		t.kind, t.end = tokOther, p+2+e+2
	case bytes.HasPrefix(rest, []byte("</")):
		e := bytes.IndexByte(rest, '>')
		if e < 0 {
			return t, false, s.errf(p, "unterminated end tag")
		}
		name := bytes.TrimRight(rest[2:e], " \t\r\n")
		if !validName(name) {
			return t, false, s.errf(p, "bad end tag %q", clip(string(rest[:e+1])))
		}
		t.kind, t.end, t.name = tokEnd, p+e+1, name
	default:
		i := 1
		for i < len(rest) && !isSpace(rest[i]) && rest[i] != '/' && rest[i] != '>' {
			i++
		}
		t.name = rest[1:i]
		if !validName(t.name) {
			return t, false, s.errf(p, "bad tag name %q", clip(string(t.name)))
		}
		as := i
		for {
			for i < len(rest) && isSpace(rest[i]) {
				i++
			}
			if i >= len(rest) {
				return t, false, s.errf(p, "unterminated tag <%s", t.name)
			}
			if rest[i] == '>' {
				t.kind, t.attrs, t.end = tokStart, rest[as:i], p+i+1
				break
			}
			if rest[i] == '/' {
				if i+1 < len(rest) && rest[i+1] == '>' {
					t.kind, t.attrs, t.end = tokEmpty, rest[as:i], p+i+2
					break
				}
				return t, false, s.errf(p+i, "unexpected / in tag <%s", t.name)
			}
			if i == as || !isSpace(rest[i-1]) {
				return t, false, s.errf(p+i, "no space before an attribute in <%s", t.name)
			}
			ns := i
			for i < len(rest) && rest[i] != '=' && !isSpace(rest[i]) && rest[i] != '>' && rest[i] != '/' {
				i++
			}
			if !validName(rest[ns:i]) {
				return t, false, s.errf(p+ns, "bad attribute name in <%s", t.name)
			}
			for i < len(rest) && isSpace(rest[i]) {
				i++
			}
			if i >= len(rest) || rest[i] != '=' {
				return t, false, s.errf(p+i, "attribute without value in <%s", t.name)
			}
			i++
			for i < len(rest) && isSpace(rest[i]) {
				i++
			}
			if i >= len(rest) || (rest[i] != '"' && rest[i] != '\'') {
				return t, false, s.errf(p+i, "unquoted attribute in <%s", t.name)
			}
			q := rest[i]
			e := bytes.IndexByte(rest[i+1:], q)
			if e < 0 {
				return t, false, s.errf(p+i, "unterminated attribute value in <%s", t.name)
			}
			if bytes.IndexByte(rest[i+1:i+1+e], '<') >= 0 {
				return t, false, s.errf(p+i, "< in an attribute value in <%s", t.name)
			}
			if err := checkRefs(rest[i+1 : i+1+e]); err != nil {
				return t, false, s.errf(p+i, "%v in <%s", err, t.name)
			}
			i += 1 + e + 1
		}
	}
	s.pos = t.end
	return t, true, nil
}

// checkRefs checks the entity and character references of character data
// or an attribute value.
func checkRefs(b []byte) error {
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return nil
		}
		e := bytes.IndexByte(b[i:], ';')
		if e < 0 || e > 12 {
			return fmt.Errorf("bad entity %q", clip(string(b[i:min(len(b), i+12)])))
		}
		if _, err := unescape(b[i : i+e+1]); err != nil {
			return err
		}
		b = b[i+e+1:]
	}
}

// checkChars refuses what XML 1.0 cannot carry: invalid UTF-8 and control
// characters other than tab and line ends.
func checkChars(b []byte) error {
	if !utf8.Valid(b) {
		return &syntaxError{msg: "invalid UTF-8"}
	}
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return &syntaxError{off: i, msg: fmt.Sprintf("control character %#x", c)}
		}
		if c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF) {
			return &syntaxError{off: i, msg: "U+FFFE or U+FFFF"}
		}
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// validName accepts an XML name: a letter, '_' or a non-ASCII character
// first, then also digits, '-' and '.'; at most one colon, not at an end.
func validName(n []byte) bool {
	if len(n) == 0 || n[0] == ':' || n[len(n)-1] == ':' {
		return false
	}
	colons := 0
	for i, c := range n {
		switch {
		case c >= 0x80, c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c == ':':
			colons++
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return colons <= 1
}

// unescape decodes character data: the five predefined entities and
// character references; anything else is an error.
func unescape(raw []byte) (string, error) {
	if bytes.IndexByte(raw, '&') < 0 {
		if !utf8.Valid(raw) {
			return "", fmt.Errorf("invalid UTF-8 in text")
		}
		return string(raw), nil
	}
	var sb strings.Builder
	sb.Grow(len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '&' {
			sb.WriteByte(c)
			i++
			continue
		}
		e := bytes.IndexByte(raw[i:], ';')
		if e < 0 || e > 12 {
			return "", fmt.Errorf("bad entity in text %q", clip(string(raw[i:])))
		}
		ent := string(raw[i+1 : i+e])
		switch ent {
		case "amp":
			sb.WriteByte('&')
		case "lt":
			sb.WriteByte('<')
		case "gt":
			sb.WriteByte('>')
		case "quot":
			sb.WriteByte('"')
		case "apos":
			sb.WriteByte('\'')
		default:
			var n uint64
			var err error
			switch {
			case strings.HasPrefix(ent, "#x"):
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			case strings.HasPrefix(ent, "#"):
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			default:
				err = fmt.Errorf("unknown")
			}
			if err != nil || !xmlChar(rune(n)) {
				return "", fmt.Errorf("bad entity &%s;", clip(ent))
			}
			sb.WriteRune(rune(n))
		}
		i += e + 1
	}
	s := sb.String()
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("invalid UTF-8 in text")
	}
	return s, nil
}

// xmlChar reports whether r may appear in an XML 1.0 document.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// clip shortens s for a message.
func clip(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
