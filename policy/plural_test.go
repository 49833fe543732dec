package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSingulars: a count of 1 reads as one thing ("1 character", "1 digit",
// "once"), in every language; other counts keep the plural.
func TestSingulars(t *testing.T) {
	n := func(name string, v float64) Param { return Param{Name: name, Value: ParamValue{Num: v}} }
	s := func(name, v string) Param { return Param{Name: name, Value: ParamValue{Str: v, IsStr: true}} }
	cases := []struct {
		name, rule, lang string
		params           []Param
		want             string
	}{
		{"one disallowed en", RuleDisallowedCharacter, "en", []Param{n("count", 1)}, "The password contains 1 character that is not allowed."},
		{"two disallowed en", RuleDisallowedCharacter, "en", []Param{n("count", 2)}, "The password contains 2 characters that are not allowed."},
		{"one digit en", RuleMissingClass, "en", []Param{s("class", Digit), n("min", 1), n("have", 0)}, "The password must have at least 1 digit (it has 0)."},
		{"one digit nb", RuleMissingClass, "nb", []Param{s("class", Digit), n("min", 1), n("have", 0)}, "Passordet må ha minst 1 siffer (det har 0)."},
		{"one upper nn", RuleMissingClass, "nn", []Param{s("class", Upper), n("min", 1), n("have", 0)}, "Passordet må ha minst 1 stor bokstav (det har 0)."},
		{"two digits en", RuleMissingClass, "en", []Param{s("class", Digit), n("min", 2), n("have", 1)}, "The password must have at least 2 digits (it has 1)."},
		{"breached once en", RuleBreached, "en", []Param{n("count", 1)}, "The password has been seen once in breached password lists. Choose another."},
		{"breached once nb", RuleBreached, "nb", []Param{n("count", 1)}, "Passordet er funnet 1 gang i lekkede passordlister. Velg et annet."},
		{"history one en", RuleReused, "en", []Param{n("history", 1)}, "You have used this password before. Choose one other than the last."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Message(tc.lang, tc.rule, tc.params))
		})
	}
}

// TestFeedbackOneMore: one character short reads "1 more character".
func TestFeedbackOneMore(t *testing.T) {
	// 17 distinct lowercase letters: 4 + 7×2 + 9×1.5 = 31.5 of 32; the 18th
	// character brings it over.
	const pw = "kvhrzmxjgbnlpdtfs"
	res := Evaluate(Default(), Input{Password: pw, Lang: "en"})
	assert.Equal(t, 31.5, res.Score)
	assert.Contains(t, res.Feedback, "Type about 1 more character (a new one, not a repeat) to reach the threshold.")
}
