package policy

import (
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy/internal/frontcode"
)

func TestInstitutionsAreCurrent(t *testing.T) {
	files, err := filepath.Glob("institutions/*.json")
	require.NoError(t, err)
	var ids []string
	for _, f := range files {
		ids = append(ids, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	slices.Sort(ids)
	assert.Equal(t, ids, Institutions(), "every file under institutions/ is in embedded.go, sorted: run go generate ./policy")
	for _, id := range ids {
		data, err := os.ReadFile("institutions/" + id + ".json")
		require.NoError(t, err)
		for _, in := range institutions {
			if in.id == id {
				assert.Equal(t, string(data), in.json, "embedded.go holds institutions/%s.json as it is: run go generate ./policy", id)
			}
		}
		_, err = Lookup(id)
		assert.NoError(t, err, id)
	}
	for _, id := range []string{"", "nope", "../default", "default.json", "DEFAULT"} {
		_, err := Lookup(id)
		assert.ErrorIs(t, err, ErrUnknownInstitution, "%q", id)
	}
}

func TestCommonListIsCurrent(t *testing.T) {
	data, err := os.ReadFile("common_passwords.txt")
	require.NoError(t, err)
	list, err := frontcode.Decode(commonListCoded, commonListSize)
	require.NoError(t, err)
	assert.True(t, string(data) == list, "embedded.go holds common_passwords.txt as it is: run go generate ./policy")
	assert.Equal(t, len(data), commonListSize)
}

func TestSHA256MatchesCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		require.Equal(t, sha256.Sum256(data), sha256Sum(data), "length %d", n)
	}
	assert.Equal(t, sha256.Sum256(Default().Canonical()), sha256Sum(Default().Canonical()))
}

func FuzzSHA256(f *testing.F) {
	f.Add([]byte("abc"))
	f.Add(make([]byte, 55))
	f.Add(make([]byte, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		if sha256.Sum256(data) != sha256Sum(data) {
			t.Fatalf("sha256Sum differs from crypto/sha256 on %d bytes", len(data))
		}
	})
}

var durationCases = []string{
	"", "0", "+0", "-0", "72h", "10m", "9m59s", "720h", "720h1s", "1.5h", ".5h", "5.h", ".h", "1", "h",
	"1h30m", "1h 30m", "1H", "1d", "3ms", "3us", "3µs", "3μs", "12ns", "-72h", "+72h",
	"9223372036854775807ns", "9223372036854775808ns", "2562047h47m16.854775807s", "2562048h",
	"0.000000001s", "1.0000000001s", "1e3s", "--1h", "1h-1m", "0x10s", "1.5.5h", "00010m",
}

func TestDurationMatchesTime(t *testing.T) {
	for _, s := range durationCases {
		want, wantErr := time.ParseDuration(s)
		got, err := parseDuration(s)
		if wantErr != nil {
			assert.Error(t, err, "%q", s)
			continue
		}
		if assert.NoError(t, err, "%q", s) {
			assert.Equal(t, int64(want), got, "%q", s)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		d := int64(r.Uint64())
		if r.IntN(2) == 0 {
			d >>= r.IntN(63)
		}
		require.Equal(t, time.Duration(d).String(), formatDuration(d), "%d", d)
	}
	for _, d := range []int64{0, 1, -1, 999, 1000, 1e6, 1e9, 60e9, 3600e9, 1<<63 - 1, -1 << 63} {
		assert.Equal(t, time.Duration(d).String(), formatDuration(d), "%d", d)
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range durationCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wantErr := time.ParseDuration(s)
		got, err := parseDuration(s)
		if (wantErr != nil) != (err != nil) || (err == nil && int64(want) != got) {
			t.Fatalf("parseDuration(%q) = %d, %v; time says %d, %v", s, got, err, want, wantErr)
		}
	})
}

// TestWasmDependencies keeps the WebAssembly build of this package small: it
// fails when a package that costs tens of kilobytes on the wire comes back
// into its dependencies (embed alone, through io/fs, time and syscall/js,
// costs 60 KB brotli; golang.org/x/text with fmt and reflect 280 KB).
func TestWasmDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	for _, d := range deps {
		assert.False(t, strings.HasPrefix(d, "golang.org/x/"), "policy depends on %s in the WebAssembly build", d)
	}
	for _, banned := range []string{"embed", "time", "fmt", "reflect", "os", "io/fs", "crypto/sha256", "encoding/json", "encoding/binary", "syscall/js"} {
		assert.NotContains(t, deps, banned, "policy must not depend on %s (the WebAssembly module would grow)", banned)
	}
}
