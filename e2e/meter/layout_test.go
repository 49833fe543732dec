package meter_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
)

// TestLayout checks that the meter fits without horizontal scrolling at
// 320, 375 and 1280 px, and writes a screenshot of each width to
// $TMPDIR/styrke-meter-<width>.png for review.
func TestLayout(t *testing.T) {
	for _, width := range []int64{320, 375, 1280} {
		t.Run(strconv.FormatInt(width, 10), func(t *testing.T) {
			tab := env.browser.Tab(t)
			require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(width, 900)))
			require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+"/index.html")))
			chrome.Poll[bool](t, tab, `!!globalThis.styrke && `+meterJS+`.shadowRoot.querySelector(".rules").children.length > 0`)
			require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), "Sommerfugl!!!!!!-2024-ÆØÅ-aaaaab")))
			assert.True(t, chrome.Eval[bool](t, tab, `document.documentElement.scrollWidth <= document.documentElement.clientWidth`), "no horizontal scroll at %d px", width)
			png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(os.TempDir(), "styrke-meter-"+strconv.FormatInt(width, 10)+".png"), png, 0o644))
		})
	}
}

// TestScoreNumberFits: the score's number sits in a box of fixed size
// (a layout boundary: a changed score lays out nothing else), sized from
// its digits and separator. Right after the field was empty, the box fits
// the number: nothing sticks out, and no gap opens before it (a box of one
// ch per character left half a digit of space before "26,5").
func TestScoreNumberFits(t *testing.T) {
	tab := env.browser.Tab(t)
	require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(375, 900)))
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+"/index.html")))
	chrome.Poll[bool](t, tab, `!!globalThis.styrke && `+meterJS+`.shadowRoot.querySelector(".sv") !== null`)
	type fit struct {
		Text           string
		Gap, Right, Ch float64
	}
	seen := map[bool]bool{} // whether a score with a decimal separator was seen
	for _, pw := range []string{"a", "Sommer2024!", "abcdefghij", "Sommerfugl!!!!!!-2024-ÆØÅ-aaaaab", "kort passord her 9", "ÆØÅæøå!#%&/()=?1234567890abcdefghijklmnopqrstuvwxyz"} {
		f := chrome.Eval[fit](t, tab, `(() => {
			const input = document.querySelector('#pw'), m = `+meterJS+`;
			for (const v of ['', `+strconv.Quote(pw)+`]) { input.value = v; input.dispatchEvent(new Event('input', {bubbles: true})); }
			const sv = m.shadowRoot.querySelector('.sv'), r = document.createRange();
			r.selectNodeContents(sv);
			const box = sv.getBoundingClientRect(), text = r.getBoundingClientRect();
			const probe = document.createElement('span');
			probe.textContent = '0000000000';
			sv.parentNode.append(probe);
			const ch = probe.getBoundingClientRect().width / 10;
			probe.remove();
			return {text: sv.textContent, gap: text.left - box.left, right: box.right - text.right, ch};
		})()`)
		require.NotEmpty(t, f.Text, "password %q", pw)
		seen[strings.ContainsAny(f.Text, ".,")] = true
		assert.GreaterOrEqual(t, f.Gap, -0.5, "score %q sticks out of its box on the left", f.Text)
		assert.GreaterOrEqual(t, f.Right, -0.5, "score %q sticks out of its box on the right", f.Text)
		assert.Less(t, f.Gap, 0.25*f.Ch, "score %q: space before it in its box, px (ch is %.1f px)", f.Text, f.Ch)
	}
	assert.Equal(t, map[bool]bool{true: true, false: true}, seen, "scores with and without a decimal separator")
}
