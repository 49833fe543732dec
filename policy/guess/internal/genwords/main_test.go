package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
