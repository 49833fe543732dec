package site_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
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
		for _, width := range []int64{320, 375} {
			t.Run(lang+"-"+strconv.FormatInt(width, 10), func(t *testing.T) {
				tb := activationTab(t)
				_, err := chromedp.Call(tb, page.SetFontSizes, page.SetFontSizesParams{FontSizes: &page.FontSizes{Standard: 32, Fixed: 26}})
				require.NoError(t, err)
				run(t, tb, chromedp.EmulateViewport(width, 900), chromedp.Navigate(inLang(link, lang)))
				chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-form]').hidden`)
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
		}
	}
}
