package docx

import (
	"bytes"
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
	p.render(&out, 0, len(p.data), top, lookup, false, func(out *bytes.Buffer, li int) {
		l := &p.lists[li]
		for k, el := range v.Lists[l.name] {
			// Copies of the rows after the first leave out what must be
			// unique in a document: Word's paragraph ids and bookmarks.
			p.render(out, l.start, l.end, l.phs, func(name string) string {
				if s, ok := el[name]; ok {
					return s
				}
				return v.Values[name]
			}, k > 0, nil)
		}
	})
	return out.Bytes()
}

// op is a change to a range of the part's bytes.
type op struct {
	start, end int
	seg        int // a segment to rewrite, or -1
	list       int // a list block to write, or -1 (with seg -1: a drop)
}

// render writes data[from:to] with the placeholders phs replaced, each list
// block (when lists is not nil) by what lists writes for it, and, with
// drop, without the ranges p.drops lists.
func (p *part) render(out *bytes.Buffer, from, to int, phs []int, lookup func(string) string, drop bool,
	lists func(*bytes.Buffer, int)) {
	edits := make(map[int][]edit, len(phs)*2)
	ops := make([]op, 0, len(phs)*2)
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
				ops = append(ops, op{start: p.segs[si].start, end: p.segs[si].end, seg: si, list: -1})
			}
			edits[si] = append(edits[si], e)
		}
	}
	if lists != nil {
		for li, l := range p.lists {
			if l.start >= from && l.end <= to {
				ops = append(ops, op{start: l.start, end: l.end, seg: -1, list: li})
			}
		}
	}
	if drop {
		i := sort.Search(len(p.drops), func(i int) bool { return p.drops[i][0] >= from })
		for ; i < len(p.drops) && p.drops[i][1] <= to; i++ {
			ops = append(ops, op{start: p.drops[i][0], end: p.drops[i][1], seg: -1, list: -1})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].start < ops[j].start })
	cursor := from
	for _, o := range ops {
		if o.start < cursor {
			continue // inside a list block already written
		}
		out.Write(p.data[cursor:o.start])
		switch {
		case o.seg >= 0:
			writeSegment(out, &p.segs[o.seg], edits[o.seg])
		case o.list >= 0:
			lists(out, o.list)
		}
		cursor = o.end
	}
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
