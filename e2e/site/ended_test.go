package site_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// TestActivationReplacedOrWithdrawnOnPhone: at 375 px in nb, nn and en, a
// person opens a link the service desk replaced by a newer one (a resend)
// and one it withdrew (a revoke). The page says which in the state's own
// words (use the newest message; ask the service desk), names the desk
// (--service-desk), moves the focus to its heading, names the state in the
// title and the address (#/gone/STATE, kept on a reload, the token gone),
// and nothing overlaps, sticks out or fails axe. Both said "the link has
// expired: activation links work only a short while". A token that
// matches nothing is still the unknown link.
func TestActivationReplacedOrWithdrawnOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	const desk = "Orakel, 22 84 00 00"
	b := startBackend(t, "--service-desk", desk)
	dir := screensDir(t)
	for _, lang := range site.Languages {
		tx := site.Texts(lang)
		for _, tc := range []struct {
			state, title, text string
			end                func(t *testing.T, link, username string)
		}{
			{"replaced", tx.ActReplacedTitle, tx.ActReplaced, func(t *testing.T, link, _ string) {
				b.admin(t, "/api/admin/activations/resend", map[string]string{"id": linkID(link)})
			}},
			{"revoked", tx.ActRevokedTitle, tx.ActRevoked, func(t *testing.T, _, username string) {
				b.admin(t, "/api/admin/activations/revoke", map[string]string{"username": username, "institution": "default", "reason": "sent to the wrong address"})
			}},
		} {
			t.Run(lang+"/"+tc.state, func(t *testing.T) {
				username := lang + "-" + tc.state
				link := inLang(b.activation(t, username, "Kari Nordmann", "default"), lang)
				tc.end(t, link, username)
				tb := openState(t, link)
				sel := `document.querySelector('[data-testid=state-` + tc.state + `]')`
				assert.Equal(t, []string{tc.state}, visibleState(t, tb))
				assert.Equal(t, tc.title, chrome.Eval[string](t, tb, sel+`.querySelector('h2').textContent`))
				assert.Equal(t, tc.text, chrome.Eval[string](t, tb, sel+`.querySelector('p').textContent`))
				chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=contact-`+tc.state+`]').closest('p').hidden`)
				assert.Equal(t, desk, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-`+tc.state+`]').textContent`))
				assert.True(t, chrome.Eval[bool](t, tb, `document.activeElement === `+sel+`.querySelector('h2')`), "the focus is on the heading")
				assert.Equal(t, tc.title+" – "+tx.ActTitle+" · Styrke", chrome.Eval[string](t, tb, `document.title`))
				// Never the token in a failure's message.
				assert.Equal(t, "#/gone/"+tc.state, chrome.Eval[string](t, tb, `location.hash.startsWith('#/pw/') ? '#/pw/…' : location.hash`))
				g := chrome.Eval[stateGeometry](t, tb, measureState)
				assert.Empty(t, g.Overlaps, "parts that overlap")
				assert.Empty(t, g.Outside, "parts wider than the screen")
				assert.Empty(t, g.Clipped, "parts whose text is cut off")
				assert.False(t, g.ScrollsX, "the page scrolls sideways")
				chrome.Eval[bool](t, tb, env.axe+";true")
				assert.Empty(t, chrome.Eval[[]string](t, tb, axeScan), "axe findings")
				png, err := chromedp.Run(tb, chromedp.FullScreenshot(100))
				if assert.NoError(t, err) {
					assert.NoError(t, os.WriteFile(filepath.Join(dir, "activate-"+lang+"-"+tc.state+"-desk.png"), png, 0o644))
				}

				// A reload still says it.
				run(t, tb, chromedp.Reload())
				chrome.Poll[bool](t, tb, `document.querySelector('[data-testid=state-loading]').hidden`)
				assert.Equal(t, []string{tc.state}, visibleState(t, tb))
			})
		}
	}
	t.Run("a token that matches nothing", func(t *testing.T) {
		tb := openState(t, missingLink(b, "nb")+"#/pw/"+randomToken())
		assert.Equal(t, []string{"unknown"}, visibleState(t, tb))
		res, err := http.Post(b.base+"/api/activation/lookup", "application/json", strings.NewReader(`{"token":"`+randomToken()+`"}`))
		if assert.NoError(t, err) {
			res.Body.Close()
			assert.Equal(t, http.StatusNotFound, res.StatusCode)
		}
	})
}

// TestActivationMissingLinkNamesTheDesk: the activation page opened without
// a token ("The link is missing"), or with one cut short, says to ask the
// service desk and names it (--service-desk), at 375 px in nb, nn and en,
// as the other states of a link that does not work do; the missing state
// named none.
func TestActivationMissingLinkNamesTheDesk(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	const desk = "Orakel, 22 84 00 00"
	b := startBackend(t, "--service-desk", desk)
	for _, lang := range site.Languages {
		for _, tc := range []struct{ name, hash, state string }{
			{"missing", "", "missing"},
			{"cut short", "#/pw/abc", "unknown"},
		} {
			t.Run(lang+"/"+tc.name, func(t *testing.T) {
				tb := openState(t, missingLink(b, lang)+tc.hash)
				assert.Equal(t, []string{tc.state}, visibleState(t, tb))
				chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=contact-`+tc.state+`]').closest('p').hidden`)
				assert.Equal(t, site.ResetTexts(lang).ResetContact+" "+desk,
					chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-`+tc.state+`]').closest('p').textContent`))
				assert.Equal(t, "tel:+4722840000", chrome.Eval[string](t, tb, `document.querySelector('[data-testid=contact-`+tc.state+`] a')?.getAttribute('href') ?? ''`))
				g := chrome.Eval[stateGeometry](t, tb, measureState)
				assert.Empty(t, g.Overlaps, "parts that overlap")
				assert.Empty(t, g.Outside, "parts wider than the screen")
				assert.Empty(t, g.Clipped, "parts whose text is cut off")
				assert.False(t, g.ScrollsX, "the page scrolls sideways")
			})
		}
	}
}
