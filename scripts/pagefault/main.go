// Command pagefault measures what this machine charges for a page fault:
// touching each 4 KB page of freshly mapped memory once (one minor fault
// each) against touching the same pages again. On a laptop a fault costs
// well under a microsecond; on the Firecracker VM the benchmarks ran on,
// 11-14 µs, which is how a browser's memory growth (a new V8 heap page, a
// grown WebAssembly memory) turns into millisecond keystrokes there. See
// BENCHMARKS.md, "The keystroke budget on this machine".
//
//	go run ./scripts/pagefault
package main

import (
	"fmt"
	"os"
	"slices"
	"syscall"
	"time"
)

func main() {
	const size, page, rounds = 1 << 20, 4096, 200
	var fresh, again []float64
	for range rounds {
		b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pagefault:", err)
			os.Exit(1)
		}
		t := time.Now()
		for i := 0; i < size; i += page {
			b[i] = 1
		}
		fresh = append(fresh, float64(time.Since(t).Nanoseconds())/(size/page)/1000)
		t = time.Now()
		for i := 0; i < size; i += page {
			b[i]++
		}
		again = append(again, float64(time.Since(t).Nanoseconds())/(size/page)/1000)
		syscall.Munmap(b)
	}
	slices.Sort(fresh)
	slices.Sort(again)
	fmt.Printf("a fresh page's first touch (a minor fault): median %.2f µs, p90 %.2f µs; touching it again: %.3f µs (%d rounds of %d pages)\n",
		fresh[rounds/2], fresh[rounds*9/10], again[rounds/2], rounds, size/page)
}
