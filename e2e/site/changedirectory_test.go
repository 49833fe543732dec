package site_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/site"
)

// TestChangeDirectoryDownOnPhone: a person on a phone (375 px) fills in
// the change page (username, current password, new password twice), and
// the directory (slapd) stops answering before the submit. The page shows
// the outage's state, in nb, nn and en: the directory does not answer and
// the password was not changed, the focus on its heading and no form (the
// form stayed, an error beside it, and the new password's description
// said "The password meets the requirements" as if it could be set). What
// was typed is kept, the current password in its field only, never in the
// page's markup or text. "Try again" while it is still down says so in a
// status line, with the time, the focus left on the button, and is not
// counted as a wrong current password: more of them than the change's
// limit (3 with slapd's lockout after 5), and once the directory is back
// "Try again" changes the password typed. Neither password reaches the log.
func TestChangeDirectoryDownOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	const current = "Initial!Passw0rd-2026"
	dns := map[string]string{}
	for _, lang := range site.Languages {
		dn, err := ol.CreateUser("kari"+lang, current)
		require.NoError(t, err)
		dns[lang] = dn
	}
	b := startResetBackend(t, false, flags...)
	const good = "Kveldssol over Lyngen-fjorden 42!"
	kept := `(() => { const v = (id) => document.getElementById(id).value;
		return v('current-password') === ` + jsString(current) + ` && v('new-password') === ` + jsString(good) + ` && v('confirm-password') === ` + jsString(good) + `; })()`
	// Neither password anywhere in the page's markup (attributes, text)
	// nor in what it shows.
	unseen := `(() => { const html = document.documentElement.outerHTML, text = document.body.innerText;
		return ![` + jsString(current) + `, ` + jsString(good) + `].some((p) => html.includes(p) || text.includes(p)); })()`
	retry := func(t *testing.T, tb *chrome.Tab) {
		t.Helper()
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=directory-retry]').focus(), document.querySelector('[data-testid=directory-retry]').click(), true)`)
	}
	restart := func(t *testing.T) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		require.NoError(t, ol.Start(ctx))
	}

	var tb *chrome.Tab
	for _, lang := range site.Languages {
		tb = b.tab(t)
		run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Change, lang)))
		stateShown(t, tb, "form")
		setValue(t, tb, "#username", "kari"+lang)
		setValue(t, tb, "#current-password", current)
		setValue(t, tb, "#new-password", good)
		setValue(t, tb, "#confirm-password", good)
		ol.Stop()
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').focus(), document.querySelector('[data-testid=submit]').click(), true)`)
		tx := site.Texts(lang)
		outageShown(t, tb, tx.ActDirectoryDownTitle(), tx.ChangeDirectoryDownText(), "no form, nor its field's \"meets the requirements\"")
		assert.True(t, chrome.Eval[bool](t, tb, kept), "what was typed is kept")
		assert.Equal(t, "kari"+lang, chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		assert.True(t, chrome.Eval[bool](t, tb, unseen), "a password in the page's markup or text")
		assert.Empty(t, errorTexts(t, tb), "no outage said beside the form as well")
		if lang != "en" {
			restart(t)
		}
	}

	// The English tab: "Try again" while still down, more times than the
	// change counts wrong current passwords before it refuses.
	still := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(site.Texts("en").ActDirectoryStillDown()), `\{time\}`, `\d\d:\d\d`) + "$")
	for i := range 4 {
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=directory-checked]').textContent = '', true)`)
		retry(t, tb)
		chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=directory-checked]').textContent !== ''`)
		assert.Regexp(t, still, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=directory-checked]').textContent`), "try %d", i+1)
		assert.Equal(t, []string{"directorydown"}, visibleState(t, tb), "try %d", i+1)
	}
	assert.Equal(t, "polite", chrome.AX(t, tb, `document.querySelector('[data-testid=directory-checked]')`).Live, "said to a screen reader")
	assert.Equal(t, "directory-retry", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid ?? ''`), "the focus stays on the button")
	assert.True(t, chrome.Eval[bool](t, tb, kept), "what was typed is kept")
	assert.True(t, chrome.Eval[bool](t, tb, unseen), "a password in the page's markup or text")

	// Back: "Try again" changes the password typed; nothing was changed
	// before, and the tries while down were not counted against it.
	restart(t)
	for _, lang := range site.Languages {
		ok, err := ol.CanBind(dns[lang], current)
		require.NoError(t, err)
		assert.True(t, ok, "nothing was changed (%s)", lang)
	}
	retry(t, tb)
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden || document.querySelector('[data-errors] li') !== null`)
	require.Equal(t, []string{"done"}, visibleState(t, tb), "the answer's words: %q", errorTexts(t, tb))
	ok, err := ol.CanBind(dns["en"], good)
	require.NoError(t, err)
	assert.True(t, ok, "changed after the outage")
	assert.Equal(t, "", chrome.Eval[string](t, tb, `document.getElementById('current-password').value`), "the current password is gone from the page")
	for _, pw := range []string{current, good} {
		assert.False(t, strings.Contains(b.logs.String(), pw), "a password in the log")
	}
}
