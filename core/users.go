package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Authenticate finds the active user behind a platform identity. Unknown
// identities get ENOTFOUND, deactivated users EFORBIDDEN.
func (s *Service) Authenticate(ctx context.Context, identity string) (*User, error) {
	var u *User
	err := s.view(ctx, func(tx Tx) (err error) {
		u, err = tx.UserByIdentity(identity)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, Errorf(EFORBIDDEN, "err.user.inactive")
	}
	return u, nil
}

// Admin is an identity to be made an admin at start-up, with the name a new
// user gets.
type Admin struct {
	Identity string
	Name     string
}

// SeedAdmins makes sure every identity in the list belongs to an active
// admin, creating users as needed. It runs at start-up from DEALDESK_ADMINS.
func (s *Service) SeedAdmins(ctx context.Context, admins []Admin) error {
	return s.update(ctx, func(tx Tx) error {
		for _, a := range admins {
			id := strings.TrimSpace(a.Identity)
			if id == "" {
				continue
			}
			if _, _, ok := SplitIdentity(id); !ok {
				return Errorf(EINVALID, "err.user.identity_format", "Identity", id)
			}
			u, err := tx.UserByIdentity(id)
			if IsNotFound(err) {
				name := a.Name
				if name == "" {
					name = id
				}
				u = &User{Identities: []string{id}, Name: name, Role: RoleAdmin, Active: true}
				if err := tx.CreateUser(u); err != nil {
					return err
				}
				err = tx.AddChanges(&Change{Entity: EntityUser, EntityID: u.ID, Field: "role",
					New: string(RoleAdmin), Reason: "DEALDESK_ADMINS", Source: "config"})
			} else if err == nil && (u.Role != RoleAdmin || !u.Active) {
				old := *u
				u.Role, u.Active = RoleAdmin, true
				if err := tx.UpdateUser(u); err != nil {
					return err
				}
				err = tx.AddChanges(stamp(diffUser(&old, u), Actor{Source: "config"}, "DEALDESK_ADMINS")...)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// NameFromProfile gives a user who has no name but their identity (an
// admin seeded from DEALDESK_ADMINS) the name of their chat profile, the
// first time they write. Any other user keeps the name they have.
func (s *Service) NameFromProfile(ctx context.Context, u *User, identity, name string) (*User, error) {
	name = strings.TrimSpace(name)
	if u.Name != identity || name == "" || name == identity {
		return u, nil
	}
	var out *User
	err := s.update(ctx, func(tx Tx) (err error) {
		if out, err = tx.UserByID(u.ID); err != nil {
			return err
		}
		if out.Name != identity {
			return nil
		}
		old := *out
		out.Name = name
		if err := tx.UpdateUser(out); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffUser(&old, out), Actor{User: out, Source: identity}, "profile")...); err != nil {
			return err
		}
		// Their first message: the menu published at start could not reach a
		// chat they had not opened yet.
		return s.refreshMenus(tx, out)
	})
	return out, err
}

// RefreshCommandMenus has the command menus of a user published again on
// the running platforms (a user who has just joined), written to the
// outbox in the caller's unit. See OutboxCommandMenu.
func (s *Service) RefreshCommandMenus(ctx context.Context, userID int64) error {
	return s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(userID)
		if err != nil {
			return err
		}
		return s.refreshMenus(tx, u)
	})
}

// UserByIdentity returns the user behind a platform identity, active or
// not; ENOTFOUND when there is none.
func (s *Service) UserByIdentity(ctx context.Context, identity string) (*User, error) {
	var u *User
	err := s.view(ctx, func(tx Tx) (err error) {
		u, err = tx.UserByIdentity(identity)
		return err
	})
	return u, err
}

// UsersOn returns the users, active or not, who have an identity on a
// platform, so that the chat layer can keep what the platform shows each of
// them (their command menu) in step with their role and access.
func (s *Service) UsersOn(ctx context.Context, platform string) ([]*User, error) {
	var out []*User
	err := s.view(ctx, func(tx Tx) error {
		users, err := tx.ListUsers()
		for _, u := range users {
			if slices.ContainsFunc(u.Identities, func(id string) bool {
				p, _, _ := SplitIdentity(id)
				return p == platform
			}) {
				out = append(out, u)
			}
		}
		return err
	})
	return out, err
}

func (s *Service) notifyAdmins(tx Tx, n Note) error {
	return s.notifyUsersOfRole(tx, RoleAdmin, n)
}

// ListUsers returns every user; admins and heads may see them.
func (s *Service) ListUsers(ctx context.Context, a Actor) ([]*User, error) {
	if !a.Can(PermAdmin) && !a.Can(PermAssignTasks) {
		return nil, Errorf(EFORBIDDEN, "err.forbidden")
	}
	var users []*User
	err := s.view(ctx, func(tx Tx) (err error) {
		users, err = tx.ListUsers()
		return err
	})
	return users, err
}

// UserByID returns a user.
func (s *Service) UserByID(ctx context.Context, id int64) (*User, error) {
	var u *User
	err := s.view(ctx, func(tx Tx) (err error) {
		u, err = tx.UserByID(id)
		return err
	})
	return u, err
}

// UserNames maps user ids to display names, for lists and history.
func (s *Service) UserNames(ctx context.Context) (map[int64]string, error) {
	names := map[int64]string{}
	err := s.view(ctx, func(tx Tx) error {
		users, err := tx.ListUsers()
		for _, u := range users {
			names[u.ID] = u.Name
		}
		return err
	})
	return names, err
}

// UserUpdate lists the user fields to change; nil fields stay.
type UserUpdate struct {
	Role     *Role
	HeadID   *int64
	Active   *bool
	Locale   *string
	TimeZone *string
	Name     *string
	// Quiet sets the quiet hours ([from, to] minutes from midnight; equal
	// values clear them); Muted replaces the muted reminder kinds.
	Quiet *[2]int
	Muted *[]ReminderKind
}

// UpdateUser changes a user, audited. Admins may change anyone; a user may
// change only their own name, locale and time zone.
func (s *Service) UpdateUser(ctx context.Context, a Actor, id int64, upd UserUpdate, reason string) (*User, error) {
	self := a.User != nil && a.User.ID == id
	admin := a.Can(PermAdmin)
	if !admin && (!self || upd.Role != nil || upd.HeadID != nil || upd.Active != nil) {
		return nil, Errorf(EFORBIDDEN, "err.forbidden")
	}
	var u *User
	err := s.update(ctx, func(tx Tx) (err error) {
		if u, err = tx.UserByID(id); err != nil {
			return err
		}
		old := *u
		if err := applyUserUpdate(tx, u, upd); err != nil {
			return err
		}
		if err := u.Validate(); err != nil {
			return err
		}
		if err := keepAnAdmin(tx, a, &old, u); err != nil {
			return err
		}
		cs := diffUser(&old, u)
		if len(cs) == 0 {
			return nil
		}
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(cs, a, reason)...); err != nil {
			return err
		}
		if err := s.tellUserChange(tx, a, &old, u); err != nil {
			return err
		}
		if old.HeadID != u.HeadID || old.TimeZone != u.TimeZone || old.Active != u.Active {
			// Escalations go to the new head; key dates fire at nine in
			// the new zone.
			if err := s.resyncUser(tx, u); err != nil {
				return err
			}
		}
		if old.Role != u.Role || old.Active != u.Active || old.Locale != u.Locale {
			// What the user may run, or the language they read, changed:
			// so does their command menu, after the notice of it.
			return s.refreshMenus(tx, u)
		}
		return nil
	})
	return u, err
}

// tellUserChange tells a user, in their private chats, that someone else
// changed their role, switched their access off or back on. A user switched
// off is told too: it is the last message DealDesk sends them.
func (s *Service) tellUserChange(tx Tx, a Actor, old, u *User) error {
	if a.User != nil && a.User.ID == u.ID {
		return nil
	}
	var notes []Note
	if old.Role != u.Role {
		notes = append(notes, Note{Key: "notify.user.role_changed", Args: map[string]any{"Role": string(u.Role)}})
	}
	switch {
	case old.Active && !u.Active:
		notes = append(notes, Note{Key: "notify.user.disabled"})
	case !old.Active && u.Active:
		notes = append(notes, Note{Key: "notify.user.enabled", Args: map[string]any{"Role": string(u.Role)}})
	}
	for _, n := range notes {
		if err := s.notifyIdentities(tx, u, n); err != nil {
			return err
		}
	}
	return nil
}

// keepAnAdmin refuses to shut oneself out or to leave DealDesk without an
// active admin.
func keepAnAdmin(tx Tx, a Actor, old, u *User) error {
	if a.User != nil && a.User.ID == u.ID && old.Active && !u.Active {
		return Errorf(EINVALID, "err.user.self_block")
	}
	wasAdmin, isAdmin := old.Active && old.Role == RoleAdmin, u.Active && u.Role == RoleAdmin
	if !wasAdmin || isAdmin {
		return nil
	}
	users, err := tx.ListUsers()
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.ID != u.ID && o.Active && o.Role == RoleAdmin {
			return nil
		}
	}
	return Errorf(EINVALID, "err.user.last_admin")
}

func applyUserUpdate(tx Tx, u *User, upd UserUpdate) error {
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.HeadID != nil {
		if *upd.HeadID == u.ID {
			return Errorf(EINVALID, "err.user.own_head")
		}
		if *upd.HeadID != 0 {
			if _, err := tx.UserByID(*upd.HeadID); err != nil {
				return err
			}
		}
		u.HeadID = *upd.HeadID
	}
	if upd.Active != nil {
		u.Active = *upd.Active
	}
	if upd.Locale != nil {
		if *upd.Locale != "" && SupportedLocale(*upd.Locale) != *upd.Locale {
			return Errorf(EINVALID, "err.locale.unknown", "Locale", *upd.Locale)
		}
		u.Locale = *upd.Locale
	}
	if upd.TimeZone != nil {
		if _, err := time.LoadLocation(*upd.TimeZone); err != nil || *upd.TimeZone == "" {
			return Errorf(EINVALID, "err.tz.unknown", "Zone", *upd.TimeZone)
		}
		u.TimeZone = *upd.TimeZone
	}
	if upd.Quiet != nil {
		q := *upd.Quiet
		if q[0] < 0 || q[0] >= 24*60 || q[1] < 0 || q[1] >= 24*60 {
			return Errorf(EINVALID, "err.quiet.range")
		}
		if q[0] == q[1] {
			q = [2]int{}
		}
		u.QuietFrom, u.QuietTo = q[0], q[1]
	}
	if upd.Muted != nil {
		var kinds []ReminderKind
		for _, k := range ReminderKinds { // a known order, each kind once
			if slices.Contains(*upd.Muted, k) {
				if k == ReminderCustom {
					return Errorf(EINVALID, "err.mute.own")
				}
				if !k.Mutable() {
					return Errorf(EINVALID, "err.mute.escalation")
				}
				kinds = append(kinds, k)
			}
		}
		for _, k := range *upd.Muted {
			if !k.Valid() {
				return Errorf(EINVALID, "err.reminder.kind_unknown", "Kind", string(k))
			}
		}
		u.Muted = kinds
	}
	if upd.Name != nil {
		u.Name = strings.TrimSpace(*upd.Name)
	}
	return nil
}

// SupportedLocale maps a language tag ("en-US") to a supported locale: "ru"
// or "en"; anything else is "" (the default, Russian).
func SupportedLocale(tag string) string {
	tag = strings.ToLower(tag)
	switch {
	case strings.HasPrefix(tag, "ru"):
		return "ru"
	case strings.HasPrefix(tag, "en"):
		return "en"
	}
	return ""
}

// BindChat binds a group chat or channel to a purpose. Only admins may.
func (s *Service) BindChat(ctx context.Context, a Actor, c *WorkChat) error {
	if err := a.require(PermAdmin); err != nil {
		return err
	}
	if _, err := ParsePurpose(string(c.Purpose)); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		var old string
		if prev, err := tx.WorkChat(c.Platform, c.ChatID); err == nil {
			old = string(prev.Purpose)
		} else if !IsNotFound(err) {
			return err
		}
		c.BoundBy, c.BoundAt = a.ID(), tx.Now()
		if err := tx.PutWorkChat(c); err != nil {
			return err
		}
		return tx.AddChanges(&Change{ActorID: a.ID(), Entity: EntityChat, Field: ChatKey(c.Platform, c.ChatID),
			Old: old, New: string(c.Purpose), Source: a.Source, Reason: c.Title})
	})
}

// UnbindChat removes a chat's binding. Only admins may.
func (s *Service) UnbindChat(ctx context.Context, a Actor, platform, chatID string) error {
	if err := a.require(PermAdmin); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		prev, err := tx.WorkChat(platform, chatID)
		if err != nil {
			return err
		}
		if err := tx.DeleteWorkChat(platform, chatID); err != nil {
			return err
		}
		return tx.AddChanges(&Change{ActorID: a.ID(), Entity: EntityChat, Field: ChatKey(platform, chatID),
			Old: string(prev.Purpose), Source: a.Source})
	})
}

// MoveChat follows a chat to its new id (a Telegram group that became a
// supergroup): its work-chat binding moves along, and so does the chat in
// the recipients of the active report schedules and the held report runs,
// audited as the system's doing. A chat that is not bound is left alone.
func (s *Service) MoveChat(ctx context.Context, platform, oldID, newID string) error {
	return s.update(ctx, func(tx Tx) error {
		c, err := tx.WorkChat(platform, oldID)
		if IsNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		if err := tx.DeleteWorkChat(platform, oldID); err != nil {
			return err
		}
		c.ChatID = newID
		if err := tx.PutWorkChat(c); err != nil {
			return err
		}
		if err := moveChatTargets(tx, platform, oldID, newID); err != nil {
			return err
		}
		return tx.AddChanges(&Change{Entity: EntityChat, Field: ChatKey(platform, newID),
			Old: ChatKey(platform, oldID), New: string(c.Purpose), Reason: "chat moved", Source: "platform"})
	})
}

// WorkChat returns a chat's binding.
func (s *Service) WorkChat(ctx context.Context, platform, chatID string) (*WorkChat, error) {
	var c *WorkChat
	err := s.view(ctx, func(tx Tx) (err error) {
		c, err = tx.WorkChat(platform, chatID)
		return err
	})
	return c, err
}

// describeUser is a user's name for messages.
func describeUser(tx Tx, id int64) string {
	if u, err := tx.UserByID(id); err == nil {
		return u.Name
	}
	return fmt.Sprintf("#%d", id)
}
