// Package site_test runs the built site in headless Chromium under the
// production headers: every page in every language, console errors and CSP
// violations as failures, an axe-core scan, and screenshots at 375 and 1280
// px written to e2e/screens/ for review.
//
// TestMain builds the site once with `go run ./build` (or uses -dist DIR),
// serves it on loopback with the headers of its own _headers file applied by
// package webheaders, and starts one browser for the whole package; each
// test opens its own tab.
package site_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/site/webheaders"
)

var distFlag = flag.String("dist", "", "use this already built site instead of building one")

var env struct {
	root    string // module root
	dist    string
	server  *httptest.Server
	browser context.Context
	axe     string // axe.min.js source
}

func TestMain(m *testing.M) {
	flag.Parse()
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e/site setup:", err)
		code = 1
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	root, err := moduleRoot()
	if err != nil {
		return 0, err
	}
	env.root = root
	env.dist = *distFlag
	if env.dist == "" {
		tmp, err := os.MkdirTemp("", "styrke-e2e-site-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(tmp)
		env.dist = filepath.Join(tmp, "dist")
		cmd := exec.Command("go", "run", "./build", "-out", env.dist)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("go run ./build: %w\n%s", err, out)
		}
	}
	headers, err := os.ReadFile(filepath.Join(env.dist, "_headers"))
	if err != nil {
		return 0, err
	}
	rules, err := webheaders.ParseNetlify(headers)
	if err != nil {
		return 0, err
	}
	env.server = httptest.NewServer(rules.Handler(http.FileServer(http.Dir(env.dist))))
	defer env.server.Close()

	if env.axe, err = axeSource(root); err != nil {
		return 0, err
	}

	profile, err := os.MkdirTemp("", "styrke-e2e-chrome-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(profile)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if _, err := chromedp.Run(browser, chromedp.Evaluate[bool]("true")); err != nil {
		return 0, fmt.Errorf("start chromium: %w", err)
	}
	env.browser = browser
	return m.Run(), nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// axeSource returns axe.min.js of axe-core 4 from the npm registry, cached
// under $(go env GOCACHE)/styrke-axe.
func axeSource(root string) (string, error) {
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOCACHE: %w", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "styrke-axe")
	file := filepath.Join(dir, "axe.min.js")
	if data, err := os.ReadFile(file); err == nil {
		return string(data), nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	cmd := exec.Command("npm", "pack", "axe-core@4", "--silent", "--pack-destination", dir)
	cmd.Dir = dir
	name, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("npm pack axe-core@4: %w", err)
	}
	tgz := filepath.Join(dir, strings.TrimSpace(string(name)))
	f, err := os.Open(tgz)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return "", fmt.Errorf("axe.min.js not found in %s: %w", tgz, err)
		}
		if h.Name != "package/axe.min.js" {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return "", err
		}
		tmp := file + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return "", err
		}
		return string(data), os.Rename(tmp, file)
	}
}

// tab is one browser tab with its console collected.
type tab struct {
	ctx  context.Context
	mu   sync.Mutex
	msgs []string
	// allowNetwork says which failed requests are expected (an API answer
	// of 404 logs a network error).
	allowNetwork func(url string) bool
}

// newTab opens a tab that records every console error, uncaught exception
// and browser-log error (failed loads, CSP violations).
func newTab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(env.browser)
	t.Cleanup(cancel)
	tb := &tab{ctx: ctx, allowNetwork: func(string) bool { return false }}
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
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
				if e.Entry.Source == log.EntrySourceNetwork && tb.allowNetwork(e.Entry.URL) {
					return
				}
				msg = "log " + string(e.Entry.Source) + ": " + e.Entry.Text + " " + e.Entry.URL
			}
		}
		if msg != "" {
			tb.mu.Lock()
			tb.msgs = append(tb.msgs, msg)
			tb.mu.Unlock()
		}
	}))
	return tb
}

// errors returns what the console recorded so far.
func (tb *tab) errors() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.msgs...)
}

// run runs actions with a time limit.
func (tb *tab) run(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

// eval evaluates expr (awaiting a promise) and returns its value.
func eval[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	require.NoError(t, err, "evaluate %.80s", expr)
	return v
}

// poll waits until expr is truthy. It polls inside one evaluation rather
// than with chromedp.Poll, whose `new Function` the page's CSP (rightly)
// refuses and reports as a violation.
func (tb *tab) poll(t *testing.T, expr string) {
	t.Helper()
	tb.pollFor(t, expr, 20*time.Second)
}

// pollFor is poll with a time limit.
func (tb *tab) pollFor(t *testing.T, expr string, limit time.Duration) {
	t.Helper()
	js := `new Promise((resolve) => {
		const deadline = Date.now() + ` + strconv.FormatInt(limit.Milliseconds(), 10) + `;
		const tick = () => {
			let v = false;
			try { v = !!(` + expr + `); } catch (e) { v = false; }
			if (v || Date.now() > deadline) resolve(v); else setTimeout(tick, 25);
		};
		tick();
	})`
	ctx, cancel := context.WithTimeout(tb.ctx, limit+10*time.Second)
	defer cancel()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
	require.NoError(t, err, "waiting for %s", expr)
	require.True(t, ok, "timed out waiting for %s", expr)
}
