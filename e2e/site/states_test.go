package site_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/site"
)

// stateGeometry is what TestActivationStatesOnPhone measures of a state.
type stateGeometry struct {
	// States lists the visible [data-state] sections.
	States []string `json:"states"`
	// Overlaps lists pairs of visible parts (neither inside the other)
	// whose boxes intersect; Outside, parts that stick out of the
	// viewport's width; Clipped, parts whose content is wider than their
	// box (cut off or spilling over).
	Overlaps []string `json:"overlaps"`
	Outside  []string `json:"outside"`
	Clipped  []string `json:"clipped"`
	// ScrollsX is true when the page scrolls sideways.
	ScrollsX bool `json:"scrollsX"`
	// Parts counts the parts measured.
	Parts int `json:"parts"`
}

// measureState measures the parts of the page a person sees in any state:
// the header and footer, the heading, each visible state's own parts, the
// form's fields and messages, the rules box.
const measureState = `(() => {
	// Text for screen readers only (.visually-hidden) is clipped to a pixel
	// on purpose.
	const shown = (e) => e.getClientRects().length > 0 && !e.closest('[hidden]') && getComputedStyle(e).visibility !== 'hidden' && !e.classList.contains('visually-hidden');
	const sel = ['header', 'footer', 'main h1', 'p[data-state]', '[data-state] > *', '[data-state] > p > *', '#activate-form > *',
		'#activate-form .field > *', '.with-toggle > *', '.account > div > *', '.rules-box > *', '[data-errors] > *', '[data-errors] li'].join(', ');
	const els = [...new Set(document.querySelectorAll(sel))].filter(shown);
	const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '');
	const rects = els.map((e) => [e, e.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && r.height > 0);
	const width = document.documentElement.clientWidth;
	const overlaps = [], outside = [], clipped = [];
	for (let i = 0; i < rects.length; i++) {
		const [a, r] = rects[i];
		if (r.left < -0.5 || r.right > width + 0.5) outside.push(name(a));
		if (!['INPUT', 'TEXTAREA'].includes(a.tagName) && getComputedStyle(a).display !== 'inline' && a.scrollWidth > a.clientWidth + 1) clipped.push(name(a));
		for (let j = i + 1; j < rects.length; j++) {
			const [b, s] = rects[j];
			if (a.contains(b) || b.contains(a)) continue;
			if (r.left < s.right - 0.5 && s.left < r.right - 0.5 && r.top < s.bottom - 0.5 && s.top < r.bottom - 0.5) overlaps.push(name(a) + ' / ' + name(b));
		}
	}
	return {
		states: [...document.querySelectorAll('[data-state]')].filter((e) => !e.hidden).map((e) => e.dataset.state),
		overlaps, outside, clipped, parts: rects.length,
		scrollsX: document.documentElement.scrollWidth > width,
	};
})()`

// screensDir is where TestActivationStatesOnPhone writes its PNGs:
// $STYRKE_SCREENS when set (kept for review), else a temporary directory.
func screensDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("STYRKE_SCREENS"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	return t.TempDir()
}

// randomToken is a well-formed token that no activation has.
func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// admin posts body to an admin API path.
func (b *backend) admin(t *testing.T, path string, body any) {
	t.Helper()
	res := adminPost(t, b.base, b.adminKey, path, body)
	res.Body.Close()
	require.Equal(t, 2, res.StatusCode/100, "POST %s: status %d", path, res.StatusCode)
}

// adminPost posts body as JSON to the admin API at base with key; the
// caller checks the status and closes the body.
func adminPost(t *testing.T, base, key, path string, body any) *http.Response {
	t.Helper()
	data, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(data))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return res
}

// completeByAPI sets password through the API, as another tab would.
func (b *backend) completeByAPI(t *testing.T, link, password string) {
	t.Helper()
	_, token, _ := strings.Cut(link, "#/pw/")
	body, _ := json.Marshal(map[string]string{"token": token, "password": password})
	require.Eventually(t, func() bool {
		res, err := http.Post(b.base+"/api/activation/complete", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode/100 == 2
	}, 20*time.Second, 50*time.Millisecond, "the complete was not accepted")
}

// openState opens url in a new activation tab at 375 px and waits until
// the page has left its loading state.
func openState(t *testing.T, url string) *chrome.Tab {
	t.Helper()
	tb := activationTab(t)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(url))
	chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=state-loading]').hidden`)
	return tb
}

// blockedTab opens link at 375 px in a tab that cannot load the URLs of
// pattern, and waits for the form.
func blockedTab(t *testing.T, link, pattern string) *chrome.Tab {
	t.Helper()
	tb := activationTab(t)
	tb.Allow(func(msg string) bool {
		return strings.HasPrefix(msg, "log network:") && (strings.Contains(msg, ".wasm") || strings.Contains(msg, "styrke-meter"))
	})
	_, err := chromedp.Call(tb, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(tb, network.SetBlockedURLs, network.SetBlockedURLsParams{
		URLPatterns: []*network.BlockPattern{{URLPattern: pattern, Block: true}},
	})
	require.NoError(t, err)
	run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(link))
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
	return tb
}

// missingLink is the activation page in lang without a token.
// codeLink issues a link that needs a one-time code for username, to a
// phone number no SMS provider delivers to (so the code comes back to the
// desk), and returns it in lang with its code.
func (b *backend) codeLink(t *testing.T, username, lang string) (string, string) {
	t.Helper()
	res := adminPost(t, b.base, b.adminKey, "/api/admin/activations", map[string]any{"username": username, "name": "Kari Nordmann",
		"institution": "default", "phone": "91234567", "code": true})
	defer res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	var out struct{ Link, Code string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	require.NotEmpty(t, out.Code, "the code comes back when no SMS delivered it")
	u, err := url.Parse(out.Link)
	require.NoError(t, err)
	return inLang(b.base+u.Path+"#"+u.Fragment, lang), out.Code
}

func missingLink(b *backend, lang string) string {
	return b.base + site.Path(site.Activate, lang)
}

// linkID is the admin API's id of link's activation (its token's hash).
func linkID(link string) string {
	_, token, _ := strings.Cut(link, "#/pw/")
	return server.ID(server.HashToken(token))
}

// TestActivationStatesOnPhone renders the activation page at 375 px in
// every state a person can meet, in nb, nn and en: on the way (loading),
// without a token, unknown, expired, replaced by a newer link, withdrawn, used, locked, a page of
// another version, the API unreachable; the form empty, typed, with
// fields that differ, refused by the rules, refused by the server alone
// (breached), with the attempts-left warning, with characters the
// institution does not allow, with the breach service down, without the
// meter (its WebAssembly or its script blocked), refused by the directory, with the directory down; and done
// (with a directory, without one, breach check run or not). In each,
// nothing overlaps, sticks out or is cut off, the page does not scroll
// sideways, and where the form shows, the password field shows at least
// 24 characters. The PNGs go to $STYRKE_SCREENS (or a temporary
// directory), named activate-LANG-STATE.png.
func TestActivationStatesOnPhone(t *testing.T) {
	ol, flags := startDirectory(t, dirtest.StartSlapd)
	b := startBackend(t) // no directory
	// OpenLDAP, and where to log in with the password it took.
	withDir := startBackend(t, append(flags, "--login-url", "https://login.example.org/")...)
	dir := screensDir(t)
	t.Logf("screenshots in %s", dir)

	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	const goodUtfjord = "Fjellbekk-Sommer!Gronn-42-Lys"
	type state struct {
		name string
		// open returns a tab in the state; want is the visible state.
		open func(t *testing.T, lang string) *chrome.Tab
		want string
		// shows is a data-testid that must be visible in the state.
		shows string
		// alone is set for a state made by putting a server down that
		// others use (the breach fake, slapd), or by failed attempts,
		// which wait out the per-link rate limit by asking every 50 ms
		// (the per-client limit of 127.0.0.1 then refuses the other
		// tabs' requests): it runs by itself, before the others, which
		// run in parallel (tabs of the one browser, -parallel at a time;
		// each waits for its page most of its time).
		alone bool
	}
	user := func(lang, name string) string { return lang + "-" + name }
	form := func(t *testing.T, b *backend, lang, username, institution string) *chrome.Tab {
		t.Helper()
		return openForm(t, inLang(b.activation(t, username, "Kari Nordmann", institution), lang), 375)
	}
	submitted := func(t *testing.T, tb *chrome.Tab, password string) *chrome.Tab {
		t.Helper()
		submitForm(t, tb, password)
		return tb
	}
	// typedMarked is the form (default policy) with password typed, once
	// the meter marks at least marks of its characters as a pattern.
	typedMarked := func(name, password string, marks int) state {
		return state{name: "form-typed-" + name, want: "form", open: func(t *testing.T, lang string) *chrome.Tab {
			tb := form(t, b, lang, user(lang, name), "default")
			setValue(t, tb, "#new-password", password)
			chrome.Poll[bool](t, tb, fmt.Sprintf(`document.querySelector('styrke-meter').shadowRoot.querySelectorAll('.bar.pat').length >= %d`, marks))
			return tb
		}}
	}
	states := []state{
		{name: "loading", want: "loading", open: func(t *testing.T, lang string) *chrome.Tab {
			link := inLang(b.activation(t, user(lang, "loading"), "Kari Nordmann", "default"), lang)
			_, frag, _ := strings.Cut(link, "#")
			tb := openState(t, missingLink(b, lang))
			_, err := chromedp.Call(tb, network.Enable, network.EnableParams{})
			require.NoError(t, err)
			require.NoError(t, chrome.Latency(tb, 8000))
			chrome.Eval[bool](t, tb, `(location.hash = `+jsString("#"+frag)+`, true)`)
			chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-loading]').hidden`)
			return tb
		}},
		{name: "missing", want: "missing", open: func(t *testing.T, lang string) *chrome.Tab {
			return openState(t, missingLink(b, lang))
		}},
		{name: "unknown", want: "unknown", open: func(t *testing.T, lang string) *chrome.Tab {
			return openState(t, missingLink(b, lang)+"#/pw/"+randomToken())
		}},
		{name: "expired", want: "expired", open: func(t *testing.T, lang string) *chrome.Tab {
			link := inLang(b.activation(t, user(lang, "expired"), "Kari Nordmann", "default"), lang)
			expireLink(t, b.db, link)
			tb := openState(t, link)
			// This server has no ID-porten: the way out through it is
			// not offered (TestResetEndToEnd: offered where it is on).
			chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=expired-reset]').closest('p').hidden`)
			return tb
		}},
		// Replaced by a newer link (the desk's resend), withdrawn (its
		// revoke): each says so (both said the link had expired).
		{name: "replaced", want: "replaced", open: func(t *testing.T, lang string) *chrome.Tab {
			link := inLang(b.activation(t, user(lang, "replaced"), "Kari Nordmann", "default"), lang)
			b.admin(t, "/api/admin/activations/resend", map[string]string{"id": linkID(link)})
			return openState(t, link)
		}},
		{name: "revoked", want: "revoked", open: func(t *testing.T, lang string) *chrome.Tab {
			link := inLang(b.activation(t, user(lang, "revoked"), "Kari Nordmann", "default"), lang)
			b.admin(t, "/api/admin/activations/revoke", map[string]string{"username": user(lang, "revoked"), "institution": "default"})
			return openState(t, link)
		}},
		{name: "used", want: "used", open: func(t *testing.T, lang string) *chrome.Tab {
			link := inLang(b.activation(t, user(lang, "used"), "Kari Nordmann", "default"), lang)
			b.completeByAPI(t, link, good+" used")
			return openState(t, link)
		}},
		{name: "locked", want: "locked", alone: true, open: func(t *testing.T, lang string) *chrome.Tab {
			link := inLang(b.activation(t, user(lang, "locked"), "Kari Nordmann", "default"), lang)
			for range server.MaxFailures {
				b.failByAPI(t, link)
			}
			return openState(t, link)
		}},
		// A link that needs its one-time code: the step that asks for it,
		// a wrong code refused, and a new code asked for too soon.
		{name: "code", want: "code", shows: "code-lead", open: func(t *testing.T, lang string) *chrome.Tab {
			link, _ := b.codeLink(t, user(lang, "code"), lang)
			return openState(t, link)
		}},
		{name: "code-wrong", want: "code", shows: "code-errors", open: func(t *testing.T, lang string) *chrome.Tab {
			link, code := b.codeLink(t, user(lang, "codewrong"), lang)
			tb := openState(t, link)
			wrong := "11111111"
			if code == wrong {
				wrong = "22222222"
			}
			setValue(t, tb, "#code", wrong)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=code-submit]').click(), true)`)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-code-errors] li') !== null`)
			return tb
		}},
		{name: "code-wait", want: "code", shows: "code-status", open: func(t *testing.T, lang string) *chrome.Tab {
			link, _ := b.codeLink(t, user(lang, "codewait"), lang)
			tb := openState(t, link)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=code-resend]').focus(), document.querySelector('[data-testid=code-resend]').click(), true)`)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=code-status]').textContent !== ''`)
			// The keyboard's focus stays on the button (a disabled one
			// dropped it to the page).
			assert.Equal(t, "code-resend", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid ?? ''`))
			return tb
		}},
		{name: "version-mismatch", want: "mismatch", open: func(t *testing.T, lang string) *chrome.Tab {
			link := inLang(b.activation(t, user(lang, "stale"), "Kari Nordmann", "default"), lang)
			_, frag, _ := strings.Cut(link, "#")
			tb := openState(t, missingLink(b, lang))
			// A page built with other rules than the server's.
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-policy-id=default]').dataset.policyVersion = 'stale', location.hash = `+jsString("#"+frag)+`, true)`)
			chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-mismatch]').hidden`)
			return tb
		}},
		{name: "error", want: "error", open: func(t *testing.T, lang string) *chrome.Tab {
			return lookupBlocked(t, inLang(b.activation(t, user(lang, "unreachable"), "Kari Nordmann", "default"), lang))
		}},
		{name: "form", want: "form", open: func(t *testing.T, lang string) *chrome.Tab {
			return form(t, b, lang, user(lang, "form"), "uit")
		}},
		{name: "form-typed", want: "form", open: func(t *testing.T, lang string) *chrome.Tab {
			tb := form(t, b, lang, user(lang, "typed"), "uit")
			setValue(t, tb, "#new-password", good)
			setValue(t, tb, "#confirm-password", good)
			chrome.Poll[bool](t, tb, `document.querySelector('styrke-meter').shadowRoot.querySelectorAll('.cell').length > 0`)
			return tb
		}},
		// Three words of which two are common (10^18.2 < 10^20): the meter
		// says so while typing and marks the pattern's characters (not
		// "Lirype", a word of no list whose letters read less like a word
		// than a typical one's: faint, priced but not marked).
		typedMarked("guessable", "Fjellvann!Lirype-Kaffe9", 14),
		// A sentence with a country and a year (10^17.8): the short words
		// sentences are built of and places abroad are on the lists.
		typedMarked("sentence", "Vi-skal-til-Spania-2026!", 14),
		// A phrase of frequent words with a tail of punctuation: the
		// words and the "!!" are marked, the message names them.
		typedMarked("phrase", "Hjemme.igjen.etter.ferien!!", 20),
		// A name and a year, then the same backwards (a mirror): the
		// second half is marked, the message says "repeated backwards".
		typedMarked("mirror", "Gyri1987!!7891iryG", 13),
		// Four random words joined by '@' (as an 'a' it had read as one
		// word): accepted, next to nothing marked.
		{name: "form-typed-at-passphrase", want: "form", open: func(t *testing.T, lang string) *chrome.Tab {
			tb := form(t, b, lang, user(lang, "atphrase"), "default")
			setValue(t, tb, "#new-password", "tended@joggers@agents@noon")
			chrome.Poll[bool](t, tb, `document.querySelector('styrke-meter').shadowRoot.querySelectorAll('.bar').length >= 26 && document.querySelector('styrke-meter').shadowRoot.querySelectorAll('.bar.pat').length <= 8`)
			return tb
		}},
		// A sentence of short words ("en", two letters, had ended a
		// phrase): refused as common, the sentence and the year marked.
		typedMarked("short-words", "Ha en fin dag 2026!", 17),
		// A web address with a year: its pieces ("https://www.", ".no")
		// are marked, the message says "a web or e-mail address".
		typedMarked("address", "https://www.nrk.no/2026", 19),
		// A sentence in CamelCase: the case separates its words.
		typedMarked("camelcase", "TheBoyHateInTheWorld!91", 20),
		{name: "form-fields-differ", want: "form", shows: "errors", open: func(t *testing.T, lang string) *chrome.Tab {
			tb := form(t, b, lang, user(lang, "differ"), "default")
			setValue(t, tb, "#new-password", good)
			setValue(t, tb, "#confirm-password", good+"!")
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=submit]').click(), true)`)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-errors]').textContent !== ''`)
			return tb
		}},
		{name: "form-refused-rules", want: "form", shows: "errors", open: func(t *testing.T, lang string) *chrome.Tab {
			return submitted(t, form(t, b, lang, user(lang, "weak"), "uit"), "sommer2024")
		}},
		{name: "form-refused-breached", want: "form", shows: "errors", open: func(t *testing.T, lang string) *chrome.Tab {
			pw := good + " " + lang + " lekket"
			b.breach(pw, 12)
			return submitted(t, form(t, b, lang, user(lang, "breached"), "default"), pw)
		}},
		{name: "form-attempts-left", want: "form", shows: "attempts", alone: true, open: func(t *testing.T, lang string) *chrome.Tab {
			link := inLang(b.activation(t, user(lang, "attempts"), "Kari Nordmann", "default"), lang)
			for range server.MaxFailures - 4 {
				b.failByAPI(t, link)
			}
			tb := openForm(t, link, 375)
			submitted(t, tb, "kort")
			// A warning, set apart from the text around it (it was plain
			// text under the error box).
			assert.True(t, chrome.Eval[bool](t, tb, `(() => { const w = getComputedStyle(document.querySelector('[data-testid=attempts]'));
				return parseFloat(w.borderLeftWidth) >= 3 && w.backgroundColor !== getComputedStyle(document.querySelector('[data-testid=state-form]')).backgroundColor; })()`),
				"the attempts-left warning stands out")
			return tb
		}},
		{name: "form-not-allowed", want: "form", shows: "not-allowed", open: func(t *testing.T, lang string) *chrome.Tab {
			tb := form(t, b, lang, user(lang, "notallowed"), "utfjord")
			setValue(t, tb, "#new-password", "Hei på deg 🙂 og ÆØÅ")
			chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=not-allowed]').hidden`)
			return tb
		}},
		{name: "form-breach-down", want: "form", shows: "errors", alone: true, open: func(t *testing.T, lang string) *chrome.Tab {
			tb := form(t, b, lang, user(lang, "breachdown"), "utfjord")
			b.breachDown.Store(true)
			defer b.breachDown.Store(false)
			return submitted(t, tb, goodUtfjord+"-"+lang)
		}},
		{name: "form-meter-blocked", want: "form", open: func(t *testing.T, lang string) *chrome.Tab {
			// The module's WebAssembly cannot load: the meter says so.
			tb := blockedTab(t, inLang(b.activation(t, user(lang, "wasmblocked"), "Kari Nordmann", "default"), lang), "*://*:*/assets/*.wasm")
			chrome.Poll[bool](t, tb, `!!document.querySelector('styrke-meter')._failed`)
			// It says it could not start, and guesses no cause: the page's
			// rules allow WebAssembly (it said they blocked it).
			status := chrome.Eval[string](t, tb, `document.querySelector('styrke-meter').shadowRoot.querySelector('.status').textContent`)
			assert.NotEmpty(t, status)
			assert.NotContains(t, status, "WebAssembly", "the meter's words when its module did not load")
			return tb
		}},
		{name: "form-no-meter", want: "form", shows: "no-meter", open: func(t *testing.T, lang string) *chrome.Tab {
			// The meter's script cannot load: the page says so.
			tb := blockedTab(t, inLang(b.activation(t, user(lang, "nometer"), "Kari Nordmann", "default"), lang), "*://*:*/assets/styrke-meter*.js")
			_, err := chrome.PollErr[bool](tb, `!document.querySelector('[data-testid=no-meter]').hidden`, 30*time.Second)
			require.NoError(t, err, "the no-meter hint")
			return tb
		}},
		{name: "form-refused-directory", want: "form", shows: "errors", open: func(t *testing.T, lang string) *chrome.Tab {
			pw := good + " " + lang + " i katalogen"
			_, err := ol.CreateUser(user(lang, "dirrefused"), pw)
			require.NoError(t, err)
			// OpenLDAP's history refuses the password the account has.
			return submitted(t, form(t, withDir, lang, user(lang, "dirrefused"), "default"), pw)
		}},
		{name: "directory-down", want: "directorydown", shows: "directory-retry", alone: true, open: func(t *testing.T, lang string) *chrome.Tab {
			_, err := ol.CreateUser(user(lang, "dirdown"), "Initial!Passw0rd-2026")
			require.NoError(t, err)
			tb := form(t, withDir, lang, user(lang, "dirdown"), "default")
			ol.Stop()
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
				defer cancel()
				require.NoError(t, ol.Start(ctx))
			}()
			return submitted(t, tb, good+" "+lang+" nede")
		}},
		{name: "done-directory", want: "done", shows: "done-directory", open: func(t *testing.T, lang string) *chrome.Tab {
			_, err := ol.CreateUser(user(lang, "dirdone"), "Initial!Passw0rd-2026")
			require.NoError(t, err)
			tb := form(t, withDir, lang, user(lang, "dirdone"), "default")
			submitForm(t, tb, good+" "+lang+" ferdig")
			chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden`)
			// The server's --login-url: the page links to where to log in.
			assert.True(t, visible(t, tb, "login-link"), "the login link is shown")
			assert.Equal(t, "https://login.example.org/", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=login-link]').href`))
			return tb
		}},
		{name: "done-checked", want: "done", shows: "breach-checked", open: func(t *testing.T, lang string) *chrome.Tab {
			tb := form(t, b, lang, user(lang, "done"), "default")
			submitForm(t, tb, good+" "+lang+" sjekket")
			chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden`)
			return tb
		}},
		{name: "done-unchecked", want: "done", shows: "breach-unchecked", alone: true, open: func(t *testing.T, lang string) *chrome.Tab {
			tb := form(t, b, lang, user(lang, "unchecked"), "default")
			b.breachDown.Store(true)
			defer b.breachDown.Store(false)
			submitForm(t, tb, good+" "+lang+" usjekket")
			chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden`)
			return tb
		}},
	}
	seen := map[string]bool{}
	for _, st := range states {
		require.False(t, seen[st.name], "two states named %s (their screenshots would overwrite each other)", st.name)
		seen[st.name] = true
	}
	for _, lang := range site.Languages {
		for _, st := range states {
			t.Run(lang+"/"+st.name, func(t *testing.T) {
				if !st.alone {
					t.Parallel()
				}
				tb := st.open(t, lang)
				chrome.Poll[bool](t, tb, `document.fonts.status === 'loaded'`)
				g := chrome.Eval[stateGeometry](t, tb, measureState)
				require.Equal(t, []string{st.want}, g.States, "the visible state")
				if st.shows != "" {
					assert.True(t, visible(t, tb, st.shows), "%s is shown", st.shows)
				}
				assert.Greater(t, g.Parts, 3, "parts measured")
				assert.Empty(t, g.Overlaps, "parts that overlap")
				assert.Empty(t, g.Outside, "parts wider than the screen")
				assert.Empty(t, g.Clipped, "parts whose text is cut off")
				assert.False(t, g.ScrollsX, "the page scrolls sideways")
				if st.want == "form" {
					p := chrome.Eval[phoneGeometry](t, tb, measurePhone)
					assert.GreaterOrEqual(t, p.FieldPx, p.Bullets24Px, "the field shows 24 characters")
					assert.Empty(t, p.Overlaps, "form parts that overlap")
				}
				png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(dir, "activate-"+lang+"-"+st.name+".png"), png, 0o644))
				if st.name == "loading" {
					require.NoError(t, chrome.Latency(tb, 0))
				}
			})
		}
	}
}

// TestDeskContactLinks: a service desk's contact on the pages is text with
// its phone number, e-mail and web address as links (tel:, mailto:,
// https:); digits of a foreign or longer number stay text.
func TestDeskContactLinks(t *testing.T) {
	tb := activationTab(t)
	run(t, tb, chromedp.Navigate(env.server.URL+"/en/activate/"))
	chrome.Poll[bool](t, tb, `typeof globalThis.styrkeForm?.deskParts === 'function'`)
	for _, tc := range []struct{ in, want string }{
		{"Orakel, 22 84 00 00", `[{"text":"Orakel, "},{"text":"22 84 00 00","href":"tel:+4722840000"}]`},
		{"IT-hjelp: +47 77 64 40 00 eller hjelp@uit.no", `[{"text":"IT-hjelp: "},{"text":"+47 77 64 40 00","href":"tel:+4777644000"},{"text":" eller "},{"text":"hjelp@uit.no","href":"mailto:hjelp@uit.no"}]`},
		{"Brukerstøtte 815.00.000 (hverdager)", `[{"text":"Brukerstøtte "},{"text":"815.00.000","href":"tel:+4781500000"},{"text":" (hverdager)"}]`},
		{"Se https://hjelp.example.no/passord.", `[{"text":"Se "},{"text":"https://hjelp.example.no/passord","href":"https://hjelp.example.no/passord"},{"text":"."}]`},
		{"Servicedesk +46 8 123 456 78", `[{"text":"Servicedesk +46 8 123 456 78"}]`},
		{"Saksnummer 1234567890", `[{"text":"Saksnummer 1234567890"}]`},
		{"Orakel", `[{"text":"Orakel"}]`},
		{"", `[]`},
	} {
		got := chrome.Eval[string](t, tb, `JSON.stringify(styrkeForm.deskParts(`+jsString(tc.in)+`))`)
		assert.JSONEq(t, tc.want, got, "%q", tc.in)
	}
}
