package requisite

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is what a label in a company card announces.
type kind uint8

const (
	kNone kind = iota
	kINN
	kKPP
	kOGRN
	kBIK
	kAccount
	kCorr
	kSkipCode // a number the card does not keep: ОКПО, ОКВЭД, л/с…
	kPhone
	kEmail
	kName // a name, short or full by its legal form
	kShort
	kFull
	kAddress
	kDirector        // a post as the label: the label is the post
	kDirectorGeneric // "Руководитель": the post may open the value
	kPost            // "Должность руководителя"
	kBank
	kSkipText // text the card does not keep: postal address, accountant…
)

// numeric reports whether the kind's value is a number.
func (k kind) numeric() bool { return k >= kINN && k <= kSkipCode }

// label is one way of writing a field's name. Patterns are folded (lower
// case, ё as е); in them ' ' matches any run of spaces (or none), '.' an
// optional dot, '-' an optional hyphen or space, '/' a slash or backslash
// with spaces around.
type label struct {
	pat  string
	k    kind
	weak bool // "Счёт": only a 20-digit value makes it an account
}

var labels = []label{
	{"инн", kINN, false}, {"идентификационный номер налогоплательщика", kINN, false},
	{"кпп", kKPP, false}, {"код причины постановки на учет", kKPP, false},
	{"огрн", kOGRN, false}, {"огрнип", kOGRN, false}, {"огрн ип", kOGRN, false},
	{"основной государственный регистрационный номер", kOGRN, false},
	{"бик", kBIK, false}, {"банковский идентификационный код", kBIK, false},
	{"р/с", kAccount, false}, {"р/сч.", kAccount, false}, {"р/счет", kAccount, false}, {"р.с.", kAccount, false},
	{"p/c", kAccount, false}, {"рас/сч.", kAccount, false}, {"расч/сч.", kAccount, false}, {"расч. сч.", kAccount, false},
	{"расч. счет", kAccount, false}, {"рас. счет", kAccount, false}, {"расч/счет", kAccount, false},
	{"расчетный счет", kAccount, false}, {"номер счета", kAccount, true}, {"номер расчетного счета", kAccount, false},
	{"казначейский счет", kAccount, false}, {"номер казначейского счета", kAccount, false},
	{"счет", kAccount, true}, {"счет получателя", kAccount, false}, {"банковский счет", kAccount, true},
	{"к/с", kCorr, false}, {"к/сч.", kCorr, false}, {"к/счет", kCorr, false}, {"k/c", kCorr, false},
	{"кор. счет", kCorr, false}, {"корр. счет", kCorr, false}, {"кор/сч.", kCorr, false}, {"корр/сч.", kCorr, false},
	{"кор. сч.", kCorr, false}, {"корр. сч.", kCorr, false}, {"корсчет", kCorr, false}, {"корр/с", kCorr, false},
	{"корреспондентский счет", kCorr, false}, {"екс", kCorr, false}, {"единый казначейский счет", kCorr, false},
	{"окпо", kSkipCode, false}, {"оквэд", kSkipCode, false}, {"окато", kSkipCode, false}, {"октмо", kSkipCode, false},
	{"окогу", kSkipCode, false}, {"окфс", kSkipCode, false}, {"окопф", kSkipCode, false}, {"оконх", kSkipCode, false},
	{"л/с", kSkipCode, false}, {"лицевой счет", kSkipCode, false}, {"дата регистрации", kSkipCode, false},
	{"дата постановки на учет", kSkipCode, false}, {"кбк", kSkipCode, false},
	{"телефон", kPhone, false}, {"тел.", kPhone, false}, {"тел./факс", kPhone, false}, {"телефон/факс", kPhone, false},
	{"моб.", kPhone, false}, {"мобильный телефон", kPhone, false}, {"контактный телефон", kPhone, false}, {"phone", kPhone, false},
	{"e-mail", kEmail, false}, {"email", kEmail, false}, {"эл. почта", kEmail, false}, {"электронная почта", kEmail, false},
	{"адрес электронной почты", kEmail, false}, {"эл. адрес", kEmail, false}, {"почта", kEmail, false}, {"mail", kEmail, false},
	{"наименование", kName, false}, {"название", kName, false}, {"фирменное наименование", kName, false},
	{"наименование организации", kName, false}, {"организация", kName, false}, {"предприятие", kName, false},
	{"компания", kName, false}, {"контрагент", kName, false}, {"получатель", kName, false},
	{"полное наименование", kFull, false}, {"полное фирменное наименование", kFull, false}, {"полное название", kFull, false},
	{"сокращенное наименование", kShort, false}, {"краткое наименование", kShort, false}, {"сокр. наименование", kShort, false},
	{"сокращенное фирменное наименование", kShort, false}, {"краткое название", kShort, false}, {"сокращенное название", kShort, false},
	{"адрес", kAddress, false}, {"юридический адрес", kAddress, false}, {"юр. адрес", kAddress, false},
	{"место нахождения", kAddress, false}, {"местонахождение", kAddress, false}, {"адрес регистрации", kAddress, false},
	{"юридический и почтовый адрес", kAddress, false}, {"юридический/почтовый адрес", kAddress, false},
	{"генеральный директор", kDirector, false}, {"ген. директор", kDirector, false}, {"гендиректор", kDirector, false},
	{"директор", kDirector, false}, {"исполнительный директор", kDirector, false}, {"президент", kDirector, false},
	{"председатель правления", kDirector, false}, {"управляющий", kDirector, false},
	{"руководитель", kDirectorGeneric, false}, {"фио руководителя", kDirectorGeneric, false},
	{"единоличный исполнительный орган", kDirectorGeneric, false},
	{"должность руководителя", kPost, false}, {"должность", kPost, false},
	{"банк", kBank, false}, {"банк получателя", kBank, false}, {"банк-получатель", kBank, false},
	{"наименование банка", kBank, false}, {"название банка", kBank, false}, {"обслуживающий банк", kBank, false},
	{"почтовый адрес", kSkipText, false}, {"фактический адрес", kSkipText, false}, {"адрес для корреспонденции", kSkipText, false},
	{"факс", kSkipText, false}, {"сайт", kSkipText, false}, {"веб-сайт", kSkipText, false}, {"web", kSkipText, false},
	{"главный бухгалтер", kSkipText, false}, {"гл. бухгалтер", kSkipText, false}, {"бухгалтер", kSkipText, false},
	{"контактное лицо", kSkipText, false}, {"система налогообложения", kSkipText, false}, {"swift", kSkipText, false},
}

// labelIndex groups the labels by their first letter.
var labelIndex = func() map[rune][]label {
	m := make(map[rune][]label)
	for _, l := range labels {
		r, _ := utf8.DecodeRuneInString(l.pat)
		m[r] = append(m[r], l)
	}
	return m
}()

// longestLabel returns the longest label at f[i:] (f folded) that ends
// where a word ends, and the end of its match.
func longestLabel(f string, i int) (label, int, bool) {
	if i >= len(f) {
		return label{}, 0, false
	}
	var best label
	bestEnd := -1
	r, _ := utf8.DecodeRuneInString(f[i:])
	for _, l := range labelIndex[r] {
		end := matchPattern(f, i, l.pat)
		if end > bestEnd && !letterAt(f, end) {
			best, bestEnd = l, end
		}
	}
	return best, bestEnd, bestEnd >= 0
}

// matchPattern matches pat at f[i:] and returns the end, or -1.
func matchPattern(f string, i int, pat string) int {
	k := i
	for j := 0; j < len(pat); j++ {
		switch c := pat[j]; c {
		case ' ':
			k = skipSpaces(f, k)
		case '.':
			if k < len(f) && f[k] == '.' {
				k++
			}
		case '-':
			if k < len(f) && (f[k] == '-' || f[k] == ' ') {
				k++
			}
		case '/':
			k = skipSpaces(f, k)
			if k >= len(f) || (f[k] != '/' && f[k] != '\\') {
				return -1
			}
			k = skipSpaces(f, k+1)
		default:
			if k >= len(f) || f[k] != c {
				return -1
			}
			k++
		}
	}
	return k
}

func skipSpaces(f string, k int) int {
	for k < len(f) && f[k] == ' ' {
		k++
	}
	return k
}

func letterAt(f string, i int) bool {
	if i >= len(f) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(f[i:])
	return unicode.IsLetter(r)
}

// fold lowers the case, turns ё into е, spaces of any kind into ' ' and '|'
// into a tab, keeping every byte offset: a rune whose replacement has
// another length is kept as it is.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case c >= 'A' && c <= 'Z':
				c += 'a' - 'A'
			case c == '|':
				c = '\t'
			case c == '\v' || c == '\f' || c == '\r':
				c = ' '
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError:
			b.WriteString("????"[:n])
			continue
		case r == 'Ё' || r == 'ё':
			r = 'е'
		case r >= 'А' && r <= 'Я':
			r += 'а' - 'А'
		case r >= 'а' && r <= 'я':
		case unicode.IsSpace(r):
			b.WriteString("    "[:n])
			continue
		default:
			if l := unicode.ToLower(r); utf8.RuneLen(l) == n {
				r = l
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// extendLabel takes a qualifier after a label into it: "ИНН организации:",
// "Юридический адрес (место нахождения):", "БИК банка 044525225". The
// qualifier is at most 4 words with no label of another kind; it ends with
// ':' or a tab, or, for a number, where the number starts.
func extendLabel(f string, end int, k kind) int {
	words, inWord := 0, false
	for j := end; j < len(f); {
		r, size := utf8.DecodeRuneInString(f[j:])
		switch {
		case r == ':':
			return j + 1
		case r == '\t':
			return j
		case unicode.IsDigit(r) || r == '№' || r == '+':
			if words > 0 && (k.numeric() || k == kPhone) {
				return j
			}
			return end
		case unicode.IsLetter(r):
			if !inWord {
				words++
				if l, _, ok := longestLabel(f, j); words > 4 || (ok && l.k != k) {
					return end
				}
			}
			inWord = true
		case r == ' ' || r == '(' || r == ')' || r == '.' || r == '/' || r == '-':
			inWord = false
		default:
			return end
		}
		j += size
	}
	return end
}

// reclassify corrects a label's kind by its full text: "ИНН банка" is the
// bank's own INN, "Полное наименование банка" the bank's name, "Почтовый
// адрес" not the legal address.
func reclassify(k kind, text string) kind {
	bank := strings.Contains(text, "банк")
	switch {
	case bank && (k == kINN || k == kKPP || k == kOGRN):
		return kSkipCode
	case bank && (k == kAddress || k == kPhone || k == kEmail || k == kDirector || k == kDirectorGeneric || k == kPost):
		return kSkipText
	case bank && (k == kName || k == kShort || k == kFull):
		return kBank
	case k == kAddress && containsAny(text, "почтов", "фактич", "корреспонд", "доставк") &&
		!containsAny(text, "юрид", "нахожд", "регистрац"):
		return kSkipText
	case (k == kDirector || k == kDirectorGeneric) && containsAny(text, " по ", "заместител"):
		return kSkipText
	}
	return k
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
