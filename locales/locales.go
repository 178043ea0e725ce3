// Package locales holds DealDesk's user-facing text in Russian (the default)
// and English, embedded in the binary, and the Printer that renders it with
// Russian plural rules, money as «1 234 567,89 ₽» and dates as «28.11.2026».
package locales

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"reflect"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Default is the language of users who have not chosen one.
const Default = "ru"

// Languages lists the supported languages, the default first.
var Languages = []string{"ru", "en"}

// Bundle holds the parsed messages of every language.
type Bundle struct {
	b    *i18n.Bundle
	keys map[string]map[string]bool // language → message ids
}

// Load parses the embedded message files: one pair per part of DealDesk
// (common, clients, intake, deals, tasks, …), <part>.<lang>.toml. A key
// defined in two files is an error, not a silent override.
func Load() (*Bundle, error) { return LoadFS(files) }

// LoadFS is Load from other files (for tests).
func LoadFS(files fs.FS) (*Bundle, error) {
	b := i18n.NewBundle(language.Russian)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	keys := map[string]map[string]bool{}
	for _, lang := range Languages {
		keys[lang] = map[string]bool{}
	}
	names, err := fs.Glob(files, "*.toml")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		mf, err := b.LoadMessageFileFS(files, name)
		if err != nil {
			return nil, fmt.Errorf("locales: %s: %w", name, err)
		}
		lang := mf.Tag.String()
		if keys[lang] == nil {
			return nil, fmt.Errorf("locales: %s: language %q is not one of %v", name, lang, Languages)
		}
		for _, m := range mf.Messages {
			if keys[lang][m.ID] {
				return nil, fmt.Errorf("locales: %s: key %q is defined in another file too", name, m.ID)
			}
			keys[lang][m.ID] = true
		}
	}
	return &Bundle{b: b, keys: keys}, nil
}

// MustLoad is Load for tests and start-up: it panics on a broken file.
func MustLoad() *Bundle {
	b, err := Load()
	if err != nil {
		panic(err)
	}
	return b
}

// Printer renders messages in one language and time zone.
type Printer struct {
	lang  string
	loc   *time.Location
	l     *i18n.Localizer
	funcs template.FuncMap
	keys  map[string]bool
}

// Printer returns a printer for a language ("" or unknown: Russian) showing
// times in loc (nil: Moscow time).
func (b *Bundle) Printer(lang string, loc *time.Location) *Printer {
	lang = Normalize(lang)
	if loc == nil {
		loc = moscow
	}
	p := &Printer{lang: lang, loc: loc, l: i18n.NewLocalizer(b.b, lang, Default), keys: b.keys[lang]}
	p.funcs = template.FuncMap{"money": p.Money, "date": p.Date, "datetime": p.DateTime,
		// tr translates a key built in a template, e.g. {{tr (print "role." .Role)}}.
		"tr": func(key any) string { return p.T(fmt.Sprint(key), nil) },
		// plural picks a word's form for a number other than Count (which
		// the messages' own plural forms take): {{plural .Lead "день" "дня"
		// "дней"}}, {{plural .Lead "day" "days"}}.
		"plural": Plural}
	return p
}

var moscow = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return l
	}
	return time.FixedZone("MSK", 3*3600)
}()

// Normalize maps a language tag to a supported language.
func Normalize(lang string) string {
	lang = strings.ToLower(lang)
	for _, l := range Languages {
		if strings.HasPrefix(lang, l) {
			return l
		}
	}
	return Default
}

// Lang is the printer's language.
func (p *Printer) Lang() string { return p.lang }

// Location is the printer's time zone.
func (p *Printer) Location() *time.Location { return p.loc }

// T renders a message. A key missing from both languages renders as the key
// itself, which the tests forbid.
func (p *Printer) T(key string, args map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: key, TemplateData: args, Funcs: p.funcs}
	if n, ok := args["Count"]; ok {
		// A count that went through the outbox's JSON is a float64, which
		// go-i18n refuses as a plural count.
		if f, ok := n.(float64); ok && f == math.Trunc(f) {
			n = int64(f)
		}
		cfg.PluralCount = n
	}
	s, err := p.l.Localize(cfg)
	if err != nil && cfg.PluralCount != nil {
		// A message without plural forms that merely mentions a count.
		cfg.PluralCount = nil
		s, err = p.l.Localize(cfg)
	}
	if err != nil && s == "" {
		return key
	}
	return s
}

// Has reports whether the key exists in the printer's language.
func (p *Printer) Has(key string) bool { return p.keys[key] }

// Plural returns the form of a word for the number n: Russian rules with
// three forms (1 день, 2 дня, 5 дней, 11 дней, 21 день), English with two
// (1 day, 2 days). n may be any integer type or a JSON number.
func Plural(n any, forms ...string) string {
	k, _ := toInt64(n)
	if k < 0 {
		k = -k
	}
	switch len(forms) {
	case 0:
		return ""
	case 1:
		return forms[0]
	case 2:
		if k == 1 {
			return forms[0]
		}
		return forms[1]
	}
	switch {
	case k%10 == 1 && k%100 != 11:
		return forms[0]
	case k%10 >= 2 && k%10 <= 4 && (k%100 < 12 || k%100 > 14):
		return forms[1]
	}
	return forms[2]
}

// Money formats kopecks as «1 234 567,89 ₽» (ru) or «₽1,234,567.89» (en).
// It takes the numeric types an amount may have after a JSON round trip.
func (p *Printer) Money(v any) string {
	k, ok := toInt64(v)
	if !ok {
		return fmt.Sprint(v)
	}
	neg := k < 0
	if neg {
		k = -k
	}
	rub, kop := k/100, k%100
	sep, dec := "\u00a0", ","
	if p.lang == "en" {
		sep, dec = ",", "."
	}
	digits := strconv.FormatInt(rub, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	s := fmt.Sprintf("%s%s%02d", b.String(), dec, kop)
	if p.lang == "en" {
		return "₽" + s
	}
	return s + "\u00a0₽"
}

// Date formats a date as 28.11.2026 (ru) or 2026-11-28 (en); empty for zero.
func (p *Printer) Date(v any) string {
	t, ok := toTime(v)
	if !ok || t.IsZero() {
		return ""
	}
	if p.lang == "en" {
		return t.In(p.loc).Format("2006-01-02")
	}
	return t.In(p.loc).Format("02.01.2006")
}

// DateTime formats a time as 28.11.2026 15:04 (24-hour); empty for zero.
func (p *Printer) DateTime(v any) string {
	t, ok := toTime(v)
	if !ok || t.IsZero() {
		return ""
	}
	return p.Date(t) + " " + t.In(p.loc).Format("15:04")
}

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		return int64(x), true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	// Named integer types such as core.Money.
	if rv := reflect.ValueOf(v); rv.IsValid() && rv.CanInt() {
		return rv.Int(), true
	}
	return 0, false
}

func toTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case *time.Time:
		return *x, x != nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, x)
		return t, err == nil
	}
	return time.Time{}, false
}
