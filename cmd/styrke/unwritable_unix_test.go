//go:build unix

package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// TestServeRefusesUnwritableStore: serve refuses to start on a SQLite store
// its user may read but not write, naming the file and the user, as it does
// a file it cannot open. A file of mode 0400 (another user's file after a
// restore) started serve, which said "listening" and answered every write
// 503; a folder where the -wal and -shm cannot be made stopped it with
// "migrate: version 1 (activations, accounts, password history)" for a store
// at the newest schema, as if it were empty. serve runs as a process of its
// own, as an unprivileged user when the test runs as root (root writes any
// file whatever its mode).
func TestServeRefusesUnwritableStore(t *testing.T) {
	for _, tc := range []struct {
		name              string
		fileMode, dirMode os.FileMode
	}{
		{"file read-only", 0o400, 0o700},
		{"folder read-only, a read-only -wal and -shm left", 0o600, 0o500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, bin := unprivileged(t)
			dir := filepath.Join(sharedTempDir(t), "data")
			require.NoError(t, os.Mkdir(dir, 0o700))
			path := filepath.Join(dir, "styrke.db")
			sqlitetest.Create(t, path)
			st, err := backend.Open(context.Background(), "sqlite:"+path)
			require.NoError(t, err)
			require.NoError(t, st.Close())
			// A clean stop may leave a -wal and -shm, root's; the user
			// makes its own, or (the folder not writable) finds those a
			// run of its own left while the file was read-only (SQLite
			// gives them the file's mode).
			for _, suffix := range []string{"-wal", "-shm"} {
				if err := os.Remove(path + suffix); err != nil {
					require.ErrorIs(t, err, fs.ErrNotExist)
				}
				if tc.dirMode == 0o500 {
					require.NoError(t, os.WriteFile(path+suffix, nil, 0o400))
				}
			}
			if cred != nil {
				for _, name := range []string{dir, path, path + "-wal", path + "-shm"} {
					if err := os.Chown(name, int(cred.Uid), int(cred.Gid)); err != nil {
						require.ErrorIs(t, err, fs.ErrNotExist)
					}
				}
			}
			require.NoError(t, os.Chmod(path, tc.fileMode))
			require.NoError(t, os.Chmod(dir, tc.dirMode))
			t.Cleanup(func() { os.Chmod(dir, 0o700); os.Chmod(path, 0o600) })

			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "serve", "--db", "sqlite:"+path, "--addr", "127.0.0.1:0", "--directory", "none")
			cmd.Env = append(os.Environ(), "STYRKE_TEST_AS_MAIN=1", "HOME="+dir)
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
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
				t.Fatalf("serve on a store it cannot write (file %v, folder %v) still runs after 10 s; want it to refuse at start:\n%s",
					tc.fileMode, tc.dirMode, out.String())
			}
			require.Error(t, err, "serve exits non-zero: %s", out.String())
			uid := os.Getuid()
			if cred != nil {
				uid = int(cred.Uid)
			}
			assert.Contains(t, out.String(), path+" cannot be written", "names the file")
			assert.Contains(t, out.String(), "uid "+strconv.Itoa(uid), "names the user")
			assert.Contains(t, out.String(), "its folder", "says the folder matters")
			assert.NotContains(t, out.String(), "version 1 (", "not a migration of an empty store")
			assert.NotContains(t, out.String(), "listening on", "never listened")
		})
	}
}

// unprivileged returns the credential to run a child as, nil to run it as
// this process's user, and the path of this test binary that the child can
// execute: as root, the user nobody and a copy of the binary in a folder
// that user may enter (the build's folder is root's own).
func unprivileged(t *testing.T) (*syscall.Credential, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return nil, os.Args[0]
	}
	uid, gid := uint32(65534), uint32(65534)
	if u, err := user.Lookup("nobody"); err == nil {
		n, err := strconv.ParseUint(u.Uid, 10, 32)
		require.NoError(t, err)
		g, err := strconv.ParseUint(u.Gid, 10, 32)
		require.NoError(t, err)
		uid, gid = uint32(n), uint32(g)
	}
	bin := filepath.Join(sharedTempDir(t), "styrke.test")
	src, err := os.Open(os.Args[0])
	require.NoError(t, err)
	defer src.Close()
	dst, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, err)
	require.NoError(t, dst.Close())
	return &syscall.Credential{Uid: uid, Gid: gid}, bin
}

// sharedTempDir is a new temporary folder that every user may enter (and
// none but its owner write): t.TempDir's parent is its owner's only.
func sharedTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "styrke-test-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	return dir
}
