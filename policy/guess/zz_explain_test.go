package guess

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"unicode"
)

func TestZZExplain(t *testing.T) {
	f := os.Getenv("EXPLAIN")
	if f == "" {
		t.Skip()
	}
	raw, _ := os.ReadFile("../common_passwords.txt")
	var b strings.Builder
	for _, l := range strings.Split(string(raw), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			b.WriteString(l + "\n")
		}
	}
	d := NewDictionary(b.String())
	fh, _ := os.Open(f)
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		pw := sc.Text()
		typed := []rune(pw)
		lower := make([]rune, len(typed))
		folded := make([]rune, len(typed))
		for i, r := range typed {
			lower[i] = unicode.ToLower(r)
			folded[i] = sub(lower[i])
		}
		input := Input{Typed: typed, Lower: lower, Folded: folded, Dictionary: d}
		res := estimate(input, 0, &scratch)
		ms := &scratch[0]
		n := len(typed)
		var run [MaxRunes]uint8
		var pattern [MaxRunes / 64]uint64
		var word [maxGenerated + 1]bool
		runs, hex := candidateRuns(typed, &run)
		markPatterns(ms, n, &run, runs, &pattern, &word)
		if runs {
			runs = generatedRuns(&run, &word, &pattern, n)
		}
		_ = hex
		// DP copy
		const inf = math.MaxFloat32
		var mCost, bCost [MaxRunes + 1]float32
		var mFrom [MaxRunes + 1]int16
		var mPrevB, bPrevB [MaxRunes + 1]bool
		mCost[0], bCost[0] = 0, inf
		for j := 1; j <= n; j++ {
			ext, start := bCost[j-1], mCost[j-1]
			if j > 1 {
				start += partLog10
			}
			brute := float32(bruteLog10)
			if runs && run[j-1] != 0 {
				if hex>>run[j-1]&1 != 0 {
					brute = hexLog10
				} else if ms.class[j-1]&classLetter != 0 {
					brute = letterLog10
				}
			}
			if ext <= start {
				bCost[j], bPrevB[j] = ext+brute, true
			} else {
				bCost[j], bPrevB[j] = start+brute, false
			}
			mCost[j] = inf
			for k := ms.head[j]; k != 0; k = ms.next[k-1] {
				m := &ms.m[k-1]
				if runs && m.kind == KindWordlike && run[m.i] != 0 && run[m.j-1] == run[m.i] {
					continue
				}
				lg := m.lg
				if !m.free && !(m.i == 0 && int(m.j) == n) && lg < minSubLog10 {
					lg = minSubLog10
				}
				i := int(m.i)
				prev, prevB := mCost[i], false
				if bCost[i] < prev {
					prev, prevB = bCost[i], true
				}
				if i > 0 && !m.joins {
					prev += partLog10
				}
				if c := prev + lg; c < mCost[j] {
					mCost[j], mFrom[j], mPrevB[j] = c, k, prevB
				}
			}
		}
		var parts []string
		j, inB := n, bCost[n] < mCost[n]
		gapEnd := -1
		for j > 0 {
			if inB {
				if gapEnd < 0 {
					gapEnd = j
				}
				inB = bPrevB[j]
				j--
				if !inB {
					parts = append(parts, fmt.Sprintf("[gap %q]", string(typed[j:gapEnd])))
					gapEnd = -1
				}
				continue
			}
			m := &ms.m[mFrom[j]-1]
			parts = append(parts, fmt.Sprintf("%s%q %.1f", m.kind, string(typed[m.i:m.j]), m.lg))
			inB = mPrevB[j]
			j = int(m.i)
		}
		for a, z := 0, len(parts)-1; a < z; a, z = a+1, z-1 {
			parts[a], parts[z] = parts[z], parts[a]
		}
		fmt.Printf("%.1f  %s\n    %s\n", res.Log10, pw, strings.Join(parts, " | "))
	}
}
