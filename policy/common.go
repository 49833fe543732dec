package policy

// commonMatch reports whether the password (as typed; folded is Fold of it)
// is a common or expected password, and which kind of match it was ("list",
// "season", "keyboard", "sequence", "repeat").
//
// PLACEHOLDER: matches nothing. The real list and patterns replace this file.
func commonMatch(password, folded string) (kind string, ok bool) { return "", false }
