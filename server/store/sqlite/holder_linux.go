package sqlite

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The bytes SQLite locks to write (its os_unix.c): in WAL mode byte 120 of
// the -shm file (WAL_WRITE_LOCK, after the 22 + 8 lock slots' base), in the
// rollback journal's mode the database file's lock range from its PENDING
// byte (1 GiB) on.
const (
	walWriteLock = 120
	pendingByte  = 0x40000000
	lockRange    = 512
)

// lockHolder returns the id and name of another process that holds a write
// lock SQLite takes to write the database at path (what this process
// waits for), read from /proc/locks; ok false when none does, or it cannot
// tell. It opens neither file: closing a descriptor of a file drops every
// POSIX lock this process holds on it, SQLite's own among them. The pid is
// 0 when the holder is in another PID namespace (a container).
func lockHolder(path string) (pid int, name string, ok bool) {
	locks, err := os.ReadFile("/proc/locks")
	if err != nil {
		return 0, "", false
	}
	shm, shmOK := fileID(path + "-shm")
	db, dbOK := fileID(path)
	self := os.Getpid()
	sc := bufio.NewScanner(bytes.NewReader(locks))
	for sc.Scan() {
		// "1: POSIX  ADVISORY  WRITE 4242 08:01:1234567 120 120"; a
		// blocked waiter's line has "->" after its number.
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[1] == "->" {
			continue
		}
		if len(f) != 8 || f[1] != "POSIX" || f[3] != "WRITE" {
			continue
		}
		p, err := strconv.Atoi(f[4])
		if err != nil || p == self {
			continue
		}
		start, err1 := strconv.ParseInt(f[6], 10, 64)
		end, err2 := lockEnd(f[7])
		if err1 != nil || err2 != nil {
			continue
		}
		switch {
		case shmOK && f[5] == shm && start <= walWriteLock && walWriteLock <= end:
		case dbOK && f[5] == db && start < pendingByte+lockRange && pendingByte <= end:
		default:
			continue
		}
		comm, _ := os.ReadFile("/proc/" + strconv.Itoa(p) + "/comm")
		return p, strings.TrimSpace(string(comm)), true
	}
	return 0, "", false
}

// fileID is path's device and inode as /proc/locks writes them:
// "MAJOR:MINOR:INODE", the device numbers in hexadecimal.
func fileID(path string) (string, bool) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return "", false
	}
	dev := uint64(st.Dev)
	return hex2(unix.Major(dev)) + ":" + hex2(unix.Minor(dev)) + ":" + strconv.FormatUint(st.Ino, 10), true
}

func hex2(n uint32) string {
	s := strconv.FormatUint(uint64(n), 16)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}

// lockEnd reads a lock's last byte: "EOF" for a lock to the end of the file.
func lockEnd(s string) (int64, error) {
	if s == "EOF" {
		return 1<<63 - 1, nil
	}
	return strconv.ParseInt(s, 10, 64)
}
