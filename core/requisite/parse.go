package requisite

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseCard reads a company card (карточка предприятия) pasted into chat:
// free text lines such as "ИНН/КПП 7707083893/773601001", "БИК 044525225",
// "Генеральный директор: Греф Герман Оскарович", one field or several on a
// line, separated by ":", "—", "-", "№", spaces or tabs (a table pasted from
// Word or Excel), in any case, with ё or е, digits with spaces inside. A
// label alone on its line takes the next line as its value.
//
// It never guesses: a number without a label, or a labelled value that
// does not look like its field, goes to Card.Unread; a labelled number of
// a wrong length is kept for Card.Check to report. When a field is given
// twice with different values, the first one is kept and the other goes to
// Unread.
func ParseCard(text string) Card {
	var p parser
	for len(text) > 0 {
		line := text
		if i := strings.IndexAny(text, "\r\n"); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		p.line(line)
	}
	return p.card
}

type parser struct {
	card    Card
	pending *match // a label alone on its line, waiting for its value
	// bankBlock is set after a heading such as "Банковские реквизиты":
	// a name without a label is then the bank's.
	bankBlock bool
}

// match is a label found in a line.
type match struct {
	pos, patEnd, end int // start, end of the pattern, end with the qualifier
	k                kind
	weak             bool
	more             []kind // further kinds of a combined label: ИНН/КПП
	text             string // the label as written, without the qualifier
}

func (p *parser) line(raw string) {
	orig := strings.TrimSpace(strings.ToValidUTF8(raw, "\uFFFD"))
	if orig == "" {
		return
	}
	f := fold(orig)
	start := skipBullet(f)
	if h := header(f, start); h > start {
		p.pending = nil
		p.bankBlock = p.bankBlock || strings.Contains(f[start:h], "банк") || strings.Contains(f[start:h], "платежн")
		start = h
	}
	ms := findLabels(f, start)
	for i := range ms {
		ms[i].text = orig[ms[i].pos:ms[i].patEnd]
	}
	first := len(f)
	if len(ms) > 0 {
		first = ms[0].pos
	}
	if lead := strings.TrimSpace(orig[start:first]); lead != "" {
		if p.pending != nil {
			p.assign(*p.pending, lead, lead)
		} else {
			p.unlabeled(trimTrail(lead), fold(trimTrail(lead)))
		}
	}
	p.pending = nil
	for i, m := range ms {
		next := len(orig)
		if i+1 < len(ms) {
			next = ms[i+1].pos
		}
		seg := trimTrail(strings.TrimSpace(orig[m.pos:next]))
		val := orig[m.end:next]
		if len(ms) == 1 && m.pos == start && strings.Trim(val, " \t:") == "" && m.k != kSkipCode && m.k != kSkipText {
			p.pending = &ms[0]
			continue
		}
		p.assign(m, seg, val)
	}
}

// findLabels returns the labels of a folded line, from start. At the start
// any label counts. Further on, a number's label counts only before a
// number, a phone's before a phone, an e-mail's before an address with @,
// and a text label only after ',', ';' or a tab and before ':' or a tab.
func findLabels(f string, start int) []match {
	var ms []match
	prevLetter := false
	for i := start; i < len(f); {
		r, size := utf8.DecodeRuneInString(f[i:])
		if !prevLetter && unicode.IsLetter(r) {
			if m, ok := labelAt(f, i, start); ok {
				ms = append(ms, m)
				i, prevLetter = m.end, false
				continue
			}
		}
		prevLetter = unicode.IsLetter(r)
		i += size
	}
	return ms
}

// labelAt recognises a label at f[i:], with its combined parts (ИНН/КПП)
// and its qualifier (ИНН организации:).
func labelAt(f string, i, start int) (match, bool) {
	l, end, ok := longestLabel(f, i)
	if !ok {
		return match{}, false
	}
	m := match{pos: i, patEnd: end, k: l.k, weak: l.weak}
	for combinable(m.k) {
		j := skipSpaces(f, end)
		if j < len(f) && (f[j] == '/' || f[j] == '\\' || f[j] == ',') {
			j = skipSpaces(f, j+1)
		}
		l2, end2, ok := longestLabel(f, j)
		if !ok || !combinable(l2.k) || j == end {
			break
		}
		if l2.k != m.k {
			m.more = append(m.more, l2.k)
		}
		end = end2
	}
	m.end = extendLabel(f, end, m.k)
	orig := m.k
	m.k = reclassify(m.k, f[i:m.end])
	if i == start {
		return m, true
	}
	return m, midLineOK(f, m, orig)
}

func combinable(k kind) bool { return k == kINN || k == kKPP || k == kOGRN || k == kBIK }

// midLineOK applies the stricter rules for a label after the line's start.
func midLineOK(f string, m match, k kind) bool {
	v := trimLead(f[m.end:])
	switch {
	case m.weak:
		val, _ := numberValue(v, 20, false)
		return len(val) == 20 && digits(val)
	case k.numeric():
		return v != "" && v[0] >= '0' && v[0] <= '9'
	case k == kPhone:
		return v != "" && (v[0] >= '0' && v[0] <= '9' || v[0] == '+' || v[0] == '(')
	case k == kEmail:
		return strings.Contains(firstToken(v), "@")
	}
	before := strings.TrimRight(f[:m.pos], " ")
	if before == "" || !strings.ContainsAny(before[len(before)-1:], ",;\t") {
		return false
	}
	after := strings.TrimLeft(f[m.end-1:], " ")
	return strings.HasPrefix(after, ":") || strings.HasPrefix(after, "\t") ||
		strings.HasPrefix(after, "—") || strings.HasPrefix(after, "–")
}

// skipBullet skips a list bullet or number at the line's start: "• ",
// "- ", "1. ", "2) ".
func skipBullet(f string) int {
	i := 0
	for i < len(f) && f[i] >= '0' && f[i] <= '9' && i < 2 {
		i++
	}
	if i > 0 && i < len(f) && (f[i] == '.' || f[i] == ')') && i+1 < len(f) && f[i+1] == ' ' {
		return skipSpaces(f, i+1)
	}
	for _, b := range []string{"•", "·", "*", "-", "–", "—", ">"} {
		if strings.HasPrefix(f, b) && strings.HasPrefix(f[len(b):], " ") {
			return skipSpaces(f, len(b))
		}
	}
	return 0
}

var headerWords = []string{"карточка", "учетная карточка", "реквизиты", "банковские реквизиты",
	"платежные реквизиты", "сведения об", "общие сведения"}

var headerFiller = map[string]bool{"предприятия": true, "организации": true, "компании": true,
	"контрагента": true, "клиента": true, "партнера": true, "поставщика": true, "индивидуального": true,
	"предпринимателя": true, "для": true, "договора": true, "оплаты": true, "банка": true,
	"организацию": true, "организация": true, "предприятии": true, "компанию": true}

// header returns where the text after a heading such as "Карточка
// предприятия" or "Реквизиты:" starts, or start if the line is no heading.
func header(f string, start int) int {
	i := -1
	for _, h := range headerWords {
		if strings.HasPrefix(f[start:], h) && !letterAt(f, start+len(h)) {
			i = start + len(h)
		}
	}
	if i < 0 {
		return start
	}
	for {
		j := i
		for j < len(f) && strings.IndexByte(" :\t.-", f[j]) >= 0 {
			j++
		}
		w := j
		for w < len(f) && letterAt(f, w) {
			_, n := utf8.DecodeRuneInString(f[w:])
			w += n
		}
		if w == j || !headerFiller[f[j:w]] {
			return j
		}
		i = w
	}
}
