package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The roles an instance has in the election.
const (
	RoleLeader  = "leader"
	RoleStandby = "standby"
)

// DefaultLeaderTimeout is how long the instances go without a leader at most
// when none is configured (DEALDESK_LEADER_TIMEOUT).
const DefaultLeaderTimeout = 15 * time.Second

// ErrLeadReturned is the reason given when the leader's work returned by
// itself while the instance still held the leadership: it steps down and
// campaigns again after a pause, leaving the others the first chance.
var ErrLeadReturned = errors.New("postgres: the leader's work ended")

// ElectorOptions configures NewElector.
type ElectorOptions struct {
	// Name is this instance's name, sent as its connections'
	// application_name, so that the others can tell who leads (LeaderName).
	// PostgreSQL keeps 63 bytes of it and only printable ASCII. Empty is
	// "<hostname>:<pid>".
	Name string
	// Timeout bounds the time without a leader: when the leader dies or is
	// cut off from the database, another instance leads within it.
	// Zero is DefaultLeaderTimeout.
	Timeout time.Duration
	// Pool, if set, runs LeaderName's query (the store's pool, DB.Pool());
	// without it LeaderName opens a connection of its own each time.
	Pool *pgxpool.Pool
	// Notify, if set, is told of each change: elected, leadership lost and
	// why, the database unreachable and reachable again. It is called from
	// Run's goroutine and must not block for long.
	Notify func(ElectorEvent)
}

// ElectorEventKind is what happened to an elector.
type ElectorEventKind int

// The elector's events.
const (
	// EventElected: this instance holds the leader lock; lead is called.
	EventElected ElectorEventKind = iota + 1
	// EventLost: this instance no longer leads (Err says why: Run's context
	// ended, the connection failed, or ErrLeadReturned); lead's context is
	// cancelled with Err as its cause.
	EventLost
	// EventUnreachable: standing by, the instance cannot reach the database
	// (Err), so it cannot campaign. Reported once until it reaches it again.
	EventUnreachable
	// EventReachable: the database answers again after EventUnreachable.
	EventReachable
)

// String names the event, for logs.
func (k ElectorEventKind) String() string {
	switch k {
	case EventElected:
		return "elected"
	case EventLost:
		return "lost leadership"
	case EventUnreachable:
		return "database unreachable"
	case EventReachable:
		return "database reachable"
	}
	return "event " + strconv.Itoa(int(k))
}

// ElectorEvent is a change an elector reports to ElectorOptions.Notify.
type ElectorEvent struct {
	Kind ElectorEventKind
	Err  error     // why, for EventLost and EventUnreachable
	Role string    // the role after the event
	At   time.Time // when it happened
}

// Elector campaigns for the leadership of the DealDesk instances that share
// a database: the leader is the one whose dedicated connection holds the
// session advisory lock LeaderLock. The lock lives as long as the
// connection's server session, so it is freed as soon as PostgreSQL ends the
// session: at once when the leader's process dies (its sockets close), and
// within about 0.4 of the timeout when the leader is cut off silently
// (the session's TCP keepalives and user timeout are set from the timeout).
// The leader checks its connection often enough to stop leading before the
// server can give the lock to another, and a new leader waits long enough
// for an old one to notice that the server ended its session.
//
// The URL must reach PostgreSQL directly or through a session-mode pooler:
// a transaction-mode pooler would not keep the lock on one session.
type Elector struct {
	url     string
	name    string
	timeout time.Duration
	pool    *pgxpool.Pool
	notify  func(ElectorEvent)

	running atomic.Bool

	mu    sync.Mutex
	role  string
	since time.Time
}

// NewElector returns an elector for the database at url; it stands by until
// Run campaigns.
func NewElector(url string, opts ElectorOptions) *Elector {
	e := &Elector{url: url, name: opts.Name, timeout: opts.Timeout, pool: opts.Pool, notify: opts.Notify,
		role: RoleStandby, since: time.Now()}
	if e.timeout <= 0 {
		e.timeout = DefaultLeaderTimeout
	}
	if e.name == "" {
		host, _ := os.Hostname()
		e.name = host + ":" + strconv.Itoa(os.Getpid())
	}
	return e
}

// Name is the name this instance campaigns under.
func (e *Elector) Name() string { return e.name }

// Timeout is the longest time without a leader the elector is built for.
func (e *Elector) Timeout() time.Duration { return e.timeout }

// Role is RoleLeader while this instance leads, else RoleStandby.
func (e *Elector) Role() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.role
}

// Since is when this instance took its current role (for a standby that
// never led, when the elector was made).
func (e *Elector) Since() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.since
}

// LeaderName returns the name (application_name) of the instance whose
// session holds the leader lock, whichever instance asks, or "" when none
// does.
func (e *Elector) LeaderName(ctx context.Context) (string, error) {
	const q = `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid
		LIMIT 1`
	key := LeaderLock // a bigint key is (classid, objid) = (high, low 32 bits)
	hi, lo := int64(uint64(key)>>32), int64(uint32(key))
	var name string
	var err error
	if e.pool != nil {
		err = e.pool.QueryRow(ctx, q, hi, lo).Scan(&name)
	} else {
		var cfg *pgx.ConnConfig
		if cfg, err = e.connConfig(); err != nil {
			return "", err
		}
		cfg.RuntimeParams["application_name"] = e.name + " (query)"
		var conn *pgx.Conn
		if conn, err = pgx.ConnectConfig(ctx, cfg); err != nil {
			return "", fmt.Errorf("postgres: leader name: %w", redactErr(err, e.url))
		}
		defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
		err = conn.QueryRow(ctx, q, hi, lo).Scan(&name)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("postgres: leader name: %w", err)
	}
	return name, nil
}

// The elector's rhythm, from its timeout T. A standby tries the lock every
// T/4. The leader pings its connection every T/10 and gives a ping T/5 to
// answer, so it stops leading at most 3T/10 after its last exchange with the
// server, and within T/10 of the server ending its session (the ping fails
// at once). The server drops a silent session serverDrop(T) (about 0.4 T)
// after its last packet, which frees the lock after a cut-off leader has
// stopped. An instance that wins the lock waits grace (T/5) before it leads:
// the lock may have been freed by the server ending a session whose leader
// has not noticed yet. The worst takeover, a leader cut off silently, is
// 0.4 T + T/4 + T/5 (0.85 T) after its last packet; a killed leader's socket
// closes at once, and the next leads within T/4 + T/5.
func (e *Elector) poll() time.Duration        { return e.timeout / 4 }
func (e *Elector) check() time.Duration       { return e.timeout / 10 }
func (e *Elector) pingTimeout() time.Duration { return e.timeout / 5 }
func (e *Elector) grace() time.Duration       { return e.timeout / 5 }

// slow bounds a standby's connecting and trying: a busy server may take
// longer than a poll to start a session, and a standby has no deadline.
func (e *Elector) slow() time.Duration { return max(e.poll(), 5*time.Second) }

// keepalives returns the server session's TCP settings for a timeout:
// keepalive idle time and interval in seconds, probe count, and the user
// timeout in milliseconds (for a cut while data is unacknowledged). The
// server drops a dead peer after idle + interval*count seconds, about 0.4 t
// (never less than two seconds).
func keepalives(t time.Duration) (idle, interval, count, userTimeoutMS int) {
	idle = max(1, int(t/10/time.Second))
	interval = max(1, int(t/15/time.Second))
	rest := t*2/5 - time.Duration(idle)*time.Second
	step := time.Duration(interval) * time.Second
	count = max(1, int((rest+step-1)/step))
	return idle, interval, count, (idle + interval*count) * 1000
}

// serverDrop is how long the server keeps a silent session of an elector
// with timeout t.
func serverDrop(t time.Duration) time.Duration {
	idle, interval, count, _ := keepalives(t)
	return time.Duration(idle+interval*count) * time.Second
}

// connConfig is the dedicated connection's configuration: the instance's
// name, the server's keepalives, the client's keepalives and a connect
// timeout (the URL's connect_timeout, else slow()).
func (e *Elector) connConfig() (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(e.url)
	if err != nil {
		return nil, fmt.Errorf("postgres: elector: %w", redactErr(err, e.url))
	}
	idle, interval, count, userTimeout := keepalives(e.timeout)
	p := cfg.RuntimeParams
	p["application_name"] = e.name
	p["tcp_keepalives_idle"] = strconv.Itoa(idle)
	p["tcp_keepalives_interval"] = strconv.Itoa(interval)
	p["tcp_keepalives_count"] = strconv.Itoa(count)
	p["tcp_user_timeout"] = strconv.Itoa(userTimeout)
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = e.slow()
	}
	d := &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAliveConfig: net.KeepAliveConfig{Enable: true,
		Idle: time.Duration(idle) * time.Second, Interval: time.Duration(interval) * time.Second, Count: count}}
	cfg.DialFunc = d.DialContext
	return cfg, nil
}

// Run campaigns until ctx ends. Whenever this instance wins the leader lock
// it calls lead with a context that is cancelled (its cause: why) when the
// leadership is lost (the connection fails its check or ctx ends), waits for
// lead to return, gives the lock up and campaigns again. Failures to reach
// the database are reported (Notify) and retried. Run returns nil when ctx
// ends, and an error only for an unusable URL or when the elector is already
// running.
func (e *Elector) Run(ctx context.Context, lead func(ctx context.Context)) error {
	cfg, err := e.connConfig()
	if err != nil {
		return err
	}
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("postgres: elector: already running")
	}
	defer e.running.Store(false)
	var conn *pgx.Conn
	closeConn := func() {
		if conn != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.poll())
			_ = conn.Close(cctx)
			cancel()
			conn = nil
		}
	}
	defer closeConn()
	unreachable := false
	for {
		wait := e.poll()
		won, err := e.campaign(ctx, cfg, &conn)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			closeConn()
			if !unreachable {
				unreachable = true
				e.report(EventUnreachable, err)
			}
		default:
			if unreachable {
				unreachable = false
				e.report(EventReachable, nil)
			}
			if won {
				if !e.lead(ctx, conn, lead) {
					closeConn()
				}
				if ctx.Err() != nil {
					return nil
				}
				// Whatever ended it, the others get the first chance.
				wait = 2 * e.poll()
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// campaign tries the leader lock once on the dedicated connection, which it
// opens if needed.
func (e *Elector) campaign(ctx context.Context, cfg *pgx.ConnConfig, conn **pgx.Conn) (bool, error) {
	if *conn == nil {
		c, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			return false, fmt.Errorf("postgres: elector: connect: %w", redactErr(err, e.url))
		}
		*conn = c
	}
	qctx, cancel := context.WithTimeout(ctx, e.slow())
	defer cancel()
	var won bool
	if err := (*conn).QueryRow(qctx, "SELECT pg_try_advisory_lock($1)", LeaderLock).Scan(&won); err != nil {
		return false, fmt.Errorf("postgres: elector: try lock: %w", err)
	}
	return won, nil
}

// lead runs the leader's work while conn holds the lock, checking the
// connection every check(); it returns once lead has returned, reporting
// whether conn is still usable (the lock given back).
func (e *Elector) lead(ctx context.Context, conn *pgx.Conn, lead func(context.Context)) (usable bool) {
	// Let a previous leader whose session the server ended notice it.
	t := time.NewTimer(e.grace())
	select {
	case <-ctx.Done():
		t.Stop()
		return false
	case <-t.C:
	}
	lctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	e.setRole(RoleLeader)
	e.report(EventElected, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		lead(lctx)
	}()
	tick := time.NewTicker(e.check())
	defer tick.Stop()
	var reason error
	usable = true
	for reason == nil {
		select {
		case <-done:
			reason = ErrLeadReturned
		case <-ctx.Done():
			reason = context.Cause(ctx)
		case <-tick.C:
			pctx, pcancel := context.WithTimeout(ctx, e.pingTimeout())
			err := conn.Ping(pctx)
			pcancel()
			if ctx.Err() != nil {
				reason = context.Cause(ctx)
			} else if err != nil {
				reason = fmt.Errorf("postgres: elector: leader connection lost: %w", err)
				usable = false
			}
		}
	}
	cancel(reason)
	e.setRole(RoleStandby)
	e.report(EventLost, reason)
	<-done
	if !usable {
		return false
	}
	// Give the lock back at once rather than when the session ends.
	uctx, ucancel := context.WithTimeout(context.WithoutCancel(ctx), e.poll())
	defer ucancel()
	var released bool
	if err := conn.QueryRow(uctx, "SELECT pg_advisory_unlock($1)", LeaderLock).Scan(&released); err != nil || !released {
		return false
	}
	return true
}

func (e *Elector) setRole(role string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.role, e.since = role, time.Now()
}

func (e *Elector) report(kind ElectorEventKind, err error) {
	if e.notify != nil {
		e.notify(ElectorEvent{Kind: kind, Err: err, Role: e.Role(), At: time.Now()})
	}
}
