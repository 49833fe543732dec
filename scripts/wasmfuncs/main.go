// Command wasmfuncs lists the code size of each function of a WebAssembly
// module, by the names in its "name" section, or the difference between
// two modules. The meter's module's brotli size moves by ±0.5-2 KB with
// the linker's layout (BENCHMARKS.md), so a change's own cost in code is
// read here: build both versions without -s (which drops the names), then
//
//	GOOS=js GOARCH=wasm GOEXPERIMENT=nogreenteagc go build -trimpath -gcflags=all=-l -o new.wasm ./wasm
//	go run ./scripts/wasmfuncs [-n 40] [-match guess] [old.wasm] new.wasm
//
// With one module it prints its largest functions; with two, the functions
// whose size changed, largest change first, and the total.
//
// With -sections it prints instead each module's brotli size whole (as the
// wire has it) and section by section. The whole file's size moves by up to
// 1.5 KB with changes that move its data's addresses (brotli's choices over
// 2.7 MB are chaotic: 0.6 KB less code once measured 1.2 KB more whole, and
// 18 bytes less summed section by section); the sum of the sections' moves
// with the code and data themselves, so it is what a change costs.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"
)

func main() {
	n := flag.Int("n", 40, "how many functions to print")
	match := flag.String("match", "", "only functions whose name holds this")
	sections := flag.Bool("sections", false, "print each module's brotli size whole and section by section instead")
	flag.Parse()
	if flag.NArg() < 1 || flag.NArg() > 2 {
		fmt.Fprintln(os.Stderr, "usage: wasmfuncs [-n N] [-match S] [-sections] [old.wasm] new.wasm")
		os.Exit(2)
	}
	if *sections {
		for _, path := range flag.Args() {
			b, err := os.ReadFile(path)
			if err == nil {
				var z sectionSizes
				if z, err = brotliSizes(b); err == nil {
					fmt.Printf("%s: whole %d, sections %d (code %d, data %d, the rest %d), brotli -q 11\n", path, z.whole, z.code+z.data+z.rest, z.code, z.data, z.rest)
				}
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "wasmfuncs: %s: %v\n", path, err)
				os.Exit(1)
			}
		}
		return
	}
	var sizes []map[string]int
	for _, path := range flag.Args() {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "wasmfuncs:", err)
			os.Exit(1)
		}
		s, err := funcSizes(b)
		if err != nil {
			fmt.Fprintf(os.Stderr, "wasmfuncs: %s: %v\n", path, err)
			os.Exit(1)
		}
		sizes = append(sizes, s)
	}
	type row struct {
		name       string
		old, new   int
		difference int
	}
	var rows []row
	last := sizes[len(sizes)-1]
	names := map[string]bool{}
	for _, s := range sizes {
		for name := range s {
			names[name] = true
		}
	}
	total := 0
	for name := range names {
		if !strings.Contains(name, *match) {
			continue
		}
		r := row{name: name, new: last[name]}
		if len(sizes) == 2 {
			r.old = sizes[0][name]
		}
		r.difference = r.new - r.old
		total += r.difference
		if len(sizes) == 1 || r.difference != 0 {
			rows = append(rows, r)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := abs(rows[i].difference), abs(rows[j].difference)
		if a != b {
			return a > b
		}
		return rows[i].name < rows[j].name
	})
	if len(sizes) == 2 {
		fmt.Printf("total %+d bytes of code\n", total)
	} else {
		fmt.Printf("total %d bytes of code\n", total)
	}
	for k, r := range rows {
		if k == *n {
			break
		}
		if len(sizes) == 2 {
			fmt.Printf("%+7d %7d → %7d  %s\n", r.difference, r.old, r.new, r.name)
		} else {
			fmt.Printf("%7d  %s\n", r.new, r.name)
		}
	}
}

// sectionSizes are a module's brotli sizes: whole, and of its code
// section, its data section and every other section, each compressed alone.
type sectionSizes struct {
	whole, code, data, rest int
}

// brotliSizes compresses the module b whole and each of its sections alone
// at brotli's quality 11.
func brotliSizes(b []byte) (sectionSizes, error) {
	var z sectionSizes
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return z, errors.New("not a WebAssembly module")
	}
	z.whole = brotliLen(b)
	r := reader{b: b, i: 8}
	for r.i < len(b) && r.err == nil {
		id, end, err := r.section()
		if err != nil {
			return z, err
		}
		n := brotliLen(b[r.i:end])
		switch id {
		case 10:
			z.code += n
		case 11:
			z.data += n
		default:
			z.rest += n
		}
		r.i = end
	}
	return z, r.err
}

// brotliLen is the length of b compressed by brotli at quality 11.
func brotliLen(b []byte) int {
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, brotli.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// funcSizes reads a module's code section (each body's size) and the
// function names of its "name" section; a function without a name is
// listed by its index.
func funcSizes(b []byte) (map[string]int, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module")
	}
	r := reader{b: b, i: 8}
	imported := 0
	var bodies []int
	names := map[int]string{}
	for r.i < len(b) && r.err == nil {
		id, end, err := r.section()
		if err != nil {
			return nil, err
		}
		switch id {
		case 2: // imports: the functions among them come first in the index space
			for range r.uint() {
				r.skip(r.uint()) // module
				r.skip(r.uint()) // name
				switch kind := r.byte(); kind {
				case 0: // function
					r.uint()
					imported++
				case 1: // table
					r.byte()
					r.limits()
				case 2: // memory
					r.limits()
				case 3: // global
					r.skip(2)
				default:
					return nil, fmt.Errorf("import of unknown kind %d", kind)
				}
			}
		case 10: // code
			for range r.uint() {
				n := r.uint()
				bodies = append(bodies, n)
				r.skip(n)
			}
		case 0: // custom
			name := string(r.bytes(r.uint()))
			if name != "name" {
				break
			}
			for r.i < end && r.err == nil {
				sub := r.byte()
				subEnd := r.i + r.uint()
				if sub == 1 { // function names
					for range r.uint() {
						index := r.uint()
						names[index] = string(r.bytes(r.uint()))
					}
				}
				r.i = subEnd
			}
		}
		r.i = end
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(names) == 0 {
		return nil, errors.New("no function names: build without -ldflags=-s")
	}
	out := make(map[string]int, len(bodies))
	for k, size := range bodies {
		name, ok := names[imported+k]
		if !ok {
			name = fmt.Sprintf("#%d", imported+k)
		}
		out[name] += size
	}
	return out, nil
}

// section reads a section's id and size, leaving r at its content, and
// returns the id and where the section ends.
func (r *reader) section() (id byte, end int, err error) {
	id = r.byte()
	size := r.uint()
	end = r.i + size
	if end > len(r.b) || r.err != nil {
		return 0, 0, errors.New("a section runs past the end")
	}
	return id, end, nil
}

// reader reads a module's bytes; the first error sticks.
type reader struct {
	b   []byte
	i   int
	err error
}

func (r *reader) byte() byte {
	if r.i >= len(r.b) {
		r.err = errors.New("unexpected end")
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

// uint reads an unsigned LEB128 number.
func (r *reader) uint() int {
	v, shift := 0, 0
	for r.err == nil {
		c := r.byte()
		v |= int(c&0x7f) << shift
		if c < 0x80 {
			break
		}
		shift += 7
		if shift > 35 {
			r.err = errors.New("a number too long")
		}
	}
	return v
}

func (r *reader) skip(n int) {
	if n < 0 || r.i+n > len(r.b) {
		r.err = errors.New("unexpected end")
		return
	}
	r.i += n
}

func (r *reader) bytes(n int) []byte {
	start := r.i
	r.skip(n)
	if r.err != nil {
		return nil
	}
	return r.b[start:r.i]
}

func (r *reader) limits() {
	if flags := r.byte(); flags&1 != 0 {
		r.uint()
		r.uint()
	} else {
		r.uint()
	}
}
