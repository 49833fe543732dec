package meter_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
)

// TestLayout checks that the meter fits without horizontal scrolling at
// 320, 375 and 1280 px, and writes a screenshot of each width to
// $TMPDIR/styrke-meter-<width>.png for review.
func TestLayout(t *testing.T) {
	for _, width := range []int64{320, 375, 1280} {
		t.Run(strconv.FormatInt(width, 10), func(t *testing.T) {
			tab := env.browser.Tab(t)
			require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(width, 900)))
			require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+"/index.html")))
			chrome.Poll[bool](t, tab, `!!globalThis.styrke && `+meterJS+`.shadowRoot.querySelector(".rules").children.length > 0`)
			require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), "Sommerfugl!!!!!!-2024-ÆØÅ-aaaaab")))
			assert.True(t, chrome.Eval[bool](t, tab, `document.documentElement.scrollWidth <= document.documentElement.clientWidth`), "no horizontal scroll at %d px", width)
			png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(os.TempDir(), "styrke-meter-"+strconv.FormatInt(width, 10)+".png"), png, 0o644))
		})
	}
}

// TestScoreNumberFits: the score's number sits in a box of fixed size
// (a layout boundary: a changed score lays out nothing else), sized from
// its digits and separator. Right after the field was empty, the box fits
// the number: nothing sticks out, and no gap opens before it (a box of one
// ch per character left half a digit of space before "26,5").
func TestScoreNumberFits(t *testing.T) {
	tab := env.browser.Tab(t)
	require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(375, 900)))
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+"/index.html")))
	chrome.Poll[bool](t, tab, `!!globalThis.styrke && `+meterJS+`.shadowRoot.querySelector(".sv") !== null`)
	type fit struct {
		Text           string
		Gap, Right, Ch float64
	}
	seen := map[bool]bool{} // whether a score with a decimal separator was seen
	for _, pw := range []string{"a", "Sommer2024!", "abcdefghij", "Sommerfugl!!!!!!-2024-ÆØÅ-aaaaab", "kort passord her 9", "ÆØÅæøå!#%&/()=?1234567890abcdefghijklmnopqrstuvwxyz"} {
		f := chrome.Eval[fit](t, tab, `(() => {
			const input = document.querySelector('#pw'), m = `+meterJS+`;
			for (const v of ['', `+strconv.Quote(pw)+`]) { input.value = v; input.dispatchEvent(new Event('input', {bubbles: true})); }
			const sv = m.shadowRoot.querySelector('.sv'), r = document.createRange();
			r.selectNodeContents(sv);
			const box = sv.getBoundingClientRect(), text = r.getBoundingClientRect();
			const probe = document.createElement('span');
			probe.textContent = '0000000000';
			sv.parentNode.append(probe);
			const ch = probe.getBoundingClientRect().width / 10;
			probe.remove();
			return {text: sv.textContent, gap: text.left - box.left, right: box.right - text.right, ch};
		})()`)
		require.NotEmpty(t, f.Text, "password %q", pw)
		seen[strings.ContainsAny(f.Text, ".,")] = true
		assert.GreaterOrEqual(t, f.Gap, -0.5, "score %q sticks out of its box on the left", f.Text)
		assert.GreaterOrEqual(t, f.Right, -0.5, "score %q sticks out of its box on the right", f.Text)
		assert.Less(t, f.Gap, 0.25*f.Ch, "score %q: space before it in its box, px (ch is %.1f px)", f.Text, f.Ch)
	}
	assert.Equal(t, map[bool]bool{true: true, false: true}, seen, "scores with and without a decimal separator")
}

// TestScoreBoxFitsAfterAPause: a score that gets shorter while the person
// types (characters deleted, a shorter password pasted over a longer one)
// keeps its box's width while they type, so that "43,5" → "44" → "44,5"
// does not resize it at every other keystroke, and is fitted by its box
// once they pause. The box kept the widest score's width until the field
// was empty: "9" sat after a gap of two digits.
func TestScoreBoxFitsAfterAPause(t *testing.T) {
	tab := env.browser.Tab(t)
	require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(375, 900)))
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+"/index.html")))
	chrome.Poll[bool](t, tab, `!!globalThis.styrke && `+meterJS+`.shadowRoot.querySelector(".sv") !== null`)
	// gap is the space before the score's number in its box, in ch.
	const gap = `(() => {
		const sv = ` + meterJS + `.shadowRoot.querySelector('.sv'), r = document.createRange();
		r.selectNodeContents(sv);
		const probe = document.createElement('span');
		probe.textContent = '0000000000';
		sv.parentNode.append(probe);
		const ch = probe.getBoundingClientRect().width / 10;
		probe.remove();
		return (r.getBoundingClientRect().left - sv.getBoundingClientRect().left) / ch;
	})()`
	for _, tc := range []struct{ name, from, to string }{
		{"characters deleted", "ÆØÅæøå!#%&/()=?1234567890abcdefghijklmnopqrstuvwxyz", "ÆØÅæøå!"},
		{"a shorter password pasted", "ÆØÅæøå!#%&/()=?1234567890abcdefghijklmnopqrstuvwxyz", "Sol"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setValue(t, tab, "pw", "")
			// Typed, then shortened, with no pause between.
			chrome.Eval[bool](t, tab, `(() => {
				const input = document.querySelector('#pw'), from = [...`+js(tc.from)+`], to = `+js(tc.to)+`;
				const set = (v) => { input.value = v; input.dispatchEvent(new Event('input', {bubbles: true})); };
				for (let i = 1; i <= from.length; i++) set(from.slice(0, i).join(''));
				if (`+js(tc.name == "characters deleted")+`) for (let i = from.length - 1; i >= [...to].length; i--) set(from.slice(0, i).join(''));
				else set(to);
				return true;
			})()`)
			score := chrome.Eval[string](t, tab, meterJS+`.shadowRoot.querySelector('.sv').textContent`)
			require.Greater(t, chrome.Eval[float64](t, tab, gap), 0.5, "score %q: the box keeps the longer score's width while the person types", score)
			// The live region speaks 700 ms after the last keystroke.
			_, err := chrome.PollErr[bool](tab, gap+` < 0.25`, 3*time.Second)
			assert.NoError(t, err, "score %q: space before it in its box after a pause, ch: %.2f", score, chrome.Eval[float64](t, tab, gap))
		})
	}
}

// textSpacing is the style sheet of WCAG 2.2 SC 1.4.12 (Text Spacing): line
// height 1.5 times the font size, paragraph spacing 2 times, letter spacing
// 0.12 times and word spacing 0.16 times, on every element and over the
// page's own rules, as a person's bookmarklet or user style sheet sets it.
const textSpacing = `*{line-height:1.5!important;letter-spacing:.12em!important;word-spacing:.16em!important}p{margin-bottom:2em!important}`

// applyTextSpacing adopts textSpacing in the document and in every shadow
// root of the page (a document's sheet reaches a shadow tree only through
// inheritance, which the meter's own line heights stop: the strict reading,
// "every element", is the one tested). A constructed sheet passes the
// page's style-src 'self'.
const applyTextSpacing = `(() => {
	const add = (root) => { const s = new CSSStyleSheet(); s.replaceSync(` + "`" + textSpacing + "`" + `); root.adoptedStyleSheets = [...root.adoptedStyleSheets, s]; };
	add(document);
	for (const e of document.querySelectorAll('*')) if (e.shadowRoot) add(e.shadowRoot);
	return true;
})()`

// cellGeometry is what measureCells finds of the meter's cells.
type cellGeometry struct {
	// Cells counts the cells shown.
	Cells int
	// Overlaps lists pairs of cells whose boxes intersect; Clipped, the
	// texts of a cell (its character, points or note) that stick out of
	// the cell's box, where they are cut off or run into the next cell.
	// Neither names a character of the password.
	Overlaps, Clipped []string
	// Bars holds each cell's bar height in px; Width, the first cell's width.
	Bars  []float64
	Width float64
	// Groups holds the width of each group of cells, in px.
	Groups []float64
	// Score says how the score's number sticks out of its box, if it does.
	Score string
}

// measureCells measures the meter's cells (their boxes and the boxes of the
// texts in them) and the score's number against its box.
const measureCells = `(() => {
	const root = ` + meterJS + `.shadowRoot, cells = [...root.querySelectorAll('.cell')];
	const box = (e) => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect(); };
	const out = (t, r) => t.left < r.left - 0.5 || t.right > r.right + 0.5 || t.top < r.top - 0.5 || t.bottom > r.bottom + 0.5;
	const size = (r) => r.width.toFixed(1) + 'x' + r.height.toFixed(1);
	const rects = cells.map((c) => c.getBoundingClientRect());
	const overlaps = [], clipped = [];
	rects.forEach((r, i) => {
		rects.slice(i + 1).forEach((s, k) => {
			if (r.left < s.right - 0.5 && s.left < r.right - 0.5 && r.top < s.bottom - 0.5 && s.top < r.bottom - 0.5) overlaps.push((i + 1) + '/' + (i + k + 2));
		});
		for (const e of cells[i].querySelectorAll('.ch, .pt, .note > :not(.sr)')) {
			const t = box(e);
			if (e.textContent && out(t, r)) clipped.push('cell ' + (i + 1) + ' .' + (e.className || 'note') + ': text ' + size(t) + ' in ' + size(r));
		}
	});
	const sv = root.querySelector('.sv'), s = sv.getBoundingClientRect(), st = box(sv);
	return {
		cells: cells.length, overlaps, clipped, width: rects[0].width,
		bars: cells.map((c) => c.querySelector('.bar').getBoundingClientRect().height),
		groups: [...root.querySelectorAll('.grp')].map((g) => g.getBoundingClientRect().width),
		score: out(st, s) ? 'score ' + sv.textContent + ': text ' + st.left.toFixed(1) + '-' + st.right.toFixed(1) + ' px in a box ' + s.left.toFixed(1) + '-' + s.right.toFixed(1) : '',
	};
})()`

// TestTextSpacing: with the text spacing of WCAG 2.2 SC 1.4.12 applied to
// every element, at 375 and 1280 px, a long password of wide characters,
// typed and shown, keeps every cell's character, points and note inside
// the cell (the cells had a fixed width in rem, and letter spacing pushed
// "1,5" out of them, cut off and run together: "1,51,51,5"), no two cells
// overlap, and no bar is shorter than without the sheet (the cells had a
// fixed height too, and the taller lines squeezed the bars: 2rem to 1.5rem,
// and to 0.5rem in a cell with a note). The last group of cells, of fewer
// than four, is as wide as the others, with the sheet and without (a
// narrower one could sit in the row above, and jump down as it fills).
// The score's number stays in its box (a width in ch left out the letter
// spacing: 3.8 px too narrow for two digits, which ran into the words
// after them).
func TestTextSpacing(t *testing.T) {
	// 42 characters, wide ones and repeats (whose cells carry a note).
	const password = "WWWMMMmmmwwwæøåÆØÅ%%%@@@0000iiii1111llllZx"
	for _, width := range []int64{375, 1280} {
		t.Run(strconv.FormatInt(width, 10), func(t *testing.T) {
			tab := env.browser.Tab(t)
			require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(width, 900)))
			require.NoError(t, chromedp.Do(tab, chromedp.Navigate(env.site.URL+"/index.html")))
			chrome.Poll[bool](t, tab, `!!globalThis.styrke && `+meterJS+`.shadowRoot.querySelector(".rules").children.length > 0`)
			chrome.Poll[bool](t, tab, `document.fonts.status === 'loaded'`)
			require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#show"))))
			require.NoError(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#pw"), password)))
			n := len([]rune(password))
			chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length === `+js(n))
			plain := chrome.Eval[cellGeometry](t, tab, measureCells)
			require.Empty(t, plain.Overlaps, "cells that overlap without the sheet")
			require.Empty(t, plain.Clipped, "texts that stick out of their cell without the sheet")
			require.Empty(t, plain.Score, "the score's number without the sheet")
			require.Len(t, plain.Groups, 11, "groups of cells")
			assert.InDelta(t, plain.Groups[0], plain.Groups[10], 0.5, "the last group's width, px, against the first's, without the sheet")

			chrome.Eval[bool](t, tab, applyTextSpacing)
			g := chrome.Eval[cellGeometry](t, tab, measureCells)
			require.Equal(t, n, g.Cells, "cells")
			assert.Empty(t, g.Overlaps, "cells that overlap under text spacing")
			assert.Empty(t, g.Clipped, "texts that stick out of their cell under text spacing (cell %.1f px wide, %.1f px without the sheet)", g.Width, plain.Width)
			assert.InDelta(t, g.Groups[0], g.Groups[10], 0.5, "the last group's width, px, against the first's, under text spacing")
			var shorter []string
			for i := range g.Bars {
				if g.Bars[i] < plain.Bars[i]-0.5 {
					shorter = append(shorter, fmt.Sprintf("cell %d: %.1f px (%.1f without the sheet)", i+1, g.Bars[i], plain.Bars[i]))
				}
			}
			assert.Empty(t, shorter, "bars shorter under text spacing")
			// The score's box is at its narrowest right after the field was
			// empty: the password again, pasted.
			setValue(t, tab, "pw", "")
			setValue(t, tab, "pw", password)
			pasted := chrome.Eval[cellGeometry](t, tab, measureCells)
			assert.Empty(t, pasted.Score, "the score's number under text spacing")
			assert.Empty(t, pasted.Clipped, "texts that stick out of their cell under text spacing, pasted")
			assert.False(t, chrome.Eval[bool](t, tab, `document.documentElement.scrollWidth > document.documentElement.clientWidth`), "the page scrolls sideways at %d px", width)
			png, err := chromedp.Run(tab, chromedp.Screenshot(chromedp.CSS("styrke-meter")))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(os.TempDir(), "styrke-meter-spacing-"+strconv.FormatInt(width, 10)+".png"), png, 0o644))
		})
	}
}
