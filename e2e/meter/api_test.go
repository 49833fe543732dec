package meter_test

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/policy"
)

func httptestClosedURL(t *testing.T) string {
	s := httptest.NewServer(nil)
	u := s.URL
	s.Close()
	return u
}

func TestAPIErrors(t *testing.T) {
	tab := open(t, "/index.html")
	cases := []struct{ name, call, code string }{
		{"no argument", `styrke.evaluate()`, "bad_input"},
		{"not an object", `styrke.evaluate("pw")`, "bad_input"},
		{"password not a string", `styrke.evaluate({password: 5})`, "bad_input"},
		{"username not a string", `styrke.evaluate({password: "x", username: {}})`, "bad_input"},
		{"birthDate not a string", `styrke.evaluate({password: "x", birthDate: 19850724})`, "bad_input"},
		{"birthDate not a date", `styrke.evaluate({password: "x", birthDate: "24.07.1985"})`, "bad_input"},
		{"birthDate of no such day", `styrke.verdict({password: "x", birthDate: "1985-02-30"})`, "bad_input"},
		{"phone not a string", `styrke.evaluate({password: "x", phone: 92456789})`, "bad_input"},
		{"negative breach count", `styrke.evaluate({password: "x", breachCount: -1})`, "bad_input"},
		{"policy of wrong type", `styrke.evaluate({password: "x", policy: 7})`, "bad_input"},
		{"unknown policy id", `styrke.evaluate({password: "x", policy: "nope"})`, "unknown_policy"},
		{"invalid policy", `styrke.evaluate({password: "x", policy: {id: "x", minLength: 2}})`, "invalid_policy"},
		{"unknown policy field", `styrke.evaluate({password: "x", policy: {id: "x", bogus: 1}})`, "invalid_policy"},
		{"problems of a number", `styrke.policyProblems(3)`, "bad_input"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := chrome.Eval[map[string]map[string]string](t, tab, tc.call)
			assert.Equal(t, tc.code, got["error"]["code"], "call %s", tc.call)
			assert.NotEmpty(t, got["error"]["message"])
		})
	}
	// The runtime is still alive.
	assert.Equal(t, true, chrome.Eval[bool](t, tab, `styrke.evaluate({password: "Et-langt-og-fint-passord-123"}).ok !== undefined`))
}

func TestPolicyProblems(t *testing.T) {
	tab := open(t, "/index.html")
	docs := []struct{ name, doc string }{
		{"valid", `{"id":"ok-policy"}`},
		{"limits", `{"id":"Bad Id","minLength":2,"maxLength":500,"threshold":0}`},
		{"not json", `{"id":`},
		{"unknown field", `{"id":"x","bogus":true}`},
		// Numbers in the module are parsed by JavaScript's Number
		// (policy/internal/floatconv): the same values, problems and
		// errors as strconv natively, in every spelling JSON allows.
		{"number out of range", `{"id":"x","threshold":1e400}`},
		{"negative number out of range", `{"id":"x","minGuessesLog10":-1.8e308}`},
		{"fraction with more digits than a float", `{"id":"x","threshold":-0.300000000000000044408920985006}`},
		{"halfway between two floats", `{"id":"x","threshold":9007199254740993}`},
		{"exponent spellings", `{"id":"x","threshold":0.10000000000000001E5,"minGuessesLog10":405e-1}`},
		{"rounds to the limit", `{"id":"x","minGuessesLog10":40.000000000000000001}`},
		{"just past the limit", `{"id":"x","minGuessesLog10":40.00000000000001}`},
		{"tiny", `{"id":"x","threshold":2.4703282292062328e-324,"minGuessesLog10":1e-400}`},
	}
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			want := []policy.Problem{}
			if _, err := policy.Parse([]byte(d.doc)); err != nil {
				var pe *policy.ProblemsError
				if errors.As(err, &pe) {
					want = pe.Problems
				} else {
					want = []policy.Problem{{Field: "", Message: err.Error()}}
				}
			}
			got := chrome.Eval[[]policy.Problem](t, tab, `styrke.policyProblems(`+js(d.doc)+`)`)
			if len(want) == 0 {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, want, got)
		})
	}
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","minLength":2}`), &obj))
	got := chrome.Eval[[]policy.Problem](t, tab, `styrke.policyProblems({id: "x", minLength: 2})`)
	assert.NotEmpty(t, got, "an object works like its JSON text")
}

// TestVerdict: verdict is evaluate without chars, for any input, errors
// included.
func TestVerdict(t *testing.T) {
	tab := open(t, "/index.html")
	inputs := []string{
		`{password: "Granskog!Lirype-Vadmel9", policy: "uit", lang: "en"}`,
		`{password: "sommer2024", username: "olanor", name: "Ola Nordmann"}`,
		`{password: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", policy: {id: "x", minLength: 12}, breachCount: 3, lang: "nn"}`,
		`{password: "ᚠᚢᚦ ÆØÅ 😀 e\u0301"}`,
		`{password: ""}`,
		`{password: 5}`,
		`{password: "x", policy: "nope"}`,
		`{password: "x", policy: {id: "x", minLength: 2}}`,
	}
	for _, in := range inputs {
		same := chrome.Eval[bool](t, tab, `(() => { const e = styrke.evaluate(`+in+`), v = styrke.verdict(`+in+`);
			delete e.chars; return JSON.stringify(e) === JSON.stringify(v) && !("chars" in v); })()`)
		assert.True(t, same, "verdict(%s) is evaluate without chars", in)
	}
	assert.Equal(t, "bad_input", chrome.Eval[string](t, tab, `styrke.verdict().error.code`))
}

// TestElementEvaluate: the element's evaluate() scores what the page's
// fields and attributes hold, as the render does (username from
// username-input, the name, date of birth, phone and policy attributes,
// the breach count once checked), and its result is the API's own.
func TestElementEvaluate(t *testing.T) {
	tab := open(t, "/index.html")
	const pw = "Passord-som-er-lekket-123"
	env.fake.add(pw, 2024)
	setValue(t, tab, "pw", pw)
	same := `(() => { const a = ` + meterJS + `.evaluate(), b = styrke.evaluate({password: ` + js(pw) + `, username: "olanor", name: "Ola Nordmann",
		birthDate: "1985-07-24", phone: "+47 924 56 789", policy: "uit", lang: "nb", breachCount: BREACH});
		return JSON.stringify(a) === JSON.stringify(b) })()`
	assert.True(t, chrome.Eval[bool](t, tab, strings.Replace(same, "BREACH", "null", 1)), "before the breach check")
	chrome.Eval[bool](t, tab, `document.getElementById("pw").focus(), document.getElementById("other").focus(), true`)
	chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelector(".breach").dataset.state === "found"`)
	assert.True(t, chrome.Eval[bool](t, tab, strings.Replace(same, "BREACH", "2024", 1)), "after the breach check")
	assert.Equal(t, "breached", chrome.Eval[string](t, tab, meterJS+`.evaluate().violations.at(-1).rule`))
}
