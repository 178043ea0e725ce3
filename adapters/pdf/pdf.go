// Package pdf converts filled DOCX documents into PDF/A-2 with LibreOffice
// and implements core.PDFConverter.
//
// A Pool keeps a few workers. Each worker owns a LibreOffice profile
// directory and, while DealDesk runs, a resident LibreOffice started on
// that profile with a small text file open, so that it stays up: a
// conversion is a short `soffice --convert-to` that hands its document to
// the resident through LibreOffice's own single-instance pipe and returns
// when the PDF is written (a fraction of a second), instead of starting
// LibreOffice for every document (seconds). A worker whose resident cannot
// start converts with one LibreOffice process per document.
//
// Every LibreOffice process runs in its own process group, tied to
// DealDesk by a lifeline pipe: a timeout or a cancelled request kills the
// whole group (soffice forks oosplash and soffice.bin), and so does
// DealDesk's exit, even a crash.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/core"
)

// Defaults of Config.
const (
	DefaultWorkers = 2
	DefaultTimeout = 60 * time.Second
	// DefaultQueue is how many callers may wait for a busy worker.
	DefaultQueue = 32
	// DefaultRecycle is after how many conversions a resident LibreOffice
	// is restarted, so that its memory does not grow without end.
	DefaultRecycle = 200
)

var (
	// ErrNotFound is returned by Find and New when no LibreOffice is
	// installed: PDF is unavailable and DealDesk sends DOCX only.
	ErrNotFound = errors.New("pdf: LibreOffice (soffice) not found")
	// ErrClosed is returned by ConvertPDF after Close.
	ErrClosed = errors.New("pdf: the converter is closed")
	// ErrBusy is returned at once when every worker is busy and the queue
	// of waiting documents is full.
	ErrBusy = errors.New("pdf: too many documents are waiting for conversion")
	// ErrNotDOCX is a file that is no DOCX (not a ZIP, no Word document
	// part): it is refused before LibreOffice sees it.
	ErrNotDOCX = errors.New("pdf: not a DOCX file")
)

// Error is a failed conversion: what failed, and the last lines
// LibreOffice wrote (its own words, e.g. "Error: source file could not be
// loaded").
type Error struct {
	Name   string // the document's name given to ConvertPDF
	Output string // the tail of LibreOffice's output, may be empty
	Err    error  // context.DeadlineExceeded after a timeout, ctx.Err() when cancelled
}

func (e *Error) Error() string {
	s := "pdf: converting " + e.Name + ": " + e.Err.Error()
	if e.Output != "" {
		s += ": " + e.Output
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Config configures a Pool. The zero value is usable: soffice is looked up
// with Find.
type Config struct {
	// Soffice is the LibreOffice program (DEALDESK_SOFFICE): a path or a
	// name looked up in PATH. Empty: Find's search.
	Soffice string
	// Workers is how many documents are converted at once (default 2).
	Workers int
	// Timeout bounds one conversion, including the start of a resident
	// LibreOffice when none runs (default 60s). At the timeout the
	// processes of the conversion are killed.
	Timeout time.Duration
	// Queue is how many callers may wait for a worker when all are busy
	// (default DefaultQueue; negative: none may wait).
	Queue int
	// Dir is where the pool's directory (profiles, temporary files) is
	// created; empty: the system's temporary directory.
	Dir string
	// Recycle is after how many conversions a resident LibreOffice is
	// restarted (default DefaultRecycle).
	Recycle int
	// OneShot turns the resident LibreOffice off: every conversion starts
	// its own LibreOffice on the worker's profile.
	OneShot bool
}

// Find returns the LibreOffice program to run: explicit (a path, or a name
// looked up in PATH) when given; else soffice or libreoffice in PATH, else
// /usr/bin/soffice, /usr/lib/libreoffice/program/soffice,
// /opt/libreoffice*/program/soffice or macOS's application. It returns an
// error wrapping ErrNotFound that says what was tried.
func Find(explicit string) (string, error) {
	if explicit != "" {
		p, err := exec.LookPath(explicit)
		if err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrNotFound, explicit, err)
		}
		return abs(p), nil
	}
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return abs(p), nil
		}
	}
	candidates := []string{"/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"}
	// The Document Foundation's own packages, the newest version first.
	opt, _ := filepath.Glob("/opt/libreoffice*/program/soffice")
	sort.SliceStable(opt, func(i, j int) bool { return newer(optVersion(opt[i]), optVersion(opt[j])) })
	candidates = append(candidates, opt...)
	candidates = append(candidates, "/Applications/LibreOffice.app/Contents/MacOS/soffice")
	for _, p := range candidates {
		if executable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w in PATH, /usr/bin, /usr/lib/libreoffice/program or /opt/libreoffice*/program "+
		"(install libreoffice-writer-nogui, or set DEALDESK_SOFFICE)", ErrNotFound)
}

// optVersion is the version in /opt/libreoffice<version>/program/soffice:
// "25.2" is [25 2].
func optVersion(p string) []int {
	dir := filepath.Base(filepath.Dir(filepath.Dir(p)))
	var v []int
	for _, f := range strings.Split(strings.TrimPrefix(dir, "libreoffice"), ".") {
		n, err := strconv.Atoi(f)
		if err != nil {
			break
		}
		v = append(v, n)
	}
	return v
}

// newer reports whether version a is later than b.
func newer(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return len(a) > len(b)
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func executable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// Pool converts DOCX to PDF/A-2 with a few LibreOffice workers. It is safe
// for concurrent use; callers beyond the workers wait in a bounded queue.
type Pool struct {
	soffice string
	timeout time.Duration
	recycle int
	log     zerolog.Logger
	dir     string   // the pool's own directory, removed by Close
	owner   *os.File // dir's ownerLock, locked while the pool lives
	workers []*worker

	idle  chan *worker  // workers free to take
	slots chan struct{} // one per caller converting or waiting: bounds the queue

	ctx       context.Context // cancelled by Close: stops waiting and restarts
	cancel    context.CancelFunc
	closeOnce sync.Once
	closed    chan struct{} // closed when Close has finished
	closeErr  error
	bg        sync.WaitGroup // restarts in the background
}

var _ core.PDFConverter = (*Pool)(nil)

// New makes a pool: it finds LibreOffice (an error wrapping ErrNotFound
// when there is none) and creates the workers' profile directories; it
// removes the directories that a killed or crashed DealDesk left in the
// same place. LibreOffice itself starts with the first conversion of each
// worker, or with Warm.
func New(cfg Config, log zerolog.Logger) (*Pool, error) {
	soffice, err := Find(cfg.Soffice)
	if err != nil {
		return nil, err
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Queue == 0 {
		cfg.Queue = DefaultQueue
	} else if cfg.Queue < 0 {
		cfg.Queue = 0
	}
	if cfg.Recycle <= 0 {
		cfg.Recycle = DefaultRecycle
	}
	dir, err := os.MkdirTemp(cfg.Dir, dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	owner, err := lockOwner(dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("pdf: %w", err)
	}
	sweepStale(cfg.Dir, dir, log)
	p := &Pool{
		owner:   owner,
		soffice: soffice,
		timeout: cfg.Timeout,
		recycle: cfg.Recycle,
		log:     log,
		dir:     dir,
		idle:    make(chan *worker, cfg.Workers),
		slots:   make(chan struct{}, cfg.Workers+cfg.Queue),
		closed:  make(chan struct{}),
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	for i := 1; i <= cfg.Workers; i++ {
		w, err := newWorker(p, i, cfg.OneShot)
		if err != nil {
			p.cancel()
			_ = os.RemoveAll(dir)
			owner.Close()
			return nil, err
		}
		p.workers = append(p.workers, w)
		p.idle <- w
	}
	return p, nil
}

// Soffice is the LibreOffice program the pool runs.
func (p *Pool) Soffice() string { return p.soffice }

// ConvertPDF converts a DOCX into PDF/A-2. name names the document in logs,
// errors and the temporary files. A caller waits for a free worker while
// ctx allows; the conversion itself is bounded by the pool's timeout. A
// failure is an *Error with LibreOffice's words, ErrNotDOCX, ErrBusy or
// ErrClosed.
func (p *Pool) ConvertPDF(ctx context.Context, docx []byte, name string) ([]byte, error) {
	if err := checkDOCX(docx); err != nil {
		return nil, err
	}
	w, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil { // taken as ctx ended: LibreOffice is left alone
		p.release(w)
		return nil, err
	}
	start := time.Now()
	pdf, err := w.convert(ctx, docx, name)
	log := p.log.Debug()
	if err != nil {
		log = p.log.Warn().Err(err)
	}
	log.Str("document", name).Int("worker", w.id).Bool("resident", w.res != nil).
		Dur("took", time.Since(start)).Int("docx_bytes", len(docx)).Int("pdf_bytes", len(pdf)).Msg("pdf conversion")
	p.release(w)
	return pdf, err
}

// Warm starts the resident LibreOffice of every worker and waits until they
// are ready, so that the first document is converted as fast as the next.
// It waits for workers busy with conversions. The starts are bounded by ctx
// only, not by the conversion timeout: the first start of LibreOffice on a
// new profile takes seconds, and much longer on a busy machine. DealDesk
// calls it in the background at start.
func (p *Pool) Warm(ctx context.Context) error {
	ctx, stop := p.bind(ctx)
	defer stop()
	var taken []*worker
	defer func() {
		for _, w := range taken {
			p.release(w)
		}
	}()
	for range p.workers {
		w, err := p.acquire(ctx)
		if err != nil {
			return err
		}
		taken = append(taken, w)
	}
	errs := make([]error, len(taken))
	var wg sync.WaitGroup
	for i, w := range taken {
		wg.Go(func() { errs[i] = w.ensureResident(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// bind returns ctx cancelled also by Close.
func (p *Pool) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(p.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// acquire takes a free worker, waiting in the bounded queue while ctx
// allows.
func (p *Pool) acquire(ctx context.Context) (*worker, error) {
	if p.ctx.Err() != nil {
		return nil, ErrClosed
	}
	select {
	case p.slots <- struct{}{}:
	default:
		return nil, ErrBusy
	}
	select {
	case w := <-p.idle:
		if p.ctx.Err() != nil { // Close raced with the take
			p.idle <- w
			<-p.slots
			return nil, ErrClosed
		}
		return w, nil
	case <-ctx.Done():
		<-p.slots
		return nil, ctx.Err()
	case <-p.ctx.Done():
		<-p.slots
		return nil, ErrClosed
	}
}

// release gives a worker back. A worker whose resident LibreOffice was
// killed or is due to be recycled gets a new one first, in the background,
// so that the next document finds it warm.
func (p *Pool) release(w *worker) {
	if w.restart && p.ctx.Err() == nil && !w.oneShot {
		p.bg.Go(func() {
			ctx, cancel := context.WithTimeout(p.ctx, p.timeout)
			defer cancel()
			if err := w.ensureResident(ctx); err != nil && p.ctx.Err() == nil {
				p.log.Warn().Err(err).Int("worker", w.id).Msg("pdf: LibreOffice did not restart; the next document will try again")
			}
			p.idle <- w
			<-p.slots
		})
		return
	}
	p.idle <- w
	<-p.slots
}

// Close waits for the conversions under way, stops every LibreOffice of
// the pool and removes its directory. Callers still waiting get ErrClosed.
func (p *Pool) Close() error {
	p.closeOnce.Do(func() {
		p.cancel()
		for range p.workers {
			w := <-p.idle
			w.stopResident()
		}
		p.bg.Wait()
		if err := os.RemoveAll(p.dir); err != nil {
			p.closeErr = fmt.Errorf("pdf: %w", err)
		}
		p.owner.Close()
		close(p.closed)
	})
	<-p.closed
	return p.closeErr
}
