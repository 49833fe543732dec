package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The third generator's vocabulary: its own names, places, clubs and words,
// chosen for it (2026-12-02), not the made set's nor the pieces set's.
var (
	shapeFirsts  = strings.Fields("mia sara noah emil oskar filip lucas maja ella leah ida hedda vilde aksel isak theodor johannes mathias liam aurora")
	shapeLasts   = strings.Fields("pedersen nilsen kristiansen jensen karlsen andersen halvorsen jacobsen moen iversen")
	shapePlaces  = strings.Fields("kristiansand fredrikstad sandnes sarpsborg skien haugesund tønsberg arendal hamar larvik halden lillehammer gjøvik kongsberg harstad")
	shapeClubs   = strings.Fields("rosenborg brann molde vålerenga lillestrøm viking glimt tromsø odd liverpool arsenal barcelona united chelsea")
	shapeWords   = strings.Fields("hjemme bursdag julaften påske ferie bestemor morfar lillebror storesøster gullfisk kanin marsvin traktor fiskebåt hytte båten snøscooter skiferie russetid helg fredag pils taco brunost vafler kakao")
	shapeEnglish = strings.Fields("basketball soccer coffee rainbow family forever angel lovely happy winter secret money music guitar dolphin tiger cookie purple orange michael")
	shapeStreets = strings.Fields("storgata kirkegata skolegata strandveien parkveien fjellveien sjøgata")
	shapeWalks   = []string{"1qaz2wsx", "qwerty", "asdfgh", "zxcvbn", "1q2w3e4r", "qazwsx", "123qwe", "poiuyt", "!qaz2wsx"}
	shapeNouns   = strings.Fields("barn katter hunder biler hester kids cats dogs barnebarn")
)

// shapes returns n predictable passwords of 16-64 code points, each of one
// of 27 shapes drawn at random (children's names and a year, "JegElsker"
// and a name, a club and a year twice, places and postcodes, a word and
// itself backwards, a word counted, an e-mail address, a street address, a
// keyboard walk with a word and a year, counts of things ("2barn1hund"), a
// sentence in CamelCase, a number plate, names with birthdays, a slogan in
// capitals, a word with its last letter stretched, a word with 123 and
// another with 321, "MittPassord", two names with a heart, initials and a
// birthday, shifted keyboard walks, words in series with numbers, a word and
// itself in capitals, a word and year reversed twice, alternating case,
// cars and phones, a pet, a word with an emoji): a third generator, written
// apart from the made set's ten ways and the pieces set, with a vocabulary
// of its own, on 2026-12-02, to see what neither taught the estimator.
func shapes(n int, seed uint64) []string {
	pws, _ := shapesDrawn(n, seed)
	return pws
}

// shapesDrawn is shapes with the probability that the generator draws each
// password the way it drew it (see drawn).
func shapesDrawn(n int, seed uint64) ([]string, drawn) {
	r := &tracker{r: rand.New(rand.NewPCG(seed, 3))}
	title := func(s string) string { return capital(r, s, 1) }
	form := func(s string) string {
		switch branch(r, .4, .7, .8) {
		case 0:
			return title(s)
		case 1:
			return s
		case 2:
			return strings.ToUpper(s)
		}
		return strings.NewReplacer("a", "4", "e", "3", "i", "1", "o", "0", "s", "5").Replace(s)
	}
	yr := func() string {
		if r.IntN(2) == 0 {
			return strconv.Itoa(1950 + r.IntN(61))
		}
		return strconv.Itoa(2015 + r.IntN(12))
	}
	tail := func() string { return pick(r, []string{"", "", "!", "!!", "?", ".", "#", "123", "1", "*"}) }
	sep := func() string { return pick(r, []string{"", "", "-", "_", ".", " ", "!", "+"}) }
	ddmmyy := func() string { return fmt.Sprintf("%02d%02d%02d", 1+r.IntN(28), 1+r.IntN(12), r.IntN(100)) }
	either := func(lists ...[]string) string { return pick(r, slices.Concat(lists...)) }
	alternating := func(s string) string {
		rs := []rune(s)
		for i := 0; i < len(rs); i += 2 {
			rs[i] = []rune(strings.ToUpper(string(rs[i])))[0]
		}
		return string(rs)
	}
	reverse := func(s string) string {
		rs := []rune(s)
		slices.Reverse(rs)
		return string(rs)
	}
	shape := []func() string{
		func() string { // children
			var b strings.Builder
			for _, k := range distinct(r, len(shapeFirsts), func() int { return 2 + r.IntN(3) }) {
				b.WriteString(title(shapeFirsts[k]))
			}
			return b.String() + yr() + tail()
		},
		func() string { // love
			return pick(r, []string{"JegElsker", "jegelsker", "Jeg elsker ", "ILove", "iloveyou"}) + form(either(shapeFirsts, shapeWords, shapeClubs)) + yr() + tail()
		},
		func() string { c, y := form(pick(r, shapeClubs)), yr(); return c + y + sep() + c + tail() }, // club
		func() string { // postcodes
			return form(pick(r, shapePlaces)) + fmt.Sprintf("%04d", 1+r.IntN(9999)) + sep() + form(pick(r, shapePlaces)) + fmt.Sprintf("%04d", 1+r.IntN(9999))
		},
		func() string {
			w := either(shapeWords, shapeEnglish)
			return form(w) + reverse(w) + strconv.Itoa(r.IntN(1000)) + tail()
		}, // backwards
		func() string { // counted
			w, b := form(either(shapeWords, shapeEnglish, shapeFirsts)), ""
			// The loop's test draws anew each time, and draws of several
			// values end it alike: 3 blocks with probability 1/3, 4 with
			// 4/9, 5 with 2/9, counted as such.
			blocks, _ := aside(r, func() int {
				i := 1
				for ; i < 4+r.IntN(3); i++ {
					b += w + strconv.Itoa(i)
				}
				return i - 1
			})
			counted(r, math.Log10(map[int]float64{3: 1. / 3, 4: 4. / 9, 5: 2. / 9}[blocks]))
			return b
		},
		func() string { // e-mail
			return pick(r, shapeFirsts) + pick(r, []string{".", "_", ""}) + pick(r, shapeLasts) + strconv.Itoa(r.IntN(100)) + "@" + pick(r, []string{"gmail", "hotmail", "online", "outlook"}) + "." + pick(r, []string{"no", "com"})
		},
		func() string { // street
			return title(pick(r, shapeStreets)) + " " + strconv.Itoa(1+r.IntN(120)) + pick(r, []string{"", "B", "A"}) + pick(r, []string{", ", " "}) + fmt.Sprintf("%04d", 1+r.IntN(9999)) + " " + title(pick(r, shapePlaces))
		},
		func() string {
			return pick(r, shapeWalks) + sep() + form(either(shapeWords, shapeEnglish)) + sep() + yr() + tail()
		}, // walk
		func() string { // counts
			var b strings.Builder
			for range 3 + r.IntN(2) {
				b.WriteString(strconv.Itoa(1+r.IntN(4)) + pick(r, shapeNouns))
			}
			return b.String() + tail()
		},
		func() string { // sentence
			// Both names are drawn, one at most used: counted where it is.
			a, pa := aside(r, func() string { return pick(r, shapeFirsts) })
			h, ph := aside(r, func() string { return pick(r, shapeFirsts) })
			k := r.IntN(6)
			ws := [][]string{{"min", "hytte", "i", "fjellet"}, {"vi", "drar", "på", "ferie"}, {"god", "jul", "og", "godt", "nyttår"}, {"huset", "ved", "sjøen"}, {"jeg", "heter", a}, {"min", "hund", "heter", h}}[k]
			counted(r, map[int]float64{4: pa, 5: ph}[k])
			var b strings.Builder
			for _, w := range ws {
				b.WriteString(title(w))
			}
			return b.String() + yr() + tail()
		},
		func() string { // plate
			return pick(r, []string{"EL", "EK", "AB", "DN", "BS", "SU", "ZT"}) + strconv.Itoa(10000+r.IntN(90000)) + sep() + form(either(shapeWords, shapeEnglish, shapeFirsts)) + tail()
		},
		func() string { // birthdays
			var b strings.Builder
			for _, k := range distinct(r, len(shapeFirsts), func() int { return 2 + r.IntN(2) }) {
				b.WriteString(title(shapeFirsts[k]) + ddmmyy())
			}
			return b.String() + tail()
		},
		func() string { // slogan
			c, pc := aside(r, func() string { return strings.ToUpper(pick(r, shapeClubs)) })
			k := r.IntN(5)
			ws := [][]string{{"NORGE", "ER", "BEST"}, {"HEIA", "NORGE"}, {"HEIA", c}, {"LIVET", "ER", "FINT"}, {"ALT", "ORDNER", "SEG"}}[k]
			counted(r, map[int]float64{2: pc}[k])
			return strings.Join(ws, "-") + "-" + yr() + tail()
		},
		func() string { // stretched
			w := form(either(shapeWords, shapeEnglish))
			last, size := utf8.DecodeLastRuneInString(w)
			return w[:len(w)-size] + strings.Repeat(string(last), 4+r.IntN(4)) + yr() + tail()
		},
		func() string { // mirrored digits
			return form(either(shapeWords, shapeEnglish, shapeFirsts)) + "123" + sep() + form(either(shapeWords, shapeEnglish, shapeFirsts)) + "321" + tail()
		},
		func() string { // my password
			p := pick(r, []string{"MittPassord", "NyttPassord", "mittpassord", "Mitt nye passord ", "DetteErMittPassord"})
			y, py := aside(r, yr)
			k := r.IntN(6)
			counted(r, map[int]float64{5: py}[k])
			return p + []string{"2024!", "#3", "123!", "!!", "2025", "_" + y}[k]
		},
		func() string { // hearts
			return title(pick(r, shapeFirsts)) + pick(r, []string{"<3", "❤", "♥", "&", "+"}) + title(pick(r, shapeFirsts)) + pick(r, []string{" ", ""}) + yr() + pick(r, []string{"", "!", "<3"})
		},
		func() string { // initials
			const az = "ABCDEFGHIJKLMNOPRST"
			return string(az[r.IntN(len(az))]) + string(az[r.IntN(len(az))]) + fmt.Sprintf("%02d%02d%d", 1+r.IntN(28), 1+r.IntN(12), 1950+r.IntN(61)) + pick(r, []string{"", "!", "kn", "#"}) + title(pick(r, shapeWords))
		},
		func() string { // shifted walk
			return pick(r, []string{"!QAZ@WSX#EDC", "!qaz@wsx#edc", "1qaz!QAZ2wsx@WSX", "QWERasdf!234", "qwer1234QWER!@#$"}) + pick(r, []string{"", "2024", "$RFV", "kari"})
		},
		func() string { // word series
			var b strings.Builder
			for _, s := range pick(r, [][]string{{"123", "456", "789"}, {"1", "2", "3", "4"}, {"12", "34", "56"}, {"abc", "def", "ghi"}}) {
				b.WriteString(pick(r, shapeWords) + s)
			}
			return b.String()
		},
		func() string { w := either(shapeWords, shapeFirsts); return w + strings.ToUpper(w) + yr() }, // case doubled
		func() string { s := reverse(title(pick(r, shapeWords)) + yr()); return s + "!" + s },        // reversed
		func() string { w := alternating(either(shapeWords, shapeFirsts)); return w + yr() + w },     // alternating case
		func() string { // car or phone
			return pick(r, []string{"Volvo240Volvo740", "iPhone15Pro!Max", "PlayStation5!Pro", "Samsung Galaxy S24", "Tesla Model 3 2023", "Toyota Corolla 1998", "MacBookPro2021!", "Volkswagen Golf GTI 2019"}) + pick(r, []string{"", "!", "#1"})
		},
		func() string { // pet
			a := title(pick(r, []string{"fido", "pusur", "bella", "max", "luna", "charlie", "molly", "rex"}))
			b := pick(r, []string{" er verdens beste hund", "ErVerdensBesteKatt", " er best!", "-er-snill-", " elsker pølser"})
			c, pc := aside(r, func() string { return strconv.Itoa(1 + r.IntN(20)) })
			k := r.IntN(3)
			counted(r, map[int]float64{1: pc}[k])
			return a + b + []string{"", c, "!"}[k]
		},
		func() string { // emoji
			return title(pick(r, shapeWords)) + pick(r, []string{"☀️", "🌞", "❄️", "🎄", "😀", "🔥"}) + yr() + pick(r, []string{"☀️", "!", "🔥🔥"}) + title(pick(r, shapeFirsts))
		},
	}
	out := make([]string, 0, n)
	d := drawn{log10p: make([]float64, 0, n)}
	for len(out) < n {
		r.log10p = 0
		d.tries++
		if s := shape[r.IntN(len(shape))](); utf8.RuneCountInString(s) >= 16 && utf8.RuneCountInString(s) <= 64 {
			out = append(out, s)
			d.log10p = append(d.log10p, r.log10p)
		}
	}
	return out, d
}
