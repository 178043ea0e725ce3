package benchseed

import (
	"testing"
	"time"
)

// TestReminders checks the reminders' fixture's arithmetic on a small one:
// every reminder is valid, keys and due times are distinct, and the n-th
// reminder by due time is due exactly at RemindersDueBy(n), so the
// benchmarks find the number of due reminders they expect.
func TestReminders(t *testing.T) {
	const n = 1000
	seen := map[time.Time]bool{}
	keys := map[string]bool{}
	for i := range n {
		r := Reminder(i, n)
		if err := r.Validate(); err != nil {
			t.Fatalf("reminder %d: %v", i, err)
		}
		seen[r.DueAt], keys[r.Key] = true, true
	}
	if len(seen) != n || len(keys) != n {
		t.Fatalf("%d distinct due times and %d keys of %d reminders", len(seen), len(keys), n)
	}
	for _, due := range []int{0, 1, 10, n} {
		count := 0
		for at := range seen {
			if !at.After(RemindersDueBy(due)) {
				count++
			}
		}
		if count != due {
			t.Errorf("%d due at RemindersDueBy(%d)", count, due)
		}
	}
}
