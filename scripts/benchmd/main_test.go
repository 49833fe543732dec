package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCPUNameTrimmed: the CPU's name as go test prints it, padded with
// spaces by the processor's brand string ("Oxide Virtual Turin-like
// Processor             "), goes into the section without them.
func TestCPUNameTrimmed(t *testing.T) {
	dir := t.TempDir()
	in, md := filepath.Join(dir, "bench.txt"), filepath.Join(dir, "B.md")
	out := "goos: linux\ncpu: Oxide Virtual Turin-like Processor             \nBenchmarkX-2   \t 100\t 12345 ns/op\t 16 B/op\t 1 allocs/op\n"
	if err := os.WriteFile(in, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(md, []byte("# B\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-in", in, "-section", "s", "-file", md}, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "(Oxide Virtual Turin-like Processor)") {
		t.Errorf("the CPU's name is not trimmed:\n%s", b)
	}
	if !strings.Contains(string(b), "| BenchmarkX-2 | 12.35 µs | 16 | 1 |") {
		t.Errorf("the row is missing:\n%s", b)
	}
}
