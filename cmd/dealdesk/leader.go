package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/mattermost"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/storage/postgres"
)

// startStandby starts what every instance on PostgreSQL runs, leader or
// not: the inbox's handling of the updates this instance takes (the HTTP
// endpoints take Mattermost's presses and /crm, and a Telegram webhook's
// updates, on every instance), and the campaign for leadership. The leader
// runs the rest (lead).
func (m *Main) startStandby(ctx context.Context, transports []bot.Transport) {
	for _, t := range transports {
		switch t := t.(type) {
		case *mattermost.Transport:
			m.goRun(func() { _ = t.Identify(ctx) })
		case *telegram.Transport:
			if m.Config.TelegramWebhookURL != "" {
				m.goRun(func() { m.serveWebhook(ctx, t) })
			}
		}
	}
	m.goRun(func() { m.Bot.RunInbox(ctx, m.Config.DrainTimeout) })
	m.goRun(func() {
		if err := m.elector.Run(ctx, func(lctx context.Context) { m.lead(lctx, transports) }); err != nil && ctx.Err() == nil {
			m.Log.Error().Err(err).Msg("leader election stopped")
		}
	})
}

// newElector makes the instance's elector on PostgreSQL; before the HTTP
// endpoint starts, whose /readyz asks it.
func (m *Main) newElector() {
	log := m.Log.With().Str("component", "leader").Str("instance", m.Config.Instance).Logger()
	m.elector = postgres.NewElector(m.Config.DB, postgres.ElectorOptions{Name: m.Config.Instance,
		Timeout: m.Config.LeaderTimeout, Pool: m.pg.Pool(), Notify: func(e postgres.ElectorEvent) {
			ev := log.Info()
			if (e.Kind == postgres.EventLost || e.Kind == postgres.EventUnreachable) && !errors.Is(e.Err, context.Canceled) {
				ev = log.Warn().Err(e.Err)
			}
			ev.Str("role", e.Role).Msg(e.Kind.String())
			m.Metrics.SetRole(e.Role)
		}})
}

// serveWebhook serves Telegram's webhook endpoint until ctx is done,
// restarting it when it fails.
func (m *Main) serveWebhook(ctx context.Context, t *telegram.Transport) {
	for ctx.Err() == nil {
		if err := t.ServeWebhook(ctx, m.Bot); err != nil && ctx.Err() == nil {
			m.Log.Error().Err(err).Msg("telegram webhook endpoint stopped; restarting in 5s")
			if !sleepCtx(ctx, 5*time.Second) {
				return
			}
		}
	}
}

// lead runs the leader's work until ctx is done (leadership lost, or
// DealDesk stopping): first the updates the last leader took and did not
// finish, the reminders and reports missed meanwhile; then the platforms'
// polling and websocket, the scheduler's jobs and the outbox's delivery.
// It returns once they have all stopped, so that the next leader never
// runs beside them.
func (m *Main) lead(ctx context.Context, transports []bot.Transport) {
	log := m.Log.With().Str("component", "leader").Str("instance", m.Config.Instance).Logger()
	log.Info().Msg("leading: polling, the scheduler and the outbox run on this instance")
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	m.Bot.Rescan(ctx)
	if err := m.startReminders(ctx); err != nil && ctx.Err() == nil {
		log.Error().Err(err).Msg("missed reminders at the start of leadership")
	}
	run(func() { m.startReports(ctx) })
	if err := m.startJobs(ctx, m.allJobs()); err != nil {
		log.Error().Err(err).Msg("scheduler did not start")
	}
	run(func() { m.Bot.SetupMenus(ctx) })
	run(func() { m.Bot.RunOutbox(ctx, m.Config.OutboxInterval) })
	for _, t := range transports {
		run(func() { m.runTransport(ctx, t) })
	}
	m.leading.Store(true)
	<-ctx.Done()
	m.leading.Store(false)
	if s := m.scheduler(); s != nil {
		s.stop()
		m.schedMu.Lock()
		if m.sched == s {
			m.sched = nil
		}
		m.schedMu.Unlock()
	}
	wg.Wait()
	log.Info().Msg("no longer leading")
}

// sleepCtx waits for d or until ctx is done; false when ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Leading reports whether this instance runs the leader's work now: always
// on bbolt once serving; on PostgreSQL once elected and started.
func (m *Main) Leading() bool { return m.elector == nil && m.Bot != nil || m.leading.Load() }

// role is this instance's part: "single" on bbolt, else "leader" or
// "standby".
func (m *Main) role() string {
	if m.elector == nil {
		return "single"
	}
	return m.elector.Role()
}
