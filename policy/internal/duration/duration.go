// Package duration is time.ParseDuration for the policy's activationTTL
// field, on int64 nanoseconds: the policy package does not import "time",
// which would add about 90 KB to the WebAssembly module for one function.
// TestMatchesTime and FuzzParse hold it to the standard library's answers.
// (Its time.Duration.String went on 2026-12-07: the policy's problem says a
// duration as it was typed, "5m", not as Go writes it, "5m0s".)
package duration

// Units of a duration in nanoseconds, as time's constants.
const (
	Nanosecond  int64 = 1
	Microsecond       = 1000 * Nanosecond
	Millisecond       = 1000 * Microsecond
	Second            = 1000 * Millisecond
	Minute            = 60 * Second
	Hour              = 60 * Minute
)

// durationUnits are time.ParseDuration's units.
var durationUnits = [...]struct {
	name string
	n    int64
}{
	{"ns", Nanosecond}, {"us", Microsecond}, {"µs", Microsecond}, {"μs", Microsecond},
	{"ms", Millisecond}, {"s", Second}, {"m", Minute}, {"h", Hour},
}

// Parse is time.ParseDuration, returning nanoseconds; ok is false where
// time.ParseDuration returns an error. (A bool, not an error: an error
// variable needs package initialisation code in the WebAssembly module.)
func Parse(s string) (d int64, ok bool) {
	// [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
	var u uint64
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "0" {
		return 0, true
	}
	if s == "" {
		return 0, false
	}
	for s != "" {
		var v, f uint64
		scale := 1.0
		if !(s[0] == '.' || '0' <= s[0] && s[0] <= '9') {
			return 0, false
		}
		pl := len(s)
		v, s, ok = leadingInt(s)
		if !ok {
			return 0, false
		}
		pre := pl != len(s)
		post := false
		if s != "" && s[0] == '.' {
			s = s[1:]
			pl := len(s)
			f, scale, s = leadingFraction(s)
			post = pl != len(s)
		}
		if !pre && !post {
			return 0, false
		}
		i := 0
		for ; i < len(s); i++ {
			c := s[i]
			if c == '.' || '0' <= c && c <= '9' {
				break
			}
		}
		if i == 0 {
			return 0, false
		}
		name := s[:i]
		s = s[i:]
		unit := int64(-1)
		for _, du := range durationUnits {
			if du.name == name {
				unit = du.n
				break
			}
		}
		if unit < 0 {
			return 0, false
		}
		if v > 1<<63/uint64(unit) {
			return 0, false
		}
		v *= uint64(unit)
		if f > 0 {
			v += uint64(float64(f) * (float64(unit) / scale))
			if v > 1<<63 {
				return 0, false
			}
		}
		u += v
		if u > 1<<63 {
			return 0, false
		}
	}
	if neg {
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

func leadingInt(s string) (x uint64, rem string, ok bool) {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			break
		}
		if x > 1<<63/10 {
			return 0, rem, false
		}
		x = x*10 + uint64(c) - '0'
		if x > 1<<63 {
			return 0, rem, false
		}
	}
	return x, s[i:], true
}

func leadingFraction(s string) (x uint64, scale float64, rem string) {
	i := 0
	scale = 1
	overflow := false
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			break
		}
		if overflow {
			continue
		}
		if x > (1<<63-1)/10 {
			overflow = true
			continue
		}
		y := x*10 + uint64(c) - '0'
		if y > 1<<63 {
			overflow = true
			continue
		}
		x = y
		scale *= 10
	}
	return x, scale, s[i:]
}
