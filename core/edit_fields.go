package core

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Editable fields, by the names the audit trail gives them.
const (
	FieldTitle       = "title"
	FieldAmount      = "amount"
	FieldSigningDue  = "signing_due"
	FieldPaymentDue  = "payment_due"
	FieldContractEnd = "contract_end"
	FieldManager     = "manager_id"
	FieldShortName   = "short_name"
	FieldFullName    = "full_name"
	FieldAddress     = "address"
	FieldDirector    = "director"
	FieldContacts    = "contacts"
	FieldAccounts    = "accounts"
	// A card's identity: corrected only by /fix, with a second approval.
	FieldINN  = "inn"
	FieldKPP  = "kpp"
	FieldOGRN = "ogrn"
)

// EditFields lists the fields of a deal and of a card that can be edited,
// in the order they are offered. A card's INN, KPP and OGRN are not among
// them: they are what the card is known by (its duplicates, its registry
// record, its deals' documents), so a wrong one is put right by checking
// the counterparty again (/intake) or merging the duplicate (/merge), not
// by an edit. A deal's stage moves by its own rules, not by an edit.
var EditFields = map[Entity][]string{
	EntityDeal:   {FieldTitle, FieldAmount, FieldSigningDue, FieldPaymentDue, FieldContractEnd, FieldManager},
	EntityClient: {FieldShortName, FieldFullName, FieldAddress, FieldDirector, FieldContacts, FieldAccounts, FieldManager},
}

// FixFields lists the fields a correction (/fix) changes, in the order
// they are offered: the editable ones and, on a card, its identity (INN,
// KPP, OGRN), which only a correction changes, with a second approval.
var FixFields = map[Entity][]string{
	EntityDeal: EditFields[EntityDeal],
	EntityClient: {FieldINN, FieldKPP, FieldOGRN, FieldShortName, FieldFullName, FieldAddress, FieldDirector,
		FieldContacts, FieldAccounts, FieldManager},
}

// IsSensitive reports whether a field is one of SensitiveFields: its
// correction waits for a second approval (see NeedsApproval).
func IsSensitive(e Entity, field string) bool { return slices.Contains(SensitiveFields[e], field) }

// EditValueKind says how a field's values are shown: "money" (kopecks),
// "date" (RFC 3339, "" for none), "user" (a user id, 0 for none) or "text".
func EditValueKind(field string) string {
	switch field {
	case FieldAmount:
		return "money"
	case FieldSigningDue, FieldPaymentDue, FieldContractEnd:
		return "date"
	case FieldManager:
		return "user"
	}
	return "text"
}

// registryField reports whether a registry gives the card's field.
func registryField(field string) bool {
	switch field {
	case FieldShortName, FieldFullName, FieldAddress, FieldDirector:
		return true
	}
	return false
}

// DealEditValue is a deal's editable field as the audit trail records it
// (see Edit.Old).
func DealEditValue(d *Deal, field string) string {
	switch field {
	case FieldTitle:
		return d.Title
	case FieldAmount:
		return format(d.Amount)
	case FieldManager:
		return format(d.ManagerID)
	case FieldSigningDue, FieldPaymentDue, FieldContractEnd:
		return format(*dealDate(d, field))
	}
	return ""
}

func dealDate(d *Deal, field string) *time.Time {
	switch field {
	case FieldSigningDue:
		return &d.SigningDue
	case FieldPaymentDue:
		return &d.PaymentDue
	}
	return &d.ContractEnd
}

// setDealValue sets the deal's field to the edit's new value.
func setDealValue(d *Deal, e *Edit) error {
	switch e.Field {
	case FieldTitle:
		d.Title = e.New
	case FieldAmount, FieldManager:
		n, err := strconv.ParseInt(e.New, 10, 64)
		if err != nil {
			return Errorf(EINVALID, "err.edit.field_unknown", "Field", e.Field)
		}
		if e.Field == FieldAmount {
			d.Amount = Money(n)
		} else {
			d.ManagerID = n
		}
	case FieldSigningDue, FieldPaymentDue, FieldContractEnd:
		var t time.Time
		if e.New != "" {
			var err error
			if t, err = time.Parse(time.RFC3339, e.New); err != nil {
				return Errorf(EINVALID, "err.date.format", "Text", e.New)
			}
		}
		*dealDate(d, e.Field) = t
	default:
		return Errorf(EINVALID, "err.edit.field_unknown", "Field", e.Field)
	}
	return nil
}

// ClientEditValue is a card's editable field as the audit trail records it
// (see Edit.Old); for a list, its items' Strings joined by "; ".
func ClientEditValue(c *Client, field string) string {
	switch field {
	case FieldManager:
		return format(c.ManagerID)
	case FieldContacts, FieldAccounts:
		return strings.Join(itemStrings(c, field), "; ")
	}
	if p := clientText(c, field); p != nil {
		return *p
	}
	return ""
}

func clientText(c *Client, field string) *string {
	switch field {
	case FieldShortName:
		return &c.ShortName
	case FieldFullName:
		return &c.FullName
	case FieldAddress:
		return &c.Address
	case FieldDirector:
		return &c.Director
	case FieldINN:
		return &c.INN
	case FieldKPP:
		return &c.KPP
	case FieldOGRN:
		return &c.OGRN
	}
	return nil
}

func itemStrings(c *Client, field string) []string {
	if field == FieldContacts {
		return strs(c.Contacts)
	}
	return strs(c.Accounts)
}

// sameItem reports whether a card's list item, as itemStrings gives it, is
// the one recorded as want (by the audit trail, or by an edit or a
// correction planned earlier): the same words, or, for an account recorded
// before its correspondent account was part of its words, the same account
// but for that.
func sameItem(field, have, want string) bool {
	if have == want {
		return true
	}
	if field != FieldAccounts {
		return false
	}
	w := ParseAuditAccount(want)
	if w.CorrAccount != "" {
		return false
	}
	h := ParseAuditAccount(have)
	h.CorrAccount = ""
	return h == w
}

// indexItem is the index of the item recorded as want among items
// (sameItem), -1 when none is.
func indexItem(field string, items []string, want string) int {
	return slices.IndexFunc(items, func(have string) bool { return sameItem(field, have, want) })
}

// setClientValue sets the card's field to the edit's new value, or adds,
// changes or removes its list item.
func setClientValue(c *Client, e *Edit) error {
	switch e.Field {
	case FieldManager:
		id, err := strconv.ParseInt(e.New, 10, 64)
		if err != nil {
			return Errorf(EINVALID, "err.edit.manager_invalid")
		}
		c.ManagerID = id
	case FieldContacts:
		var item Contact
		if e.Contact != nil {
			item = *e.Contact
		}
		c.Contacts = editList(c.Contacts, e.Op, e.Index, item)
	case FieldAccounts:
		var item BankAccount
		if e.Account != nil {
			item = *e.Account
		}
		c.Accounts = editList(c.Accounts, e.Op, e.Index, item)
	default:
		p := clientText(c, e.Field)
		if p == nil {
			return Errorf(EINVALID, "err.edit.field_unknown", "Field", e.Field)
		}
		*p = e.New
	}
	return nil
}

// editList returns a copy of list with item added, put at i or i removed.
func editList[T any](list []T, op EditOp, i int, item T) []T {
	out := slices.Clone(list)
	switch op {
	case EditAdd:
		return append(out, item)
	case EditChange:
		out[i] = item
	case EditRemove:
		return slices.Delete(out, i, i+1)
	}
	return out
}

// cloneClient copies a card with its own lists.
func cloneClient(c *Client) *Client {
	cp := *c
	cp.Contacts, cp.Accounts = slices.Clone(c.Contacts), slices.Clone(c.Accounts)
	return &cp
}

// editFieldNames are the names people give the editable fields, in both
// languages, folded by foldFieldName; a field's own name is read too.
var editFieldNames = map[Entity]map[string]string{
	EntityDeal: {
		"название": FieldTitle, "наименование": FieldTitle, "title": FieldTitle, "name": FieldTitle,
		"сумма": FieldAmount, "amount": FieldAmount, "sum": FieldAmount,
		"подписание": FieldSigningDue, "срок подписания": FieldSigningDue, "подписать до": FieldSigningDue,
		"signing": FieldSigningDue, "signing due": FieldSigningDue, "sign by": FieldSigningDue,
		"оплата": FieldPaymentDue, "срок оплаты": FieldPaymentDue, "оплата до": FieldPaymentDue,
		"payment": FieldPaymentDue, "payment due": FieldPaymentDue, "pay by": FieldPaymentDue,
		"окончание": FieldContractEnd, "окончание договора": FieldContractEnd, "договор до": FieldContractEnd,
		"end": FieldContractEnd, "contract end": FieldContractEnd, "ends": FieldContractEnd,
		"менеджер": FieldManager, "manager": FieldManager,
	},
	EntityClient: {
		"краткое": FieldShortName, "краткое название": FieldShortName, "краткое наименование": FieldShortName,
		"название": FieldShortName, "наименование": FieldShortName, "short": FieldShortName,
		"short name": FieldShortName, "name": FieldShortName,
		"полное": FieldFullName, "полное название": FieldFullName, "полное наименование": FieldFullName,
		"full": FieldFullName, "full name": FieldFullName,
		"адрес": FieldAddress, "юридический адрес": FieldAddress, "address": FieldAddress,
		"директор": FieldDirector, "руководитель": FieldDirector, "director": FieldDirector, "head": FieldDirector,
		"контакт": FieldContacts, "контакты": FieldContacts, "contact": FieldContacts, "contacts": FieldContacts,
		"счет": FieldAccounts, "счета": FieldAccounts, "р/с": FieldAccounts, "расчетный счет": FieldAccounts,
		"account": FieldAccounts, "accounts": FieldAccounts, "bank account": FieldAccounts,
		"менеджер": FieldManager, "manager": FieldManager,
	},
}

// fixedFieldNames are fields people may try to edit that an edit does not
// change, with the rule that says why.
var fixedFieldNames = map[Entity]map[string]string{
	EntityDeal: {"стадия": "err.edit.stage", "stage": "err.edit.stage", "номер": "err.edit.number",
		"number": "err.edit.number"},
	EntityClient: {"инн": "err.edit.identity", "кпп": "err.edit.identity", "огрн": "err.edit.identity",
		"огрнип": "err.edit.identity", "inn": "err.edit.identity", "kpp": "err.edit.identity",
		"ogrn": "err.edit.identity", "ogrnip": "err.edit.identity"},
}

// maxFieldWords is the number of words of the longest field name.
const maxFieldWords = 3

// foldFieldName folds a field's name as typed: lower case, ё→е, no colon.
func foldFieldName(s string) string {
	s = strings.ReplaceAll(strings.ToLower(strings.Join(strings.Fields(s), " ")), "ё", "е")
	return strings.TrimRight(s, ":=")
}

// identityFieldNames are the names people give a card's identity fields,
// which only a correction changes.
var identityFieldNames = map[string]string{"инн": FieldINN, "inn": FieldINN, "кпп": FieldKPP, "kpp": FieldKPP,
	"огрн": FieldOGRN, "огрнип": FieldOGRN, "ogrn": FieldOGRN, "ogrnip": FieldOGRN}

// fixField returns the field a name means for a correction (see
// lookupField).
func fixField(e Entity, name string) (string, error) { return lookupField(e, name, true) }

// lookupField returns the field a name means for the entity: its own name
// or one of editFieldNames. For an edit (fix false), a card's INN, KPP or
// OGRN are refused with their rule, as a deal's stage or number always
// are; a correction (fix true) reads them as fields.
func lookupField(e Entity, name string, fix bool) (string, error) {
	if e != EntityDeal && e != EntityClient {
		return "", Errorf(EINVALID, "err.edit.field_unknown", "Field", name)
	}
	key := foldFieldName(name)
	fields := EditFields
	if fix {
		fields = FixFields
	}
	if slices.Contains(fields[e], key) {
		return key, nil
	}
	if f, ok := editFieldNames[e][key]; ok {
		return f, nil
	}
	if f, ok := identityFieldNames[key]; ok && fix && e == EntityClient {
		return f, nil
	}
	if rule, ok := fixedFieldNames[e][key]; ok {
		return "", Errorf(EINVALID, rule)
	}
	return "", Errorf(EINVALID, "err.edit.field_unknown", "Field", strings.TrimSpace(name))
}

// CutEditField reads the field a text starts with, by the longest name of
// up to three words («срок подписания 15.12.2026», "amount 2,000,000"),
// and returns it with the rest of the text (the value, as typed). A field
// that is not edited is refused with its rule; no field, with
// "err.edit.field_unknown".
func CutEditField(e Entity, s string) (field, rest string, err error) { return cutField(e, s, false) }

// CutFixField is CutEditField for a correction (/fix): a card's INN, KPP
// and OGRN are read as fields.
func CutFixField(e Entity, s string) (field, rest string, err error) { return cutField(e, s, true) }

func cutField(e Entity, s string, fix bool) (field, rest string, err error) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return "", "", Errorf(EINVALID, "err.edit.field_unknown", "Field", "")
	}
	for n := min(len(words), maxFieldWords); n > 0; n-- {
		name := strings.Join(words[:n], " ")
		f, err := lookupField(e, name, fix)
		if err == nil {
			return f, strings.TrimSpace(strings.TrimLeft(afterWords(s, n), ":=")), nil
		}
		if key, _ := ErrorKey(err); key != "err.edit.field_unknown" {
			return "", "", err
		}
	}
	return "", "", Errorf(EINVALID, "err.edit.field_unknown", "Field", strings.TrimRight(words[0], ":="))
}

// tellDealEdit tells of a deal's edit in its transaction: on a new manager,
// the new one and the one who led it (unless they made the change
// themselves); on another field, the deal's manager when someone else
// edited it.
func (s *Service) tellDealEdit(tx Tx, a Actor, old, d *Deal, e *Edit) error {
	if e.Field == FieldManager {
		if err := checkNewManager(tx, e); err != nil {
			return err
		}
	}
	if old.ManagerID == d.ManagerID && d.ManagerID == a.ID() {
		return nil
	}
	args := map[string]any{"Number": d.Number, "Title": d.Title, "By": describeUser(tx, a.ID()), "Reason": e.Reason}
	open := [][]ButtonSpec{{{LabelKey: "btn.edit.open_deal", Action: ActionDealShow, Payload: strconv.FormatInt(d.ID, 10)}}}
	if e.Field != FieldManager {
		for k, v := range noteValues(e) {
			args[k] = v
		}
		return s.notifyUser(tx, d.ManagerID, Note{Key: "notify.edit.deal", Args: args, Buttons: open})
	}
	if c, err := tx.ClientByID(d.ClientID); err == nil {
		args["Client"], args["INN"] = c.Name(), c.INN
	}
	args["Amount"], args["Manager"] = int64(d.Amount), describeUser(tx, d.ManagerID)
	if d.ManagerID != a.ID() {
		if err := s.notifyUser(tx, d.ManagerID, Note{Key: "notify.edit.deal_manager_new", Args: args, Buttons: open}); err != nil {
			return err
		}
	}
	if old.ManagerID != a.ID() {
		return s.notifyUser(tx, old.ManagerID, Note{Key: "notify.edit.deal_manager_old", Args: args})
	}
	return nil
}

// tellClientEdit tells of a card's edit in its transaction: on a new
// manager, the new one and the one before (unless they made the change
// themselves); on another field, the card's manager when someone else
// edited it.
func (s *Service) tellClientEdit(tx Tx, a Actor, old, c *Client, e *Edit) error {
	args := map[string]any{"Name": c.Name(), "Quote": NeedsQuotes(c.Name()), "INN": c.INN, "By": describeUser(tx, a.ID()), "Reason": e.Reason}
	if e.Field != FieldManager {
		if c.ManagerID == 0 || c.ManagerID == a.ID() {
			return nil
		}
		for k, v := range noteValues(e) {
			args[k] = v
		}
		return s.notifyUser(tx, c.ManagerID, Note{Key: "notify.edit.client", Args: args})
	}
	if err := checkNewManager(tx, e); err != nil {
		return err
	}
	args["Manager"] = describeUser(tx, c.ManagerID)
	if c.ManagerID != 0 && c.ManagerID != a.ID() {
		if err := s.notifyUser(tx, c.ManagerID, Note{Key: "notify.edit.client_manager_new", Args: args}); err != nil {
			return err
		}
	}
	if old.ManagerID != 0 && old.ManagerID != a.ID() {
		if c.ManagerID == 0 {
			args["Manager"] = ""
		}
		return s.notifyUser(tx, old.ManagerID, Note{Key: "notify.edit.client_manager_old", Args: args})
	}
	return nil
}

// noteValues are the arguments of a notification that shows an edit's
// field and values in its reader's language: Field, Op, Kind, and Old and
// New typed for the template's money and datetime.
func noteValues(e *Edit) map[string]any {
	kind := EditValueKind(e.Field)
	args := map[string]any{"Field": string(e.Entity) + "." + e.Field, "Op": string(e.Op), "Kind": kind,
		"Old": e.Old, "New": e.New}
	if kind == "money" {
		o, _ := strconv.ParseInt(e.Old, 10, 64)
		n, _ := strconv.ParseInt(e.New, 10, 64)
		args["Old"], args["New"] = o, n
	}
	return args
}

// EditManagers lists the people a deal or card may be given to (active
// managers and heads: MayBeGivenDeals), for whoever may edit deals or cards.
func (s *Service) EditManagers(ctx context.Context, a Actor) ([]*User, error) {
	if !a.Can(PermEditDeals) && !a.Can(PermEditClients) {
		return nil, Errorf(EFORBIDDEN, "err.forbidden")
	}
	var out []*User
	err := s.view(ctx, func(tx Tx) error {
		us, err := tx.ListUsers()
		for _, u := range us {
			if MayBeGivenDeals(u) {
				out = append(out, u)
			}
		}
		return err
	})
	return out, err
}

// mayReassign returns EFORBIDDEN unless the actor may change the card's
// responsible manager: one who sees all deals (an officer, an admin) may
// change any card's; a manager only a card that is theirs or nobody's, so
// that no manager takes over a colleague's client.
func mayReassign(a Actor, c *Client) error {
	if a.Can(PermViewAllDeals) || c.ManagerID == 0 || c.ManagerID == a.ID() {
		return nil
	}
	return Errorf(EFORBIDDEN, "err.edit.manager_not_yours")
}

// checkNewManager returns EINVALID unless the edit's new manager, if any,
// may be given deals.
func checkNewManager(tx Tx, e *Edit) error {
	id, _ := strconv.ParseInt(e.New, 10, 64)
	if id == 0 && e.Entity == EntityClient {
		return nil
	}
	u, err := tx.UserByID(id)
	if IsNotFound(err) || err == nil && !MayBeGivenDeals(u) {
		return Errorf(EINVALID, "err.edit.manager_invalid")
	}
	return err
}

// findManager finds the user a typed value names among those who may be
// given deals: "id:7", "#7", "7", or a part of their name that only one
// of them has (or their whole name). With none, «-» clears the manager.
func findManager(tx Tx, value string, none bool) (int64, error) {
	if IsClear(value) || value == "" {
		if none {
			return 0, nil
		}
		return 0, Errorf(EINVALID, "err.deal.manager_required")
	}
	if v := strings.TrimPrefix(strings.TrimPrefix(value, "id:"), "#"); allDigits(v) {
		id, _ := strconv.ParseInt(v, 10, 64)
		if u, err := tx.UserByID(id); err == nil && MayBeGivenDeals(u) {
			return id, nil
		} else if err != nil && !IsNotFound(err) {
			return 0, err
		}
		return 0, Errorf(EINVALID, "err.edit.manager_invalid")
	}
	us, err := tx.ListUsers()
	if err != nil {
		return 0, err
	}
	q := NormalizeName(value)
	var found []*User
	for _, u := range us {
		if !MayBeGivenDeals(u) {
			continue
		}
		if n := NormalizeName(u.Name); n == q {
			return u.ID, nil
		} else if strings.Contains(n, q) {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return 0, Errorf(EINVALID, "err.edit.manager_unknown", "Name", value)
	case 1:
		return found[0].ID, nil
	}
	var names []string
	for _, u := range found {
		names = append(names, u.Name)
	}
	return 0, Errorf(EINVALID, "err.edit.manager_ambiguous", "Name", value, "Names", strings.Join(names, ", "))
}
