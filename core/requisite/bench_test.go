package requisite_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// BenchmarkCardCheck runs the full validation of a typical card: INN, KPP,
// OGRN, BIK, р/с and к/с with the BIK.
func BenchmarkCardCheck(b *testing.B) {
	c := cards[0].want
	b.ReportAllocs()
	for b.Loop() {
		if c.Check() != nil {
			b.Fatal("problems on a clean card")
		}
	}
}

// BenchmarkCardCheckProblems validates a card with several problems.
func BenchmarkCardCheckProblems(b *testing.B) {
	c := cards[len(cards)-1].want
	b.ReportAllocs()
	for b.Loop() {
		if c.Check() == nil {
			b.Fatal("no problems")
		}
	}
}

// BenchmarkParseCard reads the 12-line Sberbank card.
func BenchmarkParseCard(b *testing.B) {
	text := cards[0].text
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		requisite.ParseCard(text)
	}
}
