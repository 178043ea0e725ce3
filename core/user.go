package core

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// Role is what a user does in the company; it decides what they may do.
type Role string

// Roles.
const (
	RoleOfficer     Role = "officer"     // deal support officer (сотрудник сопровождения)
	RoleManager     Role = "manager"     // менеджер
	RoleLawyer      Role = "lawyer"      // юрист
	RoleUnderwriter Role = "underwriter" // андеррайтер
	RoleHead        Role = "head"        // руководитель
	RoleAdmin       Role = "admin"       // administers DealDesk itself
)

// Roles lists every role in display order.
var Roles = []Role{RoleOfficer, RoleManager, RoleLawyer, RoleUnderwriter, RoleHead, RoleAdmin}

// roleNames are the names a role is read by besides its code: the
// glossary's Russian names and the English ones, lower case with single
// spaces. They are the role names the locales show (role.<code>), and a
// test keeps every locale's names here; a user types either language
// whatever the language of their interface.
var roleNames = map[string]Role{
	"сотрудник сопровождения": RoleOfficer, "deal support officer": RoleOfficer,
	"менеджер":      RoleManager,
	"юрист":         RoleLawyer,
	"андеррайтер":   RoleUnderwriter,
	"руководитель":  RoleHead,
	"администратор": RoleAdmin, "administrator": RoleAdmin,
}

// maxRoleWords is the number of words of the longest role name.
const maxRoleWords = 3

// ParseRole parses a role by its code (manager) or its name in Russian or
// English (менеджер, сотрудник сопровождения), in any case; it returns
// EINVALID for an unknown one.
func ParseRole(s string) (Role, error) {
	key := strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "ё", "е"))), " ")
	if r := Role(key); slices.Contains(Roles, r) {
		return r, nil
	}
	if r, ok := roleNames[key]; ok {
		return r, nil
	}
	return "", Errorf(EINVALID, "err.role.unknown", "Role", strings.TrimSpace(s))
}

// CutRole reads the role a text starts with, of up to three words, and
// returns the text after it: "сотрудник сопровождения перевод" gives the
// officer and "перевод". It returns EINVALID when no role starts the text.
func CutRole(s string) (Role, string, error) {
	words := strings.Fields(s)
	for n := min(len(words), maxRoleWords); n > 0; n-- {
		if r, err := ParseRole(strings.Join(words[:n], " ")); err == nil {
			return r, afterWords(s, n), nil
		}
	}
	first := ""
	if len(words) > 0 {
		first = words[0]
	}
	return "", s, Errorf(EINVALID, "err.role.unknown", "Role", first)
}

// afterWords returns s past its first n words, as typed.
func afterWords(s string, n int) string {
	for range n {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		i := strings.IndexFunc(s, unicode.IsSpace)
		if i < 0 {
			return ""
		}
		s = s[i:]
	}
	return strings.TrimSpace(s)
}

// Permission is one thing a role may do.
type Permission string

// Permissions.
const (
	PermViewClients  Permission = "clients.view"
	PermEditClients  Permission = "clients.edit"
	PermViewDeals    Permission = "deals.view"
	PermEditDeals    Permission = "deals.edit"
	PermViewAllDeals Permission = "deals.view_all"
	PermTasks        Permission = "tasks"
	PermAssignTasks  Permission = "tasks.assign"
	PermHistory      Permission = "history"
	PermApprove      Permission = "documents.approve"
	PermVerify       Permission = "clients.verify" // work requests (intakes too): take, pass, verify, write cards, return, merge
	PermRequests     Permission = "requests"       // file requests (обращения) and answer their questions
	PermCorrect      Permission = "corrections"    // correct any field with a reason (/fix), roll changes back
	PermDocuments    Permission = "documents"      // take document requests, produce, submit and send documents
	PermReports      Permission = "reports"        // make exports and reports of the records one may see (managers: their own)
	PermExport       Permission = "reports.export" // send reports to others, schedule them; export everything (heads: their team's)
	PermAdmin        Permission = "admin"
)

var rolePerms = map[Role][]Permission{
	RoleOfficer: {PermViewClients, PermEditClients, PermVerify, PermViewDeals, PermEditDeals, PermViewAllDeals,
		PermTasks, PermAssignTasks, PermHistory, PermReports, PermExport, PermDocuments, PermRequests, PermCorrect},
	RoleManager: {PermViewClients, PermEditClients, PermViewDeals, PermEditDeals, PermTasks, PermHistory, PermRequests,
		PermReports},
	RoleLawyer:      {PermViewClients, PermViewDeals, PermViewAllDeals, PermTasks, PermHistory, PermApprove, PermRequests},
	RoleUnderwriter: {PermViewClients, PermViewDeals, PermViewAllDeals, PermTasks, PermHistory, PermRequests},
	RoleHead: {PermViewClients, PermVerify, PermViewDeals, PermEditDeals, PermViewAllDeals, PermTasks, PermAssignTasks, PermHistory,
		PermReports, PermExport, PermRequests, PermCorrect},
}

// Can reports whether the role has the permission. Admins may do everything.
func (r Role) Can(p Permission) bool {
	if r == RoleAdmin {
		return true
	}
	return slices.Contains(rolePerms[r], p)
}

// Platform names, used as the prefix of identities and of chat keys.
const (
	PlatformTelegram   = "telegram"
	PlatformMattermost = "mattermost"
	PlatformConsole    = "console"
)

// Identity is a user's account on a platform: "telegram:12345".
func Identity(platform, userID string) string { return platform + ":" + userID }

// SplitIdentity splits "platform:id"; ok is false when there is no colon.
func SplitIdentity(identity string) (platform, id string, ok bool) {
	return strings.Cut(identity, ":")
}

// User is a person who may use DealDesk.
type User struct {
	ID         int64    `json:"id"`
	Identities []string `json:"identities"`
	Name       string   `json:"name"`
	Role       Role     `json:"role"`
	HeadID     int64    `json:"head_id,omitempty"` // who gets their escalations
	Locale     string   `json:"locale,omitempty"`  // "" = the platform's or the default
	TimeZone   string   `json:"time_zone,omitempty"`
	// QuietFrom and QuietTo are the user's quiet hours, minutes from
	// midnight in their time zone (QuietFrom > QuietTo spans midnight);
	// equal means none. Reminders that fall in them wait.
	QuietFrom int `json:"quiet_from,omitempty"`
	QuietTo   int `json:"quiet_to,omitempty"`
	// Muted are the reminder kinds the user does not want; escalations
	// cannot be muted.
	Muted     []ReminderKind `json:"muted,omitempty"`
	Active    bool           `json:"active"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// Can reports whether an active user's role grants the permission.
func (u *User) Can(p Permission) bool { return u != nil && u.Active && u.Role.Can(p) }

// Location is the user's time zone.
func (u *User) Location() *time.Location { return Location(u.TimeZone) }

// Validate checks the user's own fields.
func (u *User) Validate() error {
	if strings.TrimSpace(u.Name) == "" {
		return Errorf(EINVALID, "err.user.name_required")
	}
	if !slices.Contains(Roles, u.Role) { // stored by its code, never by a name
		return Errorf(EINVALID, "err.role.unknown", "Role", string(u.Role))
	}
	if len(u.Identities) == 0 {
		return Errorf(EINVALID, "err.user.identity_required")
	}
	return nil
}

// Invite is a one-time code that turns an unknown chat user into a user with
// the given role when they send /start <code>.
type Invite struct {
	Code      string    `json:"code"`
	Role      Role      `json:"role"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ChatPurpose says what a work chat is for.
type ChatPurpose string

// Purposes of work chats.
const (
	PurposeOfficers ChatPurpose = "officers"
	PurposeLawyers  ChatPurpose = "lawyers"
	PurposeHeads    ChatPurpose = "heads"
	PurposeTeam     ChatPurpose = "team"
)

// Purposes lists every purpose.
var Purposes = []ChatPurpose{PurposeOfficers, PurposeLawyers, PurposeHeads, PurposeTeam}

// ParsePurpose parses a purpose name; EINVALID for an unknown one.
func ParsePurpose(s string) (ChatPurpose, error) {
	p := ChatPurpose(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Purposes, p) {
		return p, nil
	}
	return "", Errorf(EINVALID, "err.chat.purpose_unknown", "Purpose", s)
}

// WorkChat is a group chat or channel bound to a purpose; notifications meant
// for that purpose are posted there.
type WorkChat struct {
	Platform string      `json:"platform"`
	ChatID   string      `json:"chat_id"`
	Title    string      `json:"title"`
	Purpose  ChatPurpose `json:"purpose"`
	Locale   string      `json:"locale,omitempty"`
	BoundBy  int64       `json:"bound_by"`
	BoundAt  time.Time   `json:"bound_at"`
}

// ChatKey is the key of a chat across platforms: "telegram:-100123".
func ChatKey(platform, chatID string) string { return platform + ":" + chatID }
