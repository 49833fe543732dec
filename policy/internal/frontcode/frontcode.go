// Package frontcode stores a sorted list of lines compactly: each line is
// written as one marker byte, the number of bytes (at most 9) it shares
// with the line before, followed by the rest of the line, with no line
// end: the next marker ends it. The markers are the bytes 0x00-0x09, which
// no line may hold (the lists are folded passwords and words, which hold no
// control characters). The policy package keeps its common-password list
// and the guess estimator its dictionaries this way: brotli packs the
// estimator's lists front-coded 12% tighter than plain, and with the marker
// in place of a digit and a line end 2% tighter again, 1.0-1.4 KB of the
// module (BENCHMARKS.md, the meter's bytes).
package frontcode

import (
	"errors"
	"strings"
)

// maxShared is the most bytes a line can take from the line before; a
// marker is the byte 0x00 + the shared count.
const maxShared = 9

// Encode front-codes text, a sequence of lines each ending in "\n" (a
// last line without one is given one). A line that holds a marker byte
// (0x00-0x09) is an error that names its number.
func Encode(text string) (string, error) {
	var b strings.Builder
	prev := ""
	no := 0
	for line := range strings.Lines(text) {
		no++
		line = strings.TrimSuffix(line, "\n")
		if strings.IndexFunc(line, func(r rune) bool { return r <= maxShared }) >= 0 {
			return "", errors.New("frontcode: line " + decimal(no) + " holds a control byte 0x00-0x09")
		}
		n := 0
		for n < maxShared && n < len(prev) && n < len(line) && prev[n] == line[n] {
			n++
		}
		b.WriteByte(byte(n))
		b.WriteString(line[n:])
		prev = line
	}
	return b.String(), nil
}

// ErrCorrupt is returned by Decode for text that Encode did not write.
var ErrCorrupt = errors.New("frontcode: corrupt text")

// Decode reverses Encode, giving each line its "\n" back. size, the decoded
// length, is a capacity hint.
func Decode(coded string, size int) (string, error) {
	buf := make([]byte, 0, size)
	prevStart, prevLen := 0, 0 // the last decoded line: where it starts in buf, its length without "\n"
	for len(coded) > 0 {
		n := int(coded[0])
		if n > maxShared || n > prevLen {
			return "", ErrCorrupt
		}
		end := lineEnd(coded)
		start := len(buf)
		buf = append(buf, buf[prevStart:prevStart+n]...)
		buf = append(buf, coded[1:end]...)
		buf = append(buf, '\n')
		prevStart, prevLen = start, len(buf)-start-1
		coded = coded[end:]
	}
	return string(buf), nil
}

// lineEnd returns where the line coded starts with ends: at the next
// marker, or at the end.
func lineEnd(coded string) int {
	end := 1
	for end < len(coded) && coded[end] > maxShared {
		end++
	}
	return end
}

// Entries splits coded, as Encode wrote it, into its lines' codes, each
// starting with its marker: what the generators lay out a few to a line of
// Go source, so that a list's diff shows the entries that changed.
func Entries(coded string) []string {
	var entries []string
	for len(coded) > 0 {
		end := lineEnd(coded)
		entries = append(entries, coded[:end])
		coded = coded[end:]
	}
	return entries
}

// decimal writes n >= 0 in digits; strconv is not linked into the guess
// package (policy/guess's TestWasmDependencies).
func decimal(n int) string {
	b := []byte{byte('0' + n%10)}
	for n /= 10; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
