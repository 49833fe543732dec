package wasmbuild

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// linked is the meter's module as Go's linker writes it (Command), built
// once for the package's tests: Pack's, TrimExec's and StripLines' tests
// each read it, and a build is the slowest part of them.
var linked struct {
	once   sync.Once
	module []byte
	err    error
	output []byte
}

// linkedMeterModule returns the meter's module, unpacked (see linked).
func linkedMeterModule(t *testing.T) []byte {
	t.Helper()
	linked.once.Do(func() {
		dir, err := os.MkdirTemp("", "wasmbuild-test-")
		if err != nil {
			linked.err = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "styrke.wasm")
		if linked.output, linked.err = Command(t.Context(), "../..", out, "./wasm").CombinedOutput(); linked.err == nil {
			linked.module, linked.err = os.ReadFile(out)
		}
	})
	require.NoError(t, linked.err, "%s", linked.output)
	return linked.module
}

// goWasmExec returns the path of the Go installation's wasm_exec.js.
func goWasmExec(t *testing.T) string {
	t.Helper()
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	return filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
}
