package site_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/site"
)

// inLang turns an activation link (nb path) into the same link on the
// activation page in lang.
func inLang(link, lang string) string {
	base, frag, _ := strings.Cut(link, "#")
	base = strings.TrimSuffix(base, site.Path(site.Activate, "nb"))
	return base + site.Path(site.Activate, lang) + "#" + frag
}

// submitForm fills both fields with password and presses the button until
// the server answers with something other than "too many attempts" (the
// per-link rate limit), then waits for the answer to show.
func submitForm(t *testing.T, tb *chrome.Tab, password string) {
	t.Helper()
	setValue(t, tb, "#new-password", password)
	setValue(t, tb, "#confirm-password", password)
	tooMany, _, _ := strings.Cut(site.Texts(chrome.Eval[string](t, tb, `document.documentElement.lang`)).ActTooMany, "{wait}")
	require.Eventually(t, func() bool {
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-errors]').replaceChildren(), document.querySelector('[data-testid=submit]').click(), true)`)
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null || document.querySelector('[data-testid=state-form]').hidden`)
		return !strings.HasPrefix(chrome.Eval[string](t, tb, `document.querySelector('[data-errors]').textContent`), tooMany)
	}, 20*time.Second, 50*time.Millisecond, "the link's rate limit never let the submit through")
}

// failByAPI makes one failed complete through the API (as another tab
// would), waiting out the per-link rate limit, and returns attemptsLeft.
func (b *backend) failByAPI(t *testing.T, link string) int {
	t.Helper()
	_, token, _ := strings.Cut(link, "#/pw/")
	body, _ := json.Marshal(map[string]string{"token": token, "password": "kort"})
	var left int
	require.Eventually(t, func() bool {
		res, err := http.Post(b.base+"/api/activation/complete", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		defer res.Body.Close()
		if res.StatusCode == http.StatusTooManyRequests {
			return false
		}
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
		var out struct {
			AttemptsLeft int `json:"attemptsLeft"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		left = out.AttemptsLeft
		return true
	}, 20*time.Second, 50*time.Millisecond)
	return left
}

func visible(t *testing.T, tb *chrome.Tab, testid string) bool {
	t.Helper()
	return chrome.Eval[bool](t, tb, `(() => { const e = document.querySelector('[data-testid=`+testid+`]'); return !!e && !e.hidden && !e.closest('[hidden]'); })()`)
}

func text(t *testing.T, tb *chrome.Tab, testid string) string {
	t.Helper()
	return chrome.Eval[string](t, tb, `document.querySelector('[data-testid=`+testid+`]').textContent`)
}

// TestActivationDonePageIsTrue: the done page says what happened and
// nothing more: without a directory it does not say "You can now log in",
// and it says whether the breach check ran (prefer institution, service
// up and down).
func TestActivationDonePageIsTrue(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startBackend(t)
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	for _, tc := range []struct {
		name, lang string
		down       bool
		shown      string
	}{
		{"checked nb", "nb", false, "breach-checked"},
		{"unchecked en", "en", true, "breach-unchecked"},
		{"unchecked nn", "nn", true, "breach-unchecked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := site.Texts(tc.lang)
			tb := openForm(t, inLang(b.activation(t, "kari-"+tc.lang, "Kari Nordmann", "default"), tc.lang), 375)
			b.breachDown.Store(tc.down)
			defer b.breachDown.Store(false)
			// A password per case: the server caches range answers.
			submitForm(t, tb, good+" "+tc.lang)
			_, err := chrome.PollErr[bool](tb, `!document.querySelector('[data-testid=state-done]').hidden`, chrome.DefaultTimeout)
			require.NoError(t, err, "state %v, errors %v", visibleState(t, tb), errorTexts(t, tb))
			assert.True(t, visible(t, tb, "done-none"), "no directory: the honest text")
			assert.Equal(t, tx.ActDoneNoDirectory(), text(t, tb, "done-none"))
			assert.False(t, visible(t, tb, "done-directory"), "no 'you can now log in' without a directory")
			assert.NotContains(t, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-done]').innerText`), tx.ActDoneDirectory())
			assert.True(t, visible(t, tb, tc.shown))
			for _, other := range []string{"breach-checked", "breach-unchecked"} {
				if other != tc.shown {
					assert.False(t, visible(t, tb, other))
				}
			}
			assert.False(t, visible(t, tb, "login-link"), "no login link without a directory")
		})
	}
}

// TestActivationLockedAndAttempts: with three attempts left the page warns
// how many; the last refusal and a reload of the link say the link is
// locked and what to do (not "expired"). A password the server alone found
// in breaches is not counted, and the meter above shows the server's no.
func TestActivationLockedAndAttempts(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startBackend(t)
	link := b.activation(t, "kari7", "Kari Nordmann", "default")
	tx := site.Texts("nb")
	tb := openForm(t, link, 375)

	// Breached: refused by the server, not counted, the meter agrees (its
	// own check asks the same server's range, which finds it too).
	const breached = "Fjellbekk-Sommer!Grønn 42 Lys"
	b.breach(breached, 7)
	submitForm(t, tb, breached)
	uit, err := policy.Lookup("default")
	require.NoError(t, err)
	n := 7
	want := policy.Evaluate(uit, policy.Input{Password: breached, Username: "kari7", Name: "Kari Nordmann", Lang: "nb", BreachCount: &n})
	require.Equal(t, policy.RuleBreached, want.Violations[0].Rule)
	assert.Equal(t, []string{want.Violations[0].Message}, errorTexts(t, tb))
	assert.False(t, visible(t, tb, "attempts"), "no warning: nothing was counted")
	meter := `document.querySelector('styrke-meter').shadowRoot`
	chrome.Poll[bool](t, tb, meter+`.querySelector('.rules li.unmet[data-rule="breached"]') !== null`)
	assert.Equal(t, "Passordet oppfyller ikke kravene ennå.", chrome.Eval[string](t, tb, meter+`.querySelector('.status').textContent`), "one verdict on the page")
	assert.Equal(t, "total bad", chrome.Eval[string](t, tb, meter+`.querySelector('.total').className`))
	// Nothing else in the meter says yes, or that the check is still to
	// come: its next step was "The password meets the requirements", and
	// its breach line "could not check ... tries again when you submit".
	assert.NotContains(t, chrome.Eval[string](t, tb, meter+`.querySelector('.next').hidden ? '' : `+meter+`.querySelector('.next').textContent`),
		"Passordet oppfyller kravene.", "the next steps after the server's no")
	chrome.Poll[bool](t, tb, meter+`.querySelector('.breach').textContent === "Funnet 7 ganger i lekkede passordlister."`)

	for range server.MaxFailures - 4 {
		b.failByAPI(t, link)
	}
	submitForm(t, tb, "kort") // the 7th counted failure: 3 left
	assert.True(t, visible(t, tb, "attempts"))
	assert.Equal(t, strings.Replace(tx.ActAttemptsLeft(), "{n}", "3", 1), text(t, tb, "attempts"))
	require.Equal(t, 2, b.failByAPI(t, link))
	submitForm(t, tb, "kort2") // 1 left
	assert.Equal(t, tx.ActAttemptLeft(), text(t, tb, "attempts"))

	setValue(t, tb, "#new-password", "kort3")
	setValue(t, tb, "#confirm-password", "kort3")
	require.Eventually(t, func() bool {
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-errors]').replaceChildren(), document.querySelector('[data-testid=submit]').click(), true)`)
		s, err := chrome.PollErr[bool](tb, `!document.querySelector('[data-testid=state-locked]').hidden`, 2*time.Second)
		return err == nil && s
	}, 20*time.Second, 50*time.Millisecond)
	assert.Equal(t, []string{"locked"}, visibleState(t, tb))
	assert.Equal(t, tx.ActLocked(), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-locked] p').textContent`))

	// Opening the link again: locked, not expired.
	tb2 := activationTab(t)
	run(t, tb2, chromedp.Navigate(link))
	chrome.Poll[bool](t, tb2, `!document.querySelector('[data-testid=state-locked]').hidden`)
	assert.Equal(t, []string{"locked"}, visibleState(t, tb2))
}

// TestActivationDescribedAndTold: on the site, the password field's
// computed description (Chromium's accessibility tree) carries the
// account's length rule, a pointer to the other rules and the reasons, in
// every language; the footer names the rules
// of the account's institution, not the default ones; a whitelist's
// refused characters are named in the page.
func TestActivationDescribedAndTold(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startBackend(t)
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			tb := openForm(t, inLang(b.activation(t, "kari7", "Kari Fjord", "utfjord"), lang), 375)
			const pw = "Hei på deg 🙂"
			setValue(t, tb, "#new-password", pw)
			p, err := policy.Lookup("utfjord")
			require.NoError(t, err)
			res := policy.Evaluate(p, policy.Input{Password: pw, Username: "kari7", Name: "Kari Fjord", Lang: lang})
			chrome.Poll[bool](t, tb, `document.querySelector('styrke-meter').shadowRoot.querySelector('.rules li.unmet') !== null`)
			desc := chrome.AX(t, tb, `document.getElementById('new-password')`).Description
			// The account's length rule and a pointer to the others, not the
			// whole rules box (about 600 characters at every focus).
			pv := site.NewPolicyView(p)
			assert.True(t, strings.HasPrefix(desc, tx.RuleLength(pv)+" "+tx.ActRulesMore), "the field's description: %q", desc)
			assert.NotContains(t, desc, tx.ActRulesTitle)
			assert.NotContains(t, desc, tx.RuleScore(pv))
			for _, v := range res.Violations {
				assert.Contains(t, desc, v.Message, "rule %s", v.Rule)
			}
			assert.True(t, visible(t, tb, "not-allowed"))
			got := text(t, tb, "not-allowed")
			assert.Contains(t, got, "«"+tx.ActSpace()+"»")
			assert.Contains(t, got, "«🙂»")
			assert.NotContains(t, got, "«å»", "å is a lowercase letter, which utfjord allows")

			foot := chrome.Eval[string](t, tb, `document.querySelector('[data-footer-policy]').textContent`)
			assert.Equal(t, tx.PolicyLabel(site.NewPolicyView(p)), foot)
			assert.True(t, visible(t, tb, "account-institution"))
		})
	}
	t.Run("default rules name no institution", func(t *testing.T) {
		tb := openForm(t, b.activation(t, "kari7", "Kari Nordmann", "default"), 375)
		assert.False(t, visible(t, tb, "account-institution"), "no 'Institution: Felles IAM'")
	})
}
