package meter_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/policy"
)

// TestCellsAreOneList: in Chromium's accessibility tree the cells are one
// list with one item per character. The cells sit in layout groups of 8
// (role none); a screen reader must hear "list, 20 items", not 3 lists or
// 3 groups. The list grows and shrinks with the password. (Every password
// here is longer than the checklist, the page's other list, can be.)
func TestCellsAreOneList(t *testing.T) {
	tab := open(t, "/index.html")
	for _, pw := range []string{"Fjellvann!Lirype-K9", "Granskog!Lirype-Vadmel9 blåbær", "kortpassord"} {
		setValue(t, tab, "pw", pw)
		n := len([]rune(pw))
		chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length === `+js(n))
		tree, err := chromedp.Call(tab, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
		require.NoError(t, err)
		byID := map[accessibility.NodeID]*accessibility.Node{}
		for _, node := range tree.Nodes {
			byID[node.NodeID] = node
		}
		role := func(node *accessibility.Node) string {
			if node.Role == nil {
				return ""
			}
			return string(node.Role.Value)
		}
		// Each list item's nearest ancestor that is not ignored.
		items := map[accessibility.NodeID]int{}
		for _, node := range tree.Nodes {
			if node.Ignored || role(node) != `"listitem"` {
				continue
			}
			p := byID[node.ParentID]
			for p != nil && p.Ignored {
				p = byID[p.ParentID]
			}
			require.NotNil(t, p, "list item without a parent")
			items[p.NodeID]++
		}
		cellLists := 0
		for id, count := range items {
			if role(byID[id]) == `"list"` && count == n {
				cellLists++
			}
		}
		assert.Equal(t, 1, cellLists, "one list of %d items for %q's cells; lists found: %v", n, pw, items)
	}
}

// pwDescription is the password field's description as Chromium's
// accessibility tree computes it (what a screen reader is given).
func pwDescription(t *testing.T, tab *chrome.Tab) string {
	t.Helper()
	return chrome.AX(t, tab, `document.getElementById("pw")`).Description
}

// TestFieldDescribedInAXTree: the reasons the password is refused reach the
// field's computed description on a host page, in every language (an IDREF
// into the element's shadow root, or to an unslotted child, resolves to
// nothing in Chromium).
func TestFieldDescribedInAXTree(t *testing.T) {
	tab := open(t, "/index.html")
	for _, lang := range []string{"nb", "nn", "en"} {
		t.Run(lang, func(t *testing.T) {
			chrome.Eval[bool](t, tab, meterJS+`.setAttribute("lang", `+js(lang)+`), true`)
			for _, pw := range []string{"abc", "aaaaaaaaaaaaaaaaaaaaaa"} {
				setValue(t, tab, "pw", pw)
				r := native(t, "uit", pw, lang, nil)
				require.NotEmpty(t, r.Violations)
				chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".rules").textContent.includes(`+js(r.Violations[0].Message)+`)`)
				desc := pwDescription(t, tab)
				for _, v := range r.Violations {
					assert.Contains(t, desc, v.Message, "lang %s: the computed description names rule %s", lang, v.Rule)
				}
			}
			const good = "Granskog!Lirype-Vadmel9"
			setValue(t, tab, "pw", good)
			require.True(t, native(t, "uit", good, lang, nil).OK)
			chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".status.ok") !== null`)
			desc := pwDescription(t, tab)
			assert.Equal(t, chrome.Eval[string](t, tab, meterJS+`.shadowRoot.querySelector(".status").textContent`), desc, "lang %s: a met password is described by the verdict alone", lang)
		})
	}
}

// TestLiveRegionSaysWhy: the polite live region says which reason changed
// (not only that the verdict flipped, and not the whole list), once the
// person pauses.
func TestLiveRegionSaysWhy(t *testing.T) {
	tab := open(t, "/index.html")
	live := meterJS + `.shadowRoot.querySelector('[aria-live="polite"][role="status"]')`
	assert.Equal(t, "polite", chrome.AX(t, tab, live).Live)
	chrome.Eval[bool](t, tab, `(() => { window.spoken = []; new MutationObserver(() => window.spoken.push(`+live+`.textContent)).observe(`+live+`, {childList: true, characterData: true, subtree: true}); return true })()`)

	short := native(t, "uit", "Fjellvann", "nb", nil)
	require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), "Fjellvann")))
	require.Equal(t, policy.RuleTooShort, short.Violations[0].Rule)
	tooShort := short.Violations[0].Message
	chrome.Poll[bool](t, tab, `window.spoken.some((s) => s.includes(`+js(tooShort)+`))`)
	assert.Len(t, chrome.Eval[[]string](t, tab, `window.spoken.filter((s) => s !== "")`), 1, "nine keystrokes, one announcement")

	// Long enough but with the username: too_short goes, username is new;
	// only the change is said.
	const withUser = "Granskog!Lirype-Vadmel9-olanor"
	r := native(t, "uit", withUser, "nb", nil)
	require.Len(t, r.Violations, 1)
	require.Equal(t, policy.RuleUsername, r.Violations[0].Rule)
	chrome.Eval[bool](t, tab, `(window.spoken = [], true)`)
	setValue(t, tab, "pw", withUser)
	said := chrome.Poll[string](t, tab, `window.spoken.findLast((s) => s !== "")`)
	assert.Contains(t, said, r.Violations[0].Message, "the new reason is said")
	assert.NotContains(t, said, tooShort, "a reason that went away is not read again")

	// Met: the verdict.
	chrome.Eval[bool](t, tab, `(window.spoken = [], true)`)
	setValue(t, tab, "pw", "Granskog!Lirype-Vadmel9")
	chrome.Poll[bool](t, tab, `window.spoken.at(-1) === "Passordet oppfyller kravene."`)
}

// TestBreachSaidOnce: a password found in the breach lists is said once to
// a screen reader, by the breach check's own live region, and the verdict
// that flips with it by the meter's: the meter's region said the count
// again ("Passordet er funnet 5 ganger i lekkede passordlister. Velg et
// annet." after "Funnet 5 ganger i lekkede passordlister.").
func TestBreachSaidOnce(t *testing.T) {
	const pw = "Fjellvann-Lirype!Vadmel8"
	require.True(t, native(t, "uit", pw, "nb", nil).OK, "met until the breach check")
	env.fake.add(pw, 5)
	tab := open(t, "/index.html")
	chrome.Eval[bool](t, tab, `(() => { window.spoken = [];
		for (const e of `+meterJS+`.shadowRoot.querySelectorAll("[aria-live]"))
			new MutationObserver(() => e.textContent && window.spoken.push(e.textContent)).observe(e, {childList: true, characterData: true, subtree: true});
		return true })()`)
	chrome.Eval[bool](t, tab, `(document.getElementById("pw").focus(), true)`)
	setValue(t, tab, "pw", pw)
	chrome.Poll[bool](t, tab, `window.spoken.includes("Passordet oppfyller kravene.")`)
	chrome.Eval[bool](t, tab, `(window.spoken = [], document.getElementById("other").focus(), true)`)
	chrome.Poll[bool](t, tab, `window.spoken.some((s) => s.startsWith("Passordet oppfyller ikke kravene ennå."))`)
	spoken := chrome.Eval[[]string](t, tab, `window.spoken`)
	n := 0
	for _, s := range spoken {
		n += strings.Count(strings.ToLower(s), "funnet 5 ganger")
	}
	assert.Equal(t, 1, n, "times the count was said: %q", spoken)
	assert.Contains(t, spoken, "Funnet 5 ganger i lekkede passordlister.")
}

// TestCellListNamed: the per-character list has an accessible name, and
// each item says which character (by position, never the character) and
// how many points it earned, and why none.
func TestCellListNamed(t *testing.T) {
	tab := open(t, "/index.html")
	setValue(t, tab, "pw", "abba")
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length === 4`)
	assert.Equal(t, "Poeng per tegn", chrome.AX(t, tab, meterJS+`.shadowRoot.querySelector(".cells")`).Name)
	var names []string
	for i := range 4 {
		names = append(names, chrome.AX(t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell")[`+js(i)+`]`).Name)
	}
	assert.Equal(t, []string{"Tegn 1: 4 poeng", "Tegn 2: 2 poeng", "Tegn 3: 0 poeng, gjentatt", "Tegn 4: 2 poeng"}, names)
}

// TestPatternCellsPerceivable: the characters of a guessable pattern, which
// the feedback asks to replace ("the marked characters"), are marked for a
// screen reader in their cells' names and, in forced colours (Windows high
// contrast), by a border that mode keeps: the mark was a box-shadow alone,
// which forced colours drop, and the names said nothing of it.
func TestPatternCellsPerceivable(t *testing.T) {
	tab := env.browser.Tab(t)
	_, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "forced-colors", Value: "active"}},
	})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+"/index.html")))
	chrome.Poll[bool](t, tab, `!!globalThis.styrke && `+meterJS+`.shadowRoot.querySelector(".rules").children.length > 0`)
	setValue(t, tab, "pw", "Sommer2026!Sommer2026!")
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelectorAll(".bar.pat").length > 0`)
	name := chrome.AX(t, tab, meterJS+`.shadowRoot.querySelector(".bar.pat").closest(".cell")`).Name
	assert.Contains(t, name, ", del av et mønster")
	assert.NotEqual(t, "0px", chrome.Eval[string](t, tab, `getComputedStyle(`+meterJS+`.shadowRoot.querySelector(".bar.pat")).borderBottomWidth`),
		"a mark forced colours keep")
}

// TestWhyFocusVisible: the "why do later characters earn fewer points"
// toggle, in the meter's shadow root where the page's focus style cannot
// reach, shows a 3 px ring in its own colour when the keyboard reaches it:
// it had the browser's 1 px one, about 2.4:1 against white (found by an
// accessibility test).
func TestWhyFocusVisible(t *testing.T) {
	tab := open(t, "/index.html")
	setValue(t, tab, "pw", "abba")
	summary := meterJS + `.shadowRoot.querySelector("details.why summary")`
	chrome.Poll[bool](t, tab, summary+` !== null`)
	// The keyboard: Tab from the field until the summary has the focus.
	chrome.Eval[bool](t, tab, `(document.getElementById("pw").focus(), true)`)
	for range 6 {
		if chrome.Eval[bool](t, tab, meterJS+`.shadowRoot.activeElement === `+summary) {
			break
		}
		_, err := chromedp.Run(tab, chromedp.KeyEvent(kb.Tab))
		require.NoError(t, err)
	}
	require.True(t, chrome.Eval[bool](t, tab, meterJS+`.shadowRoot.activeElement === `+summary), "the keyboard reaches the toggle")
	assert.True(t, chrome.Eval[bool](t, tab, summary+`.matches(":focus-visible")`))
	assert.Equal(t, "3px solid", chrome.Eval[string](t, tab, `(() => { const s = getComputedStyle(`+summary+`); return s.outlineWidth + " " + s.outlineStyle; })()`))
}
