package site_test

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/site"

	_ "modernc.org/sqlite" // expireLink's writes to serve's store
)

// backend is a real `styrke serve` on loopback serving the built site and
// the API, with a local fake of the breach range API (the only fake).
type backend struct {
	base       string
	adminKey   string
	db         string      // serve's SQLite file (expireLink)
	breachDown atomic.Bool // the range API fake answers 500 while set
	breached   sync.Map    // upper-case SHA-1 hex -> count the fake reports
}

// breach makes the range API fake report password as seen count times.
func (b *backend) breach(password string, count int) {
	h := sha1.Sum([]byte(password))
	b.breached.Store(strings.ToUpper(hex.EncodeToString(h[:])), count)
}

// startBackend starts `styrke serve` with extra flags after the defaults.
func startBackend(t *testing.T, extra ...string) *backend {
	t.Helper()
	dir, bin := t.TempDir(), styrkeBinary(t)

	b := &backend{adminKey: "e2e-admin-key-0123456789abcdef-0123", db: filepath.Join(dir, "styrke.db")}
	// The range API fake: every prefix answers padding lines only (count
	// 0), so no password is breached; or 500 while b.breachDown is set.
	breach := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.breachDown.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		prefix := strings.ToUpper(strings.TrimPrefix(r.URL.Path, "/range/"))
		b.breached.Range(func(k, v any) bool {
			if h := k.(string); strings.HasPrefix(h, prefix) {
				fmt.Fprintf(w, "%s:%d\r\n", h[5:], v.(int))
			}
			return true
		})
		for i := range 10 {
			fmt.Fprintf(w, "%035X:0\r\n", i)
		}
	}))
	t.Cleanup(breach.Close)

	addr := startServe(t, &syncbuf.Buffer{}, func(ctx context.Context, addr string) (*exec.Cmd, func()) {
		serve := exec.CommandContext(ctx, bin, "serve",
			"--addr", addr,
			"--db", "sqlite:"+b.db,
			"--data", dir,
			"--site", env.dist,
			"--breach-url", breach.URL,
			"--admin-key", b.adminKey,
		)
		serve.Args = append(serve.Args, extra...)
		return serve, nil
	})
	b.base = "http://" + addr
	return b
}

// expireLink makes link's activation run out by itself (its expiry an hour
// ago) in the SQLite store db that serve uses: a revoked link's page says
// it was withdrawn, and a link lives 10 minutes at least.
func expireLink(t *testing.T, db, link string) {
	t.Helper()
	_, token, ok := strings.Cut(link, "#/pw/")
	require.True(t, ok, "a link with its token")
	conn, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	defer conn.Close()
	res, err := conn.Exec(`UPDATE activations SET expires_at = ? WHERE token_hash = ?`, time.Now().Add(-time.Hour).UnixMicro(), server.HashToken(token))
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "the link's activation")
}

// activationTab opens a tab for the activation page. API answers of 4xx and
// 503s of the breach range (the fake set down) log network errors there,
// on purpose.
func activationTab(t *testing.T) *chrome.Tab {
	t.Helper()
	return activationTabIn(t, env.browser)
}

// activationTabIn is activationTab in browser b: an Isolated one for a tab
// that goes offline (offline).
func activationTabIn(t *testing.T, b *chrome.Browser) *chrome.Tab {
	t.Helper()
	tb := b.Tab(t)
	tb.Allow(func(msg string) bool {
		return strings.HasPrefix(msg, "log network:") &&
			(strings.Contains(msg, "/api/activation/") || strings.Contains(msg, "/api/breach/range/") ||
				// The static server has no API: a page without a link asks it for the service desk.
				strings.Contains(msg, "/api/reset/config"))
	})
	return tb
}

// openForm opens link in a new activation tab at width px and waits for the
// password form.
func openForm(t *testing.T, link string, width int64) *chrome.Tab {
	t.Helper()
	return openFormIn(t, env.browser, link, width)
}

// openFormIn is openForm in browser b (see activationTabIn).
func openFormIn(t *testing.T, b *chrome.Browser, link string, width int64) *chrome.Tab {
	t.Helper()
	tb := activationTabIn(t, b)
	run(t, tb, chromedp.EmulateViewport(width, 900), chromedp.Navigate(link))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
	return tb
}

// errorTexts returns the items of the page's error list.
func errorTexts(t *testing.T, tb *chrome.Tab) []string {
	t.Helper()
	return chrome.Eval[[]string](t, tb, `[...document.querySelectorAll('[data-errors] li')].map((e) => e.textContent)`)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// activation creates an account-claim link through the admin API.
func (b *backend) activation(t *testing.T, username, name, institution string) string {
	t.Helper()
	return b.activationWith(t, map[string]string{"username": username, "name": name, "institution": institution})
}

// activationWith creates a link with the admin API's fields (a phone
// number no SMS provider delivers to: the link is returned).
func (b *backend) activationWith(t *testing.T, fields map[string]string) string {
	t.Helper()
	res := adminPost(t, b.base, b.adminKey, "/api/admin/activations", fields)
	defer res.Body.Close()
	require.Equal(t, http.StatusCreated/100, res.StatusCode/100, "POST /api/admin/activations status")
	var out struct {
		Link string `json:"link"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	u, err := url.Parse(out.Link)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(u.Fragment, "/pw/"), "the link carries the token in its fragment")
	// The link names the configured public base URL; open it on this server.
	return b.base + u.Path + "#" + u.Fragment
}

func visibleState(t *testing.T, tb *chrome.Tab) []string {
	return chrome.Eval[[]string](t, tb, `[...document.querySelectorAll('[data-state]')].filter((e) => !e.hidden).map((e) => e.dataset.state)`)
}

// TestActivationEndToEnd opens a real activation link against the real
// backend: the account is shown, a weak password is refused in the words
// of the policy package, mismatched fields are caught, a good password is
// accepted, and the used link then says so.
func TestActivationEndToEnd(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startBackend(t)
	uit, err := policy.Lookup("uit")
	require.NoError(t, err)
	link := b.activation(t, "kno042", "Kari Nordmann", "uit")

	tb := openFormIn(t, env.browser.Isolated(t), link, 1280) // it goes offline

	assert.Equal(t, "kno042", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
	assert.Equal(t, "Kari Nordmann", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=account-name]').textContent`))
	assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-policy-id=uit]').hidden`), "the rules of uit are shown")
	assert.Equal(t, site.PasswordRules(uit), chrome.Eval[string](t, tb, `document.getElementById('new-password').getAttribute('passwordrules')`))
	assert.True(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=account-name]').checkVisibility()`))
	// A link with no name (and no directory to give one): no empty "Name"
	// row.
	nameless := openForm(t, b.activation(t, "nonam1", "", "uit"), 375)
	assert.False(t, chrome.Eval[bool](t, nameless, `document.querySelector('[data-testid=account-name]').checkVisibility()`), "no empty name row")

	submit := func(password, confirm string) {
		t.Helper()
		setValue(t, tb, "#new-password", password)
		setValue(t, tb, "#confirm-password", confirm)
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-errors]').replaceChildren(), document.querySelector('[data-testid=submit]').click(), true)`)
	}

	t.Run("nothing typed: said on the page, and no attempt sent", func(t *testing.T) {
		// Enter in an empty form spent one of the link's attempts.
		const sent = `performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/activation/complete')).length`
		before := chrome.Eval[int](t, tb, sent)
		submit("", "")
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors]').textContent !== ''`)
		assert.Equal(t, site.Texts("nb").ActEmpty, chrome.Eval[string](t, tb, `document.querySelector('[data-errors]').textContent`))
		assert.Equal(t, "new-password", chrome.Eval[string](t, tb, `document.activeElement.id`))
		assert.Equal(t, before, chrome.Eval[int](t, tb, sent))
	})

	t.Run("mismatch", func(t *testing.T) {
		submit("Fjellbekk-Sommer!Grønn 42 Lys", "Fjellbekk-Sommer!Grønn 42 Ly")
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors]').textContent !== ''`)
		assert.Equal(t, site.Texts("nb").ActNoMatch, chrome.Eval[string](t, tb, `document.querySelector('[data-errors]').textContent`))
	})

	t.Run("weak password refused in the policy's words", func(t *testing.T) {
		submit("kort", "kort")
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		got := errorTexts(t, tb)
		want := policy.Evaluate(uit, policy.Input{Password: "kort", Username: "kno042", Name: "Kari Nordmann", Lang: "nb"})
		require.NotEmpty(t, want.Violations)
		assert.Contains(t, got, want.Violations[0].Message, "the first violation, as policy.Evaluate words it")
		assert.Equal(t, []string{"form"}, visibleState(t, tb))
	})

	t.Run("another link opened in this tab starts clean", func(t *testing.T) {
		// The refusal above is on the page; a second link opened in the
		// same tab (a hash change) showed it on its fresh form.
		require.NotEmpty(t, errorTexts(t, tb))
		other := b.activation(t, "kno043", "Kari Nordmann", "uit")
		_, frag, _ := strings.Cut(other, "#")
		chrome.Eval[bool](t, tb, `(location.hash = `+jsString("#"+frag)+`, true)`)
		chrome.Poll[bool](t, tb, `document.getElementById('username').value === 'kno043'`)
		assert.Empty(t, errorTexts(t, tb))
		assert.Empty(t, chrome.Eval[string](t, tb, `document.getElementById('new-password').value`))
		assert.Empty(t, chrome.Eval[string](t, tb, `document.getElementById('new-password').getAttribute('aria-invalid') ?? ''`))
		// Back to the first link, for the steps below.
		_, frag, _ = strings.Cut(link, "#")
		chrome.Eval[bool](t, tb, `(location.hash = `+jsString("#"+frag)+`, true)`)
		chrome.Poll[bool](t, tb, `document.getElementById('username').value === 'kno042'`)
	})

	t.Run("network lost on submit: an error, and nothing typed is lost", func(t *testing.T) {
		const good = "Fjellbekk-Sommer!Grønn 42 Lys"
		// Offline before the submit: nothing went out (a request that
		// may have gone out and got no answer is the unconfirmed state's:
		// TestActivationLostAnswerOnPhone).
		offline(t, tb, true)
		defer offline(t, tb, false)
		submit(good, good)
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		assert.Equal(t, []string{site.Texts("nb").ActError}, errorTexts(t, tb))
		assert.Equal(t, []string{"form"}, visibleState(t, tb))
		// Compared in the page, so that no password reaches the test output.
		assert.True(t, chrome.Eval[bool](t, tb, `document.getElementById('new-password').value === `+jsString(good)+
			` && document.getElementById('confirm-password').value === `+jsString(good)), "both fields keep what was typed")
		assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=submit]').disabled`), "the button can be pressed again")
	})

	t.Run("good password accepted", func(t *testing.T) {
		submit("Fjellbekk-Sommer!Grønn 42 Lys", "Fjellbekk-Sommer!Grønn 42 Lys")
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden`)
		assert.Equal(t, "", chrome.Eval[string](t, tb, `document.getElementById('new-password').value`), "the field is cleared")
		// The title says the state (it said the form's in every state).
		assert.Equal(t, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-done] h2').textContent`)+" – "+site.Texts("nb").ActTitle+" · Styrke",
			chrome.Eval[string](t, tb, `document.title`))
	})

	t.Run("the link is used up", func(t *testing.T) {
		// As another browser opens it: this one keeps that the link set
		// the password here, and shows the done page
		// (TestUsedLinkAgainOnPhone).
		_, err := chromedp.Call(tb, storage.ClearDataForOrigin, storage.ClearDataForOriginParams{Origin: b.base, StorageTypes: "local_storage"})
		require.NoError(t, err)
		run(t, tb, chromedp.Navigate(env.server.URL+"/"), chromedp.Navigate(link))
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-used]').hidden || !document.querySelector('[data-testid=state-expired]').hidden`)
		assert.Equal(t, []string{"used"}, visibleState(t, tb))
		assert.True(t, strings.HasPrefix(chrome.Eval[string](t, tb, `document.title`), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-used] h2').textContent`)+" – "))
		// The spent link's token leaves the address bar and the history
		// (it stayed there until a password was set through it); a reload
		// or another language still says what happened to it.
		token := link[strings.Index(link, "#/pw/")+5:]
		assert.NotContains(t, chrome.Eval[string](t, tb, `location.href`), token)
		assert.Equal(t, "#/gone/used", chrome.Eval[string](t, tb, `location.hash`))
		run(t, tb, chromedp.Reload())
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-used]').hidden`)
	})
	assert.Empty(t, tb.Errors())
}

// lookupBlocked opens link at 375 px in a tab whose requests to the
// lookup API fail, and waits for the page's error state.
func lookupBlocked(t *testing.T, link string) *chrome.Tab {
	t.Helper()
	tb := activationTab(t)
	_, err := chromedp.Call(tb, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(tb, network.SetBlockedURLs, network.SetBlockedURLsParams{
		URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/api/activation/lookup", Block: true}},
	})
	require.NoError(t, err)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(link))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-error]').hidden`)
	return tb
}

// TestActivationLookupRetry: when the page cannot reach the API to look the
// link up, it says so and offers a retry that works once the network is back.
// TestActivationPhoneRule: the page gives the meter the phone number the
// service desk gave for the link, and the meter refuses a password holding
// it while the person types.
func TestActivationPhoneRule(t *testing.T) {
	b := startBackend(t)
	link := b.activationWith(t, map[string]string{"username": "ola042", "name": "Ola Nordmann", "institution": "uit", "phone": "+47 912 34 567"})
	tb := openForm(t, link, 375)
	setValue(t, tb, "#new-password", "Fjellbekk-Sommer!912 34 567")
	msg := policy.Message("nb", policy.RulePhone, nil)
	chrome.Poll[bool](t, tb, `[...document.querySelector('[data-testid=meter]').shadowRoot.querySelectorAll('.rules li.unmet .msg')].some(e => e.textContent === `+jsString(msg)+`)`)
	setValue(t, tb, "#new-password", "Fjellbekk-Sommer!Grønn 42 Lys")
	chrome.Poll[bool](t, tb, `![...document.querySelector('[data-testid=meter]').shadowRoot.querySelectorAll('.rules li.unmet .msg')].some(e => e.textContent === `+jsString(msg)+`)`)
}

func TestActivationLookupRetry(t *testing.T) {
	b := startBackend(t)
	link := b.activation(t, "ola042", "Ola Nordmann", "default")
	tb := lookupBlocked(t, link)
	assert.Equal(t, []string{"error"}, visibleState(t, tb))

	_, err := chromedp.Call(tb, network.SetBlockedURLs, network.SetBlockedURLsParams{})
	require.NoError(t, err)
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-retry]').click(), true)`)
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
	assert.Equal(t, "ola042", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
}

// TestActivationLanguageSwitch: switching language on the activation page
// keeps the link's token (it lives in the fragment): with the mouse to
// English, with the keyboard to Nynorsk, the form is there each time.
func TestActivationLanguageSwitch(t *testing.T) {
	b := startBackend(t)
	link := b.activation(t, "kari7", "Kari Nordmann", "default")
	tb := openForm(t, link, 375)
	_, fragment, _ := strings.Cut(link, "#")

	run(t, tb, chromedp.Click(chromedp.CSS(`nav.langs a[hreflang=en]`)))
	chrome.Poll[bool](t, tb, `location.pathname === '/en/activate/' && document.documentElement.lang === 'en'`)
	assert.Equal(t, "#"+fragment, chrome.Eval[string](t, tb, `location.hash`))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
	assert.Equal(t, "kari7", chrome.Eval[string](t, tb, `document.getElementById('username').value`))

	chrome.Eval[bool](t, tb, `(document.querySelector('nav.langs a[hreflang=nn]').focus(), true)`)
	run(t, tb, chromedp.KeyEvent(kb.Enter))
	chrome.Poll[bool](t, tb, `location.pathname === '/nn/aktiver/' && document.documentElement.lang === 'nn'`)
	assert.Equal(t, "#"+fragment, chrome.Eval[string](t, tb, `location.hash`))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
}

// TestActivationBreachCheckRequired: for an institution that requires the
// breach check (utfjord), a submit while the range API is down is refused
// with words in the page's language, and works once it is back.
func TestActivationBreachCheckRequired(t *testing.T) {
	b := startBackend(t)
	link := b.activation(t, "kari7", "Kari Fjord", "utfjord")
	tb := openForm(t, link, 375)
	const good = "Fjellbekk-Sommer!Gronn-42-Lys" // utfjord allows no spaces
	setValue(t, tb, "#new-password", good)
	setValue(t, tb, "#confirm-password", good)

	b.breachDown.Store(true)
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
	chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
	assert.Equal(t, []string{site.Texts("nb").ActBreachDown}, errorTexts(t, tb))
	assert.Equal(t, []string{"form"}, visibleState(t, tb))

	b.breachDown.Store(false)
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-errors]').replaceChildren(), document.querySelector('[data-testid=submit]').click(), true)`)
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden`)
}

// TestActivationKeyboardOnly: the whole activation with the keyboard alone.
// Tab reaches the new password, the show-password toggle, the confirm field
// and the submit button in that order; Space works the toggle; Enter in the
// confirm field submits.
func TestActivationKeyboardOnly(t *testing.T) {
	b := startBackend(t)
	link := b.activation(t, "per042", "Per Hansen", "default")
	tb := openForm(t, link, 375)
	active := func() string {
		return chrome.Eval[string](t, tb, `(document.activeElement && (document.activeElement.id || document.activeElement.dataset.testid || document.activeElement.tagName)) || ''`)
	}
	// tabTo presses Tab until the element with id has focus and returns
	// the ids passed on the way.
	tabTo := func(id string) []string {
		t.Helper()
		var seen []string
		if active() == id {
			return seen
		}
		for range 12 {
			run(t, tb, chromedp.KeyEvent(kb.Tab))
			a := active()
			seen = append(seen, a)
			if a == id {
				return seen
			}
		}
		t.Fatalf("Tab never reached #%s; went through %v", id, seen)
		return nil
	}
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	assert.Equal(t, "new-password", active(), "the form opens with the new password focused")
	tabTo("new-password")
	run(t, tb, chromedp.KeyEvent(good))
	assert.Equal(t, []string{"toggle"}, tabTo("toggle"), "the toggle follows the password field")
	run(t, tb, chromedp.KeyEvent(" "))
	assert.Equal(t, "text", chrome.Eval[string](t, tb, `document.getElementById('new-password').type`), "Space shows the password")
	// Named by what a press does now, and no "pressed" state beside it
	// ("Hide password, pressed" contradicted itself).
	assert.Equal(t, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=toggle]').dataset.hide`), chrome.AX(t, tb, `document.querySelector('[data-testid=toggle]')`).Name)
	assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-testid=toggle]').hasAttribute('aria-pressed')`))
	run(t, tb, chromedp.KeyEvent(" "))
	assert.Equal(t, "password", chrome.Eval[string](t, tb, `document.getElementById('new-password').type`), "Space hides it again")
	passed := tabTo("confirm-password")
	assert.NotContains(t, passed, "submit", "the confirm field comes before the button")
	run(t, tb, chromedp.KeyEvent(good))
	run(t, tb, chromedp.KeyEvent(kb.Enter))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden`)
}

// blockURL makes tb's requests to URLs of pattern fail as a lost network
// does, and returns what lifts it.
func blockURL(t *testing.T, tb *chrome.Tab, pattern string) (unblock func()) {
	t.Helper()
	_, err := chromedp.Call(tb, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	set := func(pats []*network.BlockPattern) {
		_, err := chromedp.Call(tb, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: pats})
		require.NoError(t, err)
	}
	set([]*network.BlockPattern{{URLPattern: pattern, Block: true}})
	return func() { set(nil) }
}

// TestActivationMeterAsksOwnServer: the meter on the activation page asks
// this server's /api/breach/range for the hash prefix, and the server asks
// the breach service (here the fake, which knows the password): the
// browser asked api.pwnedpasswords.com itself, telling a third party the
// person's address and that they were setting a password here.
func TestActivationMeterAsksOwnServer(t *testing.T) {
	b := startBackend(t)
	const pw = "Sommerferie-på-Hvaler!2026"
	b.breach(pw, 77)
	tb := openForm(t, b.activation(t, "brc001", "Kari Nordmann", "default"), 375)
	setValue(t, tb, "#new-password", pw)
	chrome.Eval[bool](t, tb, `(document.getElementById('new-password').focus(), document.getElementById('new-password').blur(), true)`)
	chrome.Poll[bool](t, tb, `document.querySelector('styrke-meter').shadowRoot.querySelector('.breach').dataset.state === "found"`)
	asked := chrome.Eval[[]string](t, tb, `performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/range/'))`)
	require.NotEmpty(t, asked)
	for _, u := range asked {
		assert.True(t, strings.HasPrefix(u, b.base+"/api/breach/range/"), "asked %s", u)
	}
}

// TestActivationForeign404KeepsToken: a 404 that is not the API's own (a
// static host or a proxy without the API answers the lookup) says the
// service could not be reached and keeps the token in the address, for a
// try later; it read as "unknown link" and dropped the token, and the
// person had to find the mail again.
func TestActivationForeign404KeepsToken(t *testing.T) {
	const token = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	tb := activationTab(t)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(env.server.URL+"/en/activate/#/pw/"+token))
	chrome.Poll[bool](t, tb, `(() => { const e = document.querySelector('[data-testid=state-error]'); return e && !e.hidden; })()`)
	assert.Contains(t, chrome.Eval[string](t, tb, `location.hash`), token)
}

// TestSubmitKeepsFocus: while the password is being saved the submit
// button keeps the keyboard's focus and says "Saving …", and a screen
// reader hears it; a second Enter meanwhile sends nothing more. The
// button was disabled: the focus fell to the page and nothing was said
// until the answer came (found by an accessibility test).
func TestSubmitKeepsFocus(t *testing.T) {
	b := startBackend(t)
	link := b.activation(t, "kari8", "Kari Nordmann", "default")
	// Copied from the mail's sentence with its ")." after it: the link
	// still opens the form (it said "unknown link").
	tb := openForm(t, inLang(link, "nn")+").", 375)
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	setValue(t, tb, "#new-password", good)
	setValue(t, tb, "#confirm-password", good)
	require.NoError(t, chrome.Latency(tb, 1500))
	chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').focus(), true)`)
	run(t, tb, chromedp.KeyEvent(kb.Enter))
	busy := site.Texts("nn").ActBusy
	chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=busy-status]').textContent === `+jsString(busy))
	assert.True(t, chrome.Eval[bool](t, tb, `document.activeElement === document.querySelector('[data-testid=submit]')`), "the button keeps the focus")
	assert.Equal(t, "true", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=submit]').getAttribute('aria-disabled')`))
	assert.Equal(t, busy, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=submit]').textContent`))
	run(t, tb, chromedp.KeyEvent(kb.Enter)) // a second press while busy
	stateShown(t, tb, "done")
	require.NoError(t, chrome.Latency(tb, 0))
	assert.Empty(t, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=busy-status]').textContent`))
	assert.Empty(t, errorTexts(t, tb), "no second request's refusal")
}

// TestChangeWithoutJavaScript: without JavaScript the change page says it
// needs it and offers no form: the form was there to fill in, and its
// POST sent the username and both passwords to the page's own address,
// which answered JSON in English (found by an accessibility test).
func TestChangeWithoutJavaScript(t *testing.T) {
	b := startBackend(t)
	tb := env.browser.Tab(t)
	_, err := chromedp.Call(tb, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	require.NoError(t, err)
	for _, path := range []string{"/endre/", "/nn/endre/", "/en/change/"} {
		run(t, tb, chromedp.Navigate(b.base+path))
		assert.Zero(t, chrome.Eval[int](t, tb, `document.querySelector('#change-form').getClientRects().length`), "%s: the form is not shown", path)
		assert.NotZero(t, chrome.Eval[int](t, tb, `document.querySelector('[data-testid=noscript]').getClientRects().length`), "%s: the notice is", path)
	}
}
