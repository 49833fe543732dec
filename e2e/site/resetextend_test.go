package site_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// TestResetMoreTimeFailsOnPhone: on a phone (375 px), in nb, nn and en, a
// minute before the reset's session ends, "More time" is pressed and the
// service fails to give it (503 unavailable: its database down). The page
// says so beside the button, in sight, in the choice of accounts and in
// the form, and the button stays for another try, which then gives the
// time. The words went to the form's error list: hidden in the choice of
// accounts, so that the button seemed to do nothing, and a screen below
// the button in the form.
func TestResetMoreTimeFailsOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true, "--reset-session", "65s")
	b.importCSV(t, "username,name,institution,identity number\nuna,Una Utvik,default,"+e2ePidTwo+"\nuna2,Una Utvik,uit,"+e2ePidTwo+"\n")
	extend := `document.querySelector('[data-testid=extend]')`
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			tb := b.tab(t)
			var to atomic.Pointer[sessionFake]
			answerAPI(t, tb, "*/api/reset/extend", &to)
			signInAtWidth(t, tb, b, 375, site.Path(site.Reset, lang), e2ePidTwo, "idporten-loa-substantial")
			stateShown(t, tb, "choose")
			failed := func(t *testing.T, state string) {
				t.Helper()
				// The offer comes 5 s after the sign-in or the last
				// extension (65 s, less a minute).
				chrome.Poll[bool](t, tb, `!`+extend+`.closest('p').hidden`)
				to.Store(&storeDown)
				chrome.Eval[bool](t, tb, `(`+extend+`.focus(), `+extend+`.click(), true)`)
				said := `(() => { const e = [...document.querySelectorAll('p, li')].find((e) => e.textContent === ` + jsString(tx.ActServerError()) + `);
					if (!e || !e.checkVisibility()) return false; const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`
				_, err := chrome.PollErr[bool](tb, said, 5*time.Second)
				require.NoError(t, err, "%s: the failure said in sight", state)
				assert.Equal(t, []string{state}, visibleState(t, tb))
				assert.True(t, chrome.Eval[bool](t, tb, extend+`.checkVisibility()`), "%s: the button stays", state)
				assert.Equal(t, "extend", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid ?? ''`), "%s: the focus stays on the button", state)
				// Another try, answered.
				to.Store(nil)
				chrome.Eval[bool](t, tb, `(`+extend+`.click(), true)`)
				chrome.Poll[bool](t, tb, extend+`.closest('p').hidden`)
				assert.NotContains(t, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=deadline-soon]').textContent`), tx.ActServerError(), "%s: the failure's words gone", state)
			}
			failed(t, "choose")
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=choice]').click(), true)`)
			stateShown(t, tb, "form")
			failed(t, "form")
		})
	}
}
