package metrics_test

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/dealdesk/dealdesk/adapters/metrics"
	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// *Metrics is the bot's Observer.
var _ bot.Observer = (*metrics.Metrics)(nil)

// scrape GETs /metrics from the handler and parses the text format.
func scrape(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// sample finds the metric of a family with exactly these labels; ok is
// false when there is none.
func sample(fams map[string]*dto.MetricFamily, name string, labels ...string) (*dto.Metric, bool) {
	f := fams[name]
	if f == nil {
		return nil, false
	}
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(want) {
			continue
		}
		for _, l := range m.GetLabel() {
			if v, ok := want[l.GetName()]; !ok || v != l.GetValue() {
				continue next
			}
		}
		return m, true
	}
	return nil, false
}

// value is a counter's or gauge's value, or a histogram's count.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	m, ok := sample(fams, name, labels...)
	if !ok {
		t.Fatalf("no %s%q in the scrape", name, labels)
	}
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Histogram != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	t.Fatalf("%s: no value", name)
	return 0
}

func TestScrapeHasTheProcessAndBuildFamilies(t *testing.T) {
	fams := scrape(t, metrics.New())
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total",
		"process_start_time_seconds", "dealdesk_build_info"} {
		if fams[name] == nil {
			t.Errorf("no %s in the scrape", name)
		}
	}
	if m, ok := sample(fams, "dealdesk_build_info"); ok || m != nil {
		t.Error("dealdesk_build_info has no labels")
	}
	b := fams["dealdesk_build_info"].GetMetric()[0]
	labels := map[string]string{}
	for _, l := range b.GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	if b.GetGauge().GetValue() != 1 || labels["go_version"] == "" || labels["version"] == "" || labels["revision"] == "" {
		t.Errorf("dealdesk_build_info = %v %v", b.GetGauge().GetValue(), labels)
	}
}

// fakeStore runs fn on no transaction and returns what it was told to.
type fakeStore struct {
	calls []string
	err   error
}

func (s *fakeStore) do(kind string, fn func(core.Tx) error) error {
	s.calls = append(s.calls, kind)
	if err := fn(nil); err != nil {
		return err
	}
	return s.err
}

func (s *fakeStore) View(_ context.Context, fn func(core.Tx) error) error { return s.do("view", fn) }
func (s *fakeStore) Update(_ context.Context, fn func(core.Tx) error) error {
	return s.do("update", fn)
}
func (s *fakeStore) Batch(_ context.Context, fn func(core.Tx) error) error { return s.do("batch", fn) }

// The store's transactions are timed by kind and their errors counted by
// kind and code; what the store does and returns is unchanged.
func TestStoreTransactionsAreTimedAndTheirErrorsCounted(t *testing.T) {
	m := metrics.New()
	inner := &fakeStore{}
	s := m.Store(inner)
	ctx := context.Background()
	ran := 0
	fn := func(core.Tx) error { ran++; return nil }
	refused := core.Errorf(core.ECONFLICT, "err.client.exists")
	for _, call := range []struct {
		run  func() error
		want error
	}{
		{func() error { return s.View(ctx, fn) }, nil},
		{func() error { return s.View(ctx, fn) }, nil},
		{func() error { return s.Update(ctx, fn) }, nil},
		{func() error { return s.Update(ctx, func(core.Tx) error { return refused }) }, refused},
		{func() error { return s.Batch(ctx, fn) }, nil},
	} {
		if err := call.run(); err != call.want {
			t.Fatalf("err = %v, want %v", err, call.want)
		}
	}
	down := errors.New("connection refused")
	inner.err = down
	if err := s.Batch(ctx, fn); err != down {
		t.Fatalf("err = %v, want the store's own", err)
	}
	if ran != 5 || strings.Join(inner.calls, ",") != "view,view,update,update,batch,batch" {
		t.Fatalf("ran %d, calls %v", ran, inner.calls)
	}
	fams := scrape(t, m)
	for kind, n := range map[string]float64{"view": 2, "update": 2, "batch": 2} {
		if got := value(t, fams, "dealdesk_store_transaction_duration_seconds", "kind", kind); got != n {
			t.Errorf("%s transactions = %v, want %v", kind, got, n)
		}
	}
	if got := value(t, fams, "dealdesk_store_transaction_errors_total", "kind", "update", "code", "conflict"); got != 1 {
		t.Errorf("update conflicts = %v", got)
	}
	if got := value(t, fams, "dealdesk_store_transaction_errors_total", "kind", "batch", "code", "internal"); got != 1 {
		t.Errorf("batch internal errors = %v", got)
	}
	if _, ok := sample(fams, "dealdesk_store_transaction_errors_total", "kind", "view", "code", "internal"); ok {
		t.Error("a view that succeeded is counted as an error")
	}
}

type fakeRegistry struct {
	name string
	errs []error
}

func (r *fakeRegistry) Name() string { return r.name }

func (r *fakeRegistry) Lookup(_ context.Context, inn, kpp string) (*core.RegistryRecord, error) {
	err := r.errs[0]
	r.errs = r.errs[1:]
	if err != nil {
		return nil, err
	}
	return &core.RegistryRecord{Source: r.name, INN: inn, KPP: kpp}, nil
}

// A registry's lookups are counted by vendor; failures by reason, and an
// INN the registry does not know is an answer, not a failure.
func TestRegistryCallsAndFailuresByVendor(t *testing.T) {
	m := metrics.New()
	src := func(key string) error { return core.Errorf(core.EUNAVAILABLE, key, "Source", "dadata") }
	r := m.Registry(&fakeRegistry{name: "dadata", errs: []error{
		nil, nil,
		core.Errorf(core.ENOTFOUND, core.ErrRegistryNotFound, "Source", "dadata"),
		src(core.ErrRegistryDown), src(core.ErrRegistryDown), src(core.ErrRegistryQuota),
		context.DeadlineExceeded, errors.New("boom"),
	}})
	if r.Name() != "dadata" {
		t.Fatalf("Name = %q", r.Name())
	}
	for i := range 8 {
		rec, err := r.Lookup(context.Background(), "7707083893", "")
		if i < 2 && (err != nil || rec.INN != "7707083893") {
			t.Fatalf("lookup %d = %+v, %v; want the registry's record", i, rec, err)
		}
		if i >= 2 && err == nil {
			t.Fatalf("lookup %d: the registry's error is lost", i)
		}
	}
	fams := scrape(t, m)
	if got := value(t, fams, "dealdesk_registry_calls_total", "vendor", "dadata"); got != 8 {
		t.Errorf("calls = %v, want 8", got)
	}
	for reason, n := range map[string]float64{"down": 2, "quota": 1, "canceled": 1, "other": 1} {
		if got := value(t, fams, "dealdesk_registry_failures_total", "vendor", "dadata", "reason", reason); got != n {
			t.Errorf("failures %s = %v, want %v", reason, got, n)
		}
	}
	if _, ok := sample(fams, "dealdesk_registry_failures_total", "vendor", "dadata", "reason", "not_found"); ok {
		t.Error("an unknown INN is counted as a failure")
	}
}

type fakeEDO struct{ err error }

func (e *fakeEDO) Name() string { return "diadoc" }
func (e *fakeEDO) Boxes(context.Context, string, string) ([]core.EDOBox, error) {
	return []core.EDOBox{{}}, e.err
}
func (e *fakeEDO) PostDraft(context.Context, *core.EDODraft) (*core.EDOPosted, error) {
	return &core.EDOPosted{}, e.err
}
func (e *fakeEDO) Events(_ context.Context, after string) ([]core.EDOEvent, string, error) {
	return nil, after + "1", e.err
}

// An EDO operator's calls and failures are counted by vendor and
// operation; answers pass through.
func TestEDOCallsAndFailuresByVendor(t *testing.T) {
	m := metrics.New()
	inner := &fakeEDO{}
	e := m.EDO(inner)
	ctx := context.Background()
	if boxes, err := e.Boxes(ctx, "7707083893", ""); err != nil || len(boxes) != 1 {
		t.Fatalf("Boxes = %v, %v", boxes, err)
	}
	if _, next, err := e.Events(ctx, "c"); err != nil || next != "c1" {
		t.Fatalf("Events next = %q, %v", next, err)
	}
	inner.err = core.Errorf(core.EUNAVAILABLE, "err.edo.down")
	if _, err := e.PostDraft(ctx, &core.EDODraft{}); err != inner.err {
		t.Fatalf("PostDraft err = %v", err)
	}
	if _, _, err := e.Events(ctx, "c"); err != inner.err {
		t.Fatalf("Events err = %v", err)
	}
	fams := scrape(t, m)
	for op, n := range map[string]float64{"boxes": 1, "events": 2, "post_draft": 1} {
		if got := value(t, fams, "dealdesk_edo_calls_total", "vendor", "diadoc", "operation", op); got != n {
			t.Errorf("%s calls = %v, want %v", op, got, n)
		}
	}
	for op, n := range map[string]float64{"events": 1, "post_draft": 1} {
		if got := value(t, fams, "dealdesk_edo_failures_total", "vendor", "diadoc", "operation", op); got != n {
			t.Errorf("%s failures = %v, want %v", op, got, n)
		}
	}
	if _, ok := sample(fams, "dealdesk_edo_failures_total", "vendor", "diadoc", "operation", "boxes"); ok {
		t.Error("a call that succeeded is counted as a failure")
	}
}

// The bot's observations: updates by platform, command and outcome, the
// reply latency by platform (tries to be repeated are not replies), and
// deliveries by platform and outcome.
func TestBotObservations(t *testing.T) {
	m := metrics.New()
	m.UpdateHandled("telegram", "deal", 300*time.Millisecond, bot.UpdateOK)
	m.UpdateHandled("telegram", "deal", 2*time.Second, bot.UpdateOK)
	m.UpdateHandled("telegram", "button", time.Second, bot.UpdateRejected)
	m.UpdateHandled("telegram", "text", time.Minute, bot.UpdateRetry)
	m.UpdateHandled("mattermost", "help", 50*time.Millisecond, bot.UpdateOK)
	for range 3 {
		m.Delivery("telegram", bot.DeliverySent)
	}
	m.Delivery("telegram", bot.DeliveryRateLimited)
	m.Delivery("mattermost", bot.DeliveryRetry)
	m.Delivery("mattermost", bot.DeliveryFailed)
	fams := scrape(t, m)
	for _, c := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"platform", "telegram", "command", "deal", "outcome", "ok"}, 2},
		{[]string{"platform", "telegram", "command", "button", "outcome", "rejected"}, 1},
		{[]string{"platform", "telegram", "command", "text", "outcome", "retry"}, 1},
		{[]string{"platform", "mattermost", "command", "help", "outcome", "ok"}, 1},
	} {
		if got := value(t, fams, "dealdesk_updates_handled_total", c.labels...); got != c.want {
			t.Errorf("updates %v = %v, want %v", c.labels, got, c.want)
		}
	}
	h, _ := sample(fams, "dealdesk_reply_duration_seconds", "platform", "telegram")
	if h == nil || h.GetHistogram().GetSampleCount() != 3 || math.Abs(h.GetHistogram().GetSampleSum()-3.3) > 1e-9 {
		t.Fatalf("telegram reply latency = %v; want 3 replies taking 3.3 s", h)
	}
	for _, b := range h.GetHistogram().GetBucket() {
		if b.GetUpperBound() == 0.5 && b.GetCumulativeCount() != 1 {
			t.Errorf("replies within 0.5 s = %d, want 1", b.GetCumulativeCount())
		}
	}
	for _, c := range []struct {
		platform, outcome string
		want              float64
	}{
		{"telegram", "sent", 3}, {"telegram", "rate_limited", 1}, {"mattermost", "retry", 1}, {"mattermost", "failed", 1},
	} {
		if got := value(t, fams, "dealdesk_outbox_deliveries_total", "platform", c.platform, "outcome", c.outcome); got != c.want {
			t.Errorf("deliveries %s/%s = %v, want %v", c.platform, c.outcome, got, c.want)
		}
	}
}

// The outbox backlog is read at each scrape: pending messages by platform
// (a platform seen before shows 0 once its backlog is gone) and the age of
// the oldest; a read that fails leaves them out and says so.
func TestOutboxBacklogIsReadAtScrape(t *testing.T) {
	m := metrics.New()
	var (
		backlog map[string]int
		oldest  time.Time
		fail    error
		reads   int
	)
	m.WatchOutbox(func(ctx context.Context) (map[string]int, time.Time, error) {
		reads++
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the read has no deadline")
		}
		return backlog, oldest, fail
	})
	m.WatchOutbox(func(context.Context) (map[string]int, time.Time, error) {
		t.Error("a second WatchOutbox is used")
		return nil, time.Time{}, nil
	})
	backlog, oldest = map[string]int{"telegram": 12, "mattermost": 1}, time.Now().Add(-10*time.Minute)
	fams := scrape(t, m)
	if got := value(t, fams, "dealdesk_outbox_pending_messages", "platform", "telegram"); got != 12 {
		t.Errorf("telegram backlog = %v", got)
	}
	if got := value(t, fams, "dealdesk_outbox_pending_messages", "platform", "mattermost"); got != 1 {
		t.Errorf("mattermost backlog = %v", got)
	}
	if age := value(t, fams, "dealdesk_outbox_oldest_message_age_seconds"); age < 600 || age > 660 {
		t.Errorf("oldest age = %v s, want 600", age)
	}
	if got := value(t, fams, "dealdesk_scrape_collector_success", "collector", "outbox"); got != 1 {
		t.Errorf("success = %v", got)
	}

	backlog, oldest = map[string]int{"telegram": 2}, time.Time{}
	fams = scrape(t, m)
	if got := value(t, fams, "dealdesk_outbox_pending_messages", "platform", "mattermost"); got != 0 {
		t.Errorf("mattermost backlog = %v, want 0 once delivered", got)
	}
	if got := value(t, fams, "dealdesk_outbox_oldest_message_age_seconds"); got != 0 {
		t.Errorf("oldest age with none waiting = %v", got)
	}

	fail = errors.New("store unreachable")
	fams = scrape(t, m)
	if got := value(t, fams, "dealdesk_scrape_collector_success", "collector", "outbox"); got != 0 {
		t.Errorf("success after a failed read = %v", got)
	}
	if fams["dealdesk_outbox_pending_messages"] != nil || fams["dealdesk_outbox_oldest_message_age_seconds"] != nil {
		t.Error("a failed read shows a backlog")
	}
	if fams["go_goroutines"] == nil {
		t.Error("a failed read took the other metrics with it")
	}
	if reads != 3 {
		t.Errorf("reads = %d, want one per scrape", reads)
	}
}

// Each job's last success is read at each scrape, as a Unix time; a job
// that never succeeded shows 0. Its interval is shown beside it.
func TestJobsLastSuccessIsReadAtScrape(t *testing.T) {
	m := metrics.New()
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	var fail error
	m.WatchJobs(func(context.Context) (map[string]time.Time, error) {
		return map[string]time.Time{"remind_tick": at, "registry_recheck": {}}, fail
	})
	m.SetJobIntervals(map[string]time.Duration{"remind_tick": time.Minute, "purge_inbox": time.Hour, "off": 0})
	fams := scrape(t, m)
	if got := value(t, fams, "dealdesk_job_last_success_timestamp_seconds", "job_name", "remind_tick"); got != float64(at.Unix()) {
		t.Errorf("remind_tick = %v, want %v", got, at.Unix())
	}
	if got := value(t, fams, "dealdesk_job_last_success_timestamp_seconds", "job_name", "registry_recheck"); got != 0 {
		t.Errorf("registry_recheck = %v, want 0", got)
	}
	if got := value(t, fams, "dealdesk_job_interval_seconds", "job_name", "purge_inbox"); got != 3600 {
		t.Errorf("purge_inbox interval = %v", got)
	}
	if _, ok := sample(fams, "dealdesk_job_interval_seconds", "job_name", "off"); ok {
		t.Error("a job that does not run has an interval")
	}
	fail = errors.New("store unreachable")
	fams = scrape(t, m)
	if fams["dealdesk_job_last_success_timestamp_seconds"] != nil ||
		value(t, fams, "dealdesk_scrape_collector_success", "collector", "jobs") != 0 {
		t.Error("a failed read is not told")
	}
}

// The role gauge shows 1 for the current role only.
func TestRole(t *testing.T) {
	m := metrics.New()
	m.SetRole(metrics.RoleStandby)
	m.SetRole(metrics.RoleLeader)
	fams := scrape(t, m)
	for role, want := range map[string]float64{"leader": 1, "standby": 0, "single": 0} {
		if got := value(t, fams, "dealdesk_role", "role", role); got != want {
			t.Errorf("role %s = %v, want %v", role, got, want)
		}
	}
}

// Every DealDesk family is named dealdesk_*, has help, and its label names
// are snake_case.
func TestNamesAndLabels(t *testing.T) {
	m := metrics.New()
	m.WatchOutbox(func(context.Context) (map[string]int, time.Time, error) {
		return map[string]int{"telegram": 1}, time.Now(), nil
	})
	m.WatchJobs(func(context.Context) (map[string]time.Time, error) {
		return map[string]time.Time{"watchdog": time.Now()}, nil
	})
	m.SetRole(metrics.RoleSingle)
	m.SetJobIntervals(map[string]time.Duration{"watchdog": time.Minute})
	m.UpdateHandled("telegram", "help", time.Second, bot.UpdateOK)
	m.Delivery("telegram", bot.DeliverySent)
	_ = m.Store(&fakeStore{}).View(context.Background(), func(core.Tx) error { return nil })
	_ = m.Store(&fakeStore{}).Update(context.Background(), func(core.Tx) error { return errors.New("x") })
	_, _ = m.Registry(&fakeRegistry{name: "fnsapi", errs: []error{errors.New("x")}}).Lookup(context.Background(), "1", "")
	_, _ = m.EDO(&fakeEDO{err: errors.New("x")}).Boxes(context.Background(), "1", "")
	fams := scrape(t, m)
	want := []string{
		"dealdesk_build_info", "dealdesk_store_transaction_duration_seconds", "dealdesk_store_transaction_errors_total",
		"dealdesk_registry_calls_total", "dealdesk_registry_failures_total", "dealdesk_edo_calls_total",
		"dealdesk_edo_failures_total", "dealdesk_updates_handled_total", "dealdesk_reply_duration_seconds",
		"dealdesk_outbox_deliveries_total", "dealdesk_role", "dealdesk_job_interval_seconds",
		"dealdesk_outbox_pending_messages", "dealdesk_outbox_oldest_message_age_seconds",
		"dealdesk_job_last_success_timestamp_seconds", "dealdesk_scrape_collector_success",
	}
	for _, name := range want {
		if fams[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	for name, f := range fams {
		if !strings.HasPrefix(name, "dealdesk_") {
			continue
		}
		if f.GetHelp() == "" {
			t.Errorf("%s has no help", name)
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() != strings.ToLower(l.GetName()) || strings.ContainsAny(l.GetName(), "-. ") {
					t.Errorf("%s: label %q is not snake_case", name, l.GetName())
				}
				if l.GetName() == "job" || l.GetName() == "instance" {
					// Prometheus's own target labels: a scrape would rename it.
					t.Errorf("%s: label %q clashes with the target's", name, l.GetName())
				}
			}
		}
	}
}

// TestOutboxShowsTheGivenPlatformsAtZero: a platform DealDesk runs is shown
// with an empty backlog before anything of it ever waited.
func TestOutboxShowsTheGivenPlatformsAtZero(t *testing.T) {
	m := metrics.New()
	m.WatchOutbox(func(context.Context) (map[string]int, time.Time, error) {
		return map[string]int{}, time.Time{}, nil
	}, "telegram")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(rec.Body.String(), `dealdesk_outbox_pending_messages{platform="telegram"} 0`) {
		t.Fatalf("no zero backlog for telegram:\n%s", rec.Body.String())
	}
}
