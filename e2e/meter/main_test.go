// Package meter_test runs the <styrke-meter> web component and the
// WebAssembly module in headless Chromium (one browser for the package, a
// tab per test, see e2e/chrome) and compares what the page shows with the
// native policy.Evaluate.
//
// TestMain builds the module once (GOOS=js GOARCH=wasm go build), copies
// wasm_exec.js from GOROOT, the module's ES module and the test page into a
// temp dir, and serves it on loopback under the strict CSP
//
//	default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' http://127.0.0.1:*
//
// The breach range API is a protocol-exact fake in this package (fake_test.go)
// because server/breach/breachtest has not landed yet.
package meter_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/wasm/wasmbuild"
)

// CSP is the strict policy the test page is served with.
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' http://127.0.0.1:*"

// cspNoWasm forbids WebAssembly.
const cspNoWasm = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' http://127.0.0.1:*"

// cspNoConnect allows WebAssembly but no request to the page's own origin,
// which serves the module: a host that left Styrke's origin out of its
// connect-src.
const cspNoConnect = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src http://localhost:1"

// gate is the channel that /held/styrke.wasm waits on; holdWasm replaces it.
var gate = struct {
	sync.Mutex
	c chan struct{}
}{c: make(chan struct{})}

func wasmGate() chan struct{} {
	gate.Lock()
	defer gate.Unlock()
	return gate.c
}

// holdWasm makes /held/styrke.wasm wait until release is called.
func holdWasm() (release func()) {
	c := make(chan struct{})
	gate.Lock()
	gate.c = c
	gate.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(c) }) }
}

var env struct {
	browser *chrome.Browser
	site    *httptest.Server
	fake    *fakeRange
	dir     string
}

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e/meter setup:", err)
		code = 1
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "styrke-e2e-meter-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	env.dir = dir
	env.fake = newFakeRange()
	defer env.fake.Close()
	if err := BuildSite(dir, env.fake.URL+"/ok"); err != nil {
		return 0, err
	}
	env.site = httptest.NewServer(siteHandler(dir))
	defer env.site.Close()
	b, err := chrome.Start()
	if err != nil {
		return 0, err
	}
	defer b.Close()
	env.browser = b
	return m.Run(), nil
}

// BuildSite builds the module into dir and copies wasm_exec.js, the ES
// module and the test page (its meter pointed at the range API base) beside it.
func BuildSite(dir, base string) error {
	root, err := filepath.Abs("../..")
	if err != nil {
		return err
	}
	if err := wasmbuild.Build(context.Background(), root, filepath.Join(dir, "styrke.wasm"), "./wasm"); err != nil {
		return err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	copies := map[string]string{
		filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"): "wasm_exec.js",
		filepath.Join(root, "wasm", "styrke-meter.js"):                                  "styrke-meter.js",
		filepath.Join(root, "e2e", "meter", "testdata", "index.html"):                   "index.html",
		filepath.Join(root, "e2e", "meter", "testdata", "page.css"):                     "page.css",
		filepath.Join(root, "e2e", "meter", "testdata", "light.css"):                    "light.css",
		filepath.Join(root, "e2e", "meter", "testdata", "dark.css"):                     "dark.css",
		filepath.Join(root, "e2e", "meter", "testdata", "page.js"):                      "page.js",
	}
	for from, to := range copies {
		data, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		if to == "index.html" {
			data = []byte(strings.Replace(string(data), `base="BASE"`, `base="`+base+`"`, 1))
		}
		if to == "wasm_exec.js" { // as the site ships it
			module, err := os.ReadFile(filepath.Join(dir, "styrke.wasm"))
			if err != nil {
				return err
			}
			data = wasmbuild.TrimExec(data, module)
		}
		if err := os.WriteFile(filepath.Join(dir, to), data, 0o644); err != nil {
			return err
		}
		if to == "index.html" {
			// light.html: the same page on a host with no dark mode;
			// dark.html on a dark host that does not say so (no
			// color-scheme).
			for _, page := range []string{"light", "dark"} {
				html := strings.Replace(string(data), `href="page.css"`, `href="`+page+`.css"`, 1)
				if err := os.WriteFile(filepath.Join(dir, page+".html"), []byte(html), 0o644); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// siteHandler serves dir with the strict CSP; /nowasm/ serves the same files
// under a CSP without 'wasm-unsafe-eval', /noconnect/ under one whose
// connect-src leaves out the page's origin, /nofetch/ drops the connection
// that asks for the module, and /held/ serves them with the module held
// back until the test releases it (wasmGate).
func siteHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		csp := CSP
		if p, ok := strings.CutPrefix(r.URL.Path, "/nowasm/"); ok {
			csp = cspNoWasm
			r.URL.Path = "/" + p
		}
		if p, ok := strings.CutPrefix(r.URL.Path, "/noconnect/"); ok {
			csp = cspNoConnect
			r.URL.Path = "/" + p
		}
		if p, ok := strings.CutPrefix(r.URL.Path, "/nofetch/"); ok {
			r.URL.Path = "/" + p
			if p == "styrke.wasm" {
				// The connection drops: a network failure, not a refusal.
				if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
					c.Close()
				}
				return
			}
		}
		if p, ok := strings.CutPrefix(r.URL.Path, "/held/"); ok {
			r.URL.Path = "/" + p
			if p == "styrke.wasm" {
				select {
				case <-wasmGate():
				case <-r.Context().Done():
					return
				}
			}
		}
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Cache-Control", "no-store")
		files.ServeHTTP(w, r)
	})
}
