package bolt

// Migration is a schema migration, exported for the tests of migrate.go.
type Migration = migration

// SetMigrations replaces the migration table until the returned function
// restores it. Tests that use it must not run in parallel.
func SetMigrations(ms []Migration) (restore func()) {
	old := migrations
	migrations = ms
	return func() { migrations = old }
}

// Migrations returns the migration table.
func Migrations() []Migration { return migrations }

// Contains reports whether s contains q, the way SearchClients matches names.
func Contains(s, q string) bool { return newMatcher([]byte(q)).in([]byte(s)) }
