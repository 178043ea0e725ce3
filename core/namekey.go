package core

import (
	"strings"
	"unicode"
)

// legalForms are the legal forms (full and short) that NameKey drops, the
// longer first so that "публичное акционерное общество" goes before
// "акционерное общество".
var legalForms = []string{
	"федеральное государственное унитарное предприятие",
	"общество с ограниченной ответственностью", "публичное акционерное общество",
	"непубличное акционерное общество", "закрытое акционерное общество", "открытое акционерное общество",
	"акционерное общество", "индивидуальный предприниматель", "государственное унитарное предприятие",
	"муниципальное унитарное предприятие",
	"автономная некоммерческая организация", "некоммерческое партнерство", "производственный кооператив",
	"ооо", "пао", "зао", "оао", "нао", "ао", "ип", "гуп", "муп", "фгуп", "ано", "нп", "пк",
}

// lookalikes maps lower-case Latin letters to the Cyrillic ones they look like.
var lookalikes = map[rune]rune{'a': 'а', 'b': 'в', 'c': 'с', 'e': 'е', 'h': 'н', 'k': 'к', 'm': 'м',
	'o': 'о', 'p': 'р', 't': 'т', 'x': 'х', 'y': 'у'}

// NameKey folds a company name to what identifies it: NormalizeName, then
// without legal forms, quotes and punctuation. «ООО "Ромашка"» and
// «Общество с ограниченной ответственностью РОМАШКА» share the key
// "ромашка". Two clients with one key are likely duplicates.
//
// Latin letters that look like Cyrillic ones are read as Cyrillic, so that
// «OOO Ромашка» typed with a Latin O matches; both sides of a comparison
// are folded alike, so Latin names still match each other.
func NameKey(name string) string {
	n := NormalizeName(name)
	n = strings.Map(func(r rune) rune {
		if c, ok := lookalikes[r]; ok {
			return c
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, n)
	n = " " + strings.Join(strings.Fields(n), " ") + " "
	for _, f := range legalForms {
		n = strings.ReplaceAll(n, " "+f+" ", " ")
	}
	return strings.Join(strings.Fields(n), " ")
}
