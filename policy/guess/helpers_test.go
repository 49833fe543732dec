package guess

import "unicode"

// in builds an Input from s the way the policy package does (per code
// point: case-folded, then policy.Fold's substitutions undone).
func in(s string) Input {
	typed := []rune(s)
	lower := make([]rune, len(typed))
	folded := make([]rune, len(typed))
	for i, r := range typed {
		lower[i] = unicode.ToLower(r)
		folded[i] = sub(lower[i])
	}
	return Input{Typed: typed, Lower: lower, Folded: folded}
}

func sub(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1', 'l':
		return 'i'
	case '3', '€':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return r
}

// binom returns n choose k as a float, from scratch (the reference the
// tables are held to).
func binom(n, k int) float64 {
	if k < 0 || k > n {
		return 0
	}
	k = min(k, n-k)
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
