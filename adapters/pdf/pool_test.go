package pdf

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// These tests run the pool against a fake soffice, a shell script that
// behaves like LibreOffice as the pool sees it: started without
// --convert-to it is the resident (it writes the lock file of the document
// it opens, as LibreOffice does, and stays); with --convert-to it writes
// <outdir>/<name>.pdf. Every process it starts is logged with its role, so
// that the tests can check none is left.

const fakeScript = `#!/bin/sh
log='{{LOG}}'
dir='{{DIR}}'
mode='{{MODE}}'
conv=; outdir=; last=
while [ $# -gt 0 ]; do
  case "$1" in
    --convert-to) conv=$2; shift ;;
    --outdir) outdir=$2; shift ;;
    *) last=$1 ;;
  esac
  shift
done
if [ -z "$conv" ]; then
  echo "resident $$" >> "$log"
  if [ "$mode" = noresident ]; then echo "fake: no resident today" >&2; exit 3; fi
  sleep 300 & echo "resident-child $!" >> "$log"
  : > "$(dirname "$last")/.~lock.$(basename "$last")#"
  wait
  exit 0
fi
echo "client $$" >> "$log"
case "$mode" in
  hang) sleep 300 & echo "client-child $!" >> "$log"; wait ;;
  fail) echo "Warning: failed to launch javaldx - java may not function correctly" >&2
        echo "Error: source file could not be loaded" >&2; exit 0 ;;
  crashonce) if [ ! -e "$dir/crashed" ]; then
          : > "$dir/crashed"
          kill -9 "$(sed -n 's/^resident //p' "$log" | tail -n 1)"
          exit 0
        fi ;;
esac
mkdir "$dir/running.$$"
echo "running $(ls -d "$dir"/running.* | wc -l)" >> "$log"
sleep {{DELAY}}
b=$(basename "$last" .docx)
{ printf '%%PDF-1.7 fake\n'; cat "$last"; } > "$outdir/$b.pdf"
rmdir "$dir/running.$$"
`

type fake struct {
	path string // the script
	log  string // what it started
}

// newFake writes a fake soffice: mode is "" (converts after delay
// seconds), "hang" (never converts), "fail" (says the file could not be
// loaded), "noresident" (the resident exits at once) or "crashonce" (the
// first conversion kills the resident, as a LibreOffice crash would).
func newFake(t *testing.T, mode string, delay float64) *fake {
	t.Helper()
	dir := t.TempDir()
	f := &fake{path: filepath.Join(dir, "soffice"), log: filepath.Join(dir, "started.log")}
	script := strings.NewReplacer("{{LOG}}", f.log, "{{DIR}}", dir, "{{MODE}}", mode,
		"{{DELAY}}", strconv.FormatFloat(delay, 'f', 2, 64)).Replace(fakeScript)
	if err := os.WriteFile(f.path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return f
}

// started lists the processes the fake started: role and pid.
func (f *fake) started(t *testing.T) [][2]string {
	t.Helper()
	data, err := os.ReadFile(f.log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out [][2]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if role, v, ok := strings.Cut(sc.Text(), " "); ok {
			out = append(out, [2]string{role, v})
		}
	}
	return out
}

// maxRunning is the most conversions the fake saw at once.
func (f *fake) maxRunning(t *testing.T) int {
	n := 0
	for _, e := range f.started(t) {
		if e[0] == "running" {
			v, _ := strconv.Atoi(strings.TrimSpace(e[1]))
			n = max(n, v)
		}
	}
	return n
}

// alive reports whether pid runs (a zombie waiting for its reaper counts as
// gone).
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && len(s) > i+2 {
		return s[i+2] != 'Z'
	}
	return true
}

// wantGone fails unless every process of the given roles is gone within a
// few seconds (SIGKILL is delivered at once; the reaper may lag).
func wantGone(t *testing.T, entries [][2]string, roles ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, e := range entries {
		if !contains(roles, e[0]) {
			continue
		}
		pid, err := strconv.Atoi(e[1])
		if err != nil {
			t.Fatalf("bad pid line %v", e)
		}
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("%s process %d still runs", e[0], pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func newPool(t *testing.T, cfg Config) *Pool {
	t.Helper()
	p, err := New(cfg, zerolog.New(zerolog.NewTestWriter(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func TestFind(t *testing.T) {
	f := newFake(t, "", 0)
	got, err := Find(f.path)
	if err != nil || got != f.path {
		t.Fatalf("Find(%q) = %q, %v", f.path, got, err)
	}
	t.Setenv("PATH", filepath.Dir(f.path))
	if got, err := Find(""); err != nil || got != f.path {
		t.Errorf("Find in PATH = %q, %v; want %q", got, err, f.path)
	}
	if got, err := Find("soffice"); err != nil || got != f.path {
		t.Errorf("Find(soffice) = %q, %v; want %q", got, err, f.path)
	}
	_, err = Find(filepath.Join(t.TempDir(), "soffice"))
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing explicit path: %v, want ErrNotFound", err)
	}
	if _, err := New(Config{Soffice: "/nonexistent/soffice"}, zerolog.Nop()); !errors.Is(err, ErrNotFound) {
		t.Errorf("New without soffice: %v, want ErrNotFound", err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := exec.LookPath("/usr/bin/soffice"); err != nil {
		if _, err := Find(""); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "DEALDESK_SOFFICE") {
			t.Errorf("Find with nothing installed: %v, want ErrNotFound naming DEALDESK_SOFFICE", err)
		}
	}
}

func TestOptVersionOrder(t *testing.T) {
	paths := []string{"/opt/libreoffice7.6/program/soffice", "/opt/libreoffice25.2/program/soffice",
		"/opt/libreoffice/program/soffice", "/opt/libreoffice24.8.4/program/soffice", "/opt/libreoffice24.8/program/soffice"}
	sort.SliceStable(paths, func(i, j int) bool { return newer(optVersion(paths[i]), optVersion(paths[j])) })
	want := []string{"/opt/libreoffice25.2/program/soffice", "/opt/libreoffice24.8.4/program/soffice",
		"/opt/libreoffice24.8/program/soffice", "/opt/libreoffice7.6/program/soffice", "/opt/libreoffice/program/soffice"}
	if !slices.Equal(paths, want) {
		t.Errorf("order %v, want %v", paths, want)
	}
}

func TestConvertThroughResident(t *testing.T) {
	f := newFake(t, "", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 1})
	for i := range 3 {
		docx := sampleDOCX(t, fmt.Sprint("doc", i))
		pdf, err := p.ConvertPDF(context.Background(), docx, "ДГ-2026-0001")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, docx) {
			t.Fatalf("conversion %d: not the fake's PDF of the document", i)
		}
	}
	residents := 0
	for _, e := range f.started(t) {
		if e[0] == "resident" {
			residents++
		}
	}
	if residents != 1 {
		t.Errorf("%d residents started for three documents, want 1 (kept warm)", residents)
	}
	// No temporary files are left in the worker's directory.
	entries, _ := os.ReadDir(p.workers[0].dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "job") {
			t.Errorf("temporary %s left behind", e.Name())
		}
	}
}

func TestSecretsNotPassedOn(t *testing.T) {
	env := environ([]string{"PATH=/usr/bin", "HOME=/home/dd", "LANG=ru_RU.UTF-8", "LC_ALL=C.UTF-8",
		"TELEGRAM_TOKEN=123:secret", "SMTP_PASSWORD=secret", "DIADOC_TOKEN=secret", "TMPDIR=/var/tmp"})
	want := []string{"PATH=/usr/bin", "HOME=/home/dd", "LANG=ru_RU.UTF-8", "LC_ALL=C.UTF-8", "TMPDIR=/var/tmp"}
	if !slices.Equal(env, want) {
		t.Errorf("environment passed to LibreOffice %v, want %v", env, want)
	}
}

func TestCancelledBeforeStartLeavesResident(t *testing.T) {
	f := newFake(t, "", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 1})
	if err := p.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.ConvertPDF(ctx, sampleDOCX(t, ""), "cancelled"); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := p.ConvertPDF(context.Background(), sampleDOCX(t, ""), "next"); err != nil {
		t.Fatal(err)
	}
	if s := f.started(t); len(s) != 2+2 || s[0][0] != "resident" || s[2][0] != "client" {
		t.Errorf("started %v, want the one resident, and one conversion", s)
	}
}

func TestTimeoutKillsProcessGroups(t *testing.T) {
	f := newFake(t, "hang", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 1, Timeout: 1500 * time.Millisecond})
	start := time.Now()
	_, err := p.ConvertPDF(context.Background(), sampleDOCX(t, ""), "hangs")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a timeout", err)
	}
	var perr *Error
	if !errors.As(err, &perr) || perr.Name != "hangs" {
		t.Errorf("got %#v, want *Error naming the document", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the timeout took %s", d)
	}
	// The resident and the client, with the children they forked, are
	// killed. (A new resident may already be starting: it is not checked.)
	var killed [][2]string
	for _, e := range f.started(t) {
		killed = append(killed, e)
		if e[0] == "client-child" {
			break
		}
	}
	if len(killed) != 4 {
		t.Fatalf("the fake logged %v, want resident, its child, client, its child", killed)
	}
	wantGone(t, killed, "resident", "resident-child", "client", "client-child")
}

func TestCancelKillsProcessGroups(t *testing.T) {
	f := newFake(t, "hang", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 1, OneShot: true})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(f.started(t)) < 2 { // client and its child
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
	}()
	_, err := p.ConvertPDF(ctx, sampleDOCX(t, ""), "cancelled")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	wantGone(t, f.started(t), "client", "client-child")
}

func TestCloseStopsResidents(t *testing.T) {
	f := newFake(t, "", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 2})
	if err := p.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	started := f.started(t)
	if n := len(started); n != 4 {
		t.Fatalf("Warm started %v, want two residents with a child each", started)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	wantGone(t, started, "resident", "resident-child")
	if _, err := os.Stat(p.dir); !os.IsNotExist(err) {
		t.Errorf("the pool's directory is left after Close: %v", err)
	}
	if _, err := p.ConvertPDF(context.Background(), sampleDOCX(t, ""), "late"); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

func TestCloseWaitsForConversions(t *testing.T) {
	f := newFake(t, "", 1)
	p := newPool(t, Config{Soffice: f.path, Workers: 1})
	done := make(chan error, 1)
	go func() {
		_, err := p.ConvertPDF(context.Background(), sampleDOCX(t, ""), "slow")
		done <- err
	}()
	for len(f.started(t)) < 3 { // resident, its child, the client
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the conversion under way at Close failed: %v", err)
		}
	default:
		t.Error("Close returned before the conversion under way")
	}
}

func TestParallelWorkersAndQueue(t *testing.T) {
	f := newFake(t, "", 0.3)
	p := newPool(t, Config{Soffice: f.path, Workers: 2})
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			docx := sampleDOCX(t, fmt.Sprint("parallel", i))
			pdf, err := p.ConvertPDF(context.Background(), docx, fmt.Sprint("doc", i))
			if err == nil && !bytes.Contains(pdf, docx) {
				err = fmt.Errorf("document %d got another document's PDF", i)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := f.maxRunning(t); n != 2 {
		t.Errorf("at most %d conversions ran at once, want 2 (the workers)", n)
	}
}

func TestQueueBoundedAndContextWhileWaiting(t *testing.T) {
	f := newFake(t, "", 1.5)
	p := newPool(t, Config{Soffice: f.path, Workers: 1, Queue: 1})
	first := make(chan error, 1)
	go func() {
		_, err := p.ConvertPDF(context.Background(), sampleDOCX(t, "1"), "first")
		first <- err
	}()
	for len(f.started(t)) < 3 {
		time.Sleep(20 * time.Millisecond)
	}
	// The worker is busy: a caller waits while its context allows.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := p.ConvertPDF(ctx, sampleDOCX(t, "2"), "impatient"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting past the context: %v, want context.DeadlineExceeded", err)
	}
	// One caller waits; the next finds the queue full.
	second := make(chan error, 1)
	go func() {
		_, err := p.ConvertPDF(context.Background(), sampleDOCX(t, "3"), "second")
		second <- err
	}()
	for len(p.slots) < 2 { // the first converting, the second waiting
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := p.ConvertPDF(context.Background(), sampleDOCX(t, "4"), "third"); !errors.Is(err, ErrBusy) {
		t.Errorf("a full queue: %v, want ErrBusy", err)
	}
	if err := <-first; err != nil {
		t.Error(err)
	}
	if err := <-second; err != nil {
		t.Error(err)
	}
}

func TestLibreOfficeWordsInError(t *testing.T) {
	f := newFake(t, "fail", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 1})
	_, err := p.ConvertPDF(context.Background(), sampleDOCX(t, ""), "broken")
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("got %v, want *Error", err)
	}
	if perr.Output != "Error: source file could not be loaded" {
		t.Errorf("output %q, want LibreOffice's error line without its noise", perr.Output)
	}
	if !strings.Contains(err.Error(), "made no PDF") {
		t.Errorf("error %q does not say no PDF was made", err)
	}
}

func TestNotDOCXRefusedBeforeLibreOffice(t *testing.T) {
	f := newFake(t, "", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 1})
	_, err := p.ConvertPDF(context.Background(), []byte("plain text, not a DOCX"), "text")
	if !errors.Is(err, ErrNotDOCX) {
		t.Fatalf("got %v, want ErrNotDOCX", err)
	}
	if s := f.started(t); len(s) != 0 {
		t.Errorf("LibreOffice was started for a file that is no DOCX: %v", s)
	}
}

func TestResidentThatCannotStayFallsBackToOneShot(t *testing.T) {
	f := newFake(t, "noresident", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 1})
	for range 2 {
		docx := sampleDOCX(t, "")
		pdf, err := p.ConvertPDF(context.Background(), docx, "oneshot")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(pdf, docx) {
			t.Fatal("not the document's PDF")
		}
	}
	residents, clients := 0, 0
	for _, e := range f.started(t) {
		switch e[0] {
		case "resident":
			residents++
		case "client":
			clients++
		}
	}
	if residents != 1 || clients != 2 {
		t.Errorf("%d resident starts and %d conversions, want 1 failed start and 2 conversions on their own", residents, clients)
	}
}

func TestCrashedResidentIsRestarted(t *testing.T) {
	f := newFake(t, "crashonce", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 1})
	_, err := p.ConvertPDF(context.Background(), sampleDOCX(t, ""), "crash")
	if err == nil || !strings.Contains(err.Error(), "resident LibreOffice exited") {
		t.Fatalf("got %v, want an error saying LibreOffice exited", err)
	}
	docx := sampleDOCX(t, "after")
	pdf, err := p.ConvertPDF(context.Background(), docx, "after-crash")
	if err != nil || !bytes.Contains(pdf, docx) {
		t.Fatalf("after a crash: %v", err)
	}
	residents := 0
	for _, e := range f.started(t) {
		if e[0] == "resident" {
			residents++
		}
	}
	if residents != 2 {
		t.Errorf("%d residents started, want 2 (one after the crash)", residents)
	}
}

func TestRecycleRestartsResident(t *testing.T) {
	f := newFake(t, "", 0)
	p := newPool(t, Config{Soffice: f.path, Workers: 1, Recycle: 2})
	for range 3 {
		if _, err := p.ConvertPDF(context.Background(), sampleDOCX(t, ""), "recycled"); err != nil {
			t.Fatal(err)
		}
	}
	var residents [][2]string
	for _, e := range f.started(t) {
		if e[0] == "resident" || e[0] == "resident-child" {
			residents = append(residents, e)
		}
	}
	if len(residents) != 4 {
		t.Fatalf("residents %v, want two (recycled after two documents)", residents)
	}
	wantGone(t, residents[:2], "resident", "resident-child")
}

func TestStaleDirectoriesRemoved(t *testing.T) {
	f := newFake(t, "", 0)
	parent := t.TempDir()
	// A pool of a DealDesk that was killed: its lock is let go with it.
	dead := filepath.Join(parent, dirPrefix+"dead")
	if err := os.MkdirAll(filepath.Join(dead, "w1", "profile"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dead, ownerLock), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A directory without a lock, older than unlockedAge, and a fresh one
	// (a pool being made this instant).
	old, fresh := filepath.Join(parent, dirPrefix+"old"), filepath.Join(parent, dirPrefix+"fresh")
	for _, d := range []string{old, fresh} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * unlockedAge)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(parent, "not-ours")
	if err := os.Mkdir(other, 0o700); err != nil {
		t.Fatal(err)
	}
	live := newPool(t, Config{Soffice: f.path, Workers: 1, Dir: parent})

	p := newPool(t, Config{Soffice: f.path, Workers: 1, Dir: parent})
	for _, d := range []string{dead, old} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", filepath.Base(d), err)
		}
	}
	for _, d := range []string{fresh, other, live.dir, p.dir} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(d), err)
		}
	}
	if _, err := live.ConvertPDF(context.Background(), sampleDOCX(t, ""), "live"); err != nil {
		t.Errorf("the other live pool: %v", err)
	}
}

// TestResidentsDieWithDealDesk kills a process that owns a pool (this test
// binary run again as a helper) with SIGKILL: its residents must not
// outlive it.
func TestResidentsDieWithDealDesk(t *testing.T) {
	if os.Getenv("PDF_TEST_OWNER") != "" {
		return
	}
	f := newFake(t, "", 0)
	cmd := exec.Command(os.Args[0], "-test.run=^TestPoolOwnerHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "PDF_TEST_OWNER="+f.path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(out)
	ready := false
	for sc.Scan() {
		if sc.Text() == "warm" {
			ready = true
			break
		}
	}
	if !ready {
		t.Fatal("the helper did not warm its pool")
	}
	started := f.started(t)
	if len(started) != 2 {
		t.Fatalf("the helper started %v, want a resident and its child", started)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	wantGone(t, started, "resident", "resident-child")

	// The next pool made in the same place removes the killed one's
	// directory.
	parent := filepath.Dir(f.path)
	left, _ := filepath.Glob(filepath.Join(parent, dirPrefix+"*"))
	if len(left) != 1 {
		t.Fatalf("the killed helper left %v, want its pool's directory", left)
	}
	newPool(t, Config{Soffice: f.path, Workers: 1, Dir: parent})
	if _, err := os.Stat(left[0]); !os.IsNotExist(err) {
		t.Errorf("the killed helper's directory is still there: %v", err)
	}
}

// TestPoolOwnerHelper is the owner process of TestResidentsDieWithDealDesk.
func TestPoolOwnerHelper(t *testing.T) {
	soffice := os.Getenv("PDF_TEST_OWNER")
	if soffice == "" {
		t.Skip("a helper of TestResidentsDieWithDealDesk")
	}
	p, err := New(Config{Soffice: soffice, Workers: 1, Dir: filepath.Dir(soffice)}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	fmt.Println("warm")
	time.Sleep(time.Minute) // killed by the test
}
