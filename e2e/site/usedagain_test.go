package site_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/site"
)

// TestUsedLinkAgainOnPhone: a person on a phone (375 px) sets the password
// of an activation link, and later opens the link again in a new tab (the
// mail's link, a day later). The page said "the link is used; if that was
// not you, ask for a new link", to the person who used it. It says now, in
// nb, nn and en, that the password is set, and that the link set it in
// this browser with the day and time, with the login link, the focus on
// its heading; the token leaves the address, and a reload keeps it. The
// browser keeps a hash of the spent token and the done page's fields for
// it, never the token or the password. Any other browser (none of that
// kept) is told that the link is used, as before: the server cannot tell
// who used it.
func TestUsedLinkAgainOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	for _, lang := range site.Languages {
		_, err := ol.CreateUser("ingrid"+lang, "Initial!Passw0rd-2026")
		require.NoError(t, err)
	}
	const login = "https://login.example.org/"
	b := startBackend(t, append(flags, "--login-url", login)...)
	const good = "Kveldssol over Lyngen-fjorden heilt til havet"
	screens := screensDir(t)
	heading := `document.querySelector('[data-testid=state-done] h2')`

	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			link := inLang(b.activation(t, "ingrid"+lang, "Ingrid Haugland", "default"), lang)
			_, token, ok := strings.Cut(link, "#/pw/")
			require.True(t, ok)
			secrets, _ := json.Marshal([]string{token, good})
			unkept := `(() => { const kept = location.href + JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) + JSON.stringify(history.state);
				return !` + string(secrets) + `.some((s) => kept.includes(s)); })()`

			tb := openForm(t, link, 375)
			submitForm(t, tb, good)
			stateShown(t, tb, "done")
			assert.False(t, visible(t, tb, "set-before"), "the done page of the submit itself says nothing of before")

			// The same link in a new tab of this browser.
			tb2 := activationTab(t)
			run(t, tb2, chromedp.EmulateViewport(375, 900), chromedp.Navigate(link))
			stateShown(t, tb2, "done")
			chrome.Poll[bool](t, tb2, `document.fonts.status === 'loaded'`)
			assert.Equal(t, []string{"done"}, visibleState(t, tb2), "not \"the link is used, if that was not you\"")
			assert.Equal(t, tx.ActDoneTitle, chrome.Eval[string](t, tb2, heading+`.textContent`))
			assert.True(t, visible(t, tb2, "set-before"), "it says the link set the password in this browser")
			when := regexp.MustCompile("^" + strings.NewReplacer(`\{date\}`, `\d{1,2}\.?\x{a0}\pL+`, `\{time\}`, `\d\d:\d\d`).Replace(regexp.QuoteMeta(tx.ActSetBefore())) + "$")
			assert.Regexp(t, when, text(t, tb2, "set-before"))
			assert.True(t, visible(t, tb2, "done-directory"))
			assert.True(t, visible(t, tb2, "login-link"))
			assert.Equal(t, login, chrome.Eval[string](t, tb2, `document.querySelector('[data-testid=state-done] [data-testid=login-link]').href`))
			chrome.Poll[bool](t, tb2, `document.activeElement === `+heading)
			assert.Equal(t, "#/done", chrome.Eval[string](t, tb2, `location.hash`), "the token leaves the address")
			assert.True(t, chrome.Eval[bool](t, tb2, unkept), "the token or the password kept in the address, the storage or the history's state")
			g := chrome.Eval[stateGeometry](t, tb2, measureState)
			assert.Empty(t, g.Overlaps, "parts that overlap")
			assert.Empty(t, g.Outside, "parts wider than the screen")
			assert.Empty(t, g.Clipped, "parts whose text is cut off")
			assert.False(t, g.ScrollsX, "the page scrolls sideways")
			png, err := chromedp.Run(tb2, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(screens, "activation-used-here-"+lang+".png"), png, 0o644))
			if lang == "en" {
				run(t, tb2, chromedp.Reload())
				stateShown(t, tb2, "done")
				assert.Regexp(t, when, text(t, tb2, "set-before"), "after a reload")
			}

			// Another browser: nothing kept of this one's answer.
			tb3 := activationTab(t)
			_, err = chromedp.Call(tb3, storage.ClearDataForOrigin, storage.ClearDataForOriginParams{Origin: b.base, StorageTypes: "local_storage"})
			require.NoError(t, err)
			run(t, tb3, chromedp.EmulateViewport(375, 900), chromedp.Navigate(link))
			stateShown(t, tb3, "used")
			assert.Equal(t, []string{"used"}, visibleState(t, tb3), "never \"the password is set\" to someone else")
			assert.Equal(t, "#/gone/used", chrome.Eval[string](t, tb3, `location.hash`))
		})
	}
}
