package core

import (
	"context"
	"slices"
	"strings"
)

// History is the audit trail of a client or a deal.
type History struct {
	Entity  Entity
	Title   string // the client's name or the deal's number and title
	Changes []*Change
}

// FindHistory returns the audit trail for an INN (the client's cards, their
// deals and tasks) or a deal number (the deal and its tasks), oldest first.
func (s *Service) FindHistory(ctx context.Context, a Actor, ref string) (*History, error) {
	if err := a.require(PermHistory); err != nil {
		return nil, err
	}
	ref = strings.ToUpper(strings.TrimSpace(ref))
	if LooksLikeDealNumber(ref) {
		d, err := s.FindDealByNumber(ctx, a, ref)
		if err != nil {
			return nil, err
		}
		h := &History{Entity: EntityDeal, Title: d.Number + " " + d.Title}
		err = s.view(ctx, func(tx Tx) error {
			return collectDeal(tx, d.ID, h)
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
					if err := collectDeal(tx, d.ID, h); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	return sortHistory(h), err
}

func collectDeal(tx Tx, id int64, h *History) error {
	cs, err := tx.Changes(EntityDeal, id)
	if err != nil {
		return err
	}
	h.Changes = append(h.Changes, cs...)
	tasks, err := tx.FindTasks(TaskFilter{DealID: id})
	if err != nil {
		return err
	}
	for _, t := range tasks {
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
