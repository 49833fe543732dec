package main

import (
	"bufio"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeysOf: the layout's keys type the Russian letters.
func TestKeysOf(t *testing.T) {
	assert.Equal(t, "ghbdtn", KeysOf("привет"))
	assert.Equal(t, "ghbdtn", KeysOf("ПРИВЕТ"))
	assert.Equal(t, "k.,jdm", KeysOf("любовь"))
	assert.Equal(t, "", KeysOf("privet"), "Latin letters are no Russian word")
	assert.Equal(t, len([]rune(Letters)), len(Keys), "one key a letter")
}

// TestLatinOf: Russian words in the Latin spelling passwords use.
func TestLatinOf(t *testing.T) {
	assert.Equal(t, "privet", LatinOf("привет"))
	assert.Equal(t, "zhenya", LatinOf("Женя"))
	assert.Equal(t, "yulya", LatinOf("юля"))
	assert.Equal(t, "lyubov", LatinOf("любовь"), "the soft sign is left out")
	assert.Equal(t, "", LatinOf("privet"))
}

// TestGenerate: a list of 1,000 words or more makes the model's source;
// too short a list is refused.
func TestGenerate(t *testing.T) {
	words := strings.Repeat("привет\nмир\n", 600)
	src, err := Generate(bufio.NewScanner(strings.NewReader(words)), 10000)
	require.NoError(t, err)
	assert.Contains(t, src, "package guess")
	assert.Contains(t, src, "russianModel")
	assert.Contains(t, src, "russianLatinModel")
	_, err = Generate(bufio.NewScanner(strings.NewReader("привет\n")), 10000)
	assert.ErrorContains(t, err, "1,000")
}

// TestKeyedWords: the list holds the most frequent words as typed, in
// order, without short words, words typed with punctuation keys, words of
// the excluded lists and repeats; a source with too few such words is
// refused.
func TestKeyedWords(t *testing.T) {
	var src strings.Builder
	src.WriteString("я\nмне\nмама\nлюблю\nмама\nруки\nсердце\nprivet\n")
	for i := 0; i < ListWords; i++ {
		src.WriteString(strings.Repeat("м", 4+i%7) + strings.Repeat("а", 1+i/7) + "\n")
	}
	words, err := KeyedWords(bufio.NewScanner(strings.NewReader(src.String())), map[string]bool{"herb": true})
	require.NoError(t, err)
	require.Len(t, words, ListWords)
	assert.Equal(t, []string{"vfvf", "cthlwt", "vvvvf"}, words[:3],
		"я and мне too short, люблю typed with punctuation, руки typed as the English herb, мама once, privet no Russian")
	_, err = KeyedWords(bufio.NewScanner(strings.NewReader("мама\nпапа\n")), nil)
	assert.ErrorContains(t, err, "2 typed words")
}
