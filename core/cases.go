package core

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
)

// Case discussions (обсуждения кейсов). /case opens one about a deal or a
// client card in a work chat: OpenCase writes the case, still Opening, and
// an outbox record (OutboxOpenThread) that has the chat layer open its
// thread, a forum topic or a Mattermost thread; threadOpened records where
// it opened, in the transaction that marks the record delivered, and
// writes the case's first message into it. A chat that cannot have
// threads (a plain group, the console) keeps the case in the chat itself,
// one open case at a time. While the case is open every message of a
// known user there is collected (CollectCaseMessage); #решение records a
// decision on the deal or card, #задача makes a task; CloseCase ends it
// with its resolution.

// MaxCaseTopicLen is the longest topic of a case, in characters: the
// thread's title («Кейс #12: <topic> — D-2026-0001») must fit a Telegram
// forum topic's name.
const MaxCaseTopicLen = 90

// maxThreadTitle is the longest name of a Telegram forum topic.
const maxThreadTitle = 128

// maxCaseText is the longest resolution of a case.
const maxCaseText = 4000

// CaseRoles are the roles /case may ask to join (+юрист, +андеррайтер):
// every active user of the role is mentioned.
var CaseRoles = []Role{RoleLawyer, RoleUnderwriter, RoleOfficer, RoleHead}

// CaseRef names the record a case is about: a deal, or a client card.
type CaseRef struct {
	DealID   int64
	ClientID int64
}

// CaseTitle is what a case's thread is named from, for the chat layer to
// render in the chat's language.
type CaseTitle struct {
	ID     int64
	Topic  string
	Deal   string // the deal's number, for a deal's case
	Client string // the card's name, for a card's case
	// Locale is the language of the chat the thread opens in: the work
	// chat's, else the opener's.
	Locale string
}

// CaseOpening is what opens a case.
type CaseOpening struct {
	Ref   CaseRef
	Topic string
	// Platform and ChatID are where it was asked. Private says that was a
	// private chat: the case then opens in the platform's work chat of the
	// team, else of the officers (the console, which has one chat and no
	// work chats, keeps it in that chat).
	Platform, ChatID string
	Private          bool
	// Roles are asked to join (+юрист, +андеррайтер): each active user of
	// each role is mentioned. Names name people to join as people write
	// them («Петров», «@petrov», «Иван Петров»).
	Roles []Role
	Names []string
	// Title renders the thread's title in the chat's language; nil names
	// it "#<id> <topic>". It is called inside the transaction and must not
	// call the service.
	Title func(CaseTitle) string
}

// caseSubject is the deal or card a case is about.
type caseSubject struct {
	deal   *Deal
	client *Client
}

func (s caseSubject) entity() Entity {
	if s.deal != nil {
		return EntityDeal
	}
	return EntityClient
}

func (s caseSubject) id() int64 {
	if s.deal != nil {
		return s.deal.ID
	}
	return s.client.ID
}

func (s caseSubject) managerID() int64 {
	if s.deal != nil {
		return s.deal.ManagerID
	}
	return s.client.ManagerID
}

// args are a subject's message arguments: the deal's number and title
// (Deal, Title) or the card's name and INN (Client, INN).
func (s caseSubject) args(into map[string]any) map[string]any {
	if into == nil {
		into = map[string]any{}
	}
	if s.deal != nil {
		into["Deal"], into["Title"] = s.deal.Number, s.deal.Title
	} else {
		into["Client"], into["INN"] = s.client.Name(), s.client.INN
	}
	return into
}

// loadSubject reads what a case is about, as far as the actor may see it:
// a deal by the deal rules, a card to anyone who sees cards. With see
// false it reads it without asking (the case's own work).
func loadSubject(tx Tx, a Actor, ref CaseRef, see bool) (caseSubject, error) {
	switch {
	case ref.DealID != 0:
		d, err := tx.DealByID(ref.DealID)
		if err != nil {
			return caseSubject{}, err
		}
		if see && !canSeeDeal(a, d) {
			return caseSubject{}, Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
		}
		return caseSubject{deal: d}, nil
	case ref.ClientID != 0:
		if see && !a.Can(PermViewClients) {
			return caseSubject{}, Errorf(EFORBIDDEN, "err.forbidden")
		}
		c, err := tx.ClientByID(ref.ClientID)
		if err != nil {
			return caseSubject{}, err
		}
		return caseSubject{client: c}, nil
	}
	return caseSubject{}, Errorf(EINVALID, "err.case.subject_required")
}

// canSeeSubject reports whether the actor may see what a case is about:
// its deal by the deal rules, a card when they see cards. Whatever is done
// in a case (seeing it, its decisions and tasks) is for them only: taking
// part in one grants nothing.
func canSeeSubject(a Actor, s caseSubject) bool {
	if s.deal != nil {
		return canSeeDeal(a, s.deal)
	}
	return a.Can(PermViewClients)
}

// caseLabel names a case in the audit trail: its number and topic.
func caseLabel(c *Case) string { return "#" + strconv.FormatInt(c.ID, 10) + " " + c.Topic }

// diffCase lists the changed fields of a case. Opening is how the thread
// is being made, not a fact of the case: the thread it got is audited.
func diffCase(a, b *Case) []*Change {
	d := &diff{entity: EntityCase, id: b.ID}
	d.add("topic", a.Topic, b.Topic)
	d.add("deal_id", a.DealID, b.DealID)
	d.add("client_id", a.ClientID, b.ClientID)
	chat := func(c *Case) string {
		if c.ChatID == "" {
			return ""
		}
		return ChatKey(c.Platform, c.ChatID)
	}
	d.add("chat", chat(a), chat(b))
	d.add("thread_id", a.ThreadID, b.ThreadID)
	d.add("status", a.Status, b.Status)
	d.add("resolution", a.Resolution, b.Resolution)
	d.add("closed_by", a.ClosedBy, b.ClosedBy)
	ids := func(xs []int64) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = strconv.FormatInt(x, 10)
		}
		return out
	}
	d.list("participants", ids(a.Participants), ids(b.Participants))
	return d.changes
}

// OpenCase opens a case discussion about a deal or a card that the actor
// may see, in the work chat it was asked in or, from a private chat, in
// the platform's work chat of the team (else of the officers); the
// console keeps it in its one chat. The case and the outbox record that
// opens its thread are written together, audited on the case and on the
// deal or card. The people involved take part from the start and are
// mentioned in its first message: the deal's (or card's) manager, the
// officers working it (caseOfficers), the opener and those asked.
//
// Errors: EINVALID for an empty or long topic, a role or person that
// cannot be asked (someone who may not see the deal among them), no work
// chat to open it in, a group that is not a work chat; ECONFLICT
// err.case.chat_busy when the chat keeps another open case in itself (it
// has no threads); ENOTFOUND for a deal the actor may not see.
func (s *Service) OpenCase(ctx context.Context, a Actor, in CaseOpening) (*Case, error) {
	if a.User == nil || !a.User.Active {
		return nil, Errorf(EFORBIDDEN, "err.forbidden")
	}
	topic := strings.Join(strings.Fields(in.Topic), " ")
	switch {
	case topic == "":
		return nil, Errorf(EINVALID, "err.case.topic_required")
	case len([]rune(topic)) > MaxCaseTopicLen:
		return nil, Errorf(EINVALID, "err.case.topic_long", "Max", MaxCaseTopicLen)
	}
	for _, r := range in.Roles {
		if !slices.Contains(CaseRoles, r) {
			return nil, Errorf(EINVALID, "err.case.role", "Role", string(r))
		}
	}
	var c *Case
	err := s.update(ctx, func(tx Tx) error {
		subj, err := loadSubject(tx, a, in.Ref, true)
		if err != nil {
			return err
		}
		if subj.client != nil && subj.client.MergedInto != 0 {
			return mergedErr(tx, EINVALID, subj.client)
		}
		platform, chatID, locale, err := caseChat(tx, a, in)
		if err != nil {
			return err
		}
		if err := chatFree(tx, platform, chatID); err != nil {
			return err
		}
		people, err := caseParticipants(tx, a, subj, in.Roles, in.Names)
		if err != nil {
			return err
		}
		c = &Case{Topic: topic, OpenedBy: a.ID(), Platform: platform, ChatID: chatID, Opening: true,
			Participants: people, Status: CaseOpen}
		if subj.deal != nil {
			c.DealID = subj.deal.ID
		} else {
			c.ClientID = subj.client.ID
		}
		if err := tx.CreateCase(c); err != nil {
			return err
		}
		cs := stamp(diffCase(&Case{}, c), a, "created")
		cs = append(cs, stamp([]*Change{{Entity: subj.entity(), EntityID: subj.id(), Field: "case",
			New: caseLabel(c)}}, a, "case_opened")...)
		if err := tx.AddChanges(cs...); err != nil {
			return err
		}
		title := CaseTitle{ID: c.ID, Topic: c.Topic, Locale: locale}
		if subj.deal != nil {
			title.Deal = subj.deal.Number
		} else {
			title.Client = subj.client.Name()
		}
		return tx.Enqueue(&OutboxMessage{Platform: platform, ChatID: chatID, Key: OutboxOpenThread, CaseID: c.ID,
			Locale: locale, Text: threadTitle(in.Title, title), Status: OutboxPending})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// threadTitle names a case's thread, within what a forum topic takes.
func threadTitle(render func(CaseTitle) string, t CaseTitle) string {
	s := ""
	if render != nil {
		s = strings.TrimSpace(render(t))
	}
	if s == "" {
		s = "#" + strconv.FormatInt(t.ID, 10) + " " + t.Topic
	}
	if r := []rune(s); len(r) > maxThreadTitle {
		s = string(r[:maxThreadTitle-1]) + "…"
	}
	return s
}

// caseChat is the chat a case opens in, and its language: the group it
// was asked in when it is a bound work chat (of any purpose); from a
// private chat, the platform's work chat of the team, else of the
// officers; on the console, its one chat. A group that is not a work chat
// is refused (EINVALID err.case.not_work_chat): the case's first message
// names the deal and its people, not for whoever else is in the group.
func caseChat(tx Tx, a Actor, in CaseOpening) (platform, chatID, locale string, err error) {
	if in.Platform == PlatformConsole {
		return in.Platform, in.ChatID, a.User.Locale, nil
	}
	if !in.Private {
		wc, err := tx.WorkChat(in.Platform, in.ChatID)
		if IsNotFound(err) {
			return "", "", "", Errorf(EINVALID, "err.case.not_work_chat")
		} else if err != nil {
			return "", "", "", err
		}
		return in.Platform, in.ChatID, cmp.Or(wc.Locale, a.User.Locale), nil
	}
	for _, p := range []ChatPurpose{PurposeTeam, PurposeOfficers} {
		chats, err := tx.WorkChatsByPurpose(p)
		if err != nil {
			return "", "", "", err
		}
		for _, wc := range chats {
			if wc.Platform == in.Platform {
				return wc.Platform, wc.ChatID, cmp.Or(wc.Locale, a.User.Locale), nil
			}
		}
	}
	return "", "", "", Errorf(EINVALID, "err.case.no_work_chat")
}

// CheckCaseChat says, before anything is asked, whether a case could open
// from where the actor is: caseChat's refusals (no work chat to open it
// in, a group that is not one), and ECONFLICT err.case.chat_busy when the
// chat it would open in keeps another open case in itself.
func (s *Service) CheckCaseChat(ctx context.Context, a Actor, platform, chatID string, private bool) error {
	if a.User == nil || !a.User.Active {
		return Errorf(EFORBIDDEN, "err.forbidden")
	}
	return s.view(ctx, func(tx Tx) error {
		p, id, _, err := caseChat(tx, a, CaseOpening{Platform: platform, ChatID: chatID, Private: private})
		if err != nil {
			return err
		}
		return chatFree(tx, p, id)
	})
}

// chatFree refuses a chat that keeps an open case in itself: it has no
// threads, and one case at a time goes on there.
func chatFree(tx Tx, platform, chatID string) error {
	if open, err := tx.CaseByThread(platform, chatID, ""); err == nil {
		return Errorf(ECONFLICT, "err.case.chat_busy", "ID", open.ID, "Topic", open.Topic)
	} else if !IsNotFound(err) {
		return err
	}
	return nil
}

// chatLocale is the language of a chat: its binding's as a work chat,
// else def.
func chatLocale(tx Tx, platform, chatID, def string) string {
	if wc, err := tx.WorkChat(platform, chatID); err == nil && wc.Locale != "" {
		return wc.Locale
	}
	return def
}

// caseParticipants lists who takes part in a new case, each once: the
// deal's or card's manager, the officers working it (caseOfficers), the
// opener, the active users of the roles asked and the people named. A
// person named who may not see the deal is refused (EINVALID
// err.case.person_no_access): they could not see the case nor write in it.
func caseParticipants(tx Tx, a Actor, subj caseSubject, roles []Role, names []string) ([]int64, error) {
	var out []int64
	add := func(id int64) {
		if id != 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if m := subj.managerID(); m != 0 {
		if u, err := tx.UserByID(m); err == nil && u.Active {
			add(m)
		} else if err != nil && !IsNotFound(err) {
			return nil, err
		}
	}
	officers, err := caseOfficers(tx, subj)
	if err != nil {
		return nil, err
	}
	for _, id := range officers {
		add(id)
	}
	add(a.ID())
	if len(roles) == 0 && len(names) == 0 {
		return out, nil
	}
	users, err := activeUsers(tx)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		n := 0
		for _, u := range users {
			if u.Role == r {
				add(u.ID)
				n++
			}
		}
		if n == 0 {
			return nil, Errorf(EINVALID, "err.case.role_nobody", "Role", string(r))
		}
	}
	for _, name := range names {
		u, n, err := matchUser(users, a, strings.Fields(name))
		if err != nil {
			return nil, err
		}
		if n != len(strings.Fields(name)) {
			return nil, Errorf(EINVALID, "err.case.person_unknown", "Name", name)
		}
		if !canSeeSubject(Actor{User: u}, subj) {
			return nil, Errorf(EINVALID, "err.case.person_no_access", "Name", u.Name)
		}
		add(u.ID)
	}
	return out, nil
}

// caseOfficers are the deal support officers working a case's deal or
// card now, to be mentioned with its manager whoever opens the case: the
// active officers assigned its open tasks (a request's or a document's
// task among them), its open requests and its documents still in work,
// in that order, each once. For a card, the tasks and requests of the
// card and of its deals. Nobody works it: nobody extra is mentioned (the
// officers' chat, or every officer, would be noise); «+officer» asks
// them all.
func caseOfficers(tx Tx, subj caseSubject) ([]int64, error) {
	var ids []int64
	tf := TaskFilter{Status: TaskOpen}
	rf := RequestFilter{Open: true}
	if subj.deal != nil {
		tf.DealID, rf.DealID = subj.deal.ID, subj.deal.ID
	} else {
		tf.ClientID, rf.ClientID = subj.client.ID, subj.client.ID
	}
	tasks, err := tx.FindTasks(tf)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		ids = append(ids, t.AssigneeID)
	}
	reqs, err := tx.Requests(rf)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		ids = append(ids, r.AssigneeID)
	}
	if subj.deal != nil {
		docs, err := tx.DocumentsByDeal(subj.deal.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if !d.Status.Final() && !d.Status.Signed() {
				ids = append(ids, d.OfficerID)
			}
		}
	}
	var out []int64
	for _, id := range ids {
		if id == 0 || slices.Contains(out, id) {
			continue
		}
		u, err := tx.UserByID(id)
		if IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		if u.Active && u.Role == RoleOfficer {
			out = append(out, id)
		}
	}
	return out, nil
}

// activeUsers lists the users who are active.
func activeUsers(tx Tx) ([]*User, error) {
	users, err := tx.ListUsers()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(users, func(u *User) bool { return !u.Active }), nil
}

// threadOpened records the outcome of an OutboxOpenThread record on its
// case, in the transaction that records the delivery: opened, the case
// takes the thread (a platform without threads reports none, and the case
// stays in the chat itself); given up (the chat cannot have threads, or
// the attempts ran out), the case falls back to the chat itself. Either
// way the case's first message is written: in the thread, naming the
// topic and the deal or card and mentioning the people involved. A chat
// that keeps another open case in itself cannot keep this one too: it is
// closed unopened, and the chat is told so. An attempt to be retried
// changes nothing.
func threadOpened(tx Tx, m *OutboxMessage, d Delivery) error {
	threadID := d.ThreadID
	switch {
	case d.Err == nil:
	case m.Status == OutboxFailed:
		threadID = ""
	default:
		return nil
	}
	c, err := tx.CaseByID(m.CaseID)
	if IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	if !c.Opening || c.Status != CaseOpen {
		return nil // recorded before, or closed while its thread was opening
	}
	subj, err := loadSubject(tx, Actor{}, CaseRef{DealID: c.DealID, ClientID: c.ClientID}, false)
	if err != nil {
		return err
	}
	sys := Actor{Source: "outbox"}
	old := *c
	// The record follows a chat that moved (a group that became a
	// supergroup); so does the case.
	c.ChatID, c.ThreadID, c.Opening = m.ChatID, threadID, false
	locale := chatLocale(tx, c.Platform, c.ChatID, m.Locale)
	other, err := tx.CaseByThread(c.Platform, c.ChatID, c.ThreadID)
	if err != nil && !IsNotFound(err) {
		return err
	}
	if err == nil && other.ID != c.ID {
		c.Status, c.ClosedAt = CaseClosed, tx.Now()
		if err := tx.UpdateCase(c); err != nil {
			return err
		}
		cs := stamp(diffCase(&old, c), sys, "chat_busy")
		cs = append(cs, stamp([]*Change{{Entity: subj.entity(), EntityID: subj.id(), Field: "case",
			Old: caseLabel(c)}}, sys, "case_not_opened")...)
		if err := tx.AddChanges(cs...); err != nil {
			return err
		}
		return tx.Enqueue(&OutboxMessage{Platform: c.Platform, ChatID: c.ChatID, Locale: locale,
			Key: "notify.case.not_opened", Args: map[string]any{"ID": c.ID, "Topic": c.Topic, "Other": other.ID,
				"OtherTopic": other.Topic}, Mentions: []int64{c.OpenedBy}, Status: OutboxPending})
	}
	if err := tx.UpdateCase(c); err != nil {
		return err
	}
	reason := "thread_opened"
	switch {
	case d.Err != nil:
		reason = "thread_failed"
	case threadID == "":
		reason = "no_threads"
	}
	if cs := diffCase(&old, c); len(cs) > 0 {
		if err := tx.AddChanges(stamp(cs, sys, reason)...); err != nil {
			return err
		}
	}
	var names []string
	for _, id := range c.Participants {
		names = append(names, describeUser(tx, id))
	}
	args := subj.args(map[string]any{"ID": c.ID, "Topic": c.Topic, "By": describeUser(tx, c.OpenedBy),
		"People": strings.Join(names, ", "), "InChat": threadID == ""})
	return tx.Enqueue(&OutboxMessage{Platform: c.Platform, ChatID: c.ChatID, ThreadID: c.ThreadID, Locale: locale,
		Key: "notify.case.opened", Args: args, Mentions: slices.Clone(c.Participants), Status: OutboxPending})
}

// mayCloseCase reports whether the actor may close a case: the one who
// opened it, the deal's or card's manager, deal support and heads.
func mayCloseCase(a Actor, c *Case, subj caseSubject) bool {
	return a.ID() == c.OpenedBy || a.ID() == subj.managerID() || a.Can(PermVerify)
}

// canSeeCase reports whether the actor may see a case: whoever is active
// and may see its deal (or, for a card's case, cards). Its participants
// are no exception: someone named or who wrote in the thread of a deal
// they may not see does not see the case either.
func canSeeCase(a Actor, subj caseSubject) bool {
	return a.User != nil && a.User.Active && canSeeSubject(a, subj)
}

// CloseCase ends an open case with its resolution: the case records who
// closed it and when, the deal's or card's audit trail the resolution, and
// the thread is told. The one who opened it, the manager, deal support
// and heads may close it.
func (s *Service) CloseCase(ctx context.Context, a Actor, id int64, resolution string) (*Case, error) {
	resolution = strings.TrimSpace(resolution)
	switch {
	case resolution == "":
		return nil, Errorf(EINVALID, "err.case.resolution_required")
	case len([]rune(resolution)) > maxCaseText:
		return nil, Errorf(EINVALID, "err.text.too_long")
	}
	var c *Case
	err := s.update(ctx, func(tx Tx) (err error) {
		if c, err = tx.CaseByID(id); err != nil {
			return err
		}
		subj, err := loadSubject(tx, a, CaseRef{DealID: c.DealID, ClientID: c.ClientID}, false)
		if err != nil {
			return err
		}
		if !canSeeCase(a, subj) {
			return Errorf(ENOTFOUND, "err.case.not_found", "ID", id)
		}
		if c.Status != CaseOpen {
			return Errorf(ECONFLICT, "err.case.closed", "ID", c.ID)
		}
		if !mayCloseCase(a, c, subj) {
			return Errorf(EFORBIDDEN, "err.case.close_forbidden", "ID", c.ID)
		}
		old := *c
		c.Status, c.Resolution, c.ClosedBy, c.ClosedAt, c.Opening = CaseClosed, resolution, a.ID(), tx.Now(), false
		if err := tx.UpdateCase(c); err != nil {
			return err
		}
		cs := stamp(diffCase(&old, c), a, "case_closed")
		cs = append(cs, stamp([]*Change{{Entity: subj.entity(), EntityID: subj.id(), Field: "case",
			Old: caseLabel(c), New: resolution}}, a, "case_closed")...)
		if err := tx.AddChanges(cs...); err != nil {
			return err
		}
		args := subj.args(map[string]any{"ID": c.ID, "Topic": c.Topic, "Resolution": resolution,
			"By": describeUser(tx, a.ID()), "Decisions": c.Decisions, "Tasks": len(c.Tasks)})
		var mentions []int64
		if m := subj.managerID(); m != 0 && m != a.ID() {
			mentions = []int64{m}
		}
		return tx.Enqueue(&OutboxMessage{Platform: c.Platform, ChatID: c.ChatID, ThreadID: c.ThreadID,
			Locale: chatLocale(tx, c.Platform, c.ChatID, a.User.Locale), Key: "notify.case.closed", Args: args,
			Mentions: mentions, Status: OutboxPending})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CasesOf returns the cases of a deal, or of a card and of its deals, as
// far as the actor may see them, open ones first, newest first in each.
func (s *Service) CasesOf(ctx context.Context, a Actor, ref CaseRef) ([]*Case, error) {
	var out []*Case
	err := s.view(ctx, func(tx Tx) error {
		subj, err := loadSubject(tx, a, ref, true)
		if err != nil {
			return err
		}
		if subj.deal != nil {
			out, err = tx.CasesByDeal(subj.deal.ID)
			return err
		}
		if out, err = tx.CasesByClient(subj.client.ID); err != nil {
			return err
		}
		if !a.Can(PermViewDeals) {
			return nil
		}
		deals, err := tx.FindDeals(DealFilter{ClientID: subj.client.ID})
		if err != nil {
			return err
		}
		for _, d := range deals {
			if !canSeeDeal(a, d) {
				continue
			}
			cs, err := tx.CasesByDeal(d.ID)
			if err != nil {
				return err
			}
			out = append(out, cs...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(x, y *Case) int {
		if x.Status != y.Status {
			return boolRank(x.Status != CaseOpen) - boolRank(y.Status != CaseOpen)
		}
		if c := y.CreatedAt.Compare(x.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(y.ID, x.ID)
	})
	return out, nil
}

// CaseReport is a case with what it is about and what came of it.
type CaseReport struct {
	Case   *Case
	Deal   *Deal   // the deal it is about, or nil
	Client *Client // the card it is about, or the deal's client
	// Decisions are the messages that recorded decisions, oldest first;
	// Tasks the tasks made in it, in order.
	Decisions []*CaseMessage
	Tasks     []*Task
	// Names are the names of the people it names: participants, authors,
	// assignees.
	Names map[int64]string
	// Chat is the title of the work chat it is in, "" when the chat is
	// not bound.
	Chat string
	// MayClose says that the case is open and the actor may close it.
	MayClose bool
}

// CaseByID returns a case the actor may see with what it is about and
// what came of it.
func (s *Service) CaseByID(ctx context.Context, a Actor, id int64) (*CaseReport, error) {
	r := &CaseReport{Names: map[int64]string{}}
	err := s.view(ctx, func(tx Tx) error {
		c, err := tx.CaseByID(id)
		if err != nil {
			return err
		}
		subj, err := loadSubject(tx, a, CaseRef{DealID: c.DealID, ClientID: c.ClientID}, false)
		if err != nil {
			return err
		}
		if !canSeeCase(a, subj) {
			return Errorf(ENOTFOUND, "err.case.not_found", "ID", id)
		}
		r.Case, r.Deal, r.Client = c, subj.deal, subj.client
		r.MayClose = c.Status == CaseOpen && mayCloseCase(a, c, subj)
		if subj.deal != nil {
			if cl, err := tx.ClientByID(subj.deal.ClientID); err == nil {
				r.Client = cl
			} else if !IsNotFound(err) {
				return err
			}
		}
		if wc, err := tx.WorkChat(c.Platform, c.ChatID); err == nil {
			r.Chat = wc.Title
		} else if !IsNotFound(err) {
			return err
		}
		if c.Decisions > 0 {
			ms, err := tx.CaseMessages(c.ID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if m.Decision {
					r.Decisions = append(r.Decisions, m)
				}
			}
		}
		for _, tid := range c.Tasks {
			t, err := tx.TaskByID(tid)
			if IsNotFound(err) {
				continue
			} else if err != nil {
				return err
			}
			r.Tasks = append(r.Tasks, t)
		}
		ids := append(slices.Clone(c.Participants), c.OpenedBy, c.ClosedBy)
		for _, m := range r.Decisions {
			ids = append(ids, m.UserID)
		}
		for _, t := range r.Tasks {
			ids = append(ids, t.AssigneeID)
		}
		for _, uid := range ids {
			if _, ok := r.Names[uid]; uid != 0 && !ok {
				r.Names[uid] = describeUser(tx, uid)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
