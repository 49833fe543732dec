// Command benchinstr counts the instructions one call of the policy
// package's benchmarks executes, with valgrind's callgrind, and writes them
// into BENCHMARKS.md's "instructions" section. On a shared host the time of
// the same build varies by ±20% from run to run (BENCHMARKS.md); the count
// of instructions repeats within 0.1% (the runtime's random seeds move it a
// little), so it is how a change's cost is told from the host's noise.
//
// Each benchmark runs twice under callgrind, for lo and hi iterations; the
// difference over hi-lo is one call's count, without the binary's start and
// the dictionary's build. Go's asynchronous preemption is off (callgrind
// fails on its signals) and GOMAXPROCS is 1.
//
//	go run ./scripts/benchinstr -file BENCHMARKS.md
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/internal/benchsection"
	"github.com/styrke-iam/styrke/wasm/wasmbuild"
)

// moduleBenchmark is counted in the WebAssembly module too: the policy
// package's tests built as the meter's module is (wasm/wasmbuild's flags:
// no inlining), run under Node, whose compiled code callgrind counts as it
// does a native binary's (with --smc-check, for code written at run time).
// Its count repeats within about 0.3%; it is what the keystroke budget's
// evaluate costs without the host's noise.
const moduleBenchmark = "^BenchmarkEvaluate$/^127$"

// benchmarks are the policy package's benchmarks counted, by -test.bench
// pattern: the budget's password at three lengths, and the worst
// cases beside it. Each level is anchored: go test matches a level
// unanchored, and "BenchmarkEvaluate/127$" once counted
// BenchmarkEvaluatePersonal/127 too.
var benchmarks = []string{
	"^BenchmarkEvaluate$/^16$",
	"^BenchmarkEvaluate$/^127$",
	"^BenchmarkEvaluateRepeated$/^a$",
	"^BenchmarkEvaluateRepeated$/^th$",
	"^BenchmarkEvaluateRepeated$/^racecar$",
	"^BenchmarkEvaluateRepeated$/^l1l1$",                 // every stretch a name with substitutions: the most dictionary matches
	"^BenchmarkEvaluateRepeated$/^1.2.3.4.5.6.7.8.9.0.$", // spelt out both ways: two estimates of carriers
	"^BenchmarkEvaluateJoined$/^nb$",
	"^BenchmarkEvaluateJoined$/^en$",
	"^BenchmarkEvaluatePersonal$/^digits$", // the dots' digits with a date of birth and a phone number to look for
	"^BenchmarkScore$/^127$",
}

// benchName is a pattern's benchmark as the table names it.
func benchName(pattern string) string {
	return strings.NewReplacer("^", "", "$", "").Replace(pattern)
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchinstr:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("benchinstr", flag.ContinueOnError)
	file := fs.String("file", "", "Markdown file whose instructions section to write (none: print the table)")
	lo := fs.Int("lo", 500, "iterations of the first run")
	hi := fs.Int("hi", 1500, "iterations of the second run")
	module := fs.Bool("module", true, "count "+moduleBenchmark+" in the WebAssembly module under Node too (about 3 minutes)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *lo < 1 || *hi <= *lo {
		return fmt.Errorf("-lo must be at least 1 and -hi over it (got %d and %d)", *lo, *hi)
	}
	if _, err := exec.LookPath("valgrind"); err != nil {
		return errors.New("valgrind is not installed (scripts/bench-instructions.sh installs it)")
	}
	tmp, err := os.MkdirTemp("", "benchinstr")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "policy.test")
	if out, err := exec.Command("go", "test", "-c", "-o", bin, "./policy/").CombinedOutput(); err != nil {
		return fmt.Errorf("go test -c ./policy/: %v\n%s", err, out)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s by `scripts/bench-instructions.sh` (part of `make bench`) on %s/%s, %s: instructions one call executes, counted by valgrind's callgrind (the difference of runs of %d and %d iterations, over %d; asynchronous preemption off, GOMAXPROCS=1). The count does not move with the host's load, as time does; the time of one instruction does (see the policy section for µs on the day's host).\n\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.Version(), *lo, *hi, *hi-*lo)
	b.WriteString("| benchmark | instructions/op |\n| --- | ---: |\n")
	for _, bench := range benchmarks {
		a, err := collected(bin, bench, *lo)
		if err != nil {
			return err
		}
		z, err := collected(bin, bench, *hi)
		if err != nil {
			return err
		}
		per := (z - a) / int64(*hi-*lo)
		fmt.Fprintf(&b, "| %s | %s |\n", benchName(bench), group(per))
	}
	if *module {
		s1, s2, err := moduleCount(tmp)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "| %s, the WebAssembly module under Node | %s |\n", benchName(moduleBenchmark), group((s1+s2)/2))
		fmt.Fprintf(&b, "\nThe last row is the policy package's tests built as the meter's module is (wasm/wasmbuild's flags: no inlining) and run under Node: the mean of the slopes between runs of 300, 900 and 1,500 iterations (this run: %s and %s an iteration), with GOGC=off since 2026-12-02 (a collection inside the window or not had moved the count by 5%%). V8 compiles the module's functions with Liftoff first and tiers the hot ones up as they run, so the first slope stands a few percent above the second; the two must agree within 10%% since 2026-12-07 (2%% before, which the tier-ups' moves broke: 1,613k against 1,546k), a bound for a broken run (on 2026-12-03 one difference of two runs said 590k for 1,547k, so the three runs since). Each run repeats within about 0.1%%. So the row counts mostly the code V8's baseline compiler makes, which a page's first keystrokes run (with `--no-liftoff`, every function compiled by TurboFan from the start, a call was 0.73-0.76M on 2026-12-07): a count without the host's noise, to compare builds by, not the optimised code's cost.", group(s1), group(s2))
		b.WriteString(" It was 1,836,000 at the eighteenth session's start (2026-12-01), before the matchers read each code point's class from a table and the runtime's float min and max and `strings.IndexFunc` left the hot loops; 1,580,000 at the nineteenth's, before a word's capitals and substitutions were counted once per estimate (the estimator table of the guess section).\n")
	}
	if *file == "" {
		_, err := io.WriteString(stdout, b.String())
		return err
	}
	return benchsection.Write(*file, "instructions", b.String())
}

// moduleCount builds the policy package's tests as the module is built
// and returns the instructions one call of moduleBenchmark executes under
// Node (the slopes between 300, 900 and 1,500 iterations: a run under
// callgrind is about 50 times slower than without).
func moduleCount(tmp string) (s1, s2 int64, err error) {
	if _, err := exec.LookPath("node"); err != nil {
		return 0, 0, errors.New("node is not installed (scripts/deps.sh installs it)")
	}
	bin := filepath.Join(tmp, "policy.wasm.test")
	build := exec.Command("go", append(append([]string{"test", "-c", "-o", bin}, wasmbuild.Flags...), "./policy/")...)
	build.Env = wasmbuild.Env()
	if out, err := build.CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("go test -c ./policy/ for js/wasm: %v\n%s", err, out)
	}
	runJS, err := filepath.Abs("wasm/nodeexec/run.js")
	if err != nil {
		return 0, 0, err
	}
	count := func(n int) (int64, error) {
		cmd := exec.Command("valgrind", "--tool=callgrind", "--smc-check=all-non-file", "--callgrind-out-file=/dev/null",
			"node", "--stack-size=8192", "--single-threaded", runJS, bin,
			"-test.run", "^$", "-test.bench", moduleBenchmark, "-test.benchtime", strconv.Itoa(n)+"x")
		cmd.Dir = "policy" // the tests read their testdata from the package's folder
		// No collection: whether a cycle of Go's collector (one thread in
		// the module, a few ms) falls inside the 600 calls or not moved the
		// count by 5% with a change of the dictionary's size alone
		// (1,435k → 1,511k; with GOGC=off 1,422k → 1,406k, as natively).
		// The meter runs with GOGC=400 and a keystroke allocates 16 bytes.
		cmd.Env = append(os.Environ(), "GOGC=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("valgrind node %s: %v\n%s", moduleBenchmark, err, out)
		}
		return parseCollected(string(out))
	}
	// Three runs, and the two slopes between them must agree (see agree):
	// once (2026-12-03) the difference of 300 and 900 said 590k where a
	// run again said 1,547k, and nothing told.
	for try := 0; ; try++ {
		var c [3]int64
		for k, n := range []int{300, 900, 1500} {
			if c[k], err = count(n); err != nil {
				return 0, 0, err
			}
		}
		s1, s2 = (c[1]-c[0])/600, (c[2]-c[1])/600
		if agree(s1, s2) {
			return s1, s2, nil
		}
		if try == 2 {
			return 0, 0, fmt.Errorf("valgrind node %s: the slopes of 300, 900 and 1,500 iterations disagree three times (last %d and %d an iteration)", moduleBenchmark, s1, s2)
		}
	}
}

// agree reports whether two counts of one call differ by 10% or less of
// the larger. The check is for a broken run (on 2026-12-03 one difference
// of two runs said 590k for 1,547k), not for V8: it compiles the module's
// functions with Liftoff first and tiers the hot ones up with TurboFan as
// they run, so a call costs less the longer the run has gone on, and the
// first slope stands above the second by a few percent, by how much
// depending on when the tier-ups fall (on 2026-12-04 within 2%, the check's
// bound until 2026-12-07, when 1,613k against 1,546k failed `make bench`
// three times over; each run repeats within 0.1%).
func agree(a, b int64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return a > 0 && b > 0 && d*10 <= max(a, b)
}

// collected runs bin's benchmark bench for n iterations under callgrind and
// returns the instructions it executed.
//
// A run that dies of an instruction valgrind cannot read is run again, up
// to five times (see valgrindEnv, which should leave none).
func collected(bin, bench string, n int) (int64, error) {
	for try := 0; ; try++ {
		cmd := exec.Command("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
			bin, "-test.run", "^$", "-test.bench", bench, "-test.benchtime", strconv.Itoa(n)+"x")
		cmd.Env = valgrindEnv()
		out, err := cmd.CombinedOutput()
		if err != nil && try < 5 && strings.Contains(string(out), "unhandled instruction bytes") {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("valgrind %s: %v\n%s", bench, err, out)
		}
		return parseCollected(string(out))
	}
}

var collectedLine = regexp.MustCompile(`(?m)Collected : (\d+)\s*$`)

// parseCollected reads callgrind's "Collected : N" line from its output.
func parseCollected(out string) (int64, error) {
	m := collectedLine.FindStringSubmatch(out)
	if m == nil {
		return 0, errors.New("callgrind printed no \"Collected\" line")
	}
	return strconv.ParseInt(m[1], 10, 64)
}

// group writes n with a comma between groups of three digits.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// valgrindEnv is the environment of a Go program's run under callgrind:
// asynchronous preemption off (its signals' handling would count), one
// thread, and RDTSCP off. Go's runtime reads the time stamp counter with
// RDTSCP when its monitor thread spins on a lock (runtime.cputicks), which
// Debian 12's valgrind does not know: the run dies of SIGILL. It did in one
// run of many until 2026-12-08, when on a busy host most runs died and
// `make bench` failed past five tries; with cpu.rdtscp=off the runtime reads
// the counter with RDTSC, which valgrind knows.
func valgrindEnv() []string {
	return append(os.Environ(), "GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off", "GOMAXPROCS=1")
}
