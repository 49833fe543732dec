package site_test

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
	"github.com/styrke-iam/styrke/server/notify/twiliotest"
	"github.com/styrke-iam/styrke/site"
)

// TestActivationWithCode: the service desk issues a link that needs a
// one-time code; the link arrives by e-mail (a real SMTP server) and the
// code by SMS (the Twilio fake). The page asks for the code before it shows
// anything of the person, names the number's last two digits, refuses a
// wrong code in words with the focus back on the field, and with the right
// code (typed with a space, as people copy it) the activation ends as
// usual, by the keyboard alone at 375 px. The code never reaches the
// address bar.
func TestActivationWithCode(t *testing.T) {
	b, smtp, sms := codeBackend(t, twiliotest.Normal)
	b.admin(t, "/api/admin/activations", map[string]any{"username": "kno042", "name": "Kari Nordmann", "institution": "uit",
		"email": "kari@example.org", "phone": "912 34 567", "lang": "nb", "code": true})

	mails := smtp.Messages(t)
	require.Len(t, mails, 1)
	u := mailedLink(t, b, mails[0].Text)
	texts := sms.Messages()
	require.Len(t, texts, 1)
	code := regexp.MustCompile(`\b\d{8}\b`).FindString(texts[0].Body)
	require.NotEmpty(t, code, "the SMS holds the code")
	wrong := "11111111"
	if code == wrong {
		wrong = "22222222"
	}

	tb := activationTab(t)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+u.Path+"#"+u.Fragment))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-code]').hidden`)
	nb := site.Texts("nb")
	assert.Equal(t, strings.ReplaceAll(nb.ActCodeLead(), "{ending}", "67"),
		chrome.Eval[string](t, tb, `document.querySelector('[data-testid=code-lead]').textContent`), "the lead names the number's last digits")
	assert.Equal(t, "", chrome.Eval[string](t, tb, `document.getElementById('username').value + document.querySelector('[data-testid=account-name]').textContent`),
		"nothing of the person before the code")
	assert.Equal(t, "code", chrome.Eval[string](t, tb, `document.activeElement.id`), "the code field has the focus")
	assert.Equal(t, "one-time-code", chrome.Eval[string](t, tb, `document.getElementById('code').autocomplete`))
	png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	screens := filepath.Join(env.root, "e2e", "screens")
	require.NoError(t, os.MkdirAll(screens, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(screens, "activate-code-375.png"), png, 0o644))

	// Asking for the code again within the minute: the page says to wait,
	// and no second SMS goes out (the server test sends one after it).
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=code-resend]').click(), true)`)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=code-status]').textContent !== ''`)
	assert.Equal(t, strings.ReplaceAll(nb.ActCodeWait(), "{wait}", nb.WaitMinute()), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=code-status]').textContent`))
	assert.Len(t, sms.Messages(), 1)
	chrome.Eval[bool](t, tb, `(document.getElementById('code').focus(), true)`)

	run(t, tb, chromedp.KeyEvent(wrong), chromedp.KeyEvent(kb.Enter))
	chrome.Poll[bool](t, tb, `document.querySelector('[data-code-errors] li') !== null`)
	assert.Equal(t, nb.ActCodeWrong(), chrome.Eval[string](t, tb, `document.querySelector('[data-code-errors]').textContent`))
	assert.Equal(t, "true", chrome.Eval[string](t, tb, `document.getElementById('code').getAttribute('aria-invalid')`))
	assert.Equal(t, "code", chrome.Eval[string](t, tb, `document.activeElement.id`), "the focus stays on the code")
	// Said under the field and part of its description, as the password
	// fields' errors are (it was the alert's once, and the field described
	// by the lead alone).
	assert.Equal(t, "code-error code-lead", chrome.Eval[string](t, tb, `document.getElementById('code').getAttribute('aria-describedby')`))
	desc := chrome.AX(t, tb, `document.getElementById('code')`).Description
	assert.True(t, strings.HasPrefix(desc, nb.ActCodeWrong()), "the field's description: %q", desc)
	chrome.Eval[bool](t, tb, env.axe+";true")
	assert.Empty(t, chrome.Eval[[]string](t, tb, axeScan), "axe findings in the code step with its error and status")

	// The field's text is selected: typing replaces it.
	run(t, tb, chromedp.KeyEvent(code[:4]+" "+code[4:]), chromedp.KeyEvent(kb.Enter))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
	assert.Equal(t, "kno042", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
	assert.Equal(t, "new-password", chrome.Eval[string](t, tb, `document.activeElement.id`))
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	submitPassword(t, tb, good)
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden`)
	href := chrome.Eval[string](t, tb, `location.href`)
	assert.NotContains(t, href, code, "no code in the address bar")
	assert.NotContains(t, href, u.Fragment, "the spent token leaves the address bar")
	assert.Empty(t, tb.Errors())
}

// TestCodeNotSentPageSaysHow: a link whose code's SMS failed. Its e-mail
// says so and to choose «Send en ny kode» on the page; the page the link
// opens says how to get the code too, naming the same button, in the words
// a screen reader hears at the code's field: it said "Vi har sendt koden på
// SMS til mobilnummeret som slutter på 67", which was not so, and the
// person waited for an SMS that never came (found by an accessibility
// test).
func TestCodeNotSentPageSaysHow(t *testing.T) {
	b, smtp, _ := codeBackend(t, twiliotest.Fail)
	b.admin(t, "/api/admin/activations", map[string]any{"username": "kno044", "name": "Kari Nordmann", "institution": "uit",
		"email": "kari@example.org", "phone": "912 34 567", "lang": "nb", "code": true})
	mails := smtp.Messages(t)
	require.Len(t, mails, 1)
	nb := site.Texts("nb")
	button := "«" + nb.ActCodeResend() + "»"
	require.Contains(t, mails[0].Text, button, "the e-mail names the page's button")
	u := mailedLink(t, b, mails[0].Text)

	tb := activationTab(t)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+u.Path+"#"+u.Fragment))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-code]').hidden`)
	assert.Equal(t, nb.ActCodeResend(), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=code-resend]').textContent.trim()`))
	lead := chrome.Eval[string](t, tb, `document.querySelector('[data-testid=code-lead]').textContent`)
	assert.Contains(t, lead, button, "the page says how to get a code that did not come")
	assert.Contains(t, chrome.AX(t, tb, `document.getElementById('code')`).Description, button, "and so does the code's field")
	for _, lang := range site.Languages {
		tx := site.Texts(lang)
		for _, s := range []string{tx.ActCodeLead(), tx.ActCodeLeadNoNumber()} {
			assert.NotContains(t, s, "sendt koden", lang)
			assert.NotContains(t, s, "have sent", lang)
			assert.Contains(t, s, tx.ActCodeResend(), lang)
		}
	}
}

// codeBackend is a backend that mails links (a real SMTP server) and sends
// one-time codes by SMS (the Twilio fake, answering in mode).
func codeBackend(t *testing.T, mode twiliotest.Mode) (*backend, *smtptest.Server, *twiliotest.Server) {
	t.Helper()
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.StartTLS, User: "styrke", Password: "e2e-smtp-pass"})
	sms := twiliotest.New(t)
	sms.SetMode(mode)
	b := startBackend(t, "--smtp-url", smtp.URL(), "--smtp-ca-file", smtp.CAFile,
		"--mail-from", "Utfjord IT <it@utfjord.example>", "--org-name", "Utfjord kommune",
		"--twilio-url", sms.URL(), "--twilio-account-sid", twiliotest.AccountSID, "--twilio-secret", twiliotest.AuthToken,
		"--twilio-from", twiliotest.From)
	return b, smtp, sms
}

// mailedLink is the activation link in a mail's text.
func mailedLink(t *testing.T, b *backend, text string) *url.URL {
	t.Helper()
	i := strings.Index(text, b.base+"/aktiver/#/pw/")
	require.GreaterOrEqual(t, i, 0, "the mail holds the link")
	u, err := url.Parse(strings.Fields(text[i:])[0])
	require.NoError(t, err)
	return u
}
