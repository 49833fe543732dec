package chrome

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Warnings collects the console.warn messages of a tab (a tab fails its
// test on console errors only), for a test that checks the hints a page's
// developer is given.
type Warnings struct {
	mu   sync.Mutex
	msgs []string
}

// ListenWarnings starts collecting tab's console.warn messages, each one's
// arguments joined by spaces (a string argument as its text).
func ListenWarnings(t testing.TB, tab *Tab) *Warnings {
	t.Helper()
	w := &Warnings{}
	if err := chromedp.Listen(tab, func(ev any) {
		e, ok := ev.(*runtime.EventConsoleAPICalled)
		if !ok || e.Type != runtime.ConsoleAPICalledTypeWarning {
			return
		}
		parts := make([]string, 0, len(e.Args))
		for _, a := range e.Args {
			var s string
			if json.Unmarshal(a.Value, &s) != nil {
				s = string(a.Value)
			}
			parts = append(parts, s)
		}
		w.mu.Lock()
		w.msgs = append(w.msgs, strings.Join(parts, " "))
		w.mu.Unlock()
	}); err != nil {
		t.Fatalf("chrome: listen: %v", err)
	}
	return w
}

// With returns the warnings so far that contain s ("" for all of them).
func (w *Warnings) With(s string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, m := range w.msgs {
		if strings.Contains(m, s) {
			out = append(out, m)
		}
	}
	return out
}
