package postgres

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// openFilled opens a new database of t's own holding reminders [0, n) of the
// benchmarks' fixture of n, analysed.
func openFilled(t *testing.T, n int) *DB {
	t.Helper()
	db, err := Open(context.Background(), pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := fillReminders(context.Background(), db, n); err != nil {
		t.Fatal(err)
	}
	return db
}

// planNode is a node of EXPLAIN (ANALYZE, FORMAT JSON).
type planNode struct {
	NodeType      string     `json:"Node Type"`
	IndexName     string     `json:"Index Name"`
	RelationName  string     `json:"Relation Name"`
	ActualRows    float64    `json:"Actual Rows"`
	RemovedFilter float64    `json:"Rows Removed by Filter"`
	RemovedCheck  float64    `json:"Rows Removed by Index Recheck"`
	Plans         []planNode `json:"Plans"`
}

func (p planNode) walk(fn func(planNode)) {
	fn(p)
	for _, c := range p.Plans {
		c.walk(fn)
	}
}

// TestDueRemindersReadsOnlyTheDue: among 20,000 pending reminders, the
// tick's query for the 100 due reads the due index and no row that is not
// due: no node sees more than 100 rows, none filters rows out, none scans
// the table.
func TestDueRemindersReadsOnlyTheDue(t *testing.T) {
	const pending, due = 20_000, 100
	db := openFilled(t, pending)
	for _, limit := range []any{nil, 1000, 10} {
		var out []byte
		err := db.pool.QueryRow(context.Background(), "EXPLAIN (ANALYZE, FORMAT JSON) "+sqlDueReminders,
			remindersDueBy(due), limit).Scan(&out)
		if err != nil {
			t.Fatal(err)
		}
		var plans []struct{ Plan planNode }
		if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
			t.Fatalf("plan %s: %v", out, err)
		}
		want := float64(due)
		if l, ok := limit.(int); ok && l < due {
			want = float64(l)
		}
		usesIndex := false
		plans[0].Plan.walk(func(p planNode) {
			if p.IndexName == "reminders_due" {
				usesIndex = true
			}
			if p.NodeType == "Seq Scan" || p.ActualRows > want || p.RemovedFilter > 0 || p.RemovedCheck > 0 {
				t.Errorf("limit %v: node %s on %s%s read %v rows, removed %v+%v; want at most %v, none removed: %s",
					limit, p.NodeType, p.RelationName, p.IndexName, p.ActualRows, p.RemovedFilter, p.RemovedCheck, want, out)
			}
		})
		if !usesIndex {
			t.Errorf("limit %v: the plan does not read reminders_due: %s", limit, out)
		}
	}
}

// TestCountPendingRemindersFollowsEveryWrite: the kept count is the count of
// pending rows after a COPY, creations, updates that leave and re-enter
// pending, an upsert of an existing ID (the copier's) and a delete.
func TestCountPendingRemindersFollowsEveryWrite(t *testing.T) {
	const pending = 500
	db := openFilled(t, pending)
	ctx := context.Background()
	check := func(step string, want int) {
		t.Helper()
		var kept, counted int
		err := db.View(ctx, func(ctx core.Tx) (err error) {
			tx := ctx.(*Tx)
			if kept, err = tx.CountPendingReminders(); err != nil {
				return err
			}
			_, err = tx.scalar(&counted, `SELECT count(*) FROM reminders WHERE pending`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if kept != counted || kept != want {
			t.Errorf("%s: kept count %d, counted %d, want %d", step, kept, counted, want)
		}
	}
	check("copied", pending)
	err := db.Update(ctx, func(c core.Tx) error {
		for id := int64(1); id <= 10; id++ {
			r, err := c.ReminderByID(id)
			if err != nil {
				return err
			}
			r.Status = core.ReminderFired
			if err := c.UpdateReminder(r); err != nil {
				return err
			}
		}
		r := benchReminder(0, pending)
		r.ID, r.Key = 0, "new"
		if err := c.CreateReminder(r); err != nil {
			return err
		}
		r, err := c.ReminderByID(3)
		if err != nil {
			return err
		}
		r.Status = core.ReminderPending
		return c.UpdateReminder(r)
	})
	if err != nil {
		t.Fatal(err)
	}
	check("10 fired, 1 created, 1 pending again", pending-10+1+1)
	err = db.Update(ctx, func(c core.Tx) error {
		tx := c.(*Tx)
		r := benchReminder(20, pending) // pending; stored as ID 21
		r.Status = core.ReminderClosed
		if err := tx.putReminder(r); err != nil {
			return err
		}
		return tx.exec(`DELETE FROM reminders WHERE id IN (22, 1)`) // one pending, one fired
	})
	if err != nil {
		t.Fatal(err)
	}
	check("an upsert closed one, a delete took one", pending-10+1+1-2)
}
