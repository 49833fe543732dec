package wasmbuild

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrimExec: the meter's module runs with the wasm_exec.js TrimExec
// makes of Go's (every import it declares is there: instantiated and run
// under Node, its exports called), which leaves out the syscall/js imports
// the module does not declare and the helpers only they used; a module
// that declares one keeps it and its helpers; a file of another shape
// comes back as it was.
func TestTrimExec(t *testing.T) {
	full, err := os.ReadFile(goWasmExec(t))
	require.NoError(t, err)
	dir := t.TempDir()
	out := filepath.Join(dir, "styrke.wasm")
	module := linkedMeterModule(t)
	require.NoError(t, os.WriteFile(out, module, 0o644))

	trimmed := TrimExec(full, module)
	assert.Less(t, len(trimmed), len(full)-3000, "the syscall/js imports are out")
	for _, name := range []string{"valueGet", "valueCall", "copyBytesToGo", "finalizeRef"} {
		assert.NotContains(t, string(trimmed), `"syscall/js.`+name+`"`)
	}
	for _, name := range []string{"wasmExit", "wasmWrite", "resetMemoryDataView", "nanotime1", "walltime", "scheduleTimeoutEvent", "clearTimeoutEvent", "getRandomData"} {
		assert.Contains(t, string(trimmed), `"runtime.`+name+`"`)
	}
	assert.NotContains(t, string(trimmed), "const storeValue", "a helper only the imports used")
	for _, gone := range []string{"globalThis.process", "globalThis.path", "_gotest", "chmod(", "testCallExport", "_makeFuncWrapper", "this._values", "this._ids", "_idPool", "_goRefCounts"} {
		assert.NotContains(t, string(trimmed), gone, "what only syscall/js or Go's tests reach")
	}
	for _, kept := range []string{"writeSync(fd, buf)", "globalThis.crypto", "globalThis.TextDecoder"} {
		assert.Contains(t, string(trimmed), kept)
	}

	execFile := filepath.Join(dir, "wasm_exec.js")
	require.NoError(t, os.WriteFile(execFile, trimmed, 0o644))
	script := `
require(process.argv[1]);
const bytes = require("fs").readFileSync(process.argv[2]);
(async () => {
  const go = new Go();
  const { instance } = await WebAssembly.instantiate(bytes, { ...go.importObject, styrke: { number: () => 0 } });
  go.run(instance);
  instance.exports.prepare();
  if (typeof instance.exports.outbuf() !== "number") throw new Error("outbuf");
  console.log("ran");
  process.exit(0);
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
`
	got, err := exec.Command("node", "-e", script, execFile, out).CombinedOutput()
	require.NoError(t, err, "%s", got)
	assert.Equal(t, "ran\n", string(got))

	kept := string(TrimExec(full, []byte("gojs\x13syscall/js.valueGet")))
	assert.Contains(t, kept, `"syscall/js.valueGet"`)
	assert.NotContains(t, kept, `"syscall/js.valueSet"`)
	for _, helper := range []string{"loadValue", "storeValue", "loadString"} {
		assert.Contains(t, kept, "const "+helper+" = ", "valueGet uses %s", helper)
	}
	for _, standIn := range []string{"globalThis.process", "globalThis.path", "chmod(", "_makeFuncWrapper", "this._values = [", "this._ids = new Map", "delete this._idPool"} {
		assert.Contains(t, kept, standIn, "package os reaches it through syscall/js")
	}
	assert.Equal(t, "not Go's\nfile", string(TrimExec([]byte("not Go's\nfile"), module)))
}
