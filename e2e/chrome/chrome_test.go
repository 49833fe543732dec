package chrome_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

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
	defer srv.Close()

	for i := 0; i < 3; i++ {
		tab := browser.Tab(t)
		require.NoError(t, chromedp.Do(tab, chromedp.Navigate(srv.URL+"/a")))
		chrome.Eval[bool](t, tab, `setTimeout(() => { location.href = '/b' }, 50), true`)
		assert.Equal(t, "b", chrome.Poll[string](t, tab, `location.pathname === '/b' && document.getElementById('b') && document.getElementById('b').textContent`))
	}
}
