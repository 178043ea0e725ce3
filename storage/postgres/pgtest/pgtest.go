// Package pgtest gives tests a PostgreSQL database of their own in the
// cluster named by DEALDESK_TEST_POSTGRES (an administrator's URL, as
// .ci/postgres-start prints). Without it the test is skipped, except under
// CI=true, where it fails: CI starts the cluster.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the variable naming the test cluster.
const Env = "DEALDESK_TEST_POSTGRES"

// Available reports whether a test cluster is configured.
func Available() bool { return os.Getenv(Env) != "" }

// Require skips t, or fails it under CI, when no test cluster is configured.
func Require(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(Env)
	if admin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must start PostgreSQL (.ci/postgres-start)", Env)
		}
		t.Skipf("no PostgreSQL: set %s (eval \"$(.ci/postgres-start)\")", Env)
	}
	return admin
}

// NewDB creates an empty database for t and returns its URL; the database
// is dropped when t ends (its connections are closed by force).
func NewDB(t testing.TB) string {
	t.Helper()
	admin := Require(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "dd_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect %s: %v", Env, err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
			return
		}
		defer func() { _ = conn.Close(context.Background()) }()
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", Env, err)
	}
	u.Path = "/" + name
	return u.String()
}
