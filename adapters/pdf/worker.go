package pdf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// pdfA2 is the export filter with its options: PDF/A-2b
// (SelectPdfVersion 2), in the JSON form LibreOffice reads since 7.4.
const pdfA2 = `pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}`

// docxFilter is the import filter: forced, so that LibreOffice never guesses
// another format (a damaged file would be imported as plain text).
const docxFilter = "--infilter=MS Word 2007 XML"

// lifeline runs "$@" as the leader of a new process group (Setpgid) and
// keeps a watcher in the group that reads the standard input, a pipe from
// DealDesk: when the pipe closes (DealDesk exits, even killed, or
// exec.Cmd.Wait closes it after the leader exited), the watcher kills the
// whole group, so no LibreOffice process outlives its conversion or
// DealDesk. The program itself gets /dev/null as its input.
const lifeline = `exec 3<&0; (read -r _ <&3; kill -9 0) & exec "$@" 3<&- </dev/null`

// readyPoll is how often a starting resident is checked.
const readyPoll = 25 * time.Millisecond

// crashGrace is how long a failed conversion waits to see whether the
// resident exited (crashed) with it.
const crashGrace = 200 * time.Millisecond

// worker is one LibreOffice profile and, in resident mode, the LibreOffice
// running on it. A worker is used by one goroutine at a time (the pool's
// idle channel hands it over).
type worker struct {
	pool    *Pool
	id      int
	dir     string // the worker's directory: profile, keep file, jobs
	profile string // -env:UserInstallation=<file URL>
	keep    string // the file the resident keeps open so that it stays up
	lock    string // the lock file LibreOffice writes when keep is open: the resident is ready
	resLog  string // the resident's output

	res     *proc // the running resident, nil when none
	jobs    int   // conversions by res
	restart bool  // res was stopped by a conversion (timeout, recycle): start a new one
	oneShot bool  // no resident: one LibreOffice per document
	seq     int   // numbers the job directories
}

func newWorker(p *Pool, id int, oneShot bool) (*worker, error) {
	dir := filepath.Join(p.dir, fmt.Sprintf("w%d", id))
	if err := os.MkdirAll(filepath.Join(dir, "profile"), 0o700); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	w := &worker{
		pool:    p,
		id:      id,
		dir:     dir,
		profile: "-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: filepath.Join(dir, "profile")}).String(),
		keep:    filepath.Join(dir, "keep.txt"),
		lock:    filepath.Join(dir, ".~lock.keep.txt#"),
		resLog:  filepath.Join(dir, "resident.log"),
		oneShot: oneShot,
	}
	if err := os.WriteFile(w.keep, []byte("DealDesk keeps this LibreOffice running for PDF conversions.\n"), 0o600); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return w, nil
}

// args are the options of every LibreOffice run on the worker's profile.
func (w *worker) args(extra ...string) []string {
	return append([]string{"--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck", w.profile}, extra...)
}

// ensureResident starts the worker's resident LibreOffice unless it runs,
// and waits until it is ready: it has opened the keep file (LibreOffice
// writes the file's lock then). A resident that exits before it is ready
// turns the worker to one LibreOffice per document, which is logged.
func (w *worker) ensureResident(ctx context.Context) error {
	if w.oneShot {
		return nil
	}
	if w.res != nil {
		select {
		case <-w.res.done:
			w.pool.log.Warn().Int("worker", w.id).Str("output", w.residentOutput(0)).
				Msg("pdf: the resident LibreOffice exited; starting a new one")
			w.res = nil
		default:
			return nil
		}
	}
	w.restart = false
	_ = os.Remove(w.lock) // a killed resident leaves its lock behind
	out, err := os.OpenFile(w.resLog, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	defer out.Close()
	start := time.Now()
	res, err := w.start(w.args(w.keep), out)
	if err != nil {
		w.oneShot = true
		return fmt.Errorf("pdf: starting LibreOffice %s: %w", w.pool.soffice, err)
	}
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	for {
		if _, err := os.Stat(w.lock); err == nil {
			w.res, w.jobs = res, 0
			w.pool.log.Info().Int("worker", w.id).Dur("took", time.Since(start)).Msg("pdf: LibreOffice is ready")
			return nil
		}
		select {
		case <-res.done:
			w.oneShot = true
			err := fmt.Errorf("pdf: LibreOffice exited as it started (%v): %s", res.cmd.ProcessState, w.residentOutput(0))
			w.pool.log.Warn().Err(err).Int("worker", w.id).
				Msg("pdf: LibreOffice does not stay running; this worker starts one for every document")
			return err
		case <-ctx.Done():
			res.kill()
			return fmt.Errorf("pdf: LibreOffice was not ready after %s: %w", time.Since(start).Round(time.Millisecond), ctx.Err())
		case <-tick.C:
		}
	}
}

// stopResident kills the resident LibreOffice, if one runs.
func (w *worker) stopResident() {
	if w.res != nil {
		w.res.kill()
		w.res = nil
	}
}

// residentOutput is the tail of what the resident wrote from offset on.
func (w *worker) residentOutput(offset int64) string {
	return readTail(w.resLog, offset)
}

// convert converts one document on this worker.
func (w *worker) convert(ctx context.Context, docx []byte, name string) ([]byte, error) {
	fail := func(output string, err error) ([]byte, error) {
		return nil, &Error{Name: name, Output: output, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, w.pool.timeout)
	defer cancel()
	timeoutErr := func() error {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("no PDF after %s: %w", w.pool.timeout, context.DeadlineExceeded)
		}
		return ctx.Err()
	}

	w.seq++
	job := filepath.Join(w.dir, fmt.Sprintf("job%d", w.seq))
	outDir := filepath.Join(job, "out")
	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return fail("", err)
	}
	defer os.RemoveAll(job)
	base := fileName(name)
	in := filepath.Join(job, base+".docx")
	if err := os.WriteFile(in, docx, 0o600); err != nil {
		return fail("", err)
	}

	if err := w.ensureResident(ctx); err != nil {
		if !w.oneShot {
			if ctx.Err() != nil {
				return fail(w.residentOutput(0), timeoutErr())
			}
			return fail("", err)
		}
		// The resident cannot start: this conversion runs on its own.
	}
	res := w.res // nil: this conversion runs on its own
	var offset int64
	if res != nil {
		if fi, err := os.Stat(w.resLog); err == nil {
			offset = fi.Size()
		}
	}
	output := func() string {
		s := readTail(filepath.Join(job, "client.log"), 0)
		if res != nil {
			if r := w.residentOutput(offset); r != "" {
				s = strings.TrimSpace(s + "\n" + r)
			}
		}
		return s
	}

	logFile, err := os.Create(filepath.Join(job, "client.log"))
	if err != nil {
		return fail("", err)
	}
	client, err := w.start(w.args(docxFilter, "--convert-to", pdfA2, "--outdir", outDir, in), logFile)
	logFile.Close()
	if err != nil {
		return fail("", fmt.Errorf("starting LibreOffice %s: %w", w.pool.soffice, err))
	}
	select {
	case <-client.done:
	case <-ctx.Done():
		// The resident is the one converting: it is killed with the client
		// and started again for the next document.
		client.kill()
		if res != nil {
			res.kill()
			w.res, w.restart = nil, true
		}
		return fail(output(), timeoutErr())
	}
	defer func() {
		// After Recycle documents the resident makes way for a new one.
		if res != nil && w.res == res {
			if w.jobs++; w.jobs >= w.pool.recycle {
				res.kill()
				w.res, w.restart = nil, true
			}
		}
	}()

	pdf, err := os.ReadFile(filepath.Join(outDir, base+".pdf"))
	if err != nil || len(pdf) == 0 {
		why := "LibreOffice made no PDF"
		if st := client.cmd.ProcessState; st != nil && !st.Success() {
			why += " (" + st.String() + ")"
		}
		if res != nil {
			// A resident that crashed on the document is seen to exit
			// within moments; it is started again before the next one.
			select {
			case <-res.done:
				why += "; the resident LibreOffice exited"
				w.res, w.restart = nil, true
			case <-time.After(crashGrace):
			}
		}
		return fail(output(), errors.New(why))
	}
	if !strings.HasPrefix(string(pdf[:min(len(pdf), 5)]), "%PDF-") {
		return fail(output(), errors.New("LibreOffice wrote a file that is no PDF"))
	}
	return pdf, nil
}

// proc is a LibreOffice process group started by start.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the group's leader has exited
}

// start runs soffice with args as a new process group tied to DealDesk by
// the lifeline; its output goes to out.
func (w *worker) start(args []string, out *os.File) (*proc, error) {
	cmd := exec.Command("/bin/sh", append([]string{"-c", lifeline, "dealdesk-soffice", w.pool.soffice}, args...)...)
	cmd.Dir = w.dir
	cmd.Env = environ(os.Environ())
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Wait closes the pipe after the leader exits: the watcher then kills
	// what is left of the group.
	pipe, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		pipe.Close()
		return nil, err
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// environ keeps of DealDesk's environment what LibreOffice uses (paths,
// user, locale, time zone, fonts): DealDesk's secrets (tokens, passwords)
// are not passed on.
func environ(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "PATH", k == "HOME", k == "USER", k == "LOGNAME", k == "TMPDIR", k == "TZ",
			k == "LANG", k == "LANGUAGE", strings.HasPrefix(k, "LC_"),
			strings.HasPrefix(k, "FONTCONFIG_"), strings.HasPrefix(k, "XDG_"), strings.HasPrefix(k, "SAL_"):
			out = append(out, kv)
		}
	}
	return out
}

// kill kills the whole process group and waits for its leader.
func (p *proc) kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

// fileName makes a safe file name of a document's name: ASCII letters,
// digits, '.', '-' and '_'; anything else becomes '_'.
func fileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == '.' && b.Len() > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 64 {
			break
		}
	}
	s := strings.Trim(b.String(), "_.")
	if s == "" {
		return "document"
	}
	return s
}

// maxOutput bounds the tail of LibreOffice's output kept in an error.
const (
	maxOutput      = 600
	maxOutputLines = 6
)

// readTail reads a log from offset and returns its last meaningful lines:
// LibreOffice's progress lines and a harmless warning are left out.
func readTail(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size()-offset > 64<<10 {
		offset = fi.Size() - 64<<10
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	data, _ := io.ReadAll(f)
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "",
			strings.HasPrefix(l, "convert "),
			strings.HasPrefix(l, "Overwriting: "),
			strings.Contains(l, "failed to launch javaldx"):
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) > maxOutputLines {
		lines = lines[len(lines)-maxOutputLines:]
	}
	s := strings.Join(lines, "\n")
	if len(s) > maxOutput {
		s = s[len(s)-maxOutput:]
		for len(s) > 0 && s[0]&0xC0 == 0x80 { // not in the middle of a rune
			s = s[1:]
		}
		s = "…" + s
	}
	return s
}
