package wasmbuild

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// StripLines returns module with the line and file tables of Go's function
// table (pclntab) zeroed: each function's pcln and pcfile offsets set to 0,
// and the bytes of the tables they pointed to, where no other table shares
// them, set to zero. A stack trace then names each function without its
// file and line ("?:0"), as Go's runtime prints a function whose tables are
// missing (runtime.funcline1); nothing else reads them: the stack maps and
// the stack-pointer deltas that the collector and the stack's growth read
// (pcsp, pcdata) are kept byte for byte. On the meter's module it takes
// about 29 KB off the wire (brotli -q 11: 548.3 → 518.9 KB; BENCHMARKS.md).
//
// It reads Go's own format (runtime/symtab.go's pcHeader and _func, the
// pcvalue tables of runtime.step, as of Go 1.20-1.26), not the WebAssembly
// specification's: a module whose table it cannot find exactly once, or
// whose table does not read as that format from end to end, is an error
// that says so, so that a Go release that changes the format fails the
// build instead of shipping a module it does not understand. The module's
// length and every other byte stay as they are.
func StripLines(module []byte) ([]byte, error) {
	if len(module) < 8 || string(module[:4]) != "\x00asm" {
		return nil, errors.New("strip lines: not a WebAssembly module")
	}
	var data []byte // the data section's body, within out
	out := bytes.Clone(module)
	for r := (reader{b: out, i: 8}); r.i < len(r.b); {
		start := r.i
		id := r.byte()
		size := r.uint32()
		body := r.bytes(int(size))
		if r.err != nil {
			return nil, fmt.Errorf("strip lines: section at byte %d: %w", start, r.err)
		}
		if id == dataSection {
			data = body
		}
	}
	if data == nil {
		return nil, errors.New("strip lines: no data section")
	}
	h := bytes.Index(data, pcHeaderMagic)
	if h < 0 {
		return nil, errors.New("strip lines: no Go function table (pcHeader magic 0xFFFFFFF1, pointers of 8 bytes) in the data section: a Go release with another format?")
	}
	if bytes.Index(data[h+1:], pcHeaderMagic) >= 0 {
		return nil, errors.New("strip lines: the function table's magic occurs twice in the data section")
	}
	t := data[h:]
	field := func(k int) (int, error) { // the k-th uintptr of pcHeader after magic and the four bytes
		o := 8 + 8*k
		if o+8 > len(t) {
			return 0, errors.New("strip lines: the function table's header is cut short")
		}
		v := binary.LittleEndian.Uint64(t[o:])
		if v > uint64(len(t)) {
			return 0, fmt.Errorf("strip lines: the function table's header field %d (%d) is past its data", k, v)
		}
		return int(v), nil
	}
	nfunc, err := field(0)
	if err != nil {
		return nil, err
	}
	pctabOff, err := field(6)
	if err != nil {
		return nil, err
	}
	pclnOff, err := field(7)
	if err != nil {
		return nil, err
	}
	pctab, functab := t[pctabOff:], t[pclnOff:]
	if len(functab) < 8*(nfunc+1) || pclnOff <= pctabOff {
		return nil, errors.New("strip lines: the function table's index is cut short")
	}
	// Every table's extent: kept (pcsp, pcdata) or dropped (pcfile, pcln).
	keep := make([]bool, pclnOff-pctabOff)
	drop := make([]bool, len(keep))
	mark := func(set []bool, off uint32) error {
		if off == 0 {
			return nil
		}
		n, ok := pcvalueLen(pctab[:len(keep)], int(off))
		if !ok {
			return fmt.Errorf("strip lines: a pcvalue table at %d does not end within the tables", off)
		}
		for i := int(off); i < int(off)+n; i++ {
			set[i] = true
		}
		return nil
	}
	funcs := make([][]byte, 0, nfunc)
	for k := range nfunc {
		funcOff := int(binary.LittleEndian.Uint32(functab[8*k+4:]))
		if funcOff < 8*(nfunc+1) || funcOff+funcFixed > len(functab) {
			return nil, fmt.Errorf("strip lines: function %d's record is outside the table", k)
		}
		f := functab[funcOff:]
		npcdata := int(binary.LittleEndian.Uint32(f[28:]))
		if funcFixed+4*npcdata > len(f) || npcdata > 64 {
			return nil, fmt.Errorf("strip lines: function %d's pcdata is outside the table", k)
		}
		if err := mark(keep, binary.LittleEndian.Uint32(f[16:])); err != nil { // pcsp
			return nil, err
		}
		for j := range npcdata {
			if err := mark(keep, binary.LittleEndian.Uint32(f[funcFixed+4*j:])); err != nil {
				return nil, err
			}
		}
		for _, o := range []int{20, 24} { // pcfile, pcln
			if err := mark(drop, binary.LittleEndian.Uint32(f[o:])); err != nil {
				return nil, err
			}
		}
		funcs = append(funcs, f)
	}
	for i := range drop {
		if drop[i] && !keep[i] {
			pctab[i] = 0
		}
	}
	for _, f := range funcs {
		clear(f[20:28])
	}
	return out, nil
}

// pcHeaderMagic is the start of Go's pcHeader (Go 1.20 and later) for
// WebAssembly: the magic 0xFFFFFFF1, two zero pads, an instruction size of
// 1 and pointers of 8 bytes.
var pcHeaderMagic = []byte{0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8}

// funcFixed is the size of _func's fields before its pcdata offsets:
// entryOff, nameOff, args, deferreturn, pcsp, pcfile, pcln, npcdata,
// cuOffset, startLine (4 bytes each), then funcID, flag, a pad and
// nfuncdata (a byte each).
const funcFixed = 44

// pcvalueLen returns the length of the pcvalue table at tab[off:]: pairs
// of varints (a value delta, then a pc delta) ended by a value delta of 0
// after the first pair (runtime.step), the 0 included.
func pcvalueLen(tab []byte, off int) (int, bool) {
	i, first := off, true
	for {
		v, ok := uvarint(tab, &i)
		if !ok {
			return 0, false
		}
		if v == 0 && !first {
			return i - off, true
		}
		first = false
		if _, ok := uvarint(tab, &i); !ok {
			return 0, false
		}
	}
}

// uvarint reads an unsigned LEB128 number of at most 32 bits at b[*i:].
func uvarint(b []byte, i *int) (uint32, bool) {
	var v uint32
	for shift := uint(0); shift < 35; shift += 7 {
		if *i >= len(b) {
			return 0, false
		}
		c := b[*i]
		*i++
		v |= uint32(c&0x7f) << shift
		if c < 0x80 {
			return v, true
		}
	}
	return 0, false
}
