package chrome

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// AXNode is what Chromium's accessibility tree exposes of one element: what
// a screen reader is given, computed by the browser (not read from the DOM).
type AXNode struct {
	Role, Name, Description string
	// Live is the node's aria-live politeness ("polite", "assertive") or "".
	Live string
}

// AX returns the accessibility node of the element that the JavaScript
// expression elem evaluates to (for example
// `document.getElementById("pw")`), through the DevTools protocol's
// Accessibility domain, failing t when there is none.
func AX(t testing.TB, tab *Tab, elem string) AXNode {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, EvalTimeout)
	defer cancel()
	obj, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: elem})
	if err != nil || obj.Result == nil || obj.Result.ObjectID == "" {
		t.Fatalf("chrome: AX: no element (%v)", err)
	}
	no := false
	tree, err := chromedp.Call(ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: obj.Result.ObjectID, FetchRelatives: &no})
	if err != nil || len(tree.Nodes) == 0 {
		t.Fatalf("chrome: AX: no accessibility node (%v)", err)
	}
	n := tree.Nodes[0]
	str := func(v *accessibility.Value) string {
		if v == nil || len(v.Value) == 0 {
			return ""
		}
		var s string
		if json.Unmarshal(v.Value, &s) != nil {
			return string(v.Value)
		}
		return s
	}
	out := AXNode{Role: str(n.Role), Name: str(n.Name), Description: str(n.Description)}
	for _, p := range n.Properties {
		if p.Name == accessibility.PropertyNameLive {
			out.Live = str(p.Value)
		}
	}
	return out
}
