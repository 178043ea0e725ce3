package core

import (
	"context"
	"time"
)

// Store is the persistence port. Update runs fn in one read-write
// transaction: everything fn writes, audit records and outbox messages
// included, commits together or not at all.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction; an error from fn rolls it back.
	Update(ctx context.Context, fn func(Tx) error) error
	// Batch is Update for many concurrent writers: calls may be combined into
	// one transaction, and fn may run more than once, so it must be idempotent
	// apart from its writes to tx.
	Batch(ctx context.Context, fn func(Tx) error) error
}

// Tx is one store transaction. Its getters return ENOTFOUND errors for
// missing records, never (nil, nil). Create methods assign IDs and the
// CreatedAt/UpdatedAt times from Now; Update methods set UpdatedAt and keep
// CreatedAt.
type Tx interface {
	// Now is the transaction's time, fixed once per transaction.
	Now() time.Time
	// NextSequence returns the next value (from 1) of a named counter.
	NextSequence(name string) (uint64, error)

	UserTx
	ChatTx
	ClientTx
	DealTx
	TaskTx
	AuditTx
	OutboxTx
	SessionTx
	IntakeTx
	RegistryCacheTx
	InboxTx
	JobTx
	DocumentTx
	ReminderTx
	RequestTx
	CorrectionTx
	CaseTx
	ReportTx
}

// DocumentTx stores documents with their versions' files, templates, the
// durable sends and the EDO feed's cursor. File contents are kept by their
// SHA-256 in the same database, so a document or template is never stored
// without its files and a backup holds both.
type DocumentTx interface {
	DocumentByID(id int64) (*Document, error)
	// DocumentByNumber finds a document by its canonical number.
	DocumentByNumber(number string) (*Document, error)
	// DocumentByEDO finds the document posted to EDO as the message.
	DocumentByEDO(messageID string) (*Document, error)
	// DocumentsByDeal returns a deal's documents, oldest first.
	DocumentsByDeal(dealID int64) ([]*Document, error)
	// CreateDocument assigns an ID; ECONFLICT when the number is taken.
	// Create and Update return EINTERNAL when a version names a file that
	// is not stored: PutFile comes first.
	CreateDocument(d *Document) error
	UpdateDocument(d *Document) error

	// PutFile stores a file's content under its SHA-256 (ref.SHA256, which
	// must match the data). A file that is there already stays as it is.
	PutFile(ref FileRef, data []byte) error
	// File returns the content stored under the SHA-256, or ENOTFOUND.
	File(sha256 string) ([]byte, error)

	TemplateByID(id int64) (*DocTemplate, error)
	// Templates returns every template, oldest first.
	Templates() ([]*DocTemplate, error)
	// CreateTemplate assigns an ID; its file must be stored.
	CreateTemplate(t *DocTemplate) error
	UpdateTemplate(t *DocTemplate) error

	DocSendByID(id int64) (*DocSend, error)
	CreateDocSend(s *DocSend) error
	UpdateDocSend(s *DocSend) error
	// DueDocSends returns up to limit pending sends due at now, the
	// earliest due first.
	DueDocSends(now time.Time, limit int) ([]*DocSend, error)

	// EDOCursor returns the stored cursor of an EDO operator's event feed,
	// "" when none.
	EDOCursor(operator string) (string, error)
	PutEDOCursor(operator, cursor string) error
}

// IntakeTx stores intake requests.
type IntakeTx interface {
	IntakeByID(id int64) (*Intake, error)
	CreateIntake(in *Intake) error
	UpdateIntake(in *Intake) error
}

// RegistryCacheTx keeps registry answers for reuse.
type RegistryCacheTx interface {
	// CachedRecord returns the last answer of a registry about an INN and
	// KPP, or ENOTFOUND.
	CachedRecord(source, inn, kpp string) (*RegistryRecord, error)
	// PutCachedRecord stores a registry's answer about the INN and KPP asked.
	PutCachedRecord(inn, kpp string, rec *RegistryRecord) error
}

// UserTx stores users and invites.
type UserTx interface {
	UserByID(id int64) (*User, error)
	UserByIdentity(identity string) (*User, error)
	ListUsers() ([]*User, error)
	// CreateUser returns ECONFLICT when an identity already belongs to a user.
	CreateUser(u *User) error
	UpdateUser(u *User) error
	CreateInvite(inv *Invite) error
	InviteByCode(code string) (*Invite, error)
	// DeleteInvite returns ENOTFOUND when the invite is gone, so an invite
	// cannot be redeemed twice.
	DeleteInvite(code string) error
	// InviteFailures returns the times of an identity's failed invite
	// redemptions as last put, oldest first; none is an empty list.
	InviteFailures(identity string) ([]time.Time, error)
	// PutInviteFailures replaces an identity's failure times; an empty list
	// deletes them.
	PutInviteFailures(identity string, times []time.Time) error
	// PurgeInviteFailures deletes the failure times of every identity whose
	// last failure was before t. It returns how many identities went.
	PurgeInviteFailures(before time.Time) (int, error)
}

// ChatTx stores work chats.
type ChatTx interface {
	PutWorkChat(c *WorkChat) error
	WorkChat(platform, chatID string) (*WorkChat, error)
	WorkChatsByPurpose(p ChatPurpose) ([]*WorkChat, error)
	DeleteWorkChat(platform, chatID string) error
}

// ClientTx stores clients, indexed by INN+KPP, OGRN and name.
type ClientTx interface {
	ClientByID(id int64) (*Client, error)
	ClientByINN(inn, kpp string) (*Client, error)
	// ClientsByINN returns every client with the INN (head office and branches).
	ClientsByINN(inn string) ([]*Client, error)
	// ClientByOGRN returns the first stored client with the OGRN; branches
	// share their head office's OGRN.
	ClientByOGRN(ogrn string) (*Client, error)
	// SearchClients finds clients whose INN starts with the query when it is
	// all digits; otherwise those whose normalized short or full name
	// (NormalizeName) contains the normalized query. Results are ordered by
	// name; limit <= 0 means a default of 20.
	SearchClients(query string, limit int) ([]*Client, error)
	// ClientsCheckedBefore returns up to limit verified clients, not merged,
	// whose last registry check was before t, the oldest check first.
	ClientsCheckedBefore(t time.Time, limit int) ([]*Client, error)
	// ClientsByNameKey returns the clients whose short or full name has the
	// key (NameKey).
	ClientsByNameKey(key string) ([]*Client, error)
	// CreateClient returns ECONFLICT when INN+KPP is taken.
	CreateClient(c *Client) error
	UpdateClient(c *Client) error
}

// DealTx stores deals, indexed by number, client and manager.
type DealTx interface {
	DealByID(id int64) (*Deal, error)
	DealByNumber(number string) (*Deal, error)
	// FindDeals returns deals newest first.
	FindDeals(f DealFilter) ([]*Deal, error)
	CreateDeal(d *Deal) error
	UpdateDeal(d *Deal) error
}

// TaskTx stores tasks, indexed by assignee and due time.
type TaskTx interface {
	TaskByID(id int64) (*Task, error)
	// FindTasks returns tasks by due time, those without one last.
	FindTasks(f TaskFilter) ([]*Task, error)
	CreateTask(t *Task) error
	UpdateTask(t *Task) error
}

// AuditTx stores the audit trail.
type AuditTx interface {
	// AddChanges assigns IDs and, where zero, At = Now.
	AddChanges(cs ...*Change) error
	// Changes returns an entity's history, oldest first.
	Changes(e Entity, id int64) ([]*Change, error)
}

// OutboxTx stores outgoing notifications.
type OutboxTx interface {
	Enqueue(m *OutboxMessage) error
	OutboxMessage(id int64) (*OutboxMessage, error)
	// DueMessages returns pending messages of q.Platform due at q.Now: chats
	// by their earliest due message, none of q.Skip; a chat's messages in the
	// order they were written, at most q.PerChat, none after one that failed
	// and waits to be tried again.
	DueMessages(q OutboxQuery) ([]*OutboxMessage, error)
	UpdateMessage(m *OutboxMessage) error
}

// SessionTx stores conversations and button tokens. An expired one reads
// as ENOTFOUND even before PurgeExpired removes it; the deletes are
// idempotent.
type SessionTx interface {
	Conversation(key string) (*Conversation, error)
	PutConversation(c *Conversation) error
	DeleteConversation(key string) error
	PutButton(b *Button) error
	Button(token string) (*Button, error)
	DeleteButton(token string) error
	// PurgeExpired deletes conversations and buttons expired at now.
	PurgeExpired(now time.Time) (int, error)
}

// JobTx stores what the periodic jobs left of their runs, one record a job.
type JobTx interface {
	// JobRun returns a job's record, or ENOTFOUND when it never ran.
	JobRun(name string) (*JobRun, error)
	// PutJobRun stores a job's record, replacing the one there.
	PutJobRun(r *JobRun) error
	// JobRuns returns every job's record, ordered by name.
	JobRuns() ([]*JobRun, error)
}
