package bot_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// historyDeal makes a card and a deal led by the manager "m" (Максим), as
// the admin.
func historyDeal(t *testing.T) (*harness, *core.Deal) {
	t.Helper()
	h := newHarness(t)
	m := h.addUser("m", "Максим", core.RoleManager)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	c, err := h.svc.CreateClient(ctx, admin, &core.Client{INN: "7707083893", ShortName: "ПАО Сбербанк"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.svc.CreateDeal(ctx, admin, &core.Deal{ClientID: c.ID, Title: "Лизинг", ManagerID: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	return h, d
}

// editDeal changes a deal as the admin, a minute after the last change.
func editDeal(t *testing.T, h *harness, d *core.Deal, reason string, fn func(*core.Deal)) {
	t.Helper()
	h.clock.Add(time.Minute)
	_, err := h.svc.UpdateDeal(context.Background(), core.Actor{User: h.admin}, d.ID, reason, func(d *core.Deal) error {
		fn(d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// hasButton reports whether the last message has a button with the label.
func hasButton(msgs []*bot.Message, label string) bool {
	if len(msgs) == 0 {
		return false
	}
	for _, row := range msgs[len(msgs)-1].Buttons {
		for _, b := range row {
			if b.Label == label {
				return true
			}
		}
	}
	return false
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// TestHistoryCountsEntries: one edit of five fields is one entry, shown
// with its fields under it and its reason once; the header counts entries
// in Russian plural forms.
func TestHistoryCountsEntries(t *testing.T) {
	h, d := historyDeal(t)
	due := time.Date(2027, 3, 1, 15, 0, 0, 0, time.UTC)
	editDeal(t, h, d, "клиент уточнил условия", func(d *core.Deal) {
		d.Title, d.Amount = "Лизинг оборудования", 2_500_000_00
		d.SigningDue, d.PaymentDue, d.ContractEnd = due, due.AddDate(0, 1, 0), due.AddDate(1, 0, 0)
	})
	text := h.say("admin", "/history D-2026-0001")[0].Text
	if !strings.Contains(text, "— 2 записи") {
		t.Fatalf("history does not count 2 entries:\n%s", text)
	}
	if n := strings.Count(text, "клиент уточнил условия"); n != 1 {
		t.Fatalf("the edit's reason shows %d times:\n%s", n, text)
	}
	lines := strings.Split(text, "\n")
	i := slicesIndex(lines, "(причина: клиент уточнил условия)")
	if i < 0 || i+5 >= len(lines) {
		t.Fatalf("no entry header with the reason:\n%s", text)
	}
	for j, want := range []string{"название: Лизинг → Лизинг оборудования", "сумма: — → 2\u00a0500\u00a0000,00\u00a0₽",
		"срок подписания: — → 01.03.2027 18:00", "срок оплаты: — → 01.04.2027 18:00",
		"окончание договора: — → 01.03.2028 18:00"} {
		if got := lines[i+1+j]; !strings.HasPrefix(strings.TrimSpace(got), "• ") || !strings.Contains(got, want) {
			t.Errorf("field line %d = %q, want • %s", j+1, got, want)
		}
	}
	// Plural forms of the count.
	for n, want := range map[int]string{1: "1 запись", 2: "2 записи", 5: "5 записей", 11: "11 записей", 21: "21 запись"} {
		if got := h.p.T("msg.history.title", bot.Args{"Title": "x", "Count": n}); !strings.HasSuffix(got, "— "+want) {
			t.Errorf("%d entries: %q, want … %s", n, got, want)
		}
	}
}

func slicesIndex(lines []string, suffix string) int {
	for i, l := range lines {
		if strings.HasSuffix(l, suffix) {
			return i
		}
	}
	return -1
}

// TestHistoryPagesBackToTheFirstEntry: the newest page first, then
// «Ранее» page by page down to the creation; a page keeps its place when
// a change comes meanwhile, and «Ранее» may be pressed again.
func TestHistoryPagesBackToTheFirstEntry(t *testing.T) {
	h, d := historyDeal(t)
	for i := 1; i <= 24; i++ {
		editDeal(t, h, d, "правка "+strconv.Itoa(i), func(d *core.Deal) { d.Amount = core.Money(i * 1000_00) })
	}
	reason := func(i int) string { return "(причина: правка " + strconv.Itoa(i) + ")" }
	check := func(msgs []*bot.Message, header string, first, last int, more bool) {
		t.Helper()
		if len(msgs) != 1 {
			t.Fatalf("%d messages:%s", len(msgs), dump(msgs))
		}
		text := msgs[0].Text
		if !strings.Contains(strings.SplitN(text, "\n", 2)[0], header) {
			t.Errorf("header lacks %q:\n%s", header, text)
		}
		for i := 1; i <= 24; i++ {
			if shown := strings.Contains(text, reason(i)); shown != (i >= first && i <= last) {
				t.Errorf("edit %d shown: %v; want edits %d–%d:\n%s", i, shown, first, last, text)
			}
		}
		if hasButton(msgs, "Ранее") != more {
			t.Errorf("«Ранее» shown: %v, want %v:%s", !more, more, dump(msgs))
		}
		if n := utf16Len(text); n > bot.MaxTextLen {
			t.Errorf("page of %d characters", n)
		}
	}
	page1 := h.say("admin", "/history D-2026-0001")
	check(page1, "25 записей, показаны 16–25", 15, 24, true)

	// A change after the first page was shown does not shift the pages.
	editDeal(t, h, d, "правка 25", func(d *core.Deal) { d.Amount = 1 })
	page2 := h.press("admin", page1, "Ранее")
	check(page2, "26 записей, показаны 6–15", 5, 14, true)
	page3 := h.press("admin", page2, "Ранее")
	check(page3, "26 записей, показаны 1–5", 1, 4, false)
	if !strings.Contains(page3[0].Text, "создание:") || !strings.Contains(page3[0].Text, "номер D-2026-0001") {
		t.Fatalf("the last page lacks the creation:\n%s", page3[0].Text)
	}
	// A view: pressed again, it shows the same page again.
	again := h.press("admin", page2, "Ранее")
	check(again, "26 записей, показаны 1–5", 1, 4, false)
	// The latest page now starts with the new edit.
	check(h.say("admin", "/history D-2026-0001"), "26 записей, показаны 17–26", 16, 24, true)
}

// TestHistoryPageFitsAMessage: long titles and reasons are paged by size
// (no page over Telegram's 4096 characters, counted as Telegram does),
// and the pages still reach the first entry.
func TestHistoryPageFitsAMessage(t *testing.T) {
	h, d := historyDeal(t)
	long := strings.Repeat("Лизинг 📄 ", 33) // 297 characters, 330 UTF-16 units
	for i := 0; i < 12; i++ {
		editDeal(t, h, d, strings.Repeat("причина ", 125)+strconv.Itoa(i), func(d *core.Deal) {
			d.Title = strconv.Itoa(i) + " " + long
		})
	}
	msgs := h.say("admin", "/history D-2026-0001")
	if !strings.Contains(msgs[0].Text, "13 записей") {
		t.Fatalf("header:\n%s", msgs[0].Text)
	}
	entries := 0
	entryStart := regexp.MustCompile(`(?m)^\d\d\.\d\d\.\d{4} \d\d:\d\d · `)
	for pages := 1; ; pages++ {
		if len(msgs) != 1 {
			t.Fatalf("page %d is %d messages", pages, len(msgs))
		}
		if n := utf16Len(msgs[0].Text); n > bot.MaxTextLen {
			t.Fatalf("page %d has %d characters", pages, n)
		}
		entries += len(entryStart.FindAllString(msgs[0].Text, -1))
		if !hasButton(msgs, "Ранее") {
			if !strings.Contains(msgs[0].Text, "создание:") || pages < 3 {
				t.Fatalf("%d pages, the last without the creation:\n%s", pages, msgs[0].Text)
			}
			break
		}
		msgs = h.press("admin", msgs, "Ранее")
	}
	if entries != 13 {
		t.Fatalf("the pages show %d entries, want 13", entries)
	}
}
