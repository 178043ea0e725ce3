package core

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// CreateIntake records a manager's request to add or check a counterparty:
// a request of type intake (the intake has its number) with a task in the
// officers' queue, due at the intake's SLA; the officers' work chat (or
// each officer, when none is bound) is told, with buttons to verify, to
// create or update the card, and to return it to the manager. An INN that
// is missing or wrong is refused at once; other problems travel with it.
func (s *Service) CreateIntake(ctx context.Context, a Actor, given Requisites, unread []string) (*Intake, error) {
	if err := a.require(PermEditClients); err != nil {
		return nil, err
	}
	if err := ValidateINN(given.INN); err != nil {
		return nil, err
	}
	in := &Intake{ManagerID: a.ID(), Given: given, Unread: unread, Status: IntakeOpen}
	err := s.update(ctx, func(tx Tx) error {
		// The intake is a request of type intake, under its number: one
		// queue, one numbering, one status line with the other requests.
		title := strings.TrimSpace(given.Name() + " " + given.INN)
		r := &Request{Type: RequestIntake, Status: RequestNew, RequesterID: a.ID(), Text: title}
		if err := s.fileRequest(tx, a, r, title); err != nil {
			return err
		}
		in.ID, in.TaskID = r.ID, r.TaskID
		if err := tx.CreateIntake(in); err != nil {
			return err
		}
		return s.notifyOfficers(tx, in, a)
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// notifyOfficers tells the officers about a new intake.
func (s *Service) notifyOfficers(tx Tx, in *Intake, a Actor) error {
	id := strconv.FormatInt(in.ID, 10)
	n := Note{Key: "notify.intake.new", Args: map[string]any{"ID": in.ID, "INN": in.Given.INN, "KPP": in.Given.KPP,
		"Name": in.Given.Name(), "By": describeUser(tx, a.ID()), "Problems": len(CheckRequisites(in.Given))},
		Buttons: [][]ButtonSpec{{{LabelKey: "btn.intake.verify", Action: ActionIntakeVerify, Payload: id}},
			{{LabelKey: "btn.intake.apply", Action: ActionIntakeApply, Payload: id},
				{LabelKey: "btn.intake.return", Action: ActionIntakeReturn, Payload: id}}}}
	return s.notifyRole(tx, PurposeOfficers, RoleOfficer, n)
}

// IntakeByID returns an intake to the officers and to its manager.
func (s *Service) IntakeByID(ctx context.Context, a Actor, id int64) (*Intake, error) {
	var in *Intake
	err := s.view(ctx, func(tx Tx) (err error) {
		in, err = tx.IntakeByID(id)
		return err
	})
	if err == nil && !a.Can(PermVerify) && a.ID() != in.ManagerID {
		return nil, Errorf(ENOTFOUND, "err.intake.not_found")
	}
	return in, err
}

// VerifyIntake checks an intake's requisites against the registries and
// keeps the report; the officer who does it takes the task.
func (s *Service) VerifyIntake(ctx context.Context, a Actor, id int64) (*Intake, error) {
	if err := a.require(PermVerify); err != nil {
		return nil, err
	}
	in, err := s.IntakeByID(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if in.Status != IntakeOpen {
		return nil, Errorf(ECONFLICT, "err.intake.closed", "ID", in.ID)
	}
	given, exclude, err := s.withCard(ctx, in)
	if err != nil {
		return nil, err
	}
	rep, err := s.VerifyRequisites(ctx, a, given, exclude)
	if err != nil {
		return nil, err
	}
	rep.Existing, rep.Problems = exclude, checkGiven(in.Given)
	err = s.update(ctx, func(tx Tx) error {
		if best := rep.Best(); best != nil {
			// The registry's names and OGRN find duplicates the manager's
			// text could not.
			more, err := duplicates(tx, Requisites{INN: given.INN, KPP: given.KPP, OGRN: best.OGRN,
				ShortName: best.ShortName, FullName: best.FullName}, exclude)
			if err != nil {
				return err
			}
			for _, c := range more {
				if !slices.Contains(rep.Duplicates, c.ID) {
					rep.Duplicates = append(rep.Duplicates, c.ID)
				}
			}
		}
		if in, err = tx.IntakeByID(id); err != nil {
			return err
		}
		in.Report = rep
		if err := tx.UpdateIntake(in); err != nil {
			return err
		}
		if err := s.takeTask(tx, a, in.TaskID); err != nil {
			return err
		}
		return s.intakeTaken(tx, a, in)
	})
	return in, err
}

// withCard is what an intake is checked as: what the manager gave, with the
// existing card's values where they gave none; exclude is that card's id.
func (s *Service) withCard(ctx context.Context, in *Intake) (Requisites, int64, error) {
	given := in.Given
	var card *Client
	err := s.view(ctx, func(tx Tx) error {
		cs, err := tx.ClientsByINN(given.INN)
		cs = slices.DeleteFunc(cs, func(c *Client) bool { return c.MergedInto != 0 })
		for _, c := range cs {
			// The card with the KPP given, or the only one when none was.
			if c.KPP == given.KPP || (given.KPP == "" && len(cs) == 1) {
				card = c
			}
		}
		return err
	})
	if err != nil || card == nil {
		return given, 0, err
	}
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&given.ShortName, card.ShortName)
	fill(&given.FullName, card.FullName)
	fill(&given.OGRN, card.OGRN)
	fill(&given.Address, card.Address)
	fill(&given.Director, card.Director)
	return given, card.ID, nil
}

// closeIntakeTask marks an intake's task done with a result, and closes
// its request: done when the card is saved, rejected with the officer's
// note when the intake is returned.
func (s *Service) closeIntakeTask(tx Tx, a Actor, in *Intake, result string) error {
	if err := s.takeTask(tx, a, in.TaskID); err != nil {
		return err
	}
	_, err := updateTask(tx, a, in.TaskID, "intake", func(t *Task) error {
		if t.Status == TaskOpen {
			t.Status, t.Result, t.DoneAt = TaskDone, result, tx.Now()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.closeIntakeRequest(tx, a, in, result)
}

// intakeRequest is an intake's request; nil for an intake filed before
// intakes were requests and not migrated (none after schema 11).
func intakeRequest(tx Tx, in *Intake) (*Request, error) {
	r, err := tx.RequestByID(in.ID)
	if IsNotFound(err) || err == nil && r.IntakeID != in.ID {
		return nil, nil
	}
	return r, err
}

// intakeTaken moves an intake's request in work with the officer who
// verifies it first; its manager is told.
func (s *Service) intakeTaken(tx Tx, a Actor, in *Intake) error {
	r, err := intakeRequest(tx, in)
	if err != nil || r == nil || r.Status != RequestNew {
		return err
	}
	_, err = changeRequestTx(tx, a, r.ID, func(tx Tx, r *Request) (string, error) {
		if _, err := s.takeRequest(tx, a, r, "taken"); err != nil {
			return "", err
		}
		return "request_taken", s.tellStatus(tx, a, r, "", false)
	})
	return err
}

// closeIntakeRequest closes an intake's request as its intake closed:
// done with the card saved, or rejected with the note it was returned
// with, as closeRequest closes any request. Its manager hears of it from
// the intake's own notice.
func (s *Service) closeIntakeRequest(tx Tx, a Actor, in *Intake, result string) error {
	r, err := intakeRequest(tx, in)
	if err != nil || r == nil || r.Status.Closed() {
		return err
	}
	status, reason := RequestDone, "request_done"
	switch in.Status {
	case IntakeReturned:
		status, reason = RequestRejected, result
	case IntakeDone:
	default:
		return nil
	}
	_, err = changeRequestTx(tx, a, r.ID, func(tx Tx, r *Request) (string, error) {
		if in.ClientID != 0 {
			r.ClientID = in.ClientID
		}
		return reason, s.closeRequest(tx, a, r, status, result)
	})
	return err
}

// ReturnIntake sends an intake back to its manager with the officer's note
// and the problems and duplicates found; the task is done.
func (s *Service) ReturnIntake(ctx context.Context, a Actor, id int64, note string) (*Intake, error) {
	if err := a.require(PermVerify); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, Errorf(EINVALID, "err.intake.note_required")
	}
	var in *Intake
	err := s.update(ctx, func(tx Tx) (err error) {
		if in, err = tx.IntakeByID(id); err != nil {
			return err
		}
		if in.Status != IntakeOpen {
			return Errorf(ECONFLICT, "err.intake.closed", "ID", in.ID)
		}
		in.Status, in.ReturnNote = IntakeReturned, note
		if err := tx.UpdateIntake(in); err != nil {
			return err
		}
		if err := s.closeIntakeTask(tx, a, in, note); err != nil {
			return err
		}
		return s.notifyUser(tx, in.ManagerID, Note{Key: "notify.intake.returned", Args: map[string]any{
			"ID": in.ID, "INN": in.Given.INN, "Name": in.Given.Name(), "Note": note, "By": describeUser(tx, a.ID()),
			"Findings": findings(tx, in)}})
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// findings lists what the manager should fix, for the notice's template:
// each failed check and each duplicate, as a locale key and a value.
func findings(tx Tx, in *Intake) []map[string]any {
	var out []map[string]any
	ps := checkGiven(in.Given)
	if in.Report != nil {
		ps = in.Report.Problems
	}
	for _, p := range ps {
		out = append(out, map[string]any{"Field": p.Field, "Code": p.Code, "Value": p.Value})
	}
	if in.Report != nil {
		for _, id := range in.Report.Duplicates {
			if c, err := tx.ClientByID(id); err == nil {
				out = append(out, map[string]any{"Field": "client", "Code": "duplicate", "Value": c.Name() + ", " + c.INN})
			}
		}
	}
	return out
}
