package mailpittest_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/dealdesk/dealdesk/adapters/mail/mailpittest"
)

func TestSharedUsesTheMailpitTheEnvironmentNames(t *testing.T) {
	started := mailpittest.Start(t, mailpittest.Options{})
	pem, err := os.ReadFile(started.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("MAILPIT_SMTP", "127.0.0.1:"+strconv.Itoa(started.Port))
	t.Setenv("MAILPIT_API", started.API+"/")
	t.Setenv("MAILPIT_CA", string(pem))
	shared := mailpittest.Shared(t)
	if shared.Host != "127.0.0.1" || shared.Port != started.Port || shared.API != started.API || shared.TLS != "starttls" {
		t.Errorf("shared %+v, want the one the environment names (%+v)", shared, started)
	}
	got, err := os.ReadFile(shared.CAFile)
	if err != nil || string(got) != string(pem) {
		t.Errorf("MAILPIT_CA given as PEM is not in the CA file %s: %v", shared.CAFile, err)
	}
	if n := shared.Total(t); n != 0 {
		t.Errorf("a fresh mailpit holds %d messages", n)
	}
	env := shared.Env()
	if env["SMTP_HOST"] != "127.0.0.1" || env["SMTP_PORT"] != strconv.Itoa(started.Port) ||
		env["SMTP_TLS"] != "starttls" || env["SMTP_CA_FILE"] != shared.CAFile {
		t.Errorf("Env %v", env)
	}

	t.Setenv("MAILPIT_CA", started.CAFile)
	if again := mailpittest.Shared(t); again.CAFile != started.CAFile {
		t.Errorf("MAILPIT_CA given as a path: CA file %s", again.CAFile)
	}
}
