// Package xlsx writes DealDesk's exports and reports as Excel workbooks
// (core.TableWriter) with excelize's StreamWriter: one sheet per table, a
// bold frozen header with an autofilter over the data, column widths,
// money as rubles with a ruble format, dates and times as real dates in
// the reader's time zone. Rows go to the sheet as they come (excelize
// keeps at most a chunk of the sheet in memory and the rest in a temp
// file), so memory does not grow with the number of rows.
package xlsx

import (
	"archive/zip"
	"cmp"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/dealdesk/dealdesk/core"
)

// NotesSheet is the default name of the last sheet, where the tables'
// notes (the report, its filters, who made it and when) are written;
// core.TableOptions.NotesSheet names it in the reader's language.
const NotesSheet = "Параметры"

// Number formats of the column kinds. The codes are stored in the file in
// Excel's invariant notation; Excel shows them with the reader's
// separators («1 234,50 ₽» in Russian Excel).
const (
	FormatMoney    = `#,##0.00 "₽"`
	FormatDate     = "dd.mm.yyyy"
	FormatDateTime = "dd.mm.yyyy hh:mm"
	FormatInt      = "0"
	FormatNumber   = "0.00"
)

// maxSheetName is Excel's limit on a sheet's name, in characters.
const maxSheetName = 31

// NewTable starts an XLSX file: a core.TableWriter whose Close returns the
// workbook's bytes. A nil Location writes dates in UTC.
func NewTable(o core.TableOptions) (core.TableWriter, error) { return New(o) }

// New is NewTable with the concrete type.
func New(o core.TableOptions) (*Writer, error) {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	f := excelize.NewFile()
	notes := strings.TrimSpace(o.NotesSheet)
	if notes == "" {
		notes = NotesSheet
	}
	w := &Writer{f: f, loc: loc, used: map[string]bool{}, notesSheet: notes}
	// The package goes to a temp file rather than to excelize's growing
	// buffer, and is read back at its exact size: the file is in memory
	// once, not twice while the buffer doubles. The sheets are mostly
	// repeated XML: the fastest deflate level compresses them nearly as
	// well as the default one, several times faster.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(&w.out)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	if err := w.newStyles(); err != nil {
		_ = f.Close()
		return nil, err
	}
	return w, nil
}

// Writer is an XLSX file being written. It is not safe for concurrent use.
type Writer struct {
	f          *excelize.File
	loc        *time.Location
	notesSheet string          // the notes sheet's name
	used       map[string]bool // sheet names taken, folded to lower case
	header     int             // the header's style
	kind       [core.ColNumber + 1]int
	cur        *table
	sheets     int
	notes      []notes
	err        error // the first failure: every later call returns it
	closed     bool
	out        spool // the package as it is zipped
}

// table is the sheet being streamed.
type table struct {
	sw     *excelize.StreamWriter
	sheet  string
	kinds  []core.ColumnKind
	cells  []excelize.Cell // one per column, reused for every row
	row    []any           // pointers to cells, reused
	rows   int             // data rows written
	images int
}

// notes are one table's notes, for the notes sheet.
type notes struct {
	sheet string
	lines []string
}

func (w *Writer) newStyles() error {
	var err error
	w.header, err = w.f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
	})
	if err != nil {
		return err
	}
	formats := map[core.ColumnKind]string{
		core.ColInt: FormatInt, core.ColMoney: FormatMoney, core.ColDate: FormatDate,
		core.ColDateTime: FormatDateTime, core.ColNumber: FormatNumber,
	}
	for k, code := range formats {
		code := code
		if w.kind[k], err = w.f.NewStyle(&excelize.Style{CustomNumFmt: &code}); err != nil {
			return err
		}
	}
	return nil
}

// Table starts a sheet named h.Sheet (made a valid, unique sheet name)
// with its header.
func (w *Writer) Table(h core.TableHead) error {
	if err := w.usable(); err != nil {
		return err
	}
	if len(h.Columns) == 0 {
		return w.fail(errors.New("xlsx: a table without columns"))
	}
	if len(h.Kinds) != len(h.Columns) {
		return w.fail(fmt.Errorf("xlsx: table %q has %d columns and %d kinds", h.Sheet, len(h.Columns), len(h.Kinds)))
	}
	if len(h.Widths) > len(h.Columns) {
		return w.fail(fmt.Errorf("xlsx: table %q has %d columns and %d widths", h.Sheet, len(h.Columns), len(h.Widths)))
	}
	if err := w.finish(); err != nil {
		return err
	}
	name := SheetName(h.Sheet, w.used)
	w.used[strings.ToLower(name)] = true
	if w.sheets == 0 {
		if err := w.f.SetSheetName(w.f.GetSheetName(0), name); err != nil {
			return w.fail(err)
		}
	} else if _, err := w.f.NewSheet(name); err != nil {
		return w.fail(err)
	}
	w.sheets++
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return w.fail(err)
	}
	t := &table{sw: sw, sheet: name, kinds: append([]core.ColumnKind(nil), h.Kinds...),
		cells: make([]excelize.Cell, len(h.Columns)), row: make([]any, len(h.Columns))}
	for i := range h.Columns {
		var width float64
		if i < len(h.Widths) {
			width = h.Widths[i]
		}
		if width <= 0 {
			width = autoWidth(h.Kinds[i], h.Columns[i])
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return w.fail(err)
		}
		t.row[i] = &t.cells[i]
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return w.fail(err)
	}
	for i, c := range h.Columns {
		t.cells[i] = excelize.Cell{StyleID: w.header, Value: c}
	}
	if err := sw.SetRow("A1", t.row); err != nil {
		return w.fail(err)
	}
	w.cur = t
	if len(h.Notes) > 0 {
		w.notes = append(w.notes, notes{sheet: name, lines: append([]string(nil), h.Notes...)})
	}
	return nil
}

// Row writes a data row of the current sheet, one value per column.
func (w *Writer) Row(vals []core.Value) error {
	if err := w.usable(); err != nil {
		return err
	}
	t := w.cur
	if t == nil {
		return w.fail(errors.New("xlsx: a row before any table"))
	}
	if len(vals) != len(t.kinds) {
		return w.fail(fmt.Errorf("xlsx: a row of %d values in sheet %q of %d columns", len(vals), t.sheet, len(t.kinds)))
	}
	for i, v := range vals {
		c := &t.cells[i]
		c.StyleID, c.Value = w.cell(t.kinds[i], v)
	}
	t.rows++
	cell, err := excelize.CoordinatesToCellName(1, t.rows+1)
	if err != nil {
		return w.fail(err)
	}
	if err := t.sw.SetRow(cell, t.row); err != nil {
		return w.fail(err)
	}
	return nil
}

// cell is a value as excelize writes it, with its style.
func (w *Writer) cell(k core.ColumnKind, v core.Value) (int, any) {
	style := 0
	if int(k) < len(w.kind) {
		style = w.kind[k]
	}
	if v.Blank {
		return style, nil
	}
	switch k {
	case core.ColInt:
		return style, v.N
	case core.ColMoney:
		return style, Rubles(v.N)
	case core.ColNumber:
		return style, v.F
	case core.ColDate, core.ColDateTime:
		if v.T.IsZero() {
			return style, nil
		}
		serial, ok := Serial(v.T, w.loc, k == core.ColDate)
		if !ok { // before 1 March 1900, which Excel cannot show as a date
			layout := "02.01.2006"
			if k == core.ColDateTime {
				layout = "02.01.2006 15:04"
			}
			return 0, v.T.In(w.loc).Format(layout)
		}
		return style, serial
	default:
		if v.S == "" {
			return 0, nil
		}
		return 0, v.S
	}
}

// Image puts a PNG picture on the current sheet, to the right of the
// table's columns, at the top.
func (w *Writer) Image(name string, png []byte) error {
	if err := w.usable(); err != nil {
		return err
	}
	t := w.cur
	if t == nil {
		return w.fail(errors.New("xlsx: an image before any table"))
	}
	// Pictures of one table go one under another, 24 rows apart (a chart
	// of 800×450 pixels spans about 23 rows of the default height).
	cell, err := excelize.CoordinatesToCellName(len(t.kinds)+2, 2+24*t.images)
	if err != nil {
		return w.fail(err)
	}
	err = w.f.AddPictureFromBytes(t.sheet, cell, &excelize.Picture{
		Extension: ".png", File: png,
		Format: &excelize.GraphicOptions{AltText: name, Positioning: "oneCell"},
	})
	if err != nil {
		return w.fail(fmt.Errorf("xlsx: image %q: %w", name, err))
	}
	t.images++
	return nil
}

// Close finishes the last sheet, writes the notes sheet and returns the
// workbook. It removes excelize's temp files whatever happens; a Writer
// is done after it.
func (w *Writer) Close() ([]byte, error) {
	if w.closed {
		return nil, errors.New("xlsx: closed twice")
	}
	w.closed = true
	defer func() { _ = w.f.Close() }()
	if w.err != nil {
		return nil, w.err
	}
	if err := w.finish(); err != nil {
		return nil, err
	}
	if err := w.writeNotes(); err != nil {
		return nil, err
	}
	w.f.SetActiveSheet(0)
	defer w.out.close()
	if _, err := w.f.WriteToBuffer(); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	b, err := w.out.bytes()
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return b, nil
}

// spool is a temp file the workbook is zipped into.
type spool struct {
	f   *os.File
	err error
}

func (s *spool) Write(p []byte) (int, error) {
	if s.f == nil && s.err == nil {
		s.f, s.err = os.CreateTemp("", "dealdesk-xlsx-")
	}
	if s.err != nil {
		return 0, s.err
	}
	return s.f.Write(p)
}

// bytes reads the file back whole.
func (s *spool) bytes() ([]byte, error) {
	if s.err != nil || s.f == nil {
		return nil, cmp.Or(s.err, errors.New("nothing was written"))
	}
	st, err := s.f.Stat()
	if err != nil {
		return nil, err
	}
	b := make([]byte, st.Size())
	if _, err := s.f.ReadAt(b, 0); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *spool) close() {
	if s.f != nil {
		_ = s.f.Close()
		_ = os.Remove(s.f.Name())
	}
}

// finish ends the current sheet: the autofilter over the header and the
// rows written (known only now), then the end of the stream.
func (w *Writer) finish() error {
	t := w.cur
	if t == nil {
		return nil
	}
	w.cur = nil
	last, err := excelize.CoordinatesToCellName(len(t.kinds), t.rows+1)
	if err != nil {
		return w.fail(err)
	}
	// The stream writer and the file share the sheet's settings until the
	// stream is flushed: the filter set now is written by Flush.
	if err := w.f.AutoFilter(t.sheet, "A1:"+last, nil); err != nil {
		return w.fail(err)
	}
	if err := t.sw.Flush(); err != nil {
		return w.fail(err)
	}
	return nil
}

// writeNotes writes every table's notes on the last sheet: the sheet's
// name in bold, its notes under it, a blank row between tables.
func (w *Writer) writeNotes() error {
	if len(w.notes) == 0 {
		return nil
	}
	name := SheetName(w.notesSheet, w.used)
	w.used[strings.ToLower(name)] = true
	if w.sheets == 0 {
		if err := w.f.SetSheetName(w.f.GetSheetName(0), name); err != nil {
			return w.fail(err)
		}
	} else if _, err := w.f.NewSheet(name); err != nil {
		return w.fail(err)
	}
	bold, err := w.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return w.fail(err)
	}
	if err := w.f.SetColWidth(name, "A", "A", 100); err != nil {
		return w.fail(err)
	}
	row := 1
	for i, n := range w.notes {
		if i > 0 {
			row++
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := w.f.SetCellStr(name, cell, n.sheet); err != nil {
			return w.fail(err)
		}
		if err := w.f.SetCellStyle(name, cell, cell, bold); err != nil {
			return w.fail(err)
		}
		row++
		for _, line := range n.lines {
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := w.f.SetCellStr(name, cell, line); err != nil {
				return w.fail(err)
			}
			row++
		}
	}
	return nil
}

func (w *Writer) usable() error {
	if w.closed {
		return errors.New("xlsx: the file is closed")
	}
	return w.err
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// Rubles is an amount in kopecks as rubles.
func Rubles(kopecks int64) float64 { return float64(kopecks) / 100 }

// excelEpoch is day 0 of Excel's 1900 date system as counted after its
// fictitious 29 February 1900: serial 61 is 1 March 1900.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// Serial is a time as an Excel date serial of its wall clock in loc: whole
// days since 30 December 1899, plus the time of day as a fraction unless
// dateOnly. It is false before 1 March 1900, where Excel's serials are
// off by its leap-year bug.
func Serial(t time.Time, loc *time.Location, dateOnly bool) (float64, bool) {
	l := t.In(loc)
	y, m, d := l.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if day.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) {
		return 0, false
	}
	serial := float64(day.Sub(excelEpoch) / (24 * time.Hour))
	if !dateOnly {
		secs := l.Hour()*3600 + l.Minute()*60 + l.Second()
		serial += float64(secs) / 86400
	}
	return serial, true
}

// autoWidth is a column's width by its kind, wide enough for its header
// and the filter button.
func autoWidth(k core.ColumnKind, header string) float64 {
	width := map[core.ColumnKind]float64{core.ColText: 24, core.ColInt: 10, core.ColMoney: 18, core.ColDate: 12,
		core.ColDateTime: 17, core.ColNumber: 12}[k]
	if width == 0 {
		width = 24
	}
	if h := float64(utf8.RuneCountInString(header)) + 4; h > width {
		width = min(h, 60)
	}
	return width
}

// SheetName makes name a valid sheet name not among used (folded to lower
// case): Excel's forbidden characters []:*?/\ become "_", control
// characters and apostrophes at the ends go, the name is cut to 31
// characters, "History" (reserved by Excel) and an empty name are
// renamed, and a name taken gets " (2)", " (3)"… Excel compares sheet
// names without case.
func SheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			return '_'
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), "'")
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Лист"
	}
	if strings.EqualFold(name, "History") {
		name += "_"
	}
	base := cut(name, maxSheetName)
	name = base
	for n := 2; used[strings.ToLower(name)]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		name = strings.TrimRight(cut(base, maxSheetName-utf8.RuneCountInString(suffix)), " '") + suffix
	}
	return name
}

// cut is s cut to n runes.
func cut(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
