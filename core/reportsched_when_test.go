package core_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestParseScheduleWhen: people's words for a schedule, in Russian and
// English, become a cron expression; a cron expression passes through;
// what cannot be read is refused with the text.
func TestParseScheduleWhen(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"каждый понедельник 09:00", "0 9 * * 1"},
		{"по понедельникам в 9:00", "0 9 * * 1"},
		{"Каждую пятницу в 18.30", "30 18 * * 5"},
		{"по средам", "0 9 * * 3"},
		{"во вторник в 10", "0 10 * * 2"},
		{"по понедельникам 15", "0 15 * * 1"},
		{"по понедельникам и четвергам 9:00", "0 9 * * 1,4"},
		{"пн, ср, пт 8:00", "0 8 * * 1,3,5"},
		{"по субботам и воскресеньям 12:00", "0 12 * * 6,0"},
		{"ежедневно в 8:30", "30 8 * * *"},
		{"каждый день 8:30", "30 8 * * *"},
		{"по будням 9:00", "0 9 * * 1-5"},
		{"каждый будний день в 9 утра", "0 9 * * 1-5"},
		{"по рабочим дням в 6 вечера", "0 18 * * 1-5"},
		{"1 числа 10:00", "0 10 1 * *"},
		{"каждое 1 число 10:00", "0 10 1 * *"},
		{"15-го числа каждого месяца в 9:15", "15 9 15 * *"},
		{"ежемесячно 5 числа", "0 9 5 * *"},
		{"every monday at 9:00", "0 9 * * 1"},
		{"Mondays 9am", "0 9 * * 1"},
		{"on fridays at 6:30 pm", "30 18 * * 5"},
		{"daily 18:30", "30 18 * * *"},
		{"every day at 7", "0 7 * * *"},
		{"weekdays 9:00", "0 9 * * 1-5"},
		{"monthly on the 1st 10:00", "0 10 1 * *"},
		{"on day 15 at 12:00", "0 12 15 * *"},
		{"0 9 * * 1", "0 9 * * 1"},
		{"  30   8 1 * *  ", "30 8 1 * *"},
		{"0 9 * * MON-FRI", "0 9 * * MON-FRI"},
		{"*/15 9-18 * * 1-5", "*/15 9-18 * * 1-5"},
	} {
		got, err := core.ParseScheduleWhen(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseScheduleWhen(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, key string }{
		{"", "err.delivery.schedule_when"},
		{"когда-нибудь", "err.delivery.schedule_when"},
		{"по понедельникам 25:00", "err.delivery.schedule_when"},
		{"по понедельникам 9:00 10:00", "err.delivery.schedule_when"},
		{"32 числа", "err.delivery.schedule_when"},
		{"в 9:00", "err.delivery.schedule_when_day"},
		{"по понедельникам 1 числа", "err.delivery.schedule_both"},
		{"every monday at 13pm", "err.delivery.schedule_when"},
		{"every monday at 9 am please", "err.delivery.schedule_when"},
		{"ежедневно 7 15", "err.delivery.schedule_when"},
	} {
		got, err := core.ParseScheduleWhen(c.in)
		if core.ErrorCode(err) != core.EINVALID {
			t.Errorf("ParseScheduleWhen(%q) = %q, %v; want EINVALID", c.in, got, err)
			continue
		}
		if k, _ := core.ErrorKey(err); k != c.key {
			t.Errorf("ParseScheduleWhen(%q): key %s, want %s", c.in, k, c.key)
		}
	}
}
