package docx

import (
	"strconv"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// BenchmarkFillContract fills the built-in five-page services contract with
// a client's requisites (issue 9: under 20 ms).
func BenchmarkFillContract(b *testing.B) {
	docx := Builtin()[core.DocContract]
	v := sampleValues()
	b.SetBytes(int64(len(docx)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Engine{}).Fill(docx, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspectContract checks the contract as when an admin adds it
// (with the strict encoding/xml pass).
func BenchmarkInspectContract(b *testing.B) {
	docx := Builtin()[core.DocContract]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Engine{}).Inspect(docx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFillInvoice100Lines fills the invoice with a hundred lines.
func BenchmarkFillInvoice100Lines(b *testing.B) {
	docx := Builtin()[core.DocInvoice]
	v := sampleValues()
	item := v.Lists["items"][0]
	var lines []map[string]string
	for i := range 100 {
		l := map[string]string{}
		for k, s := range item {
			l[k] = s
		}
		l["items.n"] = strconv.Itoa(i + 1)
		lines = append(lines, l)
	}
	v.Lists = map[string][]map[string]string{"items": lines}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Engine{}).Fill(docx, v); err != nil {
			b.Fatal(err)
		}
	}
}
