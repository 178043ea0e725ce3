package bolt_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// newReminder is a pending payment reminder of deal 7 for user 1, due at.
func newReminder(k string, due time.Time) *core.Reminder {
	return &core.Reminder{Key: k, Kind: core.ReminderPayment, UserID: 1, DealID: 7, DueAt: due,
		Target: due.AddDate(0, 0, 1), Lead: 1, Amount: 150_000_00}
}

func reminderKeys(rs []*core.Reminder) []string {
	keys := []string{}
	for _, r := range rs {
		keys = append(keys, r.Key)
	}
	return keys
}

// mustConsistent fails the test unless Check finds the database consistent:
// every index entry the reminders should have is there, and no other.
func mustConsistent(t *testing.T, db *bolt.DB) {
	t.Helper()
	r, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("the check found problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}
