package metrics

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// OutboxBacklog reads the outbox's pending messages by platform and the
// creation time of the oldest one (zero when none waits): core's
// Tx.OutboxBacklog in a read transaction.
type OutboxBacklog func(ctx context.Context) (map[string]int, time.Time, error)

// JobSuccesses reads each job's last success time (zero when it has run
// but never succeeded), by job name: core's Tx.JobRuns in a read
// transaction.
type JobSuccesses func(ctx context.Context) (map[string]time.Time, error)

// successDesc is dealdesk_scrape_collector_success of a collector: each has
// its own (a registry takes a descriptor from one collector only).
func successDesc(collector string) *prometheus.Desc {
	return prometheus.NewDesc("dealdesk_scrape_collector_success",
		"1 when a collector that reads the store at scrape time (outbox, jobs) read it, 0 when it failed (its metrics are left out).",
		nil, prometheus.Labels{"collector": collector})
}

var (
	outboxSuccess = successDesc("outbox")
	jobsSuccess   = successDesc("jobs")
)

// WatchOutbox exposes the outbox backlog, read with read at each scrape:
// dealdesk_outbox_pending_messages{platform} and
// dealdesk_outbox_oldest_message_age_seconds (0 when none waits). A
// platform given, or once seen, is shown with 0 when nothing of it waits.
// Call it once; later calls are ignored.
func (m *Metrics) WatchOutbox(read OutboxBacklog, platforms ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.outbox {
		return
	}
	m.outbox = true
	seen := map[string]bool{}
	for _, p := range platforms {
		seen[p] = true
	}
	m.reg.MustRegister(&outboxCollector{read: read, now: time.Now, seen: seen})
}

// WatchJobs exposes each job's last success, read with read at each
// scrape: dealdesk_job_last_success_timestamp_seconds{job_name} (Unix
// time; 0 when the job has not succeeded yet: watched before its first
// run, or failing since). The label is job_name, since job is
// Prometheus's own target label. Call it once; later calls are ignored.
func (m *Metrics) WatchJobs(read JobSuccesses) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.jobs {
		return
	}
	m.jobs = true
	m.reg.MustRegister(&jobsCollector{read: read})
}

type outboxCollector struct {
	read OutboxBacklog
	now  func() time.Time

	mu   sync.Mutex
	seen map[string]bool // platforms that had a backlog
}

var (
	outboxPendingDesc = prometheus.NewDesc("dealdesk_outbox_pending_messages",
		"Outbox messages waiting to be delivered, by platform.", []string{"platform"}, nil)
	outboxAgeDesc = prometheus.NewDesc("dealdesk_outbox_oldest_message_age_seconds",
		"Age of the oldest outbox message waiting to be delivered; 0 when none waits.", nil, nil)
)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxPendingDesc
	ch <- outboxAgeDesc
	ch <- outboxSuccess
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := scrapeContext()
	defer cancel()
	backlog, oldest, err := c.read(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(outboxSuccess, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(outboxSuccess, prometheus.GaugeValue, 1)
	c.mu.Lock()
	for p := range backlog {
		c.seen[p] = true
	}
	platforms := make([]string, 0, len(c.seen))
	for p := range c.seen {
		platforms = append(platforms, p)
	}
	c.mu.Unlock()
	slices.Sort(platforms)
	for _, p := range platforms {
		ch <- prometheus.MustNewConstMetric(outboxPendingDesc, prometheus.GaugeValue, float64(backlog[p]), p)
	}
	age := 0.0
	if !oldest.IsZero() {
		age = max(c.now().Sub(oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, age)
}

type jobsCollector struct {
	read JobSuccesses
}

var jobSuccessDesc = prometheus.NewDesc("dealdesk_job_last_success_timestamp_seconds",
	"Unix time of a job's last successful run; 0 when it has not succeeded yet.", []string{"job_name"}, nil)

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobSuccessDesc
	ch <- jobsSuccess
}

func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := scrapeContext()
	defer cancel()
	last, err := c.read(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(jobsSuccess, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(jobsSuccess, prometheus.GaugeValue, 1)
	for job, t := range last {
		v := 0.0
		if !t.IsZero() {
			v = float64(t.UnixNano()) / 1e9
		}
		ch <- prometheus.MustNewConstMetric(jobSuccessDesc, prometheus.GaugeValue, v, job)
	}
}
