package site_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/site"
)

// phoneGeometry is what TestActivationOnPhones measures in the page.
type phoneGeometry struct {
	// FieldPx is the password field's text width; Bullets24Px is the width
	// of 24 masked characters in its font.
	FieldPx, Bullets24Px float64
	// Overlaps lists pairs of the form's parts whose boxes intersect.
	Overlaps []string
	// Outside lists parts that stick out of the viewport's width.
	Outside []string
	// HeaderPx is the header's height; HeaderStaffLinks counts links to the
	// pages for IT staff (embed, designer) in the header, FooterStaffLinks
	// in the footer.
	HeaderPx                           float64
	HeaderStaffLinks, FooterStaffLinks int
	// CellRows is how many rows the meter's cells take for the password.
	CellRows int
	// ConfirmTop is the confirm field's distance from the page's top.
	ConfirmTop float64
}

const measurePhone = `(() => {
	const q = (s) => document.querySelector(s);
	const pw = q('#new-password'), cs = getComputedStyle(pw);
	const ctx = document.createElement('canvas').getContext('2d');
	ctx.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
	const field = pw.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
	const parts = {
		heading: q('main h1'), account: q('[data-testid=account]'), username: q('#username'),
		password: pw, toggle: q('[data-testid=toggle]'), meter: q('styrke-meter'),
		confirm: q('#confirm-password'), submit: q('[data-testid=submit]'), rules: q('.rules-box'),
	};
	const rects = Object.entries(parts).filter(([, e]) => e && e.getClientRects().length).map(([k, e]) => [k, e.getBoundingClientRect()]);
	const overlaps = [], outside = [];
	for (let i = 0; i < rects.length; i++) {
		const [a, r] = rects[i];
		if (r.left < -0.5 || r.right > document.documentElement.clientWidth + 0.5) outside.push(a);
		for (let j = i + 1; j < rects.length; j++) {
			const [b, s] = rects[j];
			if (r.left < s.right - 0.5 && s.left < r.right - 0.5 && r.top < s.bottom - 0.5 && s.top < r.bottom - 0.5) overlaps.push(a + '/' + b);
		}
	}
	const staff = (root) => root ? [...root.querySelectorAll('a')].filter((a) => /\/(embed|designer)\/$/.test(new URL(a.href).pathname)).length : 0;
	const meterRoot = q('styrke-meter').shadowRoot; // none when the meter could not start
	const cells = meterRoot ? [...meterRoot.querySelectorAll('.cell')] : [];
	const rows = new Set(cells.map((c) => Math.round(c.getBoundingClientRect().top))).size;
	return {
		fieldPx: field, bullets24Px: ctx.measureText('\u2022'.repeat(24)).width,
		overlaps, outside,
		headerPx: q('header').getBoundingClientRect().height,
		headerStaffLinks: staff(q('header')), footerStaffLinks: staff(q('footer')),
		cellRows: rows, confirmTop: q('#confirm-password').getBoundingClientRect().top + scrollY,
	};
})()`

// TestActivationOnPhones: at 320, 375 and 414 px the activation page is
// laid out for the person's task: the password field shows at least 24
// characters, nothing overlaps or sticks out, the links for IT staff are in
// the footer rather than the header, and a 36-character password's cells
// take few rows. Screenshots go to e2e/screens/activate-form-WIDTH.png.
func TestActivationOnPhones(t *testing.T) {
	b := startBackend(t)
	screens := filepath.Join(env.root, "e2e", "screens")
	require.NoError(t, os.MkdirAll(screens, 0o755))
	link := b.activation(t, "kno042", "Kari Nordmann", "uit")
	for _, tc := range []struct {
		width    int64
		maxRows  int
		headerPx float64
	}{
		{320, 4, 80}, {375, 3, 80}, {414, 3, 80},
	} {
		t.Run(strconv.FormatInt(tc.width, 10), func(t *testing.T) {
			tb := openForm(t, link, tc.width)
			setValue(t, tb, "#new-password", "Fjellbekk-Sommer!Grønn 42 Lys-over-v")
			chrome.Poll[bool](t, tb, `document.querySelector('styrke-meter').shadowRoot.querySelectorAll('.cell').length === 36`)
			g := chrome.Eval[phoneGeometry](t, tb, measurePhone)
			assert.GreaterOrEqual(t, g.FieldPx, g.Bullets24Px, "the field shows 24 characters at %d px", tc.width)
			assert.Empty(t, g.Overlaps, "parts that overlap at %d px", tc.width)
			assert.Empty(t, g.Outside, "parts wider than the screen at %d px", tc.width)
			assert.Zero(t, g.HeaderStaffLinks, "no staff links in the header")
			assert.Equal(t, 2, g.FooterStaffLinks, "the staff links are in the footer")
			assert.LessOrEqual(t, g.HeaderPx, tc.headerPx, "header height at %d px", tc.width)
			assert.LessOrEqual(t, g.CellRows, tc.maxRows, "rows of cells for 36 characters at %d px", tc.width)
			assert.True(t, chrome.Eval[bool](t, tb, `document.documentElement.scrollWidth <= document.documentElement.clientWidth`), "no horizontal scroll")
			t.Logf("%d px: field %.0f px (24 bullets %.0f), header %.0f px, %d rows of cells, confirm field at %.0f px", tc.width, g.FieldPx, g.Bullets24Px, g.HeaderPx, g.CellRows, g.ConfirmTop)
			png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(screens, "activate-form-"+strconv.FormatInt(tc.width, 10)+".png"), png, 0o644))
		})
	}
}

// largeText sets tb's text size to 200% (the browser's default font 32 px,
// as a phone's accessibility setting makes it) and its viewport width px
// wide.
func largeText(t *testing.T, tb *chrome.Tab, width int64) {
	t.Helper()
	_, err := chromedp.Call(tb, page.SetFontSizes, page.SetFontSizesParams{FontSizes: &page.FontSizes{Standard: 32, Fixed: 26}})
	require.NoError(t, err)
	run(t, tb, chromedp.EmulateViewport(width, 900))
}

// TestActivationLargeText: with the browser's text size at 200% (its
// default font 32 px, as a phone's accessibility setting makes it) at 320
// and 375 px, the page does not scroll sideways and the name and
// institution wrap between words (WCAG 2.2 SC 1.4.4 and 1.4.10): the
// account's value column shrank to one character beside its labels, "Kari
// Nordmann" stood one letter a line, and the page scrolled (found by an
// accessibility test).
func TestActivationLargeText(t *testing.T) {
	b := startBackend(t)
	link := b.activation(t, "kno043", "Kari Nordmann", "uit")
	screens := screensDir(t)
	for _, lang := range []string{"nb", "nn", "en"} {
		t.Run(lang, func(t *testing.T) {
			tb := activationTab(t)
			largeText(t, tb, 320)
			run(t, tb, chromedp.Navigate(inLang(link, lang)))
			chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
			atWidths(t, tb, []int64{320, 375}, func(t *testing.T, width int64) {
				g := chrome.Eval[stateGeometry](t, tb, measureState)
				assert.False(t, g.ScrollsX, "the page scrolls sideways at %d px", width)
				assert.Empty(t, g.Outside, "parts wider than the screen")
				// "Kari Nordmann" wraps, if at all, between its words: the
				// value's box is at least as wide as its longest word.
				assert.True(t, chrome.Eval[bool](t, tb, `[...document.querySelectorAll('.account dd')].every((dd) => {
					const r = document.createRange(); r.selectNodeContents(dd);
					const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
					return lines <= dd.textContent.trim().split(/\s+/).length;
				})`), "a name or institution broken inside a word")
				png, err := chromedp.Run(tb, chromedp.CaptureScreenshot())
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(screens, "large-text-"+lang+"-"+strconv.FormatInt(width, 10)+".png"), png, 0o644))
			})
		})
	}
}

// atWidths runs check on tb's page at each of widths, as a subtest named
// by the width, the viewport resized to it (900 px high) and scrolled to
// the top: one page in its state serves several widths. The pages' layout
// is CSS alone (no script of the site or the meter reads the width), so a
// page resized is laid out as one loaded at that width.
func atWidths(t *testing.T, tb *chrome.Tab, widths []int64, check func(t *testing.T, width int64)) {
	t.Helper()
	for _, width := range widths {
		t.Run(strconv.FormatInt(width, 10), func(t *testing.T) {
			run(t, tb, chromedp.EmulateViewport(width, 900))
			chrome.Poll[bool](t, tb, `(scrollTo(0, 0), innerWidth === `+itoa(width)+`)`)
			check(t, width)
		})
	}
}

// pageGeometry is what TestPagesLargeText measures of a page.
type pageGeometry struct {
	// ScrollsX is true when the page scrolls sideways.
	ScrollsX bool `json:"scrollsX"`
	// Outside lists shown elements that stick out of the viewport's width,
	// or in main out of their parent's box (an element inside a box that
	// scrolls sideways on its own, a table's wrap, is that box's business;
	// the box itself must fit).
	Outside []string `json:"outside"`
	// Shredded lists words broken into pieces of fewer than four
	// characters a line on average: a column too narrow for its words,
	// one letter a line.
	Shredded []string `json:"shredded"`
	// Broken counts the words broken across lines at all (a word longer
	// than the line may be, WCAG 1.4.10); logged, not asserted.
	Broken int `json:"broken"`
	// Elements counts the elements measured.
	Elements int `json:"elements"`
}

// measurePage measures every shown element and word of the page.
const measurePage = `(() => {
	const shown = (e) => e.getClientRects().length > 0 && !e.closest('[hidden], .visually-hidden, .skip') && getComputedStyle(e).visibility !== 'hidden';
	const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
	// up is the parent in the flat tree (a slotted element's slot, a
	// shadow root's host): the meter's description is slotted into a
	// visually hidden box of its shadow root.
	const up = (e) => e.assignedSlot ?? e.parentElement ?? e.getRootNode().host ?? null;
	const scrolls = (e) => { for (let p = up(e); p && p !== document.body; p = up(p)) if (getComputedStyle(p).overflowX !== 'visible') return true; return false; };
	const width = document.documentElement.clientWidth;
	const outside = [];
	let elements = 0;
	for (const e of document.body.querySelectorAll('*')) {
		if (!shown(e) || scrolls(e)) continue;
		const r = e.getBoundingClientRect();
		if (r.width === 0 || r.height === 0) continue;
		elements++;
		if (r.left < -0.5 || r.right > width + 0.5) outside.push(name(e) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
		else if (e.closest('main') && getComputedStyle(e).display !== 'inline') {
			// Nor out of its parent's box (a button's word over its card's
			// edge): the nearest with a box of its own (the account's rows
			// are display: contents, a box of none).
			let box = up(e);
			while (box && box !== document.body && getComputedStyle(box).display === 'contents') box = up(box);
			const p = box.getBoundingClientRect();
			if (r.left < p.left - 0.5 || r.right > p.right + 0.5) outside.push(name(e) + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' in ' + Math.round(p.left) + '..' + Math.round(p.right));
		}
	}
	const shredded = [];
	let broken = 0;
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n; (n = walk.nextNode()); ) {
		const p = n.parentElement;
		if (!p || !shown(p) || p.closest('script, style, textarea, pre, svg')) continue;
		// A word's parts between hyphens may stand on lines of their own.
		for (const m of n.textContent.matchAll(/[^\s-]+/g)) {
			if (m[0].length < 2) continue;
			const r = document.createRange();
			r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
			const lines = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size;
			if (lines < 2) continue;
			broken++;
			if (m[0].length / lines < 4) shredded.push(name(p) + ': ' + m[0] + ' in ' + lines + ' lines');
		}
	}
	return { scrollsX: document.documentElement.scrollWidth > width, outside, shredded, broken, elements };
})()`

// TestPagesLargeText: with the browser's text size at 200% (its default
// font 32 px, as a phone's accessibility setting makes it) at 320 and 375
// px, no page scrolls sideways, nothing sticks out of the screen (a table
// may scroll inside its own box) and no word stands a few letters a line
// (WCAG 2.2 SC 1.4.4 and 1.4.10), in nb, nn and en: the home page, the
// forgot-password page without ID-porten, the change page (its form, its
// errors, done), the activation page's other states (no link, unknown,
// expired, used, locked, the code step, done), the embed guide, the policy
// designer (its form, and its tables after a batch) and the 404 page.
// TestActivationLargeText has the activation form, TestResetLargeText the
// reset's screens after a sign-in. Screenshots go to
// $STYRKE_SCREENS (or a temporary directory) as large-LANG-PAGE-WIDTH.png.
func TestPagesLargeText(t *testing.T) {
	b := startBackend(t)
	rb := startResetBackend(t, false)
	screens := screensDir(t)
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	var seq atomic.Int64 // the pages are shown in parallel
	user := func(name string) string { return name + strconv.FormatInt(seq.Add(1), 10) }
	shown := func(t *testing.T, tb *chrome.Tab, state string) {
		t.Helper()
		chrome.Poll[bool](t, tb, `(() => { const e = document.querySelector('[data-testid=state-`+state+`]'); return e && !e.hidden; })()`)
	}
	// changeAccount is an account with a password of Styrke's own (an
	// activation link used) on the server without ID-porten.
	changeAccount := func(t *testing.T) string {
		t.Helper()
		name := user("eva")
		res := adminPost(t, rb.base, adminKeyE2E, "/api/admin/activations", map[string]string{"username": name, "institution": "default"})
		defer res.Body.Close()
		require.Equal(t, http.StatusCreated, res.StatusCode)
		var out struct{ Link string }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		(&backend{base: rb.base}).completeByAPI(t, out.Link, good)
		return name
	}
	type pageCase struct {
		name string
		// open navigates tb (its text size and viewport set) and waits
		// for the page's state.
		open func(t *testing.T, tb *chrome.Tab, lang string)
		// look is scrolled into view for the screenshot.
		look string
	}
	static := func(name string, id site.PageID, look string) pageCase {
		return pageCase{name, func(t *testing.T, tb *chrome.Tab, lang string) {
			run(t, tb, chromedp.Navigate(env.server.URL+site.Path(id, lang)))
			chrome.Poll[bool](t, tb, `document.readyState === 'complete'`)
		}, look}
	}
	activation := func(name, state string, link func(t *testing.T, lang string) string) pageCase {
		return pageCase{"activate-" + name, func(t *testing.T, tb *chrome.Tab, lang string) {
			run(t, tb, chromedp.Navigate(link(t, lang)))
			shown(t, tb, state)
		}, "main h1"}
	}
	issued := func(t *testing.T, lang string) (string, string) {
		name := user(lang + "-lt")
		return inLang(b.activation(t, name, "Kari Nordmann", "default"), lang), name
	}
	cases := []pageCase{
		static("home", site.Home, ".tiles"),
		static("embed", site.Embed, "[data-testid=attributes]"),
		{"designer", func(t *testing.T, tb *chrome.Tab, lang string) {
			run(t, tb, chromedp.Navigate(env.server.URL+site.Path(site.Designer, lang)))
			chrome.Poll[bool](t, tb, `document.querySelector('[data-engine-loading]').hidden && document.querySelector('#f-minLength').value === '16'`)
		}, "[data-testid=policy-form]"},
		{"designer-batch", func(t *testing.T, tb *chrome.Tab, lang string) {
			run(t, tb, chromedp.Navigate(env.server.URL+site.Path(site.Designer, lang)))
			chrome.Poll[bool](t, tb, `document.querySelector('[data-engine-loading]').hidden && document.querySelector('#f-minLength').value === '16'`)
			setValue(t, tb, "#f-minLength", "12")
			setValue(t, tb, "#f-threshold", "30")
			chrome.Poll[bool](t, tb, `document.querySelector('[data-problems] .ok') !== null`)
			designerBatch(t, tb, batchPasswords(60))
			require.True(t, chrome.Eval[bool](t, tb, `document.querySelectorAll('[data-testid=changed-table] tbody tr').length > 0`), "the changed verdicts are listed")
		}, "[data-testid=changed-table]"},
		{"notfound", func(t *testing.T, tb *chrome.Tab, lang string) {
			tb.Allow(func(msg string) bool {
				return strings.HasPrefix(msg, "log network:") && strings.Contains(msg, "/ingen-slik-side/")
			})
			run(t, tb, chromedp.Navigate(rb.base+"/ingen-slik-side/"))
			chrome.Poll[bool](t, tb, `document.readyState === 'complete' && document.querySelector('[data-testid=notfound-nb]') !== null`)
		}, "main h1"},
		{"reset-off", func(t *testing.T, tb *chrome.Tab, lang string) {
			run(t, tb, chromedp.Navigate(rb.base+site.Path(site.Reset, lang)))
			shown(t, tb, "off")
		}, "[data-testid=state-off]"},
		{"change", func(t *testing.T, tb *chrome.Tab, lang string) {
			run(t, tb, chromedp.Navigate(rb.base+site.Path(site.Change, lang)))
			shown(t, tb, "form")
			chrome.Poll[bool](t, tb, `document.querySelector('[data-forgot-link]').hidden`)
		}, "main h1"},
		{"change-errors", func(t *testing.T, tb *chrome.Tab, lang string) {
			run(t, tb, chromedp.Navigate(rb.base+site.Path(site.Change, lang)))
			shown(t, tb, "form")
			submitPassword(t, tb, "kort")
			chrome.Poll[bool](t, tb, `document.getElementById('username-error') !== null`)
		}, "[data-errors]"},
		{"change-done", func(t *testing.T, tb *chrome.Tab, lang string) {
			name := changeAccount(t)
			run(t, tb, chromedp.Navigate(rb.base+site.Path(site.Change, lang)))
			shown(t, tb, "form")
			setValue(t, tb, "#username", name)
			setValue(t, tb, "#current-password", good)
			submitPassword(t, tb, "Kveldssol over Lyngen-fjorden 42!")
			shown(t, tb, "done")
		}, "[data-testid=state-done]"},
		activation("missing", "missing", func(t *testing.T, lang string) string { return missingLink(b, lang) }),
		activation("unknown", "unknown", func(t *testing.T, lang string) string { return missingLink(b, lang) + "#/pw/" + randomToken() }),
		activation("expired", "expired", func(t *testing.T, lang string) string {
			link, _ := issued(t, lang)
			expireLink(t, b.db, link)
			return link
		}),
		activation("used", "used", func(t *testing.T, lang string) string {
			link, _ := issued(t, lang)
			b.completeByAPI(t, link, good+" used")
			return link
		}),
		activation("locked", "locked", func(t *testing.T, lang string) string {
			link, _ := issued(t, lang)
			for range server.MaxFailures {
				b.failByAPI(t, link)
			}
			return link
		}),
		activation("code", "code", func(t *testing.T, lang string) string {
			link, _ := b.codeLink(t, user(lang+"-ltcode"), lang)
			return link
		}),
		{"activate-done", func(t *testing.T, tb *chrome.Tab, lang string) {
			link, _ := issued(t, lang)
			run(t, tb, chromedp.Navigate(link))
			shown(t, tb, "form")
			submitForm(t, tb, good+" "+lang+" ferdig")
			shown(t, tb, "done")
		}, "[data-testid=state-done]"},
	}
	for _, pc := range cases {
		langs := site.Languages
		if pc.name == "notfound" {
			langs = langs[:1] // one 404 page speaks all three languages
		}
		for _, lang := range langs {
			t.Run(pc.name+"/"+lang, func(t *testing.T) {
				// In parallel: tabs of the one browser, -parallel at a
				// time, each waiting for its page most of its time; but
				// the locked link's, whose failed attempts wait out the
				// per-link rate limit by asking every 50 ms: with the
				// others it took the per-client limit of 127.0.0.1, and a
				// page's lookup was refused (the locked state not shown
				// in 20 s, in a run of the whole package).
				if pc.name != "activate-locked" {
					t.Parallel()
				}
				tb := resetTab(t)
				tb.Allow(func(msg string) bool {
					return strings.HasPrefix(msg, "log network:") && strings.Contains(msg, "/api/activation/")
				})
				largeText(t, tb, 320)
				pc.open(t, tb, lang)
				atWidths(t, tb, []int64{320, 375}, func(t *testing.T, width int64) {
					chrome.Poll[bool](t, tb, `document.fonts.status === 'loaded'`)
					g := chrome.Eval[pageGeometry](t, tb, measurePage)
					assert.Greater(t, g.Elements, 10, "elements measured")
					assert.False(t, g.ScrollsX, "the page scrolls sideways")
					assert.Empty(t, g.Outside, "elements wider than the screen")
					assert.Empty(t, g.Shredded, "words a few letters a line")
					t.Logf("%d elements, %d words broken across lines", g.Elements, g.Broken)
					chrome.Eval[bool](t, tb, `(document.querySelector(`+jsString(pc.look)+`).scrollIntoView(), true)`)
					png, err := chromedp.Run(tb, chromedp.CaptureScreenshot())
					require.NoError(t, err)
					require.NoError(t, os.WriteFile(filepath.Join(screens, "large-"+lang+"-"+pc.name+"-"+strconv.FormatInt(width, 10)+".png"), png, 0o644))
				})
			})
		}
	}
}
