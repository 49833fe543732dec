// Package frontcode stores a sorted list of lines compactly: each line
// starts with one digit, the number of bytes (at most 9) it shares with the
// line before, followed by the rest of the line. The policy package keeps
// its common-password list this way: the WebAssembly module is 3.5 KB
// smaller with brotli than with the plain list (BENCHMARKS.md), and the
// encoded text stays printable and diffable.
package frontcode

import (
	"errors"
	"strings"
)

// maxShared is the most bytes a line can take from the line before.
const maxShared = 9

// Encode front-codes text, a sequence of lines each ending in "\n" (a
// last line without one is given one).
func Encode(text string) string {
	var b strings.Builder
	prev := ""
	for line := range strings.Lines(text) {
		if !strings.HasSuffix(line, "\n") {
			line += "\n"
		}
		n := 0
		for n < maxShared && n < len(prev) && n < len(line)-1 && prev[n] == line[n] {
			n++
		}
		b.WriteByte(byte('0' + n))
		b.WriteString(line[n:])
		prev = line
	}
	return b.String()
}

// ErrCorrupt is returned by Decode for text that Encode did not write.
var ErrCorrupt = errors.New("frontcode: corrupt text")

// Decode reverses Encode. size, the decoded length, is a capacity hint.
func Decode(coded string, size int) (string, error) {
	buf := make([]byte, 0, size)
	prevStart, prevLen := 0, 0 // the last decoded line: where it starts in buf, its length without "\n"
	for len(coded) > 0 {
		nl := strings.IndexByte(coded, '\n')
		if nl < 0 || coded[0] < '0' || coded[0] > '0'+maxShared {
			return "", ErrCorrupt
		}
		n := int(coded[0] - '0')
		if n > prevLen || nl == 0 {
			return "", ErrCorrupt
		}
		start := len(buf)
		buf = append(buf, buf[prevStart:prevStart+n]...)
		buf = append(buf, coded[1:nl+1]...)
		prevStart, prevLen = start, len(buf)-start-1
		coded = coded[nl+1:]
	}
	return string(buf), nil
}
