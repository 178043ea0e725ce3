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
