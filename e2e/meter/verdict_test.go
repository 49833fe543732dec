package meter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/policy"
)

// TestOneVerdict: the meter shows one verdict and nothing it has not
// checked. An empty field has no red cross and no coloured bar; the total
// bar's colour follows the verdict (not the score alone); after the server
// refused the password in the field, the meter says so until the field
// changes.
func TestOneVerdict(t *testing.T) {
	tab := open(t, "/index.html")
	q := func(sel string) string { return meterJS + `.shadowRoot.querySelector(` + js(sel) + `)` }

	t.Run("empty", func(t *testing.T) {
		setValue(t, tab, "pw", "")
		chrome.Poll[bool](t, tab, q(".status")+`.textContent === "Skriv et passord."`)
		assert.Empty(t, shadowTexts(t, tab, ".rules li.unmet"), "no row is unmet before anything is typed")
		assert.Empty(t, shadowTexts(t, tab, ".rules li.met"), "and none met")
		assert.Equal(t, "total", chrome.Eval[string](t, tab, q(".total")+`.className`), "the bar has no verdict colour")
		assert.Equal(t, "status", chrome.Eval[string](t, tab, q(".status")+`.className`))
	})

	t.Run("score over the line but a rule broken", func(t *testing.T) {
		const pw = "Granskog!Lirype-Vadmel9-olanor"
		r := native(t, "uit", pw, "nb", nil)
		require.False(t, r.OK)
		require.GreaterOrEqual(t, r.Score, r.Threshold)
		setValue(t, tab, "pw", pw)
		chrome.Poll[bool](t, tab, q(".status.bad")+` !== null`)
		assert.Equal(t, "total bad", chrome.Eval[string](t, tab, q(".total")+`.className`), "red bar with a red verdict")
	})

	t.Run("server refusal", func(t *testing.T) {
		const pw = "Granskog!Lirype-Vadmel9"
		require.True(t, native(t, "uit", pw, "nb", nil).OK)
		setValue(t, tab, "pw", pw)
		chrome.Poll[bool](t, tab, q(".status.ok")+` !== null`)
		reused := policy.Message("nb", policy.RuleReused, []policy.Param{{Name: "history", Value: policy.ParamValue{Num: 5}}})
		chrome.Eval[bool](t, tab, meterJS+`.serverRefusal({violations: [{rule: "reused", params: {history: 5}, message: `+js(reused)+`}, {rule: "directory_complexity", message: "Katalogen krever noe annet."}]}), true`)
		assert.Equal(t, "Passordet oppfyller ikke kravene ennå.", chrome.Eval[string](t, tab, q(".status")+`.textContent`))
		assert.Equal(t, "total bad", chrome.Eval[string](t, tab, q(".total")+`.className`))
		assert.Contains(t, shadowTexts(t, tab, `.rules li.unmet[data-rule="reused"] .msg`), reused)
		assert.Contains(t, shadowTexts(t, tab, `.rules li.unmet[data-rule="server"] .msg`), "Katalogen krever noe annet.")
		assert.Empty(t, shadowTexts(t, tab, `.rules li.met`)[0:0])
		assert.Contains(t, chrome.AX(t, tab, `document.getElementById("pw")`).Description, reused)
		assert.NotContains(t, chrome.Eval[string](t, tab, q(".next")+`.hidden ? "" : `+q(".next")+`.textContent`), "Passordet oppfyller kravene.",
			"no next step that says yes after the server's no")
		// Another password: the meter judges it afresh.
		setValue(t, tab, "pw", pw+"x")
		chrome.Poll[bool](t, tab, q(".status.ok")+` !== null`)
		assert.Empty(t, shadowTexts(t, tab, ".rules li.unmet"))
	})
}

// TestWordsForEveryone: the meter's words need no knowledge of the score:
// the threshold is said once, no "bonus" jargon, the strength row says how
// many points are needed, and one line (opened on demand) says why later
// characters earn fewer points.
func TestWordsForEveryone(t *testing.T) {
	tab := open(t, "/index.html")
	cases := []struct {
		lang, pw, score, weak string
	}{
		{"nb", "Fjellvann-morgen", " poeng (32 trengs)", "Sterkt nok: minst 32 poeng"},
		{"nn", "Fjellvann-morgen", " poeng (32 trengst)", "Sterkt nok: minst 32 poeng"},
		{"en", "Fjellvann-morgen", " points (32 needed)", "Strong enough: at least 32 points"},
	}
	for _, tc := range cases {
		t.Run(tc.lang, func(t *testing.T) {
			chrome.Eval[bool](t, tab, meterJS+`.setAttribute("lang", `+js(tc.lang)+`), true`)
			setValue(t, tab, "pw", tc.pw)
			r := native(t, "uit", tc.pw, tc.lang, nil)
			want := policy.FormatNumber(r.Score, tc.lang) + tc.score
			chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".score").textContent === `+js(want))
			nums := chrome.Eval[string](t, tab, meterJS+`.shadowRoot.querySelector(".nums").innerText`)
			assert.NotContains(t, nums, "Bonus")
			assert.NotContains(t, nums, "grense")
			assert.NotContains(t, nums, "threshold")
			assert.Contains(t, shadowTexts(t, tab, `.rules li[data-rule="weak"]`)[0], tc.weak)
			why := shadowTexts(t, tab, "details.why summary")
			require.Len(t, why, 1)
			assert.NotEmpty(t, shadowTexts(t, tab, "details.why p"))
			assert.False(t, chrome.Eval[bool](t, tab, meterJS+`.shadowRoot.querySelector("details.why").open`), "closed until opened")
		})
	}
}
