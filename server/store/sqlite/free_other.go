//go:build !unix

package sqlite

// freeBytes cannot be told here.
func freeBytes(string) int64 { return -1 }
