package site_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
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
	// serve answers the host page and the site, tt.swap with tt.with, on
	// addr ("" for any port).
	serve := func(t *testing.T, addr, swap string, with []byte) *httptest.Server {
		t.Helper()
		files := http.FileServer(http.Dir(env.dist))
		srv := httptest.NewUnstartedServer(rules.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/favicon.ico":
				w.WriteHeader(http.StatusNoContent)
			case "/host.html":
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte(page))
			case swap:
				if strings.HasSuffix(swap, ".wasm") {
					w.Header().Set("Content-Type", "application/wasm")
				} else {
					w.Header().Set("Content-Type", "text/javascript")
				}
				// Not the site's year of immutable caching: the one browser
				// of this package would keep the swapped bytes, and a
				// later test's server that gets this port would load them
				// under the same URL (TestActivationStatesOnPhone failed
				// so once, "Failed to find a valid digest").
				w.Header().Set("Cache-Control", "no-store")
				w.Write(with)
			default:
				files.ServeHTTP(w, r)
			}
		})))
		if addr != "" {
			l, err := net.Listen("tcp", addr)
			require.NoError(t, err)
			srv.Listener.Close()
			srv.Listener = l
		}
		srv.Start()
		return srv
	}
	// started loads the host page from srv and reports whether the meter
	// started.
	started := func(t *testing.T, srv *httptest.Server, tampered bool) bool {
		t.Helper()
		tb := env.browser.Tab(t)
		if tampered {
			tb.Allow(func(msg string) bool {
				return strings.Contains(msg, "integrity") || strings.Contains(msg, "styrke-meter") || strings.Contains(msg, "Failed to fetch")
			})
			// The swapped bytes from the server, never the real ones the
			// browser cached for a year under the same URL (each case is
			// served where the case before it served the real files).
			_, err := chromedp.Call(tb, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
			require.NoError(t, err)
		}
		run(t, tb, chromedp.Navigate(srv.URL+"/host.html"))
		const settled = `(() => { const m = document.querySelector('styrke-meter'); return !!globalThis.styrke || !!m._failed; })()`
		chrome.Poll[bool](t, tb, settled)
		assert.False(t, chrome.Eval[bool](t, tb, `globalThis.pwned === true`), "the swapped wasm_exec.js ran")
		if !tampered {
			assert.Zero(t, chrome.Eval[int](t, tb, `document.querySelectorAll('link[rel=modulepreload]').length`), "the meter's own link is gone again")
		}
		return chrome.Eval[bool](t, tb, `!!globalThis.styrke`)
	}
	// Each case after the first is served on the address where the one
	// before it last served the real files, which the browser keeps for a
	// year (immutable), so the tampered loads must not use the cache (see
	// started). Before, a swapped file's case failed whenever its server
	// got a port that another test's server had served the site on: the
	// real wasm_exec.js came from the cache and the meter started (a
	// whole-package run on 2026-12-07).
	addr := ""
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each page load is a subtest of its own, so that its tab is
			// closed (and its log read) before its server stops: a tab
			// left open asked the stopped server for /favicon.ico in a
			// fresh-clone CI run ("net::ERR_CONNECTION_REFUSED").
			srv := serve(t, addr, tt.swap, tt.with)
			t.Run("load", func(t *testing.T) {
				assert.Equal(t, !tt.tampered, started(t, srv, tt.tampered), "the meter started")
			})
			addr = srv.Listener.Addr().String()
			srv.Close()
			if tt.tampered {
				// The next server on the same address serves the real
				// files, and the browser loads them, not the swapped ones.
				again := serve(t, addr, "", nil)
				t.Run("reload", func(t *testing.T) {
					assert.True(t, started(t, again, false), "the meter started from the real files on the same address")
				})
				again.Close()
			}
		})
	}
}
