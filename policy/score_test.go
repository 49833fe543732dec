package policy

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScoreWorkedExamples holds the worked examples: each must hold
// exactly.
func TestScoreWorkedExamples(t *testing.T) {
	p := Default()
	tests := []struct {
		name     string
		password string
		want     float64
	}{
		{"password: the second s repeats", "password", 16},
		{"Passw0rd!: position 9 and the 3-category bonus", "Passw0rd!", 23.5},
		{"aaaaaaaaab: only the first a and the b score", "aaaaaaaaab", 5.5},
		{"abababababab: 5th occurrences earn nothing", "abababababab", 18},
		{"correcthorsebatterystaple: all four tiers", "correcthorsebatterystaple", 37.5},
		{"ÆØÅæøå12!!: æøå are letters, all-four bonus", "ÆØÅæøå12!!", 27.5},
		{"Aa1!Aa1!: all four twice", "Aa1!Aa1!", 26},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(p, Input{Password: tt.password})
			assert.Equal(t, tt.want, got.Score, "score of example %q", tt.name)
			assert.Equal(t, tt.want, Score(tt.password, p.Score))
		})
	}
}

// TestScoreSpecSentences has one row per sentence of seed 004's algorithm;
// each row fails if that sentence is not implemented.
func TestScoreSpecSentences(t *testing.T) {
	rules := DefaultScoreRules()
	// distinct returns n distinct lowercase-free characters: digits then
	// symbols would add categories, so use lowercase letters then Greek.
	distinct := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i < 26 {
				b.WriteRune(rune('a' + i))
			} else {
				b.WriteRune(rune('α' + i - 26))
			}
		}
		return b.String()
	}
	tests := []struct {
		name      string
		password  string
		wantScore float64
		wantBonus float64
	}{
		{"first character: +4", "a", 4, 0},
		{"characters 2-8: +2 each (8 chars)", distinct(8), 4 + 7*2, 0},
		{"character 9 is in the 1.5 tier", distinct(9), 18 + 1.5, 0},
		{"characters 9-20: +1.5 each (20 chars)", distinct(20), 18 + 12*1.5, 0},
		{"character 21 is in the 1 tier", distinct(21), 36 + 1, 0},
		{"characters 21+: +1 each (30 chars)", distinct(30), 36 + 10, 0},
		{"only the first 4 occurrences score: the 5th a (position 9) earns nothing", "abacadaeaf", 4 + 2*7 + 0 + 1.5, 0},
		{"a repeat of the preceding character scores nothing", "aab", 4 + 0 + 2, 0},
		{"a non-adjacent repeat scores", "aba", 8, 0},
		{"repeats still count toward the 4 occurrences", "aaaab" + "a", 4 + 2, 0},
		{"three categories: +6", "aB1", 8 + 6, 6},
		{"three categories twice each is still +6 (needs all four)", "aaBB11", 4 + 2 + 2 + 6, 6},
		{"all four categories twice: +8", "aA1!bB2?", 18 + 8, 8},
		{"all four twice also meets three: only +8", "aA1!bB2?c", 18 + 1.5 + 8, 8},
		{"all four once: +6, not +8", "aA1!", 10 + 6, 6},
		{"two categories: no bonus", "aA", 6, 0},
		{"space is special and is never trimmed", " a b ", 4 + 2 + 2 + 2 + 2, 0},
		{"leading and trailing spaces count as characters", "  ", 4, 0},
		{"æøå are lowercase, ÆØÅ uppercase", "æØ1", 8 + 6, 6},
		{"case-sensitive occurrences: A and a differ", "aAaAaAaAaA", 4 + 7*2 + 0 + 0, 0},
		{"empty password", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := score(tt.password, rules)
			assert.Equal(t, tt.wantScore, st.sum+st.bonus, "score")
			assert.Equal(t, tt.wantBonus, st.bonus, "bonus")
		})
	}
}

// TestScoreCharNotes checks each character's points, category and note.
func TestScoreCharNotes(t *testing.T) {
	st := score("aaBaaa1a!", DefaultScoreRules())
	want := []Char{
		{4, CategoryLower, NoteNone, false},
		{0, CategoryLower, NoteRepeat, false},
		{2, CategoryUpper, NoteNone, false},
		{2, CategoryLower, NoteNone, false},
		{0, CategoryLower, NoteRepeat, false},
		{0, CategoryLower, NoteRepeat, false},
		{2, CategoryDigit, NoteNone, false},
		{0, CategoryLower, NoteOccurrenceLimit, false}, // 6th a
		{1.5, CategorySpecial, NoteNone, false},
	}
	assert.Equal(t, want, st.chars)
	assert.Equal(t, 6.0, st.bonus)
}

// TestScoreRepeatWinsOverOccurrence: a character that is both a repeat and
// past the occurrence limit is noted as a repeat.
func TestScoreRepeatWinsOverOccurrence(t *testing.T) {
	st := score("aaaaaa", DefaultScoreRules())
	for i := 1; i < 6; i++ {
		assert.Equal(t, NoteRepeat, st.chars[i].Note, "char %d", i)
	}
}

// TestScoreInvariants: the characters' points plus the bonus are the score,
// and the score never exceeds the sum of the tier points.
func TestScoreInvariants(t *testing.T) {
	policies := []string{"default", "uio"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, id := range policies {
		p, err := Lookup(id)
		require.NoError(t, err)
		for i := 0; i < 2000; i++ {
			pw := randomPassword(rng, rng.IntN(140))
			st := score(pw, p.Score)
			sum := 0.0
			maxSum := 0.0
			for j, c := range st.chars {
				sum += c.Points
				maxSum += tierPoints(p.Score.Tiers, j+1)
			}
			require.InDelta(t, st.sum, sum, 1e-9, "policy %s vector %d", id, i)
			require.LessOrEqual(t, st.sum, maxSum, "policy %s vector %d", id, i)
			require.Equal(t, utf8.RuneCountInString(pw), len(st.chars))
		}
	}
}

// cerebrum is a direct transcription of UiO Cerebrum's
// CheckSimpleEntropyCalculator.check_password with its defaults
// (min_groups=3, min_chars_per_group=2): the reference the uio policy must
// match.
func cerebrum(password string) float64 {
	rs := []rune(password)
	n := len(rs)
	slice := func(a, b int) int { // len(password[a:b])
		if a > n {
			return 0
		}
		if b > n {
			b = n
		}
		return b - a
	}
	e := 0
	e += slice(0, 1) * 4
	e += slice(1, 8) * 2
	e += int(float64(slice(8, 20)) * 1.5)
	if n > 20 {
		e += n - 20
	}
	groups := []string{
		"abcdefghijklmnopqrstuvwxyz",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"0123456789",
		"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ",
	}
	different, perGroup := 0, 0
	for _, g := range groups {
		c := 0
		for _, r := range rs {
			if strings.ContainsRune(g, r) {
				c++
			}
		}
		if c > 0 {
			different++
			if c >= 2 {
				perGroup++
			}
		}
	}
	if perGroup >= 3 {
		e += 8
	} else if different >= 3 {
		e += 6
	}
	return float64(e)
}

// TestUiOMatchesCerebrum: the uio policy's score equals Cerebrum's on fixed
// and random vectors (ASCII, Unicode, repeats, all lengths).
func TestUiOMatchesCerebrum(t *testing.T) {
	p, err := Lookup("uio")
	require.NoError(t, err)
	assert.Equal(t, 33.0, p.Threshold)
	fixed := []string{"", "a", "aaaaaaaaaaaaaaaaaaaaaaaaa", "Passw0rd!", "correcthorsebatterystaple",
		"ÆØÅæøå12!!", "aB", "aB1", "aaBB11", "aaBB1", "abcdefghi", "abcdefghij", "abcdefghijklmnopqrstu",
		"  ", "é€ü", strings.Repeat("Ab1!", 40)}
	for i, pw := range fixed {
		assert.Equal(t, cerebrum(pw), Score(pw, p.Score), "fixed vector %d", i)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		pw := randomPassword(rng, rng.IntN(150))
		if got, want := Score(pw, p.Score), cerebrum(pw); got != want {
			t.Fatalf("random vector %d (length %d): got %v, want %v", i, utf8.RuneCountInString(pw), got, want)
		}
	}
}

// TestScoreFloorTierChars: in a floored tier the characters' points sum to
// the floored total; the last scoring character absorbs the difference.
func TestScoreFloorTierChars(t *testing.T) {
	p, err := Lookup("uio")
	require.NoError(t, err)
	st := score("abcdefghi", p.Score) // one char in the 1.5 tier: int(1.5) = 1
	assert.Equal(t, 1.0, st.chars[8].Points)
	st = score("abcdefghij", p.Score) // two: int(3.0) = 3
	assert.Equal(t, 1.5, st.chars[8].Points)
	assert.Equal(t, 1.5, st.chars[9].Points)
	st = score("abcdefghijk", p.Score) // three: int(4.5) = 4
	assert.Equal(t, []float64{1.5, 1.5, 1}, []float64{st.chars[8].Points, st.chars[9].Points, st.chars[10].Points})
	assert.Equal(t, 4+14+4.0, st.sum)
}

// TestScoreASCIICategories: under "ascii", non-ASCII characters are in no
// category and do not count for the bonus.
func TestScoreASCIICategories(t *testing.T) {
	p, err := Lookup("uio")
	require.NoError(t, err)
	st := score("æA1!", p.Score)
	assert.Equal(t, CategoryNone, st.chars[0].Category)
	assert.Equal(t, 6.0, st.bonus)
	st = score("æøA1", p.Score)
	assert.Equal(t, 0.0, st.bonus)
}

// TestScoreUnicodeCategories covers the Unicode categorisation beyond ASCII.
func TestScoreUnicodeCategories(t *testing.T) {
	tests := []struct {
		name string
		r    rune
		want string
	}{
		{"Latin capital Æ", 'Æ', Upper},
		{"Latin small å", 'å', Lower},
		{"Greek capital Ω", 'Ω', Upper},
		{"Cyrillic small ж", 'ж', Lower},
		{"Arabic-Indic digit", '٣', Digit},
		{"fullwidth digit", '３', Digit},
		{"space", ' ', Special},
		{"no-break space", '\u00a0', Special},
		{"emoji", '🙂', Special},
		{"CJK ideograph (Lo)", '中', Special},
		{"titlecase ǅ (Lt)", 'ǅ', Special},
		{"superscript two (No)", '²', Special},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, categorize(tt.r, CategoriesUnicode).String())
		})
	}
}

// TestScoreTierBoundaries walks positions 7..22 with distinct characters and
// checks each character's points against the spec's table.
func TestScoreTierBoundaries(t *testing.T) {
	pw := "abcdefghijklmnopqrstuvwxyzαβγδ"
	st := score(pw, DefaultScoreRules())
	want := func(pos int) float64 {
		switch {
		case pos == 1:
			return 4
		case pos <= 8:
			return 2
		case pos <= 20:
			return 1.5
		}
		return 1
	}
	for pos := 1; pos <= 30; pos++ {
		assert.Equal(t, want(pos), st.chars[pos-1].Points, "position %d", pos)
	}
}

// TestScoreInvalidUTF8 counts each bad byte as one U+FFFD character.
func TestScoreInvalidUTF8(t *testing.T) {
	st := score("a\xff\xfeb", DefaultScoreRules())
	require.Len(t, st.chars, 4)
	assert.Equal(t, NoteRepeat, st.chars[2].Note, "two U+FFFD in a row repeat")
	assert.False(t, math.IsNaN(st.sum))
}

// randomPassword returns a password of n code points drawn to exercise every
// rule: ASCII, Norwegian letters, other scripts, digits, symbols, spaces,
// runs of repeats.
func randomPassword(rng *rand.Rand, n int) string {
	pools := []string{
		"abcdefghijklmnopqrstuvwxyz",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"0123456789",
		"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ",
		"æøåÆØÅéü€§½",
		"ΩжЖ中٣３ǅ²🙂\u00a0\u0301",
		"aaaa1111",
	}
	var b strings.Builder
	var last rune = 'x'
	for i := 0; i < n; i++ {
		if rng.IntN(8) == 0 {
			b.WriteRune(last)
			continue
		}
		pool := []rune(pools[rng.IntN(len(pools))])
		last = pool[rng.IntN(len(pool))]
		b.WriteRune(last)
	}
	return b.String()
}

// TestScoreASCIIFastPath: the byte loop for ASCII passwords equals the
// general path on every policy's rules, for random ASCII passwords.
func TestScoreASCIIFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var ruleSets []ScoreRules
	for _, id := range Institutions() {
		p, err := Lookup(id)
		require.NoError(t, err)
		ruleSets = append(ruleSets, p.Score)
	}
	noLimit := DefaultScoreRules()
	noLimit.OccurrenceLimit = 0
	noLimit.RepeatScores = true
	ruleSets = append(ruleSets, noLimit)
	for i := 0; i < 5000; i++ {
		b := make([]byte, rng.IntN(300))
		for j := range b {
			if j > 0 && rng.IntN(5) == 0 {
				b[j] = b[j-1]
			} else {
				b[j] = byte(rng.IntN(128))
			}
		}
		pw := string(b)
		for k, rules := range ruleSets {
			table := &asciiCategory[0]
			if rules.Categories == CategoriesASCII {
				table = &asciiCategory[1]
			}
			fast := scoreASCII(nil, pw, rules, table)
			slow := scoreGeneral(nil, pw, rules, table)
			require.Equal(t, slow, fast, "vector %d, rule set %d", i, k)
		}
	}
}

// TestOccurrencesMatchesMap: the counter equals a plain map count for every
// code point, past the inline slots (spill) and with Latin-1 counts
// saturating at 255 only (any limit is at most MaxOccurrence, below that).
func TestOccurrencesMatchesMap(t *testing.T) {
	require.Less(t, MaxOccurrence, 255)
	rng := rand.New(rand.NewPCG(3, 4))
	for v := 0; v < 200; v++ {
		var o occurrences
		want := map[rune]int{}
		distinct := 1 + rng.IntN(3*inlineOther)
		for i := 0; i < 600; i++ {
			var r rune
			if rng.IntN(2) == 0 {
				r = rune(rng.IntN(latin1Size))
			} else {
				r = 0x4E00 + rune(rng.IntN(distinct))
			}
			want[r]++
			w := want[r]
			if r < latin1Size {
				w = min(w, 255)
			}
			require.Equal(t, w, o.add(r), "vector %d, step %d", v, i)
		}
	}
}
