package bot_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestScheduleOffersMailOnlyWhenSetUp: without a mail server /schedule
// does not suggest typing an address — not in its usage line, not when it
// asks whom to send to, not when the answer names no one; with one it
// does.
func TestScheduleOffersMailOnlyWhenSetUp(t *testing.T) {
	d := newReportDesk(t)
	if d.svc.MailAvailable() {
		t.Fatal("the desk has a mailer")
	}
	say := func() string {
		s := dump(d.say("o", "/schedule что-то непонятное"))
		d.say("o", "/schedule новое")
		d.say("o", "воронка")
		s += dump(d.say("o", "по понедельникам 9:00"))
		s += dump(d.say("o", "кому-то"))
		d.say("o", "/cancel")
		return s
	}
	if got := say(); strings.Contains(got, "почт") || !strings.Contains(got, "мне или руководителю") {
		t.Fatalf("mail offered without a mail server: %s", got)
	}
	texts := func(lang, key string, args map[string]any) string { return bundle.Printer(lang, nil).T(key, args) }
	d.reopen(core.WithReports(reportTables{}, reportCharts{}, reportCron{}, texts),
		core.WithMailer(&fakeMailer{}, "reports@dealdesk.example", texts))
	if got := say(); strings.Count(got, "адрес почты") < 3 {
		t.Fatalf("mail not offered with a mail server: %s", got)
	}
}

// TestSentSaysMailIsQueued: a report put in the mail queue is said to be
// queued, not sent; chats and people it reached are said to be sent to.
func TestSentSaysMailIsQueued(t *testing.T) {
	for _, c := range []struct {
		lang         string
		args         map[string]any
		want, unwant []string
	}{
		{"ru", map[string]any{"Title": "Сделки", "Queued": "boss@example.ru"},
			[]string{"«Сделки» поставлено в очередь на отправку по почте: boss@example.ru. Если письмо не удастся отправить, я сообщу."},
			[]string{"отправлено:"}},
		{"ru", map[string]any{"Title": "Сделки", "To": "Геннадий", "Queued": "boss@example.ru"},
			[]string{"«Сделки» отправлено: Геннадий.\n«Сделки» поставлено в очередь на отправку по почте: boss@example.ru."}, nil},
		{"ru", map[string]any{"Title": "Сделки", "To": "Геннадий"}, []string{"«Сделки» отправлено: Геннадий."},
			[]string{"очеред"}},
		{"en", map[string]any{"Title": "Deals", "Queued": "boss@example.com"},
			[]string{"“Deals” is queued to be e-mailed to boss@example.com."}, []string{"sent to"}},
	} {
		got := bundle.Printer(c.lang, nil).T("msg.reports.sent", c.args)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%v: %q lacks %q", c.args, got, w)
			}
		}
		for _, w := range c.unwant {
			if strings.Contains(got, w) {
				t.Errorf("%v: %q says %q", c.args, got, w)
			}
		}
	}
}
