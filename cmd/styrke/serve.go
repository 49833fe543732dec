package main

import (
	"context"
	"errors"
	"io"
)

// runServe is not written yet (scaffold; its issue replaces this file).
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("serve: not implemented yet")
}
