package mail_test

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

// The tests send through a real SMTP server, mailpit
// (github.com/axllent/mailpit), and read what arrived from its HTTP API.
//
// CI starts one with STARTTLS required and exports MAILPIT_SMTP
// (host:port), MAILPIT_API (its HTTP base URL) and MAILPIT_CA (the PEM of
// its certificate, or the path of a PEM file); the tests that need no
// special server use it. Otherwise, and for the tests that need a server
// set up their way (authentication, no TLS, implicit TLS, refused
// recipients), the tests start mailpit themselves when its binary is found
// (MAILPIT_BIN, PATH, or $GOPATH/bin), on free ports with a certificate
// made here. Without either the tests skip, except under CI=true, where
// they fail.

// mailpit is a running mailpit: where its SMTP and HTTP API listen and the
// PEM file of the CA its certificate chains to.
type mailpit struct {
	Host   string
	Port   int
	API    string
	CAFile string
}

// mailpitOptions choose how a started mailpit is set up.
type mailpitOptions struct {
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

// sharedMailpit returns CI's mailpit when the environment names one, else
// a mailpit started for the test with STARTTLS required.
func sharedMailpit(t *testing.T) *mailpit {
	t.Helper()
	smtpAddr, api, ca := os.Getenv("MAILPIT_SMTP"), os.Getenv("MAILPIT_API"), os.Getenv("MAILPIT_CA")
	if smtpAddr == "" || api == "" {
		return startMailpit(t, mailpitOptions{TLS: "starttls"})
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
	return &mailpit{Host: host, Port: port, API: strings.TrimSuffix(api, "/"), CAFile: caFile}
}

// mailpitBinary finds mailpit's binary, or skips the test (fails it under
// CI).
func mailpitBinary(t *testing.T) string {
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

// startMailpit starts a mailpit for the test, stopped when it ends.
func startMailpit(t *testing.T, o mailpitOptions) *mailpit {
	t.Helper()
	bin := mailpitBinary(t)
	dir := t.TempDir()
	mp := &mailpit{Host: "127.0.0.1"}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		smtpPort, httpPort := freePort(t), freePort(t)
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
func waitReady(mp *mailpit, exited <-chan error) error {
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

func freePort(t *testing.T) int {
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
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string) {
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

// apiMessage is what mailpit's API tells of a message.
type apiMessage struct {
	ID        string
	MessageID string
	From      struct{ Name, Address string }
	To        []struct{ Name, Address string }
	ReplyTo   []struct{ Name, Address string }
	Subject   string
	Text      string
	Username  string
	// Attachments are the message's attached files.
	Attachments []struct {
		PartID      string
		FileName    string
		ContentType string
		Size        int
	}
}

// find waits (up to 10s) for the message with the Message-ID to arrive and
// returns it.
func (mp *mailpit) find(t *testing.T, messageID string) *apiMessage {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ids := mp.search(t, messageID)
		if len(ids) > 0 {
			var m apiMessage
			mp.getJSON(t, "/api/v1/message/"+ids[0], &m)
			return &m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message %s arrived at mailpit", messageID)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// search returns the database ids of the messages with the Message-ID.
func (mp *mailpit) search(t *testing.T, messageID string) []string {
	t.Helper()
	var res struct {
		Messages []struct{ ID, MessageID string }
	}
	mp.getJSON(t, "/api/v1/search?query="+url.QueryEscape("message-id:"+messageID), &res)
	var ids []string
	for _, m := range res.Messages {
		if m.MessageID == messageID {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// total returns how many messages mailpit holds.
func (mp *mailpit) total(t *testing.T) int {
	t.Helper()
	var res struct{ Total int }
	mp.getJSON(t, "/api/v1/messages?limit=1", &res)
	return res.Total
}

func (mp *mailpit) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(mp.get(t, path), v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

func (mp *mailpit) get(t *testing.T, path string) []byte {
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
