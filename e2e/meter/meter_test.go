package meter_test

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/policy"
)

const meterJS = `document.querySelector("styrke-meter")`

// open loads the test page in a fresh tab and waits for the first score.
func open(t *testing.T, path string) *chrome.Tab {
	t.Helper()
	tab := env.browser.Tab(t)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+path)))
	if !strings.HasPrefix(path, "/nowasm/") {
		chrome.Poll[bool](t, tab, `!!globalThis.styrke && `+meterJS+`.shadowRoot.querySelector(".rules").children.length > 0`)
	}
	return tab
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// setValue replaces the field's value as a paste would (one input event).
func setValue(t *testing.T, tab *chrome.Tab, id, value string) {
	t.Helper()
	chrome.Eval[bool](t, tab, `(() => { const i = document.getElementById(`+js(id)+`); i.value = `+js(value)+`;
		i.dispatchEvent(new Event("input", {bubbles: true})); return true })()`)
}

func shadowTexts(t *testing.T, tab *chrome.Tab, sel string) []string {
	t.Helper()
	return chrome.Eval[[]string](t, tab, `[...`+meterJS+`.shadowRoot.querySelectorAll(`+js(sel)+`)].filter(e => !e.closest("[hidden]")).map(e => e.textContent)`)
}

// fmtPoints writes points as the nb page shows them (decimal comma, like
// the messages).
func fmtPoints(p float64) string {
	return strings.Replace(strconv.FormatFloat(math.Round(p*100)/100, 'f', -1, 64), ".", ",", 1)
}

func native(t *testing.T, id, password, lang string, breach *int) policy.Result {
	t.Helper()
	p, err := policy.Lookup(id)
	require.NoError(t, err)
	return policy.Evaluate(p, policy.Input{Password: password, Username: "olanor", Name: "Ola Nordmann", BirthDate: "1985-07-24", Phone: "+47 924 56 789", Lang: lang, BreachCount: breach})
}

func wantCells(r policy.Result) []string {
	out := make([]string, len(r.Chars))
	for i, c := range r.Chars {
		out[i] = fmtPoints(c.Points)
	}
	return out
}

func TestTypingDeletingPasting(t *testing.T) {
	tab := open(t, "/index.html")
	typed := "Sommerfugl-æøå-2024!!!!!Aa"
	require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), typed)))
	assert.Equal(t, wantCells(native(t, "uit", typed, "nb", nil)), shadowTexts(t, tab, ".cell .pt"), "typed")

	require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), "\b\b\b\b")))
	deleted := typed[:len(typed)-4]
	assert.Equal(t, wantCells(native(t, "uit", deleted, "nb", nil)), shadowTexts(t, tab, ".cell .pt"), "deleted")

	pasted := "Þetta-er-lengra-lykilorð-🙂-1234"
	require.NoError(t, chromedp.Do(tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: pasted})
		return err
	})))
	all := deleted + pasted
	r := native(t, "uit", all, "nb", nil)
	assert.Equal(t, wantCells(r), shadowTexts(t, tab, ".cell .pt"), "pasted")

	// The total against the threshold line, and the event without the password.
	assert.Equal(t, []string{fmtPoints(r.Score) + " poeng (" + fmtPoints(r.Threshold) + " trengs)"}, shadowTexts(t, tab, ".score"))
	scale := math.Max(r.Threshold*1.5, r.Score)
	assert.Equal(t, "tline l"+strconv.Itoa(int(math.Round(r.Threshold/scale*100))), chrome.Eval[string](t, tab, meterJS+`.shadowRoot.querySelector(".tline").className`))
	last := chrome.Eval[map[string]any](t, tab, `window.changes.at(-1)`)
	assert.Equal(t, r.Score, last["score"])
	assert.Equal(t, r.OK, last["ok"])
	assert.NotContains(t, chrome.Eval[string](t, tab, `JSON.stringify(window.changes)`), "lykilor")
}

func TestRuleMessages(t *testing.T) {
	breached := "hunter2hunter2hunter2"
	env.fake.add(breached, 31337)
	cases := []struct {
		name, policy, password string
		rule                   string
		breach                 bool
	}{
		{"too short", "uit", "abc", policy.RuleTooShort, false},
		{"too long", "uit", strings.Repeat("xY7-", 40), policy.RuleTooLong, false},
		{"weak", "uit", "aaaaaaaaaaaaaaaaaaaa", policy.RuleWeak, false},
		{"common", "uit", "qwertyuiopasdfghjkl", policy.RuleCommon, false},
		{"username", "uit", "olanor-er-kul-med-lang-tekst", policy.RuleUsername, false},
		{"name", "uit", "nordmann-er-kul-med-lang-tekst", policy.RuleName, false},
		{"context", "uio", "Blindern-er-kul-med-lang-tekst", policy.RuleContext, false},
		{"birthdate", "uit", "Granskog-er-kul-24.07.1985", policy.RuleBirthDate, false},
		{"phone", "uit", "Granskog-ring-meg-924 56 789", policy.RulePhone, false},
		{"missing class", "utfjord", "kun-bokstaver-her-i-et-langt-passord", policy.RuleMissingClass, false},
		{"disallowed character", "utfjord", "Hei på deg 123 🙂 langt passord", policy.RuleDisallowedCharacter, false},
		{"control character", "uit", "Granskog!\tLirype-Vadmel9-lang", policy.RuleControlCharacter, false},
		{"breached", "uit", breached, policy.RuleBreached, true},
	}
	for _, lang := range []string{"nb", "nn", "en"} {
		t.Run(lang, func(t *testing.T) {
			tab := open(t, "/index.html")
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					chrome.Eval[bool](t, tab, meterJS+`.setAttribute("lang", `+js(lang)+`), `+meterJS+`.setAttribute("policy", `+js(tc.policy)+`), true`)
					setValue(t, tab, "pw", tc.password)
					var count *int
					if tc.breach {
						chrome.Eval[bool](t, tab, meterJS+`.checkBreach().then(() => true)`)
						n := 31337
						count = &n
					}
					r := native(t, tc.policy, tc.password, lang, count)
					var want string
					for _, v := range r.Violations {
						if v.Rule == tc.rule {
							want = v.Message
						}
					}
					require.NotEmpty(t, want, "case %s: native result lacks rule %s", tc.name, tc.rule)
					assert.Contains(t, shadowTexts(t, tab, ".rules li.unmet .msg"), want, "case %s lang %s", tc.name, lang)
					desc := chrome.Eval[string](t, tab, `document.getElementById(document.getElementById("pw").getAttribute("aria-describedby")).textContent`)
					assert.Contains(t, desc, want, "aria-describedby names the unmet rule")
				})
			}
			t.Run("unknown policy", func(t *testing.T) {
				// The person gets the page's words, the developer the
				// module's in the console: 'policy "nosuch": unknown
				// institution' showed on the page in English.
				tab.Allow(func(msg string) bool {
					return strings.HasPrefix(msg, "console.warning: styrke-meter:") || strings.HasPrefix(msg, "console.warn: styrke-meter:")
				})
				chrome.Eval[bool](t, tab, meterJS+`.setAttribute("policy", "nosuch"), true`)
				setValue(t, tab, "pw", "Granskog!Lirype-Vadmel9")
				want := map[string]string{
					"nb": "Styrkemåleren kjenner ikke regelsettet siden ber om. Passordet blir kontrollert når du sender skjemaet.",
					"nn": "Styrkemålaren kjenner ikkje regelsettet sida ber om. Passordet blir kontrollert når du sender skjemaet.",
					"en": "The strength meter does not know the rules this page asks for. The password will be checked when you submit the form.",
				}[lang]
				assert.Equal(t, want, chrome.Eval[string](t, tab, meterJS+`.shadowRoot.querySelector(".status").textContent`))
				chrome.Eval[bool](t, tab, meterJS+`.setAttribute("policy", "default"), true`)
			})
			t.Run("decimal separator", func(t *testing.T) {
				chrome.Eval[bool](t, tab, meterJS+`.setAttribute("policy", "default"), true`)
				setValue(t, tab, "pw", "aaaaaaaaab") // 5.5 points (spec example)
				want := map[string]string{"nb": "5,5", "nn": "5,5", "en": "5.5"}[lang]
				assert.True(t, strings.HasPrefix(shadowTexts(t, tab, ".score")[0], want+" "), "score in %s: %v", lang, shadowTexts(t, tab, ".score"))
				assert.Contains(t, shadowTexts(t, tab, ".cell .pt"), map[string]string{"nb": "1,5", "nn": "1,5", "en": "1.5"}[lang])
			})
		})
	}
}

// domText returns every text node, attribute and input value of the page,
// shadow roots included.
const domText = `(() => {
	const out = [];
	const walk = (root) => {
		for (const n of root.querySelectorAll("*")) {
			for (const a of n.attributes) out.push(a.value);
			if (n.shadowRoot) { out.push(...[...n.shadowRoot.childNodes].map(c => c.textContent)); walk(n.shadowRoot); }
		}
		out.push(root.textContent || "");
	};
	walk(document);
	out.push(document.documentElement.outerHTML);
	return out.join("\n");
})()`

func TestMaskedNoPasswordInDOM(t *testing.T) {
	tab := open(t, "/index.html")
	// Characters that no UI string contains.
	password := "ᚠᚢᚦᚨᚱᚲ-ᚠᚠᚠᚠᚠ-𝔘𝔑ℨ-Ꮿ"
	require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), "ᚠᚢᚦ")))
	setValue(t, tab, "pw", password)
	chrome.Eval[bool](t, tab, `document.getElementById("other").focus(), true`) // blur: the breach check runs too
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".breach").dataset.state === "clean"`)
	text := chrome.Eval[string](t, tab, domText)
	for i, r := range password {
		if r != '-' {
			assert.NotContains(t, text, string(r), "character at byte %d of the password is in the DOM", i)
		}
	}
	// Positive control: the show toggle reveals the characters in the cells.
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#show"))))
	chrome.Poll[bool](t, tab, `[...`+meterJS+`.shadowRoot.querySelectorAll(".cell .ch")].some(e => e.textContent === "ᚠ")`)
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#show"))))
	chrome.Poll[bool](t, tab, `![...`+meterJS+`.shadowRoot.querySelectorAll(".cell .ch")].some(e => e.textContent === "ᚠ")`)
}

func TestBreachCheck(t *testing.T) {
	breached := "Passord-som-er-lekket-123"
	clean := "Et-helt-rent-passord-456"
	env.fake.add(breached, 2024)
	env.fake.add(clean, 0) // a padding line that matches: count 0 must be ignored
	tab := open(t, "/index.html")
	env.fake.take()

	// Typing sends nothing.
	require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), breached)))
	assert.Empty(t, env.fake.take(), "requests while typing")

	// Blur asks once, with a 5-hex prefix and padding.
	chrome.Eval[bool](t, tab, `document.getElementById("other").focus(), true`)
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".breach").dataset.state === "found"`)
	assert.Contains(t, shadowTexts(t, tab, ".breach"), "Funnet 2024 ganger i lekkede passordlister.")
	assert.Contains(t, shadowTexts(t, tab, ".rules li.unmet"), shadowTexts(t, tab, `.rules li[data-rule="breached"]`)[0])
	reqs := env.fake.take()
	assert.Equal(t, []string{"GET /ok/range/" + sha1Hex(breached)[:5] + " padding=true"}, reqs)

	// Blur again with the same password: no new request; submit with a new one asks.
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#pw"))))
	chrome.Eval[bool](t, tab, `document.getElementById("other").focus(), true`)
	setValue(t, tab, "pw", clean)
	assert.Empty(t, env.fake.take(), "requests for a known password or on input")
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#submit"))))
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".breach").dataset.state === "clean"`)
	for _, r := range env.fake.take() {
		assert.Regexp(t, `^(GET|OPTIONS) /ok/range/[0-9A-F]{5} padding=(true|)$`, r)
	}
	assert.Equal(t, 1, chrome.Eval[int](t, tab, `window.submitted`))
}

func TestBreachUnavailable(t *testing.T) {
	down := httptestClosedURL(t)
	cases := []struct{ name, base string }{
		{"down", down},
		{"slow", env.fake.URL + "/slow"},
		{"malformed", env.fake.URL + "/bad"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab := open(t, "/index.html")
			tab.Allow(func(msg string) bool {
				return strings.Contains(msg, "ERR_CONNECTION_REFUSED") || strings.Contains(msg, "/slow/range/")
			})
			w := chrome.ListenWarnings(t, tab)
			chrome.Eval[bool](t, tab, meterJS+`.setAttribute("base", `+js(tc.base)+`), true`)
			require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#pw"))))
			setValue(t, tab, "pw", "Noe-helt-annet-"+tc.name+"-789")
			chrome.Eval[bool](t, tab, `document.getElementById("other").focus(), true`)
			if tc.name == "slow" {
				// The 3-second timeout leaves time to see the checking state.
				chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".breach").dataset.state === "checking"`)
				assert.Equal(t, []string{"Sjekker lekkede passordlister …"}, shadowTexts(t, tab, ".breach"))
			}
			chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".breach").dataset.state === "unavailable"`)
			assert.Contains(t, shadowTexts(t, tab, ".breach")[0], "når du sender skjemaet")
			// A service that is down or slow is not taken for one that
			// refuses the page's origin (TestEmbedOriginNotAllowed).
			assert.Empty(t, w.With("--origins"), "hints of --origins")
			if tc.name == "down" {
				// Leaving the field again retries, silently: the polite
				// region said "checking …" and "could not check …" again at
				// every blur while the service stayed down.
				chrome.Eval[bool](t, tab, `(() => {
					window.breachMutations = 0;
					new MutationObserver((l) => { window.breachMutations += l.length; }).observe(`+meterJS+`.shadowRoot.querySelector(".breach"), {subtree: true, childList: true, characterData: true, attributes: true});
					window.fetchDone = false;
					const f = window.fetch;
					window.fetch = (...a) => f(...a).finally(() => { window.fetchDone = true; });
					return true; })()`)
				require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#pw"))))
				chrome.Eval[bool](t, tab, `document.getElementById("other").focus(), true`)
				chrome.Poll[bool](t, tab, `window.fetchDone`)
				chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".breach").dataset.state === "unavailable"`)
				assert.Zero(t, chrome.Eval[int](t, tab, `window.breachMutations`), "a retry that fails again says nothing new")
			}
			// No styrke-change with the same detail as the one before
			// (a failed check changed nothing of the result, and sent it
			// again).
			assert.False(t, chrome.Eval[bool](t, tab, `window.changes.some((c, i) => i > 0 && JSON.stringify(c) === JSON.stringify(window.changes[i - 1]))`))
		})
	}
}

func TestWasmBlockedByCSP(t *testing.T) {
	tab := env.browser.Tab(t)
	tab.Allow(func(msg string) bool { return strings.Contains(msg, "WebAssembly") || strings.Contains(msg, "wasm") })
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+"/nowasm/index.html")))
	status := chrome.Poll[string](t, tab, `(() => { const s = `+meterJS+`.shadowRoot.querySelector(".status").textContent; return s.includes("WebAssembly") && s })()`)
	assert.Contains(t, status, "sidens sikkerhetsregler stopper WebAssembly")
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#submit"))))
	assert.Equal(t, 1, chrome.Eval[int](t, tab, `window.submitted`), "the form still submits")
}

// TestFollowsPageLanguage: a meter that takes its language from the page
// follows a change of <html lang> at once; it changed only at the next
// keystroke.
func TestFollowsPageLanguage(t *testing.T) {
	tab := open(t, "/index.html")
	chrome.Eval[bool](t, tab, meterJS+`.removeAttribute("lang"), document.documentElement.lang = "nb", true`)
	setValue(t, tab, "pw", "kort")
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".status").textContent === "Passordet oppfyller ikke kravene ennå."`)
	chrome.Eval[bool](t, tab, `(document.documentElement.lang = "en", true)`)
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".status").textContent === "The password does not meet the requirements yet."`)
}

// TestFieldAddedOrReplacedLater: the meter finds its field when the page
// adds it after the meter (a framework's form), and follows a field the
// page replaces with another of the same id. It stayed at "loading" for
// the first, and kept scoring the removed field for the second.
func TestFieldAddedOrReplacedLater(t *testing.T) {
	tab := open(t, "/index.html")
	cells := func() int {
		return chrome.Eval[int](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length`)
	}
	setValue(t, tab, "pw", "abc")
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length === 3`)
	chrome.Eval[bool](t, tab, `(() => { const old = document.getElementById("pw"); const n = document.createElement("input");
		n.type = "password"; n.id = "pw"; old.replaceWith(n); return true })()`)
	setValue(t, tab, "pw", "Fjellbekk")
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length === 9`)
	assert.Equal(t, 9, cells())
	assert.Contains(t, pwDescription(t, tab), "Passordet må ha minst 16 tegn (det har 9).", "the new field is described by the meter")

	chrome.Eval[bool](t, tab, `(() => { const m = document.createElement("styrke-meter"); m.setAttribute("for", "late");
		m.id = "late-meter"; document.body.append(m); return true })()`)
	chrome.Eval[bool](t, tab, `(() => { const i = document.createElement("input"); i.type = "password"; i.id = "late";
		document.getElementById("late-meter").before(i); return true })()`)
	setValue(t, tab, "late", "Sol")
	chrome.Poll[bool](t, tab, `document.getElementById("late-meter").shadowRoot.querySelectorAll(".cell").length === 3`)
}
