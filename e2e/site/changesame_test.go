package site_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// TestChangeSameAsCurrentOnPhone: on the change page at 375 px, in nb, nn
// and en, a person types as the new password the one they have (a good
// one: the server says so only of a password its rules pass). The server's
// refusal (400, the password field) is said with the meter's own verdict:
// "not used before" unmet, with the refusal's words, and no "meets the
// requirements". The meter went on saying "The password meets the
// requirements", green, right under the field's "The new password must be
// different from the current one", and the field's description read both.
// Typing in the field again leaves it to the meter. The PNGs go to
// $STYRKE_SCREENS (or a temporary directory), change-LANG-same.png.
func TestChangeSameAsCurrentOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, false)
	dir := screensDir(t)
	const same = "Kveldssol over Lyngen-fjorden 42!"
	status := `document.querySelector('[data-testid=meter]').shadowRoot.querySelector('.status').textContent`
	unmet := `[...document.querySelector('[data-testid=meter]').shadowRoot.querySelectorAll('.rules li.unmet .msg')].map((e) => e.textContent)`
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			rx := site.ResetTexts(lang)
			tb := b.tab(t)
			run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Change, lang)))
			stateShown(t, tb, "form")
			setValue(t, tb, "#username", "kari")
			setValue(t, tb, "#current-password", same)
			setValue(t, tb, "#new-password", same)
			// The meter's yes, before the submit.
			chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=meter]').shadowRoot.querySelectorAll('.cell').length > 0 && `+unmet+`.length === 0 && `+status+` !== ''`)
			yes := chrome.Eval[string](t, tb, status)
			setValue(t, tb, "#confirm-password", same)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
			assert.Equal(t, []string{rx.ChangeSame}, errorTexts(t, tb))
			assert.Equal(t, "new-password", chrome.Eval[string](t, tb, `document.activeElement.id`))
			_, err := chrome.PollErr[bool](tb, status+` !== `+jsString(yes), 5*time.Second)
			require.NoError(t, err, "the meter still says %q under the refusal", yes)
			assert.Contains(t, chrome.Eval[[]string](t, tb, unmet), rx.ChangeSame, "the meter says the refusal")
			desc := chrome.AX(t, tb, `document.getElementById('new-password')`).Description
			assert.NotContains(t, desc, yes, "the field's description")
			assert.Equal(t, 1, strings.Count(desc, rx.ChangeSame), "the refusal heard once at the field: %q", desc)
			png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "change-"+lang+"-same.png"), png, 0o644))
			// Typed again: the meter's own verdict.
			setValue(t, tb, "#new-password", same+"!")
			_, err = chrome.PollErr[bool](tb, status+` === `+jsString(yes), 5*time.Second)
			require.NoError(t, err, "the meter's yes again")
		})
	}
}
