package site_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// TestResetLargeText: with the browser's text size at 200% (its default
// font 32 px, as a phone's accessibility setting makes it) at 320 and 375
// px, the reset's screens after the sign-in do not scroll sideways,
// nothing sticks out of the screen and no word stands a few letters a line
// (WCAG 2.2 SC 1.4.4 and 1.4.10), in nb, nn and en: the choice of
// accounts, each of it and the form with the session's time nearly up
// (the warning and "More time"), and the form with more time given (its
// name and institution wrap between words). TestPagesLargeText has the
// other pages; these need a sign-in: a real one, with two accounts and a
// 65 s session (the warning 5 s after).
// Screenshots go to $STYRKE_SCREENS (or a temporary directory) as
// large-LANG-reset-SCREEN-WIDTH.png.
func TestResetLargeText(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true, "--reset-session", "65s")
	b.importCSV(t, "username,name,institution,identity number\nuna,Una Utvik-Kristiansen,default,"+e2ePidTwo+"\nuna2,Una Utvik-Kristiansen,uit,"+e2ePidTwo+"\n")
	screens := screensDir(t)
	soon := `(() => { const e = document.querySelector('[data-testid=extend]'); return !!e && e.checkVisibility(); })()`
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tb := b.tab(t)
			largeText(t, tb, 320)
			check := func(t *testing.T, screen string) {
				t.Helper()
				t.Run(screen, func(t *testing.T) {
					atWidths(t, tb, []int64{320, 375}, func(t *testing.T, width int64) {
						chrome.Poll[bool](t, tb, `document.fonts.status === 'loaded'`)
						g := chrome.Eval[pageGeometry](t, tb, measurePage)
						assert.Greater(t, g.Elements, 10, "elements measured")
						assert.False(t, g.ScrollsX, "%s: the page scrolls sideways", screen)
						assert.Empty(t, g.Outside, "%s: elements wider than the screen", screen)
						assert.Empty(t, g.Shredded, "%s: words a few letters a line", screen)
						t.Logf("%s: %d elements, %d words broken across lines", screen, g.Elements, g.Broken)
						// The name and the institution wrap, if at all, between
						// their words.
						assert.True(t, chrome.Eval[bool](t, tb, `[...document.querySelectorAll('.account dd')].filter((dd) => dd.checkVisibility()).every((dd) => {
						const r = document.createRange(); r.selectNodeContents(dd);
						const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
						return lines <= dd.textContent.trim().split(/[\s-]+/).length;
					})`), "%s: a name or institution broken inside a word", screen)
						// The screen's part in question in sight (a full-page
						// screenshot lays the page out again at another size).
						look := `[data-state]:not([hidden]) h2, [data-state]:not([hidden]) .lead`
						if strings.HasSuffix(screen, "-soon") {
							look = `[data-testid=deadline-soon]`
						}
						chrome.Eval[bool](t, tb, `(document.querySelector(`+jsString(look)+`).scrollIntoView(), true)`)
						png, err := chromedp.Run(tb, chromedp.CaptureScreenshot())
						require.NoError(t, err)
						require.NoError(t, os.WriteFile(filepath.Join(screens, "large-"+lang+"-reset-"+screen+"-"+strconv.FormatInt(width, 10)+".png"), png, 0o644))
					})
				})
			}
			signInAtWidth(t, tb, b, 320, site.Path(site.Reset, lang), e2ePidTwo, "idporten-loa-substantial")
			stateShown(t, tb, "choose")
			check(t, "choose")
			// The time nearly up: the warning and "More time", in the
			// choice and in the form.
			chrome.Poll[bool](t, tb, soon)
			check(t, "choose-soon")
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=choice]').click(), true)`)
			stateShown(t, tb, "form")
			require.True(t, chrome.Eval[bool](t, tb, soon), "the warning in the form")
			check(t, "form-soon")
			// More time given: the form with the new time said.
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=extend]').click(), true)`)
			chrome.Poll[bool](t, tb, `!(`+soon+`)`)
			check(t, "form")
		})
	}
}
