package ruwords

import (
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestIntUnitsTeensTensHundreds(t *testing.T) {
	cases := []struct {
		n    int64
		fem  bool
		want string
	}{
		{0, false, "ноль"},
		{0, true, "ноль"},
		{1, false, "один"},
		{1, true, "одна"},
		{2, false, "два"},
		{2, true, "две"},
		{3, false, "три"},
		{3, true, "три"},
		{4, false, "четыре"},
		{5, false, "пять"},
		{6, false, "шесть"},
		{7, false, "семь"},
		{8, false, "восемь"},
		{9, false, "девять"},
		{10, false, "десять"},
		{11, false, "одиннадцать"},
		{11, true, "одиннадцать"},
		{12, false, "двенадцать"},
		{12, true, "двенадцать"},
		{13, false, "тринадцать"},
		{14, false, "четырнадцать"},
		{15, false, "пятнадцать"},
		{16, false, "шестнадцать"},
		{17, false, "семнадцать"},
		{18, false, "восемнадцать"},
		{19, false, "девятнадцать"},
		{20, false, "двадцать"},
		{21, false, "двадцать один"},
		{21, true, "двадцать одна"},
		{22, false, "двадцать два"},
		{22, true, "двадцать две"},
		{25, false, "двадцать пять"},
		{30, false, "тридцать"},
		{40, false, "сорок"},
		{50, false, "пятьдесят"},
		{60, false, "шестьдесят"},
		{70, false, "семьдесят"},
		{80, false, "восемьдесят"},
		{90, false, "девяносто"},
		{99, false, "девяносто девять"},
		{100, false, "сто"},
		{101, false, "сто один"},
		{101, true, "сто одна"},
		{102, true, "сто две"},
		{110, false, "сто десять"},
		{111, false, "сто одиннадцать"},
		{112, true, "сто двенадцать"},
		{119, false, "сто девятнадцать"},
		{120, false, "сто двадцать"},
		{200, false, "двести"},
		{300, false, "триста"},
		{400, false, "четыреста"},
		{500, false, "пятьсот"},
		{600, false, "шестьсот"},
		{700, false, "семьсот"},
		{800, false, "восемьсот"},
		{900, false, "девятьсот"},
		{999, false, "девятьсот девяносто девять"},
		{-1, false, "минус один"},
		{-21, true, "минус двадцать одна"},
	}
	for _, c := range cases {
		if got := Int(c.n, c.fem); got != c.want {
			t.Errorf("Int(%d, %v) = %q, want %q", c.n, c.fem, got, c.want)
		}
	}
}

func TestIntOrders(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{
		// thousands are feminine whatever the counted noun's gender
		{1000, "одна тысяча"},
		{2000, "две тысячи"},
		{3000, "три тысячи"},
		{4000, "четыре тысячи"},
		{5000, "пять тысяч"},
		{10000, "десять тысяч"},
		{11000, "одиннадцать тысяч"},
		{12000, "двенадцать тысяч"},
		{14000, "четырнадцать тысяч"},
		{20000, "двадцать тысяч"},
		{21000, "двадцать одна тысяча"},
		{22000, "двадцать две тысячи"},
		{25000, "двадцать пять тысяч"},
		{100000, "сто тысяч"},
		{101000, "сто одна тысяча"},
		{111000, "сто одиннадцать тысяч"},
		{112000, "сто двенадцать тысяч"},
		{1001, "одна тысяча один"},
		{1010, "одна тысяча десять"},
		{1100, "одна тысяча сто"},
		{2002, "две тысячи два"},
		{999999, "девятьсот девяносто девять тысяч девятьсот девяносто девять"},
		{123456, "сто двадцать три тысячи четыреста пятьдесят шесть"},
		// millions and above are masculine
		{1000000, "один миллион"},
		{2000000, "два миллиона"},
		{3000000, "три миллиона"},
		{4000000, "четыре миллиона"},
		{5000000, "пять миллионов"},
		{11000000, "одиннадцать миллионов"},
		{21000000, "двадцать один миллион"},
		{22000000, "двадцать два миллиона"},
		{25000000, "двадцать пять миллионов"},
		{101000000, "сто один миллион"},
		{111000000, "сто одиннадцать миллионов"},
		{1000001, "один миллион один"},
		{1001000, "один миллион одна тысяча"},
		{1002000, "один миллион две тысячи"},
		{1234567, "один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь"},
		{1000000000, "один миллиард"},
		{2000000000, "два миллиарда"},
		{5000000000, "пять миллиардов"},
		{12000000000, "двенадцать миллиардов"},
		{21000000000, "двадцать один миллиард"},
		{1000000001, "один миллиард один"},
		{1000000000000, "один триллион"},
		{3000000000000, "три триллиона"},
		{7000000000000, "семь триллионов"},
		{1000000000000000, "один квадриллион"},
		{4000000000000000, "четыре квадриллиона"},
		{15000000000000000, "пятнадцать квадриллионов"},
		{1000000000000000000, "один квинтиллион"},
		{2000000000000000000, "два квинтиллиона"},
		{math.MaxInt64, "девять квинтиллионов двести двадцать три квадриллиона триста семьдесят два триллиона " +
			"тридцать шесть миллиардов восемьсот пятьдесят четыре миллиона семьсот семьдесят пять тысяч восемьсот семь"},
		{math.MinInt64, "минус девять квинтиллионов двести двадцать три квадриллиона триста семьдесят два триллиона " +
			"тридцать шесть миллиардов восемьсот пятьдесят четыре миллиона семьсот семьдесят пять тысяч восемьсот восемь"},
	}
	for _, c := range cases {
		if got := Int(c.n, false); got != c.want {
			t.Errorf("Int(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	// A feminine count changes only the last triad, never the thousands.
	if got, want := Int(2002, true), "две тысячи две"; got != want {
		t.Errorf("Int(2002, feminine) = %q, want %q", got, want)
	}
	if got, want := Int(1000001, true), "один миллион одна"; got != want {
		t.Errorf("Int(1000001, feminine) = %q, want %q", got, want)
	}
}

func TestMoney(t *testing.T) {
	cases := []struct {
		kop  int64
		want string
	}{
		{0, "ноль рублей 00 копеек"},
		{1, "ноль рублей 01 копейка"},
		{2, "ноль рублей 02 копейки"},
		{5, "ноль рублей 05 копеек"},
		{10, "ноль рублей 10 копеек"},
		{11, "ноль рублей 11 копеек"},
		{12, "ноль рублей 12 копеек"},
		{14, "ноль рублей 14 копеек"},
		{21, "ноль рублей 21 копейка"},
		{22, "ноль рублей 22 копейки"},
		{25, "ноль рублей 25 копеек"},
		{99, "ноль рублей 99 копеек"},
		{100, "один рубль 00 копеек"},
		{101, "один рубль 01 копейка"},
		{200, "два рубля 00 копеек"},
		{300, "три рубля 00 копеек"},
		{400, "четыре рубля 00 копеек"},
		{500, "пять рублей 00 копеек"},
		{1000, "десять рублей 00 копеек"},
		{1100, "одиннадцать рублей 00 копеек"},
		{1200, "двенадцать рублей 00 копеек"},
		{1300, "тринадцать рублей 00 копеек"},
		{1400, "четырнадцать рублей 00 копеек"},
		{1500, "пятнадцать рублей 00 копеек"},
		{1600, "шестнадцать рублей 00 копеек"},
		{1700, "семнадцать рублей 00 копеек"},
		{1800, "восемнадцать рублей 00 копеек"},
		{1900, "девятнадцать рублей 00 копеек"},
		{2100, "двадцать один рубль 00 копеек"},
		{2200, "двадцать два рубля 00 копеек"},
		{2500, "двадцать пять рублей 00 копеек"},
		{10100, "сто один рубль 00 копеек"},
		{11100, "сто одиннадцать рублей 00 копеек"},
		{11200, "сто двенадцать рублей 00 копеек"},
		{100000, "одна тысяча рублей 00 копеек"},
		{200000, "две тысячи рублей 00 копеек"},
		{500000, "пять тысяч рублей 00 копеек"},
		{2100000, "двадцать одна тысяча рублей 00 копеек"},
		{100000100, "один миллион один рубль 00 копеек"},
		{12345678, "сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек"},
		{123456789, "один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек"},
		{100000000, "один миллион рублей 00 копеек"},
		{200000000, "два миллиона рублей 00 копеек"},
		{500000000, "пять миллионов рублей 00 копеек"},
		{100000000000, "один миллиард рублей 00 копеек"},
		{300000000000, "три миллиарда рублей 00 копеек"},
		{100000000000000, "один триллион рублей 00 копеек"},
		{math.MaxInt64, "девяносто два квадриллиона двести тридцать три триллиона семьсот двадцать миллиардов " +
			"триста шестьдесят восемь миллионов пятьсот сорок семь тысяч семьсот пятьдесят восемь рублей 07 копеек"},
		{-101, "минус один рубль 01 копейка"},
		{math.MinInt64, "минус девяносто два квадриллиона двести тридцать три триллиона семьсот двадцать " +
			"миллиардов триста шестьдесят восемь миллионов пятьсот сорок семь тысяч семьсот пятьдесят восемь " +
			"рублей 08 копеек"},
	}
	for _, c := range cases {
		if got := Money(c.kop); got != c.want {
			t.Errorf("Money(%d) = %q, want %q", c.kop, got, c.want)
		}
	}
}

// TestMoneyEveryKopeck checks the kopeck form of all hundred values.
func TestMoneyEveryKopeck(t *testing.T) {
	for k := int64(0); k < 100; k++ {
		var form string
		switch {
		case k%100 >= 11 && k%100 <= 14:
			form = "копеек"
		case k%10 == 1:
			form = "копейка"
		case k%10 >= 2 && k%10 <= 4:
			form = "копейки"
		default:
			form = "копеек"
		}
		want := "пять рублей " + string([]byte{byte('0' + k/10), byte('0' + k%10)}) + " " + form
		if got := Money(500 + k); got != want {
			t.Errorf("Money(%d) = %q, want %q", 500+k, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	one, few, many := "рубль", "рубля", "рублей"
	want := map[int64]string{
		0: many, 1: one, 2: few, 3: few, 4: few, 5: many, 9: many, 10: many, 11: many, 12: many, 13: many,
		14: many, 15: many, 19: many, 20: many, 21: one, 22: few, 24: few, 25: many, 100: many, 101: one,
		102: few, 105: many, 111: many, 112: many, 114: many, 121: one, 1000: many, 1001: one, 1011: many,
		-1: one, -2: few, -11: many, math.MinInt64: many, math.MaxInt64: many,
	}
	for n, w := range want {
		if got := Plural(n, one, few, many); got != w {
			t.Errorf("Plural(%d) = %q, want %q", n, got, w)
		}
	}
}

func TestDate(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	months := []string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
		"октября", "ноября", "декабря"}
	for i, m := range months {
		d := time.Date(2026, time.Month(i+1), 1, 12, 0, 0, 0, msk)
		if got, want := Date(d), "1 "+m+" 2026 г."; got != want {
			t.Errorf("Date(%v) = %q, want %q", d, got, want)
		}
	}
	if got, want := Date(time.Date(2027, 2, 28, 0, 0, 0, 0, msk)), "28 февраля 2027 г."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := DateQuoted(time.Date(2026, 12, 1, 0, 0, 0, 0, msk)), "«01» декабря 2026 г."; got != want {
		t.Errorf("DateQuoted = %q, want %q", got, want)
	}
	if got, want := DateQuoted(time.Date(2026, 11, 28, 0, 0, 0, 0, msk)), "«28» ноября 2026 г."; got != want {
		t.Errorf("DateQuoted = %q, want %q", got, want)
	}
	// The date is the time's own, in its own zone: 01:00 in Moscow on the
	// 1st is the 1st although UTC still says the 30th.
	if got, want := Date(time.Date(2026, 12, 1, 1, 0, 0, 0, msk)), "1 декабря 2026 г."; got != want {
		t.Errorf("Date in MSK = %q, want %q", got, want)
	}
}

func TestCapitalize(t *testing.T) {
	cases := map[string]string{
		"": "",
		"один миллион рублей 00 копеек": "Один миллион рублей 00 копеек",
		"ноль рублей 00 копеек":         "Ноль рублей 00 копеек",
		"минус один рубль 00 копеек":    "Минус один рубль 00 копеек",
		"Уже":                     "Уже",
		"1 рубль":                 "1 рубль",
		"ёлка":                    "Ёлка",
		string([]byte{0xff, 'a'}): string([]byte{0xff, 'a'}),
	}
	for in, want := range cases {
		if got := Capitalize(in); got != want {
			t.Errorf("Capitalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := Capitalize(Money(100000000)), "Один миллион рублей 00 копеек"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestIntConsistent checks every number below two million against the
// rules it is written by, independently of the tables above: words are
// known, the last word agrees with the number, and «тысяча» agrees with the
// thousands.
func TestIntConsistent(t *testing.T) {
	known := map[string]bool{"тысяча": true, "тысячи": true, "тысяч": true, "миллион": true}
	for _, w := range unitsMasc[1:] {
		known[w] = true
	}
	for _, w := range append(append(append(unitsFem[1:3:3], teens[:]...), tens[2:]...), hundreds[1:]...) {
		known[w] = true
	}
	for n := int64(1); n < 2_000_000; n++ {
		s := Int(n, false)
		words := strings.Split(s, " ")
		for _, w := range words {
			if !known[w] {
				t.Fatalf("Int(%d) = %q: unknown word %q", n, s, w)
			}
		}
		th := (n / 1000) % 1000
		if th > 0 {
			form := Plural(th, "тысяча", "тысячи", "тысяч")
			if !strings.Contains(" "+s+" ", " "+form+" ") {
				t.Fatalf("Int(%d) = %q: no %q", n, s, form)
			}
			if th%10 == 1 && th%100 != 11 && !strings.Contains(s, "одна тысяча") {
				t.Fatalf("Int(%d) = %q: thousands are feminine", n, s)
			}
			if th%10 == 2 && th%100 != 12 && !strings.Contains(s, "две тысячи") {
				t.Fatalf("Int(%d) = %q: thousands are feminine", n, s)
			}
		}
		if u := n % 1000; u != 0 {
			last := words[len(words)-1]
			if u%100 >= 10 && u%100 <= 19 {
				if last != teens[u%100-10] {
					t.Fatalf("Int(%d) = %q: ends with %q", n, s, last)
				}
			} else if u%10 != 0 && last != unitsMasc[u%10] {
				t.Fatalf("Int(%d) = %q: ends with %q", n, s, last)
			}
		}
	}
}

var moneyShape = regexp.MustCompile(`^(минус )?[а-я ]+ (рубль|рубля|рублей) \d\d (копейка|копейки|копеек)$`)

func FuzzMoney(f *testing.F) {
	for _, k := range []int64{0, 1, 101, 100000, 12345678, math.MaxInt64, math.MinInt64, -1} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, k int64) {
		s := Money(k)
		if !utf8.ValidString(s) || !moneyShape.MatchString(s) || strings.Contains(s, "  ") {
			t.Fatalf("Money(%d) = %q", k, s)
		}
		i := Int(k, false)
		if strings.HasPrefix(i, " ") || strings.HasSuffix(i, " ") || strings.Contains(i, "  ") {
			t.Fatalf("Int(%d) = %q", k, i)
		}
	})
}
