//go:build js && wasm

package floatconv

import "math"

// jsNumber is JavaScript's Number(s) for s in JSON's number syntax: the
// "styrke" module's import "number" (numImports in wasm/styrke-meter.js).
//
//go:wasmimport styrke number
//go:noescape
func jsNumber(s string) float64

// ParseFloat parses s, a number in JSON's syntax, as strconv.ParseFloat(s,
// 64) does; ok is false when it is beyond float64's range.
func ParseFloat(s string) (f float64, ok bool) {
	f = jsNumber(s)
	return f, !math.IsInf(f, 0)
}
