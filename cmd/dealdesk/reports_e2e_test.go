package main

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// TestReportsThroughTelegram is issue 12's "Done when" through the fake Bot
// API, as new users would try it: an officer's XLSX and CSV exports of the
// deals, read back, have every row and column of the query; the officer
// builds last month's overdue report with /report and saves it as a
// template; the weekly pipeline scheduled for Mondays at 09:00 to the heads'
// chat is held by a data-quality finding until the officer sends it with a
// reason, and the heads' chat gets the file, its summary and the chart.
func TestReportsThroughTelegram(t *testing.T) {
	srv := telegramtest.NewServer(t)
	dadata := dadataServer(t, nil)
	clock := &e2eClock{}
	clock.set(2026, 11, 16, 10, 0) // a Monday in November
	r := startTelegramAt(t, t.TempDir(), srv, clock, map[string]string{"DADATA_API_KEY": "test-key",
		"DADATA_URL": dadata.URL, "DEALDESK_REMIND_TICK": "50ms", "DEALDESK_REPORT_TICK": "50ms"})
	code := func(role string) string {
		invite := r.say(adminTG, adminTG, "/invite "+role)
		return strings.Fields(strings.SplitN(invite.Text, "/start ", 2)[1])[0]
	}
	const me = managerTG
	expect(t, r.say(me, me, "/start "+code("менеджер")), "Ваша роль: менеджер")
	expect(t, r.say(headTG, headTG, "/start "+code("руководитель")), "Ваша роль: руководитель")
	expect(t, r.say(officerTG, officerTG, "/start "+code("officer")), "Ваша роль")
	r.say(adminTG, adminTG, "/head 2 3")
	expect(t, r.say(headsTG, adminTG, "/bind heads"), "привязан как рабочий чат")

	record := r.say(me, me, "/client 7707083893")
	r.tap(me, me, record, "Создать", "карточка #1")
	confirm := r.say(me, me, "/deal new 7707083893 Поставка оборудования 1 500 000 оплата 03.12.2026")
	r.tap(me, me, confirm, "Создать", "Стадия: новая")
	confirm = r.say(me, me, "/deal new 7707083893 Монтаж 300 000")
	r.tap(me, me, confirm, "Создать", "Стадия: новая")
	r.say(me, me, "/task new Подготовить акт сверки до 20.11.2026 15:00 D-2026-0001")

	clock.set(2026, 12, 2, 10, 0) // Wednesday 2 December

	// Exports read back: every row and column of the query.
	n := len(srv.Sent())
	expect(t, r.say(officerTG, officerTG, "/export сделки"), "2 сделки")
	files := sentFiles(srv, officerTG, n)
	if len(files) != 1 || !strings.HasSuffix(files[0].Name, ".xlsx") {
		t.Fatalf("the export sent %+v", files)
	}
	book, err := excelize.OpenReader(bytes.NewReader(files[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows(book.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("XLSX rows %d, want a header and 2 deals: %q", len(rows), rows)
	}
	header := rows[0]
	for _, want := range []string{"D-2026-0001", "D-2026-0002", "7707083893", "Поставка оборудования", "User 2002"} {
		if !strings.Contains(strings.Join(append(rows[1], rows[2]...), "|"), want) {
			t.Errorf("the XLSX rows lack %q: %q", want, rows[1:])
		}
	}

	n = len(srv.Sent())
	expect(t, r.say(officerTG, officerTG, "/export сделки csv"), "2 сделки")
	files = sentFiles(srv, officerTG, n)
	if len(files) != 1 || !strings.HasSuffix(files[0].Name, ".csv") {
		t.Fatalf("the CSV export sent %+v", files)
	}
	data := files[0].Data
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Fatal("the CSV has no UTF-8 BOM: Excel would show mojibake")
	}
	cr := csv.NewReader(bytes.NewReader(data[3:]))
	cr.Comma, cr.Comment, cr.FieldsPerRecord = ';', '#', -1
	records, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 3 || len(records[0]) != len(header) {
		t.Fatalf("CSV: %d records of %d columns, want 3 of %d (as the XLSX): %q", len(records),
			len(records[0]), len(header), records)
	}
	if strings.Join(records[0], "|") != strings.Join(header, "|") {
		t.Fatalf("CSV header %q, XLSX header %q", records[0], header)
	}

	// Last month's overdue report, saved as a template.
	n = len(srv.Sent())
	overdue := r.until(officerTG, "Сохранить как шаблон", func() {
		srv.SendText(officerTG, officerTG, "/report просрочки за прошлый месяц")
	})
	summary := ""
	for _, m := range srv.Sent()[n:] {
		if m.ChatID == officerTG {
			summary += m.Text
		}
	}
	for _, want := range []string{"Просроченных задач: 1", "Подготовить акт сверки"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the overdue report's summary lacks %q: %q", want, summary)
		}
	}
	if files := sentFiles(srv, officerTG, n); len(files) == 0 {
		t.Fatal("the overdue report came without its file")
	}
	r.tap(officerTG, officerTG, overdue, "Сохранить как шаблон", "назвать")
	r.until(officerTG, "сохранён", func() { srv.SendText(officerTG, officerTG, "Просрочки за месяц") })
	expect(t, r.say(officerTG, officerTG, "/reports"), "Просрочки за месяц")

	// The weekly pipeline to the heads' chat, every Monday at 09:00.
	sched := r.say(officerTG, officerTG, "/schedule воронка каждый понедельник 09:00 руководители")
	expect(t, sched, "07.12.2026")

	// A question about a deal nobody has answered: the gate holds Monday's report.
	expect(t, r.say(me, me, "/request вопрос D-2026-0001 уточнить график оплаты"), "Обращение")
	clock.set(2026, 12, 7, 8, 59)
	time.Sleep(300 * time.Millisecond)
	for _, m := range srv.Sent() {
		if m.ChatID == headsTG && strings.Contains(m.Text, "Воронка") {
			t.Fatalf("the report came before 09:00: %q", m.Text)
		}
	}
	held := r.until(officerTG, "не отправлен", func() { clock.set(2026, 12, 7, 9, 0) })
	expect(t, held, "обращени")
	time.Sleep(300 * time.Millisecond)
	for _, m := range srv.Sent() {
		if m.ChatID == headsTG && strings.Contains(m.Text, "Воронка") {
			t.Fatalf("a held report reached the heads: %q", m.Text)
		}
	}
	r.tap(officerTG, officerTG, held, buttonWith(t, held, "Отправить с причиной"), "ричин")
	n = len(srv.Sent())
	delivered := r.until(headsTG, "Воронка", func() {
		srv.SendText(officerTG, officerTG, "сумма по аудиту согласуется, отчёт нужен к планёрке")
	})
	expect(t, delivered, "по расписанию")
	time.Sleep(300 * time.Millisecond)
	var xlsx, png bool
	for _, f := range sentFiles(srv, headsTG, n) {
		xlsx = xlsx || strings.HasSuffix(f.Name, ".xlsx")
		png = png || strings.HasSuffix(f.Name, ".png") && bytes.HasPrefix(f.Data, []byte("\x89PNG"))
	}
	if !xlsx || !png {
		t.Fatalf("the heads' chat got the file %v and the chart %v", xlsx, png)
	}
}

// buttonWith is the label of the message's button that holds part (a
// merged message numbers its buttons: «2️⃣ 📤 Отправить с причиной»).
func buttonWith(t *testing.T, m telegramtest.SentMessage, part string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, part) {
				return b.Text
			}
		}
	}
	t.Fatalf("no button with %q in %+v", part, m)
	return ""
}
