package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// module builds a WebAssembly module by hand: one imported function, two
// bodies of 3 and 5 bytes, and names for the import and the first body
// only.
func module(withNames bool) []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	section := func(id byte, content []byte) {
		b = append(b, id, byte(len(content)))
		b = append(b, content...)
	}
	// imports: "env" "f", a function of type 0
	section(2, []byte{1, 3, 'e', 'n', 'v', 1, 'f', 0, 0})
	// code: two bodies
	section(10, []byte{2, 3, 0, 0, 0x0b, 5, 0, 0, 0, 0, 0x0b})
	if withNames {
		names := []byte{2, 0, 1, 'f', 1, 4, 'm', 'a', 'i', 'n'} // index 0 "f", index 1 "main"
		sub := append([]byte{1, byte(len(names))}, names...)
		section(0, append([]byte{4, 'n', 'a', 'm', 'e'}, sub...))
	}
	return b
}

func TestFuncSizes(t *testing.T) {
	sizes, err := funcSizes(module(true))
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"main": 3, "#2": 5}, sizes)

	_, err = funcSizes(module(false))
	assert.ErrorContains(t, err, "without -ldflags=-s")
	_, err = funcSizes([]byte("nope"))
	assert.ErrorContains(t, err, "not a WebAssembly module")
	cut := module(true)
	_, err = funcSizes(cut[:len(cut)-3])
	assert.Error(t, err, "a module cut short")
}

// TestBrotliSizes: the whole module and each section are compressed alone,
// the code section counted as code and the others as the rest.
func TestBrotliSizes(t *testing.T) {
	b := module(true)
	z, err := brotliSizes(b)
	require.NoError(t, err)
	assert.Equal(t, brotliLen(b), z.whole)
	assert.Equal(t, brotliLen([]byte{2, 3, 0, 0, 0x0b, 5, 0, 0, 0, 0, 0x0b}), z.code)
	assert.Zero(t, z.data, "the module has no data section")
	assert.Equal(t, brotliLen([]byte{1, 3, 'e', 'n', 'v', 1, 'f', 0, 0})+brotliLen(b[len(b)-17:]), z.rest, "the imports and the names")

	_, err = brotliSizes([]byte("nope"))
	assert.ErrorContains(t, err, "not a WebAssembly module")
	_, err = brotliSizes(b[:len(b)-3])
	assert.Error(t, err, "a module cut short")
}
