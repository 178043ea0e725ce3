package fnsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// This file is the only place that knows API-ФНС's wire format. Every key
// name comes from third-party clients and is [UNCONFIRMED] (see
// shared/docs/external-services.md §3), so the parsing is tolerant: a
// field of an unexpected type is skipped, never fatal, a missing field
// stays empty, and a value may be a string or a number.

// errNotFound means a 200 answer with an empty items list.
var errNotFound = errors.New("no items")

// refusal is a 200 answer that carries a refusal text instead of items.
type refusal struct {
	text  string
	quota bool // a used-up limit or an unpaid plan; otherwise the key
}

func (r *refusal) Error() string { return "refused: " + r.text }

// text is a string the vendor may send as a number; null, objects and
// arrays read as empty.
type text string

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	switch {
	case json.Unmarshal(b, &s) == nil:
		*t = text(strings.TrimSpace(s))
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*t = text(b)
	}
	return nil
}

// egrLegal is items[].ЮЛ of egr.
type egrLegal struct {
	INN         text            `json:"ИНН"`
	KPP         text            `json:"КПП"`
	OGRN        text            `json:"ОГРН"`
	OGRNDate    text            `json:"ДатаОГРН"`
	RegDate     text            `json:"ДатаРег"`
	EndDate     text            `json:"ДатаПрекр"`
	ShortName   text            `json:"НаимСокрЮЛ"`
	FullName    text            `json:"НаимПолнЮЛ"`
	Status      text            `json:"Статус"`
	Address     json.RawMessage `json:"Адрес"`     // {АдресПолн, …} or a string
	AddressFull text            `json:"АдресПолн"` // flat, as search answers
	Director    json.RawMessage `json:"Руководитель"`
	Activity    json.RawMessage `json:"ОснВидДеят"` // {Код, Текст} or a string
}

// egrIndividual is items[].ИП of egr.
type egrIndividual struct {
	FIO         text            `json:"ФИОПолн"`
	INN         text            `json:"ИННФЛ"`
	INNAlt      text            `json:"ИНН"`
	OGRN        text            `json:"ОГРНИП"`
	OGRNAlt     text            `json:"ОГРН"`
	OGRNDate    text            `json:"ДатаОГРН"`
	OGRNIPDate  text            `json:"ДатаОГРНИП"`
	RegDate     text            `json:"ДатаРег"`
	EndDate     text            `json:"ДатаПрекр"`
	Status      text            `json:"Статус"`
	StatusIP    text            `json:"СтатусИП"`
	Address     json.RawMessage `json:"Адрес"`
	AddressFull text            `json:"АдресПолн"`
	Activity    json.RawMessage `json:"ОснВидДеят"`
}

// decodeEGR reads an egr answer to a query for inn into a record (Source
// and FetchedAt are the caller's). skipped is non-nil when fields of an
// unexpected type were left out. A record about another INN is an error;
// one without an INN is taken as inn's, as it was asked for.
func decodeEGR(body []byte, inn string) (rec *core.RegistryRecord, skipped, err error) {
	kind, raw, err := firstItem(body)
	if err != nil {
		return nil, nil, err
	}
	switch kind {
	case "":
		return nil, nil, errors.New("an item with neither ЮЛ nor ИП")
	case "ИП":
		var ip egrIndividual
		skipped = tolerate(json.Unmarshal(raw, &ip))
		rec = individualRecord(ip)
	default:
		var ul egrLegal
		skipped = tolerate(json.Unmarshal(raw, &ul))
		rec = legalRecord(ul)
	}
	if rec.INN == "" {
		rec.INN = inn
	}
	if rec.INN != inn {
		return nil, nil, fmt.Errorf("asked for INN %s, got a record of INN %q", inn, rec.INN)
	}
	return rec, skipped, nil
}

// legalRecord maps a legal entity (the head office).
func legalRecord(ul egrLegal) *core.RegistryRecord {
	rec := &core.RegistryRecord{
		Kind:         core.KindLegal,
		INN:          string(ul.INN),
		KPP:          string(ul.KPP),
		OGRN:         string(ul.OGRN),
		ShortName:    string(first(ul.ShortName, ul.FullName)),
		FullName:     string(ul.FullName),
		Address:      address(ul.Address, ul.AddressFull),
		RegisteredAt: first(date(ul.OGRNDate), date(ul.RegDate)),
		LiquidatedAt: date(ul.EndDate),
		Status:       companyStatus(string(ul.Status)),
		StatusText:   string(ul.Status),
	}
	rec.Director, rec.DirectorPost = director(ul.Director)
	rec.OKVED, rec.OKVEDName = activity(ul.Activity)
	return rec
}

// individualRecord maps a sole proprietor. The register names one by the
// person's full name; the short name is "ИП" and that name, as usual.
func individualRecord(ip egrIndividual) *core.RegistryRecord {
	status := first(ip.Status, ip.StatusIP)
	rec := &core.RegistryRecord{
		Kind:         core.KindIndividual,
		INN:          string(first(ip.INN, ip.INNAlt)),
		OGRN:         string(first(ip.OGRN, ip.OGRNAlt)),
		FullName:     string(ip.FIO),
		Director:     string(ip.FIO),
		Address:      address(ip.Address, ip.AddressFull),
		RegisteredAt: first(date(ip.OGRNIPDate), date(ip.OGRNDate), date(ip.RegDate)),
		LiquidatedAt: date(ip.EndDate),
		Status:       companyStatus(string(status)),
		StatusText:   string(status),
	}
	if ip.FIO != "" {
		rec.ShortName = "ИП " + string(ip.FIO)
	}
	rec.OKVED, rec.OKVEDName = activity(ip.Activity)
	return rec
}

// decodeCheck reads a check answer into risk flags.
func decodeCheck(body []byte) ([]core.RiskFlag, error) {
	// The flags sit under ЮЛ or ИП, or (for some clients) in the item.
	_, raw, err := firstItem(body)
	if err != nil {
		return nil, err
	}
	var c struct {
		Negative json.RawMessage `json:"Негатив"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	return riskFlags(c.Negative)
}

// riskCodes maps Негатив keys; any other key with a value becomes
// RiskOther. Key names differ between clients, so several spellings map
// to one code.
var riskCodes = map[string]core.Risk{
	"ДисквРук": core.RiskDisqualifiedDirector, "ДисквРукДр": core.RiskDisqualifiedDirector,
	"МассАдрес": core.RiskMassAddress, "РеестрМассАдрес": core.RiskMassAddress,
	"МассРук": core.RiskMassDirector, "РеестрМассРук": core.RiskMassDirector,
	"МассУчр": core.RiskMassFounder, "РеестрМассУчр": core.RiskMassFounder, "РеестрМассРукУчр": core.RiskMassFounder,
	"НедостоверАдрес": core.RiskUnreliableAddress,
	"НедостоверРук":   core.RiskUnreliableDirector,
	"НедостоверУчр":   core.RiskUnreliableFounder,
	"ЗадолжНалог":     core.RiskTaxDebt, "НедоимкаНалог": core.RiskTaxDebt, "ЗадолженностьЕНС": core.RiskTaxDebt,
	"БлокСчета": core.RiskBlockedAccounts, "БлокировкаСчетов": core.RiskBlockedAccounts,
	"ПриостановкаОпераций": core.RiskBlockedAccounts,
	"Банкрот": core.RiskBankruptcy, "БанкротНамерение": core.RiskBankruptcy,
	"Статус": core.RiskLiquidation, "РешЛикв": core.RiskLiquidation,
	"НеПредостОтч": core.RiskNoReporting,
	"РегНедавно":   core.RiskRecentlyRegistered,
}

// summaryKey is Негатив's summary text: a flag only when nothing else is.
const summaryKey = "Текст"

// riskFlags turns Негатив into flags, one per key with a value (a
// non-empty string, true, a non-zero number, a non-empty list or object),
// in key order. Text is the vendor's string, or the key for other values.
func riskFlags(neg json.RawMessage) ([]core.RiskFlag, error) {
	if len(bytes.TrimSpace(neg)) == 0 || string(neg) == "null" {
		return nil, nil
	}
	var s string
	if json.Unmarshal(neg, &s) == nil { // a bare text instead of an object
		if s = strings.TrimSpace(s); s == "" {
			return nil, nil
		}
		return []core.RiskFlag{{Code: core.RiskOther, Text: s}}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(neg, &m); err != nil {
		return nil, fmt.Errorf("the Негатив field: %w", err)
	}
	var flags []core.RiskFlag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v, ok := flagText(k, m[k])
		if !ok || k == summaryKey {
			continue
		}
		code, known := riskCodes[k]
		if !known {
			code = core.RiskOther
		}
		flags = append(flags, core.RiskFlag{Code: code, Text: v})
	}
	if v, ok := flagText(summaryKey, m[summaryKey]); ok && len(flags) == 0 {
		flags = append(flags, core.RiskFlag{Code: core.RiskOther, Text: v})
	}
	return flags, nil
}

// flagText says whether a Негатив value raises a flag, and its text.
func flagText(key string, v json.RawMessage) (string, bool) {
	var x any
	if len(v) == 0 || json.Unmarshal(v, &x) != nil {
		return "", false
	}
	switch x := x.(type) {
	case string:
		x = strings.TrimSpace(x)
		return x, x != ""
	case bool:
		return key, x
	case float64:
		return key, x != 0
	case []any:
		return key, len(x) > 0
	case map[string]any:
		return key, len(x) > 0
	}
	return "", false
}

// firstItem finds items[0] and what it holds: "ЮЛ" or "ИП" with that
// object, or "" with the item itself. The answer may come wrapped in a
// one-element array, as some clients expect.
func firstItem(body []byte) (kind string, raw json.RawMessage, err error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(body, &list); err != nil {
			return "", nil, err
		}
		if len(list) == 0 {
			return "", nil, errors.New("an empty list")
		}
		body = list[0]
	}
	var a struct {
		Items *[]map[string]json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &a); err != nil || a.Items == nil {
		if r := refusalOf(body); r != nil {
			return "", nil, r
		}
		if err != nil {
			return "", nil, err
		}
		return "", nil, errors.New("no items in the answer")
	}
	if len(*a.Items) == 0 {
		return "", nil, errNotFound
	}
	item := (*a.Items)[0]
	for _, k := range []string{"ЮЛ", "ИП"} {
		if raw, ok := item[k]; ok && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
			return k, raw, nil
		}
	}
	raw, err = json.Marshal(item)
	return "", raw, err
}

// refusalOf reads a body without items as a refusal when its text speaks
// of a limit or of the key; API-ФНС's refusal texts are [UNCONFIRMED].
func refusalOf(body []byte) *refusal {
	s := bodyText(body)
	l := strings.ToLower(s)
	switch {
	case mentionsQuota(s):
		return &refusal{text: s, quota: true}
	case strings.Contains(l, "ключ"), strings.Contains(l, "key"):
		return &refusal{text: s}
	}
	return nil
}

// bodyText is what a body says: the string values of a JSON body (its
// escapes decoded), or the body itself.
func bodyText(body []byte) string {
	var x any
	if json.Unmarshal(body, &x) != nil {
		return strings.TrimSpace(string(body))
	}
	var parts []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			parts = append(parts, x)
		case []any:
			for _, v := range x {
				walk(v)
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				walk(x[k])
			}
		}
	}
	walk(x)
	return strings.Join(parts, "; ")
}

// tolerate drops a type mismatch (the rest of the value was decoded) and
// returns it for a debug log.
func tolerate(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return err
	}
	return nil
}

// date reads a register date: 2006-01-02 (possibly with a time after it)
// or 02.01.2006, as a calendar day in Moscow time.
func date(t text) time.Time {
	s := string(t)
	if len(s) > 10 {
		s = s[:10]
	}
	for _, layout := range []string{time.DateOnly, "02.01.2006"} {
		if d, err := time.ParseInLocation(layout, s, core.Location(core.DefaultTimeZone)); err == nil {
			return d
		}
	}
	return time.Time{}
}

// address reads Адрес: an object with АдресПолн or a string; flat is the
// АдресПолн some answers carry next to it.
func address(raw json.RawMessage, flat text) string {
	var a struct {
		Full text `json:"АдресПолн"`
	}
	var s text
	if json.Unmarshal(raw, &a) == nil && a.Full != "" {
		return string(a.Full)
	}
	if json.Unmarshal(raw, &s) == nil && s != "" {
		return string(s)
	}
	return string(flat)
}

// director reads Руководитель: an object (or a list of them, the first
// taken) with ФИОПолн and the post.
func director(raw json.RawMessage) (name, post string) {
	var d struct {
		FIO  text `json:"ФИОПолн"`
		Post text `json:"Должн"`
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		raw = list[0]
	}
	_ = json.Unmarshal(raw, &d)
	return string(d.FIO), string(d.Post)
}

// activity reads ОснВидДеят: {Код, Текст}, or the text alone.
func activity(raw json.RawMessage) (code, name string) {
	var a struct {
		Code text `json:"Код"`
		Text text `json:"Текст"`
	}
	var s text
	if json.Unmarshal(raw, &a) == nil {
		return string(a.Code), string(a.Text)
	}
	if json.Unmarshal(raw, &s) == nil {
		return "", string(s)
	}
	return "", ""
}

// companyStatus reads the register's status text by keywords. Ending
// words come first: "Ликвидировано в связи с банкротством" is liquidated,
// "Действующее, в стадии ликвидации" is liquidating.
func companyStatus(s string) core.CompanyStatus {
	l := strings.ToLower(s)
	has := func(words ...string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(l, w) })
	}
	switch {
	case has("ликвидир", "исключ", "прекрат", "прекращ"):
		return core.StatusLiquidated
	case has("банкрот"):
		return core.StatusBankrupt
	case has("ликвидац"):
		return core.StatusLiquidating
	case has("реорганиз"):
		return core.StatusReorganizing
	case has("недейств"):
		return core.StatusUnknown
	case has("действ"):
		return core.StatusActive
	}
	return core.StatusUnknown
}

// first returns the first non-zero value.
func first[T comparable](vs ...T) T {
	var zero T
	for _, v := range vs {
		if v != zero {
			return v
		}
	}
	return zero
}
