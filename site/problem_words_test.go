package site

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy"
)

// everyProblem returns a message of every kind policy.Problems gives: a
// policy broken in each field it checks.
func everyProblem(t *testing.T) []policy.Problem {
	t.Helper()
	var all []policy.Problem
	add := func(change func(p *policy.Policy)) {
		p := policy.Default()
		p.Score.Tiers = append([]policy.Tier(nil), p.Score.Tiers...)
		p.Score.Bonus = append([]policy.BonusRule(nil), p.Score.Bonus...)
		change(&p)
		probs := p.Problems()
		require.NotEmpty(t, probs, "a broken policy has a problem")
		all = append(all, probs...)
	}
	add(func(p *policy.Policy) { p.ID = "" })
	add(func(p *policy.Policy) { p.ID = "Not an id!" })
	add(func(p *policy.Policy) { p.ID = "test inst" })
	add(func(p *policy.Policy) { p.ID = strings.Repeat("x", policy.MaxIDLength+1) })
	add(func(p *policy.Policy) { p.Name = strings.Repeat("x", policy.MaxNameLength+1) })
	add(func(p *policy.Policy) { p.ContextWords = make([]string, policy.MaxContextWords+1) })
	add(func(p *policy.Policy) { p.ContextWords = []string{"ab"} })
	add(func(p *policy.Policy) { p.MinLength = 0 })
	add(func(p *policy.Policy) { p.MaxLength = policy.MaxMaxLength + 1 })
	add(func(p *policy.Policy) { p.MinLength, p.MaxLength = policy.MaxMaxLength, policy.MinMaxLength })
	add(func(p *policy.Policy) { p.Threshold = 0 })
	add(func(p *policy.Policy) { p.MinGuessesLog10 = 1 })
	add(func(p *policy.Policy) { p.HistorySize = -1 })
	add(func(p *policy.Policy) { p.BreachThreshold = 0 })
	add(func(p *policy.Policy) { p.BreachCheck = "sometimes" })
	add(func(p *policy.Policy) { p.ActivationTTL = "soon" })
	add(func(p *policy.Policy) { p.ActivationTTL = "1m" })
	add(func(p *policy.Policy) { p.Score.Tiers = nil })
	add(func(p *policy.Policy) { p.Score.Tiers[0].From = 2 })
	add(func(p *policy.Policy) { p.Score.Tiers = append(p.Score.Tiers, policy.Tier{From: 1, Points: 1}) })
	add(func(p *policy.Policy) {
		p.Score.Tiers = append(p.Score.Tiers, policy.Tier{From: policy.MaxMaxLength + 1, Points: 1})
	})
	add(func(p *policy.Policy) { p.Score.Tiers[0].Points = -1 })
	add(func(p *policy.Policy) { p.Score.OccurrenceLimit = -1 })
	add(func(p *policy.Policy) { p.Score.Categories = "latin" })
	add(func(p *policy.Policy) { p.Score.Bonus = make([]policy.BonusRule, policy.MaxBonusRules+1) })
	add(func(p *policy.Policy) { p.Score.Bonus = []policy.BonusRule{{Points: -1, Categories: 5, MinEach: 0}} })
	add(func(p *policy.Policy) { p.AllowedCharacters = &policy.AllowedCharacters{} })
	add(func(p *policy.Policy) {
		p.AllowedCharacters = &policy.AllowedCharacters{Classes: []string{"emoji"}, Extra: "\xff"}
	})
	add(func(p *policy.Policy) { p.RequiredClasses = map[string]int{"emoji": 1, "upper": -1} })
	add(func(p *policy.Policy) { p.RequiredClasses = map[string]int{"upper": 100, "lower": 100} })
	add(func(p *policy.Policy) {
		p.AllowedCharacters = &policy.AllowedCharacters{Classes: []string{"lower"}}
		p.RequiredClasses = map[string]int{"special": 1}
	})
	return all
}

// TestProblemWordsCoverEveryProblem: the designer says every problem the
// engine finds in Bokmål and Nynorsk, values and limits kept, no English
// left (it showed "Minste lengde: is 0; want 8 to 127" on the Norwegian
// pages); each pattern is used, and the patterns compile (they run as
// JavaScript regular expressions too: no syntax beyond what both share).
func TestProblemWordsCoverEveryProblem(t *testing.T) {
	probs := everyProblem(t)
	used := make([]bool, len(problemWords))
	english := regexp.MustCompile(`\b(want|is|has|characters|allows|below|tier|rules|words|least|most)\b`)
	for _, lang := range []string{"nb", "nn"} {
		var pairs [][2]string
		require.NoError(t, json.Unmarshal([]byte(Texts(lang).DesProblemWords()), &pairs))
		for _, pr := range probs {
			said, values := "", []string(nil)
			for i, pw := range pairs {
				re := regexp.MustCompile(pw[0])
				if g := re.FindStringSubmatch(pr.Message); g != nil {
					used[i], values = true, g[1:]
					said = regexp.MustCompile(`\{(\d)\}`).ReplaceAllStringFunc(pw[1], func(s string) string { return g[s[1]-'0'] })
					break
				}
			}
			if !assert.NotEmpty(t, said, "%s: %s: %q has no wording", lang, pr.Field, pr.Message) {
				continue
			}
			assert.NotRegexp(t, english, said, "%s: %q", lang, pr.Message)
			assert.NotContains(t, said, "{", "%s: %q", lang, pr.Message)
			for _, v := range values {
				assert.Contains(t, said, v, "%s: %q keeps its values", lang, pr.Message)
			}
		}
	}
	for i, u := range used {
		assert.True(t, u, "pattern %q matches no problem the engine gives", problemWords[i][0])
	}
	assert.Equal(t, "[]", Texts("en").DesProblemWords(), "English: the engine's own words")
}
