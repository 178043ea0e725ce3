// Package mail sends DealDesk's email through an SMTP server and implements
// core.Mailer with github.com/wneessen/go-mail: STARTTLS (required, never
// a silent fall back to clear text), implicit TLS or, on loopback only, no
// TLS; PLAIN or LOGIN authentication when a username is set; extra root
// certificates from a PEM file; timeouts; the Message-ID core gives, so
// that a retry after a crash is recognized; a UTF-8 subject and attachment
// names in Cyrillic (RFC 2231, with an RFC 2047 fallback for old clients).
// SMTP failures become *core.MailError (errors.go): 4xx and connection
// failures are temporary, 5xx permanent with the server's words. The
// password is never logged and never part of an error.
package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	gomail "github.com/wneessen/go-mail"

	"github.com/dealdesk/dealdesk/core"
)

// TLSMode is how the connection to the SMTP server is protected.
type TLSMode string

// TLS modes (SMTP_TLS).
const (
	// STARTTLS connects in clear and upgrades with STARTTLS, which the
	// server must offer: a server without it is refused, nothing is sent
	// in clear (the submission port, 587).
	STARTTLS TLSMode = "starttls"
	// ImplicitTLS speaks TLS from the first byte (port 465).
	ImplicitTLS TLSMode = "tls"
	// NoTLS sends in clear; allowed only to a loopback server (a local
	// relay), since the mail and the password would cross the network
	// readable.
	NoTLS TLSMode = "none"
)

// Defaults of Config.
const (
	DefaultTimeout = 30 * time.Second
	// DefaultPort is the port of each TLS mode when Config.Port is 0.
	defaultSubmissionPort = 587
	defaultImplicitPort   = 465
	defaultPlainPort      = 25
)

// Config configures a Mailer (SMTP_* settings). Host and From are required.
type Config struct {
	// Host is the SMTP server's name (SMTP_HOST); the server's certificate
	// must be valid for it.
	Host string
	// Port (SMTP_PORT); 0 means 587 for STARTTLS, 465 for implicit TLS and
	// 25 without TLS.
	Port int
	// Username and Password (SMTP_USERNAME, SMTP_PASSWORD) authenticate
	// with PLAIN or LOGIN, only over TLS (or to loopback); no username
	// means no authentication. The password is never logged.
	Username string
	Password string
	// From is the sender (SMTP_FROM): "DealDesk <crm@example.ru>" or a bare
	// address. Its domain also completes Message-IDs that have none.
	From string
	// TLS is the TLS mode (SMTP_TLS); empty means STARTTLS.
	TLS TLSMode
	// CAFile (SMTP_CA_FILE) is a PEM file of extra root certificates
	// trusted beside the system's, for a server with a private or
	// self-signed certificate.
	CAFile string
	// Timeout bounds connecting and each SMTP command (default 30s); the
	// caller's context bounds the whole sending.
	Timeout time.Duration
	// HELO is the name DealDesk greets the server with (default: this
	// machine's host name).
	HELO string
}

// Mailer sends email through one SMTP server, a new connection for each
// message. It is safe for concurrent use.
type Mailer struct {
	host     string
	port     int
	mode     TLSMode
	user     string
	pass     string
	from     *netmail.Address
	domain   string
	tls      *tls.Config
	timeout  time.Duration
	helo     string
	log      zerolog.Logger
	redactor *strings.Replacer
}

var _ core.Mailer = (*Mailer)(nil)

// New checks cfg and builds a Mailer; it does not connect. It refuses a
// missing host or sender, an unknown TLS mode, no TLS to a server that is
// not on loopback, and a CA file without certificates.
func New(cfg Config, log zerolog.Logger) (*Mailer, error) {
	host := strings.TrimSpace(cfg.Host)
	if host == "" {
		return nil, errors.New("mail: SMTP_HOST is empty")
	}
	mode := TLSMode(strings.ToLower(strings.TrimSpace(string(cfg.TLS))))
	if mode == "" {
		mode = STARTTLS
	}
	port := cfg.Port
	switch mode {
	case STARTTLS:
		port = cmpOr(port, defaultSubmissionPort)
	case ImplicitTLS:
		port = cmpOr(port, defaultImplicitPort)
	case NoTLS:
		if !isLoopback(host) {
			return nil, fmt.Errorf("mail: SMTP_TLS=none is allowed only for a loopback server, not %q: use starttls or tls", host)
		}
		port = cmpOr(port, defaultPlainPort)
	default:
		return nil, fmt.Errorf("mail: SMTP_TLS %q is none of starttls, tls, none", cfg.TLS)
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("mail: SMTP_PORT %d is out of range", port)
	}
	from, err := netmail.ParseAddress(strings.TrimSpace(cfg.From))
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP_FROM %q is no email address: %w", cfg.From, err)
	}
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pool, err := rootsWith(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = pool
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	m := &Mailer{
		host:    host,
		port:    port,
		mode:    mode,
		user:    cfg.Username,
		pass:    cfg.Password,
		from:    from,
		domain:  domainOf(from.Address),
		tls:     tc,
		timeout: timeout,
		helo:    strings.TrimSpace(cfg.HELO),
		log:     log.With().Str("component", "smtp").Logger(),
	}
	m.redactor = redactor(cfg.Password)
	return m, nil
}

// Send sends m as one message to all its recipients. It returns nil once
// the server accepted the message, a *core.MailError when the server
// refused it or could not be reached, and an EINVALID core error for a
// mail that cannot be built (no recipient, a malformed address).
func (s *Mailer) Send(ctx context.Context, m *core.Mail) error {
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	conn := &connection{}
	client, err := s.client(conn.dial(s.mode == ImplicitTLS, s.tls))
	if err != nil {
		return core.Wrap(core.EINTERNAL, "err.internal", err)
	}
	// go-mail bounds each command by the timeout but does not watch the
	// context once connected: closing the connection when the context
	// ends makes the caller's deadline bound the whole sending.
	stop := context.AfterFunc(ctx, conn.close)
	start := time.Now()
	err = client.DialAndSendWithContext(ctx, msg)
	stop()
	if msg.IsDelivered() {
		// The server accepted the message; a failure after that (RSET,
		// QUIT) changes nothing for the recipient.
		if err != nil {
			s.log.Debug().Str("error", s.redact(err.Error())).Msg("smtp: error after the message was accepted")
		}
		s.log.Info().Str("message_id", msg.GetMessageID()).Int("recipients", len(m.To)).
			Int("attachments", len(m.Attachments)).Dur("took", time.Since(start)).
			Str("server", s.redact(msg.ServerResponse())).Msg("mail sent")
		return nil
	}
	if err == nil {
		// go-mail returns nil only after the server accepted the message;
		// this is a safety net, never expected.
		err = errors.New("the server did not confirm the message")
	}
	me := s.mailError(ctx, err)
	ev := s.log.Warn()
	if !me.Temporary {
		ev = s.log.Error()
	}
	ev.Str("message_id", msg.GetMessageID()).Int("code", me.Code).Bool("temporary", me.Temporary).
		Str("error", me.Text).Msg("mail not sent")
	return me
}

// client builds a go-mail client for one message that connects with dial.
func (s *Mailer) client(dial gomail.DialContextFunc) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithDialContextFunc(dial),
		gomail.WithPort(s.port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(s.tls.Clone()),
	}
	switch s.mode {
	case STARTTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.helo != "" {
		opts = append(opts, gomail.WithHELO(s.helo))
	}
	if s.user != "" {
		// PLAIN or LOGIN, whichever the server offers first in this order;
		// go-mail's PLAIN and LOGIN refuse to run without TLS (except to
		// localhost), so the password never crosses the network in clear.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	return gomail.NewClient(s.host, opts...)
}

// connection remembers the connection of one sending, to close it when
// the caller's context ends.
type connection struct {
	mu     sync.Mutex
	conn   net.Conn
	closed bool
}

// dial returns the dial function of the go-mail client: TCP, and for
// implicit TLS the handshake (go-mail does neither itself when given a
// dial function).
func (c *connection) dial(implicitTLS bool, tc *tls.Config) gomail.DialContextFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if implicitTLS {
			tconn := tls.Client(conn, tc.Clone())
			if err := tconn.HandshakeContext(ctx); err != nil {
				_ = conn.Close()
				return nil, err
			}
			conn = tconn
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.closed {
			_ = conn.Close()
			return nil, net.ErrClosed
		}
		c.conn = conn
		return conn, nil
	}
}

func (c *connection) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.conn != nil {
		_ = c.conn.Close()
	}
}

// rootsWith returns the system's root certificates plus those of the PEM
// file.
func rootsWith(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP_CA_FILE: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("mail: SMTP_CA_FILE %s holds no PEM certificate", path)
	}
	return pool, nil
}

// isLoopback reports whether host names this machine without asking DNS:
// "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// domainOf returns the domain of an address ("example.ru").
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
