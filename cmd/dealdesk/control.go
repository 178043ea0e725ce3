package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// The control socket lets `dealdesk backup`, `dealdesk invite` and
// `dealdesk check` work while DealDesk runs and holds the database's lock. It is a unix socket readable
// by the owner only; each connection carries one JSON request and response.

type controlRequest struct {
	Op   string `json:"op"`             // "backup", "invite" or "check"
	Path string `json:"path,omitempty"` // the backup to write; the database to check
	Role string `json:"role,omitempty"`
}

type controlResponse struct {
	Error   string    `json:"error,omitempty"`
	Bytes   int64     `json:"bytes,omitempty"`
	Code    string    `json:"code,omitempty"`
	Expires time.Time `json:"expires,omitzero"`

	Report *bolt.CheckReport `json:"report,omitempty"`
}

type controlServer struct {
	l    net.Listener
	path string
	wg   sync.WaitGroup
	// ctx is the requests' context; cancel ends it controlGrace after Close.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	closing bool
	conns   map[net.Conn]bool // the open connections: true once a request is being served
}

// Bounds of a control connection: how long a peer may take, and how long a
// request being served when DealDesk stops may take to finish.
const (
	controlConnTimeout = 5 * time.Minute
	controlGrace       = 5 * time.Second
)

// listenControl listens on the control socket, replacing a stale one. The
// socket is its owner's from the moment it exists, and a connection from
// another user is refused (socket.go). DealDesk works without the socket:
// when it cannot be made, a warning says why and what that costs, and
// listenControl returns nil. Another DealDesk listening there is an error.
func listenControl(path string, m *Main, log zerolog.Logger) (*controlServer, error) {
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		if m.Config.postgres() {
			return nil, fmt.Errorf("control socket %s: another DealDesk instance named %q runs here; "+
				"give each instance its own DEALDESK_INSTANCE (or DEALDESK_CONTROL_SOCKET)", path, m.Config.Instance)
		}
		return nil, fmt.Errorf("control socket %s: another DealDesk is running", path)
	}
	l, err := createSocket(path)
	if err != nil {
		log.Warn().Err(err).Msg("DealDesk runs without its control socket: " +
			"`dealdesk backup` and `dealdesk invite` work only while DealDesk is stopped")
		return nil, nil
	}
	return serveControl(l, path, m, log, allowPeer), nil
}

// serveControl serves the requests of the peers allow accepts on l.
func serveControl(l net.Listener, path string, m *Main, log zerolog.Logger, allow func(uid int) bool) *controlServer {
	s := &controlServer{l: l, path: path, conns: map[net.Conn]bool{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			if !s.track(conn) {
				conn.Close()
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer s.untrack(conn)
				s.serveConn(conn, m, log, allow)
			}()
		}
	}()
	return s
}

// serveConn answers the one request of a connection.
func (s *controlServer) serveConn(conn net.Conn, m *Main, log zerolog.Logger, allow func(uid int) bool) {
	_ = conn.SetDeadline(time.Now().Add(controlConnTimeout))
	if uid, ok := checkPeer(conn, allow); !ok {
		log.Warn().Int("peer_uid", uid).Msg("control socket: a connection from another user refused")
		// Its request is read (and dropped) first, so that the peer,
		// which writes before it reads, hears the refusal.
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		var ignored json.RawMessage
		_ = json.NewDecoder(io.LimitReader(conn, 64<<10)).Decode(&ignored)
		_ = json.NewEncoder(conn).Encode(controlResponse{Error: "control socket: permission denied"})
		return
	}
	var req controlRequest
	if err := json.NewDecoder(bufio.NewReader(conn)).Decode(&req); err != nil {
		return
	}
	if !s.serving(conn) {
		return // DealDesk is stopping: the request is not begun
	}
	log.Info().Str("op", req.Op).Msg("control request")
	_ = json.NewEncoder(conn).Encode(m.control(s.ctx, m.DB, req))
}

// track adds an accepted connection; false once the server is closing.
func (s *controlServer) track(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[conn] = false
	return true
}

// serving marks a connection's request as being served; false once the
// server is closing.
func (s *controlServer) serving(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[conn] = true
	return true
}

func (s *controlServer) untrack(conn net.Conn) {
	s.mu.Lock()
	delete(s.conns, conn)
	s.mu.Unlock()
	conn.Close()
}

// Close stops listening, closes the connections that wait for a request,
// gives the requests being served controlGrace to finish (a backup, which
// cannot be interrupted, runs to its end), and removes the socket.
func (s *controlServer) Close() {
	s.l.Close()
	s.mu.Lock()
	s.closing = true
	for conn, busy := range s.conns {
		if busy {
			_ = conn.SetDeadline(time.Now().Add(controlGrace))
		} else {
			conn.Close()
		}
	}
	s.mu.Unlock()
	stop := time.AfterFunc(controlGrace, s.cancel)
	s.wg.Wait()
	stop.Stop()
	s.cancel()
	_ = os.Remove(s.path)
}

// control performs a request on an open database.
func (m *Main) control(ctx context.Context, store core.Store, req controlRequest) controlResponse {
	db := m.bolt
	if db == nil && (req.Op == "backup" || req.Op == "check") {
		return controlResponse{Error: fmt.Sprintf("%s works on a bbolt file; on PostgreSQL use its own tools (pg_dump, amcheck)", req.Op)}
	}
	switch req.Op {
	case "backup":
		if err := db.BackupFile(req.Path); err != nil {
			return controlResponse{Error: err.Error()}
		}
		fi, err := os.Stat(req.Path)
		if err != nil {
			return controlResponse{Error: err.Error()}
		}
		return controlResponse{Bytes: fi.Size()}
	case "invite":
		svc := core.NewService(store)
		inv, err := svc.CreateInvite(ctx, core.Actor{Source: "cli"}, core.Role(req.Role))
		if err != nil {
			return controlResponse{Error: err.Error()}
		}
		return controlResponse{Code: inv.Code, Expires: inv.ExpiresAt}
	case "check":
		if req.Path != "" && !sameFile(req.Path, db.Path()) {
			return controlResponse{Error: fmt.Sprintf("this DealDesk runs on %s, not on %s", db.Path(), req.Path)}
		}
		r, err := db.Check(ctx)
		if err != nil {
			return controlResponse{Error: err.Error()}
		}
		return controlResponse{Report: r}
	}
	return controlResponse{Error: "unknown operation " + req.Op}
}

// do runs a request through the running DealDesk's socket, or on the
// database directly when DealDesk is not running.
func (m *Main) do(ctx context.Context, req controlRequest) (controlResponse, error) {
	if resp, ok, err := ask(m.Config.ControlSocket, req); ok {
		return resp, err
	}
	if err := m.open(nil); err != nil {
		return controlResponse{}, err
	}
	return m.control(ctx, m.DB, req), nil
}

// ask sends a request to the DealDesk listening on socket; ok is false when
// none answers there.
func ask(socket string, req controlRequest) (resp controlResponse, ok bool, err error) {
	conn, err := net.DialTimeout("unix", socket, 2*time.Second)
	if err != nil {
		return controlResponse{}, false, nil
	}
	defer conn.Close()
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return controlResponse{}, true, fmt.Errorf("control socket: %w", err)
	}
	if err := json.NewDecoder(conn).Decode(&resp); err != nil {
		return controlResponse{}, true, fmt.Errorf("control socket: %w", err)
	}
	return resp, true, nil
}

// sameFile reports whether paths a and b name the same file.
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// runBackup: dealdesk backup FILE.
func (m *Main) runBackup(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: dealdesk backup FILE")
	}
	resp, err := m.do(ctx, controlRequest{Op: "backup", Path: absPath(args[0])})
	if err != nil {
		return err
	}
	if resp.Error != "" {
		return errors.New(resp.Error)
	}
	fmt.Fprintf(m.Stdout, "backup written to %s (%d bytes)\n", args[0], resp.Bytes)
	return nil
}

// runInvite: dealdesk invite -role manager.
func (m *Main) runInvite(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	role := fs.String("role", "", "role of the invited user: officer, manager, lawyer, underwriter, head, admin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := core.ParseRole(*role); err != nil {
		return fmt.Errorf("invite: unknown role %q (officer, manager, lawyer, underwriter, head, admin)", *role)
	}
	resp, err := m.do(ctx, controlRequest{Op: "invite", Role: *role})
	if err != nil {
		return err
	}
	if resp.Error != "" {
		return errors.New(resp.Error)
	}
	code := core.FormatInviteCode(resp.Code)
	fmt.Fprintf(m.Stdout, "invite code for %s: %s (valid until %s)\nthe new user sends the bot: /start %s\n",
		*role, code, resp.Expires.In(core.Location("")).Format("02.01.2006 15:04"), code)
	return nil
}

func absPath(p string) string {
	if wd, err := os.Getwd(); err == nil && len(p) > 0 && p[0] != '/' {
		return wd + "/" + p
	}
	return p
}
