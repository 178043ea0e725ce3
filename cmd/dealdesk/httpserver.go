package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/mattermost"
)

// httpServer serves DEALDESK_HTTP_ADDR: health, readiness and metrics for
// the operators, and Mattermost's button presses and /crm.
type httpServer struct {
	srv  *http.Server
	addr net.Addr
}

// startHTTP listens on DEALDESK_HTTP_ADDR and serves until Close.
func (m *Main) startHTTP(ctx context.Context, transports []bot.Transport) error {
	mux := http.NewServeMux()
	m.observeRoutes(mux)
	if t, ok := findTransport(transports, mattermost.Platform); ok {
		mux.Handle("/mattermost/", t.(*mattermost.Transport).Handler(m.Bot))
	}
	l, err := net.Listen("tcp", m.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("DEALDESK_HTTP_ADDR: %w", err)
	}
	s := &httpServer{addr: l.Addr(), srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}}
	m.http = s
	go func() {
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error().Err(err).Msg("HTTP endpoint stopped")
		}
	}()
	m.Log.Info().Str("addr", l.Addr().String()).Msg("serving /healthz, /readyz and /metrics")
	return nil
}

// HTTPAddr is the address the HTTP endpoint listens on (with the port
// chosen when DEALDESK_HTTP_ADDR asks for port 0), "" before serve.
func (m *Main) HTTPAddr() string {
	if m.http == nil {
		return ""
	}
	return m.http.addr.String()
}

// close stops the server, letting requests in progress finish for a while.
func (s *httpServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}
