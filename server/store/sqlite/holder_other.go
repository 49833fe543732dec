//go:build !linux

package sqlite

// lockHolder is Linux's alone (/proc/locks); elsewhere it cannot tell.
func lockHolder(path string) (pid int, name string, ok bool) { return 0, "", false }
