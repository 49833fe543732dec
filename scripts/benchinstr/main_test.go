package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCollected(t *testing.T) {
	n, err := parseCollected("==25684== \n==25684== Events    : Ir\n==25684== Collected : 497577551\n==25684== \n==25684== I   refs:      497,577,551\n")
	require.NoError(t, err)
	assert.Equal(t, int64(497577551), n)
	_, err = parseCollected("valgrind: the 'impossible' happened\n")
	assert.ErrorContains(t, err, "no \"Collected\" line")
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 237806: "237,806", 1234567: "1,234,567"} {
		assert.Equal(t, want, group(n))
	}
}

func TestRunRejectsBadIterations(t *testing.T) {
	assert.ErrorContains(t, run([]string{"-lo", "500", "-hi", "500"}, nil), "-hi over it")
}

// TestPatternsSelectOneBenchmark: each pattern selects exactly one of the
// policy package's benchmarks (go test matches each level of a pattern
// unanchored, so "BenchmarkEvaluate/127$" also counted
// BenchmarkEvaluatePersonal/127 once it existed, and the count doubled).
func TestPatternsSelectOneBenchmark(t *testing.T) {
	out, err := exec.Command("go", "test", "-list", "^Benchmark", "../../policy/").Output()
	require.NoError(t, err)
	var names []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "Benchmark") {
			names = append(names, l)
		}
	}
	require.Contains(t, names, "BenchmarkEvaluate")
	for _, p := range append(benchmarks, moduleBenchmark) {
		top := strings.SplitN(p, "/", 2)[0]
		n := 0
		for _, name := range names {
			if regexp.MustCompile(top).MatchString(name) {
				n++
			}
		}
		assert.Equal(t, 1, n, "pattern %s selects %d top-level benchmarks", p, n)
	}
}

func TestBenchName(t *testing.T) {
	assert.Equal(t, "BenchmarkEvaluate/127", benchName("^BenchmarkEvaluate$/^127$"))
	assert.Equal(t, "BenchmarkEvaluateRepeated/1.2.3.4.5.6.7.8.9.0.", benchName("^BenchmarkEvaluateRepeated$/^1.2.3.4.5.6.7.8.9.0.$"))
}

// TestAgree: two counts of one call agree within 10%, and a count of zero
// or less never does (a run that died said nothing). The slopes of
// 2026-12-07 (1,613k and 1,546k an iteration, V8 tiering the module's
// functions up inside the first window) agree; the broken run of
// 2026-12-03 (590k against 1,547k) does not.
func TestAgree(t *testing.T) {
	for _, c := range []struct {
		a, b int64
		want bool
	}{
		{1_500_000, 1_500_000, true},
		{1_613_000, 1_546_000, true},
		{1_546_000, 1_613_000, true},
		{1_500_000, 1_660_000, true},
		{1_500_000, 1_670_000, false},
		{590_000, 1_547_000, false},
		{0, 0, false},
		{-5, -5, false},
	} {
		if got := agree(c.a, c.b); got != c.want {
			t.Errorf("agree(%d, %d) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestValgrindEnv: runs under callgrind turn RDTSCP off (valgrind dies of
// it, see valgrindEnv) and asynchronous preemption, on one thread; the last
// GODEBUG and GOMAXPROCS win over the caller's.
func TestValgrindEnv(t *testing.T) {
	t.Setenv("GODEBUG", "x=1")
	var godebug, procs string
	for _, kv := range valgrindEnv() {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			godebug = v
		}
		if v, ok := strings.CutPrefix(kv, "GOMAXPROCS="); ok {
			procs = v
		}
	}
	assert.ElementsMatch(t, []string{"asyncpreemptoff=1", "cpu.rdtscp=off"}, strings.Split(godebug, ","))
	assert.Equal(t, "1", procs)
}
