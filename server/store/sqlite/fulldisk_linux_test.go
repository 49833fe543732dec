//go:build linux

package sqlite_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store/sqlite"
)

// fullDiskChild, set in a child's environment, is the folder where the
// child (this test binary in a mount namespace of its own) mounts the
// small file system it fills; fullDiskStore is the store it copies there.
const (
	fullDiskChild = "SQLITE_TEST_FULL_DISK"
	fullDiskStore = "SQLITE_TEST_FULL_DISK_STORE"
)

// TestOpenOnFullDisk: Open on a disk with no room left says that the disk
// is full, naming the file, what to do, and SQLite's own answer: it said
// "set WAL mode on PATH: disk I/O error (4874)" for a store copied there
// (SQLite could not grow the -shm file) and "database or disk is full
// (13)" for a new one, neither saying what to do. The disk is a real one:
// a tmpfs of 256 KiB, filled, mounted in a mount namespace of a child
// process (a user namespace too when the test does not run as root), so
// that nothing of it is seen outside the test.
func TestOpenOnFullDisk(t *testing.T) {
	if dir := os.Getenv(fullDiskChild); dir != "" {
		openOnFullDisk(t, dir, os.Getenv(fullDiskStore))
		return
	}
	// The store to copy in: a whole one, made on a disk with room.
	src := filepath.Join(t.TempDir(), "made.db")
	s, err := sqlite.Open(t.Context(), src)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS}
	if os.Geteuid() != 0 {
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestOpenOnFullDisk$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), fullDiskChild+"="+t.TempDir(), fullDiskStore+"="+src)
	cmd.SysProcAttr = attr
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	require.NoError(t, err, "the child's test on a full disk (a mount namespace: unshare(CLONE_NEWNS%s)):\n%s",
		map[bool]string{true: "|CLONE_NEWUSER"}[attr.Cloneflags&syscall.CLONE_NEWUSER != 0], out.String())
	require.Contains(t, out.String(), "--- PASS: TestOpenOnFullDisk", "the child ran the test:\n%s", out.String())
}

// openOnFullDisk is the child's part: mount a small tmpfs at dir, fill it,
// then open a store copied there before it filled, and a new one.
func openOnFullDisk(t *testing.T, dir, src string) {
	// Mounts made here stay here: the namespace's copy of the host's
	// mounts may be shared with it.
	require.NoError(t, syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""), "make / private")
	require.NoError(t, syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=256k,mode=0700"), "mount a tmpfs at %s", dir)
	defer syscall.Unmount(dir, syscall.MNT_DETACH)

	copied := filepath.Join(dir, "copied", "styrke.db")
	require.NoError(t, os.Mkdir(filepath.Dir(copied), 0o700))
	copyFile(t, src, copied)
	made := filepath.Join(dir, "new", "styrke.db")
	require.NoError(t, os.Mkdir(filepath.Dir(made), 0o700))
	fill(t, filepath.Join(dir, "filler"))

	for name, path := range map[string]string{"a store copied there": copied, "a new store": made} {
		t.Run(name, func(t *testing.T) {
			s, err := sqlite.Open(t.Context(), path)
			if err == nil {
				s.Close()
			}
			require.Error(t, err, "Open on a full disk")
			var full *sqlite.DiskFullError
			require.ErrorAs(t, err, &full, "got %v", err)
			assert.Equal(t, path, full.Path)
			assert.Less(t, full.Free, sqlite.MinFree)
			msg := err.Error()
			assert.Contains(t, msg, path, "names the file")
			assert.Contains(t, msg, "disk is full", "says the disk is full")
			assert.Contains(t, msg, "make room", "says what to do")
			assert.Contains(t, msg, strconv.FormatInt(full.Free, 10)+" bytes left", "says the room left")
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}

// fill writes path until its file system has no room left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			require.True(t, errors.Is(err, syscall.ENOSPC), "filling %s: %v", path, err)
			return
		}
	}
}
