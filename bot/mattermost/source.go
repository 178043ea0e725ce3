package mattermost

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"time"
)

// How long the addresses of the server's host are kept: they are looked up
// again after sourcesTTL, or after sourcesRetry when a request comes from
// an address not among them (the host may have moved).
const (
	sourcesTTL   = time.Minute
	sourcesRetry = 5 * time.Second
)

// sources tells the Mattermost server's requests to DealDesk's endpoint
// (the slash command, button presses) from others: Mattermost does not sign
// them, so they must come from an address the server's host name resolves
// to, from loopback when that is loopback, or from an address an admin
// trusts (a proxy in front of DealDesk, a server behind a load balancer).
type sources struct {
	host    string
	trusted []netip.Prefix
	lookup  func(ctx context.Context, host string) ([]netip.Addr, error)

	mu    sync.Mutex
	addrs []netip.Addr
	err   error     // why the last look-up failed
	at    time.Time // when addrs were looked up; zero: never
}

func newSources(serverURL string, trusted []netip.Prefix) (*sources, error) {
	u, err := url.Parse(serverURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("mattermost: the server URL %q has no host", serverURL)
	}
	return &sources{host: u.Hostname(), trusted: trusted, lookup: lookupHost}, nil
}

// lookupHost resolves a host name; an address is itself.
func lookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// allowed reports whether a request from remote ("ip:port", as in
// http.Request.RemoteAddr) comes from the server. err says why the server's
// addresses are unknown.
func (s *sources) allowed(ctx context.Context, remote string) (bool, error) {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return false, nil
	}
	addr := ap.Addr().Unmap().WithZone("")
	for _, p := range s.trusted {
		if p.Contains(addr) {
			return true, nil
		}
	}
	addrs, err := s.resolve(ctx, false)
	if !matches(addrs, addr) {
		addrs, err = s.resolve(ctx, true)
	}
	return matches(addrs, addr), err
}

// matches reports whether addr is one of the server's addresses, or
// loopback when the server's are.
func matches(server []netip.Addr, addr netip.Addr) bool {
	for _, a := range server {
		if a == addr || a.IsLoopback() && addr.IsLoopback() {
			return true
		}
	}
	return false
}

// resolve returns the server's addresses, looked up again when they are
// older than sourcesTTL, or than sourcesRetry when missed is set. A failed
// look-up keeps the addresses known before.
func (s *sources) resolve(ctx context.Context, missed bool) ([]netip.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	age := time.Since(s.at)
	if !s.at.IsZero() && (age < sourcesRetry || !missed && age < sourcesTTL) {
		return s.addrs, s.err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	found, err := s.lookup(ctx, s.host)
	s.at = time.Now()
	if err != nil {
		s.err = fmt.Errorf("look up %s: %w", s.host, err)
		return s.addrs, s.err
	}
	for i, a := range found {
		found[i] = a.Unmap().WithZone("")
	}
	s.addrs, s.err = found, nil
	return found, nil
}

// fromServer refuses, with 403 and a log line, a request that does not
// come from the Mattermost server; it reports whether the request may go on.
func (t *Transport) fromServer(w http.ResponseWriter, r *http.Request) bool {
	ok, err := t.sources.allowed(r.Context(), r.RemoteAddr)
	if ok {
		return true
	}
	ev := t.log.Warn().Str("remote", r.RemoteAddr).Str("path", r.URL.Path)
	if err != nil {
		ev = ev.Err(err)
	}
	ev.Msg("request not from the Mattermost server refused (behind a proxy? see MATTERMOST_TRUSTED_SOURCES)")
	http.Error(w, "forbidden", http.StatusForbidden)
	return false
}
