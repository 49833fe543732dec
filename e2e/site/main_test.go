// Package site_test runs the built site in headless Chromium under the
// production headers: every page in every language, console errors and CSP
// violations as failures, an axe-core scan, and screenshots at 375 and 1280
// px written to e2e/screens/ for review.
//
// TestMain builds the site once with `go run ./build` (or uses -dist DIR),
// serves it on loopback with the headers of its own _headers file applied by
// package webheaders, and starts one browser for the whole package; each
// test opens its own tab.
//
// The tests that say "see parallel" run as parallel tabs of that browser
// (t.Parallel: after the package's other tests, -parallel at a time), each
// waiting for its pages, servers and timers most of its time. Each starts
// what it stops or breaks itself (its own styrke serve with its per-client
// rate limit, breach fake, slapd and its proxy, OpenID provider), and
// shares no mailbox; the reset tests open their tabs in their backend's
// browser context (resetBackend.tab), since cookies ignore the port, so
// one test's sign-in on 127.0.0.1 replaced another's cookie. A test that
// goes offline does so in a browser context of its own too (offline,
// chrome.Offline): navigator.onLine is the renderer process's, which the
// tabs of a site in one context share.
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
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site/webheaders"
)

var distFlag = flag.String("dist", "", "use this already built site instead of building one")

var env struct {
	root    string // module root
	tmp     string // the package's temporary folder (the built site, the styrke binary)
	dist    string
	server  *httptest.Server
	browser *chrome.Browser
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
	tmp, err := os.MkdirTemp("", "styrke-e2e-site-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	env.tmp = tmp
	env.dist = *distFlag
	if env.dist == "" {
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

	browser, err := chrome.Start()
	if err != nil {
		return 0, err
	}
	defer browser.Close()
	// The pages of 127.0.0.1 (this server's and each test's styrke serve)
	// share one renderer process (see chrome.Browser.Keep).
	if err := browser.Keep(env.server.URL + "/404.html"); err != nil {
		return 0, err
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

// run runs actions in the tab with a time limit.
func run(t *testing.T, tab *chrome.Tab, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, steps...))
}
