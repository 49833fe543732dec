package site_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// TestResetStoreFailedOnPhone: the page the server sends a sign-in whose
// own store failed to (#/error/store, server.TestResetSignInStoreFails)
// says so on a phone (375 px), in nb, nn and en: the service cannot reach
// its database, nothing was changed, try again in a few minutes, and the
// logout of ID-porten, whose sign-in outlasts it. It said "ID-porten does
// not answer" (#/error/unavailable); the page knew no "store" and would
// have said the answer did not add up.
func TestResetStoreFailedOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			tb := resetTab(t)
			run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(env.server.URL+site.Path(site.Reset, lang)+"#/error/store"))
			stateShown(t, tb, "store")
			chrome.Poll[bool](t, tb, `document.fonts.status === 'loaded'`)
			g := chrome.Eval[stateGeometry](t, tb, measureState)
			assert.Equal(t, []string{"store"}, g.States, "the visible state")
			assert.Empty(t, g.Overlaps, "parts that overlap")
			assert.Empty(t, g.Outside, "parts wider than the screen")
			assert.Empty(t, g.Clipped, "parts whose text is cut off")
			assert.False(t, g.ScrollsX, "the page scrolls sideways")
			heading := `document.querySelector('[data-testid=state-store] h2')`
			assert.Equal(t, tx.ResetStoreTitle(), chrome.Eval[string](t, tb, heading+`.textContent`))
			assert.Equal(t, tx.ResetStore(), chrome.Eval[string](t, tb, heading+`.nextElementSibling.textContent`))
			assert.NotContains(t, chrome.Eval[string](t, tb, heading+`.nextElementSibling.textContent`), "ID-porten", "not said as ID-porten's")
			assert.True(t, strings.HasPrefix(chrome.Eval[string](t, tb, `document.title`), tx.ResetStoreTitle()), "the title names the state")
			logout := `document.querySelector('[data-testid=state-store] [data-testid=idporten-logout]')`
			require.True(t, chrome.Eval[bool](t, tb, logout+` !== null && `+logout+`.checkVisibility()`), "the logout is offered")
			chrome.Eval[bool](t, tb, env.axe+";true")
			assert.Empty(t, chrome.Eval[[]string](t, tb, axeScan), "axe findings in the state store")
		})
	}
}
