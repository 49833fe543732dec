package twiliotest

import (
	"strings"
	"testing"
)

// TestSegments: Twilio's count of SMS segments, GSM-7 against UCS-2. The
// fake counted è, à, ò and Ñ (GSM-7) as UCS-2, and had no extension table.
func TestSegments(t *testing.T) {
	for _, c := range []struct {
		body string
		want int
	}{
		{strings.Repeat("a", 160), 1},
		{strings.Repeat("a", 161), 2},
		{strings.Repeat("æøå", 53) + "è", 1},               // 160 septets, all GSM-7
		{strings.Repeat("à", 159) + "€", 2},                // € is two septets: 161
		{strings.Repeat("a", 306), 2},                      // 153 a segment
		{strings.Repeat("a", 307), 3},                      //
		{"Kárášjoga gielda " + strings.Repeat("a", 53), 1}, // á is UCS-2: 70 units
		{"Kárášjoga gielda " + strings.Repeat("a", 54), 2},
		{strings.Repeat("😀", 35), 1}, // two UTF-16 units each
		{strings.Repeat("😀", 36), 2},
	} {
		if got := segments(c.body); got != c.want {
			t.Errorf("segments(%.20q… %d code points) = %d, want %d", c.body, len([]rune(c.body)), got, c.want)
		}
	}
}
