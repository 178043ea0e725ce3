package docx

import (
	"bytes"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core"
)

// edit replaces text[from:to] of a segment.
type edit struct {
	from, to int
	repl     string
}

// fill renders the part with the values.
func (p *part) fill(v core.DocValues) []byte {
	var out bytes.Buffer
	out.Grow(len(p.data) + len(p.data)/8)
	top := make([]int, 0, len(p.phs))
	for i := range p.phs {
		if p.phs[i].list < 0 {
			top = append(top, i)
		}
	}
	lookup := func(name string) string { return v.Values[name] }
	var row bytes.Buffer
	p.render(&out, 0, len(p.data), top, lookup, func(out *bytes.Buffer, li int) {
		l := &p.lists[li]
		for k, el := range v.Lists[l.name] {
			row.Reset()
			p.render(&row, l.start, l.end, l.phs, func(name string) string {
				if s, ok := el[name]; ok {
					return s
				}
				return v.Values[name]
			}, nil)
			if k == 0 {
				out.Write(row.Bytes())
				continue
			}
			// Copies of the rows leave out what must be unique in a
			// document: Word's paragraph ids and the bookmarks.
			b := uniqueAttr.ReplaceAll(row.Bytes(), nil)
			out.Write(bookmark.ReplaceAll(b, nil))
		}
	})
	return out.Bytes()
}

var (
	uniqueAttr = regexp.MustCompile(`\s[A-Za-z0-9_]+:(?:paraId|textId)\s*=\s*("[^"]*"|'[^']*')`)
	bookmark   = regexp.MustCompile(`<[A-Za-z0-9_]+:bookmark(?:Start|End)\s[^>]*/>`)
)

// render writes data[from:to] with the placeholders phs replaced, and each
// list block (when lists is not nil) by what lists writes for it.
func (p *part) render(out *bytes.Buffer, from, to int, phs []int, lookup func(string) string,
	lists func(*bytes.Buffer, int)) {
	edits := make(map[int][]edit, len(phs)*2)
	touched := make([]int, 0, len(phs)*2)
	for _, i := range phs {
		ph := &p.phs[i]
		val := ""
		if ph.name[0] != '#' && ph.name[0] != '/' {
			val = lookup(ph.name)
		}
		last := len(ph.segs) - 1
		for k, si := range ph.segs {
			e := edit{from: 0, to: len(p.segs[si].text)}
			if k == 0 {
				e.from, e.repl = ph.off0, val
			}
			if k == last {
				e.to = ph.off1
			}
			if _, ok := edits[si]; !ok {
				touched = append(touched, si)
			}
			edits[si] = append(edits[si], e)
		}
	}
	sort.Ints(touched)
	cursor := from
	li := 0
	flushLists := func(before int) {
		if lists == nil {
			return
		}
		for ; li < len(p.lists) && p.lists[li].start < before; li++ {
			l := &p.lists[li]
			if l.start < cursor || l.end > to {
				continue
			}
			out.Write(p.data[cursor:l.start])
			lists(out, li)
			cursor = l.end
		}
	}
	for _, si := range touched {
		s := &p.segs[si]
		flushLists(s.start)
		out.Write(p.data[cursor:s.start])
		writeSegment(out, s, edits[si])
		cursor = s.end
	}
	flushLists(to + 1)
	out.Write(p.data[cursor:to])
}

// writeSegment writes a text element with its edits applied, as
// <w:t xml:space="preserve">…</w:t>, breaking it for line breaks and tabs in
// the values.
func writeSegment(out *bytes.Buffer, s *segment, edits []edit) {
	sort.Slice(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	var sb strings.Builder
	at := 0
	for _, e := range edits {
		sb.WriteString(s.text[at:e.from])
		sb.WriteString(clean(e.repl))
		at = e.to
	}
	sb.WriteString(s.text[at:])
	text := sb.String()

	q := s.qname
	pfx := q[:bytes.IndexByte(q, ':')+1] // "w:" or ""
	open := func() {
		out.WriteByte('<')
		out.Write(q)
		out.WriteString(` xml:space="preserve">`)
	}
	closeT := func() {
		out.WriteString("</")
		out.Write(q)
		out.WriteByte('>')
	}
	open()
	for {
		i := strings.IndexAny(text, "\n\t")
		if i < 0 {
			break
		}
		out.Write(escapeText(nil, text[:i]))
		closeT()
		out.WriteByte('<')
		out.Write(pfx)
		if text[i] == '\n' {
			out.WriteString("br/>")
		} else {
			out.WriteString("tab/>")
		}
		open()
		text = text[i+1:]
	}
	out.Write(escapeText(nil, text))
	closeT()
}

// clean makes a value fit XML text: invalid UTF-8 becomes U+FFFD, line
// ends become "\n", and characters XML cannot carry are dropped.
func clean(s string) string {
	ok := utf8.ValidString(s)
	for i := 0; ok && i < len(s); i++ {
		// 0xEF starts U+FFFE and U+FFFF, which XML cannot carry either
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0xEF {
			ok = false
		}
	}
	if ok {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\r' || r == '\v' || r == '\f':
			sb.WriteByte('\n')
		case xmlChar(r):
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// escapeText appends s escaped as XML character data.
func escapeText(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&apos;"
		default:
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}
