package core

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// History is the audit trail of a client or a deal.
type History struct {
	Entity Entity
	Title  string // the client's name and INN, or the deal's number and title
	// Ref asks for the same history again: the deal's number or the
	// client's INN.
	Ref     string
	Changes []*Change // oldest first
	// Entries are the changes grouped by the action that made them, oldest
	// first: what people count and read.
	Entries []*HistoryEntry
	// Labels name the records the changes are about and the people who
	// made them or are named in them, as people know them: a deal's
	// number, a client's name and INN, a task's number, a user's name. A
	// deal the actor may not see is not labelled.
	Labels map[Entity]map[int64]string
	// Corrections are the corrections of the records shown that the actor
	// may see, by number: what each proposed (its Edit), for the entries
	// of its status (EntityCorrection changes).
	Corrections map[int64]*Correction
	// requests are the requests shown, by number; records the cards and
	// deals shown, whose corrections the history shows.
	requests map[int64]bool
	records  map[Entity][]int64
}

// HistoryEntry is what one action did to one record: the changes recorded
// together by the same author, at the same time, from the same source and
// for the same reason.
type HistoryEntry struct {
	At       time.Time
	ActorID  int64 // 0 for the system
	Entity   Entity
	EntityID int64
	Reason   string
	Source   string
	// Created is set on the entry that created its record: the record's
	// first (a history holds every change of the records it shows).
	Created bool
	Changes []*Change
}

// Cursor is the entry's place in its history.
func (e *HistoryEntry) Cursor() HistoryCursor {
	return HistoryCursor{At: e.At, ID: e.Changes[0].ID}
}

// HistoryCursor marks a place in a history: the time and the first change
// of an entry. It keeps its place while changes are added, later ones or
// earlier ones (the history of a deal moved to the card by a merge).
type HistoryCursor struct {
	At time.Time
	ID int64
}

// String encodes the cursor for a button's payload.
func (c HistoryCursor) String() string {
	return strconv.FormatInt(c.At.UnixNano(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseHistoryCursor reads a cursor written by String.
func ParseHistoryCursor(s string) (HistoryCursor, error) {
	at, id, ok := strings.Cut(s, ".")
	ns, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return HistoryCursor{}, fmt.Errorf("core: bad history cursor %q", s)
	}
	return HistoryCursor{At: time.Unix(0, ns).UTC(), ID: n}, nil
}

// Before returns how many entries come before the cursor, so that the
// entries before it are Entries[:Before(c)]. The zero cursor stands for
// the end of the history.
func (h *History) Before(c HistoryCursor) int {
	if c.ID == 0 {
		return len(h.Entries)
	}
	return sort.Search(len(h.Entries), func(i int) bool {
		e := h.Entries[i]
		return compareAt(e.At, e.Changes[0].ID, c.At, c.ID) >= 0
	})
}

// compareAt orders places in a history: by time, then by change id.
func compareAt(a time.Time, aID int64, b time.Time, bID int64) int {
	if c := a.Compare(b); c != 0 {
		return c
	}
	return cmp.Compare(aID, bID)
}

func (h *History) label(e Entity, id int64, s string) {
	if h.Labels == nil {
		h.Labels = map[Entity]map[int64]string{}
	}
	if h.Labels[e] == nil {
		h.Labels[e] = map[int64]string{}
	}
	h.Labels[e][id] = s
}

// FindHistory returns the audit trail for an INN (the client's cards, their
// deals and tasks) or a deal number (the deal and its tasks), oldest first,
// its changes grouped into entries and the records and people they name
// labelled.
func (s *Service) FindHistory(ctx context.Context, a Actor, ref string) (*History, error) {
	if err := a.require(PermHistory); err != nil {
		return nil, err
	}
	ref = strings.TrimSpace(ref)
	if _, ok := ParseDealNumber(ref); ok {
		d, err := s.FindDealByNumber(ctx, a, ref)
		if err != nil {
			return nil, err
		}
		h := &History{Entity: EntityDeal, Title: d.Number + " " + d.Title, Ref: d.Number}
		err = s.view(ctx, func(tx Tx) error {
			if err := collectDeal(tx, a, d, h); err != nil {
				return err
			}
			if err := collectCorrections(tx, a, h); err != nil {
				return err
			}
			return finish(tx, a, h)
		})
		return h, err
	}
	clients, err := s.FindClientsByINN(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	h := &History{Entity: EntityClient, Title: clientLabel(clients[0]), Ref: clients[0].INN}
	err = s.view(ctx, func(tx Tx) error {
		for _, c := range clients {
			if err := collectClient(tx, a, c, h); err != nil {
				return err
			}
		}
		if err := collectCorrections(tx, a, h); err != nil {
			return err
		}
		return finish(tx, a, h)
	})
	return h, err
}

// finish orders the changes, groups them into entries and labels what they
// name. A request's note of a correction shown in the history is left
// out: the correction's own entry says the same, naming the request.
func finish(tx Tx, a Actor, h *History) error {
	h.Changes = slices.DeleteFunc(h.Changes, func(c *Change) bool {
		return c.Entity == EntityRequest && c.Field == RequestMsgCorrection && h.Corrections[c.Correction] != nil
	})
	slices.SortStableFunc(h.Changes, func(x, y *Change) int { return compareAt(x.At, x.ID, y.At, y.ID) })
	h.Entries = groupEntries(h.Changes)
	return labelRefs(tx, a, h)
}

// entryKey is what the changes of one action share.
type entryKey struct {
	at       int64
	actor    int64
	entity   Entity
	entityID int64
	reason   string
	source   string
}

// groupEntries groups changes (oldest first) into entries, in the order of
// their first changes. One action may write changes of several records
// interleaved (a merge moves deals and tasks): each record gets its entry.
func groupEntries(cs []*Change) []*HistoryEntry {
	var out []*HistoryEntry
	open := map[entryKey]*HistoryEntry{}
	seen := map[Entity]map[int64]bool{}
	for _, c := range cs {
		k := entryKey{c.At.UnixNano(), c.ActorID, c.Entity, c.EntityID, c.Reason, c.Source}
		if e := open[k]; e != nil {
			e.Changes = append(e.Changes, c)
			continue
		}
		if len(out) > 0 && !out[len(out)-1].At.Equal(c.At) {
			clear(open) // an action's changes share its time
		}
		if seen[c.Entity] == nil {
			seen[c.Entity] = map[int64]bool{}
		}
		e := &HistoryEntry{At: c.At, ActorID: c.ActorID, Entity: c.Entity, EntityID: c.EntityID, Reason: c.Reason,
			Source: c.Source, Created: !seen[c.Entity][c.EntityID], Changes: []*Change{c}}
		seen[c.Entity][c.EntityID] = true
		open[k] = e
		out = append(out, e)
	}
	return out
}

// collectClient adds a client's changes, those of the deals the actor may
// see, those of the requests about the client (and its deals) the actor
// may see, and those of the client's tasks that belong to no deal; its
// corrections are collectCorrections'.
func collectClient(tx Tx, a Actor, c *Client, h *History) error {
	h.label(EntityClient, c.ID, clientLabel(c))
	h.record(EntityClient, c.ID)
	cs, err := tx.Changes(EntityClient, c.ID)
	if err != nil {
		return err
	}
	h.Changes = append(h.Changes, cs...)
	deals, err := tx.FindDeals(DealFilter{ClientID: c.ID})
	if err != nil {
		return err
	}
	for _, d := range deals {
		if canSeeDeal(a, d) {
			if err := collectDeal(tx, a, d, h); err != nil {
				return err
			}
		}
	}
	if err := collectRequests(tx, a, RequestFilter{ClientID: c.ID}, h); err != nil {
		return err
	}
	tasks, err := tx.FindTasks(TaskFilter{ClientID: c.ID})
	if err != nil {
		return err
	}
	var own []*Task
	for _, t := range tasks {
		if t.DealID == 0 {
			own = append(own, t)
		}
	}
	return collectTasks(tx, own, h)
}

// collectRequests adds the changes of the requests the filter selects that
// the actor may see (canSeeRequest), each labelled by its number; one
// shown already is not added again (a deal's request is its card's too).
func collectRequests(tx Tx, a Actor, f RequestFilter, h *History) error {
	rs, err := tx.Requests(f)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if h.requests[r.ID] || !canSeeRequest(tx, a, r) {
			continue
		}
		if h.requests == nil {
			h.requests = map[int64]bool{}
		}
		h.requests[r.ID] = true
		h.label(EntityRequest, r.ID, "#"+strconv.FormatInt(r.ID, 10))
		cs, err := tx.Changes(EntityRequest, r.ID)
		if err != nil {
			return err
		}
		h.Changes = append(h.Changes, cs...)
	}
	return nil
}

// record notes a card or a deal the history shows.
func (h *History) record(e Entity, id int64) {
	if h.records == nil {
		h.records = map[Entity][]int64{}
	}
	h.records[e] = append(h.records[e], id)
}

// collectCorrections adds what became of each correction of the cards and
// deals shown that the actor may see (mayListCorrection): proposed,
// approved, rejected, withdrawn, gone stale, each labelled by its number.
// A correction written at once is left out: the record's own changes show
// it, naming the correction.
func collectCorrections(tx Tx, a Actor, h *History) error {
	var corrs []*Correction
	for _, e := range []Entity{EntityClient, EntityDeal} {
		cs, err := tx.CorrectionsOf(e, h.records[e]...)
		if err != nil {
			return err
		}
		corrs = append(corrs, cs...)
	}
	for _, corr := range corrs {
		if !mayListCorrection(tx, a, corr) {
			continue
		}
		cs, err := tx.Changes(EntityCorrection, corr.ID)
		if err != nil {
			return err
		}
		if h.Corrections == nil {
			h.Corrections = map[int64]*Correction{}
		}
		h.Corrections[corr.ID] = corr
		h.label(EntityCorrection, corr.ID, "#"+strconv.FormatInt(corr.ID, 10))
		for _, c := range cs {
			if c.Old == "" && c.New == string(CorrectionApplied) {
				continue
			}
			h.Changes = append(h.Changes, c)
		}
	}
	return nil
}

// refFields are the fields whose values are ids of other records, with
// the entity they refer to: a card a deal or task belongs to, the card a
// duplicate was merged into, the duplicate merged into a card, a task's
// deal, the people a card, deal or task is given to or a user reports to.
var refFields = map[string]Entity{"client_id": EntityClient, "merged_into": EntityClient, "merged": EntityClient,
	"deal_id": EntityDeal, "manager_id": EntityUser, "assignee_id": EntityUser, "created_by": EntityUser,
	"head_id": EntityUser, "officer_id": EntityUser, "requested_by": EntityUser, "requester_id": EntityUser,
	"document_id": EntityDocument}

// RefEntity returns the entity a field's values refer to by id, for the
// fields that hold ids.
func RefEntity(field string) (Entity, bool) {
	e, ok := refFields[field]
	return e, ok
}

// RefOf returns the record a changed field's value refers to, for the
// fields that hold ids; ok is false for other fields and for no record.
// A merge recorded as "name #id" (before it kept the id alone) refers to
// that id too.
func RefOf(field, value string) (e Entity, id int64, ok bool) {
	e, ok = RefEntity(field)
	if !ok {
		return "", 0, false
	}
	if i := strings.LastIndexByte(value, '#'); i >= 0 && field == "merged" {
		value = value[i+1:]
	}
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false
	}
	return e, id, true
}

// labelRefs labels the authors of the changes and the records and people
// the changes refer to by id (a card by name and INN, a deal by number, a
// user by name), so that the history names them. A record that is gone
// and a deal the actor may not see stay unlabelled.
func labelRefs(tx Tx, a Actor, h *History) error {
	type ref struct {
		e  Entity
		id int64
	}
	tried := map[ref]bool{}
	// The corrections' edits name people too (a manager to put on a card).
	edits := make([]*Change, 0, len(h.Corrections))
	for _, corr := range h.Corrections {
		edits = append(edits, &Change{Field: corr.Edit.Field, Old: corr.Edit.Old, New: corr.Edit.New})
	}
	for _, ch := range append(slices.Clip(h.Changes), edits...) {
		refs := make([]ref, 0, 3)
		if ch.ActorID != 0 {
			refs = append(refs, ref{EntityUser, ch.ActorID})
		}
		for _, v := range []string{ch.Old, ch.New} {
			if e, id, ok := RefOf(ch.Field, v); ok {
				refs = append(refs, ref{e, id})
			}
		}
		for _, r := range refs {
			if _, ok := h.Labels[r.e][r.id]; ok || tried[r] {
				continue
			}
			tried[r] = true
			if err := labelRef(tx, a, h, r.e, r.id); err != nil {
				return err
			}
		}
	}
	return nil
}

// labelRef labels one record.
func labelRef(tx Tx, a Actor, h *History, e Entity, id int64) error {
	var label string
	var err error
	switch e {
	case EntityClient:
		var c *Client
		if c, err = tx.ClientByID(id); err == nil {
			label = clientLabel(c)
		}
	case EntityDeal:
		var d *Deal
		if d, err = tx.DealByID(id); err == nil && canSeeDeal(a, d) {
			label = d.Number
		}
	case EntityUser:
		var u *User
		if u, err = tx.UserByID(id); err == nil {
			label = u.Name
		}
	case EntityDocument:
		var d *Document
		if d, err = tx.DocumentByID(id); err == nil {
			var deal *Deal
			if deal, err = tx.DealByID(d.DealID); err == nil && canSeeDeal(a, deal) {
				label = d.Number
			}
		}
	}
	if IsNotFound(err) || err == nil && label == "" {
		return nil
	} else if err != nil {
		return err
	}
	h.label(e, id, label)
	return nil
}

// clientLabel names a card in the history: its name and INN.
func clientLabel(c *Client) string { return c.Name() + ", " + c.INN }

// collectDeal adds a deal's changes, those of the requests about it the
// actor may see, and those of its tasks and documents; its corrections are
// collectCorrections'.
func collectDeal(tx Tx, a Actor, d *Deal, h *History) error {
	h.label(EntityDeal, d.ID, d.Number)
	h.record(EntityDeal, d.ID)
	cs, err := tx.Changes(EntityDeal, d.ID)
	if err != nil {
		return err
	}
	h.Changes = append(h.Changes, cs...)
	if err := collectRequests(tx, a, RequestFilter{DealID: d.ID}, h); err != nil {
		return err
	}
	tasks, err := tx.FindTasks(TaskFilter{DealID: d.ID})
	if err != nil {
		return err
	}
	if err := collectTasks(tx, tasks, h); err != nil {
		return err
	}
	return collectDocuments(tx, d, h)
}

// collectDocuments adds the changes of a deal's documents, each labelled
// by its number.
func collectDocuments(tx Tx, d *Deal, h *History) error {
	docs, err := tx.DocumentsByDeal(d.ID)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		h.label(EntityDocument, doc.ID, doc.Number)
		cs, err := tx.Changes(EntityDocument, doc.ID)
		if err != nil {
			return err
		}
		h.Changes = append(h.Changes, cs...)
	}
	return nil
}

// collectTasks adds the changes of tasks, each labelled by its number. The
// task of a request shown is left out: it carries the request's deadline,
// and the request's own entries say what was done with it.
func collectTasks(tx Tx, tasks []*Task, h *History) error {
	for _, t := range tasks {
		if t.RequestID != 0 && h.requests[t.RequestID] {
			continue
		}
		h.label(EntityTask, t.ID, "#"+strconv.FormatInt(t.ID, 10))
		cs, err := tx.Changes(EntityTask, t.ID)
		if err != nil {
			return err
		}
		h.Changes = append(h.Changes, cs...)
	}
	return nil
}

// FieldHistory is every change of one field of a card (and of the cards of
// its INN and their merged duplicates) or of a deal, oldest first.
type FieldHistory struct {
	Entity Entity
	// Title names the record: the card's name and INN, the deal's number
	// and title; Ref asks for it again (the INN, the deal's number).
	Title, Ref string
	Field      string
	Changes    []*FieldChange
	// Labels name the records and people, as History's do.
	Labels map[Entity]map[int64]string
}

// FieldChange is one change of the field: who, when, why, from where, for
// which request, by which correction (approved by whom), reverting which
// change; Revertible when the actor may roll it back now (RevertChange).
type FieldChange struct {
	*Change
	ApprovedBy int64
	// Created marks the value the record was created with.
	Created    bool
	Revertible bool
}

// ParseHistoryField reads the name of a field whose history is asked: a
// field a correction changes (FixFields, in either language) or a deal's
// stage.
func ParseHistoryField(e Entity, name string) (string, error) {
	if e == EntityDeal {
		switch foldFieldName(name) {
		case "stage", "стадия", "этап":
			return "stage", nil
		}
	}
	return fixField(e, name)
}

// FieldHistory returns the history of one field of a deal (by number) or
// of the cards of an INN (with the duplicates merged into them), oldest
// first, for whoever sees history; the changes the actor may roll back are
// marked Revertible.
func (s *Service) FieldHistory(ctx context.Context, a Actor, ref, field string) (*FieldHistory, error) {
	if err := a.require(PermHistory); err != nil {
		return nil, err
	}
	ref = strings.TrimSpace(ref)
	fh := &FieldHistory{Entity: EntityClient}
	var deal *Deal
	var cards []*Client
	if _, ok := ParseDealNumber(ref); ok {
		d, err := s.FindDealByNumber(ctx, a, ref)
		if err != nil {
			return nil, err
		}
		deal, fh.Entity, fh.Title, fh.Ref = d, EntityDeal, d.Number+" "+d.Title, d.Number
	} else {
		cs, err := s.FindClientsByINN(ctx, a, ref)
		if err != nil {
			return nil, err
		}
		cards, fh.Title, fh.Ref = cs, clientLabel(cs[0]), cs[0].INN
	}
	f, err := ParseHistoryField(fh.Entity, field)
	if err != nil {
		return nil, err
	}
	fh.Field = f
	h := &History{}
	err = s.view(ctx, func(tx Tx) error {
		var cs []*Change
		if deal != nil {
			h.label(EntityDeal, deal.ID, deal.Number)
			if cs, err = tx.Changes(EntityDeal, deal.ID); err != nil {
				return err
			}
		} else if cs, err = cardChanges(tx, h, cards); err != nil {
			return err
		}
		first := map[int64]*Change{} // each record's first change
		for _, c := range cs {
			if first[c.EntityID] == nil {
				first[c.EntityID] = c
			}
			if c.Field == f {
				h.Changes = append(h.Changes, c)
			}
		}
		if err := finish(tx, a, h); err != nil {
			return err
		}
		return fh.fill(tx, a, h, first)
	})
	if err != nil {
		return nil, err
	}
	return fh, nil
}

// cardChanges returns the changes of the cards and of the duplicates
// merged into them, labelling each card.
func cardChanges(tx Tx, h *History, cards []*Client) ([]*Change, error) {
	var out []*Change
	seen := map[int64]bool{}
	for len(cards) > 0 {
		c := cards[0]
		cards = cards[1:]
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		h.label(EntityClient, c.ID, clientLabel(c))
		cs, err := tx.Changes(EntityClient, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
		for _, ch := range cs {
			if _, id, ok := RefOf("merged", ch.New); ok && ch.Field == "merged" && !seen[id] {
				dup, err := tx.ClientByID(id)
				if IsNotFound(err) {
					continue
				} else if err != nil {
					return nil, err
				}
				cards = append(cards, dup)
			}
		}
	}
	return out, nil
}

// fill takes the history's changes, with their corrections' approvers and
// whether the actor may roll each back, and labels the approvers.
func (fh *FieldHistory) fill(tx Tx, a Actor, h *History, first map[int64]*Change) error {
	for _, c := range h.Changes {
		fc := &FieldChange{Change: c, Created: createdBy(first[c.EntityID], c)}
		if c.Correction != 0 {
			corr, err := tx.CorrectionByID(c.Correction)
			if err != nil && !IsNotFound(err) {
				return err
			}
			if err == nil && corr.DecidedBy != 0 {
				fc.ApprovedBy = corr.DecidedBy
				if err := labelRef(tx, a, h, EntityUser, corr.DecidedBy); err != nil {
					return err
				}
			}
		}
		if a.Can(PermCorrect) {
			_, err := planRevert(tx, a, c)
			fc.Revertible = err == nil
		}
		fh.Changes = append(fh.Changes, fc)
	}
	fh.Labels = h.Labels
	return nil
}
