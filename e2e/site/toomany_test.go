package site_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// tooManyRequests is the server's answer to a request over the per-client
// request rate (everyone behind one NAT address shares it), with its
// Retry-After of seconds.
func tooManyRequests(seconds string) *sessionFake {
	return &sessionFake{429, `{"error":{"code":"rate_limited","message":"too many requests; try again later","limit":"requests"}}`, seconds, ""}
}

// waitIn is text with its {wait} said as the pages say a Retry-After of
// seconds.
func waitIn(tx site.Text, text string, seconds int) string {
	return strings.ReplaceAll(text, "{wait}", tx.WaitFor(seconds))
}

// saidInSight reports whether an element whose text is text is visible and
// within the viewport (a phone's screen).
func saidInSight(text string) string {
	return `(() => { const e = [...document.querySelectorAll('p, li')].find((e) => e.textContent === ` + jsString(text) + `);
		if (!e || !e.checkVisibility()) return false; const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`
}

// saidAboveSubmit is whether the error list says text, visible, right above
// the form's button (where the person who pressed it looks; at 375 px the
// page is a few screens long).
func saidAboveSubmit(text string) string {
	return `(() => { const e = [...document.querySelectorAll('[data-errors] li')].find((e) => e.textContent === ` + jsString(text) + `);
		if (!e || !e.checkVisibility()) return false;
		const gap = document.querySelector('[data-testid=submit]').getBoundingClientRect().top - e.getBoundingClientRect().bottom;
		return gap >= 0 && gap < 100; })()`
}

// shot writes the tab's page as dir/name.png.
func shot(t *testing.T, tb *chrome.Tab, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// TestChangeTooManyOnPhone: on the change page at 375 px, in nb, nn and
// en, the server's 429 rate_limited is said as the limit it met, with how
// long to wait from its Retry-After: too many wrong current passwords for
// the username (a real styrke serve, five wrong ones first: "about 15
// minutes"), or from the network's address, whichever usernames (twenty),
// or the network's request rate (seconds: a campus behind one address;
// faked in the tab). Each said "Too many wrong attempts. Wait a quarter of
// an hour", the last to a person who had typed nothing wrong and could
// try again at once. The PNGs go to $STYRKE_SCREENS (or a temporary
// directory), change-LANG-toomany-LIMIT.png.
func TestChangeTooManyOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, false)
	dir := screensDir(t)
	const good = "Kveldssol over Lyngen-fjorden 42!"
	// wrong sends a wrong current password for username, as another tab
	// would (from the same address as the browser's).
	wrong := func(t *testing.T, username string) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"username": username, "institution": "default", "current": "Feil-passord-1", "password": good})
		res, err := http.Post(b.base+"/api/change", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s", got)
	}
	// try sends the page's form for username and returns what it says.
	try := func(t *testing.T, tb *chrome.Tab, lang, username string) []string {
		t.Helper()
		run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Change, lang)))
		stateShown(t, tb, "form")
		setValue(t, tb, "#username", username)
		setValue(t, tb, "#current-password", "Feil-passord-1")
		setValue(t, tb, "#new-password", good)
		setValue(t, tb, "#confirm-password", good)
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		return errorTexts(t, tb)
	}
	// The reset with ID-porten is off on this server: the words without
	// "Forgot password".
	for _, lang := range site.Languages {
		t.Run(lang+"/account", func(t *testing.T) {
			tx := site.Texts(lang)
			for range 5 {
				wrong(t, "kari-"+lang)
			}
			tb := b.tab(t)
			want := waitIn(tx, tx.ChangeTooManyNoReset(), 900)
			assert.Equal(t, []string{want}, try(t, tb, lang, "kari-"+lang))
			assert.Contains(t, want, strings.ReplaceAll(tx.WaitMinutes(), "{n}", "15"), "a quarter of an hour, in minutes")
			assert.True(t, chrome.Eval[bool](t, tb, saidAboveSubmit(want)), "said right above the button at 375 px")
			shot(t, tb, dir, "change-"+lang+"-toomany-account")
		})
	}
	// 15 wrong from this address so far: 5 more, each its own username,
	// reach the address's 20.
	for i := range 5 {
		wrong(t, "per-"+string(rune('a'+i)))
	}
	for _, lang := range site.Languages {
		t.Run(lang+"/address", func(t *testing.T) {
			tx := site.Texts(lang)
			tb := b.tab(t)
			want := waitIn(tx, tx.ChangeTooManyAddressNoReset(), 900)
			assert.Equal(t, []string{want}, try(t, tb, lang, "ola-"+lang))
			assert.True(t, chrome.Eval[bool](t, tb, saidAboveSubmit(want)), "said right above the button at 375 px")
			shot(t, tb, dir, "change-"+lang+"-toomany-address")
		})
	}
	for _, lang := range site.Languages {
		t.Run(lang+"/requests", func(t *testing.T) {
			tx := site.Texts(lang)
			tb := b.tab(t)
			var to atomic.Pointer[sessionFake]
			to.Store(tooManyRequests("3"))
			answerAPI(t, tb, "*/api/change", &to)
			want := waitIn(tx, tx.ActTooMany, 3)
			assert.Equal(t, []string{want}, try(t, tb, lang, "kari"))
			assert.Contains(t, want, tx.WaitSeconds())
			assert.True(t, chrome.Eval[bool](t, tb, saidAboveSubmit(want)), "said right above the button at 375 px")
			shot(t, tb, dir, "change-"+lang+"-toomany-requests")
		})
	}
}

// TestActivationTooManyOnPhone: on the activation page at 375 px, in nb,
// nn and en, a 429 says how long to wait, from its Retry-After, where each
// said "Too many attempts. Wait a little and try again": at the link's
// lookup (a few seconds), at the submit (a couple of minutes) and at the
// one-time code (a minute), the network's request rate faked in the tab;
// and a new code asked for within the minute (a real styrke serve's 429,
// limit "code") says to wait a minute before asking. "Try again" and the
// next submit then go on as before.
func TestActivationTooManyOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startBackend(t)
	dir := screensDir(t)
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			link := inLang(b.activation(t, lang+"-toomany", "Kari Nordmann", "default"), lang)
			tb := activationTab(t)
			var to atomic.Pointer[sessionFake]
			to.Store(tooManyRequests("5"))
			answerAPI(t, tb, "*/api/activation/*", &to)
			run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(link))

			// The link's lookup.
			stateShown(t, tb, "error")
			assert.Equal(t, waitIn(tx, tx.ActTooMany, 5), chrome.Eval[string](t, tb, `document.querySelector('[data-error-text]').textContent`), "the lookup's words")
			assert.True(t, chrome.Eval[bool](t, tb, saidInSight(waitIn(tx, tx.ActTooMany, 5))), "said in sight at 375 px")
			g := chrome.Eval[stateGeometry](t, tb, measureState)
			assert.Empty(t, g.Overlaps, "parts that overlap")
			assert.Empty(t, g.Clipped, "parts whose text is cut off")
			shot(t, tb, dir, "activate-"+lang+"-toomany")
			to.Store(nil)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-state=error] [data-retry]').click(), true)`)
			stateShown(t, tb, "form")

			// The submit.
			to.Store(tooManyRequests("200"))
			submitPassword(t, tb, good)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
			assert.Equal(t, []string{waitIn(tx, tx.ActTooMany, 200)}, errorTexts(t, tb), "the submit's words")
			assert.Contains(t, waitIn(tx, tx.ActTooMany, 200), tx.WaitFewMinutes())
			to.Store(nil)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
			stateShown(t, tb, "done")

			// The one-time code of a link that needs one.
			link, code := b.codeLink(t, lang+"-toomanycode", lang)
			tb = activationTab(t)
			answerAPI(t, tb, "*/api/activation/*", &to)
			run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(link))
			stateShown(t, tb, "code")
			to.Store(tooManyRequests("45"))
			setValue(t, tb, "#code", code)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=code-submit]').click(), true)`)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-code-errors] li') !== null`)
			assert.Equal(t, []string{waitIn(tx, tx.ActTooMany, 45)}, chrome.Eval[[]string](t, tb, `[...document.querySelectorAll('[data-code-errors] li')].map((e) => e.textContent)`), "the code's words")
			assert.Contains(t, waitIn(tx, tx.ActTooMany, 45), tx.WaitMinute())

			// A new code within the minute of the first: the server's own
			// gap (Retry-After up to 60 s).
			to.Store(nil)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=code-resend]').click(), true)`)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=code-status]').textContent !== ''`)
			assert.Equal(t, strings.ReplaceAll(tx.ActCodeWait(), "{wait}", tx.WaitMinute()), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=code-status]').textContent`), "the code's gap")
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=code-submit]').click(), true)`)
			stateShown(t, tb, "form")
		})
	}
}

// TestResetTooManyOnPhone: on the reset page at 375 px, in nb, nn and en,
// after the sign-in, a 429 at the submit (the network's request rate,
// Retry-After 400 s: "about 7 minutes") and at "More time" (45 s: "a
// minute") says how long to wait, where each said "Too many attempts.
// Wait a little and try again"; the answers faked in the tab, a real
// sign-in with a 65 s session. The submit then sets the password.
func TestResetTooManyOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true, "--reset-session", "65s")
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\n")
	dir := screensDir(t)
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	extend := `document.querySelector('[data-testid=extend]')`
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			tb := b.tab(t)
			var to atomic.Pointer[sessionFake]
			answerAPI(t, tb, "*/api/reset/*", &to)
			signInAtWidth(t, tb, b, 375, site.Path(site.Reset, lang), e2ePidOla, "idporten-loa-substantial")
			stateShown(t, tb, "form")

			// The submit.
			to.Store(tooManyRequests("400"))
			submitPassword(t, tb, good+" "+lang) // ola's password before is in his history
			chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
			want := waitIn(tx, tx.ActTooMany, 400)
			assert.Equal(t, []string{want}, errorTexts(t, tb), "the submit's words")
			assert.Contains(t, want, strings.ReplaceAll(tx.WaitMinutes(), "{n}", "7"))
			shot(t, tb, dir, "reset-"+lang+"-toomany")

			// "More time", offered 5 s after the sign-in.
			to.Store(nil)
			chrome.Poll[bool](t, tb, `!`+extend+`.closest('p').hidden`)
			to.Store(tooManyRequests("45"))
			chrome.Eval[bool](t, tb, `(`+extend+`.click(), true)`)
			want = waitIn(tx, tx.ActTooMany, 45)
			chrome.Poll[bool](t, tb, saidInSight(want))
			assert.True(t, chrome.Eval[bool](t, tb, extend+`.checkVisibility()`), "the button stays")

			to.Store(nil)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
			stateShown(t, tb, "done")
		})
	}
}
