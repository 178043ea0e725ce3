package core

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// EditOp is what an edit does to its field: sets it, or adds, changes or
// removes one item of a list (a card's contacts and accounts).
type EditOp string

// Edit operations.
const (
	EditSet    EditOp = "set"
	EditAdd    EditOp = "add"
	EditChange EditOp = "change"
	EditRemove EditOp = "remove"
)

// MaxReasonLen is the longest reason of an edit, in characters.
const MaxReasonLen = 500

// EditRequest is an edit as a person asks for it, before it is checked.
type EditRequest struct {
	Entity Entity
	ID     int64
	// Field is the field's name (FieldAmount) or what people call it in
	// either language («сумма», "amount"; see CutEditField).
	Field string
	// Op is EditSet for a field's value; for a list, EditAdd (the default),
	// EditChange or EditRemove of the item at Index.
	Op    EditOp
	Index int
	// Value is the new value as typed: an amount in the form of Lang, a
	// date in Loc («-» clears an optional date or text), a manager's name
	// or "id:<user id>", a contact «name; position; phone; e-mail», a bank
	// account «BIK account».
	Value string
	Lang  string
	Loc   *time.Location
}

// Edit is a checked change of one field, old → new, not yet written: a
// dialog shows it, asks for the reason when NeedsReason, and ApplyEdit
// writes it. It holds what ApplyEdit needs and nothing else, so it can wait
// in a dialog (or, later, for a second approval) as JSON.
type Edit struct {
	Entity Entity `json:"entity"`
	ID     int64  `json:"id"`
	// Label names the record as RecordLabel does: the deal's number and
	// title, or the card's name and INN, without quotes (a text quotes it
	// in its reader's language, LabelArgs; labels stored before carry «»).
	Label string `json:"label"`
	Field string `json:"field"`
	Op    EditOp `json:"op"`
	Index int    `json:"index,omitempty"`
	// Old and New are the field's value (or the list item) before and after,
	// as the audit trail records them: an amount in kopecks, a date in
	// RFC 3339, a manager by user id, a contact or account by its String.
	// ApplyEdit refuses the edit when the record no longer has Old.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Defaulted is set when a date was typed without a time and got
	// DefaultHour.
	Defaulted bool `json:"defaulted,omitempty"`
	// NeedsReason is set when the edit must give a reason (EditNeedsReason).
	NeedsReason bool   `json:"needs_reason,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// Contact and Account are the item added or the item as changed.
	Contact *Contact     `json:"contact,omitempty"`
	Account *BankAccount `json:"account,omitempty"`
	// RequestID is the request the edit answers; Reverts the audit record
	// (Change.ID) it rolls back. Both travel into its audit records.
	RequestID int64 `json:"request_id,omitempty"`
	Reverts   int64 `json:"reverts,omitempty"`
}

// PlanEdit checks an edit without writing it: the actor may edit the
// record (a deal they see, not closed, with PermEditDeals; a card not
// merged, with PermEditClients), the field is editable, the new value reads
// and passes the field's rules and the record's; it returns the edit with
// the old and new values and whether a reason is needed. A value equal to
// the current one is refused.
func (s *Service) PlanEdit(ctx context.Context, a Actor, r EditRequest) (*Edit, error) {
	return s.plan(ctx, a, r, false)
}

// plan checks an edit (fix false) or a correction (fix true, see
// PlanCorrection) without writing it.
func (s *Service) plan(ctx context.Context, a Actor, r EditRequest, fix bool) (*Edit, error) {
	field, err := lookupField(r.Entity, r.Field, fix)
	if err != nil {
		return nil, err
	}
	if r.Loc == nil {
		r.Loc = Location("")
	}
	var e *Edit
	err = s.view(ctx, func(tx Tx) (err error) {
		switch r.Entity {
		case EntityDeal:
			e, err = planDeal(tx, a, r, field, fix)
		default:
			e, err = planClient(tx, a, r, field, fix)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// EditNeedsReason is the rule for a reason: a card's name, full name,
// address or director once a registry confirmed the card (its verification
// has a source) and the field has a value, since that value is the
// registry's; a deal's amount and dates from «согласование» on, since from
// then they are what is being approved and signed. Elsewhere a reason is
// welcome but not needed.
func EditNeedsReason(e Entity, field string, deal *Deal, client *Client) bool {
	switch {
	case e == EntityDeal && deal != nil:
		kind := EditValueKind(field)
		return (kind == "money" || kind == "date") &&
			slices.Index(Stages, deal.Stage) >= slices.Index(Stages, StageApproval)
	case e == EntityClient && client != nil:
		return client.Verification.Source != "" && registryField(field) && ClientEditValue(client, field) != ""
	}
	return false
}

// ApplyEdit writes a planned edit with its reason through UpdateDeal or
// UpdateClient, audited, with its notifications, in one transaction (the
// unit's, when ctx carries one). It checks again what may have changed
// since the plan: the record must still have the edit's old value
// (ECONFLICT "err.edit.stale" otherwise), the reason must be given when
// the record needs one now, and a new manager must still be one who may be
// given deals. A deal's new manager and the one who led it are told, and
// so is a deal's or card's manager of an edit someone else made.
//
// An edit that needs a second approval (NeedsApproval: a bank account, the
// director, a deal's amount) is not written: it becomes a pending
// correction, returned, that waits for an approver as a /fix of the field
// does, and like a correction it needs a reason (EINVALID
// "err.fix.approval_reason" without one; PlanEdit sets NeedsReason).
// Otherwise the correction returned is nil.
func (s *Service) ApplyEdit(ctx context.Context, a Actor, e *Edit) (*Correction, error) {
	e.Reason = strings.TrimSpace(e.Reason)
	if len([]rune(e.Reason)) > MaxReasonLen {
		return nil, Errorf(EINVALID, "err.edit.reason_too_long", "Max", MaxReasonLen)
	}
	if unitFrom(ctx) != nil {
		return s.applyEdit(ctx, a, e)
	}
	uctx, u := s.Begin(ctx)
	defer u.Rollback()
	corr, err := s.applyEdit(uctx, a, e)
	if err != nil {
		return nil, err
	}
	return corr, u.Commit()
}

func (s *Service) applyEdit(ctx context.Context, a Actor, e *Edit) (*Correction, error) {
	// The rules are checked before the write, so that a refusal leaves the
	// unit as it was; the write checks them again in its transaction.
	approval := false
	err := s.view(ctx, func(tx Tx) (err error) {
		if err := recheck(tx, a, e); err != nil {
			return err
		}
		if approval, err = needsApproval(tx, e); err != nil || !approval || e.Reason != "" {
			return err
		}
		// An approver is never asked to approve a change without a reason.
		return approvalReasonErr(tx)
	})
	if err != nil {
		return nil, err
	}
	if approval {
		// No edit bypasses the second approval: it waits as a correction.
		var corr *Correction
		err := s.update(ctx, func(tx Tx) (err error) {
			if err := recheck(tx, a, e); err != nil {
				return err
			}
			corr, err = s.propose(tx, a, e)
			return err
		})
		return corr, err
	}
	switch e.Entity {
	case EntityDeal:
		var old Deal
		d, err := s.UpdateDeal(ctx, a, e.ID, e.Reason, func(d *Deal) error {
			if err := recheckDeal(d, e); err != nil {
				return err
			}
			old = *d
			return setDealValue(d, e)
		})
		if err != nil {
			return nil, err
		}
		return nil, s.update(ctx, func(tx Tx) error { return s.tellDealEdit(tx, a, &old, d, e) })
	default:
		var old *Client
		c, err := s.UpdateClient(ctx, a, e.ID, e.Reason, func(c *Client) error {
			if err := recheckClient(a, c, e); err != nil {
				return err
			}
			old = cloneClient(c)
			return setClientValue(c, e)
		})
		if err != nil {
			return nil, err
		}
		return nil, s.update(ctx, func(tx Tx) error { return s.tellClientEdit(tx, a, old, c, e) })
	}
}

// recheck checks a planned edit against the record as it is now.
func recheck(tx Tx, a Actor, e *Edit) error {
	if e.Field == FieldManager {
		if err := checkNewManager(tx, e); err != nil {
			return err
		}
	}
	switch e.Entity {
	case EntityDeal:
		if err := a.require(PermEditDeals); err != nil {
			return err
		}
		d, err := tx.DealByID(e.ID)
		if err != nil {
			return err
		}
		if !canSeeDeal(a, d) {
			return Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
		}
		return recheckDeal(d, e)
	case EntityClient:
		if err := a.require(PermEditClients); err != nil {
			return err
		}
		c, err := tx.ClientByID(e.ID)
		if err != nil {
			return err
		}
		if c.MergedInto != 0 {
			return mergedErr(tx, ECONFLICT, c)
		}
		if err := mayEditClient(tx, a, c); err != nil {
			return err
		}
		return recheckClient(a, c, e)
	}
	return Errorf(EINVALID, "err.edit.field_unknown", "Field", e.Field)
}

// planDeal checks an edit of a deal's field; fix plans a correction, which
// needs PermCorrect instead of PermEditDeals and always a reason.
func planDeal(tx Tx, a Actor, r EditRequest, field string, fix bool) (*Edit, error) {
	perm := PermEditDeals
	if fix {
		perm = PermCorrect
	}
	if err := a.require(perm); err != nil {
		return nil, err
	}
	d, err := tx.DealByID(r.ID)
	if err != nil {
		return nil, err
	}
	if !canSeeDeal(a, d) {
		return nil, Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
	}
	if d.Stage.Closed() {
		return nil, Errorf(ECONFLICT, "err.deal.closed", "Number", d.Number)
	}
	e := &Edit{Entity: EntityDeal, ID: d.ID, Label: RecordLabel(d, nil), Field: field, Op: EditSet,
		Old: DealEditValue(d, field)}
	nd := *d
	value := strings.TrimSpace(r.Value)
	switch field {
	case FieldTitle:
		nd.Title = strings.Join(strings.Fields(value), " ")
		if err := ValidateTitle(nd.Title); err != nil {
			return nil, err
		}
	case FieldAmount:
		m, err := ParseMoney(value, r.Lang)
		if err == nil {
			err = ValidateAmount(m)
		}
		if err != nil {
			return nil, err
		}
		nd.Amount = m
	case FieldSigningDue, FieldPaymentDue, FieldContractEnd:
		t, defaulted, err := parseEditDate(value, tx.Now(), r.Loc)
		if err != nil {
			return nil, err
		}
		e.Defaulted = defaulted
		*dealDate(&nd, field) = t
	case FieldManager:
		id, err := findManager(tx, value, false)
		if err != nil {
			return nil, err
		}
		nd.ManagerID = id
	}
	if err := nd.Validate(); err != nil {
		return nil, err
	}
	e.New = DealEditValue(&nd, field)
	if e.New == e.Old {
		return nil, Errorf(EINVALID, "err.edit.same")
	}
	e.NeedsReason = fix || EditNeedsReason(EntityDeal, field, d, nil) || NeedsApproval(e, nil)
	return e, nil
}

// planClient checks an edit of a card's field; fix plans a correction,
// which needs PermCorrect instead of the right to edit the card, may change
// the card's INN, KPP and OGRN, and always needs a reason.
func planClient(tx Tx, a Actor, r EditRequest, field string, fix bool) (*Edit, error) {
	perm := PermEditClients
	if fix {
		perm = PermCorrect
	}
	if err := a.require(perm); err != nil {
		return nil, err
	}
	c, err := tx.ClientByID(r.ID)
	if err != nil {
		return nil, err
	}
	if c.MergedInto != 0 {
		return nil, mergedErr(tx, ECONFLICT, c)
	}
	if !fix {
		if err := mayEditClient(tx, a, c); err != nil {
			return nil, err
		}
	}
	e := &Edit{Entity: EntityClient, ID: c.ID, Label: RecordLabel(nil, c), Field: field, Op: EditSet,
		Index: r.Index}
	nc := cloneClient(c)
	value := strings.TrimSpace(r.Value)
	switch field {
	case FieldShortName, FieldFullName, FieldAddress, FieldDirector:
		v := strings.Join(strings.Fields(value), " ")
		if IsClear(v) {
			v = ""
		}
		*clientText(nc, field) = v
		if field == FieldShortName {
			if err := ValidateClientName(v); err != nil {
				return nil, err
			}
		}
	case FieldManager:
		if err := mayReassign(a, c); err != nil {
			return nil, err
		}
		id, err := findManager(tx, value, true)
		if err != nil {
			return nil, err
		}
		nc.ManagerID = id
	case FieldContacts, FieldAccounts:
		if err := planItem(c, nc, e, r.Op, value); err != nil {
			return nil, err
		}
	case FieldINN, FieldKPP, FieldOGRN:
		v := requisite.Clean(value)
		if IsClear(v) && field != FieldINN {
			v = ""
		}
		*clientText(nc, field) = v
	}
	if err := nc.Validate(); err != nil {
		return nil, err
	}
	if e.Op == EditSet {
		e.Old, e.New = ClientEditValue(c, field), ClientEditValue(nc, field)
	}
	if e.New == e.Old {
		return nil, Errorf(EINVALID, "err.edit.same")
	}
	if fix {
		if err := checkIdentity(tx, c, nc); err != nil {
			return nil, err
		}
	}
	e.NeedsReason = fix || EditNeedsReason(EntityClient, field, nil, c) || NeedsApproval(e, c)
	return e, nil
}

// MayEditClient reports whether the actor may edit the card: a manager
// edits only the cards they lead and those nobody leads, so that no manager
// changes a colleague's client; officers and admins (the roles that see
// every deal) edit any card. A card merged into another is edited by no
// one. (Heads do not edit cards at all: PermEditClients.)
func MayEditClient(a Actor, c *Client) bool {
	return a.Can(PermEditClients) && c.MergedInto == 0 &&
		(a.Can(PermViewAllDeals) || c.ManagerID == 0 || c.ManagerID == a.ID())
}

// CheckEditClient says, before anything is asked, whether the actor may
// edit the card: nil, or why not (EFORBIDDEN naming its manager, ECONFLICT
// naming the card it was merged into).
func (s *Service) CheckEditClient(ctx context.Context, a Actor, id int64) error {
	if err := a.require(PermEditClients); err != nil {
		return err
	}
	return s.view(ctx, func(tx Tx) error {
		c, err := tx.ClientByID(id)
		if err != nil {
			return err
		}
		if c.MergedInto != 0 {
			return mergedErr(tx, ECONFLICT, c)
		}
		return mayEditClient(tx, a, c)
	})
}

// mayEditClient returns EFORBIDDEN, naming the card and its manager (read
// in tx, when there is one), unless the actor may edit the card
// (MayEditClient; a merged card is refused by its own rule).
func mayEditClient(tx Tx, a Actor, c *Client) error {
	if a.Can(PermViewAllDeals) || c.ManagerID == 0 || c.ManagerID == a.ID() {
		return nil
	}
	manager := ""
	if tx != nil {
		manager = describeUser(tx, c.ManagerID)
	}
	return Errorf(EFORBIDDEN, "err.edit.client_not_yours", "Name", c.Name(), "Quote", NeedsQuotes(c.Name()),
		"INN", c.INN, "Manager", manager)
}

// planItem checks an edit of one of a card's contacts or accounts and
// applies it to nc.
func planItem(c, nc *Client, e *Edit, op EditOp, value string) error {
	if op == "" || op == EditSet {
		op = EditAdd
	}
	e.Op = op
	items := itemStrings(c, e.Field)
	if op != EditAdd && (e.Index < 0 || e.Index >= len(items)) {
		return Errorf(EINVALID, "err.edit.item_gone")
	}
	if op != EditAdd {
		e.Old = items[e.Index]
	}
	if op == EditRemove {
		return setClientValue(nc, e)
	}
	if limit, key := maxItems(e.Field); op == EditAdd && len(items) >= limit {
		return Errorf(EINVALID, key, "Max", limit)
	}
	if e.Field == FieldContacts {
		var base *Contact
		if op == EditChange {
			base = &c.Contacts[e.Index]
		}
		ct, err := ParseContact(value, base)
		if err != nil {
			return err
		}
		e.Contact, e.New = &ct, ct.String()
	} else {
		acc, err := ParseBankAccount(value)
		if err != nil {
			return err
		}
		e.Account, e.New = &acc, acc.String()
		for i, have := range c.Accounts {
			switch {
			case have.Account != acc.Account || op != EditAdd && i == e.Index:
			case op == EditAdd && have != acc:
				// The account the card has, given again with its bank's
				// details: they complete or correct that account.
				op, e.Op, e.Index, e.Old = EditChange, EditChange, i, items[i]
			default:
				return Errorf(EINVALID, "err.edit.account_exists", "Account", acc.Account)
			}
		}
	}
	if op == EditAdd && slices.Contains(items, e.New) {
		return Errorf(EINVALID, "err.edit.item_exists", "Item", e.New)
	}
	return setClientValue(nc, e)
}

// maxItems is the most items a card's list may have, with the rule that
// says so.
func maxItems(field string) (int, string) {
	if field == FieldContacts {
		return MaxContacts, "err.edit.too_many_contacts"
	}
	return MaxAccounts, "err.edit.too_many_accounts"
}

// recheckDeal refuses an edit the deal no longer allows: closed since, the
// field changed by someone else, a reason needed now.
func recheckDeal(d *Deal, e *Edit) error {
	switch {
	case d.Stage.Closed():
		return Errorf(ECONFLICT, "err.deal.closed", "Number", d.Number)
	case DealEditValue(d, e.Field) != e.Old:
		return Errorf(ECONFLICT, "err.edit.stale", e.labelArgs()...)
	case e.Reason == "" && EditNeedsReason(EntityDeal, e.Field, d, nil):
		return Errorf(EINVALID, "err.edit.reason_required")
	}
	return nil
}

// recheckClient is recheckDeal for a card.
func recheckClient(a Actor, c *Client, e *Edit) error {
	if c.MergedInto != 0 {
		return ErrClientMerged(ECONFLICT, c, nil) // recheck, which runs first, names the card that stays
	}
	if err := mayEditClient(nil, a, c); err != nil {
		return err
	}
	switch e.Op {
	case EditSet:
		if ClientEditValue(c, e.Field) != e.Old {
			return Errorf(ECONFLICT, "err.edit.stale", e.labelArgs()...)
		}
	case EditAdd:
		if indexItem(e.Field, itemStrings(c, e.Field), e.New) >= 0 {
			return Errorf(ECONFLICT, "err.edit.stale", e.labelArgs()...)
		}
	default:
		items := itemStrings(c, e.Field)
		if e.Index < 0 || e.Index >= len(items) || !sameItem(e.Field, items[e.Index], e.Old) {
			return Errorf(ECONFLICT, "err.edit.stale", e.labelArgs()...)
		}
	}
	if e.Field == FieldManager {
		if err := mayReassign(a, c); err != nil {
			return err
		}
	}
	if e.Reason == "" && EditNeedsReason(EntityClient, e.Field, nil, c) {
		return Errorf(EINVALID, "err.edit.reason_required")
	}
	return nil
}

// parseEditDate reads a deal's new date: «-» clears it; a date is read as
// the new deal's date steps read it (ParseDeadline: «15.12.2026», «завтра
// 12:00», «до пятницы», «через 3 дня», "by Friday") and may not have
// passed.
func parseEditDate(value string, now time.Time, loc *time.Location) (time.Time, bool, error) {
	if IsClear(value) {
		return time.Time{}, false, nil
	}
	t, defaulted, err := ParseDeadline(value, now, loc)
	if err != nil {
		return time.Time{}, false, err
	}
	return t, defaulted, ValidateDeadline(t, now)
}

// IsClear reports whether a typed value clears a field: «-» or «—».
func IsClear(v string) bool {
	v = strings.TrimSpace(v)
	return v == "-" || v == "—" || v == "–"
}

// RecordLabel is what an edit's Label holds: a deal's number and title
// (d), or a card's name and INN (c), as they are, without quotes: the
// texts that show it quote it in their reader's language (LabelArgs).
func RecordLabel(d *Deal, c *Client) string {
	if d != nil {
		return strings.TrimSpace(d.Number + " " + strings.TrimSpace(d.Title))
	}
	return clientLabel(c)
}

// LabelArgs are the arguments with which a text names an edit's record,
// read from its Label: LabelNumber, a deal's number ("" for a card);
// Label, the deal's title or the card's name and INN; Quote, set when the
// text puts Label in the quotes of its language, not when it has quotes of
// its own (ООО «Ромашка», 7707083893). In Russian:
//
//	{{with .LabelNumber}}{{.}} {{end}}{{if .Quote}}«{{.Label}}»{{else}}{{.Label}}{{end}}
//
// A label stored before labels were kept unquoted («ПАО Сбербанк,
// 7707083893», D-2026-0001 «Кредит») loses the «» it was stored with, so
// it reads as a new one does in either language.
func LabelArgs(e Entity, label string) map[string]any {
	label = strings.TrimSpace(label)
	number := ""
	if e == EntityDeal {
		n, rest, _ := strings.Cut(label, " ")
		number, label = n, strings.TrimSpace(rest)
	}
	if inner, ok := strings.CutPrefix(label, "«"); ok {
		if inner, ok = strings.CutSuffix(inner, "»"); ok && !strings.ContainsAny(inner, nameQuotes) {
			label = inner
		}
	}
	return map[string]any{"Label": label, "LabelNumber": number, "Quote": NeedsQuotes(label)}
}

// labelArgs are LabelArgs as an error's arguments.
func (e *Edit) labelArgs() []any {
	args := LabelArgs(e.Entity, e.Label)
	return []any{"Label", args["Label"], "LabelNumber", args["LabelNumber"], "Quote", args["Quote"]}
}

// NeedsQuotes reports whether a text that names a card or a deal by the
// name puts it in quotes of its language: a name without quotes of its
// own (see QuoteName).
func NeedsQuotes(name string) bool {
	name = strings.TrimSpace(name)
	return name != "" && !strings.ContainsAny(name, nameQuotes)
}

// PlainLabel names an edit's record without quotes, as a request's thread
// keeps it: its Label, without the «» a label stored before labels were
// kept unquoted carries.
func PlainLabel(e *Edit) string {
	args := LabelArgs(e.Entity, e.Label)
	return strings.TrimSpace(args["LabelNumber"].(string) + " " + args["Label"].(string))
}
