package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
	"github.com/jackc/pgx/v5"
)

// testHTTPAddr is DEALDESK_HTTP_ADDR in tests: a free port each time, so
// that DealDesks started by tests at once do not collide.
const testHTTPAddr = "127.0.0.1:0"

// testActionSecret signs Mattermost buttons in tests (on PostgreSQL it must
// be configured).
const testActionSecret = "0123456789abcdef0123456789abcdef"

// testLeaderTimeout makes a test's only instance lead soon after its start
// on PostgreSQL.
const testLeaderTimeout = "3s"

// waitLeading waits until m runs the leader's work (at once on bbolt).
func waitLeading(t testing.TB, m *Main) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !m.Leading() {
		if time.Now().After(deadline) {
			t.Fatal("DealDesk did not start leading")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// storeEnv chooses the store of the end-to-end tests: "postgres" runs them
// on a new PostgreSQL database each (make test runs them so too when a
// test cluster is there), anything else on a bbolt file.
const storeEnv = "DEALDESK_TEST_STORE"

// onPostgres reports whether the tests run on PostgreSQL.
func onPostgres() bool { return os.Getenv(storeEnv) == "postgres" }

// pgLocal is where a DealDesk on PostgreSQL in a test keeps its own files
// (the control socket, the console's log): in the test's folder, not in
// ./var of the package.
func pgLocal(dir, k string) (string, bool) {
	if !onPostgres() {
		return "", false
	}
	switch k {
	case "DEALDESK_CONTROL_SOCKET":
		return filepath.Join(dir, "ctl.sock"), true
	case "DEALDESK_LOG_FILE":
		return filepath.Join(dir, "dealdesk.log"), true
	}
	return "", false
}

// pgDBs remembers the PostgreSQL database made for each test folder, so
// that a DealDesk restarted on the same folder finds its data.
var pgDBs sync.Map

// testDB is DEALDESK_DB for a test's DealDesk: a bbolt file in dir, or a
// database of the test's own on PostgreSQL, the same for the same dir.
func testDB(t testing.TB, dir string) string {
	t.Helper()
	if !onPostgres() {
		return filepath.Join(dir, "dealdesk.db")
	}
	if url, ok := pgDBs.Load(dir); ok {
		return url.(string)
	}
	url := pgtest.NewDB(t)
	pgDBs.Store(dir, url)
	t.Cleanup(func() { pgDBs.Delete(dir) })
	return url
}

// storedAnywhere reports whether text is anywhere in the test's database:
// in the bytes of the bbolt file, or in any row of any PostgreSQL table.
// DealDesk must be stopped.
func storedAnywhere(t testing.TB, dir, text string) bool {
	t.Helper()
	if !onPostgres() {
		data, err := os.ReadFile(filepath.Join(dir, "dealdesk.db"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(string(data), text)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testDB(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	rows, err := conn.Query(ctx, "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public'")
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		var n int
		q := "SELECT count(*) FROM " + tb + " r WHERE strpos(convert_from(convert_to(r::text, 'UTF8'), 'UTF8'), $1) > 0"
		if err := conn.QueryRow(ctx, q, text).Scan(&n); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		if n > 0 {
			return true
		}
	}
	return false
}

// TestStoredAnywhereFindsWhatIsStored: the check the privacy tests rely on
// sees a text that is stored, on either store.
func TestStoredAnywhereFindsWhatIsStored(t *testing.T) {
	dir := t.TempDir()
	m := NewMain()
	m.Config = Config{DB: testDB(t, dir)}
	if err := m.openStore(); err != nil {
		t.Fatal(err)
	}
	err := m.DB.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateUser(&core.User{Name: "Иванова-Проверка", Identities: []string{"telegram:5"}, Role: core.RoleManager})
	})
	if cerr := m.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	if !storedAnywhere(t, dir, "Иванова-Проверка") {
		t.Fatal("a stored name is not found")
	}
	if storedAnywhere(t, dir, "Петрова-Нигде") {
		t.Fatal("a name never stored is found")
	}
}
