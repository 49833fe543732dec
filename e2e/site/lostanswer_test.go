package site_test

import (
	"bytes"
	"encoding/json"
	"net/http"
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
// page says it could not reach the service and to try again; "Set
// passord" again, the same password in the fields, shows the done page:
// the password typed is the account's. It showed "Lenkja er brukt ... Var
// det ikkje deg, ... be IT-brukarstøtta om ei ny lenkje", telling the
// person that someone else may have used the link, and never that the
// password works. A different password through the used link is still
// refused as used.
func TestActivationLostAnswerOnPhone(t *testing.T) {
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	const initial = "Initial!Passw0rd-2026"
	dn, err := ol.CreateUser("ingrid", initial)
	require.NoError(t, err)
	b := startBackend(t, append(flags, "--login-url", "https://login.example.org/")...)
	link := inLang(b.activation(t, "ingrid", "Ingrid Haugland", "uit"), "nn")
	const good = "Kveldssol over Lyngen-fjorden heilt til havet"
	tx := site.Texts("nn")

	tb := openForm(t, link, 375)
	tb.Allow(func(msg string) bool { return strings.Contains(msg, "/api/activation/complete") })
	setValue(t, tb, "#new-password", good)
	setValue(t, tb, "#confirm-password", good)
	stop := loseAnswers(t, tb, "*/api/activation/complete")
	pressSubmit(t, tb)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
	assert.Equal(t, []string{tx.ActError}, errorTexts(t, tb), "the page could not know: it says so")
	stop()
	ok, err := ol.CanBind(dn, good)
	require.NoError(t, err)
	require.True(t, ok, "slapd took the password before the answer was lost")

	// Try again, as the page says: the same password is the one set.
	pressSubmit(t, tb)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-state]:not([hidden])')?.dataset.state !== 'form'`)
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
// the way back after slapd took the new password. The page says it could
// not reach the service and to try again; "Change password" again, the
// same fields, shows the done page. It said "The username or the current
// password is wrong ... the account may be locked", since the current
// password is now the new one, and counted the try against the account (a
// failed bind at the directory too): a person who believed it and tried
// again walked into the 429 and towards the directory's lockout.
func TestChangeLostAnswerOnPhone(t *testing.T) {
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	const current = "Kveldssol over Lyngen-fjorden heilt til havet"
	dn, err := ol.CreateUser("ingrid", current)
	require.NoError(t, err)
	b := startBackend(t, append(flags, "--login-url", "https://login.example.org/")...)
	const next = "Nordlys over Kvaløya i januar er grønt 27"

	tb := activationTab(t)
	tb.Allow(func(msg string) bool { return strings.Contains(msg, "/api/change") })
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Change, "en")))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
	setValue(t, tb, "#username", "ingrid")
	setValue(t, tb, "#current-password", current)
	setValue(t, tb, "#new-password", next)
	setValue(t, tb, "#confirm-password", next)
	stop := loseAnswers(t, tb, "*/api/change")
	pressSubmit(t, tb)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
	assert.Equal(t, []string{site.Texts("en").ActError}, errorTexts(t, tb), "the page could not know: it says so")
	stop()
	ok, err := ol.CanBind(dn, next)
	require.NoError(t, err)
	require.True(t, ok, "slapd took the new password before the answer was lost")

	// Try again, as the page says, with the same fields.
	pressSubmit(t, tb)
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
