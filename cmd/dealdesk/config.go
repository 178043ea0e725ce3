package main

import (
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/dealdesk/dealdesk/storage/postgres"
)

// Config is DealDesk's configuration. It comes from defaults, then an
// optional TOML file (-config) whose keys are the variable names below,
// then the environment.
type Config struct {
	DB             string
	LogLevel       string
	LogFormat      string
	LogFile        string
	Admins         []string
	Console        string
	FilesDir       string
	ControlSocket  string
	OutboxInterval time.Duration
	RemindTick     time.Duration
	DrainTimeout   time.Duration
	ChatBurst      int
	ChatRate       float64
	// Instance names this process among those sharing a PostgreSQL
	// database; LeaderTimeout is how soon another takes over a dead leader.
	Instance      string
	LeaderTimeout time.Duration

	MattermostURL          string
	MattermostToken        string
	MattermostTeam         string
	MattermostCommandToken string
	// MattermostTrustedSources are addresses besides the server's that may
	// call DealDesk's HTTP endpoint (a proxy in front of it).
	MattermostTrustedSources []netip.Prefix
	HTTPAddr                 string
	PublicURL                string
	ActionSecret             string

	DaDataKey, DaDataURL      string
	FNSAPIKey, FNSAPIURL      string
	SparkLogin, SparkPassword string
	SparkURL                  string
	RegistryTTL               time.Duration
	RegistryRecheck           time.Duration
	RegistryPause             time.Duration

	TelegramToken         string
	TelegramAPIURL        string
	TelegramWebhookURL    string
	TelegramWebhookAddr   string
	TelegramWebhookSecret string

	// Documents (documents.go).
	CompanyFile    string
	TemplatesDir   string
	VATRate        string
	ApprovalKinds  string
	VerifyMaxAge   time.Duration
	Soffice        string
	PDFWorkers     int
	PDFTimeout     time.Duration
	DocSendEvery   time.Duration
	EDOPollEvery   time.Duration
	SMTPHost       string
	SMTPPort       int
	SMTPUsername   string
	SMTPPassword   string
	SMTPFrom       string
	SMTPTLS        string
	SMTPCAFile     string
	SMTPTimeout    time.Duration
	DiadocURL      string
	DiadocClientID string
	DiadocToken    string
	DiadocAuth     string
	DiadocBoxID    string
	DiadocDept     string

	// Reports (reports.go).
	CSVSeparator    string
	ReportTick      time.Duration
	ReportStaleDays int
	ReportKeepDays  int
}

// option is one configuration variable.
type option struct {
	name   string
	def    string
	secret bool
	help   string
	set    func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

// options lists every variable; -h and the README's table are made from it.
var options = []option{
	{name: "DEALDESK_DB", def: "./var/dealdesk.db", help: "bbolt database file (its folder is created), or a PostgreSQL database: postgres://user:password@host:5432/dealdesk (then any number of instances may share it)",
		set: str(func(c *Config) *string { return &c.DB })},
	{name: "DEALDESK_INSTANCE", def: "", help: "this instance's name among those sharing a PostgreSQL database (shown by /readyz and to PostgreSQL as application_name); empty: the host name",
		set: str(func(c *Config) *string { return &c.Instance })},
	{name: "DEALDESK_LEADER_TIMEOUT", def: "15s", help: "on PostgreSQL, how soon a standing-by instance takes over from a leader that died or lost its connection (polling, the scheduler, the outbox)",
		set: func(c *Config, v string) (err error) { c.LeaderTimeout, err = time.ParseDuration(v); return err }},
	{name: "DEALDESK_LOG_LEVEL", def: "info", help: "debug, info, warn or error",
		set: str(func(c *Config) *string { return &c.LogLevel })},
	{name: "DEALDESK_LOG_FORMAT", def: "auto", help: "json, text, or auto (text on a terminal, else JSON); text in a file has no colour codes",
		set: str(func(c *Config) *string { return &c.LogFormat })},
	{name: "DEALDESK_LOG_FILE", def: "", help: "file the logs are appended to, or - for stderr; empty: <DB>.log while the console transport runs (so that logs do not mix with its replies), else stderr",
		set: str(func(c *Config) *string { return &c.LogFile })},
	{name: "DEALDESK_ADMINS", def: "", help: "comma-separated identities made admins at start: telegram:<id>, mattermost:<id>",
		set: func(c *Config, v string) error { c.Admins = splitList(v); return nil }},
	{name: "DEALDESK_CONSOLE", def: "auto", help: "console transport: auto (on when no chat platform is configured), on, off",
		set: str(func(c *Config) *string { return &c.Console })},
	{name: "DEALDESK_FILES_DIR", def: "./var/files", help: "where the console transport writes files it is sent",
		set: str(func(c *Config) *string { return &c.FilesDir })},
	{name: "DEALDESK_CONTROL_SOCKET", def: "", help: "unix socket for `backup` and `invite` while DealDesk runs; empty: <DB>.sock (on PostgreSQL: ./var/dealdesk-<DEALDESK_INSTANCE>.sock)",
		set: str(func(c *Config) *string { return &c.ControlSocket })},
	{name: "DEALDESK_OUTBOX_INTERVAL", def: "1s", help: "how often the outbox looks for notifications to send",
		set: func(c *Config, v string) (err error) { c.OutboxInterval, err = time.ParseDuration(v); return err }},
	{name: "DEALDESK_REMIND_TICK", def: "5s", help: "how often due reminders are fired (missed ones fire at start, marked late)",
		set: func(c *Config, v string) (err error) { c.RemindTick, err = time.ParseDuration(v); return err }},
	{name: "DEALDESK_DRAIN_TIMEOUT", def: "10s", help: "on stop, how long updates already received are handled and replies sent before exit (the rest waits for the next start)",
		set: func(c *Config, v string) (err error) { c.DrainTimeout, err = time.ParseDuration(v); return err }},
	{name: "DEALDESK_CHAT_BURST", def: "20", help: "messages one chat may send at once before DealDesk slows it down",
		set: func(c *Config, v string) (err error) { c.ChatBurst, err = strconv.Atoi(v); return err }},
	{name: "DEALDESK_CHAT_RATE", def: "1", help: "messages a second DealDesk handles from a chat that sent more than the burst",
		set: func(c *Config, v string) (err error) { c.ChatRate, err = strconv.ParseFloat(v, 64); return err }},
	{name: "MATTERMOST_URL", help: "Mattermost server address; with MATTERMOST_TOKEN enables the Mattermost transport",
		set: str(func(c *Config) *string { return &c.MattermostURL })},
	{name: "MATTERMOST_TOKEN", secret: true, help: "access token of the bot account DealDesk posts as",
		set: str(func(c *Config) *string { return &c.MattermostToken })},
	{name: "MATTERMOST_TEAM", help: "team (name) to register the /crm command in; empty: every team of the bot",
		set: str(func(c *Config) *string { return &c.MattermostTeam })},
	{name: "MATTERMOST_COMMAND_TOKEN", secret: true, help: "token of a /crm command an admin registered by hand",
		set: str(func(c *Config) *string { return &c.MattermostCommandToken })},
	{name: "MATTERMOST_TRUSTED_SOURCES", help: "comma-separated addresses or networks (10.0.0.7, 10.1.0.0/16) besides the Mattermost server's own that may send /crm and button presses: a proxy in front of DealDesk, servers behind a load balancer",
		set: func(c *Config, v string) (err error) { c.MattermostTrustedSources, err = parsePrefixes(v); return err }},
	{name: "DEALDESK_HTTP_ADDR", def: "127.0.0.1:8181", help: "where DealDesk serves /healthz, /readyz, /metrics (Prometheus) and Mattermost's button presses and /crm",
		set: str(func(c *Config) *string { return &c.HTTPAddr })},
	{name: "DEALDESK_PUBLIC_URL", help: "how the Mattermost server reaches DEALDESK_HTTP_ADDR; empty: http://<DEALDESK_HTTP_ADDR>",
		set: str(func(c *Config) *string { return &c.PublicURL })},
	{name: "DEALDESK_ACTION_SECRET", secret: true, help: "key that signs Mattermost button contexts; empty: a random key kept in <DB>.action-secret (on PostgreSQL required with Mattermost: every instance signs with the same key)",
		set: str(func(c *Config) *string { return &c.ActionSecret })},
	{name: "DADATA_API_KEY", secret: true, help: "DaData API key; enables the DaData registry (findById/party)",
		set: str(func(c *Config) *string { return &c.DaDataKey })},
	{name: "DADATA_URL", help: "DaData suggestions API root; empty: the official one",
		set: str(func(c *Config) *string { return &c.DaDataURL })},
	{name: "FNSAPI_KEY", secret: true, help: "api-fns.ru key; enables the FNS registry (egr and check)",
		set: str(func(c *Config) *string { return &c.FNSAPIKey })},
	{name: "FNSAPI_URL", help: "api-fns.ru API root; empty: the official one",
		set: str(func(c *Config) *string { return &c.FNSAPIURL })},
	{name: "SPARK_LOGIN", help: "SPARK-Interfax login; with SPARK_PASSWORD enables SPARK",
		set: str(func(c *Config) *string { return &c.SparkLogin })},
	{name: "SPARK_PASSWORD", secret: true, help: "SPARK-Interfax password",
		set: str(func(c *Config) *string { return &c.SparkPassword })},
	{name: "SPARK_URL", help: "SPARK SOAP endpoint; empty: the official one",
		set: str(func(c *Config) *string { return &c.SparkURL })},
	{name: "DEALDESK_REGISTRY_TTL", def: "24h", help: "how long a registry's answer is reused",
		set: dur(func(c *Config) *time.Duration { return &c.RegistryTTL })},
	{name: "DEALDESK_REGISTRY_RECHECK", def: "720h", help: "re-check verified clients against the registry this often (0: never)",
		set: dur(func(c *Config) *time.Duration { return &c.RegistryRecheck })},
	{name: "DEALDESK_REGISTRY_PAUSE", def: "2s", help: "pause between registry calls of the re-check, to stay within the registries' limits",
		set: dur(func(c *Config) *time.Duration { return &c.RegistryPause })},
	{name: "TELEGRAM_TOKEN", secret: true, help: "Telegram bot token from @BotFather; enables the Telegram transport",
		set: str(func(c *Config) *string { return &c.TelegramToken })},
	{name: "TELEGRAM_API_URL", def: "https://api.telegram.org", help: "Bot API server (a self-hosted one, or a test server)",
		set: str(func(c *Config) *string { return &c.TelegramAPIURL })},
	{name: "TELEGRAM_WEBHOOK_URL", help: "public HTTPS URL for webhook mode; empty: long polling",
		set: str(func(c *Config) *string { return &c.TelegramWebhookURL })},
	{name: "TELEGRAM_WEBHOOK_ADDR", def: ":8443", help: "address the webhook server listens on",
		set: str(func(c *Config) *string { return &c.TelegramWebhookAddr })},
	{name: "TELEGRAM_WEBHOOK_SECRET", secret: true, help: "secret token Telegram sends with each webhook call: 16-256 of A-Z, a-z, 0-9, _ and -; required with TELEGRAM_WEBHOOK_URL",
		set: str(func(c *Config) *string { return &c.TelegramWebhookSecret })},
	{name: "DEALDESK_COMPANY_FILE", help: "our company's card (name, INN/KPP, OGRN, address, director, bank, BIK, accounts) as a text file in the form a pasted company card takes; it fills the company.* fields of documents",
		set: str(func(c *Config) *string { return &c.CompanyFile })},
	{name: "DEALDESK_TEMPLATES_DIR", help: "folder of DOCX templates added at start: each file named by its kind (договор.docx, КП 2027.docx, contract.docx …); a file seen before changes nothing, a broken one is logged naming its placeholder",
		set: str(func(c *Config) *string { return &c.TemplatesDir })},
	{name: "DEALDESK_VAT_RATE", def: "22", help: "VAT rate of a document given none: 22, 10, 0 or none (без НДС)",
		set: str(func(c *Config) *string { return &c.VATRate })},
	{name: "DEALDESK_APPROVAL_KINDS", def: "contract,supplement", help: "document kinds a lawyer must approve before they are sent (proposal, contract, supplement, invoice; empty: none)",
		set: str(func(c *Config) *string { return &c.ApprovalKinds })},
	{name: "DEALDESK_VERIFY_MAX_AGE", def: "2160h", help: "a card verified longer ago than this is a warning of the check before a document is produced",
		set: dur(func(c *Config) *time.Duration { return &c.VerifyMaxAge })},
	{name: "DEALDESK_SOFFICE", help: "LibreOffice program for PDF (a path or a name in PATH); empty: soffice or libreoffice in PATH or the usual places; without it documents are DOCX only",
		set: str(func(c *Config) *string { return &c.Soffice })},
	{name: "DEALDESK_PDF_WORKERS", def: "2", help: "documents converted to PDF at once (each a resident LibreOffice of ~140 MB)",
		set: func(c *Config, v string) (err error) { c.PDFWorkers, err = strconv.Atoi(v); return err }},
	{name: "DEALDESK_PDF_TIMEOUT", def: "60s", help: "longest conversion of one document to PDF; LibreOffice is killed after it",
		set: dur(func(c *Config) *time.Duration { return &c.PDFTimeout })},
	{name: "DEALDESK_DOC_SEND_INTERVAL", def: "5s", help: "how often documents waiting to be sent by e-mail or EDO are sent (and failed sends retried when due)",
		set: dur(func(c *Config) *time.Duration { return &c.DocSendEvery })},
	{name: "DEALDESK_EDO_POLL_INTERVAL", def: "2m", help: "how often the EDO operator's events (delivered, signed, refused) are read",
		set: dur(func(c *Config) *time.Duration { return &c.EDOPollEvery })},
	{name: "DEALDESK_CSV_SEPARATOR", def: ";", help: "separator of CSV exports: ; for Russian Excel (decimal comma), or , or tab",
		set: str(func(c *Config) *string { return &c.CSVSeparator })},
	{name: "DEALDESK_REPORT_TICK", def: "30s", help: "how often scheduled report deliveries that are due are sent (and report e-mails retried)",
		set: dur(func(c *Config) *time.Duration { return &c.ReportTick })},
	{name: "DEALDESK_REPORT_STALE_DAYS", def: "90", help: "the quality gate names cards whose registry check is older than this many days",
		set: func(c *Config, v string) (err error) { c.ReportStaleDays, err = strconv.Atoi(v); return err }},
	{name: "DEALDESK_REPORT_KEEP_DAYS", def: "90", help: "report files (exports, reports, charts) are deleted this many days after they were made; their manifests stay in the audit",
		set: func(c *Config, v string) (err error) { c.ReportKeepDays, err = strconv.Atoi(v); return err }},
	{name: "SMTP_HOST", help: "SMTP server for sending documents by e-mail; with SMTP_FROM turns e-mail on",
		set: str(func(c *Config) *string { return &c.SMTPHost })},
	{name: "SMTP_PORT", def: "0", help: "SMTP port; 0: 587 with STARTTLS, 465 with TLS, 25 without",
		set: func(c *Config, v string) (err error) { c.SMTPPort, err = strconv.Atoi(v); return err }},
	{name: "SMTP_USERNAME", help: "SMTP login (PLAIN or LOGIN, over TLS only); empty: no authentication",
		set: str(func(c *Config) *string { return &c.SMTPUsername })},
	{name: "SMTP_PASSWORD", secret: true, help: "SMTP password",
		set: str(func(c *Config) *string { return &c.SMTPPassword })},
	{name: "SMTP_FROM", help: "sender of documents' e-mails: DealDesk <crm@example.ru>",
		set: str(func(c *Config) *string { return &c.SMTPFrom })},
	{name: "SMTP_TLS", def: "starttls", help: "starttls (required, never falls back to clear text), tls, or none (a loopback server only)",
		set: str(func(c *Config) *string { return &c.SMTPTLS })},
	{name: "SMTP_CA_FILE", help: "PEM file of extra root certificates for the SMTP server (a private or self-signed one)",
		set: str(func(c *Config) *string { return &c.SMTPCAFile })},
	{name: "SMTP_TIMEOUT", def: "30s", help: "bound on connecting and on each SMTP command",
		set: dur(func(c *Config) *time.Duration { return &c.SMTPTimeout })},
	{name: "DIADOC_URL", def: "https://diadoc-api.kontur.ru", help: "Diadoc API root",
		set: str(func(c *Config) *string { return &c.DiadocURL })},
	{name: "DIADOC_CLIENT_ID", help: "Diadoc developer key (ddauth_api_client_id); with DIADOC_TOKEN turns EDO on",
		set: str(func(c *Config) *string { return &c.DiadocClientID })},
	{name: "DIADOC_TOKEN", secret: true, help: "Diadoc authorization token (legacy) or OIDC access token",
		set: str(func(c *Config) *string { return &c.DiadocToken })},
	{name: "DIADOC_AUTH", def: "diadoc", help: "diadoc (DiadocAuth header) or bearer (OIDC)",
		set: str(func(c *Config) *string { return &c.DiadocAuth })},
	{name: "DIADOC_BOX_ID", help: "our organization's Diadoc box; empty: the only box the token may act for",
		set: str(func(c *Config) *string { return &c.DiadocBoxID })},
	{name: "DIADOC_DEPARTMENT_ID", help: "Diadoc department whose documents DealDesk follows; needed when the token's user may not see all documents",
		set: str(func(c *Config) *string { return &c.DiadocDept })},
}

func dur(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) (err error) {
		*p(c), err = time.ParseDuration(v)
		return err
	}
}

// parsePrefixes parses comma-separated addresses ("10.0.0.7", a network
// of one) and networks ("10.1.0.0/16").
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range splitList(v) {
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, err
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// LoadConfig builds the configuration from defaults, the TOML file at path
// (if not empty) and the environment (getenv).
func LoadConfig(path string, getenv func(string) string) (Config, error) {
	var c Config
	for _, o := range options {
		if err := o.set(&c, o.def); err != nil {
			return c, fmt.Errorf("config: default %s: %w", o.name, err)
		}
	}
	if path != "" {
		var file map[string]any
		if _, err := toml.DecodeFile(path, &file); err != nil {
			return c, fmt.Errorf("config: %s: %w", path, err)
		}
		for k, v := range file {
			o, ok := findOption(k)
			if !ok {
				return c, fmt.Errorf("config: %s: unknown setting %q", path, k)
			}
			s := fmt.Sprint(v)
			if list, ok := v.([]any); ok {
				var parts []string
				for _, x := range list {
					parts = append(parts, fmt.Sprint(x))
				}
				s = strings.Join(parts, ",")
			}
			if err := o.set(&c, s); err != nil {
				return c, fmt.Errorf("config: %s: %s: %w", path, k, err)
			}
		}
	}
	for _, o := range options {
		if v, ok := lookup(getenv, o.name); ok {
			if err := o.set(&c, v); err != nil {
				return c, fmt.Errorf("config: %s: %w", o.name, err)
			}
		}
	}
	if c.Instance == "" {
		c.Instance = defaultInstance()
	}
	if c.ControlSocket == "" {
		c.ControlSocket = c.localBase() + ".sock"
	}
	if c.LeaderTimeout < 3*time.Second {
		return c, fmt.Errorf("config: DEALDESK_LEADER_TIMEOUT must be at least 3s (the leader checks its connection ten times in it)")
	}
	if c.postgres() && c.ActionSecret == "" && c.MattermostURL != "" && c.MattermostToken != "" {
		return c, fmt.Errorf("config: DEALDESK_ACTION_SECRET must be set on PostgreSQL with Mattermost: every instance must sign " +
			"button presses with the same key; make one with: openssl rand -hex 32")
	}
	if c.OutboxInterval <= 0 {
		return c, fmt.Errorf("config: DEALDESK_OUTBOX_INTERVAL must be positive")
	}
	if c.RemindTick <= 0 {
		return c, fmt.Errorf("config: DEALDESK_REMIND_TICK must be positive")
	}
	if c.ReportTick <= 0 {
		return c, fmt.Errorf("config: DEALDESK_REPORT_TICK must be positive")
	}
	if c.ReportStaleDays < 1 {
		return c, fmt.Errorf("config: DEALDESK_REPORT_STALE_DAYS must be at least 1")
	}
	if c.ReportKeepDays < 1 {
		return c, fmt.Errorf("config: DEALDESK_REPORT_KEEP_DAYS must be at least 1")
	}
	if _, err := csvComma(c.CSVSeparator); err != nil {
		return c, err
	}
	if c.ChatBurst < 1 || c.ChatRate <= 0 {
		return c, fmt.Errorf("config: DEALDESK_CHAT_BURST and DEALDESK_CHAT_RATE must be positive")
	}
	if c.DrainTimeout < 0 {
		return c, fmt.Errorf("config: DEALDESK_DRAIN_TIMEOUT must not be negative")
	}
	switch c.Console {
	case "auto", "on", "off":
	default:
		return c, fmt.Errorf("config: DEALDESK_CONSOLE must be auto, on or off, not %q", c.Console)
	}
	switch c.LogFormat {
	case "auto", "json", "text":
	default:
		return c, fmt.Errorf("config: DEALDESK_LOG_FORMAT must be auto, json or text, not %q", c.LogFormat)
	}
	if err := checkWebhookSecret(c); err != nil {
		return c, err
	}
	return c, nil
}

// minWebhookSecret is the shortest webhook secret accepted: anyone who
// knows or guesses it can post updates in any user's name.
const minWebhookSecret = 16

// checkWebhookSecret refuses a Telegram webhook without a secret long
// enough not to be guessed.
func checkWebhookSecret(c Config) error {
	if c.TelegramWebhookURL == "" || len(c.TelegramWebhookSecret) >= minWebhookSecret {
		return nil
	}
	return fmt.Errorf("config: TELEGRAM_WEBHOOK_SECRET must be at least %d characters (A-Z, a-z, 0-9, _ and -) "+
		"when TELEGRAM_WEBHOOK_URL is set, or anyone could post forged updates; has %d; "+
		"make one with: openssl rand -hex 16", minWebhookSecret, len(c.TelegramWebhookSecret))
}

// consoleRuns reports whether DealDesk, when it serves, runs the console
// transport: when asked to, or when no chat platform is configured.
func (c Config) consoleRuns() bool {
	chat := c.TelegramToken != "" || (c.MattermostURL != "" && c.MattermostToken != "")
	return c.Console == "on" || (c.Console == "auto" && !chat)
}

// logPath is the file the logs go to, or "" for standard error. While the
// console runs, its terminal is for replies: logs go next to the database.
func (c Config) logPath(serving bool) string {
	switch {
	case c.LogFile == "-":
		return ""
	case c.LogFile != "":
		return c.LogFile
	case serving && c.consoleRuns():
		return c.localBase() + ".log"
	}
	return ""
}

// postgres reports whether DEALDESK_DB names a PostgreSQL database.
func (c Config) postgres() bool { return postgres.IsURL(c.DB) }

// localBase is where this instance's own files (control socket, console
// log) are named from: the database file, or on PostgreSQL
// ./var/dealdesk-<instance>.
func (c Config) localBase() string {
	if c.postgres() {
		return filepath.Join("var", "dealdesk-"+c.Instance)
	}
	return c.DB
}

// defaultInstance is the host name, or "dealdesk" without one.
func defaultInstance() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "dealdesk"
}

func lookup(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

func findOption(name string) (option, bool) {
	for _, o := range options {
		if o.name == name {
			return o, true
		}
	}
	return option{}, false
}

// printUsage writes the -h text: the commands and every variable.
func printUsage(w io.Writer) {
	fmt.Fprint(w, `DealDesk: a chat-first CRM for deal support.

Usage:
  dealdesk [-config FILE]                 run (console transport when no chat platform is configured)
  dealdesk [-config FILE] backup FILE     write a consistent copy of the database, also while DealDesk runs
  dealdesk [-config FILE] invite -role R  print a one-time invite code for role R
                                          (officer, manager, lawyer, underwriter, head, admin)
  dealdesk [-config FILE] check [-db FILE] check a database for damage (bbolt's check and DealDesk's
                                          own: records decode, indexes and counters agree); exit 1 if not
  dealdesk [-config FILE] migrate -to postgres://… [-from FILE]
                                          copy the bbolt database (DEALDESK_DB) into an empty PostgreSQL
                                          database and check every aggregate's count; stop DealDesk first

Console: type commands such as /help; a number chooses a shown button; a message of several lines
goes between two lines of """. With piped input every line is handled in order and DealDesk exits
at the end of the input. While the console runs, logs go to <DB>.log (see DEALDESK_LOG_FILE).

Configuration (environment variables, or the same names as keys of the -config TOML file):
`)
	for _, o := range options {
		def := ""
		if o.def != "" {
			def = " (default " + o.def + ")"
		}
		fmt.Fprintf(w, "  %-26s %s%s\n", o.name, o.help, def)
	}
}
