package guess

import (
	"strings"
	"unicode/utf8"
)

// Dictionary is the set of ranked words Estimate matches: every embedded
// list (see lists) and, when given, the common-password list. It is an
// open-addressing hash table of 64-bit hashes of every word and every prefix
// of a word, so that a scan from each position stops at the first prefix no
// word has. It holds no pointers (the garbage collector never scans it). A
// Dictionary is read-only once built and safe for concurrent use.
type Dictionary struct {
	keys   []uint64 // FNV-1a of the runes; 0 is an empty slot
	vals   []uint32 // rank<<5 | kind<<1 | 1 when a whole word (else a prefix only)
	shift  uint     // 64 - log2(len(keys))
	maxLen int      // the longest word, in code points
}

// PasswordRank is the rank every entry of the common-password list gets:
// the list given to NewDictionary is sorted, not ranked, so each entry
// counts as the middle of a list of its size (17,905 entries).
const PasswordRank = 10000

// NewDictionary builds the dictionary of the embedded lists and passwords, a
// list of common passwords, one per line (lines starting with # and empty
// lines are skipped), folded as Input.Folded is; every entry gets rank
// PasswordRank. Building it takes milliseconds (see Prepare).
func NewDictionary(passwords string) *Dictionary {
	runes := len(passwords)
	for _, l := range lists {
		runes += len(l.words)
	}
	size := 1 << 10
	shift := uint(64 - 10)
	for size < runes+runes/4 {
		size *= 2
		shift--
	}
	d := &Dictionary{keys: make([]uint64, size), vals: make([]uint32, size), shift: shift}
	for _, l := range lists {
		d.addList(l.words, l.kind, 0, l.scale)
	}
	d.addList(passwords, KindPassword, PasswordRank, 1)
	return d
}

// addList adds the lines of words as kind, each ranked by its line number
// (1-based) times scale, or all as rank when rank is not 0.
func (d *Dictionary) addList(words string, kind Kind, rank, scale int) {
	line := 0
	for words != "" {
		w := words
		if i := strings.IndexByte(words, '\n'); i >= 0 {
			w, words = words[:i], words[i+1:]
		} else {
			words = ""
		}
		if w == "" || w[0] == '#' {
			continue
		}
		line++
		r := rank
		if r == 0 {
			r = line * scale
		}
		d.add(w, kind, r)
	}
}

const hashStart = 14695981039346656037

func hashStep(h uint64, r rune) uint64 { return (h ^ uint64(r)) * 1099511628211 }

// add inserts word and its prefixes.
func (d *Dictionary) add(word string, kind Kind, rank int) {
	h := uint64(hashStart)
	n := 0
	for i, r := range word {
		h = hashStep(h, r)
		n++
		val := uint32(0)
		if i+utf8.RuneLen(r) == len(word) {
			val = uint32(min(rank, 1<<26))<<5 | uint32(kind)<<1 | 1
		}
		d.put(h, val)
	}
	d.maxLen = max(d.maxLen, n)
}

// put stores val (0: prefix only) under h, keeping an existing word of a
// lower rank.
func (d *Dictionary) put(h uint64, val uint32) {
	if h == 0 {
		h = 1
	}
	mask := uint64(len(d.keys) - 1)
	for i := (h * 0x9E3779B97F4A7C15) >> d.shift; ; i = (i + 1) & mask {
		switch d.keys[i] {
		case 0:
			d.keys[i], d.vals[i] = h, val
			return
		case h:
			old := d.vals[i]
			if val&1 != 0 && (old&1 == 0 || val>>5 < old>>5) {
				d.vals[i] = val
			}
			return
		}
	}
}

// get returns the value stored under h, or 0 when neither a word nor a
// prefix has it (prefix-only entries are returned as 2).
func (d *Dictionary) get(h uint64) uint32 {
	if h == 0 {
		h = 1
	}
	mask := uint64(len(d.keys) - 1)
	for i := (h * 0x9E3779B97F4A7C15) >> d.shift; ; i = (i + 1) & mask {
		switch d.keys[i] {
		case 0:
			return 0
		case h:
			if v := d.vals[i]; v != 0 {
				return v
			}
			return 2
		}
	}
}

// minWord is the least length of a dictionary match, and minReversed of a
// reversed one (shorter reversed words are mostly chance).
const (
	minWord     = 3
	minReversed = 4
)

// matchDictionary adds every word of d found in folded, forwards and
// reversed.
func matchDictionary(ms *matches, d *Dictionary, typed, lower, folded []rune) {
	n := len(folded)
	for i := 0; i < n; i++ {
		h := uint64(hashStart)
		for j := i; j < n && j-i < d.maxLen; j++ {
			h = hashStep(h, folded[j])
			v := d.get(h)
			if v == 0 {
				break
			}
			if v&1 != 0 && j+1-i >= minWord {
				ms.add(i, j+1, Kind(v>>1&15), log10(float64(v>>5))+wordVariations(typed[i:j+1], lower[i:j+1], folded[i:j+1]))
			}
		}
		// Reversed: the word read from i leftwards.
		h = hashStart
		for j := i; j >= 0 && i-j < d.maxLen; j-- {
			h = hashStep(h, folded[j])
			v := d.get(h)
			if v == 0 {
				break
			}
			if v&1 != 0 && i+1-j >= minReversed {
				ms.add(j, i+1, Kind(v>>1&15), log10(float64(v>>5))+wordVariations(typed[j:i+1], lower[j:i+1], folded[j:i+1])+log2)
			}
		}
	}
}

const log2 = 0.30103

// matchContext adds the caller's context words found in folded, as rank 1.
func matchContext(ms *matches, typed, lower, folded []rune, words []string) {
	for _, w := range words {
		if utf8.RuneCountInString(w) < minWord {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		for i := range folded {
			if folded[i] != first {
				continue
			}
			j := i
			for _, r := range w {
				if j >= len(folded) || folded[j] != r {
					j = -1
					break
				}
				j++
			}
			if j > i {
				ms.add(i, j, KindContext, wordVariations(typed[i:j], lower[i:j], folded[i:j]))
			}
		}
	}
}

// wordVariations returns log10 of the guesses for the ways a dictionary
// word was capitalised and l33t-substituted (zxcvbn's uppercase and l33t
// variations).
func wordVariations(typed, lower, folded []rune) float64 {
	up, low := 0, 0
	firstUp, lastUp := false, false
	for k := range typed {
		switch {
		case typed[k] != lower[k]:
			up++
			if k == 0 {
				firstUp = true
			}
			if k == len(typed)-1 {
				lastUp = true
			}
		case isLetter(lower[k]):
			low++
		}
	}
	v := 1.0
	switch {
	case up == 0:
	case low == 0, up == 1 && (firstUp || lastUp):
		v = 2
	default:
		v = variations(up, low)
	}
	// l33t: per target letter, the substituted and the plain occurrences.
	var sub, plain [len(l33tTargets)]int
	any := false
	for k := range lower {
		t := strings.IndexRune(l33tTargets, folded[k])
		if t < 0 {
			continue
		}
		if lower[k] != folded[k] && lower[k] != 'l' {
			sub[t]++
			any = true
		} else {
			plain[t]++
		}
	}
	if any {
		for t := range sub {
			v *= variations(sub[t], plain[t])
		}
	}
	return log10(v)
}

// l33tTargets are the letters a substitution stands for (as folded).
const l33tTargets = "oieast"

func isLetter(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 0xdf && r <= 0xff && r != 0xf7 || r > 0xff && r != utf8.RuneError
}
