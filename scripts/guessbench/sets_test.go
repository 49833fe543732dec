package main

import (
	"os"
	"path/filepath"
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
	files, err := filepath.Glob("../../policy/guess/internal/genwords/lists/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	listed := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, l := range strings.Split(string(data), "\n") {
			listed[policy.Fold(strings.TrimSpace(l))] = true
		}
	}
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
