package policy

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFoldBothIn: folding into a caller's buffer (larger than needed, full
// of old bytes, or too small) gives what foldBoth gives.
func TestFoldBothIn(t *testing.T) {
	for _, s := range []string{"", "a", "Ola Nordmann", "BLÅBÆR-syltetøy 2026!", "ß", "ＰＡＳＳ", strings.Repeat("Øx", 100)} {
		wb, wf := foldBoth(s)
		for _, n := range []int{0, 1, 2 * len(s), 2*len(s) + 37} {
			buf := bytes.Repeat([]byte{'#'}, n)
			b, f := foldBothIn(buf, s)
			assert.Equal(t, wb, b, "%q into %d bytes", s, n)
			assert.Equal(t, wf, f, "%q into %d bytes", s, n)
		}
	}
}
