package core

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// History is the audit trail of a client or a deal.
type History struct {
	Entity  Entity
	Title   string // the client's name or the deal's number and title
	Changes []*Change
	// Labels name the records the changes are about, as people know them:
	// a deal's number, a client's name and INN.
	Labels map[Entity]map[int64]string
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
// deals and tasks) or a deal number (the deal and its tasks), oldest first.
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
		h := &History{Entity: EntityDeal, Title: d.Number + " " + d.Title}
		err = s.view(ctx, func(tx Tx) error {
			if err := collectDeal(tx, d, h); err != nil {
				return err
			}
			return labelRefs(tx, h)
		})
		return sortHistory(h), err
	}
	clients, err := s.FindClientsByINN(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	h := &History{Entity: EntityClient, Title: clients[0].Name()}
	err = s.view(ctx, func(tx Tx) error {
		for _, c := range clients {
			if err := collectClient(tx, a, c, h); err != nil {
				return err
			}
		}
		return labelRefs(tx, h)
	})
	return sortHistory(h), err
}

// collectClient adds a client's changes, those of the deals the actor may
// see, and those of the client's tasks that belong to no deal.
func collectClient(tx Tx, a Actor, c *Client, h *History) error {
	h.label(EntityClient, c.ID, clientLabel(c))
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
			if err := collectDeal(tx, d, h); err != nil {
				return err
			}
		}
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

// refFields are the fields whose values are ids of other records, with
// the entity they refer to: a card a deal or task belongs to, the card a
// duplicate was merged into, the duplicate merged into a card, a task's
// deal.
var refFields = map[string]Entity{"client_id": EntityClient, "merged_into": EntityClient, "merged": EntityClient,
	"deal_id": EntityDeal}

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

// labelRefs labels the records the changes refer to by id (a card by name
// and INN, a deal by number), so that the history names them; a record
// that is gone stays unlabelled.
func labelRefs(tx Tx, h *History) error {
	for _, ch := range h.Changes {
		for _, v := range []string{ch.Old, ch.New} {
			e, id, ok := RefOf(ch.Field, v)
			if !ok || h.Labels[e][id] != "" {
				continue
			}
			switch e {
			case EntityClient:
				c, err := tx.ClientByID(id)
				if IsNotFound(err) {
					continue
				} else if err != nil {
					return err
				}
				h.label(EntityClient, id, clientLabel(c))
			case EntityDeal:
				d, err := tx.DealByID(id)
				if IsNotFound(err) {
					continue
				} else if err != nil {
					return err
				}
				h.label(EntityDeal, id, d.Number)
			}
		}
	}
	return nil
}

// clientLabel names a card in the history: its name and INN.
func clientLabel(c *Client) string { return c.Name() + ", " + c.INN }

func collectDeal(tx Tx, d *Deal, h *History) error {
	h.label(EntityDeal, d.ID, d.Number)
	cs, err := tx.Changes(EntityDeal, d.ID)
	if err != nil {
		return err
	}
	h.Changes = append(h.Changes, cs...)
	tasks, err := tx.FindTasks(TaskFilter{DealID: d.ID})
	if err != nil {
		return err
	}
	return collectTasks(tx, tasks, h)
}

func collectTasks(tx Tx, tasks []*Task, h *History) error {
	for _, t := range tasks {
		h.label(EntityTask, t.ID, "#"+strconv.FormatInt(t.ID, 10))
		cs, err := tx.Changes(EntityTask, t.ID)
		if err != nil {
			return err
		}
		h.Changes = append(h.Changes, cs...)
	}
	return nil
}

func sortHistory(h *History) *History {
	if h != nil {
		slices.SortStableFunc(h.Changes, func(a, b *Change) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return int(a.ID - b.ID)
		})
	}
	return h
}
