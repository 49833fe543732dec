// Command batchbench measures the policy designer's batch in headless
// Chromium, as a designer uses it: 100,000 generated passwords (4 to 28
// characters, the e2e test's mix) pasted into the page's textarea, checked
// against the current policy and an edited one (minimum length 12). It
// builds the site, serves it on loopback with its production headers, and
// writes the designer section of BENCHMARKS.md; then how soon the
// activation page starts the module (the sitestart section). Run by
// `make bench`.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/internal/benchsection"
	"github.com/styrke-iam/styrke/site/webheaders"
)

func main() {
	file := flag.String("file", "BENCHMARKS.md", "file whose designer section to write")
	runs := flag.Int("runs", 3, "batches to time (a fresh page each)")
	flag.Parse()
	section, start, err := measure(os.Stdout, *runs)
	if err == nil {
		err = benchsection.Write(*file, "designer", section)
	}
	if err == nil {
		err = benchsection.Write(*file, "sitestart", start)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "batchbench:", err)
		os.Exit(1)
	}
	fmt.Print(section, "\n", start)
}

// setup is run in the page: it edits the policy and pastes the passwords
// (generated in the page, so the figure does not include sending 1.6 MB
// over the DevTools protocol).
const setup = `((fill) => {
	const set = (sel, v) => { const e = document.querySelector(sel); e.value = v;
		e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); };
	set("#f-minLength", "12");
	let seed = 7; const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
	const alpha = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%&/()=?æøåÆØÅ -"];
	const words = ["sommer2024", "password", "qwerty", "fellesiam", "sikt", "aaaa", "1234"];
	const out = [];
	for (let i = 0; i < 100000; i++) {
		let s = rnd(5) === 0 ? words[rnd(words.length)] : "";
		for (let k = 4 + rnd(25); k > 0; k--) s += alpha[rnd(alpha.length)];
		out.push(s);
	}
	window.benchText = out.join("\n");
	if (fill) set("#batch-input", window.benchText);
	return true;
})`

// measureStart times how soon the activation page has started the module
// (globalThis.styrke set), on loopback and with 150 ms of latency on every
// request, with the browser's cache off: the page asks for the module and
// wasm_exec.js in its head (preload hints), the meter fetches the module
// while wasm_exec.js loads.
func measureStart(ctx context.Context, log io.Writer, base string, runs int) (string, error) {
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return "", err
	}
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		return "", err
	}
	defer chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: false})
	script, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `Object.defineProperty(globalThis, "styrke", {configurable: true,
		set(v) { window.benchStarted = performance.now(); Object.defineProperty(globalThis, "styrke", {value: v, writable: true, configurable: true}); }});`})
	if err != nil {
		return "", err
	}
	defer chromedp.Call(ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: script.Identifier})
	var rows strings.Builder
	n := 3 * runs
	for _, lat := range []float64{0, 150} {
		if err := chrome.Latency(ctx, lat); err != nil {
			return "", err
		}
		var ts []float64
		for i := range n + 1 {
			if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/en/activate/?start=%v-%d", base, lat, i))); err != nil {
				return "", err
			}
			v, err := chrome.PollErr[float64](&chrome.Tab{Context: ctx}, `window.benchStarted`, time.Minute)
			if err != nil {
				return "", fmt.Errorf("activation page start: %w", err)
			}
			if i > 0 { // the first load warms the server and the browser up
				ts = append(ts, v)
			}
		}
		fmt.Fprintf(log, "activation page, %v ms latency: module started at %.0f ms\n", lat, ts)
		slices.Sort(ts)
		fmt.Fprintf(&rows, "| %.0f ms | %.0f ms | %.0f ms |\n", lat, ts[len(ts)/2], ts[len(ts)-1])
	}
	if err := chrome.Latency(ctx, 0); err != nil {
		return "", err
	}
	var s strings.Builder
	fmt.Fprintf(&s, "Measured %s by `make bench` (e2e/site/batchbench).\n\n", time.Now().Format("2006-01-02"))
	fmt.Fprintf(&s, "| /en/activate/: module started, latency added to every request | median of %d | max |\n|---|---|---|\n", n)
	s.WriteString(rows.String())
	s.WriteString("\nMethod: the built site served on loopback with its `_headers`, the browser's cache off, fresh navigations; the time is `performance.now()` (from navigation start) when the meter's script sets `globalThis.styrke`, that is when the module has been fetched, compiled and started; latency by DevTools' network emulation (Network.emulateNetworkConditionsByRule, bandwidth not limited).\n")
	return s.String(), nil
}

// firstProgress clicks Run and resolves when the progress bar first moves,
// with the time that took and the page's JS heap then.
const firstProgress = `new Promise((resolve) => {
	const bar = document.querySelector("#batch-progress");
	const t0 = performance.now();
	document.querySelector("[data-batch-run]").click();
	const check = () => bar.value > 0
		? resolve({ms: performance.now() - t0, heap: (performance.memory || {}).usedJSHeapSize || 0})
		: performance.now() - t0 > 120000
		? resolve({ms: -1, status: document.querySelector("[data-batch-status]").textContent + " | " + document.querySelector("[data-batch-count]").textContent + " | run disabled: " + document.querySelector("[data-batch-run]").disabled})
		: setTimeout(check, 5);
	check();
})`

// writeBigList writes a list the size of the largest public password
// lists (14 million lines, about 190 MB).
func writeBigList(path string) (lines, size int, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	lines = 14_000_000
	for i := range lines {
		n, _ := fmt.Fprintf(w, "pw%dxyz%d\n", i*7919%1000003, i%97)
		size += n
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, 0, err
	}
	return lines, size, f.Close()
}

func fmtThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// paste hands the generated list to the batch's box, as a paste (which the
// designer keeps out of the box when it is long) or as the box's new value
// (what the browser does with a paste the page does not take over), and
// resolves to the time until the page has rendered the next frame and run
// a timer after it.
const paste = `((how) => new Promise((resolve) => {
	const ta = document.querySelector("#batch-input");
	const t0 = performance.now();
	if (how === "paste") {
		const dt = new DataTransfer(); dt.setData("text/plain", window.benchText);
		const ev = new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true});
		ta.dispatchEvent(ev);
		if (!ev.defaultPrevented) throw new Error("the page did not take the paste over");
	} else {
		ta.value = window.benchText;
		ta.dispatchEvent(new Event("input", {bubbles: true}));
	}
	requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0)));
}))`

// batch clicks Run and resolves when the results are shown, with the time
// it took and the longest time the page did not run a 50 ms timer.
const batch = `new Promise((resolve) => {
	const results = document.querySelector("[data-batch-results]");
	let last = performance.now(), maxGap = 0;
	const beat = setInterval(() => { const n = performance.now(); maxGap = Math.max(maxGap, n - last); last = n; }, 50);
	const t0 = performance.now();
	new MutationObserver((_, mo) => {
		if (results.dataset.counts === undefined) return;
		mo.disconnect(); clearInterval(beat);
		resolve({ms: performance.now() - t0, maxGap, n: JSON.parse(results.dataset.counts).n, mode: results.dataset.mode});
	}).observe(results, {attributes: true});
	document.querySelector("[data-batch-run]").click();
})`

func measure(log io.Writer, runs int) (designer, start string, err error) {
	dir, err := os.MkdirTemp("", "styrke-batchbench-")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(dir)
	dist := filepath.Join(dir, "dist")
	if out, err := exec.Command("go", "run", "./build", "-out", dist).CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go run ./build: %w\n%s", err, out)
	}
	headers, err := os.ReadFile(filepath.Join(dist, "_headers"))
	if err != nil {
		return "", "", err
	}
	rules, err := webheaders.ParseNetlify(headers)
	if err != nil {
		return "", "", err
	}
	srv := httptest.NewServer(rules.Handler(http.FileServer(http.Dir(dist))))
	defer srv.Close()
	b, err := chrome.Start()
	if err != nil {
		return "", "", err
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(b.Context(), 10*time.Minute)
	defer cancel()
	ctx, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()

	type result struct {
		Ms, MaxGap float64
		N          int
		Mode       string
	}
	// The batch runs in module workers; "page" is its fallback where no
	// worker can start (measured with Worker removed from the page).
	modes := []struct{ mode, row, prep string }{
		{"workers", "the textarea's text, /en/designer/", `true`},
		{"page", "the same without workers (the fallback: on the page's thread)", `(window.Worker = undefined, true)`},
	}
	var rows []string
	var cores int
	for _, m := range modes {
		var rs []result
		for i := range runs {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/en/designer/?run="+fmt.Sprint(i))); err != nil {
				return "", "", err
			}
			if _, err := chrome.PollErr[bool](&chrome.Tab{Context: ctx}, `document.readyState === "complete" && !!globalThis.styrke && !document.querySelector("[data-batch-run]").disabled`, time.Minute); err != nil {
				return "", "", fmt.Errorf("designer not ready: %w", err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](setup+`(true)`)); err != nil {
				return "", "", err
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](m.prep)); err != nil {
				return "", "", err
			}
			r, err := chromedp.Run(ctx, chromedp.Evaluate[result](batch, chromedp.EvalAwaitPromise))
			if err != nil {
				return "", "", fmt.Errorf("batch: %w", err)
			}
			if r.N != 100000 {
				return "", "", fmt.Errorf("batch checked %d passwords, want 100000", r.N)
			}
			if r.Mode != m.mode {
				return "", "", fmt.Errorf("batch ran in %q, want %q", r.Mode, m.mode)
			}
			fmt.Fprintf(log, "batch %d (%s): %.1f s, longest gap %.0f ms\n", i+1, m.mode, r.Ms/1000, r.MaxGap)
			rs = append(rs, r)
		}
		slices.SortFunc(rs, func(a, b result) int { return int(a.Ms - b.Ms) })
		med := rs[len(rs)/2]
		rows = append(rows, fmt.Sprintf("| %s | %.1f s | %.0f µs | %.0f ms |\n", m.row, med.Ms/1000, med.Ms*1000/200000, med.MaxGap))
	}
	// Pasting the list: each way on a freshly loaded page.
	var pasteRows []string
	for _, how := range []struct{ how, row string }{
		{"paste", "pasted (the page keeps a list over 2,000 lines out of the box)"},
		{"value", "the same list as the box's text (what a paste would do without that)"},
	} {
		var ms []float64
		for i := range runs {
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/en/designer/?paste="+fmt.Sprint(i))); err != nil {
				return "", "", err
			}
			if _, err := chrome.PollErr[bool](&chrome.Tab{Context: ctx}, `document.readyState === "complete" && !!globalThis.styrke && !document.querySelector("[data-batch-run]").disabled`, time.Minute); err != nil {
				return "", "", fmt.Errorf("designer not ready: %w", err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](setup+`(false)`)); err != nil {
				return "", "", err
			}
			d, err := chromedp.Run(ctx, chromedp.Evaluate[float64](paste+`("`+how.how+`")`, chromedp.EvalAwaitPromise))
			if err != nil {
				return "", "", fmt.Errorf("paste: %w", err)
			}
			fmt.Fprintf(log, "paste %d (%s): %.0f ms\n", i+1, how.how, d)
			ms = append(ms, d)
		}
		slices.Sort(ms)
		pasteRows = append(pasteRows, fmt.Sprintf("| %s | %.0f ms |\n", how.row, ms[len(ms)/2]))
	}
	// Choosing a long real-world list as a file: the batch reads only the
	// lines it takes.
	big := filepath.Join(dir, "big.txt")
	bigLines, bigBytes, err := writeBigList(big)
	if err != nil {
		return "", "", err
	}
	var starts, heaps []float64
	for i := range runs {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/en/designer/?file="+fmt.Sprint(i))); err != nil {
			return "", "", err
		}
		if _, err := chrome.PollErr[bool](&chrome.Tab{Context: ctx}, `document.readyState === "complete" && !!globalThis.styrke && !document.querySelector("[data-batch-run]").disabled`, time.Minute); err != nil {
			return "", "", fmt.Errorf("designer not ready: %w", err)
		}
		if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#batch-file"), []string{big})); err != nil {
			return "", "", err
		}
		type started struct {
			Ms, Heap float64
			Status   string
		}
		r, err := chromedp.Run(ctx, chromedp.Evaluate[started](firstProgress, chromedp.EvalAwaitPromise))
		if err != nil {
			return "", "", fmt.Errorf("file: %w", err)
		}
		if r.Ms < 0 {
			return "", "", fmt.Errorf("file: the batch did not start in 2 minutes (status %q)", r.Status)
		}
		fmt.Fprintf(log, "file %d: first progress after %.0f ms, heap %.0f MB\n", i+1, r.Ms, r.Heap/1e6)
		starts = append(starts, r.Ms)
		heaps = append(heaps, r.Heap)
		// Let it finish, so the next page load does not compete with it.
		if _, err := chrome.PollErr[bool](&chrome.Tab{Context: ctx}, `document.querySelector("[data-batch-results]").dataset.counts !== undefined`, 5*time.Minute); err != nil {
			return "", "", fmt.Errorf("file batch: %w", err)
		}
	}
	slices.Sort(starts)
	slices.Sort(heaps)
	fileRow := fmt.Sprintf("| a %s-line, %.0f MB list chosen as a file | %.0f ms | %.0f MB |\n", fmtThousands(bigLines), float64(bigBytes)/1e6, starts[len(starts)/2], heaps[len(heaps)/2]/1e6)
	ver, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent.match(/Chrome\/[\d.]+/)[0]`))
	cores, _ = chromedp.Run(ctx, chromedp.Evaluate[int](`navigator.hardwareConcurrency`))
	var s strings.Builder
	fmt.Fprintf(&s, "Measured %s by `make bench` (e2e/site/batchbench) in headless %s, %d cores.\n\n", time.Now().Format("2006-01-02"), ver, cores)
	s.WriteString("| Designer batch: 100,000 passwords, current and edited policy | median of " + fmt.Sprint(runs) + " | wall time per password and policy | longest the page did not run a 50 ms timer |\n|---|---|---|---|\n")
	for _, r := range rows {
		s.WriteString(r)
	}
	s.WriteString("\n| Pasting the 100,000 lines into the designer | median of " + fmt.Sprint(runs) + ", until the next frame is drawn |\n|---|---|\n")
	for _, r := range pasteRows {
		s.WriteString(r)
	}
	s.WriteString("\n| Choosing a long list | median of " + fmt.Sprint(runs) + ", from Run to the first progress | page's JS heap then |\n|---|---|---|\n")
	s.WriteString(fileRow)
	s.WriteString("\nMethod: the site as `go run ./build` renders it, served on loopback with its `_headers`; the passwords are generated in the page (4-28 characters, every fifth starting with a common word, the e2e test's mix) and set as the textarea's value; the time runs from the click on Run to the results being shown (a MutationObserver on them), each run on a freshly loaded page. The batch runs in one module worker per core (at most 4), each on a contiguous share of the lines; the second row removes `Worker` from the page first, so the designer falls back to running it on the page's thread in 30 ms slices. Pasting is a paste event with the list as its clipboard data (taken over by the page), or setting the textarea's value, each on a freshly loaded page; the time runs until a timer set in the next animation frame runs, so it includes the style, layout and paint of that frame. The long list is generated (short passwords, one per line) and chosen with DevTools' file upload; the heap is Chromium's performance.memory.usedJSHeapSize.\n")
	start, err = measureStart(ctx, log, srv.URL, runs)
	return s.String(), start, err
}
