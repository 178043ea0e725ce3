package postgres

import (
	"time"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core"
)

// Clients' key columns (see migration 0002): the INN and KPP (unique, as
// bbolt's clients_by_inn), the OGRN, the normalized short-else-full name and
// full name search reads, the name keys duplicates share, and the time of the
// last registry check of a verified, unmerged client.

// maxNameKey bounds the names in the key columns, as in bbolt; longer names
// are cut at a rune boundary (name_norm, full_norm) or not indexed (keys).
const maxNameKey = 1024

// ClientByID returns the client with the ID, or ENOTFOUND.
func (tx *Tx) ClientByID(id int64) (c *core.Client, err error) {
	defer wrapf(&err, "client %d", id)
	c = new(core.Client)
	if ok, err := tx.get(c, `SELECT doc FROM clients WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.client.not_found", "ID", id)
	}
	return c, nil
}

// ClientByINN returns the client with the INN and KPP (empty for a sole
// proprietor), or ENOTFOUND.
func (tx *Tx) ClientByINN(inn, kpp string) (c *core.Client, err error) {
	defer wrapf(&err, "client by INN %s/%s", inn, kpp)
	c = new(core.Client)
	if ok, err := tx.get(c, `SELECT doc FROM clients WHERE inn = $1 AND kpp = $2`, inn, kpp); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.client.not_found", "INN", inn, "KPP", kpp)
	}
	return c, nil
}

// ClientsByINN returns every client with the INN, the head office and its
// branches, ordered by KPP.
func (tx *Tx) ClientsByINN(inn string) (cs []*core.Client, err error) {
	defer wrapf(&err, "clients by INN %s", inn)
	if inn == "" {
		return []*core.Client{}, nil
	}
	return list[core.Client](tx, `SELECT doc FROM clients WHERE inn = $1 ORDER BY kpp`, inn)
}

// ClientByOGRN returns the client with the OGRN (OGRNIP), or ENOTFOUND. When
// branches share it, the earliest stored client is returned.
func (tx *Tx) ClientByOGRN(ogrn string) (c *core.Client, err error) {
	defer wrapf(&err, "client by OGRN %s", ogrn)
	c = new(core.Client)
	ok := false
	if ogrn != "" {
		if ok, err = tx.get(c, `SELECT doc FROM clients WHERE ogrn = $1 ORDER BY id LIMIT 1`, ogrn); err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.client.not_found", "OGRN", ogrn)
	}
	return c, nil
}

// ClientsByNameKey returns the clients whose short or full name has the key,
// in ID order.
func (tx *Tx) ClientsByNameKey(k string) (cs []*core.Client, err error) {
	defer wrapf(&err, "clients by name key")
	if k == "" {
		return []*core.Client{}, nil
	}
	return list[core.Client](tx, `SELECT doc FROM clients WHERE short_key = $1 OR full_key = $1 ORDER BY id`, k)
}

// ClientsCheckedBefore returns up to limit verified, unmerged clients whose
// last registry check was before t, the oldest first (ties by ID).
func (tx *Tx) ClientsCheckedBefore(t time.Time, limit int) (cs []*core.Client, err error) {
	defer wrapf(&err, "clients checked before %s", t)
	return list[core.Client](tx, `SELECT doc FROM clients WHERE checked_at < $1
		ORDER BY checked_at, id LIMIT $2`, t, sqlLimit(limit))
}

// CreateClient assigns the client an ID and stores it. It returns ECONFLICT
// (err.client.exists) when a client with the INN and KPP exists.
func (tx *Tx) CreateClient(c *core.Client) (err error) {
	defer wrapf(&err, "create client")
	if err := tx.checkINN(c, 0); err != nil {
		return err
	}
	if c.ID, err = tx.nextID("clients"); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.now
	}
	c.UpdatedAt = tx.now
	return tx.putClient(c)
}

// UpdateClient stores a changed client and its key columns. It returns
// ENOTFOUND for an unknown client and ECONFLICT when its new INN and KPP
// belong to another client.
func (tx *Tx) UpdateClient(c *core.Client) (err error) {
	defer wrapf(&err, "update client %d", c.ID)
	old, err := tx.ClientByID(c.ID)
	if err != nil {
		return err
	}
	if err := tx.checkINN(c, c.ID); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = old.CreatedAt
	}
	c.UpdatedAt = tx.now
	return tx.putClient(c)
}

// checkINN returns ECONFLICT when the client's INN and KPP belong to a client
// other than self (0 for a new client).
func (tx *Tx) checkINN(c *core.Client, self int64) error {
	var owner int64
	if ok, err := tx.scalar(&owner, `SELECT id FROM clients WHERE inn = $1 AND kpp = $2`, c.INN, c.KPP); err != nil {
		return err
	} else if ok && owner != self {
		return core.Errorf(core.ECONFLICT, "err.client.exists", "INN", c.INN, "KPP", c.KPP)
	}
	return nil
}

// putClient writes a client as it is (ID kept) with its key columns.
func (tx *Tx) putClient(c *core.Client) error {
	doc, err := encode(c)
	if err != nil {
		return err
	}
	var checked any
	if c.MergedInto == 0 && c.Verification.Status != core.Unverified && c.Verification.Status != "" {
		checked = c.Verification.At
	}
	return tx.exec(`INSERT INTO clients (id, inn, kpp, ogrn, name_norm, full_norm, short_key, full_key,
			checked_at, merged_into, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (id) DO UPDATE SET inn = EXCLUDED.inn, kpp = EXCLUDED.kpp, ogrn = EXCLUDED.ogrn,
			name_norm = EXCLUDED.name_norm, full_norm = EXCLUDED.full_norm, short_key = EXCLUDED.short_key,
			full_key = EXCLUDED.full_key, checked_at = EXCLUDED.checked_at, merged_into = EXCLUDED.merged_into,
			doc = EXCLUDED.doc`,
		c.ID, c.INN, c.KPP, c.OGRN, nameKey(c.Name()), nameKey(c.FullName),
		nameKeyColumn(c.ShortName), nameKeyColumn(c.FullName), checked, c.MergedInto, doc)
}

// nameKeyColumn is a name's core.NameKey for the short_key and full_key
// columns: NULL when empty or longer than maxNameKey (not indexed).
func nameKeyColumn(name string) any {
	k := core.NameKey(name)
	if k == "" || len(k) > maxNameKey {
		return nil
	}
	return k
}

// nameKey normalizes a name for the name columns and cuts it to maxNameKey
// bytes at a rune boundary.
func nameKey(name string) string {
	n := core.NormalizeName(name)
	if len(n) > maxNameKey {
		i := maxNameKey
		for i > 0 && !utf8.RuneStart(n[i]) {
			i--
		}
		n = n[:i]
	}
	return n
}
