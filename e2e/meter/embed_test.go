package meter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
)

// The tests in this file embed the meter as a host page's own scripts and
// frameworks use it: values set by script, forms reset, attributes
// rewritten, fields in other components' shadow roots.

const (
	goodPW    = "Granskog!Lirype-Vadmel9"
	statusJS  = meterJS + `.shadowRoot.querySelector(".status").textContent`
	okVerdict = "Passordet oppfyller kravene."
	noVerdict = "Skriv et passord."
)

// TestValueChangedWithoutTyping: a form reset, a script that sets the
// field's value (Vue's v-model, React's controlled inputs) and a script that
// fills the username field all change what the meter shows, the last
// styrke-change event and the field's description. The meter kept showing
// the old verdict ("Passordet oppfyller kravene.", green) and the last
// event said ok: true.
func TestValueChangedWithoutTyping(t *testing.T) {
	// typed types the good password and waits for its verdict.
	typed := func(t *testing.T, tab *chrome.Tab) {
		t.Helper()
		setValue(t, tab, "pw", "")
		require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), goodPW)))
		chrome.Poll[bool](t, tab, statusJS+` === `+js(okVerdict))
		require.True(t, chrome.Eval[bool](t, tab, `window.changes.at(-1).ok`))
	}
	// emptied waits for the empty field's verdict in the element, the
	// event and the field's description.
	emptied := func(t *testing.T, tab *chrome.Tab, how string) {
		t.Helper()
		chrome.Poll[bool](t, tab, statusJS+` === `+js(noVerdict))
		assert.False(t, chrome.Eval[bool](t, tab, `window.changes.at(-1).ok`), "%s: the last styrke-change", how)
		assert.Equal(t, 0, chrome.Eval[int](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length`), "%s: cells", how)
		assert.Equal(t, noVerdict, pwDescription(t, tab), "%s: the field's description", how)
	}
	cases := []struct {
		name, script string
	}{
		{"form reset", `document.getElementById("f").reset()`},
		{"reset button", `(() => { const b = document.createElement("button"); b.type = "reset"; document.getElementById("f").append(b); b.click(); b.remove() })()`},
		{"value set by script", `document.getElementById("pw").value = ""`},
		// A script that goes round the field's own value property (as
		// test libraries and password managers do): seen when the person
		// comes back to the field.
		{"native setter, then focus", `(() => { const i = document.getElementById("pw");
			Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(i, ""); i.focus() })()`},
		{"native setter, then change", `(() => { const i = document.getElementById("pw");
			Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(i, "");
			i.dispatchEvent(new Event("change", {bubbles: true})) })()`},
	}
	tab := open(t, "/index.html")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			chrome.Eval[bool](t, tab, `document.getElementById("other").focus(), true`)
			typed(t, tab)
			// Leaving the field runs the breach check, which renders when
			// it is done: done before the script runs.
			chrome.Eval[bool](t, tab, `document.getElementById("other").focus(), true`)
			chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".breach").dataset.state === "clean"`)
			chrome.Eval[bool](t, tab, `(`+tc.script+`, true)`)
			emptied(t, tab, tc.name)
		})
	}

	// The username filled in by a script after the password was typed:
	// the password that contains it is refused at once, and again when
	// the field's change event is all that says so.
	t.Run("username set by script", func(t *testing.T) {
		for _, script := range []string{
			`document.getElementById("user").value = "granskog"`,
			`(() => { const u = document.getElementById("user");
				Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(u, "granskog");
				u.dispatchEvent(new Event("change", {bubbles: true})) })()`,
		} {
			chrome.Eval[bool](t, tab, `(document.getElementById("user").value = "olanor", true)`)
			typed(t, tab)
			chrome.Eval[bool](t, tab, `(`+script+`, true)`)
			chrome.Poll[bool](t, tab, `window.changes.at(-1).rules.some((r) => r.rule === "username")`)
			assert.Equal(t, "Passordet oppfyller ikke kravene ennå.", chrome.Eval[string](t, tab, statusJS), script)
			assert.Contains(t, pwDescription(t, tab), "brukernavn", script)
		}
	})
}

// TestDescriptionSurvivesRewrite: a framework that rewrites the field's
// aria-describedby (Vue's :aria-describedby="hintId", then a new id) keeps
// its own ids, and the meter's description is put back beside them, once:
// it was dropped, and a screen reader never heard the verdict again.
func TestDescriptionSurvivesRewrite(t *testing.T) {
	tab := open(t, "/index.html")
	setValue(t, tab, "pw", "abc")
	chrome.Poll[bool](t, tab, statusJS+` === "Passordet oppfyller ikke kravene ennå."`)
	meterID := chrome.Eval[string](t, tab, `document.getElementById("pw").getAttribute("aria-describedby")`)
	require.NotEmpty(t, meterID)
	chrome.Eval[bool](t, tab, `(() => {
		const i = document.getElementById("pw");
		for (const id of ["hint-a", "hint-b"]) { const p = document.createElement("p"); p.id = id; p.textContent = "Hint " + id; i.after(p); }
		window.describedBy = [];
		new MutationObserver((ms) => { for (const m of ms) window.describedBy.push(m.oldValue); })
			.observe(i, {attributes: true, attributeOldValue: true, attributeFilter: ["aria-describedby"]});
		return true })()`)
	prev := meterID
	for _, rewrite := range []string{"hint-a", "hint-b", ""} {
		chrome.Eval[bool](t, tab, `(window.describedBy = [], document.getElementById("pw").setAttribute("aria-describedby", `+js(rewrite)+`), true)`)
		want := meterID
		if rewrite != "" {
			want = rewrite + " " + meterID
		}
		chrome.Poll[bool](t, tab, `document.getElementById("pw").getAttribute("aria-describedby") === `+js(want))
		desc := pwDescription(t, tab)
		assert.Contains(t, desc, "Passordet oppfyller ikke kravene ennå.", "after aria-describedby=%q", rewrite)
		if rewrite != "" {
			assert.Contains(t, desc, "Hint "+rewrite, "the page's own description is kept")
		}
		// Settled: the page's write and the meter's (their old values),
		// and no more.
		chrome.Eval[bool](t, tab, `new Promise((r) => setTimeout(() => r(true), 200))`)
		assert.Equal(t, []string{prev, rewrite}, chrome.Eval[[]string](t, tab, `window.describedBy`), "writes of aria-describedby after the page's %q", rewrite)
		prev = want
	}
	// The meter's own writes are not taken for a page's.
	setValue(t, tab, "pw", goodPW)
	chrome.Poll[bool](t, tab, statusJS+` === `+js(okVerdict))
	assert.Equal(t, okVerdict, pwDescription(t, tab))
}

// TestFieldNotFound: a for attribute that names no field (a typo) makes the
// meter say so, in the page's language, and warn once in the console
// naming the id; it said "Laster styrkemåleren …" for ever, and nothing in
// the console.
func TestFieldNotFound(t *testing.T) {
	tab := open(t, "/index.html")
	w := chrome.ListenWarnings(t, tab)
	for lang, want := range map[string]string{
		"nb": `Styrkemåleren finner ikke passordfeltet sitt (for="pw-`,
		"nn": `Styrkemålaren finn ikkje passordfeltet sitt (for="pw-`,
		"en": `The strength meter cannot find its password field (for="pw-`,
	} {
		t.Run(lang, func(t *testing.T) {
			id := "pw-" + lang + "-typo"
			chrome.Eval[bool](t, tab, `(() => { const m = document.createElement("styrke-meter"); m.setAttribute("for", `+js(id)+`);
				m.setAttribute("lang", `+js(lang)+`); m.id = "m-`+lang+`"; document.querySelector("main").append(m); return true })()`)
			got := chrome.Poll[string](t, tab, `(() => { const s = document.getElementById("m-`+lang+`").shadowRoot.querySelector(".status").textContent;
				return !s.includes("…") && s })()`)
			assert.Equal(t, strings.Replace(want, "pw-", id, 1)+`").`, got)
			assert.Eventually(t, func() bool { return len(w.With(`"`+id+`"`)) > 0 }, 10*time.Second, 20*time.Millisecond, "a warning naming %q", id)
			// Another render (an attribute changed) says nothing new.
			chrome.Eval[bool](t, tab, `(document.getElementById("m-`+lang+`").setAttribute("policy", "uio"), true)`)
			chrome.Eval[bool](t, tab, `new Promise((r) => setTimeout(() => r(true), 100))`)
			assert.Len(t, w.With(`"`+id+`"`), 1, "warnings naming %q after another render", id)
		})
	}
}

// TestFieldRenderedLater: a field that a framework renders after the
// meter (after a fetch, a route's data) is waited for: the meter says it
// is loading, not that it cannot find its field, and warns of nothing. It
// said "Styrkemåleren finner ikke passordfeltet sitt" until the field came,
// and warned 'for="late" names no element' for a page with nothing wrong.
func TestFieldRenderedLater(t *testing.T) {
	tab := open(t, "/index.html")
	w := chrome.ListenWarnings(t, tab)
	chrome.Eval[bool](t, tab, `(() => { window.statuses = []; const m = document.createElement("styrke-meter"); m.setAttribute("for", "late");
		m.id = "late-meter"; document.querySelector("main").append(m);
		const s = m.shadowRoot.querySelector(".status");
		new MutationObserver(() => window.statuses.push(s.textContent)).observe(s, {subtree: true, childList: true, characterData: true});
		setTimeout(() => { const i = document.createElement("input"); i.type = "password"; i.id = "late"; m.before(i); }, 500);
		return true })()`)
	chrome.Poll[bool](t, tab, `!!document.getElementById("late")`)
	setValue(t, tab, "late", "Sol")
	chrome.Poll[bool](t, tab, `document.getElementById("late-meter").shadowRoot.querySelectorAll(".cell").length === 3`)
	// What was not said cannot be polled for: long enough for a warning
	// held back for the field (2 s from the module) to have come.
	chrome.Eval[bool](t, tab, `new Promise((r) => setTimeout(() => r(true), 2500))`)
	assert.Empty(t, w.With(`"late"`), "warnings")
	for _, s := range chrome.Eval[[]string](t, tab, `window.statuses`) {
		assert.NotContains(t, s, "finner ikke", "the status while the field was on its way")
	}
}

// TestFieldInShadowRoot: a meter and its fields inside another component's
// shadow root (Lit, Stencil, Angular) find each other there, also when the
// field comes after the meter; it said "Laster styrkemåleren …" for ever.
func TestFieldInShadowRoot(t *testing.T) {
	tab := open(t, "/index.html")
	root := `document.getElementById("shadow-host").shadowRoot`
	chrome.Eval[bool](t, tab, `(() => { const h = document.createElement("div"); h.id = "shadow-host"; document.querySelector("main").append(h);
		const r = h.attachShadow({mode: "open"});
		const u = document.createElement("input"); u.id = "su"; u.value = "granskog";
		const m = document.createElement("styrke-meter"); m.setAttribute("for", "sp"); m.setAttribute("policy", "uit"); m.setAttribute("username-input", "su");
		r.append(u, m);
		return true })()`)
	chrome.Eval[bool](t, tab, `(() => { const i = document.createElement("input"); i.type = "password"; i.id = "sp";
		`+root+`.querySelector("styrke-meter").before(i); return true })()`)
	status := root + `.querySelector("styrke-meter").shadowRoot.querySelector(".status").textContent`
	for _, tc := range []struct{ pw, want string }{
		{"Fjellvann-Lirype!Vadmel9", okVerdict},
		{goodPW, "Passordet oppfyller ikke kravene ennå."}, // holds the username, "granskog"
	} {
		chrome.Eval[bool](t, tab, `(() => { const i = `+root+`.getElementById("sp"); i.value = `+js(tc.pw)+`;
			i.dispatchEvent(new Event("input", {bubbles: true})); return true })()`)
		chrome.Poll[bool](t, tab, status+` === `+js(tc.want))
		assert.Contains(t, chrome.AX(t, tab, root+`.getElementById("sp")`).Description, tc.want, "the field's description")
	}
}

// TestFailureDescribed: when the meter cannot score (the page's CSP refuses
// WebAssembly, the module cannot be fetched, the policy is unknown), the
// field's description says so, and the console names the cause: the
// description was empty or stale ("Skriv et passord." with 8 characters
// typed), and the console blamed a missing 'wasm-unsafe-eval' for a
// module that could not be fetched.
func TestFailureDescribed(t *testing.T) {
	cases := []struct {
		name, path, status string
		// warning is in the console's hint, notWarning not.
		warning, notWarning string
	}{
		{"blocked by CSP", "/nowasm/index.html", "sidens sikkerhetsregler stopper WebAssembly", "'wasm-unsafe-eval'", "fetched"},
		{"module not fetched", "/nofetch/index.html", "Styrkemåleren kunne ikke starte.", "could not be fetched", "wasm-unsafe-eval"},
		// The module's download refused by connect-src fails as a lost
		// connection does: the hint blamed the network.
		{"module refused by connect-src", "/noconnect/index.html", "sidens sikkerhetsregler stopper", "is it missing from its connect-src?", "wasm-unsafe-eval"},
		{"unknown policy", "/index.html", "Styrkemåleren kjenner ikke regelsettet siden ber om.", `"nosuch"`, "wasm-unsafe-eval"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab := env.browser.Tab(t)
			tab.Allow(func(msg string) bool {
				return strings.Contains(msg, "WebAssembly") || strings.Contains(msg, "wasm") || strings.Contains(msg, "ERR_EMPTY_RESPONSE") || strings.Contains(msg, "connect-src")
			})
			w := chrome.ListenWarnings(t, tab)
			require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+tc.path)))
			require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), "abcdefgh")))
			if tc.name == "unknown policy" {
				chrome.Poll[bool](t, tab, statusJS+` === "Passordet oppfyller ikke kravene ennå."`)
				chrome.Eval[bool](t, tab, `(`+meterJS+`.setAttribute("policy", "nosuch"), true)`)
			}
			status := chrome.Poll[string](t, tab, `(() => { const s = `+statusJS+`; return s.includes(`+js(tc.status)+`) && s })()`)
			assert.Equal(t, status, pwDescription(t, tab), "the field's description")
			assert.Equal(t, "status", chrome.Eval[string](t, tab, meterJS+`.shadowRoot.querySelector(".status").className`), "no verdict's colour")
			assert.Eventually(t, func() bool { return len(w.With(tc.warning)) > 0 }, 10*time.Second, 20*time.Millisecond, "a console hint with %q", tc.warning)
			assert.Empty(t, w.With(tc.notWarning), "console hints with %q", tc.notWarning)
		})
	}
}

// TestRemovedMeterQuiet: a meter taken out of the page with its field (a
// framework re-rendering the form while the person is in the field, or
// unmounting it before the module came) asks the range API nothing more and
// says nothing. Chromium blurs a focused field before removing it: the old
// meter ran its breach check for the removed field, rendered without it
// and warned 'for="pw" names no element', and so did a meter removed while
// the module loaded, once it came, though nothing was wrong with the page.
func TestRemovedMeterQuiet(t *testing.T) {
	const pw = "Blabaer-Tyttebaer!Multe4"
	prefix := sha1Hex(pw)[:5]
	cases := []struct {
		name, path string
		// remove takes the form out; release lets the module come.
		remove func(t *testing.T, tab *chrome.Tab)
	}{
		{"re-rendered while in the field", "/index.html", func(t *testing.T, tab *chrome.Tab) {
			require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), pw)))
			chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length === `+js(len([]rune(pw))))
			require.True(t, chrome.Eval[bool](t, tab, `document.activeElement === document.getElementById("pw")`))
			chrome.Eval[bool](t, tab, `(document.getElementById("f").remove(), true)`)
		}},
		{"removed before the module came", "/held/index.html", func(t *testing.T, tab *chrome.Tab) {
			chrome.Poll[bool](t, tab, statusJS+` === "Laster styrkemåleren …"`)
			chrome.Eval[bool](t, tab, `(document.getElementById("f").remove(), true)`)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			release := holdWasm()
			defer release()
			if !strings.HasPrefix(tc.path, "/held/") {
				release()
			}
			tab := env.browser.Tab(t)
			w := chrome.ListenWarnings(t, tab)
			require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+tc.path)))
			tc.remove(t, tab)
			release()
			chrome.Poll[bool](t, tab, `!!globalThis.styrke`)
			// Time for a check's hash, request and render, or the first
			// render after the module (both well under 300 ms here).
			chrome.Eval[bool](t, tab, `new Promise((r) => setTimeout(() => r(true), 300))`)
			for _, r := range env.fake.take() {
				assert.NotContains(t, r, "/range/"+prefix, "a range request for the removed field's password")
			}
			assert.Empty(t, w.With("names no element"), "warnings after the meter was removed")
		})
	}
}
