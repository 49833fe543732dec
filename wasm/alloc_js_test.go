package main

import (
	"runtime"
	"strings"
	"testing"
)

// putRequest writes one request into the input buffer as the glue does and
// returns its length.
func putRequest(t *testing.T, password, username, name, pol, lang, birthDate, phone string, kind byte) int32 {
	t.Helper()
	var b []byte
	for _, f := range []string{password, username, name, pol, lang, birthDate, phone} {
		n := len(f)
		b = append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
		b = append(b, f...)
	}
	b = append(b, kind, 0xff, 0xff, 0xff, 0xff) // breach count unknown
	inbuf(int32(len(b)))
	copy(in, b)
	return int32(len(b))
}

// TestKeystrokeAllocations: once warm, a keystroke's evaluation allocates
// at most one small object in the module (feedback's list), so Go's
// collector, whose every cycle costs a keystroke about a millisecond in the
// browser, practically never runs while someone types. Run by make test
// under Node (GOOS=js GOARCH=wasm go test -exec go_js_wasm_exec).
func TestKeystrokeAllocations(t *testing.T) {
	outbuf()
	pw := strings.Repeat("Kx9#mQ2!vR7&pL4@nW8$hT3%jY6^bF1*zC5(dG0)sA-eH+uI=oJ_kM.lN,qP;rS", 3)[:127]
	// Norwegian letters, capitals among them, which the estimator folds
	// one code point at a time.
	nordic := string([]rune(strings.Repeat("Kx9#ÆØÅmQ2!vRæøå7&pL4@nW8$", 6))[:127])
	for _, tc := range []struct {
		name string
		fn   func(int32) int32
		pol  string
		kind byte
		pw   string
		born string // and a phone number when set
	}{
		{"cells uit", evaluateCells, "uit", 1, pw, ""},
		{"cells default", evaluateCells, "", 0, pw, ""},
		{"evaluate uit", evaluate, "uit", 1, pw, ""},
		{"cells policy JSON", evaluateCells, `{"id":"x","minLength":12,"maxLength":127,"threshold":30}`, 2, pw, ""},
		{"cells default, ÆØÅ", evaluateCells, "", 0, nordic, ""},
		// The reset page's meter: a date of birth and a phone number too,
		// whose rules read every digit run (the password holds neither).
		{"cells default, date of birth and phone", evaluateCells, "", 0, pw, "1985-07-24"},
	} {
		phone := ""
		if tc.born != "" {
			phone = "+47 924 56 789"
		}
		n := putRequest(t, tc.pw, "olanor", "Ola Nordmann", tc.pol, "nb", tc.born, phone, tc.kind)
		if m := tc.fn(n); m <= 0 {
			t.Fatalf("%s: empty answer", tc.name)
		}
		if strings.Contains(string(out), `"error"`) {
			t.Fatalf("%s: %s", tc.name, out)
		}
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		const calls = 1000
		for range calls {
			tc.fn(n)
		}
		runtime.ReadMemStats(&b)
		allocs, bytes := (b.Mallocs-a.Mallocs)/calls, (b.TotalAlloc-a.TotalAlloc)/calls
		t.Logf("%s: %d allocations, %d bytes a call", tc.name, allocs, bytes)
		if allocs > 1 || bytes > 64 {
			t.Errorf("%s: %d allocations, %d bytes a call; want at most 1 and 64", tc.name, allocs, bytes)
		}
	}
}
