package requisite

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// assign stores the value val of the label m; seg is the whole "label
// value" text, for Unread.
func (p *parser) assign(m match, seg, val string) {
	switch {
	case m.k == kSkipCode || m.k == kSkipText:
		p.card.Skipped = append(p.card.Skipped, seg)
	case m.k.numeric():
		p.assignNumbers(m, seg, val)
	case m.k == kPhone:
		p.assignPhone(seg, val)
	case m.k == kEmail:
		p.assignEmail(seg, val)
	case m.k == kDirector || m.k == kDirectorGeneric || m.k == kPost:
		p.assignDirector(m, seg, val)
	default:
		p.assignText(m, seg, val)
	}
}

// assignNumbers stores the numbers of a label, one per kind of a combined
// label ("ИНН/КПП 7707083893/773601001"), and interprets what follows them.
func (p *parser) assignNumbers(m match, seg, val string) {
	rest := val
	for n, k := range append([]kind{m.k}, m.more...) {
		rest = trimLead(rest)
		if n > 0 {
			rest = trimLead(strings.TrimLeft(rest, "/\\, "))
		}
		if r, ok := emptyMarker(rest); ok {
			rest = r
			continue
		}
		v, r := numberValue(rest, maxDigits(k), k == kKPP)
		if v == "" || (m.weak && (len(v) != 20 || !digits(v))) {
			p.unread(seg)
			return
		}
		p.set(p.numberField(k), v, seg)
		rest = r
	}
	p.numberTail(m.k, strings.TrimSpace(strings.TrimLeft(trimTrail(rest), ",;/\\ ")))
}

// numberTail interprets the text after a number: the bank after a р/с ("в
// ПАО Сбербанк"), where a к/с is held, a registration date; the rest is
// unread.
func (p *parser) numberTail(k kind, rest string) {
	f := fold(rest)
	switch {
	case rest == "":
	case k == kAccount && strings.HasPrefix(f, "в ") && len(rest) > len("в "):
		p.setText(&p.card.BankName, cleanText(rest[len("в "):]), rest)
	case k == kCorr && strings.HasPrefix(f, "в "),
		containsAny(f, "от ", "выдан", "присвоен", "дата") && strings.IndexFunc(f, unicode.IsDigit) > 0:
		p.card.Skipped = append(p.card.Skipped, rest)
	default:
		p.unread(rest)
	}
}

func (p *parser) numberField(k kind) *string {
	switch k {
	case kINN:
		return &p.card.INN
	case kKPP:
		return &p.card.KPP
	case kOGRN:
		return &p.card.OGRN
	case kBIK:
		return &p.card.BIK
	case kCorr:
		return &p.card.CorrAccount
	}
	return &p.card.Account
}

func maxDigits(k kind) int {
	switch k {
	case kINN:
		return 12
	case kKPP, kBIK:
		return 9
	case kOGRN:
		return 15
	}
	return 20
}

// numberValue takes the number at the start of v: a token of letters and
// digits starting with a digit (kept whole, so that "4070281О93…" with a
// Cyrillic О is reported rather than cut), followed by digit groups
// separated by spaces as long as the total stays within max. KPP groups may
// hold Latin capitals.
func numberValue(v string, max int, kpp bool) (val, rest string) {
	if v == "" || v[0] < '0' || v[0] > '9' {
		return "", v
	}
	end := tokenEnd(v, 0)
	val = v[:end]
	for {
		j, spaces := end, 0
		for j < len(v) && spaces < 3 {
			r, n := utf8.DecodeRuneInString(v[j:])
			if r != ' ' && r != '\u00a0' && r != '\u202f' {
				break
			}
			j, spaces = j+n, spaces+1
		}
		e := tokenEnd(v, j)
		tok := v[j:e]
		if spaces == 0 || tok == "" || len(val)+len(tok) > max || !(digits(tok) || kpp && upperAlnum(tok)) {
			return val, v[end:]
		}
		val, end = val+tok, e
	}
}

func tokenEnd(v string, i int) int {
	for i < len(v) {
		r, n := utf8.DecodeRuneInString(v[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		i += n
	}
	return i
}

func upperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && (s[i] < 'A' || s[i] > 'Z') {
			return false
		}
	}
	return true
}

var emptyMarkers = []string{"не предусмотрен", "отсутствует", "нет", "н/д", "n/a"}

// emptyMarker reports whether v says "no value" ("КПП: —", "КПП нет"), and
// returns the text after the marker.
func emptyMarker(v string) (string, bool) {
	if v == "" {
		return "", true
	}
	f := fold(v)
	for _, m := range emptyMarkers {
		if strings.HasPrefix(f, m) {
			e := tokenEnd(f, len(m))
			return v[e:], true
		}
	}
	return v, false
}

// noValue reports whether a text value is empty or says "no value".
func noValue(v string) bool {
	r, ok := emptyMarker(v)
	return ok && strings.TrimSpace(r) == ""
}

// assignText stores a name, an address or a bank's name.
func (p *parser) assignText(m match, seg, val string) {
	v := cleanText(val)
	if noValue(v) {
		return
	}
	if !strings.ContainsFunc(v, unicode.IsLetter) {
		p.unread(seg)
		return
	}
	c := &p.card
	switch m.k {
	case kBank:
		// "Банк ВТБ (ПАО)": the word is the name's, not a label.
		if fold(m.text) == "банк" && m.end == m.patEnd && plainSpace(val) && !legalForm(fold(v)) {
			v = m.text + " " + v
		}
		p.setText(&c.BankName, v, seg)
	case kAddress:
		p.setText(&c.Address, v, seg)
	case kShort:
		p.setText(&c.ShortName, v, seg)
	case kFull:
		p.setText(&c.FullName, v, seg)
	default:
		p.setName(v, seg)
	}
}

// setName stores a name by its legal form: "Общество с ограниченной
// ответственностью «Ромашка»" is full, "ООО «Ромашка»" (or a name without a
// form) short.
func (p *parser) setName(v, seg string) {
	if fullForm(fold(v)) {
		p.setText(&p.card.FullName, v, seg)
	} else {
		p.setText(&p.card.ShortName, v, seg)
	}
}

var posts = []string{"генеральный директор", "исполнительный директор", "председатель правления",
	"ген. директор", "директор", "президент", "управляющий"}

// assignDirector stores the head's name and post.
func (p *parser) assignDirector(m match, seg, val string) {
	v := cleanText(val)
	if noValue(v) {
		return
	}
	c := &p.card
	if m.k == kPost {
		p.setText(&c.DirectorPost, v, seg)
		return
	}
	name, tail := v, ""
	if i := strings.IndexAny(v, ",;("); i >= 0 {
		name, tail = strings.TrimSpace(v[:i]), strings.Trim(v[i:], ",;() ")
	}
	post := ""
	if m.k == kDirector {
		post = m.text
	}
	f := fold(name)
	for _, ps := range posts {
		if strings.HasPrefix(f, ps+" ") {
			post, name = name[:len(ps)], strings.TrimSpace(name[len(ps):])
			break
		}
	}
	if !personName(name) {
		p.unread(seg)
		return
	}
	p.setText(&c.Director, name, seg)
	if post != "" && c.DirectorPost == "" {
		c.DirectorPost = post
	}
	if ft := fold(tail); tail != "" && !strings.HasPrefix(ft, "действ") && !strings.HasPrefix(ft, "на основании") {
		p.unread(tail)
	}
}

// personName reports whether s looks like a person's name: "Греф Герман
// Оскарович", "Иванов И. И.".
func personName(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) && len(strings.Fields(s)) <= 6 &&
		!strings.ContainsFunc(s, func(r rune) bool { return unicode.IsDigit(r) || r == '@' })
}

func (p *parser) assignPhone(seg, val string) {
	if v := cleanText(val); looksLikePhone(v) {
		p.setText(&p.card.Phone, v, seg)
	} else if !noValue(v) {
		p.unread(seg)
	}
}

func (p *parser) assignEmail(seg, val string) {
	v := cleanText(val)
	if noValue(v) {
		return
	}
	tok := firstToken(v)
	addr := strings.TrimRight(strings.TrimPrefix(tok, "mailto:"), ".")
	if !emailLike(addr) {
		p.unread(seg)
		return
	}
	p.setText(&p.card.Email, addr, seg)
	if rest := strings.Trim(v[len(tok):], ",; "); rest != "" {
		if emailLike(firstToken(rest)) {
			p.card.Skipped = append(p.card.Skipped, rest)
		} else {
			p.unread(rest)
		}
	}
}
