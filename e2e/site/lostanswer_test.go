package site_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/site"
)

// loseAnswers makes the answers to tb's requests of the URL pattern fail
// as a network lost on the way back does: the request reaches the server,
// which does its work and answers, and the page gets a network error
// (DevTools' Fetch domain, paused at the response). It returns what ends
// it.
func loseAnswers(t *testing.T, tb *chrome.Tab, pattern string) (stop func()) {
	t.Helper()
	chromedp.Listen(tb, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			go chromedp.Call(tb, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonInternetDisconnected})
		}
	})
	_, err := chromedp.Call(tb, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern, RequestStage: fetch.RequestStageResponse}}})
	require.NoError(t, err)
	return func() {
		_, err := chromedp.Call(tb, fetch.Disable, cdp.Empty{})
		require.NoError(t, err)
	}
}

// offline takes tb off the network (navigator.onLine false, every request
// refused before it goes out), or back on. tb must be of an Isolated
// browser context (chrome.Offline: the tabs of a site in one context share
// one renderer process, and navigator.onLine is the process's).
func offline(t *testing.T, tb *chrome.Tab, off bool) {
	t.Helper()
	require.NoError(t, chrome.Offline(tb, off))
	chrome.Poll[bool](t, tb, `navigator.onLine === `+strconv.FormatBool(!off))
}

// offlineSubmit presses tb's submit while the browser is offline, and
// checks that the form stays with "could not reach the service" in lang
// beside it (nothing went out: not "we do not know whether the password
// was set"); then goes online again.
func offlineSubmit(t *testing.T, tb *chrome.Tab, lang string) {
	t.Helper()
	offline(t, tb, true)
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-errors]').replaceChildren(), true)`)
	pressSubmit(t, tb)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null || document.querySelector('[data-testid=state-form]').hidden`)
	assert.Equal(t, []string{site.Texts(lang).ActError}, errorTexts(t, tb), "offline before the submit: nothing went out")
	assert.Equal(t, []string{"form"}, visibleState(t, tb), "not the unconfirmed state")
	offline(t, tb, false)
}

// pressSubmit presses the form's button from the keyboard: the focus on
// it, Enter.
func pressSubmit(t *testing.T, tb *chrome.Tab) {
	t.Helper()
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').focus(), true)`)
	run(t, tb, chromedp.KeyEvent(kb.Enter))
}

// TestActivationLostAnswerOnPhone: a person on a phone (375 px, Nynorsk)
// sets the password of an activation link, and the answer is lost on the
// way back (the phone between networks) after slapd took the password. The
// page said it could not reach the service; it says now that it does not
// know whether the password was set, to try logging in with it, and that
// "Prøv igjen" sends the same password (the unconfirmed state, as for the
// directory's lost answer), whose answer is the done page: the password
// typed is the account's. A submit while the phone is offline, which
// never went out, still says it could not reach the service, beside the
// form; from the unconfirmed state, in its status line. A different
// password through the used link is refused as used.
func TestActivationLostAnswerOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	const initial = "Initial!Passw0rd-2026"
	dn, err := ol.CreateUser("ingrid", initial)
	require.NoError(t, err)
	b := startBackend(t, append(flags, "--login-url", "https://login.example.org/")...)
	link := inLang(b.activation(t, "ingrid", "Ingrid Haugland", "uit"), "nn")
	const good = "Kveldssol over Lyngen-fjorden heilt til havet"
	tx := site.Texts("nn")

	tb := openFormIn(t, env.browser.Isolated(t), link, 375) // it goes offline
	tb.Allow(func(msg string) bool { return strings.Contains(msg, "/api/activation/complete") })
	setValue(t, tb, "#new-password", good)
	setValue(t, tb, "#confirm-password", good)
	offlineSubmit(t, tb, "nn")
	ok, err := ol.CanBind(dn, initial)
	require.NoError(t, err)
	assert.True(t, ok, "offline: nothing was set")

	stop := loseAnswers(t, tb, "*/api/activation/complete")
	pressSubmit(t, tb)
	cardShown(t, tb, "unconfirmed", "unconfirmed-retry", tx.ActUnconfirmedTitle(), tx.ActUnconfirmedText(), "no form: the password was sent")
	assert.Empty(t, errorTexts(t, tb), "not \"could not reach the service\"")
	png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(screensDir(t), "activation-lost-nn.png"), png, 0o644))
	stop()
	ok, err = ol.CanBind(dn, good)
	require.NoError(t, err)
	require.True(t, ok, "slapd took the password before the answer was lost")

	// Try again while offline: nothing goes out, and the state stays (not
	// the form's "could not reach the service"), its status line saying
	// so, the focus on the button.
	offline(t, tb, true)
	unconfirmedRetry(t, tb)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=unconfirmed-checked]').textContent !== ''`)
	assert.Equal(t, tx.ActError, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=unconfirmed-checked]').textContent`))
	assert.Equal(t, []string{"unconfirmed"}, visibleState(t, tb), "the password may still be set")
	assert.Equal(t, "unconfirmed-retry", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid ?? ''`), "the focus stays on the button")
	offline(t, tb, false)

	// Try again, as the page says: the same password is the one set.
	unconfirmedRetry(t, tb)
	stateShown(t, tb, "done")
	assert.Equal(t, []string{"done"}, visibleState(t, tb), "not \"the link is used, if that was not you\"")
	assert.True(t, visible(t, tb, "done-directory"), "it says the person can log in")
	assert.True(t, visible(t, tb, "login-link"))
	assert.Equal(t, "done", chrome.Eval[string](t, tb, `document.activeElement.closest('[data-state]')?.dataset.state ?? ''`), "the focus on the done page's heading")
	assert.NotContains(t, chrome.Eval[string](t, tb, `location.href`), "#/pw/", "the token leaves the address")
	g := chrome.Eval[stateGeometry](t, tb, measureState)
	assert.Empty(t, g.Overlaps)
	assert.Empty(t, g.Outside)
	assert.False(t, g.ScrollsX)

	// Another password through the used link: used, as before (the answer
	// tells nothing of a password but the one that was set).
	_, token, _ := strings.Cut(link, "#/pw/")
	body, _ := json.Marshal(map[string]string{"token": token, "password": good + " og meir"})
	res, err := http.Post(b.base+"/api/activation/complete", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	var out struct{ Error struct{ Code string } }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	res.Body.Close()
	assert.Equal(t, http.StatusGone, res.StatusCode)
	assert.Equal(t, "token_used", out.Error.Code)
	ok, err = ol.CanBind(dn, good)
	require.NoError(t, err)
	assert.True(t, ok, "the password set stays")
}

// TestChangeLostAnswerOnPhone: a month later the person changes the
// password on the change page (375 px, English), and the answer is lost on
// the way back after slapd took the new password. The page said it could
// not reach the service, and the same fields again said "The username or
// the current password is wrong ... the account may be locked" (the server
// now finishes that retry). It says now that it does not know whether the
// password was set, to try the new one, and that "Try again" sends the
// same fields (the unconfirmed state, as for the directory's lost answer),
// whose answer is the done page. A submit while offline, which never went
// out, still says it could not reach the service, beside the form.
func TestChangeLostAnswerOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	const current = "Kveldssol over Lyngen-fjorden heilt til havet"
	dn, err := ol.CreateUser("ingrid", current)
	require.NoError(t, err)
	b := startBackend(t, append(flags, "--login-url", "https://login.example.org/")...)
	const next = "Nordlys over Kvaløya i januar er grønt 27"
	tx := site.Texts("en")

	tb := activationTabIn(t, env.browser.Isolated(t)) // it goes offline
	tb.Allow(func(msg string) bool { return strings.Contains(msg, "/api/change") })
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Change, "en")))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
	setValue(t, tb, "#username", "ingrid")
	setValue(t, tb, "#current-password", current)
	setValue(t, tb, "#new-password", next)
	setValue(t, tb, "#confirm-password", next)
	offlineSubmit(t, tb, "en")
	ok, err := ol.CanBind(dn, current)
	require.NoError(t, err)
	assert.True(t, ok, "offline: nothing was changed")

	stop := loseAnswers(t, tb, "*/api/change")
	pressSubmit(t, tb)
	cardShown(t, tb, "unconfirmed", "unconfirmed-retry", tx.ResetUnconfirmedTitle(), tx.ChangeUnconfirmedText(), "no form: the password was sent")
	assert.Empty(t, errorTexts(t, tb), "not \"could not reach the service\"")
	png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(screensDir(t), "change-lost-en.png"), png, 0o644))
	stop()
	ok, err = ol.CanBind(dn, next)
	require.NoError(t, err)
	require.True(t, ok, "slapd took the new password before the answer was lost")

	// Try again, as the page says, with the same fields.
	unconfirmedRetry(t, tb)
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden || document.querySelector('[data-errors] li') !== null`)
	assert.Empty(t, errorTexts(t, tb), "not \"the current password is wrong\"")
	assert.Equal(t, []string{"done"}, visibleState(t, tb))
	assert.True(t, visible(t, tb, "login-link"))
	assert.Equal(t, "done", chrome.Eval[string](t, tb, `document.activeElement.closest('[data-state]')?.dataset.state ?? ''`), "the focus on the done page's heading")
	assert.True(t, chrome.Eval[bool](t, tb, `document.getElementById('current-password').value === '' && document.getElementById('new-password').value === ''`), "the fields are emptied")
	g := chrome.Eval[stateGeometry](t, tb, measureState)
	assert.Empty(t, g.Overlaps)
	assert.Empty(t, g.Outside)
	assert.False(t, g.ScrollsX)
	ok, err = ol.CanBind(dn, next)
	require.NoError(t, err)
	assert.True(t, ok, "the new password binds")
	ok, err = ol.CanBind(dn, current)
	require.NoError(t, err)
	assert.False(t, ok, "the old one does not")
}
