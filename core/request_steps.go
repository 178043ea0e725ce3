package core

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// The steps of a request's status line: take, pass, ask, answer, done,
// reject. Any officer or head may take each step but the answer (see the
// package's note on requests in requests.go); the requester is told of
// every change, and the officer who has the request of what someone else
// did to it.

// requireOfficer refuses those who do not work requests.
func requireOfficer(a Actor) error {
	if !a.Can(PermVerify) {
		return Errorf(EFORBIDDEN, "err.request.officers_only")
	}
	return nil
}

// TakeRequest takes a new request: it is in work, the actor's, and so is
// its task (whose reminders start). The requester is told. A request
// someone has is refused naming who (err.request.taken_by); one the actor
// has already changes nothing and says so (err.request.yours), so a second
// press of «Взять» is harmless.
func (s *Service) TakeRequest(ctx context.Context, a Actor, id int64) (*Request, error) {
	if err := requireOfficer(a); err != nil {
		return nil, err
	}
	return s.changeRequest(ctx, a, id, func(tx Tx, r *Request) (string, error) {
		if r.AssigneeID != 0 && r.AssigneeID == a.ID() {
			return "", Errorf(ECONFLICT, "err.request.yours", "ID", r.ID, "Status", string(r.Status))
		}
		if r.Status != RequestNew || r.AssigneeID != 0 {
			return "", Errorf(ECONFLICT, "err.request.taken_by", "ID", r.ID, "Name", describeUser(tx, r.AssigneeID))
		}
		if _, err := s.takeRequest(tx, a, r, "taken"); err != nil {
			return "", err
		}
		return "request_taken", s.tellStatus(tx, a, r, "", false)
	})
}

// takeRequest gives a request's task to its assignee (the actor when it
// has none); a new request is then in work, which its thread records. It
// reports whether the request was new; telling the requester is the
// caller's.
func (s *Service) takeRequest(tx Tx, a Actor, r *Request, reason string) (bool, error) {
	if r.AssigneeID == 0 {
		r.AssigneeID = a.ID()
	}
	if err := s.assignRequestTask(tx, a, r, reason); err != nil {
		return false, err
	}
	if r.Status != RequestNew {
		return false, nil
	}
	r.Status = RequestInWork
	addMessage(tx, a, r, RequestMsgStatus, "", nil)
	return true, nil
}

// showButtons is the «Открыть» of a request's notices.
func showButtons(id int64) [][]ButtonSpec {
	return [][]ButtonSpec{{{LabelKey: "btn.request.show", Action: ActionRequestShow, Payload: strconv.FormatInt(id, 10)}}}
}

// tellStatus tells the requester that their request's status changed
// (text: the result or the reason), or that it was passed to another
// officer, unless they did it themselves.
func (s *Service) tellStatus(tx Tx, a Actor, r *Request, text string, passed bool) error {
	if r.RequesterID == a.ID() || r.RequesterID == 0 {
		return nil
	}
	args := requestArgs(tx, r)
	args["Status"], args["By"], args["Text"] = string(r.Status), describeUser(tx, a.ID()), CutText(text, 1000)
	args["Passed"] = passed
	if r.AssigneeID != 0 {
		args["Assignee"] = describeUser(tx, r.AssigneeID)
	}
	return s.notifyUser(tx, r.RequesterID, Note{Key: "notify.request.status", Args: args, Buttons: showButtons(r.ID)})
}

// Events of notify.request.by_other: what someone else did to a request
// an officer has.
const (
	byOtherPassed = "passed"
	byOtherAsked  = "asked"
)

// tellAssignee tells the officer who had a request (assignee) that someone
// else took a step on it: passed it (to whom has it now), asked its
// requester (the question), marked it done or rejected it (event: the
// status; text: the result or the reason). Nobody is told of their own
// step, nor the requester again of their own request.
func (s *Service) tellAssignee(tx Tx, a Actor, r *Request, assignee int64, event, text string) error {
	if assignee == 0 || assignee == a.ID() || assignee == r.RequesterID {
		return nil
	}
	args := requestArgs(tx, r)
	args["Event"], args["By"], args["Text"] = event, describeUser(tx, a.ID()), CutText(text, 1000)
	args["Requester"] = describeUser(tx, r.RequesterID)
	if event == byOtherPassed {
		args["To"] = describeUser(tx, r.AssigneeID)
	}
	return s.notifyUser(tx, assignee, Note{Key: "notify.request.by_other", Args: args, Buttons: showButtons(r.ID)})
}

// PassRequest passes a request to another officer (or head), who is told
// who passed it and who filed it; a new one is in work with them. The
// requester hears who has it now, and the officer who had it, when
// someone else passed it, that it was passed and to whom.
func (s *Service) PassRequest(ctx context.Context, a Actor, id, to int64) (*Request, error) {
	if err := requireOfficer(a); err != nil {
		return nil, err
	}
	return s.changeRequest(ctx, a, id, func(tx Tx, r *Request) (string, error) {
		u, err := tx.UserByID(to)
		if IsNotFound(err) {
			return "", Errorf(EINVALID, "err.request.pass_to")
		} else if err != nil {
			return "", err
		}
		if !u.Can(PermVerify) {
			return "", Errorf(EINVALID, "err.request.pass_to")
		}
		if u.ID == r.AssigneeID {
			return "", Errorf(EINVALID, "err.request.pass_same", "Name", u.Name)
		}
		had := r.AssigneeID
		r.AssigneeID = u.ID
		addMessage(tx, a, r, RequestMsgNote, "→ "+u.Name, nil)
		if _, err := s.takeRequest(tx, a, r, "request_passed"); err != nil {
			return "", err
		}
		if err := s.tellStatus(tx, a, r, "", true); err != nil {
			return "", err
		}
		if err := s.tellAssignee(tx, a, r, had, byOtherPassed, ""); err != nil {
			return "", err
		}
		if u.ID == a.ID() {
			return "request_passed", nil
		}
		args := requestArgs(tx, r)
		args["By"], args["Requester"] = describeUser(tx, a.ID()), describeUser(tx, r.RequesterID)
		args["Text"], args["Due"], args["Waiting"] = CutText(r.Text, 1000), optTime(r.Due), r.Status == RequestWaiting
		return "request_passed", s.notifyUser(tx, u.ID, Note{Key: "notify.request.passed", Args: args,
			Buttons: showButtons(r.ID)})
	})
}

// AskRequest asks the requester a question: the request waits for the
// answer and its SLA clock stops (the working time left is kept, the task
// has no due time meanwhile). The requester gets the question with
// «Ответить». A new request asked about is the asker's; the officer who
// has one someone else asks about is told.
func (s *Service) AskRequest(ctx context.Context, a Actor, id int64, question string) (*Request, error) {
	if err := requireOfficer(a); err != nil {
		return nil, err
	}
	q, err := requestText(question, "err.request.question_required")
	if err != nil {
		return nil, err
	}
	return s.changeRequest(ctx, a, id, func(tx Tx, r *Request) (string, error) {
		if taken, err := s.takeRequest(tx, a, r, "taken"); err != nil {
			return "", err
		} else if taken {
			if err := s.tellStatus(tx, a, r, "", false); err != nil {
				return "", err
			}
		}
		addMessage(tx, a, r, RequestMsgQuestion, q, nil)
		if r.Status != RequestWaiting {
			_, st, err := requestSLA(tx, r.Type)
			if err != nil {
				return "", err
			}
			if !r.Due.IsZero() {
				r.SLALeft = WorkingTimeBetween(s.calendar(), st, requestLoc(), tx.Now(), r.Due)
			}
			r.Status, r.Due = RequestWaiting, time.Time{}
			if err := s.setRequestTaskDue(tx, a, r, "request_asked"); err != nil {
				return "", err
			}
		}
		if err := s.tellAssignee(tx, a, r, r.AssigneeID, byOtherAsked, q); err != nil {
			return "", err
		}
		if r.RequesterID == a.ID() {
			return "request_asked", nil
		}
		args := requestArgs(tx, r)
		args["By"], args["Question"] = describeUser(tx, a.ID()), CutText(q, 2000)
		id := strconv.FormatInt(r.ID, 10)
		return "request_asked", s.notifyUser(tx, r.RequesterID, Note{Key: "notify.request.question", Args: args,
			Buttons: [][]ButtonSpec{{{LabelKey: "btn.request.answer", Action: ActionRequestAnswer, Payload: id},
				{LabelKey: "btn.request.show", Action: ActionRequestShow, Payload: id}}}})
	})
}

// AnswerRequest takes the requester's answer to the officer's question:
// the request is in work again and its SLA deadline resumes from the
// working time that was left. The officer who has it is told, and the one
// who asked the question when that is someone else.
func (s *Service) AnswerRequest(ctx context.Context, a Actor, id int64, answer string, files []Attachment) (*Request, error) {
	if err := a.require(PermRequests); err != nil {
		return nil, err
	}
	text, err := requestText(answer, "err.request.answer_required")
	if err != nil {
		return nil, err
	}
	if err := checkAttachments(files); err != nil {
		return nil, err
	}
	return s.changeRequest(ctx, a, id, func(tx Tx, r *Request) (string, error) {
		if r.RequesterID != a.ID() {
			return "", Errorf(EFORBIDDEN, "err.request.not_requester", "ID", r.ID)
		}
		if r.Status != RequestWaiting {
			return "", Errorf(ECONFLICT, "err.request.not_waiting", "ID", r.ID)
		}
		asker := lastAsker(r)
		refs, err := putAttachments(tx, files)
		if err != nil {
			return "", err
		}
		addMessage(tx, a, r, RequestMsgAnswer, text, refs)
		_, st, err := requestSLA(tx, r.Type)
		if err != nil {
			return "", err
		}
		r.Status = RequestInWork
		r.Due, r.SLALeft = AddWorkingTime(s.calendar(), st, requestLoc(), tx.Now(), r.SLALeft), 0
		if err := s.setRequestTaskDue(tx, a, r, "request_answered"); err != nil {
			return "", err
		}
		args := requestArgs(tx, r)
		args["By"], args["Answer"], args["Files"], args["Due"] = describeUser(tx, a.ID()), CutText(text, 2000),
			len(refs), r.Due
		tell := []int64{r.AssigneeID}
		if asker != r.AssigneeID {
			tell = append(tell, asker)
		}
		for _, to := range tell {
			if to == 0 || to == a.ID() {
				continue
			}
			if err := s.notifyUser(tx, to, Note{Key: "notify.request.answered", Args: args,
				Buttons: showButtons(r.ID)}); err != nil {
				return "", err
			}
		}
		return "request_answered", nil
	})
}

// lastAsker is who asked the last question of a request's thread, 0 when
// none did.
func lastAsker(r *Request) int64 {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Kind == RequestMsgQuestion {
			return r.Messages[i].UserID
		}
	}
	return 0
}

// DoneRequest closes a request as done with its result; its task is done
// and the requester is told. An intake is done by saving its card.
func (s *Service) DoneRequest(ctx context.Context, a Actor, id int64, result string) (*Request, error) {
	var r *Request
	err := s.update(ctx, func(tx Tx) (err error) {
		r, err = s.doneRequest(tx, a, id, result)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// doneRequest is DoneRequest in tx. «Выполнено» on a request's task (in
// /tasks, /done, or on its reminder) is the request done with that result:
// completeTask calls it for a task with a RequestID.
func (s *Service) doneRequest(tx Tx, a Actor, id int64, result string) (*Request, error) {
	if err := requireOfficer(a); err != nil {
		return nil, err
	}
	text, err := requestText(result, "err.request.result_required")
	if err != nil {
		return nil, err
	}
	return changeRequestTx(tx, a, id, func(tx Tx, r *Request) (string, error) {
		if r.Type == RequestIntake {
			return "", Errorf(EINVALID, "err.request.intake_done", "ID", r.ID)
		}
		return "request_done", s.closeRequest(tx, a, r, RequestDone, text)
	})
}

// RejectRequest closes a request as rejected with the reason; its task is
// cancelled and the requester is told. An intake is returned to its
// manager (ReturnIntake).
func (s *Service) RejectRequest(ctx context.Context, a Actor, id int64, reason string) (*Request, error) {
	if err := requireOfficer(a); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, Errorf(EINVALID, "err.request.reason_required")
	case len([]rune(reason)) > MaxReasonLen:
		return nil, Errorf(EINVALID, "err.request.reason_too_long", "Max", MaxReasonLen)
	}
	var intake bool
	err := s.view(ctx, func(tx Tx) error {
		r, err := visibleRequest(tx, a, id)
		intake = err == nil && r.Type == RequestIntake && r.IntakeID != 0
		return err
	})
	if err != nil {
		return nil, err
	}
	if intake {
		if _, err := s.ReturnIntake(ctx, a, id, reason); err != nil {
			return nil, err
		}
		return s.ShowRequest(ctx, a, id)
	}
	return s.changeRequest(ctx, a, id, func(tx Tx, r *Request) (string, error) {
		return reason, s.closeRequest(tx, a, r, RequestRejected, reason)
	})
}

// closeRequest closes an open request as done or rejected with its text:
// the thread records it, the task closes, the officer who had it is told
// when someone else closed it, and the requester is told (an intake's
// manager hears of it from the intake's own notice). A new request closed
// is the closer's.
func (s *Service) closeRequest(tx Tx, a Actor, r *Request, status RequestStatus, text string) error {
	had := r.AssigneeID
	if r.AssigneeID == 0 {
		r.AssigneeID = a.ID()
		if err := s.assignRequestTask(tx, a, r, "taken"); err != nil {
			return err
		}
	}
	r.Status, r.Result, r.ClosedAt = status, text, tx.Now()
	r.Due, r.SLALeft = time.Time{}, 0
	addMessage(tx, a, r, RequestMsgStatus, text, nil)
	taskStatus := TaskDone
	if status == RequestRejected {
		taskStatus = TaskCancelled
	}
	if err := s.closeRequestTask(tx, a, r, taskStatus, text); err != nil {
		return err
	}
	if err := s.tellAssignee(tx, a, r, had, string(status), text); err != nil {
		return err
	}
	if r.Type == RequestIntake {
		return nil
	}
	return s.tellStatus(tx, a, r, text, false)
}
