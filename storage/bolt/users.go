package bolt

import (
	"errors"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// UserByID returns the user with the ID, or ENOTFOUND.
func (tx *Tx) UserByID(id int64) (*core.User, error) {
	u := new(core.User)
	if ok, err := tx.get(bktUsers, itob(id), u); err != nil {
		return nil, fmt.Errorf("bolt: user %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.user.not_found", "ID", id)
	}
	return u, nil
}

// UserByIdentity returns the user with a platform identity ("telegram:42"),
// or ENOTFOUND.
func (tx *Tx) UserByIdentity(identity string) (*core.User, error) {
	v := tx.tx.Bucket(bktUsersByIdentity).Get([]byte(identity))
	if v == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.user.not_found", "Identity", identity)
	}
	return tx.UserByID(btoi(v))
}

// ListUsers returns every user in ID order.
func (tx *Tx) ListUsers() ([]*core.User, error) {
	users := []*core.User{}
	err := tx.scan(bktUsers, nil, func(_, v []byte) (bool, error) {
		u := new(core.User)
		if err := decode(v, u); err != nil {
			return false, err
		}
		users = append(users, u)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: list users: %w", err)
	}
	return users, nil
}

// CreateUser assigns the user an ID and stores it. It returns ECONFLICT
// (err.user.identity_taken) when one of its identities belongs to a user.
func (tx *Tx) CreateUser(u *core.User) (err error) {
	defer wrapf(&err, "create user")
	if err := tx.checkIdentities(u.Identities, 0); err != nil {
		return err
	}
	if u.ID, err = tx.nextID(bktUsers); err != nil {
		return err
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = tx.now
	}
	u.UpdatedAt = tx.now
	if err := tx.put(bktUsers, itob(u.ID), u); err != nil {
		return err
	}
	return tx.reindex(nil, userEntries(u))
}

// UpdateUser stores a changed user and moves its identities in the index. It
// returns ENOTFOUND for an unknown user and ECONFLICT when an added identity
// belongs to another user.
func (tx *Tx) UpdateUser(u *core.User) (err error) {
	defer wrapf(&err, "update user %d", u.ID)
	old, err := tx.UserByID(u.ID)
	if err != nil {
		return err
	}
	if err := tx.checkIdentities(u.Identities, u.ID); err != nil {
		return err
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = old.CreatedAt
	}
	u.UpdatedAt = tx.now
	if err := tx.put(bktUsers, itob(u.ID), u); err != nil {
		return err
	}
	return tx.reindex(userEntries(old), userEntries(u))
}

// checkIdentities returns ECONFLICT when an identity belongs to a user other
// than self (0 for a new user) or is listed twice.
func (tx *Tx) checkIdentities(identities []string, self int64) error {
	b := tx.tx.Bucket(bktUsersByIdentity)
	seen := make(map[string]bool, len(identities))
	for _, id := range identities {
		v := b.Get([]byte(id))
		if seen[id] || (v != nil && btoi(v) != self) {
			return core.Errorf(core.ECONFLICT, "err.user.identity_taken", "Identity", id)
		}
		seen[id] = true
	}
	return nil
}

// userEntries lists the index entries of a user.
func userEntries(u *core.User) []entry {
	es := make([]entry, 0, len(u.Identities))
	for _, id := range u.Identities {
		es = append(es, entry{bktUsersByIdentity, []byte(id), itob(u.ID)})
	}
	return es
}

// CreateInvite stores an invite, setting CreatedAt to Now when zero. A code
// that already exists is an internal error: codes are random.
func (tx *Tx) CreateInvite(inv *core.Invite) (err error) {
	defer wrapf(&err, "create invite")
	b := tx.tx.Bucket(bktInvites)
	if inv.Code == "" {
		return errors.New("empty code")
	} else if b.Get([]byte(inv.Code)) != nil {
		return fmt.Errorf("code %q exists", inv.Code)
	}
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = tx.now
	}
	return tx.put(bktInvites, []byte(inv.Code), inv)
}

// InviteByCode returns the invite with the code, or ENOTFOUND. It does not
// check the expiry: that is a rule of the core.
func (tx *Tx) InviteByCode(code string) (*core.Invite, error) {
	inv := new(core.Invite)
	if ok, err := tx.get(bktInvites, []byte(code), inv); err != nil {
		return nil, fmt.Errorf("bolt: invite: %w", err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.invite.not_found", "Code", code)
	}
	return inv, nil
}

// DeleteInvite deletes an invite; it returns ENOTFOUND when there is none,
// so an invite cannot be redeemed twice.
func (tx *Tx) DeleteInvite(code string) error {
	b := tx.tx.Bucket(bktInvites)
	if b.Get([]byte(code)) == nil {
		return core.Errorf(core.ENOTFOUND, "err.invite.not_found", "Code", code)
	}
	if err := b.Delete([]byte(code)); err != nil {
		return fmt.Errorf("bolt: delete invite: %w", err)
	}
	return nil
}

// InviteFailures returns the times of an identity's failed invite
// redemptions, oldest first; none is an empty list.
func (tx *Tx) InviteFailures(identity string) ([]time.Time, error) {
	var times []time.Time
	if _, err := tx.get(bktInviteFailures, []byte(identity), &times); err != nil {
		return nil, fmt.Errorf("bolt: invite failures: %w", err)
	}
	return times, nil
}

// PutInviteFailures replaces an identity's failure times; an empty list
// deletes them.
func (tx *Tx) PutInviteFailures(identity string, times []time.Time) (err error) {
	defer wrapf(&err, "put invite failures")
	if len(times) == 0 {
		return tx.tx.Bucket(bktInviteFailures).Delete([]byte(identity))
	}
	return tx.put(bktInviteFailures, []byte(identity), times)
}

// PurgeInviteFailures deletes the failure times of every identity whose last
// failure was before t. It reads every record: there is one for each
// identity that failed within the last window, a short list.
func (tx *Tx) PurgeInviteFailures(before time.Time) (n int, err error) {
	defer wrapf(&err, "purge invite failures")
	var stale [][]byte
	err = tx.scan(bktInviteFailures, nil, func(k, v []byte) (bool, error) {
		var times []time.Time
		if err := decode(v, &times); err != nil {
			return false, err
		}
		if len(times) == 0 || times[len(times)-1].Before(before) {
			stale = append(stale, append([]byte(nil), k...))
		}
		return true, nil
	})
	if err != nil {
		return 0, err
	}
	b := tx.tx.Bucket(bktInviteFailures)
	for _, k := range stale {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(stale), nil
}
