package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// testHTTPAddr is DEALDESK_HTTP_ADDR in tests: a free port each time, so
// that DealDesks started by tests at once do not collide.
const testHTTPAddr = "127.0.0.1:0"

// testActionSecret signs Mattermost buttons in tests (on PostgreSQL it must
// be configured).
const testActionSecret = "0123456789abcdef0123456789abcdef"

// storeEnv chooses the store of the end-to-end tests: "postgres" runs them
// on a new PostgreSQL database each (make test runs them so too when a
// test cluster is there), anything else on a bbolt file.
const storeEnv = "DEALDESK_TEST_STORE"

// onPostgres reports whether the tests run on PostgreSQL.
func onPostgres() bool { return os.Getenv(storeEnv) == "postgres" }

// testDB is DEALDESK_DB for a test's DealDesk: a bbolt file in dir, or a
// database of the test's own on PostgreSQL.
func testDB(t testing.TB, dir string) string {
	t.Helper()
	if onPostgres() {
		return pgtest.NewDB(t)
	}
	return filepath.Join(dir, "dealdesk.db")
}
