package main

import (
	"os"
	"testing"
)

// TestMain runs the program itself when STYRKE_TEST_AS_MAIN is 1, so that
// a test can start it as a process of its own (os.Args[0]) and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("STYRKE_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}
