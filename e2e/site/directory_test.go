package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/site"
)

// startDirectory starts a throwaway directory (dirtest.StartSamba or
// dirtest.StartSlapd) for t, and returns it with the flags that make
// `styrke serve` set passwords there.
func startDirectory(t *testing.T, start func(context.Context) (*dirtest.Server, error)) (*dirtest.Server, []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), dirtest.StartTimeout)
	defer cancel()
	s, err := start(ctx)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	flags, err := s.Flags(t.TempDir())
	require.NoError(t, err)
	return s, flags
}

// TestActivationSetsADPassword: the activation page against a real Samba AD
// DC. The success state appears only after the directory took the password
// (while the directory is down the page says so in a state of its own, and
// its "Try again" then sets the password typed with the same link); a
// password AD's complexity refuses is shown in the page's language;
// afterwards the person binds to AD with the new password.
func TestActivationSetsADPassword(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	ad, flags := startDirectory(t, dirtest.StartSamba)
	// Windows Server's default domain policy (complexity on, 24 passwords
	// remembered: the default policy remembers 5), with a least length of
	// 20 (the default policy's score is reached at 16 at the shortest).
	domain := dirtest.WindowsDefaultPolicy
	domain.MinLength = 20
	ad.SetDomainPolicy(t, domain)
	b := startBackend(t, append(flags, "--directory-birthdate-attribute", "employeeNumber")...)
	const initial = "Initial!Passw0rd-2026"
	dn, err := ad.CreateUser("ola042", initial)
	require.NoError(t, err)
	require.NoError(t, ad.SetAttributes(dn, map[string]string{"employeeNumber": "19850724"}))
	link := b.activation(t, "ola042", "Ola Nordmann", "default")
	en := link[:len(b.base)] + "/en/activate/" + link[len(b.base)+len("/aktiver/"):]
	tb := openForm(t, en, 1280)

	t.Run("the meter knows the directory's date of birth", func(t *testing.T) {
		unmet := `[...document.querySelector('[data-testid=meter]').shadowRoot.querySelectorAll('.rules li.unmet .msg')].some(e => e.textContent === ` + jsString(policy.Message("en", policy.RuleBirthDate, nil)) + `)`
		setValue(t, tb, "#new-password", "Fjellbekk-Sommer!24.07.85")
		chrome.Poll[bool](t, tb, unmet)
		setValue(t, tb, "#new-password", "Fjellbekk-Sommer!Grønn 42 Lys")
		chrome.Poll[bool](t, tb, "!"+unmet)
	})

	submit := func(password string) {
		t.Helper()
		setValue(t, tb, "#new-password", password)
		setValue(t, tb, "#confirm-password", password)
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-errors]').replaceChildren(), document.querySelector('[data-testid=submit]').click(), true)`)
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null || !document.querySelector('[data-testid=state-done]').hidden`)
	}

	const lower = "fjellbekk lyngmo kvitveis dragsug brakkvann" // lower case and spaces only (Styrke accepts it: 10^31.7)
	const lacks = "The directory you log in with requires characters of at least three kinds. Add two of these: an uppercase letter, a digit or a special character."
	// refusedHere: the page's error list says only lacks, and no request
	// went to path: the directory's rule was said before a submit.
	refusedHere := func(t *testing.T, tb *chrome.Tab, path string) {
		t.Helper()
		chrome.Poll[bool](t, tb, `document.querySelector('[data-errors] li') !== null`)
		assert.Equal(t, []string{lacks}, errorTexts(t, tb))
		assert.Equal(t, 0, chrome.Eval[int](t, tb, `performance.getEntriesByType('resource').filter((e) => e.name.endsWith(`+jsString(path)+`)).length`))
	}
	t.Run("AD's complexity listed, and said before a submit, in English", func(t *testing.T) {
		// Listed in the rules box, from the directory's own settings
		// (Windows' defaults), beside the policy's rules.
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=directory-rules]').hidden`)
		assert.True(t, visible(t, tb, "directory-rules"))
		en := site.Texts("en")
		assert.Equal(t, []string{en.DirKinds(), "At least 20 characters.", "Not one of the last 24 passwords you have used."},
			chrome.Eval[[]string](t, tb, `[...document.querySelectorAll('[data-directory-rule]')].filter((e) => !e.hidden).map((e) => e.textContent)`))
		// The directory's history in place of the policy's "last 5".
		assert.False(t, chrome.Eval[bool](t, tb, `[...document.querySelectorAll('[data-rule=history]')].some((e) => !e.hidden && !e.closest('[hidden]'))`))
		// In the meter's verdict, as the directory's refusal would be (it
		// said "meets the requirements"), once the password is as long as
		// the policy's least length (before, the meter says it is short);
		// the line under the field is for a page without a meter.
		said := `[...document.querySelector('[data-testid=meter]').shadowRoot.querySelectorAll('.rules li.unmet .msg')].map((e) => e.textContent)`
		setValue(t, tb, "#new-password", "fjellbekk")
		assert.NotContains(t, chrome.Eval[[]string](t, tb, said), lacks)
		setValue(t, tb, "#new-password", lower)
		chrome.Poll[bool](t, tb, said+`.includes(`+jsString(lacks)+`)`)
		setValue(t, tb, "#new-password", "Fjellbekk lyngmo kvitveis dragsug brakkvann")
		chrome.Poll[bool](t, tb, said+`.includes("The directory you log in with requires characters of at least three kinds. Add a digit or a special character.")`)
		setValue(t, tb, "#new-password", "Fjellbekk lyngmo kvitveis dragsug 2026")
		chrome.Poll[bool](t, tb, `!`+said+`.some((m) => m.startsWith("The directory"))`)
		chrome.Poll[bool](t, tb, `document.querySelector("[data-testid=meter]").shadowRoot.querySelector(".status").textContent === "The password meets the requirements."`)
		assert.False(t, visible(t, tb, "directory-hint"))

		// A submit says it in the page's words and sends nothing: the
		// directory's refusal came after a round trip.
		submit(lower)
		refusedHere(t, tb, "/api/activation/complete")
		assert.Equal(t, en.ActRejectedBelow(), chrome.Eval[string](t, tb, `document.getElementById('new-password-error').textContent`), "the field points to the list, as for the server's refusal")
		assert.Contains(t, chrome.Eval[[]string](t, tb, said), lacks)
		assert.Equal(t, "true", chrome.Eval[string](t, tb, `document.getElementById('new-password').getAttribute('aria-invalid')`))
		assert.Equal(t, []string{"form"}, visibleState(t, tb))

		// The directory's least length, in the meter and at a submit.
		const short = "The directory you log in with requires at least 20 characters."
		setValue(t, tb, "#new-password", "Kx9#mQ2$vL7!pR4&") // 16 code points of four kinds
		chrome.Poll[bool](t, tb, said+`.includes(`+jsString(short)+`)`)
		submit("Kx9#mQ2$vL7!pR4&")
		assert.Equal(t, []string{short}, errorTexts(t, tb))
		// With the policy's own reasons first: a password too short for
		// both was told only what the directory lacks.
		submit("sommersommer2026")
		texts := errorTexts(t, tb)
		require.Greater(t, len(texts), 2, "%q", texts)
		assert.Equal(t, []string{short, "The directory you log in with requires characters of at least three kinds. Add an uppercase letter or a special character."}, texts[len(texts)-2:])
		assert.Equal(t, 0, chrome.Eval[int](t, tb, `performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/activation/complete')).length`))
		ok, err := ad.CanBind(dn, initial)
		require.NoError(t, err)
		assert.True(t, ok, "nothing set")
	})

	t.Run("without the meter, the line under the field says it", func(t *testing.T) {
		// The meter's WebAssembly cannot load: it shows no verdict.
		_, err := ad.CreateUser("nils042", initial)
		require.NoError(t, err)
		tn := blockedTab(t, b.activation(t, "nils042", "Nils Nordmann", "default"), "*://*:*/assets/*.wasm")
		chrome.Poll[bool](t, tn, `!!document.querySelector('styrke-meter')._failed && !document.querySelector('[data-testid=directory-rules]').hidden`)
		nb := site.Texts("nb")
		want := strings.NewReplacer("{missing}", nb.DirNeed(2)+" "+nb.DirKind("upper")+", "+nb.DirKind("digit")+nb.DirOr()+nb.DirKind("special")).Replace(nb.DirKindsMissing())
		setValue(t, tn, "#new-password", lower)
		assert.Equal(t, want, text(t, tn, "directory-hint"))
		assert.True(t, visible(t, tn, "directory-hint"))
		assert.Contains(t, chrome.Eval[string](t, tn, `document.getElementById('new-password').getAttribute('aria-describedby')`), "directory-hint")
		setValue(t, tn, "#new-password", "Fjellbekk lyngmo kvitveis dragsug 2026")
		assert.False(t, visible(t, tn, "directory-hint"))
	})

	t.Run("the page reads AD's kinds as the server does", func(t *testing.T) {
		words := []string{"", "fjellbekk lyngmo", "Fjellbekk lyngmo", "FJELLBEKK~2", "fjellbekk€lyngmo2026", "fjellbekk\u00a0lyngmo",
			"ФЖЛДЫфжлдыы", "fjellbekk漢字", "ǅ", "٣", "½²", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "Ææ Øø Åå 0 9", "😀", "\t\n"}
		want := make([][]string, len(words))
		for i, w := range words {
			k := directory.ADKinds(w)
			want[i] = []string{}
			for _, n := range []struct {
				bit  directory.ADKind
				name string
			}{{directory.ADDigit, "digit"}, {directory.ADLetter, "letter"}, {directory.ADLower, "lower"}, {directory.ADSpecial, "special"}, {directory.ADUpper, "upper"}} {
				if k&n.bit != 0 {
					want[i] = append(want[i], n.name)
				}
			}
		}
		assert.Equal(t, want, chrome.Eval[[][]string](t, tb, ``+jsString(strings.Join(words, "\x00"))+`.split('\0').map((w) => [...styrkeForm.adKinds(w)].sort())`))
	})

	t.Run("an account under a fine-grained policy Styrke may not read", func(t *testing.T) {
		// The domain's rules are not this account's: the box says that
		// the directory has rules of the account's own, in place of
		// listing and checking the domain's.
		pdn, err := ad.CreateUser("siri042", initial)
		require.NoError(t, err)
		_, err = ad.AccountPolicy(pdn, 0, 0, map[string]string{"msDS-MinimumPasswordLength": "24"})
		require.NoError(t, err)
		tp := openForm(t, b.activation(t, "siri042", "Siri Nordmann", "default"), 375)
		chrome.Poll[bool](t, tp, `!document.querySelector('[data-testid=directory-rules]').hidden`)
		assert.Equal(t, []string{site.Texts("nb").DirOwnUnread()},
			chrome.Eval[[]string](t, tp, `[...document.querySelectorAll('[data-directory-rule]')].filter((e) => !e.hidden).map((e) => e.textContent)`))
		assert.False(t, visible(t, tp, "directory-rules") && chrome.Eval[bool](t, tp, `!document.querySelector('[data-directory-lead]').hidden`), "said in place of the lead, which no rule follows")
		assert.True(t, chrome.Eval[bool](t, tp, `[...document.querySelectorAll('[data-policy-id=default] [data-rule=history]')].every((e) => !e.hidden)`), "the policy's history stays")
		assert.Zero(t, chrome.Eval[int](t, tp, `styrkeForm.directoryUnmet(document, `+jsString(lower)+`).length`), "the domain's complexity is not checked for this account")
	})

	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	t.Run("directory down: no success, the link survives", func(t *testing.T) {
		ad.Stop()
		setValue(t, tb, "#new-password", good)
		setValue(t, tb, "#confirm-password", good)
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-errors]').replaceChildren(), document.querySelector('[data-testid=submit]').click(), true)`)
		stateShown(t, tb, "directorydown")
		restart, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		require.NoError(t, ad.Start(restart))
		assert.Equal(t, []string{"directorydown"}, visibleState(t, tb))
		ok, err := ad.CanBind(dn, initial)
		require.NoError(t, err)
		assert.True(t, ok, "AD still has the old password")
	})

	t.Run("accepted: done only after AD took it", func(t *testing.T) {
		// "Try again" sends what was typed while AD was down.
		chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=directory-retry]').click(), true)`)
		stateShown(t, tb, "done")
		assert.Equal(t, []string{"done"}, visibleState(t, tb))
		assert.True(t, visible(t, tb, "done-directory"), "the password reached AD: the page says the person can log in")
		assert.False(t, visible(t, tb, "done-none"))
		ok, err := ad.CanBind(dn, good)
		require.NoError(t, err)
		assert.True(t, ok, "the new password binds to AD")
		ok, err = ad.CanBind(dn, initial)
		require.NoError(t, err)
		assert.False(t, ok, "the old one does not")
	})

	t.Run("a disabled account: set, but the page does not say log in", func(t *testing.T) {
		dn, err := ad.CreateUser("kari042", initial)
		require.NoError(t, err)
		require.NoError(t, ad.SetAttributes(dn, map[string]string{"userAccountControl": "514"}))
		link := b.activation(t, "kari042", "Kari Nordmann", "default")
		tb := openForm(t, link[:len(b.base)]+"/en/activate/"+link[len(b.base)+len("/aktiver/"):], 375)
		submitPassword(t, tb, good)
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden`)
		assert.True(t, visible(t, tb, "done-disabled"), "the page says the account is not enabled")
		assert.Equal(t, site.Texts("en").DoneDisabled(), chrome.Eval[string](t, tb, `document.querySelector('[data-testid=done-disabled]').textContent`))
		assert.False(t, visible(t, tb, "done-directory"), "not \"you can now log in\"")
		assert.False(t, visible(t, tb, "login-link"))
		require.NoError(t, ad.SetAttributes(dn, map[string]string{"userAccountControl": "512"}))
		ok, err := ad.CanBind(dn, good)
		require.NoError(t, err)
		assert.True(t, ok, "the password was set, and works once the account is enabled")
	})

	t.Run("a disabled account's reset: set, but the page does not say log in", func(t *testing.T) {
		rb := startResetBackend(t, true, append(flags, "--login-url", "https://login.example.org/")...)
		rb.importCSV(t, "username,name,institution,identity number\nper042,Per Hansen,default,"+e2ePidOla+"\n")
		dn, err := ad.CreateUser("per042", initial)
		require.NoError(t, err)
		require.NoError(t, ad.SetAttributes(dn, map[string]string{"userAccountControl": "514"}))
		tb := rb.tab(t)
		signInAt(t, tb, rb, "/en/forgot/", e2ePidOla, "idporten-loa-substantial")
		stateShown(t, tb, "form")
		// The reset page lists AD's complexity and says it before a submit.
		chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=directory-rules]').hidden`)
		submitPassword(t, tb, lower)
		refusedHere(t, tb, "/api/reset/complete")
		submitPassword(t, tb, good)
		stateShown(t, tb, "done")
		assert.True(t, visible(t, tb, "reset-done-disabled"), "the page says the account is not enabled")
		assert.False(t, visible(t, tb, "reset-done"), "not \"you can log in now\"")
		assert.False(t, visible(t, tb, "login-link"), "no login link for a disabled account")
		require.NoError(t, ad.SetAttributes(dn, map[string]string{"userAccountControl": "512"}))
		ok, err := ad.CanBind(dn, good)
		require.NoError(t, err)
		assert.True(t, ok, "the password was set")

		// An enabled account's reset links to the login page (--login-url),
		// as an activation does: the done page had no way on.
		rb.importCSV(t, "username,name,institution,identity number\nsiv042,Siv Hansen,default,"+e2ePidTest+"\n")
		_, err = ad.CreateUser("siv042", initial)
		require.NoError(t, err)
		tb2 := rb.tab(t)
		signInAt(t, tb2, rb, "/en/forgot/", e2ePidTest, "idporten-loa-substantial")
		stateShown(t, tb2, "form")
		submitPassword(t, tb2, good)
		stateShown(t, tb2, "done")
		assert.True(t, visible(t, tb2, "login-link"))
		assert.Equal(t, "https://login.example.org/", chrome.Eval[string](t, tb2, `document.querySelector('[data-testid=state-done] [data-testid=login-link]').href`))
	})
	t.Run("the change page lists AD's complexity and says it before a submit", func(t *testing.T) {
		tc := resetTabIn(t, env.browser)
		run(t, tc, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+"/en/change/"))
		stateShown(t, tc, "form")
		chrome.Poll[bool](t, tc, `!document.querySelector('[data-testid=directory-rules]').hidden`)
		setValue(t, tc, "#username", "ola042")
		setValue(t, tc, "#current-password", good)
		submitPassword(t, tc, lower)
		refusedHere(t, tc, "/api/change")
		assert.Empty(t, tc.Errors())
	})
	run(t, tb, chromedp.Navigate("about:blank"))
	assert.Empty(t, tb.Errors())
}
