package docx

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core"
)

// WordprocessingML's namespaces: transitional (what Word writes) and strict.
const (
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
)

// segment is a piece of a paragraph's text: a <w:t> element (editable), or a
// tab or line break inside a run (text "\t" or "\n", never edited).
type segment struct {
	start, end int    // the whole element's bytes in the part
	qname      []byte // the element's qualified name as written ("w:t")
	text       string // unescaped text
	editable   bool
}

// placeholder is a {{…}} found in a part.
type placeholder struct {
	name string           // "client.name", "#items", "/items"
	at   core.Placeholder // where it is: Where, Part, Table… (no Name, Text)
	text string
	// segs are the segments it covers in order; it starts at off0 in the
	// first one's text and ends before off1 in the last one's.
	segs       []int
	off0, off1 int
	tbl        *table // innermost table, nil outside tables
	row        int    // its row in tbl (1-based)
	list       int    // index of the list block it is in, -1 if none
}

// placeholder is the placeholder as core sees it: its name, place and text.
func (ph *placeholder) placeholder() core.Placeholder {
	out := ph.at
	out.Name, out.Text = ph.name, ph.text
	return out
}

// list is a block of table rows repeated once per element of a list.
type list struct {
	name       string
	start, end int   // the rows' bytes
	phs        []int // the placeholders inside, markers included
}

type table struct {
	n    int
	row  int
	cell int
	rows [][2]int // each row's bytes
}

type para struct {
	segs []int
	at   core.Placeholder // where it is: Where, Part, Table… (no Name, Text)
}

// part is a parsed XML part of the package: the body, a header, a footer,
// the footnotes.
type part struct {
	zipName string
	label   string // "body", "header1"
	data    []byte
	segs    []segment
	phs     []placeholder
	lists   []list
	// drops are what a copy of repeated rows leaves out, in order: the
	// bookmarks and Word's paragraph ids (w14:paraId, w14:textId), which
	// must be unique in a document.
	drops [][2]int
}

// parsePart finds the text of every paragraph and the placeholders in it.
// The first problem with a placeholder is returned as a *core.TemplateError;
// a part that is no well-formed XML as a *syntaxError.
func parsePart(zipName, label string, data []byte) (*part, error) {
	p := &part{zipName: zipName, label: label, data: data}
	if err := checkChars(data); err != nil {
		return nil, err
	}
	sc := &scanner{b: data}
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		sc.pos = 3 // a byte order mark
	}
	var (
		stack    [][]byte
		paras    []*para
		tables   []*table
		nTables  int
		nParas   int
		nameP    []byte
		nameR    []byte
		nameT    []byte
		nameTab  []byte
		nameBr   []byte
		nameCr   []byte
		nameTbl  []byte
		nameTr   []byte
		nameTc   []byte
		rootSeen bool
	)
	setPrefix := func(pf string) {
		q := func(local string) []byte {
			if pf == "" {
				return []byte(local)
			}
			return []byte(pf + ":" + local)
		}
		nameP, nameR, nameT, nameTab, nameBr, nameCr = q("p"), q("r"), q("t"), q("tab"), q("br"), q("cr")
		nameTbl, nameTr, nameTc = q("tbl"), q("tr"), q("tc")
	}
	setPrefix("w")
	var firstErr error
	fail := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	parent := func() []byte {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	where := func() core.Placeholder {
		// Body tables are "table 1, row 2, cell 3" as a lawyer counts them;
		// everything else says its part: "body, paragraph 12",
		// "header1, table 1, row 1, cell 2". The same place is in the
		// fields, for the user's language.
		switch {
		case len(tables) > 0:
			t := tables[len(tables)-1]
			w := "table " + strconv.Itoa(t.n) + ", row " + strconv.Itoa(t.row) + ", cell " + strconv.Itoa(t.cell)
			if label != "body" {
				w = label + ", " + w
			}
			return core.Placeholder{Where: w, Part: label, Table: t.n, Row: t.row, Cell: t.cell, TextBox: len(paras) > 0}
		case len(paras) > 0:
			at := paras[len(paras)-1].at
			at.Where += ", text box"
			at.TextBox = true
			return at
		}
		return core.Placeholder{Where: label + ", paragraph " + strconv.Itoa(nParas), Part: label, Paragraph: nParas}
	}
	addPseudo := func(t token, text string) {
		if len(paras) == 0 || !bytes.Equal(parent(), nameR) {
			return
		}
		p.segs = append(p.segs, segment{start: t.start, end: t.end, text: text})
		cur := paras[len(paras)-1]
		cur.segs = append(cur.segs, len(p.segs)-1)
	}
	for {
		t, ok, err := sc.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		switch t.kind {
		case tokText, tokCDATA:
			if len(stack) == 0 && len(bytes.Trim(t.data, " \t\r\n")) > 0 {
				return nil, sc.errf(t.start, "text outside the root element")
			}
		case tokStart, tokEmpty:
			if !rootSeen {
				rootSeen = true
				if pf, ok := wordPrefix(t.attrs); ok {
					setPrefix(pf)
				}
			} else if len(stack) == 0 {
				return nil, sc.errf(t.start, "a second root element")
			}
			name := t.name
			empty := t.kind == tokEmpty
			if empty && (bytes.HasSuffix(name, []byte(":bookmarkStart")) || bytes.HasSuffix(name, []byte(":bookmarkEnd"))) {
				p.drops = append(p.drops, [2]int{t.start, t.end})
			} else if len(t.attrs) > 0 && (bytes.Equal(name, nameP) || bytes.Equal(name, nameTr)) {
				p.drops = appendIDAttrs(p.drops, t)
			}
			switch {
			case bytes.Equal(name, nameP):
				if len(tables) == 0 && len(paras) == 0 {
					nParas++
				}
				if !empty {
					paras = append(paras, &para{at: where()})
				}
			case bytes.Equal(name, nameT):
				if empty || len(paras) == 0 {
					break
				}
				// Read the text up to </w:t>.
				var raw []byte
				for {
					c, ok, err := sc.next()
					if err != nil {
						return nil, err
					}
					if !ok {
						return nil, sc.errf(t.start, "unterminated <%s>", t.name)
					}
					if c.kind == tokEnd {
						if !bytes.Equal(c.name, t.name) {
							return nil, sc.errf(c.start, "</%s> closes <%s>", c.name, t.name)
						}
						text, err := unescape(raw)
						if err != nil {
							return nil, sc.errf(t.start, "%v", err)
						}
						p.segs = append(p.segs, segment{start: t.start, end: c.end, qname: t.name, text: text, editable: true})
						cur := paras[len(paras)-1]
						cur.segs = append(cur.segs, len(p.segs)-1)
						break
					}
					switch c.kind {
					case tokText:
						if raw != nil {
							raw = append(append([]byte(nil), raw...), c.data...)
						} else {
							raw = c.data
						}
					case tokCDATA:
						esc := escapeText(nil, string(c.data))
						raw = append(append([]byte(nil), raw...), esc...)
					case tokOther:
					default:
						return nil, sc.errf(c.start, "an element inside <%s>", t.name)
					}
				}
				continue // the end tag is consumed: nothing pushed
			case bytes.Equal(name, nameTab):
				addPseudo(t, "\t")
			case bytes.Equal(name, nameBr), bytes.Equal(name, nameCr):
				addPseudo(t, "\n")
			case bytes.Equal(name, nameTbl):
				if !empty {
					nTables++
					tables = append(tables, &table{n: nTables})
				}
			case bytes.Equal(name, nameTr):
				if len(tables) > 0 {
					tb := tables[len(tables)-1]
					tb.row++
					tb.cell = 0
					tb.rows = append(tb.rows, [2]int{t.start, t.end})
				}
			case bytes.Equal(name, nameTc):
				if len(tables) > 0 {
					tables[len(tables)-1].cell++
				}
			}
			if !empty {
				stack = append(stack, name)
			}
		case tokEnd:
			if len(stack) == 0 || !bytes.Equal(stack[len(stack)-1], t.name) {
				want := "nothing"
				if len(stack) > 0 {
					want = "<" + string(stack[len(stack)-1]) + ">"
				}
				return nil, sc.errf(t.start, "</%s> closes %s", t.name, want)
			}
			stack = stack[:len(stack)-1]
			switch {
			case bytes.Equal(t.name, nameP):
				if len(paras) > 0 {
					cur := paras[len(paras)-1]
					paras = paras[:len(paras)-1]
					var tb *table
					row := 0
					if len(tables) > 0 && tables[len(tables)-1].row > 0 {
						tb = tables[len(tables)-1] // (a cell outside any row is no row to repeat)
						row = tb.row
					}
					if err := p.findPlaceholders(cur, tb, row); err != nil {
						fail(err)
					}
				}
			case bytes.Equal(t.name, nameTr):
				if len(tables) > 0 {
					tb := tables[len(tables)-1]
					if len(tb.rows) > 0 {
						tb.rows[len(tb.rows)-1][1] = t.end
					}
				}
			case bytes.Equal(t.name, nameTbl):
				if len(tables) > 0 {
					tables = tables[:len(tables)-1]
				}
			}
		}
	}
	if len(stack) > 0 {
		return nil, sc.errf(len(data), "<%s> is not closed", stack[len(stack)-1])
	}
	if !rootSeen {
		return nil, sc.errf(0, "no root element")
	}
	if firstErr != nil {
		return p, firstErr
	}
	return p, p.findLists()
}

// appendIDAttrs appends the ranges of a tag's paraId and textId
// attributes (any prefix), in order.
func appendIDAttrs(drops [][2]int, t token) [][2]int {
	base := t.start + 1 + len(t.name) // t.attrs' offset in the part
	a := t.attrs
	for i := 0; i < len(a); {
		// an attribute: spaces, name, spaces, '=', spaces, quoted value
		s := i
		for i < len(a) && isSpace(a[i]) {
			i++
		}
		ns := i
		for i < len(a) && a[i] != '=' && !isSpace(a[i]) {
			i++
		}
		name := a[ns:i]
		for i < len(a) && (isSpace(a[i]) || a[i] == '=') {
			i++
		}
		if i >= len(a) {
			break
		}
		q := a[i]
		e := bytes.IndexByte(a[i+1:], q)
		if e < 0 {
			break
		}
		i += e + 2
		if bytes.HasSuffix(name, []byte(":paraId")) || bytes.HasSuffix(name, []byte(":textId")) {
			drops = append(drops, [2]int{base + s, base + i})
		}
	}
	return drops
}

// wordPrefix finds the prefix the root element binds to WordprocessingML.
func wordPrefix(attrs []byte) (string, bool) {
	for _, ns := range []string{nsW, nsWStrict} {
		for _, q := range []string{`"` + ns + `"`, `'` + ns + `'`} {
			i := bytes.Index(attrs, []byte(q))
			if i < 0 {
				continue
			}
			// walk back over optional spaces and '=' to the attribute name
			j := i
			for j > 0 && isSpace(attrs[j-1]) {
				j--
			}
			if j == 0 || attrs[j-1] != '=' {
				continue
			}
			j--
			for j > 0 && isSpace(attrs[j-1]) {
				j--
			}
			e := j
			for j > 0 && !isSpace(attrs[j-1]) {
				j--
			}
			name := string(attrs[j:e])
			switch {
			case name == "xmlns":
				return "", true
			case strings.HasPrefix(name, "xmlns:"):
				return name[len("xmlns:"):], true
			}
		}
	}
	return "", false
}

// findPlaceholders scans a paragraph's text for {{…}}.
func (p *part) findPlaceholders(pr *para, tb *table, row int) error {
	if len(pr.segs) == 0 {
		return nil
	}
	var sb strings.Builder
	offs := make([]int, len(pr.segs))
	for i, si := range pr.segs {
		offs[i] = sb.Len()
		sb.WriteString(p.segs[si].text)
	}
	text := sb.String()
	bad := func(problem, name string, at int) error {
		ph := pr.at
		ph.Name, ph.Text = clip(name), around(text, at, at+len(name))
		return &core.TemplateError{Problem: problem, Placeholder: ph}
	}
	if strings.Contains(text, "{") {
		for _, m := range oneBrace.FindAllStringSubmatchIndex(text, -1) {
			if m[3]-m[2] == 1 || m[5]-m[4] == 1 {
				return bad("broken", text[m[0]:m[1]], m[0])
			}
		}
	}
	if !strings.Contains(text, "{{") && !strings.Contains(text, "}}") {
		return nil
	}
	for i := 0; i < len(text); {
		o := strings.Index(text[i:], "{{")
		c := strings.Index(text[i:], "}}")
		if c >= 0 && (o < 0 || c < o) {
			return bad("broken", "}}", i+c)
		}
		if o < 0 {
			break
		}
		o += i
		c = strings.Index(text[o+2:], "}}")
		o2 := strings.Index(text[o+2:], "{{")
		if c < 0 || (o2 >= 0 && o2 < c) {
			end := len(text)
			if o2 >= 0 {
				end = o + 2 + o2
			}
			return bad("unclosed", strings.TrimRight(text[o:end], " \u00a0"), o)
		}
		end := o + 2 + c + 2
		name := strings.Trim(text[o+2:end-2], " \u00a0")
		if !validPlaceholder(name) {
			return bad("broken", text[o:end], o)
		}
		ph := placeholder{name: name, at: pr.at, text: around(text, o, end), tbl: tb, row: row, list: -1}
		for k, si := range pr.segs {
			s0, s1 := offs[k], offs[k]+len(p.segs[si].text)
			if s1 <= o || s0 >= end {
				continue
			}
			if !p.segs[si].editable {
				return bad("broken", text[o:end], o) // a tab or break inside
			}
			if len(ph.segs) == 0 {
				ph.off0 = o - s0
			}
			ph.segs = append(ph.segs, si)
			ph.off1 = end - s0
		}
		p.phs = append(p.phs, ph)
		i = end
	}
	return nil
}

// oneBrace finds a dotted name in braces: {{client.inn}}, and the shapes a
// typo leaves, {client.inn}, {{client.inn} and {client.inn}}, which would
// otherwise be taken for text and left in the document. Group 1 is the
// opening braces, group 2 the closing ones.
var oneBrace = regexp.MustCompile(`(\{+)[ \x{00a0}]*[#/]?[\pL\pN_-]+(?:\.[\pL\pN_-]+)+[ \x{00a0}]*(\}+)`)

// validPlaceholder checks a placeholder's name: dot-separated words of
// letters, digits, '_' or '-', optionally after '#' (a list's start) or '/'
// (its end).
func validPlaceholder(name string) bool {
	if strings.HasPrefix(name, "#") || strings.HasPrefix(name, "/") {
		name = name[1:]
	}
	if name == "" {
		return false
	}
	for _, w := range strings.Split(name, ".") {
		if w == "" {
			return false
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' {
				return false
			}
		}
	}
	return true
}

// findLists pairs list starts and ends into blocks of table rows.
func (p *part) findLists() error {
	mismatch := func(ph *placeholder) error {
		return &core.TemplateError{Problem: "list_mismatch", Placeholder: ph.placeholder()}
	}
	open := -1
	for i := range p.phs {
		ph := &p.phs[i]
		switch {
		case strings.HasPrefix(ph.name, "#"):
			if open >= 0 {
				return mismatch(&p.phs[open]) // not closed before the next list
			}
			if ph.tbl == nil {
				return mismatch(ph) // not in a table row
			}
			open = i
		case strings.HasPrefix(ph.name, "/"):
			if open < 0 {
				return mismatch(ph)
			}
			op := &p.phs[open]
			if ph.name[1:] != op.name[1:] || ph.tbl != op.tbl || ph.row < op.row {
				return mismatch(ph)
			}
			p.lists = append(p.lists, list{name: op.name[1:],
				start: op.tbl.rows[op.row-1][0], end: ph.tbl.rows[ph.row-1][1]})
			open = -1
		}
	}
	if open >= 0 {
		return mismatch(&p.phs[open])
	}
	for i := range p.phs {
		ph := &p.phs[i]
		start := p.segs[ph.segs[0]].start
		for li := range p.lists {
			if l := &p.lists[li]; start >= l.start && start < l.end {
				ph.list = li
				l.phs = append(l.phs, i)
				break
			}
		}
		// A list's value outside its rows would be filled with nothing.
		if ph.list < 0 && !strings.HasPrefix(ph.name, "#") && !strings.HasPrefix(ph.name, "/") {
			for _, l := range p.lists {
				if strings.HasPrefix(ph.name, l.name+".") {
					return mismatch(ph)
				}
			}
		}
	}
	return nil
}

// around is the paragraph's text near [from, to), shortened to recognize
// the placeholder.
func around(text string, from, to int) string {
	const side = 30
	text = strings.NewReplacer("\t", " ", "\n", " ").Replace(text)
	a, b := from, to
	for n := 0; a > 0 && n < side; n++ {
		_, sz := utf8.DecodeLastRuneInString(text[:a])
		a -= sz
	}
	for n := 0; b < len(text) && n < side; n++ {
		_, sz := utf8.DecodeRuneInString(text[b:])
		b += sz
	}
	s := strings.TrimSpace(text[a:b])
	if a > 0 {
		s = "…" + s
	}
	if b < len(text) {
		s += "…"
	}
	return s
}

func (p *part) String() string { return fmt.Sprintf("%s (%d placeholders)", p.zipName, len(p.phs)) }
