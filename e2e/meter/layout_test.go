package meter_test

import (
	"os"
	"path/filepath"
	"strconv"
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
