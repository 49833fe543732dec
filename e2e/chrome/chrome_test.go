package chrome_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
)

var browser *chrome.Browser

func TestMain(m *testing.M) {
	b, err := chrome.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	browser = b
	code := m.Run()
	b.Close()
	os.Exit(code)
}

func TestEvalAndPoll(t *testing.T) {
	tab := browser.Tab(t)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate("about:blank")))
	assert.Equal(t, 3, chrome.Eval[int](t, tab, `1 + 2`))
	chrome.Eval[bool](t, tab, `setTimeout(() => { window.later = 7 }, 10), true`)
	assert.Equal(t, 7, chrome.Poll[int](t, tab, `window.later`))
}

func TestErrorsRecorded(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"exception", `setTimeout(() => { throw new Error("boom") }, 0), true`, "boom"},
		{"console error", `console.error("bad thing"), true`, "bad thing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := browser.Tab(t)
			require.NoError(t, chromedp.Do(tab, chromedp.Navigate("about:blank")))
			chrome.Eval[bool](t, tab, tt.script)
			chrome.Eval[bool](t, tab, `new Promise(r => setTimeout(() => r(true), 50))`)
			got := tab.Take()
			require.Len(t, got, 1)
			assert.Contains(t, got[0], tt.want)
		})
	}
}

func TestAllow(t *testing.T) {
	tab := browser.Tab(t)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate("about:blank")))
	tab.Allow(func(msg string) bool { return strings.Contains(msg, "expected") })
	chrome.Eval[bool](t, tab, `console.error("expected"), true`)
	chrome.Eval[bool](t, tab, `new Promise(r => setTimeout(() => r(true), 50))`)
	assert.Empty(t, tab.Take())
}

func TestPollTimeout(t *testing.T) {
	tab := browser.Tab(t)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate("about:blank")))
	_, err := chrome.PollErr[bool](tab, `false`, 200_000_000)
	require.Error(t, err)
}

// TestPollAcrossNavigation: a poll that is waiting while the page navigates
// (a language switch, a redirect) keeps waiting in the new page instead of
// failing with "Inspected target navigated or closed". It failed on the
// harness that evaluated the polling promise only once.
func TestPollAcrossNavigation(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>a</title><p>a</p>`)
	})
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {
		// The second page answers slowly, so the poll is waiting in the
		// first page when it goes away.
		time.Sleep(300 * time.Millisecond)
		fmt.Fprint(w, `<!doctype html><title>b</title><p id=b>b</p>`)
	})
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(mux)
	// Closed after the tabs (cleanups run last first): with defer it closed
	// before them, while a tab could still ask for /favicon.ico, and the
	// refused request failed the test now and then.
	t.Cleanup(srv.Close)

	for i := 0; i < 3; i++ {
		tab := browser.Tab(t)
		require.NoError(t, chromedp.Do(tab, chromedp.Navigate(srv.URL+"/a")))
		chrome.Eval[bool](t, tab, `setTimeout(() => { location.href = '/b' }, 50), true`)
		assert.Equal(t, "b", chrome.Poll[string](t, tab, `location.pathname === '/b' && document.getElementById('b') && document.getElementById('b').textContent`))
	}
}

// TestTabDeadline: a step in a tab that waits for something that never
// comes (a page that never finishes loading, a condition never true) fails
// when the tab's deadline passes, and the test is told that the deadline
// passed. On the harness whose tabs had no deadline, both steps waited for
// the package's -timeout (here the watchdog's 20 s).
func TestTabDeadline(t *testing.T) {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/never", func(w http.ResponseWriter, r *http.Request) {
		// Headers and the start of the page, then nothing: the load event
		// never fires.
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>never</title><p>loading`)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>ok</title><p>ok`)
	})
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer close(release)

	const limit = 3 * time.Second
	tests := []struct {
		name string
		step func(tab *chrome.Tab) error
	}{
		{"a load that never ends", func(tab *chrome.Tab) error {
			return chromedp.Do(tab, chromedp.Navigate(srv.URL+"/never"))
		}},
		{"a wait that never comes true", func(tab *chrome.Tab) error {
			if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/ok")); err != nil {
				return err
			}
			_, err := chrome.PollErr[bool](tab, `document.title === 'never'`, 10*time.Minute)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &cleanups{TB: t}
			start := time.Now()
			tab := browser.TabWithin(rec, limit)
			done := make(chan error, 1)
			go func() { done <- tt.step(tab) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(limit + 20*time.Second):
				rec.run()
				t.Fatalf("the step still waits %v after its tab opened with a deadline of %v", time.Since(start).Round(time.Second), limit)
			}
			took := time.Since(start)
			assert.ErrorIs(t, err, context.DeadlineExceeded, "the step's error")
			assert.GreaterOrEqual(t, took, limit, "the step ended before the tab's deadline")
			assert.Less(t, took, limit+10*time.Second, "the step ended long after the tab's deadline")
			rec.run()
			require.Len(t, rec.errs, 1, "the test's failures when the tab is closed: %q", rec.errs)
			assert.Contains(t, rec.errs[0], "chrome: the tab's deadline passed (3s after it opened")

			// A step after the deadline fails at once.
			start = time.Now()
			assert.ErrorIs(t, chromedp.Do(tab, chromedp.Navigate(srv.URL+"/ok")), context.DeadlineExceeded)
			assert.Less(t, time.Since(start), time.Second)
		})
	}
}

// TestTabDeadlineKept: a tab whose test ends before its deadline fails
// nothing when it is closed.
func TestTabDeadlineKept(t *testing.T) {
	rec := &cleanups{TB: t}
	tab := browser.TabWithin(rec, time.Minute)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate("about:blank")))
	assert.Equal(t, 3, chrome.Eval[int](t, tab, `1 + 2`))
	deadline, ok := tab.Deadline()
	require.True(t, ok, "the tab has a deadline")
	assert.WithinDuration(t, time.Now().Add(time.Minute), deadline, 5*time.Second)
	rec.run()
	assert.Empty(t, rec.errs)
}

// cleanups is the test's testing.TB, but keeps the cleanups it is given to
// run them when asked and records the errors they report.
type cleanups struct {
	testing.TB
	fns  []func()
	errs []string
}

func (c *cleanups) Cleanup(f func()) { c.fns = append(c.fns, f) }
func (c *cleanups) Errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

func (c *cleanups) run() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
	c.fns = nil
}

// TestIsolated: a cookie set in a tab of an Isolated browser is seen by its
// other tabs, not by the shared browser's tabs nor another Isolated
// browser's, though every server is on 127.0.0.1 (a cookie ignores the
// port).
func TestIsolated(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query().Get("set"); v != "" {
			http.SetCookie(w, &http.Cookie{Name: "who", Value: v, Path: "/"})
		}
		fmt.Fprint(w, `<!doctype html><title>c</title><p>c`)
	})
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	one, two := httptest.NewServer(mux), httptest.NewServer(mux)
	defer one.Close()
	defer two.Close()

	cookie := func(b *chrome.Browser, url string) string {
		t.Helper()
		tab := b.Tab(t)
		require.NoError(t, chromedp.Do(tab, chromedp.Navigate(url)))
		return chrome.Eval[string](t, tab, `document.cookie`)
	}
	a, b := browser.Isolated(t), browser.Isolated(t)
	require.Equal(t, "who=a", cookie(a, one.URL+"/?set=a"))
	require.Equal(t, "who=b", cookie(b, two.URL+"/?set=b"))
	assert.Equal(t, "who=a", cookie(a, two.URL+"/"), "another tab of the same Isolated browser, another port")
	assert.Equal(t, "who=b", cookie(b, one.URL+"/"), "the other Isolated browser")
	assert.Equal(t, "", cookie(browser, one.URL+"/"), "the shared browser")
}

// TestKeep: after Keep, a tab of the kept page's site (on another port)
// runs in the renderer process Keep's tab holds: when that process crashes,
// the tab's page goes with it. It fails without Keep or without
// --process-per-site (the tab's page then has a process of its own and
// still answers).
func TestKeep(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>k</title><link rel="icon" href="data:,"><p>k`)
	}))
	defer srv.Close()
	other := httptest.NewServer(srv.Config.Handler)
	defer other.Close()
	b, err := chrome.Start()
	require.NoError(t, err)
	defer b.Close()
	require.NoError(t, b.Keep(srv.URL+"/"))

	tab := b.Tab(t)
	tab.Allow(func(string) bool { return true }) // the crash's own messages
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(other.URL+"/a")))
	assert.Equal(t, "k", chrome.Eval[string](t, tab, `document.title`))

	// The kept tab's renderer crashes (its answer never comes: no wait).
	crash, cancel := context.WithTimeout(b.Context(), 2*time.Second)
	defer cancel()
	_, _ = chromedp.Call(crash, page.Crash, cdp.Empty{})
	ask, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	_, err = chromedp.Run(ask, chromedp.Evaluate[string](`document.title`))
	assert.Error(t, err, "the tab's page answered after the kept process crashed: it had a process of its own")
}

// TestOfflineStaysInItsContext: a tab taken offline by chrome.Offline
// leaves the other tabs of its site online. navigator.onLine is the renderer
// process's (DevTools' Network.overrideNetworkState sets it for the whole
// process), and with --process-per-site the tabs of one site in one browser
// context share that process: a test that went offline in a shared tab took
// every parallel test's page offline with it (the fresh-clone CI at
// bce0d9e: TestActivationEndToEnd's offline step made
// TestActivationSetsADPassword's submit send nothing, "could not reach the
// service"). Offline therefore refuses a tab of the shared context.
func TestOfflineStaysInItsContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>o</title><link rel="icon" href="data:,"><p>o`)
	}))
	defer srv.Close()
	b, err := chrome.Start()
	require.NoError(t, err)
	defer b.Close()
	require.NoError(t, b.Keep(srv.URL+"/keep"))
	open := func(b *chrome.Browser) *chrome.Tab {
		tab := b.Tab(t)
		require.NoError(t, chromedp.Do(tab, chromedp.Navigate(srv.URL+"/")))
		return tab
	}
	other := open(b)

	// The cause, as Chromium has it: one shared tab offline, all of them.
	shared := open(b)
	_, err = chromedp.Call(shared, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	require.NoError(t, err)
	chrome.Poll[bool](t, other, `navigator.onLine === false`)
	_, err = chromedp.Call(shared, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: false, DownloadThroughput: -1, UploadThroughput: -1})
	require.NoError(t, err)
	chrome.Poll[bool](t, other, `navigator.onLine === true`)
	require.Error(t, chrome.Offline(shared, true), "Offline took a tab of the shared context offline")

	own := open(b.Isolated(t))
	require.NoError(t, chrome.Offline(own, true))
	chrome.Poll[bool](t, own, `navigator.onLine === false`)
	assert.True(t, chrome.Eval[bool](t, other, `navigator.onLine`), "another tab of the site went offline with it")
	require.NoError(t, chrome.Offline(own, false))
	chrome.Poll[bool](t, own, `navigator.onLine === true`)
}

// TestNoBrowserUIPerWindow: every tab is a window of its own, and Chromium
// 156 gave each window WebUI pages for the address bar's popup, whose
// renderer kept the cores busy while the windows stayed open (see
// chrome.DisabledFeatures). A Chromium that adds such pages again, or names
// the features otherwise, fails here rather than slowing every e2e package.
func TestNoBrowserUIPerWindow(t *testing.T) {
	for range 3 {
		tab := browser.Tab(t)
		require.NoError(t, chromedp.Do(tab, chromedp.Navigate("about:blank")))
	}
	infos, err := chromedp.Targets(browser.Context())
	require.NoError(t, err)
	pages := 0
	var ui []string
	for _, in := range infos {
		switch in.Type {
		case "page":
			pages++
		case "browser_ui":
			ui = append(ui, in.URL)
		}
	}
	require.GreaterOrEqual(t, pages, 3, "the tabs opened")
	assert.Empty(t, ui, "browser UI pages beside %d windows: turn their features off in chrome.DisabledFeatures", pages)
}
