package postgres

import (
	"strings"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// DefaultSearchLimit is the number of clients SearchClients returns when it
// is given no limit.
const DefaultSearchLimit = 20

// SearchClients finds clients for a query typed by a person. A query of
// digits (spaces allowed) is an INN prefix; anything else is a fragment of the
// normalized short or full name. Results are ordered by normalized name, then
// ID, and there are at most limit of them (DefaultSearchLimit when limit <= 0).
// Both walk the name index in order and stop at the limit, unless an
// index on the INN or the names' trigrams finds the few matches sooner.
func (tx *Tx) SearchClients(query string, limit int) (cs []*core.Client, err error) {
	defer wrapf(&err, "search clients %q", query)
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	if q := requisite.Clean(query); q != "" && isDigits(q) {
		// Every INN with the prefix q (digits) lies in [q, q+"\x7f").
		return list[core.Client](tx, `SELECT doc FROM clients
			WHERE inn >= $1 AND inn < $2 AND starts_with(inn, $1)
			ORDER BY name_norm, id LIMIT $3`, q, q+"\x7f", limit)
	}
	q := core.NormalizeName(query)
	if q == "" {
		return list[core.Client](tx, `SELECT doc FROM clients ORDER BY name_norm, id LIMIT $1`, limit)
	}
	// LIKE rather than strpos: it is faster, and the trigram index (when
	// the database has pg_trgm, see migration 0002) serves it.
	pattern := "%" + likeEscaper.Replace(q) + "%"
	return list[core.Client](tx, `SELECT doc FROM clients
		WHERE name_norm LIKE $1 OR full_norm LIKE $1
		ORDER BY name_norm, id LIMIT $2`, pattern, limit)
}

// likeEscaper escapes LIKE's pattern characters (the escape is \).
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// isDigits reports whether s is made of ASCII digits only.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
