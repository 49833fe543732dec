package wasmbuild

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// section is one section of a module as the tests build and read them.
type section struct {
	id   byte
	body []byte
}

func module(sections ...section) []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	for _, s := range sections {
		b = appendSection(b, s.id, s.body)
	}
	return b
}

// dataBody builds a data section body of active segments, in the order
// given.
func dataBody(segs ...segment) []byte {
	b := appendUint(nil, uint32(len(segs)))
	for _, s := range segs {
		b = append(b, 0, opI32Const)
		b = appendInt(b, int32(s.addr))
		b = append(b, opEnd)
		b = appendUint(b, uint32(len(s.data)))
		b = append(b, s.data...)
	}
	return b
}

// sections splits a module into its sections (the test's own reading, with
// Pack's reader).
func sections(t *testing.T, m []byte) []section {
	t.Helper()
	require.Equal(t, "\x00asm\x01\x00\x00\x00", string(m[:8]))
	var out []section
	r := reader{b: m, i: 8}
	for r.i < len(m) {
		id := r.byte()
		body := r.bytes(int(r.uint32()))
		require.NoError(t, r.err)
		out = append(out, section{id, body})
	}
	return out
}

// image applies a data section body's segments to zeroed memory of size
// bytes, as instantiation does.
func image(t *testing.T, body []byte, size int) []byte {
	t.Helper()
	mem := make([]byte, size)
	r := reader{b: body}
	n := r.uint32()
	for range n {
		require.Equal(t, uint32(0), r.uint32(), "flags")
		require.Equal(t, byte(opI32Const), r.byte())
		addr := r.int32()
		require.Equal(t, byte(opEnd), r.byte())
		data := r.bytes(int(r.uint32()))
		require.NoError(t, r.err)
		require.LessOrEqual(t, int(addr)+len(data), size)
		copy(mem[addr:], data)
	}
	require.NoError(t, r.err)
	require.Equal(t, len(body), r.i, "bytes after the last segment")
	return mem
}

func TestPackMergesSegments(t *testing.T) {
	custom := section{0, append(appendUint(nil, 4), "name\x01\x02"...)}
	memory := section{5, []byte{1, 0, 1}} // one memory, at least one page
	segs := []segment{
		{addr: 300, data: []byte("tail")},
		{addr: 10, data: []byte("head")},
		{addr: 20, data: nil}, // empty: writes nothing
		{addr: 200, data: bytes.Repeat([]byte{0xab}, 90)},
		{addr: 14, data: []byte("!")}, // right after "head"
	}
	in := module(custom, memory, section{dataSection, dataBody(segs...)}, section{0, []byte("\x03end")})
	out, err := Pack(in)
	require.NoError(t, err)

	got := sections(t, out)
	want := sections(t, in)
	require.Len(t, got, len(want))
	for k := range want {
		assert.Equal(t, want[k].id, got[k].id, "section %d", k)
		if want[k].id != dataSection {
			assert.Equal(t, want[k].body, got[k].body, "section %d is not the data section and must be unchanged", k)
		}
	}
	packed := got[2].body
	assert.Equal(t, image(t, want[2].body, 1<<16), image(t, packed, 1<<16), "the memory holds other bytes")

	r := reader{b: packed}
	assert.Equal(t, uint32(1), r.uint32(), "one segment")
	r.uint32()
	r.byte()
	assert.Equal(t, int32(10), r.int32(), "it starts at the lowest address")
	r.byte()
	assert.Equal(t, uint32(304-10), r.uint32(), "it ends at the highest segment's end")
}

func TestPackSetsDataCount(t *testing.T) {
	in := module(section{dataCountSection, appendUint(nil, 2)}, section{dataSection, dataBody(segment{0, []byte("a")}, segment{64, []byte("b")})})
	out, err := Pack(in)
	require.NoError(t, err)
	got := sections(t, out)
	assert.Equal(t, appendUint(nil, 1), got[0].body)
}

func TestPackAddresses(t *testing.T) {
	// Addresses whose signed LEB128 takes one more byte than the unsigned
	// (bit 6 of the last group set) and the largest 32-bit ones.
	for _, addr := range []uint32{0, 63, 64, 127, 8191, 8192, 1<<20 + 64, 1<<31 - 8} {
		in := module(section{dataSection, dataBody(segment{addr, []byte("xyzw")}, segment{addr + 4, []byte("v")})})
		out, err := Pack(in)
		require.NoError(t, err, "address %d", addr)
		r := reader{b: sections(t, out)[0].body}
		r.uint32()
		r.uint32()
		r.byte()
		assert.Equal(t, int32(addr), r.int32(), "address %d", addr)
		r.byte()
		assert.Equal(t, []byte("xyzwv"), r.bytes(int(r.uint32())), "address %d", addr)
		assert.NoError(t, r.err)
	}
}

func TestPackRejects(t *testing.T) {
	good := dataBody(segment{16, []byte("ab")})
	passive := append(appendUint(nil, 1), 1, 2, 'a', 'b')
	globalOffset := []byte{1, 0, 0x23, 0, opEnd, 1, 'a'}
	longOffset := []byte{1, 0, opI32Const, 1, 0x6a, opEnd, 1, 'a'} // i32.const 1, then i32.add
	cases := []struct {
		name   string
		module []byte
		want   string
	}{
		{"not wasm", []byte("\x7fELF\x02\x01\x01\x00"), "not a WebAssembly module"},
		{"version 2", []byte("\x00asm\x02\x00\x00\x00"), "not a WebAssembly module"},
		{"no data", module(section{5, []byte{1, 0, 1}}), "no data section"},
		{"two data sections", module(section{dataSection, good}, section{dataSection, good}), "two data sections"},
		{"passive segment", module(section{dataSection, passive}), "flags 1"},
		{"offset from a global", module(section{dataSection, globalOffset}), "opcode 0x23"},
		{"offset of two instructions", module(section{dataSection, longOffset}), "opcode 0x6a"},
		{"negative address", module(section{dataSection, dataBody(segment{1 << 31, []byte("a")})}), "outside a 32-bit memory"},
		{"overlap", module(section{dataSection, dataBody(segment{16, []byte("abcd")}, segment{18, []byte("x")})}), "overlap at address 18"},
		{"far apart", module(section{dataSection, dataBody(segment{0, []byte("a")}, segment{1 << 30, []byte("b")})}), "span 1073741825 bytes"},
		{"bytes after the segments", module(section{dataSection, append(slicesClone(good), 0)}), "1 bytes after"},
		{"no segments, then bytes", module(section{dataSection, []byte{0, '0', '0'}}), "2 bytes after"}, // FuzzPack found it
		{"six-byte integer", append([]byte("\x00asm\x01\x00\x00\x00\x0b"), 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), "more than five bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Pack(c.module)
			require.Error(t, err)
			assert.Nil(t, out)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func slicesClone(b []byte) []byte { return append([]byte(nil), b...) }

// TestPackTruncated cuts a module at every byte: an error each time (but
// where the cut falls between sections and the data section is whole),
// never a panic.
func TestPackTruncated(t *testing.T) {
	m := module(section{5, []byte{1, 0, 1}}, section{dataSection, dataBody(segment{300, []byte("tail")}, segment{10, []byte("head")})}, section{0, []byte("\x03end")})
	ends := map[int]bool{}
	for i, s := 8, sections(t, m); len(s) > 0; s = s[1:] {
		i += 1 + len(appendUint(nil, uint32(len(s[0].body)))) + len(s[0].body)
		ends[i] = true
	}
	for n := range len(m) {
		out, err := Pack(m[:n])
		if ends[n] && n > 8+5 {
			assert.NoError(t, err, "cut at %d, after a whole section", n)
			continue
		}
		assert.Error(t, err, "cut at %d", n)
		assert.Nil(t, out, "cut at %d", n)
	}
}

// TestPackMeterModule packs the meter's module as Go's linker writes it:
// the memory it starts with is the same, byte for byte, every other
// section is unchanged, and it compresses smaller.
func TestPackMeterModule(t *testing.T) {
	linked := linkedMeterModule(t)
	packed, err := Pack(linked)
	require.NoError(t, err)

	a, b := sections(t, linked), sections(t, packed)
	require.Len(t, b, len(a))
	var memPages uint32
	for k := range a {
		require.Equal(t, a[k].id, b[k].id)
		if a[k].id == 5 {
			r := reader{b: a[k].body}
			require.Equal(t, uint32(1), r.uint32(), "one memory")
			r.byte() // limits flag
			memPages = r.uint32()
			require.NoError(t, r.err)
		}
	}
	require.NotZero(t, memPages, "no memory section")
	for k := range a {
		if a[k].id == dataSection {
			r := reader{b: a[k].body}
			n := r.uint32()
			assert.Greater(t, n, uint32(1000), "Go's linker no longer cuts the data section at zero runs: Pack may have nothing left to do")
			assert.Equal(t, image(t, a[k].body, int(memPages)<<16), image(t, b[k].body, int(memPages)<<16), "the packed module starts with other memory")
			continue
		}
		assert.True(t, bytes.Equal(a[k].body, b[k].body), "section %d (id %d) changed", k, a[k].id)
	}
	gz := func(b []byte) int {
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		w.Write(b)
		w.Close()
		return buf.Len()
	}
	assert.Less(t, gz(packed), gz(linked)*95/100, "packed, the module should be at least 5%% smaller with gzip")
}

// FuzzPack: whatever the bytes, Pack returns an error or a module whose
// data section writes the memory the input's does, and packing that again
// changes nothing. (Not in scripts/fuzz.sh: Pack reads the linker's output,
// not outside input; its seeds run with every go test.)
func FuzzPack(f *testing.F) {
	f.Add(module(section{5, []byte{1, 0, 1}}, section{dataSection, dataBody(segment{300, []byte("tail")}, segment{10, []byte("head")})}))
	f.Add(module(section{dataCountSection, appendUint(nil, 2)}, section{dataSection, dataBody(segment{0, []byte("a")}, segment{64, []byte("b")})}))
	f.Add(module(section{dataSection, dataBody(segment{8191, []byte("xyzw")}, segment{8195, nil})}))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Pack(in)
		if err != nil {
			return
		}
		before, after := dataOf(t, in), dataOf(t, out)
		size := 1 << 16
		for size < maxImage+(1<<16) && !fits(before, size) {
			size <<= 1
		}
		if fits(before, size) {
			assert.Equal(t, image(t, before, size), image(t, after, size))
		}
		again, err := Pack(out)
		require.NoError(t, err)
		assert.Equal(t, out, again)
	})
}

// dataOf returns the body of m's data section, nil when it has none.
func dataOf(t *testing.T, m []byte) []byte {
	var body []byte
	for _, s := range sections(t, m) {
		if s.id == dataSection {
			body = s.body
		}
	}
	return body
}

// fits reports whether every segment of a data section body ends within
// size bytes.
func fits(body []byte, size int) bool {
	r := reader{b: body}
	n := r.uint32()
	for range n {
		r.uint32()
		r.byte()
		addr := r.int32()
		r.byte()
		data := r.bytes(int(r.uint32()))
		if r.err != nil || int(addr)+len(data) > size {
			return false
		}
	}
	return r.err == nil
}
