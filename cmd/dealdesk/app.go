package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/metrics"
	"github.com/dealdesk/dealdesk/adapters/pdf"
	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/console"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/workcal"
	"github.com/dealdesk/dealdesk/locales"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/postgres"
)

// Main is the program: configuration, the wired components and their
// goroutines.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Interactive makes the console print a prompt; main sets it when
	// standard input is a terminal.
	Interactive bool

	Config Config
	Log    zerolog.Logger
	// Clock gives the jobs and the store their time; NewMain sets the
	// system clock, tests a fake one.
	Clock core.Clock
	// DB is the store: bbolt (a file) or PostgreSQL (a URL), as DEALDESK_DB
	// says, instrumented for /metrics.
	DB      core.Store
	Service *core.Service
	Bot     *bot.Bot
	// Metrics are what /metrics shows; nil outside serving (subcommands).
	Metrics *metrics.Metrics

	// tuneTelegram lets end-to-end tests shorten Telegram's poll gap and
	// rate limits.
	tuneTelegram func(*telegram.Config)

	args    []string // the subcommand and its arguments
	logFile *os.File // DEALDESK_LOG_FILE, or <DB>.log under the console; nil: stderr
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	done    chan struct{}
	endOnce sync.Once
	sched   *scheduler
	pdf     *pdf.Pool // LibreOffice workers, when found
	ctl     *controlServer
	closed  bool

	bolt    *bolt.DB     // the store when it is a bbolt file
	pg      *postgres.DB // the store when it is PostgreSQL
	elector *postgres.Elector
	http    *httpServer
	schedMu sync.Mutex  // guards sched, which each term of leadership replaces
	leading atomic.Bool // the leader's work runs here (PostgreSQL)
}

// defaultTuneTelegram is tuneTelegram for every Main; only the crash tests
// set it, in the child processes they kill.
var defaultTuneTelegram func(*telegram.Config)

// NewMain returns a Main on the process's standard streams and environment.
func NewMain() *Main {
	fi, err := os.Stdin.Stat()
	interactive := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		Interactive: interactive, Clock: core.SystemClock{}, done: make(chan struct{}),
		tuneTelegram: defaultTuneTelegram}
}

// ParseFlags reads the flags and loads the configuration.
func (m *Main) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("dealdesk", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	configPath := fs.String("config", "", "TOML configuration file")
	fs.Usage = func() { printUsage(m.Stderr) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	m.args = fs.Args()
	cfg, err := LoadConfig(*configPath, m.Getenv)
	if err != nil {
		return err
	}
	m.Config = cfg
	w, err := m.openLog()
	if err != nil {
		return err
	}
	m.Log = newLogger(w, cfg.LogLevel, cfg.LogFormat)
	return nil
}

// openLog opens where the logs go: standard error, or a file appended to.
func (m *Main) openLog() (io.Writer, error) {
	path := m.Config.logPath(len(m.args) == 0)
	if path == "" {
		return m.Stderr, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("log file: %w", err)
	}
	// Logs name users and chats: readable by the owner only.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("log file: %w; set DEALDESK_LOG_FILE to a writable file, or - for stderr", err)
	}
	m.logFile = f
	return f, nil
}

// Done is closed when DealDesk has nothing more to do: a subcommand
// finished, or the console's piped input ended.
func (m *Main) Done() <-chan struct{} { return m.done }

func (m *Main) end() { m.endOnce.Do(func() { close(m.done) }) }

// Run runs a subcommand to its end, or starts DealDesk and returns once it
// is serving.
func (m *Main) Run(ctx context.Context) error {
	if len(m.args) > 0 {
		defer m.end()
		switch m.args[0] {
		case "backup":
			return m.runBackup(ctx, m.args[1:])
		case "invite":
			return m.runInvite(ctx, m.args[1:])
		case "check":
			return m.runCheck(ctx, m.args[1:])
		case "migrate":
			return m.runMigrate(ctx, m.args[1:])
		default:
			printUsage(m.Stderr)
			return fmt.Errorf("unknown command %q", m.args[0])
		}
	}
	return m.serve(ctx)
}

// open opens the database and builds the core service; extra are the
// options of serving (documents).
func (m *Main) open(extra []core.Option, platforms ...string) error {
	if err := m.openStore(); err != nil {
		return err
	}
	opts := append([]core.Option{core.WithLogger(m.Log.With().Str("component", "core").Logger()),
		core.WithPlatforms(platforms...), core.WithRegistries(m.registries()...),
		core.WithRegistryTTL(m.Config.RegistryTTL)}, extra...)
	store := m.DB
	if m.Metrics != nil {
		store = m.Metrics.Store(m.DB)
	}
	m.Service = core.NewService(store, opts...)
	return nil
}

// openStore opens the database DEALDESK_DB names: a PostgreSQL URL, or a
// bbolt file.
func (m *Main) openStore() error {
	if m.Config.postgres() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		pg, err := postgres.Open(ctx, m.Config.DB, postgres.WithClock(m.Clock), postgres.WithName(m.Config.Instance))
		if err != nil {
			return err
		}
		m.pg, m.DB = pg, pg
		// The instance's own files (control socket, console log) go under
		// ./var, as bbolt's file does by default.
		if dir := filepath.Dir(m.Config.ControlSocket); dir != "" {
			_ = os.MkdirAll(dir, 0o750)
		}
		return nil
	}
	db, err := bolt.Open(m.Config.DB, bolt.WithClock(m.Clock))
	if err != nil {
		return err
	}
	m.bolt, m.DB = db, db
	return nil
}

// dbName is DEALDESK_DB for the logs: a PostgreSQL URL without its password.
func (m *Main) dbName() string {
	if m.Config.postgres() {
		return postgres.Redact(m.Config.DB)
	}
	return m.Config.DB
}

// serve wires the transports, the outbox, the scheduler and the control
// socket, and starts them.
func (m *Main) serve(ctx context.Context) error {
	m.Metrics = metrics.New()
	bundle, err := locales.Load()
	if err != nil {
		return err
	}
	transports, err := m.transports(ctx, bundle)
	if err != nil {
		return err
	}
	var platforms []string
	for _, t := range transports {
		platforms = append(platforms, t.Platform())
	}
	docs, err := m.docOptions(bundle)
	if err != nil {
		return err
	}
	reports, err := m.reportOptions(bundle)
	if err != nil {
		return err
	}
	docs = append(append(docs, reports...), core.WithCalendar(workcal.New()))
	if err := m.open(docs, platforms...); err != nil {
		return err
	}
	if err := m.Service.SeedTemplates(ctx); err != nil {
		return fmt.Errorf("built-in templates: %w", err)
	}
	if err := m.importTemplates(ctx); err != nil {
		return err
	}
	var admins []core.Admin
	for _, id := range m.Config.Admins {
		admins = append(admins, core.Admin{Identity: id})
	}
	if _, ok := findTransport(transports, core.PlatformConsole); ok {
		admins = append(admins, core.Admin{Identity: core.Identity(core.PlatformConsole, console.UserID),
			Name: console.UserName()})
	}
	if err := m.Service.SeedAdmins(ctx, admins); err != nil {
		return fmt.Errorf("DEALDESK_ADMINS: %w", err)
	}
	m.Bot = bot.New(bot.Config{Service: m.Service, Locales: bundle,
		Logger:    m.Log.With().Str("component", "bot").Logger(),
		ChatBurst: m.Config.ChatBurst, ChatRate: m.Config.ChatRate, UseCases: usecases.All, Clock: m.Clock,
		Observer: m.Metrics})
	m.watchMetrics(platforms)
	for _, t := range transports {
		m.Bot.AddTransport(t)
	}
	ctx, m.cancel = context.WithCancel(ctx)
	if m.ctl, err = listenControl(m.Config.ControlSocket, m, m.Log); err != nil {
		return err
	}
	if m.pg != nil {
		m.newElector()
	}
	if err := m.startHTTP(ctx, transports); err != nil {
		return err
	}
	if m.pdf != nil {
		// LibreOffice takes seconds to start: the first document does not wait for it.
		m.goRun(func() {
			if err := m.pdf.Warm(ctx); err != nil && ctx.Err() == nil {
				m.Log.Warn().Err(err).Msg("PDF: LibreOffice did not start; each conversion will try again")
			}
		})
	}
	if m.pg != nil {
		// Every instance handles what it takes (Mattermost's presses and
		// /crm, a webhook's updates); the leader also polls, runs the
		// scheduler and delivers the outbox.
		m.startStandby(ctx, transports)
		m.Log.Info().Strs("platforms", platforms).Str("db", m.dbName()).Str("instance", m.Config.Instance).
			Msg("DealDesk is running; campaigning for leadership")
		return nil
	}
	if err := m.startReminders(ctx); err != nil {
		return err
	}
	// Reports missed while DealDesk was down go out in the background: a
	// mail server that does not answer must not hold up the start.
	m.goRun(func() { m.startReports(ctx) })
	if err := m.startJobs(ctx, m.allJobs()); err != nil {
		return err
	}
	m.goRun(func() { m.Bot.SetupMenus(ctx) })
	m.goRun(func() { m.Bot.Run(ctx, m.Config.OutboxInterval, m.Config.DrainTimeout) })
	for _, t := range transports {
		m.goRun(func() { m.runTransport(ctx, t) })
	}
	m.Log.Info().Strs("platforms", platforms).Str("db", m.dbName()).Msg("DealDesk is running")
	return nil
}

func (m *Main) goRun(f func()) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		f()
	}()
}

// runTransport runs a transport until ctx is done. The console's end of
// input ends DealDesk; a chat platform that fails is restarted.
func (m *Main) runTransport(ctx context.Context, t bot.Transport) {
	if t.Platform() == core.PlatformConsole {
		// The console user picks up a dialog left unfinished at the last exit.
		m.Bot.Resume(ctx, t, console.ResumeUpdate())
		// Its question is shown before the first line is read, so that a
		// number typed first presses the question's buttons.
		if err := m.Bot.Settle(ctx, core.PlatformConsole, console.ChatID); err != nil && ctx.Err() == nil {
			m.Log.Warn().Err(err).Msg("console: resumed dialog not shown")
		}
	}
	for {
		err := t.Run(ctx, m.Bot)
		if t.Platform() == core.PlatformConsole {
			if ctx.Err() != nil {
				// Stopping, or on PostgreSQL no longer leading: the
				// console's input has not ended, and a new term of
				// leadership runs it again.
				return
			}
			if err != nil && !errors.Is(err, io.EOF) {
				m.Log.Error().Err(err).Msg("console")
			}
			m.end()
			return
		}
		if ctx.Err() != nil {
			return
		}
		m.Log.Error().Err(err).Str("platform", t.Platform()).Msg("transport stopped; restarting in 5s")
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
}

// Close stops everything, delivers what is due to the console, and closes
// the database. It is safe to call more than once.
func (m *Main) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	if m.cancel != nil {
		m.cancel()
	}
	if s := m.scheduler(); s != nil {
		// Before the store closes: a job running now finishes first.
		s.stop()
	}
	m.wg.Wait()
	if m.http != nil {
		m.http.close()
	}
	if m.ctl != nil {
		m.ctl.Close()
	}
	if m.Bot != nil {
		// Notifications meant for the console user are shown before exit.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if _, err := m.Bot.DeliverDue(ctx, core.PlatformConsole); err != nil {
			m.Log.Warn().Err(err).Msg("console outbox")
		}
		cancel()
	}
	err := m.closePDF()
	if m.bolt != nil {
		err = errors.Join(err, m.bolt.Close())
	}
	if m.pg != nil {
		err = errors.Join(err, m.pg.Close())
	}
	if m.logFile != nil {
		// Last: closing the database may still log.
		err = errors.Join(err, m.logFile.Close())
	}
	return err
}

// newLogger builds the root logger: JSON, or human-readable text on a
// terminal (or when asked for), coloured only on a terminal.
func newLogger(w io.Writer, level, format string) zerolog.Logger {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		lvl = zerolog.InfoLevel
	}
	if tty := isTerminal(w); format == "text" || (format == "auto" && tty) {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05", NoColor: !tty}
	}
	w = zerolog.SyncWriter(w) // components log from many goroutines
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func findTransport(ts []bot.Transport, platform string) (bot.Transport, bool) {
	for _, t := range ts {
		if t.Platform() == platform {
			return t, true
		}
	}
	return nil, false
}
