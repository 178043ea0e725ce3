package bolt_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/storage/bolt"
)

func TestContains(t *testing.T) {
	for _, tt := range []struct{ s, q string }{
		{"", ""}, {"ооо ромашка", ""}, {"", "а"}, {"ооо ромашка", "ромашка"}, {"ооо ромашка", "ооо"},
		{"ооо ромашка", "ромашки"}, {"ромашка", "ооо ромашка"}, {"ааб", "аб"}, {"ab", "b"}, {"ab", "a"},
		{"ab", "ab"}, {"ab", "abc"}, {"ооо «вектор-12»", "-12"}, {"   ", " "}, {"ооо вектор", "р"},
		{"ооо вектор", "о в"}, {"x", "x"}, {"ёлка", "ёл"}, {"ело", "ёл"},
	} {
		if got, want := bolt.Contains(tt.s, tt.q), strings.Contains(tt.s, tt.q); got != want {
			t.Errorf("Contains(%q, %q) = %t, want %t", tt.s, tt.q, got, want)
		}
	}
}

func TestContains_Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("аборт -1ёa")
	word := func(n int) string {
		r := make([]rune, n)
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	for range 20_000 {
		s, q := word(rng.IntN(12)), word(rng.IntN(4))
		if got, want := bolt.Contains(s, q), strings.Contains(s, q); got != want {
			t.Fatalf("Contains(%q, %q) = %t, want %t", s, q, got, want)
		}
	}
}

func FuzzContains(f *testing.F) {
	f.Add("ооо ромашка", "машк")
	f.Add("ab", "b")
	f.Fuzz(func(t *testing.T, s, q string) {
		if got, want := bolt.Contains(s, q), strings.Contains(s, q); got != want {
			t.Fatalf("Contains(%q, %q) = %t, want %t", s, q, got, want)
		}
	})
}
