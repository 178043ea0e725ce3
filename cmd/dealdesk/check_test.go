package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// TestMain lets a test run this package's main as the real program, in a
// child process: with DEALDESK_TEST_MAIN=1 the test binary is dealdesk.
func TestMain(m *testing.M) {
	if os.Getenv("DEALDESK_TEST_MAIN") == "1" {
		os.Args = append([]string{"dealdesk"}, strings.Fields(os.Getenv("DEALDESK_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	// The children the crash tests start listen on a port of their own.
	if os.Getenv("DEALDESK_HTTP_ADDR") == "" {
		_ = os.Setenv("DEALDESK_HTTP_ADDR", testHTTPAddr)
	}
	os.Exit(m.Run())
}

// runCommand runs `dealdesk args...` on the database at db and returns what
// it printed and the error Run returned.
func runCommand(t *testing.T, db string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr, m.Interactive = strings.NewReader(""), &out, &out, false
	m.Getenv = func(k string) string {
		switch k {
		case "DEALDESK_DB":
			return db
		case "DEALDESK_HTTP_ADDR":
			return testHTTPAddr
		case "DEALDESK_FILES_DIR":
			return filepath.Join(filepath.Dir(db), "files")
		case "DEALDESK_LOG_FORMAT":
			return "json"
		}
		return ""
	}
	if err := m.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := m.Run(ctx)
	if cerr := m.Close(); cerr != nil {
		t.Errorf("Close: %v", cerr)
	}
	return out.String(), err
}

// mustBigDB writes a database of a few MiB at path and returns its bytes.
func mustBigDB(t *testing.T, path string) []byte {
	t.Helper()
	db, err := bolt.Open(path, bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(context.Background(), func(tx core.Tx) error {
		for i := range 8000 {
			c := &core.Client{Kind: core.KindLegal, INN: fmt.Sprintf("77%08d", i), KPP: "770101001",
				ShortName: fmt.Sprintf("ООО «Ромашка-%d»", i), FullName: fmt.Sprintf("Общество с ограниченной "+
					"ответственностью «Ромашка-%d»", i), Address: "г. Москва, ул. Тверская, д. 1",
				Verification: core.Verification{Status: core.Unverified}}
			if err := tx.CreateClient(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2<<20 {
		t.Fatalf("the database is only %d bytes", len(data))
	}
	return data
}

// TestStartOnTruncatedFile runs the real program, as a process, on a
// database cut to 8 KiB and to 1 MiB: it must print one line about the
// damage and exit with status 1, not die of SIGBUS with a goroutine dump.
func TestStartOnTruncatedFile(t *testing.T) {
	dir := t.TempDir()
	data := mustBigDB(t, filepath.Join(dir, "full.db"))
	for _, cut := range []int{8 << 10, 1 << 20} {
		path := filepath.Join(dir, fmt.Sprintf("cut-%d.db", cut))
		if err := os.WriteFile(path, data[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "DEALDESK_TEST_MAIN=1", "DEALDESK_DB="+path,
			"DEALDESK_FILES_DIR="+filepath.Join(dir, "files"), "DEALDESK_LOG_FORMAT=json", "DEALDESK_CONSOLE=on")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("cut to %d bytes: exit %v, want status 1\nstderr:\n%.2000s", cut, err, stderr.String())
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 {
			t.Errorf("cut to %d bytes: want one line on stderr, got:\n%.2000s", cut, msg)
		}
		for _, want := range []string{path, "the file is damaged", fmt.Sprintf("it is %d bytes", cut),
			"restore it from a backup", "When the database is damaged"} {
			if !strings.Contains(msg, want) {
				t.Errorf("cut to %d bytes: stderr lacks %q: %s", cut, want, msg)
			}
		}
		if fi, err := os.Stat(path); err != nil || fi.Size() != int64(cut) {
			t.Errorf("cut to %d bytes: the file was changed", cut)
		}
	}
}

// TestStartOnEmptyFile: the real program refuses an existing empty file
// rather than starting an empty CRM in it.
func TestStartOnEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := runCommand(t, path)
	if !errors.Is(err, bolt.ErrDamaged) || !strings.Contains(err.Error(), "empty (0 bytes)") {
		t.Fatalf("err = %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Fatalf("the empty file was written to")
	}
}

func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dealdesk.db")
	runMain(t, dir, "/client 7707083893\n1\nПАО Сбербанк\n773601001\n1027700132195\n-\n-\nда\n"+
		"/deal new\n7707083893\nРасчётно-кассовое обслуживание\n1 500 000\n05.12.2030\n-\n31.12.2031\nда\n", nil)

	out, err := runCommand(t, db, "check")
	if err != nil {
		t.Fatalf("check of a healthy database: %v\n%s", err, out)
	}
	mustContain(t, out, db+": no problems found (checked read-only:")

	// A deal record lost with its index entries left behind.
	raw, err := bbolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bbolt.Tx) error {
		k, _ := tx.Bucket([]byte("deals")).Cursor().First()
		if k == nil {
			return errors.New("no deal")
		}
		return tx.Bucket([]byte("deals")).Delete(k)
	})
	if cerr := raw.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	out, err = runCommand(t, db, "check", "-db", db)
	if err == nil {
		t.Fatalf("check passed a damaged database:\n%s", out)
	}
	mustContain(t, out, "problem: index deals_by_number: entry \"D-2026-0001\" points at deal 1, which does not exist")
	mustContain(t, err.Error(), "3 problems found", "When the database is damaged")

	// A missing file is an error, and no file is made.
	missing := filepath.Join(dir, "missing.db")
	if _, err := runCommand(t, db, "check", "-db", missing); err == nil {
		t.Fatal("check of a missing file passed")
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("check made a file")
	}
}

// TestCheckCommand_WhileRunning: with DealDesk running and holding the
// file, the check runs in that DealDesk through the control socket.
func TestCheckCommand_WhileRunning(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dealdesk.db")
	runMain(t, dir, "/client 7707083893\n", nil)

	in, feed := io.Pipe()
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr, m.Interactive = in, io.Discard, io.Discard, false
	m.Getenv = func(k string) string {
		switch k {
		case "DEALDESK_DB":
			return db
		case "DEALDESK_HTTP_ADDR":
			return testHTTPAddr
		case "DEALDESK_FILES_DIR":
			return filepath.Join(dir, "files")
		}
		return ""
	}
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out, err := runCommand(t, db, "check")
	_ = feed.Close()
	<-m.Done()
	if cerr := m.Close(); cerr != nil {
		t.Error(cerr)
	}
	if err != nil {
		t.Fatalf("check while running: %v\n%s", err, out)
	}
	mustContain(t, out, "no problems found (checked by the running DealDesk:")
}
