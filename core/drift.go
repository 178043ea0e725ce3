package core

import (
	"context"
	"strconv"
	"time"
)

// Drift is what a registry says now about a client and the card does not.
type Drift struct {
	Record *RegistryRecord `json:"record"`
	Diffs  []FieldDiff     `json:"diffs"`
	At     time.Time       `json:"at"`
}

// RecheckClients re-checks up to max verified clients whose last check is
// older than every, against the first registry that knows them, pausing
// pause between registry calls to stay within the registries' limits. A
// change of director, address, status or KPP is kept on the card as a
// pending drift and the responsible manager is told, with buttons to accept
// the update or to open a task. The scheduler calls it; it returns how many
// clients it checked.
func (s *Service) RecheckClients(ctx context.Context, now time.Time, every time.Duration, max int, pause time.Duration) (int, error) {
	if len(s.registries) == 0 {
		return 0, nil
	}
	var due []*Client
	err := s.view(ctx, func(tx Tx) (err error) {
		due, err = tx.ClientsCheckedBefore(now.Add(-every), max)
		return err
	})
	if err != nil {
		return 0, err
	}
	checked := 0
	for i, c := range due {
		if i > 0 && pause > 0 {
			select {
			case <-ctx.Done():
				return checked, ctx.Err()
			case <-time.After(pause):
			}
		}
		if err := s.recheck(ctx, c); err != nil {
			if ErrorCode(err) == EUNAVAILABLE {
				s.log.Warn().Err(err).Msg("registry recheck paused: registry unavailable")
				return checked, nil // try the rest at the next run
			}
			return checked, err
		}
		checked++
	}
	return checked, nil
}

// recheck compares one client with the registry and records the outcome.
func (s *Service) recheck(ctx context.Context, c *Client) error {
	var rec *RegistryRecord
	for _, r := range s.registries {
		got, err := s.lookup(ctx, r, c.INN, c.KPP)
		if err == nil {
			rec = got
			break
		} else if !IsNotFound(err) {
			return err
		}
	}
	sys := Actor{Source: "job:registry-recheck"}
	const reason = "registry_recheck"
	return s.update(ctx, func(tx Tx) error {
		cur, err := tx.ClientByID(c.ID)
		if err != nil {
			return err
		}
		if rec == nil {
			// No registry knows it any more: noted, and not asked again every
			// hour; the officers look into it.
			cur.Verification.At = tx.Now()
			if err := tx.UpdateClient(cur); err != nil {
				return err
			}
			_, err := s.notifyPurpose(tx, PurposeOfficers, Note{Key: "notify.client.gone",
				Args: map[string]any{"Name": cur.Name(), "INN": cur.INN}})
			return err
		}
		rep := &VerifyReport{Records: []*RegistryRecord{rec}}
		compare(rep, Requisites{INN: cur.INN, KPP: cur.KPP, OGRN: cur.OGRN, ShortName: cur.ShortName,
			Address: cur.Address, Director: cur.Director})
		old := *cur
		cur.Verification.At = tx.Now()
		statusChanged := rec.Status != cur.Verification.Company && rec.Status != StatusUnknown
		if statusChanged {
			// The status takes effect at once: a counterparty struck off or
			// bankrupt is blocked before anyone accepts anything.
			cur.Verification.Company, cur.Verification.Risks = rec.Status, rec.Risks
		}
		if len(rep.Diffs) > 0 {
			cur.Drift = &Drift{Record: rec, Diffs: rep.Diffs, At: tx.Now()}
		}
		if err := tx.UpdateClient(cur); err != nil {
			return err
		}
		if len(rep.Diffs) == 0 && !statusChanged {
			return nil
		}
		if err := tx.AddChanges(stamp(diffClient(&old, cur), sys, reason)...); err != nil {
			return err
		}
		return s.notifyDrift(tx, cur, rec, rep.Diffs, statusChanged)
	})
}

// notifyDrift tells the client's manager, and the officers when the status
// changed or the client has no manager.
func (s *Service) notifyDrift(tx Tx, c *Client, rec *RegistryRecord, diffs []FieldDiff, statusChanged bool) error {
	id := strconv.FormatInt(c.ID, 10)
	n := Note{Key: "notify.client.drift", Args: map[string]any{"Name": c.Name(), "INN": c.INN, "Source": rec.Source,
		"Diffs": diffs, "Status": string(rec.Status), "StatusChanged": statusChanged}}
	if len(diffs) > 0 {
		n.Buttons = [][]ButtonSpec{{{LabelKey: "btn.drift.accept", Action: ActionDriftAccept, Payload: id},
			{LabelKey: "btn.drift.task", Action: ActionDriftTask, Payload: id}}}
	}
	if c.ManagerID != 0 {
		if err := s.notifyUser(tx, c.ManagerID, n); err != nil {
			return err
		}
	}
	if c.ManagerID == 0 || statusChanged {
		_, err := s.notifyPurpose(tx, PurposeOfficers, n)
		return err
	}
	return nil
}

// AcceptDrift writes a client's pending registry update into the card,
// audited with the reason "registry". It needs no second approval: the
// values are the registry's own (its director, KPP, OGRN), which are
// authoritative, as an intake's registry record is (see fillCard).
func (s *Service) AcceptDrift(ctx context.Context, a Actor, id int64) (*Client, error) {
	return s.UpdateClient(ctx, a, id, "registry", func(c *Client) error {
		if !a.Can(PermVerify) && a.ID() != c.ManagerID {
			return Errorf(EFORBIDDEN, "err.forbidden")
		}
		if c.Drift == nil {
			return Errorf(ECONFLICT, "err.drift.none")
		}
		r := c.Drift.Record
		for _, d := range c.Drift.Diffs {
			switch d.Field {
			case "short_name":
				c.ShortName = r.ShortName
			case "kpp":
				c.KPP = r.KPP
			case "ogrn":
				c.OGRN = r.OGRN
			case "address":
				c.Address = r.Address
			case "director":
				c.Director = r.Director
			}
		}
		if r.Status != StatusUnknown {
			c.Verification.Company = r.Status
		}
		c.Verification.Risks = r.Risks
		c.Drift = nil
		return nil
	})
}

// DriftTask opens a task for the client's manager to look into a pending
// registry change, and keeps the change pending.
func (s *Service) DriftTask(ctx context.Context, a Actor, id int64, title string) (*Task, error) {
	c, err := s.ClientByID(ctx, a, id)
	if err != nil {
		return nil, err
	}
	assignee := c.ManagerID
	if assignee == 0 {
		assignee = a.ID()
	}
	sys := a
	if assignee != a.ID() && !a.Can(PermAssignTasks) {
		assignee = a.ID()
	}
	var now time.Time
	if err := s.view(ctx, func(tx Tx) error { now = tx.Now(); return nil }); err != nil {
		return nil, err
	}
	return s.CreateTask(ctx, sys, &Task{Title: title, AssigneeID: assignee, ClientID: c.ID, Due: now.Add(72 * time.Hour)})
}
