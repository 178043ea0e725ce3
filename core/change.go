package core

import (
	"fmt"
	"time"
)

// Entity names a kind of record in the audit trail.
type Entity string

// Audited entities.
const (
	EntityUser   Entity = "user"
	EntityChat   Entity = "chat"
	EntityClient Entity = "client"
	EntityDeal   Entity = "deal"
	EntityTask   Entity = "task"
	EntityInvite Entity = "invite"
	// EntityReminder is a custom reminder; EntitySettings the department's
	// settings (one record, id 1).
	EntityReminder Entity = "reminder"
	EntitySettings Entity = "settings"
	// Cross-department work: requests (обращения), corrections and case
	// discussions.
	EntityRequest    Entity = "request"
	EntityCorrection Entity = "correction"
	EntityCase       Entity = "case"
	// Reports (issue 12): a report run (every export and delivery is one),
	// a saved ad hoc report, a scheduled delivery.
	EntityReport         Entity = "report"
	EntityReportTemplate Entity = "report_template"
	EntityReportSchedule Entity = "report_schedule"
)

// Change is one audited field change. Every mutation writes its changes in
// the same transaction as the mutation itself.
type Change struct {
	ID       int64     `json:"id"`
	ActorID  int64     `json:"actor_id"` // 0 for the system (a job)
	At       time.Time `json:"at"`
	Entity   Entity    `json:"entity"`
	EntityID int64     `json:"entity_id"`
	Field    string    `json:"field"`
	Old      string    `json:"old,omitempty"`
	New      string    `json:"new,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Source   string    `json:"source,omitempty"` // the chat message or job that caused it
	// Request is the request (обращение) the change answers; Reverts the
	// change it rolls back; Correction the correction that made it.
	Request    int64 `json:"request,omitempty"`
	Reverts    int64 `json:"reverts,omitempty"`
	Correction int64 `json:"correction,omitempty"`
}

// Actor is who does something, and from where.
type Actor struct {
	User   *User
	Source string // "telegram:chat/-100123/msg/42", "console", "job:reminders"
}

// ID is the acting user's id, 0 for the system.
func (a Actor) ID() int64 {
	if a.User == nil {
		return 0
	}
	return a.User.ID
}

// Can reports whether the actor may do p; the system may do everything.
func (a Actor) Can(p Permission) bool { return a.User == nil || a.User.Can(p) }

// require returns EFORBIDDEN unless the actor may do p.
func (a Actor) require(p Permission) error {
	if !a.Can(p) {
		return Errorf(EFORBIDDEN, "err.forbidden")
	}
	return nil
}

// diff collects field changes between two versions of a record.
type diff struct {
	entity  Entity
	id      int64
	changes []*Change
}

func (d *diff) add(field string, old, new any) {
	o, n := format(old), format(new)
	if o != n {
		d.changes = append(d.changes, &Change{Entity: d.entity, EntityID: d.id, Field: field, Old: o, New: n})
	}
}

// list adds the changes of a list field item by item, each item as its
// String: an item added is a change from "", one removed a change to "",
// and as many as were both removed and added are paired in order as
// changed items (a contact whose phone changed is one change, old → new).
func (d *diff) list(field string, old, new []string) {
	removed, added := listDiff(old, new), listDiff(new, old)
	for i := range max(len(removed), len(added)) {
		var o, n string
		if i < len(removed) {
			o = removed[i]
		}
		if i < len(added) {
			n = added[i]
		}
		d.changes = append(d.changes, &Change{Entity: d.entity, EntityID: d.id, Field: field, Old: o, New: n})
	}
}

// listDiff returns the items of a that b does not have (as many times as
// a has them more often), in a's order.
func listDiff(a, b []string) []string {
	have := map[string]int{}
	for _, s := range b {
		have[s]++
	}
	var out []string
	for _, s := range a {
		if have[s] > 0 {
			have[s]--
			continue
		}
		out = append(out, s)
	}
	return out
}

// strs lists the String of each item.
func strs[T fmt.Stringer](items []T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.String()
	}
	return out
}

func format(v any) string {
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.UTC().Format(time.RFC3339)
	case Money:
		return fmt.Sprintf("%d", int64(x))
	default:
		return fmt.Sprint(v)
	}
}

// stamp fills the actor, reason and source of changes.
func stamp(cs []*Change, a Actor, reason string) []*Change {
	for _, c := range cs {
		c.ActorID, c.Source, c.Reason = a.ID(), a.Source, reason
	}
	return cs
}

// diffClient lists the changed fields of a client.
func diffClient(a, b *Client) []*Change {
	d := &diff{entity: EntityClient, id: b.ID}
	d.add("kind", a.Kind, b.Kind)
	d.add("inn", a.INN, b.INN)
	d.add("kpp", a.KPP, b.KPP)
	d.add("ogrn", a.OGRN, b.OGRN)
	d.add("short_name", a.ShortName, b.ShortName)
	d.add("full_name", a.FullName, b.FullName)
	d.add("address", a.Address, b.Address)
	d.add("director", a.Director, b.Director)
	d.list("accounts", strs(a.Accounts), strs(b.Accounts))
	d.list("contacts", strs(a.Contacts), strs(b.Contacts))
	d.add("manager_id", a.ManagerID, b.ManagerID)
	d.add("verification", a.Verification.Status, b.Verification.Status)
	d.add("company_status", a.Verification.Company, b.Verification.Company)
	d.add("merged_into", a.MergedInto, b.MergedInto)
	return d.changes
}

// diffDeal lists the changed fields of a deal.
func diffDeal(a, b *Deal) []*Change {
	d := &diff{entity: EntityDeal, id: b.ID}
	d.add("number", a.Number, b.Number)
	d.add("client_id", a.ClientID, b.ClientID)
	d.add("manager_id", a.ManagerID, b.ManagerID)
	d.add("title", a.Title, b.Title)
	d.add("amount", a.Amount, b.Amount)
	d.add("stage", a.Stage, b.Stage)
	d.add("signing_due", a.SigningDue, b.SigningDue)
	d.add("payment_due", a.PaymentDue, b.PaymentDue)
	d.add("contract_end", a.ContractEnd, b.ContractEnd)
	d.list("payments", strs(a.Payments), strs(b.Payments))
	d.add("leads", leadsText(a.Leads), leadsText(b.Leads))
	d.add("override", a.Override, b.Override)
	return d.changes
}

// diffTask lists the changed fields of a task.
func diffTask(a, b *Task) []*Change {
	d := &diff{entity: EntityTask, id: b.ID}
	d.add("title", a.Title, b.Title)
	d.add("assignee_id", a.AssigneeID, b.AssigneeID)
	d.add("deal_id", a.DealID, b.DealID)
	d.add("client_id", a.ClientID, b.ClientID)
	d.add("due", a.Due, b.Due)
	d.add("status", a.Status, b.Status)
	d.add("result", a.Result, b.Result)
	return d.changes
}

// diffUser lists the changed fields of a user.
func diffUser(a, b *User) []*Change {
	d := &diff{entity: EntityUser, id: b.ID}
	d.add("name", a.Name, b.Name)
	d.add("role", a.Role, b.Role)
	d.add("identities", a.Identities, b.Identities)
	d.add("head_id", a.HeadID, b.HeadID)
	d.add("locale", a.Locale, b.Locale)
	d.add("time_zone", a.TimeZone, b.TimeZone)
	d.add("active", a.Active, b.Active)
	d.add("quiet_hours", quietText(a), quietText(b))
	d.list("muted", kindStrs(a.Muted), kindStrs(b.Muted))
	return d.changes
}
