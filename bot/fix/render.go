package fix

import (
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// hintOf names the kind of question asked for a field's value by kind
// (mode.byKind): the flow.<name>.value.<hint> message.
func hintOf(e core.Entity, field string) string {
	switch field {
	case core.FieldAmount:
		return "amount"
	case core.FieldSigningDue, core.FieldPaymentDue, core.FieldContractEnd:
		return "date"
	case core.FieldManager:
		return "manager"
	case core.FieldTitle, core.FieldShortName:
		return "text"
	}
	return "optional_text" // a card's full name, address, director: «-» clears them
}

// clearable reports whether «-» clears the field.
func clearable(field string) bool {
	switch field {
	case core.FieldFullName, core.FieldAddress, core.FieldDirector, core.FieldKPP, core.FieldOGRN,
		core.FieldSigningDue, core.FieldPaymentDue, core.FieldContractEnd, core.FieldManager:
		return true
	}
	return false
}

// listField reports whether the field is a card's list: its contacts or
// accounts, whose items are added, changed or removed.
func listField(f string) bool { return f == core.FieldContacts || f == core.FieldAccounts }

// itemsOf lists a card's contacts or accounts as the audit trail shows
// them.
func itemsOf(cl *core.Client, field string) []string {
	var out []string
	if field == core.FieldContacts {
		for _, ct := range cl.Contacts {
			out = append(out, strings.TrimSpace(ct.String()))
		}
		return out
	}
	for _, a := range cl.Accounts {
		out = append(out, strings.TrimSpace(a.String()))
	}
	return out
}
