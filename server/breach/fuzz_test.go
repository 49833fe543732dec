package breach_test

import (
	"bufio"
	"bytes"
	"errors"
	"testing"

	"github.com/styrke-iam/styrke/server/breach"
)

// FuzzParse reads arbitrary range answers: never a panic; an error is
// ErrMalformed; an answer it accepts has 35-digit upper-case hex suffixes
// and positive counts.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2\r\n",
		"0018A45C4D1DEF81644B54AB7F969B88D65:0\n", "zz:1", "0018A45C4D1DEF81644B54AB7F969B88D65:-1", "0018a45c4d1def81644b54ab7f969b88d65:99999999999999999999", "\r\n\r\n", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := breach.Parse(bufio.NewScanner(bytes.NewReader(data)))
		if err != nil {
			if !errors.Is(err, breach.ErrMalformed) && !errors.Is(err, bufio.ErrTooLong) {
				t.Fatalf("error %v", err)
			}
			return
		}
		for suf, n := range m {
			if len(suf) != 35 || n <= 0 {
				t.Fatalf("entry %q:%d", suf, n)
			}
			for _, c := range []byte(suf) {
				if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F') {
					t.Fatalf("suffix %q not upper-case hex", suf)
				}
			}
		}
	})
}
