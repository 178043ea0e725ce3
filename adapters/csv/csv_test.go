package csv

import (
	"bytes"
	stdcsv "encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

var moscow = mustZone("Europe/Moscow")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var head = core.TableHead{
	Sheet:   "Сделки",
	Columns: []string{"№", "Клиент", "Сумма", "Подписание", "Создана", "Дней в работе", "Комментарий"},
	Kinds:   []core.ColumnKind{core.ColInt, core.ColText, core.ColMoney, core.ColDate, core.ColDateTime, core.ColNumber, core.ColText},
	Notes:   []string{"Выгрузка: сделки", "Период: 01.11.2026 — 30.11.2026; менеджер: Иванова", "Клиент: ООО \"Ромашка\"\nстрок: 3"},
}

var (
	signed  = time.Date(2026, 11, 30, 22, 30, 0, 0, time.UTC) // 01.12.2026 01:30 in Moscow
	created = time.Date(2026, 12, 1, 6, 5, 0, 0, time.UTC)    // 01.12.2026 09:05 in Moscow
)

var rows = [][]core.Value{
	{{N: 1}, {S: "ООО «Ромашка»; филиал"}, {N: 150000050}, {T: signed}, {T: created}, {F: 12.5}, {S: "строка 1\nстрока 2, \"цитата\""}},
	{{N: -2}, {S: "ИП Иванов И. И."}, {N: 99}, {Blank: true}, {T: created.Add(36 * time.Hour)}, {F: 0.333}, {Blank: true}},
	{{N: 3}, {S: "=HYPERLINK(\"http://x\")"}, {N: -123456}, {}, {}, {Blank: true}, {S: "+7 916 123-45-67"}},
	{{Blank: true}, {S: " пробел впереди"}, {N: 0}, {T: signed}, {T: signed}, {F: -1.005}, {S: "@SUM(A1)"}},
	{{N: 5}, {S: "-"}, {N: -1}, {T: time.Date(2026, 3, 1, 0, 0, 0, 0, moscow)}, {T: time.Date(2026, 3, 1, 0, 0, 0, 0, moscow)}, {F: -0.001}, {S: "обычный текст"}},
}

func write(t *testing.T, o core.TableOptions, h core.TableHead, rs [][]core.Value) []byte {
	t.Helper()
	w, err := NewTable(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Table(h); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if err := w.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Image("chart", []byte("ignored")); err != nil {
		t.Fatal(err)
	}
	b, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// read parses a file as a reader would: the BOM stripped, notes skipped
// as comments.
func read(t *testing.T, b []byte, comma rune) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no BOM: %q", b[:min(len(b), 10)])
	}
	r := stdcsv.NewReader(bytes.NewReader(b[3:]))
	r.Comma, r.Comment, r.FieldsPerRecord = comma, '#', -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		comma rune
		want  [][]string
	}{
		{"semicolon", 0, [][]string{
			{"1", "ООО «Ромашка»; филиал", "1500000,50", "01.12.2026", "01.12.2026 09:05", "12,50", "строка 1\nстрока 2, \"цитата\""},
			{"-2", "ИП Иванов И. И.", "0,99", "", "02.12.2026 21:05", "0,33", ""},
			{"3", "'=HYPERLINK(\"http://x\")", "-1234,56", "", "", "", "'+7 916 123-45-67"},
			{"", " пробел впереди", "0,00", "01.12.2026", "01.12.2026 01:30", "-1,00", "'@SUM(A1)"},
			{"5", "'-", "-0,01", "01.03.2026", "01.03.2026 00:00", "0,00", "обычный текст"},
		}},
		{"comma", ',', [][]string{
			{"1", "ООО «Ромашка»; филиал", "1500000.50", "01.12.2026", "01.12.2026 09:05", "12.50", "строка 1\nстрока 2, \"цитата\""},
			{"-2", "ИП Иванов И. И.", "0.99", "", "02.12.2026 21:05", "0.33", ""},
			{"3", "'=HYPERLINK(\"http://x\")", "-1234.56", "", "", "", "'+7 916 123-45-67"},
			{"", " пробел впереди", "0.00", "01.12.2026", "01.12.2026 01:30", "-1.00", "'@SUM(A1)"},
			{"5", "'-", "-0.01", "01.03.2026", "01.03.2026 00:00", "0.00", "обычный текст"},
		}},
		{"tab", '\t', [][]string{
			{"1", "ООО «Ромашка»; филиал", "1500000,50", "01.12.2026", "01.12.2026 09:05", "12,50", "строка 1\nстрока 2, \"цитата\""},
			{"-2", "ИП Иванов И. И.", "0,99", "", "02.12.2026 21:05", "0,33", ""},
			{"3", "'=HYPERLINK(\"http://x\")", "-1234,56", "", "", "", "'+7 916 123-45-67"},
			{"", " пробел впереди", "0,00", "01.12.2026", "01.12.2026 01:30", "-1,00", "'@SUM(A1)"},
			{"5", "'-", "-0,01", "01.03.2026", "01.03.2026 00:00", "0,00", "обычный текст"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := write(t, core.TableOptions{Location: moscow, Comma: tc.comma}, head, rows)
			comma := tc.comma
			if comma == 0 {
				comma = ';'
			}
			recs := read(t, b, comma)
			if len(recs) != 1+len(rows) {
				t.Fatalf("%d records, want %d:\n%s", len(recs), 1+len(rows), b)
			}
			if got := strings.Join(recs[0], "|"); got != strings.Join(head.Columns, "|") {
				t.Errorf("header = %q", got)
			}
			for i, want := range tc.want {
				got := recs[i+1]
				if len(got) != len(want) {
					t.Errorf("row %d has %d fields: %q", i+1, len(got), got)
					continue
				}
				for c := range want {
					if got[c] != want[c] {
						t.Errorf("row %d, %s = %q, want %q", i+1, head.Columns[c], got[c], want[c])
					}
				}
			}
			// Every line ends in CRLF (a line break inside a quoted field
			// is the field's own).
			if !bytes.HasSuffix(b, []byte("\r\n")) || bytes.Count(b, []byte("\r\n")) != len(head.Notes)+1+len(rows) {
				t.Errorf("line ends:\n%q", b)
			}
		})
	}
}

// Notes come first, one comment line each.
func TestNotes(t *testing.T) {
	b := write(t, core.TableOptions{Location: moscow}, head, rows[:1])
	lines := strings.Split(strings.TrimPrefix(string(b), BOM), "\r\n")
	want := []string{
		"# Выгрузка: сделки",
		"# Период: 01.11.2026 — 30.11.2026; менеджер: Иванова",
		"# Клиент: ООО 'Ромашка' строк: 3",
		"№;Клиент;Сумма;Подписание;Создана;Дней в работе;Комментарий",
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], w)
		}
	}
}

func TestHeaderOnly(t *testing.T) {
	b := write(t, core.TableOptions{}, head, nil)
	recs := read(t, b, ';')
	if len(recs) != 1 || strings.Join(recs[0], "|") != strings.Join(head.Columns, "|") {
		t.Fatalf("records = %q", recs)
	}
}

// A second table follows after an empty line, with its notes and header.
func TestSecondTable(t *testing.T) {
	w, _ := NewTable(core.TableOptions{Location: moscow})
	_ = w.Table(head)
	_ = w.Row(rows[1])
	if err := w.Table(core.TableHead{Sheet: "Итоги", Columns: []string{"Стадия", "Сумма"},
		Kinds: []core.ColumnKind{core.ColText, core.ColMoney}, Notes: []string{"Итоги"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Row([]core.Value{{S: "Новая"}, {N: 100}}); err != nil {
		t.Fatal(err)
	}
	b, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.TrimPrefix(string(b), BOM)
	if !strings.Contains(text, "\r\n\r\n# Итоги\r\nСтадия;Сумма\r\nНовая;1,00\r\n") {
		t.Errorf("second table:\n%q", text)
	}
	recs := read(t, b, ';')
	if len(recs) != 4 || strings.Join(recs[3], "|") != "Новая|1,00" {
		t.Errorf("records = %q", recs)
	}
}

// A row whose first field starts with "#" is quoted, so that no reader
// takes it for a note.
func TestHashInFirstField(t *testing.T) {
	h := core.TableHead{Columns: []string{"#", "Название"}, Kinds: []core.ColumnKind{core.ColText, core.ColText}}
	b := write(t, core.TableOptions{}, h, [][]core.Value{{{S: "#1"}, {S: "#2"}}})
	if got := strings.TrimPrefix(string(b), BOM); got != "\"#\";Название\r\n\"#1\";#2\r\n" {
		t.Errorf("file = %q", got)
	}
	recs := read(t, b, ';')
	if len(recs) != 2 || recs[1][0] != "#1" || recs[1][1] != "#2" {
		t.Errorf("records = %q", recs)
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		kopecks int64
		want    string
	}{
		{0, "0,00"}, {5, "0,05"}, {-5, "-0,05"}, {100, "1,00"}, {123450, "1234,50"}, {-123456, "-1234,56"},
		{99999999999999999, "999999999999999,99"}, {-9223372036854775808, "-92233720368547758,08"},
	} {
		if got := string(Money(nil, tc.kopecks, ',')); got != tc.want {
			t.Errorf("Money(%d) = %q, want %q", tc.kopecks, got, tc.want)
		}
	}
}

func TestBadSeparator(t *testing.T) {
	for _, r := range []rune{'"', '\n', '\r', '#', '\'', utf8RuneError} {
		if _, err := NewTable(core.TableOptions{Comma: r}); err == nil {
			t.Errorf("%q accepted", r)
		}
	}
}

const utf8RuneError = '\uFFFD'

func TestMisuse(t *testing.T) {
	h := core.TableHead{Columns: []string{"a", "b"}, Kinds: []core.ColumnKind{core.ColText, core.ColInt}}
	for name, do := range map[string]func(w core.TableWriter) error{
		"row before table": func(w core.TableWriter) error { return w.Row([]core.Value{{}}) },
		"short row": func(w core.TableWriter) error {
			_ = w.Table(h)
			return w.Row([]core.Value{{S: "a"}})
		},
		"long row": func(w core.TableWriter) error {
			_ = w.Table(h)
			return w.Row([]core.Value{{S: "a"}, {N: 1}, {N: 2}})
		},
		"kinds missing": func(w core.TableWriter) error {
			return w.Table(core.TableHead{Columns: []string{"a", "b"}, Kinds: []core.ColumnKind{core.ColText}})
		},
		"no columns": func(w core.TableWriter) error { return w.Table(core.TableHead{}) },
	} {
		w, _ := NewTable(core.TableOptions{})
		if err := do(w); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := w.Close(); err == nil {
			t.Errorf("%s: Close returned a file", name)
		}
		if _, err := w.Close(); err == nil {
			t.Errorf("%s: closed twice", name)
		}
	}
}

// A file of several pieces, with a field longer than a piece, reads back
// whole; a second file from the same pool is not mixed with the first.
func TestLargeFile(t *testing.T) {
	long := strings.Repeat("Ж", chunkSize) // 2 MB
	h := core.TableHead{Columns: []string{"n", "текст"}, Kinds: []core.ColumnKind{core.ColInt, core.ColText}}
	for range 2 {
		w, _ := NewTable(core.TableOptions{})
		_ = w.Table(h)
		const n = 50_000
		for i := range n {
			s := "строка"
			if i == n/2 {
				s = long
			}
			if err := w.Row([]core.Value{{N: int64(i)}, {S: s}}); err != nil {
				t.Fatal(err)
			}
		}
		b, err := w.Close()
		if err != nil {
			t.Fatal(err)
		}
		recs := read(t, b, ';')
		if len(recs) != n+1 {
			t.Fatalf("%d records, want %d", len(recs), n+1)
		}
		for i, r := range recs[1:] {
			want := "строка"
			if i == n/2 {
				want = long
			}
			if r[0] != strconv.Itoa(i) || r[1] != want {
				t.Fatalf("record %d = %.40q", i, r)
			}
		}
	}
}
