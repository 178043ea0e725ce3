package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// testLeaderTimeout is the electors' timeout in these tests: every takeover
// must happen within it.
const testLeaderTimeout = 2 * time.Second

// firstElection bounds the first election on a new database, whose first
// sessions may be slow to start on a busy machine.
const firstElection = 10 * time.Second

// A child started by TestElectorKilledLeaderFreesTheLock campaigns on the
// database it is given, prints "leading" once it leads and waits to be
// killed.
func init() {
	url := os.Getenv("DEALDESK_TEST_LEADER_CHILD")
	if url == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // if nobody kills it
	defer cancel()
	e := NewElector(url, ElectorOptions{Name: os.Getenv("DEALDESK_TEST_LEADER_NAME"), Timeout: testLeaderTimeout})
	err := e.Run(ctx, func(ctx context.Context) {
		fmt.Println("leading")
		<-ctx.Done()
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(0)
}

// testElector is an elector running in the background with a record of its
// leadership.
type testElector struct {
	*Elector
	cancel context.CancelFunc
	done   chan error // Run's result

	mu      sync.Mutex
	terms   int     // how many times lead was called
	ends    []error // the causes of lead's context's end, per term
	events  []ElectorEvent
	leading *atomic.Int32 // leaders right now, shared by the electors of a test
	most    *atomic.Int32 // the most leaders there were at once
}

// startElector runs an elector named name on url until the test ends.
func startElector(t *testing.T, url, name string, leading, most *atomic.Int32) *testElector {
	t.Helper()
	te := &testElector{done: make(chan error, 1), leading: leading, most: most}
	te.Elector = NewElector(url, ElectorOptions{Name: name, Timeout: testLeaderTimeout, Notify: func(ev ElectorEvent) {
		te.mu.Lock()
		defer te.mu.Unlock()
		te.events = append(te.events, ev)
	}})
	ctx, cancel := context.WithCancel(context.Background())
	te.cancel = cancel
	go func() {
		te.done <- te.Run(ctx, func(ctx context.Context) {
			n := te.leading.Add(1)
			for {
				m := te.most.Load()
				if n <= m || te.most.CompareAndSwap(m, n) {
					break
				}
			}
			te.mu.Lock()
			te.terms++
			te.mu.Unlock()
			<-ctx.Done()
			te.mu.Lock()
			te.ends = append(te.ends, context.Cause(ctx))
			te.mu.Unlock()
			te.leading.Add(-1)
		})
	}()
	t.Cleanup(te.stop)
	return te
}

// stop ends Run and waits for it.
func (te *testElector) stop() {
	te.cancel()
	if err := <-te.done; err != nil {
		panic(err)
	}
	te.done <- nil // a second stop returns at once
}

func (te *testElector) leads() bool {
	te.mu.Lock()
	defer te.mu.Unlock()
	return te.terms > len(te.ends)
}

func (te *testElector) record() (terms int, ends []error, events []ElectorEvent) {
	te.mu.Lock()
	defer te.mu.Unlock()
	return te.terms, append([]error(nil), te.ends...), append([]ElectorEvent(nil), te.events...)
}

// waitFor waits up to timeout for cond.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitSession waits for the instance called name to have a session on the
// database at url (to campaign from).
func waitSession(t *testing.T, url, name string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	waitFor(t, name+" connected", firstElection, func() bool {
		var n int
		err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE application_name = $1 AND datname = current_database()`, name).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n > 0
	})
}

// leaderName asks e who leads.
func leaderName(t *testing.T, e *Elector) string {
	t.Helper()
	name, err := e.LeaderName(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return name
}

// electPair starts two electors on one database and returns the one that
// leads and the one that stands by.
func electPair(t *testing.T) (url string, leader, standby *testElector, most *atomic.Int32) {
	t.Helper()
	url = pgtest.NewDB(t)
	var leading atomic.Int32
	most = new(atomic.Int32)
	a := startElector(t, url, "dealdesk-a", &leading, most)
	b := startElector(t, url, "dealdesk-b", &leading, most)
	waitFor(t, "a leader elected", firstElection, func() bool { return a.leads() || b.leads() })
	leader, standby = a, b
	if b.leads() {
		leader, standby = b, a
	}
	waitSession(t, url, standby.Name())
	// The standby tries the lock a few times meanwhile, and loses.
	time.Sleep(2 * testLeaderTimeout / 3)
	if standby.leads() || leader.Role() != RoleLeader || standby.Role() != RoleStandby {
		t.Fatalf("roles %s/%s, leading %v/%v: want exactly one leader", leader.Role(), standby.Role(), leader.leads(), standby.leads())
	}
	for _, e := range []*testElector{leader, standby} {
		if got := leaderName(t, e.Elector); got != leader.Name() {
			t.Fatalf("LeaderName = %q, want %q", got, leader.Name())
		}
	}
	return url, leader, standby, most
}

// TestElectorHandsOverWhenTheLeaderStops: of two instances exactly one
// leads and both name it; when the leader's Run ends, its work's context is
// cancelled, it gives the lock back and the other leads within the timeout.
func TestElectorHandsOverWhenTheLeaderStops(t *testing.T) {
	_, leader, standby, most := electPair(t)
	since := leader.Since()
	stopped := time.Now()
	leader.stop()
	waitFor(t, "the standby leading", testLeaderTimeout, standby.leads)
	t.Logf("took over in %v", time.Since(stopped))
	if leader.Role() != RoleStandby || standby.Role() != RoleLeader || !standby.Since().After(since) {
		t.Fatalf("roles %s/%s", leader.Role(), standby.Role())
	}
	terms, ends, events := leader.record()
	if terms != 1 || len(ends) != 1 || !errors.Is(ends[0], context.Canceled) {
		t.Fatalf("old leader: %d terms, ends %v; want 1 term ended by the cancelled Run", terms, ends)
	}
	if len(events) != 2 || events[0].Kind != EventElected || events[0].Role != RoleLeader ||
		events[1].Kind != EventLost || !errors.Is(events[1].Err, context.Canceled) || events[1].Role != RoleStandby {
		t.Fatalf("old leader's events: %+v", events)
	}
	if got := leaderName(t, standby.Elector); got != standby.Name() {
		t.Fatalf("LeaderName = %q, want %q", got, standby.Name())
	}
	if n := most.Load(); n != 1 {
		t.Fatalf("%d leaders at once", n)
	}
}

// TestElectorTakesOverFromADeadConnection: when the leader's session is
// killed on the server (as PostgreSQL does to a dead client), the leader
// notices, its work's context is cancelled with the reason, and the other
// leads within the timeout; the old one stands by and campaigns on.
func TestElectorTakesOverFromADeadConnection(t *testing.T) {
	url, leader, standby, most := electPair(t)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var killed bool
	err = conn.QueryRow(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, leader.Name()).Scan(&killed)
	if err != nil || !killed {
		t.Fatalf("terminate the leader's session: %v %v", killed, err)
	}
	cut := time.Now()
	waitFor(t, "the standby leading", testLeaderTimeout, standby.leads)
	t.Logf("took over in %v", time.Since(cut))
	waitFor(t, "the old leader's work cancelled", testLeaderTimeout, func() bool { return !leader.leads() })
	terms, ends, events := leader.record()
	if terms != 1 || len(ends) != 1 || !strings.Contains(fmt.Sprint(ends[0]), "leader connection lost") {
		t.Fatalf("old leader: %d terms, ends %v; want 1 ended by the lost connection", terms, ends)
	}
	if last := events[len(events)-1]; last.Kind != EventLost || last.Err != ends[0] {
		t.Fatalf("old leader's last event %+v", last)
	}
	// The old leader reconnects and stands by.
	time.Sleep(testLeaderTimeout)
	if leader.Role() != RoleStandby || leader.leads() {
		t.Fatalf("old leader is %s", leader.Role())
	}
	var sessions int
	err = conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, leader.Name()).Scan(&sessions)
	if err != nil || sessions != 1 {
		t.Fatalf("old leader has %d sessions (%v), want 1 campaigning", sessions, err)
	}
	if got := leaderName(t, leader.Elector); got != standby.Name() {
		t.Fatalf("LeaderName = %q, want %q", got, standby.Name())
	}
	if n := most.Load(); n != 1 {
		t.Fatalf("%d leaders at once", n)
	}
}

// freezer is a TCP proxy to a PostgreSQL server that can go silent, as a
// network that drops every packet would, without closing its connections.
type freezer struct {
	addr   string
	frozen chan struct{} // closed when frozen
	once   sync.Once
}

// newFreezer proxies to the server of dbURL and returns the URL through it.
func newFreezer(t *testing.T, dbURL string) (*freezer, string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{addr: ln.Addr().String(), frozen: make(chan struct{})}
	server := u.Host
	var conns []net.Conn
	var mu sync.Mutex
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	pipe := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			select {
			case <-f.frozen:
				return // swallow everything from now on, and never close
			default:
			}
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					dst.Close()
				}
				return
			}
		}
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", server)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, s)
			mu.Unlock()
			go pipe(s, c)
			go pipe(c, s)
		}
	}()
	u.Host = f.addr
	return f, u.String()
}

func (f *freezer) freeze() { f.once.Do(func() { close(f.frozen) }) }

// TestElectorCutOffLeaderStepsDown: a leader whose connection goes silent
// (a network cut: no error, no answer) stops leading within the timeout, so
// that when the server drops its session and frees the lock (its keepalives
// fail; here pg_terminate_backend stands in for them) the other instance
// takes over without two leaders at once.
func TestElectorCutOffLeaderStepsDown(t *testing.T) {
	dbURL := pgtest.NewDB(t)
	f, viaProxy := newFreezer(t, dbURL)
	var leading, most atomic.Int32
	leader := startElector(t, viaProxy, "dealdesk-a", &leading, &most)
	waitFor(t, "a leader elected", firstElection, leader.leads)
	standby := startElector(t, dbURL, "dealdesk-b", &leading, &most)
	waitSession(t, dbURL, "dealdesk-b")
	if got := leaderName(t, standby.Elector); got != "dealdesk-a" {
		t.Fatalf("LeaderName = %q", got)
	}
	f.freeze()
	waitFor(t, "the cut-off leader stepping down", testLeaderTimeout, func() bool { return !leader.leads() })
	_, ends, _ := leader.record()
	if len(ends) != 1 || !strings.Contains(fmt.Sprint(ends[0]), "leader connection lost") {
		t.Fatalf("ends %v", ends)
	}
	if standby.leads() || leaderName(t, standby.Elector) != "dealdesk-a" {
		t.Fatal("the lock moved before the server dropped the session")
	}
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'dealdesk-a' AND datname = current_database()`); err != nil {
		t.Fatal(err)
	}
	dropped := time.Now()
	waitFor(t, "the standby leading", testLeaderTimeout, standby.leads)
	t.Logf("took over in %v", time.Since(dropped))
	if n := most.Load(); n != 1 {
		t.Fatalf("%d leaders at once", n)
	}
}

// TestElectorKilledLeaderFreesTheLock: a leader process killed with kill -9
// leaves no lock behind: the other instance leads within the timeout.
func TestElectorKilledLeaderFreesTheLock(t *testing.T) {
	url := pgtest.NewDB(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "DEALDESK_TEST_LEADER_CHILD="+url, "DEALDESK_TEST_LEADER_NAME=dealdesk-child")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line := <-lines:
		if line != "leading" {
			t.Fatalf("child said %q", line)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the child did not lead")
	}

	var leading, most atomic.Int32
	standby := startElector(t, url, "dealdesk-b", &leading, &most)
	waitSession(t, url, "dealdesk-b")
	time.Sleep(2 * testLeaderTimeout / 3) // a few tries, lost to the child
	if standby.leads() || standby.Role() != RoleStandby {
		t.Fatal("two leaders")
	}
	if got := leaderName(t, standby.Elector); got != "dealdesk-child" {
		t.Fatalf("LeaderName = %q, want the child", got)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed = true
	dead := time.Now()
	waitFor(t, "the standby leading", testLeaderTimeout, standby.leads)
	t.Logf("took over in %v", time.Since(dead))
	if got := leaderName(t, standby.Elector); got != "dealdesk-b" {
		t.Fatalf("LeaderName = %q, want dealdesk-b", got)
	}
}

// TestElectorLeadReturning: when the work returns by itself the leader
// steps down (ErrLeadReturned) and the other instance gets the first chance.
func TestElectorLeadReturning(t *testing.T) {
	url := pgtest.NewDB(t)
	var events []ElectorEvent
	var mu sync.Mutex
	a := NewElector(url, ElectorOptions{Name: "dealdesk-a", Timeout: testLeaderTimeout, Notify: func(ev ElectorEvent) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, ev)
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	first, release := make(chan struct{}), make(chan struct{})
	go func() {
		done <- a.Run(ctx, func(ctx context.Context) {
			select {
			case <-first: // a later term
				<-ctx.Done()
			default:
				close(first)
				<-release // the first term ends by itself
			}
		})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	<-first
	var leading, most atomic.Int32
	b := startElector(t, url, "dealdesk-b", &leading, &most)
	waitSession(t, url, "dealdesk-b")
	close(release)
	waitFor(t, "the other leading", testLeaderTimeout, b.leads)
	mu.Lock()
	defer mu.Unlock()
	if len(events) < 2 || events[1].Kind != EventLost || !errors.Is(events[1].Err, ErrLeadReturned) {
		t.Fatalf("events %+v", events)
	}
}

// TestElectorSessionSettings: the dedicated connection carries the
// instance's name and the keepalives that make the server drop it when the
// instance is cut off; LeaderName is "" when nobody leads; a bad URL is
// refused.
func TestElectorSessionSettings(t *testing.T) {
	url := pgtest.NewDB(t)
	e := NewElector(url, ElectorOptions{Name: "dealdesk-a"})
	if e.Timeout() != DefaultLeaderTimeout || e.Role() != RoleStandby {
		t.Fatalf("timeout %v role %s", e.Timeout(), e.Role())
	}
	if got := leaderName(t, e); got != "" {
		t.Fatalf("LeaderName = %q with nobody leading", got)
	}
	cfg, err := e.connConfig()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	idle, interval, count, user := keepalives(DefaultLeaderTimeout)
	want := map[string]string{"application_name": "dealdesk-a", "tcp_keepalives_idle": fmt.Sprint(idle),
		"tcp_keepalives_interval": fmt.Sprint(interval), "tcp_keepalives_count": fmt.Sprint(count),
		"tcp_user_timeout": fmt.Sprint(user)}
	for name, v := range want {
		var got string
		if err := conn.QueryRow(context.Background(), "SELECT current_setting($1)", name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != v {
			t.Errorf("%s = %s, want %s", name, got, v)
		}
	}
	var local bool // over a Unix socket PostgreSQL ignores the TCP settings
	if err := conn.QueryRow(context.Background(), "SELECT inet_client_addr() IS NULL").Scan(&local); err != nil || local {
		t.Logf("not over TCP (%v): the keepalives do not apply", err)
	}
	if err := NewElector("postgres://%zz", ElectorOptions{}).Run(context.Background(), func(context.Context) {}); err == nil {
		t.Fatal("Run accepted a bad URL")
	}
	if host, _ := os.Hostname(); !strings.HasPrefix(NewElector(url, ElectorOptions{}).Name(), host+":") {
		t.Fatal("no default name")
	}
}

// TestElectorTimingFitsTheTimeout: for any timeout from 5 s, a leader cut
// off silently stops leading (a check and a ping's timeout) before the
// server drops its session, a new leader's grace covers an old one's
// noticing that its session ended (a check), and a standby's next try after the drop plus the grace
// falls within the timeout.
func TestElectorTimingFitsTheTimeout(t *testing.T) {
	for _, timeout := range []time.Duration{5 * time.Second, 6 * time.Second, 7 * time.Second, 10 * time.Second,
		DefaultLeaderTimeout, 20 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute, time.Hour} {
		e := NewElector("", ElectorOptions{Timeout: timeout})
		drop := serverDrop(timeout)
		if stepDown := e.check() + e.pingTimeout(); stepDown >= drop {
			t.Errorf("timeout %v: the leader steps down after %v, the server drops it after %v", timeout, stepDown, drop)
		}
		if e.grace() < 2*e.check() { // a check, and as long again to spare
			t.Errorf("timeout %v: grace %v, a leader notices within %v", timeout, e.grace(), e.check())
		}
		if takeover := drop + e.poll() + e.grace(); takeover > timeout {
			t.Errorf("timeout %v: takeover after %v", timeout, takeover)
		}
		if _, _, _, user := keepalives(timeout); time.Duration(user)*time.Millisecond != drop {
			t.Errorf("timeout %v: user timeout %d ms, drop %v", timeout, user, drop)
		}
	}
}
