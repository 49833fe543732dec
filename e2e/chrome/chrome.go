// Package chrome is the shared harness of the e2e tests: one Debian Chromium
// per test package, a fresh tab per test, and every JavaScript exception,
// console error and security (CSP) log entry of that tab turned into a test
// failure when the test ends.
//
// Use it from TestMain:
//
//	var browser *chrome.Browser
//
//	func TestMain(m *testing.M) {
//		b, err := chrome.Start()
//		if err != nil { fmt.Fprintln(os.Stderr, err); os.Exit(1) }
//		browser = b
//		code := m.Run()
//		b.Close()
//		os.Exit(code)
//	}
//
// and in a test:
//
//	tab := browser.Tab(t)              // closed by t.Cleanup
//	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(url)))
//	ready := chrome.Poll[bool](t, tab, `window.ready === true`)
//
// Start launches /usr/bin/chromium (or $CHROMIUM) headless with --no-sandbox
// --disable-gpu --disable-quic --no-first-run --disable-background-networking
// --disable-component-update --disable-sync --process-per-site
// --disable-features=DisabledFeatures and a fresh
// --user-data-dir that Close removes. With Keep, the tabs of one site then
// share one renderer process that stays up, where each tab otherwise started
// one of its own (see Keep). It uses the generic API of chromedp v0.23
// (chromedp.Run[T], chromedp.Evaluate[T]).
package chrome

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// DefaultTimeout bounds Poll when the test has no deadline of its own that
// is sooner; EvalTimeout bounds Eval (an axe-core scan or a batch start can
// take seconds on a loaded machine).
const (
	DefaultTimeout = 20 * time.Second
	EvalTimeout    = 60 * time.Second
)

// TabTimeout bounds the life of a tab that Tab opens: when it has passed
// (or, sooner, DeadlineGrace before the test's own deadline, go test's
// -timeout), every step still waiting in the tab (a load that never ends, a
// chromedp wait or a Poll whose condition never comes true) and every step
// after it fails with an error that wraps context.DeadlineExceeded, the
// test's message names the step, and the tab is closed. Without it a hung
// page waited for the package's timeout, whose panic names no step.
const TabTimeout = 3 * time.Minute

// DeadlineGrace is left between a tab's deadline and its test's, so that the
// test fails with its step's message before go test's -timeout ends the
// package.
const DeadlineGrace = 30 * time.Second

// DisabledFeatures are the Chromium features Start turns off
// (--disable-features). Chromium 156 gives every window two WebUI pages of
// its own for the address bar's popup (chrome://omnibox-popup.top-chrome/
// and its omnibox_popup_aim.html), all in one "top-chrome" renderer, whose
// main thread then keeps a core busy while the windows are open, idle or not,
// more than in proportion to their number: with ten windows open at a static
// page, 1.3-1.4 of this machine's two cores went to it, 0.06 with these off
// (BENCHMARKS.md, "The test suite's time"). Each tab chromedp opens is a
// window, and the tests hold several at once.
const DisabledFeatures = "WebUIOmniboxPopup,WebUIOmniboxAimPopup"

// Browser is one running Chromium shared by the tests of a package. Its
// methods are safe for concurrent use; each tab is independent.
type Browser struct {
	ctx         context.Context
	cancel      func()
	cancelAlloc func()
	profile     string
	keep        string // the page Keep holds open, also in Isolated's browser contexts
	isolated    bool   // a browser context of its own (Isolated's)
}

// Start launches a headless Chromium and waits until it answers. Call Close
// when done (typically at the end of TestMain).
func Start() (*Browser, error) {
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	profile, err := os.MkdirTemp("", "styrke-e2e-chrome-")
	if err != nil {
		return nil, fmt.Errorf("chrome: profile dir: %w", err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("process-per-site", true),
		chromedp.Flag("disable-features", DisabledFeatures),
		chromedp.UserDataDir(profile),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, cancel: cancel, cancelAlloc: cancelAlloc, profile: profile}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("true")); err != nil {
		b.Close()
		return nil, fmt.Errorf("chrome: start %s: %w", path, err)
	}
	return b, nil
}

// Context is the browser's context, for a program that drives it without a
// testing.TB (a benchmark); tests use Tab.
func (b *Browser) Context() context.Context { return b.ctx }

// Close stops the browser and removes its profile directory.
func (b *Browser) Close() {
	b.cancel()
	b.cancelAlloc()
	if b.profile != "" {
		os.RemoveAll(b.profile)
	}
}

// Keep opens a tab at url that stays open until Close, and does the same in
// every browser context that Isolated opens later. Chromium (started with
// --process-per-site) then puts the tabs of url's site (its host: cookies'
// and processes' site ignores the port) in the renderer process that tab
// holds: each tab otherwise started a renderer process of its own, which
// ended when the tab closed, at about a second of CPU a tab on a 2-core
// machine. The pages stay apart (each tab's JavaScript, storage for its
// browser context); what they share is one process's main thread. The
// page at url should need nothing from a test's servers: its console is
// not watched.
func (b *Browser) Keep(url string) error {
	if _, err := chromedp.Run(b.ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("chrome: keep %s: %w", url, err)
	}
	b.keep = url
	return nil
}

// Isolated returns a Browser whose tabs share a browser context of their
// own (cookies, storage and cache apart from every other tab, as an
// incognito window's), in b's Chromium. Tests that sign in to servers of
// the same host can then run at the same time: cookies ignore the port, so
// in b's tabs one test's sign-in replaces another's cookie. t.Cleanup
// closes the browser context (after the tabs that tests under t opened);
// its Close does nothing.
func (b *Browser) Isolated(t testing.TB) *Browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	// A blank tab holds the browser context (at Keep's page, if b has one);
	// the tabs of the Browser returned open beside it.
	var actions []chromedp.Action[chromedp.Void]
	if b.keep != "" {
		actions = append(actions, chromedp.Navigate(b.keep))
	}
	if err := chromedp.Do(ctx, actions...); err != nil {
		cancel()
		t.Fatalf("chrome: open a browser context: %v", err)
	}
	t.Cleanup(cancel)
	return &Browser{ctx: ctx, cancel: func() {}, cancelAlloc: func() {}, keep: b.keep, isolated: true}
}

// Tab is one browser tab opened for one test. It is a chromedp context:
// pass it to chromedp.Run and chromedp.Do.
type Tab struct {
	context.Context
	isolated bool // opened in Isolated's browser context
	mu       sync.Mutex
	msgs     []string
	allowed  []func(string) bool
}

// Tab opens a fresh tab for t that lives at most TabTimeout (see
// TabWithin). When t ends, the tab is closed and every uncaught exception,
// console.error/console.assert call and error or security entry of the
// browser log (CSP violations, failed loads) seen in the tab fails t, unless
// an Allow predicate accepts its text.
func (b *Browser) Tab(t testing.TB) *Tab {
	t.Helper()
	return b.TabWithin(t, TabTimeout)
}

// TabWithin is Tab for a tab that lives at most limit from now, or until
// DeadlineGrace before t's deadline when that is sooner. Once its deadline
// has passed, every step in the tab fails at once (an error that wraps
// context.DeadlineExceeded) and, when t ends, t fails with a message that
// says the tab's deadline passed. Use it for a test that needs its tab
// longer than TabTimeout.
func (b *Browser) TabWithin(t testing.TB, limit time.Duration) *Tab {
	t.Helper()
	opened := time.Now()
	deadline := opened.Add(limit)
	if td, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := td.Deadline(); ok && end.Add(-DeadlineGrace).Before(deadline) {
			deadline = end.Add(-DeadlineGrace)
		}
	}
	ctx, cancel := chromedp.NewContext(b.ctx)
	// The tab's first Run (Listen's) opens the target and binds its life to
	// the context it gets: the one with the deadline.
	tctx, stop := context.WithDeadline(ctx, deadline)
	tab := &Tab{Context: tctx, isolated: b.isolated}
	if err := chromedp.Listen(tctx, tab.record); err != nil {
		stop()
		cancel()
		t.Fatalf("chrome: open a tab: %v", err)
	}
	t.Cleanup(func() {
		for _, m := range tab.Errors() {
			t.Errorf("browser: %s", m)
		}
		if errors.Is(tctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			t.Errorf("chrome: the tab's deadline passed (%v after it opened, at %s; chrome.TabTimeout %v, or %v before the test's -timeout): the step then waiting failed with context deadline exceeded, and every step after it",
				deadline.Sub(opened).Round(time.Millisecond), deadline.Format("15:04:05"), TabTimeout, DeadlineGrace)
		}
		stop()
		cancel()
	})
	return tab
}

// Allow makes the tab accept console and log messages for which ok returns
// true (for example a console.warn a test provokes on purpose, or a network
// error from a fake server that a test stops). Call it before the message.
func (tab *Tab) Allow(ok func(msg string) bool) {
	tab.mu.Lock()
	tab.allowed = append(tab.allowed, ok)
	tab.mu.Unlock()
}

// Errors returns the messages recorded so far that would fail the test.
func (tab *Tab) Errors() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return append([]string(nil), tab.msgs...)
}

// Take returns the messages recorded so far and forgets them, for a test
// that provokes an error on purpose and checks it.
func (tab *Tab) Take() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	m := tab.msgs
	tab.msgs = nil
	return m
}

func (tab *Tab) record(ev any) {
	var msg string
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			parts := make([]string, 0, len(e.Args))
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			msg = "console." + string(e.Type) + ": " + strings.Join(parts, " ")
		}
	case *runtime.EventExceptionThrown:
		msg = "exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError || e.Entry.Source == log.EntrySourceSecurity {
			msg = "log " + string(e.Entry.Source) + ": " + e.Entry.Text + " " + e.Entry.URL
		}
	}
	if msg == "" {
		return
	}
	tab.mu.Lock()
	defer tab.mu.Unlock()
	for _, ok := range tab.allowed {
		if ok(msg) {
			return
		}
	}
	tab.msgs = append(tab.msgs, msg)
}

// Eval evaluates expr in the tab's page (awaiting a promise result) and
// decodes its JSON value into T, failing t on error (the message never
// quotes expr, which may hold a password). The call is bounded by
// EvalTimeout.
func Eval[T any](t testing.TB, tab *Tab, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, EvalTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("chrome: eval: %v", err) // not the expression: it may hold a password
	}
	return v
}

// Poll waits until the JavaScript expression expr is truthy in the tab's
// page and returns its value decoded into T, failing t after
// DefaultTimeout. The waiting happens in the page (one evaluation that
// re-checks expr every 16 ms), never in Go sleeps. Unlike chromedp.Poll it
// does not build a function from a string inside the page, which a strict
// Content-Security-Policy refuses (and reports as a violation).
func Poll[T any](t testing.TB, tab *Tab, expr string) T {
	t.Helper()
	v, err := PollErr[T](tab, expr, DefaultTimeout)
	if err != nil {
		t.Fatalf("chrome: poll %.80q: %v", expr, err)
	}
	return v
}

// PollErr is Poll with its own time limit, returning the error (a timeout
// wraps context.DeadlineExceeded) instead of failing a test. A navigation
// while it waits (the page's context is destroyed under the evaluation)
// does not end the poll: it evaluates expr again in the new page.
func PollErr[T any](tab *Tab, expr string, timeout time.Duration) (T, error) {
	var zero T
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left < 0 {
			left = 0
		}
		res, err := pollOnce(tab, expr, left)
		if err != nil {
			if navigated(err) && time.Now().Before(deadline) {
				// The new document is loading; ask again in a moment.
				time.Sleep(16 * time.Millisecond)
				continue
			}
			return zero, err
		}
		if !res.OK {
			return zero, fmt.Errorf("%w: not true after %v", context.DeadlineExceeded, timeout)
		}
		var v T
		if err := json.Unmarshal(res.V, &v); err != nil {
			return zero, fmt.Errorf("chrome: poll value: %w", err)
		}
		return v, nil
	}
}

type pollResult struct {
	OK bool            `json:"ok"`
	V  json.RawMessage `json:"v"`
}

// pollOnce runs one in-page polling promise that re-checks expr every
// 16 ms for up to timeout.
func pollOnce(tab *Tab, expr string, timeout time.Duration) (pollResult, error) {
	js := `new Promise((resolve) => {
		const deadline = Date.now() + ` + strconv.FormatInt(timeout.Milliseconds(), 10) + `;
		const tick = () => {
			let v;
			try { v = (` + expr + `); } catch (e) { v = undefined; }
			if (v) resolve({ok: true, v: v});
			else if (Date.now() > deadline) resolve({ok: false});
			else setTimeout(tick, 16);
		};
		tick();
	})`
	ctx, cancel := context.WithTimeout(tab, timeout+10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[pollResult](js, chromedp.EvalAwaitPromise))
}

// navigated reports whether err says the page's JavaScript context went
// away under an evaluation because the tab navigated.
func navigated(err error) bool {
	msg := err.Error()
	for _, s := range []string{"navigated or closed", "Execution context was destroyed", "Cannot find context with specified id", "Cannot find default execution context"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Latency makes every request of the target in ctx wait ms milliseconds
// for its response (DevTools' network emulation; bandwidth not limited);
// 0 ends it. The network domain must be enabled.
func Latency(ctx context.Context, ms float64) error {
	_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Latency: ms, DownloadThroughput: -1, UploadThroughput: -1}}})
	return err
}

// Offline takes tab off the network (navigator.onLine false, every request
// refused before it goes out, as DevTools' offline emulation does), or back
// on. The tab must be of an Isolated browser context: navigator.onLine is
// the renderer process's, and with --process-per-site every tab of a site
// in one browser context shares that process, so a tab of the package's
// shared context going offline took every parallel test's page of the site
// offline with it. The tabs of the same Isolated context go offline
// together.
func Offline(tab *Tab, off bool) error {
	if !tab.isolated {
		return errors.New("chrome: Offline on a tab of the shared browser context would take every tab of its site offline (navigator.onLine is the renderer process's): open the tab in Browser.Isolated's context")
	}
	if _, err := chromedp.Call(tab, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}}}); err != nil {
		return fmt.Errorf("chrome: network conditions: %w", err)
	}
	if _, err := chromedp.Call(tab, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		return fmt.Errorf("chrome: network state: %w", err)
	}
	return nil
}
