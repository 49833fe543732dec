package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCollected(t *testing.T) {
	n, err := parseCollected("==25684== \n==25684== Events    : Ir\n==25684== Collected : 497577551\n==25684== \n==25684== I   refs:      497,577,551\n")
	require.NoError(t, err)
	assert.Equal(t, int64(497577551), n)
	_, err = parseCollected("valgrind: the 'impossible' happened\n")
	assert.ErrorContains(t, err, "no \"Collected\" line")
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 237806: "237,806", 1234567: "1,234,567"} {
		assert.Equal(t, want, group(n))
	}
}

func TestRunRejectsBadIterations(t *testing.T) {
	assert.ErrorContains(t, run([]string{"-lo", "500", "-hi", "500"}, nil), "-hi over it")
}
