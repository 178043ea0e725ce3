package core

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// The data-quality gate: what is wrong with the records a file covers,
// before it leaves DealDesk for someone else. Cards: missing requisites, a
// failed checksum, a registry check older than the configured age or
// never made (only when a registry is configured: without one no card can
// be checked, so the finding could never be cleared), an unresolved
// duplicate (another card, not merged, with the same INN where one of
// them has no KPP, or the same OGRN under another INN; the same name
// under another INN is another company, as «Альфа» is a common name, and
// is no duplicate). Deals: an open one without amount,
// one without manager or with a disabled one, dates out of order.
// Requests: those in the file, and those about its cards and deals, that
// are not answered yet (not done or rejected). A finding's Detail is in
// codes, not words: the fields («kpp, ogrn»), the rules
// («contract_end<signing_due»), a date, other cards' numbers («#12»).

// qualityCheck returns the findings over the records of the scope, in
// the order of QualityKinds, then cards, deals and requests by ID.
func (s *Service) qualityCheck(tx Tx, sc *reportScope) ([]QualityFinding, error) {
	if sc == nil {
		return nil, nil
	}
	q := &qualityRun{s: s, tx: tx, now: tx.Now(), stale: s.reportConfig().StaleAfter}
	if err := q.clients(sc.Clients); err != nil {
		return nil, err
	}
	if err := q.deals(sc.Deals); err != nil {
		return nil, err
	}
	if err := q.requests(sc); err != nil {
		return nil, err
	}
	rank := make(map[QualityKind]int, len(QualityKinds))
	for i, k := range QualityKinds {
		rank[k] = i
	}
	entities := map[Entity]int{EntityClient: 0, EntityDeal: 1, EntityRequest: 2}
	slices.SortStableFunc(q.out, func(a, b QualityFinding) int {
		return cmp.Or(cmp.Compare(rank[a.Kind], rank[b.Kind]), cmp.Compare(entities[a.Entity], entities[b.Entity]),
			cmp.Compare(a.ID, b.ID))
	})
	return q.out, nil
}

// qualityBulk is the number of records of a kind above which the gate
// reads them all in one walk rather than one by one: a walk over 100,000
// deals takes less than reading 2,000 of them by ID.
var qualityBulk = 2000

// clients checks the cards of the scope: read one by one, or, for many,
// in one walk over the cards that also indexes them for the duplicates.
func (q *qualityRun) clients(ids map[int64]bool) error {
	if len(ids) <= qualityBulk {
		for _, id := range sortedIDs(ids) {
			c, err := q.tx.ClientByID(id)
			if IsNotFound(err) {
				continue
			} else if err != nil {
				return err
			}
			if err := q.client(c); err != nil {
				return err
			}
		}
		return nil
	}
	q.index = &cardIndex{inn: map[string][]cardRef{}, ogrn: map[string][]cardRef{}}
	var in []*Client
	err := q.tx.EachClient(func(c *Client) error {
		if ids[c.ID] {
			in = append(in, c)
		}
		if c.MergedInto != 0 {
			return nil
		}
		ref := cardRef{id: c.ID, inn: c.INN, kpp: c.KPP}
		q.index.inn[c.INN] = append(q.index.inn[c.INN], ref)
		if c.OGRN != "" {
			q.index.ogrn[c.OGRN] = append(q.index.ogrn[c.OGRN], ref)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range in {
		if err := q.client(c); err != nil {
			return err
		}
	}
	return nil
}

// deals checks the deals of the scope: read one by one, or, for many, in
// one walk over the deals.
func (q *qualityRun) deals(ids map[int64]bool) error {
	if len(ids) == 0 {
		return nil
	}
	us, err := q.tx.ListUsers()
	if err != nil {
		return err
	}
	q.users = make(map[int64]*User, len(us))
	for _, u := range us {
		q.users[u.ID] = u
	}
	if len(ids) > qualityBulk {
		return q.tx.EachDeal(func(d *Deal) error {
			if ids[d.ID] {
				q.deal(d)
			}
			return nil
		})
	}
	for _, id := range sortedIDs(ids) {
		d, err := q.tx.DealByID(id)
		if IsNotFound(err) {
			continue
		} else if err != nil {
			return err
		}
		q.deal(d)
	}
	return nil
}

// sortedIDs lists a set's IDs in order.
func sortedIDs(set map[int64]bool) []int64 {
	out := make([]int64, 0, len(set))
	for id, ok := range set {
		if ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// qualityRun is one check: the findings so far.
type qualityRun struct {
	s     *Service
	tx    Tx
	now   time.Time
	stale time.Duration
	users map[int64]*User
	out   []QualityFinding
	// index holds the cards not merged by INN and OGRN, when
	// the gate walked them all (many cards in the scope); ogrns the cards
	// by OGRN alone, read when first needed otherwise.
	index *cardIndex
	ogrns map[string][]cardRef
}

// cardIndex indexes the cards not merged for the duplicates.
type cardIndex struct {
	inn, ogrn map[string][]cardRef
}

// cardRef is what the duplicates need of a card.
type cardRef struct {
	id       int64
	inn, kpp string
}

// loadOGRNs reads the OGRNs of the cards not merged, once.
func (q *qualityRun) loadOGRNs() error {
	if q.ogrns != nil {
		return nil
	}
	q.ogrns = map[string][]cardRef{}
	return q.tx.EachClient(func(c *Client) error {
		if c.OGRN != "" && c.MergedInto == 0 {
			q.ogrns[c.OGRN] = append(q.ogrns[c.OGRN], cardRef{id: c.ID, inn: c.INN, kpp: c.KPP})
		}
		return nil
	})
}

func (q *qualityRun) add(k QualityKind, e Entity, id int64, label string, detail ...string) {
	q.out = append(q.out, QualityFinding{Kind: k, Entity: e, ID: id, Label: label, Detail: strings.Join(detail, ", ")})
}

// client checks a card: a merged one is resolved and not checked.
func (q *qualityRun) client(c *Client) error {
	if c.MergedInto != 0 {
		return nil
	}
	label := c.Name()
	if label == "" {
		label = c.INN
	}
	if missing := missingRequisites(c); len(missing) > 0 {
		q.add(QualityMissingRequisites, EntityClient, c.ID, label, missing...)
	}
	if bad := badChecksums(c); len(bad) > 0 {
		q.add(QualityChecksum, EntityClient, c.ID, label, bad...)
	}
	switch v := c.Verification; {
	case len(q.s.registries) == 0:
	case v.At.IsZero():
		q.add(QualityNeverChecked, EntityClient, c.ID, label)
	case q.now.Sub(v.At) > q.stale:
		q.add(QualityStaleCheck, EntityClient, c.ID, label, v.At.UTC().Format(time.DateOnly))
	}
	dups, err := q.duplicates(c)
	if err != nil {
		return err
	}
	if len(dups) > 0 {
		q.add(QualityDuplicate, EntityClient, c.ID, label, dups...)
	}
	return nil
}

// missingRequisites lists what a card lacks: an INN (anyone), and a
// legal entity's KPP, OGRN, address and director; an account's BIK.
func missingRequisites(c *Client) []string {
	var out []string
	if strings.TrimSpace(c.INN) == "" {
		out = append(out, "inn")
	}
	if c.Kind == KindLegal {
		for _, f := range []struct{ name, v string }{{"kpp", c.KPP}, {"ogrn", c.OGRN}, {"address", c.Address},
			{"director", c.Director}} {
			if strings.TrimSpace(f.v) == "" {
				out = append(out, f.name)
			}
		}
	}
	for _, a := range c.Accounts {
		if a.BIK == "" {
			out = append(out, "bik:"+a.Account)
		}
	}
	return out
}

// badChecksums lists the requisites that fail their checks: the INN,
// the KPP's format, the OGRN (its check digit, or a length that does not
// fit the card's kind), and each account's BIK and control keys.
func badChecksums(c *Client) []string {
	var out []string
	if c.INN != "" && requisite.INN(c.INN) != nil {
		out = append(out, "inn:"+c.INN)
	}
	if c.KPP != "" && requisite.KPP(c.KPP) != nil {
		out = append(out, "kpp:"+c.KPP)
	}
	if c.OGRN != "" && ValidateOGRN(c.OGRN, c.Kind) != nil {
		out = append(out, "ogrn:"+c.OGRN)
	}
	for _, a := range c.Accounts {
		card := requisite.Card{INN: c.INN, BIK: a.BIK, Account: a.Account, CorrAccount: a.CorrAccount}
		for _, p := range card.Check() {
			switch {
			case p.Field != "bik" && p.Field != "account" && p.Field != "corr_account", p.Code == requisite.CodeMissing:
			case p.Warning():
			default:
				out = append(out, p.Field+":"+p.Value)
			}
		}
	}
	return out
}

// duplicates lists the cards, not merged, that look like the same
// counterparty: the same INN where one of the two has no KPP (branches
// have their own), or the same OGRN under another INN. Two cards of one
// name and different INNs are different companies.
func (q *qualityRun) duplicates(c *Client) ([]string, error) {
	if q.index != nil {
		return q.indexedDuplicates(c), nil
	}
	found := map[int64]bool{}
	other := func(o *Client) bool { return o.ID != c.ID && o.MergedInto == 0 }
	if c.INN != "" {
		cs, err := q.tx.ClientsByINN(c.INN)
		if err != nil {
			return nil, err
		}
		for _, o := range cs {
			if other(o) && (o.KPP == "" || c.KPP == "") {
				found[o.ID] = true
			}
		}
	}
	if c.OGRN != "" {
		o, err := q.tx.ClientByOGRN(c.OGRN)
		if err != nil && !IsNotFound(err) {
			return nil, err
		}
		switch {
		case o == nil:
		case o.ID != c.ID:
			if other(o) && o.INN != c.INN {
				found[o.ID] = true
			}
		default:
			// The store names the first card of an OGRN: this one. Any
			// later one is found by a walk over the cards, made once.
			if err := q.loadOGRNs(); err != nil {
				return nil, err
			}
			for _, o := range q.ogrns[c.OGRN] {
				if o.id != c.ID && o.inn != c.INN {
					found[o.id] = true
				}
			}
		}
	}
	var out []string
	for _, id := range sortedIDs(found) {
		out = append(out, "#"+strconv.FormatInt(id, 10))
	}
	return out, nil
}

// indexedDuplicates is duplicates over the cards' index.
func (q *qualityRun) indexedDuplicates(c *Client) []string {
	found := map[int64]bool{}
	for _, o := range q.index.inn[c.INN] {
		if o.id != c.ID && (o.kpp == "" || c.KPP == "") {
			found[o.id] = true
		}
	}
	if c.OGRN != "" {
		for _, o := range q.index.ogrn[c.OGRN] {
			if o.id != c.ID && o.inn != c.INN {
				found[o.id] = true
			}
		}
	}
	var out []string
	for _, id := range sortedIDs(found) {
		out = append(out, "#"+strconv.FormatInt(id, 10))
	}
	return out
}

// deal checks a deal: an open one's amount, its manager, the order of its
// dates.
func (q *qualityRun) deal(d *Deal) {
	if !d.Stage.Closed() && d.Amount == 0 {
		q.add(QualityNoAmount, EntityDeal, d.ID, d.Number)
	}
	switch u := q.users[d.ManagerID]; {
	case d.ManagerID == 0:
		q.add(QualityNoManager, EntityDeal, d.ID, d.Number, "none")
	case u == nil:
		q.add(QualityNoManager, EntityDeal, d.ID, d.Number, "unknown:#"+strconv.FormatInt(d.ManagerID, 10))
	case !u.Active && !d.Stage.Closed():
		q.add(QualityNoManager, EntityDeal, d.ID, d.Number, "inactive:#"+strconv.FormatInt(u.ID, 10))
	}
	if rules := dateOrder(d); len(rules) > 0 {
		q.add(QualityDateOrder, EntityDeal, d.ID, d.Number, rules...)
	}
}

// dateOrder lists the rules a deal's dates break, by calendar day in the
// department's zone: the contract ends before it is signed, a payment or
// the contract's end falls before the deal was opened, it was closed
// before it was opened.
func dateOrder(d *Deal) []string {
	loc := Location("")
	day := func(t time.Time) time.Time {
		t = t.In(loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	}
	before := func(a, b time.Time) bool { return !a.IsZero() && !b.IsZero() && day(a).Before(day(b)) }
	var out []string
	if before(d.ContractEnd, d.SigningDue) {
		out = append(out, "contract_end<signing_due")
	}
	early := before(d.PaymentDue, d.CreatedAt)
	for _, p := range d.Payments {
		early = early || before(p.Due, d.CreatedAt)
	}
	if early {
		out = append(out, "payment_due<created_at")
	}
	if before(d.ContractEnd, d.CreatedAt) {
		out = append(out, "contract_end<created_at")
	}
	if !d.ClosedAt.IsZero() && d.ClosedAt.Before(d.CreatedAt) {
		out = append(out, "closed_at<created_at")
	}
	return out
}

// requests finds the requests not answered yet: those in the scope, and
// those about its cards and deals (a document's request is about its
// deal); and a request of the scope closed before it was filed.
func (q *qualityRun) requests(sc *reportScope) error {
	open, err := q.tx.Requests(RequestFilter{Open: true})
	if err != nil {
		return err
	}
	for _, r := range open {
		about := sc.Requests[r.ID] || sc.Clients[r.ClientID] || sc.Deals[r.DealID]
		if !about && r.DocumentID != 0 && len(sc.Deals) > 0 {
			d, err := q.tx.DocumentByID(r.DocumentID)
			if err != nil && !IsNotFound(err) {
				return err
			}
			about = d != nil && sc.Deals[d.DealID]
		}
		if about {
			q.add(QualityOpenRequest, EntityRequest, r.ID, requestLabel(r), string(r.Type), string(r.Status))
		}
	}
	for _, id := range sortedIDs(sc.Requests) {
		r, err := q.tx.RequestByID(id)
		if IsNotFound(err) {
			continue
		} else if err != nil {
			return err
		}
		if !r.ClosedAt.IsZero() && r.ClosedAt.Before(r.CreatedAt) {
			q.add(QualityDateOrder, EntityRequest, r.ID, requestLabel(r), "closed_at<created_at")
		}
	}
	return nil
}

// requestLabel is a request's label on a button: its number, «#12»; the
// note that shows the button says it is a request.
func requestLabel(r *Request) string { return "#" + strconv.FormatInt(r.ID, 10) }
