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
