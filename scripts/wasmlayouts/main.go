// Command wasmlayouts measures how the meter's module's size on the wire
// moves with the linker's layout alone: it builds the packed module as the
// site ships it (wasmbuild.Build) n times, the k-th with k blank lines put
// atop one source file, and prints each one's `brotli -q 11` size (as the
// meter bench measures the wire) and their mean. A blank line changes
// nothing but the line numbers in the module's tables, yet the brotli size
// moves by up to 2 KB with it (BENCHMARKS.md, the meter's bytes): a change's
// cost on the wire is its mean here against the mean before it, and the
// spread says how far one build may land from the mean.
//
//	go run ./scripts/wasmlayouts [-n 4] [-file policy/guess/guess.go]
//
// The blank lines go in through go build's -overlay (in GOFLAGS), so the
// tree is never written.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/styrke-iam/styrke/wasm/wasmbuild"
)

func main() {
	n := flag.Int("n", 4, "how many layouts (0 to n-1 blank lines)")
	file := flag.String("file", "policy/guess/guess.go", "the source file the blank lines go atop, from the repository's root")
	flag.Parse()
	sizes, err := measure(context.Background(), ".", *file, *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmlayouts:", err)
		os.Exit(1)
	}
	fmt.Print(report(sizes))
}

// measure builds the module in dir once per layout and returns the brotli
// sizes.
func measure(ctx context.Context, dir, file string, n int) ([]int, error) {
	if n < 1 || n > 64 {
		return nil, fmt.Errorf("-n %d: between 1 and 64", n)
	}
	src, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(filepath.Join(dir, file))
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "wasmlayouts-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var sizes []int
	for k := range n {
		env, err := overlay(tmp, abs, src, k)
		if err != nil {
			return nil, err
		}
		out := filepath.Join(tmp, fmt.Sprintf("styrke.%d.wasm", k))
		if err := wasmbuild.Build(ctx, dir, out, "./wasm", env); err != nil {
			return nil, err
		}
		b, err := exec.CommandContext(ctx, "brotli", "-q", "11", "-c", out).Output()
		if err != nil {
			return nil, fmt.Errorf("brotli %s: %w", out, err)
		}
		sizes = append(sizes, len(b))
	}
	return sizes, nil
}

// overlay writes src with k blank lines atop it, and go build's overlay
// file that puts it in place of path, into tmp; it returns the GOFLAGS
// setting that uses them.
func overlay(tmp, path string, src []byte, k int) (string, error) {
	padded := filepath.Join(tmp, fmt.Sprintf("padded.%d.go", k))
	if err := os.WriteFile(padded, append([]byte(strings.Repeat("\n", k)), src...), 0o644); err != nil {
		return "", err
	}
	spec, err := json.Marshal(map[string]map[string]string{"Replace": {path: padded}})
	if err != nil {
		return "", err
	}
	o := filepath.Join(tmp, fmt.Sprintf("overlay.%d.json", k))
	if err := os.WriteFile(o, spec, 0o644); err != nil {
		return "", err
	}
	return "GOFLAGS=-overlay=" + o, nil
}

// report prints each layout's size (+k: k blank lines atop) and the sizes' mean and range.
func report(sizes []int) string {
	var b strings.Builder
	lo, hi, sum := sizes[0], sizes[0], 0
	for k, s := range sizes {
		fmt.Fprintf(&b, "layout +%d: %d bytes\n", k, s)
		lo, hi, sum = min(lo, s), max(hi, s), sum+s
	}
	fmt.Fprintf(&b, "mean %.0f bytes, from %d to %d (spread %d)\n", float64(sum)/float64(len(sizes)), lo, hi, hi-lo)
	return b.String()
}
