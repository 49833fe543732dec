package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy/internal/frontcode"
	"github.com/styrke-iam/styrke/wasm/wasmbuild"
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
	var entries strings.Builder
	for line := range strings.Lines(string(data)) {
		if !strings.HasPrefix(line, "#") {
			entries.WriteString(line)
		}
	}
	assert.True(t, entries.String() == list, "embedded.go holds common_passwords.txt without its # lines: run go generate ./policy")
	assert.Equal(t, entries.Len(), commonListSize)
	assert.Greater(t, strings.Count(list, "\n"), 700, "the entries are there")
}

// TestVersionHash: Version is the first 6 bytes of the canonical JSON's
// SHA-256 (internal/sha256 is held to crypto/sha256 by its own tests).
func TestVersionHash(t *testing.T) {
	sum := sha256.Sum256(Default().Canonical())
	assert.Equal(t, hex.EncodeToString(sum[:6]), Default().Version())
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

// TestWasmLeavesOut: code the module does without stays out of it. It
// parses numbers through JavaScript (policy/internal/floatconv), so
// strconv's float parser and its table of powers of ten (5.7 KB brotli)
// stay out; its messages quote with jsonenc.Quote and name characters by
// code point, so strconv's quoting and its tables of printable code points
// (4.3 KB brotli) stay out; no map is ranged over or cleared (the policy
// words' cache and the meter's cache of policies are tables), so the
// runtime's map iteration and clearing stay out (4.0 KB brotli; the runtime
// itself reads and writes maps, but never ranges over one); nor do
// strings.Replace, strings.Map, strings.ToValidUTF8 and strings.IndexRune,
// which the module does with loops of its own (7 KB of code, about 2 KB
// brotli), nor math.Pow (the keyboards' powers are squared by powInt: with
// Exp and Ldexp, 5.6 KB of code, 3.5 KB brotli), nor the runtime's min and
// max of floats (the estimator compares instead: 1.6 KB of code, and a
// call each time), nor sync.Once's mutex (the tables built on first use
// wait with policy/internal/once: 4.5 KB of code). The linker's
// reachability graph (-dumpdep) of the module, built as the site builds it,
// must not reach them.
func TestWasmLeavesOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "styrke.wasm")
	cmd := wasmbuild.Command(t.Context(), "..", out, "./wasm")
	for i, a := range cmd.Args {
		if strings.HasPrefix(a, "-ldflags=") {
			cmd.Args[i] = a + " -dumpdep"
		}
	}
	graph, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", graph)
	require.True(t, strings.Contains(string(graph), "floatconv.ParseFloat"), "no reachability graph, or the module no longer parses through floatconv")
	require.True(t, strings.Contains(string(graph), "-> strconv.Itoa\n"), "no reachability graph, or the module no longer formats with strconv")
	for _, f := range []string{"strconv.ParseFloat", "strconv.atof64", "strconv.eiselLemire64", "strconv.IsPrint", "strconv.appendEscapedRune", "runtime.mapIterStart", "runtime.mapclear", "strings.Replace", "strings.Map", "strings.ToValidUTF8", "strings.IndexRune", "math.Pow", "math.pow", "runtime.fmin32", "runtime.fmin64", "runtime.fmax32", "runtime.fmax64", "sync.(*Once).doSlow", "sync.(*Mutex).lockSlow"} {
		for _, sym := range []string{f, "internal/" + f} {
			assert.False(t, strings.Contains(string(graph), "-> "+sym+"\n"), "the module links %s", sym)
		}
	}
}
