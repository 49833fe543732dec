package floatconv

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestMatchesStrconv: ParseFloat gives strconv's result, bit for bit, in
// the build under test (natively strconv itself; under js/wasm, where make
// test runs this package under Node, JavaScript's Number): on the values a
// parser treats apart (zero, subnormals, halfway cases, the range's edges,
// more digits than a float holds), random bit patterns in three spellings
// each, and decimals such as a policy holds.
func TestMatchesStrconv(t *testing.T) {
	strs := []string{"0", "-0", "0.0", "1", "-1", "0.5", "1e400", "-1e400", "1.8e308", "1e-400", "-1e-400", "2e-324",
		"3e-324", "0.1e1", "1E5", "1e+5", "1e-5", "123456789012345678901234567890", "0.30000000000000004",
		"2.2250738585072011e-308", "2.2250738585072012e-308", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
		"9007199254740993", "9007199254740992.5", "9007199254740993.0000000000000000001", "1.00000000000000011102230246251565404236316680908203125",
		"1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
		"7.038531e-26", "8.41e21", "1e23", "5e-324", "20", "20.5", "42.5", "32", "0.25", "1.75"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		strs = append(strs, string(strconv.AppendFloat(nil, f, 'e', -1, 64)),
			string(strconv.AppendFloat(nil, f, 'e', 20+r.IntN(20), 64)))
		if math.Abs(f) < 1e30 {
			strs = append(strs, string(strconv.AppendFloat(nil, f, 'f', -1, 64)))
		}
	}
	for range 5000 {
		strs = append(strs, strconv.Itoa(r.IntN(2000000)-1000000)+"."+strconv.Itoa(r.IntN(1000)))
	}
	for _, s := range strs {
		want, err := strconv.ParseFloat(s, 64)
		got, ok := ParseFloat(s)
		if ok != (err == nil) || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("ParseFloat(%s) = %v, %v; want %v, %v", s, got, ok, want, err)
		}
	}
}
