package fuzzsh

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeGo stands in for the go command: a fuzzing run (-fuzz=) prints
// FAKE_OUT and exits FAKE_RC; a replay (-run=^Fuzz) exits FAKE_REPLAY_RC.
const fakeGo = `#!/usr/bin/env bash
for a in "$@"; do
  case "$a" in
    -fuzz=*) printf '%b\n' "$FAKE_OUT"; exit "$FAKE_RC" ;;
    -run=^Fuzz*) echo "replay $*" >> "$FAKE_LOG"; exit "$FAKE_REPLAY_RC" ;;
  esac
done
exit 0
`

// deadline is what Go 1.26's fuzzing coordinator prints when -fuzztime
// ends while a worker is busy (go.dev/issue/75804): no input failed.
const deadline = `fuzz: elapsed: 12s, execs: 252356 (0/sec), new interesting: 0 (total: 129)
--- FAIL: FuzzVerify (12.46s)
    context deadline exceeded
FAIL`

func run(t *testing.T, out string, rc, replayRC int) (string, string, error) {
	t.Helper()
	dir := t.TempDir()
	goBin := filepath.Join(dir, "go")
	require.NoError(t, os.WriteFile(goBin, []byte(fakeGo), 0o755))
	log := filepath.Join(dir, "replays")
	cmd := exec.Command("bash", "../fuzz.sh")
	cmd.Env = append(os.Environ(), "GO="+goBin, "FAKE_OUT="+out, "FAKE_RC="+itoa(rc), "FAKE_REPLAY_RC="+itoa(replayRC), "FAKE_LOG="+log, "FUZZTIME=1s")
	b, err := cmd.CombinedOutput()
	replays, _ := os.ReadFile(log)
	return string(b), string(replays), err
}

func itoa(n int) string { return string(rune('0' + n)) }

// TestFuzzDeadlineWithoutInputPasses: the coordinator's own deadline, with
// no failing input written and the corpus replaying clean, is not a
// failure: every target runs, and each such one is replayed.
func TestFuzzDeadlineWithoutInputPasses(t *testing.T) {
	out, replays, err := run(t, deadline, 1, 0)
	require.NoError(t, err, out)
	assert.Contains(t, out, "go.dev/issue/75804")
	assert.Contains(t, replays, "FuzzVerify")
	assert.Equal(t, targets(t), strings.Count(replays, "replay"), "each target's corpus replayed")
}

// targets counts fuzz.sh's targets: the lines of its list, `"./pkg FuzzName"`.
func targets(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("../fuzz.sh")
	require.NoError(t, err)
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), `"./`) {
			n++
		}
	}
	require.GreaterOrEqual(t, n, 10, "fuzz.sh's targets")
	return n
}

// TestFuzzFailures: a failing input written, any other failure, or a
// corpus that does not replay clean fails the run at the first target.
func TestFuzzFailures(t *testing.T) {
	for name, c := range map[string]struct {
		out        string
		rc, replay int
	}{
		"failing input written":  {deadline + "\n    Failing input written to testdata/fuzz/FuzzHandler/abc\n", 1, 0},
		"a panic":                {"--- FAIL: FuzzHandler (0.10s)\n    panic: boom\nFAIL", 1, 0},
		"deadline, replay fails": {deadline, 1, 1},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := run(t, c.out, c.rc, c.replay)
			require.Error(t, err, out)
			assert.Equal(t, 1, strings.Count(out, "fuzz FuzzHandler in ./server"), "stops at the first target: %s", out)
			assert.NotContains(t, out, "fuzz FuzzStaticPath")
		})
	}
}
