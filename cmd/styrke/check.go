package main

import (
	"context"
	"errors"
	"io"
)

// runCheck is not written yet (scaffold; its issue replaces this file).
func runCheck(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("check: not implemented yet")
}
