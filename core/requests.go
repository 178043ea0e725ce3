package core

import (
	"cmp"
	"context"
	"fmt"
	"mime"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Requests (обращения): a manager, an underwriter or a lawyer asks deal
// support for a correction, an answer, a document or anything else about
// a client, a deal or a document. Every request waits in the officers'
// queue as a task whose due time is the SLA deadline, counted in working
// hours of the production calendar, so an overdue request is reminded of
// and escalated as any task is. An intake (/intake) is a request too:
// one queue, one numbering, one status line.
//
// The queue is the team's: any officer or head (PermVerify) may take a new
// request and pass, ask about, mark done or reject any open one, whoever
// has it. When someone else does so to a request an officer has (its
// assignee), that officer is told what was done and by whom
// (notify.request.by_other), and the requester is told of every change.
// Only its requester answers a request's question.

// Limits of what a request carries.
const (
	// MaxRequestTextLen is the longest text of a request, a question, an
	// answer or a result, in characters.
	MaxRequestTextLen = 4000
	// MaxRequestFiles is the most files a request or an answer carries.
	MaxRequestFiles = 10
	// MaxRequestFileSize is the largest file of a request, in bytes.
	MaxRequestFileSize = 20 << 20
	// MinRequestSLA and MaxRequestSLA bound a type's SLA (working time).
	MinRequestSLA = 15 * time.Minute
	MaxRequestSLA = 400 * time.Hour
)

// requestTitleLen is the longest part of a request's text its task's title
// takes.
const requestTitleLen = 120

// RequestRef is what a request is about: a document, a deal or a client
// (the most specific one given counts; none is allowed but for a
// correction).
type RequestRef struct {
	ClientID   int64
	DealID     int64
	DocumentID int64
}

// Empty reports whether the reference names nothing.
func (r RequestRef) Empty() bool { return r.ClientID == 0 && r.DealID == 0 && r.DocumentID == 0 }

// NewRequest is a request to be filed.
type NewRequest struct {
	Type RequestType
	Ref  RequestRef
	Text string
	// Files are sent with it (an Attachment, as a mail's).
	Files []Attachment
}

// RequestScope selects the requests /requests lists.
type RequestScope string

// Request scopes.
const (
	// ScopeMine: the actor's own requests and those they work.
	ScopeMine RequestScope = "mine"
	// ScopeTeam: those of the people whose head the actor is.
	ScopeTeam RequestScope = "team"
	// ScopeAll: every open request (officers and heads).
	ScopeAll RequestScope = "all"
)

// RequestOverdue reports whether an open request is past its SLA deadline
// at now; one waiting for the requester's answer is not (its clock stops).
func RequestOverdue(r *Request, now time.Time) bool {
	return !r.Status.Closed() && r.Status != RequestWaiting && !r.Due.IsZero() && r.Due.Before(now)
}

// Filable reports whether /request files requests of the type (an intake
// comes through /intake).
func (t RequestType) Filable() bool { return slices.Contains(RequestTypes, t) && t != RequestIntake }

// requestLoc is the zone the SLA's working hours are counted in: the
// department's.
func requestLoc() *time.Location { return Location("") }

// CreateRequest files a request: it goes to the officers' queue as a task
// due at the type's SLA in working hours, and the officers' work chat (or
// each officer) is told with «Взять». What it is about must resolve and be
// visible to the requester; a correction must be about something. The
// files are stored with it.
func (s *Service) CreateRequest(ctx context.Context, a Actor, in NewRequest) (*Request, error) {
	if err := a.require(PermRequests); err != nil {
		return nil, err
	}
	if in.Type == RequestIntake {
		return nil, Errorf(EINVALID, "err.request.type_intake")
	}
	if !in.Type.Filable() {
		return nil, Errorf(EINVALID, "err.request.type_unknown", "Type", string(in.Type))
	}
	text, err := requestText(in.Text, "err.request.text_required")
	if err != nil {
		return nil, err
	}
	if in.Type == RequestCorrection && in.Ref.Empty() {
		return nil, Errorf(EINVALID, "err.request.ref_required")
	}
	if err := checkAttachments(in.Files); err != nil {
		return nil, err
	}
	r := &Request{Type: in.Type, Status: RequestNew, RequesterID: a.ID(), Text: text}
	err = s.update(ctx, func(tx Tx) error {
		r.ClientID, r.DealID, r.DocumentID = 0, 0, 0
		if err := resolveRef(tx, a, in.Ref, r); err != nil {
			return err
		}
		files, err := putAttachments(tx, in.Files)
		if err != nil {
			return err
		}
		r.Files = files
		return s.fileRequest(tx, a, r, requestTitle(tx, r))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// fileRequest stores a new request with its officers' task, due at the
// type's SLA, audited, and tells the officers (an intake's are told by
// CreateIntake, with its own buttons).
func (s *Service) fileRequest(tx Tx, a Actor, r *Request, title string) error {
	now := tx.Now()
	sla, st, err := requestSLA(tx, r.Type)
	if err != nil {
		return err
	}
	r.Due = AddWorkingTime(s.calendar(), st, requestLoc(), now, sla)
	r.CreatedAt = now
	if err := tx.CreateRequest(r); err != nil {
		return err
	}
	reason := "request"
	if r.Type == RequestIntake {
		r.IntakeID, reason = r.ID, "intake"
	}
	t := &Task{Title: title, Queue: PurposeOfficers, Status: TaskOpen, CreatedBy: a.ID(), RequestID: r.ID,
		IntakeID: r.IntakeID, DealID: r.DealID, ClientID: r.ClientID, Due: r.Due}
	if err := t.Validate(); err != nil {
		return err
	}
	if err := tx.CreateTask(t); err != nil {
		return err
	}
	r.TaskID = t.ID
	if err := tx.UpdateRequest(r); err != nil {
		return err
	}
	if err := tx.AddChanges(stamp(diffTask(&Task{}, t), a, reason)...); err != nil {
		return err
	}
	if err := tx.AddChanges(stamp(diffRequest(&Request{}, r), a, "created")...); err != nil {
		return err
	}
	if r.Type == RequestIntake {
		return nil
	}
	id := strconv.FormatInt(r.ID, 10)
	args := requestArgs(tx, r)
	args["By"], args["Text"], args["Files"], args["Due"] = describeUser(tx, a.ID()), CutText(r.Text, 1000),
		len(r.Files), r.Due
	return s.notifyRole(tx, PurposeOfficers, RoleOfficer, Note{Key: "notify.request.new", Args: args,
		Buttons: [][]ButtonSpec{{{LabelKey: "btn.request.take", Action: ActionRequestTake, Payload: id},
			{LabelKey: "btn.request.show", Action: ActionRequestShow, Payload: id}}}})
}

// requestSLA is a type's SLA and the working hours it is counted in.
func requestSLA(tx Tx, t RequestType) (time.Duration, ReminderSettings, error) {
	st, err := reminderSettings(tx)
	if err != nil {
		return 0, st, err
	}
	ws, err := tx.WorkSettings()
	if err != nil {
		return 0, st, err
	}
	return ws.WithDefaults().SLA[t], st, nil
}

// requestText checks a text of a request: not empty, not too long.
func requestText(s, emptyKey string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", Errorf(EINVALID, emptyKey)
	case len([]rune(s)) > MaxRequestTextLen:
		return "", Errorf(EINVALID, "err.request.text_too_long", "Max", MaxRequestTextLen)
	}
	return s, nil
}

// checkAttachments checks the files of a request or an answer.
func checkAttachments(fs []Attachment) error {
	if len(fs) > MaxRequestFiles {
		return Errorf(EINVALID, "err.request.files_too_many", "Max", MaxRequestFiles)
	}
	for _, f := range fs {
		switch {
		case len(f.Data) == 0:
			return Errorf(EINVALID, "err.request.file_empty", "Name", f.Name)
		case len(f.Data) > MaxRequestFileSize:
			return Errorf(EINVALID, "err.request.file_too_large", "Name", f.Name, "Max", MaxRequestFileSize>>20)
		}
	}
	return nil
}

// putAttachments stores the files and returns their references.
func putAttachments(tx Tx, fs []Attachment) ([]FileRef, error) {
	var out []FileRef
	for i, f := range fs {
		name := strings.TrimSpace(filepath.Base(f.Name))
		if name == "" || name == "." || name == string(filepath.Separator) {
			name = fmt.Sprintf("file-%d", i+1)
		}
		mt := f.MIME
		if mt == "" {
			mt = mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
		}
		if mt == "" {
			mt = "application/octet-stream"
		}
		ref := NewFileRef(name, mt, f.Data)
		if err := tx.PutFile(ref, f.Data); err != nil {
			return nil, err
		}
		out = append(out, ref)
	}
	return out, nil
}

// resolveRef fills what a request is about from the reference: a
// document with its deal and client, a deal with its client, or a client.
// Each must exist and be visible to the actor; a card merged into another
// is refused, naming the card that stays.
func resolveRef(tx Tx, a Actor, ref RequestRef, r *Request) error {
	switch {
	case ref.DocumentID != 0:
		d, deal, err := visibleDocument(tx, a, ref.DocumentID)
		if err != nil {
			return refError(err)
		}
		r.DocumentID, r.DealID, r.ClientID = d.ID, deal.ID, deal.ClientID
	case ref.DealID != 0:
		d, err := tx.DealByID(ref.DealID)
		if err != nil {
			return refError(err)
		}
		if !canSeeDeal(a, d) {
			return Errorf(EINVALID, "err.deal.not_found", "Number", d.Number)
		}
		r.DealID, r.ClientID = d.ID, d.ClientID
	case ref.ClientID != 0:
		if !a.Can(PermViewClients) {
			return Errorf(EINVALID, "err.request.ref_not_found")
		}
		c, err := tx.ClientByID(ref.ClientID)
		if err != nil {
			return refError(err)
		}
		if c.MergedInto != 0 {
			into, err := tx.ClientByID(c.MergedInto)
			if err != nil {
				into = nil
			}
			return ErrClientMerged(EINVALID, c, into)
		}
		r.ClientID = c.ID
	}
	return nil
}

// refError makes a reference that does not resolve a wrong input (the
// request is not filed), keeping the lookup's words.
func refError(err error) error {
	if ErrorCode(err) != ENOTFOUND {
		return err
	}
	key, args := ErrorKey(err)
	return &Error{Code: EINVALID, Key: key, Args: args}
}

// requestTitle is the title of a request's task: what it is about and the
// start of its text, «ПАО Сбербанк 7707083893 — Поменять директора» (a
// dash, as task lines put a colon after «обращение #N»).
func requestTitle(tx Tx, r *Request) string {
	text, _, _ := strings.Cut(r.Text, "\n")
	text = CutText(strings.TrimSpace(text), requestTitleLen)
	if about := refLabel(tx, r); about != "" {
		text = about + " — " + text
	}
	return CutText(text, MaxTitleLen)
}

// refLabel names what a request is about, as people know it: a document's
// number, a deal's number, a card's name and INN.
func refLabel(tx Tx, r *Request) string {
	args := requestArgs(tx, r)
	switch {
	case args["Doc"] != nil:
		return args["Doc"].(string)
	case args["Deal"] != nil:
		return args["Deal"].(string)
	case args["Client"] != nil:
		return strings.TrimSpace(args["Client"].(string) + " " + args["INN"].(string))
	}
	return ""
}

// requestArgs are a request's arguments for a message's template: its
// number and type, and what it is about (the client's name and INN, the
// deal's number, the document's number; missing ones absent).
func requestArgs(tx Tx, r *Request) map[string]any {
	args := map[string]any{"ID": r.ID, "Type": string(r.Type)}
	if r.ClientID != 0 {
		if c, err := tx.ClientByID(r.ClientID); err == nil {
			args["Client"], args["INN"] = c.Name(), c.INN
		}
	}
	if r.DealID != 0 {
		if d, err := tx.DealByID(r.DealID); err == nil {
			args["Deal"] = d.Number
		}
	}
	if r.DocumentID != 0 {
		if d, err := tx.DocumentByID(r.DocumentID); err == nil {
			args["Doc"] = d.Number
		}
	}
	return args
}

// CutText cuts s to n characters, marking the cut with «…».
func CutText(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return strings.TrimSpace(string(rs[:n-1])) + "…"
}

// canSeeRequest reports whether the actor may see a request: its
// requester, its assignee, the officers and heads (PermVerify), and the
// requester's head.
func canSeeRequest(tx Tx, a Actor, r *Request) bool {
	switch {
	case a.User == nil || a.Can(PermVerify):
		return true
	case !a.Can(PermRequests):
		return false
	}
	return a.ID() == r.RequesterID || a.ID() == r.AssigneeID || headOf(tx, r.RequesterID) == a.ID()
}

// ShowRequest returns a request with its thread to those who may see it;
// ENOTFOUND to anyone else.
func (s *Service) ShowRequest(ctx context.Context, a Actor, id int64) (*Request, error) {
	var r *Request
	err := s.view(ctx, func(tx Tx) (err error) {
		r, err = visibleRequest(tx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// visibleRequest reads a request the actor may see.
func visibleRequest(tx Tx, a Actor, id int64) (*Request, error) {
	r, err := tx.RequestByID(id)
	if err != nil {
		return nil, err
	}
	if !canSeeRequest(tx, a, r) {
		return nil, Errorf(ENOTFOUND, "err.request.not_found", "ID", id)
	}
	return r, nil
}

// changeRequest runs fn on an open request in one transaction and stores
// it with its audit records (the fields that changed, and the thread's new
// questions, answers and notes), stamped with the reason fn returns.
func (s *Service) changeRequest(ctx context.Context, a Actor, id int64, fn func(tx Tx, r *Request) (string, error)) (*Request, error) {
	var out *Request
	err := s.update(ctx, func(tx Tx) (err error) {
		out, err = changeRequestTx(tx, a, id, fn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// changeRequestTx is changeRequest in tx.
func changeRequestTx(tx Tx, a Actor, id int64, fn func(tx Tx, r *Request) (string, error)) (*Request, error) {
	r, err := visibleRequest(tx, a, id)
	if err != nil {
		return nil, err
	}
	if r.Status.Closed() {
		return nil, Errorf(ECONFLICT, "err.request.closed", "ID", r.ID, "Status", string(r.Status))
	}
	if err := updateRequest(tx, a, r, func(r *Request) (string, error) { return fn(tx, r) }); err != nil {
		return nil, err
	}
	return r, nil
}

// updateRequest runs fn on a request read in tx and stores what it
// changed, audited with the reason fn returns; a request fn left as it was
// is not written.
func updateRequest(tx Tx, a Actor, r *Request, fn func(r *Request) (string, error)) error {
	old := *r
	old.Messages = slices.Clone(r.Messages)
	reason, err := fn(r)
	if err != nil {
		return err
	}
	if reflect.DeepEqual(&old, r) {
		return nil
	}
	if err := tx.UpdateRequest(r); err != nil {
		return err
	}
	return tx.AddChanges(stamp(diffRequest(&old, r), a, reason)...)
}

// diffRequest lists a request's changed fields, and each message added to
// its thread as a change of its kind (question, answer, note).
func diffRequest(a, b *Request) []*Change {
	d := &diff{entity: EntityRequest, id: b.ID}
	d.add("type", a.Type, b.Type)
	d.add("status", a.Status, b.Status)
	d.add("requester_id", a.RequesterID, b.RequesterID)
	d.add("assignee_id", a.AssigneeID, b.AssigneeID)
	d.add("client_id", a.ClientID, b.ClientID)
	d.add("deal_id", a.DealID, b.DealID)
	d.add("document_id", a.DocumentID, b.DocumentID)
	d.add("text", a.Text, b.Text)
	d.list("files", fileNames(a.Files), fileNames(b.Files))
	d.add("due", a.Due, b.Due)
	d.add("result", a.Result, b.Result)
	for _, m := range b.Messages[min(len(a.Messages), len(b.Messages)):] {
		// A status or a moved deadline is the change of its field, with
		// its reason.
		if m.Kind != RequestMsgStatus && m.Kind != RequestMsgDue {
			d.changes = append(d.changes, &Change{Entity: EntityRequest, EntityID: b.ID, Field: m.Kind,
				New: m.Text})
		}
	}
	return d.changes
}

func fileNames(fs []FileRef) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// addMessage appends an entry to a request's thread.
func addMessage(tx Tx, a Actor, r *Request, kind, text string, files []FileRef) {
	m := &RequestMessage{At: tx.Now(), UserID: a.ID(), Kind: kind, Text: text, Files: files}
	if kind == RequestMsgStatus {
		m.Status = r.Status
	}
	r.Messages = append(r.Messages, m)
}

// ListRequests lists the open requests of a scope, oldest first: the
// actor's own and those they work (mine), those of the people whose head
// they are (team), or all of them (officers and heads).
func (s *Service) ListRequests(ctx context.Context, a Actor, scope RequestScope) ([]*Request, error) {
	if !a.Can(PermRequests) && !a.Can(PermVerify) {
		return nil, Errorf(EFORBIDDEN, "err.forbidden")
	}
	var out []*Request
	err := s.view(ctx, func(tx Tx) error {
		seen := map[int64]bool{}
		add := func(f RequestFilter) error {
			f.Open = true
			rs, err := tx.Requests(f)
			for _, r := range rs {
				if !seen[r.ID] {
					seen[r.ID] = true
					out = append(out, r)
				}
			}
			return err
		}
		switch scope {
		case ScopeAll:
			if err := requireOfficer(a); err != nil {
				return err
			}
			return add(RequestFilter{})
		case ScopeTeam:
			users, err := tx.ListUsers()
			if err != nil {
				return err
			}
			team := 0
			for _, u := range users {
				if u.HeadID != a.ID() || u.ID == a.ID() {
					continue
				}
				team++
				if err := add(RequestFilter{RequesterID: u.ID}); err != nil {
					return err
				}
				if err := add(RequestFilter{AssigneeID: u.ID}); err != nil {
					return err
				}
			}
			if team == 0 {
				return Errorf(EINVALID, "err.request.no_team")
			}
			return nil
		case ScopeMine, "":
			if err := add(RequestFilter{RequesterID: a.ID()}); err != nil {
				return err
			}
			return add(RequestFilter{AssigneeID: a.ID()})
		}
		return Errorf(EINVALID, "err.request.scope", "Scope", string(scope))
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(x, y *Request) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), cmp.Compare(x.ID, y.ID))
	})
	return out, nil
}

// RequestAssignees are the people a request may be passed to: the active
// officers and heads, officers first.
func (s *Service) RequestAssignees(ctx context.Context, a Actor) ([]*User, error) {
	if err := requireOfficer(a); err != nil {
		return nil, err
	}
	var out []*User
	err := s.view(ctx, func(tx Tx) error {
		users, err := tx.ListUsers()
		for _, u := range users {
			if u.Active && u.Role != RoleAdmin && u.Can(PermVerify) {
				out = append(out, u)
			}
		}
		return err
	})
	slices.SortStableFunc(out, func(x, y *User) int {
		return cmp.Compare(boolRank(x.Role != RoleOfficer), boolRank(y.Role != RoleOfficer))
	})
	return out, err
}

// WorkSettings returns the department's settings of cross-department work
// with the defaults filled.
func (s *Service) WorkSettings(ctx context.Context) (WorkSettings, error) {
	var ws WorkSettings
	err := s.view(ctx, func(tx Tx) (err error) {
		ws, err = tx.WorkSettings()
		return err
	})
	return ws.WithDefaults(), err
}

// SetRequestSLA sets a request type's SLA in working time (admins),
// audited; requests filed from then on are due by it, those already filed
// keep their deadline.
func (s *Service) SetRequestSLA(ctx context.Context, a Actor, t RequestType, d time.Duration) (WorkSettings, error) {
	if err := a.require(PermAdmin); err != nil {
		return WorkSettings{}, err
	}
	if !slices.Contains(RequestTypes, t) {
		return WorkSettings{}, Errorf(EINVALID, "err.request.type_unknown", "Type", string(t))
	}
	if d < MinRequestSLA || d > MaxRequestSLA || d%time.Minute != 0 {
		return WorkSettings{}, Errorf(EINVALID, "err.request.sla_range", "Min", int(MinRequestSLA/time.Minute),
			"Max", int(MaxRequestSLA/time.Hour))
	}
	var out WorkSettings
	err := s.update(ctx, func(tx Tx) error {
		ws, err := tx.WorkSettings()
		if err != nil {
			return err
		}
		old := ws.WithDefaults().SLA[t]
		if ws.SLA == nil {
			ws.SLA = map[RequestType]time.Duration{}
		}
		ws.SLA[t] = d
		if err := tx.PutWorkSettings(ws); err != nil {
			return err
		}
		out = ws.WithDefaults()
		if old == d {
			return nil
		}
		return tx.AddChanges(stamp([]*Change{{Entity: EntitySettings, EntityID: 1, Field: "sla." + string(t),
			Old: spanString(old), New: spanString(d)}}, a, "request_sla")...)
	})
	return out, err
}

// spanString writes a span of working time as hours and minutes: "4h",
// "1h30m", "45m".
func spanString(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case m == 0:
		return strconv.Itoa(h) + "h"
	case h == 0:
		return strconv.Itoa(m) + "m"
	}
	return strconv.Itoa(h) + "h" + strconv.Itoa(m) + "m"
}
