package mail_test

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/mail"
	"github.com/dealdesk/dealdesk/adapters/mail/mailpittest"
	"github.com/dealdesk/dealdesk/core"
)

const secret = "s3cret-Пароль"

func TestAuthenticationWithTheRightPasswordDelivers(t *testing.T) {
	mp := mailpittest.Start(t, mailpittest.Options{TLS: "starttls", Auth: "dealdesk:" + secret})
	m, log := newMailer(t, mp, mail.Config{Username: "dealdesk", Password: secret})
	id := uniqueID(t)
	if err := send(t, m, &core.Mail{MessageID: id, To: []string{"a@client.test"}, Subject: "s", Text: "t"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := mp.Find(t, mailpittest.ByMessageID(id)); got.Username != "dealdesk" {
		t.Errorf("mailpit saw user %q, want dealdesk", got.Username)
	}
	if strings.Contains(log.String(), secret) {
		t.Errorf("the password is in the log: %s", log)
	}
}

func TestWrongPasswordIsAPermanentRefusalWithoutThePassword(t *testing.T) {
	mp := mailpittest.Start(t, mailpittest.Options{TLS: "starttls", Auth: "dealdesk:" + secret})
	wrong := "wrong-" + secret
	m, log := newMailer(t, mp, mail.Config{Username: "dealdesk", Password: wrong})
	err := send(t, m, &core.Mail{MessageID: uniqueID(t), To: []string{"a@client.test"}, Subject: "s", Text: "t"})
	me := mailErr(t, err)
	if me.Temporary || me.Code != 535 {
		t.Errorf("wrong password: %+v, want permanent 535", me)
	}
	for _, s := range []string{me.Text, err.Error(), log.String()} {
		if strings.Contains(s, wrong) || strings.Contains(s, secret) {
			t.Errorf("the password leaked: %q", s)
		}
	}
	if n := mp.Total(t); n != 0 {
		t.Errorf("%d messages arrived with a wrong password", n)
	}
}

func TestNoCredentialsWhereTheServerRequiresThemIsRefused(t *testing.T) {
	mp := mailpittest.Start(t, mailpittest.Options{TLS: "starttls", Auth: "dealdesk:" + secret})
	m, _ := newMailer(t, mp, mail.Config{})
	me := mailErr(t, send(t, m, &core.Mail{MessageID: uniqueID(t), To: []string{"a@client.test"}, Subject: "s", Text: "t"}))
	if me.Temporary || me.Code != 530 || !strings.Contains(me.Text, "Authentication required") {
		t.Errorf("no credentials: %+v, want permanent 530 with the server's words", me)
	}
}

func TestStartTLSRequiredButNotOfferedSendsNothingInClear(t *testing.T) {
	mp := mailpittest.Start(t, mailpittest.Options{TLS: "none"})
	m, err := mail.New(mail.Config{Host: mp.Host, Port: mp.Port, From: "crm@dealdesk.test",
		Username: "dealdesk", Password: secret, Timeout: 10 * time.Second}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	me := mailErr(t, send(t, m, &core.Mail{MessageID: uniqueID(t), To: []string{"a@client.test"}, Subject: "s", Text: "t"}))
	if me.Temporary || !strings.Contains(me.Text, "STARTTLS") {
		t.Errorf("no STARTTLS: %+v, want a permanent refusal naming STARTTLS", me)
	}
	if n := mp.Total(t); n != 0 {
		t.Errorf("%d messages were sent in clear", n)
	}
}

func TestImplicitTLSWithAuthenticationDelivers(t *testing.T) {
	mp := mailpittest.Start(t, mailpittest.Options{TLS: "tls", Auth: "dealdesk:" + secret})
	m, _ := newMailer(t, mp, mail.Config{TLS: mail.ImplicitTLS, Username: "dealdesk", Password: secret})
	id := uniqueID(t)
	if err := send(t, m, &core.Mail{MessageID: id, To: []string{"a@client.test"}, Subject: "Счёт", Text: "t"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := mp.Find(t, mailpittest.ByMessageID(id)); got.Subject != "Счёт" || got.Username != "dealdesk" {
		t.Errorf("subject %q, user %q", got.Subject, got.Username)
	}
}

func TestNoTLSOnlyToLoopback(t *testing.T) {
	mp := mailpittest.Start(t, mailpittest.Options{TLS: "none"})
	m, _ := newMailer(t, mp, mail.Config{TLS: mail.NoTLS})
	id := uniqueID(t)
	if err := send(t, m, &core.Mail{MessageID: id, To: []string{"a@client.test"}, Subject: "s", Text: "t"}); err != nil {
		t.Fatalf("Send to a loopback relay without TLS: %v", err)
	}
	mp.Find(t, mailpittest.ByMessageID(id))
	for _, host := range []string{"smtp.example.ru", "10.0.0.5", "localhost.example.ru"} {
		if _, err := mail.New(mail.Config{Host: host, From: "crm@dealdesk.test", TLS: mail.NoTLS}, zerolog.Nop()); err == nil {
			t.Errorf("SMTP_TLS=none accepted for %s", host)
		}
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := mail.New(mail.Config{Host: host, From: "crm@dealdesk.test", TLS: mail.NoTLS}, zerolog.Nop()); err != nil {
			t.Errorf("SMTP_TLS=none refused for %s: %v", host, err)
		}
	}
}

func TestConfigIsChecked(t *testing.T) {
	for name, cfg := range map[string]mail.Config{
		"no host":      {From: "crm@dealdesk.test"},
		"no from":      {Host: "smtp.example.ru"},
		"bad from":     {Host: "smtp.example.ru", From: "not an address"},
		"unknown TLS":  {Host: "smtp.example.ru", From: "crm@dealdesk.test", TLS: "ssl3"},
		"bad port":     {Host: "smtp.example.ru", From: "crm@dealdesk.test", Port: 70000},
		"missing CA":   {Host: "smtp.example.ru", From: "crm@dealdesk.test", CAFile: "/nonexistent/ca.pem"},
		"CA not a PEM": {Host: "smtp.example.ru", From: "crm@dealdesk.test", CAFile: "/dev/null"},
	} {
		if _, err := mail.New(cfg, zerolog.Nop()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRefusedRecipientIsPermanentWithTheServersWords(t *testing.T) {
	mp := mailpittest.Start(t, mailpittest.Options{TLS: "starttls", AllowedRecipients: `^ok@`})
	m, _ := newMailer(t, mp, mail.Config{})
	me := mailErr(t, send(t, m, &core.Mail{MessageID: uniqueID(t), To: []string{"nobody@client.test"}, Subject: "s", Text: "t"}))
	if me.Temporary || me.Code != 550 {
		t.Errorf("refused recipient: %+v, want permanent 550", me)
	}
	if !strings.Contains(me.Text, "mailbox unavailable") || !strings.Contains(me.Text, "nobody@client.test") {
		t.Errorf("text %q lacks the server's words or the recipient", me.Text)
	}
	if strings.HasPrefix(me.Text, "550") {
		t.Errorf("text %q repeats the code", me.Text)
	}
}

func TestRecipientDeferredIsTemporary(t *testing.T) {
	mp := mailpittest.Start(t, mailpittest.Options{TLS: "starttls", Chaos: "Recipient:451:100"})
	m, _ := newMailer(t, mp, mail.Config{})
	me := mailErr(t, send(t, m, &core.Mail{MessageID: uniqueID(t), To: []string{"a@client.test"}, Subject: "s", Text: "t"}))
	if !me.Temporary || me.Code != 451 {
		t.Errorf("451: %+v, want temporary 451", me)
	}
}

func TestInvalidMailIsRefusedBeforeConnecting(t *testing.T) {
	m, err := mail.New(mail.Config{Host: "127.0.0.1", Port: 1, From: "crm@dealdesk.test"}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	for name, ml := range map[string]*core.Mail{
		"no recipient":   {Subject: "s"},
		"bad recipient":  {To: []string{"not an address"}},
		"bad reply-to":   {To: []string{"a@client.test"}, ReplyTo: "nope"},
		"header newline": {To: []string{"a@client.test\r\nBcc: x@evil.test"}},
	} {
		me := mailErr(t, m.Send(context.Background(), ml))
		if me.Temporary {
			t.Errorf("%s: %+v, want permanent", name, me)
		}
	}
}

func TestUnreachableServerIsTemporary(t *testing.T) {
	port := mailpittest.FreePort(t) // nothing listens there
	m, err := mail.New(mail.Config{Host: "127.0.0.1", Port: port, From: "crm@dealdesk.test", Timeout: 2 * time.Second}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	me := mailErr(t, m.Send(context.Background(), &core.Mail{To: []string{"a@client.test"}}))
	if !me.Temporary {
		t.Errorf("connection refused: %+v, want temporary", me)
	}
}

// stub is an SMTP server for the failures mailpit cannot produce: it
// answers each command with the reply the test gives (by the command's
// first word), "250 OK" otherwise.
func stub(t *testing.T, greeting string, replies map[string]string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveStub(c, greeting, replies)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func serveStub(c net.Conn, greeting string, replies map[string]string) {
	defer c.Close()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(s string) { _, _ = w.WriteString(s + "\r\n"); _ = w.Flush() }
	if greeting == "" {
		// A server that never greets: the client must time out.
		_, _ = r.ReadString('\n')
		time.Sleep(5 * time.Second)
		return
	}
	reply(greeting)
	if !strings.HasPrefix(greeting, "220") {
		return
	}
	inData := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if inData {
			if line == ".\r\n" {
				inData = false
				reply(or(replies["."], "250 2.0.0 queued"))
			}
			continue
		}
		cmd := strings.ToUpper(strings.Fields(line + " x")[0])
		switch cmd {
		case "EHLO":
			reply("250-stub\r\n250-8BITMIME\r\n250 SMTPUTF8")
		case "DATA":
			if rep, ok := replies["DATA"]; ok {
				reply(rep)
				continue
			}
			reply("354 go on")
			inData = true
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply(or(replies[cmd], "250 OK"))
		}
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestStubbedRefusalsMapByCode(t *testing.T) {
	for _, tc := range []struct {
		name      string
		greeting  string
		replies   map[string]string
		code      int
		temporary bool
		words     string
	}{
		{"greeting 421", "421 4.3.2 Service shutting down", nil, 421, true, "Service shutting down"},
		{"greeting 554", "554 5.7.1 No SMTP service here", nil, 554, false, "No SMTP service here"},
		{"sender 451", "220 stub", map[string]string{"MAIL": "451 4.7.1 Greylisted, try again in 5 minutes"}, 451, true, "Greylisted"},
		{"sender 553", "220 stub", map[string]string{"MAIL": "553 5.7.1 Sender address rejected: not owned by user"}, 553, false, "not owned by user"},
		{"recipient 550", "220 stub", map[string]string{"RCPT": "550 5.1.1 <a@client.test>: Recipient address rejected: User unknown"}, 550, false, "User unknown"},
		{"recipient 452", "220 stub", map[string]string{"RCPT": "452 4.2.2 Mailbox full"}, 452, true, "Mailbox full"},
		{"message 554", "220 stub", map[string]string{".": "554 5.7.1 Message rejected as spam"}, 554, false, "rejected as spam"},
		{"message 452", "220 stub", map[string]string{".": "452 4.3.1 Insufficient system storage"}, 452, true, "Insufficient system storage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := stub(t, tc.greeting, tc.replies)
			m, err := mail.New(mail.Config{Host: "127.0.0.1", Port: port, From: "crm@dealdesk.test", TLS: mail.NoTLS,
				Timeout: 5 * time.Second}, zerolog.Nop())
			if err != nil {
				t.Fatal(err)
			}
			me := mailErr(t, m.Send(context.Background(), &core.Mail{To: []string{"a@client.test"}, Subject: "s", Text: "t"}))
			if me.Code != tc.code || me.Temporary != tc.temporary || !strings.Contains(me.Text, tc.words) {
				t.Errorf("got %+v, want code %d temporary %v with %q", me, tc.code, tc.temporary, tc.words)
			}
			if strings.HasPrefix(me.Text, strconv.Itoa(tc.code)) {
				t.Errorf("text %q repeats the code", me.Text)
			}
		})
	}
}

func TestAcceptedMessageIsSentEvenIfQuitFails(t *testing.T) {
	port := stub(t, "220 stub", map[string]string{"RSET": "500 what is RSET", "QUIT": "500 no"})
	m, err := mail.New(mail.Config{Host: "127.0.0.1", Port: port, From: "crm@dealdesk.test", TLS: mail.NoTLS,
		Timeout: 5 * time.Second}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), &core.Mail{To: []string{"a@client.test"}, Subject: "s", Text: "t"}); err != nil {
		t.Errorf("a message the server accepted is reported as failed: %v", err)
	}
}

func TestSilentServerTimesOutAsTemporary(t *testing.T) {
	port := stub(t, "", nil)
	m, err := mail.New(mail.Config{Host: "127.0.0.1", Port: port, From: "crm@dealdesk.test", TLS: mail.NoTLS,
		Timeout: 300 * time.Millisecond}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	me := mailErr(t, m.Send(context.Background(), &core.Mail{To: []string{"a@client.test"}}))
	if !me.Temporary {
		t.Errorf("timeout: %+v, want temporary", me)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the timeout of 300ms took %v", d)
	}
}

func TestCancelledContextIsTemporary(t *testing.T) {
	port := stub(t, "", nil)
	m, err := mail.New(mail.Config{Host: "127.0.0.1", Port: port, From: "crm@dealdesk.test", TLS: mail.NoTLS}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	me := mailErr(t, m.Send(ctx, &core.Mail{To: []string{"a@client.test"}}))
	if !me.Temporary {
		t.Errorf("cancelled: %+v, want temporary", me)
	}
}
