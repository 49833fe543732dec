package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// TestStoreOnReadOnlyMount: a SQLite store on a file system mounted
// read-only (a container's volume given :ro, a systemd unit's
// ProtectSystem=strict without ReadWritePaths=) is said to be on one, with
// what to do, by serve and by the desk's commands; serve does not start.
// It was blamed on permissions ("unable to open database file (14) (the
// user running styrke, uid 0, must be able to read and write the file and
// its folder …)"), which no chmod mends. The mount is a real one: a tmpfs
// remounted read-only in a mount namespace of the child's own (unshare;
// as another user than root, in a user namespace too).
func TestStoreOnReadOnlyMount(t *testing.T) {
	unshare, err := exec.LookPath("unshare")
	require.NoError(t, err, "util-linux's unshare makes the read-only mount")
	src := filepath.Join(t.TempDir(), "styrke.db")
	sqlitetest.Create(t, src)
	st, err := backend.Open(context.Background(), "sqlite:"+src)
	require.NoError(t, err)
	require.NoError(t, st.Close())

	for _, tc := range []struct {
		name  string
		store bool     // whether the store is copied onto the mount before it is made read-only
		args  []string // after the program's name; MNT is the mount point
	}{
		{"serve, the store there", true, []string{"serve", "--db", "sqlite:MNT/styrke.db", "--addr", "127.0.0.1:0", "--directory", "none"}},
		{"serve, no store yet, --data", false, []string{"serve", "--data", "MNT", "--addr", "127.0.0.1:0", "--directory", "none"}},
		{"audit", true, []string{"audit", "--db", "sqlite:MNT/styrke.db"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mnt := t.TempDir()
			path := filepath.Join(mnt, "styrke.db")
			args := []string{"--mount", "--propagation", "private"}
			if os.Geteuid() != 0 {
				args = append([]string{"--user", "--map-root-user"}, args...)
			}
			cp := ":"
			if tc.store {
				cp = `cp "$2" "$1/"`
			}
			args = append(args, "sh", "-c", `mount -t tmpfs -o size=16m tmpfs "$1" && `+cp+` && mount -o remount,ro "$1" && shift 2 && exec "$@"`,
				"sh", mnt, src, os.Args[0])
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "MNT", mnt))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, unshare, args...)
			cmd.Env = append(withoutStyrkeVariables(os.Environ()), "STYRKE_TEST_AS_MAIN=1", "HOME="+t.TempDir())
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			require.NoError(t, cmd.Start())
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case err = <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("%v on a read-only mount still runs after 10 s; want it to refuse:\n%s", tc.args, out.String())
			}
			require.Error(t, err, "exits non-zero: %s", out.String())
			assert.NotContains(t, out.String(), "unshare:", "the mount was made")
			assert.NotContains(t, out.String(), "mount:", "the mount was made")
			assert.Contains(t, out.String(), path+": read-only file system", "names the file and what is wrong")
			assert.Contains(t, out.String(), "mount it read-write", "says what to do")
			assert.NotContains(t, out.String(), "must be able to read and write", "not blamed on permissions")
			assert.NotContains(t, out.String(), "listening on", "never listened")
		})
	}
}
