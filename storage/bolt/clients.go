package bolt

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core"
)

// Client indexes:
//
//	clients_by_inn:  inn "/" kpp        → id, normalized name (unique)
//	clients_by_ogrn: ogrn sep id        → nothing (branches share the OGRN)
//	clients_by_name: norm(Name) sep id  → norm(FullName) when it differs
//
// SearchClients reads only the index, never the JSON of clients it skips.

// maxNameKey bounds the name part of a name index key (bbolt keys are at most
// 32 KiB); longer names are cut at a rune boundary.
const maxNameKey = 1024

// ClientByID returns the client with the ID, or ENOTFOUND.
func (tx *Tx) ClientByID(id int64) (*core.Client, error) {
	c := new(core.Client)
	if ok, err := tx.get(bktClients, itob(id), c); err != nil {
		return nil, fmt.Errorf("bolt: client %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.client.not_found", "ID", id)
	}
	return c, nil
}

// ClientByINN returns the client with the INN and KPP (empty for a sole
// proprietor), or ENOTFOUND.
func (tx *Tx) ClientByINN(inn, kpp string) (*core.Client, error) {
	v := tx.tx.Bucket(bktClientsByINN).Get(innKey(inn, kpp))
	if v == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.client.not_found", "INN", inn, "KPP", kpp)
	}
	return tx.ClientByID(btoi(v))
}

// ClientsByINN returns every client with the INN, the head office and its
// branches, ordered by KPP.
func (tx *Tx) ClientsByINN(inn string) ([]*core.Client, error) {
	var ids []int64
	if inn != "" {
		_ = tx.scan(bktClientsByINN, []byte(inn+"/"), func(_, v []byte) (bool, error) {
			ids = append(ids, btoi(v))
			return true, nil
		})
	}
	cs, err := tx.clients(ids)
	if err != nil {
		return nil, fmt.Errorf("bolt: clients by INN %s: %w", inn, err)
	}
	return cs, nil
}

// ClientByOGRN returns the client with the OGRN (OGRNIP), or ENOTFOUND. When
// branches share it, the earliest stored client is returned.
func (tx *Tx) ClientByOGRN(ogrn string) (*core.Client, error) {
	var id int64
	if ogrn != "" {
		_ = tx.scan(bktClientsByOGRN, str(ogrn), func(k, _ []byte) (bool, error) {
			id = btoi(k[len(k)-8:])
			return false, nil
		})
	}
	if id == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "err.client.not_found", "OGRN", ogrn)
	}
	return tx.ClientByID(id)
}

// CreateClient assigns the client an ID and stores it. It returns ECONFLICT
// (err.client.exists) when a client with the INN and KPP exists.
func (tx *Tx) CreateClient(c *core.Client) (err error) {
	defer wrapf(&err, "create client")
	if err := tx.checkINN(c, 0); err != nil {
		return err
	}
	if c.ID, err = tx.nextID(bktClients); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.now
	}
	c.UpdatedAt = tx.now
	if err := tx.put(bktClients, itob(c.ID), c); err != nil {
		return err
	}
	return tx.reindex(nil, clientEntries(c))
}

// UpdateClient stores a changed client and updates its index entries. It
// returns ENOTFOUND for an unknown client and ECONFLICT when its new INN and
// KPP belong to another client.
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
	if err := tx.put(bktClients, itob(c.ID), c); err != nil {
		return err
	}
	return tx.reindex(clientEntries(old), clientEntries(c))
}

// checkINN returns ECONFLICT when the client's INN and KPP belong to a client
// other than self (0 for a new client).
func (tx *Tx) checkINN(c *core.Client, self int64) error {
	if v := tx.tx.Bucket(bktClientsByINN).Get(innKey(c.INN, c.KPP)); v != nil && btoi(v) != self {
		return core.Errorf(core.ECONFLICT, "err.client.exists", "INN", c.INN, "KPP", c.KPP)
	}
	return nil
}

// clients loads the clients with the IDs, in that order.
func (tx *Tx) clients(ids []int64) ([]*core.Client, error) {
	cs := make([]*core.Client, 0, len(ids))
	for _, id := range ids {
		c := new(core.Client)
		if err := tx.load(bktClients, itob(id), c); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// innKey is the key of the INN index.
func innKey(inn, kpp string) []byte { return []byte(inn + "/" + kpp) }

// clientEntries lists the index entries of a client.
func clientEntries(c *core.Client) []entry {
	id := itob(c.ID)
	name := nameKey(c.Name())
	es := []entry{
		{bktClientsByINN, innKey(c.INN, c.KPP), key(id, name)},
		{bktClientsByName, key(name, []byte{sep}, id), nil},
	}
	if full := nameKey(c.FullName); len(full) > 0 && !bytes.Equal(full, name) {
		es[1].value = full
	}
	if c.OGRN != "" {
		es = append(es, entry{bktClientsByOGRN, key(str(c.OGRN), id), nil})
	}
	es = append(es, nameKeyEntries(c)...)
	if e, ok := checkedEntry(c); ok {
		es = append(es, e)
	}
	return es
}

// checkedEntry is a verified, unmerged client's entry in the index by the
// time of its last registry check, which the re-check job walks.
func checkedEntry(c *core.Client) (entry, bool) {
	if c.MergedInto != 0 || c.Verification.Status == core.Unverified || c.Verification.Status == "" {
		return entry{}, false
	}
	return entry{bktClientsByChecked, key(timeKey(c.Verification.At), itob(c.ID)), nil}, true
}

// nameKeyEntries are a client's entries in the name key index: its short
// and full names' keys (core.NameKey), which duplicates share.
func nameKeyEntries(c *core.Client) []entry {
	var es []entry
	id := itob(c.ID)
	for _, name := range []string{c.ShortName, c.FullName} {
		k := []byte(core.NameKey(name))
		if len(k) == 0 || len(k) > maxNameKey {
			continue
		}
		e := entry{bktClientsByNameKey, key(k, []byte{sep}, id), nil}
		if find(es, e) == nil {
			es = append(es, e)
		}
	}
	return es
}

// ClientsByNameKey returns the clients whose short or full name has the key.
func (tx *Tx) ClientsByNameKey(k string) ([]*core.Client, error) {
	var ids []int64
	if k != "" {
		prefix := key([]byte(k), []byte{sep})
		_ = tx.scan(bktClientsByNameKey, prefix, func(key, _ []byte) (bool, error) {
			ids = append(ids, btoi(key[len(prefix):]))
			return true, nil
		})
	}
	cs, err := tx.clients(ids)
	if err != nil {
		return nil, fmt.Errorf("bolt: clients by name key: %w", err)
	}
	return cs, nil
}

// nameKey normalizes a name for the name index and cuts it to maxNameKey
// bytes at a rune boundary.
func nameKey(name string) []byte {
	n := core.NormalizeName(name)
	if len(n) > maxNameKey {
		i := maxNameKey
		for i > 0 && !utf8.RuneStart(n[i]) {
			i--
		}
		n = n[:i]
	}
	return []byte(n)
}
