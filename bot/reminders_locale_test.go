package bot_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// TestReminderWordsInBothLanguages: every kind, status, weekday, control
// outcome and move has its words in both languages (the chat builds these
// keys from the values).
func TestReminderWordsInBothLanguages(t *testing.T) {
	var keys []string
	for _, k := range core.ReminderKinds {
		keys = append(keys, "reminder.kind."+string(k), "reminder.name."+string(k))
		if k != core.ReminderDigest {
			keys = append(keys, "notify.reminder."+string(k))
		}
	}
	for _, s := range []core.ReminderStatus{core.ReminderPending, core.ReminderFired, core.ReminderClosed,
		core.ReminderCancelled} {
		keys = append(keys, "reminder.status."+string(s))
	}
	for _, o := range []core.ControlOutcome{core.ControlDone, core.ControlSnoozed, core.ControlMoved,
		core.ControlEscalated} {
		keys = append(keys, "msg.control."+string(o))
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		keys = append(keys, "remind.wd."+id(int64(d)))
	}
	keys = append(keys, "msg.reminder.moved.deal", "msg.reminder.moved.task", "msg.reminder.moved.reminder")
	for _, lang := range locales.Languages {
		p := bundle.Printer(lang, nil)
		for _, k := range keys {
			if !p.Has(k) {
				t.Errorf("%s: missing %q", lang, k)
			}
		}
	}
}

// roundTrip is what a notification's arguments are once the outbox has
// stored them: JSON numbers, times as strings.
func roundTrip(t *testing.T, args map[string]any) map[string]any {
	t.Helper()
	data, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNotificationsRenderAfterTheOutbox: the reminders' notifications,
// given the arguments core writes and read back from the outbox's JSON,
// render in both languages with no missing value and the right forms of
// the words that follow a count.
func TestNotificationsRenderAfterTheOutbox(t *testing.T) {
	at := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	item := map[string]any{"ID": 7, "Kind": "payment", "Target": at, "Lead": 0, "Due": at, "Late": true, "Text": "",
		"Amount": int64(50000000), "Deal": "D-2026-0001", "DealTitle": "Лизинг", "Client": "ПАО Сбербанк", "N": 1}
	task := map[string]any{"ID": 8, "Kind": "overdue", "Target": at, "Lead": 0, "Due": at, "Late": false, "Text": "",
		"Task": 3, "TaskTitle": "Позвонить", "N": 2}
	cases := []struct {
		key  string
		args map[string]any
		ru   []string
		en   []string
	}{
		{"notify.reminder.payment", item, []string{"срок 03.12.2026, сегодня", "500\u00a0000,00\u00a0₽", "С опозданием"},
			[]string{"is due 2026-12-03 — today", "₽500,000.00", "Late"}},
		{"notify.reminder.signing", map[string]any{"Kind": "signing", "Target": at, "Lead": 11, "Deal": "D-2026-0001",
			"DealTitle": "Лизинг"}, []string{"напоминание за 11 дней"}, []string{"a reminder 11 days ahead"}},
		{"notify.reminder.renewal", map[string]any{"Kind": "renewal", "Target": at, "Lead": 1, "Deal": "D-2026-0001",
			"DealTitle": "Лизинг"}, []string{"напоминание за 1 день"}, []string{"a reminder 1 day ahead"}},
		{"notify.reminder.many", map[string]any{"Count": 2, "Late": true, "Items": []map[string]any{item, task}},
			[]string{"🔔 2 напоминания (есть с опозданием", "1. оплата D-2026-0001 «Лизинг», 500\u00a0000,00\u00a0₽ — 03.12.2026 ⏰",
				"2. просроченная задача #3 «Позвонить» — 03.12.2026 18:00"},
			[]string{"🔔 2 reminders (some late", "2. overdue task #3 “Позвонить” — 2026-12-03 18:00"}},
		{"notify.reminder.escalated", func() map[string]any {
			a := map[string]any{"By": "Максим", "Reason": "молчат"}
			for k, v := range task {
				a[k] = v
			}
			return a
		}(), []string{"Максим передаёт вам на контроль: просроченная задача #3 «Позвонить», срок 03.12.2026 18:00.", "Причина: молчат"},
			[]string{"Максим hands you over for control: overdue task #3 “Позвонить”", "Reason: молчат"}},
		{"msg.reminder.what", task, []string{"просроченная задача #3 «Позвонить», 03.12.2026 18:00"},
			[]string{"overdue task #3 “Позвонить”, 2026-12-03 18:00"}},
		{"msg.reminder.what", map[string]any{"Kind": "custom", "Task": 3, "TaskTitle": "Позвонить", "Text": "уточнить"},
			[]string{"напоминание: задача #3 «Позвонить» — уточнить"}, []string{"reminder: task #3 “Позвонить” — уточнить"}},
		{"msg.status.reminders", map[string]any{"N": 3}, []string{"Ожидают срока: 3 напоминания."},
			[]string{"Waiting for their time: 3 reminders."}},
		{"msg.status.reminders", map[string]any{"N": 21}, []string{"Ожидают срока: 21 напоминание."},
			[]string{"Waiting for their time: 21 reminders."}},
		{"msg.status.reminders", map[string]any{"N": 0}, []string{"Напоминаний, ожидающих срока, нет."},
			[]string{"No reminders waiting for their time."}},
		{"notify.digest", map[string]any{"Day": at, "Late": false, "CanOverdue": true, "OverdueCount": 21, "TodayCount": 2, "DatesCount": 5,
			"Overdue": []map[string]any{{"ID": 3, "Title": "Позвонить", "Due": at, "Deal": "D-2026-0001"}},
			"Today":   []map[string]any{{"ID": 4, "Title": "Отправить КП", "Due": at}},
			"Dates":   []map[string]any{{"Kind": "payment", "Date": at, "Deal": "D-2026-0001", "Title": "Лизинг", "Amount": 100}},
			"Team":    []map[string]any{{"Name": "Максим", "Count": 12, "Items": []map[string]any{{"ID": 3, "Title": "Позвонить", "Due": at}}}}},
			[]string{"Просрочено: 21 задача", "На сегодня: 2 задачи", "На неделе: 5 ключевых дат", "Максим — 12 задач",
				"• 03.12.2026 — оплата, сделка D-2026-0001 «Лизинг», 1,00\u00a0₽", "просрочки отдела — /overdue."},
			[]string{"Overdue: 21 tasks", "Due today: 2 tasks", "This week: 5 key dates", "Максим — 12 tasks",
				"the department's overdue work — /overdue."}},
		{"notify.digest", map[string]any{"Day": at, "Late": false, "CanOverdue": false, "TodayCount": 1,
			"Today": []map[string]any{{"ID": 4, "Title": "Отправить КП", "Due": at}}},
			[]string{"На сегодня: 1 задача", "Задачи — /tasks."}, []string{"Due today: 1 task", "Tasks — /tasks."}},
		{"notify.calendar.missing", map[string]any{"Year": 2027}, []string{"календарь на 2027 год не загружен"},
			[]string{"calendar for 2027 is not loaded"}},
		{"notify.calendar.missing", map[string]any{"Year": 2027, "Provisional": true},
			[]string{"календарь на 2027 год предварительный"}, []string{"calendar for 2027 is provisional"}},
	}
	for _, c := range cases {
		args := roundTrip(t, c.args)
		for lang, want := range map[string][]string{"ru": c.ru, "en": c.en} {
			got := bundle.Printer(lang, msk).T(c.key, args)
			if strings.Contains(got, "<no value>") || strings.Contains(got, "%!") || got == c.key {
				t.Errorf("%s %s: %q", lang, c.key, got)
			}
			has(t, got, want...)
		}
	}
}
