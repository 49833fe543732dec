package policy

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refCanonical is the encoding/json Canonical that the hand-written encoder
// replaced; its bytes are the contract.
func refCanonical(t testing.TB, p Policy) []byte {
	p = p.withDefaults()
	if p.RequiredClasses != nil && len(p.RequiredClasses) == 0 {
		p.RequiredClasses = nil
	}
	b, err := json.MarshalIndent(p, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

// Characters that exercise every branch of the string encoder.
var trickyRunes = []string{"a", "Z", "0", " ", "\"", "\\", "/", "<", ">", "&", "\b", "\f", "\n", "\r", "\t",
	"\x00", "\x1f", "\x7f", "æ", "Ø", "\u2028", "\u2029", "\U0001F600", "\xff", "\xc3", "é"}

func randString(r *rand.Rand) string {
	n := r.IntN(8)
	s := ""
	for range n {
		s += trickyRunes[r.IntN(len(trickyRunes))]
	}
	return s
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return float64(r.IntN(200))
	case 1:
		return float64(r.IntN(400)) / 4
	case 2:
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(50)-25))
	case 3:
		return -r.Float64() * 1e-7
	case 4:
		return 1e21 * float64(1+r.IntN(9))
	default:
		return 0
	}
}

func randStrings(r *rand.Rand) []string {
	switch r.IntN(4) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+r.IntN(4))
	for i := range out {
		out[i] = randString(r)
	}
	return out
}

func randPolicy(r *rand.Rand) Policy {
	p := Policy{
		ID: randString(r), Name: randString(r), ContextWords: randStrings(r),
		MinLength: r.IntN(300) - 50, MaxLength: r.IntN(300), Threshold: randFloat(r),
		HistorySize: r.IntN(30), BreachThreshold: r.IntN(5), BreachCheck: randString(r), ActivationTTL: randString(r),
		Score: ScoreRules{OccurrenceLimit: r.IntN(10), RepeatScores: r.IntN(2) == 0, Categories: randString(r)},
	}
	if r.IntN(3) > 0 {
		p.Score.Tiers = make([]Tier, r.IntN(5))
		for i := range p.Score.Tiers {
			p.Score.Tiers[i] = Tier{From: r.IntN(40), Points: randFloat(r), Floor: r.IntN(2) == 0}
		}
	}
	if r.IntN(3) > 0 {
		p.Score.Bonus = make([]BonusRule, r.IntN(4))
		for i := range p.Score.Bonus {
			p.Score.Bonus[i] = BonusRule{Points: randFloat(r), Categories: r.IntN(5), MinEach: r.IntN(3)}
		}
	}
	if r.IntN(2) == 0 {
		p.AllowedCharacters = &AllowedCharacters{Classes: randStrings(r), Extra: randString(r)}
	}
	switch r.IntN(3) {
	case 0:
		p.RequiredClasses = map[string]int{}
	case 1:
		p.RequiredClasses = map[string]int{}
		for range 1 + r.IntN(5) {
			p.RequiredClasses[randString(r)] = r.IntN(10) - 2
		}
	}
	return p
}

func TestCanonicalMatchesEncodingJSON(t *testing.T) {
	for _, id := range Institutions() {
		t.Run("institution "+id, func(t *testing.T) {
			p, err := Lookup(id)
			require.NoError(t, err)
			assert.Equal(t, string(refCanonical(t, p)), string(p.Canonical()))
		})
	}
	t.Run("zero policy", func(t *testing.T) {
		assert.Equal(t, string(refCanonical(t, Policy{})), string(Policy{}.Canonical()))
	})
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		p := randPolicy(r)
		want, got := refCanonical(t, p), p.Canonical()
		if string(want) != string(got) {
			t.Fatalf("generated policy %d:\nwant %s\ngot  %s", i, want, got)
		}
	}
}

func TestCanonicalFloats(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.5, 1.5, 33.25, 1e-6, 9.99e-7, 1e-7, 1.5e-10, 1e20, 1e21, 1.2345e21, 1e300, -1e-300, 5e-324, math.MaxFloat64, 123456789.123} {
		t.Run(strconv.FormatFloat(f, 'g', -1, 64), func(t *testing.T) {
			p := Policy{Threshold: f}
			assert.Equal(t, string(refCanonical(t, p)), string(p.Canonical()))
		})
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	for _, id := range Institutions() {
		t.Run(id, func(t *testing.T) {
			p, err := Lookup(id)
			require.NoError(t, err)
			q, err := Parse(p.Canonical())
			require.NoError(t, err)
			assert.Equal(t, p, q)
			assert.Equal(t, p.Version(), q.Version())
		})
	}
}

// FuzzParse: Parse never panics, and whatever it decodes (valid or with
// problems) survives Canonical and Parse again unchanged, with the same
// Canonical bytes as encoding/json would produce.
func FuzzParse(f *testing.F) {
	for _, d := range validDocs {
		f.Add([]byte(d))
	}
	for _, id := range Institutions() {
		data, err := os.ReadFile("institutions/" + id + ".json")
		require.NoError(f, err)
		f.Add(data)
	}
	files, err := filepath.Glob("testdata/policies/*.json")
	require.NoError(f, err)
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(`{"score":{"tiers":[{"from":1,"points":4e-9}]},"requiredClasses":{"a":1,"b":2}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		var pe *ProblemsError
		if err != nil && !errorsAs(err, &pe) {
			return
		}
		c := p.Canonical()
		if string(c) != string(refCanonical(t, p)) {
			t.Fatalf("Canonical differs from encoding/json:\n%s\n%s", c, refCanonical(t, p))
		}
		q, err := Parse(c)
		if err != nil && !errorsAs(err, &pe) {
			t.Fatalf("Canonical does not re-parse: %v", err)
		}
		if len(p.RequiredClasses) == 0 {
			p.RequiredClasses = nil // Canonical omits an empty map
		}
		require.Equal(t, p, q)
		require.Equal(t, string(c), string(q.Canonical()))
	})
}

func errorsAs(err error, target **ProblemsError) bool { return errors.As(err, target) }
