package site_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/site"
)

// TestActivationDirectoryDownOnPhone: a person on a phone (375 px) opens
// an activation link, types a password, and the directory (slapd) stops
// answering before the submit. The page shows the outage's state, in nb,
// nn and en: the directory where the password is set does not answer, the
// link still works and nothing was changed, the focus on its heading and
// no form (the form stayed, an error beside it, and the password field's
// description said "The password meets the requirements" as if it could
// be set). "Try again" while it is still down says so in a status line,
// with the time, the focus left on the button; once it is back, "Try
// again" sets the password typed, kept meanwhile.
func TestActivationDirectoryDownOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	const initial = "Initial!Passw0rd-2026"
	dns := map[string]string{}
	for _, lang := range site.Languages {
		dn, err := ol.CreateUser("ola"+lang, initial)
		require.NoError(t, err)
		dns[lang] = dn
	}
	b := startBackend(t, flags...)
	const good = "Kveldssol over Lyngen-fjorden 42!"
	kept := `(() => { const p = document.getElementById('new-password').value; return p === ` + jsString(good) + ` && p === document.getElementById('confirm-password').value; })()`
	retry := func(t *testing.T, tb *chrome.Tab) {
		t.Helper()
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=directory-retry]').focus(), document.querySelector('[data-testid=directory-retry]').click(), true)`)
	}

	var tb *chrome.Tab
	for _, lang := range site.Languages {
		tb = openForm(t, inLang(b.activation(t, "ola"+lang, "Ola Nordmann", "default"), lang), 375)
		setValue(t, tb, "#new-password", good)
		setValue(t, tb, "#confirm-password", good)
		ol.Stop()
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').focus(), document.querySelector('[data-testid=submit]').click(), true)`)
		tx := site.Texts(lang)
		outageShown(t, tb, tx.ActDirectoryDownTitle(), tx.ActDirectoryDownText(), "no form, nor its field's \"meets the requirements\"")
		assert.True(t, chrome.Eval[bool](t, tb, kept), "what was typed is kept")
		if lang != "en" {
			restart, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			require.NoError(t, ol.Start(restart))
			cancel()
		}
	}

	// The English tab: "Try again" while still down.
	retry(t, tb)
	still := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(site.Texts("en").ActDirectoryStillDown()), `\{time\}`, `\d\d:\d\d`) + "$")
	chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=directory-checked]').textContent !== ''`)
	assert.Regexp(t, still, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=directory-checked]').textContent`))
	assert.Equal(t, "polite", chrome.AX(t, tb, `document.querySelector('[data-testid=directory-checked]')`).Live, "said to a screen reader")
	assert.Equal(t, "directory-retry", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid ?? ''`), "the focus stays on the button")
	assert.Equal(t, []string{"directorydown"}, visibleState(t, tb))

	// Back: "Try again" sets the password typed, with the same link.
	restart, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, ol.Start(restart))
	for _, lang := range site.Languages {
		ok, err := ol.CanBind(dns[lang], initial)
		require.NoError(t, err)
		assert.True(t, ok, "nothing was changed (%s)", lang)
	}
	retry(t, tb)
	stateShown(t, tb, "done")
	ok, err := ol.CanBind(dns["en"], good)
	require.NoError(t, err)
	assert.True(t, ok, "set with the link after the outage")
}

// TestAccountRulesOnPhone: an account under a password policy of its own
// in the directory (slapd: its pwdPolicySubentry, which the service
// account may read) sees that policy's rules on the activation page, at
// 375 px in nynorsk: its least length of 20 and its history of 12 in place
// of the policy's 5, in the rules box and the meter, and a submit of a
// shorter password is refused there and sends nothing. The institution's
// directory (the default policy) asks none of this.
func TestAccountRulesOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	const initial = "Initial!Passw0rd-2026"
	dn, err := ol.CreateUser("kari20", initial)
	require.NoError(t, err)
	_, err = ol.AccountPolicy(dn, 0, 0, map[string]string{"pwdMinLength": "20", "pwdInHistory": "12"})
	require.NoError(t, err)
	b := startBackend(t, flags...)
	tb, release := openFormModuleHeld(t, inLang(b.activation(t, "kari20", "Kari Nordmann", "default"), "nn"), 375)
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=directory-rules]').hidden`)
	nn := site.Texts("nn")
	assert.Equal(t, []string{"Minst 20 teikn.", strings.ReplaceAll(nn.DirHistory(), "{n}", "12")},
		chrome.Eval[[]string](t, tb, `[...document.querySelectorAll('[data-directory-rule]')].filter((e) => !e.hidden).map((e) => e.textContent)`))
	assert.False(t, chrome.Eval[bool](t, tb, `[...document.querySelectorAll('[data-rule=history]')].some((e) => !e.hidden && !e.closest('[hidden]'))`), "the account's history in place of the policy's")
	short := strings.ReplaceAll(nn.DirShort(), "{n}", "20")
	said := `[...document.querySelector('[data-testid=meter]').shadowRoot.querySelectorAll('.rules li.unmet .msg')].map((e) => e.textContent)`
	const pw = "Kx9#mQ2$vL7!pR4&zT8" // 19 code points: the policy's 16, not the account's 20
	// Typed before the meter's module runs (a slow network, a busy phone):
	// the rule is said in the line under the field, as on a page without a
	// meter, and by the meter once it starts, without another keystroke
	// (it said "meets the requirements" above that line until the next).
	hint := `document.querySelector('[data-testid=directory-hint]')`
	require.False(t, chrome.Eval[bool](t, tb, `!!globalThis.styrke`), "the module held back")
	setValue(t, tb, "#new-password", pw)
	chrome.Poll[bool](t, tb, `!`+hint+`.hidden && `+hint+`.textContent.includes(`+jsString(short)+`)`)
	release()
	chrome.Poll[bool](t, tb, said+`.includes(`+jsString(short)+`)`)
	assert.True(t, chrome.Eval[bool](t, tb, hint+`.hidden`), "said once: in the meter, not in the line too")
	setValue(t, tb, "#confirm-password", pw)
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
	assert.Equal(t, []string{short}, errorTexts(t, tb))
	assert.Equal(t, 0, chrome.Eval[int](t, tb, `performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/activation/complete')).length`))
	ok, err := ol.CanBind(dn, initial)
	require.NoError(t, err)
	assert.True(t, ok, "nothing set")
}

// openFormModuleHeld is openForm with the meter's module (the page's .wasm)
// held back until release is called, as a slow network or a busy phone
// has it: the form shows, and its meter says it is loading.
func openFormModuleHeld(t *testing.T, link string, width int64) (*chrome.Tab, func()) {
	t.Helper()
	tb := activationTab(t)
	released := make(chan struct{})
	require.NoError(t, chromedp.Listen(tb, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			go func() {
				select {
				case <-released:
					chromedp.Call(tb, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
				case <-tb.Done():
				}
			}()
		}
	}))
	_, err := chromedp.Call(tb, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*://*:*/assets/*.wasm"}}})
	require.NoError(t, err)
	// From the server, where the hold is, never from the cache: the module's
	// URL is the same on every test's serve, and a port used before by
	// another test's serve has it cached (as TestEmbedPinsEverything found).
	_, err = chromedp.Call(tb, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
	require.NoError(t, err)
	run(t, tb, chromedp.EmulateViewport(width, 900), chromedp.Navigate(link))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
	var once sync.Once
	return tb, func() { once.Do(func() { close(released) }) }
}
