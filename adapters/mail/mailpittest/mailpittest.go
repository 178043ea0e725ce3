// Package mailpittest gives tests a real SMTP server, mailpit
// (github.com/axllent/mailpit v1.33.1), and reads what arrived from its
// HTTP API.
//
// CI starts one with STARTTLS required and exports MAILPIT_SMTP
// (host:port), MAILPIT_API (its HTTP base URL) and MAILPIT_CA (the PEM of
// its certificate, or the path of a PEM file); Shared uses it. Otherwise,
// and for tests that need a server set up their way (authentication, no
// TLS, implicit TLS, refused recipients), Start runs mailpit when its
// binary is found (MAILPIT_BIN, PATH, or $GOPATH/bin), on free ports with
// a certificate made here, and stops it when the test ends. Without
// either the test is skipped, except under CI=true, where it fails.
//
//	mp := mailpittest.Shared(t)
//	env := mp.Env() // SMTP_HOST, SMTP_PORT, SMTP_TLS, SMTP_CA_FILE
//	… DealDesk sends …
//	m := mp.Find(t, "to:client@example.test")
//	data := mp.Part(t, m.ID, m.Attachments[0].PartID)
package mailpittest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Server is a running mailpit: where its SMTP and HTTP API listen, and the
// PEM file of the certificate its TLS uses (empty without TLS).
type Server struct {
	Host   string
	Port   int
	API    string
	CAFile string
	// TLS is how its SMTP is protected: "starttls" (required), "tls"
	// (implicit) or "none".
	TLS string
}

// Options choose how a started mailpit is set up.
type Options struct {
	// TLS is "starttls" (required), "tls" (implicit) or "none".
	TLS string
	// Auth, "user:password", makes the server require authentication.
	Auth string
	// AllowedRecipients, a regular expression, makes the server refuse
	// other recipients with 550.
	AllowedRecipients string
	// Chaos sets mailpit's failure triggers ("Recipient:451:100").
	Chaos string
}

// Shared returns CI's mailpit when the environment names one, else a
// mailpit started for the test with STARTTLS required. Other tests may
// send to a shared mailpit at the same time: find messages by what is
// yours (a Message-ID, a recipient).
func Shared(t testing.TB) *Server {
	t.Helper()
	smtpAddr, api, ca := os.Getenv("MAILPIT_SMTP"), os.Getenv("MAILPIT_API"), os.Getenv("MAILPIT_CA")
	if smtpAddr == "" || api == "" {
		return Start(t, Options{TLS: "starttls"})
	}
	host, portText, err := net.SplitHostPort(smtpAddr)
	if err != nil {
		t.Fatalf("MAILPIT_SMTP %q: %v", smtpAddr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatalf("MAILPIT_SMTP %q: %v", smtpAddr, err)
	}
	caFile := ca
	if strings.Contains(ca, "-----BEGIN") {
		caFile = filepath.Join(t.TempDir(), "mailpit-ca.pem")
		if err := os.WriteFile(caFile, []byte(ca), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &Server{Host: host, Port: port, API: strings.TrimSuffix(api, "/"), CAFile: caFile, TLS: "starttls"}
}

// Env returns the SMTP_* settings that make DealDesk send through the
// server.
func (mp *Server) Env() map[string]string {
	return map[string]string{"SMTP_HOST": mp.Host, "SMTP_PORT": strconv.Itoa(mp.Port), "SMTP_TLS": mp.TLS,
		"SMTP_CA_FILE": mp.CAFile}
}

// binary finds mailpit's binary, or skips the test (fails it under CI).
func binary(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("MAILPIT_BIN")}
	if p, err := exec.LookPath("mailpit"); err == nil {
		candidates = append(candidates, p)
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		candidates = append(candidates, filepath.Join(dir, "bin", "mailpit"))
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() {
			return c
		}
	}
	msg := "mailpit not found (go install github.com/axllent/mailpit@v1.33.1, or set MAILPIT_BIN)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Start starts a mailpit for the test, stopped when it ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	bin := binary(t)
	dir := t.TempDir()
	if o.TLS == "" {
		o.TLS = "starttls"
	}
	mp := &Server{Host: "127.0.0.1", TLS: o.TLS}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		smtpPort, httpPort := FreePort(t), FreePort(t)
		args := []string{
			"--smtp", fmt.Sprintf("127.0.0.1:%d", smtpPort),
			"--listen", fmt.Sprintf("127.0.0.1:%d", httpPort),
			"--database", filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", attempt)),
			"--disable-version-check",
			"--smtp-disable-rdns",
			"--quiet",
		}
		if o.TLS != "none" {
			cert, key := selfSignedCert(t, dir)
			mp.CAFile = cert
			args = append(args, "--smtp-tls-cert", cert, "--smtp-tls-key", key)
			switch o.TLS {
			case "tls":
				args = append(args, "--smtp-require-tls")
			default:
				args = append(args, "--smtp-require-starttls")
			}
		}
		if o.Auth != "" {
			authFile := filepath.Join(dir, "smtp-auth")
			if err := os.WriteFile(authFile, []byte(o.Auth+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			args = append(args, "--smtp-auth-file", authFile)
		}
		if o.AllowedRecipients != "" {
			args = append(args, "--smtp-allowed-recipients", o.AllowedRecipients)
		}
		if o.Chaos != "" {
			args = append(args, "--enable-chaos", "--chaos-triggers", o.Chaos)
		}
		logFile, err := os.Create(filepath.Join(dir, fmt.Sprintf("mailpit-%d.log", attempt)))
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = logFile, logFile
		if err := cmd.Start(); err != nil {
			_ = logFile.Close()
			t.Fatalf("start mailpit: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		stop := func() {
			_ = cmd.Process.Kill()
			<-exited
			_ = logFile.Close()
		}
		mp.Port, mp.API = smtpPort, fmt.Sprintf("http://127.0.0.1:%d", httpPort)
		if lastErr = waitReady(mp, exited); lastErr == nil {
			t.Cleanup(stop)
			return mp
		}
		stop()
		out, _ := os.ReadFile(logFile.Name())
		lastErr = fmt.Errorf("%w\n%s", lastErr, out)
	}
	t.Fatalf("mailpit did not start: %v", lastErr)
	return nil
}

// waitReady waits until mailpit's API answers and its SMTP port accepts
// connections, or it exits.
func waitReady(mp *Server, exited <-chan error) error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("mailpit exited: %v", err)
		default:
		}
		resp, err := http.Get(mp.API + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				c, err := net.DialTimeout("tcp", net.JoinHostPort(mp.Host, strconv.Itoa(mp.Port)), time.Second)
				if err == nil {
					_ = c.Close()
					return nil
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("mailpit not ready after 15s")
}

// FreePort returns a TCP port of 127.0.0.1 that nothing listens on (for a
// test of an unreachable server, too).
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// selfSignedCert writes a self-signed certificate for localhost and
// 127.0.0.1 and its key; the certificate is its own CA.
func selfSignedCert(t testing.TB, dir string) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if _, err := os.Stat(certFile); err == nil {
		return certFile, keyFile
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "mailpit test", Organization: []string{"DealDesk tests"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// Address is a mail address as mailpit's API gives it.
type Address struct{ Name, Address string }

// Message is what mailpit's API tells of a message.
type Message struct {
	ID        string // mailpit's database id
	MessageID string // the Message-ID header, without angle brackets
	From      Address
	To        []Address
	ReplyTo   []Address
	Subject   string
	Text      string
	Username  string // who authenticated, when someone did
	// Attachments are the message's attached files; Part reads one.
	Attachments []struct {
		PartID      string
		FileName    string
		ContentType string
		Size        int
	}
}

// ByMessageID is the search query of a Message-ID.
func ByMessageID(id string) string { return "message-id:" + id }

// Find waits (up to 10s) for a message that the query finds (mailpit's
// search: "to:a@b.test", ByMessageID(id), "subject:…") and returns the
// newest one.
func (mp *Server) Find(t testing.TB, query string) *Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ids := mp.Search(t, query); len(ids) > 0 {
			var m Message
			mp.getJSON(t, "/api/v1/message/"+ids[0], &m)
			return &m
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit: no message for %q arrived", query)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Search returns the database ids of the messages the query finds, newest
// first. A Message-ID query keeps only the exact id.
func (mp *Server) Search(t testing.TB, query string) []string {
	t.Helper()
	var res struct {
		Messages []struct{ ID, MessageID string }
	}
	mp.getJSON(t, "/api/v1/search?query="+url.QueryEscape(query), &res)
	exact, byID := strings.CutPrefix(query, "message-id:")
	var ids []string
	for _, m := range res.Messages {
		if !byID || m.MessageID == exact {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// Total returns how many messages mailpit holds.
func (mp *Server) Total(t testing.TB) int {
	t.Helper()
	var res struct{ Total int }
	mp.getJSON(t, "/api/v1/messages?limit=1", &res)
	return res.Total
}

// Part returns the bytes of a message's part (an attachment).
func (mp *Server) Part(t testing.TB, id, partID string) []byte {
	t.Helper()
	return mp.get(t, "/api/v1/message/"+id+"/part/"+partID)
}

// Raw returns a message as it arrived.
func (mp *Server) Raw(t testing.TB, id string) string {
	t.Helper()
	return string(mp.get(t, "/api/v1/message/"+id+"/raw"))
}

func (mp *Server) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(mp.get(t, path), v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

func (mp *Server) get(t testing.TB, path string) []byte {
	t.Helper()
	resp, err := http.Get(mp.API + path)
	if err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: %d %s %v", path, resp.StatusCode, b, err)
	}
	return b
}
