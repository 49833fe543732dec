package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOverlay: the k-th layout's file is the source with k blank lines
// atop it, named in an overlay file of go build's format, and the source
// itself is not written.
func TestOverlay(t *testing.T) {
	tmp := t.TempDir()
	path := filepath.Join(tmp, "src.go")
	require.NoError(t, os.WriteFile(path, []byte("package x\n"), 0o644))
	env, err := overlay(tmp, path, []byte("package x\n"), 3)
	require.NoError(t, err)
	o, ok := strings.CutPrefix(env, "GOFLAGS=-overlay=")
	require.True(t, ok, env)
	var spec struct{ Replace map[string]string }
	raw, err := os.ReadFile(o)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &spec))
	padded, err := os.ReadFile(spec.Replace[path])
	require.NoError(t, err)
	assert.Equal(t, "\n\n\npackage x\n", string(padded))
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "package x\n", string(src))
}

func TestReport(t *testing.T) {
	assert.Equal(t, "layout +0: 10 bytes\nlayout +1: 14 bytes\nmean 12 bytes, from 10 to 14 (spread 4)\n", report([]int{10, 14}))
}

func TestMeasureBounds(t *testing.T) {
	_, err := measure(t.Context(), ".", "main.go", 0)
	assert.ErrorContains(t, err, "between 1 and 64")
}
