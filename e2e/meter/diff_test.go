package meter_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/policy"
)

// diffCase is one generated evaluation, in the shape styrke.evaluate takes.
type diffCase struct {
	Password    string `json:"password"`
	Username    string `json:"username,omitempty"`
	Name        string `json:"name,omitempty"`
	BirthDate   string `json:"birthDate,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Policy      string `json:"policy"`
	BreachCount *int   `json:"breachCount,omitempty"`
	Lang        string `json:"lang"`
}

// pieces that make generated passwords hit every rule.
var pieces = []string{
	"a", "Z", "7", "!", "-", " ", "æ", "Ø", "å", "ß", "ŉ", "ǅ", "İ", "ﬃ", "Ａ", "１", "é", "e\u0301",
	"🙂", "👩‍💻", "中", "日本", "ᚠ", "Ω", "\t", "€", "½", "²", "0", "1",
	"sommer2024", "Vinter-1999", "qwerty", "asdfgh", "123456", "abcdef", "passord", "password",
	"olanor", "Nordmann", "ola", "blindern", "uit", "tromsø", "universitetet", "aaaa", "abab",
	"p@ssw0rd", "P4$$W0RD", "hunter2",
	// the estimator's newer matchers: words of no list, capitalised, farm
	// names, letters written together, keyboard zigzags
	"Ragnvald", "grimsrud", "Kvalheim", "kaffekoppsommerfuglhytte", "whenyoulookintheeyes", "1q2w3e4r", "17mai",
	// and later: substitutions inside words of no list, Norse names,
	// sentence words, places abroad, Russian typed on a Latin keyboard
	"Sn3kk3r", "m1dnattsol", "@", "Torhild", "steinulf", "skal", "Heter", "Spania", "Mikkel",
	"ghbdtn", "k.,bvfzhf,jnf", "vjzcj,frfk.,bnuekznm",
	// and later: a day before a month's name, frequent Norwegian words, a
	// separator of two used again
	"14.des.", "1-jan-99", "beklager", "trenger", "!!", "??", "kylling.dama.", "velsigne.",
	// and later: a substituted symbol or digit between two words
	"tended@joggers", "chums1baristas", "homm3rsåk",
	// and a palindrome (a mirror)
	"Gyri1987!!7891iryG",
	// and sentences of short words, and Apple's random syllables (faint:
	// priced, not marked)
	"Ha en fin dag ", "my.dad.", "hupvEw-fodne1-qabjyg", "hagdep-", "fløya",
	// and the pieces of addresses
	"https://www.", "@gmail", ".no/", ".com",
	// and random small letters (a generated run when 16 or more in a row)
	"osilckaljdjexrirawoi", "qzxjvkw", "OSILCKALJDJEXRIRAWOI",
	// and the short words people build passwords of, and a generated run
	// with a stretch that reads like a word (no part of its split)
	"yankees", "wizard", "Buster", "hbhegathociqhbimzw",
	// and a short password spelt out, with a character between its code
	// points or numbered as it goes
	"s.o.m.m.e.r.2.0.2.6", "p a s s o r d", "1k2a3r4i5!",
	// and famous phrases
	"correct horse battery staple", "LoremIpsum", "ja-vi-elsker",
	// and Norwegian words inflected
	"kattene", "Hjertets",
	// and alternating case, counting between words, a symbol inside a word
	"FoTbAlL", "sOmMeRfErIe", "kaffe1kopp2bord3", "vi#nter", "Pass*ord",
	// and counting through a series of words, Nynorsk words
	"EnToTreFire", "one-two-three-", "Alfa.Bravo.Charlie", "fünf", "EgHatarKaffi",
	// and animals, food and pets' names
	"Sjiraff", "Squirrel", "Pusur", "Moltebær",
	// and small letters with digits in three places (a generated run)
	"y1qxa49ftrlio73bu2e2", "kjqofs8a848n3nlikiva",
	// and a date of birth and a phone number, as people write them
	"24071985", "24.07.85", "1985-07-24", "24juli", "5.3.2001", "924 56 789", "+4792456789",
	// and well-known numbers, a block counted, single digits between words
	"3,14159265", "2.718281828", "4815162342", "1248163264128", "skiferie1skiferie2", "1barn2kids2biler4katter",
	// and walks on the number pad and a phone's, a run of three
	"147852369", "2580", "0,3", "111",
	// and full names, keyboard columns stepping on, Norwegian words of love
	"kari.nordmann", "Ola_Hansen", "1qaz2wsx3edc4rfv", "jegelskerdeg", "Kosebamse",
	// and national identity numbers (synthetic: the month plus 80), one a
	// D-number, one with a hyphen
	"18874342420", "45859912323", "018185-47125",
	// and dates written month first, an ordinal's ending, letters after a
	// month's name
	"Feb-20th ", "jun_17st", "nov19", "14th feb", "17maixy",
	// and words joined by a symbol between two of the same
	"Hund & Katt & ", "_+_",
	// Folded away or refused: default-ignorables, lookalikes, Cherokee, controls.
	"\u200b", "\u00ad", "\ufe0f", "\u202e", "n\u043erdm\u0430nn", "\u039fla", "\u13a2", "\uab72", "\x7f", "\u0085", "\ufffd",
}

func generate(n int) []diffCase {
	rng := rand.New(rand.NewPCG(4, 2))
	policies := policy.Institutions()
	langs := []string{"nb", "nn", "en", ""}
	out := make([]diffCase, n)
	for i := range out {
		target := rng.IntN(201)
		if i%10 == 0 {
			target = rng.IntN(20)
		}
		var b strings.Builder
		for n := 0; n < target; {
			p := pieces[rng.IntN(len(pieces))]
			if rng.IntN(3) == 0 {
				p = string(rune(0x20 + rng.IntN(0x2fff)))
			}
			b.WriteString(p)
			n += len([]rune(p))
		}
		c := diffCase{Password: b.String(), Policy: policies[i%len(policies)], Lang: langs[rng.IntN(len(langs))]}
		if rng.IntN(2) == 0 {
			c.Username, c.Name = "olanor", "Ola Nordmann"
		}
		if rng.IntN(2) == 0 {
			c.BirthDate, c.Phone = []string{"1985-07-24", "2001-03-05"}[rng.IntN(2)], "+47 924 56 789"
		}
		if rng.IntN(3) == 0 {
			n := rng.IntN(3) * rng.IntN(100)
			c.BreachCount = &n
		}
		out[i] = c
	}
	// Whole passwords of the generated runs' shapes, which pieces joined
	// at random rarely make: Apple's format (with and without a word of
	// the lists), small letters with digits; and CamelCase, where no word
	// is read across a word's edge from inside a word (camelInside), but a
	// word of the lists written so edge to edge is; streams typed side by
	// side ("Aa1Bb2Cc3…", which matchStripes read until 2026-12-07); names
	// of the people born abroad (names_world.txt); Northern Sámi words
	// with and without the Sámi letters; and
	// hexadecimal runs (candidateRuns), in small letters and capitals; and
	// keyboard columns after and before a neighbouring key (shapeRepeats);
	// written dates after other digits, and dates of digits alone before a
	// separator and more digits (matchDates); a separator of one code point
	// used again between patterns, any such code point (matchSeparators);
	// full names (matchFullNames) and four keyboard columns stepping on
	// (shapeRepeats); a column and back up the next, a walk read up to a
	// key that turns, the home row with "æø" (walk), a capitalised word
	// backwards (capitalisedBackwards), "!" for "i" (walkBang) and digits
	// typed twice each (matchDoubledSequences).
	for i, pw := range []string{"hupvEw-fodne1-qabjyg", "moqsy2-Xufqys-sebkik", "Sommer-vinter-kaffe1", "y1qxa49ftrlio73bu2e2", "wltvig3l9lqid3bzlavt",
		"DuctBogeysShineVermin", "SoothesAspirationDoeSham", "ilove-NewYork!2026", "iPhone2026!!Kari", "xxFoTbAlLxx-sommer",
		"Aa1Bb2Cc3Dd4Ee5Ff6", "Qq1!Ww2@Ee3#Rr4$Tt5%", "Aa1!Bb2\"Cc3#Dd4¤Ee5%", "zZ9yY8xX7wW6vV5", "Piotr.Kowalczyk.1984", "babcia-Wisniewska-70", "Kárášjohka-Boazu-2026", "Karasjohka-Boazu-2026",
		"bb651248e0911a6500dc", "7FEB91CEE700B0960049", "decade1987cafe2020",
		"Kaffe3edc4rfv5tgb", "zaq1xsw2cde34Kaffe", "Kaffe#4rfv5tgb#2wsx",
		"Kaffe203913.07.1985", "22041949-06.10.1953Kaffe",
		"Kari-1985-Oslo-2024", "12.05.1999#Oslo#2024", "Sigve_Eide 95320607 cvbnm TUVA", "Kari-1985+Oslo+2024",
		"kari.nordmann#2024", "Sindre_Bakken-1qaz2wsx3edc4rfv-Lofoten", "KariNordmann1985", "leroy.Barberer2023",
		"Fotball!1qazxsw2!2024", "2468+emocleW+asdfghjklæø+Bella!?", "M4r1u5+princess+Henr!k+050623#", "Musikk#charlie#112233#12qwaszx!?", "L!verpool1892YNWA",
		"LetMeIndog19831!", "Sommer.1.Vinter.2.Høst.3.Vår.4", "Hunden#1#Katten#2#Hesten#3#2026", "gitar magic Måne Fox Elg*",
		"Hund1Katt2Hest3Ku4Gris5", "Rev-Ulv-Ku-Elg-Gaupe!", "King#911#Black#12!1", "Elsker#143#Deg#2026",
		"Hytteferie123Fiskebåt456Sommerfugl789", "Fotballbane987Skistadion654Badeland321", "xXHaloDarkXx1992!1", "xX_Pro_Venom_Xx2008!"} {
		out = append(out, diffCase{Password: pw, Policy: policies[i%len(policies)], Lang: langs[i%len(langs)]})
	}
	return out
}

func TestDifferential(t *testing.T) {
	cases := generate(10_000)
	seen := map[string]bool{}
	want := make([]byte, 0, 32<<20)
	want = append(want, '[')
	for i, c := range cases {
		p, err := policy.Lookup(c.Policy)
		require.NoError(t, err)
		r := policy.Evaluate(p, policy.Input{Password: c.Password, Username: c.Username, Name: c.Name, BirthDate: c.BirthDate, Phone: c.Phone, BreachCount: c.BreachCount, Lang: c.Lang})
		for _, v := range r.Violations {
			seen[v.Rule] = true
		}
		if i > 0 {
			want = append(want, ',')
		}
		want = r.AppendJSON(want)
	}
	want = append(want, ']')
	data, err := json.Marshal(cases)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(env.dir, "diff-cases.json"), data, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(env.dir, "diff-want.json"), want, 0o644))

	tab := open(t, "/index.html")
	// One call for the whole batch: the page fetches both files, evaluates
	// every case and compares the Results after the same JSON.parse.
	type answer struct {
		N   int   `json:"n"`
		Bad []int `json:"bad"`
	}
	got := chrome.Eval[answer](t, tab, `(async () => {
		const [cases, want] = await Promise.all(["diff-cases.json", "diff-want.json"].map(u => fetch(u).then(r => r.json())));
		const bad = [];
		cases.forEach((c, i) => {
			if (JSON.stringify(styrke.evaluate(c)) !== JSON.stringify(want[i])) bad.push(i);
		});
		return {n: cases.length, bad: bad.slice(0, 20)};
	})()`)
	assert.Equal(t, len(cases), got.N)
	assert.Empty(t, got.Bad, "indices of cases whose browser Result differs from the native one")
	for _, rule := range []string{policy.RuleTooShort, policy.RuleTooLong, policy.RuleDisallowedCharacter, policy.RuleControlCharacter, policy.RuleMissingClass,
		policy.RuleUsername, policy.RuleName, policy.RuleBirthDate, policy.RulePhone, policy.RuleContext, policy.RuleCommon, policy.RuleWeak, policy.RuleBreached} {
		assert.True(t, seen[rule], "no generated case breaks %s", rule)
	}
}
