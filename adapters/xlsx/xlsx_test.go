package xlsx

import (
	"archive/zip"
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

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

// dealsHead is a table with every kind of column.
var dealsHead = core.TableHead{
	Sheet:   "Сделки",
	Columns: []string{"№", "Клиент", "Сумма", "Подписание", "Создана", "Дней в работе", "Комментарий"},
	Kinds:   []core.ColumnKind{core.ColInt, core.ColText, core.ColMoney, core.ColDate, core.ColDateTime, core.ColNumber, core.ColText},
	Widths:  []float64{8, 0, 0, 0, 0, 0, 40},
	Notes:   []string{"Выгрузка: сделки", "Период: 01.11.2026 — 30.11.2026", "Строк: 3"},
}

// utc times whose Moscow dates differ from their UTC dates.
var (
	signed  = time.Date(2026, 11, 30, 22, 30, 0, 0, time.UTC) // 01.12.2026 01:30 in Moscow
	created = time.Date(2026, 12, 1, 6, 5, 0, 0, time.UTC)    // 01.12.2026 09:05 in Moscow
)

var dealsRows = [][]core.Value{
	{{N: 1}, {S: "ООО «Ромашка»"}, {N: 150000050}, {T: signed}, {T: created}, {F: 12.5}, {S: "=HYPERLINK(\"x\")"}},
	{{N: 2}, {S: "ИП Иванов И. И."}, {N: 99}, {Blank: true}, {T: created.Add(36 * time.Hour)}, {F: 0.333}, {Blank: true}},
	{{N: 3}, {S: "АО \"Берёза\" & <Ко>"}, {N: -123456}, {}, {}, {Blank: true}, {S: "  пробелы  "}},
}

func writeDeals(t *testing.T, rows [][]core.Value, more func(w core.TableWriter)) []byte {
	t.Helper()
	w, err := NewTable(core.TableOptions{Location: moscow})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Table(dealsHead); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if more != nil {
		more(w)
	}
	b, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func open(t *testing.T, b []byte, raw bool) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{RawCellValue: raw})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func cellName(col, row int) string {
	c, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		panic(err)
	}
	return c
}

func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return ""
}

func TestRoundTrip(t *testing.T) {
	b := writeDeals(t, dealsRows, nil)
	f := open(t, b, true)

	if got := f.GetSheetList(); strings.Join(got, "|") != "Сделки|"+NotesSheet {
		t.Fatalf("sheets = %q", got)
	}
	rows, err := f.GetRows("Сделки")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(dealsRows) {
		t.Fatalf("%d rows, want %d", len(rows), 1+len(dealsRows))
	}
	if got := strings.Join(rows[0], "|"); got != strings.Join(dealsHead.Columns, "|") {
		t.Errorf("header = %q", got)
	}
	for r, vals := range dealsRows {
		for c, v := range vals {
			cell := cellName(c+1, r+2)
			got, err := f.GetCellValue("Сделки", cell)
			if err != nil {
				t.Fatal(err)
			}
			want := rawWant(t, dealsHead.Kinds[c], v)
			if !sameNumberOrText(got, want) {
				t.Errorf("%s = %q, want %q", cell, got, want)
			}
		}
	}
	// The number formats by kind, on every data row.
	wantFmt := []string{FormatInt, "", FormatMoney, FormatDate, FormatDateTime, FormatNumber, ""}
	for r := range dealsRows {
		for c, want := range wantFmt {
			if got := numFmt(t, f, "Сделки", cellName(c+1, r+2)); got != want {
				t.Errorf("%s: number format %q, want %q", cellName(c+1, r+2), got, want)
			}
		}
	}
	// The header is bold.
	id, _ := f.GetCellStyle("Сделки", "C1")
	if st, _ := f.GetStyle(id); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header C1 is not bold: %+v", st)
	}
	// Only the table's header cells are, not the whole row.
	if id, _ := f.GetCellStyle("Сделки", "H1"); id != 0 {
		t.Errorf("H1, right of the header, has style %d", id)
	}
	// Frozen under the header.
	panes, err := f.GetPanes("Сделки")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v", panes)
	}
	// The autofilter covers the header and every row, in the sheet and as
	// Excel's hidden defined name (excelize writes absolute references,
	// which Excel reads as well).
	if got := autoFilterRef(t, b, "xl/worksheets/sheet1.xml"); got != "$A$1:$G$4" {
		t.Errorf("autofilter ref = %q, want A1:G4", got)
	}
	found := false
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && d.RefersTo == "'Сделки'!$A$1:$G$4" {
			found = true
		}
	}
	if !found {
		t.Errorf("no filter database for A1:G4: %+v", f.GetDefinedName())
	}
	// Widths: given, or by kind (and wide enough for the header).
	for col, want := range map[string]float64{"A": 8, "B": 24, "C": 18, "D": 14, "E": 17, "F": 17, "G": 40} {
		if got, _ := f.GetColWidth("Сделки", col); got != want {
			t.Errorf("width of %s = %v, want %v", col, got, want)
		}
	}
	// Notes on the last sheet, under the sheet's name.
	notes, err := f.GetRows(NotesSheet)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range notes {
		lines = append(lines, strings.Join(r, ""))
	}
	if got, want := strings.Join(lines, "\n"), "Сделки\n"+strings.Join(dealsHead.Notes, "\n"); got != want {
		t.Errorf("notes:\n%s\nwant:\n%s", got, want)
	}
}

// rawWant is what the cell holds for a value: rubles, a serial, text.
func rawWant(t *testing.T, k core.ColumnKind, v core.Value) string {
	t.Helper()
	if v.Blank {
		return ""
	}
	switch k {
	case core.ColInt:
		return strconv.FormatInt(v.N, 10)
	case core.ColMoney:
		return strconv.FormatFloat(float64(v.N)/100, 'f', -1, 64)
	case core.ColNumber:
		return strconv.FormatFloat(v.F, 'f', -1, 64)
	case core.ColDate, core.ColDateTime:
		if v.T.IsZero() {
			return ""
		}
		// Serial days of the wall clock in Moscow, independently of Serial.
		l := v.T.In(moscow)
		days := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
		if k == core.ColDateTime {
			days += float64(l.Hour()*60+l.Minute()) / 1440
		}
		return strconv.FormatFloat(days, 'f', -1, 64)
	}
	return v.S
}

func sameNumberOrText(got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	return err1 == nil && err2 == nil && g-w < 1e-9 && w-g < 1e-9
}

var autoFilterRE = regexp.MustCompile(`<autoFilter ref="([^"]+)"`)

func autoFilterRef(t *testing.T, b []byte, part string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name != part {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		x, _ := io.ReadAll(rc)
		_ = rc.Close()
		m := autoFilterRE.FindSubmatch(x)
		if m == nil {
			return ""
		}
		return string(m[1])
	}
	t.Fatalf("no %s in the file", part)
	return ""
}

// The values as Excel shows them, and the dates read back equal the
// times in Moscow.
func TestFormattedValues(t *testing.T) {
	b := writeDeals(t, dealsRows, nil)
	f := open(t, b, false)
	for cell, want := range map[string]string{
		"A2": "1", "B2": "ООО «Ромашка»", "D2": "01.12.2026", "E2": "01.12.2026 09:05", "F2": "12.50",
		"G2": "=HYPERLINK(\"x\")", "D3": "", "E3": "02.12.2026 21:05", "C3": "0.99 ₽", "C2": "1,500,000.50 ₽", "F3": "0.33", "G3": "",
		"B4": "АО \"Берёза\" & <Ко>", "D4": "", "E4": "", "F4": "", "G4": "  пробелы  ",
	} {
		if got, _ := f.GetCellValue("Сделки", cell); got != want {
			t.Errorf("%s shows %q, want %q", cell, got, want)
		}
	}
	raw := open(t, b, true)
	for cell, want := range map[string]time.Time{"D2": time.Date(2026, 12, 1, 0, 0, 0, 0, moscow), "E2": created} {
		v, _ := raw.GetCellValue("Сделки", cell)
		serial, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("%s = %q", cell, v)
		}
		got, err := excelize.ExcelDateToTime(serial, false)
		if err != nil {
			t.Fatal(err)
		}
		// The serial is Moscow's wall clock.
		wall := want.In(moscow)
		if got.Format("2006-01-02 15:04") != wall.Format("2006-01-02 15:04") {
			t.Errorf("%s reads back %v, want %v", cell, got, wall)
		}
	}
	// Money is kopecks / 100, as a number.
	for cell, kopecks := range map[string]int64{"C2": 150000050, "C3": 99, "C4": -123456} {
		v, _ := raw.GetCellValue("Сделки", cell)
		if typ, _ := raw.GetCellType("Сделки", cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s has type %v", cell, typ)
		}
		if got, err := strconv.ParseFloat(v, 64); err != nil || int64(got*100+0.5*sign(got)) != kopecks {
			t.Errorf("%s = %q, want %d kopecks", cell, v, kopecks)
		}
	}
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

func TestHeaderOnly(t *testing.T) {
	b := writeDeals(t, nil, nil)
	f := open(t, b, false)
	rows, err := f.GetRows("Сделки")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || strings.Join(rows[0], "|") != strings.Join(dealsHead.Columns, "|") {
		t.Fatalf("rows = %q", rows)
	}
	if got := autoFilterRef(t, b, "xl/worksheets/sheet1.xml"); got != "$A$1:$G$1" {
		t.Errorf("autofilter ref = %q, want A1:G1", got)
	}
	if p, _ := f.GetPanes("Сделки"); !p.Freeze || p.YSplit != 1 {
		t.Errorf("panes = %+v", p)
	}
}

func TestSeveralTablesAndAnImage(t *testing.T) {
	pic := pngOf(t, 80, 40)
	second := core.TableHead{Sheet: "Сделки", Columns: []string{"Стадия", "Сумма"},
		Kinds: []core.ColumnKind{core.ColText, core.ColMoney}, Notes: []string{"Отчёт: воронка"}}
	b := writeDeals(t, dealsRows[:1], func(w core.TableWriter) {
		if err := w.Table(second); err != nil {
			t.Fatal(err)
		}
		for _, r := range [][]core.Value{{{S: "Новая"}, {N: 100}}, {{S: "Проверка"}, {N: 250}}} {
			if err := w.Row(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Image("Воронка", pic); err != nil {
			t.Fatal(err)
		}
	})
	f := open(t, b, false)
	if got := strings.Join(f.GetSheetList(), "|"); got != "Сделки|Сделки (2)|"+NotesSheet {
		t.Fatalf("sheets = %q", got)
	}
	rows, _ := f.GetRows("Сделки (2)")
	if len(rows) != 3 || rows[2][0] != "Проверка" || rows[2][1] != "2.50 ₽" && rows[2][1] != "2,50 ₽" {
		t.Errorf("second sheet = %q", rows)
	}
	if got := autoFilterRef(t, b, "xl/worksheets/sheet2.xml"); got != "$A$1:$B$3" {
		t.Errorf("second autofilter = %q", got)
	}
	// The picture is beside the table: column D, two after the last.
	pics, err := f.GetPictures("Сделки (2)", "D2")
	if err != nil {
		t.Fatal(err)
	}
	if len(pics) != 1 || !bytes.Equal(pics[0].File, pic) || pics[0].Format.AltText != "Воронка" {
		t.Fatalf("pictures at D2: %d", len(pics))
	}
	notes, _ := f.GetRows(NotesSheet)
	var lines []string
	for _, r := range notes {
		lines = append(lines, strings.Join(r, ""))
	}
	want := "Сделки\n" + strings.Join(dealsHead.Notes, "\n") + "\n\nСделки (2)\nОтчёт: воронка"
	if got := strings.Join(lines, "\n"); got != want {
		t.Errorf("notes:\n%s\nwant:\n%s", got, want)
	}
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSheetName(t *testing.T) {
	long := strings.Repeat("Воронка", 6) // 42 runes
	for _, tc := range []struct {
		name string
		used []string
		want string
	}{
		{"Сделки", nil, "Сделки"},
		{"Сделки", []string{"сделки"}, "Сделки (2)"},
		{"Сделки", []string{"сделки", "сделки (2)"}, "Сделки (3)"},
		{"a[b]c:d*e?f/g\\h", nil, "a_b_c_d_e_f_g_h"},
		{long, nil, string([]rune(long)[:31])},
		{long, []string{strings.ToLower(string([]rune(long)[:31]))}, string([]rune(long)[:27]) + " (2)"},
		{"'Итоги'", nil, "Итоги"},
		{"  ", nil, "Лист"},
		{"", []string{"лист"}, "Лист (2)"},
		{"history", nil, "history_"},
		{"строка\nдве", nil, "строка две"},
	} {
		used := map[string]bool{}
		for _, u := range tc.used {
			used[u] = true
		}
		got := SheetName(tc.name, used)
		if got != tc.want {
			t.Errorf("SheetName(%q, %v) = %q, want %q", tc.name, tc.used, got, tc.want)
		}
		if n := len([]rune(got)); n > 31 {
			t.Errorf("SheetName(%q) has %d characters", tc.name, n)
		}
	}
}

// A name Excel would refuse still makes a sheet that excelize (and Excel)
// accepts.
func TestOddSheetNamesWrite(t *testing.T) {
	w, _ := NewTable(core.TableOptions{})
	for _, name := range []string{"Отчёт: 01/12 [итог]?", "Отчёт: 01/12 [итог]?", strings.Repeat("Я", 40)} {
		if err := w.Table(core.TableHead{Sheet: name, Columns: []string{"A"}, Kinds: []core.ColumnKind{core.ColText}}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := "Отчёт_ 01_12 _итог__|Отчёт_ 01_12 _итог__ (2)|" + strings.Repeat("Я", 31)
	if got := strings.Join(open(t, b, false).GetSheetList(), "|"); got != want {
		t.Errorf("sheets = %q, want %q", got, want)
	}
}

func TestSerial(t *testing.T) {
	for _, tc := range []struct {
		t        time.Time
		dateOnly bool
		want     float64
		ok       bool
	}{
		{time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), true, 61, true},
		{time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC), true, 0, false},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), true, 46357, true},
		{time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC), false, 46357.75, true},
		// 21:30 UTC on 30 November is 00:30 on 1 December in Moscow.
		{time.Date(2026, 11, 30, 21, 30, 0, 0, time.UTC), true, 46357, true},
	} {
		loc := time.UTC
		if tc.t.Hour() == 21 {
			loc = moscow
		}
		got, ok := Serial(tc.t, loc, tc.dateOnly)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("Serial(%v, %v) = %v, %v; want %v, %v", tc.t, tc.dateOnly, got, ok, tc.want, tc.ok)
		}
	}
}

// A date Excel cannot hold as a serial is written as text.
func TestEarlyDateAsText(t *testing.T) {
	w, _ := NewTable(core.TableOptions{Location: time.UTC})
	_ = w.Table(core.TableHead{Sheet: "x", Columns: []string{"d"}, Kinds: []core.ColumnKind{core.ColDate}})
	_ = w.Row([]core.Value{{T: time.Date(1899, 1, 2, 0, 0, 0, 0, time.UTC)}})
	b, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := open(t, b, false).GetCellValue("x", "A2"); got != "02.01.1899" {
		t.Errorf("A2 = %q", got)
	}
}

func TestMisuse(t *testing.T) {
	head := core.TableHead{Sheet: "x", Columns: []string{"a", "b"}, Kinds: []core.ColumnKind{core.ColText, core.ColInt}}
	for name, do := range map[string]func(w core.TableWriter) error{
		"row before table": func(w core.TableWriter) error { return w.Row([]core.Value{{}}) },
		"image before table": func(w core.TableWriter) error {
			return w.Image("x", pngOf(t, 2, 2))
		},
		"short row": func(w core.TableWriter) error {
			_ = w.Table(head)
			return w.Row([]core.Value{{S: "a"}})
		},
		"long row": func(w core.TableWriter) error {
			_ = w.Table(head)
			return w.Row([]core.Value{{S: "a"}, {N: 1}, {N: 2}})
		},
		"kinds missing": func(w core.TableWriter) error {
			return w.Table(core.TableHead{Sheet: "x", Columns: []string{"a", "b"}, Kinds: []core.ColumnKind{core.ColText}})
		},
		"no columns": func(w core.TableWriter) error { return w.Table(core.TableHead{Sheet: "x"}) },
		"not a png": func(w core.TableWriter) error {
			_ = w.Table(head)
			return w.Image("x", []byte("GIF89a"))
		},
	} {
		w, _ := NewTable(core.TableOptions{})
		if err := do(w); err == nil {
			t.Errorf("%s: no error", name)
		}
		// The failure sticks: the file is not returned half-written.
		if _, err := w.Close(); err == nil {
			t.Errorf("%s: Close returned a file", name)
		}
		if _, err := w.Close(); err == nil {
			t.Errorf("%s: closed twice", name)
		}
	}
}

// Rows spill to excelize's temp file (memory does not grow with them)
// and Close removes it.
func TestTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	w, _ := New(core.TableOptions{Location: moscow})
	if err := w.Table(dealsHead); err != nil {
		t.Fatal(err)
	}
	spilled := false
	for i := 0; !spilled; i++ {
		if i > 1_000_000 {
			t.Fatal("no temp file after a million rows")
		}
		if err := w.Row(dealsRows[i%len(dealsRows)]); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 0 {
			entries, _ := os.ReadDir(dir)
			spilled = len(entries) > 0
		}
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind: %s", filepath.Join(dir, e.Name()))
	}
}

// The notes sheet is named in the reader's language (review A13): an
// English file's notes are on «Parameters»; a table of that name keeps its
// own, the notes taking the next free name.
func TestNotesSheetNamed(t *testing.T) {
	for _, tc := range []struct {
		notes, table string
		want         []string
	}{
		{"Parameters", "Deals", []string{"Deals", "Parameters"}},
		{"  ", "Deals", []string{"Deals", NotesSheet}},
		{"Parameters", "Parameters", []string{"Parameters", "Parameters (2)"}},
	} {
		w, err := NewTable(core.TableOptions{Location: moscow, NotesSheet: tc.notes})
		if err != nil {
			t.Fatal(err)
		}
		h := core.TableHead{Sheet: tc.table, Columns: []string{"No."}, Kinds: []core.ColumnKind{core.ColInt},
			Notes: []string{"Deals", "No filters"}}
		if err := w.Table(h); err != nil {
			t.Fatal(err)
		}
		b, err := w.Close()
		if err != nil {
			t.Fatal(err)
		}
		f := open(t, b, false)
		if got := f.GetSheetList(); !slices.Equal(got, tc.want) {
			t.Errorf("%q: sheets %q, want %q", tc.notes, got, tc.want)
		}
		if rows, _ := f.GetRows(tc.want[1]); len(rows) < 3 || rows[0][0] != tc.table || rows[2][0] != "No filters" {
			t.Errorf("%q: notes %q", tc.notes, rows)
		}
	}
}
