package policy

import "strings"

// Fold returns the copy of s that the username, name, context and common
// rules match on.
//
// PLACEHOLDER: lower-casing only. The real fold (NFKC, case folding, common
// substitutions undone) replaces this file.
func Fold(s string) string { return strings.ToLower(s) }
