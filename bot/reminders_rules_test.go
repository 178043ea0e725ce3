package bot_test

import (
	"context"
	"testing"
	"time"
)

// TestRulesSetTheDepartmentsHoursDigestAndEscalation: /rules shows the
// reminder rules to an admin and changes them in words of either language;
// a manager may not; a value it cannot read is answered with examples.
func TestRulesSetTheDepartmentsHoursDigestAndEscalation(t *testing.T) {
	o := newRemindOffice(t)
	has(t, last(t, o.say("admin", "/rules")), "рабочие часы: 09:00–18:00", "утренняя сводка: в 09:00",
		"за 2 часа до срока", "через 1 день просрочки", "/rules эскалация 24ч")
	has(t, last(t, o.say("admin", "/rules эскалация 4ч")), "Сохранено", "через 4 часа просрочки")
	has(t, last(t, o.say("admin", "/rules часы 8:00-17:00")), "рабочие часы: 08:00–17:00")
	has(t, last(t, o.say("admin", "/rules сводка 10:30")), "утренняя сводка: в 10:30")
	has(t, last(t, o.say("admin", "/rules задачи 30 минут")), "за 30 минут до срока")
	has(t, last(t, o.say("admin", "/rules эскалация 1 минута")), "через час просрочки или позже")
	has(t, last(t, o.say("admin", "/rules эскалация скоро")), "Не понял «эскалация скоро»")
	st, err := o.svc.ReminderSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.EscalateAfter != 4*time.Hour || st.DayStart != 8*60 || st.DayEnd != 17*60 || st.DigestAt != 10*60+30 ||
		st.TaskLead != 30*time.Minute {
		t.Fatalf("settings = %+v", st)
	}
	lacks(t, last(t, o.say("m", "/rules эскалация 1ч")), "Сохранено")
	if st, _ = o.svc.ReminderSettings(context.Background()); st.EscalateAfter != 4*time.Hour {
		t.Fatalf("a manager changed the rules: %+v", st)
	}
	o.say("admin", "/lang en")
	has(t, last(t, o.say("admin", "/rules")), "working hours: 08:00–17:00", "after 4 hours overdue")
}
