package wasmbuild

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTable builds a pclntab as Go's linker lays it out for wasm (pcHeader,
// then the tables, then the function index and records) with one function
// whose pcsp, pcfile and pcln tables are given as offsets into pctab
// (0: none), and a pcdata table at pcdata.
func fakeTable(pctab []byte, pcsp, pcfile, pcln, pcdata uint32) []byte {
	const headerLen = 8 + 8*8
	t := append([]byte(nil), pcHeaderMagic...)
	fields := []uint64{1, 0, 0, headerLen, headerLen, headerLen, headerLen, uint64(headerLen + len(pctab))}
	for _, f := range fields {
		t = binary.LittleEndian.AppendUint64(t, f)
	}
	t = append(t, pctab...)
	// functab: {entryoff, funcoff} for the function and the end.
	t = binary.LittleEndian.AppendUint32(t, 0)
	t = binary.LittleEndian.AppendUint32(t, 16)
	t = binary.LittleEndian.AppendUint32(t, 100)
	t = binary.LittleEndian.AppendUint32(t, 0)
	// _func: entryOff, nameOff, args, deferreturn, pcsp, pcfile, pcln,
	// npcdata, cuOffset, startLine, then four bytes, then pcdata.
	for _, v := range []uint32{0, 0, 0, 0, pcsp, pcfile, pcln, 1, 0, 7, 0} {
		t = binary.LittleEndian.AppendUint32(t, v)
	}
	return binary.LittleEndian.AppendUint32(t, pcdata)
}

// TestStripLines: the pcfile and pcln tables are zeroed and their offsets
// cleared; pcsp and pcdata, and any byte a kept table shares, stay.
func TestStripLines(t *testing.T) {
	// pctab: a 0 at 0 (offset 0 means none), pcsp at 1 ("02 05 00"), pcln
	// at 4 ("0a 03 04 02 00"), pcfile at 9 ("02 64 00") and pcdata at 12
	// ("06 80 01 00": a pc delta of two bytes).
	pctab := []byte{0, 2, 5, 0, 10, 3, 4, 2, 0, 2, 0x64, 0, 6, 0x80, 1, 0}
	table := fakeTable(pctab, 1, 9, 4, 12)
	data := append(append([]byte("before"), table...), "after"...)
	m := module(section{5, []byte{1, 0, 1}}, section{dataSection, dataBody(segment{1024, data})})
	got, err := StripLines(m)
	require.NoError(t, err)
	require.Len(t, got, len(m))
	gotData := sections(t, got)[1].body
	i := bytes.Index(gotData, pcHeaderMagic)
	require.Positive(t, i)
	gotTab := gotData[i+72 : i+72+len(pctab)]
	assert.Equal(t, []byte{0, 2, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0x80, 1, 0}, gotTab, "pcln and pcfile zeroed, pcsp and pcdata kept")
	rec := gotData[i+72+len(pctab)+16:]
	assert.Equal(t, uint32(1), binary.LittleEndian.Uint32(rec[16:]), "pcsp")
	assert.Equal(t, uint32(0), binary.LittleEndian.Uint32(rec[20:]), "pcfile")
	assert.Equal(t, uint32(0), binary.LittleEndian.Uint32(rec[24:]), "pcln")
	assert.Equal(t, uint32(12), binary.LittleEndian.Uint32(rec[44:]), "pcdata")
	// Only bytes of the table changed.
	mData := sections(t, m)[1].body
	for k := range mData {
		if mData[k] != gotData[k] {
			assert.Zero(t, gotData[k], "byte %d set to something but zero", k)
		}
	}

	// A pcln table whose bytes a kept table shares keeps them: pcln at 1
	// ("08 04 02 01 00"), pcsp at 3 ("02 01 00", its end).
	shared := []byte{0, 8, 4, 2, 1, 0}
	got, err = StripLines(module(section{dataSection, dataBody(segment{0, fakeTable(shared, 3, 0, 1, 0)})}))
	require.NoError(t, err)
	d := sections(t, got)[0].body
	i = bytes.Index(d, pcHeaderMagic)
	assert.Equal(t, []byte{0, 0, 0, 2, 1, 0}, d[i+72:i+78], "pcln's own bytes zeroed, the ones pcsp reads kept")
}

// TestStripLinesRejects: what is not Go's table as StripLines knows it is
// an error that says what, never a panic or a module half written.
func TestStripLinesRejects(t *testing.T) {
	good := fakeTable([]byte{0, 2, 5, 0, 2, 3, 0}, 1, 0, 4, 0)
	for _, tt := range []struct {
		name, want string
		m          []byte
	}{
		{"not a module", "not a WebAssembly module", []byte("hello")},
		{"no data section", "no data section", module(section{5, []byte{1, 0, 1}})},
		{"no table", "no Go function table", module(section{dataSection, dataBody(segment{0, []byte("no table here")})})},
		{"two tables", "occurs twice", module(section{dataSection, dataBody(segment{0, append(append([]byte(nil), good...), good...)})})},
		{"header cut short", "cut short", module(section{dataSection, dataBody(segment{0, good[:20]})})},
		{"a table that does not end", "does not end", module(section{dataSection, dataBody(segment{0, fakeTable([]byte{0, 2, 5, 0x80}, 1, 0, 0, 0)})})},
		{"a record outside", "outside", module(section{dataSection, dataBody(segment{0, good[:len(good)-30]})})},
		{"a section cut short", "section at byte", []byte("\x00asm\x01\x00\x00\x00\x0b\x7f")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := StripLines(tt.m)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Nil(t, got)
		})
	}
}

// FuzzStripLines: whatever the bytes, StripLines returns an error or a
// module of the same length that differs only in bytes set to zero.
func FuzzStripLines(f *testing.F) {
	f.Add(module(section{dataSection, dataBody(segment{0, fakeTable([]byte{0, 2, 5, 0, 2, 3, 0}, 1, 0, 4, 0)})}))
	f.Add(module(section{dataSection, dataBody(segment{8, fakeTable([]byte{0, 4, 2, 0, 6, 4, 2, 0}, 5, 0, 1, 0)})}))
	f.Fuzz(func(t *testing.T, m []byte) {
		got, err := StripLines(m)
		if err != nil {
			return
		}
		if len(got) != len(m) {
			t.Fatalf("length %d, want %d", len(got), len(m))
		}
		for k := range m {
			if got[k] != m[k] && got[k] != 0 {
				t.Fatalf("byte %d: %#x, want %#x or 0", k, got[k], m[k])
			}
		}
	})
}

// TestStripLinesMeterModule: on the meter's module, StripLines finds Go's
// table, zeroes tens of kilobytes of line tables and nothing outside the
// data section, and the module computes the same answers under Node as
// before, through a collection (prepare builds the dictionary) and a
// thousand evaluations.
func TestStripLinesMeterModule(t *testing.T) {
	dir := t.TempDir()
	linked := linkedMeterModule(t)
	packed, err := Pack(linked)
	require.NoError(t, err)
	stripped, err := StripLines(packed)
	require.NoError(t, err)
	require.Len(t, stripped, len(packed))
	a, b := sections(t, packed), sections(t, stripped)
	zeroed := 0
	for k := range a {
		if a[k].id != dataSection {
			assert.True(t, bytes.Equal(a[k].body, b[k].body), "section %d (id %d) changed", k, a[k].id)
			continue
		}
		for i := range a[k].body {
			if a[k].body[i] != b[k].body[i] {
				require.Zero(t, b[k].body[i])
				zeroed++
			}
		}
	}
	assert.Greater(t, zeroed, 30000, "Go's line tables are no longer where StripLines looks, or much smaller")

	packedFile, strippedFile := filepath.Join(dir, "packed.wasm"), filepath.Join(dir, "stripped.wasm")
	require.NoError(t, os.WriteFile(packedFile, packed, 0o644))
	require.NoError(t, os.WriteFile(strippedFile, stripped, 0o644))
	execFile := goWasmExec(t)
	script := `
require(process.argv[1]);
const fs = require("fs");
const te = new TextEncoder(), td = new TextDecoder();
async function load(path) {
  const go = new Go();
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(path), { ...go.importObject, styrke: { number: () => 0 } });
  go.run(instance);
  instance.exports.prepare();
  return instance.exports;
}
function evaluate(ex, pw) {
  const fields = [pw, "olan", "Ola Nordmann", "", "nb", "1990-05-17", "91234567"].map((s) => te.encode(s));
  const req = new Uint8Array(fields.reduce((a, f) => a + 4 + f.length, 0) + 5);
  const dv = new DataView(req.buffer);
  let o = 0;
  for (const f of fields) { dv.setUint32(o, f.length, true); req.set(f, o + 4); o += 4 + f.length; }
  req[o] = 0; dv.setInt32(o + 1, -1, true);
  new Uint8Array(ex.mem.buffer, ex.inbuf(req.length), req.length).set(req);
  const m = ex.evaluate(req.length);
  return td.decode(new Uint8Array(ex.mem.buffer, ex.outbuf(), Math.abs(m)));
}
(async () => {
  const a = await load(process.argv[2]), b = await load(process.argv[3]);
  let same = 0;
  for (let i = 0; i < 1000; i++) {
    let pw = "Sommer" + (1990 + i % 50) + "!".repeat(i % 4) + "qwertyuiopåasdfghjkløæ".slice(i % 11, 8 + i % 13) + String.fromCharCode(65 + i % 26, 0xe5, 48 + i % 10);
    if (i % 7 == 0) pw = pw.repeat(1 + i % 5);
    const x = evaluate(a, pw), y = evaluate(b, pw);
    if (x !== y || !x.startsWith("{")) { console.log("differ at " + i); process.exit(1); }
    same++;
  }
  console.log("same " + same);
  process.exit(0);
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
`
	got, err := exec.Command("node", "-e", script, execFile, packedFile, strippedFile).CombinedOutput()
	require.NoError(t, err, "%s", got)
	assert.Equal(t, "same 1000\n", string(got))
}
