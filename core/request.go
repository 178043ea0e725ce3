package core

import "time"

// RequestType is what a request (обращение) asks deal support for.
type RequestType string

// Request types. An intake (a counterparty to add or check) is one of
// them: every request shares one queue, one numbering and one status line.
const (
	RequestCorrection RequestType = "correction" // корректировка данных
	RequestQuestion   RequestType = "question"   // вопрос
	RequestDocument   RequestType = "document"   // документ
	RequestOther      RequestType = "other"      // другое
	RequestIntake     RequestType = "intake"     // приём клиента (/intake)
)

// RequestTypes lists the types in display order; the last, intake, is
// made by /intake rather than by /request.
var RequestTypes = []RequestType{RequestCorrection, RequestQuestion, RequestDocument, RequestOther, RequestIntake}

// RequestStatus is where a request stands: новое → в работе → ждёт ответа
// → выполнено / отклонено.
type RequestStatus string

// Request statuses.
const (
	RequestNew      RequestStatus = "new"      // новое: waiting for an officer
	RequestInWork   RequestStatus = "in_work"  // в работе: an officer took it
	RequestWaiting  RequestStatus = "waiting"  // ждёт ответа: the officer asked the requester
	RequestDone     RequestStatus = "done"     // выполнено
	RequestRejected RequestStatus = "rejected" // отклонено (an intake returned to its manager too)
)

// RequestStatuses lists the statuses in the order of the status line.
var RequestStatuses = []RequestStatus{RequestNew, RequestInWork, RequestWaiting, RequestDone, RequestRejected}

// Closed reports whether the status is final.
func (s RequestStatus) Closed() bool { return s == RequestDone || s == RequestRejected }

// Request is an обращение to deal support from a manager, an underwriter
// or a lawyer: a correction, a question, a document or anything else
// about a client, a deal or a document, with its thread of questions and
// answers. Its officers' task (TaskID) carries the SLA as its due time,
// so an overdue request is reminded of and escalated as a task is.
type Request struct {
	ID          int64         `json:"id"`
	Type        RequestType   `json:"type"`
	Status      RequestStatus `json:"status"`
	RequesterID int64         `json:"requester_id"`
	// AssigneeID is the officer working it, 0 while it is new.
	AssigneeID int64     `json:"assignee_id,omitempty"`
	ClientID   int64     `json:"client_id,omitempty"`
	DealID     int64     `json:"deal_id,omitempty"`
	DocumentID int64     `json:"document_id,omitempty"`
	Text       string    `json:"text"`
	Files      []FileRef `json:"files,omitempty"`
	// IntakeID is the intake of an intake request (the same number).
	IntakeID int64 `json:"intake_id,omitempty"`
	TaskID   int64 `json:"task_id,omitempty"`
	// Due is the SLA deadline; zero while the request waits for an answer
	// (the clock stops) and once it is closed.
	Due time.Time `json:"due,omitzero"`
	// SLALeft is the working time the SLA had left when the request
	// started waiting for an answer; it resumes from there.
	SLALeft time.Duration `json:"sla_left,omitempty"`
	// Result is the outcome of a request done, or the reason of a
	// rejection.
	Result   string            `json:"result,omitempty"`
	Messages []*RequestMessage `json:"messages,omitempty"`
	// Corrections are the corrections made for it (see Correction).
	Corrections []int64   `json:"corrections,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
}

// RequestMessage is one entry of a request's thread: the officer's
// question, the requester's answer, a note, a status change.
type RequestMessage struct {
	At     time.Time `json:"at"`
	UserID int64     `json:"user_id"`
	// Kind is "question", "answer", "note", "status", "correction" or
	// "due".
	Kind   string        `json:"kind"`
	Text   string        `json:"text,omitempty"`
	Status RequestStatus `json:"status,omitempty"` // the new status, for kind "status"
	Files  []FileRef     `json:"files,omitempty"`
	// Correction and Outcome are, for kind "correction", the correction
	// made for the request and what became of it (pending, applied,
	// rejected); Text names the record it changes.
	Correction int64            `json:"correction,omitempty"`
	Outcome    CorrectionStatus `json:"outcome,omitempty"`
	// Why is a correction's Note when it was rejected or withdrawn (the
	// reason) or went stale (StaleChanged, StaleClosed, StaleMerged).
	Why string `json:"why,omitempty"`
	// Due is, for kind "due", the deadline the request was moved to; Text
	// is the reason.
	Due time.Time `json:"due,omitzero"`
}

// Request message kinds.
const (
	RequestMsgQuestion = "question"
	RequestMsgAnswer   = "answer"
	RequestMsgNote     = "note"
	RequestMsgStatus   = "status"
	// RequestMsgCorrection: a correction made for the request waits for
	// approval, was applied or rejected.
	RequestMsgCorrection = "correction"
	// RequestMsgDue: the request's deadline was moved (Due), with a reason.
	RequestMsgDue = "due"
)

// RequestFilter selects requests. Zero fields do not filter.
type RequestFilter struct {
	// Open selects the requests not done or rejected.
	Open        bool
	RequesterID int64
	AssigneeID  int64
	ClientID    int64
	DealID      int64
	Type        RequestType
	Limit       int
}

// WorkSettings are the department's settings of cross-department work:
// the SLA of each request type in working time, and who gives the second
// approval of a sensitive correction.
type WorkSettings struct {
	// SLA is each type's time to answer, counted in working hours of the
	// working calendar.
	SLA map[RequestType]time.Duration `json:"sla,omitempty"`
	// Approvers are the roles whose members approve a sensitive
	// correction (any one of them, never its author).
	Approvers []Role `json:"approvers,omitempty"`
}

// DefaultRequestSLA is each type's SLA unless set.
var DefaultRequestSLA = map[RequestType]time.Duration{
	RequestCorrection: 4 * time.Hour,
	RequestQuestion:   8 * time.Hour,
	RequestDocument:   16 * time.Hour,
	RequestOther:      16 * time.Hour,
	RequestIntake:     8 * time.Hour,
}

// DefaultApprovers approve sensitive corrections unless set.
var DefaultApprovers = []Role{RoleHead, RoleLawyer}

// WithDefaults fills what is not set.
func (w WorkSettings) WithDefaults() WorkSettings {
	sla := make(map[RequestType]time.Duration, len(DefaultRequestSLA))
	for t, d := range DefaultRequestSLA {
		sla[t] = d
	}
	for t, d := range w.SLA {
		if d > 0 {
			sla[t] = d
		}
	}
	w.SLA = sla
	if len(w.Approvers) == 0 {
		w.Approvers = DefaultApprovers
	}
	return w
}

// RequestTx stores requests and the work settings. Requests and intakes
// share one numbering: an intake is stored under its request's ID.
type RequestTx interface {
	RequestByID(id int64) (*Request, error)
	// CreateRequest assigns the next number.
	CreateRequest(r *Request) error
	UpdateRequest(r *Request) error
	// Requests returns the requests the filter selects, oldest first.
	Requests(f RequestFilter) ([]*Request, error)
	WorkSettings() (WorkSettings, error)
	PutWorkSettings(s WorkSettings) error
}
