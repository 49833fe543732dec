package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// traceCategories are what traceKeystrokes asks DevTools to record: the
// page's event dispatches with their main-thread time, and V8's collector
// and compilers, whose work inside a keystroke shows as nested events.
var traceCategories = []string{"devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute",
	"v8.wasm", "disabled-by-default-v8.gc", "disabled-by-default-v8.compile", "blink"}

// traceEvent is the part of a Chrome trace event the breakdown reads.
type traceEvent struct {
	Name string  `json:"name"`
	TS   float64 `json:"ts"`   // µs
	Dur  float64 `json:"dur"`  // µs, wall
	TDur float64 `json:"tdur"` // µs, the thread's own CPU time
	Tid  int64   `json:"tid"`
	Args struct {
		Data struct {
			Type string `json:"type"`
		} `json:"data"`
	} `json:"args"`
}

// traceKeystrokes runs script (the keystroke run of one page load) under
// DevTools tracing and logs where the slow keystrokes went: each input
// event's dispatch has its wall time and the main thread's own CPU time
// (tdur), so a keystroke that took long while the thread did not run was
// preempted (the host, or Chromium's other threads on two cores), and one
// whose thread did run shows what V8 did inside it. Tracing slows every
// keystroke a little, so this load's figures stay out of the budget row.
func traceKeystrokes(ctx context.Context, script string, log io.Writer) (wallP99, threadP99 float64, err error) {
	var mu sync.Mutex
	var events []traceEvent
	done := make(chan struct{})
	chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			defer mu.Unlock()
			for _, v := range e.Value {
				b, err := json.Marshal(v)
				if err != nil {
					continue
				}
				var te traceEvent
				if json.Unmarshal(b, &te) == nil {
					events = append(events, te)
				}
			}
		case *tracing.EventTracingComplete:
			close(done)
		}
	})
	if _, err := chromedp.Call(ctx, tracing.Start, tracing.StartParams{TraceConfig: &tracing.TraceConfig{IncludedCategories: traceCategories}}); err != nil {
		return 0, 0, fmt.Errorf("tracing: %w", err)
	}
	type res struct{ Render []float64 }
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[res](script, chromedp.EvalAwaitPromise)); err != nil {
		return 0, 0, fmt.Errorf("traced keystrokes: %w", err)
	}
	if _, err := chromedp.Call(ctx, tracing.End, cdp.Empty{}); err != nil {
		return 0, 0, fmt.Errorf("tracing: %w", err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
	mu.Lock()
	defer mu.Unlock()
	text, wallP99, threadP99 := breakdown(events)
	fmt.Fprint(log, text)
	return wallP99, threadP99, nil
}

// breakdown sums up the input dispatches of events (see traceKeystrokes)
// and returns their p99s, wall and the main thread's own time, in ms.
func breakdown(events []traceEvent) (text string, wallP99, threadP99 float64) {
	var keys []traceEvent
	for _, e := range events {
		if e.Name == "EventDispatch" && e.Args.Data.Type == "input" {
			keys = append(keys, e)
		}
	}
	if len(keys) == 0 {
		return "traced load: no input dispatches in the trace\n", 0, 0
	}
	wall, thread := make([]float64, len(keys)), make([]float64, len(keys))
	for i, k := range keys {
		wall[i], thread[i] = k.Dur/1000, k.TDur/1000
	}
	var b strings.Builder
	fmt.Fprintf(&b, "traced load (%d input events): wall p50 %.2f p99 %.2f ms; the main thread's own time p50 %.2f p99 %.2f ms\n",
		len(keys), pct(wall, 50), pct(wall, 99), pct(thread, 50), pct(thread, 99))
	slices.SortFunc(keys, func(a, b traceEvent) int { return cmp.Compare(b.Dur, a.Dur) })
	causes := map[string]int{}
	var slow []string
	for _, k := range keys {
		if k.Dur < 1000 {
			break
		}
		cause, inside := "the thread busy, nothing traced inside (page faults or the host)", ""
		var names []string
		if k.TDur < k.Dur/2 {
			cause = "preempted (the thread ran under half the time)"
		}
		for _, e := range events {
			if e.Tid != k.Tid || e.TS < k.TS || e.TS >= k.TS+k.Dur || e.Dur < 100 {
				continue
			}
			if e.Name != "FunctionCall" && e.Name != "v8.callFunction" && e.Name != "EventDispatch" {
				names = append(names, fmt.Sprintf("%s=%.1f", e.Name, e.Dur/1000))
			}
			switch {
			case e.Name == "MinorGC" || e.Name == "MajorGC" || strings.HasPrefix(e.Name, "V8.GC_MARK_COMPACTOR") || e.Name == "V8.WasmCodeGC":
				inside = "V8's collector"
			case inside == "" && (strings.Contains(e.Name, "Compile") || strings.Contains(e.Name, "Optimize") || strings.Contains(e.Name, "Deoptimize") || strings.HasPrefix(e.Name, "wasm.")):
				inside = "V8's compilers"
			}
		}
		if inside != "" && k.TDur >= k.Dur/2 {
			cause = inside
		}
		causes[cause]++
		if len(slow) < 5 {
			slow = append(slow, fmt.Sprintf("%.1f/%.1f ms [%s]", k.Dur/1000, k.TDur/1000, strings.Join(names, " ")))
		}
	}
	n := 0
	for _, c := range causes {
		n += c
	}
	fmt.Fprintf(&b, "traced load: %d keystrokes of 1 ms or more; by cause:", n)
	for _, c := range slices.Sorted(maps.Keys(causes)) {
		fmt.Fprintf(&b, " %s %d;", c, causes[c])
	}
	fmt.Fprintf(&b, "\ntraced load, the slowest (wall/thread, and the main thread's events of 0.1 ms or more inside): %s\n", strings.Join(slow, "; "))
	return b.String(), pct(wall, 99), pct(thread, 99)
}
