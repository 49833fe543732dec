package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/styrke-iam/styrke/policy"
)

// passwordsHeader opens lists/passwords_short.txt; %d is the number of the
// password list's entries read.
const passwordsHeader = `# The short words people build passwords of: the entries of 4-7 small letters (a-z) among the first %d
# of src/passwords.json of the npm package @zxcvbn-ts/language-common 4.1.3 (MIT; the list the common-password
# list is made of), in its order, written by scripts/gen-common.sh through genwords -passwords. The common-password
# list holds entries of 8+ code points only (no policy allows a shorter password), so "yankees", "wizard" and
# "buster" were on no list, and a long password built of them read as a generator's letters. A word another list
# holds is left out.
`

// passwordEntries is how many entries of the password list are read: the
// first 2,000 give about 900 words for about 3 KB of the module (brotli);
// the first 5,000 about 2,400 words for 8 KB, which took the leaked
// entries with a word only from 1.3% to 1.2% accepted (BENCHMARKS.md).
const passwordEntries = 2000

// passwordsFile is the list writePasswords writes.
const passwordsFile = "passwords_short.txt"

// passwordsScale is the list's scale in lists: about one entry in two of
// the password list's first thousands is a word of 4-7 small letters, so
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

// passwordWords returns the entries of 4-7 small letters a-z, in order,
// each once, without those another list holds (ranks: by folded word),
// whatever its rank there: such a word keeps its kind, a phrase's word or
// a name, which a password's is not (with them here at their better rank,
// phrases of frequent Norwegian words were accepted 1.1% of the time
// instead of 0.7%), and the list the bytes.
func passwordWords(entries []string, ranks map[string]int) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range entries {
		if len(w) < 4 || len(w) > 7 || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" || seen[w] {
			continue
		}
		if _, ok := ranks[policy.Fold(w)]; ok {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}
