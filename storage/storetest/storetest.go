// Package storetest is DealDesk's store behaviour suite: the rules of the
// store port (core.Store, core.Tx) that every implementation must keep,
// run against bbolt (storage/bolt) and PostgreSQL (storage/postgres) alike,
// so that a rule cannot hold in one store and not in the other.
//
// Each aggregate's rules are in a file of their own that registers its tests
// in init; Run runs them all as subtests, each on a new empty store.
package storetest

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Opener returns a new, empty store whose transactions take their time from
// clock. The store is closed when t ends.
type Opener func(t *testing.T, clock core.Clock) core.Store

type testCase struct {
	name string
	fn   func(t *testing.T, open Opener)
}

var (
	mu    sync.Mutex
	cases []testCase
)

// register adds a test to the suite; names must be unique.
func register(name string, fn func(t *testing.T, open Opener)) {
	mu.Lock()
	defer mu.Unlock()
	for _, c := range cases {
		if c.name == name {
			panic("storetest: " + name + " registered twice")
		}
	}
	cases = append(cases, testCase{name, fn})
}

// Run runs every registered behaviour test against the stores open makes.
// The tests run in parallel with each other.
func Run(t *testing.T, open Opener) {
	mu.Lock()
	cs := append([]testCase(nil), cases...)
	mu.Unlock()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open)
		})
	}
}

// Clock is a settable clock for the tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// T0 is where the suite's clocks start: 1 December 2026, 09:00 Moscow time.
var T0 = time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)

// newStore opens a store on a clock standing at T0.
func newStore(t *testing.T, open Opener) (core.Store, *Clock) {
	t.Helper()
	clock := NewClock(T0)
	return open(t, clock), clock
}

// update runs fn in a read-write transaction and fails t on error.
func update(t *testing.T, s core.Store, fn func(tx core.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

// view runs fn in a read-only transaction and fails t on error.
func view(t *testing.T, s core.Store, fn func(tx core.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

// wantCode fails t unless err is a core.Error with the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := core.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// wantCodeKey fails t unless err is a core.Error with the code and the
// locale key.
func wantCodeKey(t *testing.T, err error, code, key string) {
	t.Helper()
	var e *core.Error
	if got := core.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	} else if errors.As(err, &e); e.Key != key {
		t.Fatalf("error %v: key %q, want %q", err, e.Key, key)
	}
}
