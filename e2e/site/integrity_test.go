package site_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site/webheaders"
)

// hostPage is an institution's page with only the two-line embed: the
// meter's script with its integrity, and the element.
const hostPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
<script type="module" src="METER" integrity="INTEGRITY" crossorigin="anonymous"></script></head>
<body><label for="pw">Password</label><input id="pw" type="password" autocomplete="new-password">
<styrke-meter for="pw" lang="en"></styrke-meter></body></html>`

// TestEmbedPinsEverything: with only the two-line embed (no preload lines),
// a module or wasm_exec.js swapped on the asset host never runs: the meter's
// script carries their integrity (issue 15 item 4: both were loaded
// unchecked, so a swapped file ran inside the institution's password page).
func TestEmbedPinsEverything(t *testing.T) {
	var man struct {
		Assets map[string]struct{ Path, Integrity string } `json:"assets"`
	}
	data, err := os.ReadFile(filepath.Join(env.dist, "manifest.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &man))
	meter, wasm, exec := man.Assets["styrke-meter.js"], man.Assets["styrke.wasm"], man.Assets["wasm_exec.js"]
	require.NotEmpty(t, meter.Path)
	page := strings.NewReplacer("METER", meter.Path, "INTEGRITY", meter.Integrity).Replace(hostPage)
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join(env.dist, filepath.FromSlash(p)))
		require.NoError(t, err)
		return b
	}
	tests := []struct {
		name     string
		swap     string // the asset path answered with other bytes
		with     []byte
		tampered bool
	}{
		{"nothing swapped", "", nil, false},
		// Still a working module: an extra custom section named "evil".
		{"module swapped", wasm.Path, append(read(wasm.Path), 0x00, 0x05, 0x04, 'e', 'v', 'i', 'l'), true},
		{"wasm_exec.js swapped", exec.Path, append([]byte("globalThis.pwned=true;"), read(exec.Path)...), true},
	}
	headers, err := os.ReadFile(filepath.Join(env.dist, "_headers"))
	require.NoError(t, err)
	rules, err := webheaders.ParseNetlify(headers)
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := http.FileServer(http.Dir(env.dist))
			srv := httptest.NewServer(rules.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/favicon.ico":
					w.WriteHeader(http.StatusNoContent)
				case "/host.html":
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					w.Write([]byte(page))
				case tt.swap:
					if strings.HasSuffix(tt.swap, ".wasm") {
						w.Header().Set("Content-Type", "application/wasm")
					} else {
						w.Header().Set("Content-Type", "text/javascript")
					}
					w.Write(tt.with)
				default:
					files.ServeHTTP(w, r)
				}
			})))
			defer srv.Close()
			tb := env.browser.Tab(t)
			if tt.tampered {
				tb.Allow(func(msg string) bool {
					return strings.Contains(msg, "integrity") || strings.Contains(msg, "styrke-meter") || strings.Contains(msg, "Failed to fetch")
				})
			}
			run(t, tb, chromedp.Navigate(srv.URL+"/host.html"))
			const settled = `(() => { const m = document.querySelector('styrke-meter'); return !!globalThis.styrke || m._failed === true; })()`
			chrome.Poll[bool](t, tb, settled)
			started := chrome.Eval[bool](t, tb, `!!globalThis.styrke`)
			assert.Equal(t, !tt.tampered, started, "the meter started")
			assert.False(t, chrome.Eval[bool](t, tb, `globalThis.pwned === true`), "the swapped wasm_exec.js ran")
			if !tt.tampered {
				assert.Zero(t, chrome.Eval[int](t, tb, `document.querySelectorAll('link[rel=modulepreload]').length`), "the meter's own link is gone again")
			}
		})
	}
}
