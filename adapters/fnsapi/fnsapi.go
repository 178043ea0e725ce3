// Package fnsapi looks companies and sole proprietors up in API-ФНС
// (api-fns.ru) and implements core.Registry: the egr method gives the
// state register's record, the check method its risk signals. It maps the
// vendor's wire format to core.RegistryRecord (map.go) and its failures to
// core errors (call.go); requests are retried with backoff and guarded by
// a circuit breaker (adapters/internal/registryhttp).
package fnsapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/internal/registryhttp"
	"github.com/dealdesk/dealdesk/core"
)

// Name is the registry's name, used as core.RegistryRecord.Source and as
// the "Source" argument of errors.
const Name = "fnsapi"

// Defaults of Config.
const (
	DefaultBaseURL         = "https://api-fns.ru/api/"
	DefaultTimeout         = 10 * time.Second
	DefaultMaxRetries      = registryhttp.DefaultMaxRetries      // 2
	DefaultRetryWait       = registryhttp.DefaultRetryWait       // 500ms
	DefaultBreakerFailures = registryhttp.DefaultBreakerFailures // 5
	DefaultBreakerCooldown = registryhttp.DefaultBreakerCooldown // 30s
)

// Config configures a Client. Only APIKey has no usable default.
type Config struct {
	// BaseURL is the API root; the method name (egr, check) is appended
	// (default DefaultBaseURL).
	BaseURL string
	// APIKey is the account's key, sent in the query string as key=…,
	// as api-fns.ru wants it. It is never logged and is scrubbed from
	// error texts (Go's URL errors quote the whole URL).
	APIKey string
	// Timeout bounds one HTTP attempt, from dialing to the last byte of
	// the body (default 10s).
	Timeout time.Duration
	// MaxRetries is how many times a failed attempt (network, timeout, 429,
	// 5xx) is retried. Zero means DefaultMaxRetries; a negative value turns
	// retries off.
	MaxRetries int
	// RetryWait is the first pause between retries; later pauses double,
	// with jitter (default 500ms). A Retry-After answer overrides it.
	RetryWait time.Duration
	// BreakerFailures is how many requests in a row may fail as "down"
	// (network, timeout, 429, 5xx; retries count) before the circuit
	// breaker opens and lookups fail at once (default 5).
	BreakerFailures uint32
	// BreakerCooldown is how long the circuit breaker stays open before it
	// lets one trial request through (default 30s).
	BreakerCooldown time.Duration
	// HTTPClient is the client to use (default: one with timeouts and
	// keep-alive).
	HTTPClient *http.Client
	// Clock stamps FetchedAt (default core.SystemClock).
	Clock core.Clock
}

// Client is API-ФНС as a core.Registry. It is safe for concurrent use;
// build one per API key and keep it.
type Client struct {
	base   string
	key    string
	clock  core.Clock
	log    zerolog.Logger
	caller *registryhttp.Caller
}

var _ core.Registry = (*Client)(nil)

// New builds a Client from cfg, filling in defaults.
func New(cfg Config, log zerolog.Logger) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Clock == nil {
		cfg.Clock = core.SystemClock{}
	}
	c := &Client{
		base:  strings.TrimSuffix(cfg.BaseURL, "/") + "/",
		key:   cfg.APIKey,
		clock: cfg.Clock,
		log:   log.With().Str("component", Name).Logger(),
	}
	c.caller = registryhttp.New(registryhttp.Config{
		Name:            Name,
		Timeout:         cfg.Timeout,
		MaxRetries:      cfg.MaxRetries,
		RetryWait:       cfg.RetryWait,
		BreakerFailures: cfg.BreakerFailures,
		BreakerCooldown: cfg.BreakerCooldown,
		MaxBody:         maxBody,
		HTTPClient:      cfg.HTTPClient,
		Clock:           cfg.Clock,
		Secret:          cfg.APIKey,
		Classify:        classify,
	}, c.log)
	return c
}

// Name returns Name, "fnsapi".
func (c *Client) Name() string { return Name }

// Lookup returns the register's record of the INN with the check's risk
// signals. API-ФНС knows head offices only: kpp is not sent, and the
// record is the head office's (with its own KPP) even when kpp names a
// branch. When egr answers but check fails, the record is returned marked
// Partial (its risks are unknown, which an empty list would hide) and the
// failure is logged. An egr answer about another INN is a bad answer.
func (c *Client) Lookup(ctx context.Context, inn, kpp string) (*core.RegistryRecord, error) {
	body, err := c.call(ctx, "egr", inn)
	if err != nil {
		return nil, err
	}
	rec, skipped, err := decodeEGR(body, inn)
	if err != nil {
		return nil, c.answerError("egr", inn, err)
	}
	if skipped != nil {
		c.log.Debug().Err(skipped).Str("inn", inn).Msg("egr: fields of an unexpected type skipped")
	}
	if kpp != "" && rec.KPP != kpp {
		c.log.Debug().Str("inn", inn).Str("kpp", kpp).Msg("a branch was asked for; api-fns.ru gives the head office")
	}
	rec.Source = Name
	rec.FetchedAt = c.clock.Now()
	risks, err := c.check(ctx, inn)
	if err != nil {
		c.log.Warn().Err(err).Str("inn", inn).Msg("counterparty check failed; the record is marked partial")
		rec.Partial = true
	}
	rec.Risks = risks
	return rec, nil
}

// check returns the risk signals of the check method.
func (c *Client) check(ctx context.Context, inn string) ([]core.RiskFlag, error) {
	body, err := c.call(ctx, "check", inn)
	if err != nil {
		return nil, err
	}
	risks, err := decodeCheck(body)
	if err != nil {
		return nil, c.answerError("check", inn, err)
	}
	return risks, nil
}
