package csv

import (
	"bytes"
	stdcsv "encoding/csv"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// The target: 100,000 deals to CSV under 1 s. BenchmarkWriter
// writes 100,000 rows of 20 columns (a deals export's mix of text, money,
// dates and numbers) through the Writer; BenchmarkBareEncodingCSV writes
// the same fields, made beforehand as strings, with encoding/csv alone:
// the ceiling. Both report the peak of the heap's live objects and of the
// memory the Go runtime holds from the system, sampled every
// millisecond, and the file's size:
//
//	go test -run '^$' -bench . -benchmem ./adapters/csv/
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

// benchPool is 1,000 distinct rows (the same as adapters/xlsx's); the
// benchmarks cycle through them.
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

func BenchmarkBareEncodingCSV(b *testing.B) {
	src := benchPool()
	loc := mustZone("Europe/Moscow")
	// The same fields as strings, made once.
	w, _ := New(core.TableOptions{Location: loc})
	pool := make([][]string, len(src))
	for i, r := range src {
		pool[i] = make([]string, len(r))
		for c, v := range r {
			pool[i][c] = w.field(benchHead.Kinds[c], v)
		}
	}
	var size int
	peak := watchPeak(b)
	for b.Loop() {
		var buf bytes.Buffer
		buf.WriteString(BOM)
		cw := stdcsv.NewWriter(&buf)
		cw.Comma, cw.UseCRLF = ';', true
		if err := cw.Write(benchHead.Columns); err != nil {
			b.Fatal(err)
		}
		for i := range benchRows {
			if err := cw.Write(pool[i%len(pool)]); err != nil {
				b.Fatal(err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
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
