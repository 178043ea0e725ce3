package bolt

import (
	"bytes"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// IntakeByID returns the intake with the ID, or ENOTFOUND.
func (tx *Tx) IntakeByID(id int64) (*core.Intake, error) {
	in := new(core.Intake)
	if ok, err := tx.get(bktIntakes, itob(id), in); err != nil {
		return nil, fmt.Errorf("bolt: intake %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.intake.not_found", "ID", id)
	}
	return in, nil
}

// CreateIntake stores an intake. An intake with an ID is its request's
// (the same number): it is stored under it, ECONFLICT when the number is
// taken, and the intakes' counter is moved up to it. One without gets the
// next ID of the intakes.
func (tx *Tx) CreateIntake(in *core.Intake) (err error) {
	defer wrapf(&err, "create intake")
	b := tx.tx.Bucket(bktIntakes)
	if in.ID != 0 {
		if b.Get(itob(in.ID)) != nil {
			return core.Errorf(core.ECONFLICT, "err.request.taken", "ID", in.ID)
		}
		if uint64(in.ID) > b.Sequence() {
			if err := b.SetSequence(uint64(in.ID)); err != nil {
				return err
			}
		}
	} else if in.ID, err = tx.nextID(bktIntakes); err != nil {
		return err
	}
	if in.CreatedAt.IsZero() {
		in.CreatedAt = tx.now
	}
	in.UpdatedAt = tx.now
	return tx.put(bktIntakes, itob(in.ID), in)
}

// UpdateIntake stores a changed intake; ENOTFOUND for an unknown one.
func (tx *Tx) UpdateIntake(in *core.Intake) (err error) {
	defer wrapf(&err, "update intake %d", in.ID)
	old, err := tx.IntakeByID(in.ID)
	if err != nil {
		return err
	}
	if in.CreatedAt.IsZero() {
		in.CreatedAt = old.CreatedAt
	}
	in.UpdatedAt = tx.now
	return tx.put(bktIntakes, itob(in.ID), in)
}

// registryKey is the cache key of a registry's answer about an INN and KPP.
func registryKey(source, inn, kpp string) []byte { return []byte(source + "/" + inn + "/" + kpp) }

// CachedRecord returns a registry's last answer about the INN and KPP, or
// ENOTFOUND.
func (tx *Tx) CachedRecord(source, inn, kpp string) (*core.RegistryRecord, error) {
	rec := new(core.RegistryRecord)
	if ok, err := tx.get(bktRegistryCache, registryKey(source, inn, kpp), rec); err != nil {
		return nil, fmt.Errorf("bolt: registry cache: %w", err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.registry.not_cached")
	}
	return rec, nil
}

// PutCachedRecord stores a registry's answer about the INN and KPP asked.
func (tx *Tx) PutCachedRecord(inn, kpp string, rec *core.RegistryRecord) error {
	if err := tx.put(bktRegistryCache, registryKey(rec.Source, inn, kpp), rec); err != nil {
		return fmt.Errorf("bolt: registry cache: %w", err)
	}
	return nil
}

// ClientsCheckedBefore returns up to limit verified, unmerged clients whose
// last registry check was before t, the oldest first, from the index by
// check time.
func (tx *Tx) ClientsCheckedBefore(t time.Time, limit int) ([]*core.Client, error) {
	var ids []int64
	end := timeKey(t)
	_ = tx.scan(bktClientsByChecked, nil, func(k, _ []byte) (bool, error) {
		if bytes.Compare(k[:8], end) >= 0 || (limit > 0 && len(ids) >= limit) {
			return false, nil
		}
		ids = append(ids, btoi(k[8:]))
		return true, nil
	})
	cs, err := tx.clients(ids)
	if err != nil {
		return nil, fmt.Errorf("bolt: clients checked before %s: %w", t, err)
	}
	return cs, nil
}
