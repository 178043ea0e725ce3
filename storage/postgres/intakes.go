package postgres

import "github.com/dealdesk/dealdesk/core"

// IntakeByID returns the intake with the ID, or ENOTFOUND.
func (tx *Tx) IntakeByID(id int64) (in *core.Intake, err error) {
	defer wrapf(&err, "intake %d", id)
	in = new(core.Intake)
	if ok, err := tx.get(in, `SELECT doc FROM intakes WHERE id = $1`, id); err != nil {
		return nil, err
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
	if in.ID != 0 {
		if ok, err := tx.exists(`SELECT 1 FROM intakes WHERE id = $1`, in.ID); err != nil {
			return err
		} else if ok {
			return core.Errorf(core.ECONFLICT, "err.request.taken", "ID", in.ID)
		}
		if err := tx.exec(`INSERT INTO counters (name, value) VALUES ('id:intakes', $1)
			ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value, EXCLUDED.value)`, in.ID); err != nil {
			return err
		}
	} else if in.ID, err = tx.nextID("intakes"); err != nil {
		return err
	}
	if in.CreatedAt.IsZero() {
		in.CreatedAt = tx.now
	}
	in.UpdatedAt = tx.now
	return tx.putIntake(in)
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
	return tx.putIntake(in)
}

// putIntake writes an intake as it is (ID kept).
func (tx *Tx) putIntake(in *core.Intake) error {
	doc, err := encode(in)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO intakes (id, doc) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`, in.ID, doc)
}

// registryKey is the cache key of a registry's answer about an INN and KPP,
// bbolt's key.
func registryKey(source, inn, kpp string) string { return source + "/" + inn + "/" + kpp }

// CachedRecord returns a registry's last answer about the INN and KPP, or
// ENOTFOUND.
func (tx *Tx) CachedRecord(source, inn, kpp string) (rec *core.RegistryRecord, err error) {
	defer wrapf(&err, "registry cache")
	rec = new(core.RegistryRecord)
	if ok, err := tx.get(rec, `SELECT doc FROM registry_cache WHERE key = $1`, registryKey(source, inn, kpp)); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.registry.not_cached")
	}
	return rec, nil
}

// PutCachedRecord stores a registry's answer about the INN and KPP asked.
func (tx *Tx) PutCachedRecord(inn, kpp string, rec *core.RegistryRecord) (err error) {
	defer wrapf(&err, "registry cache")
	return tx.putCachedRecord(registryKey(rec.Source, inn, kpp), rec)
}

// putCachedRecord writes a registry answer under its cache key
// (source "/" INN "/" KPP, as bbolt's registry_cache bucket keys it).
func (tx *Tx) putCachedRecord(key string, rec *core.RegistryRecord) error {
	doc, err := encode(rec)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO registry_cache (key, doc) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc`, key, doc)
}
