package server_test

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
)

func TestStatic(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":           "<h1>hjem</h1>",
		"index.html.br":        "BROTLI",
		"index.html.gz":        "GZIP",
		"assets/app.abc123.js": "console.log(1)",
		"404.html":             "<h1>borte</h1>",
		"aktiver/index.html":   "<h1>aktiver</h1>",
		"_headers":             "/*\n  X-Frame-Options: DENY\n/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n",
	}
	for name, body := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	site, err := server.Static(dir)
	require.NoError(t, err)
	e := newEnv(t, func(d *server.Deps) { d.Site = site })
	tests := []struct {
		name, path, accept string
		status             int
		body, encoding     string
		header, value      string
	}{
		{"index plain", "/", "", 200, "<h1>hjem</h1>", "", "Cache-Control", "no-cache"},
		{"index brotli", "/", "gzip, br", 200, "BROTLI", "br", "X-Frame-Options", "DENY"},
		{"index gzip", "/index.html", "gzip", 200, "GZIP", "gzip", "Content-Type", "text/html; charset=utf-8"},
		{"brotli refused", "/", "br;q=0, gzip", 200, "GZIP", "gzip", "Vary", "Accept-Encoding"},
		{"asset", "/assets/app.abc123.js", "br", 200, "console.log(1)", "", "Cache-Control", "public, max-age=31536000, immutable"},
		{"folder", "/aktiver/", "", 200, "<h1>aktiver</h1>", "", "Cache-Control", "no-cache"},
		{"missing", "/nope", "", 404, "<h1>borte</h1>", "", "X-Frame-Options", "DENY"},
		{"headers file hidden", "/_headers", "", 404, "<h1>borte</h1>", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", e.srv.URL+tt.path, nil)
			require.NoError(t, err)
			req.Header.Set("Accept-Encoding", tt.accept)
			tr := &http.Transport{DisableCompression: true}
			resp, err := (&http.Client{Transport: tr}).Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.body, string(b))
			assert.Equal(t, tt.encoding, resp.Header.Get("Content-Encoding"))
			if tt.header != "" {
				assert.Equal(t, tt.value, resp.Header.Get(tt.header))
			}
		})
	}
}

// TestStaticRedirectStaysOnSite: the folder redirect goes to a path on this
// site whatever the request's path decodes to (issue 15 item 1: an encoded
// "//evil.example/.." made Location a protocol-relative URL).
func TestStaticRedirectStaysOnSite(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"en/index.html", "aktiver/index.html", "index.html"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("<p>x</p>"), 0o644))
	}
	site, err := server.Static(dir)
	require.NoError(t, err)
	e := newEnv(t, func(d *server.Deps) { d.Site = site })
	tests := []struct {
		name, path string
		status     int
		want       string
	}{
		{"plain folder", "/en", 301, "/en/"},
		{"encoded slashes", "/%2Fevil.example%2F..%2Fen", 301, "/en/"},
		{"encoded backslash", "/%5Cevil.example%2F..%2Faktiver", 301, "/aktiver/"},
		{"encoded double slash", "/%2F%2Fevil.example%2F..%2Fen", 301, "/en/"},
		{"double slash (cleaned by the mux)", "//evil.example/../en", 307, "/en"},
		{"dot segments (cleaned by the mux)", "/aktiver/../en", 307, "/en"},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", e.srv.URL, nil)
			require.NoError(t, err)
			req.URL.Opaque = tt.path // sent as is, not cleaned by the client
			resp, err := client.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, tt.status, resp.StatusCode, "path %s", tt.path)
			loc := resp.Header.Get("Location")
			assert.Equal(t, tt.want, loc, "path %s", tt.path)
			u, err := url.Parse(loc)
			require.NoError(t, err)
			assert.Empty(t, u.Host, "path %s: Location %s leaves the site", tt.path, loc)
		})
	}
}

// TestStaticErrorsNotCached: no error answer carries the immutable caching
// of /assets/ (issue 15 item 5: a 404 during a deploy was cached a year).
func TestStaticErrorsNotCached(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"assets/app.abc123.js": "console.log(1)",
		"404.html":             "<h1>borte</h1>",
		"_headers":             "/*\n  X-Frame-Options: DENY\n/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n",
	}
	for name, body := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	site, err := server.Static(dir)
	require.NoError(t, err)
	e := newEnv(t, func(d *server.Deps) { d.Site = site })
	tests := []struct {
		name, method, path, rng string
		status                  int
	}{
		{"missing asset", "GET", "/assets/app.def456.js", "", 404},
		{"missing asset head", "HEAD", "/assets/app.def456.js", "", 404},
		{"post to asset", "POST", "/assets/app.abc123.js", "", 405},
		{"range outside", "GET", "/assets/app.abc123.js", "bytes=500-600", 416},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := []string{}
			if tt.rng != "" {
				hdr = append(hdr, "Range", tt.rng)
			}
			resp, _ := e.do(t, tt.method, tt.path, "", "", hdr...)
			require.Equal(t, tt.status, resp.StatusCode)
			cc := resp.Header.Get("Cache-Control")
			assert.NotContains(t, cc, "immutable", "%s %s", tt.method, tt.path)
			assert.NotContains(t, cc, "max-age=31536000", "%s %s", tt.method, tt.path)
			assert.Equal(t, "no-store", cc, "%s %s", tt.method, tt.path)
		})
	}
}

// TestStaticRevalidatedHaveContentETag: a revalidated file (a page, the
// meter's script at its name that never changes) carries an ETag of its
// content, so a browser's revalidation never keeps a stale copy when a
// deploy kept the file's time (it relied on Last-Modified alone); its
// If-None-Match gets 304, and another variant (brotli) has its own.
func TestStaticRevalidatedHaveContentETag(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"meter/styrke-meter.js":    "export const v = 1",
		"meter/styrke-meter.js.br": "BROTLI",
		"_headers":                 "/meter/styrke-meter.js\n  Cache-Control: no-cache\n",
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	site, err := server.Static(dir)
	require.NoError(t, err)
	e := newEnv(t, func(d *server.Deps) { d.Site = site })
	get := func(accept, ifNone string) *http.Response {
		req, err := http.NewRequest("GET", e.srv.URL+"/meter/styrke-meter.js", nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Encoding", accept)
		if ifNone != "" {
			req.Header.Set("If-None-Match", ifNone)
		}
		resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	plain, br := get("", ""), get("br", "")
	require.NotEmpty(t, plain.Header.Get("ETag"))
	require.NotEmpty(t, br.Header.Get("ETag"))
	assert.NotEqual(t, plain.Header.Get("ETag"), br.Header.Get("ETag"), "a variant has its own")
	assert.Equal(t, http.StatusNotModified, get("", plain.Header.Get("ETag")).StatusCode)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "meter/styrke-meter.js"), []byte("export const v = 2"), 0o644))
	assert.Equal(t, http.StatusOK, get("", plain.Header.Get("ETag")).StatusCode, "changed content is sent")
}
