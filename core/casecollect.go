package core

import (
	"context"
	"slices"
)

// CaseAt returns the open case of a chat's thread that a known user
// writes in: the thread's own, else the one the chat keeps in itself (a
// chat without threads collects every message, those of reply threads
// too); ENOTFOUND when there is none.
func (s *Service) CaseAt(ctx context.Context, a Actor, platform, chatID, threadID string) (*Case, error) {
	if a.User == nil || !a.User.Active {
		return nil, Errorf(ENOTFOUND, "err.case.none_in_thread")
	}
	var c *Case
	err := s.view(ctx, func(tx Tx) (err error) {
		c, err = caseAt(tx, platform, chatID, threadID)
		return err
	})
	return c, err
}

func caseAt(tx Tx, platform, chatID, threadID string) (*Case, error) {
	c, err := tx.CaseByThread(platform, chatID, threadID)
	if IsNotFound(err) && threadID != "" {
		return tx.CaseByThread(platform, chatID, "")
	}
	return c, err
}

// CaseInput is a message written in a case's thread.
type CaseInput struct {
	Platform, ChatID, ThreadID string
	// PlatformID is the message's id on its platform: a message delivered
	// again is collected once.
	PlatformID string
	Text       string
	Files      []CaseFile
	// Talk collects the message as talk only: its author, time, text and
	// files are recorded, its tags are not read (they make no decision and
	// no task, and are not refused). The chat layer sets it for a message
	// that the writer's dialog takes as its answer: it was said in the
	// case's chat, so it belongs to the record, but what it asks for is the
	// dialog's to do, once.
	Talk bool
}

// CaseFile is a file sent in a case's thread, fetched from the platform.
type CaseFile struct {
	Name, MIME string
	Data       []byte
}

// Collected is what collecting a message did.
type Collected struct {
	Case *Case
	// Message is the message collected; nil when it was not: its author
	// may not see what the case is about (Problem says so when the
	// message carried a tag, else nothing is said).
	Message *CaseMessage
	// Duplicate: the message was collected before (the platform delivered
	// it again); Message is the one collected then, and nothing was done.
	Duplicate bool
	// Decision is the decision the message recorded (#решение), without
	// its tag; Task the task it made (#задача).
	Decision string
	Task     *Task
	// Problem says why a tag could not be taken (an error with its locale
	// key), and ProblemTag which tag it was: "decision" or "task". The
	// message is collected (unless Message is nil); nothing else is made
	// of it.
	Problem    error
	ProblemTag string
}

// CollectCaseMessage collects a message written in the thread of an open
// case (or in the chat that keeps one in itself) by an active user who may
// see what the case is about (its deal by the deal rules, a card by
// PermViewClients) into the case: its author, time, text and files; the
// author joins the case. A message from anyone else, or where no case is
// open, is not collected and nothing at all is written: it returns nil —
// except that someone who may not see the deal and writes #решение or
// #задача is told (Problem err.case.tag_forbidden, Message nil): the chat
// is no way around the deal's visibility, and taking part in a case never
// shows its deal. A message the platform delivers again (its PlatformID
// collected before, found through the store's index) is collected once
// (Duplicate).
//
// A message marked Talk is talk only: its tags are not read, and one of someone who may not see the deal is not collected and
// nothing is said.
//
// #решение (#decision) records the message's text without the tag as a
// decision on the case's deal or card: in its audit trail (field
// "decision", the message's source, the case as its reason), counted on
// the case, and told to the deal's manager when someone else wrote it.
// #задача (#task) «@Петров 05.12 подготовить протокол» makes a task about
// the deal or card, for that person (someone other than the writer needs
// PermAssignTasks), due then. A tag that cannot be read, or a task that
// may not be made, is Problem: the message is collected and nothing is
// made of it.
func (s *Service) CollectCaseMessage(ctx context.Context, a Actor, in CaseInput) (*Collected, error) {
	if a.User == nil || !a.User.Active {
		return nil, nil
	}
	var out *Collected
	err := s.update(ctx, func(tx Tx) error {
		out = nil
		c, err := caseAt(tx, in.Platform, in.ChatID, in.ThreadID)
		if IsNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		subj, err := loadSubject(tx, a, CaseRef{DealID: c.DealID, ClientID: c.ClientID}, false)
		if err != nil {
			return err
		}
		tags := readCaseTags(in.Text)
		if in.Talk {
			tags = caseTags{}
		}
		if !canSeeSubject(a, subj) {
			if tag := tags.first(); tag != "" {
				out = &Collected{Case: c, ProblemTag: tag, Problem: Errorf(EFORBIDDEN, "err.case.tag_forbidden",
					"ID", c.ID, "OnDeal", subj.deal != nil)}
			}
			return nil
		}
		res := &Collected{Case: c}
		if in.PlatformID != "" {
			if m, err := tx.CaseMessageByPlatformID(c.ID, in.PlatformID); err == nil {
				res.Message, res.Duplicate = m, true
				out = res
				return nil
			} else if !IsNotFound(err) {
				return err
			}
		}
		m := &CaseMessage{CaseID: c.ID, UserID: a.ID(), PlatformID: in.PlatformID, Text: in.Text}
		for _, f := range in.Files {
			ref := NewFileRef(f.Name, f.MIME, f.Data)
			if err := tx.PutFile(ref, f.Data); err != nil {
				return err
			}
			m.Files = append(m.Files, ref)
		}
		tr, err := s.caseTask(tx, a, c, subj, tags)
		if err != nil {
			return err
		}
		task, problem, tag := tr.task, tr.problem, tr.tag
		if problem == nil && tags.decision && tags.text == "" {
			problem, tag = Errorf(EINVALID, "err.case.decision_empty"), "decision"
		}
		res.Problem, res.ProblemTag = problem, tag
		old := *c
		c.Messages++
		if !slices.Contains(c.Participants, a.ID()) {
			c.Participants = append(c.Participants, a.ID())
		}
		if problem == nil && task != nil {
			m.TaskID, res.Task = task.ID, task
			c.Tasks = append(c.Tasks, task.ID)
		}
		if problem == nil && tags.decision {
			m.Decision, res.Decision = true, tags.text
			c.Decisions++
			if err := s.recordDecision(tx, a, c, subj, tags.text); err != nil {
				return err
			}
		}
		if err := tx.AddCaseMessage(m); err != nil {
			return err
		}
		if err := tx.UpdateCase(c); err != nil {
			return err
		}
		if cs := diffCase(&old, c); len(cs) > 0 {
			if err := tx.AddChanges(stamp(cs, a, "joined")...); err != nil {
				return err
			}
		}
		res.Message = m
		out = res
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// caseTaskResult is the task a message's #задача made, or why it could
// not be made (problem, with the tag).
type caseTaskResult struct {
	task    *Task
	problem error
	tag     string
}

// caseTask makes the task a message's #задача asks for, or says why it
// cannot be made; err is a failure of the store.
func (s *Service) caseTask(tx Tx, a Actor, c *Case, subj caseSubject, tags caseTags) (caseTaskResult, error) {
	refuse := func(err error) (caseTaskResult, error) { return caseTaskResult{problem: err, tag: "task"}, nil }
	switch len(tags.tasks) {
	case 0:
		return caseTaskResult{}, nil
	case 1:
	default:
		return refuse(Errorf(EINVALID, "err.case.task_one"))
	}
	users, err := activeUsers(tx)
	if err != nil {
		return caseTaskResult{}, err
	}
	now := tx.Now()
	who, due, title, err := readTaskLine(users, a, tags.tasks[0], now, a.User.Location())
	if err != nil {
		return refuse(err)
	}
	if !a.Can(PermTasks) || who.ID != a.ID() && !a.Can(PermAssignTasks) {
		return refuse(Errorf(EINVALID, "err.task.assign_forbidden"))
	}
	t := &Task{Title: title, AssigneeID: who.ID, Due: due, Status: TaskOpen, CreatedBy: a.ID()}
	if subj.deal != nil {
		t.DealID, t.ClientID = subj.deal.ID, subj.deal.ClientID
	} else {
		t.ClientID = subj.client.ID
	}
	if err := t.Validate(); err != nil {
		return refuse(err)
	}
	if err := tx.CreateTask(t); err != nil {
		return caseTaskResult{}, err
	}
	if err := tx.AddChanges(stamp(diffTask(&Task{}, t), a, caseLabel(c))...); err != nil {
		return caseTaskResult{}, err
	}
	if t.AssigneeID != a.ID() {
		if err := s.notifyUser(tx, t.AssigneeID, Note{Key: "notify.task.assigned", Args: map[string]any{
			"ID": t.ID, "Title": t.Title, "Due": optTime(t.Due), "By": describeUser(tx, a.ID())}}); err != nil {
			return caseTaskResult{}, err
		}
	}
	return caseTaskResult{task: t}, nil
}

// recordDecision writes a case's decision into the audit trail of its deal
// or card, and tells the manager when someone else made it.
func (s *Service) recordDecision(tx Tx, a Actor, c *Case, subj caseSubject, text string) error {
	// Like every change made from a chat, the entry carries the message it
	// came from (the actor's source); its reason names the case.
	ch := stamp([]*Change{{Entity: subj.entity(), EntityID: subj.id(), Field: "decision", New: text}}, a, caseLabel(c))
	if err := tx.AddChanges(ch...); err != nil {
		return err
	}
	m := subj.managerID()
	if m == 0 || m == a.ID() {
		return nil
	}
	return s.notifyUser(tx, m, Note{Key: "notify.case.decision", Args: subj.args(map[string]any{
		"ID": c.ID, "Topic": c.Topic, "Text": text, "By": describeUser(tx, a.ID())})})
}
