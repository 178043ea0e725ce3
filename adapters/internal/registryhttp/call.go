package registryhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/sony/gobreaker/v2"

	"github.com/dealdesk/dealdesk/core"
)

// callerGone marks a failure caused by the caller's context: it says
// nothing about the registry, so the breaker ignores it.
type callerGone struct{ err error }

func (e *callerGone) Error() string { return e.err.Error() }
func (e *callerGone) Unwrap() error { return e.err }

func isCallerGone(err error) bool {
	var g *callerGone
	return errors.As(err, &g)
}

// retryLater carries a registry failure together with the wait the
// registry asked for (Retry-After), which backoff.Retry honours.
type retryLater struct {
	err   error
	after *backoff.RetryAfterError
}

func (e *retryLater) Error() string   { return e.err.Error() }
func (e *retryLater) Unwrap() []error { return []error{e.err, e.after} }

// Do sends the request build makes, retried behind the circuit breaker,
// and returns the body of a 200 answer. build is called once an attempt
// with the attempt's context (the per-attempt timeout); a request body must
// be made anew each time. op names the call in error texts ("<Name>: <op>:
// …") and in the log.
//
// Every error is a *core.Error with the argument Source set to Name:
// EUNAVAILABLE with core.ErrRegistryQuota for 402, core.ErrRegistryAuth
// for 401 and 403, core.ErrRegistryDown for 429, 5xx, network failures,
// timeouts, the caller's cancellation and an open breaker, and
// core.ErrRegistryBadAnswer for any other status (Config.Classify may
// choose otherwise); EINTERNAL when build fails. Only "down" is retried,
// and only "down" counts towards opening the breaker.
func (c *Caller) Do(ctx context.Context, op string, build func(ctx context.Context) (*http.Request, error)) ([]byte, error) {
	call := func() ([]byte, error) {
		body, err := c.breaker.Execute(func() ([]byte, error) { return c.attempt(ctx, op, build) })
		return body, c.retryable(ctx, err)
	}
	b := &backoff.ExponentialBackOff{
		InitialInterval:     c.wait,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         MaxRetryAfter,
	}
	body, err := backoff.Retry(ctx, call,
		backoff.WithBackOff(b),
		backoff.WithMaxTries(c.tries),
		backoff.WithNotify(func(err error, wait time.Duration) {
			c.log.Warn().Err(err).Str("method", op).Dur("wait", wait).Msg("registry request failed, retrying")
		}))
	if err == nil {
		return body, nil
	}
	var e *core.Error
	if errors.As(err, &e) {
		return nil, e
	}
	// The caller's context ended while waiting between attempts.
	return nil, c.Fail(core.ErrRegistryDown, fmt.Errorf("%s: %s: %w", c.name, op, err))
}

// retryable tells backoff.Retry what to do with an attempt's error:
// only "registry down" is retried, after Retry-After when one was given.
func (c *Caller) retryable(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return backoff.Permanent(c.Fail(core.ErrRegistryDown, fmt.Errorf("%s: %w", c.name, err)))
	}
	var g *callerGone
	if errors.As(err, &g) {
		return backoff.Permanent(g.err)
	}
	if !isDown(err) || ctx.Err() != nil {
		return backoff.Permanent(err)
	}
	var he *httpError
	if errors.As(err, &he) && he.RetryAfter > 0 {
		if he.RetryAfter > MaxRetryAfter {
			return backoff.Permanent(err)
		}
		return &retryLater{err: err, after: &backoff.RetryAfterError{Duration: he.RetryAfter}}
	}
	return err
}

// attempt makes one request within the per-attempt timeout.
func (c *Caller) attempt(ctx context.Context, op string, build func(context.Context) (*http.Request, error)) ([]byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := build(actx)
	if err != nil {
		return nil, core.Wrap(core.EINTERNAL, "err.internal", fmt.Errorf("%s: %w", c.name, c.redact(err)))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.gone(ctx, c.Fail(core.ErrRegistryDown, fmt.Errorf("%s: %s: %w", c.name, op, c.redact(err))))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody))
	if err != nil {
		return nil, c.gone(ctx, c.Fail(core.ErrRegistryDown, fmt.Errorf("%s: %s: read: %w", c.name, op, c.redact(err))))
	}
	if resp.StatusCode == http.StatusOK {
		return body, nil
	}
	return nil, c.statusError(op, resp, body)
}

// gone marks err as the caller's when the caller's context has ended.
func (c *Caller) gone(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &callerGone{err: err}
	}
	return err
}
