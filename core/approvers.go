package core

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// mayApprove returns EFORBIDDEN, naming the approving roles, unless the
// actor has one of them (or is an admin, who may do anything).
func mayApprove(tx Tx, a Actor) error {
	roles, err := approvers(tx)
	if err != nil {
		return err
	}
	if a.User == nil || a.User.Active && (a.User.Role == RoleAdmin || slices.Contains(roles, a.User.Role)) {
		return nil
	}
	return Errorf(EFORBIDDEN, "err.fix.not_approver", "Roles", roleCodes(roles))
}

// approvers are the roles that approve corrections now.
func approvers(tx Tx) ([]Role, error) {
	ws, err := tx.WorkSettings()
	if err != nil {
		return nil, err
	}
	return ws.WithDefaults().Approvers, nil
}

func roleCodes(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// rolePurposes are the work chats of the roles that approve.
var rolePurposes = map[Role]ChatPurpose{RoleHead: PurposeHeads, RoleLawyer: PurposeLawyers,
	RoleOfficer: PurposeOfficers}

// askApprovers posts the approval request with «Одобрить» and «Отклонить»
// to the work chat of each approving role (heads, lawyers), or, with none
// bound, to each active member of the role personally, never to the
// correction's author; with no one of those roles, to the admins. It
// returns whether anyone was asked, and who was asked personally.
func (s *Service) askApprovers(tx Tx, corr *Correction, args map[string]any) (bool, []int64, error) {
	p := strconv.FormatInt(corr.ID, 10)
	n := Note{Key: "notify.fix.approval", Args: args, Buttons: [][]ButtonSpec{{
		{LabelKey: "btn.fix.approve", Action: ActionFixApprove, Payload: p},
		{LabelKey: "btn.fix.reject", Action: ActionFixReject, Payload: p}}}}
	roles, err := approvers(tx)
	if err != nil {
		return false, nil, err
	}
	asked := false
	var personal []Role
	for _, r := range roles {
		if purpose, ok := rolePurposes[r]; ok {
			bound, err := s.notifyPurpose(tx, purpose, n)
			if err != nil {
				return false, nil, err
			}
			if bound {
				asked = true
				continue
			}
		}
		personal = append(personal, r)
	}
	told, err := s.notifyMembers(tx, personal, corr.ProposedBy, n)
	if err != nil || asked || len(told) > 0 {
		return asked || len(told) > 0, told, err
	}
	// No one of those roles is there: the admins, who may do anything,
	// decide.
	told, err = s.notifyMembers(tx, []Role{RoleAdmin}, corr.ProposedBy, n)
	return len(told) > 0, told, err
}

// notifyMembers writes a personal notification to every active member of
// the roles but one; it returns those who got it.
func (s *Service) notifyMembers(tx Tx, roles []Role, except int64, n Note) ([]int64, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	users, err := tx.ListUsers()
	if err != nil {
		return nil, err
	}
	var told []int64
	for _, u := range users {
		if !u.Active || u.ID == except || !slices.Contains(roles, u.Role) {
			continue
		}
		if err := s.notifyUser(tx, u.ID, n); err != nil {
			return nil, err
		}
		told = append(told, u.ID)
	}
	return told, nil
}

// MayApprove reports whether the actor may approve corrections (someone
// else's).
func (s *Service) MayApprove(ctx context.Context, a Actor) bool {
	ok := false
	_ = s.view(ctx, func(tx Tx) error {
		ok = mayApprove(tx, a) == nil
		return nil
	})
	return ok
}

// ApproverRoles are the roles that may be set to approve corrections.
var ApproverRoles = []Role{RoleHead, RoleLawyer, RoleOfficer, RoleUnderwriter}

// SetApprovers sets the roles whose members approve sensitive corrections
// (admins), audited.
func (s *Service) SetApprovers(ctx context.Context, a Actor, roles []Role) ([]Role, error) {
	if err := a.require(PermAdmin); err != nil {
		return nil, err
	}
	var set []Role
	for _, r := range roles {
		if !slices.Contains(ApproverRoles, r) {
			return nil, Errorf(EINVALID, "err.fix.approver_role", "Role", string(r), "Allowed", roleCodes(ApproverRoles))
		}
		if !slices.Contains(set, r) {
			set = append(set, r)
		}
	}
	if len(set) == 0 {
		return nil, Errorf(EINVALID, "err.fix.approvers_empty")
	}
	err := s.update(ctx, func(tx Tx) error {
		ws, err := tx.WorkSettings()
		if err != nil {
			return err
		}
		old := strings.Join(roleCodes(ws.WithDefaults().Approvers), ",")
		ws.Approvers = set
		if err := tx.PutWorkSettings(ws); err != nil {
			return err
		}
		if now := strings.Join(roleCodes(set), ","); now != old {
			return tx.AddChanges(stamp([]*Change{{Entity: EntitySettings, EntityID: 1, Field: "approvers",
				Old: old, New: now}}, a, "approvers")...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return set, nil
}

// Approvers returns the roles that approve sensitive corrections now.
func (s *Service) Approvers(ctx context.Context) ([]Role, error) {
	var roles []Role
	err := s.view(ctx, func(tx Tx) (err error) {
		roles, err = approvers(tx)
		return err
	})
	return roles, err
}

// ApproversReachable reports whether anyone but the author can be asked to
// approve a correction now: a work chat of an approving role is bound, or
// an active member of one of those roles (or an admin) is someone else.
func (s *Service) ApproversReachable(ctx context.Context, author int64) (bool, error) {
	ok := false
	err := s.view(ctx, func(tx Tx) error {
		roles, err := approvers(tx)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if p, has := rolePurposes[r]; has {
				chats, err := tx.WorkChatsByPurpose(p)
				if err != nil {
					return err
				}
				if len(chats) > 0 {
					ok = true
					return nil
				}
			}
		}
		users, err := tx.ListUsers()
		for _, u := range users {
			if u.Active && u.ID != author && (u.Role == RoleAdmin || slices.Contains(roles, u.Role)) {
				ok = true
			}
		}
		return err
	})
	return ok, err
}

// approvalReasonErr refuses a change that would wait for approval without
// a reason, naming the roles that approve.
func approvalReasonErr(tx Tx) error {
	roles, err := approvers(tx)
	if err != nil {
		return err
	}
	return Errorf(EINVALID, "err.fix.approval_reason", "Roles", roleCodes(roles))
}
