package metrics

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Store returns s with its transactions timed and their errors counted:
// dealdesk_store_transaction_duration_seconds{kind} and
// dealdesk_store_transaction_errors_total{kind,code}. What s does is not
// changed. The returned store is a core.Store only: anything else s is
// (a Close method, say) is reached through s itself.
func (m *Metrics) Store(s core.Store) core.Store {
	return &store{s: s, m: m}
}

type store struct {
	s core.Store
	m *Metrics
}

func (s *store) View(ctx context.Context, fn func(core.Tx) error) error {
	start := time.Now()
	err := s.s.View(ctx, fn)
	s.m.transaction("view", start, err)
	return err
}

func (s *store) Update(ctx context.Context, fn func(core.Tx) error) error {
	start := time.Now()
	err := s.s.Update(ctx, fn)
	s.m.transaction("update", start, err)
	return err
}

func (s *store) Batch(ctx context.Context, fn func(core.Tx) error) error {
	start := time.Now()
	err := s.s.Batch(ctx, fn)
	s.m.transaction("batch", start, err)
	return err
}

func (m *Metrics) transaction(kind string, start time.Time, err error) {
	m.storeSeconds.WithLabelValues(kind).Observe(time.Since(start).Seconds())
	if err != nil {
		m.storeErrors.WithLabelValues(kind, core.ErrorCode(err)).Inc()
	}
}

// Registry returns r with its lookups counted by vendor (r.Name()):
// dealdesk_registry_calls_total{vendor} and
// dealdesk_registry_failures_total{vendor,reason}. A registry that does
// not know the INN (ENOTFOUND) answered: that is no failure.
func (m *Metrics) Registry(r core.Registry) core.Registry {
	return &registry{r: r, m: m}
}

type registry struct {
	r core.Registry
	m *Metrics
}

func (r *registry) Name() string { return r.r.Name() }

func (r *registry) Lookup(ctx context.Context, inn, kpp string) (*core.RegistryRecord, error) {
	vendor := r.r.Name()
	r.m.registryCalls.WithLabelValues(vendor).Inc()
	rec, err := r.r.Lookup(ctx, inn, kpp)
	if err != nil && !core.IsNotFound(err) {
		r.m.registryFails.WithLabelValues(vendor, registryReason(err)).Inc()
	}
	return rec, err
}

// registryReason is a failed lookup's reason: the last word of core's
// registry error key (down, auth, quota, bad_answer), canceled when the
// caller gave up, else other.
func registryReason(err error) string {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "canceled"
	}
	var e *core.Error
	if errors.As(err, &e) {
		switch e.Key {
		case core.ErrRegistryDown, core.ErrRegistryAuth, core.ErrRegistryQuota, core.ErrRegistryBadAnswer, core.ErrRegistryPartial:
			return strings.TrimPrefix(e.Key, "err.registry.")
		}
	}
	return "other"
}

// EDO returns e with its calls counted by vendor (e.Name()) and operation:
// dealdesk_edo_calls_total{vendor,operation} and
// dealdesk_edo_failures_total{vendor,operation}.
func (m *Metrics) EDO(e core.EDO) core.EDO {
	return &edo{e: e, m: m}
}

type edo struct {
	e core.EDO
	m *Metrics
}

func (e *edo) Name() string { return e.e.Name() }

func (e *edo) call(op string, err error) {
	vendor := e.e.Name()
	e.m.edoCalls.WithLabelValues(vendor, op).Inc()
	if err != nil {
		e.m.edoFails.WithLabelValues(vendor, op).Inc()
	}
}

func (e *edo) Boxes(ctx context.Context, inn, kpp string) ([]core.EDOBox, error) {
	boxes, err := e.e.Boxes(ctx, inn, kpp)
	e.call("boxes", err)
	return boxes, err
}

func (e *edo) PostDraft(ctx context.Context, d *core.EDODraft) (*core.EDOPosted, error) {
	posted, err := e.e.PostDraft(ctx, d)
	e.call("post_draft", err)
	return posted, err
}

func (e *edo) Events(ctx context.Context, after string) ([]core.EDOEvent, string, error) {
	events, next, err := e.e.Events(ctx, after)
	e.call("events", err)
	return events, next, err
}
