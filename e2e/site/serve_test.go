package site_test

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
)

// styrkeBuild is cmd/styrke built once for the package (styrkeBinary).
var styrkeBuild struct {
	once sync.Once
	bin  string
	out  []byte
	err  error
}

// styrkeBinary returns the path of cmd/styrke built into the package's
// temporary folder, the first call building it.
func styrkeBinary(t *testing.T) string {
	t.Helper()
	styrkeBuild.once.Do(func() {
		styrkeBuild.bin = filepath.Join(env.tmp, "styrke")
		build := exec.Command("go", "build", "-o", styrkeBuild.bin, "./cmd/styrke")
		build.Dir = env.root
		styrkeBuild.out, styrkeBuild.err = build.CombinedOutput()
	})
	require.NoError(t, styrkeBuild.err, "go build ./cmd/styrke: %s", styrkeBuild.out)
	return styrkeBuild.bin
}

// freeAddr returns the address of a port of 127.0.0.1 that was free when it
// looked (a variable: TestStartServeTriesAnotherPort hands out a taken one).
var freeAddr = func(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// serveAttempts is how many ports startServe tries.
const serveAttempts = 5

// startServe starts the command start makes for a free port's address (a
// `styrke serve --addr ADDR`; start may also do what needs the address
// first, such as registering an OpenID client's redirect URI, and return
// how to undo it) and waits until the server says it listens there and its
// /healthz answers. A port found free can be taken by another process
// before the server binds it, since the test packages run in parallel (CI
// once lost TestActivationStatesOnPhone so, to another package's SMTP
// server): the server then exits with "address already in use", and
// startServe tries another port, up to serveAttempts. The server's output
// goes to logs. It returns the address; the server stops at the test's end.
func startServe(t *testing.T, logs *syncbuf.Buffer, start func(ctx context.Context, addr string) (*exec.Cmd, func())) string {
	t.Helper()
	for attempt := 1; ; attempt++ {
		addr := freeAddr(t)
		mark := len(logs.String())
		ctx, cancel := context.WithCancel(context.Background())
		cmd, undo := start(ctx, addr)
		cmd.Stdout, cmd.Stderr = logs, logs
		require.NoError(t, cmd.Start())
		stop := func() {
			cancel()
			cmd.Wait()
			if undo != nil {
				undo()
			}
		}
		taken := false
		require.Eventually(t, func() bool {
			out := logs.String()[mark:]
			if strings.Contains(out, "address already in use") {
				taken = true
				return true
			}
			if !strings.Contains(out, "listening on http://"+addr) {
				return false
			}
			res, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == http.StatusOK
		}, 20*time.Second, 50*time.Millisecond, "styrke serve never became healthy; its log:\n%s", logs)
		if !taken {
			t.Cleanup(stop)
			return addr
		}
		stop()
		require.Less(t, attempt, serveAttempts, "styrke serve found no free port in %d tries; its log:\n%s", serveAttempts, logs)
	}
}

// TestStartServeTriesAnotherPort: when the port found free is taken before
// the server binds it, the server comes up on another one.
func TestStartServeTriesAnotherPort(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer held.Close()
	probe := freeAddr
	tries := 0
	freeAddr = func(t *testing.T) string {
		tries++
		if tries == 1 {
			return held.Addr().String()
		}
		return probe(t)
	}
	defer func() { freeAddr = probe }()

	dir, bin := t.TempDir(), styrkeBinary(t)
	logs := &syncbuf.Buffer{}
	addr := startServe(t, logs, func(ctx context.Context, addr string) (*exec.Cmd, func()) {
		return exec.CommandContext(ctx, bin, "serve", "--addr", addr, "--data", dir, "--site", env.dist, "--breach-url", "http://127.0.0.1:1"), nil
	})
	assert.Equal(t, 2, tries)
	assert.NotEqual(t, held.Addr().String(), addr)
	assert.Contains(t, logs.String(), "address already in use", "the first try found its port taken")
}
