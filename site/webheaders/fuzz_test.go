package webheaders_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/site/webheaders"
)

// FuzzParseNetlify reads arbitrary _headers files: never a panic, and what
// it accepts it writes back to a file that reads the same.
func FuzzParseNetlify(f *testing.F) {
	f.Add(webheaders.ForSite(webheaders.Site{Pages: []string{"/"}, Wasm: []string{"/assets/a.wasm"}}).Netlify())
	for _, s := range []string{"/*\n  X-A: b\n", "# c\n/x\n\tY: z:w\n", "  X: y\n", "/a\n  :b\n", "\n\n/\r\n  A: b\r\n", "x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := webheaders.ParseNetlify(data)
		if err != nil {
			return
		}
		again, err := webheaders.ParseNetlify(rules.Netlify())
		require.NoError(t, err, "rules written from %q", data)
		if len(rules) == 0 {
			require.Empty(t, again)
			return
		}
		require.Equal(t, rules, again, "round trip of %q", data)
	})
}
