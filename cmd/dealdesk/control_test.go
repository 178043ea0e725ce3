//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// openMain returns a Main on a new database in dir, opened as a subcommand
// opens it, logging to log.
func openMain(t *testing.T, dir string, log io.Writer) *Main {
	t.Helper()
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Getenv = func(k string) string {
		switch k {
		case "DEALDESK_DB":
			return filepath.Join(dir, "dealdesk.db")
		case "DEALDESK_HTTP_ADDR":
			return testHTTPAddr
		}
		return ""
	}
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	m.Log = zerolog.New(log)
	if err := m.open(nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// request sends one request to the control socket at path.
func request(t *testing.T, path string, req controlRequest) controlResponse {
	t.Helper()
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		t.Fatal(err)
	}
	var resp controlResponse
	if err := json.NewDecoder(conn).Decode(&resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestControlSocket_OwnerOnlyFromCreation: the socket is created with mode
// 0600 (not changed to it afterwards), whatever the process's umask, and
// the umask is restored.
func TestControlSocket_OwnerOnlyFromCreation(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	m := openMain(t, dir, io.Discard)
	path := filepath.Join(dir, "ctl.sock")

	// createSocket alone, with no chmod after it, leaves a 0600 socket.
	l, err := createSocket(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != fs.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode = %v, want a socket with 0600 as created", fi.Mode())
	}
	l.Close()
	if got := syscall.Umask(0o022); got != 0o022 {
		t.Fatalf("umask after createSocket = %#o, want 022 restored", got)
	}

	s, err := listenControl(path, m, m.Log)
	if err != nil || s == nil {
		t.Fatalf("listenControl = %v, %v", s, err)
	}
	defer s.Close()
	if fi, err := os.Lstat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v, %v", fi, err)
	}
	// A second DealDesk on the same socket is refused.
	if _, err := listenControl(path, m, m.Log); err == nil || !strings.Contains(err.Error(), "another DealDesk is running") {
		t.Fatalf("second listenControl = %v", err)
	}
}

// TestControlSocket_RefusesOtherUsers: a peer whose user may not use the
// socket gets "permission denied" and nothing is done; the owner is served.
func TestControlSocket_RefusesOtherUsers(t *testing.T) {
	dir := t.TempDir()
	var log syncBuffer
	m := openMain(t, dir, &log)
	backup := filepath.Join(dir, "copy.db")

	// The check sees who connects: this test's own user, here taken for
	// someone else.
	asked := make(chan int, 1)
	l, err := createSocket(filepath.Join(dir, "other.sock"))
	if err != nil {
		t.Fatal(err)
	}
	s := serveControl(l, filepath.Join(dir, "other.sock"), m, m.Log, func(uid int) bool { asked <- uid; return false })
	resp := request(t, filepath.Join(dir, "other.sock"), controlRequest{Op: "backup", Path: backup})
	s.Close()
	if resp.Error != "control socket: permission denied" {
		t.Fatalf("refused peer's response = %+v", resp)
	}
	if _, err := os.Stat(backup); err == nil {
		t.Fatal("a refused peer's backup was written")
	}
	select {
	case uid := <-asked:
		if uid != os.Getuid() {
			t.Fatalf("the check was asked about uid %d, want %d", uid, os.Getuid())
		}
	default:
		t.Fatal("the peer's uid was never checked")
	}
	mustContain(t, log.String(), "a connection from another user refused")

	// The socket DealDesk listens on serves its owner.
	path := filepath.Join(dir, "ctl.sock")
	s, err = listenControl(path, m, m.Log)
	if err != nil || s == nil {
		t.Fatalf("listenControl = %v, %v", s, err)
	}
	defer s.Close()
	if resp := request(t, path, controlRequest{Op: "backup", Path: backup}); resp.Error != "" || resp.Bytes == 0 {
		t.Fatalf("owner's backup = %+v", resp)
	}
	if !allowPeer(os.Getuid()) || !allowPeer(0) || allowPeer(os.Getuid()+12345) {
		t.Error("allowPeer: want this user and root only")
	}
}

// TestControlSocket_CloseWithIdleConnection: a connection that never sends
// its request does not hold up Close, which closes it.
func TestControlSocket_CloseWithIdleConnection(t *testing.T) {
	dir := t.TempDir()
	m := openMain(t, dir, io.Discard)
	path := filepath.Join(dir, "ctl.sock")
	l, err := createSocket(path)
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan struct{}, 1)
	s := serveControl(l, path, m, m.Log, func(int) bool { accepted <- struct{}{}; return true })
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	<-accepted // the server is reading the connection's request

	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second): // a guard only: Close waited for the idle connection
		t.Fatal("Close did not return while a connection was idle")
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := conn.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the idle connection after Close: read %d, %v; want EOF", n, err)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestControlSocket_UnwritableFolder: DealDesk starts without the socket,
// with a warning that says why, what to set, and what it costs.
func TestControlSocket_UnwritableFolder(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr, m.Interactive = strings.NewReader("/help\n"), &out, &errOut, false
	socket := filepath.Join(dir, "missing", "ctl.sock")
	m.Getenv = func(k string) string {
		return map[string]string{"DEALDESK_DB": filepath.Join(dir, "dealdesk.db"),
			"DEALDESK_FILES_DIR": filepath.Join(dir, "files"), "DEALDESK_LOG_FORMAT": "json",
			"DEALDESK_CONTROL_SOCKET": socket, "DEALDESK_HTTP_ADDR": testHTTPAddr}[k]
	}
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	select {
	case <-m.Done():
	case <-ctx.Done():
		t.Fatal("the console did not end with its input")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	mustContain(t, out.String(), "DealDesk — команды")
	// While the console runs, warnings go to the log file next to the database.
	mustContain(t, errOut.String()+readLog(t, filepath.Join(dir, "dealdesk.db.log")), "control socket: cannot create "+socket+": the folder does not exist; "+
		"set DEALDESK_CONTROL_SOCKET to a writable place", "`dealdesk backup` and `dealdesk invite` work only while DealDesk is stopped")
}

// TestControlSocket_ReadOnlyFolder: the reasons a socket cannot be made
// are named: a read-only file system, a folder this user may not write, a
// path too long for a socket. A real read-only folder is tried where the
// test does not run as root (root writes anywhere).
func TestControlSocket_ReadOnlyFolder(t *testing.T) {
	bind := func(errno syscall.Errno) error {
		return &net.OpError{Op: "listen", Net: "unix", Err: os.NewSyscallError("bind", errno)}
	}
	for _, tc := range []struct {
		path string
		err  error
		want string
	}{
		{"/x/y.sock", bind(syscall.EROFS), "control socket: cannot create /x/y.sock: the folder is read-only; " +
			"set DEALDESK_CONTROL_SOCKET to a writable place"},
		{"/x/y.sock", bind(syscall.EACCES), "the folder is not writable for this user"},
		{"/" + strings.Repeat("x", 120), bind(syscall.EINVAL), "longer than a unix socket's 103 bytes"},
	} {
		if got := socketError(tc.path, tc.err).Error(); !strings.Contains(got, tc.want) {
			t.Errorf("socketError(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}

	if os.Getuid() == 0 {
		t.Log("running as root: the real read-only folder is not tried")
		return
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	_, err := createSocket(filepath.Join(dir, "ctl.sock"))
	if err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("createSocket in a read-only folder = %v", err)
	}
}

// TestControlSocket_LeavesOtherFilesAlone: a file that is not a socket at
// the socket's path is neither removed nor replaced.
func TestControlSocket_LeavesOtherFilesAlone(t *testing.T) {
	dir := t.TempDir()
	var log syncBuffer
	m := openMain(t, dir, &log)
	path := filepath.Join(dir, "precious.txt")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := listenControl(path, m, m.Log)
	if err != nil || s != nil {
		t.Fatalf("listenControl = %v, %v; want no socket and no error", s, err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "keep me" {
		t.Fatalf("the file became %q, %v", b, err)
	}
	mustContain(t, log.String(), "exists and is not a socket", "work only while DealDesk is stopped")
}
