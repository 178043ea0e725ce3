package core

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core/ruwords"
)

// DocField is a placeholder name templates may use. Its description, for
// /templates' help, is the locale key doc.field.<name> (DocField.Key).
type DocField struct {
	Name string
	// List is the list whose repeated row the field belongs to ("items"),
	// empty for a field of the whole document.
	List string
	// Optional fields may be empty (a sole proprietor's KPP, a contact's
	// phone); any other field a template uses must have a value before the
	// document is produced.
	Optional bool
	// Money fields need the deal's amount.
	Money bool
}

// Key is the locale key of the field's description.
func (f DocField) Key() string { return "doc.field." + f.Name }

// DocLists are the names of the lists templates may repeat a table row
// for: {{#items}} … {{/items}}.
var DocLists = []string{"items"}

// DocFields lists every placeholder name, in the order /templates shows
// them.
var DocFields = []DocField{
	{Name: "doc.number"}, {Name: "doc.date"}, {Name: "doc.date_words"}, {Name: "doc.date_quoted"},
	{Name: "doc.kind"}, {Name: "doc.version"},

	{Name: "client.name"}, {Name: "client.full_name"}, {Name: "client.inn"}, {Name: "client.kpp"},
	{Name: "client.ogrn"}, {Name: "client.address"}, {Name: "client.director"}, {Name: "client.signatory"},
	{Name: "client.signatory_position"}, {Name: "client.signatory_name"}, {Name: "client.signatory_basis"},
	{Name: "client.email", Optional: true}, {Name: "client.phone", Optional: true},
	{Name: "client.bank"}, {Name: "client.bik"}, {Name: "client.account"}, {Name: "client.corr_account"},

	{Name: "deal.number"}, {Name: "deal.title"},
	{Name: "deal.amount", Money: true}, {Name: "deal.amount_words", Money: true},
	{Name: "deal.vat_rate"}, {Name: "deal.vat_amount", Money: true}, {Name: "deal.vat_amount_words", Money: true},
	{Name: "deal.amount_without_vat", Money: true}, {Name: "deal.vat_phrase", Money: true},
	{Name: "deal.signing_due"}, {Name: "deal.payment_due"}, {Name: "deal.contract_end"},

	{Name: "company.name"}, {Name: "company.full_name"}, {Name: "company.inn"}, {Name: "company.kpp"},
	{Name: "company.ogrn"}, {Name: "company.address"}, {Name: "company.director"},
	{Name: "company.signatory_position"}, {Name: "company.signatory_name"}, {Name: "company.signatory_basis"},
	{Name: "company.bank"},
	{Name: "company.bik"}, {Name: "company.account"}, {Name: "company.corr_account"},

	{Name: "contract.number"}, {Name: "contract.date"},

	{Name: "manager.name"},

	{Name: "items.n", List: "items"}, {Name: "items.name", List: "items"}, {Name: "items.qty", List: "items"},
	{Name: "items.unit", List: "items"}, {Name: "items.price", List: "items", Money: true},
	{Name: "items.vat_rate", List: "items"}, {Name: "items.vat", List: "items", Money: true},
	{Name: "items.amount", List: "items", Money: true},

	{Name: "totals.count"}, {Name: "totals.amount", Money: true}, {Name: "totals.amount_words", Money: true},
	{Name: "totals.vat", Money: true}, {Name: "totals.vat_words", Money: true},
	{Name: "totals.amount_without_vat", Money: true},
	{Name: "totals.vat_label"}, {Name: "totals.vat_value", Money: true}, {Name: "totals.vat_line", Money: true},
}

// DocFieldByName returns the field with the name.
func DocFieldByName(name string) (DocField, bool) {
	i := slices.IndexFunc(DocFields, func(f DocField) bool { return f.Name == name })
	if i < 0 {
		return DocField{}, false
	}
	return DocFields[i], true
}

// docKindNames are the kinds as a document names itself.
var docKindTitles = map[DocKind]string{DocProposal: "Коммерческое предложение", DocContract: "Договор",
	DocSupplement: "Дополнительное соглашение", DocInvoice: "Счёт на оплату"}

// FormatRub writes an amount as documents do: «1 234 567,89 ₽», the
// groups and the sign set off by no-break spaces.
func FormatRub(m Money) string {
	k := int64(m)
	sign := ""
	if k < 0 {
		sign, k = "-", -k
	}
	digits := strconv.FormatInt(k/100, 10)
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(r)
	}
	kop := k % 100
	b.WriteString("," + string(rune('0'+kop/10)) + string(rune('0'+kop%10)) + "\u00a0₽")
	return b.String()
}

// docDate writes a date as documents do, in Moscow time: 01.12.2026; empty
// for no date.
func docDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Location("")).Format("02.01.2006")
}

// moneyWords is an amount in words, capitalized as documents write it
// after the figure: «Один миллион рублей 00 копеек».
func moneyWords(m Money) string { return ruwords.Capitalize(ruwords.Money(int64(m))) }

// DocValuesFor builds the values a template is filled with: the client's
// requisites (its first bank account), the deal (one line of items: its
// title and amount, VAT included at the rate), our company, the deal's
// manager and the document's number, kind, version and date (now, in
// Moscow time). version is the number of the version being made.
func DocValuesFor(c *Client, d *Deal, co Company, manager *User, doc *Document, version int, now time.Time,
	vat VATRate) DocValues {
	v := map[string]string{}
	now = now.In(Location(""))
	v["doc.number"], v["doc.date"] = doc.Number, docDate(now)
	v["doc.date_words"], v["doc.date_quoted"] = ruwords.Date(now), ruwords.DateQuoted(now)
	v["doc.kind"], v["doc.version"] = docKindTitles[doc.Kind], strconv.Itoa(version)
	clientValues(v, c)
	v["deal.number"], v["deal.title"] = d.Number, d.Title
	amount, tax := d.Amount, vat.Included(d.Amount)
	v["deal.amount"], v["deal.amount_words"] = FormatRub(amount), moneyWords(amount)
	v["deal.vat_rate"], v["deal.vat_amount"], v["deal.vat_amount_words"] = vat.String(), FormatRub(tax), moneyWords(tax)
	v["deal.amount_without_vat"] = FormatRub(amount - tax)
	v["deal.vat_phrase"] = "НДС не облагается"
	if vat != VATNone {
		v["deal.vat_phrase"] = "в том числе НДС " + vat.String() + " — " + FormatRub(tax) + " (" + moneyWords(tax) + ")"
	}
	v["deal.signing_due"], v["deal.payment_due"] = docDate(d.SigningDue), docDate(d.PaymentDue)
	v["deal.contract_end"] = docDate(d.ContractEnd)
	for name, val := range map[string]string{"name": co.Name, "full_name": co.FullName, "inn": co.INN, "kpp": co.KPP,
		"ogrn": co.OGRN, "address": co.Address, "director": co.Director, "bank": co.Bank, "bik": co.BIK,
		"account": co.Account, "corr_account": co.CorrAccount} {
		v["company."+name] = val
	}
	if v["company.full_name"] == "" {
		v["company.full_name"] = co.Name
	}
	signatoryValues(v, "company.", co.Director, len(co.OGRN) == 15, co.OGRN)
	if manager != nil {
		v["manager.name"] = manager.Name
	}
	item := map[string]string{"items.n": "1", "items.name": d.Title, "items.qty": "1", "items.unit": "усл.",
		"items.price": FormatRub(amount), "items.vat_rate": vat.String(), "items.vat": FormatRub(tax),
		"items.amount": FormatRub(amount)}
	v["totals.count"], v["totals.amount"], v["totals.amount_words"] = "1", FormatRub(amount), moneyWords(amount)
	v["totals.vat"], v["totals.vat_words"] = FormatRub(tax), moneyWords(tax)
	v["totals.amount_without_vat"] = FormatRub(amount - tax)
	v["totals.vat_label"], v["totals.vat_value"] = "Без налога (НДС):", "—"
	v["totals.vat_line"] = "Без налога (НДС)"
	if vat != VATNone {
		v["totals.vat_label"], v["totals.vat_value"] = "В том числе НДС "+vat.String()+":", FormatRub(tax)
		v["totals.vat_line"] = "В том числе НДС " + vat.String() + ": " + FormatRub(tax) + " (" + moneyWords(tax) + ")"
	} else {
		item["items.vat"] = "—"
	}
	v["contract.number"], v["contract.date"] = "", ""
	return DocValues{Values: v, Lists: map[string][]map[string]string{"items": {item}}}
}

// clientValues puts the client's requisites into v.
func clientValues(v map[string]string, c *Client) {
	v["client.name"], v["client.full_name"] = c.Name(), c.FullName
	if c.FullName == "" {
		v["client.full_name"] = c.Name()
	}
	v["client.inn"], v["client.kpp"], v["client.ogrn"] = c.INN, c.KPP, c.OGRN
	v["client.address"], v["client.director"], v["client.signatory"] = c.Address, c.Director, c.Director
	signatoryValues(v, "client.", c.Director, c.Kind == KindIndividual, c.OGRN)
	if e := c.EmailContact(); e != nil {
		v["client.email"] = e.Email
	}
	for _, ct := range c.Contacts {
		if ct.Phone != "" {
			v["client.phone"] = ct.Phone
			break
		}
	}
	if len(c.Accounts) > 0 {
		a := c.Accounts[0]
		v["client.bank"], v["client.bik"], v["client.account"], v["client.corr_account"] =
			a.BankName, a.BIK, a.Account, a.CorrAccount
	}
}

// signatoryValues puts who signs for a party, from its director as the
// registries write it («Греф Герман Оскарович (президент, председатель
// правления)») or a name alone, into v under prefix: signatory_name (the
// name), signatory_position (capitalized, for «в лице: Генеральный
// директор Иванов Иван Иванович»; «Генеральный директор» when a legal
// entity's position is not known, «Индивидуальный предприниматель» for a
// sole proprietor) and signatory_basis, in the genitive after «на
// основании»: «Устава», or «ОГРНИП …» for a sole proprietor. All empty
// when nobody is known.
func signatoryValues(v map[string]string, prefix, director string, soleProprietor bool, ogrn string) {
	name, position := splitDirector(director)
	basis := "Устава"
	switch {
	case name == "":
		position, basis = "", ""
	case soleProprietor:
		position, basis = "Индивидуальный предприниматель", ""
		if ogrn != "" {
			basis = "ОГРНИП " + ogrn
		}
	case position == "":
		position = "Генеральный директор"
	}
	v[prefix+"signatory_name"], v[prefix+"signatory_position"], v[prefix+"signatory_basis"] = name, position, basis
}

// splitDirector reads «Name (position)» into the name and the position,
// capitalized; a name alone has no position.
func splitDirector(s string) (name, position string) {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, "("); i > 0 && strings.HasSuffix(s, ")") {
		name, position = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:len(s)-1])
	} else {
		name = s
	}
	return name, ruwords.Capitalize(position)
}

// ContractValues puts the deal's contract into values: contract.number and
// contract.date, the number of the deal's latest contract that was
// produced (neither rejected by a lawyer nor refused by the client) and
// the date of its first version (a supplementary agreement
// refers to it: «к Договору № ДГ-2026-0001 от 02.12.2026»). Both stay
// empty when the deal has no produced contract, so a template that uses
// them is refused as missing them. docs are the deal's documents, oldest
// first.
func ContractValues(values DocValues, docs []*Document) {
	for _, d := range slices.Backward(docs) {
		if d.Kind == DocContract && len(d.Versions) > 0 && d.Status != DocRejected && d.Status != DocRefused {
			values.Values["contract.number"] = d.Number
			values.Values["contract.date"] = docDate(d.Versions[0].CreatedAt)
			return
		}
	}
}

// sampleClient and sampleDeal fill a template's preview.
func sampleClient() *Client {
	return &Client{Kind: KindLegal, INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
		ShortName: "ООО «Ромашка»", FullName: "Общество с ограниченной ответственностью «Ромашка»",
		Address: "117997, г. Москва, ул. Вавилова, д. 19", Director: "Иванов Иван Иванович",
		Accounts: []BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225",
			Account: "40702810938000012345"}},
		Contacts: []Contact{{Name: "Иванов Иван Иванович", Phone: "+7 495 123-45-67", Email: "info@romashka.example"}}}
}

func sampleDeal(now time.Time) *Deal {
	return &Deal{Number: "D-2026-0001", Title: "Оказание консультационных услуг", Amount: 123456789,
		SigningDue: now.AddDate(0, 0, 14), PaymentDue: now.AddDate(0, 1, 0), ContractEnd: now.AddDate(1, 0, 0)}
}
