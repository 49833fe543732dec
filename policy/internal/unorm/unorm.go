// Package unorm is NFKC normalisation (UAX #15) and full Unicode case
// folding (CaseFolding.txt, statuses C and F) for policy.Fold, from the
// tables in tables.go, which policy/internal/genunicode derives from
// golang.org/x/text. Linking x/text itself would cost the WebAssembly
// module about 280 KB brotli. TestEveryCodePoint and TestRandomStrings hold
// both to x/text on every code point and on generated strings; policy's
// FuzzFold on anything else.
//
// Deliberate differences: x/text inserts U+034F COMBINING GRAPHEME JOINER
// into a run of more than 30 combining marks (the "stream-safe" format of
// UAX #15); NFKC does not, so the two differ only on such runs, which no
// language writes. CaseFold's table also drops the default-ignorable code
// points and maps the Cyrillic and Greek lookalikes to Latin (see policy.Fold),
// and folds Cherokee to its capitals as CaseFolding.txt does (x/text also
// folds the capitals to the small letters, so its folding flips).
package unorm

//go:generate go run ../genunicode

import (
	"slices"
	"unicode/utf8"
)

// Hangul syllable arithmetic (Unicode §3.12).
const (
	hangulSBase  = 0xAC00
	hangulLBase  = 0x1100
	hangulVBase  = 0x1161
	hangulTBase  = 0x11A7
	hangulLCount = 19
	hangulVCount = 21
	hangulTCount = 28
	hangulNCount = hangulVCount * hangulTCount
	hangulSCount = hangulLCount * hangulNCount
)

// searchU32 returns the index of x in the sorted keys, or -1.
func searchU32(keys []uint32, x uint32) int {
	if i, ok := slices.BinarySearch(keys, x); ok {
		return i
	}
	return -1
}

// ccc returns the canonical combining class of r.
func ccc(r rune) uint8 {
	if r < 0x300 {
		return 0
	}
	if i := searchU32(cccKeys[:], uint32(r)); i >= 0 {
		return cccVals[i]
	}
	return 0
}

// decompose appends the full compatibility decomposition of r to out.
func decompose(out []rune, r rune) []rune {
	if r < 0xA0 {
		return append(out, r)
	}
	if s := r - hangulSBase; s >= 0 && s < hangulSCount {
		out = append(out, hangulLBase+s/hangulNCount, hangulVBase+s%hangulNCount/hangulTCount)
		if t := s % hangulTCount; t != 0 {
			out = append(out, hangulTBase+t)
		}
		return out
	}
	i := searchU32(decompKeys[:], uint32(r))
	if i < 0 {
		return append(out, r)
	}
	for _, d := range decompData[decompOff[i]:decompOff[i+1]] {
		out = append(out, d)
	}
	return out
}

// compose returns the primary composite of a and b, if there is one.
func compose(a, b rune) (rune, bool) {
	if l := a - hangulLBase; l >= 0 && l < hangulLCount {
		if v := b - hangulVBase; v >= 0 && v < hangulVCount {
			return hangulSBase + (l*hangulVCount+v)*hangulTCount, true
		}
		return 0, false
	}
	if s := a - hangulSBase; s >= 0 && s < hangulSCount && s%hangulTCount == 0 {
		if t := b - hangulTBase; t > 0 && t < hangulTCount {
			return a + t, true
		}
		return 0, false
	}
	if i, ok := slices.BinarySearch(composePairs[:], uint64(a)<<21|uint64(b)); ok {
		return rune(composeVals[i]), true
	}
	return 0, false
}

// isNFKC is a quick check: true when no rune of s decomposes, is a
// combining mark or can compose with the rune before it, so that s is
// already in NFKC. It may say false for some strings that are.
func isNFKC(s string) bool {
	for _, r := range s {
		if r < 0xA0 {
			continue
		}
		if searchU32(decompKeys[:], uint32(r)) >= 0 ||
			ccc(r) != 0 || searchU32(composeSecondStarters[:], uint32(r)) >= 0 {
			return false
		}
	}
	return true
}

// NFKC returns the NFKC form of s, which must be valid UTF-8.
func NFKC(s string) string {
	if isNFKC(s) {
		return s
	}
	buf := make([]rune, 0, len(s)+8)
	for _, r := range s {
		buf = decompose(buf, r)
	}
	// The class of each rune, looked up once.
	cls := make([]uint8, len(buf))
	for i, r := range buf {
		cls[i] = ccc(r)
	}
	// Canonical ordering: a stable sort of each run of combining marks by
	// class (runs are short; insertion sort).
	for i := 1; i < len(buf); i++ {
		c := cls[i]
		if c == 0 {
			continue
		}
		for j := i; j > 0 && cls[j-1] > c; j-- {
			buf[j], buf[j-1] = buf[j-1], buf[j]
			cls[j], cls[j-1] = cls[j-1], cls[j]
		}
	}
	// Canonical composition.
	if len(buf) > 1 {
		starter := -1
		if cls[0] == 0 {
			starter = 0
		}
		last := -1 // class of the last rune kept after the starter; -1: none
		w := 1
		for k, r := range buf[1:] {
			c := int(cls[k+1])
			if starter >= 0 && (last == -1 || (last != 0 && last < c)) {
				if comp, ok := compose(buf[starter], r); ok {
					buf[starter] = comp
					continue
				}
			}
			if c == 0 {
				starter = w
				last = -1
			} else {
				last = c
			}
			buf[w] = r
			w++
		}
		buf = buf[:w]
	}
	return string(buf)
}

// CaseFold returns the full case folding of s, which must be valid UTF-8,
// without its default-ignorable code points and with the Cyrillic and
// Greek lookalikes mapped to Latin (one table: see
// policy/internal/unicodetables). It allocates only for a string of more
// than one code point that folding changes.
func CaseFold(s string) string {
	k, n := -1, 0
	for _, r := range s {
		n = utf8.RuneLen(r)
		if k = searchU32(foldKeys[:], uint32(r)); k >= 0 {
			break
		}
	}
	if k < 0 {
		return s // nothing to fold
	}
	if n == len(s) {
		return foldData[foldOff[k]:foldOff[k+1]] // one code point: the table's own bytes
	}
	out := make([]byte, 0, len(s)+8)
	for _, r := range s {
		if i := searchU32(foldKeys[:], uint32(r)); i >= 0 {
			out = append(out, foldData[foldOff[i]:foldOff[i+1]]...)
		} else {
			out = utf8.AppendRune(out, r)
		}
	}
	return string(out)
}

// unpack decodes the n numbers of a table in tables.go, written by
// genunicode as unsigned LEB128, each the difference from the one before
// when the table is sorted. Each table is decoded once, at start-up: about
// 17,000 numbers in all, 60 µs natively on the bench machine, for 15 KB less
// of WebAssembly on the wire.
func unpack[T uint16 | uint32 | uint64](s string, n int, sorted bool) []T {
	out := make([]T, n)
	var prev uint64
	j := 0
	for i := range out {
		var x uint64
		for shift := uint(0); ; shift += 7 {
			c := s[j]
			j++
			x |= uint64(c&0x7f) << shift
			if c < 0x80 {
				break
			}
		}
		if sorted {
			x += prev
			prev = x
		}
		out[i] = T(x)
	}
	if j != len(s) {
		panic("unorm: table holds more than its count") // generated: TestUnicodeTablesAreCurrent
	}
	return out
}
