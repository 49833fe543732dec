package site_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/site"
)

// TestResetLostAnswerOnPhone: a person on a phone (375 px) sends a new
// password on the reset page, and the answer is lost. The page said
// "Nothing was changed" (the directory's outage) or "We could not reach
// the service" (its own request failed) while the password was set.
//   - The directory took the password, and the connection to it closed
//     before its answer came (slapd behind a proxy that loses the answer
//     to a password write): the page says, in nb, nn and en, that it does
//     not know whether the password was changed, that it may have been
//     set, to try it, and that "Try again" sends it again; the focus on
//     its heading, no form. "Try again" then finishes the reset with what
//     was typed. After "Cancel", the ended state says the password may
//     have been set.
//   - The page's own request got no answer (the connection reset after
//     the server set the password): the same state; its "Try again" finds
//     the session used, and the ended state says the password may have
//     been set. A submit while the phone was offline before it, which
//     never went out, says it could not reach the service beside the form
//     (it said "we do not know whether the password was changed").
func TestResetLostAnswerOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, _ := startDirectory(t, dirtest.StartSlapd)
	proxy, err := ol.Proxy()
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	flags, err := proxy.Flags(t.TempDir())
	require.NoError(t, err)
	dn, err := ol.CreateUser("ola", "Initial!Passw0rd-2026")
	require.NoError(t, err)
	b := startResetBackend(t, true, flags...)
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\n")
	screens := screensDir(t)
	lostShown := func(t *testing.T, tb *chrome.Tab, lang string) {
		t.Helper()
		tx := site.Texts(lang)
		cardShown(t, tb, "unconfirmed", "unconfirmed-retry", tx.ResetUnconfirmedTitle(), tx.ResetUnconfirmedText(), "no form: the password was sent")
		assert.True(t, visible(t, tb, "deadline"), "the sign-in's time is said")
		png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(screens, "reset-unconfirmed-"+lang+".png"), png, 0o644))
	}
	retry := func(t *testing.T, tb *chrome.Tab) {
		t.Helper()
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=unconfirmed-retry]').focus(), document.querySelector('[data-testid=unconfirmed-retry]').click(), true)`)
	}
	binds := func(t *testing.T, pw, why string) {
		t.Helper()
		ok, err := ol.CanBind(dn, pw)
		require.NoError(t, err)
		assert.True(t, ok, why)
	}
	endedUnsure := func(t *testing.T, tb *chrome.Tab, lang string) {
		t.Helper()
		stateShown(t, tb, "ended")
		assert.True(t, visible(t, tb, "ended-unsure"), "the ended state says the password may have been set")
		assert.Equal(t, site.Texts(lang).ResetEndedUnsure(), text(t, tb, "ended-unsure"))
	}
	passwords := map[string]string{
		"nb": "Fjellbekk-Sommer!Grønn 42 Lys",
		"nn": "Kveldssol over Lyngen-fjorden 42!",
		"en": "Multebær-Vidde!Kaffekjele 1987 Ly",
	}

	t.Run("the directory's answer is lost", func(t *testing.T) {
		var tb *chrome.Tab
		for _, lang := range site.Languages {
			tb = b.tab(t)
			signInAtWidth(t, tb, b, 375, site.Path(site.Reset, lang), e2ePidOla, "idporten-loa-substantial")
			stateShown(t, tb, "form")
			proxy.LoseWriteAnswers(true)
			submitPassword(t, tb, passwords[lang])
			lostShown(t, tb, lang)
			proxy.LoseWriteAnswers(false)
			binds(t, passwords[lang], "the write reached the directory")
			if lang != "en" {
				chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=unconfirmed-cancel]').click(), true)`)
				endedUnsure(t, tb, lang)
			}
		}
		assert.Positive(t, proxy.Lost.Load(), "answers lost")
		// "Try again" sends what was typed again: the directory holds it,
		// and the reset is done.
		retry(t, tb)
		stateShown(t, tb, "done")
		binds(t, passwords["en"], "the password typed")
		assert.False(t, visible(t, tb, "ended-unsure"))
	})

	t.Run("the page's request gets no answer", func(t *testing.T) {
		tb := b.tab(t)
		signInAtWidth(t, tb, b, 375, site.Path(site.Reset, "nb"), e2ePidOla, "idporten-loa-substantial")
		stateShown(t, tb, "form")
		const pw = "Nordlys over Senja-tindene 17!"
		setValue(t, tb, "#new-password", pw)
		setValue(t, tb, "#confirm-password", pw)
		offlineSubmit(t, tb, "nb")
		ok, err := ol.CanBind(dn, pw)
		require.NoError(t, err)
		assert.False(t, ok, "offline: nothing was set")
		// The submit's answer is dropped in the browser once the server
		// has given it (a connection reset): the password is set.
		paused := make(chan fetch.RequestID, 8)
		require.NoError(t, chromedp.Listen(tb, func(ev any) {
			if e, ok := ev.(*fetch.EventRequestPaused); ok {
				select {
				case paused <- e.RequestID:
				default:
				}
			}
		}))
		go func() {
			for {
				select {
				case id := <-paused:
					chromedp.Call(tb, fetch.FailRequest, fetch.FailRequestParams{RequestID: id, ErrorReason: network.ErrorReasonConnectionReset})
				case <-tb.Done():
					return
				}
			}
		}()
		_, err = chromedp.Call(tb, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/api/reset/complete", RequestStage: fetch.RequestStageResponse}}})
		require.NoError(t, err)
		submitPassword(t, tb, pw)
		lostShown(t, tb, "nb")
		binds(t, pw, "the server set the password; only its answer was lost")
		_, err = chromedp.Call(tb, fetch.Disable, cdp.Empty{})
		require.NoError(t, err)
		// "Try again": the session was used by the submit whose answer was
		// lost.
		retry(t, tb)
		endedUnsure(t, tb, "nb")
	})

	for _, pw := range []string{passwords["nb"], passwords["nn"], passwords["en"], "Nordlys over Senja-tindene 17!"} {
		assert.False(t, strings.Contains(b.logs.String(), pw), "a password in the log")
	}
}
