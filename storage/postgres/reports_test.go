package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestReportQueriesUseTheirIndexes: the queries of reports.go (copied
// here) are planned on their indexes — the due schedules and mails, the
// template names (partial indexes, whose predicates the queries must
// imply), the history of a period and the walks' cursors — without a sort,
// so that their work stays proportional to what they return however many
// records there are. Sequential scans are disabled: on empty tables the
// planner would rather scan.
func TestReportQueriesUseTheirIndexes(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		sql   string
		args  []any
		index string
	}{
		{`SELECT doc FROM report_schedules WHERE due IS NOT NULL AND due <= $1 ORDER BY due, id LIMIT $2`,
			[]any{now, 100}, "report_schedules_due"},
		{`SELECT doc FROM report_mails WHERE due IS NOT NULL AND due <= $1 ORDER BY due, id LIMIT $2`,
			[]any{now, 100}, "report_mails_due"},
		{`SELECT doc FROM report_templates WHERE name_key IS NOT NULL ORDER BY name_key`, nil,
			"report_templates_name_key"},
		{`SELECT id FROM report_templates WHERE name_key = $1`, []any{"воронка"}, "report_templates_name_key"},
		// The walks run as cursors, planned for their first rows.
		{`DECLARE w NO SCROLL CURSOR FOR SELECT doc FROM changes WHERE at >= $1 AND at < $2 ORDER BY at, id`,
			[]any{now, now.Add(time.Hour)}, "changes_by_time"},
		{`DECLARE w NO SCROLL CURSOR FOR SELECT doc FROM changes WHERE at >= $1 ORDER BY at, id`,
			[]any{now}, "changes_by_time"},
		{`DECLARE w NO SCROLL CURSOR FOR SELECT doc FROM report_runs WHERE id > $1 ORDER BY id`,
			[]any{int64(7)}, "report_runs_pkey"},
		{`DECLARE w NO SCROLL CURSOR FOR SELECT doc FROM deals ORDER BY id`, nil, "deals_pkey"},
	} {
		err := pgx.BeginFunc(ctx, db.Pool(), func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, "EXPLAIN "+c.sql, c.args...)
			if err != nil {
				return err
			}
			var plan []string
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					return err
				}
				plan = append(plan, line)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if p := strings.Join(plan, "\n"); !strings.Contains(p, c.index) || strings.Contains(p, "Sort") {
				t.Errorf("%s\nplan without a sort on %s:\n%s", c.sql, c.index, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
