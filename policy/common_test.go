package policy

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/styrke-iam/styrke/policy/guess"
	"github.com/styrke-iam/styrke/policy/internal/unicodetables"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ASCII lower-cased", "PassWord", "password"},
		{"digit substitutions", "P4ssw0rd", "password"},
		{"1, l and i collapse to i", "l1Il", "iiii"},
		{"3, 5, 7, @, $", "$3cr@7 5", "secrat s"},
		{"euro sign is e", "€uro", "euro"},
		{"fullwidth letters (NFKC)", "ＰＡＳＳ", "pass"},
		{"ligature ﬁ (NFKC)", "ﬁord", "fiord"},
		{"sharp s folds to ss", "Straße", "strasse"},
		{"æøå kept, case-folded", "ÆØÅ", "æøå"},
		{"decomposed å composes", "a\u030a", "å"},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", "a\ufffdb"},
		{"empty", "", ""},
		{"zero-width space removed", "kari\u200bnordmann", "karinordmann"},
		{"soft hyphen, joiners, word joiner, bidi controls and BOM removed", "n\u00ado\u200cr\u200dd\u2060m\u200ea\u202en\u2066n\ufeff", "nordmann"},
		{"variation selectors removed", "ok\ufe0f\U000E0100!", "ok!"},
		{"an ignorable between a letter and its mark", "a\u200b\u0301", "á"},
		{"Cyrillic lookalikes", "n\u043erdm\u0430nn", "nordmann"},
		{"Cyrillic capitals, after case folding", "\u0410\u0415\u041e\u0420\u0421\u0425\u0423\u0406\u0408\u0405\u051a", "aeopcxyijsq"},
		{"Greek lookalikes", "\u03bf\u03b1\u03bd\u03c1\u03c4\u03b9\u03ba", "oavptik"},
		{"Greek capitals, after case folding", "\u039f\u0391\u03a1\u03a4\u039a", "oaptk"},
		{"a Cyrillic lookalike takes a Latin mark", "\u043e\u0302", "ô"},
		{"other Cyrillic and Greek letters stay", "жΩ", "жω"},
		{"Cherokee capital stays", "\u13a2", "\u13a2"},
		{"Cherokee small folds to the capital (CaseFolding.txt)", "\uab72", "\u13a2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Fold(tt.in))
		})
	}
}

// slowFold is Fold's general path built from other parts: x/text's NFKC,
// unicodetables.RefCaseFold, NFKC again, then the substitutions.
func slowFold(s string) (base, folded string) {
	base = norm.NFKC.String(unicodetables.RefCaseFold(norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD"))))
	return base, norm.NFKC.String(strings.Map(substitute, base))
}

// TestFoldFastPathMatchesXText: for every rune the fast path takes (ASCII
// and Latin-1 letters but ß), and for random strings of them, the fast path
// equals the general x/text path.
func TestFoldFastPathMatchesXText(t *testing.T) {
	var fast []rune
	for r := rune(0); r <= 0xFF; r++ {
		s := string(r)
		if !isLatin1Simple(s) {
			continue
		}
		fast = append(fast, r)
		b1, f1 := foldBoth(s)
		b2, f2 := slowFold(s)
		require.Equal(t, b2, b1, "base of U+%04X", r)
		require.Equal(t, f2, f1, "fold of U+%04X", r)
	}
	assert.Len(t, fast, 128+63, "ASCII and U+00C0..U+00FF but ß")
	assert.False(t, isLatin1Simple("ß"))
	assert.False(t, isLatin1Simple("a\u0301"))
	assert.False(t, isLatin1Simple("\xc3"))
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 5000; i++ {
		rs := make([]rune, rng.IntN(40))
		for j := range rs {
			rs[j] = fast[rng.IntN(len(fast))]
		}
		s := string(rs)
		b1, f1 := foldBoth(s)
		b2, f2 := slowFold(s)
		require.Equal(t, b2, b1, "base of vector %d", i)
		require.Equal(t, f2, f1, "fold of vector %d", i)
	}
}

// TestFoldMatchesXText: on non-ASCII input without lookalikes or
// default-ignorables Fold is x/text's NFKC and full case folding, then the
// substitutions.
func TestFoldMatchesXText(t *testing.T) {
	for _, s := range []string{"ÅSE-Marit Øvrebø", "ＦＵＬＬ１２３", "ǅemal", "ΣΊΣΥΦΩΣ", "Ⅻ ① ℌ ㎏"} {
		want := norm.NFKC.String(strings.Map(substitute, norm.NFKC.String(cases.Fold().String(norm.NFKC.String(s)))))
		assert.Equal(t, want, Fold(s), "input %q", s)
	}
}

func TestCommonMatch(t *testing.T) {
	tests := []struct {
		name, password string
	}{
		// The list keeps what the estimator cannot refuse on its own: mostly
		// Russian typed on a Latin layout and other strings of no pattern.
		{"on the list", "bajskorv"},
		{"on the list after folding", "N1etzsch"},
		{"on the list with trailing digits and punctuation", "Bajskorv2024!"},
		{"keyboard walk on the list", "aqwzsxedc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, ok := commonMatch(foldBoth(tt.password))
			assert.True(t, ok, "row %q should match", tt.name)
			assert.Equal(t, CommonList, kind)
		})
	}
}

// TestCommonListPruned: entries the estimator refuses on its own are not
// on the embedded list (gencommon leaves them out), and they are still
// refused, by the estimator, on a policy that allows 8 code points.
func TestCommonListPruned(t *testing.T) {
	p := Default()
	p.MinLength = 8
	// winnipeg261: left out since gencommon asks EstimatorRefuses, which
	// applies the half-marked rule (10^8 guesses is not under 10^(11-2),
	// but 8 of its 11 code points are a word).
	for _, pw := range []string{"password123", "P@ssw0rd123", "baseball2024!", "Velkommen2025", "qwertyuiop", "jegelskerdeg1", "rosenborg1", "winnipeg261"} {
		_, listed := commonMatch(foldBoth(pw))
		assert.False(t, listed, "%q is on the list", pw)
		assert.Contains(t, rules(Evaluate(p, Input{Password: pw})), RuleCommon, "%q", pw)
	}
}

// TestCommonRule: the patterns that commonMatch used to find on its own
// (the whole password one season and year, keyboard run, sequence or
// repeated block) are refused by the estimator, on a policy that allows 8
// code points, with the kinds it found.
func TestCommonRule(t *testing.T) {
	p := Default()
	p.MinLength = 8
	tests := []struct {
		name, password, kind string
	}{
		{"season and year", "Sommer2026!", "calendar"},
		{"autumn without punctuation", "Høst2025", "calendar"},
		{"nynorsk season with separator", "Haust-2024", "calendar"},
		{"month with a 2-digit year", "januar24", "calendar"},
		{"year first", "2025Vinter", "year"},
		{"keyboard rows both ways (also read as a word)", "ytrewqasdfg", ""},
		{"Norwegian home row", "asdfghjklø", "keyboard"},
		{"digits row then letters row", "7890qwertyuiop", "keyboard"},
		{"alphabet runs (also read as a word)", "fedcbazyxmnop", ""},
		{"descending letters", "zyxwvutsrq", "sequence"},
		{"repeated short block", "abcabcabcabc", "repeat"},
		{"one character repeated", "xxxxxxxxxxxxxxxx", "run"},
		{"long block of no pattern three times", "Ab1!cD2?Ab1!cD2?Ab1!cD2?", "run"},
		{"the issue's season and year, repeated", "Sommer2026!Sommer2026!", "repeat"},
		{"the issue's word and digits", "Passord1234567890", "sequence"},
		{"the issue's keyboard word and digits", "Qwerty123456789!!", "sequence"},
		{"the issue's zigzag", "1q2w3e4r5t6y7u8i9o0p", "keyboard"},
		{"the issue's repeated winter", "Vinter2025Vinter2025", "repeat"},
		{"the issue's Norwegian home row twice", "asdfghjklæøasdfghjklæø", "repeat"},
		{"two common first names, a year and a word", "Mikkel&Signe2019Bryllup!", "name"},
		{"a sentence of short words", "MinKattHeterPusOgErGrå", "word"},
		{"a sentence, a country and a year", "Vi-skal-til-Spania-2026!", "place"},
		{"a date with the month's name between two words", "Forstår12.mai.1961Greia", "date"},
		{"a phrase of frequent words", "Beklager-trenger-hjelp-snart!", "word"},
		{"a word, a name of no list and a word between the same two symbols", "Ofstad!!gressklipper!!kjenner", "punctuation"}, // all three of the lists would be a phrase ("kjenner!!ingen!!andre")
		{"four frequent words between dots", "kylling.dama.Velsigne.Stjal96", "word"},
		{"a name and a surname of no list, a number and \"!?\"", "Gyri!Skarholt37!?", "punctuation"},
		{"a name of no list and a year, then the same backwards", "Gyri1987!!7891iryG", "mirror"},
		{"pi to 18 decimals (10^18.7 by brute force: over its length's margin before)", "3.14159265358979323", "constant"},
		{"the powers of two written together", "1248163264128256512", "sequence"},
		{"a name and the multiples of three written together (accepted before)", "Kari!36912151821242730", "sequence"},
		{"a season and the even numbers written together", "Sommer!24681012141618202224", "sequence"},
		{"a mobile number in the groups Norwegians write it in (accepted before)", "Ring meg på 912 34 567!", "word"},
		{"seasons and years with caps lock on (accepted before)", "sOMMER2026!vINTER2026!hØST2026", "calendar"},
		{"a word capitalised and written backwards among a sequence, a keyboard row and a name (accepted before)", "2468+emocleW+asdfghjklæø+Bella!?", "word"},
		{"a column and back up the next, with a separator after it (accepted before)", "007#1qazxsw2#Bamse#000$", "keyboard"},
		{"keyboard columns and a row, a word between (accepted before)", "1qaz2wsx!zaq12wsx!kaffe!Asdfgh?", "keyboard"},
		{"a name capitalised and written backwards (accepted before)", "qazwsx&2022&nitraM&Kaffe$", "name"},
		{"words in l33t with \"!\" for \"i\" (accepted before)", "M4r1u5+princess+Henr!k+050623#", "name"},
		{"a club in l33t with \"!\" for \"i\" (accepted before)", "1!verp0ol&2001&Hemmelig&17mai@", "club"},
		{"digits counting on, each typed twice, between words and a keyboard zigzag (accepted before)", "Musikk#charlie#112233#12qwaszx!?", "sequence"},
		{"a password of three words in CamelCase run on into a word, a year and a digit (accepted before)", "LetMeIndog19831!", "word"},
		{"seasons with a counting number framed by points between them (accepted before)", "Sommer.1.Vinter.2.Høst.3.Vår.4", "calendar"},
		{"a month's short name before an ordinal day and a year, as English writes them (accepted before)", "Mia.Feb-20th 1991!", "date"},
		{"the same in capitals, the year right after the ordinal (accepted before)", "Mei@OCT_28st1995!1", "date"},
		{"animals with a counting number framed by hashes between them (accepted before)", "Hunden#1#Katten#2#Hesten#3#2026", "word"},
		{"five words, two of three letters that no list holds, joined by a space (accepted before)", "gitar magic Måne Fox Elg*", "word"},
		{"Lost's numbers and a name", "4815162342Kari", "constant"},
		{"a walk on the number pad and a name", "14789632Kari", "keyboard"},
		{"the middle column of a phone's keypad, twice", "Kari25802580", "keyboard"},
		{"a word, a mobile number, a place and a date, each joined by the same separator", "mamma_45781236_bergen_1990-05-17", "date"},
		{"two words and a national identity number whose check digits hold (synthetic: the month plus 80)", "Morell!Blåbær!18874342420", "identity"},
		{"a word, a keyboard walk, a name and a date joined by one separator", "Kosedyr-1qaz2wsx-Ingrid-24.12.1999", "date"},
		{"three Norwegian words of love written as one word each, and a year", "Jegelskerdeg!Kosebamse!Hjertevenn!2019", "word"},
		{"a full name, a keyboard walk, a place and a date joined by one separator", "Ingrid.Solberg-1qaz2wsx-Lofoten-24.12.1999", "name"},
		{"a surname and a name of no list around an American date", "Skarholt12/24/1999Gyri!", "date"},
		{"a sentence of words of two and three letters", "Ha en fin dag 2026!", "word"},
		{"an English sentence of short words", "My.dad.like.my.car!", "word"},
		{"a sentence of five words and a year", "Han.bor.fra.god.mat.2021!!", "word"},
		{"a sentence with a Norwegian word of three letters no list holds", "God-mat-og-bil.2015", "word"},
		{"Norwegian words of three letters", "Ute.på.tur.med.fri.uke!", "word"},
		{"an English sentence in CamelCase", "TheBoyHateInTheWorld!91", "word"},
		{"a Norwegian sentence in CamelCase with a year", "JegElskerÅGåPåTur1987", "word"},
		{"a web address with a year", "https://www.nrk.no/2026", "address"},
		{"a site's address, a word and a year", "www.finn.no/bil/2026!", "address"},
		{"a name and a surname, a year and a mail provider", "kari.nordmann2026@gmail.com", "address"},
		{"three services and a year", "Netflix-Spotify-Youtube-2026", "word"},
		{"three car makes and a year", "Volvo-Tesla-Toyota-2026!", "word"},
		{"a game's characters and a year", "Zelda-Link-Ganon-2026!!", "word"},
		{"Norwegian shops and a year", "Vipps-Finn-Nrk-Tv2-2026", "word"},
		{"three instruments and a year", "Gitar-Piano-Trommer-2026", "word"},
		{"three Norwegians every pupil learns of", "Ibsen-Grieg-Munch-2026!", "word"},
		{"four Norwegian slang words", "Digg!Kult!Gøy!Sykt!2026", "word"},
		{"three animals and a year", "Løve-Tiger-Elefant-2026!", "word"},
		{"planets and a year", "Merkur-Venus-Neptun-2026", "word"},
		{"counting in nynorsk", "Ein-To-Tre-Fire-Fem-2026", "sequence"}, // counted through (matchSeries)
		// 10^20.6 when "capslock" was a word of no list:
		{"password words of eight letters and more, a place and a date", "CAPSLOCK!Trondheim!031266!cruise123", "password"},
		{"four password words of 6-8 letters", "Keystone+v4ldr35+sixers+sherman!!", "password"},
		{"a keyboard walk on the password list is named a keyboard walk", "asdfghjkl!Trondheim!1987", "keyboard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(p, Input{Password: tt.password})
			v, ok := violation(r, RuleCommon)
			require.True(t, ok, "input %q: no common violation in %v", tt.password, rules(r))
			kinds, _ := v.Get("kinds")
			if tt.kind != "" {
				assert.Contains(t, strings.Split(kinds.Str, "+"), tt.kind, "input %q: kinds", tt.password)
			}
		})
	}
}

// TestHandWrittenPredictable: every password of testdata/predictable.txt
// (written by hand, the ways people build them) is refused by the common
// rule on the default policy.
func TestHandWrittenPredictable(t *testing.T) {
	b, err := os.ReadFile("testdata/predictable.txt")
	require.NoError(t, err)
	p, n := Default(), 0
	for k, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		r := Evaluate(p, Input{Password: line})
		_, ok := violation(r, RuleCommon)
		assert.True(t, ok, "line %d of testdata/predictable.txt (%d code points) is not refused as common: %v", k+1, utf8.RuneCountInString(line), rules(r))
	}
	assert.Greater(t, n, 250, "passwords read")
}

// TestCommonRuleFolds: the estimator sees through default-ignorable code
// points (the same guesses and marks as without them; an ignorable is not
// marked) and Cyrillic and Greek lookalikes (the same kinds as the Latin
// letters give).
func TestCommonRuleFolds(t *testing.T) {
	tests := []struct {
		name, plain, variant string
		sameGuesses          bool
	}{
		{"zero-width space inside a repeat", "Sommer2026!Sommer2026!", "Sommer2026!\u200bSommer2026!", true},
		{"soft hyphens and a BOM", "Passord1234567890", "Pass\u00adord\ufeff1234567890", true},
		{"a variation selector after each letter", "asdfghjkl", "a\ufe0fs\ufe0fd\ufe0ff\ufe0fg\ufe0fh\ufe0fj\ufe0fk\ufe0fl\ufe0f", true},
		{"Cyrillic lookalikes", "passord1234567890", "p\u0430ss\u043erd1234567890", false},
		{"Cyrillic capitals", "Sommer2026!Sommer2026!", "\u0405\u041emm\u0415r2026!\u0405\u041emm\u0415r2026!", false},
		{"Greek lookalikes", "vinter2025vinter2025", "\u03bd\u03b9n\u03c4er2025\u03bd\u03b9n\u03c4er2025", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, variant := Evaluate(Default(), Input{Password: tt.plain}), Evaluate(Default(), Input{Password: tt.variant})
			pv, ok := violation(plain, RuleCommon)
			require.True(t, ok, "input %q: plain is not common", tt.plain)
			vv, ok := violation(variant, RuleCommon)
			require.True(t, ok, "input %+q: variant is not common: %v", tt.variant, rules(variant))
			pk, _ := pv.Get("kinds")
			vk, _ := vv.Get("kinds")
			assert.Equal(t, pk.Str, vk.Str, "input %+q: kinds", tt.variant)
			if tt.sameGuesses {
				pg, _ := pv.Get("guesses")
				vg, _ := vv.Get("guesses")
				assert.Equal(t, pg.Num, vg.Num, "input %+q: guesses", tt.variant)
				// The plain password's marks, and none on an ignorable.
				var want []bool
				j := 0
				for _, r := range tt.variant {
					if unicodetables.UCDIgnorable(r) {
						want = append(want, false)
						continue
					}
					want = append(want, plain.Chars[j].Pattern)
					j++
				}
				var got []bool
				for _, c := range variant.Chars {
					got = append(got, c.Pattern)
				}
				assert.Equal(t, want, got, "input %+q: marks", tt.variant)
			}
		})
	}
}

// TestPlainLatin: a Latin letter with a diacritic other than æ, ø and å
// is read as its base letter, so a name written with its own letters is
// priced as the list's spelling, with its verdict and marks.
func TestPlainLatin(t *testing.T) {
	typed, lower := []rune("ŁukaszMÜLLERkaféBlåbær"), []rune("łukaszmüllerkaféblåbær")
	folded := append([]rune(nil), lower...)
	plainLatin(typed, lower, folded)
	assert.Equal(t, "LukaszMULLERkafeBlåbær", string(typed))
	assert.Equal(t, "lukaszmullerkafeblåbær", string(lower))
	sameCommon(t, "Łukasz.Wiśniewski.1985", "Lukasz.Wisniewski.1985")
	sameCommon(t, "KārkliņaZane1999!!", "KarklinaZane1999!!")
	sameCommon(t, "ZEYNEP.YILDIZ.Çağlar", "ZEYNEP.YILDIZ.Caglar")
}

// sameCommon asserts that pw is common exactly as as is: the same
// parameters and the same code points marked.
func sameCommon(t *testing.T, pw, as string) {
	t.Helper()
	got, want := Evaluate(Default(), Input{Password: pw}), Evaluate(Default(), Input{Password: as})
	gv, ok := violation(got, RuleCommon)
	require.True(t, ok, "%s is not common: %v", pw, rules(got))
	wv, ok := violation(want, RuleCommon)
	require.True(t, ok, "%s is not common", as)
	assert.Equal(t, wv.Params, gv.Params, pw)
	for i := range got.Chars {
		assert.Equal(t, want.Chars[i].Pattern, got.Chars[i].Pattern, "%s: code point %d marked", pw, i)
	}
}

// TestLatinBase: latinBase gives each code point's canonical
// decomposition's first letter when that is a-z (ł, đ, ħ, ŧ, ı, ŀ, ĸ, ŋ,
// ſ, ð by hand), and nothing for å, æ, ø and the rest.
func TestLatinBase(t *testing.T) {
	byHand := map[rune]byte{'ł': 'l', 'Ł': 'l', 'đ': 'd', 'Đ': 'd', 'ħ': 'h', 'Ħ': 'h', 'ı': 'i', 'ŀ': 'l', 'Ŀ': 'l', 'ŧ': 't', 'Ŧ': 't', 'ð': 'd', 'Ð': 'd', 'ĸ': 'k', 'ŋ': 'n', 'Ŋ': 'n', 'ſ': 's'}
	require.Len(t, latinBase, latinEnd-0xC0)
	for r := rune(0xC0); r < latinEnd; r++ {
		want, ok := byHand[r]
		if !ok {
			want = '-'
			if d := norm.NFD.String(string(r)); d[0] >= 'A' && d[0] <= 'z' && unicode.IsLetter(rune(d[0])) && r != 'å' && r != 'Å' {
				want = byte(unicode.ToLower(rune(d[0])))
			}
		}
		assert.Equal(t, string(want), string(latinBase[r-0xC0]), "%U %c", r, r)
	}
}

// TestUSLayout: a password typed with the US layout on, where the
// Norwegian layout's æ, ø and å keys type ';', '\” and '[' (and ':', '"',
// '{' with shift), is estimated as the same password with the letters, once
// ';' or '[' stands between two letters; an apostrophe alone stays one
// ("don't"), and so do the keys away from letters. Before 2026-12-07 such a
// password's words were brute force: "Kj;ttkaker-og-Gr;t-17mai" and
// "Bj;rnL;veR;ven2024!" were accepted (testdata/predictable.txt).
func TestUSLayout(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"L;rdag", "Lørdag"},
		{":rsta-Bl;tkake", "Ørsta-Bløtkake"},
		{"Skj'rg[rd", "Skjærgård"},
		{"\"rlig-p[-Bl;t", "Ærlig-på-Bløt"},
		{"don't-stop", "don't-stop"},         // no ';' or '[' between letters
		{"bod;-2026!", "bod;-2026!"},         // ';' after a letter only
		{"x;y ; [ :", "xøy ; [ :"},           // keys away from letters stay
		{"{kesberg;veien", "Åkesbergøveien"}, // a capital's key at a word's start
	} {
		typed, lower := []rune(tt.in), []rune(strings.ToLower(tt.in))
		folded := append([]rune(nil), lower...)
		usLayout(typed, lower, folded)
		assert.Equal(t, tt.want, string(typed), "typed %q", tt.in)
		assert.Equal(t, strings.ToLower(tt.want), string(lower), "lower %q", tt.in)
	}
	sameCommon(t, "Tr;ndelag-Tr;ndelag!", "Trøndelag-Trøndelag!")
	sameCommon(t, "Kj;ttkaker-og-Gr;t-17mai", "Kjøttkaker-og-Grøt-17mai")
	sameCommon(t, ":stlandet2026!Bl[b'r", "Østlandet2026!Blåbær")
}

// TestCommonMatchNearMisses: strong passwords that merely contain a year, a
// season, a short keyboard run or a repeat are not common.
func TestCommonMatchNearMisses(t *testing.T) {
	for _, pw := range []string{
		"Granskog!Lirype-Vadmel9",
		"sommerfugl-kvitrer-under-lampeskjermen-2025",
		// "qwe-Tindeglimt-Snøras-Ku" is common since 2026-12-01 (10^19.6), and
		// not for its keyboard run: "xqz-Tindeglimt-Snøras-Ku" is too. Two
		// short words of no list that read Norwegian cost 10^4.5 each, as an
		// attacker's Norwegian list in order of frequency reaches them.
		"qwe-Tindeglimt-Snøras-Kuvending",
		"Sommer2026!og-ein-grautkjele-som-kvitrer",
		"1234 kvitrende grautkjeler i fjordbåten", // "1234 ganger rundt grautkjelen" is 10^15.9 since "ganger" and "rundt" are frequent words
		"fjordbåtgrautkjelelampeskjermtrekkfugl",
		"tended@joggers@agents@noon", // 10^13.0 when '@' joined the words as an 'a'
		"cues@reign@nybble@blinks",
		"chums1baristas2wholesale0purl", // 10^14.5 when the digits joined the words as letters
		"lampeskjerm$grautkjele$trekkfugl$kvitrer",
	} {
		r := Evaluate(Default(), Input{Password: pw})
		_, ok := violation(r, RuleCommon)
		assert.False(t, ok, "near miss %q is common: %v", pw, r.Violations)
	}
}

// violation returns r's violation of rule.
func violation(r Result, rule string) (Violation, bool) {
	for _, v := range r.Violations {
		if v.Rule == rule {
			return v, true
		}
	}
	return Violation{}, false
}

// TestCommonListIsCanonical: the committed list is sorted, unique, folded and
// has no entry under 8 code points; regenerate with scripts/gen-common.sh.
func TestCommonListIsCanonical(t *testing.T) {
	prev := ""
	n := 0
	for line := range strings.Lines(commonList()) {
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, "#") {
			continue
		}
		n++
		require.Greater(t, line, prev, "entry %d out of order or duplicated", n)
		require.Equal(t, line, Fold(line), "entry %d not folded", n)
		require.GreaterOrEqual(t, utf8.RuneCountInString(line), MinMinLength, "entry %d too short", n)
		prev = line
	}
	assert.Greater(t, n, 500, "the list lost its entries (gencommon leaves out only what the estimator refuses: about 16,900 of 17,900)")
	assert.Equal(t, n, commonPasswords().n)
}

// FuzzFold: Fold never panics, is idempotent and returns valid UTF-8.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "Pass", "0\u0301", "ＰＡＳＳ", "\xff", "ß", "ǅ", "ﬃ", "\u1100\u1161\u11a8", "a\u0328\u0301\u0345", "\u0f71\u0f72\u0f74",
		"\u13a2", "\uab72", "a\u200b\u0301", "\u043e\u0302", "\u0410\u0345", "\uffa0\u3164"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Fold(s)
		if !utf8.ValidString(once) {
			t.Fatalf("invalid UTF-8 out")
		}
		if twice := Fold(once); twice != once {
			t.Fatalf("not idempotent")
		}
		// Equal to slowFold (x/text), but for runs of 30+ combining marks,
		// where x/text inserts U+034F (see unicode.go).
		if maxMarkRun(strings.ToValidUTF8(s, "\uFFFD")) < 30 {
			if b, f := slowFold(s); foldBase(s) != b || once != f {
				t.Fatalf("Fold(%+q) = %+q, slowFold gives %+q", s, once, f)
			}
		}
	})
}

// FuzzCommonMatch: never panics and is deterministic.
func FuzzCommonMatch(f *testing.F) {
	for _, s := range []string{"", "qwerty", "Sommer2026!", "aaaa", "1234567890abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k1, ok1 := commonMatch(foldBoth(s))
		k2, ok2 := commonMatch(foldBoth(s))
		if k1 != k2 || ok1 != ok2 {
			t.Fatalf("not deterministic")
		}
	})
}

var foldSink string

func BenchmarkFold(b *testing.B) {
	for _, n := range []int{16, 64, 127} {
		pw := benchPassword(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				foldSink = Fold(pw)
			}
		})
	}
}

func BenchmarkCommonMatch(b *testing.B) {
	commonPasswords()
	for _, n := range []int{16, 64, 127} {
		base, f := foldBoth(benchPassword(n))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				foldSink, _ = commonMatch(base, f)
			}
		})
	}
}

// TestCommonTable: the hash set holds exactly the list's entries (no
// comments, no empty lines, duplicates once), finds every one of them and
// nothing else, also when every slot collides.
func TestCommonTable(t *testing.T) {
	list := "# comment\nalpha\n\nbeta\nalpha\ngamma-delta\n" + strings.Repeat("x", 256) + "\n"
	tab := newCommonTable(list)
	assert.Equal(t, 3, tab.n)
	for _, w := range []string{"alpha", "beta", "gamma-delta"} {
		assert.True(t, tab.contains(w), w)
	}
	for _, w := range []string{"", "# comment", "alph", "alphaa", "gamma", "delta", strings.Repeat("x", 256), "beta\n"} {
		assert.False(t, tab.contains(w), "%q", w)
	}
	var empty commonTable
	assert.False(t, empty.contains("alpha"))

	full := commonPasswords()
	want := map[string]bool{}
	for line := range strings.Lines(commonList()) {
		line = strings.TrimSuffix(line, "\n")
		if line != "" && line[0] != '#' {
			want[line] = true
		}
	}
	for w := range want {
		require.True(t, full.contains(w), "an entry is missing")
		for _, near := range []string{w + "x", w[1:], w[:len(w)-1], strings.ToUpper(w)} {
			require.Equal(t, want[near], full.contains(near), "a near miss of an entry")
		}
	}
	assert.Equal(t, len(want), full.n)
	assert.LessOrEqual(t, 2*full.n, len(full.slots), "load factor at most 1/2")
}

// TestEstimatorRefuses: EstimatorRefuses, which gencommon prunes the list
// with, is Evaluate's common rule for a password on no list, on a policy
// whose minimum length the password meets.
func TestEstimatorRefuses(t *testing.T) {
	for _, pw := range []string{
		"Sommer2026!Sommer2026!", "Granskog!Lirype-Vadmel9", "Ottilie@Flåten29?", "Signe.grimsrud91?",
		"hL3Fp5SJeR8WMCyK", "xBvc#39!DkWKT0_1", "winnipeg261", "kx7monkeyq", "Kari\u200bNordmann!Xq9#",
		"Passord1234567890", "ΩмегаЖ中文🙂🙂🙂abc123", "vinstra#frigg-sortland1977!!", "vigrestad#varegg-treungen1977!!", "Vi-skal-til-Spania-2026!",
	} {
		if _, listed := commonMatch(foldBoth(pw)); listed {
			t.Fatalf("%q is on the list: pick another", pw)
		}
		p := Default()
		p.MinLength = max(MinMinLength, min(p.MinLength, utf8.RuneCountInString(pw)))
		want := slices.Contains(rules(Evaluate(p, Input{Password: pw})), RuleCommon)
		assert.Equal(t, want, EstimatorRefuses(Default(), pw, guessDictionary()), "%q", pw)
	}
}

// TestRandomAlphanumeric: random strings of 16 letters and digits (as
// `pwgen -s 16` makes them: 10^28.7 of them) are seldom common. Their
// brute force counts only 10^16, so a few chance stretches that read like
// a word marked half of one and refused it: words of no list in a case no
// word is written in ("HUPZIDrlik"), digits for letters in stretches that
// read like no word ("gr3ssql"), short words with both a substitution and
// a later capital ("NAl1", "d3T"). 2,000 draws: 28 refused before, 12 now.
func TestRandomAlphanumeric(t *testing.T) {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	rng := rand.New(rand.NewPCG(16, 62))
	common := 0
	const draws = 2000
	for range draws {
		b := make([]byte, 16)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if _, ok := violation(Evaluate(Default(), Input{Password: string(b)}), RuleCommon); ok {
			common++
		}
	}
	t.Logf("%d of %d refused as common", common, draws)
	assert.LessOrEqual(t, common, draws/100, "random 16-character strings refused as common")
}

// TestApplePasswords: the strong passwords Apple's Passwords app and
// Safari generate ("hupvEw-fodne1-qabjyg": three groups of two syllables,
// consonant-vowel-consonant of 19 consonants and 6 vowels, one digit at a
// group's edge and one capital; 71 bits, 10^21.4) are seldom common.
// Syllables read like names, and two groups marked as words of no list
// made half the password a pattern: 6.5% were refused.
func TestApplePasswords(t *testing.T) {
	const consonants, vowels = "bcdfghjkmnpqrstvwxz", "aeiouy"
	rng := rand.New(rand.NewPCG(20, 71))
	apple := func() string {
		b := []byte("xxxxxx-xxxxxx-xxxxxx")
		for i := range b {
			if b[i] == '-' {
				continue
			}
			if p := i % 7 % 3; p == 1 {
				b[i] = vowels[rng.IntN(len(vowels))]
			} else {
				b[i] = consonants[rng.IntN(len(consonants))]
			}
		}
		d := 7*rng.IntN(3) + 5*rng.IntN(2) // the first or last of a group
		b[d] = byte('0' + rng.IntN(10))
		for {
			if u := 7*rng.IntN(3) + rng.IntN(6); u != d {
				b[u] -= 'a' - 'A'
				return string(b)
			}
		}
	}
	assert.True(t, Evaluate(Default(), Input{Password: "hupvEw-fodne1-qabjyg"}).OK, "Apple's own example")
	common := 0
	const draws = 2000
	for range draws {
		pw := apple()
		if _, ok := violation(Evaluate(Default(), Input{Password: pw}), RuleCommon); ok {
			common++
		}
	}
	t.Logf("%d of %d refused as common", common, draws)
	assert.LessOrEqual(t, common, draws/100, "Apple's generated passwords refused as common")
}

// TestRandomLetters: random strings of 20 and 22 small letters (10^28 and
// 10^31 guesses), and of 20 capitals, are seldom common. At 10 guesses a
// letter they cost about the threshold, and a stretch that read like a word
// by chance took 8-10% of them under it; they are generated runs now (see
// package guess), and 0.5-1% are refused (a word of the lists of 5+ letters
// by chance, "MTDTODAYSF…", or stretches that read like words over four
// fifths of the run). The bound is 2%: under the old 8-10%, over the
// draws' own spread.
func TestRandomLetters(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 26))
	for _, n := range []int{20, 22, -20} {
		first := byte('a')
		if n < 0 {
			n, first = -n, 'A'
		}
		common := 0
		const draws = 2000
		for range draws {
			b := make([]byte, n)
			for i := range b {
				b[i] = first + byte(rng.IntN(26))
			}
			if _, ok := violation(Evaluate(Default(), Input{Password: string(b)}), RuleCommon); ok {
				common++
			}
		}
		t.Logf("%d letters from %c: %d of %d refused as common", n, first, common, draws)
		assert.LessOrEqual(t, common, draws/50, "random strings of %d letters from %c refused as common", n, first)
	}
}

// TestJoinKinds: every kind the estimator reports has words in nb, nn and
// en, and a repeat and a mirror close the list as suffixes.
func TestJoinKinds(t *testing.T) {
	for k := guess.Kind(1); k.String() != ""; k++ {
		assert.Contains(t, kindOrder[:], k, "kind %s is in kindOrder", k)
	}
	for _, k := range kindOrder {
		w, ok := words.get(k.String())
		require.True(t, ok, "kind %s has words", k)
		for lang := range 3 {
			assert.NotEmpty(t, w[lang], "kind %s in language %d", k, lang)
		}
	}
	en, nb := langIndex("en"), langIndex("nb")
	assert.Equal(t, "a season, month or weekday and a year, repeated", joinKinds(en, "calendar+year+repeat", ""))
	assert.Equal(t, "a year, repeated backwards", joinKinds(en, "year+mirror", ""))
	assert.Equal(t, "et årstall, gjentatt baklengs", joinKinds(nb, "year+mirror", ""))
	assert.Equal(t, "a year, repeated, also backwards", joinKinds(en, "year+mirror+repeat", ""))
	assert.Equal(t, "a repetition backwards", joinKinds(en, "mirror", ""))
	// A word or name of no list after a kind of the lists is "another":
	// until 2026-12-04 the most frequent refusal of the sets said "a common
	// word and a word or name".
	assert.Equal(t, "a common word and another word or name", joinKinds(en, "word+wordlike", ""))
	assert.Equal(t, "common words and other words or names", joinKinds(en, "word+wordlike", "word+wordlike"))
	assert.Equal(t, "et vanlig navn, et årstall og et annet ord eller navn", joinKinds(nb, "name+year+wordlike", ""))
	assert.Equal(t, "eit stadnamn og andre ord eller namn", joinKinds(langIndex("nn"), "place+wordlike", "wordlike"))
	assert.Equal(t, "a year and a word or name", joinKinds(en, "year+wordlike", ""), "no kind of the lists before it")
	assert.Equal(t, "a word or name, repeated", joinKinds(en, "wordlike+repeat", ""))
	r := Evaluate(Default(), Input{Password: "Gyri1987!!7891iryG", Lang: "nn"})
	v, ok := violation(r, RuleCommon)
	require.True(t, ok)
	assert.Equal(t, "Passordet er lett å gjette: det inneheld eit årstal, gjenteke baklengs.", v.Message)
}

// TestRepeatedNamedOrNot: ", repeated" closes the list only when the
// repeat copies a part the list names ("a season and a year, repeated");
// a run of one character or a block holding no named part is an item of
// its own, so that "Passord!!!!!!!!!!" does not say that the word is
// repeated.
func TestRepeatedNamedOrNot(t *testing.T) {
	checkCommonMessages(t, []commonMessage{
		{"Sommer2026!Sommer2026!", "en", "calendar+year+repeat", "", "The password is easy to guess: it contains a season, month or weekday and a year, repeated."},
		{"Ola!Ola!Ola!Ola!2026", "en", "name+year+repeat", "", "The password is easy to guess: it contains a common name and a year, repeated."},
		{"Passord!!!!!!!!!!", "en", "word+run", "", "The password is easy to guess: it contains a common word and repeated characters."},
		{"Kari1985aaaaaaaaa", "nb", "name+year+run", "", "Passordet er lett å gjette: det inneholder et vanlig navn, et årstall og gjentatte tegn."},
		{"Tordis_77777777!", "nn", "wordlike+run", "", "Passordet er lett å gjette: det inneheld eit ord eller namn og gjentekne teikn."},
		{"Kari1985xqzxqzxqz", "en", "name+year+run", "", "The password is easy to guess: it contains a common name, a year and repeated characters."},
		{"abababababababab", "en", "run", "", "The password is easy to guess: it contains repeated characters."},
	})
}

// commonMessage is a password whose common violation has these kinds and
// several params (several "": none) and this message.
type commonMessage struct{ password, lang, kinds, several, message string }

// checkCommonMessages evaluates each password on the default policy and
// checks its common violation's kinds, several and message.
func checkCommonMessages(t *testing.T, tests []commonMessage) {
	t.Helper()
	for _, tt := range tests {
		r := Evaluate(Default(), Input{Password: tt.password, Lang: tt.lang})
		v, ok := violation(r, RuleCommon)
		require.True(t, ok, "%q: %v", tt.password, rules(r))
		kinds, _ := v.Get("kinds")
		assert.Equal(t, tt.kinds, kinds.Str, "%q: kinds", tt.password)
		several, ok := v.Get("several")
		assert.Equal(t, tt.several != "", ok, "%q: a several param", tt.password)
		assert.Equal(t, tt.several, several.Str, "%q: several", tt.password)
		assert.Equal(t, tt.message, v.Message, "%q", tt.password)
	}
}

// TestSeveralOfAKind: a kind found twice or more, or in two or more words
// of a phrase, is named in the plural ("common words", not "a common word",
// for a phrase of four), and the violation's "several" param lists those
// kinds; a kind found once stays singular and the param is absent.
func TestSeveralOfAKind(t *testing.T) {
	checkCommonMessages(t, []commonMessage{
		{"Miste-vesen-forrådte-fortet", "en", "word", "word", "The password is easy to guess: it contains common words."},
		{"visdom!!felt!!Overvåket!!mordene", "nb", "word", "word", "Passordet er lett å gjette: det inneholder vanlige ord."},
		{"Oslo-Bergen-Trondheim-2026", "nn", "place+year", "place", "Passordet er lett å gjette: det inneheld stadnamn og eit årstal."},
		{"astrid.Strand2019!", "en", "name+year", "name", "The password is easy to guess: it contains common names and a year."},
		{"Chelsea2021 Chelsea2021*", "en", "club+year+repeat", "", "The password is easy to guess: it contains a sports club and a year, repeated."},
		{"Ola&Kari4ever2026!", "en", "name+word+year", "name", "The password is easy to guess: it contains common names, a common word and a year."},
	})
	for _, k := range kindOrder {
		if noPlural&(1<<k) != 0 {
			continue
		}
		w, ok := plurals.get(k.String())
		require.True(t, ok, "kind %s has a plural", k)
		for lang := range 3 {
			assert.NotEmpty(t, w[lang], "kind %s's plural in language %d", k, lang)
		}
	}
	en := langIndex("en")
	assert.Equal(t, "common names, a common word and a year", joinKinds(en, "name+word+year", "name"))
	assert.Equal(t, "common words and a year, repeated", joinKinds(en, "word+year+repeat", "word"))
}

// TestPhraseFeedback: when two or more common words were found, the next
// step asks for rarer words, not for "words that do not belong together",
// which a phrase of four of them already is.
func TestPhraseFeedback(t *testing.T) {
	r := Evaluate(Default(), Input{Password: "Miste-vesen-forrådte-fortet", Lang: "en"})
	require.NotEmpty(t, r.Feedback)
	assert.Equal(t, "Common words are tried first, several in a row too. Choose rarer words, and more of them.", r.Feedback[0])
	r = Evaluate(Default(), Input{Password: "Miste-vesen-forrådte-fortet", Lang: "nb"})
	assert.Equal(t, "Vanlige ord prøves først, også flere etter hverandre. Velg sjeldnere ord, og gjerne flere av dem.", r.Feedback[0])
	r = Evaluate(Default(), Input{Password: "Sommer2026!Sommer2026!", Lang: "en"})
	assert.Equal(t, "Such patterns are tried first. Replace the marked characters with words that do not belong together, four or five of them.", r.Feedback[0])
}

// TestL33tDigits: an 8 and a 9 are read as b and g inside a word written
// in l33t, one that has another substitution too ("847m4n", "Stavan93r",
// "Lørd49"), and stay digits after a word of letters only ("Vadmel9") and
// in numbers of their own.
func TestL33tDigits(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"847m4ndr490n", "batmandragon"},
		{"stavan93r", "stavanger"},
		{"lørd49!sk09", "iørdag!skog"},
		{"vadmel9", "vadmei9"}, // no other substitution: l is a letter that folds
		{"sommer-1989", "sommer-i989"},
		{"sommer1989s0l", "sommeri989soi"}, // a number of four digits ends a run
		{"2019/1989", "2oi9/i989"},
		{"bursda912", "bursdagi2"},
	} {
		lower := []rune(c.in)
		folded := make([]rune, len(lower))
		for k, r := range lower {
			folded[k] = substitute(r)
		}
		l33tDigits(lower, folded)
		assert.Equal(t, c.want, string(folded), c.in)
	}
	// Accepted before 2026-12-07 (sixty-fifth session): 10^20 and more
	// with each 8 and 9 a digit. A helper's generator written from issue
	// 13's words alone had them.
	for _, pw := range []string{"847m4nDr490n1234.", "$t@v@n93rB1@ck12", "J3rn_4cc3ss_Lørd49!", "m0sss0mm4rkristians4nds4rpsb0r9!", "Mor73n-J4n-83rn7s3n-8ursd4g1963"} {
		_, ok := violation(Evaluate(Default(), Input{Password: pw}), RuleCommon)
		assert.True(t, ok, "%s is not common", pw)
	}
}
