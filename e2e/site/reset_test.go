package site_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/server/notify/twiliotest"
	"github.com/styrke-iam/styrke/server/oidc/oidctest"
	"github.com/styrke-iam/styrke/site"
)

// Numbers made with the mod-11 rules (not real people).
const (
	e2ePidOla   = "01019000083"
	e2ePidTest  = "01820000095" // synthetic, month + 80
	e2ePidNoone = "15058500027"
	e2ePidNoDir = "02829010030" // synthetic: imported, but no account in the directory
	e2ePidTwo   = "05839028549" // synthetic: accounts at two institutions
	e2eDesk     = "Orakel, 22 84 00 00"
)

// resetBackend is a real `styrke serve` with ID-porten configured against a
// real oidc-provider (private_key_jwt, PAR required), or without ID-porten
// when idporten is false.
type resetBackend struct {
	base string
	db   string // serve's SQLite file (expireLink)
	logs *syncbuf.Buffer
	op   *oidctest.Provider
	// browser holds the tabs of tab: a browser context of the test's own,
	// so that its sign-ins' cookies (on 127.0.0.1, whatever the port) are
	// apart from those of tests that run at the same time.
	browser *chrome.Browser
}

func startResetBackend(t *testing.T, idporten bool, extra ...string) *resetBackend {
	t.Helper()
	dir, bin := t.TempDir(), styrkeBinary(t)

	breach := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 10 {
			io.WriteString(w, strings.Repeat("0", 34)+string(rune('0'+i))+":0\r\n")
		}
	}))
	t.Cleanup(breach.Close)

	b := &resetBackend{logs: &syncbuf.Buffer{}, db: filepath.Join(dir, "styrke.db"), browser: env.browser.Isolated(t)}
	var (
		keyFile string
		key     *rsa.PrivateKey
	)
	if idporten {
		var err error
		key, err = rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		der, err := x509.MarshalPKCS8PrivateKey(key)
		require.NoError(t, err)
		keyFile = filepath.Join(dir, "client.pem")
		require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	}
	addr := startServe(t, b.logs, func(ctx context.Context, addr string) (*exec.Cmd, func()) {
		args := []string{"serve", "--addr", addr, "--db", "sqlite:" + b.db, "--data", dir,
			"--site", env.dist, "--breach-url", breach.URL, "--admin-key", adminKeyE2E, "--service-desk", e2eDesk, "--log-level", "debug"}
		var undo func()
		if idporten {
			// The provider knows the client's redirect URI, which holds
			// the server's address: one provider for each address tried.
			redirect := "http://" + addr + "/auth/idporten/callback"
			op, err := oidctest.Start(oidctest.Options{Log: b.logs, Clients: []oidctest.Client{
				{ID: "styrke-e2e", RedirectURIs: []string{redirect}, PublicKey: &key.PublicKey, KeyID: "e2e-1", RequirePAR: true,
					PostLogoutRedirectURIs: []string{"http://" + addr + "/auth/idporten/logged-out"}},
			}})
			require.NoError(t, err)
			b.op, undo = op, func() { op.Stop() }
			args = append(args, "--idporten-issuer", op.Issuer(), "--idporten-client-id", "styrke-e2e",
				"--idporten-client-key-file", keyFile, "--idporten-client-key-id", "e2e-1",
				"--idporten-redirect-url", redirect, "--idporten-par", "--idporten-prompt-login", "--test-numbers",
				"--idporten-post-logout-url", "http://"+addr+"/auth/idporten/logged-out")
		}
		serve := exec.CommandContext(ctx, bin, append(args, extra...)...)
		serve.Env = append(os.Environ(), "STYRKE_IDENTITY_KEY="+strings.Repeat("e2e-identity-key-", 3))
		return serve, undo
	})
	b.base = "http://" + addr
	return b
}

const adminKeyE2E = "e2e-reset-admin-key-0123456789abcdef"

func (b *resetBackend) importCSV(t *testing.T, csv string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+"/api/admin/identities", strings.NewReader(csv))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+adminKeyE2E)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "import: %s", body)
}

// resetTab opens a tab that accepts the 4xx answers the pages expect.
func resetTab(t *testing.T) *chrome.Tab {
	t.Helper()
	return resetTabIn(t, env.browser)
}

// tab is resetTab in b's browser context: b's tabs share their cookies.
func (b *resetBackend) tab(t *testing.T) *chrome.Tab {
	t.Helper()
	return resetTabIn(t, b.browser)
}

func resetTabIn(t *testing.T, browser *chrome.Browser) *chrome.Tab {
	t.Helper()
	tb := browser.Tab(t)
	tb.Allow(func(msg string) bool {
		return strings.HasPrefix(msg, "log network:") &&
			(strings.Contains(msg, "/api/reset/") || strings.Contains(msg, "/api/change") ||
				strings.Contains(msg, "/api/breach/range/") || strings.Contains(msg, "favicon"))
	})
	return tb
}

func stateShown(t *testing.T, tb *chrome.Tab, state string) {
	t.Helper()
	chrome.Poll[bool](t, tb, `(() => { const e = document.querySelector('[data-testid=state-`+state+`]'); return e && !e.hidden; })()`)
}

// signInAt starts the reset on the page at path and signs in at the test
// provider's login page as pid at level acr.
func signInAt(t *testing.T, tb *chrome.Tab, b *resetBackend, path, pid, acr string) {
	t.Helper()
	signInAtWidth(t, tb, b, 1280, path, pid, acr)
}

// signInAtWidth is signInAt in a viewport width px wide (375: a phone).
func signInAtWidth(t *testing.T, tb *chrome.Tab, b *resetBackend, width int64, path, pid, acr string) {
	t.Helper()
	run(t, tb, chromedp.EmulateViewport(width, 900), chromedp.Navigate(b.base+path))
	stateShown(t, tb, "start")
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=start]').click(), true)`)
	waitAcross(t, tb, `location.href.startsWith(`+jsString(b.op.Issuer())+`) && document.getElementById('pid') !== null`)
	setValue(t, tb, "#pid", pid)
	setValue(t, tb, "#acr", acr)
	chrome.Eval[bool](t, tb, `(document.getElementById('login').click(), true)`)
	waitAcross(t, tb, `location.href.startsWith(`+jsString(b.base)+`) && document.readyState === 'complete'`)
}

// waitAcross polls expr while the tab navigates from page to page (a poll
// inside a page ends with the page).
func waitAcross(t *testing.T, tb *chrome.Tab, expr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chrome.PollErr[bool](tb, expr, time.Second)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			// Where the tab is: origin, path and fragment (never the query,
			// which holds the provider's code and state), and the page's
			// visible state.
			where, _ := chrome.PollErr[string](tb, `location.origin + location.pathname + location.hash + ' [' + [...document.querySelectorAll('[data-state]')].filter((e) => !e.hidden).map((e) => e.dataset.state).join(',') + ']'`, time.Second)
			t.Fatalf("not true after 20s across navigations: %s (last error %v; the tab is at %s)", expr, err, where)
		}
		if err != nil {
			<-time.After(20 * time.Millisecond) // the page was replaced; poll the next one
		}
	}
}

// TestResetEndToEnd: the whole reset in Chromium against the real
// oidc-provider (PAR, private_key_jwt, pid and acr claims) and OpenLDAP:
// sign in, the account is shown, the meter refuses the date of birth the
// sign-in gave and the mobile number the directory holds, a weak password
// is refused, a good one is set, and the new password then changes on the
// change page.
func TestResetEndToEnd(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	dns := map[string]string{}
	for _, user := range []string{"ola", "testa", "una", "una2"} {
		dn, err := ol.CreateUser(user, "Initial!Passw0rd-2026")
		require.NoError(t, err)
		dns[user] = dn
		if user == "testa" {
			require.NoError(t, ol.SetAttributes(dn, map[string]string{"mobile": "+47 912 34 567"}))
		}
	}
	sms := twiliotest.New(t)
	b := startResetBackend(t, true, append(flags, "--directory-phone-attribute", "mobile",
		"--twilio-url", sms.URL(), "--twilio-account-sid", twiliotest.AccountSID, "--twilio-secret", twiliotest.AuthToken,
		"--twilio-from", twiliotest.From)...)
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\ntesta,Test Testesen,uit,"+e2ePidTest+"\nnodir,Nils Nodir,default,"+e2ePidNoDir+"\n"+
		"una,Una Utvik,default,"+e2ePidTwo+"\nuna2,Una Utvik,uit,"+e2ePidTwo+"\n")
	var urls []string
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	const good2 = "Kveldssol over Lyngen-fjorden 42!"

	t.Run("reset", func(t *testing.T) {
		tb := b.tab(t)
		signInAt(t, tb, b, "/en/forgot/", e2ePidTest, "idporten-loa-substantial")
		stateShown(t, tb, "form")
		urls = append(urls, chrome.Eval[string](t, tb, `location.href`))
		assert.Equal(t, "/en/forgot/", chrome.Eval[string](t, tb, `location.pathname`))
		assert.Equal(t, "testa", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		assert.Equal(t, "Test Testesen", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=account-name]').textContent`))
		assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-policy-id=uit]').hidden`), "the rules of uit are shown")
		describedByRules(t, tb, "en", "uit")
		assert.Empty(t, chrome.Eval[string](t, tb, `document.cookie`), "the session cookie is HttpOnly")
		// The form's title is the page's (it named the rules box inside it).
		assert.Equal(t, site.ResetTexts("en").ResetTitle+" · Styrke", chrome.Eval[string](t, tb, `document.title`))
		// The session's time limit is said (it ran out unannounced).
		assert.Regexp(t, `^You have until \d\d:\d\d to choose a password\.`, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=deadline]').textContent`))
		assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=deadline]').hidden`))

		// The meter knows the date of birth the sign-in gave (1 February
		// 1900 for this test number) and refuses it while the person types.
		setValue(t, tb, "#new-password", "Fjellbekk-Sommer!1.2.1900 Lys")
		born := policy.Message("en", policy.RuleBirthDate, nil)
		chrome.Poll[bool](t, tb, `[...document.querySelector('[data-testid=meter]').shadowRoot.querySelectorAll('.rules li.unmet .msg')].some(e => e.textContent === `+jsString(born)+`)`)
		// And the mobile number the directory holds.
		setValue(t, tb, "#new-password", "Fjellbekk-Sommer!912 34 567")
		phone := policy.Message("en", policy.RulePhone, nil)
		chrome.Poll[bool](t, tb, `[...document.querySelector('[data-testid=meter]').shadowRoot.querySelectorAll('.rules li.unmet .msg')].some(e => e.textContent === `+jsString(phone)+`)`)

		newPasswordChecked(t, tb, "en", "/api/reset/complete")
		submitPassword(t, tb, "kort")
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		stateShown(t, tb, "form")
		// Under the field the focus is in, a pointer to the meter's list
		// right below, which the field's description reads: each of the
		// server's reasons is heard once (they were only in the list, a
		// screen below at 375 px; then twice at the field).
		assert.Equal(t, site.Texts("en").ActRejectedBelow(), chrome.Eval[string](t, tb, `document.getElementById('new-password-error').textContent`))
		assert.Equal(t, "new-password", chrome.Eval[string](t, tb, `document.activeElement.id`))
		desc := chrome.AX(t, tb, `document.getElementById('new-password')`).Description
		reasons := errorTexts(t, tb)
		require.NotEmpty(t, reasons)
		for _, reason := range reasons {
			assert.Equal(t, 1, strings.Count(desc, reason), "heard once at the field: %q in %q", reason, desc)
		}

		submitPassword(t, tb, good)
		stateShown(t, tb, "done")
		urls = append(urls, chrome.Eval[string](t, tb, `location.href`))

		// The browser's Back from the done page: the start, with the focus
		// on its button, as "Start again" leaves it (it was on <body>: a
		// screen reader heard nothing of the change).
		run(t, tb, chromedp.NavigateBack())
		stateShown(t, tb, "start")
		chrome.Poll[bool](t, tb, `document.activeElement === document.querySelector('[data-start]')`)

		// Back to #/pw: the session is gone (single use).
		run(t, tb, chromedp.Navigate(b.base+"/en/forgot/#/pw"))
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-start]').hidden || !document.querySelector('[data-testid=state-ended]').hidden`)
	})

	t.Run("an expired link offers the reset", func(t *testing.T) {
		u := expiredLink(t, b, "ola", "default")
		tb := openState(t, b.base+u.Path+"#"+u.Fragment)
		stateShown(t, tb, "expired")
		chrome.Poll[bool](t, tb, `(() => { const p = document.querySelector('[data-testid=expired-reset]').closest('p'); return !p.hidden && document.querySelector('[data-testid=expired-reset]').getBoundingClientRect().height > 0; })()`)
		// A reset is on here: the offer waits for the config's answer and stays.
		chrome.Poll[bool](t, tb, `performance.getEntriesByType('resource').some((e) => e.name.endsWith('/api/reset/config'))`)
		assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=expired-reset]').closest('p').hidden`))
		// Its words send the person to the service desk: whose contact
		// the page names (it named none).
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=contact-expired]').closest('p').hidden`)
		assert.Equal(t, site.ResetTexts("nb").ResetContact+" "+e2eDesk, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-expired]').closest('p').textContent`))

		// So do a used link's.
		u = issuedLink(t, b, "ola", "default")
		_, token, ok := strings.Cut(u.Fragment, "/pw/")
		require.True(t, ok)
		body, err := json.Marshal(map[string]string{"token": token, "password": "Multebær-Vidde!Kaffekjele 1987 Ly"})
		require.NoError(t, err)
		res, err := http.Post(b.base+"/api/activation/complete", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		tb = openState(t, b.base+u.Path+"#"+u.Fragment)
		stateShown(t, tb, "used")
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=contact-used]').closest('p').hidden`)
		assert.Equal(t, e2eDesk, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-used]').textContent`))
		// The number is a link that calls it (it was plain text to copy
		// by hand on a phone).
		assert.Equal(t, "tel:+4722840000", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-used] a')?.getAttribute('href') ?? ''`))
	})

	t.Run("a welcome's link names the institution", func(t *testing.T) {
		// The service desk's welcome (activation welcome) links the reset
		// page with ?institution=ID: the sign-in starts for that
		// institution's accounts.
		tb := b.tab(t)
		run(t, tb, chromedp.Navigate(b.base+"/en/forgot/?institution=uit"))
		stateShown(t, tb, "start")
		chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=start]').href.includes('institution=uit')`)
		assert.Equal(t, "/auth/idporten/start?lang=en&institution=uit",
			chrome.Eval[string](t, tb, `new URL(document.querySelector('[data-testid=start]').href).pathname + new URL(document.querySelector('[data-testid=start]').href).search`))
	})

	t.Run("change with the new password", func(t *testing.T) {
		tb := b.tab(t)
		run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+"/en/change/"))
		stateShown(t, tb, "form")
		// testa's identity was imported at uit; the list starts at the
		// default institution, which shares the directory.
		setValue(t, tb, "#username", "testa")
		setValue(t, tb, "#current-password", "not the password")
		setValue(t, tb, "#new-password", good2)
		setValue(t, tb, "#confirm-password", good2)
		submitted := func(want string) {
			t.Helper()
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-errors]').replaceChildren(), document.querySelector('[data-testid=submit]').click(), true)`)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
			assert.Equal(t, []string{want}, errorTexts(t, tb))
		}
		submitted(site.ResetTexts("en").ChangeWrong)
		// Said under the field the focus goes to, in sight at 375 px (the
		// list of errors is a screen further down), and linked to it.
		assert.Equal(t, site.ResetTexts("en").ChangeWrong, chrome.Eval[string](t, tb, `document.getElementById('current-password-error').textContent`))
		assert.Contains(t, chrome.Eval[string](t, tb, `document.getElementById('current-password').getAttribute('aria-describedby')`), "current-password-error")
		assert.True(t, chrome.Eval[bool](t, tb, `(() => { const r = document.getElementById('current-password-error').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`), "the message is in sight")
		// The new password equal to the current one: said so, not "could
		// not reach the service".
		setValue(t, tb, "#current-password", good)
		setValue(t, tb, "#new-password", good)
		setValue(t, tb, "#confirm-password", good)
		submitted(site.ResetTexts("en").ChangeSame)
		assert.Equal(t, "new-password", chrome.Eval[string](t, tb, `document.activeElement.id`))
		assert.False(t, chrome.Eval[bool](t, tb, `document.getElementById('current-password-error') !== null`), "typing in the field cleared its message")
		// The right current password at another institution than the
		// account's: the page chooses the account's, whose rules judge.
		setValue(t, tb, "#new-password", good2)
		setValue(t, tb, "#confirm-password", good2)
		submitted(strings.ReplaceAll(site.ResetTexts("en").ChangeWrongInstitution, "{name}", "UiT Norges arktiske universitet"))
		assert.Equal(t, "uit", chrome.Eval[string](t, tb, `document.getElementById('institution').value`))
		assert.Equal(t, "institution", chrome.Eval[string](t, tb, `document.activeElement.id`))
		assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-policy-id=uit]').hidden`), "uit's rules are shown")
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
		stateShown(t, tb, "done")
	})

	t.Run("welcomed by SMS, then signed in", func(t *testing.T) {
		// The service desk's welcome: an SMS with the reset page's link
		// (no secret), which the person opens and signs in from.
		res := adminPost(t, b.base, adminKeyE2E, "/api/admin/welcome", map[string]string{"username": "testa", "institution": "uit", "phone": "41234567", "lang": "en"})
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		msgs := sms.Messages()
		require.Len(t, msgs, 1)
		i := strings.Index(msgs[0].Body, b.base+"/en/forgot/?institution=uit")
		require.GreaterOrEqual(t, i, 0, "the SMS links the reset page for uit: %s", msgs[0].Body)
		u, err := url.Parse(strings.Fields(msgs[0].Body[i:])[0])
		require.NoError(t, err)
		tb := b.tab(t)
		signInAt(t, tb, b, u.RequestURI(), e2ePidTest, "idporten-loa-substantial")
		stateShown(t, tb, "form")
		assert.Equal(t, "testa", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=cancel]').click(), true)`)
		stateShown(t, tb, "ended")
	})

	t.Run("cancel ends the session", func(t *testing.T) {
		tb := b.tab(t)
		signInAt(t, tb, b, "/glemt/", e2ePidOla, "idporten-loa-high")
		stateShown(t, tb, "form")
		assert.Equal(t, "ola", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=cancel]').click(), true)`)
		stateShown(t, tb, "ended")
		// "Start again" leaves the focus on the sign-in button (it fell to
		// the page's body).
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=state-ended] [data-again]').click(), true)`)
		stateShown(t, tb, "start")
		assert.Equal(t, "start", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid ?? ''`))
		run(t, tb, chromedp.Navigate(b.base+"/glemt/#/pw"))
		stateShown(t, tb, "start")
	})

	t.Run("a reminder's link names the institution", func(t *testing.T) {
		// styrke directory remind links the change page with
		// ?institution=ID (server.ChangeLink): the form starts with it
		// chosen; an id the list lacks leaves the default.
		tb := b.tab(t)
		run(t, tb, chromedp.Navigate(server.ChangeLink(b.base, "en", "uit")))
		stateShown(t, tb, "form")
		assert.Equal(t, "uit", chrome.Eval[string](t, tb, `document.getElementById('institution').value`))
		run(t, tb, chromedp.Navigate(b.base+"/en/change/?institution=nosuch"))
		stateShown(t, tb, "form")
		assert.Equal(t, "default", chrome.Eval[string](t, tb, `document.getElementById('institution').value`))
	})

	t.Run("change on a locked account", func(t *testing.T) {
		// Six wrong passwords at the directory itself lock ola (slapd
		// locks after 5); then the right one does not bind either, and
		// the change page answers as for a wrong password, whose text
		// says the account may be locked and points to "Forgot password".
		for i := range 6 {
			ok, err := ol.CanBind(dns["ola"], "not ola's password "+string(rune('a'+i)))
			require.NoError(t, err)
			require.False(t, ok)
		}
		require.Eventually(t, func() bool { // the lock is recorded (see dirflow's lockedUser)
			locked, err := ol.Locked(dns["ola"])
			require.NoError(t, err)
			return locked
		}, 10*time.Second, 20*time.Millisecond)
		tb := b.tab(t)
		run(t, tb, chromedp.Navigate(b.base+"/en/change/"))
		stateShown(t, tb, "form")
		setValue(t, tb, "#username", "ola")
		setValue(t, tb, "#current-password", "Initial!Passw0rd-2026")
		submitPassword(t, tb, good2)
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		assert.Equal(t, []string{site.ResetTexts("en").ChangeWrong}, errorTexts(t, tb), "a wrong password's answer, which says an account may be locked")
	})

	t.Run("an account the directory lacks", func(t *testing.T) {
		// The identities' file maps the person to an account the
		// directory does not have: said when the person comes back from
		// ID-porten, on a phone, in nb, nn and en, with the account, whom
		// to ask, and no form (it showed the form, and the submit said
		// so after a password was typed).
		for _, lang := range site.Languages {
			tb := b.tab(t)
			signInAtWidth(t, tb, b, 375, site.Path(site.Reset, lang), e2ePidNoDir, "idporten-loa-substantial")
			tx := site.Texts(lang)
			says := strings.NewReplacer("{username}", "nodir", "{institution}", "Felles IAM").Replace(tx.ResetNoAccount())
			cardShown(t, tb, "noaccount", "noaccount-cancel", tx.ResetNoAccountTitle(), says, "no form to type a password into")
			assert.True(t, visible(t, tb, "contact-noaccount"), "whom to ask")
			assert.Equal(t, e2eDesk, text(t, tb, "contact-noaccount"))
			assert.False(t, visible(t, tb, "noaccount-other"), "no other account to choose")
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=noaccount-cancel]').click(), true)`)
			stateShown(t, tb, "ended")
		}
	})

	refusals := []struct {
		name, path, pid, acr, state string
		contact                     bool
	}{
		{"unknown person", "/nn/gloymt/", e2ePidNoone, "idporten-loa-substantial", "nomatch", true},
		{"level too low", "/glemt/", e2ePidOla, "idporten-loa-low", "level", false},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			tb := b.tab(t)
			signInAt(t, tb, b, tc.path, tc.pid, tc.acr)
			stateShown(t, tb, tc.state)
			urls = append(urls, chrome.Eval[string](t, tb, `location.href`))
			assert.Equal(t, tc.path, chrome.Eval[string](t, tb, `location.pathname`))
			if tc.contact {
				assert.Equal(t, e2eDesk, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-`+tc.state+`]').textContent`))
				assert.Equal(t, "tel:+4722840000", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-`+tc.state+`] a')?.getAttribute('href') ?? ''`))
			}
		})
	}

	t.Run("accounts at two institutions: choose one", func(t *testing.T) {
		// Una has an account at default and one at uit: after the sign-in
		// she chooses (it was "no account, or more than one").
		tb := b.tab(t)
		signInAt(t, tb, b, "/en/forgot/", e2ePidTwo, "idporten-loa-substantial")
		stateShown(t, tb, "choose")
		run(t, tb, chromedp.EmulateViewport(375, 800))
		png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		screens := filepath.Join(env.root, "e2e", "screens")
		require.NoError(t, os.MkdirAll(screens, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(screens, "reset-choose-375.png"), png, 0o644))
		chrome.Eval[bool](t, tb, env.axe+";true")
		assert.Empty(t, chrome.Eval[[]string](t, tb, axeScan), "axe findings in the choice")
		assert.Equal(t, site.Texts("en").ResetChooseTitle(), chrome.Eval[string](t, tb, `document.activeElement.textContent`), "the focus on the choice's heading")
		// The choice's time limit is said too (it ran out unannounced).
		assert.Regexp(t, `^You have until \d\d:\d\d to choose a password\.`, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=deadline]').textContent`))
		assert.True(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=deadline]').checkVisibility()`))
		choices := chrome.Eval[[]string](t, tb, `[...document.querySelectorAll('[data-testid=choice]')].map((b) => b.textContent)`)
		assert.Equal(t, []string{"una – Felles IAM", "una2 – UiT Norges arktiske universitet"}, choices)
		chrome.Eval[bool](t, tb, `(document.querySelectorAll('[data-testid=choice]')[1].click(), true)`)
		stateShown(t, tb, "form")
		assert.Equal(t, "una2", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-policy-id=uit]').hidden`), "uit's rules")
		assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=other-account]').hidden`), "another account may be chosen")
		// A reload, and a switch of language, come back to the account
		// chosen (they went back to the choice).
		run(t, tb, chromedp.Reload())
		stateShown(t, tb, "form")
		assert.Equal(t, "una2", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		chrome.Eval[bool](t, tb, `(document.querySelector('nav.langs a[hreflang=nn]').click(), true)`)
		waitAcross(t, tb, `location.pathname === '/nn/gloymt/' && document.readyState === 'complete'`)
		stateShown(t, tb, "form")
		assert.Equal(t, "una2", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		chrome.Eval[bool](t, tb, `(document.querySelector('nav.langs a[hreflang=en]').click(), true)`)
		waitAcross(t, tb, `location.pathname === '/en/forgot/' && document.readyState === 'complete'`)
		stateShown(t, tb, "form")
		setValue(t, tb, "#new-password", "half typed")
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=other-account]').click(), true)`)
		stateShown(t, tb, "choose")
		assert.Empty(t, chrome.Eval[string](t, tb, `document.getElementById('new-password').value`), "the typed password is not carried to another account")
		chrome.Eval[bool](t, tb, `(document.querySelectorAll('[data-testid=choice]')[0].click(), true)`)
		stateShown(t, tb, "form")
		assert.Equal(t, "una", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		assert.True(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-policy-id=uit]').hidden`), "uit's rules hidden again")
		assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-policy-id=default]').hidden`))
		submitPassword(t, tb, good)
		stateShown(t, tb, "done")
		ok, err := ol.CanBind(dns["una"], good)
		require.NoError(t, err)
		assert.True(t, ok, "una's password set in the directory")
		ok, err = ol.CanBind(dns["una2"], good)
		require.NoError(t, err)
		assert.False(t, ok, "una2's not")
	})

	t.Run("another tab's sign-in replaces the choice", func(t *testing.T) {
		// Una is choosing in one tab; in another tab of the same browser
		// Test Testesen signs in. Una's choice then says so and shows
		// what the cookie now holds (it showed Testesen's form without a
		// word, and offered Una's accounts again).
		tb := b.tab(t)
		signInAt(t, tb, b, "/en/forgot/", e2ePidTwo, "idporten-loa-substantial")
		stateShown(t, tb, "choose")
		tb2 := b.tab(t) // the same browser: its cookies
		signInAt(t, tb2, b, "/en/forgot/", e2ePidTest, "idporten-loa-substantial")
		stateShown(t, tb2, "form")
		chrome.Eval[bool](t, tb, `(document.querySelectorAll('[data-testid=choice]')[1].click(), true)`)
		stateShown(t, tb, "form")
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		assert.Equal(t, "testa", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
		assert.Equal(t, []string{site.Texts("en").ResetSessionChanged()}, errorTexts(t, tb))
		assert.True(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=other-account]').hidden`), "no other sign-in's accounts offered")
		chrome.Eval[bool](t, tb2, `(document.querySelector('[data-testid=cancel]').click(), true)`)
		stateShown(t, tb2, "ended")
	})

	t.Run("nothing secret in the logs or the URLs", func(t *testing.T) {
		logs := b.logs.String()
		for _, secret := range []string{e2ePidOla, e2ePidTest, e2ePidNoone, e2ePidNoDir, e2ePidTwo, good, good2} {
			assert.NotContains(t, logs, secret)
			for _, u := range urls {
				assert.NotContains(t, u, secret)
			}
		}
		for _, u := range urls {
			assert.NotContains(t, u, "code=")
			assert.NotContains(t, u, "state=")
		}
	})
}

// TestResetDisabledAccount: an OpenLDAP account the administrator locked
// for good (pwdAccountLockedTime 000001010000Z, ppolicy's disabled
// account) is not set by a reset: the page says the account is disabled
// and to contact the service desk, and the account stays locked. The
// reset set the password and ppolicy ended the lock with it, so the
// account the institution had disabled logged in again; an activation
// link did the same.
func TestResetDisabledAccount(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	dn, err := ol.CreateUser("per", "Initial!Passw0rd-2026")
	require.NoError(t, err)
	require.NoError(t, ol.SetAttributes(dn, map[string]string{"pwdAccountLockedTime": "000001010000Z"}))
	b := startResetBackend(t, true, flags...)
	b.importCSV(t, "username,name,institution,identity number\nper,Per Sperre,default,"+e2ePidOla+"\n")
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	stays := func(t *testing.T) {
		t.Helper()
		locked, err := ol.Locked(dn)
		require.NoError(t, err)
		assert.True(t, locked, "the account stays disabled")
		ok, err := ol.CanBind(dn, good)
		require.NoError(t, err)
		assert.False(t, ok, "the password was not set")
	}

	t.Run("reset", func(t *testing.T) {
		tb := b.tab(t)
		signInAt(t, tb, b, "/en/forgot/", e2ePidOla, "idporten-loa-substantial")
		stateShown(t, tb, "form")
		submitPassword(t, tb, good)
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		assert.Equal(t, []string{site.ResetTexts("en").ChangeDisabled}, errorTexts(t, tb))
		assert.False(t, visible(t, tb, "state-done"), "not \"you can log in now\"")
		stays(t)
	})
	t.Run("activation link", func(t *testing.T) {
		// The page says what the server said (it said "something went
		// wrong on our side").
		u := issuedLink(t, b, "per", "default")
		tb := openForm(t, inLang(u.String(), "en"), 375)
		setValue(t, tb, "#new-password", good)
		setValue(t, tb, "#confirm-password", good)
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		assert.Equal(t, []string{site.Texts("en").ActDisabled}, errorTexts(t, tb))
		assert.False(t, visible(t, tb, "state-done"), "not \"you can log in now\"")
		stays(t)
	})
}

// TestResetNotConfigured: without ID-porten the page says so and whom to
// contact, in every language.
func TestResetNotConfigured(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, false)
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tb := b.tab(t)
			run(t, tb, chromedp.Navigate(b.base+site.Path(site.Reset, lang)))
			stateShown(t, tb, "off")
			assert.Equal(t, e2eDesk, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-off]').textContent`))
			assert.Equal(t, site.ResetTexts(lang).ResetOffTitle, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-off] h2').textContent`))
		})
	}
	t.Run("the server unreachable is not 'off'", func(t *testing.T) {
		// A failed configuration request said "ID-porten is off here".
		tb := b.tab(t)
		unblock := blockURL(t, tb, "*://*:*/api/reset/config")
		run(t, tb, chromedp.Navigate(b.base+site.Path(site.Reset, "en")))
		stateShown(t, tb, "error")
		unblock()
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=retry]').click(), true)`)
		stateShown(t, tb, "off")
	})
	t.Run("the change page does not send people to it", func(t *testing.T) {
		// A wrong password's text (which says an account may be locked)
		// and the link under the form pointed to "Forgot password", which
		// then said it is not available here.
		tb := b.tab(t)
		run(t, tb, chromedp.Navigate(b.base+site.Path(site.Change, "nn")))
		stateShown(t, tb, "form")
		chrome.Poll[bool](t, tb, `document.querySelector('[data-forgot-link]').hidden`)
		setValue(t, tb, "#username", "nobody")
		setValue(t, tb, "#current-password", "not the password")
		submitPassword(t, tb, "Kveldssol over Lyngen-fjorden 42!")
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		assert.Equal(t, []string{site.Texts("nn").ChangeWrongNoReset()}, errorTexts(t, tb))
		// Its words say to contact the service desk: named below them
		// (they named none).
		got := chrome.Eval[deskSaid](t, tb, readDeskSaid)
		assert.Equal(t, site.ResetTexts("nn").ResetContact+" "+e2eDesk, got.Contact)
		assert.Equal(t, []string{"tel:+4722840000"}, got.Links)
	})
	var cfg map[string]any
	res, err := http.Get(b.base + "/api/reset/config")
	require.NoError(t, err)
	defer res.Body.Close()
	require.NoError(t, json.NewDecoder(res.Body).Decode(&cfg))
	assert.Equal(t, false, cfg["idporten"])
}

// TestChangeWithoutDirectory: the change page on a server that keeps the
// passwords itself (--directory none) and whose breach service does not
// answer (the default policy accepts then):
//   - an empty username or current password is said under its field, the
//     first one focused, and nothing is sent (it went to the server, whose
//     400 the page called "could not reach the service");
//   - typing in the field takes its words out of the list above the button
//     too (they stayed until the next submit);
//   - the done page says the password was set without the breach check,
//     as the page's rules promise (it said only "changed").
func TestChangeWithoutDirectory(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, false, "--breach-url", "http://127.0.0.1:1")
	const first, second = "Granskog!Lirype-Vadmel9", "Kveldssol over Lyngen-fjorden 42!"
	// An account with a password of Styrke's own: an activation link used.
	post := func(path, body string, auth bool) []byte {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if auth {
			req.Header.Set("Authorization", "Bearer "+adminKeyE2E)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		require.Less(t, res.StatusCode, 300, "%s: %s", path, out)
		return out
	}
	var issued struct{ Link string }
	require.NoError(t, json.Unmarshal(post("/api/admin/activations", `{"username":"eva","institution":"default"}`, true), &issued))
	_, token, ok := strings.Cut(issued.Link, "#/pw/")
	require.True(t, ok, "link %q", issued.Link)
	post("/api/activation/complete", `{"token":"`+token+`","password":"`+first+`"}`, false)

	tb := b.tab(t)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+"/en/change/"))
	stateShown(t, tb, "form")
	// The two "Show password" buttons are told apart by their fields.
	toggles := `document.querySelectorAll('[data-toggle-password]')`
	assert.Equal(t, site.ResetTexts("en").ChangeCurrent, chrome.AX(t, tb, toggles+`[0]`).Description)
	assert.Equal(t, site.Texts("en").ActNew, chrome.AX(t, tb, toggles+`[1]`).Description)
	describedByRules(t, tb, "en", "default")
	submitPassword(t, tb, second)
	chrome.Poll[bool](t, tb, `document.getElementById('username-error') !== null`)
	en := site.Texts("en")
	assert.Equal(t, []string{en.ChangeNoUsername(), en.ChangeNoCurrent()}, errorTexts(t, tb))
	assert.Equal(t, en.ChangeNoCurrent(), chrome.Eval[string](t, tb, `document.getElementById('current-password-error').textContent`))
	assert.Equal(t, "username", chrome.Eval[string](t, tb, `document.activeElement.id`), "the first empty field")
	assert.Equal(t, "true", chrome.Eval[string](t, tb, `document.getElementById('username').getAttribute('aria-invalid')`))
	setValue(t, tb, "#username", "eva")
	assert.Equal(t, []string{en.ChangeNoCurrent()}, errorTexts(t, tb), "the username's words left the list")
	setValue(t, tb, "#current-password", first)
	assert.Empty(t, errorTexts(t, tb))
	newPasswordChecked(t, tb, "en", "/api/change")
	setValue(t, tb, "#new-password", second)
	setValue(t, tb, "#confirm-password", second)

	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
	stateShown(t, tb, "done")
	assert.True(t, chrome.Eval[bool](t, tb, `!document.querySelector('[data-testid=state-done] [data-testid=breach-unchecked]').hidden`),
		"the done page says the breach check did not run")
	assert.Equal(t, en.ActBreachUnchecked(), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-done] [data-testid=breach-unchecked]').textContent`))
	// Styrke kept the password, and no directory logs in with it: the page
	// says so, not "use the new password the next time you log in" (found
	// by an accessibility test).
	assert.True(t, visible(t, tb, "change-done-none"), "the page says nothing logs in with it yet")
	assert.False(t, visible(t, tb, "change-done"), "not \"use it the next time\"")
	assert.Equal(t, en.ActDoneNoDirectory(), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=change-done-none]').textContent`))
}

// TestChangeInstitutionSwitchForgetsTheRefusal: the change page's answer
// is about the institution chosen when it was sent. utfjord refuses the
// password's space and "ø"; choosing another institution then takes the
// refusal out of the field's words, its description (what a screen reader
// hears at the field) and the error list, with the field no longer marked
// invalid: they stayed, and the field read utfjord's refusal above the
// default rules, which allow both (found by an accessibility test).
func TestChangeInstitutionSwitchForgetsTheRefusal(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, false, "--breach-url", "http://127.0.0.1:1")
	tb := b.tab(t)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+"/en/change/"))
	stateShown(t, tb, "form")
	choose := func(id string) {
		t.Helper()
		chrome.Eval[bool](t, tb, `(() => { const s = document.getElementById('institution'); s.value = `+jsString(id)+`; s.dispatchEvent(new Event('change', { bubbles: true })); return s.value === `+jsString(id)+`; })()`)
	}
	choose("utfjord")
	setValue(t, tb, "#username", "eva")
	setValue(t, tb, "#current-password", "Granskog!Lirype-Vadmel9")
	submitPassword(t, tb, "Fjellbekk-Sommer!Grønn 42 Lys")
	chrome.Poll[bool](t, tb, `document.getElementById('new-password-error') !== null`)
	refusal := chrome.Eval[string](t, tb, `document.getElementById('new-password-error').textContent`)
	require.NotEmpty(t, errorTexts(t, tb))
	require.Contains(t, chrome.AX(t, tb, `document.getElementById('new-password')`).Description, refusal)

	choose("default")
	assert.False(t, chrome.Eval[bool](t, tb, `document.getElementById('new-password-error') !== null`), "utfjord's refusal under the field")
	assert.Empty(t, errorTexts(t, tb), "utfjord's refusal in the error list")
	assert.Equal(t, "", chrome.Eval[string](t, tb, `document.getElementById('new-password').getAttribute('aria-invalid') ?? ''`))
	desc := chrome.AX(t, tb, `document.getElementById('new-password')`).Description
	assert.NotContains(t, desc, refusal[:strings.Index(refusal, ".")+1], "the field's description")
	describedByRules(t, tb, "en", "default")
}

// TestResetMoreTime: a minute before the session ends the form says so
// and offers more time (WCAG 2.2.1); the button gives another session's
// length from now, the status line says until when, and the focus goes
// back to the password. The session ran out with no way to extend it.
func TestResetMoreTime(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true, "--reset-session", "65s", "--idporten-acr", "idporten-loa-substantial,uit=idporten-loa-high")
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\nolau,Ola Nordmann,uit,"+e2ePidOla+"\n")
	tb := b.tab(t)
	signInAt(t, tb, b, "/en/forgot/", e2ePidOla, "idporten-loa-substantial")
	stateShown(t, tb, "form")
	// Ola's account at uit requires level high, which this sign-in did
	// not reach: the form is default's, and says so (it said nothing).
	assert.Equal(t, "ola", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
	assert.Equal(t, site.Texts("en").ResetOthersNeedHigh(), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=level-note]').checkVisibility() ? document.querySelector('[data-testid=level-note]').textContent : ''`))
	setValue(t, tb, "#new-password", "half typed")
	// The warning comes 5 s after the sign-in (65 s, less a minute).
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=extend]').closest('p').hidden`)
	en := site.Texts("en")
	assert.Equal(t, en.ResetDeadlineSoon(), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=deadline-soon]').textContent`))
	chrome.Eval[bool](t, tb, env.axe+";true")
	assert.Empty(t, chrome.Eval[[]string](t, tb, axeScan), "axe findings with the offer of more time")
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=extend]').click(), true)`)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=deadline-soon]').textContent.startsWith('You have more time')`)
	assert.Regexp(t, `^You have more time: until \d\d:\d\d\.$`, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=deadline-soon]').textContent`))
	assert.True(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=extend]').closest('p').hidden`), "the button is gone")
	assert.Equal(t, "new-password", chrome.Eval[string](t, tb, `document.activeElement.id`), "the focus back on the password")
	assert.Equal(t, "half typed", chrome.Eval[string](t, tb, `document.getElementById('new-password').value`), "what was typed stays")
	assert.Regexp(t, `^You have until \d\d:\d\d to choose a password\.`, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=deadline]').textContent`))
	// (TestResetExtend in package server holds the session past its
	// first end.)
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	submitPassword(t, tb, good)
	stateShown(t, tb, "done")
	assert.NotContains(t, b.logs.String(), good)
	// No directory: Styrke kept the password, and nothing logs in with it.
	assert.True(t, visible(t, tb, "reset-done-none"))
	assert.False(t, visible(t, tb, "reset-done"))
}

// TestResetClockOff: a phone whose clock is three minutes fast. The page
// timed the session's end by the server's expiry against the phone's
// clock, so the session ended at once, before the person could type; the
// page now times it from the server's clock, and says the end by the
// phone's.
func TestResetClockOff(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true, "--reset-session", "65s")
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\n")
	tb := b.tab(t)
	ctx, cancel := context.WithTimeout(tb, 10*time.Second)
	defer cancel()
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `(() => {
		const Real = Date, off = 180000, now = () => Real.now() + off;
		globalThis.Date = class extends Real {
			constructor(...a) { if (a.length === 0) super(now()); else super(...a); }
			static now() { return now(); }
		};
	})();`})
	require.NoError(t, err)
	signInAt(t, tb, b, "/en/forgot/", e2ePidOla, "idporten-loa-substantial")
	stateShown(t, tb, "form")
	// The phone's clock (three minutes fast) says the end: about 65 s
	// from now by it.
	shown := chrome.Eval[string](t, tb, `document.querySelector('[data-testid=deadline]').textContent`)
	var near []string
	for _, s := range chrome.Eval[[]string](t, tb, `[...Array(15).keys()].map((i) => new Date(Date.now() + 70000 - 5000 * i).toLocaleTimeString('en-GB', {hour: '2-digit', minute: '2-digit'}))`) {
		near = append(near, "You have until "+s+" ")
	}
	assert.True(t, slices.ContainsFunc(near, func(p string) bool { return strings.HasPrefix(shown, p) }), "%q is not the phone's time of the end (%v)", shown, near)
	// The warning comes 5 s after the sign-in, the form still there.
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=extend]').closest('p').hidden && !document.querySelector('[data-testid=state-form]').hidden`)
	setValue(t, tb, "#new-password", "half typed")
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=extend]').click(), true)`)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=deadline-soon]').textContent.startsWith('You have more time')`)
	assert.True(t, chrome.Eval[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden && document.getElementById('new-password').value === 'half typed'`),
		"more time, and the form with what was typed stays")
}

// TestResetBack: Back from the form went to ID-porten's login page, whose
// sign-in is spent (the provider's error page); it now comes to the
// start of the reset, and Forward back to the form while the session
// lasts.
func TestResetBack(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true)
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\n")
	tb := b.tab(t)
	signInAt(t, tb, b, "/en/forgot/", e2ePidOla, "idporten-loa-substantial")
	stateShown(t, tb, "form")
	chrome.Eval[bool](t, tb, `(history.back(), true)`)
	waitAcross(t, tb, `location.origin === `+jsString(b.base)+` && (() => { const e = document.querySelector('[data-testid=state-start]'); return e !== null && !e.hidden; })()`)
	assert.Equal(t, "/en/forgot/", chrome.Eval[string](t, tb, `location.pathname + location.hash`))
	chrome.Eval[bool](t, tb, `(history.forward(), true)`)
	waitAcross(t, tb, `(() => { const e = document.querySelector('[data-testid=state-form]'); return e !== null && !e.hidden; })()`)
	assert.Equal(t, "ola", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
	// A reload of the form stays on it, and Back still comes to the start
	// (one entry for the sign-in, not one a reload).
	run(t, tb, chromedp.Reload())
	stateShown(t, tb, "form")
	chrome.Eval[bool](t, tb, `(history.back(), true)`)
	waitAcross(t, tb, `location.origin === `+jsString(b.base)+` && (() => { const e = document.querySelector('[data-testid=state-start]'); return e !== null && !e.hidden; })()`)
}

// TestChangeServedInstitution: an installation that serves one
// institution (--institutions uio) offers no choice of institution on the
// change page: the list offered every built-in one, and a person Styrke
// knew nothing of could choose the weakest policy. The meter and the rules
// shown are uio's.
func TestChangeServedInstitution(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, false, "--institutions", "uio")
	tb := b.tab(t)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+"/en/change/"))
	stateShown(t, tb, "form")
	chrome.Poll[bool](t, tb, `document.getElementById('institution').closest('.field').hidden`)
	assert.Equal(t, []string{"uio"}, chrome.Eval[[]string](t, tb, `[...document.getElementById('institution').options].map((o) => o.value)`))
	assert.Equal(t, "uio", chrome.Eval[string](t, tb, `document.querySelector('styrke-meter').getAttribute('policy')`))
	assert.True(t, chrome.Eval[bool](t, tb, `!document.querySelector('[data-policy-id="uio"]').hidden && document.querySelector('[data-policy-id="default"]').hidden`))
}

// TestResetLogout: after a cancelled reset the page offers to log out of
// ID-porten, whose sign-in outlasts the reset (on a shared computer the
// next person reached the first one's services); the button goes through
// ID-porten's logout (confirmed on its page, as oidc-provider asks) and
// back to the reset page, which says the sign-in is over. Keyboard only.
func TestResetLogout(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true)
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\n")
	tb := b.tab(t)
	signInAt(t, tb, b, "/en/forgot/", e2ePidOla, "idporten-loa-substantial")
	stateShown(t, tb, "form")
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=state-form] [data-cancel]').click(), true)`)
	stateShown(t, tb, "ended")
	logout := `document.querySelector('[data-testid=state-ended] [data-testid=idporten-logout]')`
	assert.Equal(t, "Log out of ID-porten", chrome.Eval[string](t, tb, logout+`.textContent`))
	chrome.Eval[bool](t, tb, `(`+logout+`.focus(), true)`)
	run(t, tb, chromedp.KeyEvent("\r"))
	waitAcross(t, tb, `location.href.startsWith(`+jsString(b.op.Issuer())+`) && document.querySelector('button[name=logout][value=yes]') !== null`)
	chrome.Eval[bool](t, tb, `(document.querySelector('button[name=logout][value=yes]').click(), true)`)
	waitAcross(t, tb, `location.origin === `+jsString(b.base)+` && (() => { const e = document.querySelector('[data-testid=state-signedout]'); return e !== null && !e.hidden; })()`)
	assert.Equal(t, "You are logged out of ID-porten", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-signedout] h2').textContent`))
	assert.NotContains(t, chrome.Eval[string](t, tb, `location.href`), e2ePidOla)
	chrome.Eval[bool](t, tb, env.axe+";true")
	assert.Empty(t, chrome.Eval[[]string](t, tb, axeScan), "axe findings on the signed-out page")
}

// TestResetRefusalOffersLogout: a sign-in that ID-porten completed but
// Styrke refused (no account, no Norwegian number, too low a level) leaves
// the person signed in at ID-porten; the refusal offers to log out of it,
// as the done page does (it offered only "Start again", and on a shared
// computer the next person reached the first one's services). Keyboard
// only, through ID-porten's logout and back to the page.
func TestResetRefusalOffersLogout(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true)
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\n")
	cases := []struct {
		name, pid, acr, state string
	}{
		{"no account", e2ePidNoone, "idporten-loa-substantial", "nomatch"},
		{"foreign eID", "", "idporten-loa-substantial", "nonumber"},
		{"level too low", e2ePidOla, "idporten-loa-low", "level"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tb := b.tab(t)
			signInAt(t, tb, b, "/en/forgot/", tc.pid, tc.acr)
			stateShown(t, tb, tc.state)
			logout := `document.querySelector('[data-testid=state-` + tc.state + `] [data-testid=idporten-logout]')`
			require.True(t, chrome.Eval[bool](t, tb, logout+` !== null && `+logout+`.checkVisibility()`), "the logout is offered")
			assert.Equal(t, "Log out of ID-porten", chrome.Eval[string](t, tb, logout+`.textContent`))
			chrome.Eval[bool](t, tb, `(`+logout+`.focus(), true)`)
			run(t, tb, chromedp.KeyEvent("\r"))
			waitAcross(t, tb, `location.href.startsWith(`+jsString(b.op.Issuer())+`) && document.querySelector('button[name=logout][value=yes]') !== null`)
			chrome.Eval[bool](t, tb, `(document.querySelector('button[name=logout][value=yes]').click(), true)`)
			waitAcross(t, tb, `location.pathname === '/en/forgot/' && (() => { const e = document.querySelector('[data-testid=state-signedout]'); return e !== null && !e.hidden; })()`)
		})
	}
}

// describedByRules checks that the new password's description starts with
// the length rule of policy id and the pointer to the other rules, and
// holds no other rule: the whole rules box (about 600 characters) was
// read at every focus.
func describedByRules(t *testing.T, tb *chrome.Tab, lang, id string) {
	t.Helper()
	p, err := policy.Lookup(id)
	require.NoError(t, err)
	pv, tx := site.NewPolicyView(p), site.Texts(lang)
	desc := chrome.AX(t, tb, `document.getElementById('new-password')`).Description
	assert.True(t, strings.HasPrefix(desc, tx.RuleLength(pv)+" "+tx.ActRulesMore), "the field's description: %q", desc)
	assert.NotContains(t, desc, tx.RuleScore(pv))
}

// TestGoneLinkShowsItsDesk: a link that no longer works shows the service
// desk of its own institution (--templates' institutions.json), which its
// e-mail named, not the server's one for every institution.
func TestGoneLinkShowsItsDesk(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "institutions.json"), []byte(`{"uit": {"serviceDesk": "Orakel UiT, 77 64 40 00"}}`), 0o600))
	b := startResetBackend(t, false, "--templates", dir)
	u := expiredLink(t, b, "tove", "uit")
	tb := openState(t, b.base+u.Path+"#"+u.Fragment)
	stateShown(t, tb, "expired")
	chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=contact-expired]').textContent !== ''`)
	assert.Equal(t, "Orakel UiT, 77 64 40 00", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-expired]').textContent`))
	assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=contact-expired]').closest('p').hidden`))
}

// issuedLink issues a link for username at institution by the admin API
// and returns it.
func issuedLink(t *testing.T, b *resetBackend, username, institution string) *url.URL {
	t.Helper()
	res := adminPost(t, b.base, adminKeyE2E, "/api/admin/activations", map[string]string{"username": username, "institution": institution})
	defer res.Body.Close()
	var out struct{ Link string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	u, err := url.Parse(out.Link)
	require.NoError(t, err)
	return u
}

// expiredLink is issuedLink, run out (expireLink).
func expiredLink(t *testing.T, b *resetBackend, username, institution string) *url.URL {
	t.Helper()
	u := issuedLink(t, b, username, institution)
	expireLink(t, b.db, u.String())
	return u
}

// TestChangeTooYoung: the directory's refusal of the change itself (its
// minimum password age: any password is refused until the time it says)
// is listed under "The password cannot be changed yet:", and the new
// password's field and meter are left alone: the meter said the password
// did not meet the requirements, beside a refusal that was not of it. The
// answer is the server's as TestChangeTooYoungSaysWhen (server/dirflow,
// Samba AD) gets it, given here by the page's own fetch.
func TestChangeTooYoung(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, false, "--breach-url", "http://127.0.0.1:1")
	tb := b.tab(t)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+"/en/change/"))
	stateShown(t, tb, "form")
	const refusal = "The directory you log in with allows only one password change a day, and yours was set too recently (an activation or a forgotten password sets it too). Try again after 7 December 2026 at 14:35 (Norwegian time)."
	chrome.Eval[bool](t, tb, `(() => {
		const real = window.fetch;
		window.fetch = (path, init) => String(path).endsWith('/api/change')
			? Promise.resolve(new Response(JSON.stringify({violations: [{rule: 'directory_too_young', message: `+jsString(refusal)+`}]}), {status: 422, headers: {'Content-Type': 'application/json'}}))
			: real(path, init);
		return true;
	})()`)
	setValue(t, tb, "#username", "eva")
	setValue(t, tb, "#current-password", "Granskog!Lirype-Vadmel9")
	submitPassword(t, tb, "Kveldssol over Lyngen-fjorden 42!")
	chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
	assert.Equal(t, []string{refusal}, errorTexts(t, tb))
	assert.Equal(t, site.Texts("en").ChangeNotNow(), chrome.Eval[string](t, tb, `document.querySelector('[data-errors] p').textContent`))
	assert.NotEqual(t, "true", chrome.Eval[string](t, tb, `document.getElementById('new-password').getAttribute('aria-invalid') ?? ''`), "the password is not the fault")
	assert.False(t, visible(t, tb, "state-done"))
}

// TestChangeBreachCleanShownOnce: on the change page at 375 px, in each
// language, a password the breach check did not find is said to be so
// once below the meter: by the checklist's met row. The meter's breach
// line said it again right under that row ("✓ Not found in breached
// password lists" and "Not found in breached password lists."); it is
// still the live region that tells a screen reader the check's answer,
// out of sight.
func TestChangeBreachCleanShownOnce(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, false)
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tb := b.tab(t)
			run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Change, lang)))
			stateShown(t, tb, "form")
			setValue(t, tb, "#new-password", "Kveldssol over Lyngen-fjorden 42!")
			// Leaving the field runs the breach check.
			chrome.Eval[bool](t, tb, `(document.getElementById('new-password').focus(), document.getElementById('confirm-password').focus(), true)`)
			meter := `document.querySelector('[data-testid=meter]').shadowRoot`
			chrome.Poll[bool](t, tb, meter+`.querySelector('.breach').dataset.state === 'clean' && !!`+meter+`.querySelector('.rules li.met[data-rule=breached]')`)
			// The met row's words, and how many times they show in the
			// page (the meter's shadow tree too), at least 2 px of them.
			label := chrome.Eval[string](t, tb, meter+`.querySelector('.rules li[data-rule=breached] .mark + span').lastChild.textContent`)
			require.NotEmpty(t, label)
			shown := chrome.Eval[int](t, tb, `(() => {
				const want = `+jsString(strings.ToLower(label))+`;
				let n = 0;
				const walk = (node) => {
					for (const c of [...(node.shadowRoot?.childNodes ?? []), ...node.childNodes]) {
						if (c.nodeType === 1) walk(c);
						if (c.nodeType !== 3 || c.data.trim().toLowerCase().replace(/\.$/, '') !== want) continue;
						const r = c.parentElement.getBoundingClientRect();
						if (c.parentElement.checkVisibility({ visibilityProperty: true }) && r.width > 1 && r.height > 1) n++;
					}
				};
				walk(document.querySelector('main'));
				return n;
			})()`)
			assert.Equal(t, 1, shown, "times %q is shown below the meter", label)
			breach := chrome.AX(t, tb, meter+`.querySelector('.breach')`)
			assert.Equal(t, "polite", breach.Live, "the check's answer is said to a screen reader")
			assert.Equal(t, label+".", chrome.Eval[string](t, tb, meter+`.querySelector('.breach').textContent`))
		})
	}
}
