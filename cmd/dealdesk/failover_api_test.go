package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// gatedBotAPI stands between the DealDesk instances and the fake Bot API and
// can hold back the answers to sendMessage after the fake took and recorded
// the message: a kill then lands inside the chat API call. It records each
// sendMessage call (its chat and text) and whether and when its answer was
// written back to the caller, so that a test tells the calls that were in
// flight at a kill from those DealDesk had heard of.
type gatedBotAPI struct {
	URL    string
	target string
	client *http.Client

	mu         sync.Mutex
	calls      []*apiCall
	open       chan struct{} // closed while the gate is open
	closeAfter int           // close the gate once this many reminder messages are answered (0: never)
	tripped    chan struct{} // closed when closeAfter closes the gate
	answeredR  int
}

// apiCall is one sendMessage call through the gate.
type apiCall struct {
	chat       int64
	text       string
	reached    bool      // the fake answered it (so it recorded the message)
	answeredAt time.Time // when its answer was written back; zero: never
}

func newGatedBotAPI(t *testing.T, target string) *gatedBotAPI {
	t.Helper()
	g := &gatedBotAPI{target: target, open: make(chan struct{}),
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}}}
	close(g.open)
	srv := &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second}
	ln, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		g.openGate()
		_ = srv.Close()
	})
	g.URL = "http://" + ln.Addr().String()
	return g
}

func (g *gatedBotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	ctx := r.Context()
	var c *apiCall
	if strings.HasSuffix(r.URL.Path, "/sendMessage") {
		// Registered before the fake sees it; the fake's answer is read
		// even when the caller dies meanwhile.
		c = &apiCall{}
		c.chat, c.text = sendParams(r.Header.Get("Content-Type"), body)
		g.mu.Lock()
		g.calls = append(g.calls, c)
		g.mu.Unlock()
		ctx = context.WithoutCancel(ctx)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, g.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := g.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if c != nil {
		g.mu.Lock()
		c.reached = true
		open := g.open
		g.mu.Unlock()
		<-open
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	if _, err := w.Write(data); err != nil || c == nil {
		return
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c.answeredAt = time.Now()
	if reminderMark.MatchString(c.text) {
		g.answeredR++
		if g.closeAfter > 0 && g.answeredR >= g.closeAfter {
			g.closeAfter = 0
			g.closeGateLocked()
			close(g.tripped)
		}
	}
}

// sendParams reads chat_id and text from a form or JSON request.
func sendParams(contentType string, body []byte) (int64, string) {
	ct, _, _ := mime.ParseMediaType(contentType)
	var chat, text string
	if ct == "application/json" {
		var obj map[string]any
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if d.Decode(&obj) == nil {
			chat, _ = jsonString(obj["chat_id"])
			text, _ = obj["text"].(string)
		}
	} else if v, err := url.ParseQuery(string(body)); err == nil {
		chat, text = v.Get("chat_id"), v.Get("text")
	}
	id, _ := strconv.ParseInt(chat, 10, 64)
	return id, text
}

func jsonString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// closeGate holds the answers of the sendMessage calls from now on.
func (g *gatedBotAPI) closeGate() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closeGateLocked()
}

func (g *gatedBotAPI) closeGateLocked() {
	select {
	case <-g.open:
		g.open = make(chan struct{})
	default: // already closed
	}
}

// closeAfterAnswers closes the gate once n more reminder messages have
// been answered; the channel returned is closed then.
func (g *gatedBotAPI) closeAfterAnswers(n int) <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closeAfter = g.answeredR + n
	g.tripped = make(chan struct{})
	return g.tripped
}

// openGate lets every held answer go.
func (g *gatedBotAPI) openGate() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.open:
	default:
		close(g.open)
	}
}

// heldReminders is how many sendMessage calls carrying reminders the
// fake answered whose answer is held.
func (g *gatedBotAPI) heldReminders() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, c := range g.calls {
		if c.reached && c.answeredAt.IsZero() && reminderMark.MatchString(c.text) {
			n++
		}
	}
	return n
}

// answered returns the calls answered to their caller so far.
func (g *gatedBotAPI) answered() []apiCall {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []apiCall
	for _, c := range g.calls {
		if !c.answeredAt.IsZero() {
			out = append(out, *c)
		}
	}
	return out
}

// inFlight returns the calls inside the chat API call at a kill sent at
// killAt: not answered, or answered after it, or answered before it
// without DealDesk having recorded the delivery (heard tells, for an
// answered call, whether the store shows it delivered).
func (g *gatedBotAPI) inFlight(killAt time.Time, heard func(apiCall) bool) (out []apiCall, unheard int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.calls {
		switch {
		case c.answeredAt.IsZero() || !c.answeredAt.Before(killAt):
			out = append(out, *c)
		case !heard(*c):
			out = append(out, *c)
			unheard++
		}
	}
	return out, unheard
}
