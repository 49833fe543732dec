package server_test

import (
	"io"
	"net/http"
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
