package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// fuzzSite is a built site in miniature beside a file that must never be
// served.
func fuzzSite(f *testing.F) http.Handler {
	f.Helper()
	root := f.TempDir()
	dir := filepath.Join(root, "site")
	files := map[string]string{
		"site/index.html":              "<h1>hjem</h1>",
		"site/index.html.br":           "BROTLI",
		"site/en/index.html":           "<h1>home</h1>",
		"site/404.html":                "<h1>borte</h1>",
		"site/assets/app.abc123.js":    "console.log(1)",
		"site/_headers":                "/*\n  X-Frame-Options: DENY\n/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n",
		"secret.txt":                   "TOPSECRET-outside-the-site",
		"site/assets/app.abc123.js.gz": "GZIP",
	}
	for name, body := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	site, err := server.Static(dir)
	if err != nil {
		f.Fatal(err)
	}
	return site
}

// checkAnswer holds what every answer must: a redirect stays on the site,
// nothing outside the site's folder is served, an error is never cached.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code < 100 || rec.Code > 599 {
		t.Fatalf("status %d", rec.Code)
	}
	if loc := rec.Header().Get("Location"); loc != "" {
		u, err := url.Parse(loc)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) {
			t.Fatalf("Location %q leaves the site", loc)
		}
	}
	if strings.Contains(rec.Body.String(), "TOPSECRET") {
		t.Fatal("served a file outside the site")
	}
	if rec.Code >= 400 && strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("status %d cached as immutable", rec.Code)
	}
}

// FuzzHandler sends arbitrary requests (method, path, one header, body)
// through the whole handler, site included.
func FuzzHandler(f *testing.F) {
	st, err := sqlitetest.Open(f, filepath.Join(f.TempDir(), "styrke.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	h := server.NewHandler(server.Deps{
		Store: st, AdminKey: adminKey, Origins: []string{"https://embed.example"},
		Site: fuzzSite(f), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit: -1, BreachRateLimit: -1, TrustProxy: true,
	})
	seeds := []struct{ method, path, hname, hvalue, body string }{
		{"POST", "/api/validate", "Content-Type", "application/json", `{"password":"Kveldssol over Lyngen 42!","policy":"uio"}`},
		{"POST", "/api/validate", "Content-Type", "application/json", `{"password":"x","policy":{"id":"c","minLength":8,"minLength":9}}`},
		{"POST", "/api/admin/activations", "Authorization", "Bearer " + adminKey, `{"username":"kari","institution":"default","ttl":"1h"}`},
		{"POST", "/api/activation/lookup", "Content-Type", "application/json", `{"token":"abc"}`},
		{"POST", "/api/activation/complete", "Content-Type", "application/json", `{"token":"abc","password":"x"}`},
		{"OPTIONS", "/api/validate", "Origin", "https://embed.example", ""},
		{"GET", "//evil.example/../en", "", "", ""},
		{"GET", "/assets/nope.js", "Accept-Encoding", "br, gzip", ""},
		{"GET", "/assets/app.abc123.js", "Range", "bytes=5-1", ""},
		{"HEAD", "/readyz", "X-Forwarded-For", "2001:db8::1", ""},
		{"GET", "/../secret.txt", "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.hname, s.hvalue, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method, path, hname, hvalue string, body []byte) {
		if !validToken(method) || !strings.HasPrefix(path, "/") {
			return // net/http never hands such a request to a handler
		}
		u, err := url.Parse(path)
		if err != nil {
			u = &url.URL{Path: path}
		}
		r := &http.Request{
			Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Host: "styrke.example", RemoteAddr: "192.0.2.1:1234",
			Body: io.NopCloser(strings.NewReader(string(body))), ContentLength: int64(len(body)),
		}
		r = r.WithContext(context.Background())
		if validToken(hname) {
			r.Header.Set(hname, hvalue)
		}
		if r.Header.Get("Content-Type") == "" && len(body) > 0 {
			r.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		checkAnswer(t, rec)
	})
}

// FuzzStaticPath maps arbitrary paths (raw, percent-encoded or not) on the
// static site alone.
func FuzzStaticPath(f *testing.F) {
	site := fuzzSite(f)
	for _, p := range []string{"/", "/en", "/%2Fevil.example%2F..%2Fen", "/%5C%5Cevil/..%2Fen", "/../secret.txt", "/..%2Fsecret.txt",
		"/assets/app.abc123.js", "/_headers", "/index.html/", "/en/./", "/%00", "/assets/../../secret.txt"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.ParseRequestURI(raw)
		if err != nil || !strings.HasPrefix(u.Path, "/") {
			return
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.URL = u
		r.RequestURI = raw
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, r)
		checkAnswer(t, rec)
	})
}

// validToken reports whether s is an HTTP token (a method or header name).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
