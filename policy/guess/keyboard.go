package guess

import "github.com/styrke-iam/styrke/policy/internal/once"

// layoutRows describe the Norwegian and the US keyboard: per row, the x of
// its first key and the keys as pairs of characters (unshifted, shifted).
// Each row sits half a key right of the one above, so a key's neighbours
// are (x±1, y), (x, y-1), (x+1, y-1), (x-1, y+1) and (x, y+1).
var layoutRows = [2][4]struct {
	x    int
	keys string
}{
	{ // Norwegian
		{0, "|§1!2\"3#4¤5%6&7/8(9)0=+?\\`"},
		{1, "qQwWeErRtTyYuUiIoOpPåÅ¨^"},
		{1, "aAsSdDfFgGhHjJkKlLøØæÆ'*"},
		{0, "<>zZxXcCvVbBnNmM,;.:-_"},
	},
	{ // US
		{0, "`~1!2@3#4$5%6^7&8*9(0)-_=+"},
		{1, "qQwWeErRtTyYuUiIoOpP[{]}\\|"},
		{1, "aAsSdDfFgGhHjJkKlL;:'\""},
		{1, "zZxXcCvVbBnNmM,<.>/?"},
	},
}

// directions are the six neighbours' offsets (dx, dy).
var directions = [6][2]int8{{-1, 0}, {1, 0}, {0, -1}, {1, -1}, {-1, 1}, {0, 1}}

// padKeys are the number pad's keys and a phone's, each on a grid whose
// rows do not slant: every key of the eight around one is its neighbour
// (gridDirections). The number pad is zxcvbn's keypad graph (the wide 0
// under 2, the decimal key under 3; a Norwegian pad's decimal key is ','),
// the phone's has 1 2 3 on top and 0 under 8 ("2580" is its middle column).
// A walk of digits 1-9 on one is a walk on the other, mirrored.
var padKeys = [2][]struct {
	r    byte
	x, y int8
}{
	{
		{'/', 1, 0}, {'*', 2, 0}, {'-', 3, 0},
		{'7', 0, 1}, {'8', 1, 1}, {'9', 2, 1}, {'+', 3, 1},
		{'4', 0, 2}, {'5', 1, 2}, {'6', 2, 2},
		{'1', 0, 3}, {'2', 1, 3}, {'3', 2, 3},
		{'0', 1, 4}, {'.', 2, 4}, {',', 2, 4},
	},
	{
		{'1', 0, 0}, {'2', 1, 0}, {'3', 2, 0},
		{'4', 0, 1}, {'5', 1, 1}, {'6', 2, 1},
		{'7', 0, 2}, {'8', 1, 2}, {'9', 2, 2},
		{'*', 0, 3}, {'0', 1, 3}, {'#', 2, 3},
	},
}

// gridDirections are the number pad's eight neighbours' offsets.
var gridDirections = [8][2]int8{{-1, 0}, {1, 0}, {0, -1}, {0, 1}, {-1, -1}, {1, -1}, {-1, 1}, {1, 1}}

// layout is one keyboard as a graph.
type layout struct {
	grid   bool       // the number pad: eight neighbours (gridDirections), not six
	key    [256]uint8 // 1 + the key of each character < 256; 0: not on it
	shift  [256]bool  // the character needs shift
	x, y   [64]int8
	keys   int
	degree float64 // the average number of neighbours
	// dirs[a][b] is 1 + the direction from key a to key b (see dir), 0
	// when they are no neighbours: a keystroke's estimate looks it up for
	// every pair of neighbouring characters.
	dirs [64][64]int8
	// pow[t] is degree^t (see spatialLog10).
	pow [maxTurns + 1]float64
	// spatial[n][t] is spatialLog10(n, t) for every walk a password can
	// hold, computed once (13 KB a layout): summed at the keystroke, a walk
	// of 127 keys took tens of µs.
	spatial [MaxRunes + 1][maxTurns + 1]float32
}

var (
	layoutsOnce once.Once
	layouts     [2]layout
	pads        [2]layout // apart from layouts: the number pad and a phone's
	padKey      [256]bool // a key of either pad
)

func buildLayouts() {
	for li, rows := range layoutRows {
		l := &layouts[li]
		for y, row := range rows {
			x, shifted := row.x, false
			for _, r := range row.keys {
				k := l.keys
				if r < 256 {
					l.key[r] = uint8(k + 1)
					l.shift[r] = shifted
				}
				if shifted {
					l.x[k], l.y[k] = int8(x), int8(y)
					l.keys++
					x++
				}
				shifted = !shifted
			}
		}
		l.buildGraph()
	}
	for pi, keys := range padKeys {
		l := &pads[pi]
		l.grid = true
		for _, k := range keys {
			padKey[k.r] = true
			if k.r == ',' {
				l.key[k.r] = l.key['.'] // the same key
				continue
			}
			l.key[k.r] = uint8(l.keys + 1)
			l.x[l.keys], l.y[l.keys] = k.x, k.y
			l.keys++
		}
		l.buildGraph()
	}
}

// buildGraph fills l's neighbours, degree, powers and walk counts from its
// keys' positions.
func (l *layout) buildGraph() {
	edges := 0
	for a := 0; a < l.keys; a++ {
		for b := 0; b < l.keys; b++ {
			if d := l.offsetDir(a, b); d >= 0 {
				l.dirs[a][b] = int8(d + 1)
				edges++
			}
		}
	}
	l.degree = float64(edges) / float64(l.keys)
	for t := range l.pow {
		l.pow[t] = powInt(l.degree, t)
	}
	l.buildSpatial()
}

// powInt is x to the power t ≥ 0 by squaring, as math.Pow computes it for
// a whole exponent (the same bits: TestPowInt), without math.Pow's 3.4 KB
// of code in the module.
func powInt(x float64, t int) float64 {
	p := 1.0
	for ; t != 0; t >>= 1 {
		if t&1 == 1 {
			p *= x
		}
		x *= x
	}
	return p
}

// dir returns the direction from key a to key b, or -1 when they are not
// neighbours.
func (l *layout) dir(a, b int) int {
	return int(l.dirs[a][b]) - 1
}

// offsetDir is dir from the keys' positions (dirs is built with it).
func (l *layout) offsetDir(a, b int) int {
	dx, dy := l.x[b]-l.x[a], l.y[b]-l.y[a]
	dirs := directions[:]
	if l.grid {
		dirs = gridDirections[:]
	}
	for d, o := range dirs {
		if o[0] == dx && o[1] == dy {
			return d
		}
	}
	return -1
}

// maxTurns bounds the turns the spatial formula sums over.
const maxTurns = 24

// spatialLog10 is zxcvbn's count of keyboard walks of length up to n with
// up to turns turns, on l (keys keys of average degree degree): the sum
// over lengths i and turns t of C(i-1, t-1) * keys * degree^t.
// Turns past maxTurns count as maxTurns.
func (l *layout) spatialLog10(n, turns int) float64 {
	return float64(l.spatial[n][max(1, min(turns, maxTurns))])
}

// buildSpatial fills l.spatial in one pass over the walk lengths, with
// Pascal's triangle for the binomials and running sums per number of
// turns (the formula term by term per entry would take 2 layouts x 128 x
// 24 entries x their own double loops, while the first keystroke waits).
func (l *layout) buildSpatial() {
	var (
		row  [maxTurns]float64     // row[k] = C(n-1, k), as far as the turns need
		sums [maxTurns + 1]float64 // sums[T]: the sum so far for T turns
	)
	row[0] = 1
	for n := 2; n <= MaxRunes; n++ {
		for k := min(n-1, maxTurns-1); k >= 1; k-- {
			row[k] += row[k-1]
		}
		prefix := 0.0 // the terms of length n with 1..T turns
		for t := 1; t <= maxTurns; t++ {
			if t <= n-1 {
				prefix += row[t-1] * float64(l.keys) * l.pow[t]
			}
			sums[t] += prefix
			l.spatial[n][t] = float32(log10(sums[t]))
		}
	}
}

// keyRun is a keyboard walk kept for shape repeats: its directions' sig,
// its guesses, its code points [i, j) and its first key.
type keyRun struct {
	sig         uint64
	lg          float64
	i, j, start uint8
}

// maxRuns bounds the keyboard runs remembered per layout for shape repeats.
const maxRuns = 64

// matchKeyboard adds runs of 3+ neighbouring keys on each layout (typed, so
// that shift shows: "!" is shifted "1"). A turn is a change of direction
// that does not return to the direction two steps back, so a zigzag
// ("1q2w3e4r") costs two turns however long it is. A run whose shape (the
// directions) repeats the run just before it from a neighbouring key
// ("zaq1" "xsw2" "cde3") joins it at 6 guesses for the first copy and 2 for each
// that steps on as the one before it did (see shapeRepeats).
func matchKeyboard(ms *matches, typed []rune) {
	layoutsOnce.Do(buildLayouts)
	// The runs of a layout, for shape repeats: declared once, since
	// zeroing them is a cost of every keystroke.
	var runs [maxRuns]keyRun
	for li := range layouts {
		l := &layouts[li]
		nr := l.walks(ms, typed, 0, &runs, 0)
		for r := 0; r+1 < nr; r++ {
			l.shapeRepeats(ms, typed, &runs, nr, r)
		}
		l.shiftedCopies(ms, typed, &runs, nr)
	}
	// The pads' walks, on the stretches of 3+ of their keys only (most
	// passwords have few digits): no shape repeats (a sig holds six
	// directions).
	n := len(typed)
	for a := 0; a < n; {
		b := a
		for b < n && typed[b] < 256 && padKey[typed[b]] {
			b++
		}
		if b-a >= 3 {
			for pi := range pads {
				pads[pi].walks(ms, typed[:b], a, &runs, maxRuns)
			}
		}
		a = b + 1
	}
}

// shiftedCopies adds each walk of 3-8 keys on l that is typed again at
// once on the same keys with shift the other way for each ("1qa!QA",
// "zaq1ZAQ!", "2wsx\"WSX"), as keyboard-walk generators make them: at the
// walk's guesses as if straight (its turns not counted) and log2 for the
// copy. Such pairs walked on from a neighbouring key ("1qa!QA" "2ws@WS"
// "3ed#ED") join the first as shapeRepeats' copies do: 6 guesses for the
// first and 2 for each that steps as the one before it. Until 2026-12-07
// the copies cut the walks, and "1qa!QA2ws@WS3ed#ED4rf$RF" cost 10^18.7 as
// five walks. A pair's first walk is within one of the walks' runs, so only
// they are read (random characters hold few).
func (l *layout) shiftedCopies(ms *matches, typed []rune, runs *[maxRuns]keyRun, nr int) {
	for r := 0; r < nr; r++ {
		for i, end := int(runs[r].i), int(runs[r].j); i+3 <= end; i++ {
			for m := 3; i+m <= end && m <= 8; m++ {
				lg, prev, step := l.spatialLog10(m, 1)+log2, -1, -1
				for j := i; l.shiftedPair(typed, j, m); j += 2 * m {
					k := int(l.key[typed[j]]) - 1
					if prev >= 0 {
						d := l.dir(prev, k)
						if d < 0 {
							break
						}
						if d == step {
							lg += log2
						} else {
							lg += log10Of6
						}
						step = d
					}
					prev = k
					ms.add(i, j+2*m, KindKeyboard, lg)
				}
			}
		}
	}
}

// shiftedPair reports whether typed[j:j+m] is a walk on l that
// typed[j+m:j+2m] types again with shift the other way on each key.
func (l *layout) shiftedPair(typed []rune, j, m int) bool {
	if j+2*m > len(typed) {
		return false
	}
	for t := j; t < j+m; t++ {
		a, b := typed[t], typed[t+m]
		if a >= 256 || b >= 256 || l.key[a] == 0 || l.key[a] != l.key[b] || l.shift[a] == l.shift[b] || t > j && l.step(typed, t) < 0 {
			return false
		}
	}
	return true
}

// walks adds the walks of 3+ keys of l in typed from a on (walk), keeping
// them in runs from nr on while there is room, and returns the runs kept. One pass
// finds them: each is a longest stretch of code points on l, each a
// neighbour of the one before (i: where the current one starts; prev: the
// key of the code point before t, -1 for none). The keys' table is read
// inline, not through a method: this runs for every code point on each
// layout, and the module is built without inlining.
func (l *layout) walks(ms *matches, typed []rune, a int, runs *[maxRuns]keyRun, nr int) int {
	n := len(typed)
	i, prev := a, -1
	for t := a; t <= n; t++ {
		k := -1
		if t < n {
			if r := typed[t]; r >= 0 && r < 256 && l.key[r] != 0 {
				k = int(l.key[r]) - 1
			}
		}
		if k >= 0 && prev >= 0 && l.dirs[prev][k] != 0 {
			prev = k
			continue
		}
		if t-i >= 3 {
			nr = l.walk(ms, typed, i, t, runs, nr)
		}
		i, prev = t, k
	}
	return nr
}

// shapeRepeats adds the runs from runs[r] on whose shape (directions and
// length) repeats the run before from a neighbouring key ("zaq1" "xsw2"
// "cde3"), at 6 guesses for the first copy and 2 for each that steps on as
// the one before it stepped ("1qaz2wsx3edc4rfv": until 2026-12-03 each cost
// 6, and the 16 keys 10^5.1), when there are two or more. A key before
// the first run that neighbours its first key joins that run's walk ("e3edc"
// of "Kaffe3edc4rfv", "#4rfv" of "#4rfv5tgb"), and one after the last run
// that neighbours its last key joins that one's ("cde34" of
// "zaq1xsw2cde34", "xsw2#" of "zaq1xsw2#2025"): the first run is read from
// its end and the last from its start, the shape being the longest that
// both hold. Until 2026-12-02 they were not read so, and
// "Kaffe3edc4rfv5tgb" cost 10^11.3 against 10^9.4 with a separator.
func (l *layout) shapeRepeats(ms *matches, typed []rune, runs *[maxRuns]keyRun, nr, r int) {
	first, next := &runs[r], &runs[r+1]
	if next.i != first.j {
		return
	}
	n1, n2 := first.j-first.i, next.j-next.i
	if n1 > maxSigKeys || n2 > maxSigKeys {
		return // a sig has wrapped round: no part of it to read
	}
	for m := min(n1, n2); m >= 3; m-- {
		// The first run's last m keys and the next run's first m.
		a := first.j - m
		if first.sig%pow7[m-1] != next.sig/pow7[n2-m] {
			continue
		}
		step := l.dir(int(l.key[typed[a]]-1), int(next.start))
		if step < 0 {
			continue
		}
		// A cut walk's price is more than its shape's: the whole run's, or
		// the cheaper when both are cut. (No min of floats: for the
		// module, that is the runtime's fmin64.)
		lg := first.lg
		if n1 != m && (n2 == m || next.lg < lg) {
			lg = next.lg
		}
		k, b := r+1, int(next.i+m)
		// The first copy's start is one of the keys around the first
		// run's; each further copy's that steps the same way as the copy
		// before it is the walk going on ("1qaz" "2wsx" "3edc" "4rfv"),
		// which one of two (on or stop) prices; another step, one of six.
		lg += log10Of6
		if n2 == m {
			// Whole runs of the shape after it.
			sig := next.sig
			for k+1 < nr && runs[k+1].i == runs[k].j && runs[k+1].sig == sig && runs[k+1].j-runs[k+1].i == m {
				d := l.dir(int(runs[k].start), int(runs[k+1].start))
				if d < 0 {
					break
				}
				lg += copyLog10(d, step)
				k, step = k+1, d
			}
			b = int(runs[k].j)
			// The run after the last: its first m keys.
			if k+1 < nr && runs[k+1].i == runs[k].j {
				after := &runs[k+1]
				if n := after.j - after.i; n > m && n <= maxSigKeys && after.sig/pow7[n-m] == sig {
					if d := l.dir(int(runs[k].start), int(after.start)); d >= 0 {
						lg += copyLog10(d, step)
						b += int(m)
						k++
					}
				}
			}
		}
		ms.add(int(a), b, KindKeyboard, lg)
		return
	}
}

// copyLog10 is what a further copy of a shape costs (see shapeRepeats):
// log2 when its start steps from the last copy's the way (d) that copy's
// stepped from the one before it (step), else one of six.
func copyLog10(d, step int) float64 {
	if d == step {
		return log2
	}
	return log10Of6
}

// maxSigKeys is the longest walk whose sig (a digit base 7 a direction)
// holds in 64 bits: 22 directions.
const maxSigKeys = 23

// pow7[k] is 7 to the power k.
var pow7 = func() (t [maxSigKeys]uint64) {
	t[0] = 1
	for k := 1; k < maxSigKeys; k++ {
		t[k] = t[k-1] * 7
	}
	return t
}()

// walk adds the walk [i, j) of l (3+ neighbouring keys) with its turns and
// shifts priced, and keeps it in runs[nr] for shape repeats while there is
// room; it returns the runs kept.
func (l *layout) walk(ms *matches, typed []rune, i, j int, runs *[maxRuns]keyRun, nr int) int {
	k := int(l.key[typed[i]]) - 1
	shifted := 0
	if l.shift[typed[i]] {
		shifted++
	}
	turns, d1, d2 := 0, -1, -1
	sig := uint64(0)
	prev := k
	for t := i + 1; t < j; t++ {
		kt := int(l.key[typed[t]]) - 1
		d := int(l.dirs[prev][kt]) - 1
		turn := d != d1 && d != d2
		if turn && t-i >= 3 && !l.grid {
			// The walk so far, before a key that turns: that key
			// may start a part of its own ("1qazxsw2" "!2024" of
			// "1qazxsw2!2024", whose walk goes on to the year's "2").
			// Until 2026-12-03 only the whole walk was read, and
			// "1qazxsw2!" cost 10^7.4 (now "1qazxsw2" and "!": 10^5.1).
			// (Not on the pads, where such a key is a digit that a year or
			// a count reads as well.)
			ms.add(i, t, KindKeyboard, l.walkLog10(t-i, turns, sig, shifted))
		}
		if turn {
			turns++
		}
		sig = sig*7 + uint64(d+1)
		d2, d1, prev = d1, d, kt
		if l.shift[typed[t]] {
			shifted++
		}
	}
	lg := l.walkLog10(j-i, turns, sig, shifted)
	ms.add(i, j, KindKeyboard, lg)
	if turns >= 4 && !l.grid {
		l.snake(ms, typed, i, j)
	}
	if j+1 < len(typed) && typed[j-1]|0x20 == 'l' && typed[j]|0x20 == 'æ' && typed[j+1]|0x20 == 'ø' && l.key['ø'] != 0 {
		// The home row with æ and ø in the alphabet's order, as the Danish
		// keyboard has them ("asdfghjklæø", the issue's own example; the
		// Norwegian row ends "løæ"), maybe with å after them: the walk's
		// guesses, twice.
		b := j + 2
		if b < len(typed) && typed[b]|0x20 == 'å' {
			b++
		}
		ms.add(i, b, KindKeyboard, lg+log2)
	}
	if nr < maxRuns {
		runs[nr] = keyRun{sig: sig, lg: lg, i: uint8(i), j: uint8(j), start: uint8(k)}
		nr++
	}
	return nr
}

// snake adds the longest start of the walk [i, j) whose directions and
// shifts repeat with a period of 4 to maxSnakeUnit keys, twice or more ("1qazxsw2"
// "3edcvfr4" "5tgbnhy6": a column down, one aside, the next column up, one
// aside), as shapeRepeats prices copies: the first period's walk, one of
// six for the first copy, and a halving for each copy after it, or part of
// one. Each key steps to a neighbour, so it is one walk, not runs that
// shapeRepeats could read; until 2026-12-07 "1qazxsw23edcvfr45tgbnhy6"
// cost 10^15.4 for its 23 turns, where "1qaz2wsx3edc4rfv5tgb" cost 10^4.5.
func (l *layout) snake(ms *matches, typed []rune, i, j int) {
	for p := 4; p <= maxSnakeUnit && i+2*p <= j; p++ {
		t := i + p
		for t < j && l.shift[typed[t]] == l.shift[typed[t-p]] && (t == i+p || l.step(typed, t) == l.step(typed, t-p)) {
			t++
		}
		if t-i < 2*p {
			continue
		}
		// The first period's walk.
		turns, d1, d2, sig, shifted := 0, -1, -1, uint64(0), 0
		for k := i; k < i+p; k++ {
			if l.shift[typed[k]] {
				shifted++
			}
			if k > i {
				d := l.step(typed, k)
				if d != d1 && d != d2 {
					turns++
				}
				sig, d2, d1 = sig*7+uint64(d+1), d1, d
			}
		}
		lg := l.walkLog10(p, turns, sig, shifted) + log10Of6 + float64((t-i+p-1)/p-2)*log2
		ms.add(i, t, KindKeyboard, lg)
		return
	}
}

// maxSnakeUnit bounds a snake's period: a column pair is 8 keys.
const maxSnakeUnit = 16

// step is the direction from typed[t-1] to typed[t], two keys of l.
func (l *layout) step(typed []rune, t int) int {
	return l.dir(int(l.key[typed[t-1]])-1, int(l.key[typed[t]])-1)
}

// walkLog10 is the guesses of a walk of n keys on l with turns turns, its
// directions' sig (see uTurn) and shifted keys shifted.
func (l *layout) walkLog10(n, turns int, sig uint64, shifted int) float64 {
	lg := l.spatialLog10(n, turns)
	if turns == 3 && !l.grid { // a pad's sig holds no directions (see matchKeyboard)
		if k := uTurn(sig, n-1); k > 0 {
			// A column and back up the next ("1qazxsw2", "zaq12wsx"): the
			// first column's walk, and one of six neighbours to turn at, as
			// a shape's first copy (shapeRepeats).
			if u := l.spatialLog10(k+1, 1) + log10Of6; u < lg {
				lg = u
			}
		}
	}
	if shifted > 0 {
		if shifted == n {
			lg += log2
		} else {
			lg += variationsLog10(shifted, n-shifted)
		}
	}
	return lg
}

// opposite is each direction's opposite (see directions).
var opposite = [6]uint64{1, 0, 5, 4, 3, 2}

// uTurn returns k when the walk's dirs directions, held in sig (a digit
// base 7 each, 1 + the direction, the first most significant), are k ≥ 2
// steps one way, one step aside and k steps back ("1qaz" "xsw2"), and 0
// otherwise.
func uTurn(sig uint64, dirs int) int {
	if dirs < 5 || dirs%2 == 0 || dirs >= maxSigKeys {
		return 0
	}
	k := dirs / 2
	back := sig % 7
	for q := 0; q < k; q++ {
		if sig%7 != back {
			return 0
		}
		sig /= 7
	}
	aside := sig % 7
	sig /= 7
	d := sig % 7
	if back == 0 || d == 0 || opposite[d-1] != back-1 || aside == d || aside == back {
		return 0
	}
	for q := 0; q < k; q++ {
		if sig%7 != d {
			return 0
		}
		sig /= 7
	}
	return k
}
