package policy

import (
	"strconv"
	"strings"
	"testing"
)

// benchPassword returns a realistic n-code-point password: words, digits,
// symbols, Norwegian letters and some repeats.
func benchPassword(n int) string {
	const src = "Granskog!Lirype-Vadmel9 blåbærsyltetøy ÆØÅ 2026 tre små kinesere#"
	rs := []rune(strings.Repeat(src, n/len([]rune(src))+1))
	return string(rs[:n])
}

var benchSink Result

// BenchmarkEvaluate measures the whole verdict (score, every rule, messages,
// feedback) on the default policy.
func BenchmarkEvaluate(b *testing.B) {
	p := Default()
	for _, n := range []int{16, 64, 127} {
		in := Input{Password: benchPassword(n), Username: "olan", Name: "Ola Nordmann"}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchSink = Evaluate(p, in)
			}
		})
	}
}

// BenchmarkEvaluatePersonal is BenchmarkEvaluate/127 and
// BenchmarkEvaluateRepeated's digits with a date of birth and a phone
// number given (the reset and activation pages' meters): what the
// birthdate and phone rules add, the digits being their worst case.
func BenchmarkEvaluatePersonal(b *testing.B) {
	p := Default()
	digits := []rune(strings.Repeat("1.2.3.4.5.6.7.8.9.0.", 7))[:127]
	for name, pw := range map[string]string{"127": benchPassword(127), "digits": string(digits)} {
		in := Input{Password: pw, Username: "olan", Name: "Ola Nordmann", BirthDate: "1985-07-24", Phone: "+47 924 56 789"}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchSink = Evaluate(p, in)
			}
		})
	}
}

// BenchmarkEvaluateRepeated measures the whole verdict on 127 code points
// of one short stretch typed again and again: the passwords with the most
// matches for the estimator (see policy/guess's BenchmarkEstimateRepeated),
// which the 20 µs budget bounds too.
func BenchmarkEvaluateRepeated(b *testing.B) {
	p := Default()
	for _, s := range []string{"a", "ab", "th", "l1l1", "æøå", "racecar", "hestebilen", "Io", "8m", "1.2.3.4.5.6.7.8.9.0.", "s.o.m.m.e.r."} {
		rs := []rune(strings.Repeat(s, 127/len([]rune(s))+1))
		in := Input{Password: string(rs[:127])}
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchSink = Evaluate(p, in)
			}
		})
	}
}

// BenchmarkEvaluateJoined measures the whole verdict on 127 code points of
// frequent words written together, small letters only: every stretch of a
// run of 127 letters may be a word (the dictionary's, the bigram models'),
// the most matches a password of words can hold.
func BenchmarkEvaluateJoined(b *testing.B) {
	p := Default()
	for name, pw := range map[string]string{
		"nb": "kevinmordjeffcharlesishellerkattnydeligsiktealexregnetfinnerhusetkomsommerenbilfestenvennerbrorsøsterlandetbyenskolenbarnahje",
		"en": "orinpalaversgearwheelsmeditatesrastafarianismeradicateseyelashescheesemakerbacksliderintransitivesconstipatesobsoletedmilessmas",
	} {
		in := Input{Password: string([]rune(pw)[:127])}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchSink = Evaluate(p, in)
			}
		})
	}
}

var scoreSink scoreState

// BenchmarkScore measures the score alone (the per-character points and the
// bonus); its only allocation is the chars slice.
func BenchmarkScore(b *testing.B) {
	rules := DefaultScoreRules()
	for _, n := range []int{16, 64, 127} {
		pw := benchPassword(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				scoreSink = score(pw, rules)
			}
		})
	}
}

var jsonSink []byte

// BenchmarkResultJSON measures AppendJSON of a 127-character Result into a
// reused buffer.
func BenchmarkResultJSON(b *testing.B) {
	r := Evaluate(Default(), Input{Password: benchPassword(127)})
	buf := make([]byte, 0, 16<<10)
	b.ReportAllocs()
	for b.Loop() {
		jsonSink = r.AppendJSON(buf[:0])
	}
}

// TestScoreAllocations pins the score's allocation count: one (the chars
// slice), whatever the length.
func TestScoreAllocations(t *testing.T) {
	rules := DefaultScoreRules()
	for _, n := range []int{16, 127} {
		pw := benchPassword(n)
		if a := testing.AllocsPerRun(100, func() { scoreSink = score(pw, rules) }); a > 2 {
			t.Errorf("score at %d code points: %v allocations, want at most 2", n, a)
		}
	}
}
