package postgres_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/postgres"
	"github.com/dealdesk/dealdesk/storage/storetest"
)

// TestBehaviour runs the store behaviour suite that bbolt runs too.
func TestBehaviour(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock core.Clock) core.Store {
		return open(t, postgres.WithClock(clock))
	})
}
