package requisite

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// unlabeled interprets text without a label: a name with its legal form
// ("ПАО Сбербанк"), a bank after "в" ("в ПАО Сбербанк"), an e-mail address,
// an international phone number. Anything else is unread. f is t folded.
func (p *parser) unlabeled(t, f string) {
	c := &p.card
	switch {
	case t == "":
	case (legalForm(f) || fullForm(f)) && (p.bankBlock || (c.ShortName != "" || c.FullName != "") && bankish(f)):
		p.setText(&c.BankName, cleanText(t), t)
	case legalForm(f) || fullForm(f):
		p.setName(cleanText(t), t)
	case strings.HasPrefix(f, "в ") && bankish(f[len("в "):]):
		p.setText(&c.BankName, cleanText(t[len("в "):]), t)
	case emailLike(strings.TrimPrefix(t, "mailto:")):
		p.setText(&c.Email, strings.TrimPrefix(t, "mailto:"), t)
	case strings.HasPrefix(t, "+") && looksLikePhone(t):
		p.setText(&c.Phone, t, t)
	default:
		p.unread(t)
	}
}

// set stores a number; a second, different value is unread.
func (p *parser) set(field *string, v, seg string) {
	switch *field {
	case "":
		*field = v
	case v:
	default:
		p.unread(seg)
	}
}

// setText stores a text; a second value that differs by more than case is
// unread.
func (p *parser) setText(field *string, v, seg string) {
	switch {
	case v == "":
	case *field == "":
		*field = v
	case fold(*field) != fold(v):
		p.unread(seg)
	}
}

func (p *parser) unread(s string) {
	if s = strings.TrimSpace(s); s != "" {
		p.card.Unread = append(p.card.Unread, s)
	}
}

// leadSeps are the separators between a label and its value.
const leadSeps = " \t\u00a0\u202f:—–-−№.=#,|"

func trimLead(v string) string { return strings.TrimLeft(v, leadSeps) }

func trimTrail(v string) string { return strings.TrimRight(v, " \t\u00a0\u202f,;:/\\|") }

// plainSpace reports whether val follows its label after plain spaces only.
func plainSpace(val string) bool {
	t := strings.TrimLeft(val, " ")
	return len(t) < len(val) && t != "" && trimLead(t) == t
}

// cleanText trims a text value, joins its spaces and tabs, and undoes the
// quoting of a cell copied from Excel ("ПАО ""Ромашка""").
func cleanText(v string) string {
	v = strings.Join(strings.Fields(trimTrail(trimLead(v))), " ")
	if n := len(v); n >= 2 && v[0] == '"' && v[n-1] == '"' && strings.Contains(v[1:n-1], `""`) {
		v = strings.ReplaceAll(v[1:n-1], `""`, `"`)
	}
	return v
}

func firstToken(v string) string {
	if i := strings.IndexAny(v, " \t,;"); i >= 0 {
		return v[:i]
	}
	return v
}

var shortForms = []string{"ооо", "оао", "зао", "пао", "нао", "ао", "ип", "нко", "ано", "фгуп", "гуп",
	"муп", "фгбу", "фгку", "гбу", "гку", "мбу", "мку", "мау", "гау", "фгбоу", "тсж", "снт", "кфх", "пк"}

var fullForms = []string{"общество ", "акционерное ", "публичное ", "непубличное ", "закрытое ",
	"открытое ", "индивидуальный предприниматель", "некоммерческ", "автономн", "федеральн",
	"государствен", "муниципальн", "товарищество ", "производственный кооператив",
	"потребительский кооператив", "крестьянск", "глава крестьянск", "частное учреждение"}

// legalForm reports whether a folded name opens with an abbreviated legal
// form followed by the name: "ооо «ромашка»", "ип иванов".
func legalForm(f string) bool {
	for _, sf := range shortForms {
		if strings.HasPrefix(f, sf) && len(f) > len(sf)+1 {
			r, _ := utf8.DecodeRuneInString(f[len(sf):])
			if r == ' ' || r == '«' || r == '"' || r == '“' || r == '„' {
				return true
			}
		}
	}
	return false
}

// fullForm reports whether a folded name opens with a legal form written
// in full: "публичное акционерное общество", "индивидуальный предприниматель".
func fullForm(f string) bool {
	for _, ff := range fullForms {
		if strings.HasPrefix(f, ff) && len(f) > len(ff)+1 {
			return true
		}
	}
	return false
}

// bankish reports whether a folded text after "в" names a bank or a
// treasury office.
func bankish(f string) bool {
	return legalForm(f) || containsAny(f, "банк", "уфк", "казначейств", "филиал", "отделени")
}

// phoneWords may appear in a phone value besides the number.
var phoneWords = map[string]bool{"доб": true, "ext": true, "факс": true, "тел": true, "вн": true, "или": true}

// looksLikePhone reports whether v is one or more phone numbers: 7 to 40
// digits, with + ( ) - . , ; / spaces, and the words доб, ext, факс.
func looksLikePhone(v string) bool {
	n := 0
	f := fold(v)
	for i := 0; i < len(f); {
		r, size := utf8.DecodeRuneInString(f[i:])
		switch {
		case r >= '0' && r <= '9':
			n++
		case unicode.IsLetter(r):
			e := tokenEnd(f, i)
			if !phoneWords[f[i:e]] {
				return false
			}
			size = e - i
		case !strings.ContainsRune(" +()-–.,;/", r):
			return false
		}
		i += size
	}
	return n >= 7 && n <= 40
}

// emailLike reports whether s is a plain e-mail address: one @, a dot in
// the domain, no spaces or brackets.
func emailLike(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || len(s) > 254 || strings.Count(s, "@") != 1 || strings.ContainsAny(s, " \t<>()[],;:\"'") {
		return false
	}
	d := s[at+1:]
	dot := strings.LastIndexByte(d, '.')
	return dot > 0 && dot < len(d)-1 && !strings.HasPrefix(d, ".")
}
