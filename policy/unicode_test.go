package policy

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/styrke-iam/styrke/policy/internal/unicodetables"
)

// TestUnicodeTablesAreCurrent: unicode_tables.go is what genunicode writes
// from the x/text in go.mod (after an x/text upgrade: go generate ./policy).
func TestUnicodeTablesAreCurrent(t *testing.T) {
	want, err := unicodetables.Generate()
	require.NoError(t, err)
	got, err := os.ReadFile("unicode_tables.go")
	require.NoError(t, err)
	assert.True(t, string(want) == string(got), "unicode_tables.go is stale: run go generate ./policy")
	assert.Equal(t, norm.Version, unicodeVersion)
}

// TestUnicodeEveryCodePoint: nfkc agrees with x/text, caseFold with
// refCaseFold (x/text's but for Cherokee, the lookalikes and the
// default-ignorables), Fold with slowFold, and the generator's
// default-ignorable property with DerivedCoreProperties.txt, for every code
// point on its own.
func TestUnicodeEveryCodePoint(t *testing.T) {
	folder := cases.Fold()
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		if got, want := nfkc(s), norm.NFKC.String(s); got != want {
			require.Equal(t, want, got, "nfkc(U+%04X)", r)
		}
		if got, want := caseFold(s), refCaseFold(s); got != want {
			require.Equal(t, want, got, "caseFold(U+%04X), x/text gives %+q", r, folder.String(s))
		}
		if got, want := unicodetables.DefaultIgnorable(r), ucdIgnorable(r); got != want {
			require.Equal(t, want, got, "DefaultIgnorable(U+%04X)", r)
		}
		b1, f1 := foldBoth(s)
		b2, f2 := slowFold(s)
		if b1 != b2 || f1 != f2 {
			require.Equal(t, [2]string{b2, f2}, [2]string{b1, f1}, "Fold(U+%04X)", r)
		}
	}
}

// unicodeAlphabets are the ranges random strings are drawn from: the scripts
// people type, and every kind of code point that normalisation and case
// folding treat specially.
var unicodeAlphabets = [][2]rune{
	{0x20, 0x7E},       // ASCII
	{0xA0, 0x24F},      // Latin-1, Latin Extended-A/B
	{0x300, 0x36F},     // combining diacritics
	{0x370, 0x3FF},     // Greek (final sigma, tonos)
	{0x400, 0x4FF},     // Cyrillic
	{0x591, 0x5C7},     // Hebrew points (many classes)
	{0x610, 0x65F},     // Arabic marks
	{0x900, 0x97F},     // Devanagari (nukta compositions, exclusions)
	{0x9BC, 0x9D7},     // Bengali two-part vowels
	{0xB3C, 0xB57},     // Oriya
	{0xF71, 0xF84},     // Tibetan (ccc 129/130/132, decomposing marks)
	{0x1100, 0x11FF},   // Hangul jamo
	{0x1E00, 0x1EFF},   // Latin Extended Additional (Vietnamese)
	{0x1F00, 0x1FFF},   // Greek Extended (iota subscript, U+0345)
	{0x2000, 0x2BFF},   // punctuation, letterlike (K, Å signs), numbers, arrows
	{0x3000, 0x33FF},   // CJK symbols, kana (dakuten), compatibility jamo, squared
	{0xAC00, 0xD7A3},   // Hangul syllables
	{0xF900, 0xFAFF},   // CJK compatibility ideographs (singletons)
	{0xFB00, 0xFDFF},   // ligatures, Arabic presentation forms
	{0xFE00, 0xFFEF},   // variation selectors, small and fullwidth forms
	{0x1D400, 0x1D7FF}, // mathematical alphanumerics
	{0x10400, 0x1044F}, // Deseret (case folding outside the BMP)
	{0x1F100, 0x1F2FF}, // enclosed alphanumerics
	{0x13A0, 0x13FF},   // Cherokee capitals and some small letters
	{0xAB70, 0xABBF},   // Cherokee small letters
	{0x1800, 0x180F},   // Mongolian free variation selectors (default-ignorable)
	{0xE0000, 0xE01EF}, // tags and variation selectors supplement (default-ignorable)
}

func randomUnicode(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		a := unicodeAlphabets[rng.IntN(len(unicodeAlphabets))]
		if rng.IntN(3) == 0 {
			a = unicodeAlphabets[2] // more combining marks than chance would give
		}
		b.WriteRune(a[0] + rune(rng.IntN(int(a[1]-a[0]+1))))
	}
	return b.String()
}

// TestUnicodeRandomStrings: Fold agrees with x/text on 200,000 random strings
// of up to 24 code points drawn from the alphabets above (composition,
// reordering, blocking and Hangul across code points), and on every base
// letter followed by every pair of combining diacritics in both orders.
func TestUnicodeRandomStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range 200000 {
		s := randomUnicode(rng, 1+rng.IntN(24))
		b1, f1 := foldBoth(s)
		b2, f2 := slowFold(s)
		if b1 != b2 || f1 != f2 {
			require.Equal(t, [2]string{b2, f2}, [2]string{b1, f1}, "vector %d %+q", i, s)
		}
	}
	for _, base := range "aeiouyAEIOUYnNcCsSzZgGkKwWrR\u03b1\u03c9\u0391\u0415\u0438" {
		for m1 := rune(0x300); m1 <= 0x36F; m1++ {
			for _, m2 := range []rune{0x301, 0x308, 0x323, 0x328, 0x345, 0x31B} {
				s := string([]rune{base, m1, m2})
				if got, want := nfkc(s), norm.NFKC.String(s); got != want {
					require.Equal(t, want, got, "%+q", s)
				}
				s = string([]rune{base, m2, m1})
				if got, want := nfkc(s), norm.NFKC.String(s); got != want {
					require.Equal(t, want, got, "%+q", s)
				}
			}
		}
	}
}

// TestUnicodeLongMarkRuns: runs of up to 30 combining marks agree with x/text;
// past 30, x/text inserts U+034F (the stream-safe format) and nfkc does not.
func TestUnicodeLongMarkRuns(t *testing.T) {
	s := "a" + strings.Repeat("\u0316\u0301", 15)
	assert.Equal(t, norm.NFKC.String(s), nfkc(s))
	long := "a" + strings.Repeat("\u0301", 40)
	assert.Equal(t, strings.ReplaceAll(norm.NFKC.String(long), "\u034f", ""), nfkc(long))
}

// maxMarkRun is the longest run of code points with a non-zero combining
// class in s, after decomposition.
func maxMarkRun(s string) int {
	best, run := 0, 0
	var buf []rune
	for _, r := range s {
		buf = decompose(buf[:0], r)
		for _, d := range buf {
			if ccc(d) != 0 {
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

// TestUnpack: the table decoding reads LEB128 numbers of one to several
// bytes, adds up deltas only for sorted tables, and refuses leftover bytes.
func TestUnpack(t *testing.T) {
	assert.Equal(t, []uint32{5, 133, 16517}, unpack[uint32]("\x05\x80\x01\x80\x80\x01", 3, true))
	assert.Equal(t, []uint64{5, 128, 16384}, unpack[uint64]("\x05\x80\x01\x80\x80\x01", 3, false))
	assert.Equal(t, []uint16{}, unpack[uint16]("", 0, true))
	assert.Panics(t, func() { unpack[uint16]("\x01\x02", 1, true) })
}
