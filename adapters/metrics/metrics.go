// Package metrics exposes DealDesk's Prometheus metrics and its health
// endpoints: a registry of its own (never the global one), decorators that
// count and time the store, the registries and the EDO operators without
// changing what they do, the bot's observer (bot.Observer), and collectors
// that read the outbox backlog and the jobs' last successes from the store
// at scrape time, so that a standby instance shows them too.
//
// Every metric is named dealdesk_*; label values are bounded sets (a
// platform, a command's name, a job's name, a vendor), never user text or
// IDs.
package metrics

import (
	"context"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Roles an instance can have (SetRole).
const (
	RoleLeader  = "leader"  // polls the chats, runs the outbox and the schedule
	RoleStandby = "standby" // waits to take over; serves nothing but its endpoints
	RoleSingle  = "single"  // the only instance (no leader election)
)

var roles = []string{RoleLeader, RoleStandby, RoleSingle}

// ScrapeTimeout bounds each read from the store at scrape time.
const ScrapeTimeout = 5 * time.Second

// Metrics holds DealDesk's metrics and the registry that exposes them.
type Metrics struct {
	reg *prometheus.Registry

	storeSeconds  *prometheus.HistogramVec
	storeErrors   *prometheus.CounterVec
	registryCalls *prometheus.CounterVec
	registryFails *prometheus.CounterVec
	edoCalls      *prometheus.CounterVec
	edoFails      *prometheus.CounterVec
	updates       *prometheus.CounterVec
	replySeconds  *prometheus.HistogramVec
	deliveries    *prometheus.CounterVec
	role          *prometheus.GaugeVec
	jobInterval   *prometheus.GaugeVec

	mu sync.Mutex // guards what registers once
	// outbox and jobs are the scrape-time collectors, registered once.
	outbox, jobs bool
}

// New returns metrics registered in a registry of their own, with the Go
// runtime's and the process's collectors and dealdesk_build_info.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.storeSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "dealdesk_store_transaction_duration_seconds",
		Help:    "Time of store transactions, by kind (view, update, batch), the work done inside them included.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"kind"})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealdesk_store_transaction_errors_total",
		Help: "Store transactions that returned an error, by kind and DealDesk error code (internal: the store failed or a bug; others: a rule refused the change and rolled it back).",
	}, []string{"kind", "code"})
	m.registryCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealdesk_registry_calls_total",
		Help: "Lookups in a company registry, by vendor.",
	}, []string{"vendor"})
	m.registryFails = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealdesk_registry_failures_total",
		Help: "Registry lookups that failed (an INN the registry does not know is no failure), by vendor and reason (down, auth, quota, bad_answer, canceled, other).",
	}, []string{"vendor", "reason"})
	m.edoCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealdesk_edo_calls_total",
		Help: "Calls to an EDO operator, by vendor and operation (boxes, post_draft, events).",
	}, []string{"vendor", "operation"})
	m.edoFails = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealdesk_edo_failures_total",
		Help: "Calls to an EDO operator that failed, by vendor and operation.",
	}, []string{"vendor", "operation"})
	m.updates = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealdesk_updates_handled_total",
		Help: "Chat updates handled, by platform, command (a command's name, button, text or unknown) and outcome (ok, rejected, failed, retry).",
	}, []string{"platform", "command", "outcome"})
	m.replySeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "dealdesk_reply_duration_seconds",
		Help:    "Time from an update taken into the inbox to its handling committed (its replies written to the outbox), by platform.",
		Buckets: []float64{.025, .05, .1, .25, .5, 1, 2, 5, 10, 30, 60, 300},
	}, []string{"platform"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealdesk_outbox_deliveries_total",
		Help: "Outbox delivery attempts, by platform and outcome (sent, retry, rate_limited: the platform answered 429, failed: given up).",
	}, []string{"platform", "outcome"})
	m.role = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "dealdesk_role",
		Help: "1 for the instance's current role (leader, standby, single), 0 for the others.",
	}, []string{"role"})
	m.jobInterval = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "dealdesk_job_interval_seconds",
		Help: "How often a scheduled job runs.",
	}, []string{"job_name"})
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "dealdesk_build_info",
		Help:        "Always 1; the labels tell the build of the running program.",
		ConstLabels: buildLabels(),
	})
	build.Set(1)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		build, m.storeSeconds, m.storeErrors, m.registryCalls, m.registryFails, m.edoCalls, m.edoFails,
		m.updates, m.replySeconds, m.deliveries, m.role, m.jobInterval,
	)
	return m
}

// buildLabels are the version and VCS revision the program was built from,
// as the Go toolchain recorded them, and the Go version.
func buildLabels() prometheus.Labels {
	l := prometheus.Labels{"version": "unknown", "revision": "unknown", "go_version": "unknown"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return l
	}
	l["go_version"] = bi.GoVersion
	if v := bi.Main.Version; v != "" {
		l["version"] = v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			l["revision"] = s.Value
		}
	}
	return l
}

// Handler serves the metrics in Prometheus's text format (GET /metrics).
// A collector that fails (the store unreachable at scrape) leaves its own
// metrics out and the rest are served: dealdesk_scrape_collector_success
// says which one failed.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		Registry:            m.reg,
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             2 * ScrapeTimeout,
	})
}

// Registerer returns the registry the metrics are in, for collectors of
// other parts.
func (m *Metrics) Registerer() prometheus.Registerer { return m.reg }

// Gatherer returns the registry to gather from (tests).
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// SetRole sets the instance's role: RoleLeader, RoleStandby or RoleSingle.
func (m *Metrics) SetRole(role string) {
	for _, r := range roles {
		v := 0.0
		if r == role {
			v = 1
		}
		m.role.WithLabelValues(r).Set(v)
	}
}

// SetJobIntervals records how often each scheduled job runs, so that an
// alert can compare a job's last success with its own interval. Jobs that
// do not run (interval 0) are left out.
func (m *Metrics) SetJobIntervals(every map[string]time.Duration) {
	m.jobInterval.Reset()
	for job, d := range every {
		if d > 0 {
			m.jobInterval.WithLabelValues(job).Set(d.Seconds())
		}
	}
}

// scrapeContext is the context of one read from the store at scrape time.
func scrapeContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), ScrapeTimeout)
}
