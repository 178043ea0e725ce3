package core

import (
	"context"
	"crypto/rand"
	"strings"
	"time"
	"unicode"
)

// Invite codes are 20 symbols of Crockford's base32 alphabet (100 bits):
// long enough that guessing one is hopeless, and typable from a phone. They
// are shown in groups of four, "k3m9-x2vp-…"; RedeemInvite accepts them with
// or without the dashes, in either case, with o, i and l read as 0, 1 and 1.
const (
	inviteAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	inviteCodeLen  = 20
	inviteGroup    = 4
)

// Limits on wrong invite codes: an identity that sent MaxInviteFailures
// wrong or expired codes within InviteFailureWindow is refused until the
// oldest of them leaves the window. The count is kept in the store, so a
// restart does not reset it.
const (
	MaxInviteFailures   = 5
	InviteFailureWindow = time.Hour
)

// NewInviteCode returns a random invite code in its stored form.
func NewInviteCode() string {
	b := make([]byte, inviteCodeLen)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥1.24)
	for i := range b {
		b[i] = inviteAlphabet[b[i]&31] // 256 is a multiple of 32: uniform
	}
	return string(b)
}

// NormalizeInviteCode turns a code as typed into its stored form.
func NormalizeInviteCode(typed string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(typed) {
		switch {
		case r == '-' || unicode.IsSpace(r):
		case r == 'o':
			b.WriteByte('0')
		case r == 'i' || r == 'l':
			b.WriteByte('1')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FormatInviteCode returns a stored code the way it is shown: in groups of
// four joined by dashes.
func FormatInviteCode(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i += inviteGroup {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(code[i:min(i+inviteGroup, len(code))])
	}
	return b.String()
}

// CreateInvite issues a one-time invite code for a role. Only admins (or the
// system, from the command line) may. The caller shows the code to the admin
// (FormatInviteCode), never where others can read it: see SendInvite.
func (s *Service) CreateInvite(ctx context.Context, a Actor, role Role) (*Invite, error) {
	return s.createInvite(ctx, a, role, false)
}

// SendInvite issues an invite like CreateInvite, for an admin who asked for
// it in a group chat: the code goes to the admin's personal chats through
// the outbox, in the same transaction, and is never returned, so it cannot
// be posted to the group. The invite returned has no code.
func (s *Service) SendInvite(ctx context.Context, a Actor, role Role) (*Invite, error) {
	if a.User == nil {
		return nil, Errorf(EINTERNAL, "err.internal") // the system has no personal chat
	}
	inv, err := s.createInvite(ctx, a, role, true)
	if err != nil {
		return nil, err
	}
	cp := *inv
	cp.Code = ""
	return &cp, nil
}

func (s *Service) createInvite(ctx context.Context, a Actor, role Role, send bool) (*Invite, error) {
	if err := a.require(PermAdmin); err != nil {
		return nil, err
	}
	role, err := ParseRole(string(role)) // a name typed anywhere is stored as the role's code
	if err != nil {
		return nil, err
	}
	var inv *Invite
	err = s.update(ctx, func(tx Tx) error {
		inv = &Invite{Code: NewInviteCode(), Role: role, CreatedBy: a.ID(),
			CreatedAt: tx.Now(), ExpiresAt: tx.Now().Add(InviteTTL)}
		if err := tx.CreateInvite(inv); err != nil {
			return err
		}
		// The code itself is a credential and stays out of the audit trail.
		if err := tx.AddChanges(&Change{ActorID: a.ID(), Entity: EntityInvite, Field: "role", New: string(role),
			Source: a.Source}); err != nil {
			return err
		}
		if !send {
			return nil
		}
		return s.notifyUser(tx, a.ID(), Note{Key: "notify.invite.code", Secret: true, Args: map[string]any{
			"Code": FormatInviteCode(inv.Code), "Role": string(role), "Expires": inv.ExpiresAt}})
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Registration is an unknown chat user redeeming an invite.
type Registration struct {
	Identity string
	Name     string
	Locale   string
	Code     string
	Source   string
}

// RedeemInvite turns an unknown chat user into a user with the invite's role.
// The invite is used up; admins are told who joined. A wrong or expired code
// is EINVALID and counts as a failure of the identity; after
// MaxInviteFailures of them within InviteFailureWindow every attempt is
// EFORBIDDEN (err.invite.too_many, with the time it may try again), the
// right code too, until the window passes.
func (s *Service) RedeemInvite(ctx context.Context, r Registration) (*User, error) {
	var u *User
	// refused is the answer to a redemption that writes at most its failure:
	// the transaction commits (that failure counts) and it is returned after.
	var refused error
	err := s.update(ctx, func(tx Tx) error {
		refused = nil
		if _, err := tx.UserByIdentity(r.Identity); err == nil {
			refused = Errorf(ECONFLICT, "err.user.already_registered")
			return nil
		}
		fails, err := recentFailures(tx, r.Identity)
		if err != nil {
			return err
		}
		if len(fails) >= MaxInviteFailures {
			refused = Errorf(EFORBIDDEN, "err.invite.too_many",
				"Until", fails[len(fails)-MaxInviteFailures].Add(InviteFailureWindow))
			return nil
		}
		inv, err := tx.InviteByCode(NormalizeInviteCode(r.Code))
		if IsNotFound(err) || (err == nil && !tx.Now().Before(inv.ExpiresAt)) {
			refused = Errorf(EINVALID, "err.invite.invalid")
			return tx.PutInviteFailures(r.Identity, append(fails, tx.Now()))
		} else if err != nil {
			return err
		}
		name := strings.TrimSpace(r.Name)
		if name == "" {
			name = r.Identity
		}
		// The language is not fixed here: replies follow the platform's
		// setting (Russian by default) until the user picks one with /lang.
		u = &User{Identities: []string{r.Identity}, Name: name, Role: inv.Role, Active: true}
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		if err := tx.DeleteInvite(inv.Code); err != nil {
			return err
		}
		if err := tx.PutInviteFailures(r.Identity, nil); err != nil {
			return err
		}
		if err := tx.AddChanges(&Change{ActorID: u.ID, Entity: EntityUser, EntityID: u.ID, Field: "role",
			New: string(u.Role), Reason: "invite", Source: r.Source}); err != nil {
			return err
		}
		return s.notifyAdmins(tx, Note{Key: "notify.user.joined",
			Args: map[string]any{"Name": u.Name, "Role": string(u.Role), "ID": u.ID}})
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// recentFailures returns the identity's failed invite redemptions within
// the window, oldest first.
func recentFailures(tx Tx, identity string) ([]time.Time, error) {
	all, err := tx.InviteFailures(identity)
	if err != nil {
		return nil, err
	}
	since := tx.Now().Add(-InviteFailureWindow)
	var fails []time.Time
	for _, t := range all {
		if t.After(since) {
			fails = append(fails, t)
		}
	}
	return fails, nil
}
