package site_test

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// uitDesk is the service desk of UiT's profile in the institutions.json of
// TestDeskNamedOnPhone; the server's own (--service-desk) is e2eDesk.
const uitDesk = "Orakel UiT, 77 64 40 00"

// The answers whose words say to contact the service desk.
var (
	disabledFake  = sessionFake{403, `{"error":{"code":"account_disabled","message":"the account is disabled or has expired; contact the service desk"}}`, "", ""}
	directoryFake = sessionFake{503, `{"error":{"code":"directory_error","message":"the directory refused the service account"}}`, "", ""}
	internalFake  = sessionFake{500, `{"error":{"code":"internal","message":"internal error"}}`, "", ""}
)

// deskSaid reports what the tab's error list says: its items, the contact
// line's text and its links.
type deskSaid struct {
	Items   []string `json:"items"`
	Contact string   `json:"contact"`
	Links   []string `json:"links"`
	InSight bool     `json:"inSight"`
}

const readDeskSaid = `(() => {
	const c = document.querySelector('[data-errors] [data-testid=errors-contact]');
	const gap = c ? document.querySelector('[data-testid=submit]').getBoundingClientRect().top - c.getBoundingClientRect().bottom : -1;
	return { items: [...document.querySelectorAll('[data-errors] li')].map((e) => e.textContent),
		contact: c ? c.textContent : '', links: c ? [...c.querySelectorAll('a')].map((a) => a.getAttribute('href')) : [],
		inSight: !!c && c.checkVisibility() && gap >= 0 && gap < 100 };
})()`

// TestDeskNamedOnPhone: on the change page and the reset's form at 375 px,
// in nb, nn and en, the answers whose words say "contact the service desk"
// (the account disabled, the directory's set-up problem, the service
// failing; faked in the tab) name the desk of the account's institution
// below them, its number a link a phone calls, as the activation page
// names the link's: UiT's from its profile (--templates'
// institutions.json), the server's (--service-desk) for an institution
// without one. They named none, and the person had to find it.
func TestDeskNamedOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	templates := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(templates, "institutions.json"),
		[]byte(`{"uit": {"name": "UiT Norges arktiske universitet", "serviceDesk": "`+uitDesk+`"}}`), 0o600))
	b := startResetBackend(t, true, "--templates", templates)
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,uit,"+e2ePidOla+"\n")
	dir := screensDir(t)
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	for _, lang := range site.Languages {
		t.Run(lang+"/change", func(t *testing.T) {
			tx, rx := site.Texts(lang), site.ResetTexts(lang)
			tb := b.tab(t)
			var to atomic.Pointer[sessionFake]
			answerAPI(t, tb, "*/api/change", &to)
			run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Change, lang)))
			stateShown(t, tb, "form")
			// The configuration answered (the list of institutions is the
			// served ones'), then UiT chosen.
			chrome.Poll[bool](t, tb, `document.querySelector('#institution option[value=uit]') !== null`)
			chrome.Eval[bool](t, tb, `(() => { const s = document.getElementById('institution'); s.value = 'uit'; s.dispatchEvent(new Event('change')); return true; })()`)
			setValue(t, tb, "#username", "ola")
			setValue(t, tb, "#current-password", "Gammelt-passord-1")
			setValue(t, tb, "#new-password", good)
			setValue(t, tb, "#confirm-password", good)
			for _, c := range []struct {
				name, institution string
				fake              *sessionFake
				says, desk, tel   string
			}{
				{"disabled", "uit", &disabledFake, rx.ChangeDisabled, uitDesk, "tel:+4777644000"},
				{"directory error", "uit", &directoryFake, rx.ResetDirectoryError, uitDesk, "tel:+4777644000"},
				{"internal", "default", &internalFake, tx.ActServerError(), e2eDesk, "tel:+4722840000"},
			} {
				chrome.Eval[bool](t, tb, `(() => { const s = document.getElementById('institution'); s.value = `+jsString(c.institution)+`; s.dispatchEvent(new Event('change')); return true; })()`)
				to.Store(c.fake)
				chrome.Eval[bool](t, tb, `(document.querySelector('[data-errors]').replaceChildren(), document.querySelector('[data-testid=submit]').click(), true)`)
				chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
				got := chrome.Eval[deskSaid](t, tb, readDeskSaid)
				assert.Equal(t, []string{c.says}, got.Items, c.name)
				assert.Equal(t, rx.ResetContact+" "+c.desk, got.Contact, "%s: the desk named", c.name)
				assert.Equal(t, []string{c.tel}, got.Links, "%s: its number a link", c.name)
				assert.True(t, got.InSight, "%s: named right above the button", c.name)
				if c.name == "disabled" {
					png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
					require.NoError(t, err)
					require.NoError(t, os.WriteFile(filepath.Join(dir, "change-"+lang+"-desk.png"), png, 0o644))
				}
			}
		})
		t.Run(lang+"/reset", func(t *testing.T) {
			tx, rx := site.Texts(lang), site.ResetTexts(lang)
			tb := b.tab(t)
			var to atomic.Pointer[sessionFake]
			answerAPI(t, tb, "*/api/reset/*", &to)
			signInAtWidth(t, tb, b, 375, site.Path(site.Reset, lang), e2ePidOla, "idporten-loa-substantial")
			stateShown(t, tb, "form")
			for _, c := range []struct {
				name string
				fake *sessionFake
				says string
			}{
				{"disabled", &disabledFake, rx.ChangeDisabled},
				{"directory error", &directoryFake, rx.ResetDirectoryError},
				{"internal", &internalFake, tx.ActServerError()},
			} {
				f := *c.fake
				f.only = "/api/reset/complete"
				to.Store(&f)
				chrome.Eval[bool](t, tb, `document.querySelector('[data-errors]').replaceChildren() || true`)
				submitPassword(t, tb, good)
				chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
				got := chrome.Eval[deskSaid](t, tb, readDeskSaid)
				assert.Equal(t, []string{c.says}, got.Items, c.name)
				assert.Equal(t, rx.ResetContact+" "+uitDesk, got.Contact, "%s: the account's institution's desk", c.name)
				assert.Equal(t, []string{"tel:+4777644000"}, got.Links, "%s: its number a link", c.name)
				assert.True(t, got.InSight, "%s: named right above the button", c.name)
			}
			png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "reset-"+lang+"-desk.png"), png, 0o644))

			// The directory lacks UiT's account when the person comes
			// back (the session's 503 account_missing, faked): the card
			// names UiT's desk, not the server's.
			to.Store(&sessionFake{status: 503, only: "/api/reset/session",
				body: `{"error":{"code":"account_missing","message":"the directory has no such account"},"username":"ola","institution":"uit","institutionName":"UiT Norges arktiske universitet","expiresAt":"2099-01-01T00:00:00Z","now":"2099-01-01T00:00:00Z"}`})
			run(t, tb, chromedp.Reload())
			stateShown(t, tb, "noaccount")
			assert.Equal(t, uitDesk, text(t, tb, "contact-noaccount"), "the account's institution's desk")
			assert.Equal(t, "tel:+4777644000", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-noaccount] a').getAttribute('href')`))
		})
	}
}
