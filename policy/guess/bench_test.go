package guess

import (
	"strconv"
	"strings"
	"testing"
)

var estimateSink Result

// BenchmarkEstimate measures the estimator alone on a realistic password of
// 16, 64 and 127 code points, with the embedded lists as its dictionary.
func BenchmarkEstimate(b *testing.B) {
	const src = "Granskog!Lirype-Vadmel9 blåbærsyltetøy ÆØÅ 2026 tre små kinesere#"
	for _, n := range []int{16, 64, 127} {
		rs := []rune(strings.Repeat(src, n/len([]rune(src))+1))
		input := in(string(rs[:n]))
		input.Dictionary = testDict
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				estimateSink = Estimate(input)
			}
		})
	}
}

// BenchmarkEstimateRandom measures the estimator on 127 random characters
// (letters, digits, symbols, æøå), the meter bench's kind of password:
// many short runs of letters that no match explains.
func BenchmarkEstimateRandom(b *testing.B) {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%&/()=?+-_.,;:æøåÆØÅ"
	a := []rune(alphabet)
	rs := make([]rune, 127)
	for i := range rs {
		rs[i] = a[(i*37+11)%len(a)]
	}
	input := in(string(rs))
	input.Dictionary = testDict
	b.ReportAllocs()
	for b.Loop() {
		estimateSink = Estimate(input)
	}
}

// BenchmarkEstimateRepeated measures the estimator on 127 code points of
// one short stretch typed again and again (a key held down, "abab…", a
// zigzag on the keyboard, a palindrome, a word): the passwords with the
// most matches, whose cost a keystroke must bound too.
func BenchmarkEstimateRepeated(b *testing.B) {
	for _, s := range []string{"a", "ab", "th", "bl", "rj", "l1l1", "æøå", "racecar", "hestebilen"} {
		rs := []rune(strings.Repeat(s, 127/len([]rune(s))+1))
		input := in(string(rs[:127]))
		input.Dictionary = testDict
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				estimateSink = Estimate(input)
			}
		})
	}
}
