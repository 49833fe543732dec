package policy

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy/internal/frontcode"
)

//go:generate bash ../scripts/gen-common.sh

var (
	commonOnce sync.Once
	commonSet  commonTable
)

// commonTable is the list as an open-addressing hash set of entries of
// the list's text, each packed as offset<<8 | length (0 is an empty slot). It
// holds no pointers, so the garbage collector never scans it: a map of
// 17,902 strings cost every collection a walk over all of them, which in
// the browser (one thread, so the whole mark runs inside a keystroke) was
// a pause of milliseconds.
type commonTable struct {
	list   string
	slots  []uint32
	n      int
	maxLen int // the longest entry, in bytes: a longer string needs no hash
}

// commonPasswords returns the list as a set, built on first use (1.3 ms
// natively, decoding included; once per process).
func commonPasswords() *commonTable {
	commonOnce.Do(func() {
		commonSet = newCommonTable(commonList())
	})
	return &commonSet
}

// Prepare builds now what Evaluate otherwise builds the first time a
// password needs it: the set of common passwords (1.3 ms natively, tens of
// milliseconds in a browser's not yet optimised WebAssembly code, measured
// under Node). The browser's meter calls it when the page is idle
// after its first score, so that neither the first score nor a keystroke
// waits for it. Prepare is safe for concurrent use; calls after the first
// do nothing.
func Prepare() { commonPasswords() }

// commonList returns the embedded list as text, one entry per line.
func commonList() string {
	list, err := frontcode.Decode(commonListCoded, commonListSize)
	if err != nil {
		// Generated code that does not decode: TestCommonListIsCanonical
		// fails first. Without the list the rule still checks the patterns.
		return ""
	}
	return list
}

// newCommonTable builds the set of the lines of list (not empty, not
// starting with #); list must be under 16 MiB and its lines under 256 bytes.
func newCommonTable(list string) commonTable {
	size := 1
	for size < 2*strings.Count(list, "\n") {
		size *= 2
	}
	t := commonTable{list: list, slots: make([]uint32, size)}
	mask := uint32(size - 1)
	off := 0
	for off < len(list) {
		at := off
		end := strings.IndexByte(list[off:], '\n')
		if end < 0 {
			end = len(list) - off
		}
		off += end + 1
		line := list[at : at+end]
		if line == "" || line[0] == '#' || len(line) > 255 || at >= 1<<24 {
			continue
		}
		// One probe sequence finds both a duplicate and the free slot.
		i := commonHash(line) & mask
		for t.slots[i] != 0 && !t.holds(t.slots[i], line) {
			i = (i + 1) & mask
		}
		if t.slots[i] != 0 {
			continue // a duplicate
		}
		t.slots[i] = uint32(at)<<8 | uint32(len(line))
		t.n++
		t.maxLen = max(t.maxLen, len(line))
	}
	return t
}

// holds reports whether slot entry e is s.
func (t *commonTable) holds(e uint32, s string) bool {
	at := int(e >> 8)
	return int(e&0xff) == len(s) && t.list[at:at+len(s)] == s
}

// contains reports whether s is in the set.
func (t *commonTable) contains(s string) bool {
	if len(s) == 0 || len(s) > t.maxLen {
		return false
	}
	mask := uint32(len(t.slots) - 1)
	for i := commonHash(s) & mask; ; i = (i + 1) & mask {
		e := t.slots[i]
		if e == 0 {
			return false
		}
		if t.holds(e, s) {
			return true
		}
	}
}

// commonHash is 32-bit FNV-1a: no tables and no runtime support, so the
// same in the server and in the WebAssembly module.
func commonHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Kinds of common match, the "kind" parameter of a common violation.
const (
	CommonList     = "list"
	CommonSeason   = "season"
	CommonKeyboard = "keyboard"
	CommonSequence = "sequence"
	CommonRepeat   = "repeat"
)

// commonMatch reports whether the password (base is foldBase of it, folded
// is Fold of it) is a common or expected password, and which kind of match it was:
//
//   - CommonList: the whole folded password is on the embedded list, also
//     after dropping trailing digits and punctuation ("Password123!") when
//     what remains has 8+ code points.
//   - CommonSeason: a Norwegian (nb, nn) or English season or month word and
//     a year (2 or 4 digits), in either order, with at most one separator
//     between and only punctuation after: "Sommer2026!", "Høst2025",
//     "januar-24", "2025Vinter".
//   - CommonKeyboard and CommonSequence: the whole password is made of runs
//     of 3+ neighbouring keys on one keyboard row (Norwegian and US QWERTY,
//     digits) or of 3+ consecutive letters or digits, ascending or
//     descending: "qwertyuiop", "asdfghjklø", "1234567890abc", "zyxwvu".
//   - CommonRepeat: the whole password is one block of 1-4 code points
//     repeated, or any block repeated 3+ times: "abcabcabcabc", "Ab1!Ab1!Ab1!".
//
// The pattern checks see the password folded without the substitutions
// (foldBase), so "2026" stays a year and "1234" a sequence.
func commonMatch(base, folded string) (kind string, ok bool) {
	if onCommonList(folded) {
		return CommonList, true
	}
	if core := strings.TrimRightFunc(base, isDigitOrPunct); core != base && utf8.RuneCountInString(core) >= MinMinLength {
		if onCommonList(Fold(core)) {
			return CommonList, true
		}
	}
	if isSeasonYear(base) {
		return CommonSeason, true
	}
	if isRepeatedBlock(base) {
		return CommonRepeat, true
	}
	if !startsWithRun(base) {
		return "", false
	}
	var buf [MaxMaxLength]rune
	rs := buf[:0] // on the stack unless longer than any policy allows
	for _, r := range base {
		rs = append(rs, r)
	}
	if k, ok := runsKind(rs); ok {
		return k, true
	}
	return "", false
}

// onCommonList reports whether folded is an entry of the list. Every entry
// has MinMinLength code points or more, so at least as many bytes: a
// shorter string needs no set, and a page's first score (of an empty field)
// does not wait for the set to be built (see Prepare).
func onCommonList(folded string) bool {
	return len(folded) >= MinMinLength && commonPasswords().contains(folded)
}

// startsWithRun reports whether s begins with 3 neighbours on some key row
// or alphabet: a cheap test before the full runs check.
func startsWithRun(s string) bool {
	var rs [3]rune
	n := 0
	for _, r := range s {
		rs[n] = r
		n++
		if n == 3 {
			break
		}
	}
	if n < 3 {
		return false
	}
	for _, kr := range keyRows {
		for _, dir := range [2]int{1, -1} {
			if runEnd(rs[:], 0, kr.runes, kr.index, dir) == 3 {
				return true
			}
		}
	}
	return false
}

func isDigitOrPunct(r rune) bool {
	return r >= '0' && r <= '9' || r < utf8.RuneSelf && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ", r)
}

// seasonWords are season and month words in nb, nn and en, folded.
var seasonWords = []string{
	"vår", "vaar", "sommer", "sumar", "høst", "haust", "vinter", "spring", "summer", "autumn", "fall", "winter",
	"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember",
	"january", "february", "march", "may", "june", "july", "october", "december",
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "des", "dec",
}

// maxSeasonYearBytes is the longest season word, a separator and a 4-digit
// year ("september-2026").
const maxSeasonYearBytes = 9 + 1 + 4

// isSeasonYear reports whether s (foldBase'd) is a season or month word and
// a year in either order, with at most one separator between them and only
// punctuation after.
func isSeasonYear(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return isDigitOrPunct(r) && !(r >= '0' && r <= '9') })
	if len(s) > maxSeasonYearBytes || len(s) < 5 {
		return false
	}
	for _, w := range seasonWords {
		if rest, ok := strings.CutPrefix(s, w); ok && isYear(trimSep(rest)) {
			return true
		}
		if rest, ok := strings.CutSuffix(s, w); ok && isYear(trimSepRight(rest)) {
			return true
		}
	}
	return false
}

func trimSep(s string) string {
	if s != "" && strings.ContainsRune(" -_./", rune(s[0])) {
		return s[1:]
	}
	return s
}

func trimSepRight(s string) string {
	if n := len(s); n > 0 && strings.ContainsRune(" -_./", rune(s[n-1])) {
		return s[:n-1]
	}
	return s
}

// isYear reports whether s is a 2-digit year or a 4-digit year 1900-2099.
func isYear(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	switch len(s) {
	case 2:
		return true
	case 4:
		return s[:2] == "19" || s[:2] == "20"
	}
	return false
}

// isRepeatedBlock reports whether s is one block of 1-4 code points repeated
// (at least twice) or any block repeated 3+ times, exactly.
//
// It works on bytes: s is block^k exactly when len(s) is a multiple of the
// block's byte length b and s[b:] == s[:len(s)-b]; each block then starts
// where s does, on a rune boundary, so blocks are whole runes.
func isRepeatedBlock(s string) bool {
	n := len(s)
	for b := 1; b <= n/2; b++ {
		// Every block starts with s's first byte: test that before the
		// division, which costs more than the whole comparison usually does.
		if s[b] != s[0] || n%b != 0 || s[b:] != s[:n-b] {
			continue
		}
		if n/b >= 3 || utf8.RuneCountInString(s[:b]) <= 4 {
			return true
		}
	}
	return false
}

// keyRows are keyboard rows (Norwegian and US QWERTY) and the alphabets whose
// neighbours make sequences.
var keyRows = []struct {
	row   string
	kind  string
	runes []rune
	index *[256]int8 // position+1 of each rune < 256 in the row, 0 if absent
}{
	{"1234567890+", CommonKeyboard, nil, nil},
	{"1234567890-=", CommonKeyboard, nil, nil},
	{"qwertyuiopå", CommonKeyboard, nil, nil},
	{"qwertyuiop[]", CommonKeyboard, nil, nil},
	{"asdfghjkløæ", CommonKeyboard, nil, nil},
	{"asdfghjkl;'", CommonKeyboard, nil, nil},
	{"zxcvbnm,.-", CommonKeyboard, nil, nil},
	{"zxcvbnm,./", CommonKeyboard, nil, nil},
	{"!\"#¤%&/()=?", CommonKeyboard, nil, nil},
	{"!@#$%^&*()_+", CommonKeyboard, nil, nil},
	{"abcdefghijklmnopqrstuvwxyzæøå", CommonSequence, nil, nil},
	{"0123456789", CommonSequence, nil, nil},
}

func init() {
	for i := range keyRows {
		keyRows[i].runes = []rune(keyRows[i].row)
		keyRows[i].index = new([256]int8)
		for j, r := range keyRows[i].runes {
			keyRows[i].index[r] = int8(j + 1) // every row's runes are < 256
		}
	}
}

// runsKind reports whether the whole of s is made of runs of 3+ neighbours
// (ascending or descending) on one key row or alphabet; the kind is keyboard
// if any run is on a keyboard row, else sequence.
func runsKind(rs []rune) (string, bool) {
	n := len(rs)
	if n < 3 || n > MaxMaxLength {
		return "", false
	}
	// best[i] says how rs[:i] can be covered: 0 not (yet), 1 by sequences
	// only, 2 with a keyboard run (keyboard wins when both cover).
	const none, seq, kbd = 0, 1, 2
	var best [MaxMaxLength + 1]uint8
	best[0] = seq
	for i := 0; i < n; i++ {
		if best[i] == none {
			continue
		}
		for _, kr := range keyRows {
			for _, dir := range [2]int{1, -1} {
				j := runEnd(rs, i, kr.runes, kr.index, dir)
				k := uint8(seq)
				if kr.kind == CommonKeyboard || best[i] == kbd {
					k = kbd
				}
				for end := i + 3; end <= j; end++ {
					best[end] = max(best[end], k)
				}
			}
		}
	}
	switch best[n] {
	case kbd:
		return CommonKeyboard, true
	case seq:
		return CommonSequence, true
	}
	return "", false
}

// runEnd returns the end (exclusive) of the longest run starting at rs[i]
// whose characters are successive neighbours on row in direction dir.
func runEnd(rs []rune, i int, rowRunes []rune, index *[256]int8, dir int) int {
	if rs[i] >= 256 || index[rs[i]] == 0 {
		return i
	}
	pos := int(index[rs[i]]) - 1
	j := i + 1
	for j < len(rs) {
		next := pos + dir
		if next < 0 || next >= len(rowRunes) || rowRunes[next] != rs[j] {
			break
		}
		pos = next
		j++
	}
	return j
}
