package core

import "time"

// CaseStatus is whether a case discussion is going on.
type CaseStatus string

// Case statuses.
const (
	CaseOpen   CaseStatus = "open"
	CaseClosed CaseStatus = "closed"
)

// Case is a discussion of a complex case (обсуждение кейса) about a deal or
// a client in a work chat: a forum topic of a Telegram supergroup, a thread
// of a Mattermost channel, or — where the chat has no threads (a plain
// group, the console) — the chat itself while the case is open. Every
// message of its participants there is collected into the record.
type Case struct {
	ID       int64  `json:"id"`
	DealID   int64  `json:"deal_id,omitempty"`
	ClientID int64  `json:"client_id,omitempty"`
	Topic    string `json:"topic"`
	OpenedBy int64  `json:"opened_by"`
	Platform string `json:"platform"`
	ChatID   string `json:"chat_id"`
	// ThreadID is the forum topic's message_thread_id or the Mattermost
	// root post's id; "" while the thread is being opened (Opening) and for
	// a case kept in a chat without threads.
	ThreadID string `json:"thread_id,omitempty"`
	// Opening is set until the platform has opened the thread (an outbox
	// record, OutboxOpenThread, does it).
	Opening bool `json:"opening,omitempty"`
	// Participants are the people mentioned when it opened and those who
	// joined the discussion since.
	Participants []int64    `json:"participants,omitempty"`
	Status       CaseStatus `json:"status"`
	// Resolution is what /case close recorded.
	Resolution string    `json:"resolution,omitempty"`
	ClosedBy   int64     `json:"closed_by,omitempty"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	// Decisions and Tasks count the messages that recorded a decision and
	// the tasks made from the discussion.
	Decisions int       `json:"decisions,omitempty"`
	Tasks     []int64   `json:"tasks,omitempty"`
	Messages  int       `json:"messages,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CaseMessage is one message collected from a case discussion.
type CaseMessage struct {
	ID     int64 `json:"id"`
	CaseID int64 `json:"case_id"`
	UserID int64 `json:"user_id"`
	// PlatformID is the chat message's id on its platform: a message
	// delivered again is collected once.
	PlatformID string    `json:"platform_id,omitempty"`
	At         time.Time `json:"at"`
	Text       string    `json:"text,omitempty"`
	Files      []FileRef `json:"files,omitempty"`
	// Decision is set when the message recorded a decision (#решение);
	// TaskID is the task it made (#задача).
	Decision bool  `json:"decision,omitempty"`
	TaskID   int64 `json:"task_id,omitempty"`
}

// CaseTx stores case discussions and their messages.
type CaseTx interface {
	CaseByID(id int64) (*Case, error)
	// CaseByThread returns the open case of a chat's thread (threadID ""
	// for a case kept in the chat itself), or ENOTFOUND.
	CaseByThread(platform, chatID, threadID string) (*Case, error)
	// CreateCase assigns an ID; ECONFLICT when the thread has an open case.
	CreateCase(c *Case) error
	UpdateCase(c *Case) error
	// CasesByDeal and CasesByClient return a record's cases, oldest first.
	CasesByDeal(dealID int64) ([]*Case, error)
	CasesByClient(clientID int64) ([]*Case, error)
	// AddCaseMessage assigns an ID; ECONFLICT when the case has a message
	// with the same PlatformID.
	AddCaseMessage(m *CaseMessage) error
	// CaseMessageByPlatformID returns the case's message of a platform
	// message id (read through the index, however long the thread), or
	// ENOTFOUND.
	CaseMessageByPlatformID(caseID int64, platformID string) (*CaseMessage, error)
	// CaseMessages returns a case's messages, oldest first.
	CaseMessages(caseID int64) ([]*CaseMessage, error)
}
