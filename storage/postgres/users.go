package postgres

import (
	"errors"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// UserByID returns the user with the ID, or ENOTFOUND.
func (tx *Tx) UserByID(id int64) (u *core.User, err error) {
	defer wrapf(&err, "user %d", id)
	u = new(core.User)
	if ok, err := tx.get(u, `SELECT doc FROM users WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.user.not_found", "ID", id)
	}
	return u, nil
}

// UserByIdentity returns the user with a platform identity ("telegram:42"),
// or ENOTFOUND.
func (tx *Tx) UserByIdentity(identity string) (u *core.User, err error) {
	defer wrapf(&err, "user %q", identity)
	u = new(core.User)
	if ok, err := tx.get(u, `SELECT u.doc FROM user_identities i JOIN users u ON u.id = i.user_id
		WHERE i.identity = $1`, identity); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.user.not_found", "Identity", identity)
	}
	return u, nil
}

// ListUsers returns every user in ID order.
func (tx *Tx) ListUsers() (users []*core.User, err error) {
	defer wrapf(&err, "list users")
	return list[core.User](tx, `SELECT doc FROM users ORDER BY id`)
}

// CreateUser assigns the user an ID and stores it. It returns ECONFLICT
// (err.user.identity_taken) when one of its identities belongs to a user.
func (tx *Tx) CreateUser(u *core.User) (err error) {
	defer wrapf(&err, "create user")
	if err := tx.checkIdentities(u.Identities, 0); err != nil {
		return err
	}
	if u.ID, err = tx.nextID("users"); err != nil {
		return err
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = tx.now
	}
	u.UpdatedAt = tx.now
	return tx.putUser(u)
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
	return tx.putUser(u)
}

// putUser writes a user as it is (ID kept) and replaces its identities.
func (tx *Tx) putUser(u *core.User) error {
	doc, err := encode(u)
	if err != nil {
		return err
	}
	if err := tx.exec(`INSERT INTO users (id, doc) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`, u.ID, doc); err != nil {
		return err
	}
	if err := tx.exec(`DELETE FROM user_identities WHERE user_id = $1`, u.ID); err != nil {
		return err
	}
	if len(u.Identities) == 0 {
		return nil
	}
	return tx.exec(`INSERT INTO user_identities (identity, user_id) SELECT unnest($1::text[]), $2`, u.Identities, u.ID)
}

// checkIdentities returns ECONFLICT when an identity belongs to a user other
// than self (0 for a new user) or is listed twice.
func (tx *Tx) checkIdentities(identities []string, self int64) error {
	if len(identities) == 0 {
		return nil
	}
	owners := map[string]int64{}
	rows, err := tx.tx.Query(tx.ctx, `SELECT identity, user_id FROM user_identities WHERE identity = ANY($1)`, identities)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var owner int64
		if err := rows.Scan(&id, &owner); err != nil {
			rows.Close()
			return err
		}
		owners[id] = owner
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	seen := make(map[string]bool, len(identities))
	for _, id := range identities {
		owner, taken := owners[id]
		if seen[id] || (taken && owner != self) {
			return core.Errorf(core.ECONFLICT, "err.user.identity_taken", "Identity", id)
		}
		seen[id] = true
	}
	return nil
}

// CreateInvite stores an invite, setting CreatedAt to Now when zero. A code
// that already exists is an internal error: codes are random.
func (tx *Tx) CreateInvite(inv *core.Invite) (err error) {
	defer wrapf(&err, "create invite")
	if inv.Code == "" {
		return errors.New("empty code")
	}
	if ok, err := tx.exists(`SELECT 1 FROM invites WHERE code = $1`, inv.Code); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("code %q exists", inv.Code)
	}
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = tx.now
	}
	return tx.putInvite(inv)
}

// putInvite writes an invite under its code.
func (tx *Tx) putInvite(inv *core.Invite) error {
	doc, err := encode(inv)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO invites (code, doc) VALUES ($1, $2)
		ON CONFLICT (code) DO UPDATE SET doc = EXCLUDED.doc`, inv.Code, doc)
}

// InviteByCode returns the invite with the code, or ENOTFOUND. It does not
// check the expiry: that is a rule of the core.
func (tx *Tx) InviteByCode(code string) (inv *core.Invite, err error) {
	defer wrapf(&err, "invite")
	inv = new(core.Invite)
	if ok, err := tx.get(inv, `SELECT doc FROM invites WHERE code = $1`, code); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.invite.not_found", "Code", code)
	}
	return inv, nil
}

// DeleteInvite deletes an invite; it returns ENOTFOUND when there is none,
// so an invite cannot be redeemed twice.
func (tx *Tx) DeleteInvite(code string) (err error) {
	defer wrapf(&err, "delete invite")
	n, err := tx.execN(`DELETE FROM invites WHERE code = $1`, code)
	if err != nil {
		return err
	} else if n == 0 {
		return core.Errorf(core.ENOTFOUND, "err.invite.not_found", "Code", code)
	}
	return nil
}

// InviteFailures returns the times of an identity's failed invite
// redemptions, oldest first; none is an empty list.
func (tx *Tx) InviteFailures(identity string) (times []time.Time, err error) {
	defer wrapf(&err, "invite failures")
	if _, err := tx.get(&times, `SELECT doc FROM invite_failures WHERE identity = $1`, identity); err != nil {
		return nil, err
	}
	return times, nil
}

// PutInviteFailures replaces an identity's failure times; an empty list
// deletes them. It is also what the copier from bbolt calls.
func (tx *Tx) PutInviteFailures(identity string, times []time.Time) (err error) {
	defer wrapf(&err, "put invite failures")
	if len(times) == 0 {
		return tx.exec(`DELETE FROM invite_failures WHERE identity = $1`, identity)
	}
	doc, err := encode(times)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO invite_failures (identity, last_at, doc) VALUES ($1, $2, $3)
		ON CONFLICT (identity) DO UPDATE SET last_at = EXCLUDED.last_at, doc = EXCLUDED.doc`,
		identity, times[len(times)-1], doc)
}

// PurgeInviteFailures deletes the failure times of every identity whose last
// failure was before t.
func (tx *Tx) PurgeInviteFailures(before time.Time) (n int, err error) {
	defer wrapf(&err, "purge invite failures")
	m, err := tx.execN(`DELETE FROM invite_failures WHERE last_at < $1`, before)
	return int(m), err
}
