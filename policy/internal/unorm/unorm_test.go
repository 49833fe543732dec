package unorm

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

// TestTablesAreCurrent: tables.go is what genunicode writes from the x/text
// in go.mod (after an x/text upgrade: go generate ./policy/internal/unorm).
func TestTablesAreCurrent(t *testing.T) {
	want, err := unicodetables.Generate()
	require.NoError(t, err)
	got, err := os.ReadFile("tables.go")
	require.NoError(t, err)
	assert.True(t, string(want) == string(got), "tables.go is stale: run go generate ./policy/internal/unorm")
	assert.Equal(t, norm.Version, unicodeVersion)
}

// TestEveryCodePoint: NFKC agrees with x/text, CaseFold with
// unicodetables.RefCaseFold (x/text's but for Cherokee, the lookalikes and
// the default-ignorables), and the generator's default-ignorable property
// with DerivedCoreProperties.txt, for every code point on its own.
func TestEveryCodePoint(t *testing.T) {
	folder := cases.Fold()
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		if got, want := NFKC(s), norm.NFKC.String(s); got != want {
			require.Equal(t, want, got, "NFKC(U+%04X)", r)
		}
		if got, want := CaseFold(s), unicodetables.RefCaseFold(s); got != want {
			require.Equal(t, want, got, "CaseFold(U+%04X), x/text gives %+q", r, folder.String(s))
		}
		if got, want := unicodetables.DefaultIgnorable(r), unicodetables.UCDIgnorable(r); got != want {
			require.Equal(t, want, got, "DefaultIgnorable(U+%04X)", r)
		}
	}
}

// TestRandomStrings: NFKC and CaseFold agree with x/text (and RefCaseFold)
// on 200,000 random strings of up to 24 code points (composition,
// reordering, blocking and Hangul across code points), and NFKC on every
// base letter followed by every pair of combining diacritics in both orders.
func TestRandomStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range 200000 {
		s := unicodetables.RandomString(rng, 1+rng.IntN(24))
		if got, want := NFKC(s), norm.NFKC.String(s); got != want {
			require.Equal(t, want, got, "NFKC of vector %d %+q", i, s)
		}
		if got, want := CaseFold(s), unicodetables.RefCaseFold(s); got != want {
			require.Equal(t, want, got, "CaseFold of vector %d %+q", i, s)
		}
	}
	for _, base := range "aeiouyAEIOUYnNcCsSzZgGkKwWrR\u03b1\u03c9\u0391\u0415\u0438" {
		for m1 := rune(0x300); m1 <= 0x36F; m1++ {
			for _, m2 := range []rune{0x301, 0x308, 0x323, 0x328, 0x345, 0x31B} {
				s := string([]rune{base, m1, m2})
				if got, want := NFKC(s), norm.NFKC.String(s); got != want {
					require.Equal(t, want, got, "%+q", s)
				}
				s = string([]rune{base, m2, m1})
				if got, want := NFKC(s), norm.NFKC.String(s); got != want {
					require.Equal(t, want, got, "%+q", s)
				}
			}
		}
	}
}

// TestLongMarkRuns: runs of up to 30 combining marks agree with x/text;
// past 30, x/text inserts U+034F (the stream-safe format) and NFKC does not.
func TestLongMarkRuns(t *testing.T) {
	s := "a" + strings.Repeat("\u0316\u0301", 15)
	assert.Equal(t, norm.NFKC.String(s), NFKC(s))
	long := "a" + strings.Repeat("\u0301", 40)
	assert.Equal(t, strings.ReplaceAll(norm.NFKC.String(long), "\u034f", ""), NFKC(long))
}

var sink string

// BenchmarkNFKC: NFKC of 64 code points that are not NFKC already (Greek,
// Cyrillic, combining marks, fullwidth, ligatures), against x/text.
func BenchmarkNFKC(b *testing.B) {
	s := string([]rune(strings.Repeat("ΣίσυφοςЖукa\u0301ＦＵＬＬﬃß", 5))[:64])
	b.Run("own", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = NFKC(s)
		}
	})
	b.Run("x-text", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = norm.NFKC.String(s)
		}
	})
}

// TestCaseFoldAllocations: folding one code point allocates nothing (the
// estimator folds a password one code point at a time, in every keystroke).
func TestCaseFoldAllocations(t *testing.T) {
	n := 0
	for _, r := range []rune{'a', 'Æ', 'Ø', 'Å', 'ß', '\u041e', '\u200b', 'Ꭲ'} {
		// The result is only measured, as the estimator only decodes it:
		// stored, string(r) would escape to the heap.
		assert.Zero(t, testing.AllocsPerRun(100, func() { n += len(CaseFold(string(r))) }), "%+q", r)
	}
	assert.Positive(t, n)
}

// TestUnpack: the table decoding reads LEB128 numbers of one to several
// bytes, adds up deltas only for sorted tables, and refuses leftover bytes.
func TestUnpack(t *testing.T) {
	assert.Equal(t, []uint32{5, 133, 16517}, unpack[uint32]("\x05\x80\x01\x80\x80\x01", 3, true))
	assert.Equal(t, []uint64{5, 128, 16384}, unpack[uint64]("\x05\x80\x01\x80\x80\x01", 3, false))
	assert.Equal(t, []uint16{}, unpack[uint16]("", 0, true))
	assert.Panics(t, func() { unpack[uint16]("\x01\x02", 1, true) })
}
