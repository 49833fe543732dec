package duration_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/styrke-iam/styrke/policy/internal/duration"
)

var cases = []string{
	"", "0", "+0", "-0", "72h", "10m", "9m59s", "720h", "720h1s", "1.5h", ".5h", "5.h", ".h", "1", "h",
	"1h30m", "1h 30m", "1H", "1d", "3ms", "3us", "3µs", "3μs", "12ns", "-72h", "+72h",
	"9223372036854775807ns", "9223372036854775808ns", "2562047h47m16.854775807s", "2562048h",
	"0.000000001s", "1.0000000001s", "1e3s", "--1h", "1h-1m", "0x10s", "1.5.5h", "00010m",
}

// TestMatchesTime: Parse accepts and rejects what time.ParseDuration does,
// with the same value, on edge cases (FuzzParse on random ones).
func TestMatchesTime(t *testing.T) {
	for _, s := range cases {
		want, wantErr := time.ParseDuration(s)
		got, ok := duration.Parse(s)
		if wantErr != nil {
			assert.False(t, ok, "%q", s)
			continue
		}
		if assert.True(t, ok, "%q", s) {
			assert.Equal(t, int64(want), got, "%q", s)
		}
	}
}

// TestUnits: the unit constants are time's.
func TestUnits(t *testing.T) {
	assert.Equal(t, []int64{int64(time.Nanosecond), int64(time.Microsecond), int64(time.Millisecond), int64(time.Second), int64(time.Minute), int64(time.Hour)},
		[]int64{duration.Nanosecond, duration.Microsecond, duration.Millisecond, duration.Second, duration.Minute, duration.Hour})
}

func FuzzParse(f *testing.F) {
	for _, s := range cases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wantErr := time.ParseDuration(s)
		got, ok := duration.Parse(s)
		if (wantErr == nil) != ok || (ok && int64(want) != got) {
			t.Fatalf("Parse(%q) = %d, %v; time says %d, %v", s, got, ok, want, wantErr)
		}
	})
}
