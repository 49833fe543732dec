package policy

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/styrke-iam/styrke/policy/internal/unicodetables"
)

// TestFoldEveryCodePoint: Fold agrees with slowFold (x/text) for every code
// point on its own.
func TestFoldEveryCodePoint(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		b1, f1 := foldBoth(s)
		b2, f2 := slowFold(s)
		if b1 != b2 || f1 != f2 {
			require.Equal(t, [2]string{b2, f2}, [2]string{b1, f1}, "Fold(U+%04X)", r)
		}
	}
}

// TestFoldRandomStrings: Fold agrees with slowFold (x/text) on 200,000
// random strings of up to 24 code points (unicodetables.RandomString).
func TestFoldRandomStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range 200000 {
		s := unicodetables.RandomString(rng, 1+rng.IntN(24))
		b1, f1 := foldBoth(s)
		b2, f2 := slowFold(s)
		if b1 != b2 || f1 != f2 {
			require.Equal(t, [2]string{b2, f2}, [2]string{b1, f1}, "vector %d %+q", i, s)
		}
	}
}

// maxMarkRun is the longest run of code points with a non-zero combining
// class in s after decomposition (each code point's by x/text: of the whole
// string, x/text would break the runs at 30 with U+034F).
func maxMarkRun(s string) int {
	best, run := 0, 0
	for _, r := range s {
		for _, d := range norm.NFKD.String(string(r)) {
			if norm.NFC.PropertiesString(string(d)).CCC() != 0 {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
	}
	return best
}

// BenchmarkFoldUnicode: Fold on 64 code points that leave the Latin-1 fast
// path (Greek, Cyrillic, combining marks, fullwidth, ligatures), against
// x/text doing the same (slowFold), which Fold replaced.
func BenchmarkFoldUnicode(b *testing.B) {
	s := string([]rune(strings.Repeat("ΣίσυφοςЖукa\u0301ＦＵＬＬﬃß", 5))[:64])
	b.Run("own", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			foldSink = Fold(s)
		}
	})
	b.Run("x-text", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, foldSink = slowFold(s)
		}
	})
}
