package site_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// foreignHost serves one HTML page with csp: a host page on another origin.
func foreignHost(t *testing.T, csp, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body><main>
<label for="password">Password</label><input id="password" type="password" autocomplete="new-password">
` + body + `
</main></body></html>`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestEmbedGuideAsPrinted follows the embed guide literally: its two lines
// and its CSP line, copied from the guide as a person sees it on a running
// `styrke serve` (a build without -origin), pasted into a page on another
// origin, give a working meter. The same lines with a script that cannot
// load leave the element's fallback text in view, not nothing.
func TestEmbedGuideAsPrinted(t *testing.T) {
	// The host page's origin is in Styrke's --origins, as the guide says:
	// the lines' breach check goes to Styrke's server, not a third party.
	var page atomic.Pointer[[2]string] // the CSP and the lines the host serves
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := page.Load()
		w.Header().Set("Content-Security-Policy", "default-src 'self'; "+p[0])
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body><main>
<label for="password">Password</label><input id="password" type="password" autocomplete="new-password"><button>Next</button>
` + p[1] + `
</main></body></html>`))
	}))
	t.Cleanup(host.Close)
	b := startBackend(t, "--origins", host.URL)
	tb := env.browser.Tab(t)
	run(t, tb, chromedp.Navigate(b.base+site.Path(site.Embed, "en")))
	chrome.Poll[bool](t, tb, `document.querySelector('[data-origin-placeholder]') === null`)
	snippet := chrome.Eval[string](t, tb, `document.querySelector('[data-testid=snippet]').innerText`)
	csp := chrome.Eval[string](t, tb, `document.querySelector('[data-testid=host-csp]').innerText`)
	assert.Contains(t, snippet, `src="`+b.base+site.MeterPath+`"`, "the guide prints the running site's origin, and the name that never changes")
	pinnedSnippet := chrome.Eval[string](t, tb, `document.querySelector('[data-testid=pinned-snippet]').innerText`)
	assert.Contains(t, pinnedSnippet, `src="`+b.base+`/assets/`)
	assert.NotContains(t, snippet+csp, "styrke.example")
	pinned := chrome.Eval[string](t, tb, `document.querySelector('[data-testid=pinned]').innerText`)
	assert.NotContains(t, pinned, "styrke.example")

	t.Run("its tables fit a phone", func(t *testing.T) {
		// The attributes' table was 414 px wide in a 309 px box at 375
		// px: the base attribute's address did not break.
		for _, lang := range site.Languages {
			pt := env.browser.Tab(t)
			run(t, pt, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Embed, lang)))
			chrome.Poll[bool](t, pt, `document.querySelectorAll('table').length > 0`)
			assert.Empty(t, chrome.Eval[[]string](t, pt, `[...document.querySelectorAll('table')].filter((e) => e.scrollWidth > e.parentElement.clientWidth + 1).map((e) => e.scrollWidth + ' in ' + e.parentElement.clientWidth)`), lang)
			// A directive's name is one word ("script-" over "src" read as
			// two at 375 px).
			assert.Empty(t, chrome.Eval[[]string](t, pt, `[...document.querySelectorAll('th[scope=row] code')].filter((e) => e.getClientRects().length > 1).map((e) => e.textContent)`), lang)
		}
	})

	for _, tc := range []struct{ name, lines string }{{"pasted as printed", snippet}, {"pinned lines pasted as printed", pinnedSnippet}} {
		t.Run(tc.name, func(t *testing.T) {
			pasted(t, b.base, csp, tc.lines)
		})
	}

	// A host that has a policy of its own adds the guide's sources to its
	// own directives: the line appended to it ("add this to the page's own
	// policy") gave it a second script-src, which the browser ignores, and
	// the page's own script-src 'self' kept the meter out for good.
	t.Run("sources merged into a page's own policy", func(t *testing.T) {
		sources := chrome.Eval[map[string]string](t, tb, `Object.fromEntries([...document.querySelectorAll('[data-testid=host-csp-sources] tr')].map((tr) => [tr.querySelector('th').innerText, tr.querySelector('td').innerText]))`)
		require.Len(t, sources, 2, "the guide names the sources of script-src and connect-src: %v", sources)
		own := "script-src 'self' " + sources["script-src"] + "; style-src 'self'; connect-src 'self' https://analytics.example " + sources["connect-src"]
		pasted(t, b.base, own, snippet)
	})

	// The lines as printed sent every visitor's hash prefix, and address,
	// to Have I Been Pwned: they ask Styrke's server (base), under the
	// guide's CSP line, which names no third party.
	t.Run("the breach check goes to Styrke's server", func(t *testing.T) {
		const pw = "Fjellbekk-Sommer!Gronn-43-Lys"
		b.breach(pw, 12)
		page.Store(&[2]string{csp, snippet})
		ht := env.browser.Tab(t)
		run(t, ht, chromedp.Navigate(host.URL))
		chrome.Poll[bool](t, ht, `!!document.querySelector('styrke-meter').shadowRoot && !!globalThis.styrke`)
		run(t, ht, chromedp.SendKeys(chromedp.CSS("#password"), pw))
		chrome.Eval[bool](t, ht, `(document.querySelector("button").focus(), true)`)
		chrome.Poll[bool](t, ht, `document.querySelector('styrke-meter').shadowRoot.querySelector('.breach').dataset.state === "found"`)
		asked := chrome.Eval[[]string](t, ht, `performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/range/'))`)
		require.NotEmpty(t, asked)
		for _, u := range asked {
			assert.True(t, strings.HasPrefix(u, b.base+"/api/breach/range/"), "asked %s", u)
		}
	})

	t.Run("script cannot load: the fallback says so", func(t *testing.T) {
		broken := strings.Replace(snippet, site.MeterPath, "/meter/missing-styrke-meter.js", 1)
		host := foreignHost(t, "default-src 'self'; "+csp, broken)
		ht := env.browser.Tab(t)
		ht.Allow(func(msg string) bool { return strings.Contains(msg, "missing-") })
		run(t, ht, chromedp.Navigate(host))
		chrome.Poll[bool](t, ht, `document.readyState === 'complete'`)
		assert.False(t, chrome.Eval[bool](t, ht, `!!customElements.get('styrke-meter')`))
		assert.Equal(t, site.Texts("en").EmbedFallback(), chrome.Eval[string](t, ht, `document.querySelector('styrke-meter').innerText.trim()`), "the fallback text is in view")
	})
}

// pasted opens lines, copied from the guide, in a page on another origin
// under the guide's CSP line, and types a password the meter accepts.
func pasted(t *testing.T, base, csp, lines string) {
	t.Helper()
	host := foreignHost(t, "default-src 'self'; "+csp, lines)
	require.NotEqual(t, base, host)
	ht := env.browser.Tab(t)
	run(t, ht, chromedp.Navigate(host))
	const pw = "Fjellbekk-Sommer!Gronn-42-Lys" // the snippet names utfjord: no spaces
	chrome.Poll[bool](t, ht, `!!document.querySelector('styrke-meter').shadowRoot && !!globalThis.styrke`)
	run(t, ht, chromedp.SendKeys(chromedp.CSS("#password"), pw))
	chrome.Poll[bool](t, ht, `document.querySelector('styrke-meter').shadowRoot.querySelectorAll('.cell').length === [...`+jsString(pw)+`].length`)
	assert.Equal(t, "The password meets the requirements.", chrome.Eval[string](t, ht, `document.querySelector('styrke-meter').shadowRoot.querySelector('.status').textContent`))
	assert.NotContains(t, chrome.Eval[string](t, ht, `document.querySelector('styrke-meter').innerText`), site.Texts("en").EmbedFallback(), "the fallback text is out of view once the meter runs")
}

// TestEmbedOriginNotAllowed: the guide's lines on a page whose origin is
// not in the server's --origins (a new site, a test host) get a hint in the
// console that names the page's origin and --origins: the breach check
// failed on every password ("Could not check breached password lists now")
// and the console had only Chromium's CORS error, which names neither.
func TestEmbedOriginNotAllowed(t *testing.T) {
	b := startBackend(t, "--origins", "https://www.other.example")
	p := site.EmbedPage{Page: site.Page{Lang: "en"}, Origin: b.base}
	host := foreignHost(t, "default-src 'self'; "+p.HostCSP(), p.Snippet()+`<button>Next</button>`)
	ht := env.browser.Tab(t)
	ht.Allow(func(msg string) bool { return strings.Contains(msg, "/api/breach/range/") })
	w := chrome.ListenWarnings(t, ht)
	run(t, ht, chromedp.Navigate(host))
	chrome.Poll[bool](t, ht, `!!document.querySelector('styrke-meter').shadowRoot && !!globalThis.styrke`)
	run(t, ht, chromedp.SendKeys(chromedp.CSS("#password"), "Fjellbekk-Sommer!Gronn-44-Lys"))
	chrome.Eval[bool](t, ht, `(document.querySelector("button").focus(), true)`)
	chrome.Poll[bool](t, ht, `document.querySelector('styrke-meter').shadowRoot.querySelector('.breach').dataset.state === "unavailable"`)
	assert.Eventually(t, func() bool { return len(w.With("--origins")) > 0 }, 10*time.Second, 20*time.Millisecond, "a console hint naming --origins; warnings: %q", w.With(""))
	for _, m := range w.With("--origins") {
		assert.Contains(t, m, host, "the hint names the page's origin")
	}
}

// TestEmbedFallbackDescribesTheField: the guide's lines and its password
// field, pasted as printed into a page at 375 px, tie the fallback text to
// the field (aria-describedby), so that a screen reader hears it at the
// field when the meter cannot run (its script blocked by the page's CSP);
// once the meter runs, the field is described by the meter's own words
// (its verdict, or why it could not start), never by the fallback text as
// well. The fallback text was tied to nothing: a screen reader's user at
// the field of a page whose CSP blocked the script heard nothing of it.
func TestEmbedFallbackDescribesTheField(t *testing.T) {
	tb := env.browser.Tab(t)
	run(t, tb, chromedp.Navigate(env.server.URL+site.Path(site.Embed, "en")))
	chrome.Poll[bool](t, tb, `document.querySelector('[data-origin-placeholder]') === null`)
	snippet := chrome.Eval[string](t, tb, `document.querySelector('[data-testid=snippet]').innerText`)
	csp := chrome.Eval[string](t, tb, `document.querySelector('[data-testid=host-csp]').innerText`)
	field := chrome.Eval[string](t, tb, `document.querySelector('[data-testid=snippet-field]').innerText`)
	require.Contains(t, field, `id="password"`)
	fallback := site.Texts("en").EmbedFallback()
	origin := env.server.URL

	// open serves the field and the lines under csp and opens them at
	// 375 px.
	open := func(t *testing.T, csp string, allow func(string) bool) *chrome.Tab {
		t.Helper()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host</title></head><body><main>
<label for="password">Password</label>` + field + `
` + snippet + `
</main></body></html>`))
		}))
		t.Cleanup(srv.Close)
		ht := env.browser.Tab(t)
		if allow != nil {
			ht.Allow(allow)
		}
		run(t, ht, chromedp.EmulateViewport(375, 900), chromedp.Navigate(srv.URL))
		chrome.Poll[bool](t, ht, `document.readyState === 'complete'`)
		return ht
	}
	desc := func(t *testing.T, ht *chrome.Tab) string {
		t.Helper()
		return chrome.AX(t, ht, `document.getElementById('password')`).Description
	}

	t.Run("the meter runs", func(t *testing.T) {
		ht := open(t, "default-src 'self'; "+csp, nil)
		chrome.Poll[bool](t, ht, `!!globalThis.styrke && document.querySelector('styrke-meter').shadowRoot.querySelector('.status').textContent === "Type a password."`)
		assert.Equal(t, "Type a password.", desc(t, ht), "the field's description is the meter's verdict alone")
		run(t, ht, chromedp.SendKeys(chromedp.CSS("#password"), "Fjellbekk-Sommer!Gronn-42-Lys"))
		chrome.Poll[bool](t, ht, `document.querySelector('styrke-meter').shadowRoot.querySelector('.status').textContent === "The password meets the requirements."`)
		assert.Equal(t, "The password meets the requirements.", desc(t, ht))
		assert.NotContains(t, chrome.Eval[string](t, ht, `document.body.innerText`), fallback, "the fallback text is out of view")
	})

	t.Run("the script is blocked", func(t *testing.T) {
		// A page whose CSP was not given the guide's sources.
		ht := open(t, "default-src 'self'", func(msg string) bool { return strings.Contains(msg, origin+site.MeterPath) })
		chrome.Poll[bool](t, ht, `performance.now() > 1000`)
		require.False(t, chrome.Eval[bool](t, ht, `!!customElements.get('styrke-meter')`), "the script ran")
		assert.Equal(t, fallback, desc(t, ht), "the field's description is the fallback text")
		assert.Equal(t, fallback, chrome.Eval[string](t, ht, `document.querySelector('styrke-meter').innerText.trim()`), "the fallback text is in view")
	})

	t.Run("WebAssembly is blocked", func(t *testing.T) {
		// The guide's sources without 'wasm-unsafe-eval': the script runs
		// and says why the meter cannot.
		ht := open(t, "default-src 'self'; "+strings.ReplaceAll(csp, " 'wasm-unsafe-eval'", ""), func(msg string) bool {
			return strings.Contains(msg, "WebAssembly") || strings.Contains(msg, "wasm")
		})
		chrome.Poll[bool](t, ht, `document.querySelector('styrke-meter')._failed === "blocked"`)
		blocked := chrome.Eval[string](t, ht, `document.querySelector('styrke-meter').shadowRoot.querySelector('.status').textContent`)
		require.Contains(t, blocked, "security policy blocks WebAssembly")
		assert.Equal(t, blocked, desc(t, ht), "the field's description is the meter's state alone")
	})
}

// TestEmbedOriginHintOnlyForARefusal: the console's --origins hint
// (TestEmbedOriginNotAllowed) is given for a Styrke server that answers and
// refuses the page's origin, also through a proxy, and not for one that is
// down behind a proxy, whose 502 refuses the page as CORS does: the hint
// said the origin was not allowed, and sent the page's developer to
// --origins while the server was down. A server that refuses and then
// never answers leaves "could not check" after the time limit: the check
// that told the two apart had none, and the meter said "Checking breached
// password lists …" for good.
func TestEmbedOriginHintOnlyForARefusal(t *testing.T) {
	// proxy is a reverse proxy to target: 502 when target does not answer.
	proxy := func(t *testing.T, target string) string {
		u, err := url.Parse(target)
		require.NoError(t, err)
		p := httptest.NewServer(httputil.NewSingleHostReverseProxy(u))
		t.Cleanup(p.Close)
		return p.URL
	}
	// hung refuses the page's preflight at once and answers nothing else.
	hung := func(t *testing.T) string {
		stop := make(chan struct{})
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		}))
		t.Cleanup(s.Close)
		t.Cleanup(func() { close(stop) })
		return s.URL
	}
	down := httptest.NewServer(nil)
	down.Close()
	refusing := startBackend(t, "--origins", "https://www.other.example")
	for _, tc := range []struct {
		name   string
		server func(t *testing.T) string
		hint   bool
	}{
		{"a proxy in front of a server that refuses the page", func(t *testing.T) string { return proxy(t, refusing.base) }, true},
		{"a proxy in front of a server that is down", func(t *testing.T) string { return proxy(t, down.URL) }, false},
		{"a server that refuses, then does not answer", hung, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			server := tc.server(t)
			csp := "default-src 'self'; script-src 'self' " + env.server.URL + " 'wasm-unsafe-eval'; connect-src 'self' " + env.server.URL + " " + server
			host := foreignHost(t, csp, `<script type="module" async src="`+env.server.URL+site.MeterPath+`"></script>
<styrke-meter for="password" policy="uit" base="`+server+site.BreachBase+`"></styrke-meter><button>Next</button>`)
			ht := env.browser.Tab(t)
			ht.Allow(func(msg string) bool { return strings.Contains(msg, server) })
			w := chrome.ListenWarnings(t, ht)
			run(t, ht, chromedp.Navigate(host))
			chrome.Poll[bool](t, ht, `!!document.querySelector('styrke-meter').shadowRoot && !!globalThis.styrke`)
			run(t, ht, chromedp.SendKeys(chromedp.CSS("#password"), "Fjellbekk-Sommer!Gronn-45-Lys"))
			chrome.Eval[bool](t, ht, `(document.querySelector("button").focus(), true)`)
			// The range request's time limit is 3 s, and the check after it.
			state := `document.querySelector('styrke-meter').shadowRoot.querySelector('.breach').dataset.state`
			_, err := chrome.PollErr[bool](ht, state+` === "unavailable"`, 10*time.Second)
			require.NoError(t, err, "the breach check's state: %q", chrome.Eval[string](t, ht, state))
			if tc.hint {
				assert.Eventually(t, func() bool { return len(w.With("--origins")) > 0 }, 10*time.Second, 20*time.Millisecond, "a console hint naming --origins; warnings: %q", w.With(""))
				for _, m := range w.With("--origins") {
					assert.Contains(t, m, host, "the hint names the page's origin")
				}
				return
			}
			chrome.Eval[bool](t, ht, `new Promise((r) => setTimeout(() => r(true), 300))`)
			assert.Empty(t, w.With("--origins"), "a hint of --origins for a server that is down")
		})
	}
}

// TestEmbedOriginHintNotForARateLimit: a page whose origin the Styrke
// server allows, its client over the server's rate limit, gets no
// --origins hint: the server refuses the breach check's preflight with
// 429 (preflights are limited with the API), which the browser reports as
// CORS does, and the hint's check (the server's meter script answers)
// took the server for one that refuses the page. The breach check says it
// could not check, as for a server that is down.
func TestEmbedOriginHintNotForARateLimit(t *testing.T) {
	var base atomic.Pointer[string] // the backend's, once it runs
	hostSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := *base.Load()
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' "+env.server.URL+" 'wasm-unsafe-eval'; connect-src 'self' "+env.server.URL+" "+b)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body><main>
<label for="password">Password</label><input id="password" type="password" autocomplete="new-password">
<script type="module" async src="` + env.server.URL + site.MeterPath + `"></script>
<styrke-meter for="password" policy="uit" base="` + b + site.BreachBase + `"></styrke-meter><button>Next</button>
</main></body></html>`))
	}))
	t.Cleanup(hostSrv.Close)
	host := hostSrv.URL
	b := startBackend(t, "--origins", host)
	base.Store(&b.base)
	ht := env.browser.Tab(t)
	ht.Allow(func(msg string) bool { return strings.Contains(msg, b.base) })
	w := chrome.ListenWarnings(t, ht)
	run(t, ht, chromedp.Navigate(host))
	chrome.Poll[bool](t, ht, `!!document.querySelector('styrke-meter').shadowRoot && !!globalThis.styrke`)

	// Other clients at the browser's address (127.0.0.1) spend the
	// server's per-client budget (20 a second) as it comes, until the
	// check has ended.
	stop := make(chan struct{})
	var (
		flooding sync.WaitGroup
		limited  atomic.Int32
	)
	for range 4 {
		flooding.Add(1)
		go func() {
			defer flooding.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, err := http.NewRequest(http.MethodOptions, b.base+site.BreachBase+"/range/00000", nil)
				if err != nil {
					return
				}
				req.Header.Set("Origin", "https://flood.example")
				req.Header.Set("Access-Control-Request-Method", "GET")
				if res, err := http.DefaultClient.Do(req); err == nil {
					if res.StatusCode == http.StatusTooManyRequests {
						limited.Add(1)
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			}
		}()
	}
	defer func() { close(stop); flooding.Wait() }()
	require.Eventually(t, func() bool { return limited.Load() > 0 }, 10*time.Second, 10*time.Millisecond, "the server's rate limit reached")

	run(t, ht, chromedp.SendKeys(chromedp.CSS("#password"), "Fjellbekk-Sommer!Gronn-46-Lys"))
	chrome.Eval[bool](t, ht, `(document.querySelector("button").focus(), true)`)
	state := `document.querySelector('styrke-meter').shadowRoot.querySelector('.breach').dataset.state`
	_, err := chrome.PollErr[bool](ht, state+` === "unavailable"`, 10*time.Second)
	require.NoError(t, err, "the breach check's state: %q", chrome.Eval[string](t, ht, state))
	chrome.Eval[bool](t, ht, `new Promise((r) => setTimeout(() => r(true), 300))`)
	assert.Empty(t, w.With("--origins"), "a hint of --origins for a page the server allows")
}
