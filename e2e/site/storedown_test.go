package site_test

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// storeDown is the server's answer while its database is unreachable
// (server.handler.internal: 503 unavailable).
var storeDown = sessionFake{503, `{"error":{"code":"unavailable","message":"the service's database is unavailable right now; try again shortly"}}`, "", ""}

// TestActivationStoreDownOnPhone: a person on a phone (375 px) opens an
// activation link, or sends its password, while the service's own
// database is unreachable (503 unavailable), or its one-time code, in nb,
// nn and en. The page
// says that the service failed and what to do (try again shortly, then
// the service desk), as the change and reset pages say it: it said "We
// could not reach the service. Check your connection and try again",
// sending the person to a connection that was fine. "Try again" shows the
// form once the database answers, and the password typed is then set.
func TestActivationStoreDownOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startBackend(t)
	dir := screensDir(t)
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			link := inLang(b.activation(t, lang+"-storedown", "Kari Nordmann", "default"), lang)
			tb := activationTab(t)
			var to atomic.Pointer[sessionFake]
			to.Store(&storeDown)
			answerAPI(t, tb, "*/api/activation/*", &to)
			run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(link))

			// The link's lookup.
			stateShown(t, tb, "error")
			assert.Equal(t, tx.ActServerError(), chrome.Eval[string](t, tb, `document.querySelector('[data-error-text]').textContent`), "the lookup's words")
			chrome.Poll[bool](t, tb, `document.activeElement === document.querySelector('[data-testid=state-error] h2')`)
			g := chrome.Eval[stateGeometry](t, tb, measureState)
			assert.Empty(t, g.Overlaps, "parts that overlap")
			assert.Empty(t, g.Clipped, "parts whose text is cut off")
			png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "activate-"+lang+"-store-down.png"), png, 0o644))
			to.Store(nil)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-state=error] [data-retry]').click(), true)`)
			stateShown(t, tb, "form")

			// The submit.
			to.Store(&storeDown)
			submitPassword(t, tb, good)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
			assert.Equal(t, []string{tx.ActServerError()}, errorTexts(t, tb), "the submit's words")
			assert.Equal(t, []string{"form"}, visibleState(t, tb))
			to.Store(nil)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
			stateShown(t, tb, "done")

			// The one-time code of a link that needs one.
			link, code := b.codeLink(t, lang+"-storedowncode", lang)
			tb = activationTab(t)
			answerAPI(t, tb, "*/api/activation/*", &to)
			run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(link))
			stateShown(t, tb, "code")
			to.Store(&storeDown)
			setValue(t, tb, "#code", code)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=code-submit]').click(), true)`)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-code-errors] li') !== null`)
			assert.Equal(t, []string{tx.ActServerError()}, chrome.Eval[[]string](t, tb, `[...document.querySelectorAll('[data-code-errors] li')].map((e) => e.textContent)`), "the code's words")
			to.Store(nil)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=code-submit]').click(), true)`)
			stateShown(t, tb, "form")
		})
	}
}
