package guess

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy/internal/frontcode"
)

// hashOf is the dictionary's hash of s's runes.
func hashOf(s string) uint64 {
	h := uint64(hashStart)
	for _, c := range s {
		h = (h ^ uint64(c)) * hashPrime
	}
	return h
}

// TestDictionaryTable: the table holds every word as a word and every
// prefix as a prefix, through the doublings that 60,000 more entries take
// it through, and stays between five sixteenths and five eighths full (one
// slot of 8 bytes per entry: the embedded lists take 1 MB, where 64-bit
// keys beside 32-bit values sized by the lists' bytes took 1.5 MB for
// fewer words; see TestDictionaryAsBuilt for the table as policy builds it).
func TestDictionaryTable(t *testing.T) {
	d := NewDictionary("")
	assert.LessOrEqual(t, len(d.slots)*8, 1<<20, "the embedded lists' table")
	assert.LessOrEqual(t, 8*d.used, 5*len(d.slots))

	var pws strings.Builder
	for i := range 60000 {
		pws.WriteString("pw" + strconv.Itoa(i*7919) + "x\n")
	}
	big := NewDictionary(pws.String())
	require.Greater(t, len(big.slots), len(d.slots), "the table grew")
	assert.LessOrEqual(t, 8*big.used, 5*len(big.slots), "at most five eighths full")
	assert.Greater(t, 16*big.used, 5*len(big.slots), "more than five sixteenths full")
	for i := range 60000 {
		w := "pw" + strconv.Itoa(i*7919) + "x"
		v := big.get(hashOf(w))
		require.Equal(t, uint32(1), v&1, "%s is a word", w)
		assert.Equal(t, KindPassword, Kind(v>>1&15), w)
		assert.Equal(t, rankLog(PasswordRank), v>>5, w)
		assert.Equal(t, uint32(2), big.get(hashOf(w[:len(w)-1])), "%s is a prefix only", w[:len(w)-1])
	}
	for _, l := range lists {
		words, err := frontcode.Decode(l.words, 0)
		require.NoError(t, err)
		for _, w := range strings.Split(words, "\n") {
			if w != "" && w[0] != '#' {
				require.Equal(t, uint32(1), big.get(hashOf(w))&1, "%s is a word", w)
			}
		}
	}
	assert.Equal(t, uint32(0), big.get(hashOf("pw7x")), "no entry")
	assert.Equal(t, uint32(0), big.get(hashOf("qxzvbkq")), "no entry")
}

// TestDictionaryAsBuilt: the dictionary as policy builds it, the embedded
// lists and the common list (policy/common_passwords.txt), takes the 1 MB
// that Dictionary's doc says. TestDictionaryTable held the embedded lists
// alone to 512 KB, but with the common list's entries and prefixes the
// table passed five eighths of that with the frequency list's 8,000 lines
// (2026-12-02) and doubled unnoticed; a change that doubles or halves it
// again fails here, to be decided and written down.
func TestDictionaryAsBuilt(t *testing.T) {
	raw, err := os.ReadFile("../common_passwords.txt")
	require.NoError(t, err)
	d := NewDictionary(string(raw))
	assert.Equal(t, 1<<20, len(d.slots)*8, "the table's bytes (%d entries)", d.used)
	assert.LessOrEqual(t, 8*d.used, 5*len(d.slots), "at most five eighths full")
	t.Logf("%d entries in %d slots (%.0f%%); the next doubling at %d", d.used, len(d.slots), 100*float64(d.used)/float64(len(d.slots)), 5*len(d.slots)/8)
}

// TestDictionaryStarts: the bits of the first code point and the first two
// of the words say exactly what the table's lookups of them say, for every
// pair of code points under 256 (a walk's first two steps read the bits,
// not the table), with and without a list of passwords besides the lists.
func TestDictionaryStarts(t *testing.T) {
	for _, d := range []*Dictionary{testDict, NewDictionary("")} {
		for c := rune(1); c < 256; c++ {
			bit := d.starts[c/64]&(1<<(c%64)) != 0
			require.Equal(t, d.get(hashOf(string(c))) != 0, bit, "%q", c)
			for c2 := rune(1); c2 < 256; c2++ {
				k := 256 + c<<8 | c2
				bit := d.starts[k/64]&(1<<(k%64)) != 0
				require.Equal(t, d.get(hashOf(string([]rune{c, c2}))) != 0, bit, "%q", string([]rune{c, c2}))
			}
		}
	}
}

// TestRankBuckets: the buckets are half a decade each, a line falls in
// the one whose range holds it, and a bucket's words are ranked by the
// mean of its lines' logarithms; an embedded list's word has its bucket's
// rank (or a better one from another list).
func TestRankBuckets(t *testing.T) {
	for k := 0; k+2 < len(rankBuckets); k++ {
		assert.Equal(t, int(math.Ceil(math.Pow(10, float64(k)/2)-1e-9)), rankBuckets[k], "bucket %d", k)
		assert.Equal(t, k, RankBucket(rankBuckets[k]))
		assert.Equal(t, k, RankBucket(rankBuckets[k+1]-1))
	}
	assert.Equal(t, 5, RankBucket(999))
	assert.Equal(t, 6, RankBucket(1000))
	sum := 0.0
	for l := 1000; l < 2256; l++ {
		sum += math.Log10(float64(l * 3))
	}
	assert.InDelta(t, sum/1256, float64(bucketRankLog(1000, 2256, 3))*rankLogUnit, rankLogUnit)
	assert.Equal(t, rankLog(6), bucketRankLog(2, 3, 3), "a bucket of one line")

	d := NewDictionary("")
	words, err := frontcode.Decode(lists[13].words, 0) // norwegian_frequent.txt, scale 1
	require.NoError(t, err)
	ws := strings.Split(strings.TrimSuffix(words, "\n"), "\n")
	require.Greater(t, len(ws), 2000)
	for _, line := range []int{1, 5, 50, 500, 999, 1000, len(ws)} {
		k := RankBucket(line)
		want := bucketRankLog(rankBuckets[k], min(rankBuckets[k+1], len(ws)+1), 1)
		v := d.get(hashOf(ws[line-1]))
		require.Equal(t, uint32(1), v&1, ws[line-1])
		assert.LessOrEqual(t, v>>5, want, "%s, line %d", ws[line-1], line)
	}
}

// TestDictionaryASCII: a word with æ, ø or å is also a word written
// without them, each letter either way (æ as ae or a, ø as o or oe, å as a
// or aa), at twice its rank, when 5 code points or more; the word's own
// spelling keeps its rank.
func TestDictionaryASCII(t *testing.T) {
	d := NewDictionary("")
	rank := func(w string) uint32 {
		v := d.get(hashOf(w))
		require.Equal(t, uint32(1), v&1, "%s is a word", w)
		return v >> 5
	}
	for word, ascii := range map[string][]string{
		"kjæriighet": {"kjaeriighet", "kjariighet"},
		"tromsø":     {"tromso", "tromsoe"},
		"søndag":     {"sondag", "soendag"},
		"bodø":       {"bodoe"},
		"åiesund":    {"aiesund", "aaiesund"}, // "aaiesund" is on the places list too, ranked better
	} {
		for _, a := range ascii {
			assert.LessOrEqual(t, rank(a), rank(word)+asciiRankLog, "%s as %s", word, a)
			if a != "aaiesund" {
				assert.Equal(t, rank(word)+asciiRankLog, rank(a), "%s as %s", word, a)
			}
		}
	}
	// Too short to tell from chance: "går" as "gaar", "bodø" as "bodo".
	for _, w := range []string{"gaar", "bodo"} {
		assert.Zero(t, d.get(hashOf(w))&1, w)
	}
	input := in("Kjaerlighet-Soendag-Tromso!")
	input.Dictionary = d
	assert.Less(t, Estimate(input).Log10, 14.0)
}
