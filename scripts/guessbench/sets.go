package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The vocabulary of the predictable set. It is written here on purpose and
// overlaps the estimator's lists only in part: names, words and places that
// the lists do not have are in it too, so that the figures show what the
// estimator finds beyond its own lists.
var (
	seasonsNB = []string{"sommer", "vinter", "høst", "vår", "haust", "sumar", "summer", "winter", "spring", "autumn"}
	monthsNB  = []string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember", "january", "october", "december", "jan", "feb", "des", "okt"}
	weekdays  = []string{"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag", "laurdag", "monday", "friday", "sunday"}
	firsts    = []string{"kari", "ola", "per", "anne", "nora", "emma", "jonas", "lars", "ingrid", "sofie", "magnus", "thea", "henrik", "marit", "sindre", "astrid", "jakob", "linnea", "eirik", "tuva", "mathilde", "torbjørn", "solveig", "åsmund", "gunnhild", "sigve", "iselin", "vebjørn", "ronja", "birk"}
	lasts     = []string{"nordmann", "hansen", "johansen", "olsen", "larsen", "berg", "haugen", "dahl", "lie", "bakken", "solberg", "strand", "eide", "nygård", "sæther", "fjeld", "kvam", "rønning", "aasheim", "brekke"}
	nbWords   = []string{"passord", "hemmelig", "velkommen", "sommerferie", "kjærlighet", "fotball", "sjokolade", "eplekake", "hytta", "fjellet", "hunden", "katten", "mamma", "pappa", "bestevenn", "jegelskerdeg", "solskinn", "regnbue", "blåbær", "sjøen", "kaffe", "pizza", "skolen", "jobben", "norge", "viking", "prinsesse", "stjerne", "hjertet", "trollmann", "hestejente", "snøfnugg", "bamsefar", "kosekatt", "fiskestang"}
	enWords   = []string{"password", "iloveyou", "welcome", "dragon", "monkey", "sunshine", "princess", "football", "superman", "shadow", "master", "letmein", "freedom", "whatever", "chocolate", "butterfly", "summer", "flower", "mustang", "starwars", "pokemon", "minecraft", "baseball", "jordan", "hunter"}
	places    = []string{"oslo", "bergen", "trondheim", "stavanger", "tromsø", "bodø", "ålesund", "drammen", "lofoten", "hardanger", "voss", "molde", "narvik", "alta", "geilo", "hemsedal", "finnmark", "sunnmøre", "jæren", "valdres"}
	clubs     = []string{"rosenborg", "brann", "vålerenga", "molde", "viking", "lillestrøm", "glimt", "tromsø", "odd", "liverpool", "arsenal", "barcelona", "chelsea", "united", "juventus", "storhamar"}
	keyboards = []string{"qwerty", "qwertyuiop", "asdfgh", "asdfghjkl", "asdfghjkløæ", "zxcvbnm", "1q2w3e4r", "1q2w3e4r5t", "zaq1xsw2", "zaq12wsx", "qazwsx", "poiuytrewq", "1qaz2wsx", "!qaz2wsx", "qweasdzxc", "123qwe", "qwe123", "1234qwer", "åpoiuytrewq", "mnbvcxz"}
	seps      = []string{"", "", "", "!", ".", "-", "_", "#", "!!", "?", "@", " "}
	tails     = []string{"", "!", "!!", "?", ".", "#", "123", "1", "12", "!?", "*", "$"}
)

// freshVocabulary swaps in names, words, places and clubs that no list of
// the estimator holds (checked by TestFreshVocabularyIsFresh), for a set
// that shows what the estimator finds beyond its lists; it returns a
// function that restores the first vocabulary.
func freshVocabulary() (restore func()) {
	f, l, w, p, c := firsts, lasts, nbWords, places, clubs
	firsts = []string{"arnulv", "asgaut", "gunstein", "fridtjov", "haldor", "hallgrim", "kolbein", "lodve", "gudleik", "sjurd", "steinulf", "torleiv", "alvhild", "bergliot", "gyri", "halldis", "haldis", "reidunn", "kolfinn", "oddlaug", "rannfrid", "sigrunn", "tordis", "unnveig", "ådne", "brynjulf", "herleik", "ingjerd", "torhild", "gullborg"}
	lasts = []string{"aarflot", "bjordal", "brakstad", "dyrnes", "eidsaa", "fivelstad", "gjersvik", "hatlevik", "kjølsrud", "lillebø", "mydland", "nedrebø", "ofstad", "pladsen", "rosseland", "skarholt", "tjønnås", "uthaug", "vadla", "årvik"}
	nbWords = []string{"lakseelv", "snekker", "kaffekopp", "morellpai", "gressklipper", "sykkeltur", "fotballbane", "skolesekk", "vinterjakke", "fjellgeit", "klatretur", "badeland", "pannekake", "blåveis", "hjemmebane", "brødskive", "marsipan", "kjøkkenbord", "stjerneskudd", "solbriller", "regnjakke", "saltkjeks", "melkesjokolade", "badebukse", "tannbørste", "hoppbakke", "skitur", "lavvo", "nordlys", "midnattsol", "fyrlykt", "kirkeklokke", "postkasse", "trampoline", "snømann"}
	places = []string{"olden", "loen", "fjærland", "undredal", "skjolden", "vikebygd", "jørpeland", "hommersåk", "vigrestad", "nærbø", "varhaug", "kvelde", "svarstad", "treungen", "vrådal", "bøverdal", "fagernes", "lesjaskog", "hjerkinn", "kvikne"}
	clubs = []string{"stålkameratene", "snøgg", "pors", "urædd", "træff", "varegg", "gneist", "orkla", "brattvåg", "fløya", "tollnes", "kråkerøy", "bjarg", "djerv", "sotra", "lyngbø"}
	return func() { firsts, lasts, nbWords, places, clubs = f, l, w, p, c }
}

// fakerVocabulary swaps in the names, surnames, words and places of
// @faker-js/faker's nb_NO locale (categories as its definitions name them,
// read by readFaker), a vocabulary written by others for other ends: its
// first names, surnames, animals, food, colours, adjectives, vehicles and
// zodiac signs, and its municipalities and counties. Only entries of one
// word of letters are used; the clubs stay. It returns a function that
// restores the first vocabulary.
func fakerVocabulary(defs map[string][]string) (restore func()) {
	f, l, w, p := firsts, lasts, nbWords, places
	take := func(keys ...string) []string {
		var out []string
		for _, k := range keys {
			for _, e := range defs[k] {
				e = strings.ToLower(e)
				if utf8.RuneCountInString(e) >= 3 && strings.Trim(e, "abcdefghijklmnopqrstuvwxyzæøåéü") == "" {
					out = append(out, e)
				}
			}
		}
		return out
	}
	firsts = take("person.first_name.female", "person.first_name.male")
	lasts = take("person.last_name.generic")
	nbWords = take("animal.bird", "animal.fish", "animal.pet_name", "animal.type", "color.human", "food.dish", "food.fruit", "food.vegetable", "food.spice", "food.ingredient", "food.meat", "food.adjective", "word.adjective", "vehicle.type", "person.western_zodiac_sign")
	places = take("location.county", "location.state")
	return func() { firsts, lasts, nbWords, places = f, l, w, p }
}

// frequentWords swaps the common Norwegian words for words (a frequency
// list's first entries), for a set made of the words people use most
// rather than the ones the lists were written with; it returns a function
// that restores the first vocabulary.
func frequentWords(words []string) (restore func()) {
	w := nbWords
	nbWords = words
	return func() { nbWords = w }
}

func pick[T any](r source, s []T) T {
	v := s[r.IntN(len(s))]
	// A tracker counts 1/len(s) for the draw; a string that stands in s
	// k times is drawn with k times that.
	if t, ok := r.(*tracker); ok {
		if ss, ok := any(s).([]string); ok {
			t.log10p += math.Log10(float64(multiplicity(ss, any(v).(string))))
		}
	}
	return v
}

// multiplicity returns how many times v stands in ss; for a long list (a
// dictionary of 300,000 lines) from a table built once per list. Lists
// made afresh for each draw (shapes' either) are short, and scanned: a
// table of each would be built for one draw and kept.
func multiplicity(ss []string, v string) int {
	if len(ss) <= 4096 {
		k := 0
		for _, x := range ss {
			if x == v {
				k++
			}
		}
		return k
	}
	key := listKey{&ss[0], len(ss)}
	m, ok := multiplicities[key]
	if !ok {
		if len(multiplicities) >= 16 {
			clear(multiplicities) // a long list made afresh after all: keep the memory bounded
		}
		m = make(map[string]int, len(ss))
		for _, x := range ss {
			m[x]++
		}
		multiplicities[key] = m
	}
	return m[v]
}

// listKey names a list by where it starts and its length.
type listKey struct {
	first *string
	n     int
}

// multiplicities are multiplicity's tables, by list.
var multiplicities = map[listKey]map[string]int{}

// capital capitalises s's first letter with probability p.
func capital(r source, s string, p float64) string {
	yes := chance(r, p)
	c := capitalised(s)
	// Where the capital changes nothing ("1qaz"), both branches make s.
	taken := 0
	if yes {
		taken = 1
	}
	alike(r, []string{s, c}, []float64{1 - p, p}, taken)
	if !yes {
		return s
	}
	return c
}

// capitalised returns s with its first letter in capitals.
func capitalised(s string) string {
	if s == "" {
		return s
	}
	c, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(c)) + s[n:]
}

// leet substitutes a few letters with probability p.
func leet(r source, s string, p float64) string {
	if !chance(r, p) {
		return s
	}
	rep := [][2]string{{"a", "@"}, {"o", "0"}, {"e", "3"}, {"i", "1"}, {"s", "$"}, {"a", "4"}, {"s", "5"}}
	t := pick(r, rep)
	return strings.ReplaceAll(s, t[0], t[1])
}

func year(r source) string {
	switch slot(r, 4, 1, 2) {
	case 0:
		return strconv.Itoa(1950 + r.IntN(60))
	case 1:
		return strconv.Itoa(10 + r.IntN(90))
	}
	return strconv.Itoa(2015 + r.IntN(13))
}

func date(r source) string {
	d, m := 1+r.IntN(28), 1+r.IntN(12)
	y := 1950 + r.IntN(60)
	dd := func(v int) string {
		if v < 10 {
			return "0" + strconv.Itoa(v)
		}
		return strconv.Itoa(v)
	}
	switch r.IntN(5) {
	case 0:
		return dd(d) + dd(m) + strconv.Itoa(y)[2:]
	case 1:
		return dd(d) + dd(m) + strconv.Itoa(y)
	case 2:
		return dd(d) + "." + dd(m) + "." + strconv.Itoa(y)
	case 3:
		return strconv.Itoa(d) + pick(r, []string{"mai", "des", "juni", "okt"})
	}
	return strconv.Itoa(y) + "-" + dd(m) + "-" + dd(d)
}

func digitRun(r *rand.Rand) string {
	runs := []string{"123", "1234", "12345", "123456", "1234567", "12345678", "123456789", "1234567890", "0987654321", "987654321", "2468", "13579", "111", "0000", "4321", "112233", "123123", "101010", "7777"}
	return pick(r, runs)
}

// word returns a common word of any kind, maybe capitalised or in l33t.
func word(r *rand.Rand) string {
	var w string
	switch r.IntN(7) {
	case 0, 1:
		w = pick(r, nbWords)
	case 2:
		w = pick(r, enWords)
	case 3:
		w = pick(r, firsts)
	case 4:
		w = pick(r, places)
	case 5:
		w = pick(r, clubs)
	default:
		w = pick(r, append(append([]string{}, seasonsNB...), monthsNB...))
	}
	return leet(r, capital(r, w, 0.6), 0.15)
}

// predictable returns n predictable passwords of 16+ code points, built in
// the ways people build them (each way equally often).
func predictable(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	ways := []func() string{
		// season or month and a year, repeated, maybe with a changed suffix
		func() string {
			s := capital(r, pick(r, append(append([]string{}, seasonsNB...), monthsNB...)), 0.7) + year(r) + pick(r, tails)
			if r.IntN(3) == 0 {
				return s + capital(r, pick(r, seasonsNB), 0.7) + year(r) + pick(r, tails)
			}
			return s + pick(r, seps) + s
		},
		// a word and a long digit run
		func() string { return word(r) + pick(r, seps) + digitRun(r) + digitRun(r) + pick(r, tails) },
		// keyboard patterns with digits and punctuation
		func() string {
			return capital(r, pick(r, keyboards), 0.4) + pick(r, seps) + pick(r, []string{pick(r, keyboards), digitRun(r), year(r)}) + pick(r, tails)
		},
		// first name and surname and a year or a date
		func() string {
			return capital(r, pick(r, firsts), 0.7) + pick(r, seps) + capital(r, pick(r, lasts), 0.7) + pick(r, []string{year(r), date(r)}) + pick(r, tails)
		},
		// club or place and a year, twice
		func() string {
			s := capital(r, pick(r, append(append([]string{}, clubs...), places...)), 0.7) + year(r)
			return s + pick(r, seps) + s + pick(r, tails)
		},
		// two or three common words and a year
		func() string {
			s := word(r) + pick(r, seps) + word(r)
			if r.IntN(2) == 0 {
				s += pick(r, seps) + word(r)
			}
			return s + year(r) + pick(r, tails)
		},
		// a date and a word
		func() string {
			if r.IntN(2) == 0 {
				return date(r) + pick(r, seps) + word(r) + pick(r, seps) + word(r)
			}
			return word(r) + pick(r, seps) + date(r) + pick(r, tails)
		},
		// a short block repeated
		func() string {
			b := word(r)
			if r.IntN(2) == 0 {
				b = capital(r, pick(r, firsts), 1) + strconv.Itoa(r.IntN(100)) + pick(r, tails)
			}
			s := b
			for utf8.RuneCountInString(s) < 16 {
				s += b
			}
			return s
		},
		// sequences with a word or a weekday
		func() string {
			seqs := []string{"abcdefgh", "abcdef", "abc123", "abcdefghijklmnop", "æøå", "xyzæøå", "zyxwvu", "1234567890", "0123456789"}
			return capital(r, pick(r, append(append([]string{}, weekdays...), nbWords...)), 0.5) + pick(r, seps) + pick(r, seqs) + pick(r, tails)
		},
		// a short password spelt out to make it long: a separator between
		// its code points ("s.o.m.m.e.r.2.0.2.6"), or numbered as it goes
		// ("s1o2m3m4e5r6!7")
		func() string {
			rs := []rune(word(r) + pick(r, []string{year(r), digitRun(r), strconv.Itoa(r.IntN(100))}) + pick(r, tails))
			var b strings.Builder
			if r.IntN(3) == 0 {
				start, before := r.IntN(10), r.IntN(2) == 0
				for k, c := range rs {
					d := rune('0' + (start+k)%10)
					if before {
						b.WriteRune(d)
					}
					b.WriteRune(c)
					if !before {
						b.WriteRune(d)
					}
				}
				return b.String()
			}
			sep := pick(r, []string{".", "-", "_", " ", "*", "/"})
			for k, c := range rs {
				if k > 0 {
					b.WriteString(sep)
				}
				b.WriteRune(c)
			}
			return b.String()
		},
	}
	out := make([]string, 0, n)
	for len(out) < n {
		s := pick(r, ways)()
		if utf8.RuneCountInString(s) >= 16 && utf8.RuneCountInString(s) <= 127 {
			out = append(out, s)
		}
	}
	return out
}

// wordPhrases returns n phrases of 3 or 4 of words written together or
// with a separator, often capitalised, with a year, a number or
// punctuation after them half the time: the sentences and word lists
// people make of the words they use most ("Nå-skal-vi-spise!",
// "JegSavnerDegMamma2019").
func wordPhrases(n int, words []string, seed uint64) []string {
	pws, _ := wordPhrasesDrawn(n, words, seed)
	return pws
}

// wordPhrasesDrawn is wordPhrases with the probability that the generator
// draws each password the way it drew it (see drawn).
func wordPhrasesDrawn(n int, words []string, seed uint64) ([]string, drawn) {
	r := &tracker{r: rand.New(rand.NewPCG(seed, 6))}
	out := make([]string, 0, n)
	d := drawn{log10p: make([]float64, 0, n)}
	for len(out) < n {
		r.log10p = 0
		d.tries++
		sep := pick(r, seps)
		ws := make([]string, 3+r.IntN(2))
		for i := range ws {
			ws[i] = capital(r, pick(r, words), 0.5)
		}
		s := strings.Join(ws, sep)
		// What follows the words: counted as the probability of the
		// string, which a year and a number with a tail may both make
		// ("45", "2012").
		suffix, _ := aside(r, func() string {
			switch r.IntN(4) {
			case 0:
				return year(r)
			case 1:
				return strconv.Itoa(r.IntN(100)) + pick(r, tails)
			}
			return ""
		})
		counted(r, math.Log10(phraseSuffixes()[suffix]))
		s += suffix
		if k := utf8.RuneCountInString(s); k >= 16 && k <= 127 {
			out = append(out, s)
			d.log10p = append(d.log10p, r.log10p)
		}
	}
	return out, d
}

// phraseSuffixes returns the probability of each string wordPhrases puts
// after the words, over every way it makes it.
var phraseSuffixes = sync.OnceValue(func() map[string]float64 {
	p := map[string]float64{"": 0.5}
	for y := 1950; y < 2010; y++ {
		p[strconv.Itoa(y)] += 0.25 * 0.25 / 60
	}
	for y := 10; y < 100; y++ {
		p[strconv.Itoa(y)] += 0.25 * 0.25 / 90
	}
	for y := 2015; y < 2028; y++ {
		p[strconv.Itoa(y)] += 0.25 * 0.5 / 13
	}
	for v := range 100 {
		for _, t := range tails {
			p[strconv.Itoa(v)+t] += 0.25 / 100 / float64(len(tails))
		}
	}
	return p
})

// passphrases returns n passphrases of 4 words drawn at random from dict
// (lower-case words of 3+ letters), joined by a random separator.
func passphrases(n int, dict []string, seed uint64) []string {
	pws, _ := passphrasesDrawn(n, dict, seed)
	return pws
}

// passphrasesDrawn is passphrases with the probability that the generator
// draws each password the way it drew it (see drawn).
func passphrasesDrawn(n int, dict []string, seed uint64) ([]string, drawn) {
	return phrases(n, dict, &tracker{r: rand.New(rand.NewPCG(seed, 2))}, []string{" ", "-", ".", "_", "", "!", "#", "+"}, 127)
}

// phrases returns n phrases of 4 entries of dict drawn with r, joined by a
// separator drawn from seps (CamelCase when it is ""), of 16 to maxLen
// code points.
func phrases(n int, dict []string, r *tracker, seps []string, maxLen int) ([]string, drawn) {
	out := make([]string, 0, n)
	d := drawn{log10p: make([]float64, 0, n)}
	for len(out) < n {
		r.log10p = 0
		d.tries++
		sep := pick(r, seps)
		ws := make([]string, 4)
		for i := range ws {
			ws[i] = pick(r, dict)
			if sep == "" {
				ws[i] = capital(r, ws[i], 1) // CamelCase without separators
			}
		}
		s := strings.Join(ws, sep)
		if k := utf8.RuneCountInString(s); k >= 16 && k <= maxLen {
			out = append(out, s)
			d.log10p = append(d.log10p, r.log10p)
		}
	}
	return out, d
}

// randomStrings returns n random strings of 16-24 characters from the
// printable ASCII letters, digits and symbols, with æøå.
func randomStrings(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 3))
	alphabet := []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"#$%&'()*+,-./:;<=>?@[]^_{|}~æøåÆØÅ")
	out := make([]string, n)
	for i := range out {
		rs := make([]rune, 16+r.IntN(9))
		for k := range rs {
			rs[k] = pick(r, alphabet)
		}
		out[i] = string(rs)
	}
	return out
}

// randomLower returns n random strings of length lower-case letters, none
// next to the same letter or its neighbour in the alphabet (so that the
// Sikt score counts every one), as a generator of lower-case passwords
// makes them.
func randomLower(n, length int, seed uint64) []string {
	return randomApart(n, length, "abcdefghijklmnopqrstuvwxyz", rand.New(rand.NewPCG(seed, 4)))
}

// randomLowerDigits returns n random strings of length small letters and
// digits (36 to choose from), none next to the same character or its
// neighbour (so that the Sikt score counts every one), as a generator
// without capitals and symbols makes them.
func randomLowerDigits(n, length int, seed uint64) []string {
	return randomApart(n, length, "abcdefghijklmnopqrstuvwxyz0123456789", rand.New(rand.NewPCG(seed, 8)))
}

// randomApart returns n random strings of length characters of alphabet
// drawn by r, none next to the same character or its neighbour (by byte
// value).
func randomApart(n, length int, alphabet string, r *rand.Rand) []string {
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 0, length)
		for len(b) < length {
			c := alphabet[r.IntN(len(alphabet))]
			if k := len(b); k > 0 && (b[k-1] == c || b[k-1]+1 == c || b[k-1] == c+1) {
				continue
			}
			b = append(b, c)
		}
		out[i] = string(b)
	}
	return out
}

// separated returns n passphrases of 4 entries drawn at random from dict
// as they are (no capitals added), joined by a random separator, 16-64
// code points (the default policy's longest is 127; a 4-word phrase
// rarely needs more than 64).
func separated(n int, dict []string, seed uint64) []string {
	pws, _ := separatedDrawn(n, dict, seed)
	return pws
}

// separatedDrawn is separated with the probability that the generator
// draws each password the way it drew it (see drawn).
func separatedDrawn(n int, dict []string, seed uint64) ([]string, drawn) {
	return phrases(n, dict, &tracker{r: rand.New(rand.NewPCG(seed, 5))}, []string{" ", "-", ".", "_", "!", "#", "+"}, 64)
}

// otherSeparators returns n phrases of 4 entries of dict, 16 to 127 code
// points, joined by a separator that is also a letter's stand-in or rare
// ("@", "$", "*", "/", ",", "&", "%", "="), or by a random digit at each
// junction: a passphrase's separators as people also type them.
func otherSeparators(n int, dict []string, seed uint64) []string {
	pws, _ := otherSeparatorsDrawn(n, dict, seed)
	return pws
}

// otherSeparatorsDrawn is otherSeparators with the probability that the
// generator draws each password the way it drew it (see drawn).
func otherSeparatorsDrawn(n int, dict []string, seed uint64) ([]string, drawn) {
	r := &tracker{r: rand.New(rand.NewPCG(seed, 6))}
	seps := []string{"@", "$", "*", "/", ",", "&", "%", "=", "digit"}
	out := make([]string, 0, n)
	d := drawn{log10p: make([]float64, 0, n)}
	for len(out) < n {
		r.log10p = 0
		d.tries++
		sep := pick(r, seps)
		var b strings.Builder
		for i := range 4 {
			if i > 0 {
				if sep == "digit" {
					b.WriteByte(byte('0' + r.IntN(10)))
				} else {
					b.WriteString(sep)
				}
			}
			b.WriteString(pick(r, dict))
		}
		if k := utf8.RuneCountInString(b.String()); k >= 16 && k <= 127 {
			out = append(out, b.String())
			d.log10p = append(d.log10p, r.log10p)
		}
	}
	return out, d
}

// randomAlphanumeric returns n random strings of exactly 16 letters and
// digits with at least one small letter, one capital and one digit, as
// `pwgen -s 16` makes them (without a digit, 16 letters score 30 of the
// Sikt score's 32 points): the shortest the default policy allows, without
// symbols, where chance words weigh most.
func randomAlphanumeric(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	out := make([]string, 0, n)
	for len(out) < n {
		b := make([]byte, 16)
		for k := range b {
			b[k] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(b)
		if strings.ContainsAny(s, alphabet[:26]) && strings.ContainsAny(s, alphabet[26:52]) && strings.ContainsAny(s, alphabet[52:]) {
			out = append(out, s)
		}
	}
	return out
}

// appleStyle returns n passwords in the format of Apple's generated strong
// passwords (Passwords app, Safari; as Apple's Platform Security guide and
// Ricky Mondello describe it): three groups of two syllables, each a
// consonant (19), a vowel (6, y among them) and a consonant, joined by "-",
// with one group's first or last character a digit and one letter a
// capital: "hupvEw-fodne1-qabjyg", 71 bits.
func appleStyle(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 11))
	const consonants, vowels = "bcdfghjkmnpqrstvwxz", "aeiouy"
	syllable := func() []byte {
		return []byte{consonants[r.IntN(19)], vowels[r.IntN(6)], consonants[r.IntN(19)]}
	}
	out := make([]string, 0, n)
	for len(out) < n {
		var groups [3][]byte
		for g := range groups {
			groups[g] = append(syllable(), syllable()...)
		}
		dg := r.IntN(3)
		groups[dg][5*r.IntN(2)] = byte('0' + r.IntN(10))
		for {
			cg, ci := r.IntN(3), r.IntN(6)
			if c := groups[cg][ci]; c >= 'a' && c <= 'z' {
				groups[cg][ci] = c - 'a' + 'A'
				break
			}
		}
		out = append(out, string(groups[0])+"-"+string(groups[1])+"-"+string(groups[2]))
	}
	return out
}

// A small grammar of the sentences people make passwords of, in Norwegian
// and English: a subject, a verb and an object or a place ("Jeg er på
// hytta", "My dog loves pizza"), or two things ("Kaffe og kake"), or a
// wish ("Ha en fin dag").
var (
	sentNB = [5][]string{
		{"jeg", "du", "vi", "han", "hun", "de", "eg", "me", "kari", "ola", "mamma", "pappa", "katten", "hunden", "min katt", "min hund"},
		{"er", "har", "liker", "elsker", "vil", "skal", "kan", "bor", "heter", "var", "blir", "går", "spiser", "drikker", "ser", "savner"},
		{"i", "på", "til", "fra", "med", "av", "om", "hos", "ved", "for"},
		{"dag", "hytta", "oslo", "bergen", "jobb", "skolen", "byen", "fjellet", "sjøen", "kaffe", "te", "is", "sol", "regn", "snø", "ferie", "sommer", "hus", "bil", "båt", "en katt", "et hus", "ei jente", "en hund", "en fin dag", "god mat", "deg", "meg", "norge", "pizza"},
		{"fin", "glad", "sterk", "stor", "liten", "god", "fint", "bra", "trøtt", "sulten", "lykkelig", "best", "ikke glad", "veldig glad", "alltid glad"},
	}
	sentEN = [5][]string{
		{"i", "you", "we", "he", "she", "they", "my dog", "my cat", "my mom", "my dad", "john", "sarah", "the boy", "the girl"},
		{"love", "like", "hate", "am", "is", "are", "have", "want", "need", "see", "eat", "play", "miss", "go to", "live in"},
		{"in", "on", "at", "with", "from", "for", "to", "by"},
		{"my dog", "the sun", "pizza", "football", "music", "the beach", "new york", "london", "summer", "my family", "you", "coffee", "chocolate", "the world", "money", "my car", "a big house", "the best", "my life", "home"},
		{"happy", "strong", "big", "small", "good", "tired", "hungry", "the best", "so happy", "not tired", "always happy", "in love"},
	}
)

// sentences returns n sentences of 3-7 words of sentNB (half of them) and
// sentEN, joined by a space, ".", "-", "_" or written together, with a
// year or punctuation after some.
func sentences(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 10))
	out := make([]string, 0, n)
	for len(out) < n {
		g := sentNB
		wish := []string{"ha", "en"}
		if len(out)%2 == 1 {
			g, wish = sentEN, []string{"have", "a"}
		}
		var s string
		switch r.IntN(5) {
		case 0, 1: // subject, verb, (preposition,) object
			s = pick(r, g[0]) + " " + pick(r, g[1])
			if r.IntN(2) == 0 {
				s += " " + pick(r, g[2])
			}
			s += " " + pick(r, g[3])
		case 2: // subject, verb, adjective
			s = pick(r, g[0]) + " " + pick(r, g[1]) + " " + pick(r, g[4])
		case 3: // a wish
			s = strings.Join(wish, " ") + " " + pick(r, g[4]) + " " + pick(r, g[3])
		default: // two things
			and := "og"
			if len(out)%2 == 1 {
				and = "and"
			}
			s = pick(r, g[3]) + " " + and + " " + pick(r, g[3])
		}
		ws := strings.Fields(s)
		sep := pick(r, []string{" ", " ", "", "-", ".", "_"})
		for i := range ws {
			if sep == "" || i == 0 {
				ws[i] = capital(r, ws[i], 0.7)
			}
		}
		s = strings.Join(ws, sep)
		switch k := r.IntN(5); {
		case k < 2:
			s += pick(r, []string{"", "!", " ", "."}) + year(r) + pick(r, []string{"", "!", "!!"})
		case k == 2:
			s += pick(r, tails)
		}
		if k := utf8.RuneCountInString(s); k >= 16 && k <= 127 {
			out = append(out, s)
		}
	}
	return out
}

// upper returns pws in capitals.
func upper(pws []string) []string {
	out := make([]string, len(pws))
	for i, pw := range pws {
		out[i] = strings.ToUpper(pw)
	}
	return out
}

// pieces returns n predictable passwords of 2-4 pieces of any of the
// kinds people build passwords of, each drawn on its own and joined by
// one separator, with a tail: a word (Norwegian or English), a first name
// (maybe with a surname), a place, a season, month or weekday, a year, a
// date, a keyboard walk (a stretch of a row, either way, or keyboard
// columns one after the other), a sequence (digits up or down, by 1, 2 or
// 3, or letters with æøå) or a mobile number; each written in small
// letters, capitalised, in capitals, in l33t or backwards; one in seven
// is one such piece with a year, repeated. A second generator, written
// apart from predictable's ten ways: pieces in any number and order, the
// way a held-out check may build them.
func pieces(n int, seed uint64) []string {
	pws, _ := piecesDrawn(n, seed)
	return pws
}

// piecesDrawn is pieces with the probability that the generator draws each
// password the way it drew it (see drawn).
func piecesDrawn(n int, seed uint64) ([]string, drawn) {
	r := &tracker{r: rand.New(rand.NewPCG(seed, 2))}
	rows := []string{"1234567890", "qwertyuiopå", "asdfghjkløæ", "zxcvbnm"}
	columns := []string{"1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik,", "9ol.", "zaq1", "xsw2", "cde3", "vfr4", "bgt5", "nhy6", "mju7"}
	l33t := strings.NewReplacer("a", "4", "e", "3", "i", "1", "o", "0", "s", "5", "t", "7")
	form := func(s string) string {
		rs := []rune(s)
		slices.Reverse(rs)
		forms := []string{s, capitalised(s), strings.ToUpper(s), l33t.Replace(s), string(rs)}
		k := slot(r, 10, 3, 7, 8, 9)
		if k == 1 {
			capital(r, s, 1) // its draw, as before
		}
		// Forms alike ("hund" in l33t, "anna" backwards) are one.
		alike(r, forms, []float64{.3, .4, .1, .1, .1}, k)
		return forms[k]
	}
	keyboard := func() string {
		if r.IntN(2) == 0 {
			row := []rune(pick(r, rows))
			a := r.IntN(len(row) - 3)
			b := a + 4 + r.IntN(len(row)-a-3)
			s := slices.Clone(row[a:b])
			if slot(r, 3, 1) == 0 {
				slices.Reverse(s)
			}
			return string(s)
		}
		k := 2 + r.IntN(3)
		a := r.IntN(len(columns) - k + 1)
		if a < 8 && a+k > 8 {
			a = 8 - k // the US columns and the reversed ones apart
		}
		if a == 8-k {
			// The draws of 8-k up to 7 all give it.
			counted(r, math.Log10(float64(k)))
		}
		return strings.Join(columns[a:a+k], "")
	}
	sequence := func() string {
		var b strings.Builder
		switch r.IntN(4) {
		case 0: // digits up
			for d, k := r.IntN(5), 4+r.IntN(6); k > 0; d, k = d+1, k-1 {
				b.WriteByte(byte('0' + d%10))
			}
		case 1: // digits down
			for d, k := 9, 4+r.IntN(6); k > 0; d, k = d-1, k-1 {
				b.WriteByte(byte('0' + (d+10)%10))
			}
		case 2: // by 2 or 3
			step := 2 + r.IntN(2)
			for d, k := r.IntN(4), 3+r.IntN(3); k > 0; d, k = d+step, k-1 {
				b.WriteString(strconv.Itoa(d))
			}
		default:
			al := []rune("abcdefghijklmnopqrstuvwxyzæøå")
			a := r.IntN(len(al) - 5)
			b.WriteString(string(al[a : a+4+r.IntN(3)]))
		}
		return b.String()
	}
	piece := func() string {
		switch slot(r, 20, 4, 6, 8, 9, 10, 12, 14, 16, 18, 19) {
		case 0:
			return form(pick(r, nbWords))
		case 1:
			return form(pick(r, enWords))
		case 2:
			return form(pick(r, firsts))
		case 3:
			return form(pick(r, firsts)) + pick(r, []string{"", ".", "_"}) + form(pick(r, lasts))
		case 4:
			return form(pick(r, places))
		case 5:
			return form(pick(r, append(append(append([]string{}, seasonsNB...), monthsNB...), weekdays...)))
		case 6:
			return year(r)
		case 7:
			return date(r)
		case 8:
			return capital(r, keyboard(), 0.3)
		case 9:
			return sequence()
		default:
			return pick(r, []string{"4", "9"}) + strconv.Itoa(1000000+r.IntN(9000000))
		}
	}
	out := make([]string, 0, n)
	d := drawn{log10p: make([]float64, 0, n)}
	for len(out) < n {
		r.log10p = 0
		d.tries++
		sep := pick(r, []string{"", "", "-", ".", "_", "!", "@", "#", " ", "+", "&"})
		var s string
		if slot(r, 7, 1) == 0 {
			b := piece() + year(r)
			s = b + sep + b
			if slot(r, 3, 1) == 0 {
				s += sep + b
			}
		} else {
			ps := make([]string, 2+r.IntN(3))
			for k := range ps {
				ps[k] = piece()
			}
			s = strings.Join(ps, sep)
		}
		s += pick(r, []string{"", "", "!", "!!", "?", ".", "!?", "#", "*", "$", "123", "1", "!1"})
		if utf8.RuneCountInString(s) >= 16 && utf8.RuneCountInString(s) <= 64 {
			out = append(out, s)
			d.log10p = append(d.log10p, r.log10p)
		}
	}
	return out, d
}

// zxcvbnVocabulary swaps in the English vocabulary of zxcvbn 4.4.2's own
// frequency lists (read by readZxcvbnLists): the first 3,000 entries of
// english_wikipedia and of us_tv_and_film as the English words, the first
// 5,000 of passwords that are words (letters only, 4+) in the Norwegian
// words' place, the first 1,000 female and 500 male names and 1,000
// surnames; the places, clubs and calendar words stay. Words people build
// passwords of in English, from lists written by others and not tuned to
// this estimator: the pieces generator with them shows what the English
// lists (3,000 words of OpenSubtitles, 2,000 short passwords) leave out.
// It returns a function that restores the first vocabulary.
func zxcvbnVocabulary(lists map[string][]string) (restore func()) {
	f, l, w, e := firsts, lasts, nbWords, enWords
	take := func(name string, k, least int) []string {
		var out []string
		for _, s := range lists[name][:min(k, len(lists[name]))] {
			if utf8.RuneCountInString(s) >= least && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") == "" {
				out = append(out, s)
			}
		}
		return out
	}
	enWords = append(take("english_wikipedia", 3000, 3), take("us_tv_and_film", 3000, 3)...)
	nbWords = take("passwords", 5000, 4)
	firsts = append(take("female_names", 1000, 3), take("male_names", 500, 3)...)
	lasts = take("surnames", 1000, 3)
	return func() { firsts, lasts, nbWords, enWords = f, l, w, e }
}
