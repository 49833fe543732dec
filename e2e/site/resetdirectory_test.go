package site_test

import (
	"context"
	"os"
	"path/filepath"
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

// TestResetDirectoryDownOnPhone: a person on a phone (375 px) resets a
// forgotten password while the directory (slapd) is down, and once it is
// back.
//   - Down when the person comes back from ID-porten: the page says at
//     once, in nb, nn and en, that the directory does not answer and that
//     nothing was changed, the focus on its heading, and shows no form: it
//     showed the form, and the outage was found at the submit, the
//     password typed for nothing. "Try again" while it is still down says
//     so in a status line, with the time, and leaves the focus on the
//     button; once it is back, "Try again" shows the form without a new
//     sign-in, and the password is set.
//   - Down between the sign-in and the submit: the same state, where the
//     form stayed and its field's description said "The password meets
//     the requirements" beside the outage; what was typed is kept, and
//     once the directory is back "Try again" and the submit set it.
func TestResetDirectoryDownOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	dn, err := ol.CreateUser("ola", "Initial!Passw0rd-2026")
	require.NoError(t, err)
	b := startResetBackend(t, true, flags...)
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\n"+
		"una,Una Utvik,default,"+e2ePidTwo+"\nuna2,Una Utvik,uit,"+e2ePidTwo+"\n")
	for _, user := range []string{"una", "una2"} {
		_, err := ol.CreateUser(user, "Initial!Passw0rd-2026")
		require.NoError(t, err)
	}
	restart := func(t *testing.T) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		require.NoError(t, ol.Start(ctx))
	}
	screens := screensDir(t)
	// downShown checks the outage's state as the person meets it, in lang.
	downShown := func(t *testing.T, tb *chrome.Tab, lang string) {
		t.Helper()
		tx := site.Texts(lang)
		outageShown(t, tb, tx.ResetDirectoryDownTitle(), tx.ResetDirectoryDownText(), "no form to type a password into")
		png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(screens, "reset-directorydown-"+lang+".png"), png, 0o644))
	}
	retry := func(t *testing.T, tb *chrome.Tab) {
		t.Helper()
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=directory-retry]').focus(), document.querySelector('[data-testid=directory-retry]').click(), true)`)
	}
	kept := `(() => { const p = document.getElementById('new-password').value; return p !== '' && p === document.getElementById('confirm-password').value; })()`

	t.Run("down when the person comes back from ID-porten", func(t *testing.T) {
		ol.Stop()
		var tb *chrome.Tab
		for _, lang := range site.Languages {
			tb = b.tab(t)
			signInAtWidth(t, tb, b, 375, site.Path(site.Reset, lang), e2ePidOla, "idporten-loa-substantial")
			downShown(t, tb, lang)
			// Until when the sign-in holds (a retry after it must sign in
			// again).
			assert.True(t, visible(t, tb, "deadline"), "the sign-in's time is said")
		}
		// The last sign-in's tab (English) holds the browser's session.
		retry(t, tb)
		still := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(site.Texts("en").ResetDirectoryStillDown()), `\{time\}`, `\d\d:\d\d`) + "$")
		chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=directory-checked]').textContent !== ''`)
		assert.Regexp(t, still, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=directory-checked]').textContent`))
		assert.Equal(t, "polite", chrome.AX(t, tb, `document.querySelector('[data-testid=directory-checked]')`).Live, "said to a screen reader")
		assert.Equal(t, "directory-retry", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid ?? ''`), "the focus stays on the button")
		assert.Equal(t, []string{"directorydown"}, visibleState(t, tb))

		restart(t)
		retry(t, tb)
		stateShown(t, tb, "form")
		assert.Equal(t, "ola", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		assert.Equal(t, "new-password", chrome.Eval[string](t, tb, `document.activeElement.id`))
		const good = "Fjellbekk-Sommer!Grønn 42 Lys"
		submitPassword(t, tb, good)
		stateShown(t, tb, "done")
		ok, err := ol.CanBind(dn, good)
		require.NoError(t, err)
		assert.True(t, ok, "set without a new sign-in")
	})

	t.Run("down when an account is chosen", func(t *testing.T) {
		// The sign-in found two accounts: the choice is made without the
		// directory, the chosen account's session asks it.
		ol.Stop()
		tb := b.tab(t)
		signInAtWidth(t, tb, b, 375, site.Path(site.Reset, "en"), e2ePidTwo, "idporten-loa-substantial")
		stateShown(t, tb, "choose")
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=choice]').click(), true)`)
		downShown(t, tb, "en")
		// "Try again" asks for the account chosen: still down, said in the
		// status line, the focus on the button (it asked for the choice,
		// which chose again and moved the focus to the heading).
		retry(t, tb)
		chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=directory-checked]').textContent !== ''`)
		assert.Equal(t, "directory-retry", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid ?? ''`), "the focus stays on the button")
		restart(t)
		retry(t, tb)
		stateShown(t, tb, "form")
		assert.Equal(t, "una", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=cancel]').click(), true)`)
		stateShown(t, tb, "ended")
	})

	t.Run("down between the sign-in and the submit", func(t *testing.T) {
		tb := b.tab(t)
		signInAtWidth(t, tb, b, 375, site.Path(site.Reset, "nn"), e2ePidOla, "idporten-loa-substantial")
		stateShown(t, tb, "form")
		const good = "Kveldssol over Lyngen-fjorden 42!"
		setValue(t, tb, "#new-password", good)
		setValue(t, tb, "#confirm-password", good)
		ol.Stop()
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').focus(), document.querySelector('[data-testid=submit]').click(), true)`)
		downShown(t, tb, "nn")
		assert.True(t, visible(t, tb, "deadline"), "the sign-in's time is said")
		assert.True(t, chrome.Eval[bool](t, tb, kept), "what was typed is kept")

		restart(t)
		retry(t, tb)
		stateShown(t, tb, "form")
		assert.True(t, chrome.Eval[bool](t, tb, kept), "what was typed is kept")
		assert.Empty(t, errorTexts(t, tb), "no outage said beside the form")
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
		stateShown(t, tb, "done")
		ok, err := ol.CanBind(dn, good)
		require.NoError(t, err)
		assert.True(t, ok, "set without a new sign-in")
	})
	for _, pw := range []string{"Fjellbekk-Sommer!Grønn 42 Lys", "Kveldssol over Lyngen-fjorden 42!"} {
		assert.False(t, strings.Contains(b.logs.String(), pw), "a password in the log")
	}
}

// outageShown checks a page's outage state (the reset's, the
// activation's) as the person meets it: the only state shown, laid out at
// the tab's width, its heading title and text with the focus on the
// heading and named by the page's title, no form (why: noForm), "Try
// again" in sight, and no axe findings.
func outageShown(t *testing.T, tb *chrome.Tab, title, text, noForm string) {
	t.Helper()
	cardShown(t, tb, "directorydown", "directory-retry", title, text, noForm)
}

// cardShown checks that state (a card with a heading, its text right
// after it, and a button whose test id is retry) is shown as outageShown
// says.
func cardShown(t *testing.T, tb *chrome.Tab, state, retry, title, text, noForm string) {
	t.Helper()
	heading := `document.querySelector('[data-testid=state-` + state + `] h2')`
	stateShown(t, tb, state)
	chrome.Poll[bool](t, tb, `document.fonts.status === 'loaded'`)
	g := chrome.Eval[stateGeometry](t, tb, measureState)
	assert.Equal(t, []string{state}, g.States, "the visible state")
	assert.Empty(t, g.Overlaps, "parts that overlap")
	assert.Empty(t, g.Outside, "parts wider than the screen")
	assert.Empty(t, g.Clipped, "parts whose text is cut off")
	assert.False(t, g.ScrollsX, "the page scrolls sideways")
	assert.Equal(t, title, chrome.Eval[string](t, tb, heading+`.textContent`))
	assert.Equal(t, text, chrome.Eval[string](t, tb, heading+`.nextElementSibling.textContent`))
	assert.True(t, strings.HasPrefix(chrome.Eval[string](t, tb, `document.title`), title), "the title names the state")
	chrome.Poll[bool](t, tb, `document.activeElement === `+heading)
	assert.False(t, visible(t, tb, "state-form"), noForm)
	assert.True(t, visible(t, tb, retry))
	assert.True(t, chrome.Eval[bool](t, tb, `(() => { const r = document.querySelector('[data-testid=`+retry+`]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`), "\"Try again\" is in sight without scrolling")
	chrome.Eval[bool](t, tb, env.axe+";true")
	assert.Empty(t, chrome.Eval[[]string](t, tb, axeScan), "axe findings in the state "+state)
}
