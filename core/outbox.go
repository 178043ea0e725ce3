package core

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Outbox delivery rules.
const (
	// OutboxMaxAttempts is how many failed attempts a message gets before
	// it is marked failed.
	OutboxMaxAttempts = 12
	// OutboxMaxBackoff is the longest wait between two attempts.
	OutboxMaxBackoff = 30 * time.Minute
)

// OutboxCommandMenu is the Key of an outbox record that is no message: it
// asks the chat layer to publish again the command menu of the user whose
// identity on the record's platform is ChatID (their private chat there),
// as their role, access or language changed. It is written with that
// change, so the menu follows it as surely as a message would, retried like
// one, and after the messages written before it to that chat. It names no
// UserID: nobody reads it. Platforms without a command menu take it as
// delivered.
const OutboxCommandMenu = "outbox.command_menu"

// OutboxOpenThread is the Key of an outbox record that opens a case's
// thread in its chat (a Telegram forum topic named Text, a Mattermost root
// post) instead of sending a message; CaseID names the case. Its delivery
// records the thread on the case (Delivery.ThreadID), in the transaction
// that marks it delivered, and writes the case's first message into it. A
// chat that cannot have threads keeps the case in the chat itself.
const OutboxOpenThread = "outbox.open_thread"

// QuestionData is the key in Conversation.Data under which a conversation
// keeps the platform's id of the delivered message that asks its current
// step with choice buttons: when the step is answered by typing instead,
// the chat layer takes that message's buttons away.
const QuestionData = "question.message"

// ConversationKey is the key of a user's conversation in a chat:
// platform:chat:user, with the user's id on that platform.
func ConversationKey(platform, chatID, userID string) string {
	return platform + ":" + chatID + ":" + userID
}

// OutboxQuery selects due messages fairly: oldest first, but at most
// PerChat of one chat, so that a chat with a long queue does not fill the
// batch and hold the others up.
type OutboxQuery struct {
	Platform string
	Now      time.Time
	Limit    int             // <= 0: all
	PerChat  int             // <= 0: no bound
	Skip     map[string]bool // chats whose messages are being sent now
}

// Delivery is the outcome of one attempt to send an outbox message.
type Delivery struct {
	MessageID string // the platform's id of the message, on success
	Err       error  // nil: delivered
	// RetryAfter is set when the platform rate limited the chat: the wait
	// it asked for, which is not a failed attempt.
	RetryAfter time.Duration
	// Permanent says that retrying cannot help (the chat is gone).
	Permanent bool
	// MovedTo is the chat's new id when the platform said it moved.
	MovedTo string
	// ThreadID is the thread an OutboxOpenThread record opened.
	ThreadID string
}

// DueMessages returns the messages of a platform due at q.Now.
func (s *Service) DueMessages(ctx context.Context, q OutboxQuery) ([]*OutboxMessage, error) {
	var ms []*OutboxMessage
	err := s.view(ctx, func(tx Tx) (err error) {
		ms, err = tx.DueMessages(q)
		return err
	})
	return ms, err
}

// RecordDelivery records an attempt to send m: delivered; sent again at
// once to the chat's new id; postponed as long as the platform asked;
// retried with exponential backoff; or, when retrying cannot help or
// OutboxMaxAttempts attempts failed, marked failed. A chat that moved
// takes its work-chat binding along.
func (s *Service) RecordDelivery(ctx context.Context, m *OutboxMessage, d Delivery) error {
	return s.RecordDeliveries(ctx, []*OutboxMessage{m}, d)
}

// RecordDeliveries records one attempt that carried several outbox
// messages of one chat at once (notifications merged into one chat
// message), each as RecordDelivery records it, in one transaction: a crash
// cannot leave some of them delivered and the others pending to be sent
// again.
func (s *Service) RecordDeliveries(ctx context.Context, ms []*OutboxMessage, d Delivery) error {
	if len(ms) == 0 {
		return nil
	}
	if d.MovedTo != "" {
		if err := s.MoveChat(ctx, ms[0].Platform, ms[0].ChatID, d.MovedTo); err != nil {
			return err
		}
	}
	return s.update(ctx, func(tx Tx) error {
		for _, m := range ms {
			if err := recordOutcome(tx, m, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// recordOutcome writes an attempt's outcome into m.
func recordOutcome(tx Tx, m *OutboxMessage, d Delivery) error {
	now := tx.Now()
	switch {
	case d.Err == nil:
		m.Status, m.DeliveredAt, m.MessageID, m.LastError = OutboxDelivered, now, d.MessageID, ""
		if err := rememberQuestion(tx, m); err != nil {
			return err
		}
	case d.MovedTo != "":
		m.ChatID, m.NextAttemptAt, m.LastError = d.MovedTo, now, d.Err.Error()
	case d.RetryAfter > 0 && !d.Permanent:
		m.NextAttemptAt, m.LastError = now.Add(d.RetryAfter), d.Err.Error()
	case d.Permanent || m.Attempts+1 >= OutboxMaxAttempts:
		m.Attempts++
		m.Status, m.LastError = OutboxFailed, d.Err.Error()
	default:
		m.Attempts++
		m.NextAttemptAt, m.LastError = now.Add(OutboxBackoff(m.Attempts)), d.Err.Error()
	}
	if m.Key == OutboxOpenThread {
		// The case takes its thread, or the chat when it cannot have one.
		if err := threadOpened(tx, m, d); err != nil {
			return err
		}
	}
	if m.Secret && m.Status != OutboxPending {
		m.Text, m.Args = "", nil
	}
	return tx.UpdateMessage(m)
}

// rememberQuestion records, in the same transaction as its delivery, that a
// delivered message asks the current step of a conversation with choice
// buttons (Button.Step names the conversation and its step): the
// conversation keeps the message's platform id under QuestionData. A
// message whose step is over by now (answered before it was recorded) is
// not remembered.
func rememberQuestion(tx Tx, m *OutboxMessage) error {
	if m.MessageID == "" || m.UserID != 0 {
		return nil // not sent, or a notification: never a dialog's question
	}
	for _, row := range m.Buttons {
		for _, ob := range row {
			b, err := tx.Button(ob.Token)
			if IsNotFound(err) {
				continue
			} else if err != nil {
				return err
			}
			if b.Step == "" || b.UserID == 0 {
				continue
			}
			return rememberIn(tx, m, b)
		}
	}
	return nil
}

// rememberIn stores the question's id in the conversation of the button's
// owner in the message's chat, if it is still at the button's step.
func rememberIn(tx Tx, m *OutboxMessage, b *Button) error {
	convID, step, _ := strings.Cut(b.Step, "/")
	u, err := tx.UserByID(b.UserID)
	if IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	for _, identity := range u.Identities {
		platform, userID, _ := SplitIdentity(identity)
		if platform != m.Platform {
			continue
		}
		conv, err := tx.Conversation(ConversationKey(m.Platform, m.ChatID, userID))
		if IsNotFound(err) {
			continue
		} else if err != nil {
			return err
		}
		if conv.ID != convID || conv.Step != step {
			continue
		}
		if conv.Data == nil {
			conv.Data = map[string]string{}
		}
		conv.Data[QuestionData] = m.MessageID
		return tx.PutConversation(conv)
	}
	return nil
}

// refreshMenus writes a command-menu record (OutboxCommandMenu) for each of
// the user's identities on the platforms that run now.
func (s *Service) refreshMenus(tx Tx, u *User) error {
	for _, identity := range u.Identities {
		platform, userID, _ := SplitIdentity(identity)
		if !slices.Contains(s.platforms, platform) {
			continue
		}
		m := &OutboxMessage{Platform: platform, ChatID: userID, Key: OutboxCommandMenu, Status: OutboxPending}
		if err := tx.Enqueue(m); err != nil {
			return err
		}
	}
	return nil
}

// PostponeMessage moves a pending message's next attempt d from now, without
// counting an attempt (its chat is rate limited).
func (s *Service) PostponeMessage(ctx context.Context, m *OutboxMessage, d time.Duration) error {
	return s.update(ctx, func(tx Tx) error {
		m.NextAttemptAt = tx.Now().Add(d)
		return tx.UpdateMessage(m)
	})
}

// OutboxBackoff is the wait before attempt n+1: 2s, 4s, 8s … up to
// OutboxMaxBackoff.
func OutboxBackoff(attempts int) time.Duration {
	d := time.Second << min(attempts, 20)
	return min(d, OutboxMaxBackoff)
}

// StoredFile returns the content of a stored file (a document's or a
// template's) by its SHA-256, ENOTFOUND when none is stored under it. It
// is for the outbox worker, which delivers the messages that refer to
// such a file (OutboxFile.SHA256): who receives the file was decided when
// the message was written, so no actor is checked here; nothing else may
// call it.
func (s *Service) StoredFile(ctx context.Context, sha string) ([]byte, error) {
	var data []byte
	err := s.view(ctx, func(tx Tx) (err error) {
		data, err = tx.File(sha)
		return err
	})
	if err != nil {
		return nil, err
	}
	return data, nil
}

// withFiles is tx whose outbox messages carry files: the notifications
// written through it attach them (a document sent to the lawyers for
// approval, by reference).
func withFiles(tx Tx, files []OutboxFile) Tx {
	if len(files) == 0 {
		return tx
	}
	return filesTx{Tx: tx, files: files}
}

type filesTx struct {
	Tx
	files []OutboxFile
}

func (t filesTx) Enqueue(m *OutboxMessage) error {
	m.Files = append(m.Files, t.files...)
	return t.Tx.Enqueue(m)
}
