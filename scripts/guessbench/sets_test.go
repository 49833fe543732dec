package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy"
)

// TestFreshVocabularyIsFresh: no word of the fresh vocabulary is in a list
// of the estimator, so its set measures what the estimator finds beyond
// them.
func TestFreshVocabularyIsFresh(t *testing.T) {
	listed, err := listedWords("../../policy/guess/internal/genwords/lists")
	require.NoError(t, err)
	restore := freshVocabulary()
	defer restore()
	for _, vocab := range [][]string{firsts, lasts, nbWords, places, clubs} {
		for _, w := range vocab {
			assert.False(t, listed[policy.Fold(w)], "%s is in a list", w)
		}
	}
}

// TestSetsArePredictableAndLong: every generated password has 16 to 127
// code points, and the sets are the same on every run.
func TestSetsArePredictableAndLong(t *testing.T) {
	a, b := predictable(200, 1), predictable(200, 1)
	assert.Equal(t, a, b)
	for _, pw := range append(a, randomStrings(50, 4)...) {
		n := utf8.RuneCountInString(pw)
		assert.True(t, n >= 16 && n <= 127, "length %d", n)
	}
}

// TestReadLinesLatin1: Debian's wnorwegian is ISO-8859-1; its lines with
// æøå are read, not dropped as invalid UTF-8 (they were a fifth of
// bokmaal, left out of the Norwegian passphrases until 2026-11-30).
func TestReadLinesLatin1(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bokmaal")
	require.NoError(t, os.WriteFile(file, []byte("bl\xe5b\xe6r\nhytte\nbl\xe5b\xe6r\nbl\u00e5\n"), 0o644))
	got, err := readWords(file, func(s string) bool { return true })
	require.NoError(t, err)
	assert.Equal(t, []string{"blåbær", "hytte", "blå"}, got)
}

// TestDumpSets: -dump writes each set's passwords, one a line, into a file
// named after the set.
func TestDumpSets(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sets")
	require.NoError(t, dumpSets(dir, []set{
		{name: "passphrases, English", group: "b", pws: []string{"cues@reign@nybble@blinks", "a b"}},
		{name: "predictable, made", group: "a", pws: []string{"Sommer2026!Sommer2026!"}},
	}))
	got, err := os.ReadFile(filepath.Join(dir, "_b__passphrases__english.txt"))
	require.NoError(t, err)
	assert.Equal(t, "cues@reign@nybble@blinks\na b\n", string(got))
	got, err = os.ReadFile(filepath.Join(dir, "_a__predictable__made.txt"))
	require.NoError(t, err)
	assert.Equal(t, "Sommer2026!Sommer2026!\n", string(got))
}

// TestRandomAlphanumeric: 16 letters and digits, each with a small
// letter, a capital and a digit.
func TestRandomAlphanumeric(t *testing.T) {
	for _, s := range randomAlphanumeric(200, 1) {
		require.Len(t, s, 16)
		assert.True(t, strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz"), s)
		assert.True(t, strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), s)
		assert.True(t, strings.ContainsAny(s, "0123456789"), s)
		assert.Equal(t, "", strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), s)
	}
}

// TestRandomLowerDigits: 20 small letters and digits, none beside the same
// character or its neighbour, the same on every run.
func TestRandomLowerDigits(t *testing.T) {
	got := randomLowerDigits(200, 20, 1)
	assert.Equal(t, got, randomLowerDigits(200, 20, 1))
	digits := 0
	for _, s := range got {
		require.Len(t, s, 20)
		assert.Equal(t, "", strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789"), s)
		for k := 1; k < len(s); k++ {
			d := int(s[k]) - int(s[k-1])
			assert.True(t, d < -1 || d > 1, "%q at %d", s, k)
		}
		digits += strings.Count(s, "0") + strings.Count(s, "1") + strings.Count(s, "2") + strings.Count(s, "3") + strings.Count(s, "4") +
			strings.Count(s, "5") + strings.Count(s, "6") + strings.Count(s, "7") + strings.Count(s, "8") + strings.Count(s, "9")
	}
	assert.InDelta(t, 10.0/36, float64(digits)/(200*20), 0.03, "digits drawn as often as their share of the alphabet")
}

// TestSentences: 16+ code points, the same on every run, Norwegian ones
// at even places and English ones at odd (each with a word only its
// grammar has).
func TestSentences(t *testing.T) {
	a := sentences(200, 10)
	assert.Equal(t, a, sentences(200, 10))
	has := func(s string, words ...string) bool {
		l := strings.ToLower(s)
		for _, w := range words {
			if strings.Contains(l, w) {
				return true
			}
		}
		return false
	}
	nb, en := 0, 0
	for i, s := range a {
		assert.GreaterOrEqual(t, utf8.RuneCountInString(s), 16, s)
		if i%2 == 0 && has(s, "jeg", "katt", "hund", "hytta", "og", "ha", "er") {
			nb++
		}
		if i%2 == 1 && has(s, "the", "my", "and", "have", "love", "you") {
			en++
		}
	}
	assert.Greater(t, nb, 80)
	assert.Greater(t, en, 80)
}

// TestAppleStyle: 20 characters, "-" at 6 and 13, one digit at a group's
// edge, one capital, and the rest syllables of a consonant, a vowel and a
// consonant.
func TestAppleStyle(t *testing.T) {
	for _, s := range appleStyle(300, 11) {
		require.Len(t, s, 20, s)
		assert.Equal(t, "--", string([]byte{s[6], s[13]}), s)
		digits, capitals := 0, 0
		for i := range len(s) {
			c := s[i]
			switch {
			case c >= '0' && c <= '9':
				digits++
				assert.Contains(t, []int{0, 5}, i%7, "a digit at a group's edge: %s", s)
			case c >= 'A' && c <= 'Z':
				capitals++
				c += 'a' - 'A'
				fallthrough
			case c >= 'a' && c <= 'z':
				want := "bcdfghjkmnpqrstvwxz"
				if i%7%3 == 1 {
					want = "aeiouy"
				}
				assert.True(t, strings.IndexByte(want, c) >= 0, "%q at %d of %s", c, i, s)
			}
		}
		assert.Equal(t, 1, digits, s)
		assert.Equal(t, 1, capitals, s)
	}
}

// TestFrequentLinesAsGenwords: the sets of words beyond the lists start
// where genwords' list of frequent words ends.
func TestFrequentLinesAsGenwords(t *testing.T) {
	src, err := os.ReadFile("../../policy/guess/internal/genwords/frequent.go")
	require.NoError(t, err)
	assert.Contains(t, string(src), "\nconst frequentLines = "+strconv.Itoa(frequentLines)+"\n")
}

// TestFakerVocabulary: faker's entries of one word of letters, in small
// letters, take the place of the names, words and places, and restore
// brings the first vocabulary back.
func TestFakerVocabulary(t *testing.T) {
	before := append([]string{}, nbWords...)
	restore := fakerVocabulary(map[string][]string{
		"person.first_name.female": {"Amalie", "Anne-Marie"},
		"person.last_name.generic": {"Aas", "Ås"},
		"animal.bird":              {"blåmeis", "BMX-sykkel", "Hage og utemiljø", "ok"},
		"location.county":          {"Åfjord", "Nordre Land"},
	})
	assert.Equal(t, []string{"amalie"}, firsts)
	assert.Equal(t, []string{"aas"}, lasts) // "ås" has too few code points
	assert.Equal(t, []string{"blåmeis"}, nbWords)
	assert.Equal(t, []string{"åfjord"}, places)
	restore()
	assert.Equal(t, before, nbWords)
}

// TestReadFakerNamesTheFile: a file that is not faker's JSON fails with its
// name.
func TestReadFakerNamesTheFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "faker.json")
	require.NoError(t, os.WriteFile(file, []byte(`["not", "an object"]`), 0o644))
	_, err := readFaker(file)
	require.Error(t, err)
	assert.Contains(t, err.Error(), file)
	require.NoError(t, os.WriteFile(file, []byte(`{"animal.bird": ["blåmeis"]}`), 0o644))
	defs, err := readFaker(file)
	require.NoError(t, err)
	assert.Equal(t, []string{"blåmeis"}, defs["animal.bird"])
}

// TestListedWords: the estimator's lists are read folded, without their
// header lines, and a word of them leaves the sets of words beyond the
// lists (kalkun is on things.txt and on the frequency list's lines
// 5,001-8,000).
func TestListedWords(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("# kalkun and hare, a header\nKalkun\nhare\n"), 0o644))
	listed, err := listedWords(dir)
	require.NoError(t, err)
	assert.True(t, listed[policy.Fold("kalkun")])
	assert.True(t, listed[policy.Fold("hare")])
	assert.False(t, listed[policy.Fold("# kalkun and hare, a header")])
	_, err = listedWords(t.TempDir())
	assert.ErrorContains(t, err, "no word lists")

	real, err := listedWords("../../policy/guess/internal/genwords/lists")
	require.NoError(t, err)
	assert.True(t, real[policy.Fold("kalkun")], "things.txt holds kalkun")
}

// TestFrequentRanges: the sets' descriptions name the lines of the
// frequency list they draw from, as many as it has: they said "lines
// 8,001-11,000" and "the first 8,000" after the list had moved to 9,000
// lines of its 10,000.
func TestFrequentRanges(t *testing.T) {
	listed, beyond := frequentRanges(10000)
	assert.Equal(t, "the first 9,000 lines", listed)
	assert.Equal(t, "lines 9,001-10,000", beyond)
	listed, beyond = frequentRanges(20000)
	assert.Equal(t, "the first 9,000 lines", listed)
	assert.Equal(t, "lines 9,001-12,000", beyond)
	listed, beyond = frequentRanges(500)
	assert.Equal(t, "the first 500 lines", listed)
	assert.Equal(t, "no lines", beyond)
}

// TestShapes: the third generator's passwords are 16-64 code points, the
// same on every run, and hold its shapes somewhere in 2,000.
func TestShapes(t *testing.T) {
	a, b := shapes(2000, 17), shapes(2000, 17)
	require.Equal(t, a, b)
	for _, pw := range a {
		n := utf8.RuneCountInString(pw)
		assert.True(t, n >= 16 && n <= 64, "length %d", n)
	}
	all := strings.Join(a, "\n")
	for _, want := range []string{"@gmail.", "lsker", "MittPassord", "barn", "HEIA", "<3", "qaz", "Volvo240", "2wsx", "3", "gata "} {
		assert.Contains(t, all, want)
	}
}

// TestPieces: the second generator's passwords are 16-64 code points, the
// same on every run, of two or more pieces, and hold each kind of piece
// somewhere in 2,000 (a keyboard's columns, a mobile number, a date, a
// word backwards, l33t).
func TestPieces(t *testing.T) {
	a, b := pieces(2000, 16), pieces(2000, 16)
	require.Equal(t, a, b)
	all := strings.Join(a, "\n")
	for _, pw := range a {
		n := utf8.RuneCountInString(pw)
		assert.True(t, n >= 16 && n <= 64, "length %d", n)
	}
	for _, want := range []string{"2wsx3edc", "16.06.", "mai", "drowssap", "k4ff3", "Oslo", "!?"} {
		assert.Contains(t, all, want)
	}
	phones := 0
	for _, pw := range a {
		for _, f := range strings.FieldsFunc(pw, func(r rune) bool { return r < '0' || r > '9' }) {
			if len(f) == 8 && (f[0] == '4' || f[0] == '9') {
				phones++
			}
		}
	}
	assert.Greater(t, phones, 50, "mobile numbers")
}

// TestZxcvbnVocabulary: zxcvbn's frequency lists are read from its
// lib/frequency_lists.js, a file without one of them fails with its name,
// and the vocabulary takes their words of letters only and is restored.
func TestZxcvbnVocabulary(t *testing.T) {
	file := filepath.Join(t.TempDir(), "frequency_lists.js")
	js := "var frequency_lists;\n\nfrequency_lists = {\n" +
		`  passwords: "123456,password,dragon,abc123,monkey".split(","),` + "\n" +
		`  english_wikipedia: "the,of,district".split(","),` + "\n" +
		`  female_names: "mary,patricia".split(","),` + "\n" +
		`  surnames: "smith,o'neil".split(","),` + "\n" +
		`  male_names: "james".split(","),` + "\n" +
		`  us_tv_and_film: "you,i,gonna".split(",")` + "\n};\n"
	require.NoError(t, os.WriteFile(file, []byte(js), 0o644))
	lists, err := readZxcvbnLists(file)
	require.NoError(t, err)
	assert.Equal(t, []string{"the", "of", "district"}, lists["english_wikipedia"])
	before := append([]string{}, enWords...)
	restore := zxcvbnVocabulary(lists)
	assert.Equal(t, []string{"the", "district", "you", "gonna"}, enWords)
	assert.Equal(t, []string{"password", "dragon", "monkey"}, nbWords)
	assert.Equal(t, []string{"mary", "patricia", "james"}, firsts)
	assert.Equal(t, []string{"smith"}, lasts)
	restore()
	assert.Equal(t, before, enWords)
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(js, "surnames", "lastnames", 1)), 0o644))
	_, err = readZxcvbnLists(file)
	require.ErrorContains(t, err, file)
	require.ErrorContains(t, err, "surnames")
}

// TestLeakedSubsets: the leaked set's subsets by words (case ignored, of
// the least length or more) and by a generator's shape.
func TestLeakedSubsets(t *testing.T) {
	pws := []string{"hL3Fp5SJqR8WMCyK", "Sommerfugl2024!!", "KATTEPUS12345678", "x7Rq2mZpL9vT4wYb!", "aB3dEfGhIjKlMnOp"}
	dict := []string{"sommer", "katt", "pus"}
	with, without := byWord(pws, 4, dict)
	assert.Equal(t, []string{"Sommerfugl2024!!", "KATTEPUS12345678"}, with)
	assert.Equal(t, []string{"hL3Fp5SJqR8WMCyK", "x7Rq2mZpL9vT4wYb!", "aB3dEfGhIjKlMnOp"}, without)
	with5, _ := byWord(pws, 5, dict)
	assert.Equal(t, []string{"Sommerfugl2024!!"}, with5, "katt and pus are shorter than 5")
	assert.Equal(t, []string{"hL3Fp5SJqR8WMCyK", "aB3dEfGhIjKlMnOp"}, randomShaped(without, false), "a symbol is no generator's of letters and digits")
	assert.Empty(t, randomShaped([]string{"abcdefghijklmnop1", "ABCDEFGHIJKLMNOP1"}, false), "a small letter, a capital and a digit")
	assert.Equal(t, []string{"x7Rq2mZpL9vT4wYb!"}, randomShaped(without, true), "a symbol and the three classes")
	assert.Equal(t, []string{"iA!VK#S=72q0UjG4"}, randomShaped([]string{"iA!VK#S=72q0UjG4", "abcdefgh_1234567", "abcdEfgh_ijklmno", "abcdéfgh_12345A7", "abcd efgh_1234A67"}, true),
		"a small letter, a capital, a digit and a symbol, printable ASCII (no é, no space)")
}
