package policy

// commonMatch reports whether the folded password is a common or expected
// password, and which kind of match it was ("list", "season", "keyboard",
// "sequence", "repeat").
//
// PLACEHOLDER: matches nothing. The real list and patterns replace this file.
func commonMatch(folded string) (kind string, ok bool) { return "", false }
