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
type OutboxButton struct {
	LabelKey string `json:"label_key"`
	Token    string `json:"token"`
}

// OutboxMessage is a notification DealDesk sends on its own initiative. It is
// written in the same transaction as the change that caused it and delivered
// by a worker, so a crash or restart loses nothing.
type OutboxMessage struct {
	ID            int64            `json:"id"`
	Platform      string           `json:"platform"`
	ChatID        string           `json:"chat_id"`
	UserID        int64            `json:"user_id,omitempty"` // the person, for a personal message
	Locale        string           `json:"locale,omitempty"`
	Key           string           `json:"key"`
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
