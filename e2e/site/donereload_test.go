package site_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/site"
)

// TestDoneAfterReloadOnPhone: a person on a phone (375 px) sets a
// password, and the done page is shown again when the tab is reloaded (a
// phone reloads a tab it put in the background by itself), and by Back
// and Forward, with its login link; on the activation page in Nynorsk,
// after the reset with ID-porten and on the change page. The activation
// page said after a reload "Lenkja manglar ... Opne heile lenkja på nytt",
// the reset page offered to sign in with ID-porten again and the change
// page showed its empty form, to a person whose password was set. Nothing
// secret is kept for it: neither the link's token nor the password (nor
// the identity number) is in the address, the tab's storage or the
// history's state; a second tab given the done page's address, which has
// not this tab's answer, does not say that a password was set.
func TestDoneAfterReloadOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	const initial = "Initial!Passw0rd-2026"
	for _, user := range []string{"ingrid", "ola", "kari"} {
		_, err := ol.CreateUser(user, initial)
		require.NoError(t, err)
	}
	const login = "https://login.example.org/"
	b := startResetBackend(t, true, append(flags, "--login-url", login)...)
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\n")

	// nothingKept: none of secrets in the address, the tab's storage or the
	// history's state (compared in the page: no secret in the test's output).
	nothingKept := func(t *testing.T, tb *chrome.Tab, secrets ...string) {
		t.Helper()
		list, _ := json.Marshal(secrets)
		assert.True(t, chrome.Eval[bool](t, tb, `(() => {
			const kept = location.href + JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) + JSON.stringify(history.state);
			return !`+string(list)+`.some((s) => kept.includes(s)); })()`), "a secret is kept in the address, the storage or the history's state")
	}
	// doneShown: the done state alone, its text (testid), and the login link.
	doneShown := func(t *testing.T, tb *chrome.Tab, testid, why string) {
		t.Helper()
		stateShown(t, tb, "done")
		assert.Equal(t, []string{"done"}, visibleState(t, tb), why)
		assert.True(t, visible(t, tb, testid), "%s: the done page's text", why)
		assert.True(t, visible(t, tb, "login-link"), "%s: the login link", why)
		assert.Equal(t, login, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-done] [data-testid=login-link]').href`), why)
		assert.True(t, strings.HasPrefix(chrome.Eval[string](t, tb, `document.title`), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-done] h2').textContent`)+" – "), "%s: the title", why)
	}

	t.Run("activation", func(t *testing.T) {
		res := adminPost(t, b.base, adminKeyE2E, "/api/admin/activations", map[string]string{"username": "ingrid", "name": "Ingrid Haugland", "institution": "default"})
		var out struct{ Link string }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		res.Body.Close()
		require.Equal(t, http.StatusCreated, res.StatusCode)
		u, err := url.Parse(out.Link)
		require.NoError(t, err)
		token := strings.TrimPrefix(u.Fragment, "/pw/")
		require.NotEqual(t, u.Fragment, token, "the link carries the token in its fragment")
		const good = "Kveldssol over Lyngen-fjorden heilt til havet"

		tb := openForm(t, inLang(b.base+u.Path+"#"+u.Fragment, "nn"), 375)
		submitForm(t, tb, good)
		doneShown(t, tb, "done-directory", "after the submit")
		nothingKept(t, tb, token, good)

		run(t, tb, chromedp.Reload())
		doneShown(t, tb, "done-directory", "after a reload: not \"Lenkja manglar\"")
		assert.Equal(t, site.Path(site.Activate, "nn"), chrome.Eval[string](t, tb, `location.pathname`))
		nothingKept(t, tb, token, good)

		// Another language keeps the done page, and Back comes to it.
		chrome.Eval[bool](t, tb, `(document.querySelector('nav.langs a[hreflang=en]').click(), true)`)
		waitAcross(t, tb, `document.documentElement.lang === 'en' && document.readyState === 'complete'`)
		doneShown(t, tb, "done-directory", "in English")
		chrome.Eval[bool](t, tb, `(history.back(), true)`)
		waitAcross(t, tb, `document.documentElement.lang === 'nn' && document.readyState === 'complete'`)
		doneShown(t, tb, "done-directory", "Back")
		href := chrome.Eval[string](t, tb, `location.href`)

		// A second tab has not this tab's answer: it says nothing was set.
		tb2 := activationTab(t)
		run(t, tb2, chromedp.EmulateViewport(375, 900), chromedp.Navigate(href))
		stateShown(t, tb2, "missing")
		assert.Equal(t, []string{"missing"}, visibleState(t, tb2))
	})

	t.Run("reset", func(t *testing.T) {
		const good = "Fjellbekk-Sommer!Grønn 42 Lys"
		tb := b.tab(t)
		signInAtWidth(t, tb, b, 375, site.Path(site.Reset, "nn"), e2ePidOla, "idporten-loa-substantial")
		stateShown(t, tb, "form")
		submitPassword(t, tb, good)
		doneShown(t, tb, "reset-done", "after the submit")
		nothingKept(t, tb, good, e2ePidOla)

		run(t, tb, chromedp.Reload())
		doneShown(t, tb, "reset-done", "after a reload: not the start")
		assert.True(t, chrome.Eval[bool](t, tb, `(() => { const a = document.querySelector('[data-testid=state-done] [data-testid=idporten-logout]'); return !!a && !a.closest('[hidden]'); })()`),
			"the way out of ID-porten stays")
		nothingKept(t, tb, good, e2ePidOla)

		// Back comes to the start, as before; Forward to the done page.
		chrome.Eval[bool](t, tb, `(history.back(), true)`)
		stateShown(t, tb, "start")
		chrome.Eval[bool](t, tb, `(history.forward(), true)`)
		doneShown(t, tb, "reset-done", "Forward")
	})

	t.Run("change", func(t *testing.T) {
		const good = "Nordlys over Kvaløya i januar er grønt 27"
		tb := b.tab(t)
		run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Change, "en")))
		stateShown(t, tb, "form")
		setValue(t, tb, "#username", "kari")
		setValue(t, tb, "#current-password", initial)
		submitPassword(t, tb, good)
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden || document.querySelector('[data-errors] li') !== null`)
		require.Equal(t, []string{"done"}, visibleState(t, tb), "the answer's words: %q", errorTexts(t, tb))
		doneShown(t, tb, "change-done", "after the submit")
		nothingKept(t, tb, good, initial)

		run(t, tb, chromedp.Reload())
		doneShown(t, tb, "change-done", "after a reload: not the empty form")
		nothingKept(t, tb, good, initial)
	})
}
