// Package dadata looks companies and sole proprietors up in DaData's
// findById/party (suggestions API) and implements core.Registry. It maps
// DaData's wire format to core.RegistryRecord (map.go) and its failures to
// core errors (call.go); requests are retried with backoff and guarded by
// a circuit breaker (adapters/internal/registryhttp).
package dadata

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/internal/registryhttp"
	"github.com/dealdesk/dealdesk/core"
)

// Name is the registry's name, used as core.RegistryRecord.Source and as
// the "Source" argument of errors.
const Name = "dadata"

// Defaults of Config.
const (
	DefaultBaseURL         = "https://suggestions.dadata.ru/suggestions/api/4_1/rs/"
	DefaultTimeout         = 5 * time.Second
	DefaultMaxRetries      = registryhttp.DefaultMaxRetries      // 2
	DefaultRetryWait       = registryhttp.DefaultRetryWait       // 500ms
	DefaultBreakerFailures = registryhttp.DefaultBreakerFailures // 5
	DefaultBreakerCooldown = registryhttp.DefaultBreakerCooldown // 30s
)

// Config configures a Client. Only APIKey has no usable default.
type Config struct {
	// BaseURL is the suggestions API root, findById/party is appended
	// (default DefaultBaseURL).
	BaseURL string
	// APIKey is the account's API key, sent as "Authorization: Token <key>".
	// It is never logged and is scrubbed from error texts.
	APIKey string
	// Timeout bounds one HTTP attempt, from dialing to the last byte of
	// the body (default 5s).
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
	// keep-alive, since DaData limits new connections per minute).
	HTTPClient *http.Client
	// Clock stamps FetchedAt (default core.SystemClock).
	Clock core.Clock
}

// Client is DaData's findById/party as a core.Registry. It is safe for
// concurrent use; build one per API key and keep it.
type Client struct {
	url    string
	key    string
	clock  core.Clock
	log    zerolog.Logger
	caller *registryhttp.Caller
}

var _ core.Registry = (*Client)(nil)

// New builds a Client from cfg, filling in defaults. The default HTTP
// client keeps its connections alive: DaData's anti-DDoS layer allows only
// 60 new connections per minute per IP.
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
		url:   strings.TrimSuffix(cfg.BaseURL, "/") + "/findById/party",
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

// Name returns Name, "dadata".
func (c *Client) Name() string { return Name }

// partyRequest is the body of findById/party.
type partyRequest struct {
	Query      string `json:"query"`
	KPP        string `json:"kpp,omitempty"`
	BranchType string `json:"branch_type,omitempty"`
	Count      int    `json:"count"`
}

// Lookup finds the company (the head office, or the branch with kpp) or
// the sole proprietor with the INN. An answer about another INN is a bad
// answer: its record must not stand for the INN asked for.
func (c *Client) Lookup(ctx context.Context, inn, kpp string) (*core.RegistryRecord, error) {
	req := partyRequest{Query: inn, KPP: kpp, Count: 1}
	// Without a KPP one INN answers with the head office and its branches;
	// ask for the head office. A sole proprietor (12-digit INN) has no
	// branches and no branch_type, so the filter is left out for them.
	if kpp == "" && len(inn) != 12 {
		req.BranchType = "MAIN"
	}
	payload, err := json.Marshal(req)
	if err != nil {
		return nil, core.Wrap(core.EINTERNAL, "err.internal", err)
	}
	body, err := c.call(ctx, payload)
	if err != nil {
		return nil, err
	}
	rec, skipped, err := decodeParty(body, inn)
	switch {
	case errors.Is(err, errNoParty) && kpp != "":
		// No branch with that KPP: the head office's record shows the
		// difference (a wrong or changed KPP) instead of "not found".
		c.log.Debug().Str("inn", inn).Str("kpp", kpp).Msg("no branch with the KPP; asking for the head office")
		return c.Lookup(ctx, inn, "")
	case errors.Is(err, errNoParty):
		return nil, core.Errorf(core.ENOTFOUND, core.ErrRegistryNotFound, "Source", Name, "INN", inn)
	case err != nil:
		return nil, core.Wrap(core.EUNAVAILABLE, core.ErrRegistryBadAnswer,
			fmt.Errorf("dadata: findById/party: %w", err), "Source", Name)
	}
	if skipped != nil {
		c.log.Debug().Err(skipped).Str("inn", inn).Msg("fields of an unexpected type skipped")
	}
	rec.Source = Name
	rec.FetchedAt = c.clock.Now()
	return rec, nil
}
