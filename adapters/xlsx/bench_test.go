package xlsx

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dealdesk/dealdesk/core"
)

// The target: 100,000 deals to XLSX under 3 s and under 100 MB
// peak memory. BenchmarkWriter writes 100,000 rows of 20 columns (a deals
// export's mix of text, money, dates and numbers) through the Writer;
// BenchmarkBareStreamWriter writes the same cells, made beforehand in
// excelize's terms, with excelize's StreamWriter alone: the ceiling the
// Writer can reach. Both report the
// peak of the heap's live objects and of the memory the Go runtime holds
// from the system (what the process's RSS follows), sampled every
// millisecond, and the file's size:
//
//	go test -run '^$' -bench . -benchmem ./adapters/xlsx/
//
// The peaks are of the whole run: with -benchtime 1x they are one file's.

const benchRows = 100_000

var benchHead = core.TableHead{
	Sheet: "Сделки",
	Columns: []string{"ID", "Номер", "Клиент", "ИНН", "Название", "Стадия", "Менеджер", "Сумма", "Оплачено", "НДС",
		"Создана", "Подписание", "Оплата", "Окончание", "Изменена", "Дней в работе", "Задач", "Часов в среднем",
		"Комментарий", "Статус"},
	Kinds: []core.ColumnKind{core.ColInt, core.ColText, core.ColText, core.ColText, core.ColText, core.ColText,
		core.ColText, core.ColMoney, core.ColMoney, core.ColMoney, core.ColDateTime, core.ColDate, core.ColDate,
		core.ColDate, core.ColDateTime, core.ColInt, core.ColInt, core.ColNumber, core.ColText, core.ColText},
	Notes: []string{"Выгрузка: сделки", "Строк: 100000"},
}

// benchPool is 1,000 distinct rows; the benchmarks cycle through them so
// that making the values costs nothing in the measurement.
var benchPool = sync.OnceValue(func() [][]core.Value {
	stages := []string{"Новая", "Проверка", "Документы", "Согласование", "Подписание", "Действует"}
	managers := []string{"Иванова Мария", "Петров Сергей", "Сидоров Алексей", "Кузнецова Анна"}
	base := time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC)
	pool := make([][]core.Value, 1000)
	for i := range pool {
		at := base.Add(time.Duration(i) * 7 * time.Hour)
		pool[i] = []core.Value{
			{N: int64(i + 1)}, {S: fmt.Sprintf("D-2026-%04d", i+1)}, {S: fmt.Sprintf("ООО «Ромашка и партнёры %d»", i)},
			{S: "7707083893"}, {S: fmt.Sprintf("Поставка оборудования, этап %d", i%7+1)}, {S: stages[i%len(stages)]},
			{S: managers[i%len(managers)]}, {N: int64(i)*123457 + 150000000}, {N: int64(i) * 5000}, {N: int64(i) * 2000},
			{T: at}, {T: at.AddDate(0, 1, 0)}, {T: at.AddDate(0, 2, 0)}, {T: at.AddDate(1, 0, 0)}, {T: at.Add(time.Hour)},
			{N: int64(i % 90)}, {N: int64(i % 12)}, {F: float64(i%100) / 7}, {S: "Клиент просит перенести подписание на следующую неделю"},
			{S: "открыта"},
		}
		if i%5 == 0 {
			pool[i][13] = core.Value{Blank: true}
		}
	}
	return pool
})

func BenchmarkWriter(b *testing.B) {
	pool := benchPool()
	loc := mustZone("Europe/Moscow")
	var size int
	peak := watchPeak(b)
	for b.Loop() {
		w, err := NewTable(core.TableOptions{Location: loc})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Table(benchHead); err != nil {
			b.Fatal(err)
		}
		for i := range benchRows {
			if err := w.Row(pool[i%len(pool)]); err != nil {
				b.Fatal(err)
			}
		}
		out, err := w.Close()
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	peak.report(b)
	b.ReportMetric(float64(size)/1e6, "file-MB")
}

func BenchmarkBareStreamWriter(b *testing.B) {
	// As excelize writes by default, and with the fast deflate the
	// Writer uses.
	b.Run("default-deflate", func(b *testing.B) { benchBare(b, false) })
	b.Run("fast-deflate", func(b *testing.B) { benchBare(b, true) })
}

func benchBare(b *testing.B, fast bool) {
	src := benchPool()
	loc := mustZone("Europe/Moscow")
	var size int
	peak := watchPeak(b)
	for b.Loop() {
		f := excelize.NewFile()
		if fast {
			f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
				zw := zip.NewWriter(w)
				zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
					return flate.NewWriter(out, flate.BestSpeed)
				})
				return zw
			})
		}
		ids := map[core.ColumnKind]int{}
		for k, code := range map[core.ColumnKind]string{core.ColInt: FormatInt, core.ColMoney: FormatMoney,
			core.ColDate: FormatDate, core.ColDateTime: FormatDateTime, core.ColNumber: FormatNumber} {
			ids[k], _ = f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		}
		// The same cells, already in excelize's terms.
		pool := make([][]any, len(src))
		for i, r := range src {
			pool[i] = make([]any, len(r))
			for c, v := range r {
				k := benchHead.Kinds[c]
				var val any
				switch {
				case v.Blank:
				case k == core.ColInt:
					val = v.N
				case k == core.ColMoney:
					val = float64(v.N) / 100
				case k == core.ColNumber:
					val = v.F
				case k == core.ColDate || k == core.ColDateTime:
					val, _ = Serial(v.T, loc, k == core.ColDate)
				default:
					val = v.S
				}
				pool[i][c] = excelize.Cell{StyleID: ids[k], Value: val}
			}
		}
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		head := make([]any, len(benchHead.Columns))
		for i, c := range benchHead.Columns {
			head[i] = c
		}
		if err := sw.SetRow("A1", head); err != nil {
			b.Fatal(err)
		}
		for i := range benchRows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, pool[i%len(pool)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
		_ = f.Close()
	}
	peak.report(b)
	b.ReportMetric(float64(size)/1e6, "file-MB")
}

// peak samples the runtime's memory every millisecond while a benchmark
// runs.
type peak struct {
	stop         chan struct{}
	done         chan struct{}
	heap, system uint64
}

func watchPeak(b *testing.B) *peak {
	b.Helper()
	runtime.GC()
	p := &peak{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"}}
	go func() {
		defer close(p.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			p.heap = max(p.heap, samples[0].Value.Uint64())
			p.system = max(p.system, samples[1].Value.Uint64()-samples[2].Value.Uint64())
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peak) report(b *testing.B) {
	close(p.stop)
	<-p.done
	b.ReportMetric(float64(p.heap)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(p.system)/1e6, "peak-sys-MB")
}
