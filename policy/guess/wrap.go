package guess

// A gamer tag's wrapper: two or three x's at the start and the same
// written backwards after what they wrap ("xXHaloDarkXx1992",
// "xxKillerQueenxx"), with a separator inside it or not ("xX_Sniper_Xx").
// The closing x's follow the core's last word in small letters or
// capitals, so that word read as a chance one across a capital (see
// camelInside) and the core was brute force: "xXHaloDarkXx1992!1" was
// 10^16.7 and accepted on 18 code points. The stretch costs what its core
// costs as a password of its own (an Estimate, as an interleaved
// carrier's) and wrapLog10 for the wrapper, kind `run` ("repeated
// characters") with the core's kinds, also around a core of no pattern
// ("xX_Pro_Venom_Xx": the wrapper is the pattern). Only at the start,
// closed by the password's last x's, and only around a core that starts
// with a letter ("xx1999xx" is a year between x's); a random string starts
// with two x's and ends its last x's so, mirrored, about once in 100,000.
const (
	minWrapCore = 4
	// wrapLog10: two or three x's, each small or a capital (12 ways; the
	// closing ones follow).
	wrapLog10 = 1.1
)

// matchWrapped adds the password's wrapped stretch, if it has one, priced
// by an Estimate of its core with dictionary d at depth+1 (see
// matchInterleaved for depth and sc).
func matchWrapped(ms *matches, d *Dictionary, typed, lower, folded []rune, depth int, sc *[1 + maxInterleaveDepth]matches) {
	n := len(lower)
	if depth >= maxInterleaveDepth || n < 4+minWrapCore || lower[0] != 'x' || lower[1] != 'x' {
		return
	}
	p := 2
	if lower[2] == 'x' {
		p = 3
	}
	// The closing x's: the password's last, as many as the opening ones,
	// in the mirrored case.
	j := n
	for j > p && lower[j-1] != 'x' {
		j--
	}
	q := j - p
	if q < p+minWrapCore || lower[q-1] == 'x' {
		return
	}
	for k := range p {
		if typed[q+k] != typed[p-1-k] {
			return
		}
	}
	// A separator inside the wrapper on both sides is the wrapper's
	// ("xX_Sniper_Xx"): one choice of about ten, once.
	a, b, lg := p, q, wrapLog10
	if ms.class[p]&classAlnum == 0 && lower[q-1] == lower[p] {
		a, b, lg = p+1, q-1, wrapLog10+phraseSepLog10
	}
	if b-a < minWrapCore || ms.class[a]&classLetter == 0 {
		return
	}
	res := estimate(Input{Typed: typed[a:b], Lower: lower[a:b], Folded: folded[a:b], Dictionary: d}, depth+1, sc)
	ms.put(match{i: 0, j: uint8(j), kind: KindRun, lg: float32(res.Log10 + lg), inner: res.Kinds | 1<<KindRun})
}
