package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/dealdesk/dealdesk/adapters/metrics"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/postgres"
)

// observeRoutes adds /healthz, /readyz and /metrics.
func (m *Main) observeRoutes(mux *http.ServeMux) {
	mux.Handle("GET /healthz", metrics.Healthz())
	mux.Handle("GET /readyz", metrics.Readyz(m.readiness))
	mux.Handle("GET /metrics", m.Metrics.Handler())
}

// watchMetrics has the scrapes read the outbox's backlog and the jobs' last
// successes from the store (so that an instance standing by shows them
// too), and sets the role.
func (m *Main) watchMetrics(platforms []string) {
	raw := m.DB // not the instrumented store: scrapes are not DealDesk's transactions
	m.Metrics.WatchOutbox(func(ctx context.Context) (backlog map[string]int, oldest time.Time, err error) {
		err = raw.View(ctx, func(tx core.Tx) error {
			var err error
			backlog, oldest, err = tx.OutboxBacklog()
			return err
		})
		return backlog, oldest, err
	}, platforms...)
	m.Metrics.WatchJobs(func(ctx context.Context) (map[string]time.Time, error) {
		last := map[string]time.Time{}
		err := raw.View(ctx, func(tx core.Tx) error {
			runs, err := tx.JobRuns()
			for _, r := range runs {
				last[r.Name] = r.LastSuccess
			}
			return err
		})
		return last, err
	})
	every := map[string]time.Duration{}
	for _, j := range m.allJobs() {
		if j.Every > 0 {
			every[j.Name] = j.Every
		}
	}
	m.Metrics.SetJobIntervals(every)
	if m.pg == nil {
		m.Metrics.SetRole(metrics.RoleSingle)
	} else {
		m.Metrics.SetRole(metrics.RoleStandby)
	}
}

// readiness is what /readyz reports: the store reachable, its schema
// current, and this instance's part (with the leader's name on PostgreSQL).
func (m *Main) readiness(ctx context.Context) metrics.Readiness {
	if m.pg == nil {
		return metrics.Readiness{Store: m.DB.View(ctx, func(core.Tx) error { return nil }),
			Schema: "bbolt", Migrated: true, Role: metrics.RoleSingle}
	}
	rd := metrics.Readiness{Role: m.role()}
	if m.elector != nil {
		rd.Leader, _ = m.elector.LeaderName(ctx)
	}
	v, current, err := m.pg.Migrated(ctx)
	rd.Store, rd.Migrated = err, err == nil && current
	if err == nil {
		rd.Schema = fmt.Sprintf("%d/%d", v, postgres.SchemaVersion())
	}
	return rd
}
