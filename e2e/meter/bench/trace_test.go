package main

import (
	"strings"
	"testing"
)

func input(ts, dur, tdur float64) traceEvent {
	e := traceEvent{Name: "EventDispatch", TS: ts, Dur: dur, TDur: tdur, Tid: 1}
	e.Args.Data.Type = "input"
	return e
}

// TestBreakdown: each slow keystroke gets one cause, from its thread time
// and the main thread's events inside it; fast ones and other threads'
// events count for nothing.
func TestBreakdown(t *testing.T) {
	events := []traceEvent{
		input(0, 400, 390),       // fast
		input(1000, 3000, 900),   // preempted
		input(10000, 2000, 1900), // busy, a collection inside
		{Name: "MinorGC", TS: 10100, Dur: 1500, Tid: 1},
		input(20000, 1500, 1400), // busy, a compile inside
		{Name: "wasm.CompileLazy", TS: 20100, Dur: 300, Tid: 1},
		input(30000, 1200, 1100),                                          // busy, nothing of its own inside
		{Name: "MinorGC", TS: 30100, Dur: 900, Tid: 2},                    // another thread's
		{Name: "EventDispatch", TS: 40000, Dur: 5000, TDur: 5000, Tid: 1}, // not an input event
	}
	got, wallP99, threadP99 := breakdown(events)
	if wallP99 != 3 || threadP99 != 1.9 {
		t.Errorf("p99s = %v wall, %v thread; want 3, 1.9", wallP99, threadP99)
	}
	for _, want := range []string{
		"traced load (5 input events)",
		"4 keystrokes of 1 ms or more",
		"preempted (the thread ran under half the time) 1;",
		"V8's collector 1;",
		"V8's compilers 1;",
		"nothing traced inside (page faults or the host) 1;",
		"3.0/0.9 ms",
		"MinorGC=1.5",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("breakdown lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "MinorGC=0.9") {
		t.Errorf("another thread's event counted:\n%s", got)
	}
	if got, _, _ := breakdown(nil); !strings.Contains(got, "no input dispatches") {
		t.Errorf("breakdown(nil) = %q", got)
	}
}
