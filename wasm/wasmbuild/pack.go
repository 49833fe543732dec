package wasmbuild

import (
	"errors"
	"fmt"
	"slices"
)

// Pack returns module with its data section rewritten as one active data
// segment: the memory image from the lowest segment's address to the
// highest segment's end, the gaps between the linker's segments written
// out as the zeros they are. Nothing else changes, and the module's memory
// holds the same bytes after instantiation: linear memory starts zeroed,
// and the segments it is made from do not overlap (Pack fails if they
// do).
//
// Go's linker cuts the data section at every run of more than eight zero
// bytes, to keep the file small: the meter's module had 39,443 segments,
// each with its address and length. Under brotli the zeros cost almost
// nothing, but the headers do: packed, the module is about 44 KB smaller
// on the wire (549.95 KB → 505.26 KB with brotli -q 11, 725 KB → 660 KB
// with gzip -9), though 0.4 MB larger uncompressed (BENCHMARKS.md).
//
// Pack reads the binary format of the WebAssembly core specification
// (sections, LEB128 integers), not anything of Go's own: a module whose
// data section holds anything but active segments of memory 0 at an
// i32.const address, or that is not a well-formed module, is an error
// that says what was found, and the module is left to the caller as it
// was. A data count section, if any, is set to one.
func Pack(module []byte) ([]byte, error) {
	if len(module) < 8 || string(module[:4]) != "\x00asm" || string(module[4:8]) != "\x01\x00\x00\x00" {
		return nil, errors.New("pack: not a WebAssembly module of version 1")
	}
	out := make([]byte, 0, len(module)+len(module)/4)
	out = append(out, module[:8]...)
	found := false
	for r := (reader{b: module, i: 8}); r.i < len(r.b); {
		start := r.i
		id := r.byte()
		size := r.uint32()
		body := r.bytes(int(size))
		if r.err != nil {
			return nil, fmt.Errorf("pack: section at byte %d: %w", start, r.err)
		}
		switch id {
		case dataSection:
			if found {
				return nil, errors.New("pack: two data sections")
			}
			found = true
			packed, err := packData(body)
			if err != nil {
				return nil, err
			}
			out = appendSection(out, id, packed)
		case dataCountSection:
			out = appendSection(out, id, appendUint(nil, 1))
		default:
			out = append(out, module[start:r.i]...)
		}
	}
	if !found {
		return nil, errors.New("pack: no data section")
	}
	return out, nil
}

// The ids of the sections Pack rewrites.
const (
	dataSection      = 11
	dataCountSection = 12
)

// segment is one active data segment: bytes written at addr.
type segment struct {
	addr uint32
	data []byte
}

// packData returns the data section body of one segment that writes what
// body's segments write.
func packData(body []byte) ([]byte, error) {
	r := reader{b: body}
	n := r.uint32()
	if r.err != nil {
		return nil, fmt.Errorf("pack: data section: %w", r.err)
	}
	segs := make([]segment, 0, min(int(n), len(body)))
	for k := range n {
		flags := r.uint32()
		if r.err == nil && flags != 0 {
			return nil, fmt.Errorf("pack: data segment %d: flags %d, want 0 (active, memory 0)", k, flags)
		}
		if op := r.byte(); r.err == nil && op != opI32Const {
			return nil, fmt.Errorf("pack: data segment %d: offset expression opcode 0x%02x, want i32.const (0x41)", k, op)
		}
		addr := r.int32()
		if op := r.byte(); r.err == nil && op != opEnd {
			return nil, fmt.Errorf("pack: data segment %d: offset expression continues with opcode 0x%02x, want end (0x0b)", k, op)
		}
		size := r.uint32()
		data := r.bytes(int(size))
		if r.err != nil {
			return nil, fmt.Errorf("pack: data segment %d: %w", k, r.err)
		}
		if addr < 0 || uint64(addr)+uint64(size) > 1<<32 {
			return nil, fmt.Errorf("pack: data segment %d: address %d and length %d are outside a 32-bit memory", k, addr, size)
		}
		segs = append(segs, segment{uint32(addr), data})
	}
	if r.i != len(body) {
		return nil, fmt.Errorf("pack: data section: %d bytes after its last segment", len(body)-r.i)
	}
	if len(segs) == 0 {
		return body, nil
	}
	slices.SortStableFunc(segs, func(a, b segment) int {
		switch {
		case a.addr < b.addr:
			return -1
		case a.addr > b.addr:
			return 1
		}
		return 0
	})
	lo := segs[0].addr
	var hi uint64
	for k, s := range segs {
		if uint64(s.addr) < hi {
			return nil, fmt.Errorf("pack: data segments overlap at address %d (segment %d of %d, by address)", s.addr, k, len(segs))
		}
		hi = uint64(s.addr) + uint64(len(s.data))
	}
	if hi-uint64(lo) > maxImage {
		return nil, fmt.Errorf("pack: data segments span %d bytes, over the %d Pack writes out", hi-uint64(lo), maxImage)
	}
	image := make([]byte, hi-uint64(lo))
	for _, s := range segs {
		copy(image[s.addr-lo:], s.data)
	}
	out := appendUint(nil, 1)
	out = append(out, 0, opI32Const)
	out = appendInt(out, int32(lo))
	out = append(out, opEnd)
	out = appendUint(out, uint32(len(image)))
	return append(out, image...), nil
}

// maxImage bounds the memory image Pack writes: the meter's module spans
// 1.4 MB, and segments far apart would write out their whole gap.
const maxImage = 64 << 20

// The opcodes of an offset expression.
const (
	opI32Const = 0x41
	opEnd      = 0x0b
)

func appendSection(b []byte, id byte, body []byte) []byte {
	b = append(b, id)
	b = appendUint(b, uint32(len(body)))
	return append(b, body...)
}

// appendUint appends v as unsigned LEB128.
func appendUint(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendInt appends v as signed LEB128.
func appendInt(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// reader reads the binary format; its first error sticks, and every read
// after it returns zero.
type reader struct {
	b   []byte
	i   int
	err error
}

var errTruncated = errors.New("the module ends inside it")

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.i >= len(r.b) {
		r.err = errTruncated
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.i {
		r.err = errTruncated
		return nil
	}
	r.i += n
	return r.b[r.i-n : r.i]
}

// leb reads a LEB128 of at most five bytes: its bits, and how many it
// has (7 a byte).
func (r *reader) leb() (v uint64, bits int) {
	for bits < 35 {
		c := r.byte()
		if r.err != nil {
			return 0, 0
		}
		v |= uint64(c&0x7f) << bits
		bits += 7
		if c < 0x80 {
			return v, bits
		}
	}
	r.err = errors.New("an integer of more than five bytes")
	return 0, 0
}

// uint32 reads an unsigned LEB128 of at most five bytes.
func (r *reader) uint32() uint32 {
	v, _ := r.leb()
	if v > 1<<32-1 {
		r.err = errors.New("an integer over 32 bits")
		return 0
	}
	return uint32(v)
}

// int32 reads a signed LEB128 of at most five bytes.
func (r *reader) int32() int32 {
	u, bits := r.leb()
	v := int64(u)
	if bits > 0 && u&(1<<(bits-1)) != 0 {
		v -= 1 << bits // sign-extend
	}
	if v < -1<<31 || v > 1<<31-1 {
		r.err = errors.New("an integer over 32 bits")
		return 0
	}
	return int32(v)
}
