package meter_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
)

// contrastJS lists the meter's visible text whose contrast with the
// background behind it is under WCAG 2.2 AA (4.5:1; 3:1 for large text),
// walking from each text's element up through the shadow host to the
// page for the first opaque background (the canvas, white, when none).
const contrastJS = `(() => {
	const rgb = (c) => { const m = /rgba?\(([^)]*)\)/.exec(c); if (!m) return null; const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
	const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
	const up = (n) => n.parentElement || (n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null);
	const bg = (e) => { for (let n = e; n; n = up(n)) { const c = rgb(getComputedStyle(n).backgroundColor); if (c && c.a > 0) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
	const root = document.querySelector("styrke-meter").shadowRoot;
	const bad = [];
	let checked = 0;
	for (const e of root.querySelectorAll("*")) {
		if (![...e.childNodes].some((n) => n.nodeType === 3 && n.data.trim())) continue;
		if (e.closest(".sr, [hidden]") || !e.getClientRects().length) continue;
		const s = getComputedStyle(e);
		const fg = rgb(s.color), b = bg(e);
		const l1 = lum(fg), l2 = lum(b);
		const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
		const size = parseFloat(s.fontSize), large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
		checked++;
		if (ratio < (large ? 3 : 4.5)) bad.push(e.tagName.toLowerCase() + "." + e.className + ": " + ratio.toFixed(2) + " (" + s.color + " on rgb(" + b.r + ", " + b.g + ", " + b.b + "))");
	}
	return {checked, bad};
})()`

// TestContrast: every visible text of the meter meets WCAG 2.2 AA contrast
// in light and dark mode, on a host page that has a dark mode (it declares
// color-scheme: light dark), on one that has none (a person whose phone
// is in dark mode must not get the dark palette on a white page), and on a
// dark page that does not declare it (the meter's black and #555 texts
// stood on the page's #121212).
func TestContrast(t *testing.T) {
	for _, page := range []string{"/index.html", "/light.html", "/dark.html"} {
		for _, scheme := range []string{"light", "dark"} {
			t.Run(page+" "+scheme, func(t *testing.T) {
				tab := env.browser.Tab(t)
				_, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
				})
				require.NoError(t, err)
				require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+page)))
				chrome.Poll[bool](t, tab, `!!globalThis.styrke && `+meterJS+`.shadowRoot.querySelector(".rules").children.length > 0`)
				type result struct {
					Checked int
					Bad     []string
				}
				// A weak password (unmet rules, zero cells with notes) and a
				// strong one (met rules), each against a known breach answer.
				if page == "/index.html" && scheme == "dark" {
					// A page with a dark mode keeps its own background
					// behind the meter in dark mode.
					assert.Equal(t, "rgba(0, 0, 0, 0)", chrome.Eval[string](t, tab, `getComputedStyle(`+meterJS+`).backgroundColor`), "the meter's background")
				}
				for _, pw := range []string{"aaaaaaaabbbbbb", "Granskog!Lirype-Vadmel9"} {
					setValue(t, tab, "pw", pw)
					r := chrome.Eval[result](t, tab, contrastJS)
					assert.Greater(t, r.Checked, 5, "texts checked")
					assert.Empty(t, r.Bad, fmt.Sprintf("texts under AA contrast with a %d-character password", len(pw)))
				}
			})
		}
	}
}
