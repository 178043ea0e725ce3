// Package ruwords writes numbers, money and dates in Russian words the way
// Russian contracts, invoices and proposals write them: «сто двадцать три
// тысячи четыреста пятьдесят шесть рублей 78 копеек», «1 декабря 2026 г.».
//
// It has no dependencies and knows nothing of DealDesk: core fills
// documents' placeholders with it (deal.amount_words, doc.date_words).
package ruwords

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

var (
	unitsMasc = [10]string{"", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	unitsFem  = [10]string{"", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	teens     = [10]string{"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
		"шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"}
	tens     = [10]string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"}
	hundreds = [10]string{"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"}
)

// scale is a power of a thousand with its grammatical gender and its three
// forms (for 1, for 2–4, for 5–20 and 0).
type scale struct {
	feminine       bool
	one, few, many string
}

// scales[i] names 1000^i; index 0 is the counted thing itself.
var scales = [...]scale{
	{},
	{true, "тысяча", "тысячи", "тысяч"},
	{false, "миллион", "миллиона", "миллионов"},
	{false, "миллиард", "миллиарда", "миллиардов"},
	{false, "триллион", "триллиона", "триллионов"},
	{false, "квадриллион", "квадриллиона", "квадриллионов"},
	{false, "квинтиллион", "квинтиллиона", "квинтиллионов"},
}

// Plural chooses the form of a noun that agrees with n: one for 1, 21, 101
// («рубль»), few for 2–4, 22–24 («рубля»), many for 0, 5–20, 25–30, 111
// («рублей»). A negative n takes the form of its absolute value.
func Plural(n int64, one, few, many string) string {
	return pluralU(abs(n), one, few, many)
}

func pluralU(n uint64, one, few, many string) string {
	if d := n % 100; d >= 11 && d <= 14 {
		return many
	}
	switch n % 10 {
	case 1:
		return one
	case 2, 3, 4:
		return few
	}
	return many
}

func abs(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1 // -math.MinInt64 overflows int64
	}
	return uint64(n)
}

// Int writes n in words: masculine («один», «два», «двадцать один») for
// counting masculine and neuter nouns, feminine («одна», «две») for feminine
// ones («одна тысяча», «две копейки»). Zero is «ноль»; a negative number
// starts with «минус».
func Int(n int64, feminine bool) string {
	var b strings.Builder
	if n < 0 {
		b.WriteString("минус ")
	}
	writeInt(&b, abs(n), feminine)
	return b.String()
}

// writeInt writes n ≥ 0 in words.
func writeInt(b *strings.Builder, n uint64, feminine bool) {
	if n == 0 {
		b.WriteString("ноль")
		return
	}
	// Triads from the lowest: n fits 7 of them (1000^6 is quintillion).
	var triads [len(scales)]uint64
	top := 0
	for i := 0; n > 0; i++ {
		triads[i] = n % 1000
		n /= 1000
		top = i
	}
	first := true
	for i := top; i >= 0; i-- {
		t := triads[i]
		if t == 0 {
			continue
		}
		fem := scales[i].feminine
		if i == 0 {
			fem = feminine
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		writeTriad(b, t, fem)
		if i > 0 {
			b.WriteByte(' ')
			b.WriteString(pluralU(t, scales[i].one, scales[i].few, scales[i].many))
		}
	}
}

// writeTriad writes 1 ≤ t ≤ 999 in words.
func writeTriad(b *strings.Builder, t uint64, feminine bool) {
	words := make([]string, 0, 3)
	if h := t / 100; h > 0 {
		words = append(words, hundreds[h])
	}
	switch d := t % 100; {
	case d >= 10 && d <= 19:
		words = append(words, teens[d-10])
	default:
		if d/10 > 0 {
			words = append(words, tens[d/10])
		}
		if u := d % 10; u > 0 {
			if feminine {
				words = append(words, unitsFem[u])
			} else {
				words = append(words, unitsMasc[u])
			}
		}
	}
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
}

// Money writes an amount in kopecks the way documents write it after the
// figure: the rubles in words, the kopecks as two digits, each with the
// noun's form that agrees with it: «сто двадцать три тысячи четыреста
// пятьдесят шесть рублей 78 копеек», «одна тысяча рублей 00 копеек», «один
// рубль 01 копейка», «ноль рублей 00 копеек». A negative amount (a refund,
// a price lowered by a supplementary agreement) starts with «минус»; the
// whole range of int64 is written.
func Money(kopecks int64) string {
	var b strings.Builder
	if kopecks < 0 {
		b.WriteString("минус ")
	}
	k := abs(kopecks)
	rub, kop := k/100, k%100
	writeInt(&b, rub, false)
	b.WriteByte(' ')
	b.WriteString(pluralU(rub, "рубль", "рубля", "рублей"))
	b.WriteByte(' ')
	b.WriteByte(byte('0' + kop/10))
	b.WriteByte(byte('0' + kop%10))
	b.WriteByte(' ')
	b.WriteString(pluralU(kop, "копейка", "копейки", "копеек"))
	return b.String()
}

// Capitalize makes the first letter upper case, for a sentence that starts
// with words: documents write «1 000 000,00 ₽ (Один миллион рублей 00
// копеек)».
func Capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	u := unicode.ToUpper(r)
	if u == r {
		return s
	}
	return string(u) + s[n:]
}

var monthsGenitive = [13]string{"", "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
	"сентября", "октября", "ноября", "декабря"}

// Date writes a date as documents do: «1 декабря 2026 г.» (the month in the
// genitive, no leading zero). The date is t's own, in t's location: pass
// the time in the zone the document is dated in.
func Date(t time.Time) string {
	y, m, d := t.Date()
	return strconv.Itoa(d) + " " + monthsGenitive[m] + " " + strconv.Itoa(y) + " г."
}

// DateQuoted writes a date the way a contract's heading does: «01» декабря
// 2026 г. (the day in two digits between guillemets).
func DateQuoted(t time.Time) string {
	y, m, d := t.Date()
	return "«" + twoDigits(d) + "» " + monthsGenitive[m] + " " + strconv.Itoa(y) + " г."
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
