package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// These tests convert with the real LibreOffice. They skip where it is not
// installed, except in CI (CI=true), where .ci/run installs it and a skip
// would hide a broken PDF path: there they fail.

// needTool returns a program's path, or skips (fails in CI) without it.
func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	var path string
	var err error
	if name == "soffice" {
		path, err = Find(os.Getenv("DEALDESK_SOFFICE"))
	} else {
		path, err = exec.LookPath(name)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v: .ci/run installs %s; in CI this test must run", err, pkg)
		}
		t.Skipf("%v (install %s to run this test)", err, pkg)
	}
	return path
}

// realPool makes a pool of the installed LibreOffice. A zero timeout is
// three minutes: the first conversion starts LibreOffice on a new profile,
// which takes many seconds on a machine busy with the other tests.
func realPool(t testing.TB, workers int, timeout time.Duration) *Pool {
	t.Helper()
	return realPoolConfig(t, Config{Workers: workers, Timeout: timeout})
}

func realPoolConfig(t testing.TB, cfg Config) *Pool {
	t.Helper()
	cfg.Soffice = needTool(t, "soffice", "libreoffice-writer-nogui")
	if cfg.Timeout == 0 {
		cfg.Timeout = 3 * time.Minute
	}
	p, err := New(cfg, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}

// pdfText is the PDF's text as pdftotext reads it, with runs of white
// space (line breaks included) made one space.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	tool := needTool(t, "pdftotext", "poppler-utils")
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// pdfPages counts the PDF's pages with pdfinfo.
func pdfPages(t testing.TB, pdf []byte) int {
	t.Helper()
	tool := needTool(t, "pdfinfo", "poppler-utils")
	cmd := exec.Command(tool, "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo printed no page count: %s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// pdfAPart is the PDF/A part the XMP metadata declares (LibreOffice writes
// the metadata stream uncompressed, as PDF/A asks), or "".
func pdfAPart(pdf []byte) string {
	m := regexp.MustCompile(`pdfaid:part(?:>|=")(\d)`).FindSubmatch(pdf)
	if m == nil {
		return ""
	}
	return string(m[1])
}

func TestLibreOfficeConvertsDOCX(t *testing.T) {
	p := realPool(t, 1, 0)
	docx := sampleDOCX(t, "первый")
	start := time.Now()
	pdf, err := p.ConvertPDF(context.Background(), docx, "ДГ-2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	first := time.Since(start)
	text := pdfText(t, pdf)
	for _, want := range []string{
		"ДОГОВОР № ДГ-2026-0001 первый",
		"ООО «Ромашка», ИНН 7707083893",
		"1 234 567,89 ₽ (один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек)",
		"Сопровождение сделки", // a table cell
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if part := pdfAPart(pdf); part != "2" {
		t.Errorf("PDF/A part %q in the XMP metadata, want 2", part)
	}

	// The next document goes to the warm worker.
	start = time.Now()
	pdf, err = p.ConvertPDF(context.Background(), sampleDOCX(t, "второй"), "ДГ-2026-0002")
	if err != nil {
		t.Fatal(err)
	}
	next := time.Since(start)
	if text := pdfText(t, pdf); !strings.Contains(text, "ДГ-2026-0001 второй") {
		t.Errorf("the second PDF is not the second document: %s", text)
	}
	t.Logf("first conversion (LibreOffice starting) %s, the next (warm) %s", first.Round(time.Millisecond), next.Round(time.Millisecond))
}

func TestLibreOfficeDamagedDOCX(t *testing.T) {
	p := realPool(t, 1, 0)
	// A sound ZIP whose document is cut in the middle of its XML.
	good := sampleDOCX(t, "")
	parts := map[string]string{
		"[Content_Types].xml":          ctTypes,
		"_rels/.rels":                  pkgRels,
		"word/_rels/document.xml.rels": docRels,
		"word/styles.xml":              styles,
		"word/document.xml":            (docStart + para("ООО «Ромашка»", false))[:len(docStart)+40],
	}
	_, err := p.ConvertPDF(context.Background(), zipParts(t, parts), "damaged")
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("got %v, want *Error", err)
	}
	if !strings.Contains(perr.Output, "could not be loaded") {
		t.Errorf("LibreOffice's words missing from %q", err)
	}
	// The worker converts the next document as before.
	if _, err := p.ConvertPDF(context.Background(), good, "after-damaged"); err != nil {
		t.Errorf("after a damaged document: %v", err)
	}
	// Not a DOCX at all: refused before LibreOffice.
	if _, err := p.ConvertPDF(context.Background(), good[:len(good)-30], "truncated"); !errors.Is(err, ErrNotDOCX) {
		t.Errorf("a truncated file: %v, want ErrNotDOCX", err)
	}
}

func TestLibreOfficeParallel(t *testing.T) {
	p := realPool(t, 2, 0)
	const n = 4
	var wg sync.WaitGroup
	texts, errs := make([]string, n), make([]error, n)
	for i := range n {
		wg.Go(func() {
			pdf, err := p.ConvertPDF(context.Background(), sampleDOCX(t, fmt.Sprintf("параллельно-%d", i)), fmt.Sprint("p", i))
			if err == nil {
				texts[i] = pdfText(t, pdf)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("document %d: %v", i, errs[i])
		} else if want := fmt.Sprintf("параллельно-%d", i); !strings.Contains(texts[i], want) {
			t.Errorf("document %d's PDF lacks %q: %s", i, want, texts[i])
		}
	}
}

// TestLibreOfficeTimeoutKillsEverything gives LibreOffice too little time
// to start: the conversion fails with a timeout and no process of the
// pool's profiles is left (soffice forks oosplash and soffice.bin).
func TestLibreOfficeTimeoutKillsEverything(t *testing.T) {
	p := realPool(t, 1, 300*time.Millisecond)
	_, err := p.ConvertPDF(context.Background(), sampleDOCX(t, ""), "too-slow")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a timeout", err)
	}
	// The pool starts a new resident in the background after a timeout
	// (it may be ready, or killed at its own timeout): taking the worker
	// waits for that, and only that resident's processes may remain.
	w, err := p.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	keep := 0
	if w.res != nil {
		keep = w.res.cmd.Process.Pid
	}
	p.release(w)
	var left []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		left = left[:0]
		for _, proc := range processesMentioning(t, p.dir) {
			if pid, _ := strconv.Atoi(strings.Fields(proc)[0]); keep == 0 || pgid(pid) != keep {
				left = append(left, proc)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("LibreOffice processes left after the timeout: %v", left)
	}
}

// pgid is a process's group, or 0.
func pgid(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // state ppid pgrp ...
	if len(f) < 3 {
		return 0
	}
	n, _ := strconv.Atoi(f[2])
	return n
}

// processesMentioning lists the running processes whose command line
// mentions s (zombies excluded).
func processesMentioning(t testing.TB, s string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var out []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(s)) || !alive(pid) {
			continue
		}
		out = append(out, fmt.Sprintf("%d %s", pid, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
	}
	return out
}

// BenchmarkLibreOfficeContract converts a five-page contract, DOCX to
// PDF/A-2, through the warm pool, one document after another (the issue's
// target: under 2 s).
func BenchmarkLibreOfficeContract(b *testing.B) {
	p := realPool(b, DefaultWorkers, 0)
	docx := contractDOCX(b)
	if err := p.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	pdf, err := p.ConvertPDF(context.Background(), docx, "ДГ-2026-0001")
	if err != nil {
		b.Fatal(err)
	}
	if pages := pdfPages(b, pdf); pages != 5 {
		b.Fatalf("the contract has %d pages, want 5", pages)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.ConvertPDF(context.Background(), docx, "ДГ-2026-0001"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLibreOfficeContractParallel is the same with callers enough to
// keep both workers busy: the time per document of the pool's throughput.
func BenchmarkLibreOfficeContractParallel(b *testing.B) {
	p := realPool(b, DefaultWorkers, 0)
	docx := contractDOCX(b)
	if err := p.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(1) // GOMAXPROCS callers: at least one per worker on two cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.ConvertPDF(context.Background(), docx, "ДГ-2026-0001"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLibreOfficeContractOneShot is the same without the resident
// LibreOffice: one LibreOffice started for every document on the worker's
// warm profile, for comparison.
func BenchmarkLibreOfficeContractOneShot(b *testing.B) {
	p := realPoolConfig(b, Config{Workers: 1, OneShot: true})
	docx := contractDOCX(b)
	if _, err := p.ConvertPDF(context.Background(), docx, "ДГ-2026-0001"); err != nil { // makes the profile
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.ConvertPDF(context.Background(), docx, "ДГ-2026-0001"); err != nil {
			b.Fatal(err)
		}
	}
}
