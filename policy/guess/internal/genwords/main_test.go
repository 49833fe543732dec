package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy"
)

// TestWordsAreCurrent: policy/guess/words.go is what the lists make (run
// `go run ./policy/guess/internal/genwords` from the repository's root).
func TestWordsAreCurrent(t *testing.T) {
	want, err := Generate("lists")
	require.NoError(t, err)
	got, err := os.ReadFile("../../words.go")
	require.NoError(t, err)
	assert.True(t, want == string(got), "policy/guess/words.go is stale: run go run ./policy/guess/internal/genwords")
}

// TestFrequentWords: the frequency list's words of 4+ small letters, in
// order, without English words, repeats, or words another list ranks as
// well or better.
func TestFrequentWords(t *testing.T) {
	lines := []string{"jeg", "skal", "okay", "Oslo", "hjem", "ikke2", "hemmelig", "skal", "kjærlighet", " bare "}
	english := map[string]bool{"okay": true}
	ranks := map[string]int{policy.Fold("hemmelig"): 2, policy.Fold("kjærlighet"): 3000} // folded, as read returns them
	assert.Equal(t, []string{"skal", "hjem", "kjærlighet", "bare"}, frequentWords(lines, english, ranks))
}

// TestLineSetWordsNotNames: the English words left out are wamerican's
// lines in small letters; its names ("Kevin", "Venn") are not among them.
func TestLineSetWordsNotNames(t *testing.T) {
	file := t.TempDir() + "/words"
	require.NoError(t, os.WriteFile(file, []byte("okay\nKevin\nVenn\nhand\n"), 0o644))
	set, err := lineSet(file)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"okay": true, "hand": true}, set)
}

// TestFrequentListHeld: the list is written by scripts/gen-frequency.sh
// and kept: it has the words it was made with (a regenerated list that
// lost them would change every figure of BENCHMARKS.md's guess section).
func TestFrequentListHeld(t *testing.T) {
	words, err := read("lists/" + frequentFile)
	require.NoError(t, err)
	assert.Greater(t, len(words), 1500)
	// "venn" and "fisk" are names in wamerican ("Venn", "Fisk"), not its
	// English words: they stay.
	for _, w := range []string{"virkelig", "trenger", "hvordan", "drepe", "venn", "fisk"} {
		assert.Contains(t, words, policy.Fold(w))
	}
}

// TestPasswordWords: the password list's entries of 4-10 small letters
// a-z, in order, each once, without those another list holds at any rank
// and those the estimator explains as a keyboard walk or a sequence; a
// repeat stays.
func TestPasswordWords(t *testing.T) {
	entries := []string{"123456", "password", "dragon", "yankees", "abc", "Buster", "wizard", "qwerty1", "fotball", "yankees", "trustno1", "slick", "shamrock", "basketballs", "blackberry", "asdfghjkl", "qazwsx", "abcdefgh", "lisalisa"}
	ranks := map[string]int{policy.Fold("dragon"): 4000, policy.Fold("fotball"): 7, policy.Fold("password"): 1} // folded, as read returns them
	assert.Equal(t, []string{"yankees", "wizard", "slick", "shamrock", "blackberry", "lisalisa"}, passwordWords(entries, ranks))
}

// TestPasswordListHeld: the list is written by scripts/gen-common.sh and
// kept, with the words it was made with.
func TestPasswordListHeld(t *testing.T) {
	words, err := read("lists/" + passwordsFile)
	require.NoError(t, err)
	assert.Greater(t, len(words), 2500)
	for _, w := range []string{"yankees", "wizard", "buster", "slick", "shamrock", "deftones", "cooldude"} {
		assert.Contains(t, words, policy.Fold(w))
	}
	for _, w := range []string{"dragon", "monkey", "password", "football"} { // on other lists
		assert.NotContains(t, words, policy.Fold(w))
	}
}
