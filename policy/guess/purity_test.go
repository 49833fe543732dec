package guess

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWasmDependencies: the estimator stays pure and small in the
// WebAssembly build (no IO, clock, fmt, reflection or JSON).
func TestWasmDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	for _, banned := range []string{"embed", "time", "fmt", "reflect", "os", "io/fs", "encoding/json", "syscall/js", "strconv"} {
		assert.NotContains(t, deps, banned, "policy/guess must not depend on %s", banned)
	}
}
