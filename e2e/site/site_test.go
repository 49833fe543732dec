package site_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
	"github.com/styrke-iam/styrke/site/webheaders"
)

// ready is what each page shows once its script has run.
var ready = map[site.PageID]string{
	site.Home:     `document.readyState === 'complete'`,
	site.Activate: `document.readyState === 'complete' && !document.querySelector('[data-testid=state-missing]').hidden`,
	site.Embed:    `document.readyState === 'complete'`,
	site.Designer: `document.readyState === 'complete'`,
	// Served without the API, the reset page finds ID-porten off.
	site.Reset:  `document.readyState === 'complete' && !document.querySelector('[data-testid=state-off]').hidden`,
	site.Change: `document.readyState === 'complete'`,
}

var pageNames = map[site.PageID]string{site.Home: "home", site.Activate: "activate", site.Embed: "embed", site.Designer: "designer",
	site.Reset: "reset", site.Change: "change"}

// axeScan is the axe-core run; it returns "id (impact): help @ targets" for
// every serious or critical violation.
const axeScan = `axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations
	.filter((v) => v.impact === 'serious' || v.impact === 'critical')
	.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' @ ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`

// TestPages loads every page in every language under the production
// headers: no console error, no CSP violation, no serious or critical axe
// finding in light or dark mode; screenshots at 375 and 1280 px go to e2e/screens/.
func TestPages(t *testing.T) {
	screens := filepath.Join(env.root, "e2e", "screens")
	require.NoError(t, os.MkdirAll(screens, 0o755))
	for _, id := range site.Pages {
		for _, lang := range site.Languages {
			path := site.Path(id, lang)
			t.Run(pageNames[id]+"-"+lang, func(t *testing.T) {
				t.Parallel() // tabs of the one browser, each waiting for its page most of its time
				tb := env.browser.Tab(t)
				if id == site.Reset || id == site.Change || id == site.Activate { // the static server has no API (the change page asks whether the reset is on; the activation page without a link asks for the service desk)
					tb.Allow(func(msg string) bool {
						return strings.HasPrefix(msg, "log network:") && strings.Contains(msg, "/api/reset/config")
					})
				}
				run(t, tb, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(env.server.URL+path))
				chrome.Poll[bool](t, tb, ready[id])
				assert.Equal(t, lang, chrome.Eval[string](t, tb, `document.documentElement.lang`), "page %s", path)
				chrome.Eval[bool](t, tb, env.axe+";true")
				violations := chrome.Eval[[]string](t, tb, axeScan)
				assert.Empty(t, violations, "page %s: axe findings", path)
				// The same in dark mode (colours, contrast).
				_, err := chromedp.Call(tb, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
				})
				require.NoError(t, err)
				chrome.Poll[bool](t, tb, `matchMedia("(prefers-color-scheme: dark)").matches`)
				violations = chrome.Eval[[]string](t, tb, axeScan)
				assert.Empty(t, violations, "page %s in dark mode: axe findings", path)
				_, err = chromedp.Call(tb, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
				require.NoError(t, err)
				for _, width := range []int64{375, 1280} {
					run(t, tb, chromedp.EmulateViewport(width, 900))
					chrome.Poll[bool](t, tb, `window.innerWidth === `+itoa(width))
					ctx := tb
					png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
					require.NoError(t, err)
					name := filepath.Join(screens, pageNames[id]+"-"+lang+"-"+itoa(width)+".png")
					require.NoError(t, os.WriteFile(name, png, 0o644))
				}
				assert.Empty(t, tb.Errors(), "page %s: console errors or CSP violations", path)
			})
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestHeaders checks that the loopback server sends the production headers.
func TestHeaders(t *testing.T) {
	tests := []struct {
		name, path, header, want string
	}{
		{"page CSP", "/en/activate/", "Content-Security-Policy", webheaders.ContentSecurityPolicy},
		{"page caching", "/aktiver/", "Cache-Control", webheaders.CacheRevalidate},
		{"HSTS", "/", "Strict-Transport-Security", webheaders.StrictTransportSecurity},
		{"nosniff", "/nn/", "X-Content-Type-Options", "nosniff"},
		{"referrer", "/embed/", "Referrer-Policy", "no-referrer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := http.Get(env.server.URL + tt.path)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusOK, res.StatusCode, "GET %s", tt.path)
			assert.Equal(t, tt.want, res.Header.Get(tt.header), "GET %s header %s", tt.path, tt.header)
		})
	}
}

// TestActivationLinkStates opens the activation page with links the page
// can judge: no token, a malformed one, and one the API does not know (on
// a server with the API: the static site's own 404 is no answer about the
// link, TestActivationForeign404KeepsToken).
func TestActivationLinkStates(t *testing.T) {
	b := startBackend(t)
	tests := []struct {
		name, base, fragment, state string
	}{
		{"no fragment", env.server.URL, "", "missing"},
		{"malformed token", env.server.URL, "#/pw/%%", "unknown"},
		{"unknown token", b.base, "#/pw/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := env.browser.Tab(t)
			tb.Allow(func(msg string) bool {
				return strings.HasPrefix(msg, "log network:") && (strings.Contains(msg, "/api/activation/") || strings.Contains(msg, "/api/reset/config"))
			})
			run(t, tb, chromedp.Navigate(tt.base+"/en/activate/"+tt.fragment))
			chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-`+tt.state+`]').hidden`)
			visible := chrome.Eval[[]string](t, tb, `[...document.querySelectorAll('[data-state]')].filter((e) => !e.hidden).map((e) => e.dataset.state)`)
			assert.Equal(t, []string{tt.state}, visible, "fragment case %s", tt.name)
			assert.Empty(t, tb.Errors())
		})
	}
}

// TestHarnessCatchesViolations proves the console recorder sees what the
// page tests rely on it to see: a console error and a CSP violation.
func TestHarnessCatchesViolations(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"console error", `console.error('styrke-e2e-probe'); true`, "styrke-e2e-probe"},
		{"inline script refused by CSP", `document.body.append(Object.assign(document.createElement('script'), {textContent: '1'})); true`, "Content Security Policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := env.browser.Tab(t)
			run(t, tb, chromedp.Navigate(env.server.URL+"/en/"))
			chrome.Eval[bool](t, tb, tt.script)
			chrome.Poll[bool](t, tb, `true`)
			var seen []string
			require.Eventually(t, func() bool {
				seen = append(seen, tb.Take()...) // taken: provoked on purpose
				return strings.Contains(strings.Join(seen, "\n"), tt.want)
			}, 5*time.Second, 20*time.Millisecond, "recorder should see %q", tt.want)
		})
	}
}

// TestPreloadsUsed: the pages with a meter ask for the module and
// wasm_exec.js in their head; the meter's own requests must reuse those
// answers (a preload whose mode differs from the later fetch, e.g. without
// crossorigin, downloads the 2.6 MB module twice).
func TestPreloadsUsed(t *testing.T) {
	tb := env.browser.Tab(t)
	var mu sync.Mutex
	seen := map[string]int{}
	chromedp.Listen(tb, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			for _, name := range []string{".wasm", "wasm_exec."} {
				if strings.Contains(e.Request.URL, name) {
					mu.Lock()
					seen[name]++
					mu.Unlock()
				}
			}
		}
	})
	_, err := chromedp.Call(tb, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(tb, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
	require.NoError(t, err)
	run(t, tb, chromedp.Navigate(env.server.URL+"/en/embed/"))
	chrome.Poll[bool](t, tb, `!!globalThis.styrke`)
	assert.Equal(t, 1, chrome.Eval[int](t, tb, `document.querySelectorAll('link[rel=preload][as=fetch][crossorigin]').length`))
	assert.Equal(t, 1, chrome.Eval[int](t, tb, `document.querySelectorAll('link[rel=modulepreload]').length`))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]int{".wasm": 1, "wasm_exec.": 1}, seen, "requests for each")
}
