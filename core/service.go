package core

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"time"

	"github.com/rs/zerolog"
)

// Service runs DealDesk's use cases on a Store. Every method that changes
// something writes the change, its audit records and the notifications it
// causes in one store transaction.
type Service struct {
	store       Store
	log         zerolog.Logger
	platforms   []string // platforms DealDesk runs on now, for personal notifications
	registries  []Registry
	registryTTL time.Duration
	docs        docDeps // the documents use case's ports and rules (docservice.go)
	cal         WorkCalendar
	reports     reportDeps // the reports use case's ports (report.go)
}

// Option configures a Service.
type Option func(*Service)

// WithLogger sets the service's logger.
func WithLogger(l zerolog.Logger) Option { return func(s *Service) { s.log = l } }

// WithPlatforms names the chat platforms that are running, so personal
// notifications go to a user's identities there.
func WithPlatforms(p ...string) Option { return func(s *Service) { s.platforms = p } }

// NewService builds a Service on a store.
func NewService(store Store, opts ...Option) *Service {
	s := &Service{store: store, log: zerolog.Nop()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Button lifetimes.
const (
	ButtonTTL       = 7 * 24 * time.Hour
	ConversationTTL = 7 * 24 * time.Hour // a draft survives a weekend
	InviteTTL       = 7 * 24 * time.Hour
)

// NewToken returns a random URL-safe token of 16 characters (96 bits).
func NewToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewButton builds a button token record owned by userID (0: anyone allowed
// in chatKey) that expires after ttl. Its token starts with the time, so
// that the buttons written in one transaction (a tick's reminders, each
// with four) go to the end of the store's index instead of all over it,
// and goes on with NewToken's 96 random bits that nobody can guess.
func NewButton(action, payload string, userID int64, chatKey string, now time.Time, ttl time.Duration) *Button {
	var stamp [6]byte
	ms := uint64(now.UnixMilli())
	for i := range stamp {
		stamp[5-i] = byte(ms >> (8 * i))
	}
	token := base64.RawURLEncoding.EncodeToString(stamp[:]) + NewToken()
	return &Button{Token: token, Action: action, Payload: payload, UserID: userID,
		ChatKey: chatKey, CreatedAt: now, ExpiresAt: now.Add(ttl)}
}

// ButtonSpec is a button of a notification before its token is issued.
type ButtonSpec struct {
	LabelKey string
	// Label is a literal label (a number), used when LabelKey is empty.
	Label   string
	Action  string
	Payload string
}

// Note is a notification to be written to the outbox.
type Note struct {
	Key     string
	Args    map[string]any
	Buttons [][]ButtonSpec
	// Mentions are the users the message is about, to be @mentioned where
	// the platform can.
	Mentions []int64
	// Secret says that Args hold a secret (an invite code): the outbox
	// forgets them once the message is delivered or given up.
	Secret bool
	// notBefore holds a personal notification until its reader's quiet
	// hours end.
	notBefore time.Time
}

// notifyUser writes a personal notification for the user to the outbox: one
// message for each of their identities on a running platform, or on their
// first identity when none runs now (it waits there until that platform does).
func (s *Service) notifyUser(tx Tx, userID int64, n Note) error {
	u, err := tx.UserByID(userID)
	if err != nil {
		return err
	}
	if !u.Active {
		s.log.Debug().Int64("user_id", u.ID).Str("key", n.Key).Msg("notification to a disabled user dropped")
		return nil
	}
	return s.notifyIdentities(tx, u, n)
}

// notifyIdentities writes a personal notification to the user's private
// chats on the running platforms (or their first identity), active or not.
func (s *Service) notifyIdentities(tx Tx, u *User, n Note) error {
	var targets []string
	for _, id := range u.Identities {
		if p, _, _ := SplitIdentity(id); slices.Contains(s.platforms, p) {
			targets = append(targets, id)
		}
	}
	if len(targets) == 0 && len(u.Identities) > 0 {
		targets = u.Identities[:1]
	}
	if q, until := quietUntil(u, tx.Now()); q {
		n.notBefore = until // waits for the end of the reader's quiet hours
	}
	for _, id := range targets {
		p, chatID, _ := SplitIdentity(id)
		if err := s.enqueue(tx, p, chatID, u.ID, u.Locale, n); err != nil {
			return err
		}
	}
	return nil
}

// notifyPurpose posts a notification to every work chat bound to purpose.
// It reports whether any chat is bound.
func (s *Service) notifyPurpose(tx Tx, p ChatPurpose, n Note) (bool, error) {
	chats, err := tx.WorkChatsByPurpose(p)
	if err != nil {
		return false, err
	}
	for _, c := range chats {
		if err := s.enqueue(tx, c.Platform, c.ChatID, 0, c.Locale, n); err != nil {
			return false, err
		}
	}
	return len(chats) > 0, nil
}

// notifyRole posts a notification to the work chat of purpose p, or, when
// none is bound, to every active user of the role personally.
func (s *Service) notifyRole(tx Tx, p ChatPurpose, r Role, n Note) error {
	bound, err := s.notifyPurpose(tx, p, n)
	if err != nil || bound {
		return err
	}
	return s.notifyUsersOfRole(tx, r, n)
}

// notifyUsersOfRole writes a personal notification to every active user of
// role r.
func (s *Service) notifyUsersOfRole(tx Tx, r Role, n Note) error {
	users, err := tx.ListUsers()
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Role == r && u.Active {
			if err := s.notifyUser(tx, u.ID, n); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) enqueue(tx Tx, platform, chatID string, userID int64, locale string, n Note) error {
	m := &OutboxMessage{Platform: platform, ChatID: chatID, UserID: userID, Locale: locale,
		Key: n.Key, Args: n.Args, Mentions: n.Mentions, Status: OutboxPending, Secret: n.Secret,
		NextAttemptAt: n.notBefore}
	for _, row := range n.Buttons {
		var out []OutboxButton
		for _, b := range row {
			// Buttons in a personal message belong to that user; in a work
			// chat to anyone there whose role allows the action.
			btn := NewButton(b.Action, b.Payload, userID, ChatKey(platform, chatID), tx.Now(), ButtonTTL)
			if err := tx.PutButton(btn); err != nil {
				return err
			}
			out = append(out, OutboxButton{LabelKey: b.LabelKey, Label: b.Label, Token: btn.Token})
		}
		m.Buttons = append(m.Buttons, out)
	}
	return tx.Enqueue(m)
}

// update runs fn in a store transaction: the unit's, when ctx carries one.
func (s *Service) update(ctx context.Context, fn func(Tx) error) error {
	sync := func(tx Tx) error { return fn(s.synced(tx)) }
	if u := unitFrom(ctx); u != nil {
		return u.update(sync)
	}
	return s.store.Update(ctx, sync)
}

// sideUpdate writes what belongs to no change and may be lost or written
// twice without harm (a registry's cached answer): inside a unit that has
// begun it joins the unit; otherwise it commits at once, so that it does
// not begin the unit's transaction early and hold the lock through the
// slow work that comes next.
func (s *Service) sideUpdate(ctx context.Context, fn func(Tx) error) error {
	if u := unitFrom(ctx); u != nil && u.Started() {
		return u.update(fn)
	}
	return s.store.Update(ctx, fn)
}

// view runs fn in a read-only store transaction, or in the unit's
// transaction once it has begun.
func (s *Service) view(ctx context.Context, fn func(Tx) error) error {
	if u := unitFrom(ctx); u != nil {
		return u.view(ctx, fn)
	}
	return s.store.View(ctx, fn)
}

// PurgeExpired deletes expired conversations and button tokens, and the
// failed invite redemptions that no longer count; the scheduler calls it.
// It returns how many records went.
func (s *Service) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.update(ctx, func(tx Tx) error {
		sessions, err := tx.PurgeExpired(now)
		if err != nil {
			return err
		}
		failures, err := tx.PurgeInviteFailures(now.Add(-InviteFailureWindow))
		n = sessions + failures
		return err
	})
	return n, err
}
