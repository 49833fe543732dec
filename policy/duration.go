package policy

import "errors"

// The policy package does not import "time": it would add about 90 KB to the
// WebAssembly module for one function. parseDuration and formatDuration are
// time.ParseDuration and time.Duration.String for the activationTTL field;
// TestDurationMatchesTime and FuzzParseDuration hold them to the standard
// library's answers.

const (
	nanosecond  int64 = 1
	microsecond       = 1000 * nanosecond
	millisecond       = 1000 * microsecond
	second            = 1000 * millisecond
	minute            = 60 * second
	hour              = 60 * minute
)

var errDuration = errors.New("invalid duration")

// durationUnits are time.ParseDuration's units.
var durationUnits = [...]struct {
	name string
	n    int64
}{
	{"ns", nanosecond}, {"us", microsecond}, {"µs", microsecond}, {"μs", microsecond},
	{"ms", millisecond}, {"s", second}, {"m", minute}, {"h", hour},
}

// parseDuration is time.ParseDuration, returning nanoseconds.
func parseDuration(s string) (int64, error) {
	// [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
	var d uint64
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, errDuration
	}
	for s != "" {
		var v, f uint64
		scale := 1.0
		var err error
		if !(s[0] == '.' || '0' <= s[0] && s[0] <= '9') {
			return 0, errDuration
		}
		pl := len(s)
		v, s, err = leadingInt(s)
		if err != nil {
			return 0, errDuration
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
			return 0, errDuration
		}
		i := 0
		for ; i < len(s); i++ {
			c := s[i]
			if c == '.' || '0' <= c && c <= '9' {
				break
			}
		}
		if i == 0 {
			return 0, errDuration
		}
		u := s[:i]
		s = s[i:]
		unit := int64(-1)
		for _, du := range durationUnits {
			if du.name == u {
				unit = du.n
				break
			}
		}
		if unit < 0 {
			return 0, errDuration
		}
		if v > 1<<63/uint64(unit) {
			return 0, errDuration
		}
		v *= uint64(unit)
		if f > 0 {
			v += uint64(float64(f) * (float64(unit) / scale))
			if v > 1<<63 {
				return 0, errDuration
			}
		}
		d += v
		if d > 1<<63 {
			return 0, errDuration
		}
	}
	if neg {
		return -int64(d), nil
	}
	if d > 1<<63-1 {
		return 0, errDuration
	}
	return int64(d), nil
}

func leadingInt(s string) (x uint64, rem string, err error) {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			break
		}
		if x > 1<<63/10 {
			return 0, rem, errDuration
		}
		x = x*10 + uint64(c) - '0'
		if x > 1<<63 {
			return 0, rem, errDuration
		}
	}
	return x, s[i:], nil
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

// formatDuration is time.Duration.String.
func formatDuration(d int64) string {
	var buf [32]byte
	w := len(buf)
	u := uint64(d)
	neg := d < 0
	if neg {
		u = -u
	}
	if u < uint64(second) {
		var prec int
		w--
		buf[w] = 's'
		w--
		switch {
		case u == 0:
			return "0s"
		case u < uint64(microsecond):
			prec = 0
			buf[w] = 'n'
		case u < uint64(millisecond):
			prec = 3
			// U+00B5 'µ' micro sign == 0xC2 0xB5
			w--
			copy(buf[w:], "µ")
		default:
			prec = 6
			buf[w] = 'm'
		}
		w, u = fmtFrac(buf[:w], u, prec)
		w = fmtInt(buf[:w], u)
	} else {
		w--
		buf[w] = 's'
		w, u = fmtFrac(buf[:w], u, 9)
		w = fmtInt(buf[:w], u%60)
		u /= 60
		if u > 0 {
			w--
			buf[w] = 'm'
			w = fmtInt(buf[:w], u%60)
			u /= 60
			if u > 0 {
				w--
				buf[w] = 'h'
				w = fmtInt(buf[:w], u)
			}
		}
	}
	if neg {
		w--
		buf[w] = '-'
	}
	return string(buf[w:])
}

func fmtFrac(buf []byte, v uint64, prec int) (nw int, nv uint64) {
	w := len(buf)
	print := false
	for i := 0; i < prec; i++ {
		digit := v % 10
		print = print || digit != 0
		if print {
			w--
			buf[w] = byte(digit) + '0'
		}
		v /= 10
	}
	if print {
		w--
		buf[w] = '.'
	}
	return w, v
}

func fmtInt(buf []byte, v uint64) int {
	w := len(buf)
	if v == 0 {
		w--
		buf[w] = '0'
	} else {
		for v > 0 {
			w--
			buf[w] = byte(v%10) + '0'
			v /= 10
		}
	}
	return w
}
