package policy

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var digitsRE = regexp.MustCompile(`[0-9]+`)

// assertNoEcho proves that no part of r can hold the password: every string
// in it comes from a fixed set or is rendered from a template and numeric or
// fixed-word parameters.
func assertNoEcho(t *testing.T, r Result, lang string) {
	t.Helper()
	for i, c := range r.Chars {
		if !slices.Contains(categoryNames[:], c.Category.String()) || !slices.Contains(noteNames[:], c.Note.String()) {
			t.Fatalf("char %d: category %q note %q not from the fixed sets", i, c.Category, c.Note)
		}
	}
	for _, v := range r.Violations {
		for _, p := range v.Params {
			for _, w := range strings.Split(p.Value.Str, "+") {
				if _, ok := words.get(w); p.Value.IsStr && !ok {
					t.Fatalf("violation %s: string param %s is not a fixed word", v.Rule, p.Name)
				}
			}
		}
		if v.Message != Message(lang, v.Rule, v.Params) {
			t.Fatalf("violation %s: message is not its template", v.Rule)
		}
	}
	for _, f := range r.Feedback {
		ok := false
		for _, e := range feedbackTexts {
			l := e.text[langIndex(lang)]
			if f == l || f == strings.Replace(l, "{n}", digitsRE.FindString(f), 1) {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("feedback line is not from the fixed set")
		}
	}
}

// FuzzEvaluate: Evaluate never panics, its score is within bounds, its JSON
// is valid and never holds the password, and it is deterministic.
func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{"", "password", "Passw0rd!", "ÆØÅæøå12!!", "\xff\xfe", "a\u0301", "Sommer2026!", "qwerty", "s.o.m.m.e.r.2.0.2.6", "1s2o3m4m5e6r", "p..a..s..s", "correct horse battery staple", "EnToTreFireFem", "fünf-sechs-sieben", "Elefant-Sjiraff-Sebra!", "Pusur&Tassen2020"} {
		f.Add(s, "olan", "Ola Nordmann", uint8(0))
	}
	pols := []Policy{Default()}
	if p, err := Lookup("uio"); err == nil {
		pols = append(pols, p)
	}
	f.Fuzz(func(t *testing.T, pw, user, name string, which uint8) {
		p := pols[int(which)%len(pols)]
		in := Input{Password: pw, Username: user, Name: name, Lang: Languages[int(which)%3]}
		r := Evaluate(p, in)
		n := utf8.RuneCountInString(pw)
		if len(r.Chars) != n {
			t.Fatalf("chars: got %d, want %d", len(r.Chars), n)
		}
		maxPts := 0.0
		for i := 1; i <= n; i++ {
			maxPts += tierPoints(p.Score.Tiers, i)
		}
		maxBonus := 0.0
		for _, b := range p.Score.Bonus {
			maxBonus = max(maxBonus, b.Points)
		}
		if r.Score < 0 || r.Score > maxPts+maxBonus || r.Score != r.Score {
			t.Fatalf("score %v outside [0, %v]", r.Score, maxPts+maxBonus)
		}
		out := r.AppendJSON(nil)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON")
		}
		assertNoEcho(t, r, in.Lang)
		if again := Evaluate(p, in).AppendJSON(nil); !bytes.Equal(out, again) {
			t.Fatalf("not deterministic")
		}
	})
}
