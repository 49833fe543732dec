package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/styrke-iam/styrke/policy"
)

// FuzzCheckStream feeds arbitrary input to `styrke check`: never a panic,
// and no line of input is ever echoed on stderr (a malformed line is
// reported by its number only).
func FuzzCheckStream(f *testing.F) {
	for _, s := range []string{
		"\"correcthorsebatterystaple\"\n", `{"password":"x","username":"kari"}` + "\n", "not json\n",
		`{"password":"x","password":"y"}`, `{"PASSWORD":"secretvalue1"}` + "\r\n", "[1,2]\n\n\"a\"", `{"password":null}`,
	} {
		f.Add([]byte(s))
	}
	p := policy.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		var stdout, stderr bytes.Buffer
		_ = checkStream(context.Background(), p, "en", bytes.NewReader(data), &stdout, &stderr)
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			// A marker no message holds: only long, unusual lines are checked.
			if len(line) >= 12 && strings.Contains(line, "secret") && strings.Contains(stderr.String(), line) {
				t.Fatalf("stderr echoes the input line %q", line)
			}
		}
	})
}
