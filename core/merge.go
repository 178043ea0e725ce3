package core

import (
	"context"
	"strconv"
	"strings"
)

// MergeClients merges a duplicate card into the survivor: the duplicate's
// deals, tasks and bank accounts and contacts move to the survivor, the
// duplicate is marked merged (its history stays under it, and a change
// record on both cards links them), all audited with the reason in one
// transaction. Nothing is deleted. The duplicate's corrections still
// waiting for approval can never be applied now: they are marked stale
// (StaleMerged) in the same transaction and their authors, requesters and managers told.
//
// The accounts moved are written without a second approval: a merge is an
// officer's or a head's audited decision with its reason, and moves bank
// details the department already has on a card rather than bringing new
// ones (see NeedsApproval).
func (s *Service) MergeClients(ctx context.Context, a Actor, survivorID, duplicateID int64, reason string) (*Client, error) {
	if err := a.require(PermVerify); err != nil {
		return nil, err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		reason = "duplicate"
	}
	if survivorID == duplicateID {
		return nil, Errorf(EINVALID, "err.merge.same")
	}
	var survivor *Client
	err := s.update(ctx, func(tx Tx) (err error) {
		if survivor, err = tx.ClientByID(survivorID); err != nil {
			return err
		}
		dup, err := tx.ClientByID(duplicateID)
		if err != nil {
			return err
		}
		if survivor.MergedInto != 0 || dup.MergedInto != 0 {
			return Errorf(ECONFLICT, "err.merge.merged")
		}
		if err := s.moveDeals(tx, a, dup, survivor, reason); err != nil {
			return err
		}
		if err := s.moveTasks(tx, a, dup, survivor, reason); err != nil {
			return err
		}
		old := *survivor
		for _, acc := range dup.Accounts {
			if !hasAccount(survivor.Accounts, acc.Account) {
				survivor.Accounts = append(survivor.Accounts, acc)
			}
		}
		survivor.Contacts = append(survivor.Contacts, dup.Contacts...)
		if survivor.ManagerID == 0 {
			survivor.ManagerID = dup.ManagerID
		}
		if err := tx.UpdateClient(survivor); err != nil {
			return err
		}
		cs := diffClient(&old, survivor)
		// The duplicate by its id: the history names it as it is known then.
		cs = append(cs, &Change{Entity: EntityClient, EntityID: survivor.ID, Field: "merged",
			New: strconv.FormatInt(dup.ID, 10)})
		if err := tx.AddChanges(stamp(cs, a, reason)...); err != nil {
			return err
		}
		oldDup := *dup
		dup.MergedInto = survivor.ID
		if err := tx.UpdateClient(dup); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffClient(&oldDup, dup), a, reason)...); err != nil {
			return err
		}
		return s.staleCorrectionsOf(tx, a, EntityClient, dup.ID, StaleMerged)
	})
	if err != nil {
		return nil, err
	}
	return survivor, nil
}

func (s *Service) moveDeals(tx Tx, a Actor, from, to *Client, reason string) error {
	deals, err := tx.FindDeals(DealFilter{ClientID: from.ID})
	if err != nil {
		return err
	}
	for _, d := range deals {
		old := *d
		d.ClientID = to.ID
		if err := tx.UpdateDeal(d); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffDeal(&old, d), a, reason)...); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) moveTasks(tx Tx, a Actor, from, to *Client, reason string) error {
	tasks, err := tx.FindTasks(TaskFilter{ClientID: from.ID})
	if err != nil {
		return err
	}
	for _, t := range tasks {
		old := *t
		t.ClientID = to.ID
		if err := tx.UpdateTask(t); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffTask(&old, t), a, reason)...); err != nil {
			return err
		}
	}
	return nil
}
