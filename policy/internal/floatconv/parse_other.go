//go:build !(js && wasm)

package floatconv

import "strconv"

// ParseFloat parses s, a number in JSON's syntax, as strconv.ParseFloat(s,
// 64) does; ok is false when it is beyond float64's range.
func ParseFloat(s string) (f float64, ok bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
