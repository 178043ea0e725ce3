// Package spark looks companies and sole proprietors up in SPARK-Interfax
// through its SOAP 1.1 web service (shared/docs/external-services.md §4).
//
// A Client logs in lazily with Authmethod, keeps the session cookie in its
// own cookie jar, logs in again once when SPARK answers "Authentication
// error" in-band, retries network failures, timeouts and 5xx answers with an
// exponential backoff and stops calling a SPARK that keeps failing with a
// circuit breaker. The report is mapped to core.RegistryRecord in map.go.
package spark

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/sony/gobreaker/v2"

	"github.com/dealdesk/dealdesk/core"
)

// Name is the registry's name, used as core.RegistryRecord.Source and as
// the "Source" argument of errors.
const Name = "spark"

// DefaultURL is SPARK's production endpoint with TLS.
const DefaultURL = "https://api.spark-interfax.ru/IfaxWebService/iFaxWebService.asmx"

// Config configures a Client. Zero fields take the defaults in brackets.
type Config struct {
	URL string // SOAP endpoint [DefaultURL]
	// Login and Password are the SPARK account's; requests must come from
	// an IP address bound to it. The password is never logged and never
	// put into errors.
	Login, Password string
	// Timeout bounds each HTTP request [15s].
	Timeout time.Duration
	// MaxRetries is how many times a failed call ("down": network,
	// timeout, 5xx, 429) is repeated [2]; a negative value means none.
	MaxRetries int
	// RetryWait is the first pause between retries; later pauses grow
	// exponentially up to ten times as long [500ms].
	RetryWait time.Duration
	// HTTPClient sends the requests [a new http.Client]. The Client works
	// on a copy of it that has a cookie jar, so its session cookie never
	// leaks into the caller's client.
	HTTPClient *http.Client
	// BreakerFailures is how many lookups in a row may fail as "down"
	// before the circuit opens and lookups fail at once [5].
	BreakerFailures uint32
	// BreakerCooldown is how long the circuit stays open before one trial
	// lookup is let through [30s].
	BreakerCooldown time.Duration
	// Clock stamps FetchedAt [core.SystemClock].
	Clock core.Clock
}

func (c Config) withDefaults() Config {
	if c.URL == "" {
		c.URL = DefaultURL
	}
	if c.Timeout <= 0 {
		c.Timeout = 15 * time.Second
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 2
	} else if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryWait <= 0 {
		c.RetryWait = 500 * time.Millisecond
	}
	if c.BreakerFailures == 0 {
		c.BreakerFailures = 5
	}
	if c.BreakerCooldown <= 0 {
		c.BreakerCooldown = 30 * time.Second
	}
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	return c
}

// Client is a SPARK registry client. It is safe for concurrent use.
type Client struct {
	cfg     Config
	http    *http.Client
	log     zerolog.Logger
	breaker *gobreaker.CircuitBreaker[*core.RegistryRecord]

	smu     sync.Mutex // guards the session; held while logging in
	session uint64     // number of the current session, 0 for none
	logins  uint64     // sessions opened so far
}

var _ core.Registry = (*Client)(nil)

// New returns a Client for cfg. It does not connect: the first Lookup logs in.
func New(cfg Config, log zerolog.Logger) *Client {
	cfg = cfg.withDefaults()
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	jar, _ := cookiejar.New(nil) // never fails without options
	hc.Jar = jar
	c := &Client{cfg: cfg, http: hc, log: log.With().Str("component", Name).Logger()}
	c.breaker = gobreaker.NewCircuitBreaker[*core.RegistryRecord](gobreaker.Settings{
		Name:    Name,
		Timeout: cfg.BreakerCooldown,
		ReadyToTrip: func(n gobreaker.Counts) bool {
			return n.ConsecutiveFailures >= cfg.BreakerFailures
		},
		IsSuccessful: func(err error) bool { return err == nil || !isDown(err) },
		IsExcluded:   func(err error) bool { return errors.As(err, new(*callerGone)) },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			c.log.Warn().Str("from", from.String()).Str("to", to.String()).Msg("circuit breaker state changed")
		},
	})
	return c
}

// Name returns "spark".
func (c *Client) Name() string { return Name }

// Lookup returns SPARK's short report on the INN: a company for 10 digits,
// a sole proprietor for 12. SPARK reports the head organization, so kpp only
// shows up in the debug log. Errors are the ones core.Registry lists, plus
// EINVALID for an INN that is not one.
func (c *Client) Lookup(ctx context.Context, inn, kpp string) (*core.RegistryRecord, error) {
	if err := core.ValidateINN(inn); err != nil {
		return nil, fmt.Errorf("spark: lookup %s: %w", inn, err)
	}
	rec, err := c.breaker.Execute(func() (*core.RegistryRecord, error) {
		rec, err := c.lookup(ctx, inn, kpp)
		if err != nil && ctx.Err() != nil {
			// The caller gave up: that says nothing about SPARK's health.
			err = &callerGone{err}
		}
		return rec, err
	})
	switch gone := new(callerGone); {
	case errors.As(err, &gone):
		err = gone.err
	case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
		err = downErr(fmt.Errorf("circuit breaker: %w", err))
	}
	if err != nil {
		return nil, fmt.Errorf("spark: lookup %s: %w", inn, err)
	}
	return rec, nil
}

// lookup asks for the report, logging in first and again once if SPARK
// says the session is gone.
func (c *Client) lookup(ctx context.Context, inn, kpp string) (*core.RegistryRecord, error) {
	method, params, kind := reportRequest(inn)
	c.log.Debug().Str("method", method).Str("inn", inn).Str("kpp", kpp).Msg("lookup")
	session, err := c.login(ctx, 0)
	if err != nil {
		return nil, err
	}
	ans, err := c.call(ctx, method, params)
	if err == nil && ans.authFailed() {
		c.log.Info().Str("method", method).Msg("session expired, logging in again")
		if _, err = c.login(ctx, session); err != nil {
			return nil, err
		}
		ans, err = c.call(ctx, method, params)
		if err == nil && ans.authFailed() {
			err = authErr(fmt.Errorf("%s: authentication error right after a login", method))
		}
	}
	if err != nil {
		return nil, err
	}
	rep, err := ans.report(method, inn)
	if err != nil {
		return nil, err
	}
	c.log.Debug().Str("inn", inn).Str("spark_id", value(rep.SparkID)).Msg("report received")
	return toRecord(rep, kind, inn, c.cfg.Clock.Now()), nil
}

// reportRequest picks the report method and its parameters for an INN.
func reportRequest(inn string) (string, []param, core.ClientKind) {
	if len(inn) == 12 {
		return "GetEntrepreneurShortReport", []param{{"inn", inn}}, core.KindIndividual
	}
	return "GetCompanyShortReport", []param{{"sparkId", ""}, {"inn", inn}, {"ogrn", ""}}, core.KindLegal
}

// callerGone marks an error caused by the caller's context, which the
// circuit breaker leaves out of its counts.
type callerGone struct{ err error }

func (e *callerGone) Error() string { return e.err.Error() }
func (e *callerGone) Unwrap() error { return e.err }

func regErr(code, key string, cause error) error {
	return core.Wrap(code, key, cause, "Source", Name)
}

func downErr(cause error) error { return regErr(core.EUNAVAILABLE, core.ErrRegistryDown, cause) }
func authErr(cause error) error { return regErr(core.EUNAVAILABLE, core.ErrRegistryAuth, cause) }
func badAnswerErr(cause error) error {
	return regErr(core.EUNAVAILABLE, core.ErrRegistryBadAnswer, cause)
}

// isDown reports whether err says SPARK could not be reached or did not
// answer in time: worth a retry and counted by the circuit breaker.
func isDown(err error) bool {
	var e *core.Error
	return errors.As(err, &e) && e.Key == core.ErrRegistryDown
}
