package policy

import (
	"math"
	"unicode"
	"unicode/utf8"
)

// category indexes, in the order of the four categories.
const (
	catUpper   = CategoryUpper
	catLower   = CategoryLower
	catDigit   = CategoryDigit
	catSpecial = CategorySpecial
	catNone    = CategoryNone
)

var categoryNames = [...]string{Upper, Lower, Digit, Special, NoCategory}

// categorize puts r into one of the four categories (or none) as the
// categorisation mode says.
func categorize(r rune, mode string) Category {
	if mode == CategoriesASCII {
		switch {
		case r >= 'A' && r <= 'Z':
			return catUpper
		case r >= 'a' && r <= 'z':
			return catLower
		case r >= '0' && r <= '9':
			return catDigit
		case r == ' ' || (r >= '!' && r <= '/') || (r >= ':' && r <= '@') ||
			(r >= '[' && r <= '`') || (r >= '{' && r <= '~'):
			return catSpecial
		}
		return catNone
	}
	if r < utf8.RuneSelf {
		switch {
		case r >= 'A' && r <= 'Z':
			return catUpper
		case r >= 'a' && r <= 'z':
			return catLower
		case r >= '0' && r <= '9':
			return catDigit
		}
		return catSpecial
	}
	// IsUpper, IsLower and IsDigit are exactly Lu, Ll and Nd, with a table
	// lookup for Latin-1.
	switch {
	case unicode.IsUpper(r):
		return catUpper
	case unicode.IsLower(r):
		return catLower
	case unicode.IsDigit(r):
		return catDigit
	}
	return catSpecial
}

// scoreState is the score of a password: the per-character points and the
// totals. It is computed by score with one allocation (the chars slice).
type scoreState struct {
	chars  []Char
	sum    float64
	bonus  float64
	counts [5]int // characters per category, scoring or not
	length int    // code points
}

// occurrences counts code points with no allocation: Latin-1 in a table of
// saturating byte counters (a count past 255 only matters without a limit,
// and then nothing reads it), up to inlineOther distinct other code points
// inline, and any more in a map. It is small because it is zeroed on every
// score.
type occurrences struct {
	ascii [latin1Size]uint8
	other [inlineOther]rune
	count [inlineOther]int32
	n     int
	spill map[rune]int
}

// inlineOther is how many distinct code points above Latin-1 occurrences
// counts without a map; more is rare outside CJK passphrases.
const inlineOther = 24

// add records one more occurrence of r and returns how many there are now.
func (o *occurrences) add(r rune) int {
	if r < latin1Size {
		if o.ascii[r] < 255 {
			o.ascii[r]++
		}
		return int(o.ascii[r])
	}
	for i := 0; i < o.n; i++ {
		if o.other[i] == r {
			o.count[i]++
			return int(o.count[i])
		}
	}
	if o.n < len(o.other) {
		o.other[o.n] = r
		o.count[o.n] = 1
		o.n++
		return 1
	}
	if o.spill == nil {
		o.spill = make(map[rune]int)
	}
	o.spill[r]++
	return o.spill[r]
}

// latin1Size is the number of code points (ASCII and Latin-1, æøå among
// them) that the score looks up in tables instead of the unicode package.
const latin1Size = 256

// asciiCategory holds the category of every Latin-1 code point under each
// categorisation, so the hot loop needs no branches for them.
var asciiCategory = func() (t [2][latin1Size]Category) {
	for r := rune(0); r < latin1Size; r++ {
		t[0][r] = categorize(r, CategoriesUnicode)
		t[1][r] = categorize(r, CategoriesASCII)
	}
	return t
}()

// score computes the strength score of password under rules, exactly as
// typed. Invalid UTF-8 bytes count as U+FFFD, one character each.
func score(password string, rules ScoreRules) scoreState {
	return scoreIn(nil, password, rules)
}

// scoreIn is score with the per-character results in buf's array when it
// has room for them.
func scoreIn(buf []Char, password string, rules ScoreRules) scoreState {
	mode := 0
	if rules.Categories == CategoriesASCII {
		mode = 1
	}
	table := &asciiCategory[mode]
	if isASCII(password) {
		return scoreASCII(buf, password, rules, table)
	}
	return scoreGeneral(buf, password, rules, table)
}

// charsIn returns n zeroed Chars, in buf's array when it has room.
func charsIn(buf []Char, n int) []Char {
	if buf == nil || cap(buf) < n {
		return make([]Char, n)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}

// scoreGeneral is score for any password: it decodes UTF-8 and categorises
// non-ASCII code points with the unicode package.
func scoreGeneral(buf []Char, password string, rules ScoreRules, table *[latin1Size]Category) scoreState {
	var st scoreState
	st.length = utf8.RuneCountInString(password)
	chars := charsIn(buf, st.length)
	st.chars = chars
	var occ occurrences

	repeatScores := rules.RepeatScores
	limit := rules.OccurrenceLimit
	if limit <= 0 {
		limit = math.MaxInt
	}
	tiers := rules.Tiers
	tier := -1 // index of the current tier
	nextFrom := math.MaxInt
	if len(tiers) > 0 {
		nextFrom = tiers[0].From
	}
	pts := 0.0       // points of the current tier
	tierSum := 0.0   // points earned in the current tier so far
	lastInTier := -1 // index of the last scoring char in the current tier

	prev := rune(-1)
	i := 0
	for _, r := range password {
		for i+1 >= nextFrom {
			st.closeTier(tiers, tier, &tierSum, &lastInTier)
			tier++
			pts = tiers[tier].Points
			if tier+1 < len(tiers) {
				nextFrom = tiers[tier+1].From
			} else {
				nextFrom = math.MaxInt
			}
		}
		var cat Category
		var n int
		if r < latin1Size {
			cat = table[r]
			if occ.ascii[r] < 255 {
				occ.ascii[r]++
			}
			n = int(occ.ascii[r])
		} else {
			cat = categorize(r, rules.Categories)
			n = occ.add(r)
		}
		st.counts[cat]++
		c := &chars[i]
		c.Category = cat
		switch {
		case r == prev && !repeatScores:
			c.Note = NoteRepeat
		case n > limit:
			c.Note = NoteOccurrenceLimit
		case tier >= 0:
			c.Points = pts
			tierSum += pts
			lastInTier = i
		}
		prev = r
		i++
	}
	st.closeTier(tiers, tier, &tierSum, &lastInTier)
	st.bonus = bonus(rules.Bonus, &st.counts)
	return st
}

// scoreASCII is score for an all-ASCII password: the same rules, on bytes,
// with no decoding. TestScoreASCIIFastPath proves it equal to the general
// path.
func scoreASCII(buf []Char, password string, rules ScoreRules, table *[latin1Size]Category) scoreState {
	var st scoreState
	n := len(password)
	st.length = n
	chars := charsIn(buf, n)
	st.chars = chars
	var occ [utf8.RuneSelf]uint8
	limit := rules.OccurrenceLimit
	if limit <= 0 || limit > 255 {
		limit = 255 // a byte count saturates at 255: only reachable without a limit
	}
	noRepeat := !rules.RepeatScores
	tiers := rules.Tiers
	tier := -1
	nextFrom := math.MaxInt
	if len(tiers) > 0 {
		nextFrom = tiers[0].From
	}
	pts, tierSum, lastInTier := 0.0, 0.0, -1
	prev := -1
	for i := 0; i < n; i++ {
		if i+1 >= nextFrom {
			for i+1 >= nextFrom {
				st.closeTier(tiers, tier, &tierSum, &lastInTier)
				tier++
				pts = tiers[tier].Points
				if tier+1 < len(tiers) {
					nextFrom = tiers[tier+1].From
				} else {
					nextFrom = math.MaxInt
				}
			}
		}
		c := password[i] & 0x7f
		cat := table[c]
		st.counts[cat]++
		cnt := int(occ[c])
		if cnt < 255 {
			cnt++
			occ[c] = uint8(cnt)
		}
		switch {
		case int(c) == prev && noRepeat:
			chars[i] = Char{Category: cat, Note: NoteRepeat}
		case cnt > limit && rules.OccurrenceLimit > 0:
			chars[i] = Char{Category: cat, Note: NoteOccurrenceLimit}
		case tier >= 0:
			chars[i] = Char{Points: pts, Category: cat}
			tierSum += pts
			lastInTier = i
		default:
			chars[i] = Char{Category: cat}
		}
		prev = int(c)
	}
	st.closeTier(tiers, tier, &tierSum, &lastInTier)
	st.bonus = bonus(rules.Bonus, &st.counts)
	return st
}

// bonus returns the points of the first bonus rule that holds for the
// per-category counts.
func bonus(rules []BonusRule, counts *[5]int) float64 {
	for _, b := range rules {
		met := 0
		for cat := catUpper; cat <= catSpecial; cat++ {
			if counts[cat] >= b.MinEach && counts[cat] > 0 {
				met++
			}
		}
		if met >= b.Categories {
			return b.Points
		}
	}
	return 0
}

// closeTier adds the finished tier's points to the sum, flooring them first
// when the tier says so (the last scoring character absorbs the difference).
func (st *scoreState) closeTier(tiers []Tier, tier int, tierSum *float64, lastInTier *int) {
	if tier >= 0 && tiers[tier].Floor && *lastInTier >= 0 {
		floored := math.Floor(*tierSum)
		st.chars[*lastInTier].Points -= *tierSum - floored
		*tierSum = floored
	}
	st.sum += *tierSum
	*tierSum = 0
	*lastInTier = -1
}

// Score returns the strength score of password under rules: the sum of every
// character's points plus the bonus. It is what Evaluate puts in
// Result.Score.
func Score(password string, rules ScoreRules) float64 {
	st := score(password, rules)
	return st.sum + st.bonus
}
