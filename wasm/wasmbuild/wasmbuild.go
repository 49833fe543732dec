// Package wasmbuild is the one place that says how the WebAssembly module is
// compiled, so the site build, the e2e tests and the size benchmark ship and
// measure the same bytes.
package wasmbuild

import (
	"context"
	"fmt"
	"os"
	"os/exec"
)

// Flags are the go build flags for the module, after "go build":
//
//   - -trimpath -buildvcs=false -ldflags=-s -w -buildid=: reproducible, no
//     symbol or DWARF sections.
//   - -gcflags=all=-l: no inlining, in the runtime too. Go's wasm code for a
//     call is a resumable state machine, and inlined copies of it compress
//     worse than the calls they replace: the module is about 39 KB smaller
//     with brotli (the empty-module runtime 418 KB → 392 KB), for no
//     measurable change in the keystroke budget (BENCHMARKS.md).
var Flags = []string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-gcflags=all=-l"}

// Experiment is the GOEXPERIMENT of the build: the garbage collector of
// Go 1.25 (see Env).
const Experiment = "nogreenteagc"

// Env is the environment for the build: the caller's, for js/wasm, with
// the garbage collector of Go 1.25 (GOEXPERIMENT=nogreenteagc): Green Tea
// is built for many cores, the browser runs the module on one, and the old
// collector is about 9 KB smaller with brotli. (Go 1.27 may drop the
// opt-out; the build then fails loudly and this line goes.)
func Env() []string {
	return append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0", "GOEXPERIMENT="+Experiment)
}

// Build compiles pkg (run in dir) to out with Command, env added to its
// environment, packs the module there (Pack) and zeroes its line tables
// (StripLines): the module every caller ships, tests and measures.
func Build(ctx context.Context, dir, out, pkg string, env ...string) error {
	cmd := Command(ctx, dir, out, pkg)
	cmd.Env = append(cmd.Env, env...)
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build the WebAssembly module %s: %w\n%s", pkg, err, output)
	}
	module, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	packed, err := Pack(module)
	if err != nil {
		return fmt.Errorf("%s: %w", out, err)
	}
	stripped, err := StripLines(packed)
	if err != nil {
		return fmt.Errorf("%s: %w", out, err)
	}
	return os.WriteFile(out, stripped, 0o644)
}

// Command returns the go build command that compiles pkg (run in dir) to
// out, unpacked (see Build).
func Command(ctx context.Context, dir, out, pkg string) *exec.Cmd {
	args := append([]string{"build"}, Flags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = Env()
	return cmd
}
