package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy/internal/jsondec"
)

// refPolicy and refScore are the encoding/json decoder that Parse replaced,
// kept as the reference its results must equal on valid documents.
type refPolicy struct {
	ID                string             `json:"id"`
	Name              string             `json:"name"`
	ContextWords      []string           `json:"contextWords"`
	MinLength         *int               `json:"minLength"`
	MaxLength         *int               `json:"maxLength"`
	Threshold         *float64           `json:"threshold"`
	MinGuessesLog10   *float64           `json:"minGuessesLog10"`
	HistorySize       *int               `json:"historySize"`
	BreachThreshold   *int               `json:"breachThreshold"`
	BreachCheck       string             `json:"breachCheck"`
	ActivationTTL     string             `json:"activationTTL"`
	Score             *refScore          `json:"score"`
	AllowedCharacters *AllowedCharacters `json:"allowedCharacters"`
	RequiredClasses   map[string]int     `json:"requiredClasses"`
}

type refScore struct {
	Tiers           []Tier      `json:"tiers"`
	OccurrenceLimit *int        `json:"occurrenceLimit"`
	RepeatScores    *bool       `json:"repeatScores"`
	Categories      string      `json:"categories"`
	Bonus           []BonusRule `json:"bonus"`
}

func refParse(data []byte) (Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw refPolicy
	if err := dec.Decode(&raw); err != nil {
		return Policy{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return Policy{}, errors.New("trailing data")
	}
	p := Policy{
		ID: raw.ID, Name: raw.Name, ContextWords: raw.ContextWords, BreachCheck: raw.BreachCheck,
		ActivationTTL: raw.ActivationTTL, AllowedCharacters: raw.AllowedCharacters, RequiredClasses: raw.RequiredClasses,
		MinLength: defaultMinLength, MaxLength: defaultMaxLength, Threshold: defaultThreshold,
		HistorySize: defaultHistory, BreachThreshold: defaultBreachHits, Score: DefaultScoreRules(),
	}
	if raw.MinLength != nil {
		p.MinLength = *raw.MinLength
	}
	if raw.MaxLength != nil {
		p.MaxLength = *raw.MaxLength
	}
	if raw.Threshold != nil {
		p.Threshold = *raw.Threshold
	}
	if raw.MinGuessesLog10 != nil {
		p.MinGuessesLog10 = *raw.MinGuessesLog10
	}
	if raw.HistorySize != nil {
		p.HistorySize = *raw.HistorySize
	}
	if raw.BreachThreshold != nil {
		p.BreachThreshold = *raw.BreachThreshold
	}
	if s := raw.Score; s != nil {
		if s.Tiers != nil {
			p.Score.Tiers = s.Tiers
		}
		if s.OccurrenceLimit != nil {
			p.Score.OccurrenceLimit = *s.OccurrenceLimit
		}
		if s.RepeatScores != nil {
			p.Score.RepeatScores = *s.RepeatScores
		}
		if s.Categories != "" {
			p.Score.Categories = s.Categories
		}
		if s.Bonus != nil {
			p.Score.Bonus = s.Bonus
		}
	}
	return p.withDefaults(), nil
}

// validDocs are well-formed documents, valid or not under Problems, whose
// decoding must equal encoding/json's.
var validDocs = map[string]string{
	"empty object":      `{}`,
	"only id":           `{"id":"x"}`,
	"nulls are omitted": `{"id":null,"name":null,"contextWords":null,"minLength":null,"maxLength":null,"threshold":null,"historySize":null,"breachThreshold":null,"breachCheck":null,"activationTTL":null,"score":null,"allowedCharacters":null,"requiredClasses":null}`,
	"explicit zeros":    `{"id":"z","minLength":0,"maxLength":0,"threshold":0,"historySize":0,"breachThreshold":0,"breachCheck":"","activationTTL":"","score":{"occurrenceLimit":0,"repeatScores":false,"categories":""}}`,
	"empty arrays":      `{"id":"e","contextWords":[],"score":{"tiers":[],"bonus":[]},"allowedCharacters":{"classes":[]},"requiredClasses":{}}`,
	"empty score":       `{"id":"s","score":{}}`,
	"full": `{"id":"full","name":"Universitetet i \"Tromsø\" <&>","contextWords":["uit","arctic\u00e6"],"minLength":12,"maxLength":64,"threshold":33.25,"minGuessesLog10":21.5,
		"historySize":24,"breachThreshold":3,"breachCheck":"require","activationTTL":"10m",
		"score":{"tiers":[{"from":1,"points":4},{"from":9,"points":1.5,"floor":true},{"from":21,"points":1e0,"floor":false}],
		"occurrenceLimit":0,"repeatScores":true,"categories":"ascii","bonus":[{"points":8,"categories":3,"minEach":2},{"points":6.5,"categories":3,"minEach":1}]},
		"allowedCharacters":{"classes":["upper","digit"],"extra":" æøå\t\ud83d\ude00"},"requiredClasses":{"upper":1,"digit":2}}`,
	"white space":    " \t\r\n{ \"id\" : \"w\" , \"minLength\" : -3 }\n ",
	"escapes":        `{"id":"a\/b\\c\b\f\n\r\t\u0041\u00C5\ud83d\ude00"}`,
	"lone surrogate": `{"name":"x\ud800y\udc00z\ud800\u0041"}`,
	"exponent ints":  `{"threshold":-0.5e-3,"score":{"tiers":[{"from":1,"points":1E2}]}}`,
}

func TestParseMatchesEncodingJSON(t *testing.T) {
	docs := map[string][]byte{}
	for name, d := range validDocs {
		docs[name] = []byte(d)
	}
	for _, id := range Institutions() {
		data, err := os.ReadFile("institutions/" + id + ".json")
		require.NoError(t, err)
		docs["institution "+id] = data
	}
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			want, err := refParse(data)
			require.NoError(t, err, "reference decoder")
			got, err := Parse(data)
			var pe *ProblemsError
			if err != nil {
				require.ErrorAs(t, err, &pe, "only Problems may fail on a well-formed document")
			}
			assert.Equal(t, want, got)
			assert.Equal(t, want.Problems(), got.Problems())
		})
	}
}

func TestParseStrings(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"plain", `{"name":"abc"}`, "abc"},
		{"utf8", `{"name":"Tromsø æøå"}`, "Tromsø æøå"},
		{"short escapes", `{"name":"\"\\\/\b\f\n\r\t"}`, "\"\\/\b\f\n\r\t"},
		{"unicode escape", `{"name":"\u00e6\u00C6"}`, "æÆ"},
		{"surrogate pair", `{"name":"\ud83d\ude00"}`, "\U0001F600"},
		{"lone high surrogate", `{"name":"\ud83dx"}`, "\uFFFDx"},
		{"lone low surrogate", `{"name":"\ude00"}`, "\uFFFD"},
		{"high then non-surrogate escape", `{"name":"\ud83d\u0041"}`, "\uFFFDA"},
		{"two high surrogates", `{"name":"\ud83d\ud83d\ude00"}`, "\uFFFD\U0001F600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, se := jsondec.Parse([]byte(tt.doc))
			require.Nil(t, se)
			p, err := decodePolicy(&doc)
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.Name, "doc %s", tt.doc)
		})
	}
}

func TestParseDefaults(t *testing.T) {
	tests := []struct {
		name, doc string
		check     func(t *testing.T, p Policy)
	}{
		{"historySize omitted", `{}`, func(t *testing.T, p Policy) { assert.Equal(t, 5, p.HistorySize) }},
		{"historySize explicit zero", `{"historySize":0}`, func(t *testing.T, p Policy) { assert.Equal(t, 0, p.HistorySize) }},
		{"occurrenceLimit omitted", `{"score":{}}`, func(t *testing.T, p Policy) { assert.Equal(t, 4, p.Score.OccurrenceLimit) }},
		{"occurrenceLimit explicit zero", `{"score":{"occurrenceLimit":0}}`, func(t *testing.T, p Policy) { assert.Equal(t, 0, p.Score.OccurrenceLimit) }},
		{"minLength explicit zero takes the default", `{"minLength":0}`, func(t *testing.T, p Policy) { assert.Equal(t, 16, p.MinLength) }},
		{"tiers null take the default", `{"score":{"tiers":null}}`, func(t *testing.T, p Policy) { assert.Equal(t, DefaultScoreRules().Tiers, p.Score.Tiers) }},
		{"tiers empty stay empty", `{"score":{"tiers":[]}}`, func(t *testing.T, p Policy) { assert.Equal(t, []Tier{}, p.Score.Tiers) }},
		{"contextWords omitted are empty", `{}`, func(t *testing.T, p Policy) { assert.Equal(t, []string{}, p.ContextWords) }},
		{"breachCheck empty is prefer", `{"breachCheck":""}`, func(t *testing.T, p Policy) { assert.Equal(t, BreachPrefer, p.BreachCheck) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, se := jsondec.Parse([]byte(tt.doc))
			require.Nil(t, se)
			p, err := decodePolicy(&doc)
			require.NoError(t, err)
			tt.check(t, p)
		})
	}
}

func TestParseFieldErrors(t *testing.T) {
	tests := []struct {
		name, doc, path, want, got string
	}{
		{"unknown top-level field", `{"id":"x","minLenght":16}`, "minLenght", "", ""},
		{"unknown nested field", `{"score":{"tiers":[{"from":1,"points":4},{"from":2,"points":2},{"from":9,"pointz":1}]}}`, "score.tiers[2].pointz", "", ""},
		{"unknown bonus field", `{"score":{"bonus":[{"points":8,"max":1}]}}`, "score.bonus[0].max", "", ""},
		{"unknown allowedCharacters field", `{"allowedCharacters":{"class":[]}}`, "allowedCharacters.class", "", ""},
		{"field names are case-sensitive", `{"MinLength":16}`, "MinLength", "", ""},
		{"string for int", `{"minLength":"16"}`, "minLength", "an integer", "a string"},
		{"fraction for int", `{"maxLength":64.5}`, "maxLength", "an integer", "a number"},
		{"huge int", `{"historySize":1e300}`, "historySize", "an integer", "a number"},
		{"bool for float", `{"threshold":true}`, "threshold", "a number", "a boolean"},
		{"number for string", `{"id":7}`, "id", "a string", "a number"},
		{"object for array", `{"contextWords":{}}`, "contextWords", "an array of strings", "an object"},
		{"null in array", `{"contextWords":["abc",null]}`, "contextWords[1]", "a string", "null"},
		{"string for bool", `{"score":{"repeatScores":"yes"}}`, "score.repeatScores", "a boolean", "a string"},
		{"array for score", `{"score":[]}`, "score", "an object", "an array"},
		{"string class count", `{"requiredClasses":{"digit":"1"}}`, "requiredClasses.digit", "an integer", "a string"},
		{"tier not an object", `{"score":{"tiers":[1]}}`, "score.tiers[0]", "an object", "a number"},
		{"document not an object", `[]`, "", "an object", "an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			require.ErrorIs(t, err, ErrMalformed)
			var fe *FieldError
			require.ErrorAs(t, err, &fe, "doc %s", tt.doc)
			assert.Equal(t, tt.path, fe.Path)
			assert.Equal(t, tt.want, fe.Want)
			assert.Equal(t, tt.got, fe.Got)
			assert.False(t, errors.Is(err, ErrInvalid))
		})
	}
}

func TestParseSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		offset    int
	}{
		{"empty", ``, 0},
		{"trailing data", `{} {}`, 3},
		{"trailing garbage", `{}x`, 2},
		{"duplicate key", `{"id":"a","id":"b"}`, 10},
		{"nested duplicate key", `{"score":{"bonus":[],"bonus":[]}}`, 21},
		{"unterminated object", `{"id":"a"`, 9},
		{"unterminated string", `{"id":"a`, 8},
		{"missing colon", `{"id" "a"}`, 6},
		{"trailing comma", `{"id":"a",}`, 10},
		{"single quotes", `{'id':1}`, 1},
		{"leading zero", `{"minLength":016}`, 14},
		{"plus sign", `{"minLength":+1}`, 13},
		{"bare dot", `{"threshold":1.}`, 15},
		{"bad exponent", `{"threshold":1e}`, 15},
		{"bad literal", `{"score":{"repeatScores":tru}}`, 25},
		{"bad escape", `{"id":"\x"}`, 9},
		{"short unicode escape", `{"id":"\u12"}`, 9},
		{"control character", "{\"id\":\"a\nb\"}", 8},
		{"invalid utf-8", "{\"id\":\"a\xffb\"}", 8},
		{"number out of range", `{"threshold":1e400}`, 13},
		{"too deep", `{"score":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			require.ErrorIs(t, err, ErrMalformed)
			var se *SyntaxError
			require.ErrorAs(t, err, &se, "doc %q", tt.doc)
			assert.Equal(t, tt.offset, se.Offset, "doc %q: %v", tt.doc, err)
			var fe *FieldError
			assert.False(t, errors.As(err, &fe))
		})
	}
	t.Run("too large", func(t *testing.T) {
		doc := `{"name":"` + strings.Repeat("a", MaxPolicyBytes) + `"}`
		_, err := Parse([]byte(doc))
		var se *SyntaxError
		require.ErrorAs(t, err, &se)
		assert.ErrorIs(t, err, ErrMalformed)
	})
}

func TestParseProblemsError(t *testing.T) {
	_, err := Parse([]byte(`{"id":"x","minLength":4,"maxLength":200,"historySize":99}`))
	require.ErrorIs(t, err, ErrInvalid)
	var pe *ProblemsError
	require.ErrorAs(t, err, &pe)
	fields := make([]string, len(pe.Problems))
	for i, p := range pe.Problems {
		fields[i] = p.Field
	}
	assert.Subset(t, fields, []string{"minLength", "maxLength", "historySize"})
	assert.False(t, errors.Is(err, ErrMalformed))
}

func TestLookupErrors(t *testing.T) {
	for _, id := range []string{"", "nope", "../default", "default.json"} {
		t.Run("id "+id, func(t *testing.T) {
			_, err := Lookup(id)
			assert.ErrorIs(t, err, ErrUnknownInstitution)
		})
	}
	// The id is quoted in the message, with what would not show escaped
	// (an id comes from a request and is logged).
	for id, want := range map[string]string{
		"nope":          `policy "nope": unknown institution`,
		"bø\"\n\x1b[2J": `policy "bø\"\u000a\u001b[2J": unknown institution`,
		"a\u2028b":      `policy "a\u2028b": unknown institution`,
	} {
		_, err := Lookup(id)
		assert.EqualError(t, err, want)
	}
}

// TestParseTestdataPolicies: every file in testdata/policies decodes as
// encoding/json would and re-encodes byte for byte as MarshalIndent would;
// invalid-*.json files are well-formed but break limits.
func TestParseTestdataPolicies(t *testing.T) {
	files, err := filepath.Glob("testdata/policies/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			want, err := refParse(data)
			require.NoError(t, err, "reference decoder")
			got, err := Parse(data)
			if strings.HasPrefix(filepath.Base(file), "invalid-") {
				var pe *ProblemsError
				require.ErrorAs(t, err, &pe)
				assert.GreaterOrEqual(t, len(pe.Problems), 5, "every problem at once: %v", pe)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, want, got)
			assert.Equal(t, string(refCanonical(t, want)), string(got.Canonical()))
		})
	}
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/policies/migrating.json")
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanonical(b *testing.B) {
	p := Default()
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Canonical()
	}
}

// TestParseProblemsErrorIsBare: a policy that parses but breaks a limit gives
// a *ProblemsError itself, not wrapped; the WebAssembly module relies on a
// plain type assertion (errors.As would link reflection into it).
func TestParseProblemsErrorIsBare(t *testing.T) {
	_, err := Parse([]byte(`{"minLength": 3}`))
	pe, ok := err.(*ProblemsError)
	require.True(t, ok, "got %T", err)
	assert.NotEmpty(t, pe.Problems)
}

// TestIDProblemNamesTheCharacter: an id with a character outside a-z, 0-9,
// - and _ is refused naming it and where ("Test Inst" was "has 9
// characters or ones outside a-z, 0-9, - and _; want 1 to 64 of those",
// which left the reader to find the capital and the space).
func TestIDProblemNamesTheCharacter(t *testing.T) {
	for id, want := range map[string]string{
		"Test":                  `has "T" at character 1; want only a-z, 0-9, - and _`,
		"test inst":             `has a space at character 5; want only a-z, 0-9, - and _`,
		"uitø":                  `has U+f8 at character 4; want only a-z, 0-9, - and _`,
		strings.Repeat("x", 65): `is 65 characters; want 1 to 64`,
	} {
		p := Default()
		p.ID = id
		probs := p.Problems()
		if len(probs) != 1 || probs[0].Field != "id" || probs[0].Message != want {
			t.Errorf("id %.12q: problems %v, want id: %s", id, probs, want)
		}
	}
}
