package meter_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
)

// TestLoadingThenScored: until the module is ready the meter says so (no
// verdict, no cells), its polite live region is already in the page, and
// what was typed meanwhile is scored as soon as the module is there.
func TestLoadingThenScored(t *testing.T) {
	release := holdWasm()
	defer release()
	tab := env.browser.Tab(t)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+"/held/index.html")))
	status := meterJS + `.shadowRoot.querySelector(".status").textContent`
	chrome.Poll[bool](t, tab, status+` === "Laster styrkemåleren …"`)
	assert.True(t, chrome.Eval[bool](t, tab, `!!`+meterJS+`.shadowRoot.querySelector('[aria-live="polite"][role="status"]')`), "live region present while loading")

	const pw = "Granskog!Lirype-Vadmel9"
	require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), pw)))
	assert.Equal(t, "Laster styrkemåleren …", chrome.Eval[string](t, tab, status), "still loading after typing")
	assert.Equal(t, 0, chrome.Eval[int](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length`), "no cells before the module")
	assert.Equal(t, 0, chrome.Eval[int](t, tab, `window.changes.length`), "no verdict event before the module")

	release()
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length === `+js(len([]rune(pw))))
	r := native(t, "uit", pw, "nb", nil)
	assert.Equal(t, wantCells(r), shadowTexts(t, tab, ".cell .pt"), "what was typed while loading is scored")
	assert.Equal(t, "Passordet oppfyller kravene.", chrome.Eval[string](t, tab, status))
}

// TestLiveRegionOnlyOnVerdictChange: the polite live region speaks once the
// person pauses, not on every keystroke.
func TestLiveRegionOnlyOnVerdictChange(t *testing.T) {
	tab := open(t, "/index.html")
	live := meterJS + `.shadowRoot.querySelector('[aria-live="polite"][role="status"]')`
	chrome.Eval[bool](t, tab, `(() => { window.spoken = []; new MutationObserver(() => window.spoken.push(`+live+`.textContent)).observe(`+live+`, {childList: true, characterData: true, subtree: true}); return true })()`)
	// 23 keystrokes without a pause: one announcement, the verdict at the end.
	require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), "Granskog!Lirype-Vadmel9")))
	chrome.Poll[bool](t, tab, `window.spoken.at(-1) === "Passordet oppfyller kravene."`)
	assert.Equal(t, []string{"Passordet oppfyller kravene."}, chrome.Eval[[]string](t, tab, `window.spoken`))
}
