package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmbeddedPoliciesValid(t *testing.T) {
	ids := Institutions()
	require.Contains(t, ids, "default")
	require.Contains(t, ids, "uio")
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			p, err := Lookup(id)
			require.NoError(t, err)
			assert.Empty(t, p.Problems())
			assert.Equal(t, id, p.ID, "file name and id agree")
			assert.Len(t, p.Version(), 12)
		})
	}
	d := Default()
	assert.Equal(t, 16, d.MinLength)
	assert.Equal(t, 127, d.MaxLength)
	assert.Equal(t, 32.0, d.Threshold)
	assert.Equal(t, 5, d.HistorySize)
	assert.Equal(t, 1, d.BreachThreshold)
	assert.Equal(t, DefaultScoreRules(), d.Score)
}

// TestProblemsEachField: each broken field is reported with its JSON path.
func TestProblemsEachField(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *Policy)
		field  string
	}{
		{"empty id", func(p *Policy) { p.ID = "" }, "id"},
		{"id with a slash", func(p *Policy) { p.ID = "../x" }, "id"},
		{"minLength below 8", func(p *Policy) { p.MinLength = 7 }, "minLength"},
		{"maxLength below 64", func(p *Policy) { p.MaxLength = 63 }, "maxLength"},
		{"maxLength above AD's 127", func(p *Policy) { p.MaxLength = 128 }, "maxLength"},
		{"maxLength below minLength", func(p *Policy) { p.MinLength = 100; p.MaxLength = 90 }, "maxLength"},
		{"threshold zero", func(p *Policy) { p.Threshold = 0 }, "threshold"},
		{"minGuessesLog10 negative", func(p *Policy) { p.MinGuessesLog10 = -1 }, "minGuessesLog10"},
		{"minGuessesLog10 above 40", func(p *Policy) { p.MinGuessesLog10 = 41 }, "minGuessesLog10"},
		// The common list is pruned against the default (gencommon): below
		// it, list passwords the estimator stands in for would pass.
		{"minGuessesLog10 below the default", func(p *Policy) { p.MinGuessesLog10 = DefaultMinGuessesLog10 - 0.5 }, "minGuessesLog10"},
		{"historySize negative", func(p *Policy) { p.HistorySize = -1 }, "historySize"},
		{"historySize above 24", func(p *Policy) { p.HistorySize = 25 }, "historySize"},
		{"breachThreshold zero", func(p *Policy) { p.BreachThreshold = 0 }, "breachThreshold"},
		{"breachCheck unknown", func(p *Policy) { p.BreachCheck = "maybe" }, "breachCheck"},
		{"activationTTL not a duration", func(p *Policy) { p.ActivationTTL = "3 days" }, "activationTTL"},
		{"activationTTL too long", func(p *Policy) { p.ActivationTTL = "9000h" }, "activationTTL"},
		{"context word too short", func(p *Policy) { p.ContextWords = []string{"ab"} }, "contextWords[0]"},
		// Three code points, none of which a password's folding keeps: the
		// word matched nothing, silently.
		{"context word of invisible characters", func(p *Policy) { p.ContextWords = []string{"sikt", "\u200b\u200d\u00ad"} }, "contextWords[1]"},
		{"context word of two letters once folded", func(p *Policy) { p.ContextWords = []string{"u\u200bi"} }, "contextWords[0]"},
		{"no tiers", func(p *Policy) { p.Score.Tiers = []Tier{} }, "score.tiers"},
		{"first tier not at 1", func(p *Policy) { p.Score.Tiers = []Tier{{From: 2, Points: 1}} }, "score.tiers[0].from"},
		{"tiers out of order", func(p *Policy) { p.Score.Tiers = []Tier{{From: 1, Points: 1}, {From: 1, Points: 2}} }, "score.tiers[1].from"},
		{"negative points", func(p *Policy) { p.Score.Tiers = []Tier{{From: 1, Points: -1}} }, "score.tiers[0].points"},
		{"occurrenceLimit negative", func(p *Policy) { p.Score.OccurrenceLimit = -1 }, "score.occurrenceLimit"},
		{"categories unknown", func(p *Policy) { p.Score.Categories = "emoji" }, "score.categories"},
		{"bonus categories 5", func(p *Policy) { p.Score.Bonus = []BonusRule{{Points: 1, Categories: 5, MinEach: 1}} }, "score.bonus[0].categories"},
		{"bonus minEach 0", func(p *Policy) { p.Score.Bonus = []BonusRule{{Points: 1, Categories: 2, MinEach: 0}} }, "score.bonus[0].minEach"},
		{"allowed class unknown", func(p *Policy) { p.AllowedCharacters = &AllowedCharacters{Classes: []string{"emoji"}} }, "allowedCharacters.classes[0]"},
		{"allowed nothing", func(p *Policy) { p.AllowedCharacters = &AllowedCharacters{} }, "allowedCharacters"},
		{"required class negative", func(p *Policy) { p.RequiredClasses = map[string]int{Digit: -1} }, "requiredClasses.digit"},
		{"required class unknown", func(p *Policy) { p.RequiredClasses = map[string]int{"emoji": 1} }, "requiredClasses"},
		{"required class unknown beside known ones of zero", func(p *Policy) { p.RequiredClasses = map[string]int{Upper: 0, Lower: 0, Digit: 0, "emoji": 0} }, "requiredClasses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Default()
			tt.mutate(&p)
			probs := p.Problems()
			fields := []string{}
			for _, pr := range probs {
				fields = append(fields, pr.Field)
				assert.NotEmpty(t, pr.Message)
			}
			assert.Contains(t, fields, tt.field)
		})
	}
}

// TestProblemsDurationAsTyped: an activationTTL out of range is said as it
// was typed ("5m", "9m59s", and "5m0s" too), not as Go writes a duration ("5m0s" for "5m"), which
// the designer's page had to turn back until 2026-12-07.
func TestProblemsDurationAsTyped(t *testing.T) {
	for _, ttl := range []string{"5m", "9m59s", "5m0s", "721h", "-72h"} {
		p := Default()
		p.ActivationTTL = ttl
		probs := p.Problems()
		require.Len(t, probs, 1, ttl)
		assert.Equal(t, Problem{Field: "activationTTL", Message: "is " + ttl + "; want 10m to 720h"}, probs[0])
	}
}

// TestProblemsAllAtOnce: several broken fields are all reported.
func TestProblemsAllAtOnce(t *testing.T) {
	p := Default()
	p.MinLength = 2
	p.MaxLength = 500
	p.HistorySize = 99
	probs := p.Problems()
	assert.Len(t, probs, 3)
}

// TestFellesIAMHasNoCompositionRules: seed 004 says composition rules are
// not used; the default policy has neither whitelist nor required classes,
// and a password of one category can pass.
func TestFellesIAMHasNoCompositionRules(t *testing.T) {
	d := Default()
	assert.Nil(t, d.AllowedCharacters)
	assert.Empty(t, d.RequiredClasses)
	r := Evaluate(d, Input{Password: "fjordbåtgrautkjelelampeskjermtrekkfugl"})
	assert.True(t, r.OK, "an all-lowercase passphrase passes: %v", rules(r))
}

// TestProblemsImpossibleClasses: a class required that no allowed
// character belongs to makes a policy no password passes (every one is
// refused as disallowed or as missing the class, and on the activation page
// both count toward the link's lock); Problems names it. An allowed extra
// character of the class makes it possible.
func TestProblemsImpossibleClasses(t *testing.T) {
	for _, tt := range []struct {
		name    string
		allowed *AllowedCharacters
		want    []string // fields
	}{
		{"special asked, not allowed", &AllowedCharacters{Classes: []string{Upper, Lower, Digit}}, []string{"requiredClasses.special"}},
		{"special asked, an extra one allowed", &AllowedCharacters{Classes: []string{Upper, Lower, Digit}, Extra: "!"}, nil},
		{"upper and special asked, extras are small letters", &AllowedCharacters{Classes: []string{Digit}, Extra: "æøå"}, []string{"requiredClasses.upper", "requiredClasses.special"}},
		{"upper asked, extras hold a capital", &AllowedCharacters{Classes: []string{Lower, Special}, Extra: "Æ"}, nil},
		{"no whitelist", nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := Default()
			p.RequiredClasses = map[string]int{Upper: 1, Special: 1, Digit: 0}
			p.AllowedCharacters = tt.allowed
			var fields []string
			for _, pr := range p.Problems() {
				fields = append(fields, pr.Field)
				assert.Contains(t, pr.Message, "no password could pass")
			}
			assert.Equal(t, tt.want, fields)
			if tt.want != nil {
				for _, pw := range []string{"Fjordbåt-Grautkjele-Lampe!42", "fjordbatgrautkjelelampe42"} {
					assert.False(t, Evaluate(p, Input{Password: pw}).OK, "indeed none passes: %s", pw)
				}
			}
		})
	}
}
