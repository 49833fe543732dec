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

// unconfirmedRetry presses the unconfirmed state's "Try again".
func unconfirmedRetry(t *testing.T, tb *chrome.Tab) {
	t.Helper()
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=unconfirmed-retry]').focus(), document.querySelector('[data-testid=unconfirmed-retry]').click(), true)`)
}

// unconfirmedStill is the status line after a "Try again" from the
// unconfirmed state that got no answer either, its time any.
func unconfirmedStill(lang string, still func(site.Text) string) *regexp.Regexp {
	return regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(still(site.Texts(lang))), `\{time\}`, `\d\d:\d\d`) + "$")
}

// proxiedSlapd starts slapd behind a dirtest.Proxy (which can lose the
// answers of password writes) with one account per language, name+lang,
// whose password is password: the server's flags point at the proxy.
func proxiedSlapd(t *testing.T, name, password string) (ol *dirtest.Server, proxy *dirtest.Proxy, flags []string, dns map[string]string) {
	t.Helper()
	ol, _ = startDirectory(t, dirtest.StartSlapd)
	proxy, err := ol.Proxy()
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	flags, err = proxy.Flags(t.TempDir())
	require.NoError(t, err)
	dns = map[string]string{}
	for _, lang := range site.Languages {
		dn, err := ol.CreateUser(name+lang, password)
		require.NoError(t, err)
		dns[lang] = dn
	}
	return ol, proxy, flags, dns
}

// unconfirmedWhileDown stops ol, presses tb's "Try again" from the
// unconfirmed state and checks that the state stays, says so with the time
// in a polite status line, the focus on the button (not the outage's
// words, why); then starts ol again.
func unconfirmedWhileDown(t *testing.T, tb *chrome.Tab, ol *dirtest.Server, why string) {
	t.Helper()
	ol.Stop()
	unconfirmedRetry(t, tb)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=unconfirmed-checked]').textContent !== ''`)
	assert.Regexp(t, unconfirmedStill("en", site.Text.ActUnconfirmedStill), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=unconfirmed-checked]').textContent`))
	assert.Equal(t, []string{"unconfirmed"}, visibleState(t, tb), why)
	assert.Equal(t, "polite", chrome.AX(t, tb, `document.querySelector('[data-testid=unconfirmed-checked]')`).Live, "said to a screen reader")
	assert.Equal(t, "unconfirmed-retry", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid ?? ''`), "the focus stays on the button")
	restart, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, ol.Start(restart))
}

// TestActivationUnconfirmedOnPhone: a person on a phone (375 px) sets a
// password through an activation link, and the directory's answer to the
// write is lost (slapd behind a proxy that closes the connection once it
// answered the password write): slapd took the password. The page said the
// directory's outage, "the password was not set, nothing was changed"
// (503 directory_unavailable). It says now, in nb, nn and en, that it does
// not know whether the password was set, that it may have been, to try it,
// and that "Try again" sends it again (503 directory_unconfirmed), the
// focus on its heading, no form. A "Try again" while the directory is down
// still says the password may have been set, never that nothing was
// changed; once it is back, "Try again" finishes with the done page.
func TestActivationUnconfirmedOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	const initial = "Initial!Passw0rd-2026"
	ol, proxy, flags, dns := proxiedSlapd(t, "ola", initial)
	b := startBackend(t, flags...)
	const good = "Kveldssol over Lyngen-fjorden 42!"
	binds := func(t *testing.T, lang, pw, why string) {
		t.Helper()
		ok, err := ol.CanBind(dns[lang], pw)
		require.NoError(t, err)
		assert.True(t, ok, why)
	}

	tabs := map[string]*chrome.Tab{}
	for _, lang := range site.Languages {
		tb := openForm(t, inLang(b.activation(t, "ola"+lang, "Ola Nordmann", "default"), lang), 375)
		tabs[lang] = tb
		setValue(t, tb, "#new-password", good)
		setValue(t, tb, "#confirm-password", good)
		proxy.LoseWriteAnswers(true)
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').focus(), document.querySelector('[data-testid=submit]').click(), true)`)
		tx := site.Texts(lang)
		cardShown(t, tb, "unconfirmed", "unconfirmed-retry", tx.ActUnconfirmedTitle(), tx.ActUnconfirmedText(), "no form: the password was sent")
		proxy.LoseWriteAnswers(false)
		binds(t, lang, good, "the write reached the directory")
	}
	assert.EqualValues(t, len(site.Languages), proxy.Lost.Load(), "answers lost")

	// The English tab: "Try again" while the directory is down says the
	// password may have been set, with the time, the focus on the button.
	unconfirmedWhileDown(t, tabs["en"], ol, "not the outage's \"nothing was changed\"")

	// Back: "Try again" sends the same password, which the directory
	// holds, and the activation is done, in each language.
	for _, lang := range site.Languages {
		unconfirmedRetry(t, tabs[lang])
		stateShown(t, tabs[lang], "done")
		binds(t, lang, good, "the password typed")
	}
}

// TestChangeUnconfirmedOnPhone: a person on a phone (375 px) changes
// their password on the change page, and the directory's answer to the
// write is lost (slapd behind a proxy that closes the connection once it
// answered the password write): slapd took the new password. The page said
// the directory's outage, "your password was not changed: it is still the
// one you have now" (503 directory_unavailable). It says now, in nb, nn and
// en, that it does not know whether the password was changed, that it may
// have been, to try the new one, and that "Try again" sends the same again
// (503 directory_unconfirmed), the focus on its heading, no form, what was
// typed kept in the hidden form only. A "Try again" while the directory is
// down still says the password may have been changed; once it is back,
// "Try again" finishes with the done page. Neither password in the log.
func TestChangeUnconfirmedOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	const current = "Initial!Passw0rd-2026"
	ol, proxy, flags, dns := proxiedSlapd(t, "kari", current)
	b := startResetBackend(t, false, flags...)
	const good = "Kveldssol over Lyngen-fjorden 42!"
	kept := `(() => { const v = (id) => document.getElementById(id).value;
		return v('current-password') === ` + jsString(current) + ` && v('new-password') === ` + jsString(good) + ` && v('confirm-password') === ` + jsString(good) + `; })()`
	unseen := `(() => { const html = document.documentElement.outerHTML, text = document.body.innerText;
		return ![` + jsString(current) + `, ` + jsString(good) + `].some((p) => html.includes(p) || text.includes(p)); })()`
	binds := func(t *testing.T, lang, pw string) bool {
		t.Helper()
		ok, err := ol.CanBind(dns[lang], pw)
		require.NoError(t, err)
		return ok
	}

	tabs := map[string]*chrome.Tab{}
	for _, lang := range site.Languages {
		tb := b.tab(t)
		tabs[lang] = tb
		run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Change, lang)))
		stateShown(t, tb, "form")
		setValue(t, tb, "#username", "kari"+lang)
		setValue(t, tb, "#current-password", current)
		setValue(t, tb, "#new-password", good)
		setValue(t, tb, "#confirm-password", good)
		proxy.LoseWriteAnswers(true)
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').focus(), document.querySelector('[data-testid=submit]').click(), true)`)
		tx := site.Texts(lang)
		cardShown(t, tb, "unconfirmed", "unconfirmed-retry", tx.ResetUnconfirmedTitle(), tx.ChangeUnconfirmedText(), "no form: the password was sent")
		proxy.LoseWriteAnswers(false)
		assert.True(t, chrome.Eval[bool](t, tb, kept), "what was typed is kept")
		assert.True(t, chrome.Eval[bool](t, tb, unseen), "a password in the page's markup or text")
		assert.Empty(t, errorTexts(t, tb), "nothing said beside the form as well")
		assert.True(t, binds(t, lang, good), "the write reached the directory")
	}
	assert.EqualValues(t, len(site.Languages), proxy.Lost.Load(), "answers lost")

	// The English tab: "Try again" while the directory is down says the
	// password may have been changed, with the time, the focus on the
	// button.
	unconfirmedWhileDown(t, tabs["en"], ol, "not the outage's \"your password was not changed\"")

	// Back: "Try again" sends the same fields, and the change is done.
	for _, lang := range site.Languages {
		unconfirmedRetry(t, tabs[lang])
		stateShown(t, tabs[lang], "done")
		assert.True(t, binds(t, lang, good), "the new password binds")
		assert.False(t, binds(t, lang, current), "the old one does not")
	}
	for _, pw := range []string{current, good} {
		assert.False(t, strings.Contains(b.logs.String(), pw), "a password in the log")
	}
}
