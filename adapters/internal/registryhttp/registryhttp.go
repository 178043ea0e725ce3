// Package registryhttp calls a registry's HTTP API for the registry
// adapters: a per-attempt timeout, retries with exponential backoff and
// jitter honouring Retry-After (capped), a circuit breaker that counts only
// "registry down" failures, and the mapping of HTTP failures to core
// registry errors. An adapter builds its requests and reads its answers;
// a Caller does everything between.
package registryhttp

import (
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"
	"github.com/sony/gobreaker/v2"

	"github.com/dealdesk/dealdesk/core"
)

// Defaults of Config.
const (
	DefaultTimeout         = 10 * time.Second
	DefaultMaxRetries      = 2
	DefaultRetryWait       = 500 * time.Millisecond
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 30 * time.Second
	DefaultMaxBody         = 4 << 20
)

// MaxRetryAfter is the longest Retry-After worth waiting for inside a
// call; a longer one fails the call at once. It also caps the pauses of
// the backoff.
const MaxRetryAfter = 10 * time.Second

// Config configures a Caller. Only Name has no usable default.
type Config struct {
	// Name is the registry's name: the "Source" argument of errors, the
	// prefix of their texts and the circuit breaker's name.
	Name string
	// Timeout bounds one HTTP attempt, from dialing to the last byte of
	// the body (default DefaultTimeout).
	Timeout time.Duration
	// MaxRetries is how many times an attempt that failed as "down"
	// (network, timeout, 429, 5xx) is retried. Zero means
	// DefaultMaxRetries; a negative value turns retries off.
	MaxRetries int
	// RetryWait is the first pause between retries; later pauses double,
	// with jitter (default DefaultRetryWait). A Retry-After answer
	// overrides it.
	RetryWait time.Duration
	// BreakerFailures is how many attempts in a row may fail as "down"
	// before the circuit breaker opens and calls fail at once (default
	// DefaultBreakerFailures).
	BreakerFailures uint32
	// BreakerCooldown is how long the circuit breaker stays open before it
	// lets one trial request through (default DefaultBreakerCooldown).
	BreakerCooldown time.Duration
	// MaxBody caps what is read of an answer (default DefaultMaxBody).
	MaxBody int64
	// HTTPClient is the client to use (default: one with Timeout's
	// timeouts that keeps its connections alive).
	HTTPClient *http.Client
	// Clock reads Retry-After dates (default core.SystemClock).
	Clock core.Clock
	// Secret, the registry's key, is scrubbed (raw and URL-escaped) from
	// error texts: from answers that quote it and from Go's URL errors,
	// which quote the whole URL, query string included.
	Secret string
	// Classify, when set, chooses the core error key of a non-200 answer;
	// an empty result leaves the choice to the default mapping (see Do).
	// It is how an adapter tells a used-up quota from a refused key by the
	// answer's text.
	Classify func(status int, body []byte) string
}

// Caller calls one registry's HTTP API. It is safe for concurrent use;
// its circuit breaker is shared by all its calls.
type Caller struct {
	name     string
	timeout  time.Duration
	tries    uint
	wait     time.Duration
	maxBody  int64
	http     *http.Client
	clock    core.Clock
	secret   string
	classify func(status int, body []byte) string
	log      zerolog.Logger
	breaker  *gobreaker.CircuitBreaker[[]byte]
}

// New builds a Caller from cfg, filling in defaults. log is the adapter's
// logger; retries and the breaker's state changes are logged as warnings.
func New(cfg Config, log zerolog.Logger) *Caller {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.RetryWait <= 0 {
		cfg.RetryWait = DefaultRetryWait
	}
	if cfg.BreakerFailures == 0 {
		cfg.BreakerFailures = DefaultBreakerFailures
	}
	if cfg.BreakerCooldown <= 0 {
		cfg.BreakerCooldown = DefaultBreakerCooldown
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = newHTTPClient(cfg.Timeout)
	}
	if cfg.Clock == nil {
		cfg.Clock = core.SystemClock{}
	}
	return &Caller{
		name:     cfg.Name,
		timeout:  cfg.Timeout,
		tries:    uint(max(cfg.MaxRetries, 0)) + 1,
		wait:     cfg.RetryWait,
		maxBody:  cfg.MaxBody,
		http:     cfg.HTTPClient,
		clock:    cfg.Clock,
		secret:   cfg.Secret,
		classify: cfg.Classify,
		log:      log,
		breaker:  newBreaker(cfg.Name, cfg.BreakerFailures, cfg.BreakerCooldown, log),
	}
}

// newHTTPClient builds a client with timeouts that reuses its connections:
// registries limit new connections (DaData's anti-DDoS layer allows 60 a
// minute per IP).
func newHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          8,
			MaxIdleConnsPerHost:   8,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
		},
	}
}

// newBreaker builds the circuit breaker: only "registry down" failures
// count; an answer of any kind (auth, quota, not found, unreadable) shows
// the registry is up, and the caller's own cancellation says nothing.
func newBreaker(name string, failures uint32, cooldown time.Duration, log zerolog.Logger) *gobreaker.CircuitBreaker[[]byte] {
	return gobreaker.NewCircuitBreaker[[]byte](gobreaker.Settings{
		Name:    name,
		Timeout: cooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= failures
		},
		IsSuccessful: func(err error) bool { return !isDown(err) },
		IsExcluded:   isCallerGone,
		OnStateChange: func(_ string, from, to gobreaker.State) {
			log.Warn().Str("from", from.String()).Str("to", to.String()).Msg("circuit breaker state changed")
		},
	})
}
