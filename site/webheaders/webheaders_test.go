package webheaders_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/site/webheaders"
)

func testSite() webheaders.Site {
	return webheaders.Site{
		Pages:  []string{"/en/activate/", "/"},
		Stable: []string{"/policies/uit.json"},
		Wasm:   []string{"/assets/styrke.0123456789abcdef.wasm"},
	}
}

func TestForSiteMatch(t *testing.T) {
	rules := webheaders.ForSite(testSite())
	tests := []struct {
		name, path string
		want       map[string]string
	}{
		{"home page", "/", map[string]string{"Cache-Control": webheaders.CacheRevalidate, "Content-Security-Policy": webheaders.ContentSecurityPolicy}},
		{"page index file", "/en/activate/index.html", map[string]string{"Cache-Control": webheaders.CacheRevalidate}},
		{"asset", "/assets/site.0123456789abcdef.css", map[string]string{"Cache-Control": webheaders.CacheImmutable, "Access-Control-Allow-Origin": "*"}},
		{"wasm", "/assets/styrke.0123456789abcdef.wasm", map[string]string{"Content-Type": "application/wasm", "Cache-Control": webheaders.CacheImmutable}},
		{"policy", "/policies/uit.json", map[string]string{"Cache-Control": webheaders.CacheRevalidate, "X-Content-Type-Options": "nosniff"}},
		{"unknown path has no caching rule", "/nope", map[string]string{"Cache-Control": "", "Referrer-Policy": "no-referrer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string][]string{}
			for _, h := range rules.Match(tt.path) {
				got[h.Name] = append(got[h.Name], h.Value)
			}
			for name, want := range tt.want {
				if want == "" {
					assert.Empty(t, got[name], "path %s header %s", tt.path, name)
					continue
				}
				assert.Equal(t, []string{want}, got[name], "path %s header %s", tt.path, name)
			}
		})
	}
}

func TestNetlifyRoundTrip(t *testing.T) {
	rules := webheaders.ForSite(testSite())
	parsed, err := webheaders.ParseNetlify(rules.Netlify())
	require.NoError(t, err)
	assert.Equal(t, rules, parsed)
}

func TestParseNetlifyErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"header before any path", "  X-A: b\n"},
		{"header without colon", "/x\n  X-A b\n"},
		{"line that is neither", "x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webheaders.ParseNetlify([]byte(tt.in))
			assert.Error(t, err, "input %q", tt.in)
		})
	}
}

func TestHandler(t *testing.T) {
	rules := webheaders.ForSite(testSite())
	h := rules.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/assets/styrke.0123456789abcdef.wasm", nil))
	assert.Equal(t, "application/wasm", rec.Header().Get("Content-Type"))
	assert.Equal(t, webheaders.ContentSecurityPolicy, rec.Header().Get("Content-Security-Policy"))
	assert.Equal(t, webheaders.CacheImmutable, rec.Header().Get("Cache-Control"))
}
