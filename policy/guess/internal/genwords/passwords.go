package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/policy/guess"
)

// passwordsHeader opens lists/passwords_short.txt; %d is the number of the
// password list's entries read.
const passwordsHeader = `# The words people build passwords of: the entries of 4-10 small letters (a-z) among the first %d
# of src/passwords.json of the npm package @zxcvbn-ts/language-common 4.1.3 (MIT; the list the common-password
# list is made of), in its order, written by scripts/gen-common.sh through genwords -passwords. The common-password
# list holds entries of 8+ code points only (no policy allows a shorter password), so "yankees", "wizard" and
# "buster" were on no list, and a long password built of them read as a generator's letters; and it keeps only
# what the estimator cannot refuse on its own, so "shamrock", "deftones" and "cooldude" were words of no list
# inside a longer password. A word another list holds is left out.
`

// passwordEntries is how many entries of the password list are read, and
// passwordLetters the longest entry taken. Until 2026-12-03 the first
// 2,000 of 4-7 letters (about 900 words, 3 KB of the module, brotli); the
// first 5,000 of 4-10 letters are about 2,800 words for 5.6 KB more, and
// took the pieces of zxcvbn's English vocabulary from 22.9% to 19.3%
// accepted (n = 20,000), the leaked entries with a word from 1.45% to
// 1.29% (BENCHMARKS.md). Entries of 8-10 letters came in with them: the
// common list's are pruned to what the estimator refuses on its own
// ("shamrock" is, as a word of no list at 10^5.8 on 8 code points), so
// inside a longer password they were words of no list.
const (
	passwordEntries = 5000
	passwordLetters = 10
)

// passwordsFile is the list writePasswords writes.
const passwordsFile = "passwords_short.txt"

// passwordsScale is the list's scale in lists: about one entry in two of
// the password list's first thousands is a word of 4-10 small letters
// that no other list holds (2,738 of 5,000), so
// its n-th word stands about 2n-th there.
const passwordsScale = 2

// writePasswords writes lists/passwords_short.txt in dir from the password
// list pwJSON (a JSON array of strings, most common first).
func writePasswords(dir, pwJSON string) error {
	data, err := os.ReadFile(pwJSON)
	if err != nil {
		return err
	}
	var entries []string
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("%s: %w", pwJSON, err)
	}
	ranks, err := otherRanks(dir, passwordsFile)
	if err != nil {
		return err
	}
	words := passwordWords(entries[:min(len(entries), passwordEntries)], ranks)
	out := strings.Replace(passwordsHeader, "%d", strconv.Itoa(passwordEntries), 1) + strings.Join(words, "\n") + "\n"
	return os.WriteFile(dir+"/"+passwordsFile, []byte(out), 0o644)
}

// shaped reports whether the estimator's keyboard and sequence matchers
// explain w whole without a dictionary: a keyboard walk ("asdfghjkl",
// "qazwsx") or a sequence ("abcdefgh"). Such an entry of the list would be
// named "a common password" where feedback says "a keyboard row", at about
// the same price. Repeats stay on the list: "banana", "lisalisa" and
// "mikemike" cost 10^5.2-6.2 as repeats, their rank 10^2.5-3.5.
func shaped(w string) bool {
	rs := []rune(w)
	r := guess.Estimate(guess.Input{Typed: rs, Lower: rs, Folded: rs})
	const shapes = 1<<guess.KindKeyboard | 1<<guess.KindSequence
	return r.Kinds != 0 && r.Kinds&^shapes == 0 && r.MarkedCount() == len(rs)
}

// passwordWords returns the entries of 4-10 small letters a-z, in order,
// each once, without the shaped ones and those another list holds (ranks: by folded word),
// whatever its rank there: such a word keeps its kind, a phrase's word or
// a name, which a password's is not (with them here at their better rank,
// phrases of frequent Norwegian words were accepted 1.1% of the time
// instead of 0.7%), and the list the bytes.
func passwordWords(entries []string, ranks map[string]int) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range entries {
		if len(w) < 4 || len(w) > passwordLetters || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" || seen[w] {
			continue
		}
		if _, ok := ranks[policy.Fold(w)]; ok || shaped(w) {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}
