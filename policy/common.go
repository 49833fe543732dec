package policy

import (
	"strings"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy/internal/frontcode"
	"github.com/styrke-iam/styrke/policy/internal/once"
)

//go:generate bash ../scripts/gen-common.sh

var (
	commonOnce once.Once
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
// under Node) and the guess estimator's dictionary (its lists and the
// common passwords with every prefix: 10-30 ms natively). The browser's meter calls it when the page is idle
// after its first score, so that neither the first score nor a keystroke
// waits for it. Prepare is safe for concurrent use; calls after the first
// do nothing.
func Prepare() { guessDictionary() }

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
// same in the server and in the WebAssembly module. The fold cache of
// policy words indexes its slots by it too (see cachedWord).
func commonHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// CommonList is the "kind" of a common violation for a password on the
// embedded list (the estimator's kinds are those of package guess: see
// guess.Kind.String).
const CommonList = "list"

// commonMatch reports whether the whole password (base is foldBase of it,
// folded is Fold of it) is on the embedded list of common passwords, also
// after dropping trailing digits and punctuation ("Password123!") when what
// remains has 8+ code points. Every other pattern (a season and a year, a
// keyboard row, a sequence, a repeated block, and all of them inside a
// longer password) is the guess estimator's (see estimate).
func commonMatch(base, folded string) (kind string, ok bool) {
	if onCommonList(folded) {
		return CommonList, true
	}
	if core := trimDigitsPunct(base); core != base && utf8.RuneCountInString(core) >= MinMinLength {
		if onCommonList(Fold(core)) {
			return CommonList, true
		}
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

// digitPunct holds the ASCII digits, punctuation and the space, the tail a
// common password is written with (see commonMatch), as a set of 128 bits.
var digitPunct = func() (m [2]uint64) {
	for _, c := range "0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ " {
		m[c/64] |= 1 << (c % 64)
	}
	return m
}()

// trimDigitsPunct is strings.TrimRightFunc over digitPunct, a byte at a
// time: only ASCII is trimmed, and no byte of a multi-byte sequence (or of
// an invalid one) is ASCII. A password of 127 digits and dots had spent 4%
// of its Evaluate decoding its tail rune by rune.
func trimDigitsPunct(s string) string {
	i := len(s)
	for i > 0 && s[i-1] < utf8.RuneSelf && digitPunct[s[i-1]/64]&(1<<(s[i-1]%64)) != 0 {
		i--
	}
	return s[:i]
}
