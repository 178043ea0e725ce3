package core

import "time"

// Conversation is the persisted state of a step-by-step dialog, keyed by
// platform:chat:user, so a restart loses nothing that was typed.
type Conversation struct {
	Key       string            `json:"key"`
	ID        string            `json:"id"` // random, new for every start of a flow
	Flow      string            `json:"flow"`
	Step      string            `json:"step"`
	Data      map[string]string `json:"data,omitempty"`
	UpdatedAt time.Time         `json:"updated_at"`
	ExpiresAt time.Time         `json:"expires_at"`
}

// Button is the server-side meaning of an opaque button token: the action
// and payload it stands for, and who may press it. Chat platforms carry only
// the token, so a payload cannot be forged into another user's action.
type Button struct {
	Token   string `json:"token"`
	Action  string `json:"action"`
	Payload string `json:"payload,omitempty"`
	UserID  int64  `json:"user_id,omitempty"` // 0: any user in ChatKey whose role allows the action
	ChatKey string `json:"chat_key,omitempty"`
	// Step ties a choice button to the conversation and step that showed
	// it ("<conversation id>/<step>"), so an old keyboard cannot answer a
	// later question.
	Step      string    `json:"step,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// UsedAt is when a decision button did its work; pressed again, it
	// answers that this is done already.
	UsedAt time.Time `json:"used_at,omitzero"`
}

// OutboxStatus is the delivery state of an outbox message.
type OutboxStatus string

// Outbox statuses.
const (
	OutboxPending   OutboxStatus = "pending"
	OutboxDelivered OutboxStatus = "delivered"
	OutboxFailed    OutboxStatus = "failed" // gave up after too many attempts
)

// OutboxButton is a button of a notification, its token already issued.
// A reply's buttons come with their Label rendered; a notification's are
// rendered at delivery from LabelKey.
type OutboxButton struct {
	LabelKey string `json:"label_key,omitempty"`
	Label    string `json:"label,omitempty"`
	Token    string `json:"token"`
}

// OutboxFile is a file sent with a message: its content, or, for a file
// DealDesk stores anyway (a document's DOCX or PDF, a template), a
// reference to it by its SHA-256 with Data empty. The chat layer reads a
// referred file when it delivers the message (Service.StoredFile), so the
// outbox keeps no second copy of every document it sends.
type OutboxFile struct {
	Name   string `json:"name"`
	MIME   string `json:"mime,omitempty"`
	Data   []byte `json:"data,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// OutboxMessage is a message to a chat: a notification DealDesk sends on its
// own initiative, or the reply to an update. It is written in the same
// transaction as the change that caused it and delivered by a worker, so a
// crash or restart loses nothing.
type OutboxMessage struct {
	ID       int64  `json:"id"`
	Platform string `json:"platform"`
	ChatID   string `json:"chat_id"`
	UserID   int64  `json:"user_id,omitempty"` // the person, for a personal message
	Locale   string `json:"locale,omitempty"`
	Key      string `json:"key,omitempty"`
	// Text is a reply's text, rendered when it was written; used when Key
	// is empty.
	Text string `json:"text,omitempty"`
	// ThreadID, ReplyTo and EditID place a reply: in a thread, as an answer
	// to a message, or replacing the text and buttons of one (an empty
	// Text then replaces only the buttons).
	ThreadID string       `json:"thread_id,omitempty"`
	ReplyTo  string       `json:"reply_to,omitempty"`
	EditID   string       `json:"edit_id,omitempty"`
	Files    []OutboxFile `json:"files,omitempty"`
	// CaseID is the case an OutboxOpenThread record opens a thread for.
	CaseID int64 `json:"case_id,omitempty"`
	// InboxID is the update a reply answers.
	InboxID int64 `json:"inbox_id,omitempty"`
	// Secret: the text and arguments are forgotten once the message is
	// delivered or given up (an invite code is not kept at rest).
	Secret        bool             `json:"secret,omitempty"`
	Args          map[string]any   `json:"args,omitempty"`
	Buttons       [][]OutboxButton `json:"buttons,omitempty"`
	Mentions      []int64          `json:"mentions,omitempty"` // user ids
	Status        OutboxStatus     `json:"status"`
	Attempts      int              `json:"attempts"`
	LastError     string           `json:"last_error,omitempty"`
	CreatedAt     time.Time        `json:"created_at"`
	NextAttemptAt time.Time        `json:"next_attempt_at"`
	DeliveredAt   time.Time        `json:"delivered_at,omitzero"`
	MessageID     string           `json:"message_id,omitempty"` // the platform's id once sent
}
